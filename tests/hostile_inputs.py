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
        REJECT, "far too large", bomb=True, in_folder=False)

    add("large-blank.png", png_rows(10_000, 9_900, b"\x00" + b"\xc8" * 10_000),
        "a 99-megapixel blank PNG: under the limit, so decoded (memory must stay bounded)", REJECT, "No face")

    # 4. too small or a strange shape
    add("one-pixel.png", _encode(Image.new("RGB", (1, 1), (200, 150, 120)), "PNG"), "a 1x1 image", REJECT,
        "only 1x1 pixels")
    add("icon-16.jpg", _encode(face.resize((16, 16)), "JPEG"), "a 16x16 image", REJECT, "only 16x16 pixels")
    add("panorama.png", _encode(Image.new("RGB", (10000, 10), (90, 120, 200)), "PNG"), "a 10000x10 strip", REJECT,
        "only 10000x10 pixels")
    add("tower.png", _encode(Image.new("L", (10, 10000), 128), "PNG"), "a 10x10000 strip", REJECT,
        "only 10x10000 pixels")

    # 5. valid but unusual images of a real face: must be read correctly (usable)
    frames = [small_face, small_face.rotate(5), small_face.rotate(-5)]
    add("animated.gif", _encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=200, loop=0),
        "an animated GIF, given by name (its first frame is used)", USABLE, in_folder=False)
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
        "a two-page TIFF (given by name; its first page is used)", USABLE, in_folder=False)
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

    return {case.name: case for case in cases}


def make_readable(folder: Path) -> None:
    """Give back read permission (so the test's temporary folder can be deleted)."""
    locked = Path(folder) / "no-permission.jpg"
    if locked.exists():
        locked.chmod(0o644)


# --- a folder of 10,000 files ---------------------------------------------------------------

BIG_FOLDER_FILES = 10_000
BIG_FOLDER_SELFIES = 5
BIG_FOLDER_BROKEN = 50  # named like photos, but empty or not photos
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
