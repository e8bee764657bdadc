"""Export: which headshots, what size and format, metadata kept or stripped, folder or ZIP."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from headshot_studio.core.export import SIZES
from headshot_studio.core.limits import EXPORT_LONG_SIDE_PX, EXPORT_SQUARE_PX
from headshot_studio.ui.core_text import core_text
from headshot_studio.ui.widgets import pictures_folder

# (label, format); the labels are translated where shown (context "ExportDialog").
FORMAT_CHOICES = [(QT_TRANSLATE_NOOP("ExportDialog", "JPEG: smaller files, for most uses"), "jpeg"),
                  (QT_TRANSLATE_NOOP("ExportDialog", "PNG: lossless, larger files"), "png")]


class ExportDialog(QDialog):
    """On Export it asks where (``_ask_folder`` / ``_ask_zip_path``; tests replace them);
    the page then reads :meth:`options`."""

    def __init__(self, parent: QWidget, *, selected: int, favourites: int, default_name: str) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(self.tr("Export headshots"))
        self.default_name = default_name
        self.destination: Path | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow(self.tr("Export:"), self._build_which(selected, favourites))
        self._build_size_and_format(form)
        form.addRow(self.tr("Save as:"), self._build_target())
        self.keep_metadata = QCheckBox(self.tr("Keep the generation settings in the files (prompt, seed, model)"))
        self.keep_metadata.setObjectName("keepMetadata")
        self.keep_metadata.setChecked(False)  # privacy first: nothing but pixels
        self.keep_metadata.setToolTip(self.tr("Off: the files hold nothing but the picture, no hidden text. "
                                              "On: you can recreate an image later from its settings."))
        form.addRow("", self.keep_metadata)
        layout.addLayout(form)

        self.note = QLabel(self.tr("Select headshots in the gallery or mark favourites (F) first."))
        self.note.setWordWrap(True)
        self.note.setVisible(selected == 0 and favourites == 0)
        layout.addWidget(self.note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton(self.tr("Export…"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("startExportButton")
        self.export_button.setDefault(True)
        self.export_button.setEnabled(selected > 0 or favourites > 0)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _build_which(self, selected: int, favourites: int) -> QVBoxLayout:
        which = QVBoxLayout()
        self.selected_choice = QRadioButton(self.tr("The selected headshots ({count})").format(count=selected))
        self.selected_choice.setObjectName("exportSelected")
        self.selected_choice.setEnabled(selected > 0)
        self.favourites_choice = QRadioButton(self.tr("Your favourites ({count})").format(count=favourites))
        self.favourites_choice.setObjectName("exportFavourites")
        self.favourites_choice.setEnabled(favourites > 0)
        (self.selected_choice if selected > 0 or favourites == 0 else self.favourites_choice).setChecked(True)
        which.addWidget(self.selected_choice)
        which.addWidget(self.favourites_choice)
        # radio buttons of one parent exclude each other unless grouped: one group per question
        self.which_group = QButtonGroup(self)
        self.which_group.addButton(self.selected_choice)
        self.which_group.addButton(self.favourites_choice)
        return which

    def _build_size_and_format(self, form: QFormLayout) -> None:
        self.size_choice = QComboBox()
        self.size_choice.setObjectName("exportSize")
        for value, label in SIZES.items():
            self.size_choice.addItem(core_text(label), value)
        self.size_choice.setToolTip(self.tr("Full size for print; {long_side} px for email and web; "
                                            "square {square}×{square} for profile pictures").format(
            long_side=EXPORT_LONG_SIDE_PX, square=EXPORT_SQUARE_PX))
        form.addRow(self.tr("Size:"), self.size_choice)
        self.format_choice = QComboBox()
        self.format_choice.setObjectName("exportFormat")
        for label, value in FORMAT_CHOICES:
            self.format_choice.addItem(QCoreApplication.translate("ExportDialog", label), value)
        form.addRow(self.tr("Format:"), self.format_choice)

    def _build_target(self) -> QVBoxLayout:
        target = QVBoxLayout()
        self.folder_choice = QRadioButton(self.tr("Files in a folder"))
        self.folder_choice.setObjectName("exportToFolder")
        self.zip_choice = QRadioButton(self.tr("One ZIP file (to send to a client)"))
        self.zip_choice.setObjectName("exportToZip")
        self.folder_choice.setChecked(True)
        target.addWidget(self.folder_choice)
        target.addWidget(self.zip_choice)
        self.target_group = QButtonGroup(self)
        self.target_group.addButton(self.folder_choice)
        self.target_group.addButton(self.zip_choice)
        return target

    def options(self) -> dict:
        return {
            "which": "favourites" if self.favourites_choice.isChecked() else "selected",
            "size": self.size_choice.currentData(),
            "fmt": self.format_choice.currentData(),
            "keep_metadata": self.keep_metadata.isChecked(),
            "as_zip": self.zip_choice.isChecked(),
            "destination": self.destination,
        }

    def accept(self) -> None:
        destination = self._ask_zip_path() if self.zip_choice.isChecked() else self._ask_folder()
        if not destination:
            return  # the user closed the file dialog: stay here
        self.destination = Path(destination)
        super().accept()

    @staticmethod
    def _start_folder() -> str:
        return pictures_folder()

    def _ask_folder(self) -> Path | None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Export to which folder?"), self._start_folder())
        return Path(folder) if folder else None

    def _ask_zip_path(self) -> Path | None:
        suggested = str(Path(self._start_folder()) / f"{self.default_name}.zip")
        file, _ = QFileDialog.getSaveFileName(self, self.tr("Save the ZIP file as"), suggested,
                                              self.tr("ZIP files (*.zip)"))
        if not file:
            return None
        return Path(file) if file.lower().endswith(".zip") else Path(file + ".zip")
