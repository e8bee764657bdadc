"""Colour with intent: find the colour of the light in an image and move it toward the
look its style asks for (a 5500 K daylight-flash neutral, a warm or a cool light).

The old pass pulled every bright, nearly grey pixel to grey: a beige wall or skin counted
as "nearly grey", so warm styles lost their warmth and skin turned grey-pink. Here:

1. Colours are read in *scene* terms: linear light, with R = G = B standing for a white
   lit by the reference light (``REFERENCE_KELVIN``, the studio-flash daylight that
   cameras balance to). A grey wall under tungsten reads about 3200 K.
2. The light is estimated from areas that can be neutral: off the heads (the caller
   passes the faces), not clipped, not dark, and whose colour lies near the locus of
   real lights (black-body colours of 2500-10000 K). Skin is never used, however the
   light colours it: pixels of the colour of the faces' own skin (necks, hands: the
   same skin under the same light) are dropped, and after a first estimate the rest are
   seen under it and those with the hue of skin are dropped before estimating again.
3. A chromatic adaptation (Bradford, as colour-managed photo tools use) moves that light
   toward the style's intent, by the user's strength; temperatures are blended in mired,
   where equal steps look equal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# The light a neutral pixel (R = G = B) stands for: studio flash / daylight, the
# 5000-5600 K look PRODUCT.md asks of a professional headshot.
REFERENCE_KELVIN = 5500
# What each style intent means, in kelvin of the light the finished image shows.
INTENT_KELVIN = {"neutral": 5500, "warm": 4300, "cool": 6500}
COLOUR_INTENTS = tuple(INTENT_KELVIN)
# Lights the estimate believes: candles and sodium lamps are not headshot light, and past
# 10000 K a "neutral" area is a blue object, not a blue light.
KELVIN_RANGE = (2500, 10000)
# How far (in CIE 1960 uv) a colour may lie off the black-body locus and still be taken
# for a neutral surface under some light (coloured things lie much farther off).
MAX_NEUTRAL_DUV = 0.012
# Candidates must be lit (linear luminance) and not clipped in any channel (sRGB 250).
MIN_LUMINANCE = 0.03
MAX_CHANNEL = 0.955
# Fewer candidate pixels than this share of the image and there is no neutral area to
# read the light from: the image is left as it is (guessing would recolour it).
MIN_NEUTRAL_SHARE = 0.01
# Skin (and beige, wood, tan) once seen under the estimated light: hue angle in CIELAB
# (degrees) and chroma. Greys have chroma under ~6 and are kept.
SKIN_HUE_DEG = (15.0, 80.0)
SKIN_MIN_CHROMA = 7.0
# Pixels this close (CIE 1960 uv) to a face's own skin colour are skin too. Under one
# light, skin lies 0.027-0.063 from a grey (pale to dark skin), so greys stay candidates.
SKIN_UV_RADIUS = 0.015
# Pixels sampled to read the light (a regular grid over the image).
ESTIMATE_SAMPLES = 200_000
# The correction is refined until the corrected image reads within this of the target
# (about 15 K at 5500 K; a just-noticeable tint), at most ADAPT_ROUNDS times.
CONVERGED_MIRED = 0.5
CONVERGED_DUV = 0.0005
ADAPT_ROUNDS = 4
DEFAULT_COLOUR_STRENGTH = 1.0  # all the way: a style's intent is a decision, not a hint (the user may lower it)

# sRGB (linear) -> CIE XYZ with the D65 white, IEC 61966-2-1.
_RGB_TO_XYZ_D65 = np.array([
    [0.4124564, 0.3575761, 0.1804375],
    [0.2126729, 0.7151522, 0.0721750],
    [0.0193339, 0.1191920, 0.9503041],
])
_BRADFORD = np.array([
    [0.8951, 0.2664, -0.1614],
    [-0.7502, 1.7135, 0.0367],
    [0.0389, -0.0685, 1.0296],
])
_D65_XY = (0.31271, 0.32902)


@dataclass(frozen=True)
class Light:
    """The colour of a light: its temperature and its tint off the black-body locus."""

    kelvin: float
    duv: float  # > 0: greenish, < 0: magenta
    share: float  # share of the image's pixels it was read from (0-1)


def srgb_to_linear(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    return np.where(values <= 0.04045, values / 12.92, ((values + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(values: np.ndarray) -> np.ndarray:
    values = np.clip(values, 0.0, 1.0)
    return np.where(values <= 0.0031308, values * 12.92, 1.055 * values ** (1 / 2.4) - 0.055)


def kelvin_to_xy(kelvin):
    """Chromaticity of a black body at ``kelvin`` (1667-25000 K; a float or an array):
    Kim et al.'s cubic spline of the Planckian locus."""
    t = np.clip(np.asarray(kelvin, dtype=np.float64), 1667.0, 25000.0)
    x = np.where(t <= 4000,
                 -0.2661239e9 / t**3 - 0.2343589e6 / t**2 + 0.8776956e3 / t + 0.179910,
                 -3.0258469e9 / t**3 + 2.1070379e6 / t**2 + 0.2226347e3 / t + 0.240390)
    y = np.where(t <= 2222, -1.1063814 * x**3 - 1.34811020 * x**2 + 2.18555832 * x - 0.20219683,
                 np.where(t <= 4000, -0.9549476 * x**3 - 1.37418593 * x**2 + 2.09137015 * x - 0.16748867,
                          3.0817580 * x**3 - 5.87338670 * x**2 + 3.75112997 * x - 0.37001483))
    if x.ndim == 0:
        return float(x), float(y)
    return x, y


def _uv(x, y):
    """CIE 1960 uv of xy chromaticities (arrays or floats)."""
    d = -2 * x + 12 * y + 3
    return 4 * x / d, 6 * y / d


def xy_to_kelvin(x, y):
    """Correlated colour temperature (McCamy: within a few kelvin from 2800 to 6500 K,
    within 1-2% out to 10000 K) and Duv (signed distance off the locus in CIE 1960 uv)."""
    n = (x - 0.3320) / (0.1858 - y)
    kelvin = 449.0 * n**3 + 3525.0 * n**2 + 6823.3 * n + 5520.33
    kelvin = np.clip(kelvin, 1667.0, 25000.0)
    u, v = _uv(x, y)
    lu, lv = _uv(*kelvin_to_xy(kelvin))
    duv = np.sign(v - lv) * np.hypot(u - lu, v - lv)
    return kelvin, duv


def light_to_xy(kelvin: float, duv: float = 0.0) -> tuple[float, float]:
    """The chromaticity of a light ``duv`` off the locus at ``kelvin`` (normal to it)."""
    u0, v0 = _uv(*kelvin_to_xy(kelvin))
    u1, v1 = _uv(*kelvin_to_xy(kelvin + 1.0))
    du, dv = u1 - u0, v1 - v0
    norm = float(np.hypot(du, dv)) or 1.0
    u, v = u0 + duv * dv / norm, v0 - duv * du / norm  # the normal on the side of higher v
    d = 2 * u - 8 * v + 4
    return 3 * u / d, 2 * v / d


def _xyz_white(xy: tuple[float, float]) -> np.ndarray:
    x, y = xy
    return np.array([x / y, 1.0, (1 - x - y) / y])


def _bradford(source_xy: tuple[float, float], target_xy: tuple[float, float]) -> np.ndarray:
    """XYZ -> XYZ adaptation from a light of ``source_xy`` to one of ``target_xy``."""
    source = _BRADFORD @ _xyz_white(source_xy)
    target = _BRADFORD @ _xyz_white(target_xy)
    return np.linalg.inv(_BRADFORD) @ np.diag(target / source) @ _BRADFORD


# Linear RGB -> scene XYZ: R = G = B is the reference light's white, not D65's.
_SCENE = _bradford(_D65_XY, kelvin_to_xy(REFERENCE_KELVIN)) @ _RGB_TO_XYZ_D65


def adaptation(source: Light | float, target: Light | float) -> np.ndarray:
    """The 3x3 matrix (linear RGB, applied as ``rgb @ M.T``) that makes a scene lit by
    ``source`` look lit by ``target`` (a Light or kelvin on the locus)."""
    def xy(light):
        return light_to_xy(light.kelvin, light.duv) if isinstance(light, Light) else kelvin_to_xy(light)

    return np.linalg.inv(_SCENE) @ _bradford(xy(source), xy(target)) @ _SCENE


def _linear(image) -> np.ndarray:
    return srgb_to_linear(np.asarray(image.convert("RGB"), dtype=np.float64) / 255.0)


def _to_image(linear: np.ndarray):
    from PIL import Image

    return Image.fromarray((linear_to_srgb(linear) * 255.0).round().astype(np.uint8))


def apply_matrix(image, matrix: np.ndarray):
    """``image`` (PIL, RGB) with ``matrix`` applied in linear light."""
    return _to_image(_linear(image) @ matrix.T)


def _scene_xy(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    xyz = rgb @ _SCENE.T
    total = np.maximum(xyz.sum(axis=-1), 1e-9)
    return xyz[..., 0] / total, xyz[..., 1] / total


def _lab_hue_chroma(linear: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """CIELAB hue (degrees) and chroma of linear sRGB colours (D65)."""
    xyz = linear @ _RGB_TO_XYZ_D65.T / _xyz_white(_D65_XY)
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    a = 500 * (f[..., 0] - f[..., 1])
    b = 200 * (f[..., 1] - f[..., 2])
    return np.degrees(np.arctan2(b, a)) % 360, np.hypot(a, b)


def face_region(size: tuple[int, int], faces) -> np.ndarray:
    """H x W bool: each face's head, from above the forehead to below the chin (hair,
    skin and all: the area the light is never read from)."""
    width, height = size
    mask = np.zeros((height, width), dtype=bool)
    for face in faces:
        left, top, right, bottom = face.box
        w, h = right - left, bottom - top
        cx = (left + right) / 2
        y0, y1 = int(max(0, top - 0.5 * h)), int(min(height, bottom + 0.6 * h))
        x0, x1 = int(max(0, cx - 0.8 * w)), int(min(width, cx + 0.8 * w))
        mask[y0:y1, x0:x1] = True
    return mask


def _skin_uv(linear: np.ndarray, faces) -> np.ndarray:
    """The median skin colour (uv) of each face: the middle of its box, cheeks and nose."""
    height, width = linear.shape[:2]
    colours = []
    for face in faces:
        left, top, right, bottom = face.box
        w, h = right - left, bottom - top
        inner = linear[int(max(0, top + 0.3 * h)):int(min(height, bottom - 0.2 * h)),
                       int(max(0, left + 0.25 * w)):int(min(width, right - 0.25 * w))].reshape(-1, 3)
        inner = inner[inner @ _RGB_TO_XYZ_D65[1] >= MIN_LUMINANCE]
        if len(inner):
            colours.append(np.median(np.stack(_uv(*_scene_xy(inner)), axis=1), axis=0))
    return np.array(colours).reshape(-1, 2)


def estimate_light(image, faces=()) -> Light | None:
    """The light's colour read from the image's neutral areas, or None when it has none.
    ``faces`` (core.faces.Face) are never read, nor is skin of their colour."""
    return _estimate(_linear(image), faces)


def _estimate(linear: np.ndarray, faces=()) -> Light | None:
    # Every pixel is not needed to read a light: a regular sample of about
    # ESTIMATE_SAMPLES keeps the pass fast at 2048 px and up.
    step = max(1, int(np.sqrt(linear.shape[0] * linear.shape[1] / ESTIMATE_SAMPLES)))
    pixels = linear[::step, ::step].reshape(-1, 3)
    luminance = pixels @ _RGB_TO_XYZ_D65[1]
    usable = (luminance >= MIN_LUMINANCE) & (pixels.max(axis=1) <= MAX_CHANNEL)
    if faces:
        usable &= ~face_region((linear.shape[1], linear.shape[0]), faces)[::step, ::step].reshape(-1)
    candidates = pixels[usable]
    if len(candidates) == 0:
        return None
    x, y = _scene_xy(candidates)
    kelvin, duv = xy_to_kelvin(x, y)
    low, high = KELVIN_RANGE
    near_locus = (np.abs(duv) <= MAX_NEUTRAL_DUV) & (kelvin >= low) & (kelvin <= high)
    skin = _skin_uv(linear, faces)
    if len(skin):
        uv = np.stack(_uv(x, y), axis=1)
        near_locus &= np.linalg.norm(uv[:, None, :] - skin[None, :, :], axis=2).min(axis=1) > SKIN_UV_RADIUS
    candidates, closeness = candidates[near_locus], np.exp(-(duv[near_locus] / (MAX_NEUTRAL_DUV / 2)) ** 2)
    light = None
    for _ in range(2):  # 2: once more, without what looks like skin under the first estimate
        if len(candidates) < MIN_NEUTRAL_SHARE * len(pixels):
            return None
        # Brighter neutrals show the light best (shadows mix in coloured bounce light).
        weights = (candidates @ _RGB_TO_XYZ_D65[1]) * closeness
        mean = (candidates * weights[:, None]).sum(axis=0) / weights.sum()
        k, d = xy_to_kelvin(*_scene_xy(mean))
        light = Light(kelvin=float(k), duv=float(d), share=len(candidates) / len(pixels))
        seen = candidates @ adaptation(light, REFERENCE_KELVIN).T
        hue, chroma = _lab_hue_chroma(np.clip(seen, 0, None))
        skin = (hue >= SKIN_HUE_DEG[0]) & (hue <= SKIN_HUE_DEG[1]) & (chroma >= SKIN_MIN_CHROMA)
        if not skin.any():
            break
        candidates, closeness = candidates[~skin], closeness[~skin]
    return light


def colour_toward(image, intent_kelvin: float, strength: float = DEFAULT_COLOUR_STRENGTH,
                  faces=()) -> tuple[object, dict]:
    """Move the image's light toward ``intent_kelvin`` by ``strength`` (0: unchanged,
    1: all the way); the light is never read from ``faces``. Returns the image and what
    was done, for the image's metadata."""
    linear = _linear(image)
    light = _estimate(linear, faces)
    if light is None:
        return image, {"skipped": "no neutral area to read the light from"}
    mired = 1e6 / light.kelvin + strength * (1e6 / intent_kelvin - 1e6 / light.kelvin)
    target = Light(kelvin=1e6 / mired, duv=light.duv * (1 - strength), share=1.0)
    # Which pixels read as neutral depends a little on the light they are seen under, so
    # the estimate is repeated on the corrected image until it agrees with the target.
    matrix = np.eye(3)
    seen = light
    for _ in range(ADAPT_ROUNDS):
        matrix = adaptation(seen, target) @ matrix
        seen = _estimate(linear @ matrix.T, faces)
        if seen is None or (abs(1e6 / seen.kelvin - mired) < CONVERGED_MIRED and abs(seen.duv - target.duv) < CONVERGED_DUV):
            break
    return _to_image(linear @ matrix.T), {
        "target_kelvin": round(float(intent_kelvin)),
        "estimated_kelvin": round(light.kelvin),
        "estimated_duv": round(light.duv, 4),
        "moved_to_kelvin": round(target.kelvin),
        "strength": strength,
    }
