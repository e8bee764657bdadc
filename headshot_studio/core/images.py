"""Safe image loading: every format a phone or camera gives, upright, as 8-bit RGB.

* JPEG, PNG, WebP, BMP, and iPhone HEIC/HEIF (through pillow-heif);
* EXIF orientation applied, so a photo taken sideways is analysed upright;
* CMYK, 16-bit, greyscale, palette and alpha images converted correctly (alpha is
  composited onto white, not dropped to black);
* unreadable, zero-byte, truncated, non-image and decompression-bomb files refused
  with a per-file reason the user can act on (saying what the file looks like: a text
  file, a web page, a PDF...), and without ever opening a pipe, a device or a link
  that leads nowhere;
* folders listed from their entries' metadata only, hidden files and sub-folders left
  out, so a folder of thousands of files is listed in a fraction of a second.

The original file is only ever opened for reading.

Finished images are written here too, by the one PNG writer (:func:`save_png`), which
keeps their generation settings in the file.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import stat
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from headshot_studio.core.events import ErrorKind, InputError
from headshot_studio.core.files import LINK_REASON, NotRegularFileError, human_size, open_regular, printable, write_atomic
from headshot_studio.core.limits import PHOTO_SUFFIXES

log = logging.getLogger(__name__)


# The only decoders Pillow may use, whatever a file's name or first bytes say (Pillow's
# ``formats=`` allow-list): the formats phones and cameras save photos in (MPO, the JPEG
# variant many cameras write, is opened through JPEG's decoder). Everything else stays
# unreachable: above all EPS, which Pillow opens by running Ghostscript (an outside
# program) on the file, and TIFF and GIF, whose decoders take their tile and frame sizes
# from the file itself (a 2 MB TIFF whose one tile claims 26,752 x 26,752 pixels decodes
# to over 2 GB whatever its header says the image is).
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP", "BMP", "HEIF", "AVIF")
# Size limits, all checked before one pixel is decoded:
# * the file: a selfie is a few MB (a 50-MP PNG tens of MB); the WebP and HEIF readers
#   load the whole file into memory, so a file padded with gigabytes would cost that much;
# * pixels: a 12-MP selfie is typical and a phone's "50 MP" mode is the largest a
#   selfie comes in; past that a file is a mistake or a decompression bomb (a tiny file
#   that expands to gigabytes);
# * shape: no photo of a face is a strip ten times longer than it is wide, while a
#   1 x 110,000,000 "image" is a bomb that the pixel count alone lets through;
# * memory: the decoded image in Pillow's own layout (1 byte a pixel for greyscale, 2
#   for 16-bit greyscale, 4 for colour), times what its decoder holds besides (WebP's
#   decodes into buffers of its own first), must stay within MAX_DECODED_BYTES, so
#   loading a photo, turning it upright and converting it stays under 600 MB at its peak.
MAX_FILE_BYTES = 100 * 2**20
MAX_PIXELS = 50_000_000
MAX_ASPECT = 10.0
MAX_DECODED_BYTES = 200 * 2**20
_BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16L": 2, "I;16B": 2, "I;16N": 2}  # others: 4
_DECODER_COST = {"WEBP": 2.5}  # measured: a 50-MP WebP peaked at 880 MB against ~380 MB for a PNG
# Images much larger than the size asked for are box-reduced by a whole factor straight
# after decoding, in their own mode, so converting a large PNG never holds several
# full-size copies at once.
_REDUCIBLE_MODES = {"L", "LA", "PA", "RGB", "RGBA", "RGBa", "CMYK", "I", "F", "YCbCr"}
_SIXTEEN_BIT_MODES = {"I;16", "I;16L", "I;16B", "I;16N"}


@dataclass
class PhotoScan:
    """What ``scan_photos`` found. ``files`` are the candidates in order: the paths given
    as files, and the entries of the folders given whose names are photo names (hidden
    files aside). ``problems`` are the candidates that cannot be opened at all (a link
    that leads nowhere, a pipe, a device...) or whose name a session cannot store, with
    the reason; ``photos`` are the others, safe to hash, copy and record.
    ``not_checked`` are the other entries of the folders (other files, hidden files,
    folders inside): nothing to report one by one."""

    files: list[Path] = field(default_factory=list)
    problems: dict[Path, str] = field(default_factory=dict)
    not_checked: list[Path] = field(default_factory=list)

    @property
    def photos(self) -> list[Path]:
        return [p for p in self.files if p not in self.problems]


def display_name(path: Path) -> str:
    """``path``'s file name as text that can be shown, printed and logged anywhere: bytes
    of a name that are not valid UTF-8 (an old camera's Latin-1 "café.jpg"; Python keeps
    them as surrogates, which no encoder accepts) are shown as "\ufffd", and control
    characters (a crafted name's terminal escapes) as escapes."""
    return printable(os.fsencode(Path(path).name).decode("utf-8", "replace"))


def _is_text(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes, kept by Python as lone surrogates
        return False
    return True


def _is_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(path.stat().st_mode)
    except OSError:  # missing, a link loop, no permission: not a folder we can list
        return False


def scan_photos(sources: Iterable[Path]) -> PhotoScan:
    """Photo files among ``sources``: files are kept as given (the content decides
    whether they are photos); folders give the entries directly inside them whose
    names end like a photo's, sorted by name (hidden files and sub-folders are not
    searched). Only file metadata is read, so a folder of 10,000 files takes
    milliseconds. Raises when a source does not exist, or when there is nothing to check."""
    sources = [Path(s) for s in sources]
    scan = PhotoScan()
    for source in sources:
        if _is_dir(source):
            try:
                entries = sorted(source.iterdir())
            except OSError as exc:
                raise InputError(f"The folder “{display_name(source)}” cannot be opened. Check that you may read it.",
                                 details=str(exc)) from None
            for entry in entries:
                if entry.name.startswith(".") or entry.suffix.lower() not in PHOTO_SUFFIXES or _is_dir(entry):
                    scan.not_checked.append(entry)  # a hidden "._IMG_0001.jpg" (macOS) is not a photo
                else:
                    scan.files.append(entry)
        elif os.path.lexists(source):  # a file, or a link (even one that leads nowhere)
            scan.files.append(source)
        else:
            raise InputError(f"“{os.fsencode(source).decode('utf-8', 'replace')}” does not exist.")
    for path in scan.files:
        problem = _file_problem(path)
        if problem is not None:
            scan.problems[path] = problem.message
        elif not _is_text(path.name):
            # Sessions record photo names in UTF-8 JSON, which cannot hold such a name.
            # The photo itself is fine (``check`` reads it); only keeping it is refused.
            scan.problems[path] = (f"“{display_name(path)}” has a name that is not valid text (it comes from an "
                                   "older camera or computer), so it cannot be kept in a session. Rename the photo "
                                   "and add it again.")
    if not scan.files:
        names = ", ".join(f"“{display_name(s)}”" for s in sources) or "nothing"
        raise InputError(f"No photos found in {names}. Add JPEG, PNG, WebP or HEIC selfies.")
    return scan


def list_photos(sources: Iterable[Path]) -> list[Path]:
    """The photo files among ``sources`` that can be opened (see :func:`scan_photos`).
    Raises when a source does not exist, or nothing usable is found."""
    sources = list(sources)
    photos = scan_photos(sources).photos
    if not photos:
        names = ", ".join(f"“{display_name(s)}”" for s in sources) or "nothing"
        raise InputError(f"No photos found in {names}. Add JPEG, PNG, WebP or HEIC selfies.")
    return photos


class ImageLoadError(InputError):
    """A photo that cannot be used, with a stable ``code`` for reports."""

    kind = ErrorKind.BAD_PHOTO

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
    """8-bit RGB from any mode; transparency composited onto white. Holds at most one
    more full-size copy than the image itself."""
    from PIL import Image

    if image.mode == "RGB":
        return image
    if image.mode in _SIXTEEN_BIT_MODES or image.mode == "I":  # 16/32-bit greyscale: scale, don't clip
        image = _greyscale_to_8_bit(image)
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("RGBA", "LA", "PA", "RGBa"):
        rgba = image if image.mode == "RGBA" else image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    # CMYK: Pillow inverts Adobe-style CMYK JPEGs itself; convert() maps CMYK -> RGB.
    return image.convert("RGB")


def _greyscale_to_8_bit(image):
    """A 16- or 32-bit greyscale image as 8-bit ("L"), top bits kept, a strip of rows at
    a time (a whole-image numpy copy of a large 16-bit PNG would double its memory)."""
    import numpy as np
    from PIL import Image

    width, height = image.size
    out = np.empty((height, width), dtype=np.uint8)
    rows = max(1, 4_000_000 // max(1, width))
    shift = image.mode in _SIXTEEN_BIT_MODES or image.getextrema()[1] > 255  # 32-bit holding 16-bit values
    for top in range(0, height, rows):
        strip = np.asarray(image.crop((0, top, width, min(height, top + rows))))
        if shift:
            strip = np.clip(strip, 0, 65535) >> 8
        out[top:top + len(strip)] = np.clip(strip, 0, 255)
    return Image.fromarray(out, "L")


_CHOOSE = "Choose a JPEG, PNG, WebP or HEIC photo."


def _file_problem(path: Path) -> ImageLoadError | None:
    """Why ``path`` cannot be opened as a photo file at all, from its metadata alone
    (nothing is opened: opening a pipe or a device named "photo.jpg" would wait forever).
    Links are refused too: a "photo" that is a link to a private file elsewhere would
    otherwise be read, and copied into a session."""
    name = display_name(path)
    try:
        info = path.lstat()
    except FileNotFoundError:
        return ImageLoadError("unreadable", f"“{name}” no longer exists. Add it again.")
    except ValueError:  # a name no file can have (a NUL byte, from a damaged session)
        return ImageLoadError("unreadable", f"“{name}” is not a name a file can have. Add the photo again.")
    except PermissionError as exc:
        return _permission_error(name, exc)
    except OSError as exc:
        return ImageLoadError("unreadable", f"“{name}” cannot be opened. Check that you may read it, then add it again.",
                              details=str(exc))
    if stat.S_ISLNK(info.st_mode):
        try:
            path.stat()
        except FileNotFoundError:
            return ImageLoadError("unreadable", f"“{name}” is a link (shortcut) to a file that is no longer there. "
                                                "Add the photo itself.")
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return ImageLoadError("unreadable", f"“{name}” is a link (shortcut) that leads round in a circle, "
                                                    "not to a photo. Add the photo itself.", details=str(exc))
        return ImageLoadError("unreadable", f"“{name}” {LINK_REASON}. Add the photo itself.")
    if stat.S_ISDIR(info.st_mode):
        return ImageLoadError("unreadable", f"“{name}” is a folder, not a photo. Add the photos inside it.")
    if not stat.S_ISREG(info.st_mode):
        return ImageLoadError("unreadable", f"“{name}” is not a photo file (it is a device or a pipe). {_CHOOSE}")
    if info.st_size == 0:
        return ImageLoadError("unreadable", f"“{name}” is empty (0 bytes). Copy the photo again from your phone.")
    return None


def _permission_error(name: str, exc: OSError) -> ImageLoadError:
    return ImageLoadError(
        "unreadable",
        f"“{name}” cannot be opened: you do not have permission to read it. Copy the photo into a folder of "
        "your own (such as Pictures) and add the copy.",
        details=str(exc),
    )


# What a file Pillow cannot read is, from its first bytes (see _looks_like).
_IMAGE_SIGNATURES = (b"\xff\xd8", b"\x89PNG")
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis")
_VIDEO_BRANDS = (b"isom", b"iso2", b"mp41", b"mp42", b"qt  ", b"M4V ", b"3gp", b"3g2", b"avc1", b"dash")


def _looks_like(head: bytes) -> str:
    """A few words on what ``head`` (a file's first bytes) is: "image" for an image
    format's signature (so the file is a damaged image), "heif", or a description such
    as "a text file"; "" when unknown."""
    brand = head[8:12] if head[4:8] == b"ftyp" else b""
    bitmap = head[:2] == b"BM" and head[6:10] == b"\x00\x00\x00\x00"  # BMP: its reserved bytes are 0
    if head.startswith(b"GIF8"):
        return "a GIF image, a format Headshot Studio does not read photos from"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "a TIFF image, a format Headshot Studio does not read photos from"
    if head.startswith(_IMAGE_SIGNATURES) or bitmap or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "image"
    if brand.startswith(_HEIF_BRANDS):
        return "heif"
    if brand.startswith(_VIDEO_BRANDS):
        return "a video"
    if head.startswith(b"%PDF"):
        return "a PDF document"
    if head.startswith((b"%!PS", b"\xc5\xd0\xd3\xc6")):  # PostScript / EPS (plain, or with a DOS header)
        return "a PostScript document"
    if head.startswith(b"PK\x03\x04"):
        return "a ZIP archive (or an Office document)"
    if head.startswith(b"\x00\x05\x16\x07"):
        return "a hidden file that macOS keeps beside a photo, not the photo itself"
    if head and not head.strip(b"\x00"):
        return "nothing but zero bytes, as a copy that did not finish often is"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:  # possibly cut inside a character: try without the last 3 bytes
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return ""
    lowered = text.lstrip("\ufeff \t\r\n").lower()
    if "<svg" in lowered[:1000]:
        return "an SVG drawing"
    if lowered.startswith(("<!doctype html", "<html")) or "<html" in lowered[:200]:
        return "a web page"
    if sum(ch.isprintable() or ch in "\t\r\n" for ch in text) >= 0.95 * len(text):
        return "a text file"
    return ""


def _not_an_image(path: Path, name: str) -> ImageLoadError:
    """The reason Pillow could not identify ``path``, in words (from its first bytes)."""
    try:
        with open_regular(path) as fh:  # never a pipe or a link swapped in since the decoder looked
            head = fh.read(1024)
    except OSError:
        head = b""
    what = _looks_like(head)
    if what == "image":
        return _damaged(name, "the image data does not follow its format")
    if what == "heif":
        if not _register_heif():
            return ImageLoadError("unreadable", f"“{name}” is an iPhone HEIC photo, and HEIC support is not "
                                                "installed. Reinstall Headshot Studio, or save the photo as JPEG.")
        return _damaged(name, "a HEIC file holding no picture that can be read")
    if what:
        return ImageLoadError("unreadable", f"“{name}” is not a photo (it looks like {what}). {_CHOOSE}")
    return ImageLoadError("unreadable", f"“{name}” is not a photo Headshot Studio can read. {_CHOOSE}")


def _damaged(name: str, details: str) -> ImageLoadError:
    return ImageLoadError(
        "unreadable",
        f"“{name}” is damaged or incomplete (perhaps a copy that did not finish). Copy the photo again.",
        details=details,
    )


def _check_size(name: str, width: int, height: int, mode: str, fmt: str, max_pixels: int) -> None:
    """Refuse, from the header's figures alone, an image too large to decode safely
    (see MAX_PIXELS, MAX_ASPECT and MAX_DECODED_BYTES)."""
    advice = "Use the photo as your camera or phone saved it, or save a smaller copy."
    if width <= 0 or height <= 0:
        raise _damaged(name, f"size {width}x{height}")
    decoded = width * height * _BYTES_PER_PIXEL.get(mode, 4) * _DECODER_COST.get(fmt, 1)
    if width * height > max_pixels or decoded > MAX_DECODED_BYTES:
        raise ImageLoadError("too_large", f"“{name}” is far too large ({width}x{height} pixels). {advice}")
    if max(width, height) > MAX_ASPECT * min(width, height):
        raise ImageLoadError(
            "too_large",
            f"“{name}” is {width}x{height} pixels: a long, thin strip, not a photo of a face. {_CHOOSE}",
        )


# EXIF orientation -> the transposition that makes the image upright (as ImageOps.exif_transpose).
_UPRIGHT = {2: "FLIP_LEFT_RIGHT", 3: "ROTATE_180", 4: "FLIP_TOP_BOTTOM", 5: "TRANSPOSE", 6: "ROTATE_270",
            7: "TRANSVERSE", 8: "ROTATE_90"}


def load_image(path: Path, *, max_side: int | None = None, max_pixels: int = MAX_PIXELS) -> LoadedImage:
    """Open ``path`` as an upright RGB image, optionally reduced to ``max_side`` pixels.

    Only a plain file is opened (a link, a pipe or a device is refused, see
    :func:`headshot_studio.core.files.open_regular`), and only with the decoders of
    PHOTO_FORMATS. Its size is checked from its header, before decoding. A reduced JPEG
    is decoded at reduced size directly (``draft``), which makes a 12-MP photo several
    times faster to load; other formats are reduced in their own mode straight after
    decoding and turned upright after that, so at most one more full-size copy than the
    decoded image is ever held.

    Every failure is an :class:`ImageLoadError` whose message says what the file is and
    what to do.
    """
    from PIL import Image, ImageFile

    path = Path(path)
    name = display_name(path)
    problem = _file_problem(path)
    if problem is not None:
        raise problem
    _register_heif()  # always: iPhones also save HEIC photos under a .jpg name
    try:
        # Pillow warns about odd files it reads anyway ("Corrupt EXIF data", and sizes
        # past its own bomb limit, which MAX_PIXELS replaces): they go to the log, never
        # to the user's screen. (catch_warnings is process-wide, so with two photos
        # loading at once a warning may be logged under the other's name.)
        with warnings.catch_warnings(record=True) as caught, open_regular(path) as fh:
            warnings.simplefilter("always")
            image, upright, fmt = _decode_upright(fh, path, name, max_side, max_pixels)
        for warning in caught:
            log.info("a photo: %s", warning.message)
    except ImageLoadError:
        raise
    except Exception as exc:
        raise _load_error(exc, path, name) from None

    if max_side and max(image.size) > max_side:
        if isinstance(image, ImageFile.ImageFile):  # the decoder's own image, which thumbnail would change
            image = image.copy()
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return LoadedImage(image=image, original_size=upright, format=fmt)


def _decode_upright(fh, path: Path, name: str, max_side: int | None, max_pixels: int):
    """The open photo file ``fh`` decoded (after its size checks), reduced towards
    ``max_side``, turned upright and in RGB: ``(image, upright full size, format)``."""
    from PIL import Image

    if os.fstat(fh.fileno()).st_size > MAX_FILE_BYTES:
        raise ImageLoadError("too_large", f"“{name}” is far too large a file for a photo "
                                          f"({human_size(os.fstat(fh.fileno()).st_size)}). {_CHOOSE}")
    opened = Image.open(fh, formats=PHOTO_FORMATS)
    width, height = opened.size
    _check_size(name, width, height, opened.mode, opened.format, max_pixels)
    fmt = opened.format or path.suffix.lstrip(".").upper()
    orientation = _exif_orientation(opened)
    if getattr(opened, "is_animated", False):
        opened.seek(0)  # an animated GIF/WebP: its first frame
    if max_side and opened.format in ("JPEG", "MPO"):
        opened.draft("RGB", (max_side, max_side))
    opened.load()
    image = _reduce(opened, max_side)
    if orientation in _UPRIGHT:
        image = image.transpose(getattr(Image.Transpose, _UPRIGHT[orientation]))
    upright = (height, width) if orientation in (5, 6, 7, 8) else (width, height)
    if image is not opened:
        opened.close()  # a reduced or upright copy replaced the decoded pixels: free them now
    return _to_rgb(image), upright, fmt


def _exif_orientation(opened) -> int:
    """The EXIF orientation tag (1, upright, when there is none)."""
    try:
        return int(opened.getexif().get(0x0112, 1))
    except Exception:  # an EXIF block the reader trips over: treat the photo as upright
        return 1


def _reduce(image, max_side: int | None):
    """``image`` box-reduced by a whole factor, in its own mode, when it is at least
    twice as large as ``max_side`` asks (the image itself otherwise)."""
    from PIL import Image

    factor = max(image.size) // (2 * max_side) if max_side else 0
    if factor < 2:
        return image
    if image.mode == "1":
        image = image.convert("L")
    if image.mode in _REDUCIBLE_MODES:
        return image.reduce(factor)
    if image.mode in _SIXTEEN_BIT_MODES:
        return image.resize((max(1, image.width // factor), max(1, image.height // factor)), Image.Resampling.BOX)
    return image


def _load_error(exc: Exception, path: Path, name: str) -> ImageLoadError:
    """What a failure while decoding ``path`` means for the user."""
    from PIL import Image, UnidentifiedImageError

    if isinstance(exc, NotRegularFileError):  # became a link or a pipe after the first check
        return ImageLoadError("unreadable", f"“{name}” {exc.reason}. Add the photo itself.")
    if isinstance(exc, Image.DecompressionBombError):  # Pillow's own hard limit, checked while opening
        return ImageLoadError(
            "too_large", f"“{name}” claims to be far too large an image and was not opened, to protect this computer."
        )
    if isinstance(exc, UnidentifiedImageError):
        return _not_an_image(path, name)
    if isinstance(exc, PermissionError):
        return _permission_error(name, exc)
    if isinstance(exc, MemoryError):
        return ImageLoadError("too_large", f"“{name}” is too large to open on this computer.")
    # Truncated data (OSError), a broken chunk (SyntaxError), and whatever else a
    # decoder raises on a malformed file (ValueError, struct.error, IndexError...):
    # for the user, a damaged photo; the exception is kept in the details.
    return _damaged(name, f"{type(exc).__name__}: {exc}")


# --- writing finished images -----------------------------------------------------------


def parameters_text(settings: dict) -> str:
    """The widely read "parameters" text (as A1111 and other SD tools write it) of an
    image's generation ``settings``; tolerant of settings that lack some keys (older or
    hand-edited sidecars), which then leave out what they lack."""
    try:
        return (
            f"{settings['prompt']}\nNegative prompt: {settings['negative_prompt']}\n"
            f"Steps: {settings['steps']}, Sampler: {settings['scheduler']}, CFG scale: {settings['guidance_scale']}, "
            f"Seed: {settings['seed']}, Size: {settings['width']}x{settings['height']}, Model: {settings['model_id']}"
        )
    except KeyError:
        pass
    labels = {"steps": "Steps", "scheduler": "Sampler", "guidance_scale": "CFG scale", "seed": "Seed", "model_id": "Model"}
    lines = [str(settings.get("prompt", ""))]
    if settings.get("negative_prompt"):
        lines.append(f"Negative prompt: {settings['negative_prompt']}")
    fields = [f"{label}: {settings[key]}" for key, label in labels.items() if settings.get(key) is not None]
    if fields:
        lines.append(", ".join(fields))
    return "\n".join(lines)


def write_png(fh: BinaryIO, image, settings: dict | None) -> None:
    """Write ``image`` as PNG to the binary file ``fh`` with its generation ``settings``
    in two text chunks: ``parameters`` (:func:`parameters_text`, read by other SD tools)
    and ``headshot_studio`` (every setting, as JSON). ``settings`` None (or empty): the
    pixels only. The one PNG writer of finished images, generated, retouched or exported."""
    from PIL.PngImagePlugin import PngInfo

    options = {}
    if settings:
        info = PngInfo()
        info.add_text("parameters", parameters_text(settings))
        info.add_text("headshot_studio", json.dumps(settings, ensure_ascii=False))
        options["pnginfo"] = info
    image.save(fh, format="PNG", **options)


def save_png(image, path: Path, settings: dict | None) -> None:
    """:func:`write_png` into ``path``, atomically: a reader (or a run killed part-way)
    sees the old file or the whole new one, never half an image."""
    write_atomic(path, lambda fh: write_png(fh, image, settings))
