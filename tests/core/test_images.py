"""Safe loading of every photo format, and clear refusals for broken files."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from headshot_studio.core.events import InputError
from headshot_studio.core.images import ImageLoadError, list_photos, load_image

RED = (200, 30, 40)


def solid(size=(80, 60), colour=RED) -> Image.Image:
    return Image.new("RGB", size, colour)


@pytest.mark.parametrize("suffix", [".jpg", ".png", ".webp", ".bmp", ".heic"])
def test_common_formats_load_as_rgb(tmp_path, suffix):
    if suffix == ".heic":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    path = tmp_path / f"photo{suffix}"
    solid().save(path)
    loaded = load_image(path)
    assert loaded.image.mode == "RGB" and loaded.original_size == (80, 60)
    r, g, b = loaded.image.getpixel((40, 30))
    assert abs(r - RED[0]) < 12 and abs(g - RED[1]) < 12 and abs(b - RED[2]) < 12


def test_exif_orientation_is_applied(tmp_path):
    image = solid((120, 60), (255, 255, 255))
    image.paste((255, 0, 0), (0, 0, 60, 60))  # red on the left as stored
    exif = Image.Exif()
    exif[0x0112] = 6  # display rotated 90 degrees clockwise
    path = tmp_path / "rotated.jpg"
    image.save(path, exif=exif)
    loaded = load_image(path)
    assert loaded.original_size == (60, 120) and loaded.image.size == (60, 120)
    assert loaded.image.getpixel((30, 10))[1] < 60  # the red half is now on top
    assert loaded.image.getpixel((30, 110))[1] > 200


def test_invalid_exif_orientation_is_ignored(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 42
    path = tmp_path / "odd.jpg"
    solid().save(path, exif=exif)
    assert load_image(path).original_size == (80, 60)


def test_cmyk_is_converted(tmp_path):
    path = tmp_path / "cmyk.jpg"
    solid().convert("CMYK").save(path)
    r, g, b = load_image(path).image.getpixel((10, 10))
    assert r > 150 and g < 90 and b < 100


def test_16_bit_is_scaled_not_clipped(tmp_path):
    path = tmp_path / "deep.png"
    data = np.full((40, 40), 32768, dtype=np.uint16)  # mid grey in 16 bits
    Image.fromarray(data).save(path)  # uint16 -> a 16-bit greyscale PNG
    value = load_image(path).image.getpixel((5, 5))
    assert 120 <= value[0] <= 135 and value[0] == value[1] == value[2]


def test_alpha_and_palette_transparency_become_white(tmp_path):
    rgba = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    rgba.paste((10, 200, 10, 255), (0, 0, 10, 20))
    rgba.save(tmp_path / "alpha.png")
    loaded = load_image(tmp_path / "alpha.png").image
    assert loaded.getpixel((15, 5)) == (255, 255, 255) and loaded.getpixel((5, 5))[1] > 180

    palette = Image.new("P", (20, 20), 0)
    palette.putpalette([0, 0, 0, 250, 0, 0] + [0] * 762)
    palette.paste(1, (10, 0, 20, 20))
    palette.save(tmp_path / "palette.png", transparency=0)
    loaded = load_image(tmp_path / "palette.png").image
    assert loaded.getpixel((2, 2)) == (255, 255, 255) and loaded.getpixel((15, 2)) == (250, 0, 0)


def test_reduced_loading_keeps_the_full_size_and_aspect(tmp_path):
    path = tmp_path / "big.jpg"
    solid((4000, 3000)).save(path)
    loaded = load_image(path, max_side=1024)
    assert loaded.original_size == (4000, 3000)
    assert max(loaded.image.size) == 1024 and loaded.image.size[1] == 768
    assert loaded.scale == pytest.approx(1024 / 4000)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares a huge size but holds almost nothing: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("name", "content", "code", "words"),
    [
        ("empty.jpg", b"", "unreadable", "empty (0 bytes)"),
        ("notes.jpg", b"Dear diary, today I took a selfie.", "unreadable", "not a photo"),
        ("bomb.png", png_header_only(30000, 30000), "too_large", "far too large"),
    ],
)
def test_bad_files_are_refused_with_a_reason(tmp_path, name, content, code, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImageLoadError) as caught:
        load_image(path)
    assert caught.value.code == code and words in caught.value.message and name in caught.value.message


def test_truncated_files_are_refused_and_never_modified(tmp_path):
    for suffix in (".jpg", ".png"):
        whole = tmp_path / f"whole{suffix}"
        Image.effect_noise((300, 300), 60).convert("RGB").save(whole)
        cut = tmp_path / f"cut{suffix}"
        cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 3])
        before = cut.read_bytes()
        with pytest.raises(ImageLoadError, match="damaged or incomplete"):
            load_image(cut)
        assert cut.read_bytes() == before


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ImageLoadError, match="no longer exists"):
        load_image(tmp_path / "gone.jpg")
    with pytest.raises(ImageLoadError, match="is a folder"):
        load_image(tmp_path)


def test_list_photos_from_files_and_folders(tmp_path):
    folder = tmp_path / "selfies"
    folder.mkdir()
    for name in ("b.jpg", "a.HEIC", "c.png", "notes.txt"):
        (folder / name).write_bytes(b"x")
    single = tmp_path / "extra.webp"
    single.write_bytes(b"x")
    assert [p.name for p in list_photos([folder, single])] == ["a.HEIC", "b.jpg", "c.png", "extra.webp"]
    with pytest.raises(InputError, match="does not exist"):
        list_photos([tmp_path / "nope"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="No photos found"):
        list_photos([tmp_path / "empty"])
