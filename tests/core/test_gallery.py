"""The gallery as typed entries (core/gallery.py): gallery.json read and written in the
format earlier versions wrote, and the decisions the Gallery page shows - which entries
a filter keeps and at which rank, which look alike, stars, warnings, labels."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from headshot_studio.core.gallery import (
    GalleryEntry,
    Scores,
    best_selfies_first,
    filter_gallery,
    flag_warnings,
    likeness_stars,
    look_alikes,
    scores_text,
    style_counts,
    style_label,
)
from headshot_studio.core.quality import Verdict
from headshot_studio.core.session import create_session, delete_output, open_session

# gallery.json as version 0.x's ranking step wrote it (keys in its order)
OLD_ITEM = {
    "file": "legal-0000-s7.png",
    "scores": {"likeness": 0.81, "sharpness": 0.7, "exposure": 0.9, "composition": 0.8, "combined": 0.8},
    "flags": ["several_faces"],
    "group": 1,
    "similarity": 0.71,
    "style": "legal",
    "seed": 7,
    "raw": "legal-0000-s7.png",
    "settings": "legal-0000-s7.json",
}


def entry(file: str, *, style: str | None = "legal", group: int | None = None, likeness: float | None = 0.5,
          flags: tuple[str, ...] = ()) -> GalleryEntry:
    return GalleryEntry(file=file, style=style, group=group, flags=flags, scores=Scores(likeness=likeness))


def test_an_entry_reads_and_writes_the_file_format_unchanged():
    read = GalleryEntry.from_dict(OLD_ITEM)
    assert read.file == "legal-0000-s7.png" and read.seed == 7 and read.group == 1 and read.style == "legal"
    assert read.scores.likeness == pytest.approx(0.81) and read.flags == ("several_faces",)
    assert read.to_dict() == OLD_ITEM
    assert json.loads(json.dumps(read.to_dict())) == OLD_ITEM


def test_hand_edited_values_of_the_wrong_kind_read_as_unknown():
    assert GalleryEntry.from_dict(dict(OLD_ITEM, seed=10**4000, group=-1)).seed is None  # not a seed torch takes
    assert GalleryEntry.from_dict(dict(OLD_ITEM, seed=10**4000, group=-1)).group is None
    edited = dict(OLD_ITEM, seed="7", group=True, similarity="high", style=3, raw="", flags=["no_face", 5, None],
                  scores={"likeness": "0.9", "sharpness": float("0.5"), "exposure": None, "combined": False})
    read = GalleryEntry.from_dict(edited)
    assert (read.seed, read.group, read.similarity, read.style, read.raw) == (None, None, None, None, None)
    assert read.flags == ("no_face",)
    assert read.scores == Scores(sharpness=0.5)
    assert GalleryEntry.from_dict({"file": "a.png"}) == GalleryEntry(file="a.png")


def test_numbers_that_are_not_finite_read_as_unknown_and_the_page_can_word_them():
    # json.loads reads NaN, Infinity and 1e400 (inf); a huge integer overflows a float
    huge = "1" + "0" * 400
    text = ('{"file": "a.png", "scores": {"likeness": NaN, "sharpness": Infinity, "exposure": 1e400, '
            f'"composition": {huge}, "combined": 0.5}}, "similarity": -Infinity}}')
    read = GalleryEntry.from_dict(json.loads(text))
    assert read.scores == Scores(combined=0.5) and read.similarity is None
    assert likeness_stars(read) is None and scores_text(read) == ""  # unknown, not the worst likeness


def test_filters_keep_the_whole_gallerys_rank():
    entries = [entry("a.png"), entry("b.png", style="office"), entry("c.png"), entry("d.png", style=None)]
    assert [(rank, e.file) for rank, e in filter_gallery(entries)] == [(1, "a.png"), (2, "b.png"), (3, "c.png"),
                                                                       (4, "d.png")]
    assert [(rank, e.file) for rank, e in filter_gallery(entries, style="legal")] == [(1, "a.png"), (3, "c.png")]
    assert [e.file for _, e in filter_gallery(entries, style="")] == ["d.png"]  # the "unknown style" choice
    assert [(rank, e.file) for rank, e in filter_gallery(entries, favourites={"c.png", "b.png"},
                                                         favourites_only=True)] == [(2, "b.png"), (3, "c.png")]
    # favourites given but not asked for: everything
    assert len(filter_gallery(entries, favourites={"c.png"})) == 4


def test_hiding_look_alikes_keeps_the_best_of_each_group_that_the_other_filters_keep():
    entries = [entry("a.png", group=1), entry("b.png", group=1, style="office"), entry("c.png", group=1),
               entry("d.png", group=2), entry("e.png")]
    assert [e.file for _, e in filter_gallery(entries, hide_look_alikes=True)] == ["a.png", "d.png", "e.png"]
    # filtered to "office" first, b is the best of group 1 that is left
    assert [e.file for _, e in filter_gallery(entries, style="office", hide_look_alikes=True)] == ["b.png"]
    # favourites only: c is the group's best favourite
    assert [(r, e.file) for r, e in filter_gallery(entries, favourites={"c.png", "d.png"}, favourites_only=True,
                                                   hide_look_alikes=True)] == [(3, "c.png"), (4, "d.png")]
    assert look_alikes(entries) == {"a.png": 2, "b.png": 2, "c.png": 2, "d.png": 0, "e.png": 0}


def test_counts_labels_stars_and_warnings():
    entries = [entry("a.png"), entry("b.png"), entry("c.png", style="office"), entry("d.png", style=None)]
    assert style_counts(entries) == {"legal": 2, "office": 1, "": 1}
    assert style_label("legal", {"legal": "Legal & Finance"}) == "Legal & Finance"
    assert style_label("warm_studio-light", {}) == "Warm studio light"  # a style whose file is gone
    assert style_label(None, {}) == "Unknown style"
    # 3 stars at the edge of "alike" (0.5), 5 as alike as the selfies (1.0), never 0
    assert [likeness_stars(entry("x", likeness=v)) for v in (None, 0.0, 0.09, 0.5, 0.74, 0.93, 1.0, 7.0)] == \
        [None, 1, 1, 3, 4, 5, 5, 5]
    warnings = flag_warnings(entry("x", flags=("unlike_person", "several_faces", "unlike_person", "from_v9")))
    assert warnings == [("Doesn't look like you", Verdict.REJECT), ("More than one face", Verdict.WARN),
                        ("Check this one", Verdict.WARN)]
    assert scores_text(GalleryEntry("x", Scores(likeness=0.934, exposure=0.5))) == "Likeness 93% · Light 50%"


def test_the_selfie_to_compare_with_is_the_best_rated_one_that_still_exists(tmp_path):
    paths = {name: tmp_path / f"{name}.jpg" for name in ("ok_low", "ok_high", "warn", "unchecked", "gone")}
    for name, path in paths.items():
        if name != "gone":
            path.write_bytes(b"x")
    reports = {
        paths["ok_low"]: SimpleNamespace(verdict=Verdict.OK, scores={"sharpness": 0.5}),
        paths["ok_high"]: SimpleNamespace(verdict=Verdict.OK, scores={"sharpness": 0.9}),
        paths["warn"]: SimpleNamespace(verdict=Verdict.WARN, scores={"sharpness": 1.0}),
        paths["gone"]: SimpleNamespace(verdict=Verdict.OK, scores={"sharpness": 1.0}),
    }
    ordered = best_selfies_first(paths.values(), reports.get)
    assert ordered == [paths["ok_high"], paths["ok_low"], paths["warn"], paths["unchecked"]]


def test_a_session_reads_its_gallery_as_entries_and_deleting_one_keeps_the_rest_intact(tmp_path, photos_dir):
    session = create_session("Gallery", sorted(photos_dir.glob("*.jpg"))[:1])
    session.final_dir.mkdir(parents=True, exist_ok=True)
    second = dict(OLD_ITEM, file="office-0001-s8.png", seed=8, style="office", raw="office-0001-s8.png",
                  settings="office-0001-s8.json")
    for item in (OLD_ITEM, second):
        (session.final_dir / item["file"]).write_bytes(b"png")
    session.gallery_file.write_text(json.dumps({"analyzer": "dlib", "images": [OLD_ITEM, second]}))
    missing = dict(OLD_ITEM, file="gone-0002-s9.png")  # deleted by hand: listed, not offered
    session.gallery_file.write_text(json.dumps({"analyzer": "dlib", "images": [OLD_ITEM, second, missing]}))
    assert [e.file for e in open_session(session.id).gallery()][-1] == "gone-0002-s9.png"
    assert [e.file for e in open_session(session.id).headshots()] == ["legal-0000-s7.png", "office-0001-s8.png"]
    session.gallery_file.write_text(json.dumps({"analyzer": "dlib", "images": [OLD_ITEM, second]}))
    gallery = open_session(session.id).gallery()
    assert [e.file for e in gallery] == ["legal-0000-s7.png", "office-0001-s8.png"]
    assert all(isinstance(e, GalleryEntry) for e in gallery)
    delete_output(open_session(session.id), "legal-0000-s7.png")
    assert json.loads(session.gallery_file.read_text())["images"] == [second]  # rewritten in the same format


def test_one_damaged_or_repeated_entry_is_left_out_on_its_own(tmp_path, photos_dir, caplog):
    session = create_session("Mixed", sorted(photos_dir.glob("*.jpg"))[:1])
    traversal = dict(OLD_ITEM, file="../../etc/passwd.png")
    wrong_type = dict(OLD_ITEM, file=["x.png"])
    session.gallery_file.write_text(json.dumps({"images": [traversal, OLD_ITEM, wrong_type, OLD_ITEM]}))
    assert [entry.file for entry in open_session(session.id).gallery()] == [OLD_ITEM["file"]]
    assert "3 damaged or repeated entries" in caplog.text
