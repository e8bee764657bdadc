"""First page: is this computer ready? The GPU and its free memory, the installed base
models, and "Import model…" when there is none."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from headshot_studio.core.limits import MIN_VRAM_GB, ideal_photos_text
from headshot_studio.ui.core_text import core_text
from headshot_studio.ui import theme
from headshot_studio.ui.widgets import card, heading, icon_title, label, primary_button, right_aligned
from headshot_studio.ui.workers import JobState


class WelcomePage(QWidget):
    title = "Welcome"
    next_requested = Signal()

    def __init__(self, controller) -> None:
        super().__init__()
        self.controller = controller
        self.setObjectName("welcomePage")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2 * theme.SPACE)
        layout.addWidget(heading(self.tr("Welcome to Headshot Studio"), role="display"))
        intro = label(
            self.tr("Turn {ideal} ordinary selfies into professional headshots, made entirely on this computer. "
                    "Nothing is uploaded: your photos never leave this PC.").format(ideal=ideal_photos_text()),
            role="muted",
        )
        layout.addWidget(intro)

        layout.addLayout(self._build_cards())

        steps, steps_layout = card()
        steps_layout.addWidget(heading(self.tr("How it works"), role="subtitle"))
        for number, (icon_name, text) in enumerate((
            ("photos", self.tr("Add {ideal} selfies. Each is checked at once, with a tip when one should be "
                               "retaken.").format(ideal=ideal_photos_text())),
            ("styles", self.tr("Pick the looks you want: corporate, creative, healthcare and more.")),
            ("create", self.tr("Press Start. Your graphics card learns your face and makes the headshots; "
                               "the computer stays awake until it is done.")),
            ("gallery", self.tr("Review them best first, keep your favourites and export them.")),
        ), start=1):
            steps_layout.addLayout(icon_title(icon_name, f"{number}.  {text}", role=""))
        layout.addWidget(steps)
        layout.addStretch()
        self.next_button = primary_button(self.tr("Next: your session"), icon="next")
        self.next_button.setObjectName("welcomeNext")
        self.next_button.clicked.connect(self.next_requested)
        layout.addLayout(right_aligned(self.next_button))

        controller.setup_changed.connect(self.refresh)
        controller.import_event.connect(self._on_import_event)
        controller.import_state_changed.connect(self._on_import_state)

    def _build_cards(self) -> QHBoxLayout:
        """This computer's graphics card, and the base models with "Import model…"."""
        cards = QHBoxLayout()
        cards.setSpacing(2 * theme.SPACE)
        computer, computer_layout = card()
        computer_layout.addLayout(icon_title("system", self.tr("This computer")))
        self.gpu_label = label(self.tr("Checking the graphics card…"))
        self.gpu_label.setObjectName("gpuLabel")
        computer_layout.addWidget(self.gpu_label)
        computer_layout.addStretch()
        cards.addWidget(computer, 1)

        model, model_layout = card()
        model_layout.addLayout(icon_title("gallery", self.tr("Base model")))
        self.model_label = label(self.tr("Looking for installed models…"))
        self.model_label.setObjectName("modelLabel")
        model_layout.addWidget(self.model_label)
        self.model_list = QListWidget()
        self.model_list.setWordWrap(True)
        self.model_list.setObjectName("modelList")
        self.model_list.setAccessibleName(self.tr("Installed base models"))
        self.model_list.setMaximumHeight(96)
        model_layout.addWidget(self.model_list)

        row = QHBoxLayout()
        self.import_button = QPushButton(theme.icon("import"), self.tr("Import model…"))
        self.import_button.setObjectName("importModelButton")
        self.import_button.setToolTip(
            self.tr("Choose a Stable Diffusion 1.5 or SDXL model: a .safetensors file, or a folder in diffusers format.")
        )
        menu = QMenu(self.import_button)
        menu.addAction(self.tr("A model file (.safetensors)…"), self._import_file)
        menu.addAction(self.tr("A model folder…"), self._import_folder)
        self.import_button.setMenu(menu)
        row.addWidget(self.import_button)
        self.import_progress = QProgressBar()
        self.import_progress.setObjectName("importProgress")
        self.import_progress.setAccessibleName(self.tr("Model import progress"))
        self.import_progress.setVisible(False)
        row.addWidget(self.import_progress, 1)
        row.addStretch()
        model_layout.addLayout(row)
        self.import_status = label()
        model_layout.addWidget(self.import_status)
        model_layout.addStretch()
        cards.addWidget(model, 1)
        return cards

    # --- choosing what to import (small methods so tests can replace the dialogs) ------------
    def _ask_model_file(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a model file"), "",
                                              self.tr("Model files (*.safetensors)"))
        return path

    def _ask_model_folder(self) -> str:
        return QFileDialog.getExistingDirectory(self, self.tr("Choose a model folder (with model_index.json)"))

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
        self.import_status.setText(core_text(event.message))

    def _on_import_state(self, state: JobState) -> None:
        busy = state.busy
        self.import_progress.setVisible(busy)
        self.import_button.setEnabled(not busy)
        if state == JobState.FINISHED:
            self.import_status.setText(self.tr("The model was imported and checked."))
        elif state == JobState.CANCELLED:
            self.import_status.setText(self.tr("The import was stopped; nothing was added."))
        elif state == JobState.FAILED:
            self.import_status.setText(self.tr("The model could not be imported; nothing was added."))

    def refresh(self) -> None:
        device = self.controller.device
        if device is None:
            self.gpu_label.setText(self.tr("Checking the graphics card…"))
        elif device.kind == "cuda":
            self.gpu_label.setText(
                self.tr("Graphics card: {name}, {free} GB of {total} GB free.").format(
                    name=device.name, free=f"{device.free_vram_gb:.1f}", total=f"{device.total_vram_gb:.1f}")
            )
        else:
            self.gpu_label.setText(
                self.tr("No NVIDIA graphics card was found. Headshot Studio needs one ({vram} GB or more) to learn "
                        "a face and make headshots. If this PC has one, install or update its NVIDIA driver and "
                        "restart the app.").format(vram=f"{MIN_VRAM_GB['sd15']:.0f}")
            )
        self.model_list.clear()
        for model in self.controller.models:
            self.model_list.addItem(self.tr("{name} — {architecture}, licence: {licence}").format(
                name=model.name, architecture=model.architecture_name, licence=model.licence))
        for damaged in self.controller.damaged_models:  # listed with the reason, never hidden
            item = QListWidgetItem(self.tr("{name} — cannot be used: {reason}").format(
                name=damaged.name, reason=core_text(damaged.message)))
            item.setToolTip(core_text(damaged.message))
            self.model_list.addItem(item)
        if self.controller.models:
            self.model_label.setText(self.tr("Installed base models (the first one is used):"))
        elif self.controller.damaged_models:
            self.model_label.setText(self.tr("The installed model cannot be used (the reason is below). Import a "
                                             "model again, or import another one:"))
        else:
            self.model_label.setText(self.tr(
                "No base model is installed yet. Import a Stable Diffusion 1.5 or SDXL model from a file or "
                "folder you downloaded (nothing is downloaded by the app)."
            ))
        self.model_list.setVisible(bool(self.controller.models or self.controller.damaged_models))
