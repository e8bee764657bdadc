"""What the app says about each photo and the set (core/photo_status.py): the three states
of a photo, the set's readiness sentence and its other findings, from hand-made reports."""

from __future__ import annotations

from pathlib import Path

from headshot_studio.core.events import ErrorKind
from headshot_studio.core.limits import MIN_PHOTOS, ideal_photos_text
from headshot_studio.core.photo_status import (
    CHECKING_MESSAGE,
    UNREADABLE_MESSAGE,
    count_summary,
    failure_reason,
    photo_status,
    set_status,
)
from headshot_studio.core.quality import Issue, PhotoReport, SetReport, Verdict

BLUR = Issue("sharpness", Verdict.WARN, 0.6, "A little blurry. Hold the phone still.")
DARK = Issue("exposure", Verdict.REJECT, 0.1, "Far too dark. Face a window.")
FEW = Issue("few_photos", Verdict.WARN, 0.7, "8-15 photos give a better likeness than 6. Add a few more if you can.")
POSE = Issue("little_pose_variety", Verdict.WARN, 0.5, "All photos show your face from the same angle.")
NOT_ENOUGH = Issue("not_enough_photos", Verdict.REJECT, 0.6, "3 usable photos; at least 5 are needed.")


def report(name: str, *issues: Issue) -> PhotoReport:
    verdict = max((i.severity for i in issues), key=lambda v: v.rank, default=Verdict.OK)
    return PhotoReport(file=Path(name), verdict=verdict, issues=issues, image_size=(1200, 1600))


def set_report(photos: list[PhotoReport], *issues: Issue) -> SetReport:
    ready = not any(i.severity == Verdict.REJECT for i in issues)
    verdict = max((i.severity for i in issues), key=lambda v: v.rank, default=Verdict.OK)
    return SetReport(ready, verdict, tuple(p.file for p in photos if p.usable), issues, tuple(photos))


def test_a_photo_is_checking_failed_or_checked():
    checking = photo_status(Path("a.jpg"), None, None)
    assert checking.checking and checking.verdict is None and checking.message == CHECKING_MESSAGE
    assert checking.advice() == [(None, "Still checking this photo…")]

    failed = photo_status(Path("b.jpg"), None, "This file is not a photo.")
    assert not failed.checking and failed.verdict == Verdict.REJECT
    assert failed.message == "This file is not a photo."
    assert failed.advice() == [(Verdict.REJECT, "This file is not a photo.")]

    checked = photo_status(Path("c.jpg"), report("c.jpg", BLUR, DARK), None)
    assert checked.verdict == Verdict.REJECT and checked.message == DARK.message
    assert checked.problems == (DARK, BLUR)  # worst first, whatever order the checks ran in
    assert checked.image_size == (1200, 1600)

    good = photo_status(Path("d.jpg"), report("d.jpg"), "an old failure")  # a report wins
    assert good.verdict == Verdict.OK and good.message == "Good photo."
    assert good.advice() == [(Verdict.OK, "Nothing to fix: this photo is good for learning your face.")]


def test_a_failed_check_says_what_it_means_for_the_photo_only_for_a_bug():
    assert failure_reason(ErrorKind.INTERNAL, "KeyError: 'x'") == UNREADABLE_MESSAGE
    assert failure_reason("internal", "KeyError: 'x'") == UNREADABLE_MESSAGE  # as it comes through a Qt signal
    assert failure_reason(ErrorKind.BAD_PHOTO, "This photo is damaged.") == "This photo is damaged."


def test_the_count_names_only_the_kinds_there_are():
    assert count_summary([]) == "No photos yet."
    statuses = [
        photo_status(Path("a.jpg"), report("a.jpg"), None),
        photo_status(Path("b.jpg"), report("b.jpg"), None),
        photo_status(Path("c.jpg"), report("c.jpg", BLUR), None),
        photo_status(Path("d.jpg"), None, None),
    ]
    assert count_summary(statuses) == "4 photos: 2 good, 1 usable, 1 being checked"
    assert count_summary(statuses[:1]) == "1 photo: 1 good"


def test_the_set_waits_for_its_checks_and_says_what_is_missing():
    assert set_status(None, [], has_session=False).sentence == "Start a session first."
    empty = set_status(None, [])
    assert empty.sentence == f"Not ready yet: add at least {MIN_PHOTOS} photos of yourself."
    assert empty.tone == Verdict.REJECT and empty.count_text == "No photos yet."
    assert empty.usable_text == f"0 of {MIN_PHOTOS} needed ({ideal_photos_text()} is ideal)"

    photos = [report(f"{i}.jpg") for i in range(3)]
    statuses = [photo_status(p.file, p, None) for p in photos] + [photo_status(Path("late.jpg"), None, None)]
    checking = set_status(set_report(photos, NOT_ENOUGH), statuses)
    assert checking.sentence == "Checking photos… (3 of 4 done)" and checking.tone is None
    assert checking.findings == ()  # the set is judged once every photo is checked

    nothing_usable = set_status(None, [photo_status(Path("x.jpg"), None, "This file is not a photo.")])
    assert nothing_usable.sentence.startswith("Not ready yet: none of these photos can be used")


def test_the_sentence_quotes_the_worst_finding_and_the_others_are_listed_once():
    photos = [report(f"{i}.jpg") for i in range(6)]
    statuses = [photo_status(p.file, p, None) for p in photos]
    ready_but = set_status(set_report(photos, POSE, FEW), statuses)
    assert ready_but.sentence == set_report(photos, POSE, FEW).message
    assert ready_but.sentence.startswith("Ready, but all photos show your face") and ready_but.tone == Verdict.WARN
    assert ready_but.findings == (FEW,)  # the quoted one is not repeated
    assert ready_but.usable == 6 and ready_but.usable_tone == Verdict.WARN
    assert ready_but.usable_text == f"6 usable photos ({MIN_PHOTOS} needed, {ideal_photos_text()} is ideal)"

    not_ready = set_status(set_report(photos[:3], FEW, NOT_ENOUGH), statuses[:3])
    assert not_ready.sentence == "Not ready yet: 3 usable photos; at least 5 are needed."
    assert not_ready.tone == Verdict.REJECT and not_ready.findings == (FEW,)
    assert not_ready.usable_tone == Verdict.REJECT

    many = [report(f"{i}.jpg") for i in range(9)]
    ready = set_status(set_report(many), [photo_status(p.file, p, None) for p in many])
    assert ready.sentence == "Ready: 9 good photos." and ready.tone == Verdict.OK
    assert ready.findings == () and ready.usable_tone == Verdict.OK


def test_the_set_reports_headline_is_its_worst_finding():
    photos = [report(f"{i}.jpg") for i in range(6)]
    assert set_report(photos).headline is None
    assert set_report(photos, POSE, FEW).headline is POSE  # the first of the worst
    assert set_report(photos, FEW, NOT_ENOUGH).headline is NOT_ENOUGH
