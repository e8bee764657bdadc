"""First page: is this computer ready? The GPU and its free memory, the installed base
models, and "Import model…" when there is none."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from headshot_studio.core.limits import MIN_VRAM_GB, ideal_photos_text
from headshot_studio.ui.widgets import heading, primary_button, right_aligned
from headshot_studio.ui.workers import JobState


class WelcomePage(QWidget):
    title = "Welcome"
    next_requested = Signal()

    def __init__(self, controller) -> None:
        super().__init__()
        self.controller = controller
        self.setObjectName("welcomePage")
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Welcome to Headshot Studio"))
        intro = QLabel(
            f"Turn {ideal_photos_text()} ordinary selfies into professional headshots, made entirely on this computer. "
            "Nothing is uploaded: your photos never leave this PC."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        layout.addWidget(heading("This computer"))
        self.gpu_label = QLabel("Checking the graphics card…")
        self.gpu_label.setObjectName("gpuLabel")
        self.gpu_label.setWordWrap(True)
        layout.addWidget(self.gpu_label)

        layout.addWidget(heading("Base model"))
        self.model_label = QLabel("Looking for installed models…")
        self.model_label.setObjectName("modelLabel")
        self.model_label.setWordWrap(True)
        layout.addWidget(self.model_label)
        self.model_list = QListWidget()
        self.model_list.setWordWrap(True)
        self.model_list.setObjectName("modelList")
        self.model_list.setMaximumHeight(90)
        layout.addWidget(self.model_list)

        row = QHBoxLayout()
        self.import_button = QPushButton("Import model…")
        self.import_button.setObjectName("importModelButton")
        self.import_button.setToolTip(
            "Choose a Stable Diffusion 1.5 or SDXL model: a .safetensors file, or a folder in diffusers format."
        )
        menu = QMenu(self.import_button)
        menu.addAction("A model file (.safetensors)…", self._import_file)
        menu.addAction("A model folder…", self._import_folder)
        self.import_button.setMenu(menu)
        row.addWidget(self.import_button)
        self.import_progress = QProgressBar()
        self.import_progress.setObjectName("importProgress")
        self.import_progress.setVisible(False)
        row.addWidget(self.import_progress, 1)
        row.addStretch()
        layout.addLayout(row)
        self.import_status = QLabel()
        self.import_status.setWordWrap(True)
        layout.addWidget(self.import_status)
        layout.addStretch()
        self.next_button = primary_button("Next: your session")
        self.next_button.setObjectName("welcomeNext")
        self.next_button.clicked.connect(self.next_requested)
        layout.addLayout(right_aligned(self.next_button))

        controller.setup_changed.connect(self.refresh)
        controller.import_event.connect(self._on_import_event)
        controller.import_state_changed.connect(self._on_import_state)

    # --- choosing what to import (small methods so tests can replace the dialogs) ------------
    def _ask_model_file(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a model file", "", "Model files (*.safetensors)")
        return path

    def _ask_model_folder(self) -> str:
        return QFileDialog.getExistingDirectory(self, "Choose a model folder (with model_index.json)")

    def _import_file(self) -> None:
        path = self._ask_model_file()
        if path:
            self.controller.import_model(Path(path))

    def _import_folder(self) -> None:
        path = self._ask_model_folder()
        if path:
            self.controller.import_model(Path(path))

    def _on_import_event(self, event) -> None:
        self.import_progress.setMaximum(max(1, event.total))
        self.import_progress.setValue(event.step)
        self.import_status.setText(event.message)

    def _on_import_state(self, state: JobState) -> None:
        busy = state.busy
        self.import_progress.setVisible(busy)
        self.import_button.setEnabled(not busy)
        if state == JobState.FINISHED:
            self.import_status.setText("The model was imported and checked.")
        elif state == JobState.CANCELLED:
            self.import_status.setText("The import was stopped; nothing was added.")
        elif state == JobState.FAILED:
            self.import_status.setText("The model could not be imported; nothing was added.")

    def refresh(self) -> None:
        device = self.controller.device
        if device is None:
            self.gpu_label.setText("Checking the graphics card…")
        elif device.kind == "cuda":
            self.gpu_label.setText(
                f"Graphics card: {device.name}, {device.free_vram_gb:.1f} GB of {device.total_vram_gb:.1f} GB free."
            )
        else:
            self.gpu_label.setText(
                "No NVIDIA graphics card was found. Headshot Studio needs one "
                f"({MIN_VRAM_GB['sd15']:.0f} GB or more) to learn a face "
                "and make headshots. If this PC has one, install or update its NVIDIA driver and restart the app."
            )
        self.model_list.clear()
        for model in self.controller.models:
            self.model_list.addItem(f"{model.name} — {model.architecture_name}, licence: {model.licence}")
        for damaged in self.controller.damaged_models:  # listed with the reason, never hidden
            item = QListWidgetItem(f"{damaged.name} — cannot be used: {damaged.message}")
            item.setToolTip(damaged.message)
            self.model_list.addItem(item)
        if self.controller.models:
            self.model_label.setText("Installed base models (the first one is used):")
        elif self.controller.damaged_models:
            self.model_label.setText("The installed model cannot be used (the reason is below). Import a model again, "
                                     "or import another one:")
        else:
            self.model_label.setText(
                "No base model is installed yet. Import a Stable Diffusion 1.5 or SDXL model from a file or "
                "folder you downloaded (nothing is downloaded by the app)."
            )
        self.model_list.setVisible(bool(self.controller.models or self.controller.damaged_models))
