"""What the app says about each photo and about the set while photos are added and checked.

A photo is in one of three states: still being checked, its check failed (with a plain
reason), or checked (a report with a verdict). :func:`photo_status` merges them into one
:class:`PhotoStatus`; :func:`set_status` words the set's readiness from the set's report
and those states. The Photos page only draws what these return.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from headshot_studio.core.events import ErrorKind
from headshot_studio.core.limits import IDEAL_PHOTOS, MIN_PHOTOS, ideal_photos_text
from headshot_studio.core.quality import Issue, PhotoReport, SetReport, Verdict

CHECKING_MESSAGE = "Checking this photo…"
# A check that raised an unexpected error (a bug, not a bad photo): what it means for the photo.
UNREADABLE_MESSAGE = ("This file could not be read, so it is not used. Try another copy of the photo, "
                      "or remove it and add a different one.")


@dataclass(frozen=True)
class PhotoStatus:
    """One photo as the app shows it."""

    file: Path
    verdict: Verdict | None  # None while the photo is being checked
    message: str  # one sentence for the photo's badge
    problems: tuple[Issue, ...] = ()  # every problem found, worst first (a failed check is one)
    image_size: tuple[int, int] | None = None  # full-size, upright; None until checked

    @property
    def checking(self) -> bool:
        return self.verdict is None

    def advice(self) -> list[tuple[Verdict | None, str]]:
        """What to fix, as (severity, sentence) rows; a row even when there is nothing to fix."""
        if self.checking:
            return [(None, "Still checking this photo…")]
        if not self.problems:
            return [(Verdict.OK, "Nothing to fix: this photo is good for learning your face.")]
        return [(issue.severity, issue.message) for issue in self.problems]


def photo_status(path: Path, report: PhotoReport | None, failure: str | None = None) -> PhotoStatus:
    """The photo's status from its report (with the set's findings, if any), or the reason
    its check failed, or neither yet (being checked). A report wins over a failure."""
    if report is not None:
        problems = tuple(sorted(report.issues, key=lambda issue: -issue.severity.rank))
        return PhotoStatus(Path(path), report.verdict, report.message, problems, report.image_size)
    if failure is not None:
        return PhotoStatus(Path(path), Verdict.REJECT, failure, (Issue("check_failed", Verdict.REJECT, 0.0, failure),))
    return PhotoStatus(Path(path), None, CHECKING_MESSAGE)


def failure_reason(kind: ErrorKind | str, message: str) -> str:
    """The sentence a photo whose check raised shows: the error's own words when the user
    can act on them, or for an unexpected error what it means for this photo."""
    return UNREADABLE_MESSAGE if kind == ErrorKind.INTERNAL else message


def count_summary(statuses: Sequence[PhotoStatus]) -> str:
    """'5 photos: 3 good, 1 usable, 1 being checked' (only the kinds there are)."""
    if not statuses:
        return "No photos yet."
    counts = Counter(status.verdict for status in statuses)
    kinds = ((Verdict.OK, "good"), (Verdict.WARN, "usable"), (Verdict.REJECT, "not used"), (None, "being checked"))
    parts = [f"{counts[verdict]} {word}" for verdict, word in kinds if counts[verdict]]
    total = len(statuses)
    return f"{total} photo{'s' if total != 1 else ''}: " + ", ".join(parts)


@dataclass(frozen=True)
class SetStatus:
    """The set as the app shows it: how many photos are usable and whether it is ready."""

    count_text: str  # how many photos there are, and of what kind (count_summary)
    sentence: str  # the set's readiness in one sentence
    tone: Verdict | None  # the sentence's colour; None: plain (no session, or still checking)
    usable: int
    usable_text: str  # the usable count against the minimum and the ideal
    usable_tone: Verdict  # the count's colour: below the minimum, below the ideal, or fine
    findings: tuple[Issue, ...]  # the set's other findings, worst first (the worst is the sentence)


def set_status(report: SetReport | None, statuses: Sequence[PhotoStatus], *, has_session: bool = True) -> SetStatus:
    """Word the set's readiness: from the set's report once every photo is checked, else
    what is missing or how far the checks are."""
    usable = len(report.usable) if report is not None else 0
    if usable < MIN_PHOTOS:
        usable_text = f"{usable} of {MIN_PHOTOS} needed ({ideal_photos_text()} is ideal)"
    else:
        usable_text = f"{usable} usable photos ({MIN_PHOTOS} needed, {ideal_photos_text()} is ideal)"
    usable_tone = Verdict.REJECT if usable < MIN_PHOTOS else (Verdict.WARN if usable < IDEAL_PHOTOS[0] else Verdict.OK)

    checking = sum(status.checking for status in statuses)
    findings: tuple[Issue, ...] = ()
    if not has_session:
        sentence, tone = "Start a session first.", None
    elif not statuses:
        sentence, tone = f"Not ready yet: add at least {MIN_PHOTOS} photos of yourself.", Verdict.REJECT
    elif checking:
        sentence, tone = f"Checking photos… ({len(statuses) - checking} of {len(statuses)} done)", None
    elif report is None:
        sentence, tone = "Not ready yet: none of these photos can be used. Add other photos of yourself.", Verdict.REJECT
    else:
        sentence = report.message
        tone = Verdict.OK if report.ready and not report.issues else (Verdict.WARN if report.ready else Verdict.REJECT)
        others = [issue for issue in report.issues if issue is not report.headline]
        findings = tuple(sorted(others, key=lambda issue: -issue.severity.rank))
    return SetStatus(count_summary(statuses), sentence, tone, usable, usable_text, usable_tone, findings)
