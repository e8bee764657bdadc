"""Accepted photos -> face-aligned square crops + captions."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from headshot_studio.core.dataset import (
    CROP_EYE_DISTANCES,
    EYE_LINE,
    aligned_crop,
    caption_for,
    prepare_training_set,
)
from headshot_studio.core.events import InputError
from headshot_studio.core.faces.dlib_backend import DlibAnalyzer
from headshot_studio.core.quality import check_photo, check_photos
from headshot_studio.testing import face_photos as fp


@pytest.fixture(scope="module")
def analyzer():
    return DlibAnalyzer()


@pytest.mark.parametrize("resolution", [512, 1024])
def test_crops_put_the_eyes_level_at_the_headshot_position(analyzer, tmp_path, resolution):
    photo = tmp_path / "tilted.jpg"
    fp.person_photo("ross").rotate(-14, resample=Image.Resampling.BICUBIC).save(photo, quality=92)
    report = check_photo(photo, analyzer)
    assert abs(report.face.roll) > 5
    crop = prepare_training_set([report], tmp_path / "set", resolution)[0]
    with Image.open(crop) as image:
        assert image.size == (resolution, resolution) and image.mode == "RGB"
        face = analyzer.detect(np.asarray(image.convert("RGB")))[0]
    assert abs(face.roll) < 3  # levelled
    assert face.eye_distance == pytest.approx(resolution / CROP_EYE_DISTANCES, rel=0.1)
    eye_y = (face.left_eye[1] + face.right_eye[1]) / 2
    assert eye_y == pytest.approx(EYE_LINE * resolution, abs=0.04 * resolution)
    assert (face.left_eye[0] + face.right_eye[0]) / 2 == pytest.approx(resolution / 2, abs=0.04 * resolution)
    assert crop.with_suffix(".txt").read_text() == caption_for() == "a photo of ohwx person"


def test_only_usable_photos_are_prepared_and_originals_are_untouched(photos_dir, analyzer, tmp_path):
    blurry = tmp_path / "blurry.jpg"
    fp.blur(fp.person_photo("chandler")).save(blurry)
    paths = [*sorted(photos_dir.glob("*.jpg")), blurry]
    before = {p: p.read_bytes() for p in paths}
    result = check_photos(paths, analyzer)
    crops = prepare_training_set(result.photos, tmp_path / "set", 512)
    assert len(crops) == 5 and [c.name for c in crops] == [f"{i:03d}.png" for i in range(1, 6)]
    assert {p: p.read_bytes() for p in paths} == before


def test_crop_near_the_edge_is_filled_not_black(analyzer):
    photo = fp.person_photo("ross").crop((0, 150, 1024, 1024))  # little room above the head
    face = analyzer.detect(np.asarray(photo))[0]
    crop = np.asarray(aligned_crop(photo, face, 512)).astype(float)
    # the missing top is one flat colour: the mean of the photo's own outermost pixels
    # (so the crop shows no black band for the model to learn)
    pixels = np.asarray(photo).astype(float)
    border = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]]).mean(axis=0)
    top = crop[:10].reshape(-1, 3)
    filled = (np.abs(top - border).max(axis=1) <= 1.5).mean()  # the share of the top rows in that colour
    assert filled > 0.9, (filled, top.mean(axis=0), border)
    assert crop[:10].mean() > 40 and crop[-10:].std() > 5  # and below it, the photo itself


def test_nothing_usable_is_refused(tmp_path, analyzer):
    path = tmp_path / "notes.jpg"
    path.write_text("not a photo")
    with pytest.raises(InputError, match="None of the photos can be used"):
        prepare_training_set([check_photo(path, analyzer)], tmp_path / "set", 512)
