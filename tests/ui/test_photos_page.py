"""The Photos page on real sample faces: photos added by the controller, by a drop and
by the file dialogs appear in order with their badges as each check finishes; bad photos
say why; Delete removes; Enter opens the details; no session, no adding."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from headshot_studio.core.quality import Verdict
from headshot_studio.testing import face_photos
from headshot_studio.ui.pages.photos import PhotosPage
from headshot_studio.ui.photo_widgets import PATH_ROLE, STATUS_ROLE, THUMB_STATE_ROLE, ImageKind, ThumbState

CHECK_TIMEOUT_MS = 30_000


@pytest.fixture
def page(qtbot, controller):
    p = PhotosPage(controller)
    qtbot.addWidget(p)
    p.resize(1100, 700)
    p.show()
    yield p
    p.thumbnails.wait()


def grid(page):
    return page.findChild(QWidget, "photoGrid")


def verdicts(page):
    """Each photo's verdict, None while it is being checked."""
    g = grid(page)
    return [g.item(i).data(STATUS_ROLE).verdict for i in range(g.count())]


def names(page):
    g = grid(page)
    return [Path(g.item(i).data(PATH_ROLE)).name for i in range(g.count())]


def wait_checked(qtbot, page, count):
    qtbot.waitUntil(lambda: len(verdicts(page)) == count and None not in verdicts(page), timeout=CHECK_TIMEOUT_MS)


def wait_added(qtbot, controller):
    """Photos are listed, hashed and copied in the background: wait until they are in."""
    qtbot.waitUntil(lambda: not controller.adding, timeout=CHECK_TIMEOUT_MS)


def drop(page, paths):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    # QDragEnterEvent takes a QPoint (PySide6 6.12 also took a QPointF), QDropEvent a QPointF
    enter = QDragEnterEvent(page.rect().center(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(page, enter)
    accepted = enter.isAccepted()
    if accepted:
        event = QDropEvent(QPointF(page.rect().center()), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(page, event)
    return accepted


def test_good_photos_turn_green_and_the_set_is_ready(qtbot, controller, page, photos_dir):
    controller.new_session("Test")
    ready = page.findChild(QLabel, "setReadyLabel")
    assert "add at least 5" in ready.text()
    assert page.findChild(QWidget, "addPhotosButton").isEnabled()

    assert drop(page, [photos_dir])  # a folder, dropped
    assert ready.text() == "Adding photos…"  # copied in the background
    wait_added(qtbot, controller)
    assert names(page) == [f"selfie-{i}.jpg" for i in range(5)]  # in order, before any check
    assert "Checking photos" in ready.text()
    wait_checked(qtbot, page, 5)
    assert verdicts(page) == [Verdict.OK] * 5
    qtbot.waitUntil(lambda: all(grid(page).item(i).data(THUMB_STATE_ROLE) == ThumbState.READY for i in range(5)),
                    timeout=CHECK_TIMEOUT_MS)

    assert ready.text().startswith("Ready")
    assert page.findChild(QLabel, "usableCountLabel").text().startswith("5 usable photos")
    assert page.findChild(QWidget, "usableProgress").value() == 5
    assert "5 good" in page.findChild(QLabel, "photoCountLabel").text()
    assert grid(page).item(0).text() == "Good photo."
    assert "selfie-0.jpg" in grid(page).item(0).toolTip()

    # a redraw (any report arriving) must not load the thumbnails again
    requested = []
    page.thumbnails.request = lambda path, side=256, kind=None: requested.append(path)
    controller.photos_changed.emit()
    assert requested == []
    assert all(grid(page).item(i).data(Qt.ItemDataRole.DecorationRole) is not None for i in range(5))


def test_bad_photos_are_red_and_say_why(qtbot, controller, page, photos_dir, tmp_path):
    controller.new_session("Test")
    bad = tmp_path / "bad.jpg"
    bad.write_text("this is not a photo")
    blurred = tmp_path / "blurred.jpg"
    with Image.open(photos_dir / "selfie-0.jpg") as image:
        face_photos.blur(image.convert("RGB")).save(blurred, quality=92)
    controller.add_photos([bad, blurred])
    wait_checked(qtbot, page, 2)

    g = grid(page)
    assert verdicts(page) == [Verdict.REJECT, Verdict.REJECT]
    assert "not a photo" in g.item(0).text()
    assert "blurry" in g.item(1).text()
    assert "blurry" in g.item(1).toolTip()
    qtbot.waitUntil(lambda: g.item(0).data(THUMB_STATE_ROLE) == ThumbState.UNREADABLE, timeout=CHECK_TIMEOUT_MS)
    ready = page.findChild(QLabel, "setReadyLabel").text()
    assert ready.startswith("Not ready yet") and "0 usable photos" in ready
    assert page.findChild(QLabel, "usableCountLabel").text() == "0 of 5 needed (8–15 is ideal)"

    # Enter opens the details: the photo larger, with every problem and its fix
    g.setFocus()
    g.setCurrentRow(1)
    qtbot.keyClick(g, Qt.Key.Key_Return)
    dialog = page.details_dialog
    assert dialog is not None and dialog.isVisible() and dialog.path.name == "blurred.jpg"
    shown = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "Hold the phone still" in shown
    qtbot.waitUntil(lambda: dialog.image_label.pixmap() is not None and not dialog.image_label.pixmap().isNull(), timeout=CHECK_TIMEOUT_MS)
    dialog.findChild(QWidget, "detailsRemoveButton").click()
    assert not dialog.isVisible()
    assert names(page) == ["bad.jpg"]
    assert [p.name for p in controller.photo_paths()] == ["bad.jpg"]

    # double-click opens the other photo's details in the same window
    centre = g.visualItemRect(g.item(0)).center()
    qtbot.mouseClick(g.viewport(), Qt.MouseButton.LeftButton, pos=centre)  # a real double-click starts with a click
    qtbot.mouseDClick(g.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert dialog.isVisible() and dialog.path.name == "bad.jpg"
    assert "not a photo" in dialog.findChild(QLabel, "detailsIssues").text()
    assert dialog.image_label.text() == "This file cannot be shown."
    dialog.close()


def test_delete_key_removes_the_selected_photo(qtbot, controller, page, photos_dir):
    controller.new_session("Test")
    controller.add_photos([photos_dir])
    wait_checked(qtbot, page, 5)
    g = grid(page)
    remove = page.findChild(QWidget, "removePhotoButton")
    assert not remove.isEnabled()

    g.setFocus()
    g.setCurrentRow(2)
    assert remove.isEnabled()
    qtbot.keyClick(g, Qt.Key.Key_Delete)
    expected = ["selfie-0.jpg", "selfie-1.jpg", "selfie-3.jpg", "selfie-4.jpg"]
    assert names(page) == expected
    assert [p.name for p in controller.photo_paths()] == expected
    assert g.currentRow() == 2  # the next photo is selected, so Delete can be pressed again
    ready = page.findChild(QLabel, "setReadyLabel").text()
    assert ready.startswith("Not ready yet") and "4 usable photos" in ready

    remove.click()
    assert names(page) == ["selfie-0.jpg", "selfie-1.jpg", "selfie-4.jpg"]


def test_the_file_dialogs_add_files_and_folders(qtbot, controller, page, photos_dir, monkeypatch):
    controller.new_session("Test")
    monkeypatch.setattr(page, "_ask_files", lambda: [photos_dir / "selfie-3.jpg"])
    monkeypatch.setattr(page, "_ask_folder", lambda: photos_dir)
    page.findChild(QWidget, "addPhotosButton").click()
    wait_added(qtbot, controller)
    assert names(page) == ["selfie-3.jpg"]
    page.findChild(QWidget, "addFolderButton").click()  # the same photo is not added twice
    wait_added(qtbot, controller)
    assert names(page) == ["selfie-3.jpg", "selfie-0.jpg", "selfie-1.jpg", "selfie-2.jpg", "selfie-4.jpg"]
    wait_checked(qtbot, page, 5)

    monkeypatch.setattr(page, "_ask_files", list)  # the dialog was cancelled
    page.findChild(QWidget, "addPhotosButton").click()
    assert not controller.adding and len(names(page)) == 5


def test_without_a_session_adding_is_off_and_says_why(qtbot, controller, page, photos_dir):
    notice = page.findChild(QLabel, "noSessionLabel")
    assert notice.isVisible() and "session" in notice.text().lower()
    assert not page.findChild(QWidget, "addPhotosButton").isEnabled()
    assert not page.findChild(QWidget, "addFolderButton").isEnabled()
    assert not drop(page, [photos_dir])
    assert grid(page).count() == 0

    controller.new_session("Test")
    assert not notice.isVisible()
    assert page.findChild(QWidget, "addPhotosButton").isEnabled()


def test_faces_are_judged_for_the_sessions_model_and_again_when_it_changes(qtbot, controller, page, photos_dir, tiny_sdxl):
    """With a model trained at 1024 px installed, a selfie fine for SD1.5 says it will be
    enlarged; when that model is removed, the photos are checked again for the default."""
    import shutil

    from headshot_studio.core import models
    from headshot_studio.testing.tiny_model import claim_native_resolution

    installed = models.import_model(claim_native_resolution(tiny_sdxl, 1024), name="Big XL")
    controller.new_session("Test")
    controller.add_photos([photos_dir / "selfie-0.jpg"])
    wait_checked(qtbot, page, 1)
    assert "1024-pixel training" in grid(page).item(0).text()
    assert controller.analysis.thresholds.training_resolution == 1024

    shutil.rmtree(installed.path)
    with qtbot.waitSignal(controller.setup_changed, timeout=CHECK_TIMEOUT_MS):
        controller.refresh_setup()
    qtbot.waitUntil(lambda: controller.analysis.thresholds.training_resolution == 512, timeout=CHECK_TIMEOUT_MS)
    wait_checked(qtbot, page, 1)
    assert grid(page).item(0).text() == "Good photo."


def test_previews_and_thumbnails_are_told_apart_by_kind_not_size(qtbot, controller, page, photos_dir):
    """Details opened before the photo's thumbnail came: the thumbnail goes to the grid
    only, and the preview (whatever its size) to the details window."""
    asked = []
    page.thumbnails.request = lambda path, side=256, kind=None: asked.append(kind)  # the test sends the pictures
    controller.new_session("Test")
    controller.add_photos([photos_dir / "selfie-0.jpg"])
    wait_checked(qtbot, page, 1)
    g = grid(page)
    g.setCurrentRow(0)
    page.open_details()
    assert asked == [ImageKind.THUMBNAIL, ImageKind.PREVIEW]
    dialog = page.details_dialog
    path = str(controller.photo_paths()[0])

    def picture(side, colour):
        image = QImage(side, side, QImage.Format.Format_RGB888)
        image.fill(QColor(colour))
        return image

    def colour_at_centre(pixmap):
        image = pixmap.toImage()
        return image.pixelColor(image.width() // 2, image.height() // 2).name()

    page.thumbnails.loaded.emit(path, picture(100, "#00ff00"), ImageKind.THUMBNAIL)
    assert g.item(0).data(THUMB_STATE_ROLE) == ThumbState.READY
    assert colour_at_centre(g.item(0).data(Qt.ItemDataRole.DecorationRole)) == "#00ff00"
    assert dialog.image_label.text() == "Loading…"  # a thumbnail is not the preview

    page.thumbnails.loaded.emit(path, picture(120, "#ff0000"), ImageKind.PREVIEW)  # a small photo's preview
    assert colour_at_centre(dialog.image_label.pixmap()) == "#ff0000"
    assert colour_at_centre(g.item(0).data(Qt.ItemDataRole.DecorationRole)) == "#00ff00"
    dialog.close()
