"""Real face photos for tests and benchmarks, and degraded variants made in code.

The photos are the two that ship inside the insightface package (installed with the
test extra): ``t1.jpg``, six people around a table (1280x886), and
``Tom_Hanks_54745.png``, one aligned 112 px face. ``person_photo(i)`` crops person i
from t1.jpg into a selfie-like portrait; the ``degrade_*`` functions make the bad
photos the quality checks must catch (blur, under/over-exposure, a harsh side shadow,
a cut-off face, a turned head) and the good-but-different ones they must not penalise
(a darker skin tone).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter

# Face boxes of the six people in t1.jpg (left, top, right, bottom), as dlib finds them.
T1_FACES = {
    "rachel": (67, 283, 175, 390),
    "monica": (275, 176, 364, 265),
    "ross": (450, 295, 557, 402),
    "chandler": (724, 367, 832, 474),
    "joey": (870, 67, 999, 196),
    "phoebe": (1118, 283, 1226, 390),
}


def sample_images_dir() -> Path:
    try:
        import insightface
    except ImportError as exc:  # the photos come with the test extra
        raise RuntimeError("the test photos need the insightface package: pip install -e '.[test]'") from exc
    return Path(insightface.__file__).parent / "data" / "images"


def t1() -> Image.Image:
    with Image.open(sample_images_dir() / "t1.jpg") as image:
        return image.convert("RGB")


def tom_hanks() -> Image.Image:
    with Image.open(sample_images_dir() / "Tom_Hanks_54745.png") as image:
        return image.convert("RGB")


def person_photo(name: str, size: int = 1024, zoom: float = 1.2, shift: tuple[float, float] = (0.0, 0.0)) -> Image.Image:
    """A square portrait of one person from t1.jpg, upscaled to ``size`` pixels.

    The crop spans 3.2 face widths (head, hair, some shoulder) divided by ``zoom``;
    ``shift`` moves it by fractions of the face width. At the defaults the eyes are
    85-180 px apart, the size of a face in a phone selfie analysed at 1024 px.
    """
    left, top, right, bottom = T1_FACES[name]
    width = right - left
    cx = (left + right) / 2 + shift[0] * width
    cy = (top + bottom) / 2 + 0.15 * width + shift[1] * width
    half = 1.6 * width / zoom
    box = (round(cx - half), round(cy - half), round(cx + half), round(cy + half))
    return t1().crop(box).resize((size, size), Image.Resampling.LANCZOS)


def variants_of(name: str, count: int, size: int = 1024) -> list[Image.Image]:
    """Different framings and lighting of one person: a stand-in for several selfies."""
    settings = [
        (1.0, (0.0, 0.0), 1.0, 0),
        (1.25, (0.15, -0.05), 1.12, 4),
        (0.85, (-0.2, 0.1), 0.9, -5),
        (1.15, (-0.1, -0.15), 1.2, 8),
        (0.95, (0.25, 0.05), 0.82, -8),
        (1.3, (0.0, 0.15), 1.05, 3),
        (0.9, (0.1, -0.2), 0.95, -3),
        (1.1, (-0.25, 0.0), 1.15, 6),
    ]
    photos = []
    for zoom, shift, light, angle in settings[:count]:
        photo = person_photo(name, size, 1.2 * zoom, shift)
        photo = ImageEnhance.Brightness(photo).enhance(light)
        if angle:
            photo = photo.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=(120, 100, 90))
        photos.append(photo)
    return photos


# --- degradations ---------------------------------------------------------------------


def blur(image: Image.Image, radius: float = 6.0) -> Image.Image:
    return image.filter(ImageFilter.GaussianBlur(radius))


def underexpose(image: Image.Image, factor: float = 0.22) -> Image.Image:
    """A photo taken in too little light: everything, highlights included, pushed down."""
    return ImageEnhance.Brightness(image).enhance(factor)


def overexpose(image: Image.Image, factor: float = 2.6) -> Image.Image:
    """Blown out: most of the face clipped to white."""
    return ImageEnhance.Brightness(image).enhance(factor)


def darker_skin(image: Image.Image, albedo: float = 0.4) -> Image.Image:
    """The same person with a much darker skin tone, correctly exposed.

    Skin reflects ``albedo`` times as much light; the light itself is unchanged, so the
    ratios between lit and shaded skin stay as they were, and eye whites, teeth and the
    background stay bright, as on a well-exposed photo of a person with dark skin.
    """
    data = np.asarray(image, dtype=np.float64) / 255.0
    r, g, b = data[..., 0], data[..., 1], data[..., 2]
    # skin by its hue, at any brightness (the shaded side of the face too)
    total = r + g + b + 1e-6
    skin = (r / total > 0.37) & (r > g) & (g > b * 0.85) & (total > 0.15)
    mask = Image.fromarray((skin * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(3))
    weight = np.asarray(mask, dtype=np.float64)[..., None] / 255.0
    out = data * (1 - weight * (1 - albedo))
    return Image.fromarray((out * 255).round().astype(np.uint8))


def side_shadow(image: Image.Image, face_box: tuple[float, float, float, float], strength: float = 0.2) -> Image.Image:
    """Harsh light from one side: the left half of the face in deep shadow."""
    data = np.asarray(image, dtype=np.float64)
    left, _, right, _ = face_box
    middle = (left + right) / 2
    x = np.arange(data.shape[1])
    # strength on the far side, 1.0 on the lit side, a short soft edge at the middle
    ramp = np.clip((x - middle) / (0.06 * (right - left)) + 0.5, 0, 1)
    factor = strength + (1 - strength) * ramp
    return Image.fromarray(np.clip(data * factor[None, :, None], 0, 255).astype(np.uint8))


def cut_off(image: Image.Image, face_box: tuple[float, float, float, float], keep: float = 0.7) -> Image.Image:
    """Cropped through the face at the side: only ``keep`` of the face's width stays."""
    left, _, right, _ = face_box
    return image.crop((round(right - keep * (right - left)), 0, image.width, image.height))


def turn_head(image: Image.Image, nose: tuple[float, float], eye_distance: float, shift: float) -> Image.Image:
    """Move the middle of the face sideways by ``shift`` eye distances, as a head turn does
    (the nose moves across the face while the face outline stays): a smooth warp that is
    strongest at the nose and fades out before the eyes' outer corners."""
    data = np.asarray(image, dtype=np.float64)
    height, width = data.shape[:2]
    ys, xs = np.mgrid[:height, :width].astype(np.float64)
    sigma = 0.45 * eye_distance
    weight = np.exp(-(((xs - nose[0]) ** 2) + ((ys - nose[1] + 0.3 * eye_distance) ** 2) / 2.2) / (2 * sigma**2))
    source_x = np.clip(xs - shift * eye_distance * weight, 0, width - 1)
    x0 = np.floor(source_x).astype(int)
    x1 = np.minimum(x0 + 1, width - 1)
    t = (source_x - x0)[..., None]
    rows = np.arange(height)[:, None]
    warped = data[rows, x0] * (1 - t) + data[rows, x1] * t
    return Image.fromarray(warped.round().astype(np.uint8))


def with_exif_orientation(image: Image.Image, path: Path, orientation: int = 6) -> Path:
    """Save the photo stored sideways with an EXIF tag saying how to turn it upright
    (6: rotate 90 degrees clockwise to display), as phones do."""
    stored = {6: image.transpose(Image.Transpose.ROTATE_90), 8: image.transpose(Image.Transpose.ROTATE_270), 3: image.transpose(Image.Transpose.ROTATE_180)}[orientation]
    exif = Image.Exif()
    exif[0x0112] = orientation
    stored.save(path, exif=exif, quality=92)
    return path


def twelve_megapixels(image: Image.Image) -> Image.Image:
    """A 4000x3000 version of a portrait (the size of a 12-MP phone photo)."""
    square = image.resize((3000, 3000), Image.Resampling.BICUBIC)
    canvas = Image.new("RGB", (4000, 3000), tuple(int(v) for v in np.asarray(image).reshape(-1, 3).mean(axis=0)))
    canvas.paste(square, (500, 0))
    return canvas


def write_selfies(folder: Path, count: int, *, twelve_mp: bool = False, name: str = "chandler") -> list[Path]:
    """``count`` JPEG selfies of one person (:func:`variants_of`) as ``selfie-<i>.jpg``
    in ``folder``; at a phone camera's 4000x3000 with ``twelve_mp``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, photo in enumerate(variants_of(name, count)):
        paths.append(folder / f"selfie-{i}.jpg")
        (twelve_megapixels(photo) if twelve_mp else photo).save(paths[-1], quality=92)
    return paths


# --- eyes (the face mesh tests) --------------------------------------------------------


def eye_frames(face):
    """Per eye, from dlib's five points (not the mesh): (centre, across, down, width); the
    eye on the image's left first. dlib's order: the right eye's outer and inner corner,
    then the left eye's, then the nose."""
    points = np.array(face.points, dtype=np.float64)
    frames = []
    for outer, inner in ((2, 3), (0, 1)):
        a, b = points[outer], points[inner]
        width = float(np.linalg.norm(b - a))
        across = (b - a) / width
        if across[0] < 0:
            across = -across
        frames.append(((a + b) / 2, across, np.array([-across[1], across[0]]), width))
    return frames


def paint_eyes_shut(image: np.ndarray, face, which=(0, 1)) -> np.ndarray:
    """Eyes covered by lids: an ellipse over each eye (of ``which``: 0 the image's left)
    filled with the skin above the eye blending into the skin below it, with the dark seam
    of closed lashes along it."""
    out = image.astype(np.float64)
    ys, xs = np.mgrid[: image.shape[0], : image.shape[1]].astype(np.float64)
    for index, (centre, across, down, width) in enumerate(eye_frames(face)):
        if index not in which:
            continue

        r = max(1, int(0.08 * width))  # the skin above and below: medians of small squares
        above, below = (np.median(image[int(y) - r : int(y) + r + 1, int(x) - r : int(x) + r + 1].reshape(-1, 3), axis=0)
                        for x, y in (centre - down * 0.55 * width, centre + down * 0.55 * width))
        u = ((xs - centre[0]) * across[0] + (ys - centre[1]) * across[1]) / (0.6 * width)
        v = ((xs - centre[0]) * down[0] + (ys - centre[1]) * down[1]) / (0.3 * width)
        cover = np.clip((1.0 - np.hypot(u, v)) / 0.25, 0, 1)[..., None]
        blend = np.clip(v * 0.5 + 0.5, 0, 1)[..., None]
        out = out * (1 - cover) + (above * (1 - blend) + below * blend) * cover
        seam = (xs - centre[0]) * down[0] + (ys - centre[1]) * down[1] - 0.12 * width * (1 - u**2)
        lashes = np.exp(-(seam**2) / (2 * (0.03 * width) ** 2)) * np.clip((0.95 - np.abs(u)) / 0.1, 0, 1)
        out = out * (1 - 0.55 * lashes[..., None])
    return np.clip(out, 0, 255).round().astype(np.uint8)


def shift_in_eyes(image: np.ndarray, face, shift: float) -> np.ndarray:
    """What shows in each eye's opening (an ellipse between dlib's corners) moved sideways
    by ``shift`` eye widths (> 0: towards the image's right): the iris with it."""
    source = image.astype(np.float64)
    height, width_px = image.shape[:2]
    ys, xs = np.mgrid[:height, :width_px].astype(np.float64)
    out = source.copy()
    for centre, across, down, width in eye_frames(face):
        u = ((xs - centre[0]) * across[0] + (ys - centre[1]) * across[1]) / (0.45 * width)
        v = ((xs - centre[0]) * down[0] + (ys - centre[1]) * down[1]) / (0.225 * width)
        inside = np.clip((1 - np.hypot(u, v)) / 0.2, 0, 1)[..., None]
        sx, sy = xs - shift * width * across[0], ys - shift * width * across[1]
        x0 = np.clip(np.floor(sx).astype(int), 0, width_px - 2)
        y0 = np.clip(np.floor(sy).astype(int), 0, height - 2)
        fx, fy = (sx - x0)[..., None], (sy - y0)[..., None]
        moved = (source[y0, x0] * (1 - fx) * (1 - fy) + source[y0, x0 + 1] * fx * (1 - fy)
                 + source[y0 + 1, x0] * (1 - fx) * fy + source[y0 + 1, x0 + 1] * fx * fy)
        out = out * (1 - inside) + moved * inside
    return np.clip(out, 0, 255).round().astype(np.uint8)
