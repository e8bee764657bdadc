"""App bootstrap and the main window.

The window appears at once; the slow parts (importing torch to find the GPU, looking
for models) run in a worker thread and fill the window in when they finish.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QVBoxLayout, QWidget

from headshot_studio import __version__
from headshot_studio.ui.workers import CallWorker, start_in_thread


def inspect_setup() -> dict:
    """Runs in a worker: the GPU and the installed models."""
    from headshot_studio.core.hardware import detect_device
    from headshot_studio.core.models import find_models

    return {"device": detect_device().describe(), "models": [m.name for m in find_models()]}


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Headshot Studio")
        self.resize(720, 480)
        title = QLabel("<h1>Headshot Studio</h1><p>Professional headshots from your selfies, made on this PC.</p>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status_label = QLabel("Checking this computer…")
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout()
        layout.addStretch()
        layout.addWidget(title)
        layout.addWidget(self.status_label)
        layout.addStretch()
        version = QLabel(f"Version {__version__}")
        version.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout.addWidget(version)
        central = QWidget()
        central.setLayout(layout)
        self.setCentralWidget(central)

        self._worker = CallWorker(inspect_setup)
        self._worker.succeeded.connect(self.show_setup)
        self._worker.failed.connect(lambda kind, message, details: self.status_label.setText(message))
        self.setup_thread = start_in_thread(self._worker, self)

    def show_setup(self, setup: dict) -> None:
        models = setup["models"]
        model_text = (
            "Models: " + ", ".join(models)
            if models
            else "No base model is installed yet. Import one with "
            "<code>headshot-studio models import PATH</code>."
        )
        self.status_label.setText(f"<p>Graphics: {setup['device']}</p><p>{model_text}</p>")

    def closeEvent(self, event) -> None:
        self.setup_thread.quit()
        self.setup_thread.wait()
        super().closeEvent(event)


def run_app() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Headshot Studio")
    window = MainWindow()
    window.show()
    return app.exec()
