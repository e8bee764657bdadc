"""Photos -> square crops + captions."""

from __future__ import annotations

import pytest
from PIL import Image

from headshot_studio.core.dataset import caption_for, list_photos, prepare_training_set
from headshot_studio.core.events import InputError


def test_crops_are_square_at_the_resolution_with_captions(photos_dir, tmp_path):
    before = {p: p.read_bytes() for p in photos_dir.iterdir()}
    crops = prepare_training_set(list_photos(photos_dir), tmp_path / "set", 64)
    assert [c.name for c in crops] == ["001.png", "002.png", "003.png"]
    for crop in crops:
        with Image.open(crop) as image:
            assert image.size == (64, 64) and image.mode == "RGB"
        assert crop.with_suffix(".txt").read_text() == caption_for() == "a photo of ohwx person"
    assert {p: p.read_bytes() for p in photos_dir.iterdir()} == before  # originals untouched


def test_exif_orientation_is_applied(tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    image = Image.new("RGB", (120, 60), "white")
    image.paste((255, 0, 0), (0, 0, 60, 60))  # red on the left half
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 clockwise to display"
    image.save(photos / "rotated.jpg", exif=exif)
    crop = prepare_training_set(list_photos(photos), tmp_path / "set", 64)[0]
    with Image.open(crop) as result:
        # displayed upright the photo is 60x120 with red at the top: the crop is centred on the
        # middle, so it shows the boundary; its top row must be red, its bottom row white.
        top, bottom = result.getpixel((32, 0)), result.getpixel((32, 63))
    assert top[0] > 200 and top[1] < 60 and min(bottom) > 200


def test_unreadable_photo_is_named(photos_dir, tmp_path):
    (photos_dir / "broken.jpg").write_bytes(b"not an image")
    with pytest.raises(InputError, match="“broken.jpg” could not be read"):
        prepare_training_set(list_photos(photos_dir), tmp_path / "set", 64)


def test_empty_or_missing_folder(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        list_photos(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="No photos found"):
        list_photos(tmp_path / "empty")
