"""Colour with intent, measured on real photos with colour casts applied in code.

How a result is measured, independently of the pass's own estimate: the photo is first
balanced to 5500 K (``at_target``); a cast is a known chromatic adaptation of it; the
pass's result is compared with the balanced photo by fitting the 3x3 linear map between
them (in linear light), and the light of the result is that map applied to the balanced
photo's white.
"""

from __future__ import annotations

import numpy as np
import pytest
import skimage.data
from PIL import Image
from skimage.color import deltaE_ciede2000, rgb2lab

from headshot_studio.core import colour as c
from headshot_studio.core.faces import Face
from headshot_studio.core.faces.dlib_backend import DlibAnalyzer
from headshot_studio.core.styles import get_style
from headshot_studio.testing import face_photos as fp


@pytest.fixture(scope="module")
def photos():
    analyzer = DlibAnalyzer()
    found = {}
    for name, image in (("astronaut", Image.fromarray(skimage.data.astronaut())), ("t1", fp.t1().convert("RGB"))):
        faces = analyzer.detect(np.asarray(image))
        assert faces, name
        found[name] = (image, faces)
    return found


def _linear(image) -> np.ndarray:
    return c.srgb_to_linear(np.asarray(image, dtype=np.float64) / 255.0).reshape(-1, 3)


def light_of(result, reference) -> float:
    """Kelvin of the light ``result`` shows, ``reference`` being lit at 5500 K (fitted on
    the pixels that are clipped or black in neither)."""
    before, after = _linear(reference), _linear(result)
    fair = (before.max(axis=1) < 0.95) & (after.max(axis=1) < 0.95) & (before.min(axis=1) > 0.01) & (after.min(axis=1) > 0.01)
    mapping = np.linalg.lstsq(before[fair], after[fair], rcond=None)[0]
    kelvin, _ = c.xy_to_kelvin(*c._scene_xy(np.ones(3) @ mapping))
    return float(kelvin)


def cast(image, kelvin: float):
    """The scene lit by ``kelvin`` instead of 5500 K, the camera left as it was."""
    return c.apply_matrix(image, c.adaptation(5500, kelvin))


def at_target(image, faces):
    balanced, done = c.colour_toward(image, 5500, 1.0, faces=faces)
    assert "skipped" not in done
    return balanced


def skin_hue(image, faces) -> np.ndarray:
    lab = rgb2lab(np.asarray(image) / 255.0)
    hues = []
    for face in faces:
        left, top, right, bottom = (int(v) for v in face.box)
        inner = lab[top + (bottom - top) // 4: bottom - (bottom - top) // 4, left + (right - left) // 4: right - (right - left) // 4]
        mean = inner.reshape(-1, 3).mean(axis=0)
        hues.append(np.degrees(np.arctan2(mean[2], mean[1])))
    return np.array(hues)


def test_the_locus_and_temperatures_match_published_values():
    # CIE 1931 xy of black bodies (Wyszecki & Stiles), and McCamy's CCT of D65.
    assert c.kelvin_to_xy(3200) == pytest.approx((0.4234, 0.3990), abs=0.0015)
    assert c.kelvin_to_xy(5500) == pytest.approx((0.3325, 0.3411), abs=0.0015)
    assert c.kelvin_to_xy(6500) == pytest.approx((0.3135, 0.3236), abs=0.0015)
    kelvin, duv = c.xy_to_kelvin(0.31271, 0.32902)
    assert kelvin == pytest.approx(6504, abs=15) and duv == pytest.approx(0.0032, abs=0.001)
    for k in (3000, 5500, 8000):  # the white of a light, measured back
        measured, off = c.xy_to_kelvin(*c.light_to_xy(k, 0.005))
        assert measured == pytest.approx(k, rel=0.03) and off == pytest.approx(0.005, abs=0.001)


@pytest.mark.parametrize("name", ["astronaut", "t1"])
@pytest.mark.parametrize("kelvin", [3200, 7500])
def test_a_cast_on_a_neutral_style_ends_near_5500_k(photos, name, kelvin):
    image, faces = photos[name]
    balanced = at_target(image, faces)
    lit = cast(balanced, kelvin)
    assert abs(light_of(lit, balanced) - kelvin) < 150  # the measure sees the cast
    neutral = get_style("corporate-executive").finish()
    result, done = c.colour_toward(lit, neutral.colour_kelvin, faces=faces)
    assert abs(light_of(result, balanced) - 5500) < 400, done
    half, _ = c.colour_toward(lit, 5500, 0.5, faces=faces)
    assert abs(light_of(half, balanced) - 5500) > abs(light_of(result, balanced) - 5500)  # strength is honoured
    unchanged, _ = c.colour_toward(lit, 5500, 0.0, faces=faces)
    assert np.abs(np.asarray(unchanged, dtype=int) - np.asarray(lit, dtype=int)).max() <= 1


@pytest.mark.parametrize("name", ["astronaut", "t1"])
def test_a_warm_style_keeps_warm_light_and_skin(photos, name):
    image, faces = photos[name]
    warm_style = get_style("outdoor-natural-light")
    assert warm_style.colour == "warm"
    warm = cast(at_target(image, faces), warm_style.kelvin)  # lit as the style asks
    result, done = c.colour_toward(warm, warm_style.finish().colour_kelvin, faces=faces)
    assert np.abs(skin_hue(result, faces) - skin_hue(warm, faces)).max() <= 3.0, done
    # and a cold cast on the warm style ends warm, not neutral
    cold = cast(at_target(image, faces), 7500)
    result, _ = c.colour_toward(cold, warm_style.kelvin, faces=faces)
    assert abs(light_of(result, at_target(image, faces)) - warm_style.kelvin) < 400


@pytest.mark.parametrize("name", ["astronaut", "t1"])
def test_a_photo_at_the_target_hardly_changes(photos, name):
    image, faces = photos[name]
    balanced = at_target(image, faces)
    again, _ = c.colour_toward(balanced, 5500, faces=faces)
    difference = deltaE_ciede2000(rgb2lab(np.asarray(balanced) / 255.0), rgb2lab(np.asarray(again) / 255.0))
    assert difference.mean() <= 1.0


def test_skin_is_not_read_as_the_light():
    # A grey backdrop, a face and a lot of skin outside its box (neck, shoulders; the
    # issue's skin colour), under several lights: the light is read from the backdrop alone.
    scene = np.zeros((300, 300, 3), dtype=np.uint8)
    scene[:] = (150, 150, 150)
    scene[60:300, 40:260] = (225, 175, 145)
    face = Face(box=(120, 70, 180, 140), score=1.0, left_eye=(135, 95), right_eye=(165, 95), nose=(150, 110),
                yaw=0.0, pitch=0.0, roll=0.0)
    for kelvin in (5500, 3600, 7000):
        lit = cast(Image.fromarray(scene), kelvin)
        light = c.estimate_light(lit, [face])
        assert light is not None and abs(light.kelvin - kelvin) < 150, (kelvin, light)
    result, _ = c.colour_toward(Image.fromarray(scene), 5500, faces=[face])
    assert np.abs(np.asarray(result, dtype=int) - scene).max() <= 2  # nothing to correct, nothing changed
    # skin and a green wall, nothing neutral: the image is left alone, not recoloured
    scene[:60] = (225, 175, 145)
    scene[:, :40] = (40, 160, 60)
    scene[:, 260:] = (40, 160, 60)
    result, done = c.colour_toward(Image.fromarray(scene), 5500, faces=[face])
    assert "skipped" in done and np.array_equal(np.asarray(result), scene)


def test_faces_are_never_read(photos):
    image, faces = photos["astronaut"]
    data = np.asarray(image).copy()
    mask = c.face_region(image.size, faces)
    for face in faces:  # the face itself keeps its skin (its colour is what skin looks like)
        left, top, right, bottom = (int(v) for v in face.box)
        mask[top:bottom, left:right] = False
    blue_grey = np.asarray(cast(Image.new("RGB", (1, 1), (140, 140, 140)), 9500))[0, 0]
    data[mask] = blue_grey  # a grey under blue light, inside the head: it would pull the estimate blue
    with_face = c.estimate_light(Image.fromarray(data), faces)
    without = c.estimate_light(image, faces)
    assert with_face == without
    assert c.estimate_light(Image.fromarray(data)) != without  # the mask is what keeps it out
