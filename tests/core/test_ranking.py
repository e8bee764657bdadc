"""Ranking on real faces: likeness to the person first, then sharpness, exposure, framing."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from headshot_studio.core.faces import analyze
from headshot_studio.core.faces.dlib_backend import DlibAnalyzer
from headshot_studio.core.ranking import rank_images, reference_embedding
from headshot_studio.testing import face_photos as fp


@pytest.fixture(scope="module")
def analyzer():
    return DlibAnalyzer()


@pytest.fixture
def reference(photos_dir, analyzer):
    embeddings = [analyze(analyzer, np.asarray(Image.open(p).convert("RGB")))[0].embedding for p in sorted(photos_dir.glob("*.jpg"))]
    return reference_embedding(embeddings)


def test_the_person_ranks_first_and_others_are_marked_not_deleted(reference, analyzer, tmp_path):
    outputs = {
        "person.png": fp.person_photo("chandler", zoom=1.05),
        "person-blurry.png": fp.blur(fp.person_photo("chandler", zoom=1.05), 4),
        "stranger.png": fp.person_photo("phoebe"),
        "no-face.png": fp.t1().crop((300, 640, 1100, 886)).resize((800, 800)),
    }
    paths = []
    for name, image in outputs.items():
        image.save(tmp_path / name)
        paths.append(tmp_path / name)
    ranked = rank_images(paths, analyzer, reference, [{"style": "test"}] * len(paths))
    names = [item.path.name for item in ranked]
    assert names == ["person.png", "person-blurry.png", "stranger.png", "no-face.png"]
    combined = [item.combined for item in ranked]
    assert combined == sorted(combined, reverse=True)
    by_name = {item.path.name: item for item in ranked}
    assert by_name["person.png"].flags == () and by_name["person.png"].scores["likeness"] > 0.6
    assert "unlike_person" in by_name["stranger.png"].flags
    assert by_name["stranger.png"].scores["likeness"] < by_name["person.png"].scores["likeness"]
    assert by_name["no-face.png"].flags == ("no_face",) and by_name["no-face.png"].combined == 0.0
    assert by_name["person-blurry.png"].scores["sharpness"] < by_name["person.png"].scores["sharpness"]
    assert len(ranked) == len(paths)  # nothing dropped
    entry = by_name["person.png"].to_entry()  # as the gallery lists it
    assert entry.file == "person.png" and entry.style == "test" and entry.flags == ()
    assert entry.scores.likeness == round(by_name["person.png"].scores["likeness"], 4)
    assert set(entry.scores.to_dict()) == {"likeness", "sharpness", "exposure", "composition", "combined"}
    assert by_name["no-face.png"].to_entry().flags == ("no_face",)


def test_near_duplicates_share_a_group(reference, analyzer, tmp_path):
    base = fp.person_photo("chandler")
    base.save(tmp_path / "a.png")
    base.resize((900, 900)).resize((1024, 1024)).save(tmp_path / "a-again.png")
    fp.person_photo("chandler", zoom=0.8, shift=(0.3, 0.2)).save(tmp_path / "b.png")
    ranked = {item.path.name: item.group for item in rank_images(sorted(tmp_path.glob("*.png")), analyzer, reference)}
    assert ranked["a.png"] == ranked["a-again.png"] != ranked["b.png"]


def test_composition_prefers_a_centred_headshot(reference, analyzer, tmp_path):
    centred = fp.person_photo("chandler")
    off_centre = Image.new("RGB", (1024, 1024), (128, 120, 110))
    off_centre.paste(fp.person_photo("chandler", size=420), (604, 0))
    centred.save(tmp_path / "centred.png")
    off_centre.save(tmp_path / "corner.png")
    ranked = {item.path.name: item for item in rank_images([tmp_path / "centred.png", tmp_path / "corner.png"], analyzer, reference)}
    assert ranked["centred.png"].scores["composition"] > ranked["corner.png"].scores["composition"]


def test_exposure_is_judged_as_the_photo_checks_judge_it(analyzer, tmp_path):
    """A finished image's exposure score is the photo checks' worse of dark and bright, so
    a dark or washed-out headshot sinks by the same measure that warns about a selfie."""
    from headshot_studio.core.quality import check_photo

    lit = fp.person_photo("chandler", zoom=1.05)
    images = {"lit.png": lit, "dark.png": fp.underexpose(lit), "bright.png": fp.overexpose(lit)}
    for name, image in images.items():
        image.save(tmp_path / name)
    ranked = {item.path.name: item for item in rank_images([tmp_path / name for name in images], analyzer, None)}
    for name, item in ranked.items():
        checked = check_photo(tmp_path / name, analyzer).scores
        assert item.scores["exposure"] == pytest.approx(min(checked["exposure_dark"], checked["exposure_bright"])), name
    assert ranked["dark.png"].scores["exposure"] < ranked["lit.png"].scores["exposure"]
    assert ranked["bright.png"].scores["exposure"] < ranked["lit.png"].scores["exposure"]
