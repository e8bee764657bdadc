"""One headshot large, next to one of the person's selfies; ←/→ move through the gallery,
F marks a favourite, Delete deletes (the page asks first)."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QImage, QKeyEvent, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import QComboBox, QDialog, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from headshot_studio.core.gallery import GalleryEntry, likeness_stars, style_label
from headshot_studio.ui.core_text import core_text
from headshot_studio.ui import theme
from headshot_studio.ui.gallery_grid import detail_lines, likeness_words, stars_text
from headshot_studio.ui.widgets import ImagePane
from headshot_studio.ui.workers import ThumbnailLoader

ZOOM_PX = 1024  # longest side loaded for the large view


class ZoomDialog(QDialog):
    """``entries`` (GalleryEntry, as the grid shows them) from ``index``; ``style_names``
    maps style ids to names. The favourite button asks the page (``favourite_requested``)
    and shows what the controller then holds."""

    favourite_requested = Signal(str, bool)  # file, make it a favourite
    delete_requested = Signal(str)  # file: the page asks, deletes, then calls remove_current()

    def __init__(self, parent: QWidget, controller, entries: list[GalleryEntry], index: int,
                 style_names: dict[str, str]) -> None:
        super().__init__(parent)
        self.controller = controller
        self.entries = entries
        self.index = index
        self.style_names = style_names
        self.setObjectName("zoomDialog")
        self.setWindowTitle(self.tr("Headshot"))
        self.loader = ThumbnailLoader(self)
        self.loader.loaded.connect(self._on_loaded)
        self._wanted: dict[str, str] = {}  # path -> "headshot" | "selfie"

        layout = QVBoxLayout(self)
        layout.addLayout(self._build_panes(), 1)
        layout.addLayout(self._build_buttons())
        self._fill_selfies()
        # F and Delete work wherever the focus is (the selfie list would take letters as a search)
        QShortcut(QKeySequence(Qt.Key.Key_F), self, self._toggle_favourite)
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self, lambda: self.delete_requested.emit(self.current_entry().file))
        self.next_button.setFocus()
        screen = parent.screen().availableGeometry() if parent.screen() else QRect(0, 0, 1280, 800)
        self.resize(min(1100, int(screen.width() * 0.9)), min(720, int(screen.height() * 0.9)))
        self.show_entry(index)

    def _build_panes(self) -> QGridLayout:
        """Side by side, in a grid so both pictures line up: titles, pictures, captions."""
        panes = QGridLayout()
        panes.addWidget(QLabel("<b>" + self.tr("Headshot") + "</b>"), 0, 0)
        selfie_row = QHBoxLayout()
        selfie_row.addWidget(QLabel("<b>" + self.tr("Your selfie") + "</b>"))
        selfie_row.addStretch()
        self.selfie_choice = QComboBox()
        self.selfie_choice.setObjectName("selfieChoice")
        self.selfie_choice.setToolTip(self.tr("Compare with another of your selfies"))
        selfie_row.addWidget(self.selfie_choice)
        panes.addLayout(selfie_row, 0, 1)
        self.headshot = ImagePane(self.tr("Loading…"))
        self.headshot.setObjectName("zoomHeadshot")
        panes.addWidget(self.headshot, 1, 0)
        self.selfie = ImagePane("")
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
        self.previous_button = QPushButton(theme.icon("back"), self.tr("Better"))
        self.previous_button.setObjectName("zoomPreviousButton")
        self.previous_button.setToolTip(self.tr("The next better-ranked headshot (Left arrow)"))
        self.previous_button.clicked.connect(lambda: self.show_entry(self.index - 1))
        self.next_button = QPushButton(theme.icon("next"), self.tr("Next"))
        self.next_button.setObjectName("zoomNextButton")
        self.next_button.setLayoutDirection(Qt.LayoutDirection.RightToLeft)  # the arrow after the word
        self.next_button.setToolTip(self.tr("The next headshot in the ranking (Right arrow)"))
        self.next_button.clicked.connect(lambda: self.show_entry(self.index + 1))
        self.favourite_button = QPushButton()
        self.favourite_button.setObjectName("zoomFavouriteButton")
        self.favourite_button.setToolTip(self.tr("Mark or unmark this headshot as a favourite (F)"))
        self.favourite_button.clicked.connect(self._toggle_favourite)
        self.delete_button = QPushButton(theme.icon("remove"), self.tr("Delete…"))
        self.delete_button.setObjectName("zoomDeleteButton")
        self.delete_button.setToolTip(self.tr("Delete this headshot (Delete)"))
        theme.set_role(self.delete_button, "quiet", "true")
        self.delete_button.clicked.connect(lambda: self.delete_requested.emit(self.current_entry().file))
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.reject)
        for widget in (self.previous_button, self.next_button, self.favourite_button, self.delete_button):
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
            self.selfie.set_image(None, core_text(self.controller.no_selfie_reason()))

    def show_entry(self, index: int) -> None:
        if not 0 <= index < len(self.entries):
            return
        self.index = index
        entry = self.entries[index]
        style = core_text(style_label(entry.style, self.style_names))
        stars = likeness_stars(entry)
        title = (f"<span style='color:{theme.palette().star}; font-size:large'>{stars_text(stars)}</span> "
                 f"<b>{html.escape(likeness_words(stars))}</b> · {html.escape(style)}")
        lines = [title, *detail_lines(entry)]
        if entry.seed is not None:
            seed = self.tr("Seed {seed}").format(seed=entry.seed)
            lines.append(f"<span style='color:{theme.palette().muted}'>{html.escape(seed)}</span>")
        self.info.setText("<br>".join(lines))
        self.headshot.set_image(None, self.tr("Loading…"))
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
                caption += f" · {core_text(report.message)}"
            self.selfie_info.setText(caption)
            self.selfie.set_image(None, self.tr("Loading…"))
            self._wanted[path] = "selfie"
            self.loader.request(Path(path), ZOOM_PX)

    def _on_loaded(self, path: str, image: QImage) -> None:
        role = self._wanted.pop(path, None)
        if role == "headshot" and path == str(self.controller.headshot_path(self.current_entry())):
            self.headshot.set_image(None if image.isNull() else QPixmap.fromImage(image),
                                    self.tr("This headshot cannot be shown: its file is missing or damaged."))
        elif role == "selfie" and path == self.selfie_choice.currentData():
            self.selfie.set_image(None if image.isNull() else QPixmap.fromImage(image),
                                  self.tr("This selfie cannot be shown: its file is missing or damaged."))

    def remove_current(self) -> None:
        """The shown headshot was deleted: show the one that took its place, or close."""
        del self.entries[self.index]
        if not self.entries:
            self.accept()
        else:
            self.show_entry(min(self.index, len(self.entries) - 1))

    def _update_favourite(self) -> None:
        favourite = self.current_entry().file in self.controller.favourites()
        self.favourite_button.setText(self.tr("Unfavourite") if favourite else self.tr("Favourite"))
        self.favourite_button.setIcon(theme.icon("favourite", "danger" if favourite else "text"))

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
        elif key == Qt.Key.Key_Backspace:
            self.delete_requested.emit(self.current_entry().file)
        else:
            super().keyPressEvent(event)
