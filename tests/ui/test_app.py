"""The main window appears at once and fills in the setup found by its worker thread."""

from __future__ import annotations

from headshot_studio.core import models
from headshot_studio.ui.app import MainWindow


def test_window_reports_no_model_and_the_device(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert "Checking this computer" in window.status_label.text()  # shown before the slow part
    qtbot.waitUntil(lambda: "Graphics:" in window.status_label.text(), timeout=30_000)
    assert "No base model is installed yet" in window.status_label.text()
    window.close()
    assert window.setup_thread.isFinished()


def test_window_lists_installed_models(qtbot, tiny_sd15):
    models.import_model(tiny_sd15, name="Shown Model")
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "Models: Shown Model" in window.status_label.text(), timeout=30_000)
    window.close()
