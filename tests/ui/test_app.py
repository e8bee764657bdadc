"""The main window: first run, model import, navigation, settings, closing."""

from __future__ import annotations

import threading

import pytest

from headshot_studio.core import hardware, models
from headshot_studio.settings import Settings, load_settings
from headshot_studio.ui.app import MainWindow
from headshot_studio.ui.workers import JobState


@pytest.fixture
def window(qtbot):
    w = MainWindow(Settings())
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


@pytest.fixture
def on_window_thread(monkeypatch) -> dict:
    """For the slow start-up steps (finding the device, scanning the models folder,
    loading the face analyser): whether each call ran on the window's thread."""
    from headshot_studio.core import faces

    calls: dict[str, list[bool]] = {"detect_device": [], "scan_models": [], "load_face_analyzer": []}
    for module, name in ((hardware, "detect_device"), (models, "scan_models"), (faces, "load_face_analyzer")):
        real = getattr(module, name)

        def recorded(*args, _real=real, _name=name, **kwargs):
            calls[_name].append(threading.current_thread() is threading.main_thread())
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, recorded)
    return calls


def first_window(qtbot) -> MainWindow:
    window = MainWindow(Settings())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.controller.device is not None, timeout=30_000)
    return window


def test_first_run_says_no_model_and_shows_the_device(qtbot, on_window_thread):
    # The device is this test's (conftest's cpu_device): a computer without an NVIDIA GPU.
    window = first_window(qtbot)
    welcome = window.pages["welcome"]
    assert "No NVIDIA graphics card was found" in welcome.gpu_label.text()
    assert "No base model is installed yet" in welcome.model_label.text()
    assert welcome.import_button.isEnabled()
    # torch and the models load in the background: nothing slow ran on the window's thread
    assert on_window_thread["detect_device"] == [False] and on_window_thread["scan_models"] == [False]
    assert True not in on_window_thread["load_face_analyzer"]
    window.close()


def test_first_run_on_a_computer_with_an_nvidia_card_names_it(qtbot, monkeypatch):
    card = hardware.DeviceInfo(kind="cuda", name="NVIDIA GeForce RTX 3060", total_vram_gb=12.0, free_vram_gb=11.3,
                               compute_capability=(8, 6))
    monkeypatch.setattr(hardware, "detect_device", lambda: card)
    window = first_window(qtbot)
    text = window.pages["welcome"].gpu_label.text()
    assert "NVIDIA GeForce RTX 3060" in text and "11.3 GB of 12.0 GB free" in text
    assert "No NVIDIA graphics card" not in text
    window.close()


def test_import_model_from_a_folder_with_progress(window, qtbot, tiny_sd15, monkeypatch):
    welcome = window.pages["welcome"]
    qtbot.waitUntil(lambda: window.controller.device is not None, timeout=30_000)
    monkeypatch.setattr(welcome, "_ask_model_folder", lambda: str(tiny_sd15))
    events = []
    window.controller.import_event.connect(events.append)
    welcome._import_folder()
    qtbot.waitUntil(lambda: window.controller.import_worker.state == JobState.FINISHED, timeout=60_000)
    qtbot.waitUntil(lambda: welcome.model_list.count() == 1, timeout=30_000)
    assert "tiny-sd15" in welcome.model_list.item(0).text()
    assert models.find_models()[0].has_checksums
    # the progress: copying, then recording checksums, each counting up to its end
    from headshot_studio.core.events import Stage

    stages = [e.stage for e in events]
    assert stages and stages == sorted(stages, key=[Stage.IMPORT, Stage.VERIFY].index) and set(stages) == {
        Stage.IMPORT, Stage.VERIFY}
    for stage in (Stage.IMPORT, Stage.VERIFY):
        steps = [(e.step, e.total) for e in events if e.stage == stage]
        assert [step for step, _ in steps] == sorted(step for step, _ in steps), stage
        assert steps[-1][0] == steps[-1][1] > 0, stage
    copied = {e.message.removeprefix("Copying ") for e in events if e.stage == Stage.IMPORT}
    assert copied == {p.relative_to(tiny_sd15).as_posix() for p in tiny_sd15.rglob("*") if p.is_file()}
    bar = welcome.import_progress
    assert bar.value() == bar.maximum() == events[-1].total  # the bar followed it to the end


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


def test_the_step_header_shows_done_now_and_next(window, qtbot, photos_dir):
    steps = window.steps
    assert set(steps.states.values()) == {"next"} and steps.states.get("session") == "next"  # on Welcome
    window.show_page("session")
    assert steps.states["session"] == "now"
    window.controller.new_session("Alex")
    window.show_page("photos")
    assert steps.states == {"session": "done", "photos": "now", "styles": "next", "create": "next", "gallery": "next"}
    window.controller.add_photos([photos_dir])
    qtbot.waitUntil(lambda: window.controller.set_report is not None and window.controller.set_report.ready,
                    timeout=60_000)
    window.controller.set_style_count("legal", 2)
    window.show_page("create")
    assert steps.states == {"session": "done", "photos": "done", "styles": "done", "create": "now", "gallery": "next"}
    assert steps.buttons["photos"].accessibleName() == "Step 2 of 5: Photos, done"
    assert steps.buttons["create"].accessibleName() == "Step 4 of 5: Create, current step"
    steps.buttons["gallery"].click()  # every step is a button
    assert window.page_key() == "gallery"
    steps.home.click()
    assert window.page_key() == "welcome"


def test_the_appearance_setting_switches_the_palette_at_once(window, qtbot, monkeypatch):
    from PySide6.QtWidgets import QApplication

    from headshot_studio.ui import theme
    from headshot_studio.ui.dialogs import settings as settings_dialog

    class Chooses:
        def __init__(self, settings, parent):
            from dataclasses import replace

            self.settings = replace(settings, appearance="dark")

        def exec(self):
            return True

    monkeypatch.setattr(settings_dialog, "SettingsDialog", Chooses)
    window.open_settings()
    assert theme.palette() is theme.DARK and window.settings.appearance == "dark"
    assert QApplication.instance().palette().color(QApplication.instance().palette().ColorRole.Window).name() == theme.DARK.window
    theme.apply(QApplication.instance(), "light")
