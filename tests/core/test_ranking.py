"""Ranking on real faces: likeness to the person first (calibrated on their own photos),
then eyes, sharpness, image quality, exposure, framing; a varied top."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from headshot_studio.core.brisque import Brisque
from headshot_studio.core.faces import analyze
from headshot_studio.core.faces.dlib_backend import DlibAnalyzer
from headshot_studio.core.faces.mesh import FaceMesh
from headshot_studio.core.gallery import likeness_stars
from headshot_studio.core.ranking import VARIED_TOP, PersonLikeness, rank_images
from headshot_studio.testing import face_photos as fp


@pytest.fixture(scope="module")
def analyzer():
    return DlibAnalyzer()


def embeddings_of(images, analyzer):
    return [analyze(analyzer, np.asarray(image.convert("RGB")))[0].embedding for image in images]


@pytest.fixture
def reference(photos_dir, analyzer):
    images = [Image.open(p) for p in sorted(photos_dir.glob("*.jpg"))]
    return PersonLikeness.calibrate(embeddings_of(images, analyzer), analyzer.same_person_threshold)


def save_all(images: dict, folder):
    paths = []
    for name, image in images.items():
        image.save(folder / name)
        paths.append(folder / name)
    return paths


def eyes_covered(image, analyzer):
    face = analyzer.detect(np.asarray(image))[0]
    covered = image.copy()
    draw = ImageDraw.Draw(covered)
    for x, y in (face.left_eye, face.right_eye):  # sunglasses-like dark bars over both eyes
        r = 0.3 * face.eye_distance
        draw.rectangle((x - r * 1.3, y - r * 0.7, x + r * 1.3, y + r * 0.7), fill=(20, 18, 16))
    return covered


def test_the_person_ranks_first_and_others_are_marked_not_deleted(reference, analyzer, tmp_path):
    outputs = {
        "person.png": fp.person_photo("chandler", zoom=1.05),
        "person-blurry.png": fp.blur(fp.person_photo("chandler", zoom=1.05), 4),
        "stranger.png": fp.person_photo("phoebe"),
        "no-face.png": fp.t1().crop((300, 640, 1100, 886)).resize((800, 800)),
    }
    paths = save_all(outputs, tmp_path)
    ranked = rank_images(paths, analyzer, reference, [{"style": "test"}] * len(paths))
    names = [item.path.name for item in ranked]
    assert names == ["person.png", "person-blurry.png", "stranger.png", "no-face.png"]
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


def test_likeness_is_calibrated_on_the_persons_own_photos(analyzer, tmp_path):
    """Real photos stand in for results: the person's other crops rank above everyone
    else's, and above blurred, darkened and eyes-covered versions of the person; an
    unlike image never ranks above an alike one, however sharp."""
    selfies = fp.variants_of("ross", 8)
    person = PersonLikeness.calibrate(embeddings_of(selfies, analyzer), analyzer.same_person_threshold)
    assert analyzer.same_person_threshold <= person.alike < person.typical <= 1.0
    # consistent selfies make "alike" stricter than the backend's general threshold ...
    assert person.alike > analyzer.same_person_threshold + 0.02
    # ... and a looser set (two different days, framings, lights) makes it looser
    loose = PersonLikeness.calibrate(embeddings_of(selfies[:4] + [fp.underexpose(fp.blur(s, 3), 0.5) for s in selfies[4:]],
                                                   analyzer), analyzer.same_person_threshold)
    assert loose.alike < person.alike
    good = {f"ross-{i}.png": fp.person_photo("ross", zoom=z, shift=s)
            for i, (z, s) in enumerate([(1.0, (0.1, 0.05)), (1.1, (-0.05, 0.0)), (0.95, (0.0, -0.1))])}
    base = fp.person_photo("ross", zoom=1.05)
    worse = {"ross-blurred.png": fp.blur(base, 5), "ross-dark.png": fp.underexpose(base),
             "ross-eyes-covered.png": eyes_covered(base, analyzer)}
    others = {f"{name}.png": fp.person_photo(name) for name in ("chandler", "rachel", "monica", "phoebe", "joey")}
    paths = save_all(good | worse | others, tmp_path)
    ranked = rank_images(paths, analyzer, person, [{"style": "s"}] * len(paths), mesh=FaceMesh(), brisque=Brisque())
    order = [item.path.name for item in ranked]
    by_name = {item.path.name: item for item in ranked}
    assert set(order[:3]) == set(good), order  # the person's own good crops first
    for name in worse:
        assert order.index(name) > 2, order
    for name in others:  # strangers are unlike and below every image of the person
        assert "unlike_person" in by_name[name].flags, (name, by_name[name].similarity, person)
        assert all(order.index(name) > order.index(own) for own in good | worse), order
        assert likeness_stars(by_name[name].to_entry()) <= 2
    for name in good:
        assert likeness_stars(by_name[name].to_entry()) >= 4
    # the strangers' likeness is far below the person's: not compressed into a few hundredths
    assert min(by_name[n].scores["likeness"] for n in good) - max(by_name[n].scores["likeness"] for n in others) > 0.4
    assert by_name["ross-eyes-covered.png"].scores["likeness"] < min(by_name[n].scores["likeness"] for n in good)
    assert {"technical", "eyes"} <= set(by_name["ross-0.png"].scores)


def test_an_unlike_image_never_ranks_above_an_alike_one(analyzer, tmp_path):
    person = PersonLikeness.calibrate(embeddings_of(fp.variants_of("ross", 6), analyzer), analyzer.same_person_threshold)
    poor_but_alike = fp.underexpose(fp.blur(fp.person_photo("ross", zoom=0.7, shift=(0.35, 0.3)), 5), 0.3)
    fine_stranger = fp.person_photo("chandler", zoom=1.05)
    paths = save_all({"poor-ross.png": poor_but_alike, "stranger.png": fine_stranger}, tmp_path)
    ranked = rank_images(paths, analyzer, person, mesh=FaceMesh(), brisque=Brisque())
    by_name = {item.path.name: item for item in ranked}
    assert "unlike_person" not in by_name["poor-ross.png"].flags and "unlike_person" in by_name["stranger.png"].flags
    for key in ("sharpness", "exposure", "technical"):  # the stranger is the better picture ...
        assert by_name["stranger.png"].scores[key] > by_name["poor-ross.png"].scores[key], key
    assert [item.path.name for item in ranked] == ["poor-ross.png", "stranger.png"]  # ... and still below
    # The rule itself, whatever the weights: scores that would put an unlike image first.
    from headshot_studio.core.ranking import _order, _Scored

    def item(name, combined, flags):
        return _Scored(tmp_path / name, {"combined": combined}, flags, None, 0, (0.0, 0.0, 0.0), {"style": name})

    scored = [item("unlike-but-great", 0.9, ("unlike_person",)), item("no-face", 0.95, ("no_face",)),
              item("alike-but-poor", 0.2, ()), item("alike", 0.5, ())]
    assert [scored[i].path.name for i in _order(scored, lambda i: i)] == \
        ["alike", "alike-but-poor", "unlike-but-great", "no-face"]


def test_an_average_reference_inflates_likeness_and_the_median_of_best_matches_does_not(analyzer):
    selfies = [fp.person_photo("joey", zoom=z, shift=s) for z, s in ((1.0, (0, 0)), (1.3, (0.2, 0)), (0.9, (-0.2, 0.1)))]
    selfies += [fp.person_photo("chandler")]  # one photo of someone else slipped in
    person = PersonLikeness.calibrate(embeddings_of(selfies, analyzer), analyzer.same_person_threshold)
    stranger = embeddings_of([fp.person_photo("chandler", zoom=1.1)], analyzer)[0]
    # one matching selfie does not make the stranger alike: the median of the best three counts
    assert person.similarity(stranger) < float(np.max(person.references @ stranger))
    assert person.similarity(stranger) < person.alike


def test_likeness_weighs_more_than_sharpness_and_detail_together():
    from headshot_studio.core.ranking import WEIGHTS

    # a step in likeness outweighs the same step in sharpness and image quality at once
    assert WEIGHTS["likeness"] > WEIGHTS["sharpness"] + WEIGHTS["technical"]
    assert max(WEIGHTS, key=WEIGHTS.get) == "likeness"


def test_the_top_of_the_gallery_is_varied(analyzer, tmp_path):
    selfies = fp.variants_of("ross", 6)
    person = PersonLikeness.calibrate(embeddings_of(selfies, analyzer), analyzer.same_person_threshold)
    best = fp.person_photo("ross", zoom=1.05)
    images, extras = {}, []
    for i in range(VARIED_TOP + 2):  # near-copies of the best image, one style
        images[f"copy-{i:02d}.png"] = best.resize((1024 - 2 * i, 1024 - 2 * i)).resize((1024, 1024))
        extras.append({"style": "corporate"})
    for i, (zoom, shift) in enumerate([(0.9, (0.2, 0.0)), (1.25, (-0.2, 0.1)), (1.0, (0.0, -0.2))]):
        images[f"other-{i}.png"] = fp.person_photo("ross", zoom=zoom, shift=shift).rotate(6 * (i - 1))
        extras.append({"style": f"style-{i}"})
    paths = save_all(images, tmp_path)
    ranked = rank_images(paths, analyzer, person, extras)
    top = [item.path.name for item in ranked[:VARIED_TOP]]
    assert all(f"other-{i}.png" in top for i in range(3)), top  # other styles and poses make the first page
    groups = [item.group for item in ranked if item.path.name.startswith("copy-")]
    assert len(set(groups)) == 1  # the copies are one look-alike group
    assert top[0].startswith("copy-") or ranked[0].combined >= max(r.combined for r in ranked) - 1e-9
    # without variety, copies alone would fill the page: the scores alone rank them higher
    by_score = sorted(ranked, key=lambda item: -item.combined)
    assert sum(item.path.name.startswith("copy-") for item in by_score[:VARIED_TOP]) > \
        sum(name.startswith("copy-") for name in top)


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


def test_closed_or_mismatched_eyes_are_penalised_and_flagged(analyzer, tmp_path):
    open_eyes = fp.person_photo("ross", zoom=1.05)
    face = analyzer.detect(np.asarray(open_eyes))[0]
    one_covered = open_eyes.copy()
    x, y = face.left_eye
    r = 0.3 * face.eye_distance
    skin = np.asarray(open_eyes)[int(face.nose[1]), int(face.nose[0] - face.eye_distance * 0.6)]
    ImageDraw.Draw(one_covered).ellipse((x - r * 1.2, y - r * 0.6, x + r * 1.2, y + r * 0.6), fill=tuple(int(v) for v in skin))
    paths = save_all({"open.png": open_eyes, "one-shut.png": one_covered}, tmp_path)
    ranked = {item.path.name: item for item in rank_images(paths, analyzer, None, mesh=FaceMesh())}
    assert ranked["one-shut.png"].scores["eyes"] < ranked["open.png"].scores["eyes"] - 0.2
    assert "eyes_mismatched" in ranked["one-shut.png"].flags or "eyes_closed" in ranked["one-shut.png"].flags
    assert ranked["open.png"].flags == ()


def test_without_a_person_to_compare_with_likeness_is_not_measured_rather_than_zero(analyzer, tmp_path):
    paths = save_all({"a.png": fp.person_photo("ross")}, tmp_path)
    (item,) = rank_images(paths, analyzer, None)
    assert "likeness" not in item.scores and item.flags == ()
    entry = item.to_entry()
    assert entry.scores.likeness is None and likeness_stars(entry) is None  # the gallery says "not measured"
    from headshot_studio.core.ranking import WEIGHTS

    measured = {k: v for k, v in item.scores.items() if k != "combined"}
    assert set(measured) == {"sharpness", "exposure", "composition"}
    expected = sum(WEIGHTS[k] * v for k, v in measured.items()) / sum(WEIGHTS[k] for k in measured)
    assert item.combined == pytest.approx(expected)  # weighted over what was measured, not counted as 0
