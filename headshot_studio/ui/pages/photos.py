"""The Photos page: add selfies (drop them in, or "Add photos…" / "Add a folder…"), see
each photo's verdict as soon as its check finishes, open a photo for every problem and
its fix, remove photos, and see whether the set as a whole is ready.

The page keeps no state of its own beyond what it draws: the photos, their reports and
the set's verdict live in the controller (``photo_paths``, ``report_for``,
``failed_photos``, ``set_report``, ``analysing``), which checks photos on a background
pool. The page redraws from it whenever ``photos_changed`` or ``session_changed`` fires.
Thumbnails are made off the UI thread by :class:`ThumbnailLoader` and kept by path, so a
redraw never loads them again.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from headshot_studio.core.events import HeadshotError, describe_error
from headshot_studio.core.quality import THRESHOLDS
from headshot_studio.ui.controller import AppController
from headshot_studio.ui.widgets import (
    pictures_folder,
    wrapped_lines,
    VERDICT_COLOURS,
    VERDICT_WORDS,
    Badge,
    ThumbnailLoader,
    badge_pixmap,
    heading,
    show_error,
)

PHOTO_SUFFIXES = ("jpg", "jpeg", "png", "webp", "bmp", "heic", "heif")
# Upper-case too: file dialogs on Linux match patterns case-sensitively (IMG_0001.JPG).
PHOTO_FILTER = "Photos (" + " ".join(f"*.{s} *.{s.upper()}" for s in PHOTO_SUFFIXES) + ")"

THUMB_SIDE = 150  # logical pixels: the thumbnail area in the grid
PREVIEW_SIDE = 440  # logical pixels: the photo in the details window
CELL_WIDTH = 168  # logical pixels: one grid cell (four fit beside the summary at 1100 px)
CELL_PADDING = 8
MESSAGE_LINES = 4  # lines of the one-sentence message under each thumbnail
SUMMARY_WIDTH = 330  # logical pixels: the right-hand column

PATH_ROLE = Qt.ItemDataRole.UserRole
VERDICT_ROLE = Qt.ItemDataRole.UserRole + 1  # "ok" / "warn" / "reject" / "pending"
THUMB_STATE_ROLE = Qt.ItemDataRole.UserRole + 2  # "loading" / "ready" / "unreadable"

TIPS = [
    "Face a window in daylight. Avoid harsh sun, strong shadows and flash.",
    "Hold the phone at eye level, at arm's length (or ask someone to take them).",
    "Mix the angles: straight on, and turned a little to the left and right.",
    "Mix your expressions, and take them in a few places and lights.",
    "Only you in the photo: no sunglasses, hats or hands in front of your face.",
    "Use the original photos from your phone: no screenshots, filters or edits.",
]


def _plain_verdict(path: Path, controller: AppController) -> tuple[str, str, list[tuple[str, str]]]:
    """(verdict, one sentence, [(severity, message), …] worst first) for one photo."""
    report = controller.report_for(path)
    if report is not None:
        issues = sorted(report.issues, key=lambda issue: -issue.severity.rank)
        return report.verdict.value, report.message, [(issue.severity.value, issue.message) for issue in issues]
    failed = controller.failed_photos.get(Path(path))
    if failed is not None:
        return "reject", failed, [("reject", failed)]
    return "pending", "Checking this photo…", []


def _tooltip(path: Path, verdict: str, message: str, issues: list[tuple[str, str]]) -> str:
    lines = [f"<b>{html.escape(path.name)}</b> — {VERDICT_WORDS[verdict]}"]
    if len(issues) > 1:
        lines += [f"• {html.escape(text)}" for _, text in issues]
    else:
        lines.append(html.escape(message))
    lines.append("<i>Press Enter or double-click for details.</i>")
    return "<p>" + "<br>".join(lines) + "</p>"


class PhotoDelegate(QStyledItemDelegate):
    """One photo in the grid: the thumbnail, its badge (dot and word) and its message."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        line = option.fontMetrics.lineSpacing()
        badge_row = max(18, line + 4)
        return QSize(CELL_WIDTH, CELL_PADDING + THUMB_SIDE + 6 + badge_row + 2 + MESSAGE_LINES * line + CELL_PADDING)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = option.palette
        card = QRect(option.rect).adjusted(3, 3, -3, -3)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            fill = QColor(palette.color(QPalette.ColorRole.Highlight))
            fill.setAlpha(45)
            painter.setBrush(fill)
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 2))
        else:
            painter.setBrush(palette.color(QPalette.ColorRole.Base))
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.drawRoundedRect(card, 6, 6)

        # 1. the thumbnail, fitted into its area (it is drawn at the screen's pixel ratio)
        inner = card.adjusted(CELL_PADDING - 3, CELL_PADDING - 3, -(CELL_PADDING - 3), -(CELL_PADDING - 3))
        thumb_rect = QRect(inner.left(), inner.top(), inner.width(), THUMB_SIDE)
        pixmap = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(pixmap, QPixmap) and not pixmap.isNull():
            size = pixmap.deviceIndependentSize().toSize().scaled(thumb_rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(QPoint(0, 0), size)
            target.moveCenter(thumb_rect.center())
            painter.drawPixmap(target, pixmap)
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.AlternateBase))
            painter.drawRoundedRect(thumb_rect, 4, 4)
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            state = index.data(THUMB_STATE_ROLE)
            painter.drawText(thumb_rect, Qt.AlignmentFlag.AlignCenter, "No preview" if state == "unreadable" else "Loading…")

        # 2. the badge: a coloured dot and a word
        metrics = option.fontMetrics
        line = metrics.lineSpacing()
        badge_row = max(18, line + 4)
        verdict = index.data(VERDICT_ROLE) or "pending"
        y = thumb_rect.bottom() + 6
        dot = badge_pixmap(verdict, 14)
        painter.drawPixmap(inner.left(), y + (badge_row - 14) // 2, dot)
        word_font = QFont(option.font)
        word_font.setBold(True)
        painter.setFont(word_font)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        painter.drawText(
            QRect(inner.left() + 20, y, inner.width() - 20, badge_row),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            VERDICT_WORDS.get(verdict, verdict),
        )

        # 3. the one-sentence message, wrapped to a few lines and cut with "…"
        painter.setFont(option.font)
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        self._draw_wrapped(painter, metrics, text, inner.left(), y + badge_row + 2, inner.width())
        painter.restore()

    @staticmethod
    def _draw_wrapped(painter: QPainter, metrics, text: str, x: int, y: int, width: int) -> None:
        for n, shown in enumerate(wrapped_lines(text, painter.font(), width, MESSAGE_LINES)):
            painter.drawText(x, y + metrics.ascent() + n * metrics.lineSpacing(), shown)


class PhotoGrid(QListWidget):
    """The thumbnails, in the session's order. Delete removes the selected photos, Enter
    (or a double-click) opens the details; drops are handled by the page."""

    remove_requested = Signal()
    details_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("photoGrid")
        self.setAccessibleName("Your photos")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setMovement(QListView.Movement.Static)  # the order is the session's order
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(True)
        self.setSpacing(4)
        self.setWordWrap(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.NoDragDrop)
        self.setAcceptDrops(False)  # drops go up to the page
        self.viewport().setAcceptDrops(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setItemDelegate(PhotoDelegate(self))
        self.itemDoubleClicked.connect(lambda _item: self.details_requested.emit())
        self.empty_text = ""

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selectedItems():
            self.remove_requested.emit()
            event.accept()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem() is not None:
            self.details_requested.emit()
            event.accept()
        else:
            super().keyPressEvent(event)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.count() == 0 and self.empty_text:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            font = QFont(self.font())
            font.setPointSizeF(font.pointSizeF() * 1.2)
            painter.setFont(font)
            painter.drawText(
                self.viewport().rect().adjusted(24, 24, -24, -24),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.empty_text,
            )
            painter.end()


class PhotoDetailsDialog(QDialog):
    """One photo, larger, with its verdict, every problem found and how to fix each.

    The page keeps one and shows it for whichever photo is opened (closing hides it)."""

    def __init__(self, page: PhotosPage) -> None:
        super().__init__(page)
        self.page = page
        self.path: Path | None = None
        self.setObjectName("photoDetails")

        self.image_label = QLabel()
        self.image_label.setObjectName("photoPreview")
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_label.setFixedSize(PREVIEW_SIDE, PREVIEW_SIDE)

        self.name_label = QLabel()
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.name_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.name_label.setFont(font)
        self.badge = Badge()
        self.badge.setObjectName("detailsBadge")
        self.message_label = QLabel()
        self.message_label.setObjectName("detailsMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.issues_label = _issues_label("detailsIssues")
        self.size_label = QLabel()
        self.size_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.remove_button = QPushButton("Remove this photo")
        self.remove_button.setObjectName("detailsRemoveButton")
        self.remove_button.setToolTip("Take this photo out of the session (the original on your computer is kept).")
        self.remove_button.clicked.connect(self._remove)
        close = QPushButton("Close")
        close.setObjectName("detailsCloseButton")
        close.setDefault(True)
        close.clicked.connect(self.close)

        self.side = QVBoxLayout()
        self.side.addWidget(self.name_label)
        self.side.addWidget(self.badge)
        self.side.addWidget(self.message_label)
        self.side.addSpacing(6)
        self.side.addWidget(QLabel("<b>What to fix</b>"))
        self.side.addWidget(self.issues_label)
        self.side.addStretch()
        self.side.addWidget(self.size_label)
        self.buttons = QHBoxLayout()
        self.buttons.addWidget(self.remove_button)
        self.buttons.addStretch()
        self.buttons.addWidget(close)
        self.side.addLayout(self.buttons)
        side_widget = QWidget()
        side_widget.setLayout(self.side)
        side_widget.setMinimumWidth(320)

        self.columns = QHBoxLayout(self)
        self.columns.addWidget(self.image_label, 0, Qt.AlignmentFlag.AlignTop)
        self.columns.addWidget(side_widget, 1)
        page.controller.photos_changed.connect(self.refresh)

    def show_photo(self, path: Path) -> None:
        self.path = Path(path)
        self.setWindowTitle(f"Photo details — {self.path.name}")
        self.name_label.setText(self.path.name)
        self.image_label.setAccessibleName(f"Photo {self.path.name}")
        cached = self.page.pixmap_for(self.path)
        if cached is not None:
            self.show_image(cached)
        else:
            self.image_label.clear()
            self.image_label.setText("Loading…")
        self.refresh()

    def show_image(self, pixmap: QPixmap) -> None:
        ratio = self.devicePixelRatioF()
        scaled = pixmap.scaled(
            round(PREVIEW_SIDE * ratio), round(PREVIEW_SIDE * ratio),
            Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation,
        )
        scaled.setDevicePixelRatio(ratio)
        self.image_label.setPixmap(scaled)

    def show_unreadable(self) -> None:
        self.image_label.clear()
        self.image_label.setText("This file cannot be shown.")

    def refresh(self) -> None:
        if self.path is None or not self.isVisible():
            return
        if self.path not in self.page.controller.photo_paths():
            self.close()  # removed (here or elsewhere)
            return
        verdict, message, issues = _plain_verdict(self.path, self.page.controller)
        self.badge.set_verdict(verdict)
        self.message_label.setText(message)
        if verdict == "pending":
            rows = [("pending", "Still checking this photo…")]
        elif not issues:
            rows = [("ok", "Nothing to fix: this photo is good for learning your face.")]
        else:
            rows = issues
        self.issues_label.setText(_issues_html(rows))
        report = self.page.controller.report_for(self.path)
        if report is not None and report.image_size:
            self.size_label.setText(f"{report.image_size[0]} × {report.image_size[1]} pixels")
        else:
            self.size_label.clear()

    def _remove(self) -> None:
        self.page.remove_photos([self.path])
        self.close()


def _issues_label(object_name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _issues_html(rows: list[tuple[str, str]]) -> str:
    """Each problem as a coloured dot (its severity) and its sentence."""
    cells = "".join(
        f"<tr><td style='color:{VERDICT_COLOURS.get(severity, VERDICT_COLOURS['pending'])}; padding-right:6px'>●</td>"
        f"<td style='padding-bottom:6px'>{html.escape(text)}</td></tr>"
        for severity, text in rows
    )
    return f"<table cellspacing='0' cellpadding='0'>{cells}</table>"


class PhotosPage(QWidget):
    title = "Photos"

    def __init__(self, controller: AppController) -> None:
        super().__init__()
        self.controller = controller
        self.setObjectName("photosPage")
        self.setAcceptDrops(True)
        self.thumbnails = ThumbnailLoader(self)  # the main window waits for it on close
        self.thumbnails.loaded.connect(self._on_thumbnail)
        self._items: dict[Path, QListWidgetItem] = {}
        self._pixmaps: dict[Path, QPixmap] = {}  # thumbnails by path: made once
        self._unreadable: set[Path] = set()
        self._thumb_pending: set[Path] = set()
        self._preview_pending: set[Path] = set()
        self.details_dialog: PhotoDetailsDialog | None = None

        # --- heading and actions ---
        title = heading("Your photos")
        intro = QLabel(
            f"Add {THRESHOLDS.ideal_photos[0]}–{THRESHOLDS.ideal_photos[1]} recent selfies of just you. "
            "Drop them here, or use the buttons. Each photo is checked on this computer as soon as it "
            "is added; nothing is uploaded."
        )
        intro.setWordWrap(True)
        self.no_session_label = QLabel("Start a new session first (step 1, Session), then add your photos here.")
        self.no_session_label.setObjectName("noSessionLabel")
        self.no_session_label.setWordWrap(True)
        bold = self.no_session_label.font()
        bold.setBold(True)
        self.no_session_label.setFont(bold)

        self.count_label = QLabel()
        self.count_label.setObjectName("photoCountLabel")
        self.add_button = QPushButton("Add photos…")
        self.add_button.setObjectName("addPhotosButton")
        self.add_button.setToolTip("Choose selfies to add (JPEG, PNG, WebP, BMP or iPhone HEIC).")
        self.add_button.clicked.connect(self._add_files)
        self.add_folder_button = QPushButton("Add a folder…")
        self.add_folder_button.setObjectName("addFolderButton")
        self.add_folder_button.setToolTip("Add every photo in a folder.")
        self.add_folder_button.clicked.connect(self._add_folder)
        self.details_button = QPushButton("Details…")
        self.details_button.setObjectName("photoDetailsButton")
        self.details_button.setToolTip("See the selected photo larger, with every problem and its fix (Enter).")
        self.details_button.clicked.connect(self.open_details)
        self.remove_button = QPushButton("Remove photo")
        self.remove_button.setObjectName("removePhotoButton")
        self.remove_button.setToolTip(
            "Take the selected photos out of the session (Delete). The originals on your computer are kept."
        )
        self.remove_button.clicked.connect(self._remove_selected)
        actions = QHBoxLayout()
        actions.addWidget(self.add_button)
        actions.addWidget(self.add_folder_button)
        actions.addSpacing(12)
        actions.addWidget(self.count_label, 1)
        actions.addWidget(self.details_button)
        actions.addWidget(self.remove_button)

        # --- the grid ---
        self.grid = PhotoGrid()
        self.grid.remove_requested.connect(self._remove_selected)
        self.grid.details_requested.connect(self.open_details)
        self.grid.itemSelectionChanged.connect(self._update_selection)
        self.selected_label = QLabel()
        self.selected_label.setObjectName("selectedPhotoLabel")
        self.selected_label.setWordWrap(True)
        self.selected_label.setTextFormat(Qt.TextFormat.PlainText)
        self.selected_label.setMinimumHeight(self.selected_label.fontMetrics().lineSpacing() * 2)
        self.selected_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        left = QVBoxLayout()
        left.addLayout(actions)
        left.addWidget(self.grid, 1)
        left.addWidget(self.selected_label)

        # --- the set summary ---
        self.summary = QFrame()
        self.summary.setObjectName("setSummary")
        self.summary.setFrameShape(QFrame.Shape.StyledPanel)
        summary_layout = QVBoxLayout(self.summary)
        summary_title = QLabel("Your set")
        font = summary_title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        summary_title.setFont(font)
        self.usable_label = QLabel()
        self.usable_label.setObjectName("usableCountLabel")
        self.usable_label.setWordWrap(True)
        self.usable_bar = QProgressBar()
        self.usable_bar.setObjectName("usableProgress")
        self.usable_bar.setRange(0, THRESHOLDS.ideal_photos[0])
        self.usable_bar.setTextVisible(False)
        self.usable_bar.setFixedHeight(12)
        self.ready_label = QLabel()
        self.ready_label.setObjectName("setReadyLabel")
        self.ready_label.setWordWrap(True)
        self.ready_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.ready_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.ready_label.setFont(font)
        self.set_issues = _issues_label("setIssues")
        summary_layout.addWidget(summary_title)
        summary_layout.addWidget(self.usable_label)
        summary_layout.addWidget(self.usable_bar)
        summary_layout.addSpacing(4)
        summary_layout.addWidget(self.ready_label)
        summary_layout.addWidget(self.set_issues)

        # --- tips ---
        tips = QGroupBox("Tips for good selfies")
        tips.setObjectName("tipsBox")
        tips_label = QLabel("<ul style='margin-left:-20px'>" + "".join(f"<li>{html.escape(t)}</li>" for t in TIPS) + "</ul>")
        tips_label.setObjectName("tipsLabel")
        tips_label.setWordWrap(True)
        QVBoxLayout(tips).addWidget(tips_label)

        right_column = QWidget()
        right = QVBoxLayout(right_column)
        right.setContentsMargins(0, 0, 4, 0)
        right.addWidget(self.summary)
        right.addWidget(tips)
        right.addStretch()
        right_scroll = QScrollArea()
        right_scroll.setObjectName("summaryScroll")
        right_scroll.setWidget(right_column)
        right_scroll.setWidgetResizable(True)
        right_scroll.setFrameShape(QFrame.Shape.NoFrame)
        right_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        right_scroll.setFixedWidth(SUMMARY_WIDTH)

        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addWidget(right_scroll)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(self.no_session_label)
        layout.addLayout(body, 1)

        controller.photos_changed.connect(self.refresh)
        controller.session_changed.connect(self.refresh)
        self.refresh()

    # --- adding ------------------------------------------------------------------------------
    def _ask_files(self) -> list[Path]:
        files, _ = QFileDialog.getOpenFileNames(self, "Add photos", pictures_folder(), PHOTO_FILTER)
        return [Path(f) for f in files]

    def _ask_folder(self) -> Path | None:
        folder = QFileDialog.getExistingDirectory(self, "Add a folder of photos", pictures_folder())
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
        self.grid.setStyleSheet("QListWidget#photoGrid { border: 2px dashed palette(highlight); }" if on else "")

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
            self.details_dialog = PhotoDetailsDialog(self)
        self.details_dialog.open()  # window-modal; shown before show_photo, which draws only when visible
        self.details_dialog.show_photo(path)
        if path in self._unreadable:
            self.details_dialog.show_unreadable()
        else:
            self._preview_pending.add(path)
            self.thumbnails.request(path, round(PREVIEW_SIDE * self.devicePixelRatioF()))

    # --- thumbnails ----------------------------------------------------------------------------
    def pixmap_for(self, path: Path) -> QPixmap | None:
        return self._pixmaps.get(Path(path))

    def _thumb_request_side(self) -> int:
        return round(THUMB_SIDE * self.devicePixelRatioF())

    def _on_thumbnail(self, path_text: str, image: QImage) -> None:
        path = Path(path_text)
        ratio = self.devicePixelRatioF()
        is_large = max(image.width(), image.height()) > self._thumb_request_side()
        if path in self._thumb_pending and not is_large:
            self._thumb_pending.discard(path)
            item = self._items.get(path)
            if item is not None:  # not removed while it loaded
                if image.isNull():
                    self._unreadable.add(path)
                    item.setData(THUMB_STATE_ROLE, "unreadable")
                else:
                    pixmap = QPixmap.fromImage(image)
                    pixmap.setDevicePixelRatio(ratio)
                    self._pixmaps[path] = pixmap
                    item.setData(THUMB_STATE_ROLE, "ready")
                    item.setData(Qt.ItemDataRole.DecorationRole, pixmap)
        if path in self._preview_pending and (is_large or path not in self._thumb_pending):
            self._preview_pending.discard(path)
            dialog = self.details_dialog
            if dialog is not None and dialog.isVisible() and dialog.path == path:
                if image.isNull():
                    dialog.show_unreadable()
                else:
                    dialog.show_image(QPixmap.fromImage(image))

    # --- drawing from the controller ---------------------------------------------------------
    def refresh(self) -> None:
        has_session = self.controller.session is not None
        self.no_session_label.setVisible(not has_session)
        self.add_button.setEnabled(has_session)
        self.add_folder_button.setEnabled(has_session)
        self.grid.setEnabled(has_session)
        self.grid.empty_text = (
            "Drop your selfies here, or use “Add photos…”." if has_session else "Start a session first, then add your photos."
        )
        paths = self.controller.photo_paths()
        self._sync_items(paths)
        verdicts = [self._update_item(path) for path in paths]
        self._update_counts(verdicts)
        self._update_summary(paths, verdicts)
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
            self._preview_pending.discard(path)
        for row, path in enumerate(paths):
            item = self._items.get(path)
            if item is None:
                item = QListWidgetItem()
                item.setData(PATH_ROLE, str(path))
                item.setData(THUMB_STATE_ROLE, "loading")
                self._items[path] = item
                self.grid.insertItem(row, item)
                self._request_thumbnail(path, item)
            elif self.grid.row(item) != row:
                self.grid.insertItem(row, self.grid.takeItem(self.grid.row(item)))

    def _request_thumbnail(self, path: Path, item: QListWidgetItem) -> None:
        cached = self._pixmaps.get(path)
        if cached is not None:
            item.setData(Qt.ItemDataRole.DecorationRole, cached)
            item.setData(THUMB_STATE_ROLE, "ready")
        elif path not in self._thumb_pending:
            self._thumb_pending.add(path)
            self.thumbnails.request(path, self._thumb_request_side())

    def _update_item(self, path: Path) -> str:
        item = self._items[path]
        verdict, message, issues = _plain_verdict(path, self.controller)
        item.setData(VERDICT_ROLE, verdict)
        item.setText(message)
        item.setToolTip(_tooltip(path, verdict, message, issues))
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{path.name}: {VERDICT_WORDS[verdict]}. {message}")
        return verdict

    def _update_counts(self, verdicts: list[str]) -> None:
        if not verdicts:
            self.count_label.setText("No photos yet.")
            return
        parts = []
        for verdict, word in (("ok", "good"), ("warn", "usable"), ("reject", "not used"), ("pending", "being checked")):
            n = verdicts.count(verdict)
            if n:
                parts.append(f"{n} {word}")
        total = len(verdicts)
        self.count_label.setText(f"{total} photo{'s' if total != 1 else ''}: " + ", ".join(parts))

    def _update_summary(self, paths: list[Path], verdicts: list[str]) -> None:
        report = self.controller.set_report
        minimum, (ideal_low, ideal_high) = THRESHOLDS.min_photos, THRESHOLDS.ideal_photos
        usable = len(report.usable) if report is not None else 0
        if usable < minimum:
            self.usable_label.setText(f"{usable} of {minimum} needed ({ideal_low}–{ideal_high} is ideal)")
        else:
            self.usable_label.setText(f"{usable} usable photos ({minimum} needed, {ideal_low}–{ideal_high} is ideal)")
        self.usable_bar.setValue(min(usable, ideal_low))
        self.usable_bar.setAccessibleName(f"{usable} usable photos of {minimum} needed")
        bar_colour = VERDICT_COLOURS["reject" if usable < minimum else ("warn" if usable < ideal_low else "ok")]
        self.usable_bar.setStyleSheet(
            "QProgressBar { border: 1px solid palette(mid); border-radius: 5px; background: palette(base); }"
            f"QProgressBar::chunk {{ background: {bar_colour}; border-radius: 4px; }}"
        )

        checking = verdicts.count("pending")
        issues = list(report.issues) if report is not None else []
        if self.controller.session is None:
            sentence, colour = "Start a session first.", None
        elif not paths:
            sentence, colour = f"Not ready yet: add at least {minimum} photos of yourself.", "reject"
        elif self.controller.analysing:
            done = len(paths) - checking
            sentence, colour = f"Checking photos… ({done} of {len(paths)} done)", "pending"
        elif report is None:
            sentence, colour = "Not ready yet: none of these photos can be used. Add other photos of yourself.", "reject"
        else:
            sentence = report.message
            colour = "ok" if report.ready and not report.issues else ("warn" if report.ready else "reject")
        self.ready_label.setText(sentence)
        text_colour = self._readable(colour) if colour in ("ok", "warn", "reject") else None
        self.ready_label.setStyleSheet(f"color: {text_colour.name()};" if text_colour is not None else "")

        # The set's other findings (count, variety, one person); the worst one is already
        # the sentence above (SetReport.message quotes it).
        shown = []
        if report is not None and not self.controller.analysing:
            shown = [i for i in issues if i.message[1:] not in sentence]
        self.set_issues.setText(
            _issues_html([(i.severity.value, i.message) for i in sorted(shown, key=lambda i: -i.severity.rank)])
        )
        self.set_issues.setVisible(bool(shown))

    def _readable(self, verdict: str) -> QColor:
        """The badge colour, darkened (or on a dark theme lightened) enough to read as text."""
        colour = QColor(VERDICT_COLOURS[verdict])
        if self.palette().color(QPalette.ColorRole.Window).lightnessF() < 0.5:
            return colour.lighter(130)
        return colour.darker({"ok": 130, "warn": 160, "reject": 125}[verdict])

    def _update_selection(self) -> None:
        selected = self.selected_paths()
        has_session = self.controller.session is not None
        self.remove_button.setEnabled(has_session and bool(selected))
        self.remove_button.setText("Remove photos" if len(selected) > 1 else "Remove photo")
        self.details_button.setEnabled(len(selected) == 1)
        if len(selected) == 1:
            path = selected[0]
            verdict, message, _ = _plain_verdict(path, self.controller)
            self.selected_label.setText(f"{path.name} — {VERDICT_WORDS[verdict]}: {message}  (Enter for details)")
        elif selected:
            self.selected_label.setText(f"{len(selected)} photos selected. Press Delete to remove them.")
        elif self.grid.count():
            self.selected_label.setText("Click a photo to see what to fix; double-click it for details.")
        else:
            self.selected_label.clear()
