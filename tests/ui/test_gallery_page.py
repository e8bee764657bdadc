"""The Gallery page on a session with real-photo "finished headshots" and a gallery.json
written here: best first with stars and plain warnings, the style filter, favourites
that persist, delete after asking, export (ZIP and folder) through core.export, "more
like this", the zoom view next to a selfie, and the no-session sentence."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QComboBox, QMessageBox, QPushButton, QWidget

from headshot_studio.core.session import create_session, delete_copied_photos, open_session
from headshot_studio.testing import face_photos
from headshot_studio.core.gallery import GalleryEntry
from headshot_studio.ui.dialogs.export import ExportDialog
from headshot_studio.ui.gallery_grid import ENTRY_ROLE, FAVOURITE_ROLE
from headshot_studio.ui.pages.gallery import GalleryPage

# (file, person, style, likeness, flags), best first; combined falls with the order
ENTRIES = [
    ("corporate-executive-0001.png", "chandler", "corporate-executive", 0.93, []),
    ("creative-professional-0002.png", "chandler", "creative-professional", 0.81, []),
    ("corporate-executive-0003.png", "chandler", "corporate-executive", 0.62, []),
    ("creative-professional-0004.png", "ross", "creative-professional", 0.35, ["unlike_person"]),
    ("corporate-executive-0005.png", "joey", "corporate-executive", 0.0, ["no_face"]),
]
EXPECTED_STARS = [5, 4, 3, 2, 1]  # 3 at the edge of "alike" (0.5), never 0


@pytest.fixture(scope="module")
def _finals(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("finals")
    for index, (file, person, style, likeness, flags) in enumerate(ENTRIES):
        face_photos.person_photo(person, size=320, zoom=1.0 + 0.1 * index).save(folder / file)
        (folder / file).with_suffix(".json").write_text(
            json.dumps({"prompt": f"{style} headshot of ohwx person", "seed": 500 + index, "style": style}))
    return folder


def make_session(finals: Path, photos: list[Path] = ()):
    session = create_session("Alex Morgan", list(photos))
    session.final_dir.parent.mkdir(parents=True, exist_ok=True)
    import shutil

    shutil.copytree(finals, session.final_dir)
    images = []
    for index, (file, _person, style, likeness, flags) in enumerate(ENTRIES):
        images.append({
            "file": file,
            "scores": {"likeness": likeness, "sharpness": 0.8, "exposure": 0.7, "composition": 0.9,
                       "combined": round(0.9 - 0.15 * index, 3)},
            "flags": flags,
            "group": index + 1 if index != 2 else 1,  # 0003 looks nearly the same as 0001
            "similarity": 0.9 - 0.1 * index,
            "style": style,
            "seed": 500 + index,
            "raw": file,
            "settings": Path(file).with_suffix(".json").name,
        })
    session.gallery_file.write_text(json.dumps({"analyzer": "dlib", "images": images}), encoding="utf-8")
    return session


@pytest.fixture
def session(_finals, controller):
    s = make_session(_finals)
    controller.open_session(s.id)
    return controller.session


@pytest.fixture
def page(qtbot, controller):
    p = GalleryPage(controller)
    qtbot.addWidget(p)
    p.resize(1100, 700)
    p.show()
    yield p
    if p.zoom_dialog is not None:
        p.zoom_dialog.reject()
    p.wait()


def grid(page):
    return page.findChild(QWidget, "galleryGrid")


def button(page, name) -> QPushButton:
    return page.findChild(QPushButton, name)


def shown_files(page) -> list[str]:
    g = grid(page)
    return [g.item(i).data(ENTRY_ROLE).file for i in range(g.count())]


def select(page, *rows: int) -> None:
    g = grid(page)
    g.clearSelection()
    g.setCurrentItem(g.item(rows[0]), QItemSelectionModel.SelectionFlag.NoUpdate)
    for row in rows:
        g.item(row).setSelected(True)


def test_headshots_appear_best_first_with_stars_and_plain_warnings(page, session, qtbot):
    g = grid(page)
    assert shown_files(page) == [e[0] for e in ENTRIES]
    for row, stars in enumerate(EXPECTED_STARS):
        text = g.item(row).text()
        assert text.startswith(f"#{row + 1} " + "★" * stars + "☆" * (5 - stars))
    assert "Corporate executive" in g.item(0).text()  # the style's own name, not its id
    assert "Doesn't look like you" in g.item(3).text()
    assert "No face found" in g.item(4).text()
    all_text = " ".join(g.item(i).text() + g.item(i).toolTip() for i in range(g.count()))
    assert "unlike_person" not in all_text and "no_face" not in all_text
    assert "nearly the same" in g.item(0).toolTip()
    assert page.findChild(QWidget, "gallerySummary").text() == "5 headshots · 0 favourites"
    # thumbnails arrive from the background loader
    qtbot.waitUntil(lambda: all(g.item(i).data(Qt.ItemDataRole.DecorationRole) is not None for i in range(g.count())),
                    timeout=10_000)


def test_style_filter_hides_the_other_style(page, session):
    combo = page.findChild(QComboBox, "styleFilter")
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert labels == ["All styles (5)", "Corporate executive (3)", "Creative professional (2)"]
    combo.setCurrentIndex(combo.findData("creative-professional"))
    assert shown_files(page) == ["creative-professional-0002.png", "creative-professional-0004.png"]
    # a change to the gallery keeps the filter
    session.manifest  # noqa: B018 (the page re-reads the gallery on gallery_changed)
    page.controller.gallery_changed.emit()
    assert combo.currentData() == "creative-professional" and len(shown_files(page)) == 2
    combo.setCurrentIndex(0)
    assert len(shown_files(page)) == 5
    page.findChild(QWidget, "hideLookAlikes").setChecked(True)
    assert "corporate-executive-0003.png" not in shown_files(page) and len(shown_files(page)) == 4


def test_favourites_toggle_and_persist_in_the_session(page, session, qtbot):
    select(page, 1)
    fav = button(page, "favouriteButton")
    assert fav.text() == "Favourite"
    qtbot.mouseClick(fav, Qt.MouseButton.LeftButton)
    assert open_session(session.id).manifest["favourites"] == ["creative-professional-0002.png"]
    g = grid(page)
    assert g.item(1).data(FAVOURITE_ROLE) is True and g.item(1).isSelected()  # selection kept across the refresh
    assert fav.text() == "Unfavourite"
    assert page.findChild(QWidget, "gallerySummary").text() == "5 headshots · 1 favourite"
    # F on the grid toggles it back
    qtbot.keyClick(g, Qt.Key.Key_F)
    assert open_session(session.id).manifest["favourites"] == []
    # several at once; "favourites only" shows just those
    select(page, 0, 2)
    qtbot.keyClick(g, Qt.Key.Key_F)
    assert open_session(session.id).manifest["favourites"] == ["corporate-executive-0001.png", "corporate-executive-0003.png"]
    page.findChild(QWidget, "favouritesOnly").setChecked(True)
    assert shown_files(page) == ["corporate-executive-0001.png", "corporate-executive-0003.png"]


def test_delete_asks_first_then_removes_the_file(page, session, qtbot, monkeypatch):
    asked = []
    monkeypatch.setattr(page, "_confirm_delete", lambda entries: asked.append([e.file for e in entries]) or False)
    select(page, 3)
    qtbot.mouseClick(button(page, "deleteButton"), Qt.MouseButton.LeftButton)
    assert asked == [["creative-professional-0004.png"]]
    assert (session.final_dir / "creative-professional-0004.png").is_file()  # "No": nothing deleted

    monkeypatch.setattr(page, "_confirm_delete", lambda entries: True)
    qtbot.mouseClick(button(page, "deleteButton"), Qt.MouseButton.LeftButton)
    assert not (session.final_dir / "creative-professional-0004.png").exists()
    assert not (session.final_dir / "creative-professional-0004.json").exists()
    assert "creative-professional-0004.png" not in [e.file for e in open_session(session.id).gallery()]
    assert len(shown_files(page)) == 4
    # the next one is selected, so Delete can go on through the grid
    assert [e.file for e in page.selected_entries()] == ["corporate-executive-0005.png"]
    qtbot.keyClick(grid(page), Qt.Key.Key_Delete)
    assert not (session.final_dir / "corporate-executive-0005.png").exists()
    assert len(shown_files(page)) == 3


def test_export_favourites_as_a_zip(page, session, qtbot, monkeypatch, tmp_path):
    page.controller.set_favourite("corporate-executive-0003.png", True)
    page.controller.set_favourite("corporate-executive-0001.png", True)
    select(page, 4)  # a selection exists too: the dialog's choice decides
    target = tmp_path / "exports" / "Alex Morgan headshots.zip"
    target.parent.mkdir()
    monkeypatch.setattr(ExportDialog, "_ask_zip_path", lambda self: target)
    qtbot.mouseClick(button(page, "exportButton"), Qt.MouseButton.LeftButton)
    dialog = page.export_dialog
    assert dialog.isVisible()
    assert dialog.findChild(QWidget, "keepMetadata").isChecked() is False  # stripped unless asked: privacy
    assert "(2)" in dialog.findChild(QWidget, "exportFavourites").text()
    dialog.findChild(QWidget, "exportFavourites").setChecked(True)
    dialog.findChild(QWidget, "exportToZip").setChecked(True)
    size = dialog.findChild(QComboBox, "exportSize")
    size.setCurrentIndex(size.findData("profile"))
    fmt = dialog.findChild(QComboBox, "exportFormat")
    fmt.setCurrentIndex(fmt.findData("png"))
    with qtbot.waitSignal(page.export_finished, timeout=30_000) as finished:
        qtbot.mouseClick(dialog.findChild(QPushButton, "startExportButton"), Qt.MouseButton.LeftButton)
    assert finished.args[0].path == target
    with zipfile.ZipFile(target) as archive:
        assert archive.namelist() == ["01-corporate-executive-0001.png", "02-corporate-executive-0003.png"]
        for name in archive.namelist():
            with archive.open(name) as fh, Image.open(fh) as image:
                assert image.size == (400, 400) and image.format == "PNG" and image.text == {}
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]  # no temp file left
    status = page.findChild(QWidget, "exportStatus").text()
    assert "Exported 2 headshots to" in status and str(target) in status


def test_export_selected_to_a_folder_keeping_settings(page, session, qtbot, monkeypatch, tmp_path):
    select(page, 2, 0)
    monkeypatch.setattr(ExportDialog, "_ask_folder", lambda self: tmp_path / "out")
    qtbot.mouseClick(button(page, "exportButton"), Qt.MouseButton.LeftButton)
    dialog = page.export_dialog
    assert dialog.findChild(QWidget, "exportSelected").isChecked()
    assert dialog.findChild(QWidget, "exportFavourites").isEnabled() is False  # there are none
    dialog.findChild(QWidget, "keepMetadata").setChecked(True)
    with qtbot.waitSignal(page.export_finished, timeout=30_000):
        qtbot.mouseClick(dialog.findChild(QPushButton, "startExportButton"), Qt.MouseButton.LeftButton)
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == ["01-corporate-executive-0001.jpg", "02-corporate-executive-0003.jpg"]  # best first
    with Image.open(tmp_path / "out" / files[0]) as image:
        assert image.format == "JPEG" and image.size == (320, 320)
        assert json.loads(image.getexif()[0x010E])["seed"] == 500


def test_a_failed_export_says_why(page, session, qtbot, monkeypatch, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "01-corporate-executive-0001.jpg").write_bytes(b"an earlier export")
    select(page, 0)
    monkeypatch.setattr(ExportDialog, "_ask_folder", lambda self: tmp_path / "out")
    qtbot.mouseClick(button(page, "exportButton"), Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(page.controller.export_failed, timeout=30_000):
        qtbot.mouseClick(page.export_dialog.findChild(QPushButton, "startExportButton"), Qt.MouseButton.LeftButton)
    box = page.findChild(QMessageBox, "errorBox")
    assert box is not None and "already has “01-corporate-executive-0001.jpg”" in box.text()
    assert "Traceback" not in box.text()
    assert (tmp_path / "out" / "01-corporate-executive-0001.jpg").read_bytes() == b"an earlier export"
    box.close()


def test_closing_the_file_dialog_keeps_the_export_dialog_open(page, session, qtbot, monkeypatch):
    select(page, 0)
    monkeypatch.setattr(ExportDialog, "_ask_folder", lambda self: None)
    qtbot.mouseClick(button(page, "exportButton"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.export_dialog.findChild(QPushButton, "startExportButton"), Qt.MouseButton.LeftButton)
    assert page.export_dialog.isVisible() and not page.controller.exporting
    page.export_dialog.reject()


def test_more_like_this_asks_the_controller(page, session, qtbot, monkeypatch):
    calls = []
    monkeypatch.setattr(page.controller, "more_like_this", lambda item: calls.append(item))
    more = button(page, "moreLikeThisButton")
    assert not more.isEnabled()  # nothing selected yet
    select(page, 1)
    assert more.isEnabled() and "Creative professional" in more.toolTip()
    with qtbot.waitSignal(page.more_like_this_requested):
        qtbot.mouseClick(more, Qt.MouseButton.LeftButton)
    assert [c.file for c in calls] == ["creative-professional-0002.png"]
    assert isinstance(calls[0], GalleryEntry) and calls[0].style == "creative-professional" and calls[0].seed == 501


def test_zoom_shows_the_headshot_next_to_the_best_selfie(qtbot, controller, _finals, photos_dir):
    session = make_session(_finals, sorted(photos_dir.glob("*.jpg")))
    controller.open_session(session.id)
    qtbot.waitUntil(lambda: not controller.analysing, timeout=60_000)  # photo checks rate the selfies
    page = GalleryPage(controller)
    qtbot.addWidget(page)
    page.show()
    try:
        select(page, 1)
        qtbot.keyClick(grid(page), Qt.Key.Key_Return)
        dialog = page.zoom_dialog
        assert dialog is not None and dialog.isVisible()
        headshot = dialog.findChild(QWidget, "zoomHeadshot")
        selfie = dialog.findChild(QWidget, "zoomSelfie")
        qtbot.waitUntil(lambda: headshot.pixmap() is not None and not headshot.pixmap().isNull(), timeout=10_000)
        qtbot.waitUntil(lambda: selfie.pixmap() is not None and not selfie.pixmap().isNull(), timeout=10_000)
        choice = dialog.findChild(QComboBox, "selfieChoice")
        assert choice.count() == 5
        best = choice.currentData()
        reports = {p: controller.report_for(p) for p in controller.photo_paths()}
        assert reports[Path(best)].verdict.rank == min(r.verdict.rank for r in reports.values())
        assert "Creative professional" in dialog.findChild(QWidget, "zoomInfo").text()
        # arrows move through the ranking, F marks a favourite
        qtbot.keyClick(dialog, Qt.Key.Key_Right)
        assert dialog.current_entry().file == "corporate-executive-0003.png"
        qtbot.keyClick(dialog, Qt.Key.Key_F)
        assert controller.favourites() == {"corporate-executive-0003.png"}
        dialog.reject()
        assert page.zoom_dialog is None

        # selfies deleted after training: the view says so instead of comparing
        delete_copied_photos(controller.session)
        select(page, 0)
        qtbot.mouseClick(button(page, "zoomButton"), Qt.MouseButton.LeftButton)
        note = page.zoom_dialog.findChild(QWidget, "zoomSelfie").text()
        assert "selfies were deleted after your face was learned" in note
        page.zoom_dialog.reject()
    finally:
        page.wait()


def test_without_a_session_it_says_what_to_do(page, controller):
    message = page.findChild(QWidget, "galleryMessage")
    assert message.isVisible() and message.text().startswith("Start or open a session")
    assert not button(page, "exportButton").isEnabled()
    assert not grid(page).isVisible()


def test_an_empty_gallery_says_where_headshots_come_from(page, controller):
    controller.new_session("Nobody yet")
    message = page.findChild(QWidget, "galleryMessage")
    assert message.isVisible() and "No headshots yet" in message.text()
    assert not button(page, "exportButton").isEnabled()
