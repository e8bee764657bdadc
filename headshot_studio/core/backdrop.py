"""Backdrops a studio can brand: a flat colour, a gradient or its own picture behind the
person, composited so the person looks lit by it rather than cut out.

:func:`render_backdrop` paints a :class:`Backdrop` at a size; :func:`replace_backdrop`
puts a photo's person (its alpha matte comes from
:class:`headshot_studio.core.segmentation.PersonSegmenter`) in front of it:

1. everything is mixed in linear light (sRGB decoded first, encoded at the end), as
   light mixes: a strand that covers half a pixel gives half its light, which in
   sRGB values would come out too dark and look like a dark fringe;
2. the person's colours at the soft edge are estimated afresh (Forte and Pitié's
   blur-fusion foreground estimation, "Approximate Fast Foreground Colour
   Estimation", ICIP 2021): an edge pixel is a mix of hair and the old background,
   and without this the old background's colour rides along into the new picture as
   a tinted fringe;
3. a soft light wrap: the new backdrop's light, blurred, spills a few pixels into the
   person's edge, as light from behind a subject does in a real studio.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from headshot_studio.core import colour
from headshot_studio.core.events import InputError

KINDS = ("generated", "colour", "gradient", "image")
DIRECTIONS = ("vertical", "radial")
# Where a radial gradient is brightest/centred, as fractions of width and height:
# behind the head of a headshot framed in the usual way.
RADIAL_CENTRE = (0.5, 0.4)
# The light wrap: how strongly the backdrop's light tints the person's edge (0 = none,
# 1 = the very edge takes the backdrop's colour), and how far it reaches, as a share of
# the image's long side (0.4% = 4 px at 1024: "a few pixels").
LIGHT_WRAP = 0.3
LIGHT_WRAP_REACH = 0.004
# Blur-fusion foreground estimation: a wide pass (local colour of person and old
# background) and a narrow one (the edge itself), radii as shares of the long side
# (92 px and 6 px at 1024, the paper's 90 and 6 for photos of that size).
FOREGROUND_WIDE = 0.09
FOREGROUND_NARROW = 0.006


class BackdropError(InputError, ValueError):
    """A backdrop that cannot be used: a wrong setting (quoted) or an unusable picture.
    Also a ValueError, so a style loader may treat it as any bad value."""


@dataclass(frozen=True)
class Backdrop:
    """What goes behind the person. ``kind``: "generated" (keep what the model drew),
    "colour" (``colour``), "gradient" (``colour`` to ``colour2``, "vertical" top to
    bottom or "radial" centre to corners) or "image" (the picture file ``image``,
    scaled to cover and cropped). Colours are (red, green, blue), 0-255 each."""

    kind: str  # "generated" (keep), "colour", "gradient", "image"
    colour: tuple[int, int, int] | None = None
    colour2: tuple[int, int, int] | None = None  # gradient end
    direction: str = "vertical"  # or "radial"
    image: Path | None = None

    def check(self) -> None:
        """Raise :class:`BackdropError` quoting the first bad value. Settings that the
        kind does not use are refused too, so a typo never passes silently."""
        if self.kind not in KINDS:
            raise BackdropError(f"The backdrop kind {self.kind!r} is unknown: use one of {', '.join(KINDS)}.")
        if self.direction not in DIRECTIONS:
            raise BackdropError(
                f"The backdrop direction {self.direction!r} is unknown: use one of {', '.join(DIRECTIONS)}."
            )
        uses = {
            "generated": set(),
            "colour": {"colour"},
            "gradient": {"colour", "colour2"},
            "image": {"image"},
        }[self.kind]
        for name in ("colour", "colour2", "image"):
            value = getattr(self, name)
            if name in uses and value is None:
                raise BackdropError(f"A {self.kind} backdrop needs {_setting(name)}.")
            if name not in uses and value is not None:
                raise BackdropError(f"A {self.kind} backdrop takes no {_setting(name)} (it is {value!r}).")
        if self.direction != "vertical" and self.kind != "gradient":
            raise BackdropError(f"A {self.kind} backdrop takes no direction (it is {self.direction!r}).")
        for name in ("colour", "colour2"):
            value = getattr(self, name)
            if name in uses and not _is_colour(value):
                raise BackdropError(
                    f"The backdrop {_setting(name)} must be three whole numbers from 0 to 255 "
                    f"(red, green, blue); it is {value!r}."
                )
        if "image" in uses and not isinstance(self.image, (str, Path)):
            raise BackdropError(f"The backdrop picture must be a file path; it is {self.image!r}.")


def _setting(name: str) -> str:
    return {"colour": "a colour", "colour2": "an end colour (colour2)", "image": "a picture file"}[name]


def _is_colour(value) -> bool:
    return (
        isinstance(value, (tuple, list))
        and len(value) == 3
        and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and 0 <= v <= 255 for v in value)
    )


# --- painting a backdrop -------------------------------------------------------------


def render_backdrop(backdrop: Backdrop, size: tuple[int, int]):
    """``backdrop`` painted at ``size`` (width, height) as an RGB PIL image. Gradients are
    dithered (a fixed seed, so the same settings give the same pixels) so that 8-bit
    steps do not show as bands; a picture is scaled to cover ``size`` and centre-cropped."""
    from PIL import Image, ImageOps

    backdrop.check()
    width, height = _check_size(size)
    if backdrop.kind == "generated":
        raise ValueError("a generated backdrop is kept as the model drew it: there is nothing to render")
    if backdrop.kind == "colour":
        return Image.new("RGB", (width, height), tuple(int(v) for v in backdrop.colour))
    if backdrop.kind == "gradient":
        return Image.fromarray(_gradient(backdrop, width, height))
    picture = _load_picture(Path(backdrop.image))
    return ImageOps.fit(picture, (width, height), method=Image.Resampling.LANCZOS, centering=(0.5, 0.5))


def _check_size(size) -> tuple[int, int]:
    try:
        width, height = size
    except (TypeError, ValueError):
        raise ValueError(f"size must be (width, height), got {size!r}") from None
    if not all(isinstance(v, (int, np.integer)) and v > 0 for v in (width, height)):
        raise ValueError(f"size must be two positive whole numbers, got {size!r}")
    return int(width), int(height)


def _gradient(backdrop: Backdrop, width: int, height: int) -> np.ndarray:
    """The gradient as uint8. Interpolated between the sRGB values, as design tools and
    CSS do (it reads as even steps of lightness), then dithered with triangular noise of
    +-1 level before rounding, which turns 8-bit steps into invisible grain. The seed is
    fixed: the same settings give the same pixels."""
    if backdrop.direction == "vertical":
        t = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None] * np.ones((1, width), np.float32)
    else:
        cx, cy = RADIAL_CENTRE[0] * (width - 1), RADIAL_CENTRE[1] * (height - 1)
        ys, xs = np.ogrid[:height, :width]
        distance = np.sqrt((xs - cx) ** 2 + (ys - cy) ** 2, dtype=np.float32)
        farthest = max(np.hypot(x - cx, y - cy) for x in (0, width - 1) for y in (0, height - 1))
        t = distance / max(float(farthest), 1e-6)
    start = np.asarray(backdrop.colour, np.float32)
    end = np.asarray(backdrop.colour2, np.float32)
    values = start + t[..., None] * (end - start)
    # One noise value per pixel, shared by its three channels (grain in lightness only,
    # the way film grain looks; a third of the cost of noise per channel).
    rng = np.random.default_rng(0)
    noise = rng.random((height, width, 1), dtype=np.float32) - rng.random((height, width, 1), dtype=np.float32)
    return np.clip(np.floor(values + noise + 0.5), 0, 255).astype(np.uint8)


def _load_picture(path: Path):
    """The backdrop picture through the app's safe loader; its errors re-worded for a
    backdrop (its own message says what the file is and what to choose instead)."""
    from headshot_studio.core.images import display_name, load_image

    try:
        return load_image(path).image
    except InputError as exc:
        raise BackdropError(
            f"The backdrop picture “{display_name(path)}” cannot be used. {exc.message}",
            details=exc.details or str(path),
        ) from exc


# --- compositing -----------------------------------------------------------------------


def replace_backdrop(image, alpha: np.ndarray, backdrop_image, light_wrap: float = LIGHT_WRAP, *,
                     light_wrap_reach: float = LIGHT_WRAP_REACH):
    """``image``'s person (where ``alpha`` is 1) in front of ``backdrop_image`` (same size),
    as an RGB PIL image. ``light_wrap`` (0-1) is how strongly the backdrop's light
    spills into the person's edge; ``light_wrap_reach`` how far, as a share of the long
    side. See the module docstring for the steps.

    Only the pixels that mix anything (the soft edge, and the thin band the light wrap
    reaches) go through the arithmetic; the rest are copied from the photo (alpha 1) or
    the backdrop (alpha 0) as they are, which gives the same pixels several times faster."""
    from PIL import Image

    # 0. inputs
    if not 0.0 <= light_wrap <= 1.0:
        raise ValueError(f"light_wrap must be from 0 to 1, got {light_wrap!r}")
    if not 0.0 < light_wrap_reach <= 0.1:
        raise ValueError(f"light_wrap_reach must be above 0 and at most 0.1, got {light_wrap_reach!r}")
    if image.size != backdrop_image.size:
        raise ValueError(f"the backdrop is {backdrop_image.size} px but the image is {image.size} px")
    alpha = np.asarray(alpha, dtype=np.float32)
    if alpha.shape != (image.height, image.width):
        raise ValueError(f"alpha has shape {alpha.shape} but the image is {image.width} x {image.height} px")
    alpha = np.clip(alpha, 0.0, 1.0)
    long_side = max(image.size)
    photo_srgb = np.asarray(image.convert("RGB"))
    backdrop_srgb = np.asarray(backdrop_image.convert("RGB"))

    # 1. linear light
    photo = srgb_to_linear(photo_srgb)
    backdrop = srgb_to_linear(backdrop_srgb)

    # 2. where anything mixes. The light wrap's weight: the blurred share of "outside the person's outline" near each
    # pixel, a thin band inside the outline (further in, no backdrop is near; outside,
    # alpha hides it). The outline (alpha 0.5), not alpha itself: a translucent spot
    # inside the hair must not catch the backdrop's colour as a speckle.
    if light_wrap > 0:
        sigma = max(0.5, light_wrap_reach * long_side)
        near = _smooth_blur((alpha < 0.5).astype(np.float32), sigma)
        weight = light_wrap * near
    else:
        sigma, weight = 0.0, np.zeros_like(alpha)
    # Mixed pixels: the soft edge, and the band where the wrap is visible
    # (a weight of 1e-4 moves a colour by under half an 8-bit level); as flat indices
    touched = np.flatnonzero((alpha > 0) & ((alpha < 1) | (weight > 1e-4)))

    # 3. the person's own colours there, free of the old background; then the light wrap
    foreground = _edge_foreground(photo, alpha, long_side, touched)
    a = alpha.reshape(-1)[touched][:, None]
    if light_wrap > 0:
        spill = _smooth_blur(backdrop, sigma).reshape(-1, 3)[touched]
        w = weight.reshape(-1)[touched][:, None]
        foreground = foreground + w * (spill - foreground)

    # 4. over, in linear light, back to sRGB (np.where makes a new contiguous array, so
    # its reshape is a view and the assignment lands in it)
    out = np.where(alpha[..., None] >= 1.0, photo_srgb, backdrop_srgb)
    mixed = a * foreground + (1.0 - a) * backdrop.reshape(-1, 3)[touched]
    out.reshape(-1, 3)[touched] = linear_to_srgb(mixed)
    return Image.fromarray(out)


def estimate_foreground(photo: np.ndarray, alpha: np.ndarray, long_side: int | None = None) -> np.ndarray:
    """The person's colour at every pixel (linear RGB float32, H x W x 3), from the photo
    and its matte: Forte and Pitié's blur fusion, a wide pass then a narrow one. Where
    alpha is 1 it is the photo itself; at the soft edge the old background's share is
    taken out. (Where alpha is 0 the value is a guess that compositing never shows.)"""
    alpha = np.asarray(alpha, dtype=np.float32)
    soft = np.flatnonzero((alpha > 0) & (alpha < 1))
    foreground = photo.astype(np.float32, copy=True)
    foreground.reshape(-1, 3)[soft] = _edge_foreground(photo, alpha, long_side or max(photo.shape[:2]), soft)
    return foreground


def _edge_foreground(photo: np.ndarray, alpha: np.ndarray, long_side: int, where: np.ndarray) -> np.ndarray:
    """:func:`estimate_foreground` at the pixels ``where`` (flat indices) only: N x 3.

    The wide pass's blurred colours are smooth by nature, so they are computed on a copy
    reduced until the window is ~16 px and enlarged again; the narrow pass runs at full
    size. Only the soft edge's pixels are ever solved: elsewhere alpha is 0 or 1 and the
    answer is known (the photo itself where alpha is 1)."""
    import cv2

    height, width = alpha.shape
    wide = max(3, round(FOREGROUND_WIDE * long_side))
    narrow = max(1, round(FOREGROUND_NARROW * long_side))
    a = alpha[..., None]
    flat_alpha = alpha.reshape(-1)
    soft = np.flatnonzero((flat_alpha > 0) & (flat_alpha < 1))
    flat_photo = photo.reshape(-1, 3)
    colour_times_alpha = photo * a  # F alpha, with F = the photo to start with

    # wide pass (reduced): local colour of the person and of the old background
    scale = min(1.0, 16.0 / wide)
    small = (max(1, round(width * scale)), max(1, round(height * scale)))
    radius = max(1, round(wide * scale))

    def reduce(x):
        return cv2.resize(x, small, interpolation=cv2.INTER_AREA) if scale < 1 else x

    def enlarge(x):
        return cv2.resize(x, (width, height), interpolation=cv2.INTER_LINEAR) if scale < 1 else x

    def box(x, r):
        return cv2.blur(x, (r, r), borderType=cv2.BORDER_REFLECT)

    alpha_small = box(reduce(alpha), radius)[..., None]
    # reduce() averages, so reduce(photo (1 - a)) = reduce(photo) - reduce(photo a)
    photo_alpha_small = reduce(colour_times_alpha)
    blurred_f = enlarge(box(photo_alpha_small, radius) / (alpha_small + 1e-5))
    blurred_b = enlarge(box(reduce(photo) - photo_alpha_small, radius) / ((1.0 - alpha_small) + 1e-5))

    # the compositing equation photo = a F + (1 - a) B solved for F around those local
    # estimates (the paper's eq. 5), at the soft pixels
    def solve(at, blurred_f_at, blurred_b_at):
        a_at = flat_alpha[at][:, None]
        f = blurred_f_at + a_at * (flat_photo[at] - a_at * blurred_f_at - (1.0 - a_at) * blurred_b_at)
        return np.clip(f, 0.0, 1.0), a_at

    f_soft, a_soft = solve(soft, blurred_f.reshape(-1, 3)[soft], blurred_b.reshape(-1, 3)[soft])
    colour_times_alpha.reshape(-1, 3)[soft] = f_soft * a_soft

    # narrow pass (full size): the same around much closer estimates
    blurred_alpha = box(alpha, narrow).reshape(-1)[where][:, None]
    near_f = box(colour_times_alpha, narrow).reshape(-1, 3)[where] / (blurred_alpha + 1e-5)
    near_b = box(blurred_b * (1.0 - a), narrow).reshape(-1, 3)[where] / ((1.0 - blurred_alpha) + 1e-5)
    result, a_where = solve(where, near_f, near_b)
    return np.where(a_where >= 1.0, flat_photo[where], result)


def _smooth_blur(x: np.ndarray, sigma: float) -> np.ndarray:
    """A Gaussian blur of ``sigma`` px; for wide blurs, on a copy reduced so sigma is
    ~2 px there (the result is smooth, so nothing visible is lost) and enlarged again."""
    import cv2

    factor = max(1, int(sigma // 2))
    if factor == 1:
        return cv2.GaussianBlur(x, (0, 0), sigma)
    height, width = x.shape[:2]
    small = cv2.resize(x, (max(1, width // factor), max(1, height // factor)), interpolation=cv2.INTER_AREA)
    blurred = cv2.GaussianBlur(small, (0, 0), sigma / factor)
    return cv2.resize(blurred, (width, height), interpolation=cv2.INTER_LINEAR)


# --- sRGB <-> linear, for 8-bit images: tables of colour.py's transfer functions --------

_DECODE = None
_ENCODE = None
_ENCODE_STEPS = 65535  # a 16-bit table: under 0.05 of an 8-bit level of error even in the darks


def srgb_to_linear(values: np.ndarray) -> np.ndarray:
    """uint8 sRGB -> float32 linear light in [0, 1] (IEC 61966-2-1), through a table."""
    global _DECODE
    if _DECODE is None:
        _DECODE = colour.srgb_to_linear(np.arange(256, dtype=np.float64) / 255.0).astype(np.float32)
    return _DECODE[values]


def linear_to_srgb(values: np.ndarray) -> np.ndarray:
    """float linear light -> uint8 sRGB, rounded, through a table."""
    global _ENCODE
    if _ENCODE is None:
        encoded = colour.linear_to_srgb(np.arange(_ENCODE_STEPS + 1, dtype=np.float64) / _ENCODE_STEPS)
        _ENCODE = np.clip(np.round(encoded * 255.0), 0, 255).astype(np.uint8)
    index = np.clip(values, 0.0, 1.0) * _ENCODE_STEPS + 0.5
    return _ENCODE[index.astype(np.uint16)]
