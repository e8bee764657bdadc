"""Settings: models folder, quality/speed preset, default counts, photo handling.
Edits the typed Settings object and saves it; the look follows the system unless
light or dark is chosen here."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from headshot_studio.core.limits import COLOUR_STRENGTH_PERCENT
from headshot_studio.settings import Settings, save_settings
from headshot_studio.ui.core_text import core_text
from headshot_studio.ui.style_widgets import MAX_COUNT, MIN_COUNT

# Labels translated where shown (QCoreApplication.translate("SettingsDialog", label)).
PRESETS = {"fast": QT_TRANSLATE_NOOP("SettingsDialog", "Fast (quick previews)"),
           "balanced": QT_TRANSLATE_NOOP("SettingsDialog", "Balanced (recommended)"),
           "best": QT_TRANSLATE_NOOP("SettingsDialog", "Best (slower, 4x upscale)")}
RETOUCH = {"off": QT_TRANSLATE_NOOP("SettingsDialog", "Off (no smoothing, the lightest touch)"),
           "natural": QT_TRANSLATE_NOOP("SettingsDialog", "Natural (keeps skin texture, recommended)"),
           "polished": QT_TRANSLATE_NOOP("SettingsDialog", "Polished (smoother skin, crisper detail)")}


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.setObjectName("settingsDialog")
        self.settings = settings
        form = QFormLayout(self)
        self.appearance = QComboBox()
        self.appearance.setObjectName("appearanceCombo")
        appearances = {"system": self.tr("Same as the system"), "light": self.tr("Light"), "dark": self.tr("Dark")}
        for key, label in appearances.items():
            self.appearance.addItem(label, key)
        self.appearance.setCurrentIndex(list(appearances).index(settings.appearance))
        form.addRow(self.tr("Appearance"), self.appearance)
        folder_row = QHBoxLayout()
        self.models_folder = QLineEdit(settings.models_folder)
        self.models_folder.setObjectName("modelsFolder")
        self.models_folder.setAccessibleName(self.tr("Extra models folder"))
        self.models_folder.setPlaceholderText(self.tr("Only the app's own folders"))
        self.models_folder.setToolTip(core_text(Settings.describe()["models_folder"]))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        folder_row.addWidget(self.models_folder, 1)
        folder_row.addWidget(browse)
        form.addRow(self.tr("Extra models folder"), folder_row)
        self.preset = QComboBox()
        self.preset.setObjectName("presetCombo")
        for key, label in PRESETS.items():
            self.preset.addItem(QCoreApplication.translate("SettingsDialog", label), key)
        self.preset.setCurrentIndex(list(PRESETS).index(settings.preset))
        self.preset.setToolTip(core_text(Settings.describe()["preset"]))
        form.addRow(self.tr("Quality / speed"), self.preset)
        self.retouch = QComboBox()
        self.retouch.setObjectName("retouchCombo")
        for key, label in RETOUCH.items():
            self.retouch.addItem(QCoreApplication.translate("SettingsDialog", label), key)
        self.retouch.setCurrentIndex(list(RETOUCH).index(settings.retouch))
        self.retouch.setToolTip(core_text(Settings.describe()["retouch"]))
        form.addRow(self.tr("Retouching"), self.retouch)
        self.colour_strength = QSpinBox()
        self.colour_strength.setObjectName("colourStrength")
        self.colour_strength.setRange(*COLOUR_STRENGTH_PERCENT)
        self.colour_strength.setSuffix(" %")
        self.colour_strength.setValue(settings.colour_strength)
        self.colour_strength.setToolTip(core_text(Settings.describe()["colour_strength"]))
        form.addRow(self.tr("Colour toward the style's light"), self.colour_strength)
        self.count = QSpinBox()
        self.count.setObjectName("defaultCount")
        self.count.setRange(MIN_COUNT, MAX_COUNT)  # what a style card offers
        self.count.setValue(settings.images_per_style)
        self.count.setToolTip(core_text(Settings.describe()["images_per_style"]))
        form.addRow(self.tr("Headshots per style"), self.count)
        self.copy_photos = QCheckBox(self.tr("Copy selfies into the session"))
        self.copy_photos.setChecked(settings.copy_photos)
        self.copy_photos.setToolTip(core_text(Settings.describe()["copy_photos"]))
        form.addRow("", self.copy_photos)
        self.delete_after = QCheckBox(self.tr("Delete the copies once the face is learned"))
        self.delete_after.setChecked(settings.delete_photos_after_training)
        form.addRow("", self.delete_after)
        self.allow_cpu = QCheckBox(self.tr("Experts: run without an NVIDIA GPU (takes hours)"))
        self.allow_cpu.setChecked(settings.allow_cpu)
        form.addRow("", self.allow_cpu)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose a folder with models"))
        if folder:
            self.models_folder.setText(folder)

    def result_settings(self) -> Settings:
        return replace(
            self.settings,
            appearance=self.appearance.currentData(),
            models_folder=self.models_folder.text().strip(),
            preset=self.preset.currentData(),
            retouch=self.retouch.currentData(),
            colour_strength=self.colour_strength.value(),
            images_per_style=self.count.value(),
            copy_photos=self.copy_photos.isChecked(),
            delete_photos_after_training=self.delete_after.isChecked(),
            allow_cpu=self.allow_cpu.isChecked(),
        )

    def accept(self) -> None:
        self.settings = self.result_settings()
        save_settings(self.settings)
        super().accept()
