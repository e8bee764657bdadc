"""The About box: opened from the footer, lists models and software with licences, copies details."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QPushButton, QTableWidget

from headshot_studio import __version__
from headshot_studio.ui.dialogs.about import AboutDialog
from headshot_studio.ui.app import MainWindow


def _column(table: QTableWidget, column: int) -> list[str]:
    return [table.item(row, column).text() for row in range(table.rowCount())]


def test_about_box_lists_models_software_and_copies_details(qtbot):
    import sys

    from headshot_studio import paths

    torch_loaded = "torch" in sys.modules  # the box never imports it (seconds on the window's thread)
    dialog = AboutDialog([])
    qtbot.addWidget(dialog)
    assert __version__ in dialog.findChild(QLabel, "aboutTitle").text()
    model_table = dialog.findChild(QTableWidget, "modelLicences")
    names = _column(model_table, 0)
    assert "dlib face models" in names and "Real-ESRGAN x4plus" in names
    assert "No base model yet" in names
    licences = dict(zip(names, _column(model_table, 2)))
    assert licences["Real-ESRGAN x4plus"] == "BSD-3-Clause"
    software = _column(dialog.findChild(QTableWidget, "softwareLicences"), 0)
    assert "torch" in software and any(name.startswith("PySide6") for name in software)
    torch_shown = dialog.findChild(QLabel, "aboutPyTorch").text()
    assert torch_shown == (sys.modules["torch"].__version__ if torch_loaded else "still loading…")
    assert dialog.findChild(QLabel, "aboutYourdata").text() == str(paths.data_dir())

    dialog.findChild(QPushButton, "copyDetails").click()
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith(f"Headshot Studio {__version__}")
    assert "Models and their licences:" in copied and "Software and its licences:" in copied


def test_footer_button_opens_the_about_box(qtbot, monkeypatch):
    opened = []
    monkeypatch.setattr(AboutDialog, "exec", lambda self: opened.append(self) or 0)
    window = MainWindow()
    qtbot.addWidget(window)
    window.findChild(QPushButton, "aboutButton").click()
    assert len(opened) == 1 and opened[0].windowTitle() == "About Headshot Studio"
    window.close()
