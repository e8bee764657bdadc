"""Fixtures for the UI tests."""

from __future__ import annotations

import pytest

from headshot_studio.settings import Settings
from headshot_studio.ui.controller import AppController


@pytest.fixture
def controller():
    """The window's view-model on default settings; its threads are stopped afterwards."""
    c = AppController(Settings())
    yield c
    c.shutdown()


class DesktopRecorder:
    """Stands in for the desktop during tests: records what the window asks of it
    (keep the computer awake, show a notification) instead of asking the real one."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def inhibitor(self):
        recorder = self

        class Inhibitor:
            method = "test"

            def inhibit(self, reason: str) -> bool:
                recorder.calls.append(("inhibit", reason))
                return True

            def release(self) -> None:
                recorder.calls.append(("release",))

        return Inhibitor()

    def notify(self, title: str, body: str, window, platform: str | None = None) -> str:
        self.calls.append(("notify", title, body))
        return "test"


@pytest.fixture(autouse=True)
def desktop(monkeypatch):
    """No test keeps the real computer awake or shows a real notification."""
    from headshot_studio.ui import app

    recorder = DesktopRecorder()
    monkeypatch.setattr(app, "SleepInhibitor", recorder.inhibitor)
    monkeypatch.setattr(app, "notify", recorder.notify)
    monkeypatch.setattr(app, "notify_dbus", lambda title, body: False)  # as on a machine without a desktop
    return recorder


@pytest.fixture(autouse=True)
def app_look(qapp):
    """Every UI test sees the window as people do: the app's light look (ui/theme.py),
    put back after a test that switched it."""
    from headshot_studio.ui import theme

    if theme.palette() is not theme.LIGHT or not qapp.styleSheet():
        theme.apply(qapp, "light")
    yield
    if theme.palette() is not theme.LIGHT:
        theme.apply(qapp, "light")


@pytest.fixture
def tiny_window(qtbot, tiny_sd15, monkeypatch):
    """The main window on the tiny model, shown and ready (device and models known); a
    run stopped and the window closed afterwards. The "fast" preset the UI uses learns
    in a few steps."""
    from headshot_studio.core import models, pipeline
    from headshot_studio.ui.app import MainWindow

    models.import_model(tiny_sd15, name="Tiny")
    monkeypatch.setitem(pipeline.PRESETS, "fast", {"max_train_steps": 4, "steps": 2, "upscale": 1})
    w = MainWindow(Settings(preset="fast", images_per_style=1))
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: w.controller.device is not None and bool(w.controller.models), timeout=60_000)
    yield w
    w.controller.cancel_run()
    w.close()
