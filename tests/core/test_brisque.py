"""BRISQUE against OpenCV contrib's own implementation, on real photos and damaged copies.

The photos: scikit-image's sample images (shipped inside scikit-image, which insightface
brings with the test extra) and insightface's t1.jpg; the damaged copies are made here.
"""

from __future__ import annotations

import hashlib
import io
import shutil

import cv2
import numpy as np
import pytest
from PIL import Image

from headshot_studio.core import brisque
from headshot_studio.core.brisque import Brisque, quality_from_brisque
from headshot_studio.core.events import InputError, ModelDamagedError, ModelNotFoundError
from headshot_studio.testing import face_photos


# --- the photos --------------------------------------------------------------------------


def _sample(name: str) -> np.ndarray:
    from skimage import data

    image = getattr(data, name)()
    return np.stack([image] * 3, axis=-1) if image.ndim == 2 else image


def _t1() -> np.ndarray:
    return np.asarray(face_photos.t1())  # 1280x886, six people at a table


def _blurred(image: np.ndarray, sigma: float) -> np.ndarray:
    return cv2.GaussianBlur(image, (0, 0), sigma)  # 8-bit Gaussian blur: bit-exact in OpenCV


def _noisy(image: np.ndarray, sigma: float, seed: int = 0) -> np.ndarray:
    noise = np.random.default_rng(seed).normal(0.0, sigma, image.shape)
    return np.clip(np.rint(image + noise), 0, 255).astype(np.uint8)


def _jpeg(image: np.ndarray, quality: int) -> np.ndarray:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "JPEG", quality=quality)
    with Image.open(buffer) as decoded:
        return np.asarray(decoded.convert("RGB"))


RECIPES = {
    "astronaut": lambda: _sample("astronaut"),
    "camera": lambda: _sample("camera"),  # grey, given as RGB
    "coffee": lambda: _sample("coffee"),
    "chelsea": lambda: _sample("chelsea"),  # odd width: 451 px
    "t1": _t1,
    "t1 blur 1": lambda: _blurred(_t1(), 1.0),
    "t1 blur 2": lambda: _blurred(_t1(), 2.0),
    "t1 blur 4": lambda: _blurred(_t1(), 4.0),
    "t1 noise 10": lambda: _noisy(_t1(), 10.0),
    "t1 noise 25": lambda: _noisy(_t1(), 25.0),
    "t1 jpeg 10": lambda: _jpeg(_t1(), 10),
    "astronaut jpeg 5": lambda: _jpeg(_sample("astronaut"), 5),
    "chelsea noise 15": lambda: _noisy(_sample("chelsea"), 15.0),
}

# Measured with an independent implementation, OpenCV's own C++ one: in a throw-away venv,
#   pip install opencv-contrib-python-headless==5.1.0.95
#   cv2.quality.QualityBRISQUE_compute(image[..., ::-1], "brisque_model_live.yml", "brisque_range_live.yml")
# on the pixels the recipes above made with this project's locked packages (their sha256,
# first 16 hex digits, is kept beside each score: another Pillow or OpenCV may make other
# pixels, and then the scores must be measured again the same way).
OPENCV_CONTRIB = {
    "astronaut": (0.4944, "a8c429c18afa7b0f"),
    "camera": (0.0000, "13e2b4aa92cb1649"),  # OpenCV's prediction is below 0, clamped to 0
    "coffee": (3.6064, "0ce2b51640b9c95f"),
    "chelsea": (2.0659, "416b729128bfb2c3"),
    "t1": (23.7560, "52d0431e7397c00d"),
    "t1 blur 1": (42.9026, "a2bf489306893e50"),
    "t1 blur 2": (58.5044, "942aba1e47604c4b"),
    "t1 blur 4": (69.0332, "f424cc06dbc17e4c"),
    "t1 noise 10": (28.9332, "1455556489ce6504"),
    "t1 noise 25": (52.7071, "18cb7d946f01ea7f"),
    "t1 jpeg 10": (51.3890, "b0596c7dc8767f89"),
    "astronaut jpeg 5": (54.5045, "7ef0b58927efe9f1"),
    "chelsea noise 15": (34.5934, "4bc4b05ebd2f19a2"),
}
# How close ours must be, in BRISQUE points (0-100). The features agree to float32
# precision; what is left is the order of the support-vector sum (measured: at most 0.0016).
TOLERANCE = 0.01
# cv2.quality.QualityBRISQUE_computeFeatures of t1.jpg, same version (float32).
OPENCV_CONTRIB_T1_FEATURES = [
    1.38999999, 0.1370603, 0.497000009, 0.0449866988, 0.017493017, 0.0460754111,
    0.499000013, 0.0454147011, 0.0171466097, 0.0457730964, 0.522000015, 0.0107544875,
    0.0231019799, 0.0293113459, 0.523999989, 0.00360062299, 0.0249898247, 0.0270608626,
    1.67299998, 0.204327062, 0.560000002, 0.0338718258, 0.0481723621, 0.0772826597,
    0.569999993, 0.02844017, 0.0494240858, 0.0734695196, 0.569000006, -0.00761825172,
    0.0600793213, 0.0538449883, 0.579999983, -0.0236021895, 0.0662595779, 0.0472090319,
]


@pytest.fixture(scope="module")
def scorer() -> Brisque:
    return Brisque()


@pytest.fixture(scope="module")
def scores(scorer) -> dict[str, float]:
    return {name: scorer.score(make()) for name, make in RECIPES.items()}


# --- agreement with OpenCV ---------------------------------------------------------------


@pytest.mark.parametrize("name", list(RECIPES))
def test_matches_opencv_contrib(scorer, name):
    image = RECIPES[name]()
    expected, pixels = OPENCV_CONTRIB[name]
    assert hashlib.sha256(image.tobytes()).hexdigest()[:16] == pixels, (
        f"the recipe for {name!r} now makes other pixels than OpenCV was measured on: measure again")
    assert scorer.score(image) == pytest.approx(expected, abs=TOLERANCE)


def test_features_match_opencv_contrib():
    grey = cv2.cvtColor(_t1(), cv2.COLOR_RGB2GRAY)
    features = brisque.brisque_features(grey)
    assert features.dtype == np.float32 and features.shape == (36,)
    np.testing.assert_allclose(features, OPENCV_CONTRIB_T1_FEATURES, rtol=1e-5, atol=1e-8)


# --- what the score means ------------------------------------------------------------------


def test_blur_makes_it_worse_step_by_step(scores):
    steps = [scores[name] for name in ("t1", "t1 blur 1", "t1 blur 2", "t1 blur 4")]
    assert steps == sorted(steps) and len(set(steps)) == 4, steps
    assert steps[-1] - steps[0] > 30  # not a rounding effect: blur is what BRISQUE is for


def test_noise_and_compression_make_it_worse(scores):
    assert scores["t1"] < scores["t1 noise 10"] < scores["t1 noise 25"]
    assert scores["t1"] + 20 < scores["t1 jpeg 10"]
    assert scores["astronaut"] + 20 < scores["astronaut jpeg 5"]
    assert scores["chelsea"] + 20 < scores["chelsea noise 15"]


def test_clean_photos_score_well_and_damaged_ones_badly(scores):
    clean = ("astronaut", "camera", "coffee", "chelsea", "t1")
    damaged = ("t1 blur 2", "t1 blur 4", "t1 noise 25", "t1 jpeg 10", "astronaut jpeg 5")
    assert all(quality_from_brisque(scores[name]) > 0.9 for name in clean), scores
    assert all(quality_from_brisque(scores[name]) < 0.5 for name in damaged), scores


def test_quality_mapping():
    assert quality_from_brisque(0.0) == 1.0
    assert quality_from_brisque(brisque.GOOD_BRISQUE) == 1.0
    assert quality_from_brisque((brisque.GOOD_BRISQUE + brisque.BAD_BRISQUE) / 2) == pytest.approx(0.5)
    assert quality_from_brisque(brisque.BAD_BRISQUE) == 0.0
    assert quality_from_brisque(100.0) == 0.0
    assert quality_from_brisque(30.0) > quality_from_brisque(40.0)
    with pytest.raises(ValueError):
        quality_from_brisque(float("nan"))


def test_a_flat_image_scores_worst(scorer):
    """OpenCV says 0 ("perfect") here, from NaN features; an image of nothing is not a good photo."""
    assert scorer.score(np.full((64, 64, 3), 128, np.uint8)) == brisque.WORST_SCORE
    assert scorer.score(np.zeros((64, 64, 3), np.uint8)) == brisque.WORST_SCORE


def test_score_is_a_python_float_and_repeatable(scorer):
    image = RECIPES["chelsea"]()
    first = scorer.score(image)
    assert type(first) is float and scorer.score(image) == first


# --- inputs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("image, quoted", [
    (np.zeros((64, 64), np.uint8), "(64, 64)"),
    (np.zeros((64, 64, 4), np.uint8), "(64, 64, 4)"),
    (np.zeros((64, 64, 3), np.float32), "float32"),
    ([[0, 0, 0]], "list"),
    (np.zeros((31, 400, 3), np.uint8), "400x31"),
])
def test_bad_images_are_refused_with_the_bad_value(scorer, image, quoted):
    with pytest.raises(InputError) as caught:
        scorer.score(image)
    assert quoted in caught.value.message


def test_the_smallest_image_allowed_works(scorer):
    image = cv2.resize(_t1(), (brisque.MIN_SIDE_PX, brisque.MIN_SIDE_PX), interpolation=cv2.INTER_AREA)
    assert 0.0 <= scorer.score(image) <= 100.0


# --- the model files --------------------------------------------------------------------------


def test_the_shipped_files_are_the_checked_ones():
    folder = brisque.brisque_dir()
    for name, digest in brisque.MODEL_SHA256.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    assert "Apache License" in (folder / "LICENSE").read_text(encoding="utf-8")
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert all(digest in readme for digest in brisque.MODEL_SHA256.values())


@pytest.fixture
def model_copy(tmp_path):
    folder = tmp_path / "brisque"
    shutil.copytree(brisque.brisque_dir(), folder)
    return folder


@pytest.mark.parametrize("name", [brisque.MODEL_FILE, brisque.RANGE_FILE])
def test_a_missing_model_file_is_a_clear_error(model_copy, name):
    (model_copy / name).unlink()
    scorer = Brisque(model_copy)
    with pytest.raises(ModelNotFoundError) as caught:
        scorer.score(RECIPES["chelsea"]())
    assert "missing" in caught.value.message and "Reinstall" in caught.value.message
    assert str(model_copy) not in caught.value.message  # no path inside the app in the message
    assert name in caught.value.details


@pytest.mark.parametrize("name", [brisque.MODEL_FILE, brisque.RANGE_FILE])
def test_a_changed_model_file_is_a_clear_error(model_copy, name):
    path = model_copy / name
    data = bytearray(path.read_bytes())
    data[-10] = ord("7") if data[-10] != ord("7") else ord("8")  # one digit of one number
    path.write_bytes(bytes(data))
    with pytest.raises(ModelDamagedError) as caught:
        Brisque(model_copy).load()
    assert "damaged" in caught.value.message and "Reinstall" in caught.value.message
    assert name in caught.value.details and brisque.MODEL_SHA256[name] in caught.value.details


def test_the_model_is_read_once(model_copy, monkeypatch):
    scorer = Brisque(model_copy)
    reads = []
    original = brisque._read_model
    monkeypatch.setattr(brisque, "_read_model", lambda folder: reads.append(folder) or original(folder))
    image = RECIPES["chelsea"]()
    scorer.score(image)
    (model_copy / brisque.MODEL_FILE).unlink()  # already loaded: not needed again
    scorer.score(image)
    assert reads == [model_copy]


def test_nothing_is_read_before_the_first_score(tmp_path):
    Brisque(tmp_path / "nowhere")  # no error yet: loading is lazy
    with pytest.raises(ModelNotFoundError):
        Brisque(tmp_path / "nowhere").load()
