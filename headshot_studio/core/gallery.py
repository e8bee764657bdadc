"""The gallery: a session's finished headshots, best first, as typed entries, and the
decisions the Gallery page shows (which entries a filter keeps, which look alike, how
many stars, what a warning says, which selfie to compare with).

gallery.json, written by the run's ranking step (core/pipeline.py, step 7)::

    {"analyzer": "dlib",
     "images": [{"file": "legal-0000-s0.png",
                 "scores": {"likeness": 0.81, "sharpness": 0.7, "exposure": 0.9,
                            "composition": 0.8, "combined": 0.8},
                 "flags": ["several_faces"], "group": 1, "similarity": 0.71,
                 "style": "legal", "seed": 0, "raw": "legal-0000-s0.png",
                 "settings": "legal-0000-s0.json"}, ...]}

Reading the file is checked in core/session.py (``Session.gallery``): a damaged or
crafted file is logged and read as no gallery, so every entry that reaches
:meth:`GalleryEntry.from_dict` names a PNG in outputs/final by a plain file name. A
value of the wrong kind where a number or a name belongs (a hand edit) reads as unknown
(None) rather than reaching code that does arithmetic with it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

from headshot_studio.core.quality import Verdict

# Ranking flags (core/ranking.py) in plain words, never the codes, with how serious each is.
FLAG_WORDS = {
    "no_face": ("No face found", Verdict.REJECT),
    "unlike_person": ("Doesn't look like you", Verdict.REJECT),
    "several_faces": ("More than one face", Verdict.WARN),
    "eyes_closed": ("Eyes closed", Verdict.WARN),
    "eyes_mismatched": ("Eyes don't match", Verdict.WARN),
}
UNKNOWN_FLAG = ("Check this one", Verdict.WARN)  # a flag of a later version, or a hand edit
SCORE_WORDS = {"likeness": "Likeness", "eyes": "Eyes", "sharpness": "Sharpness", "technical": "Image quality",
               "exposure": "Light", "composition": "Framing"}
MAX_STARS = 5


def _number(value) -> float | None:
    """A finite number, else None (NaN, infinities and huge integers from a hand edit
    must not reach the stars' and percentages' arithmetic)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer too large for a float
        return None
    return number if math.isfinite(number) else None


def _whole(value) -> int | None:
    """A whole number a seed or a group can be (0 to 2**64 - 1, what torch's generators
    take), else None: a hand edit's 4,000-digit number is unknown, not a seed."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**64 else None


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class Scores:
    """0-1 scores of one headshot (1 is best); None: not measured (an older or hand-edited file)."""

    likeness: float | None = None  # 0.5: just alike, 1: as alike as the selfies (ranking.PersonLikeness)
    sharpness: float | None = None
    exposure: float | None = None
    composition: float | None = None
    combined: float | None = None
    technical: float | None = None  # BRISQUE, face and whole image
    eyes: float | None = None  # open, matching, looking at the camera

    @classmethod
    def from_dict(cls, data) -> Scores:
        data = data if isinstance(data, dict) else {}
        return cls(**{f.name: _number(data.get(f.name)) for f in fields(cls)})

    def to_dict(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


@dataclass(frozen=True)
class GalleryEntry:
    """One finished headshot as gallery.json lists it."""

    file: str  # the PNG's name in outputs/final
    scores: Scores = Scores()
    flags: tuple[str, ...] = ()  # ranking's codes: "no_face", "unlike_person", "several_faces"
    group: int | None = None  # look-alike group: entries of one group look nearly the same
    similarity: float | None = None  # raw cosine similarity to the person
    style: str | None = None  # the style id
    seed: int | None = None
    raw: str | None = None  # the generated image's name in outputs/raw
    settings: str | None = None  # the sidecar's name in outputs/final

    @classmethod
    def from_dict(cls, data: dict) -> GalleryEntry:
        """An entry of gallery.json (checked by core/session.py's reader)."""
        return cls(
            file=data["file"],
            scores=Scores.from_dict(data.get("scores")),
            flags=tuple(flag for flag in data.get("flags") or () if isinstance(flag, str)),
            group=_whole(data.get("group")),
            similarity=_number(data.get("similarity")),
            style=_text(data.get("style")),
            seed=_whole(data.get("seed")),
            raw=_text(data.get("raw")),
            settings=_text(data.get("settings")),
        )

    def to_dict(self) -> dict:
        """The entry as gallery.json holds it (the format earlier versions wrote and read)."""
        return {
            "file": self.file,
            "scores": self.scores.to_dict(),
            "flags": list(self.flags),
            "group": self.group,
            "similarity": self.similarity,
            "style": self.style,
            "seed": self.seed,
            "raw": self.raw,
            "settings": self.settings,
        }


# --- what the page shows ----------------------------------------------------------------


def style_key(entry: GalleryEntry) -> str:
    """The key the style filter uses: the style id, "" for an entry of no known style."""
    return entry.style or ""


def style_counts(entries: Iterable[GalleryEntry]) -> dict[str, int]:
    """How many entries each style has (by :func:`style_key`)."""
    counts: dict[str, int] = {}
    for entry in entries:
        counts[style_key(entry)] = counts.get(style_key(entry), 0) + 1
    return counts


def filter_gallery(
    entries: Sequence[GalleryEntry],
    *,
    style: str | None = None,
    favourites: Collection[str] = (),
    favourites_only: bool = False,
    hide_look_alikes: bool = False,
) -> list[tuple[int, GalleryEntry]]:
    """The entries a filter keeps, as (rank, entry), best first; rank 1 is the best of the
    whole gallery, whatever the filter. ``style``: a :func:`style_key` (None: every style);
    ``favourites``: the favourite files; ``hide_look_alikes``: of each look-alike group,
    only the best one the other filters keep."""
    seen_groups: set[int] = set()
    kept = []
    for rank, entry in enumerate(entries, start=1):
        if style is not None and style_key(entry) != style:
            continue
        if favourites_only and entry.file not in favourites:
            continue
        if hide_look_alikes and entry.group is not None:
            if entry.group in seen_groups:
                continue
            seen_groups.add(entry.group)
        kept.append((rank, entry))
    return kept


def look_alikes(entries: Iterable[GalleryEntry]) -> dict[str, int]:
    """For each entry's file, how many other entries look nearly the same (share its
    look-alike group); 0 for an entry of no known group."""
    entries = list(entries)
    sizes: dict[int, int] = {}
    for entry in entries:
        if entry.group is not None:
            sizes[entry.group] = sizes.get(entry.group, 0) + 1
    return {entry.file: sizes[entry.group] - 1 if entry.group is not None else 0 for entry in entries}


def likeness_stars(entry: GalleryEntry) -> int | None:
    """1-5 stars from the likeness score, calibrated on the person's own selfies: 3 at
    the edge of "alike" (0.5), 5 as alike as the selfies are to each other (1.0), 1 for
    a clearly different face. None when it was not measured (an older or hand-edited
    gallery), which is not the same as the worst likeness."""
    if entry.scores.likeness is None:
        return None
    return max(1, min(MAX_STARS, math.floor(1 + (MAX_STARS - 1) * min(1.0, max(0.0, entry.scores.likeness)) + 0.5)))


def flag_warnings(entry: GalleryEntry) -> list[tuple[str, Verdict]]:
    """(words, how serious) for each of the entry's flags, without repeats."""
    warnings: list[tuple[str, Verdict]] = []
    for flag in entry.flags:
        warning = FLAG_WORDS.get(flag, UNKNOWN_FLAG)
        if warning not in warnings:
            warnings.append(warning)
    return warnings


def scores_text(entry: GalleryEntry) -> str:
    """"Likeness 93% · Sharpness 80% · …" for the scores the entry has."""
    parts = [f"{word} {round(100 * getattr(entry.scores, key))}%" for key, word in SCORE_WORDS.items()
             if getattr(entry.scores, key) is not None]
    return " · ".join(parts)


def style_label(style_id: str | None, names: dict[str, str]) -> str:
    """The style's name as its card shows it (``names``: id -> name); an id no style file
    names any more reads as words."""
    if not style_id:
        return "Unknown style"
    return names.get(style_id) or style_id.replace("-", " ").replace("_", " ").capitalize()


# --- the large view: which selfie to compare with ---------------------------------------


def best_selfies_first(photos: Iterable[Path], report_for: Callable[[Path], object | None]) -> list[Path]:
    """The photos that still exist, best-rated first by their photo check
    (``report_for(path)``: its core.quality.PhotoReport, None while unchecked)."""

    def rating(path: Path) -> tuple[int, float]:
        report = report_for(path)
        if report is None:
            return (1, 0.0)
        scores = list(report.scores.values())
        return (report.verdict.rank, -(sum(scores) / len(scores)) if scores else 0.0)

    return sorted((path for path in photos if path.is_file()), key=rating)


def no_selfie_reason(*, photos_deleted: bool, has_photos: bool) -> str:
    """Why there is no selfie to show next to a headshot."""
    if photos_deleted:
        return "Your selfies were deleted after your face was learned, as you asked, so there is none to compare with."
    if has_photos:
        return "Your selfies are no longer where they were when you added them, so there is none to compare with."
    return "This session has no selfies to compare with."
