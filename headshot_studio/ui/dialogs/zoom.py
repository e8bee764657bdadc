"""One headshot large, next to one of the person's selfies; ←/→ move through the gallery."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QImage, QKeyEvent, QPixmap
from PySide6.QtWidgets import QComboBox, QDialog, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from headshot_studio.core.gallery import GalleryEntry, likeness_stars, style_label
from headshot_studio.ui.gallery_grid import STAR_COLOUR, detail_lines, stars_text
from headshot_studio.ui.workers import ThumbnailLoader

ZOOM_PX = 1024  # longest side loaded for the large view


class _ImagePane(QLabel):
    """Shows one picture as large as the pane allows, keeping its shape."""

    def __init__(self, placeholder: str) -> None:
        super().__init__(placeholder)
        self._pixmap: QPixmap | None = None
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(QSize(320, 320))
        self.setWordWrap(True)

    def set_image(self, pixmap: QPixmap | None, text: str = "") -> None:
        self._pixmap = pixmap
        if pixmap is None:
            self.clear()
            self.setText(text)
        else:
            self._rescale()

    def _rescale(self) -> None:
        if self._pixmap is not None:
            self.setPixmap(self._pixmap.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                               Qt.TransformationMode.SmoothTransformation))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._rescale()


class ZoomDialog(QDialog):
    """``entries`` (GalleryEntry, as the grid shows them) from ``index``; ``style_names``
    maps style ids to names. The favourite button asks the page (``favourite_requested``)
    and shows what the controller then holds."""

    favourite_requested = Signal(str, bool)  # file, make it a favourite

    def __init__(self, parent: QWidget, controller, entries: list[GalleryEntry], index: int,
                 style_names: dict[str, str]) -> None:
        super().__init__(parent)
        self.controller = controller
        self.entries = entries
        self.index = index
        self.style_names = style_names
        self.setObjectName("zoomDialog")
        self.setWindowTitle("Headshot")
        self.loader = ThumbnailLoader(self)
        self.loader.loaded.connect(self._on_loaded)
        self._wanted: dict[str, str] = {}  # path -> "headshot" | "selfie"

        layout = QVBoxLayout(self)
        layout.addLayout(self._build_panes(), 1)
        layout.addLayout(self._build_buttons())
        self._fill_selfies()
        screen = parent.screen().availableGeometry() if parent.screen() else QRect(0, 0, 1280, 800)
        self.resize(min(1100, int(screen.width() * 0.9)), min(720, int(screen.height() * 0.9)))
        self.show_entry(index)

    def _build_panes(self) -> QGridLayout:
        """Side by side, in a grid so both pictures line up: titles, pictures, captions."""
        panes = QGridLayout()
        panes.addWidget(QLabel("<b>Headshot</b>"), 0, 0)
        selfie_row = QHBoxLayout()
        selfie_row.addWidget(QLabel("<b>Your selfie</b>"))
        selfie_row.addStretch()
        self.selfie_choice = QComboBox()
        self.selfie_choice.setObjectName("selfieChoice")
        self.selfie_choice.setToolTip("Compare with another of your selfies")
        selfie_row.addWidget(self.selfie_choice)
        panes.addLayout(selfie_row, 0, 1)
        self.headshot = _ImagePane("Loading…")
        self.headshot.setObjectName("zoomHeadshot")
        panes.addWidget(self.headshot, 1, 0)
        self.selfie = _ImagePane("")
        self.selfie.setObjectName("zoomSelfie")
        panes.addWidget(self.selfie, 1, 1)
        self.info = QLabel()
        self.info.setObjectName("zoomInfo")
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.RichText)
        self.info.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        panes.addWidget(self.info, 2, 0)
        self.selfie_info = QLabel()
        self.selfie_info.setObjectName("zoomSelfieInfo")
        self.selfie_info.setWordWrap(True)
        self.selfie_info.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        panes.addWidget(self.selfie_info, 2, 1)
        panes.setHorizontalSpacing(16)
        panes.setRowStretch(1, 1)
        panes.setColumnStretch(0, 1)
        panes.setColumnStretch(1, 1)
        return panes

    def _build_buttons(self) -> QHBoxLayout:
        buttons = QHBoxLayout()
        self.previous_button = QPushButton("◀ Better")
        self.previous_button.setToolTip("The next better-ranked headshot (Left arrow)")
        self.previous_button.clicked.connect(lambda: self.show_entry(self.index - 1))
        self.next_button = QPushButton("Next ▶")
        self.next_button.setToolTip("The next headshot in the ranking (Right arrow)")
        self.next_button.clicked.connect(lambda: self.show_entry(self.index + 1))
        self.favourite_button = QPushButton()
        self.favourite_button.setObjectName("zoomFavouriteButton")
        self.favourite_button.setToolTip("Mark or unmark this headshot as a favourite (F)")
        self.favourite_button.clicked.connect(self._toggle_favourite)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        for widget in (self.previous_button, self.next_button, self.favourite_button):
            buttons.addWidget(widget)
        buttons.addStretch()
        buttons.addWidget(close)
        return buttons

    def _fill_selfies(self) -> None:
        self.selfies = self.controller.selfies_to_compare()
        for path in self.selfies:
            self.selfie_choice.addItem(path.name, str(path))
        self.selfie_choice.setVisible(len(self.selfies) > 1)
        self.selfie_choice.currentIndexChanged.connect(lambda _: self._load_selfie())
        if self.selfies:
            self._load_selfie()
        else:
            self.selfie.set_image(None, self.controller.no_selfie_reason())

    def show_entry(self, index: int) -> None:
        if not 0 <= index < len(self.entries):
            return
        self.index = index
        entry = self.entries[index]
        style = style_label(entry.style, self.style_names)
        title = (f"<span style='color:{STAR_COLOUR}; font-size:large'>{stars_text(likeness_stars(entry))}</span> "
                 f"<b>{html.escape(style)}</b>")
        lines = [title, *detail_lines(entry)]
        if entry.seed is not None:
            lines.append(f"<span style='color:gray'>Seed {entry.seed}</span>")
        self.info.setText("<br>".join(lines))
        self.headshot.set_image(None, "Loading…")
        path = self.controller.headshot_path(entry)
        self._wanted[str(path)] = "headshot"
        self.loader.request(path, ZOOM_PX)
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < len(self.entries) - 1)
        self._update_favourite()

    def current_entry(self) -> GalleryEntry:
        return self.entries[self.index]

    def _load_selfie(self) -> None:
        path = self.selfie_choice.currentData()
        if path:
            report = self.controller.report_for(Path(path))
            caption = Path(path).name
            if report is not None:
                caption += f" · {report.message}"
            self.selfie_info.setText(caption)
            self.selfie.set_image(None, "Loading…")
            self._wanted[path] = "selfie"
            self.loader.request(Path(path), ZOOM_PX)

    def _on_loaded(self, path: str, image: QImage) -> None:
        role = self._wanted.pop(path, None)
        if role == "headshot" and path == str(self.controller.headshot_path(self.current_entry())):
            self.headshot.set_image(None if image.isNull() else QPixmap.fromImage(image),
                                    "This headshot cannot be shown: its file is missing or damaged.")
        elif role == "selfie" and path == self.selfie_choice.currentData():
            self.selfie.set_image(None if image.isNull() else QPixmap.fromImage(image),
                                  "This selfie cannot be shown: its file is missing or damaged.")

    def _update_favourite(self) -> None:
        favourite = self.current_entry().file in self.controller.favourites()
        self.favourite_button.setText("♡ Unfavourite" if favourite else "♥ Favourite")

    def _toggle_favourite(self) -> None:
        file = self.current_entry().file
        self.favourite_requested.emit(file, file not in self.controller.favourites())
        self._update_favourite()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Left:
            self.show_entry(self.index - 1)
        elif key == Qt.Key.Key_Right:
            self.show_entry(self.index + 1)
        elif key == Qt.Key.Key_F:
            self._toggle_favourite()
        else:
            super().keyPressEvent(event)
