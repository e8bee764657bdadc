"""The Photos page: add selfies (drop them in, or "Add photos…" / "Add a folder…"), see
each photo's verdict as soon as its check finishes, open a photo for every problem and
its fix, remove photos, and see whether the set as a whole is ready.

The page keeps no state of its own beyond what it draws: the photos and what is said
about each and about the set come from the controller (``photo_paths``,
``photo_status``, ``set_status``; decided in ``core.photo_status``), which checks photos
on a background pool. The page redraws whenever ``photos_changed`` or
``session_changed`` fires. Thumbnails and previews are made off the UI thread by
:class:`ThumbnailLoader`, each asked for as an :class:`ImageKind`; thumbnails are kept by
path, so a redraw never loads them again.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from headshot_studio.core.events import HeadshotError, describe_error
from headshot_studio.core.limits import PHOTO_SUFFIXES, ideal_photos_text
from headshot_studio.core.photo_status import PhotoStatus
from headshot_studio.ui.controller import AppController
from headshot_studio.ui.core_text import core_text
from headshot_studio.ui.dialogs.photo_details import PREVIEW_SIDE, PhotoDetailsDialog
from headshot_studio.ui.photo_widgets import (
    PATH_ROLE,
    STATUS_ROLE,
    THUMB_SIDE,
    THUMB_STATE_ROLE,
    ImageKind,
    PhotoGrid,
    SetSummary,
    ThumbState,
    photo_tooltip,
)
from headshot_studio.ui.workers import ThumbnailLoader
from headshot_studio.ui import theme
from headshot_studio.ui.widgets import (
    IconLabel,
    card,
    heading,
    icon_title,
    label,
    pictures_folder,
    primary_button,
    show_error,
    verdict_word,
)

# Upper-case too: file dialogs on Linux match patterns case-sensitively (IMG_0001.JPG).
PHOTO_PATTERNS = " ".join(f"*{s} *{s.upper()}" for s in PHOTO_SUFFIXES)
SUMMARY_WIDTH = 330  # logical pixels: the right-hand column

# Translated where shown (QCoreApplication.translate("PhotosPage", tip)).
TIPS = [
    QT_TRANSLATE_NOOP("PhotosPage", "Face a window in daylight. Avoid harsh sun, strong shadows and flash."),
    QT_TRANSLATE_NOOP("PhotosPage", "Hold the phone at eye level, at arm's length (or ask someone to take them)."),
    QT_TRANSLATE_NOOP("PhotosPage", "Mix the angles: straight on, and turned a little to the left and right."),
    QT_TRANSLATE_NOOP("PhotosPage", "Mix your expressions, and take them in a few places and lights."),
    QT_TRANSLATE_NOOP("PhotosPage", "Only you in the photo: no sunglasses, hats or hands in front of your face."),
    QT_TRANSLATE_NOOP("PhotosPage", "Use the original photos from your phone: no screenshots, filters or edits."),
]


def _button(text: str, name: str, tooltip: str, slot) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setToolTip(tooltip)
    button.clicked.connect(slot)
    return button


class PhotosPage(QWidget):
    title = "Photos"

    def __init__(self, controller: AppController) -> None:
        super().__init__()
        self.controller = controller
        self.setObjectName("photosPage")
        self.setAcceptDrops(True)
        self.thumbnails = ThumbnailLoader(self)  # the main window waits for it on close
        self.thumbnails.loaded.connect(self._on_image)
        self._items: dict[Path, QListWidgetItem] = {}
        self._pixmaps: dict[Path, QPixmap] = {}  # thumbnails by path: made once
        self._unreadable: set[Path] = set()
        self._thumb_pending: set[Path] = set()
        self.details_dialog: PhotoDetailsDialog | None = None

        intro = label(
            self.tr("Add {ideal} recent selfies of just you. "
                    "Drop them here, or use the buttons. Each photo is checked on this computer as soon as it "
                    "is added; nothing is uploaded.").format(ideal=ideal_photos_text()),
            role="muted",
        )
        self.no_session_label = label(self.tr("Start a new session first (step 1, Session), then add your "
                                              "photos here."), role="warning")
        self.no_session_label.setObjectName("noSessionLabel")
        self.no_session_label.setWordWrap(True)
        body = QHBoxLayout()
        body.setSpacing(2 * theme.SPACE)
        body.addLayout(self._build_photos(), 1)
        body.addWidget(self._build_side_column())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(theme.SPACE)
        layout.addWidget(heading(self.tr("Your photos")))
        layout.addWidget(intro)
        layout.addWidget(self.no_session_label)
        layout.addLayout(body, 1)

        controller.photos_changed.connect(self.refresh)
        controller.session_changed.connect(self.refresh)
        self.refresh()

    # --- layout ------------------------------------------------------------------------------
    def _build_photos(self) -> QVBoxLayout:
        """The actions, the grid and the line about the selection."""
        self.count_label = label(role="muted")
        self.count_label.setObjectName("photoCountLabel")
        self.add_button = _button(self.tr("Add photos…"), "addPhotosButton",
                                  self.tr("Choose selfies to add (JPEG, PNG, WebP, BMP or iPhone HEIC)."),
                                  self._add_files)
        self.add_folder_button = _button(self.tr("Add a folder…"), "addFolderButton",
                                         self.tr("Add every photo in a folder."), self._add_folder)
        self.details_button = _button(self.tr("Details…"), "photoDetailsButton",
                                      self.tr("See the selected photo larger, with every problem and its fix (Enter)."),
                                      self.open_details)
        self.remove_button = _button(
            self.tr("Remove photo"), "removePhotoButton",
            self.tr("Take the selected photos out of the session (Delete). The originals on your computer are kept."),
            self._remove_selected,
        )
        self.add_button.setIcon(theme.icon("add-photo"))
        self.add_folder_button.setIcon(theme.icon("add-folder"))
        self.details_button.setIcon(theme.icon("details"))
        self.remove_button.setIcon(theme.icon("remove"))
        theme.set_role(self.remove_button, "quiet", "true")
        actions = QHBoxLayout()
        actions.setSpacing(theme.SPACE)
        actions.addWidget(self.add_button)
        actions.addWidget(self.add_folder_button)
        actions.addSpacing(2 * theme.SPACE)
        actions.addWidget(self.count_label, 1)
        self.count_label.setWordWrap(False)

        self.grid = PhotoGrid()
        self.grid.remove_requested.connect(self._remove_selected)
        self.grid.details_requested.connect(self.open_details)
        self.grid.itemSelectionChanged.connect(self._update_selection)
        self.selected_label = label(role="muted")
        self.selected_label.setObjectName("selectedPhotoLabel")
        self.selected_label.setWordWrap(True)
        self.selected_label.setTextFormat(Qt.TextFormat.PlainText)
        self.selected_label.setMinimumHeight(self.selected_label.fontMetrics().lineSpacing() * 2)
        self.selected_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.drop_zone = self._build_drop_zone()
        self.grid_or_drop = QStackedWidget()
        self.grid_or_drop.addWidget(self.drop_zone)
        self.grid_or_drop.addWidget(self.grid)
        left = QVBoxLayout()
        left.setSpacing(theme.SPACE)
        left.addLayout(actions)
        left.addWidget(self.grid_or_drop, 1)
        selection = QHBoxLayout()  # what the selection is, and what can be done with it
        selection.setSpacing(theme.SPACE)
        selection.addWidget(self.selected_label, 1)
        selection.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignTop)
        selection.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        left.addLayout(selection)
        return left

    def _build_drop_zone(self) -> QFrame:
        """What the page shows before the first photo: a large place to drop selfies,
        the buttons to choose them, and what to shoot."""
        zone = QFrame()
        zone.setObjectName("dropZone")
        theme.set_role(zone, "dropzone", "true")
        layout = QVBoxLayout(zone)
        layout.setContentsMargins(4 * theme.SPACE, 4 * theme.SPACE, 4 * theme.SPACE, 4 * theme.SPACE)
        layout.setSpacing(2 * theme.SPACE)
        layout.addStretch()
        layout.addWidget(IconLabel("add-photo", "accent", 48), 0, Qt.AlignmentFlag.AlignHCenter)
        self.drop_title = heading(self.tr("Drop your selfies here"))
        self.drop_title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.drop_title)
        self.drop_hint = label(self.tr("{ideal} photos from the last few months, of just you. JPEG, PNG, WebP or "
                                       "iPhone HEIC, straight from the phone.").format(ideal=ideal_photos_text()),
                               role="muted")
        self.drop_hint.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.drop_hint)
        buttons = QHBoxLayout()
        buttons.addStretch()
        self.drop_add_button = primary_button(self.tr("Choose photos…"), icon="add-photo")
        self.drop_add_button.setObjectName("dropAddButton")
        self.drop_add_button.clicked.connect(self._add_files)
        buttons.addWidget(self.drop_add_button)
        self.drop_folder_button = QPushButton(theme.icon("add-folder"), self.tr("Choose a folder…"))
        self.drop_folder_button.setObjectName("dropFolderButton")
        self.drop_folder_button.clicked.connect(self._add_folder)
        buttons.addWidget(self.drop_folder_button)
        buttons.addStretch()
        layout.addLayout(buttons)
        shoot = QGridLayout()
        shoot.setHorizontalSpacing(3 * theme.SPACE)
        shoot.setVerticalSpacing(theme.SPACE)
        what_to_shoot = (
            ("light", self.tr("Daylight from a window on your face")),
            ("camera", self.tr("Phone at eye level, arm's length")),
            ("person", self.tr("Straight on, and turned a little left and right")),
            ("ok", self.tr("Only you: no sunglasses, hats or filters")),
        )
        for n, (icon_name, text) in enumerate(what_to_shoot):
            shoot.addLayout(icon_title(icon_name, text, role=""), n // 2, n % 2)
        shoot_row = QHBoxLayout()
        shoot_row.addStretch()
        shoot_row.addLayout(shoot)
        shoot_row.addStretch()
        layout.addSpacing(theme.SPACE)
        layout.addLayout(shoot_row)
        layout.addStretch()
        return zone

    def _build_side_column(self) -> QScrollArea:
        """The set's summary and the tips, in a column that scrolls on a small screen."""
        tips, tips_layout = card()
        tips.setObjectName("tipsBox")
        tips_layout.addWidget(heading(self.tr("Tips for good selfies"), role="subtitle"))
        tips_label = QLabel("<ul style='margin-left:-20px'>" + "".join(
            f"<li>{html.escape(QCoreApplication.translate('PhotosPage', t))}</li>" for t in TIPS) + "</ul>")
        tips_label.setObjectName("tipsLabel")
        tips_label.setWordWrap(True)
        tips_layout.addWidget(tips_label)

        right_column = QWidget()
        right = QVBoxLayout(right_column)
        right.setContentsMargins(0, 0, 4, 0)
        right.setSpacing(2 * theme.SPACE)
        self.summary = SetSummary()
        right.addWidget(self.summary)
        right.addWidget(tips)
        right.addStretch()
        right_scroll = QScrollArea()
        right_scroll.setObjectName("summaryScroll")
        right_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the controls inside, not the frame
        right_scroll.setWidget(right_column)
        right_scroll.setWidgetResizable(True)
        right_scroll.setFrameShape(QFrame.Shape.NoFrame)
        right_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        right_scroll.setFixedWidth(SUMMARY_WIDTH)
        return right_scroll

    # --- adding ------------------------------------------------------------------------------
    def _ask_files(self) -> list[Path]:
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Add photos"), pictures_folder(),
                                                self.tr("Photos ({patterns})").format(patterns=PHOTO_PATTERNS))
        return [Path(f) for f in files]

    def _ask_folder(self) -> Path | None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Add a folder of photos"), pictures_folder())
        return Path(folder) if folder else None

    def _add_files(self) -> None:
        files = self._ask_files()
        if files:
            self.controller.add_photos(files)

    def _add_folder(self) -> None:
        folder = self._ask_folder()
        if folder is not None:
            self.controller.add_photos([folder])

    @staticmethod
    def _dropped_paths(event) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]

    def dragEnterEvent(self, event) -> None:
        if self.controller.session is not None and self._dropped_paths(event):
            event.acceptProposedAction()
            self._show_drop_hint(True)
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        if self.controller.session is not None and self._dropped_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event) -> None:
        self._show_drop_hint(False)
        super().dragLeaveEvent(event)

    def dropEvent(self, event) -> None:
        self._show_drop_hint(False)
        paths = self._dropped_paths(event)
        if self.controller.session is None or not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.controller.add_photos(paths)  # files and folders; errors come as controller.error

    def _show_drop_hint(self, on: bool) -> None:
        theme.set_role(self.drop_zone, "hover", "true" if on else "false")
        self.grid.setStyleSheet(
            f"QListWidget#photoGrid {{ border: 2px dashed {theme.palette().accent}; }}" if on else "")

    # --- removing and details -----------------------------------------------------------------
    def selected_paths(self) -> list[Path]:
        return [Path(item.data(PATH_ROLE)) for item in self.grid.selectedItems()]

    def remove_photos(self, paths: list[Path]) -> None:
        for path in paths:
            try:
                self.controller.remove_photo(path)
            except (HeadshotError, OSError) as exc:  # the short message, with details to copy
                _, message, details = describe_error(exc)
                show_error(self, message, details)
                return

    def _remove_selected(self) -> None:
        paths = self.selected_paths()
        if not paths:
            return
        next_row = min(self.grid.row(self._items[p]) for p in paths if p in self._items)
        self.remove_photos(paths)
        if self.grid.count():  # keep a photo selected, so Delete can be pressed again
            self.grid.setCurrentRow(min(next_row, self.grid.count() - 1))

    def open_details(self) -> None:
        item = self.grid.currentItem()
        if item is None or not item.isSelected():
            return
        path = Path(item.data(PATH_ROLE))
        if self.details_dialog is None:
            self.details_dialog = PhotoDetailsDialog(self.controller, self)
            self.details_dialog.remove_requested.connect(lambda removed: self.remove_photos([removed]))
        self.details_dialog.open()  # window-modal; shown before show_photo, which draws only when visible
        self.details_dialog.show_photo(path, self._pixmaps.get(path))
        if path in self._unreadable:
            self.details_dialog.show_unreadable()
        else:
            self.thumbnails.request(path, round(PREVIEW_SIDE * self.devicePixelRatioF()), ImageKind.PREVIEW)

    # --- thumbnails and previews -------------------------------------------------------------
    def _on_image(self, path_text: str, image: QImage, kind: ImageKind) -> None:
        path = Path(path_text)
        if kind == ImageKind.THUMBNAIL:
            self._show_thumbnail(path, image)
            return
        dialog = self.details_dialog
        if dialog is not None and dialog.isVisible() and dialog.path == path:
            if image.isNull():
                dialog.show_unreadable()
            else:
                dialog.show_image(QPixmap.fromImage(image))

    def _show_thumbnail(self, path: Path, image: QImage) -> None:
        if path not in self._thumb_pending:
            return  # removed while it loaded
        self._thumb_pending.discard(path)
        item = self._items[path]
        if image.isNull():
            self._unreadable.add(path)
            item.setData(THUMB_STATE_ROLE, ThumbState.UNREADABLE)
            return
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(self.devicePixelRatioF())
        self._pixmaps[path] = pixmap
        item.setData(THUMB_STATE_ROLE, ThumbState.READY)
        item.setData(Qt.ItemDataRole.DecorationRole, pixmap)

    def _request_thumbnail(self, path: Path, item: QListWidgetItem) -> None:
        cached = self._pixmaps.get(path)
        if cached is not None:
            item.setData(Qt.ItemDataRole.DecorationRole, cached)
            item.setData(THUMB_STATE_ROLE, ThumbState.READY)
        elif path not in self._thumb_pending:
            self._thumb_pending.add(path)
            self.thumbnails.request(path, round(THUMB_SIDE * self.devicePixelRatioF()), ImageKind.THUMBNAIL)

    # --- drawing from the controller ---------------------------------------------------------
    def refresh(self) -> None:
        has_session = self.controller.session is not None
        self.no_session_label.setVisible(not has_session)
        self.add_button.setEnabled(has_session)
        self.add_folder_button.setEnabled(has_session)
        self.grid.setEnabled(has_session)
        self.grid.empty_text = (
            self.tr("Drop your selfies here, or use “Add photos…”.") if has_session
            else self.tr("Start a session first, then add your photos.")
        )
        paths = self.controller.photo_paths()
        self.grid_or_drop.setCurrentWidget(self.grid if paths or not has_session else self.drop_zone)
        self.drop_add_button.setEnabled(has_session)
        self.drop_folder_button.setEnabled(has_session)
        self._sync_items(paths)
        statuses = [self.controller.photo_status(path) for path in paths]
        for status in statuses:
            self._show_status(status)
        set_status = self.controller.set_status(statuses)
        self.count_label.setText(core_text(set_status.count_text))
        self.summary.show_status(set_status)
        self._update_selection()
        self.grid.viewport().update()

    def _sync_items(self, paths: list[Path]) -> None:
        """Items for exactly ``paths``, in that order; existing items (and thumbnails) kept."""
        wanted = set(paths)
        for path in [p for p in self._items if p not in wanted]:
            self.grid.takeItem(self.grid.row(self._items.pop(path)))
            self._pixmaps.pop(path, None)  # a photo added later under this name is another photo
            self._unreadable.discard(path)
            self._thumb_pending.discard(path)
        for row, path in enumerate(paths):
            item = self._items.get(path)
            if item is None:
                item = QListWidgetItem()
                item.setData(PATH_ROLE, str(path))
                item.setData(THUMB_STATE_ROLE, ThumbState.LOADING)
                self._items[path] = item
                self.grid.insertItem(row, item)
                self._request_thumbnail(path, item)
            elif self.grid.row(item) != row:
                self.grid.insertItem(row, self.grid.takeItem(self.grid.row(item)))

    def _show_status(self, status: PhotoStatus) -> None:
        item = self._items[status.file]
        item.setData(STATUS_ROLE, status)
        item.setText(core_text(status.message))
        item.setToolTip(photo_tooltip(status))
        item.setData(Qt.ItemDataRole.AccessibleTextRole, self.tr("{file}: {verdict}. {message}").format(
            file=status.file.name, verdict=verdict_word(status.verdict), message=core_text(status.message)))

    def _update_selection(self) -> None:
        selected = self.selected_paths()
        has_session = self.controller.session is not None
        self.remove_button.setEnabled(has_session and bool(selected))
        self.remove_button.setText(self.tr("Remove photos") if len(selected) > 1 else self.tr("Remove photo"))
        self.details_button.setEnabled(len(selected) == 1)
        if len(selected) == 1:
            status = self.controller.photo_status(selected[0])
            self.selected_label.setText(
                self.tr("{file} — {verdict}: {message}  (Enter for details)").format(
                    file=status.file.name, verdict=verdict_word(status.verdict), message=core_text(status.message))
            )
        elif selected:
            self.selected_label.setText(
                self.tr("{count} photos selected. Press Delete to remove them.").format(count=len(selected)))
        elif self.grid.count():
            self.selected_label.setText(self.tr("Click a photo to see what to fix; double-click it for details."))
        else:
            self.selected_label.clear()
