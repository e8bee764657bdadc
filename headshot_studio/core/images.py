"""Safe image loading: every format a phone or camera gives, upright, as 8-bit RGB.

* JPEG, PNG, WebP, BMP, and iPhone HEIC/HEIF (through pillow-heif);
* EXIF orientation applied, so a photo taken sideways is analysed upright;
* CMYK, 16-bit, greyscale, palette and alpha images converted correctly (alpha is
  composited onto white, not dropped to black);
* unreadable, zero-byte, truncated, non-image and decompression-bomb files refused
  with a per-file reason the user can act on.

The original file is only ever opened for reading.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from headshot_studio.core.events import InputError

SUPPORTED_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".heic", ".heif"}
# A 12-MP selfie is 12 million pixels; 100-MP medium-format files exist. Past this a
# file is either a mistake or a decompression bomb (a tiny file that expands to GBs).
MAX_PIXELS = 120_000_000


def list_photos(sources: Iterable[Path]) -> list[Path]:
    """Photo files among ``sources`` (files are kept as given; folders give the photos
    directly inside them, sorted by name). Raises when nothing usable is found."""
    found: list[Path] = []
    for source in map(Path, sources):
        if source.is_dir():
            found += sorted(p for p in source.iterdir() if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
        elif source.exists():
            found.append(source)
        else:
            raise InputError(f"“{source}” does not exist.")
    if not found:
        names = ", ".join(f"“{Path(s).name}”" for s in sources) or "nothing"
        raise InputError(f"No photos found in {names}. Add JPEG, PNG, WebP or HEIC selfies.")
    return found


class ImageLoadError(InputError):
    """A photo that cannot be used, with a stable ``code`` for reports."""

    kind = "bad_photo"

    def __init__(self, code: str, message: str, *, details: str = "") -> None:
        super().__init__(message, details=details)
        self.code = code


@dataclass(frozen=True)
class LoadedImage:
    image: object  # PIL.Image.Image, RGB, upright; possibly reduced (see ``scale``)
    original_size: tuple[int, int]  # (width, height) of the full-size upright image
    format: str  # "JPEG", "PNG", "HEIF", ...

    @property
    def scale(self) -> float:
        """Pixels of ``image`` per pixel of the original (1.0 when not reduced)."""
        return self.image.size[0] / self.original_size[0]


_heif_registered = False


def _register_heif() -> bool:
    global _heif_registered
    if not _heif_registered:
        try:
            from pillow_heif import register_heif_opener
        except ImportError:
            return False
        register_heif_opener()
        _heif_registered = True
    return True


def _to_rgb(image):
    """8-bit RGB from any mode; transparency composited onto white."""
    from PIL import Image

    if image.mode in ("I;16", "I;16B", "I;16L", "I"):  # 16/32-bit greyscale: scale, don't clip
        import numpy as np

        data = np.asarray(image, dtype=np.float64)
        top = 65535.0 if image.mode.startswith("I;16") or data.max() > 255 else 255.0
        image = Image.fromarray(np.clip(data * (255.0 / top), 0, 255).astype(np.uint8), "L")
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "RGBa"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    if image.mode == "CMYK":
        # Pillow inverts Adobe-style CMYK JPEGs itself; convert() maps CMYK -> RGB.
        return image.convert("RGB")
    return image.convert("RGB")


def load_image(path: Path, *, max_side: int | None = None, max_pixels: int = MAX_PIXELS) -> LoadedImage:
    """Open ``path`` as an upright RGB image, optionally reduced to ``max_side`` pixels.

    A reduced JPEG is decoded at reduced size directly (``draft``), which makes a
    12-MP photo several times faster to load; the result is at least ``max_side``
    on its longer side before the final resize.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ImageLoadError("unreadable", f"“{name}” no longer exists. Add it again.") from None
    except OSError as exc:
        raise ImageLoadError("unreadable", f"“{name}” cannot be opened. Check that you may read it.", details=str(exc)) from None
    if path.is_dir():
        raise ImageLoadError("unreadable", f"“{name}” is a folder, not a photo.")
    if size == 0:
        raise ImageLoadError("unreadable", f"“{name}” is empty (0 bytes). Copy the photo again from your phone.")
    if path.suffix.lower() in (".heic", ".heif"):
        _register_heif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as opened:
                width, height = opened.size
                if width * height > max_pixels:
                    raise ImageLoadError(
                        "too_large",
                        f"“{name}” is far too large ({width}x{height} pixels). Use the photo as your camera "
                        "or phone saved it.",
                    )
                fmt = opened.format or path.suffix.lstrip(".").upper()
                try:
                    orientation = int(opened.getexif().get(0x0112, 1))
                except (ValueError, TypeError, OSError):
                    orientation = 1  # an unreadable EXIF block: treat the photo as upright
                upright = (height, width) if orientation in (5, 6, 7, 8) else (width, height)
                if getattr(opened, "is_animated", False):
                    opened.seek(0)  # an animated GIF/WebP: its first frame
                if max_side and opened.format == "JPEG":
                    opened.draft("RGB", (max_side, max_side))
                try:
                    image = ImageOps.exif_transpose(opened)
                except (ValueError, TypeError, KeyError):
                    image = opened.copy()  # invalid orientation value: keep pixels as stored
                    upright = (width, height)
                image.load()
                image = _to_rgb(image)
    except ImageLoadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageLoadError(
            "too_large", f"“{name}” claims to be far too large an image and was not opened, to protect this computer."
        ) from None
    except UnidentifiedImageError:
        if path.suffix.lower() in (".heic", ".heif") and not _register_heif():
            raise ImageLoadError("unreadable", f"“{name}” is an iPhone HEIC photo, and HEIC support is not installed.") from None
        raise ImageLoadError(
            "unreadable", f"“{name}” is not a photo Headshot Studio can read. Use JPEG, PNG, WebP or HEIC photos."
        ) from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise ImageLoadError(
            "unreadable",
            f"“{name}” is damaged or incomplete (perhaps a copy that did not finish). Copy the photo again.",
            details=f"{path}: {exc}",
        ) from None
    except MemoryError:
        raise ImageLoadError("too_large", f"“{name}” is too large to open on this computer.") from None

    if max_side and max(image.size) > max_side:
        image = image.copy()
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return LoadedImage(image=image, original_size=upright, format=fmt)
