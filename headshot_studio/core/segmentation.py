"""Which pixels of a photo are the person: a soft alpha matte that follows the hair.

1. MediaPipe's Selfie Segmentation model (the general, square one; Apache-2.0, bundled
   in ``resources/models/mediapipe/``, see its README) gives a 256 x 256 person mask.
   It runs on the processor through LiteRT (``ai_edge_litert``) in a few milliseconds.
2. That mask is a blob: at 1024 px one of its pixels covers four of the photo's, and
   its edge is a smooth ramp that knows nothing of hair. A guided filter (He, Sun and
   Tang, "Guided Image Filtering", 2013) with the photo itself as guide makes the edge
   follow the photo: within each small window the matte becomes a linear function of
   the photo's colour, so a strand darker than the wall behind it gets its own alpha.
   The filter's coefficients are smooth, so they are computed on a reduced copy
   (He and Sun's "Fast Guided Filter", 2015) and applied to the full-size photo; the
   detail comes from the full-size guide, the cost stays the same at any size.
3. A gentle contrast curve removes the faint veil the filter leaves on plain
   background and the pin-holes it leaves inside the person, and far from the edge
   the model's own answer is kept, so nothing the filter does can reach further than
   its window.

The model is loaded on the first call, after its sha256 is checked against
:data:`MODEL_SHA256` (a missing or changed file is a typed error, never a crash in
native code). Nothing happens at import.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from headshot_studio.core.bundled import read_checked, tflite_interpreter

MODEL_FILE = "selfie_segmentation.tflite"
# mediapipe 0.10.21's mediapipe/modules/selfie_segmentation/selfie_segmentation.tflite
MODEL_SHA256 = "9ee168ec7c8f2a16c56fe8e1cfbc514974cbbb7e434051b455635f1bd1462f5c"
# The model's input and output: 256 x 256, RGB as float32 in [0, 1], output a
# probability (its last layer is a sigmoid). MediaPipe's own graph
# (selfie_segmentation_cpu.binarypb) stretches the whole photo to this square
# (keep_aspect_ratio: false) rather than letterboxing it, so we do the same: that is
# what the model saw in training.
MODEL_INPUT_SIDE = 256
# The guided filter's coefficients are computed with the photo reduced to this long
# side: twice the model's resolution, enough to place an edge within a window, and
# small enough that refining a 2048 px photo costs what refining a 512 px one does.
REFINE_SIDE = 512
# Window radius in pixels at REFINE_SIDE (about 2.3% of the photo's long side, ~24 px
# at 1024): wide enough to reach across the model's uncertain ramp to the real edge,
# narrow enough that a window rarely holds more than one background colour.
GUIDED_RADIUS = 12
# Regularisation of the guide's colour variance (colours in [0, 1]). Smaller follows
# fainter edges but copies texture (hair highlights) into the matte and lifts noise on
# plain walls; 1e-4 (a colour spread of about 2.5 of 255 levels) was the best
# trade-off on the test photos.
GUIDED_EPS = 1e-4
# Contrast curve after the filter: below ALPHA_LOW is background, above ALPHA_HIGH is
# person, smoothstep between. Removes the filter's veil on plain background (~0.05)
# and its pin-holes in hair highlights (~0.9) while keeping soft strands soft.
ALPHA_LOW = 0.1
ALPHA_HIGH = 0.9
# How far (in pixels at REFINE_SIDE) from the model's own edge the refinement may
# change anything; beyond it the model's hard answer (0 or 1) stands. One window.
EDGE_BAND = GUIDED_RADIUS


def model_path() -> Path:
    from headshot_studio import paths

    return paths.resources_dir() / "models" / "mediapipe" / MODEL_FILE


class PersonSegmenter:
    """Soft person mattes for photos. Loads its model on the first :meth:`alpha` call;
    one instance may be shared between threads (calls are serialised)."""

    licence = "MediaPipe Selfie Segmentation model: Apache License 2.0, by Google LLC"

    def __init__(self, model_file: Path | None = None, *, num_threads: int | None = None) -> None:
        self.model_file = Path(model_file) if model_file is not None else model_path()
        self.num_threads = num_threads
        self._interpreter = None
        self._lock = threading.Lock()

    # 1. the model -------------------------------------------------------------------

    def load(self) -> None:
        """Load the model now (a run checks it before any work; otherwise the first
        :meth:`alpha` does). Raises ModelNotFoundError / ModelDamagedError."""
        with self._lock:
            self._load()

    def _load(self):
        """The interpreter, built from bytes that were checked against MODEL_SHA256 (the
        same bytes are checked and loaded, so a file swapped in between cannot slip in)."""
        if self._interpreter is not None:
            return self._interpreter
        data = read_checked(
            self.model_file, MODEL_SHA256,
            missing="The person segmentation model is missing, so the backdrop cannot be replaced. "
                    "Reinstall Headshot Studio, or keep the generated backdrop.",
            damaged="The person segmentation model is damaged or has been changed, so the backdrop "
                    "cannot be replaced. Reinstall Headshot Studio, or keep the generated backdrop.")
        interpreter = tflite_interpreter(data, self.num_threads, missing_runtime=(
            "The runtime for the person segmentation model is not installed (the ai-edge-litert "
            "package is missing). Reinstall Headshot Studio."))
        self._input = interpreter.get_input_details()[0]["index"]
        self._output = interpreter.get_output_details()[0]["index"]
        self._interpreter = interpreter
        return interpreter

    def model_mask(self, image: np.ndarray) -> np.ndarray:
        """The model's own 256 x 256 person probability for ``image`` (float32)."""
        import cv2

        _check_image(image)
        square = cv2.resize(image, (MODEL_INPUT_SIDE, MODEL_INPUT_SIDE), interpolation=cv2.INTER_AREA)
        tensor = (square.astype(np.float32) / 255.0)[None]
        with self._lock:
            interpreter = self._load()
            interpreter.set_tensor(self._input, tensor)
            interpreter.invoke()
            mask = interpreter.get_tensor(self._output)[0, :, :, 0].copy()
        return np.clip(mask, 0.0, 1.0)

    # 2-3. refined at full size ------------------------------------------------------

    def alpha(self, image: np.ndarray) -> np.ndarray:
        """The person's alpha matte for ``image`` (RGB uint8, H x W x 3): float32 H x W in
        [0, 1], 1 where the person is."""
        return refine_mask(image, self.model_mask(image))


def _check_image(image: np.ndarray) -> None:
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        shape = getattr(image, "shape", None)
        dtype = getattr(image, "dtype", type(image).__name__)
        raise ValueError(f"expected an RGB uint8 array of shape (H, W, 3), got {dtype} of shape {shape}")
    if min(image.shape[:2]) < 2:
        raise ValueError(f"the image is too small to segment: {image.shape[1]} x {image.shape[0]} px")


def refine_mask(image: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``mask`` (a low-resolution person probability, any size) brought to ``image``'s
    size with its edge made to follow ``image`` (see the module docstring)."""
    import cv2

    _check_image(image)
    height, width = image.shape[:2]
    scale = min(1.0, REFINE_SIDE / max(height, width))
    small_size = (max(2, round(width * scale)), max(2, round(height * scale)))
    radius = max(1, round(GUIDED_RADIUS * max(small_size) / REFINE_SIDE))  # smaller photos: same share
    band = max(1, round(EDGE_BAND * max(small_size) / REFINE_SIDE))

    guide = image.astype(np.float32) * (1.0 / 255.0)
    guide_small = cv2.resize(guide, small_size, interpolation=cv2.INTER_AREA)
    mask_small = cv2.resize(mask.astype(np.float32), small_size, interpolation=cv2.INTER_LINEAR)

    # Guided filter coefficients on the reduced photo, smoothed, then applied to the full one.
    a, b = _guided_coefficients(guide_small, mask_small, radius, GUIDED_EPS)
    if small_size != (width, height):
        a = cv2.resize(a, (width, height), interpolation=cv2.INTER_LINEAR)
        b = cv2.resize(b, (width, height), interpolation=cv2.INTER_LINEAR)
    alpha = np.einsum("hwc,hwc->hw", a, guide) + b

    # The contrast curve (smoothstep between ALPHA_LOW and ALPHA_HIGH).
    alpha = np.clip((alpha - ALPHA_LOW) * (1.0 / (ALPHA_HIGH - ALPHA_LOW)), 0.0, 1.0)
    alpha = alpha * alpha * (3.0 - 2.0 * alpha)

    # Far from the model's edge its own answer stands: sure person / sure background,
    # as soft weights so the band's border leaves no seam.
    hard = (mask_small > 0.5).astype(np.uint8)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * band + 1, 2 * band + 1))
    sure_person = cv2.erode(hard, kernel, borderType=cv2.BORDER_REPLICATE).astype(np.float32)
    sure_background = 1.0 - cv2.dilate(hard, kernel, borderType=cv2.BORDER_REPLICATE).astype(np.float32)
    if small_size != (width, height):
        sure_person = cv2.resize(sure_person, (width, height), interpolation=cv2.INTER_LINEAR)
        sure_background = cv2.resize(sure_background, (width, height), interpolation=cv2.INTER_LINEAR)
    alpha = sure_person + (1.0 - sure_person - sure_background) * alpha
    return np.clip(alpha, 0.0, 1.0, out=alpha).astype(np.float32, copy=False)


def _box(x: np.ndarray, radius: int) -> np.ndarray:
    import cv2

    return cv2.boxFilter(x, -1, (2 * radius + 1, 2 * radius + 1), normalize=True, borderType=cv2.BORDER_REFLECT)


def _guided_coefficients(guide: np.ndarray, p: np.ndarray, radius: int, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """He et al.'s colour guided filter, up to its last step: the window-averaged ``a``
    (H x W x 3) and ``b`` (H x W) such that the output is ``a . guide + b``."""
    mean_i = _box(guide, radius)
    mean_p = _box(p, radius)
    cov_ip = _box(guide * p[..., None], radius) - mean_i * mean_p[..., None]
    # The guide's 3 x 3 colour covariance in each window, plus eps on the diagonal.
    var = {}
    for i in range(3):
        for j in range(i, 3):
            var[i, j] = _box(guide[..., i] * guide[..., j], radius) - mean_i[..., i] * mean_i[..., j]
    rr, rg, rb, gg, gb, bb = (var[0, 0] + eps, var[0, 1], var[0, 2], var[1, 1] + eps, var[1, 2], var[2, 2] + eps)
    # a = inverse(covariance) . cov_ip, with the symmetric 3 x 3 inverse written out
    # (a batched np.linalg.solve is several times slower).
    inv_rr, inv_rg, inv_rb = gg * bb - gb * gb, gb * rb - rg * bb, rg * gb - gg * rb
    inv_gg, inv_gb, inv_bb = rr * bb - rb * rb, rb * rg - rr * gb, rr * gg - rg * rg
    det = rr * inv_rr + rg * inv_rg + rb * inv_rb
    c_r, c_g, c_b = cov_ip[..., 0], cov_ip[..., 1], cov_ip[..., 2]
    a = np.stack(
        [
            inv_rr * c_r + inv_rg * c_g + inv_rb * c_b,
            inv_rg * c_r + inv_gg * c_g + inv_gb * c_b,
            inv_rb * c_r + inv_gb * c_g + inv_bb * c_b,
        ],
        axis=-1,
    ) / det[..., None]
    b = mean_p - np.einsum("hwc,hwc->hw", a, mean_i)
    return _box(a, radius), _box(b, radius)
