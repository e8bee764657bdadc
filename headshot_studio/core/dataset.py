"""Photos -> a training set on disk: square crops at the training resolution, one
caption per crop with a rare identity token and a class word.

The crop here is a centred square of the whole photo (after EXIF orientation); the
face-aligned crop that uses the face analyser comes with the photo-intake stage.
The originals are only read, never modified.
"""

from __future__ import annotations

from pathlib import Path

from headshot_studio.core.events import (
    CancelToken,
    EventCallback,
    InputError,
    JobEvent,
    Stage,
    ignore_events,
)

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}
# A rare token the text encoder has no strong meaning for, so the LoRA can bind the
# person's identity to it; "person" keeps the class prior (a gender-neutral default).
IDENTITY_TOKEN = "ohwx"
CLASS_WORD = "person"


def identity_phrase(token: str = IDENTITY_TOKEN, class_word: str = CLASS_WORD) -> str:
    return f"{token} {class_word}"


def caption_for(token: str = IDENTITY_TOKEN, class_word: str = CLASS_WORD) -> str:
    return f"a photo of {identity_phrase(token, class_word)}"


def list_photos(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise InputError(f"The photo folder “{folder}” does not exist.")
    photos = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES)
    if not photos:
        raise InputError(
            f"No photos found in “{folder.name}”. Add JPEG, PNG or WebP selfies to the folder."
        )
    return photos


def center_square(image):
    """The largest centred square of a PIL image."""
    width, height = image.size
    side = min(width, height)
    left, top = (width - side) // 2, (height - side) // 2
    return image.crop((left, top, left + side, top + side))


def prepare_training_set(
    photos: list[Path],
    out_dir: Path,
    resolution: int,
    *,
    caption: str | None = None,
    on_event: EventCallback = ignore_events,
    cancel: CancelToken | None = None,
) -> list[Path]:
    """Write ``NNN.png`` crops and ``NNN.txt`` captions into ``out_dir``; return the crops."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    cancel = cancel or CancelToken()
    caption = caption or caption_for()
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in list(out_dir.glob("*.png")) + list(out_dir.glob("*.txt")):
        stale.unlink()
    crops = []
    for index, photo in enumerate(photos, start=1):
        cancel.raise_if_cancelled()
        try:
            with Image.open(photo) as image:
                image = ImageOps.exif_transpose(image).convert("RGB")
        except (OSError, UnidentifiedImageError, Image.DecompressionBombError) as exc:
            raise InputError(
                f"The photo “{photo.name}” could not be read. Remove it or replace it with another photo.",
                details=f"{photo}: {exc}",
            ) from None
        crop = center_square(image).resize((resolution, resolution), Image.Resampling.LANCZOS)
        target = out_dir / f"{index:03d}.png"
        crop.save(target)
        target.with_suffix(".txt").write_text(caption, encoding="utf-8")
        crops.append(target)
        on_event(JobEvent(Stage.PREPARE, index, len(photos), f"Prepared {photo.name}"))
    return crops
