"""The whole wizard, driven as a person would, on the tiny model and real sample faces:
session -> photos (badges) -> two styles -> Start -> gallery -> favourite -> ZIP export;
cancel mid-run; closing during a run; a bad photo's message."""

from __future__ import annotations

import zipfile

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from headshot_studio.core.events import Stage
from headshot_studio.core.session import open_session
from headshot_studio.ui.workers import JobState

RUN_TIMEOUT_MS = 240_000


@pytest.fixture
def window(tiny_window):
    return tiny_window


def start_session(window, qtbot, name="Alex"):
    window.show_page("session")
    page = window.pages["session"]
    qtbot.keyClicks(page.name_field, name)
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    assert window.page_key() == "photos"
    assert window.controller.session.name == name


def add_good_photos(window, qtbot, photos_dir):
    window.controller.add_photos([photos_dir])
    qtbot.waitUntil(lambda: not window.controller.analysing, timeout=60_000)
    qtbot.waitUntil(lambda: window.controller.set_report is not None and window.controller.set_report.ready, timeout=10_000)


def choose_styles(window, qtbot, *style_ids):
    window.go_next()
    assert window.page_key() == "styles"
    page = window.pages["styles"]
    for style_id in style_ids:
        page.findChild(QWidget, f"styleCheck-{style_id}").setChecked(True)
    assert set(window.controller.style_counts) == set(style_ids)


def test_from_selfies_to_an_exported_zip(window, qtbot, photos_dir, tmp_path, desktop, monkeypatch):
    from headshot_studio.ui import app

    monkeypatch.setattr(app, "window_is_in_front", lambda w: False)  # the person went to another window
    start_session(window, qtbot)
    add_good_photos(window, qtbot, photos_dir)
    photos_page = window.pages["photos"]
    assert "ready" in photos_page.findChild(QWidget, "setReadyLabel").text().lower()

    choose_styles(window, qtbot, "corporate-executive", "tech-casual")
    window.go_next()
    create = window.pages["create"]
    assert window.page_key() == "create" and create.start_button.isEnabled(), create.reason_label.text()
    qtbot.mouseClick(create.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.controller.run_worker.state == JobState.FINISHED, timeout=RUN_TIMEOUT_MS)
    assert create.gallery_button.isVisible() and "Done: 2 headshots" in create.result_label.text()
    assert create.overall_bar.value() == create.overall_bar.maximum()
    assert "Finished." in create.log.toPlainText()
    # the computer was kept awake for the run only, and the end was announced
    qtbot.waitUntil(lambda: any(call[0] == "notify" for call in desktop.calls), timeout=10_000)
    kinds = [call[0] for call in desktop.calls]
    assert kinds[0] == "inhibit" and kinds.count("inhibit") == 1 and "release" in kinds
    assert kinds.index("release") < kinds.index("notify")
    assert desktop.calls[-1] == ("notify", "Headshot Studio", "Your headshots are ready: 2 in the gallery.")

    qtbot.mouseClick(create.gallery_button, Qt.MouseButton.LeftButton)
    assert window.page_key() == "gallery"
    gallery = window.pages["gallery"]
    qtbot.waitUntil(lambda: gallery.grid.count() == 2, timeout=10_000)
    gallery.grid.setCurrentRow(0)
    gallery.toggle_favourite()
    favourite = window.controller.gallery()[0].file
    assert open_session(window.controller.session.id).manifest["favourites"] == [favourite]

    gallery.open_export()
    dialog = gallery.export_dialog
    dialog.favourites_choice.setChecked(True)
    dialog.zip_choice.setChecked(True)
    zip_path = tmp_path / "client.zip"
    dialog._ask_zip_path = lambda: zip_path
    with qtbot.waitSignal(gallery.export_finished, timeout=60_000):
        dialog.accept()
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        assert len(names) == 1 and names[0].startswith("01-") and favourite.rsplit(".", 1)[0] in names[0]
        with archive.open(names[0]) as member:
            Image.open(member).verify()


def test_cancel_mid_run_returns_to_a_usable_state(window, qtbot, photos_dir, desktop):
    start_session(window, qtbot)
    add_good_photos(window, qtbot, photos_dir)
    window.controller.set_style_count("legal", 1)
    window.show_page("create")
    create = window.pages["create"]

    def cancel_when_training(event):
        if event.stage == Stage.TRAIN:
            window.controller.cancel_run()

    window.controller.run_event.connect(cancel_when_training)
    qtbot.mouseClick(create.start_button, Qt.MouseButton.LeftButton)
    assert not create.start_button.isEnabled()
    qtbot.waitUntil(lambda: window.controller.run_worker.state == JobState.CANCELLED, timeout=RUN_TIMEOUT_MS)
    window.controller.run_event.disconnect(cancel_when_training)
    assert "Everything finished so far is kept" in create.result_label.text()
    assert create.start_button.isEnabled() and not create.cancel_button.isEnabled()
    assert open_session(window.controller.session.id).state == "cancelled"
    qtbot.waitUntil(lambda: len(desktop.calls) == 2, timeout=10_000)
    assert [call[0] for call in desktop.calls] == ["inhibit", "release"]  # awake for the run; no notice for a cancel

    qtbot.mouseClick(create.start_button, Qt.MouseButton.LeftButton)  # continue where it stopped
    qtbot.waitUntil(lambda: window.controller.run_worker.state == JobState.FINISHED, timeout=RUN_TIMEOUT_MS)
    assert len(window.controller.gallery()) == 1


def test_closing_during_a_run_asks_then_cancels_cleanly(window, qtbot, photos_dir, monkeypatch):
    start_session(window, qtbot)
    add_good_photos(window, qtbot, photos_dir)
    window.controller.set_style_count("academic", 1)
    window.show_page("create")
    window.controller.start_run()
    qtbot.waitUntil(lambda: window.controller.run_worker.state == JobState.RUNNING, timeout=10_000)
    monkeypatch.setattr(window, "_confirm_close_during_run", lambda: False)
    window.close()
    assert window.isVisible() and window.controller.run_worker.state.busy  # "no" keeps it running
    monkeypatch.setattr(window, "_confirm_close_during_run", lambda: True)
    window.close()
    assert not window.isVisible() and not window.controller.run_worker.state.busy
    assert open_session(window.controller.session.id).state in ("cancelled", "finished")


def test_a_bad_photo_shows_its_message(window, qtbot, photos_dir, tmp_path):
    start_session(window, qtbot)
    bad = tmp_path / "bad.jpg"
    bad.write_text("not a photo")
    window.controller.add_photos([bad])
    qtbot.waitUntil(lambda: not window.controller.analysing, timeout=30_000)
    report = window.controller.report_for(window.controller.photo_paths()[0])
    assert report.verdict.value == "reject" and "not a photo" in report.message
    page_text = " ".join(label.text() for label in window.pages["photos"].findChildren(QLabel))
    grid = window.pages["photos"].findChild(QWidget, "photoGrid")
    shown = page_text + " ".join(grid.item(i).toolTip() + grid.item(i).text() for i in range(grid.count()))
    assert "not a photo" in shown
