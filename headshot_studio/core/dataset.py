"""Accepted photos -> a training set on disk: face-aligned square crops at the training
resolution, each with a caption holding a rare identity token and a class word.

The crop is aligned on the eyes: rotated so they are level, scaled so the crop spans
``CROP_EYE_DISTANCES`` eye distances (head, hair and the top of the shoulders), and
placed with the eyes ``EYE_LINE`` of the way down, the framing of a headshot. Where
the crop reaches past the photo's edge it is filled with the photo's average border
colour. The originals are only read, never modified.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from headshot_studio.core.events import CancelToken, EventCallback, InputError, JobEvent, Stage, ignore_events
from headshot_studio.core.faces import Face
from headshot_studio.core.files import write_atomic

# A rare token the text encoder has no strong meaning for, so the LoRA can bind the
# person's identity to it; "person" keeps the class prior (a gender-neutral default).
IDENTITY_TOKEN = "ohwx"
CLASS_WORD = "person"
CROP_EYE_DISTANCES = 5.0  # crop side; a face is ~2.4 eye distances wide, so ~2x margin
EYE_LINE = 0.40  # eyes 40% down from the top of the crop


def identity_phrase(token: str = IDENTITY_TOKEN, class_word: str = CLASS_WORD) -> str:
    return f"{token} {class_word}"


def caption_for(token: str = IDENTITY_TOKEN, class_word: str = CLASS_WORD) -> str:
    return f"a photo of {identity_phrase(token, class_word)}"


def center_square(image):
    """The largest centred square of a PIL image."""
    width, height = image.size
    side = min(width, height)
    left, top = (width - side) // 2, (height - side) // 2
    return image.crop((left, top, left + side, top + side))


def aligned_crop(image, face: Face, resolution: int):
    """A ``resolution``-pixel square headshot crop of ``image`` around ``face``
    (face coordinates in the image's own pixels)."""
    from PIL import Image

    mid_x = (face.left_eye[0] + face.right_eye[0]) / 2
    mid_y = (face.left_eye[1] + face.right_eye[1]) / 2
    angle = math.atan2(face.right_eye[1] - face.left_eye[1], face.right_eye[0] - face.left_eye[0])
    scale = CROP_EYE_DISTANCES * face.eye_distance / resolution  # source pixels per crop pixel
    # Shrink first when the crop is much smaller than the source, so the resampling
    # filter does not alias (PIL's affine transform samples, it does not average).
    factor = int(scale // 2)
    if factor >= 2:
        image = image.reduce(factor)
        mid_x, mid_y, scale = mid_x / factor, mid_y / factor, scale / factor
    cos_a, sin_a = math.cos(angle) * scale, math.sin(angle) * scale
    eye_u, eye_v = resolution / 2, EYE_LINE * resolution
    # PIL maps each output pixel (u, v) to the input point (a*u + b*v + c, d*u + e*v + f).
    coefficients = (
        cos_a, -sin_a, mid_x - cos_a * eye_u + sin_a * eye_v,
        sin_a, cos_a, mid_y - sin_a * eye_u - cos_a * eye_v,
    )
    return image.transform(
        (resolution, resolution),
        Image.Transform.AFFINE,
        coefficients,
        resample=Image.Resampling.BICUBIC,
        fillcolor=_border_colour(image),
    )


def _border_colour(image) -> tuple[int, int, int]:
    """The mean colour of the image's outermost rows and columns (read as four thin
    strips: a whole-image array of a large photo would be another full-size copy)."""
    import numpy as np

    width, height = image.size
    strips = [image.crop(box) for box in ((0, 0, width, 1), (0, height - 1, width, height),
                                         (0, 0, 1, height), (width - 1, 0, width, height))]
    border = np.concatenate([np.asarray(strip).reshape(-1, 3) for strip in strips])
    return tuple(int(v) for v in border.mean(axis=0))


def prepare_training_set(
    photos: Sequence,  # PhotoReports of usable photos (with their main face)
    out_dir: Path,
    resolution: int,
    *,
    caption: str | None = None,
    on_event: EventCallback = ignore_events,
    cancel: CancelToken | None = None,
) -> list[Path]:
    """Write ``NNN.png`` crops and ``NNN.txt`` captions into ``out_dir``; return the crops."""
    from headshot_studio.core.images import load_image

    cancel = cancel or CancelToken()
    caption = caption or caption_for()
    usable = [report for report in photos if report.usable and report.face is not None]
    if not usable:
        raise InputError("None of the photos can be used for training. Add photos that pass the checks.")
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in list(out_dir.glob("*.png")) + list(out_dir.glob("*.txt")):
        stale.unlink()
    crops = []
    for index, report in enumerate(usable, start=1):
        cancel.raise_if_cancelled()
        loaded = load_image(report.file)  # full size; the report's face is in full-size pixels
        crop = aligned_crop(loaded.image, report.face, resolution)
        target = out_dir / f"{index:03d}.png"
        # atomic, like every file a later run reads back: a killed run leaves no half crop
        write_atomic(target, lambda fh, crop=crop: crop.save(fh, format="PNG"))
        write_atomic(target.with_suffix(".txt"), lambda fh: fh.write(caption.encode("utf-8")))
        crops.append(target)
        on_event(JobEvent(Stage.PREPARE, index, len(usable), f"Prepared {report.file.name}"))
    return crops
