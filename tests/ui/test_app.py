"""The main window: first run, model import, navigation, settings, closing."""

from __future__ import annotations

import time

import pytest

from headshot_studio.core import models
from headshot_studio.settings import Settings, load_settings
from headshot_studio.ui.app import MainWindow
from headshot_studio.ui.workers import JobState


@pytest.fixture
def window(qtbot):
    started = time.perf_counter()
    w = MainWindow(Settings())
    qtbot.addWidget(w)
    w.show()
    w.shown_after = time.perf_counter() - started
    yield w
    w.close()


def test_first_run_says_no_model_and_shows_the_device(window, qtbot):
    assert window.shown_after < 5.0  # torch and the models load in the background
    welcome = window.pages["welcome"]
    qtbot.waitUntil(lambda: window.controller.device is not None, timeout=30_000)
    assert "No NVIDIA graphics card was found" in welcome.gpu_label.text()
    assert "No base model is installed yet" in welcome.model_label.text()
    assert welcome.import_button.isEnabled()


def test_import_model_from_a_folder_with_progress(window, qtbot, tiny_sd15, monkeypatch):
    welcome = window.pages["welcome"]
    qtbot.waitUntil(lambda: window.controller.device is not None, timeout=30_000)
    monkeypatch.setattr(welcome, "_ask_model_folder", lambda: str(tiny_sd15))
    events = []
    window.controller.import_event.connect(events.append)
    welcome._import_folder()
    qtbot.waitUntil(lambda: window.controller.import_worker.state == JobState.FINISHED, timeout=60_000)
    qtbot.waitUntil(lambda: welcome.model_list.count() == 1, timeout=30_000)
    assert "tiny-sd15" in welcome.model_list.item(0).text() and events
    assert models.find_models()[0].has_checksums


def test_a_bad_model_file_is_explained_and_nothing_is_added(window, qtbot, tmp_path, monkeypatch):
    welcome = window.pages["welcome"]
    bad = tmp_path / "model.ckpt"
    bad.write_bytes(b"pickle")
    monkeypatch.setattr(welcome, "_ask_model_file", lambda: str(bad))
    errors = []
    window.controller.error.connect(lambda kind, message, details: errors.append(message))
    welcome._import_file()
    qtbot.waitUntil(lambda: window.controller.import_worker.state == JobState.FAILED, timeout=30_000)
    assert "will not load it" in errors[0] and "not be imported" in welcome.import_status.text()
    assert models.find_models() == []


def test_keyboard_navigation_and_remembered_page(window, qtbot):
    assert window.page_key() == "welcome"
    window.go_next()
    assert window.page_key() == "session"
    window.go_back()
    assert window.page_key() == "welcome"
    window.show_page("privacy")
    window.close()
    saved = load_settings()
    assert saved.last_page == "privacy" and saved.window_geometry
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.page_key() == "privacy"
    again.close()
