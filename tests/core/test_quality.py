"""Per-photo and per-set checks on real faces and their degraded variants.

Every check code is triggered by a photo built for it, and by no clean photo.
"""

from __future__ import annotations

import json
import logging
import time

import numpy as np
import pytest
from PIL import Image

from headshot_studio.core.faces.dlib_backend import DlibAnalyzer
from headshot_studio.core.quality import (
    THRESHOLDS,
    ReportCache,
    Verdict,
    analyze_photo,
    check_photo,
    check_photos,
    check_set,
    exposure_score,
    exposure_scores,
    thresholds_for,
)
from headshot_studio.testing import face_photos as fp

CLEAN_PEOPLE = ["rachel", "ross", "chandler", "phoebe", "monica"]




@pytest.fixture(scope="module")
def analyzer():
    return DlibAnalyzer()


@pytest.fixture(scope="module")
def clean(analyzer, tmp_path_factory):
    """Clean portraits of five people and their reports."""
    folder = tmp_path_factory.mktemp("clean")
    photos = {}
    for name in CLEAN_PEOPLE:
        path = folder / f"{name}.jpg"
        fp.person_photo(name).save(path, quality=92)
        photos[name] = (path, check_photo(path, analyzer))
    return photos


def save(image: Image.Image, path, **kwargs):
    image.save(path, **({"quality": 92} if path.suffix == ".jpg" else {}) | kwargs)
    return path


def codes(report) -> dict[str, str]:
    return {issue.code: issue.severity.value for issue in report.issues}


def test_clean_photos_pass_every_check(clean):
    for name, (_, report) in clean.items():
        assert report.verdict == Verdict.OK, (name, codes(report), report.scores)
        assert report.message == "Good photo."
        assert report.faces_found == 1 and report.face.embedding is not None
        assert all(0.0 <= v <= 1.0 for v in report.scores.values())
        assert report.scores["sharpness"] >= THRESHOLDS.warn_sharpness


# Each case: (code, severity, how to build it from a clean portrait of `person`).
def case_blurry(person, path, report):
    return save(fp.blur(fp.person_photo(person)), path)


def case_too_dark(person, path, report):
    return save(fp.underexpose(fp.person_photo(person)), path)


def case_too_bright(person, path, report):
    return save(fp.overexpose(fp.person_photo(person)), path)


def case_uneven(person, path, report):
    return save(fp.side_shadow(fp.person_photo(person), report.face.box, 0.35), path)


def case_cut_off(person, path, report):
    return save(fp.cut_off(fp.person_photo(person), report.face.box), path)


def case_extreme_pose(person, path, report):
    face = report.face
    return save(fp.turn_head(fp.person_photo(person), face.nose, face.eye_distance, -0.3), path)


def case_low_resolution(person, path, report):
    return save(fp.person_photo(person).resize((420, 420), Image.Resampling.LANCZOS), path)


def case_face_too_small(person, path, report):
    canvas = Image.new("RGB", (1400, 1400), (128, 120, 110))
    canvas.paste(fp.person_photo(person, size=260), (570, 400))
    return save(canvas, path)


def case_eyes_closed(person, path, report):
    image = np.asarray(fp.person_photo(person))  # 1024 px: the report's face is in its pixels
    return save(Image.fromarray(fp.paint_eyes_shut(image, report.face)), path)


def case_looking_away(person, path, report):
    image = np.asarray(fp.person_photo(person))
    return save(Image.fromarray(fp.shift_in_eyes(image, report.face, -0.2)), path)


def case_no_face(person, path, report):
    table = fp.t1().crop((300, 640, 1100, 886)).resize((1200, 380))
    return save(table.resize((1200, 900)), path)


@pytest.mark.parametrize(
    ("code", "severity", "person", "build"),
    [
        ("blurry", "reject", "ross", case_blurry),
        ("too_dark", "reject", "phoebe", case_too_dark),
        ("too_bright", "reject", "rachel", case_too_bright),
        ("uneven_lighting", "warn", "chandler", case_uneven),
        ("face_cut_off", "reject", "chandler", case_cut_off),
        ("extreme_pose", "reject", "monica", case_extreme_pose),
        ("low_resolution", "reject", "ross", case_low_resolution),
        ("face_too_small", "reject", "ross", case_face_too_small),
        ("no_face", "reject", "ross", case_no_face),
        ("eyes_closed", "warn", "ross", case_eyes_closed),
        ("eyes_closed", "warn", "phoebe", case_eyes_closed),  # her real eyes look down: not closed
        ("looking_away", "warn", "ross", case_looking_away),  # his eyes, already a little aside, moved further
    ],
)
def test_each_check_is_triggered_by_its_case(code, severity, person, build, clean, analyzer, tmp_path):
    assert code not in codes(clean[person][1])
    path = build(person, tmp_path / f"{code}.jpg", clean[person][1])
    report = check_photo(path, analyzer)
    assert codes(report).get(code) == severity, (code, codes(report), report.scores)
    issue = next(i for i in report.issues if i.code == code)
    assert issue.message.endswith(".") and len(issue.message.split(".")) >= 2  # problem + fix
    assert 0.0 <= issue.score < 1.0
    assert report.verdict.rank >= Verdict(severity).rank


def test_unreadable_files_get_a_reason(analyzer, tmp_path):
    text = tmp_path / "notes.jpg"
    text.write_text("not a photo")
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    for path, words in ((text, "not a photo"), (empty, "empty")):
        report = check_photo(path, analyzer)
        assert codes(report) == {"unreadable": "reject"}
        assert words in report.message


def test_several_similar_faces_are_rejected_but_a_dominant_face_is_used(clean, analyzer, tmp_path):
    group = check_photo(save(fp.t1().resize((2560, 1772)), tmp_path / "group.jpg"), analyzer)
    assert codes(group).get("multiple_faces") == "reject" and group.faces_found >= 3

    photo = fp.person_photo("chandler")
    photo.paste(fp.person_photo("ross", size=380), (644, 644))  # someone smaller, in a corner
    report = check_photo(save(photo, tmp_path / "background.jpg"), analyzer)
    assert codes(report).get("multiple_faces") == "warn"
    main = clean["chandler"][1].face
    assert abs(report.face.center[0] - main.center[0]) < 0.1 * main.width  # the big face was chosen


def test_darker_skin_is_not_called_dark_or_blurry(clean, analyzer, tmp_path):
    for name in ("rachel", "ross", "chandler", "phoebe"):
        path = save(fp.darker_skin(fp.person_photo(name)), tmp_path / f"{name}-darker.jpg")
        report = check_photo(path, analyzer)
        # the variant really is much darker, yet no exposure or sharpness complaint
        assert report.face_brightness < 0.6 * clean[name][1].face_brightness
        assert "too_dark" not in codes(report) and "blurry" not in codes(report), (name, codes(report), report.scores)
        # while a photo that is simply underexposed is caught
        dark = check_photo(save(fp.underexpose(fp.person_photo(name)), tmp_path / f"{name}-under.jpg"), analyzer)
        assert "too_dark" in codes(dark)


def test_exif_rotated_photo_is_analysed_upright(clean, analyzer, tmp_path):
    path = fp.with_exif_orientation(fp.person_photo("ross"), tmp_path / "sideways.jpg", orientation=6)
    with Image.open(path) as stored:
        assert stored.size == (1024, 1024) and stored.getexif()[0x0112] == 6
    report = check_photo(path, analyzer)
    upright = clean["ross"][1]
    assert report.verdict == Verdict.OK, codes(report)
    assert abs(report.face.roll - upright.face.roll) < 5
    assert abs(report.face.center[1] - upright.face.center[1]) < 0.1 * upright.face.width


def test_different_person_is_flagged_and_duplicates_are_caught(photos_dir, clean, analyzer, tmp_path):
    paths = sorted(photos_dir.glob("*.jpg"))
    stranger = clean["ross"][0]
    duplicate = tmp_path / "again.jpg"
    Image.open(paths[0]).resize((900, 900)).save(duplicate, quality=70)  # same shot, re-saved smaller
    result = check_photos([*paths, stranger, duplicate], analyzer)
    by_name = {r.file.name: codes(r) for r in result.photos}
    assert by_name["ross.jpg"] == {"different_person": "reject"}
    assert by_name["again.jpg"] == {"duplicate": "reject"}
    assert all(by_name[p.name] == {} for p in paths)
    assert result.ready and len(result.usable) == 5
    assert "different_person" not in {i.code for r in check_photos(paths, analyzer).photos for i in r.issues}


def test_set_without_a_consistent_person_is_refused(clean, analyzer):
    result = check_photos([path for path, _ in clean.values()], analyzer)
    assert not result.ready
    assert "no_consistent_person" in {i.code for i in result.issues}
    assert result.message.startswith("Not ready yet:")


def test_set_needs_five_usable_photos_and_reports_variety(photos_dir, analyzer):
    paths = sorted(photos_dir.glob("*.jpg"))
    short = check_photos(paths[:3], analyzer)
    assert not short.ready and "at least 5" in short.message and "Add 2 more" in short.message
    full = check_photos(paths, analyzer)
    set_codes = {i.code for i in full.issues}
    assert full.ready and "few_photos" in set_codes  # 5 works, 8-15 is ideal
    # the variants are all one head angle: the set says so
    assert "little_pose_variety" in set_codes
    summary = full.to_dict()
    assert summary["usable_count"] == 5 and summary["ready"] is True


def test_reports_are_cached_by_content(photos_dir, analyzer, tmp_path, monkeypatch):
    cache = ReportCache(tmp_path / "cache")
    path = sorted(photos_dir.glob("*.jpg"))[0]
    first = analyze_photo(path, analyzer, cache)
    copy = tmp_path / "renamed.jpg"
    copy.write_bytes(path.read_bytes())

    calls = []
    monkeypatch.setattr(analyzer, "detect", lambda image: calls.append(1) or [])
    again = analyze_photo(copy, analyzer, cache)
    assert calls == [] and again.file == copy and again.verdict == first.verdict
    assert np.array_equal(again.face.embedding, first.face.embedding)
    # a new cache object reads the disk copy (a restart of the app)
    from_disk = analyze_photo(copy, analyzer, ReportCache(tmp_path / "cache"))
    assert calls == [] and from_disk.to_dict() | {"file": ""} == first.to_dict() | {"file": ""}
    assert cache.clear() == 1 and not list((tmp_path / "cache").glob("*.json"))


def _photo_with_eye_distance(person, clean, eye_px, path):
    """The person's clean photo scaled so the eyes are ``eye_px`` apart, on a 1400 px canvas."""
    source, report = clean[person]
    image = Image.open(source)
    factor = eye_px / report.face.eye_distance
    face = image.resize((round(image.width * factor), round(image.height * factor)), Image.Resampling.LANCZOS)
    canvas = Image.new("RGB", (max(1400, face.width), max(1400, face.height)), (128, 120, 110))
    canvas.paste(face, ((canvas.width - face.width) // 2, (canvas.height - face.height) // 2))
    return save(canvas, path)


def test_face_size_is_judged_for_the_training_resolution(clean, analyzer, tmp_path):
    """A face fine for SD1.5's 512 px crops is enlarged for SDXL's 1024 px ones: the photo
    says so, and one that would be enlarged more than 2x is refused; one cache holds both."""
    sdxl = thresholds_for(1024)
    assert (sdxl.warn_eye_distance_px, sdxl.reject_eye_distance_px) == (200, 100)
    assert thresholds_for(512) == THRESHOLDS
    cache = ReportCache(tmp_path / "cache")
    medium = _photo_with_eye_distance("ross", clean, 150, tmp_path / "medium.jpg")
    small = _photo_with_eye_distance("ross", clean, 80, tmp_path / "small.jpg")

    for_sd15 = analyze_photo(medium, analyzer, cache)
    for_sdxl = analyze_photo(medium, analyzer, cache, sdxl)
    assert for_sd15.verdict == Verdict.OK, codes(for_sd15)
    assert codes(for_sdxl) == {"face_too_small": "warn"} and for_sdxl.usable
    enlarged = 200 / for_sdxl.face.eye_distance
    assert 1.2 < enlarged < 1.5
    assert f"enlarged {enlarged:.1f} times for this model's 1024-pixel training" in for_sdxl.message
    assert (for_sd15.training_resolution, for_sdxl.training_resolution) == (512, 1024)

    assert codes(analyze_photo(small, analyzer, cache)) == {"face_too_small": "warn"}
    refused = analyze_photo(small, analyzer, cache, sdxl)
    assert codes(refused) == {"face_too_small": "reject"} and not refused.usable
    assert "too small" in refused.message and "1024-pixel training" in refused.message
    # both judgements are kept apart on disk, and read back as they were made
    again = ReportCache(tmp_path / "cache")
    assert analyze_photo(medium, analyzer, again, sdxl).to_dict() | {"file": ""} == for_sdxl.to_dict() | {"file": ""}
    assert analyze_photo(medium, analyzer, again).verdict == Verdict.OK


def test_json_report_has_no_embedding(clean):
    text = json.dumps(clean["ross"][1].to_dict())
    assert "embedding" not in text and '"face"' in text


def best_of(rounds: int, work, clock=time.perf_counter) -> float:
    """The shortest of ``rounds`` timings of ``work()`` (seconds): the least disturbed by
    whatever else the machine is doing."""
    timings = []
    for _ in range(rounds):
        started = clock()
        work()
        timings.append(clock() - started)
    return min(timings)


def decode_in_full(path) -> None:
    with Image.open(path) as image:
        image.convert("RGB").load()


def test_analysis_is_fast_enough_for_live_feedback(clean, analyzer, tmp_path):
    """Not a benchmark (see benchmarks/photo_analysis.py): a guard against a 10x slowdown
    (analysing the whole 12 MP instead of a reduced copy, say). Measured against decoding
    the same photo once in full, on the same machine at the same moment, so a busy machine
    slows both: checking a photo takes about twice as long as that (1.6-2.1x measured)."""
    path = save(fp.twelve_megapixels(fp.person_photo("ross")), tmp_path / "12mp.jpg")
    report = check_photo(path, analyzer)
    assert report.image_size == (4000, 3000) and report.verdict == Verdict.OK, codes(report)
    # processor time, not the clock, and a wide margin: alone it is 1.6-2.1x, but inside
    # the full suite 6.0-6.3x was seen (the test process's other threads count too).
    # Analysing the whole 12 MP, the slowdown this guards against, costs about 30x (dlib HOG alone).
    check = best_of(3, lambda: check_photo(path, analyzer), time.process_time)
    decode = best_of(3, lambda: decode_in_full(path), time.process_time)
    assert check < 15 * decode, f"checking took {check:.2f} s, {check / decode:.1f}x a full decode ({decode:.2f} s)"


def test_check_set_keeps_order_and_unreadable_photos(photos_dir, analyzer, tmp_path):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    paths = [broken, *sorted(photos_dir.glob("*.jpg"))]
    result = check_set([check_photo(p, analyzer) for p in paths], analyzer)
    assert [r.file for r in result.photos] == paths
    assert result.photos[0].verdict == Verdict.REJECT and result.ready


def test_tiny_aligned_face_is_low_resolution_but_its_upscale_is_not(analyzer, tmp_path):
    small = save(fp.tom_hanks(), tmp_path / "tom.png")  # 112 x 112
    report = check_photo(small, analyzer)
    assert codes(report).get("low_resolution") == "reject" and "112x112" in report.message
    bigger = save(fp.tom_hanks().resize((640, 640), Image.Resampling.LANCZOS), tmp_path / "tom-640.png")
    assert "low_resolution" not in codes(check_photo(bigger, analyzer))


def test_heic_selfie_is_checked_like_a_jpeg(clean, analyzer, tmp_path):
    from pillow_heif import register_heif_opener

    register_heif_opener()
    path = tmp_path / "iphone.heic"
    fp.person_photo("ross").save(path)
    report = check_photo(path, analyzer)
    assert report.verdict == Verdict.OK, codes(report)
    assert report.face.eye_distance == pytest.approx(clean["ross"][1].face.eye_distance, rel=0.05)


def test_exposure_scores_follow_the_thresholds():
    """The one exposure score (ranking uses it too): 1 for a well-exposed face; the dark
    score is 0.7 at the highlight warn level and 0.4 at the reject level, as are crushed
    shadows and a blown-out face at their reject levels."""
    t = THRESHOLDS
    fine = {"highlight": 200.0, "shadow_clip": 0.0, "highlight_clip": 0.0, "median": 90.0}
    assert exposure_scores(fine) == (1.0, 1.0) and exposure_score(fine) == 1.0
    assert exposure_scores(fine | {"highlight": t.warn_highlight_level}) == (pytest.approx(0.7), 1.0)
    assert exposure_scores(fine | {"highlight": t.reject_highlight_level}) == (pytest.approx(0.4), 1.0)
    assert exposure_scores(fine | {"shadow_clip": t.reject_shadow_clip}) == (pytest.approx(0.4), 1.0)
    assert exposure_scores(fine | {"highlight_clip": t.reject_highlight_clip}) == (1.0, pytest.approx(0.4))
    assert exposure_score(fine | {"highlight": 0.0, "highlight_clip": 1.0}) == 0.0


def test_the_eyes_are_judged_on_every_clean_photo(clean):
    """The face mesh ran on each clean portrait: its eyes show and look at the camera
    (Rachel's and Phoebe's look down at their cards: open, not closed)."""
    for name, (_, report) in clean.items():
        assert report.scores["eyes_open"] > 0.9, (name, report.scores)
        assert report.scores["gaze"] > 0.55, (name, report.scores)  # 0.5 at the warning
        assert "eyes_closed" not in codes(report) and "looking_away" not in codes(report)


def test_a_missing_face_mesh_model_skips_the_eye_checks(clean, analyzer, tmp_path, caplog, monkeypatch):
    """Without the mesh's model files the photo is judged on everything else: no crash, no
    eye scores, one warning in the log however many photos are checked."""
    from headshot_studio.core import quality
    from headshot_studio.core.faces.mesh import FaceMesh

    monkeypatch.setattr(quality, "_mesh_warnings", set())
    broken = FaceMesh(tmp_path / "no-models")
    shut = case_eyes_closed("ross", tmp_path / "shut.jpg", clean["ross"][1])
    with caplog.at_level(logging.WARNING, logger="headshot_studio.core.quality"):
        reports = [check_photo(path, analyzer, mesh=broken) for path in (clean["ross"][0], shut, shut)]
    for report in reports:
        assert report.verdict == Verdict.OK and report.face is not None, codes(report)
        assert "eyes_open" not in report.scores and "gaze" not in report.scores
    warnings = [r for r in caplog.records if "eye checks are skipped" in r.getMessage()]
    assert len(warnings) == 1 and "missing" in warnings[0].getMessage()
    # with the models the same photo is caught
    assert codes(check_photo(shut, analyzer)) == {"eyes_closed": "warn"}

