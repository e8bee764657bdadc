"""Add a client to the studio queue: a name, their photos (a folder — a camera's card
reader is one — chosen photos, or a drop) and the styles with how many of each. The
Studio page then copies and checks the photos and shows the verdicts at once.

Also "Try again" for a failed client: the same dialog with the name fixed, for more photos."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from headshot_studio.core.limits import MAX_PER_STYLE
from headshot_studio.ui.widgets import label, pictures_folder, quiet_button



class AddClientDialog(QDialog):
    """``styles``: {id: name}; ``chosen``: {id: count} ticked at first (the last client's
    choice). With ``retry_name`` the dialog asks only for more photos."""

    def __init__(self, parent: QWidget, styles: dict[str, str], chosen: dict[str, int], default_count: int, *,
                 photos: list[Path] | None = None, retry_name: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("addClientDialog")
        self.retry = bool(retry_name)
        self.setWindowTitle(self.tr("More photos for {name}").format(name=retry_name) if self.retry
                            else self.tr("Add a client"))
        self.setAcceptDrops(True)
        self.photos: list[Path] = list(photos or [])
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit(retry_name)
        self.name.setObjectName("clientName")
        self.name.setPlaceholderText(self.tr("The client's name, as their files will be named"))
        self.name.setAccessibleName(self.tr("Client name"))
        self.name.setReadOnly(self.retry)
        self.name.setMaxLength(80)
        self.name.textChanged.connect(self._update)
        form.addRow(self.tr("Name:"), self.name)
        form.addRow(self.tr("Photos:"), self._build_photos())
        self.counts: dict[str, tuple[QCheckBox, QSpinBox]] = {}
        if not self.retry:
            form.addRow(self.tr("Styles:"), self._build_styles(styles, chosen, default_count))
        layout.addLayout(form)
        self.for_all = QCheckBox(self.tr("Use these styles for every waiting client too"))
        self.for_all.setObjectName("stylesForAll")
        self.for_all.setVisible(not self.retry)
        layout.addWidget(self.for_all)
        layout.addWidget(label(self.tr("The photos are copied into the studio and checked at once: the client sees "
                                       "the verdicts before they leave."), role="muted"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.addButton(self.tr("Check photos and add") if not self.retry
                                           else self.tr("Check photos again"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("addClientOk")
        self.ok_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._update()

    def _build_photos(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.photos_label = label(role="muted")
        self.photos_label.setObjectName("clientPhotos")
        column.addWidget(self.photos_label)
        row = QHBoxLayout()
        folder = quiet_button(self.tr("Choose a folder or card…"), "add-folder")
        folder.setObjectName("chooseClientFolder")
        folder.clicked.connect(self._choose_folder)
        files = quiet_button(self.tr("Choose photos…"), "add-photo")
        files.setObjectName("chooseClientPhotos")
        files.clicked.connect(self._choose_files)
        row.addWidget(folder)
        row.addWidget(files)
        row.addStretch()
        column.addLayout(row)
        return box

    def _build_styles(self, styles: dict[str, str], chosen: dict[str, int], default_count: int) -> QWidget:
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        for index, (style_id, name) in enumerate(styles.items()):
            tick = QCheckBox(name)
            tick.setObjectName(f"style-{style_id}")
            tick.setChecked(style_id in chosen)
            count = QSpinBox()
            count.setRange(1, MAX_PER_STYLE)
            count.setValue(chosen.get(style_id, default_count))
            count.setSuffix(self.tr(" images"))
            count.setAccessibleName(self.tr("Images of {style}").format(style=name))
            count.setEnabled(tick.isChecked())
            tick.toggled.connect(count.setEnabled)
            tick.toggled.connect(self._update)
            row, col = divmod(index, 2)
            grid.addWidget(tick, row, 2 * col)
            grid.addWidget(count, row, 2 * col + 1)
            self.counts[style_id] = (tick, count)
        return box

    # --- photos -------------------------------------------------------------------------------
    def _ask_folder(self) -> str:  # tests replace the two _ask_* methods
        return QFileDialog.getExistingDirectory(self, self.tr("The client's photos: a folder or a camera card"),
                                                pictures_folder())

    def _ask_files(self) -> list[str]:
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("The client's photos"), pictures_folder(),
                                                self.tr("Photos (*.jpg *.jpeg *.png *.heic *.heif *.webp *.tif *.tiff)"))
        return files

    def _choose_folder(self) -> None:
        folder = self._ask_folder()
        if folder:
            self.set_photos([Path(folder)])

    def _choose_files(self) -> None:
        files = self._ask_files()
        if files:
            self.set_photos([Path(f) for f in files])

    def set_photos(self, photos: list[Path]) -> None:
        self.photos = list(photos)
        self._update()

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        dropped = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if dropped:
            self.set_photos(dropped)
            event.acceptProposedAction()

    # --- the answer ------------------------------------------------------------------------------
    def chosen_styles(self) -> dict[str, int]:
        return {style_id: count.value() for style_id, (tick, count) in self.counts.items() if tick.isChecked()}

    def _update(self) -> None:
        if not self.photos:
            self.photos_label.setText(self.tr("None added: the client's photos are checked again as they are.")
                                      if self.retry else
                                      self.tr("None yet: choose a folder, a camera card or photos, or drop them here."))
        elif len(self.photos) == 1:
            self.photos_label.setText(str(self.photos[0]))
        else:
            self.photos_label.setText(self.tr("{count} photos, from {folder}").format(
                count=len(self.photos), folder=self.photos[0].parent))
        # trying again may add nothing: the same photos are checked again (after out of memory, say)
        ready = self.retry or (bool(self.name.text().strip()) and bool(self.photos) and bool(self.chosen_styles()))
        self.ok_button.setEnabled(ready)
