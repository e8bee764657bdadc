"""Hostile and broken inputs for the photo loaders, built in code (issue #7, point 2).

``build_corpus(folder)`` writes one file (or link, pipe, folder) per case into
``folder`` and returns the cases by file name, each with what must happen to it:
the verdicts allowed and a phrase the message must contain. Valid-but-odd images
(CMYK, 16-bit, palette with transparency, animation, odd EXIF, odd names) are a real
face photo in that form, so they must come out usable (ok or warn); everything else
must be refused (reject) with a message that names the problem.

``build_big_folder(folder)`` writes 10,000 files as a phone backup or a Downloads
folder holds them: a few real selfies among thousands of other files.

Imported by the tests from its path with ``importlib`` (the suite runs with
``--import-mode=importlib``, so ``tests/`` is not on ``sys.path``).
"""

from __future__ import annotations

import io
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

USABLE = frozenset({"ok", "warn"})
REJECT = frozenset({"reject"})


@dataclass(frozen=True)
class Case:
    name: str  # the file name inside the corpus folder
    what: str  # what the case is, for failure messages
    verdicts: frozenset[str]  # the verdicts allowed
    words: str = ""  # a phrase the (plain-language) message must contain; "" = any
    in_folder: bool = True  # listed when its folder is checked (False: not a photo by its name, hidden, or a folder)
    bomb: bool = False  # claims a huge size: must be refused from its header, without decoding
    root_can_read: bool = False  # a permission case: running as root, the file is readable after all

    @property
    def usable(self) -> bool:
        return self.verdicts == USABLE


# --- raw formats written by hand ----------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes(width: int, height: int, bit_depth: int, colour_type: int, idat: bytes = b"") -> bytes:
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    chunks = _png_chunk(b"IHDR", header)
    if idat:
        chunks += _png_chunk(b"IDAT", idat)
    return b"\x89PNG\r\n\x1a\n" + chunks + _png_chunk(b"IEND", b"")


def png_16_bit(image: Image.Image, alpha: bool = False) -> bytes:
    """A 16-bit-per-channel RGB (or RGBA) PNG: Pillow reads these but cannot write them."""
    data = np.asarray(image.convert("RGB"), dtype=np.uint16) * 257
    if alpha:
        a = np.full(data.shape[:2] + (1,), 65535, dtype=np.uint16)
        a[: data.shape[0] // 8] = 20000  # a translucent strip at the top
        data = np.concatenate([data, a], axis=2)
    rows = data.astype(">u2").reshape(data.shape[0], -1).view(np.uint8)
    raw = np.concatenate([np.zeros((rows.shape[0], 1), np.uint8), rows], axis=1).tobytes()  # filter 0 per row
    return png_bytes(image.width, image.height, 16, 6 if alpha else 2, zlib.compress(raw, 1))


def png_rows(width: int, height: int, row: bytes, bit_depth: int = 8) -> bytes:
    """A greyscale PNG of ``height`` copies of one ``row`` (a filter byte, then pixels),
    compressed in blocks so that even a gigapixel image is written in a second."""
    compressor = zlib.compressobj(9)
    parts = []
    block = row * 1000
    for _ in range(height // 1000):
        parts.append(compressor.compress(block))
    parts.append(compressor.compress(row * (height % 1000)))
    parts.append(compressor.flush())
    return png_bytes(width, height, bit_depth, 0, b"".join(parts))


def png_one_row(width: int) -> bytes:
    """A greyscale PNG one pixel high and ``width`` wide, compressed a megabyte at a time."""
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(b"\x00")]  # the row's filter byte
    zeros = bytes(2**20)
    for _ in range(width // len(zeros)):
        parts.append(compressor.compress(zeros))
    parts.append(compressor.compress(bytes(width % len(zeros))))
    parts.append(compressor.flush())
    return png_bytes(width, 1, 8, 0, b"".join(parts))


def tiff_tile_bomb(side: int = 1024, tile: int = 8192) -> bytes:
    """A ``side`` x ``side`` deflate TIFF whose single tile claims ``tile`` x ``tile``
    pixels: TIFF decoders size their buffer by the tile, not by the image."""
    data = zlib.compress(bytes(tile * tile * 3), 9)
    bits_at = 8 + 2 + 12 * 12 + 4
    entries = sorted([(256, 4, 1, side), (257, 4, 1, side), (258, 3, 3, bits_at), (259, 3, 1, 8), (262, 3, 1, 2),
                      (277, 3, 1, 3), (284, 3, 1, 1), (322, 4, 1, tile), (323, 4, 1, tile), (324, 4, 1, bits_at + 6),
                      (325, 4, 1, len(data)), (339, 3, 1, 1)])
    out = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        out += (struct.pack("<HHIHH", tag, kind, count, value, 0) if kind == 3 and count == 1
                else struct.pack("<HHII", tag, kind, count, value))
    return out + struct.pack("<I", 0) + struct.pack("<HHH", 8, 8, 8) + data


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A real decompression bomb: a valid 1-bit PNG of ``width`` x ``height`` white pixels
    whose data compresses ~1000:1, so a ~100 KB file decodes to gigabytes."""
    return png_rows(width, height, b"\x00" + b"\xff" * ((width + 7) // 8), bit_depth=1)


def jpeg_with_size(jpeg: bytes, width: int, height: int) -> bytes:
    """``jpeg`` with its frame header (SOF0) claiming another size: a header-only giant."""
    at = jpeg.index(b"\xff\xc0")
    return jpeg[: at + 5] + struct.pack(">HH", height, width) + jpeg[at + 9 :]


def gif_with_screen(width: int, height: int) -> bytes:
    """A GIF whose logical screen is ``width`` x ``height`` holding one 1x1 image."""
    return (
        b"GIF89a" + struct.pack("<HHBBB", width, height, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
        + b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0) + b"\x02\x02\x44\x01\x00" + b"\x3b"
    )


def with_app1(jpeg: bytes, payload: bytes) -> bytes:
    """``jpeg`` with an extra APP1 (EXIF) segment right after its start marker."""
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def heic_box(brand: bytes = b"heic") -> bytes:
    """The ``ftyp`` box that starts every HEIC file."""
    body = brand + b"\x00\x00\x00\x00" + b"mif1" + brand
    return struct.pack(">I", len(body) + 8) + b"ftyp" + body


def _encode(image: Image.Image, fmt: str, **kwargs) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


# --- the corpus ---------------------------------------------------------------------------

UNICODE_NAME = "Zoë 写真 🙂.jpg"
LONG_NAME = "Selfie-" + "é" * 119 + "x.jpg"  # 250 bytes in UTF-8 (most file systems allow 255)
assert len(LONG_NAME.encode("utf-8")) == 250
LATIN1_NAME = os.fsdecode(b"caf\xe9-cr\xe8me.jpg")  # "café-crème" in Latin-1: Python shows its bytes as surrogates


# A tiny EPS: Pillow identifies it from its first bytes and, when it is loaded, runs
# Ghostscript ("gs") on it, an outside program interpreting a whole language.
EPS_PHOTO = (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 64 64\n"
             b"newpath 0 0 moveto 64 64 lineto stroke showpage\n%%EOF\n")


def face_photo(size: int = 1024) -> Image.Image:
    """A real face (from insightface's t1.jpg), as a selfie-like square portrait."""
    from headshot_studio.testing import face_photos

    return face_photos.person_photo("chandler", size)


def build_corpus(folder: Path) -> dict[str, Case]:
    """Write every case into ``folder`` (created); return the cases by file name.

    Takes a few seconds; the files use ~15 MB."""
    from pillow_heif import register_heif_opener

    register_heif_opener()  # to write the HEIC cases (the app registers it to read them)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    face = face_photo()
    jpeg = _encode(face, "JPEG", quality=90)
    png = _encode(face, "PNG", compress_level=1)
    small_face = face.resize((640, 640), Image.Resampling.LANCZOS)  # for the slow encoders (GIF, WebP, HEIC)
    cases: list[Case] = []

    def add(name: str, content: bytes | None, what: str, verdicts: frozenset[str], words: str = "", **options) -> Path:
        path = folder / name
        if content is not None:
            path.write_bytes(content)
        cases.append(Case(name, what, verdicts, words, **options))
        return path

    # 1. empty, cut short, damaged
    add("empty.jpg", b"", "a zero-byte file", REJECT, "empty (0 bytes)")
    add("half.jpg", jpeg[: len(jpeg) // 2], "a real JPEG cut at 50%", REJECT, "damaged or incomplete")
    add("half.png", png[: len(png) // 2], "a real PNG cut at 50%", REJECT, "damaged or incomplete")
    add("only-start-marker.jpg", b"\xff\xd8\xff", "a JPEG of just its first 3 bytes", REJECT, "damaged or incomplete")
    bad_crc = bytearray(png)
    bad_crc[29] ^= 0xFF  # the header chunk's checksum (bit rot, or a bad transfer)
    add("bad-checksum.png", bytes(bad_crc), "a PNG whose header checksum is wrong", REJECT, "damaged or incomplete")
    add("half.heic", _encode(small_face, "HEIF", quality=80)[:3000], "a real HEIC cut short", REJECT,
        "damaged or incomplete")
    add("zeros.jpg", bytes(65536), "64 KB of zero bytes (a failed copy)", REJECT, "not a photo")
    add("noise.jpg", np.random.default_rng(7).integers(0, 256, 65536, dtype=np.uint8).tobytes(),
        "64 KB of random bytes", REJECT, "not a photo")

    # 2. the name says one thing, the content another: the content decides
    add("png-inside.jpg", png, "a PNG photo named .jpg", USABLE)
    add("jpeg-inside.png", jpeg, "a JPEG photo named .png", USABLE)
    add("jpeg-inside.heic", jpeg, "a JPEG photo named .heic", USABLE)
    add("heic-inside.jpg", _encode(small_face, "HEIF", quality=85), "a HEIC photo named .jpg (as iPhones export)",
        USABLE)
    add("notes.jpg", "Dear diary, today I took a selfie.\n".encode() * 20, "a text file named .jpg", REJECT,
        "it looks like a text file")
    add("page.jpeg", b"<!DOCTYPE html><html><head><title>Photo</title></head><body><img src='x.jpg'></body></html>",
        "a web page saved as .jpeg", REJECT, "web page")
    add("document.jpg", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
        "a PDF named .jpg", REJECT, "PDF")
    add("archive.jpg", b"PK\x03\x04" + bytes(200), "a ZIP archive named .jpg", REJECT, "ZIP")
    add("postscript.jpg", EPS_PHOTO, "an EPS (PostScript) file named .jpg: Pillow would run Ghostscript on it",
        REJECT, "PostScript")
    add("netpbm-inside.jpg", b"P6\n2 2\n255\n" + bytes(12),
        "a valid image in a format the app does not list (PPM), named .jpg", REJECT, "not a photo")
    add("clip.jpg", struct.pack(">I", 24) + b"ftypisom\x00\x00\x02\x00isomiso2" + bytes(200),
        "a video named .jpg", REJECT, "video")
    add("._selfie.jpg", b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + bytes(4000),
        "a macOS resource-fork file (AppleDouble)", REJECT, "not a photo", in_folder=False)
    add("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg' width='400' height='400'><circle r='50'/></svg>",
        "an SVG drawing", REJECT, "drawing", in_folder=False)

    # 3. too large: must be refused from the header, before any pixel is decoded
    add("bomb.png", png_bomb(), "a 30000x30000 PNG bomb (~100 KB of highly compressible data)", REJECT,
        "far too large", bomb=True)
    add("giant-header.jpg", jpeg_with_size(_encode(Image.new("RGB", (16, 16)), "JPEG"), 20000, 20000),
        "a JPEG whose header claims 20000x20000", REJECT, "far too large", bomb=True)
    add("giant-header.png", png_bytes(20000, 20000, 8, 2), "a PNG header claiming 20000x20000, no data", REJECT,
        "far too large", bomb=True)
    add("giant-screen.gif", gif_with_screen(65535, 65535), "a GIF whose screen claims 65535x65535 (given by name)",
        REJECT, "GIF image", in_folder=False)
    add("tile-bomb.jpg", tiff_tile_bomb(), "a 1024x1024 TIFF named .jpg whose one tile claims 8192x8192 pixels",
        REJECT, "TIFF image")
    padded = add("padded.webp", _encode(small_face, "WEBP", quality=80),
                 "a real WebP padded to 150 MB (the WebP reader loads whole files)", REJECT, "far too large a file",
                 bomb=True)
    os.truncate(padded, 150 * 2**20)  # sparse: takes no disk space

    add("over-the-limit.png", png_rows(10_000, 9_900, b"\x00" + b"\xc8" * 10_000),
        "a 99-megapixel blank PNG (~100 KB): over the pixel limit, refused from its header", REJECT,
        "far too large", bomb=True)
    add("large-blank.png", png_rows(7_000, 7_000, b"\x00" + b"\xc8" * 7_000),
        "a 49-megapixel blank PNG: under the limit, so decoded (memory must stay bounded)", REJECT, "No face")
    add("deep-16-bit.png", png_rows(10_900, 10_900, b"\x00" + b"\x80\x00" * 10_900, bit_depth=16),
        "a 231 KB 16-bit PNG of 10,900 x 10,900 pixels (1.4 GB when decoded before the limits)", REJECT,
        "far too large", bomb=True)
    add("one-line.png", png_one_row(110_000_000),
        "a PNG of 110,000,000 x 1 pixels (2 GB when decoded before the limits)", REJECT, "far too large",
        bomb=True)
    add("thin-line.png", png_one_row(40_000_000),
        "a PNG of 40,000,000 x 1 pixels: under the pixel limit, refused for its shape", REJECT, "long, thin strip",
        bomb=True)

    # 4. too small or a strange shape
    add("one-pixel.png", _encode(Image.new("RGB", (1, 1), (200, 150, 120)), "PNG"), "a 1x1 image", REJECT,
        "only 1x1 pixels")
    add("icon-16.jpg", _encode(face.resize((16, 16)), "JPEG"), "a 16x16 image", REJECT, "only 16x16 pixels")
    add("panorama.png", _encode(Image.new("RGB", (10000, 10), (90, 120, 200)), "PNG"), "a 10000x10 strip", REJECT,
        "10000x10 pixels: a long, thin strip")
    add("tower.png", _encode(Image.new("L", (10, 10000), 128), "PNG"), "a 10x10000 strip", REJECT,
        "10x10000 pixels: a long, thin strip")

    # 5. valid but unusual images of a real face: must be read correctly (usable)
    frames = [small_face, small_face.rotate(5), small_face.rotate(-5)]
    add("animated.gif", _encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=200, loop=0),
        "an animated GIF, given by name: not a photo format", REJECT, "GIF image", in_folder=False)
    add("animated.webp", _encode(frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=200, quality=85),
        "an animated WebP (its first frame is used)", USABLE)
    add("cmyk.jpg", _encode(face.convert("CMYK"), "JPEG", quality=90), "a CMYK JPEG", USABLE)
    gray16 = Image.fromarray(np.asarray(face.convert("L"), dtype=np.uint16) * 257)
    add("gray-16-bit.png", _encode(gray16, "PNG"), "a 16-bit greyscale PNG", USABLE)
    add("rgb-16-bit.png", png_16_bit(face), "a 16-bit RGB PNG", USABLE)
    add("rgba-16-bit.png", png_16_bit(face, alpha=True), "a 16-bit RGBA PNG", USABLE)
    palette = face.quantize(255)
    add("palette-transparent.png", _encode(palette, "PNG", transparency=0), "a palette PNG with a transparent colour",
        USABLE)
    top_clear = Image.linear_gradient("L").resize(face.size).point(lambda v: 0 if v < 30 else 255)  # top 12% clear
    gray_alpha = face.convert("LA")
    gray_alpha.putalpha(top_clear)
    add("gray-alpha.png", _encode(gray_alpha, "PNG", compress_level=1), "a greyscale PNG with alpha (LA)", USABLE)
    rgba = face.convert("RGBA")
    rgba.putalpha(top_clear)
    add("transparent-top.png", _encode(rgba, "PNG", compress_level=1), "an RGBA PNG, its top transparent", USABLE)
    add("photo.bmp", _encode(face, "BMP"), "a BMP", USABLE)
    add("photo.heic", _encode(small_face, "HEIF", quality=85), "a real HEIC photo", USABLE)
    pages = [face, face.rotate(90)]
    add("pages.tif", _encode(pages[0], "TIFF", save_all=True, append_images=pages[1:]),
        "a two-page TIFF, given by name: not a photo format", REJECT, "TIFF image", in_folder=False)
    add("trailing-bytes.jpg", jpeg + b"\x00garbage after the end of the image" * 100,
        "a JPEG with junk after its end", USABLE)

    # 6. EXIF: huge, corrupt and invalid orientations are ignored, never fatal
    exif = Image.Exif()
    exif[0x010E] = "x" * 60_000  # ImageDescription: a 60 KB EXIF block (the JPEG limit is 64 KB)
    exif[0x0112] = 1
    add("huge-exif.jpg", _encode(face, "JPEG", quality=90, exif=exif), "a JPEG with 60 KB of EXIF", USABLE)
    broken_ifd = b"Exif\x00\x00" + b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 5000) + bytes(60)
    add("corrupt-exif.jpg", with_app1(jpeg, broken_ifd), "EXIF whose directory claims 5000 entries in 60 bytes",
        USABLE)
    looping_ifd = b"Exif\x00\x00" + b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 0) + struct.pack("<I", 8)
    add("looping-exif.jpg", with_app1(jpeg, looping_ifd), "EXIF whose next directory points at itself", USABLE)
    for value in (0, 99):
        exif = Image.Exif()
        exif[0x0112] = value
        add(f"orientation-{value}.jpg", _encode(face, "JPEG", quality=90, exif=exif),
            f"EXIF orientation {value} (invalid: ignored)", USABLE)

    # 7. HEIC files with no picture in them
    add("no-picture.heic", heic_box() + np.random.default_rng(3).integers(0, 256, 4000, dtype=np.uint8).tobytes(),
        "a HEIC header followed by garbage", REJECT, "damaged or incomplete")
    add("header-only.heic", heic_box(), "a HEIC file of only its header", REJECT, "damaged or incomplete")

    # 8. names
    add(UNICODE_NAME, jpeg, "a Unicode file name", USABLE)
    add(LONG_NAME, jpeg, "a 250-byte file name", USABLE)
    add(LATIN1_NAME, jpeg, "a file name that is not valid UTF-8 (Latin-1 bytes, from an old camera or Windows)",
        USABLE)

    # 9. things that are not plain readable files
    locked = add("no-permission.jpg", jpeg, "a photo nobody may read (mode 000)", REJECT, "permission",
                 root_can_read=os.geteuid() == 0)
    locked.chmod(0)
    add("loop-a.jpg", None, "a link to a link back to it (loop-a -> loop-b -> loop-a)", REJECT, "link")
    add("loop-b.jpg", None, "the other half of the link loop", REJECT, "link")
    os.symlink("loop-b.jpg", folder / "loop-a.jpg")
    os.symlink("loop-a.jpg", folder / "loop-b.jpg")
    add("dangling.jpg", None, "a link to a file that is gone", REJECT, "link")
    os.symlink("deleted-long-ago.jpg", folder / "dangling.jpg")
    add("pipe.jpg", None, "a named pipe (opening it for reading would wait forever)", REJECT, "not a photo file")
    os.mkfifo(folder / "pipe.jpg")
    add("folder.jpg", None, "a folder named like a photo", REJECT, "is a folder", in_folder=False)
    (folder / "folder.jpg").mkdir()
    os.symlink(".", folder / "this-folder-again")  # a folder link back to itself: listing must still end
    elsewhere = folder.parent / f"{folder.name}-elsewhere"
    elsewhere.mkdir(exist_ok=True)
    (elsewhere / "private.txt").write_text("root:$6$secret-hash:19000:0:99999:7:::\n")
    (elsewhere / "photo.jpg").write_bytes(jpeg)
    add("link-to-private-file.jpg", None, "a link named like a photo to a private file elsewhere (/etc/shadow)",
        REJECT, "is a link")
    os.symlink(elsewhere / "private.txt", folder / "link-to-private-file.jpg")
    add("link-to-photo.jpg", None, "a link to a real photo elsewhere: links are never followed", REJECT, "is a link")
    os.symlink(elsewhere / "photo.jpg", folder / "link-to-photo.jpg")

    return {case.name: case for case in cases}


def make_readable(folder: Path) -> None:
    """Give back read permission (so the test's temporary folder can be deleted)."""
    locked = Path(folder) / "no-permission.jpg"
    if locked.exists():
        locked.chmod(0o644)


# --- a folder of 10,000 files ---------------------------------------------------------------

BIG_FOLDER_FILES = 10_000
BIG_FOLDER_SELFIES = 5
BIG_FOLDER_BROKEN = 100  # named like photos, but empty (half of them) or not photos
BIG_FOLDER_HIDDEN = 45  # "._IMG_....jpg" (macOS) and ".thumbnails" junk: never shown, never checked


def build_big_folder(folder: Path) -> dict[str, int]:
    """10,000 files: a few real selfies, some broken "photos", hidden files, and
    thousands of other files (sidecars, videos, notes). Returns the counts by kind."""
    from headshot_studio.testing import face_photos

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for i, photo in enumerate(face_photos.variants_of("chandler", BIG_FOLDER_SELFIES, size=768)):
        photo.save(folder / f"IMG_{i:04d}.jpg", quality=88)
    for i in range(BIG_FOLDER_BROKEN):
        (folder / f"IMG_{1000 + i:04d}.jpg").write_bytes(b"" if i % 2 else b"not really a photo\n")
    for i in range(BIG_FOLDER_HIDDEN):
        (folder / f"._IMG_{i:04d}.jpg").write_bytes(b"\x00\x05\x16\x07" + bytes(60))
    others = BIG_FOLDER_FILES - BIG_FOLDER_SELFIES - BIG_FOLDER_BROKEN - BIG_FOLDER_HIDDEN
    kinds = [".xmp", ".json", ".txt", ".mov", ".aae", ""]
    for i in range(others):
        suffix = kinds[i % len(kinds)]
        (folder / f"file_{i:05d}{suffix}").write_bytes(b"{}" if suffix == ".json" else b"x")
    return {
        "files": BIG_FOLDER_FILES,
        "selfies": BIG_FOLDER_SELFIES,
        "broken": BIG_FOLDER_BROKEN,
        "hidden": BIG_FOLDER_HIDDEN,
        "others": others,
    }


# --- hostile base models (issue #7: model import and loading) -------------------------------


def build_model_corpus(folder: Path, model: Path | None = None) -> list[dict]:
    """Write hostile and broken base models into ``folder`` (created): crafted
    ``.safetensors`` checkpoints, and copies of the tiny diffusers SD1.5 folder ``model``
    (one is built when not given) with links, pipes, devices and damaged configs inside.

    Returns one dict per case, each with: ``name`` (file or folder name in ``folder``),
    ``path`` (what is given to ``models.import_model``), ``what`` (for failure messages),
    ``error`` (the error type import must raise), ``words`` (a phrase its message must
    contain) and ``header`` (for a single file, the error type ``read_safetensors_header``
    must raise; None when the header is valid). Each must be refused in well under a
    second, before any hashing or conversion, with nothing imported or copied.

    ``secret.txt`` beside the cases stands for a private file some links point at: no
    copy of its text may ever appear in the app's folders. Takes about a second."""
    import json
    import shutil
    import stat

    from headshot_studio.core.events import ModelDamagedError, ModelNotFoundError, UnsupportedModelError

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if model is None:
        from headshot_studio.testing.tiny_model import build_tiny_sd15

        model = build_tiny_sd15(folder / "_tiny-sd15")
    secret = folder / "secret.txt"
    secret.write_text("root:PRIVATE-PASSWORD-HASH:19000:0:99999:7:::\n", encoding="utf-8")
    damaged, unsupported = "damaged or incomplete", "Import a full Stable Diffusion 1.5 or SDXL model"
    cases: list[dict] = []

    def add(name: str, what: str, error: type, words: str, header: type | None = None) -> Path:
        cases.append({"name": name, "path": folder / name, "what": what, "error": error, "words": words,
                      "header": header})
        return folder / name

    # 1. single-file checkpoints with malformed headers: "damaged or incomplete", from the
    #    header alone. Their tensor names are SD1.5's, so nothing but the header stops them.
    unet_key, clip_key = "model.diffusion_model.conv_in.weight", "cond_stage_model.transformer.text_model.final_layer_norm.weight"

    def checkpoint(name: str, what: str, header=b"", data: bytes = b"", length: int | None = None,
                   content: bytes | None = None) -> Path:
        """A file of ``content``, or of a header (JSON bytes or an object) and data."""
        if content is None:
            raw = header if isinstance(header, bytes) else json.dumps(header).encode()
            content = struct.pack("<Q", len(raw) if length is None else length) + raw + data
        path = add(name, what, ModelDamagedError, damaged, ModelDamagedError)
        path.write_bytes(content)
        return path

    def tensor(dtype="F32", shape=(2,), offsets=(0, 8)) -> dict:
        return {"dtype": dtype, "shape": list(shape), "data_offsets": list(offsets)}

    def two(first: dict, second: dict | None = None) -> dict:
        return {unet_key: first, clip_key: second or tensor(offsets=(8, 16))}

    checkpoint("empty.safetensors", "a zero-byte file", content=b"")
    checkpoint("short.safetensors", "3 bytes, shorter than the length field", content=b"\x01\x02\x03")
    checkpoint("zeros.safetensors", "4 KB of zero bytes (a failed copy)", content=bytes(4096))
    checkpoint("pickle-renamed.safetensors", "a pickled checkpoint renamed .safetensors",
               content=b"\x80\x04\x95" + bytes(5) + b"}q\x00(X\x05\x00\x00\x00state" * 20)
    checkpoint("header-list.safetensors", "a header that is a JSON list", [two(tensor())], bytes(16))
    checkpoint("header-text.safetensors", "a header that is a JSON string", b'"model.diffusion_model"', bytes(16))
    checkpoint("header-not-json.safetensors", "a header cut mid-JSON", b'{"' + unet_key.encode() + b'": {"dtype"', bytes(16))
    checkpoint("header-not-utf8.safetensors", "a header that is not UTF-8", b'{"\xff\xfe": 1}', bytes(16))
    checkpoint("deep-list.safetensors", "a header nested 100,000 lists deep", b"[" * 100_000 + b"]" * 100_000)
    checkpoint("deep-object.safetensors", "a header nested 20,000 objects deep",
               b'{"a":' * 20_000 + b"{}" + b"}" * 20_000)
    checkpoint("deep-metadata.safetensors", "__metadata__ nested 50,000 deep",
               b'{"__metadata__": ' + b"[" * 50_000 + b"]" * 50_000 + b"}")
    checkpoint("header-longer-than-file.safetensors", "a header length past the end of the file",
               two(tensor()), bytes(16), length=1_000_000)
    checkpoint("header-length-max.safetensors", "a header length of 2**64-1", two(tensor()), bytes(16),
               length=2**64 - 1)
    over_limit = checkpoint("header-over-limit.safetensors",
                            "a 150 MB header length in a 160 MB (sparse) file: over the 100 MB limit", b"{}",
                            length=150 * 2**20)
    with over_limit.open("r+b") as fh:
        fh.truncate(160 * 2**20)
    checkpoint("entry-list.safetensors", "a tensor described by a list", {unet_key: [0, 8]}, bytes(8))
    checkpoint("entry-text.safetensors", "a tensor described by a string", {unet_key: "F32"}, bytes(8))
    checkpoint("entry-number.safetensors", "a tensor described by a number", {unet_key: 8}, bytes(8))
    checkpoint("no-dtype.safetensors", "a tensor without dtype", two({"shape": [2], "data_offsets": [0, 8]}), bytes(16))
    checkpoint("dtype-list.safetensors", "a dtype that is a list", two(tensor(dtype=["F32"])), bytes(16))
    checkpoint("unknown-dtype.safetensors", "an unknown dtype (F128)", two(tensor(dtype="F128")), bytes(16))
    checkpoint("no-shape.safetensors", "a tensor without shape", two({"dtype": "F32", "data_offsets": [0, 8]}), bytes(16))
    checkpoint("shape-text.safetensors", "a shape that is text", two({**tensor(), "shape": "2"}), bytes(16))
    checkpoint("shape-negative.safetensors", "a negative dimension", two(tensor(shape=(-2,))), bytes(16))
    checkpoint("shape-float.safetensors", "a fractional dimension", two(tensor(shape=(2.0,))), bytes(16))
    checkpoint("shape-bool.safetensors", "dimensions true/true (1 byte if taken as numbers)",
               two(tensor("U8", (True, True), (0, 1)), tensor(offsets=(1, 9))), bytes(9))
    checkpoint("shape-too-many-dims.safetensors", "a shape of 100,000 dimensions of 1",
               two(tensor(shape=(1,) * 99_999 + (2,))), bytes(16))
    checkpoint("no-offsets.safetensors", "a tensor without data_offsets", two({"dtype": "F32", "shape": [2]}), bytes(16))
    checkpoint("offsets-three.safetensors", "three data_offsets", two(tensor(offsets=(0, 4, 8))), bytes(16))
    checkpoint("offsets-text.safetensors", "data_offsets as text", two({**tensor(), "data_offsets": ["0", "8"]}),
               bytes(16))
    checkpoint("offsets-negative.safetensors", "negative data_offsets", two(tensor(offsets=(-8, 0))), bytes(16))
    checkpoint("offsets-reversed.safetensors", "data_offsets begin > end", two(tensor(offsets=(8, 0))), bytes(16))
    checkpoint("overlap.safetensors", "two tensors sharing bytes", two(tensor(), tensor(offsets=(4, 12))), bytes(12))
    checkpoint("gap.safetensors", "8 unused bytes between two tensors", two(tensor(), tensor(offsets=(16, 24))),
               bytes(24))
    checkpoint("not-from-zero.safetensors", "tensors starting 8 bytes into the data",
               two(tensor(offsets=(8, 16)), tensor(offsets=(16, 24))), bytes(24))
    checkpoint("shape-size-mismatch.safetensors", "a [3] F32 tensor (12 bytes) given 8 bytes",
               two(tensor(shape=(3,))), bytes(16))
    checkpoint("huge-shape.safetensors", "a [2**40, 2**40] tensor given 8 bytes",
               two(tensor(shape=(2**40, 2**40))), bytes(16))
    checkpoint("past-end.safetensors", "tensors declaring 16 bytes in a file holding 12", two(tensor()), bytes(12))
    checkpoint("trailing-bytes.safetensors", "8 bytes after the last tensor", two(tensor()), bytes(24))
    checkpoint("metadata-list.safetensors", "__metadata__ that is a list", {"__metadata__": ["pt"], **two(tensor())},
               bytes(16))
    checkpoint("metadata-number.safetensors", "__metadata__ with a number value",
               {"__metadata__": {"format": 1}, **two(tensor())}, bytes(16))
    checkpoint("metadata-nested.safetensors", "__metadata__ with an object value",
               {"__metadata__": {"format": {"pt": "yes"}}, **two(tensor())}, bytes(16))
    # Overlapping tensors that end exactly at the end of a 200 MB (sparse) file: a check of
    # the last offset alone passes it, and the whole file is hashed before anything fails.
    big = checkpoint("overlap-200mb.safetensors", "200 MB whose tensors overlap (only the last offset fits)",
                     two(tensor("U8", (150 * 2**20,), (0, 150 * 2**20)), tensor("U8", (100 * 2**20,), (100 * 2**20, 200 * 2**20))))
    with big.open("r+b") as fh:
        fh.truncate(big.stat().st_size + 200 * 2**20)
    # A valid header with no tensors: not a model.
    path = add("no-tensors.safetensors", "a valid header with no tensors", UnsupportedModelError, unsupported)
    path.write_bytes(struct.pack("<Q", 2) + b"{}")

    # 2. what was chosen is not a plain file
    os.mkfifo(add("pipe.safetensors", "a named pipe named .safetensors (reading it waits forever)",
                  UnsupportedModelError, "is not a plain file", UnsupportedModelError))
    os.symlink("pipe.safetensors", add("link-to-pipe.safetensors", "a link to the pipe", UnsupportedModelError,
                                       "is not a plain file", UnsupportedModelError))
    os.symlink("/dev/zero", add("link-to-dev-zero.safetensors", "a link to /dev/zero (endless bytes)",
                                UnsupportedModelError, "is not a plain file", UnsupportedModelError))
    os.symlink("gone.safetensors", add("dangling.safetensors", "a link to a file that is gone", ModelNotFoundError,
                                       "does not exist", UnsupportedModelError))
    os.symlink("loop.safetensors", add("loop.safetensors", "a link to itself", ModelNotFoundError, "does not exist",
                                       UnsupportedModelError))
    try:  # a character device like /dev/null: creating one needs root
        os.mknod(folder / "device.safetensors", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
        add("device.safetensors", "a character device", UnsupportedModelError, "is not a plain file",
            UnsupportedModelError)
    except (PermissionError, AttributeError):
        pass

    # 3. model folders with links, pipes and devices inside: refused by name, before anything is copied
    def model_copy(name: str, what: str, error: type, words: str) -> Path:
        shutil.copytree(model, add(name, what, error, words))
        return folder / name

    def replace(path: Path) -> Path:
        path.unlink(missing_ok=True)
        return path

    copy = model_copy("link-merges", "tokenizer/merges.txt is a link to a private file outside the folder",
                      UnsupportedModelError, "tokenizer/merges.txt is a link (shortcut) to another file")
    os.symlink(secret, copy / "tokenizer" / "merges.txt")
    copy = model_copy("link-shadow", "tokenizer/tokenizer.json is a link to /etc/shadow",
                      UnsupportedModelError, "tokenizer/tokenizer.json is a link (shortcut) to another file")
    os.symlink("/etc/shadow", replace(copy / "tokenizer" / "tokenizer.json"))
    copy = model_copy("link-unet-folder", "the unet folder is a link to a folder elsewhere",
                      UnsupportedModelError, "unet is a link (shortcut) to another folder")
    shutil.move(copy / "unet", folder / "unet-elsewhere")
    os.symlink(folder / "unet-elsewhere", copy / "unet")
    copy = model_copy("link-tokenizer-folder", "the tokenizer folder is a link to a folder holding the secret",
                      UnsupportedModelError, "tokenizer is a link (shortcut) to another folder")
    shutil.move(copy / "tokenizer", folder / "tokenizer-elsewhere")
    shutil.copy(secret, folder / "tokenizer-elsewhere" / "merges.txt")
    os.symlink(folder / "tokenizer-elsewhere", copy / "tokenizer")
    copy = model_copy("link-inside", "unet/config.json is a link to vae/config.json in the same folder",
                      UnsupportedModelError, "unet/config.json is a link (shortcut) to another file")
    os.symlink("../vae/config.json", replace(copy / "unet" / "config.json"))
    copy = model_copy("link-weights", "the unet weights are a link to the real file elsewhere",
                      UnsupportedModelError, "unet/diffusion_pytorch_model.safetensors is a link")
    weights = copy / "unet" / "diffusion_pytorch_model.safetensors"
    shutil.move(weights, folder / "unet-weights-elsewhere.safetensors")
    os.symlink(folder / "unet-weights-elsewhere.safetensors", weights)
    copy = model_copy("link-model-index", "model_index.json is a link", UnsupportedModelError,
                      "model_index.json is a link (shortcut) to another file")
    shutil.move(copy / "model_index.json", folder / "model_index-elsewhere.json")
    os.symlink(folder / "model_index-elsewhere.json", copy / "model_index.json")
    copy = model_copy("dangling-link", "scheduler/scheduler_config.json is a link to nothing",
                      UnsupportedModelError, "scheduler/scheduler_config.json is a link (shortcut)")
    os.symlink("gone.json", replace(copy / "scheduler" / "scheduler_config.json"))
    copy = model_copy("pipe-unet-weights", "unet/diffusion_pytorch_model.safetensors is a named pipe",
                      UnsupportedModelError, "unet/diffusion_pytorch_model.safetensors is not a plain file")
    os.mkfifo(replace(copy / "unet" / "diffusion_pytorch_model.safetensors"))
    copy = model_copy("pipe-model-index", "model_index.json is a named pipe", UnsupportedModelError,
                      "model_index.json is not a plain file")
    os.mkfifo(replace(copy / "model_index.json"))
    copy = model_copy("pipe-unet-config", "unet/config.json is a named pipe", UnsupportedModelError,
                      "unet/config.json is not a plain file")
    os.mkfifo(replace(copy / "unet" / "config.json"))
    copy = model_copy("pipe-tokenizer-file", "tokenizer/merges.txt (copied, never parsed) is a named pipe",
                      UnsupportedModelError, "tokenizer/merges.txt is not a plain file")
    os.mkfifo(copy / "tokenizer" / "merges.txt")
    try:
        device = folder / "device-vae-weights" / "vae" / "diffusion_pytorch_model.safetensors"
        copy = model_copy("device-vae-weights", "vae/diffusion_pytorch_model.safetensors is a character device",
                          UnsupportedModelError, "vae/diffusion_pytorch_model.safetensors is not a plain file")
        os.mknod(replace(device), 0o600 | stat.S_IFCHR, os.makedev(1, 5))  # like /dev/zero
    except (PermissionError, AttributeError):
        cases.pop()
        shutil.rmtree(folder / "device-vae-weights")

    # 4. model folders with damaged configs or weights: "damaged", by name
    copy = model_copy("deep-model-index", "model_index.json nested 100,000 lists deep", ModelDamagedError,
                      "damaged file model_index.json")
    (copy / "model_index.json").write_bytes(b"[" * 100_000 + b"]" * 100_000)
    copy = model_copy("huge-model-index", "a 2 MB model_index.json", ModelDamagedError,
                      "damaged file model_index.json")
    index = json.loads((copy / "model_index.json").read_text(encoding="utf-8"))
    (copy / "model_index.json").write_text(json.dumps(index | {"padding": "x" * 2 * 2**20}), encoding="utf-8")
    copy = model_copy("model-index-list", "model_index.json is a JSON list", ModelDamagedError,
                      "damaged file model_index.json")
    (copy / "model_index.json").write_text("[]", encoding="utf-8")
    copy = model_copy("unet-config-not-json", "unet/config.json is not JSON", ModelDamagedError,
                      "damaged file unet/config.json")
    (copy / "unet" / "config.json").write_bytes(b"\x00\x01 not json")
    copy = model_copy("deep-unet-config", "unet/config.json nested 10,000 objects deep", ModelDamagedError,
                      "damaged file unet/config.json")
    (copy / "unet" / "config.json").write_bytes(b'{"a":' * 10_000 + b"{}" + b"}" * 10_000)
    copy = model_copy("weights-header-list", "vae weights whose header is a JSON list", ModelDamagedError, damaged)
    header = b"[]"
    (copy / "vae" / "diffusion_pytorch_model.safetensors").write_bytes(struct.pack("<Q", len(header)) + header)
    copy = model_copy("weights-overlap", "text_encoder weights whose tensors overlap", ModelDamagedError, damaged)
    header = json.dumps({"a": tensor(), "b": tensor(offsets=(4, 12))}).encode()
    (copy / "text_encoder" / "model.safetensors").write_bytes(struct.pack("<Q", len(header)) + header + bytes(12))
    return cases


# --- damaged and crafted session manifests -------------------------------------------------


@dataclass(frozen=True)
class SessionCase:
    folder: str  # the session folder's name (its id)
    what: str


def good_manifest(name: str = "Alex Morgan") -> dict:
    return {"schema_version": 1, "name": name, "created_at": "2026-11-30T10:00:00+0000",
            "updated_at": "2026-11-30T10:00:00+0000", "state": "checked",
            "photos": [{"name": "selfie-0.jpg", "source": "/nowhere/selfie-0.jpg", "copied": True}], "settings": {}}


def build_session_corpus(sessions: Path) -> dict[str, SessionCase]:
    """Session folders whose manifests were damaged by a crash of another program, edited
    by hand, or crafted; every one must be listed as damaged, never hidden, never fatal,
    and be deletable. Returns the cases by folder name; the folder ``20261130-100000-0badf00d``
    is a good session to compare with."""
    import json

    sessions.mkdir(parents=True, exist_ok=True)
    cases: list[SessionCase] = []

    def add(folder: str, what: str, content: bytes | None, photo: bytes | None = None) -> Path:
        path = sessions / folder
        path.mkdir()
        if content is not None:
            (path / "manifest.json").write_bytes(content)
        if photo is not None:
            (path / "photos").mkdir()
            (path / "photos" / "selfie-0.jpg").write_bytes(photo)
        cases.append(SessionCase(folder, what))
        return path

    def manifest(**changes) -> bytes:
        return json.dumps(good_manifest() | changes).encode()

    good = sessions / "20261130-100000-0badf00d"
    good.mkdir()
    (good / "manifest.json").write_bytes(manifest())
    text = manifest()
    add("20261130-100001-00000001", "a manifest cut in half (a crash while another program wrote it)",
        text[: len(text) // 2], photo=b"\xff\xd8 a photo cut short")
    add("20261130-100002-00000002", "updated_at is a number", manifest(updated_at=5))
    add("20261130-100003-00000003", "the manifest is a list", b"[1, 2, 3]")
    add("20261130-100004-00000004", "5,000 levels of nesting", b'{"name": ' + b"[" * 5000 + b"]" * 5000 + b"}")
    add("20261130-100005-00000005", "a 10 MB name", manifest(name="x" * 10_000_000))
    add("20261130-100006-00000006", "a photo name that climbs out of the session",
        manifest(photos=[{"name": "../../../../etc/passwd", "source": "/etc/passwd", "copied": True}]))
    add("20261130-100007-00000007", "a state nobody knows", manifest(state="exploded"))
    add("20261130-100008-00000008", "photos is text", manifest(photos="all of them"))
    add("20261130-100009-00000009", "settings hold a section where a number belongs",
        manifest(settings={"count": {"a": 1}}))
    add("20261130-100010-00000010", "not UTF-8", b"\xff\xfe\x00garbage")
    add("20261130-100011-00000011", "no manifest at all", None)
    linked = add("20261130-100012-00000012", "the manifest is a link to a file elsewhere", None)
    os.symlink(good / "manifest.json", linked / "manifest.json")
    fifo = add("20261130-100013-00000013", "the manifest is a named pipe (reading it would wait forever)", None)
    os.mkfifo(fifo / "manifest.json")
    add("20261130-100014-00000014", "favourites name a path", manifest(favourites=["../../x.png"]))
    add("20261130-100015-00000015", "a photo's source holds a NUL byte",
        manifest(photos=[{"name": "a.jpg", "source": "/tmp/a\u0000b", "copied": False}]))
    add("20261130-100016-00000016", "the name is a lone surrogate (not text)", manifest(name="\ud800"))
    # (a damaged draft of the window's choices is only forgotten: tests/core/test_request.py)
    add("20261130-100017-00000017", "a negative style count", manifest(settings={"counts": [2, -1]}))
    add("not a session id", "a folder whose name is not an id (spaces), without a manifest", None)
    return {case.folder: case for case in cases}


def build_gallery_corpus(session_folder: Path, outside: Path) -> dict[str, bytes]:
    """gallery.json contents that must be read as "no gallery" (logged), never crash a
    listing or the window, and never lead a thumbnail, an export or a delete to
    ``outside``, a file elsewhere."""
    import json

    entry = {"file": "legal-0000-s0.png", "style": "legal", "seed": 0, "group": 0, "scores": {"likeness": 0.8},
             "flags": []}
    return {
        "a list": b"[1, 2]",
        "images is a number": b'{"images": 5}',
        "100,000 levels deep": b"[" * 100_000 + b"]" * 100_000,
        "an entry is text": b'{"images": ["a"]}',
        "an entry without a file": b'{"images": [{"nofile": 1}]}',
        "a file elsewhere": json.dumps({"images": [entry | {"file": str(outside)}]}).encode(),
        "a file up and out": json.dumps({"images": [entry | {"file": "../../" + outside.name}]}).encode(),
        "scores that are text": json.dumps({"images": [entry | {"scores": {"likeness": "high"}}]}).encode(),
        "not UTF-8": b"\xff\xfe garbage",
    }


# --- hostile style files (a user's own styles folder) ----------------------------------------


def build_style_corpus(folder: Path) -> dict[str, dict]:
    """Write style files that are nested thousands deep, far too big, not files at all, or
    awkward but valid, into ``folder`` (the user's styles folder; created). Returns the
    cases by file name, each a dict with ``what`` (for failure messages), ``loads`` (True:
    a valid style that must load; False: it must be reported as broken, alone) and
    ``words`` (a phrase its error message must contain; "" for the ones that load).

    Every broken case must be reported in well under a second, by name, without hiding
    the others, without a crash, a hang (the pipe) or a read of what a link points at.
    The hidden ``.real-style.toml`` is the target of one link (hidden files are never
    read as styles). Takes about a second (it writes one 10 MB file)."""
    import stat

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    good = (
        'name = "Studio test"\ndescription = "A test style."\nswatch = "#112233"\n\n[prompt]\n'
        'subject = "headshot photo of {subject}"\nattire = "navy blazer"\nbackground = "grey backdrop"\n'
        'lighting = "soft light"\ncomposition = "head and shoulders"\nnegative = "blurry"\n\n'
        '[settings]\nguidance = 6.0\nsteps = 28\n'
    )
    cases: dict[str, dict] = {}
    deep, link, not_plain = "levels deep", "is a link (shortcut) to another file", "is not a plain file"
    too_big = "a style file may be"

    def add(name: str, what: str, content: str | bytes | None = None, words: str = "") -> Path:
        path = folder / name
        if content is not None:
            path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        cases[name] = {"name": name, "what": what, "loads": not words, "words": words}
        return path

    # 1. valid styles: they must load, brackets and quotes inside their strings and comments
    add("good-plain.toml", "a plain valid style", good)
    add("brackets-in-strings.toml", "brackets, braces, quotes and # in every kind of string and in comments",
        "# a comment with [[[[[[[[[[ {{{{{{{{{{ \"quotes\" and 'apostrophes'\n"
        'name = "Brackets [[[[[[[[[[ {{{{{{{{{{ \\"quoted\\" # not a comment"\n'
        "description = 'Literal [[[[[[[[[[ {{{{{{{{{{ \\ string # not a comment either'\n"
        'swatch = "#112233"  # [[[[[[[[[[\n\n'
        "[prompt]  # {{{{{{{{{{\n"
        'subject = "headshot photo of {subject}, [[[[[[[[[[[[ ]]]]]]]]]]]]"\n'
        'attire = """\nmulti-line [[[[[[[[[[ {{{{{{{{{{ \\""" still "" inside ]\n"""\n'
        "background = '''literal multi-line [[[[[[[[[[\n{{{{{{{{{{ ' '' still inside'''\n"
        'lighting = "soft light \\\\ [[[[[[[[[[ # no comment"  # a comment [[[[[[[[[[\n'
        'composition = """head and shoulders [[[[[[[[[[ \\\n    ending with two quotes"""""\n'
        "negative = 'blurry, {{{{{{{{{{'\n\n"
        "[settings]\nsteps = 28\n")

    # 2. nested far too deep: refused by the scan, before the TOML reader recurses
    add("deep-array.toml", "a list nested 5,000 deep", "a = " + "[" * 5000 + "]" * 5000 + "\n", deep)
    add("deep-inline-table.toml", "{ } tables nested 5,000 deep", "a = " + "{b = " * 5000 + "1" + "}" * 5000 + "\n",
        deep)
    add("deep-mixed.toml", "lists of { } tables nested 5,000 deep",
        "a = " + "[{b = " * 2500 + "1" + "}]" * 2500 + "\n", deep)
    add("deep-table-header.toml", "a [a.a.a...] header of 5,000 parts",
        "[" + ".".join(["a"] * 5000) + "]\nx = 1\n", deep)
    add("deep-list-of-tables.toml", "a [[a.a.a...]] header of 5,000 parts",
        "[[" + ".".join(["a"] * 5000) + "]]\nx = 1\n", deep)
    add("deep-dotted-key.toml", "a dotted key a.a.a... of 5,000 parts", ".".join(["a"] * 5000) + " = 1\n", deep)
    add("deep-after-backslash.toml", "a literal string ending in a backslash, then a list 5,000 deep",
        good.replace('negative = "blurry"', "negative = 'blurry \\'\nx = " + "[" * 5000 + "]" * 5000), deep)

    # 3. far too big, or texts far longer than a prompt can use
    add("huge-string.toml", "a 10 MB attire", good.replace("navy blazer", "x" * 10_000_000), too_big)
    add("comments.toml", "100 KB of comments before a valid style", "# padding [[[[ {{{{\n" * 5000 + good, too_big)
    add("long-attire.toml", "an attire of 5,000 characters", good.replace("navy blazer", "blazer " * 714 + "x" * 2),
        "prompt.attire is 5,000 characters long")
    add("long-negative.toml", "a negative of 2,000 characters", good.replace('"blurry"', '"' + "n" * 2000 + '"'),
        "prompt.negative is 2,000 characters long")
    add("long-name.toml", "a name of 200 characters", good.replace("Studio test", "N" * 200),
        "name is 200 characters long")
    add("long-description.toml", "a description of 1,000 characters", good.replace("A test style.", "d" * 1000),
        "description is 1,000 characters long")
    add("huge-steps.toml", "steps of 5,000 digits (more than Python reads as a number)",
        good.replace("steps = 28", "steps = " + "9" * 5000), "could not be read as a style file")
    add("huge-guidance.toml", "a guidance of 400 digits (too big for a float)",
        good.replace("guidance = 6.0", "guidance = " + "9" * 400), "settings.guidance must be a number")
    add("escape-key.toml", "an unknown key made of terminal escapes",
        '"\\u001b[2J\\u001b[31m" = 1\n' + good, "is not a style setting")

    # 4. not a plain file: refused from the folder entry alone (nothing is opened or followed)
    (folder / ".real-style.toml").write_text(good, encoding="utf-8")
    os.symlink("/etc/passwd", add("link-passwd.toml", "a link to /etc/passwd", words=link))
    os.symlink(".real-style.toml", add("link-to-style.toml", "a link to a valid style file", words=link))
    os.symlink("gone.toml", add("link-dangling.toml", "a link to a file that is gone", words=link))
    os.mkfifo(add("pipe.toml", "a named pipe (reading it would wait forever)", words=not_plain))
    os.symlink("pipe.toml", add("link-to-pipe.toml", "a link to the pipe", words=link))
    add("folder.toml", "a folder named like a style", words="is a folder, not a file").mkdir()
    (folder / "folder.toml" / "inside.toml").write_text(good, encoding="utf-8")
    try:  # a character device like /dev/null: creating one needs root
        os.mknod(folder / "device.toml", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
        add("device.toml", "a character device", words=not_plain)
    except (PermissionError, AttributeError):
        pass

    # 5. not text, or not TOML
    add("not-utf8.toml", "Latin-1 text, not UTF-8", b'name = "caf\xe9"\n' + good.split("\n", 1)[1].encode(), "UTF-8")
    add("nul-byte.toml", "a NUL byte inside the name", good.replace("Studio test", "Studio\x00 test"),
        "is not valid TOML")
    add("unterminated.toml", "a string never closed, then a list 5,000 deep",
        'name = "never closed\nx = ' + "[" * 5000 + "]" * 5000 + "\n", "is not valid TOML")
    add("evil\x1b[2J.toml", "a file name holding terminal escapes", good, "lowercase letters, digits and hyphens")
    return cases
