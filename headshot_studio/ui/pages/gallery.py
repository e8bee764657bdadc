"""Gallery: the finished headshots, best first, with likeness stars and plain-word
warnings; filter by style; zoom next to a source selfie; favourite, delete, "more like
this"; export the selected ones or the favourites to a folder or a ZIP.

Keys on the grid: Enter opens the large view, F marks/unmarks favourites, Delete
deletes (after asking). Thumbnails are made off the UI thread; the export runs in a
background worker through ``core.export``.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QRect, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QKeyEvent, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from headshot_studio.core.events import HeadshotError, describe_error
from headshot_studio.ui.widgets import (
    VERDICT_COLOURS,
    ThumbnailLoader,
    ask_yes_no,
    heading,
    pictures_folder,
    primary_button,
    show_error,
)
from headshot_studio.ui.workers import JobWorker

log = logging.getLogger(__name__)

THUMB_PX = 200  # thumbnail side in the grid
ZOOM_PX = 1024  # longest side loaded for the large view
STAR_COLOUR = "#e0a800"
FAVOURITE_COLOUR = "#d13b3b"
# Ranking flags in plain words (never the codes), with the badge colour.
FLAG_WORDS = {
    "no_face": ("No face found", VERDICT_COLOURS["reject"]),
    "unlike_person": ("Doesn't look like you", VERDICT_COLOURS["reject"]),
    "several_faces": ("More than one face", VERDICT_COLOURS["warn"]),
}
UNKNOWN_FLAG = ("Check this one", VERDICT_COLOURS["warn"])
SCORE_WORDS = {"likeness": "Likeness", "sharpness": "Sharpness", "exposure": "Light", "composition": "Framing"}
SIZE_CHOICES = [("Full size", "full"), ("1024 px (longer side)", "1024"), ("Square 400×400 profile picture", "square400")]
FORMAT_CHOICES = [("JPEG: smaller files, for most uses", "jpeg"), ("PNG: lossless, larger files", "png")]

ENTRY_ROLE = Qt.ItemDataRole.UserRole  # the gallery entry (dict)
PATH_ROLE = Qt.ItemDataRole.UserRole + 1  # str path of the finished image
FAVOURITE_ROLE = Qt.ItemDataRole.UserRole + 2  # bool
RANK_ROLE = Qt.ItemDataRole.UserRole + 3  # 1 = best in the whole gallery
STYLE_ROLE = Qt.ItemDataRole.UserRole + 4  # the style's display name


def likeness_stars(entry: dict) -> int:
    """0-5 stars from the likeness score (0-1)."""
    likeness = (entry.get("scores") or {}).get("likeness") or 0.0
    return max(0, min(5, round(float(likeness) * 5)))


def stars_text(stars: int) -> str:
    return "★" * stars + "☆" * (5 - stars)


def flag_badges(entry: dict) -> list[tuple[str, str]]:
    """(words, colour) for each of the entry's flags, without repeats."""
    badges: list[tuple[str, str]] = []
    for flag in entry.get("flags") or ():
        badge = FLAG_WORDS.get(flag, UNKNOWN_FLAG)
        if badge not in badges:
            badges.append(badge)
    return badges


def scores_text(entry: dict) -> str:
    scores = entry.get("scores") or {}
    parts = [f"{word} {round(100 * scores[key])}%" for key, word in SCORE_WORDS.items() if scores.get(key) is not None]
    return " · ".join(parts)


def style_names() -> dict[str, str]:
    """Style id -> the name shown on its card (ids stand in if the styles cannot be read)."""
    from headshot_studio.core.events import InputError
    from headshot_studio.core.styles import load_styles

    try:
        styles, _errors = load_styles()
    except (InputError, OSError) as exc:
        log.warning("style names unavailable: %s", exc)
        return {}
    return {style_id: style.name for style_id, style in styles.items()}


def display_style(style_id: str | None, names: dict[str, str]) -> str:
    if not style_id:
        return "Unknown style"
    return names.get(style_id) or style_id.replace("-", " ").replace("_", " ").capitalize()


def _rounded_badge(painter: QPainter, rect: QRect, text: str, background: QColor | str, foreground: str = "white") -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(background))
    painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
    painter.setPen(QColor(foreground))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


class HeadshotDelegate(QStyledItemDelegate):
    """Draws one gallery card: thumbnail, rank, favourite heart, warning badge, stars, style."""

    PADDING = 6

    def sizeHint(self, option, index) -> QSize:
        # the thumbnail, then two caption lines (the stars' line a fifth taller)
        line = QFontMetrics(option.font).height()
        return QSize(THUMB_PX + 2 * self.PADDING, THUMB_PX + 3 * self.PADDING + 2 * (line + 2) + line // 5)

    def paint(self, painter: QPainter, option, index) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = option.palette
        card = option.rect.adjusted(2, 2, -2, -2)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        highlight = palette.highlight().color()
        painter.setPen(QPen(highlight, 3) if selected else QPen(palette.mid().color(), 1))
        fill = QColor(highlight)
        fill.setAlpha(40)
        painter.setBrush(fill if selected else palette.base().color())
        painter.drawRoundedRect(card, 6, 6)

        # 1. the picture (or a placeholder until its thumbnail arrives)
        thumb = QRect(card.left() + (card.width() - THUMB_PX) // 2, card.top() + self.PADDING - 2, THUMB_PX, THUMB_PX)
        pixmap = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(pixmap, QPixmap) and not pixmap.isNull():
            scaled = pixmap.scaled(thumb.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
            x = thumb.left() + (thumb.width() - scaled.width()) // 2
            y = thumb.top() + (thumb.height() - scaled.height()) // 2
            painter.drawPixmap(x, y, scaled)
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.alternateBase().color())
            painter.drawRect(thumb)
            painter.setPen(palette.placeholderText().color())
            painter.drawText(thumb, Qt.AlignmentFlag.AlignCenter, "Loading…")

        small = QFont(option.font)
        small.setPointSizeF(max(7.0, option.font.pointSizeF() * 0.85))
        small.setBold(True)
        painter.setFont(small)
        metrics = QFontMetrics(small)
        badge_h = metrics.height() + 4

        # 2. overlays: rank (top left), favourite (top right), warnings (bottom)
        rank = index.data(RANK_ROLE)
        if rank:
            text = f"#{rank}"
            _rounded_badge(painter, QRect(thumb.left() + 6, thumb.top() + 6, metrics.horizontalAdvance(text) + 12, badge_h),
                           text, QColor(0, 0, 0, 170))
        if index.data(FAVOURITE_ROLE):
            heart = QRect(thumb.right() - badge_h - 6, thumb.top() + 6, badge_h + 2, badge_h + 2)
            _rounded_badge(painter, heart, "♥", QColor(255, 255, 255, 230), FAVOURITE_COLOUR)
        entry = index.data(ENTRY_ROLE) or {}
        bottom = thumb.bottom() - 6
        for words, colour in reversed(flag_badges(entry)):
            width = min(thumb.width() - 12, metrics.horizontalAdvance(words) + 16)
            rect = QRect(thumb.left() + (thumb.width() - width) // 2, bottom - badge_h, width, badge_h)
            _rounded_badge(painter, rect, metrics.elidedText(words, Qt.TextElideMode.ElideRight, width - 8), colour)
            bottom -= badge_h + 4

        # 3. the caption: likeness stars, then the style
        painter.setFont(option.font)
        line = QFontMetrics(option.font).height() + 2
        text_rect = QRect(card.left() + self.PADDING, thumb.bottom() + self.PADDING, card.width() - 2 * self.PADDING,
                          line + line // 5)
        stars = likeness_stars(entry)
        star_font = QFont(option.font)
        star_font.setPointSizeF(option.font.pointSizeF() * 1.2)
        painter.setFont(star_font)
        painter.setPen(QColor(STAR_COLOUR))
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, stars_text(stars))
        painter.setFont(option.font)
        painter.setPen(palette.placeholderText().color())
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, "likeness")
        text_rect = QRect(text_rect.left(), text_rect.bottom() + 1, text_rect.width(), line)
        painter.setPen(palette.text().color())
        style = str(index.data(STYLE_ROLE) or "")
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         QFontMetrics(option.font).elidedText(style, Qt.TextElideMode.ElideRight, text_rect.width()))
        if option.state & QStyle.StateFlag.State_HasFocus:
            painter.setPen(QPen(highlight, 1, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(card.adjusted(3, 3, -3, -3), 4, 4)
        painter.restore()


class GalleryGrid(QListWidget):
    """The grid of cards; Enter, F and Delete act on the selection."""

    zoom_requested = Signal()
    favourite_requested = Signal()
    delete_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.zoom_requested.emit()
        elif key == Qt.Key.Key_F and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.favourite_requested.emit()
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_requested.emit()
        else:
            super().keyPressEvent(event)


class GalleryPage(QWidget):
    title = "Gallery"
    more_like_this_requested = Signal()  # "more like this" started a run: show the Create page
    export_finished = Signal(object)  # ExportResult

    def __init__(self, controller) -> None:
        super().__init__()
        self.controller = controller
        self.setObjectName("galleryPage")
        self._style_names: dict[str, str] | None = None
        self._entries: list[dict] = []  # the gallery, best first
        self._favourites: set[str] = set()
        self._thumbs: dict[str, tuple[int, QPixmap]] = {}  # path -> (mtime_ns, pixmap)
        self._pending: dict[str, int] = {}  # path -> mtime_ns asked for
        self.zoom_dialog: ZoomDialog | None = None
        self.export_dialog: ExportDialog | None = None
        self.thumbnails = ThumbnailLoader(self)
        self.thumbnails.loaded.connect(self._on_thumbnail)
        self.export_worker = JobWorker(self)
        self.export_worker.succeeded.connect(self._on_exported)
        self.export_worker.failed.connect(self._on_export_failed)
        self.export_worker.state_changed.connect(lambda _: self._update_buttons())

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading("Your headshots"))
        top.addStretch()
        self.summary_label = QLabel()
        self.summary_label.setObjectName("gallerySummary")
        top.addWidget(self.summary_label)
        layout.addLayout(top)
        hint = QLabel("Best first: how much each looks like you, then sharpness, light and framing. "
                      "Double-click or press Enter to see one large next to your selfie.")
        hint.setWordWrap(True)
        # the hint and the filters only mean something once there are headshots
        self.filters_box = QWidget()
        box = QVBoxLayout(self.filters_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(hint)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Style:"))
        self.style_filter = QComboBox()
        self.style_filter.setObjectName("styleFilter")
        self.style_filter.setToolTip("Show the headshots of one style only")
        self.style_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.style_filter.currentIndexChanged.connect(lambda _: self._render())
        filters.addWidget(self.style_filter)
        self.favourites_only = QCheckBox("Favourites only")
        self.favourites_only.setObjectName("favouritesOnly")
        self.favourites_only.setToolTip("Show only the headshots you marked with ♥")
        self.favourites_only.toggled.connect(lambda _: self._render())
        filters.addWidget(self.favourites_only)
        self.hide_look_alikes = QCheckBox("Hide look-alikes")
        self.hide_look_alikes.setObjectName("hideLookAlikes")
        self.hide_look_alikes.setToolTip("Show only the best of each group of headshots that look nearly the same")
        self.hide_look_alikes.toggled.connect(lambda _: self._render())
        filters.addWidget(self.hide_look_alikes)
        filters.addStretch()
        box.addLayout(filters)
        layout.addWidget(self.filters_box)

        self.stack = QStackedWidget()
        self.message = QLabel()
        self.message.setObjectName("galleryMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.message)
        self.grid = GalleryGrid()
        self.grid.setObjectName("galleryGrid")
        self.grid.setViewMode(QListWidget.ViewMode.IconMode)
        self.grid.setMovement(QListWidget.Movement.Static)
        self.grid.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.grid.setUniformItemSizes(True)
        self.grid.setSpacing(6)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.grid.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.grid.setItemDelegate(HeadshotDelegate(self.grid))
        self.grid.setToolTip("")
        self.grid.itemSelectionChanged.connect(self._update_buttons)
        self.grid.itemDoubleClicked.connect(lambda _: self.open_zoom())
        self.grid.zoom_requested.connect(self.open_zoom)
        self.grid.favourite_requested.connect(self.toggle_favourite)
        self.grid.delete_requested.connect(self.delete_selected)
        self.stack.addWidget(self.grid)
        layout.addWidget(self.stack, 1)

        actions = QHBoxLayout()
        self.zoom_button = QPushButton("View larger")
        self.zoom_button.setObjectName("zoomButton")
        self.zoom_button.setToolTip("See the headshot large, next to one of your selfies (Enter)")
        self.zoom_button.clicked.connect(self.open_zoom)
        self.favourite_button = QPushButton("♥ Favourite")
        self.favourite_button.setObjectName("favouriteButton")
        self.favourite_button.setToolTip("Mark the selected headshots as favourites, or unmark them (F)")
        self.favourite_button.clicked.connect(self.toggle_favourite)
        self.more_button = QPushButton("More like this")
        self.more_button.setObjectName("moreLikeThisButton")
        self.more_button.setToolTip("Make 4 more headshots in this style with new seeds, using the face already learned")
        self.more_button.clicked.connect(self.more_like_this)
        self.delete_button = QPushButton("Delete…")
        self.delete_button.setObjectName("deleteButton")
        self.delete_button.setToolTip("Delete the selected headshots from this computer (Delete)")
        self.delete_button.clicked.connect(self.delete_selected)
        for button in (self.zoom_button, self.favourite_button, self.more_button, self.delete_button):
            actions.addWidget(button)
        actions.addStretch()
        self.export_progress = QProgressBar()
        self.export_progress.setRange(0, 0)  # busy: exports take seconds
        self.export_progress.setMaximumWidth(120)
        self.export_progress.setVisible(False)
        actions.addWidget(self.export_progress)
        self.export_status = QLabel()
        self.export_status.setObjectName("exportStatus")
        self.export_status.setOpenExternalLinks(True)
        self.export_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        actions.addWidget(self.export_status)
        self.export_button = primary_button("Export…")
        self.export_button.setObjectName("exportButton")
        self.export_button.setToolTip("Save the selected headshots or your favourites to a folder or a ZIP file")
        self.export_button.clicked.connect(self.open_export)
        actions.addWidget(self.export_button)
        layout.addLayout(actions)

        controller.gallery_changed.connect(self.refresh)
        controller.session_changed.connect(self._on_session_changed)
        controller.run_state_changed.connect(lambda _: self._update_buttons())
        self.refresh()

    # --- what is shown -----------------------------------------------------------------
    def _on_session_changed(self) -> None:
        self.export_status.clear()
        self._thumbs.clear()
        self.refresh()

    def _names(self) -> dict[str, str]:
        if self._style_names is None:
            self._style_names = style_names()
        return self._style_names

    def refresh(self) -> None:
        """Re-read the gallery (it changed on disk) and show it."""
        self._entries = self.controller.gallery()
        self._favourites = self.controller.favourites()
        self._style_names = None  # a style may have been added or renamed
        names = self._names()
        counts: dict[str, int] = {}
        for entry in self._entries:
            counts[entry.get("style") or ""] = counts.get(entry.get("style") or "", 0) + 1
        current = self.style_filter.currentData()
        self.style_filter.blockSignals(True)
        self.style_filter.clear()
        self.style_filter.addItem(f"All styles ({len(self._entries)})", None)
        for style_id in sorted(counts, key=lambda s: display_style(s, names).lower()):
            self.style_filter.addItem(f"{display_style(style_id, names)} ({counts[style_id]})", style_id)
        index = self.style_filter.findData(current) if current is not None else 0
        self.style_filter.setCurrentIndex(max(0, index))
        self.style_filter.blockSignals(False)
        self._render()

    def _visible_entries(self) -> list[tuple[int, dict]]:
        style = self.style_filter.currentData()
        seen_groups: set = set()
        shown = []
        for rank, entry in enumerate(self._entries, start=1):
            if style is not None and (entry.get("style") or "") != style:
                continue
            if self.favourites_only.isChecked() and entry["file"] not in self._favourites:
                continue
            if self.hide_look_alikes.isChecked():
                group = entry.get("group")
                if group is not None and group in seen_groups:
                    continue
                seen_groups.add(group)
            shown.append((rank, entry))
        return shown

    def _render(self) -> None:
        session = self.controller.session
        selected = {entry["file"] for entry in self.selected_entries()}
        current = self.grid.currentItem()
        current_file = current.data(ENTRY_ROLE)["file"] if current is not None else None
        self.grid.clear()
        if session is None:
            self._show_message("Start or open a session to see its headshots here.")
            self.summary_label.clear()
            self._update_buttons()
            return
        entries = self._entries
        if not entries:
            self._show_message("No headshots yet. Create them on the Create page: the best ones will appear here first.")
            self.summary_label.clear()
            self._update_buttons()
            return
        favourites = len([e for e in entries if e["file"] in self._favourites])
        self.summary_label.setText(f"{len(entries)} headshots · {favourites} favourite{'s' if favourites != 1 else ''}")
        shown = self._visible_entries()
        if not shown:
            self._show_message("No headshots match these filters.")
        else:
            self.stack.setCurrentWidget(self.grid)
        names = self._names()
        groups: dict = {}
        for entry in entries:
            groups[entry.get("group")] = groups.get(entry.get("group"), 0) + 1
        for rank, entry in shown:
            path = session.final_dir / entry["file"]
            stars = likeness_stars(entry)
            style = display_style(entry.get("style"), names)
            badges = [words for words, _ in flag_badges(entry)]
            item = QListWidgetItem(" ".join([f"#{rank}", stars_text(stars), style, *badges]))
            item.setData(ENTRY_ROLE, entry)
            item.setData(PATH_ROLE, str(path))
            item.setData(RANK_ROLE, rank)
            item.setData(STYLE_ROLE, style)
            item.setData(FAVOURITE_ROLE, entry["file"] in self._favourites)
            tip = [f"<b>#{rank} · {html.escape(style)}</b>", f"Likeness: {stars_text(stars)} ({stars} of 5)",
                   html.escape(scores_text(entry))]
            tip += [f"<span style='color:{colour}'>⚠ {html.escape(words)}</span>" for words, colour in flag_badges(entry)]
            if groups.get(entry.get("group"), 0) > 1:
                others = groups[entry.get("group")] - 1
                tip.append(f"{others} other{'s look' if others != 1 else ' looks'} nearly the same")
            if entry.get("seed") is not None:
                tip.append(f"Seed {entry['seed']}")
            item.setToolTip("<br>".join(t for t in tip if t))
            self.grid.addItem(item)
            self._set_thumbnail(item, path)
            if entry["file"] in selected:
                item.setSelected(True)
            if entry["file"] == current_file:
                self.grid.setCurrentItem(item, QItemSelectionModel.SelectionFlag.NoUpdate)
        if self.grid.currentItem() is not None:
            self.grid.scrollToItem(self.grid.currentItem())
        self._update_buttons()

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)

    def _set_thumbnail(self, item: QListWidgetItem, path: Path) -> None:
        key = str(path)
        try:
            mtime = path.stat().st_mtime_ns
        except OSError:
            return  # deleted behind our back: the card shows its placeholder
        cached = self._thumbs.get(key)
        if cached is not None and cached[0] == mtime:
            item.setData(Qt.ItemDataRole.DecorationRole, cached[1])
        elif self._pending.get(key) != mtime:
            self._pending[key] = mtime
            self.thumbnails.request(path, THUMB_PX)

    def _on_thumbnail(self, path: str, image: QImage) -> None:
        mtime = self._pending.pop(path, None)
        if image.isNull() or mtime is None:
            return
        pixmap = QPixmap.fromImage(image)
        self._thumbs[path] = (mtime, pixmap)
        for row in range(self.grid.count()):
            item = self.grid.item(row)
            if item.data(PATH_ROLE) == path:
                item.setData(Qt.ItemDataRole.DecorationRole, pixmap)

    def selected_entries(self) -> list[dict]:
        """The selected headshots, best first."""
        items = sorted(self.grid.selectedItems(), key=self.grid.row)
        return [item.data(ENTRY_ROLE) for item in items]

    def _current_entry(self) -> dict | None:
        item = self.grid.currentItem()
        if item is not None and item.isSelected():
            return item.data(ENTRY_ROLE)
        selected = self.selected_entries()
        return selected[0] if selected else None

    def _update_buttons(self) -> None:
        selected = self.selected_entries()
        has_session = self.controller.session is not None
        has_images = bool(has_session and self._entries)
        self.zoom_button.setEnabled(bool(selected))
        self.delete_button.setEnabled(bool(selected))
        self.favourite_button.setEnabled(bool(selected))
        all_favourite = bool(selected) and all(e["file"] in self._favourites for e in selected)
        self.favourite_button.setText("♡ Unfavourite" if all_favourite else "♥ Favourite")
        run_busy = self.controller.run_worker.state.busy
        entry = self._current_entry()
        self.more_button.setEnabled(entry is not None and bool(entry.get("style")) and not run_busy)
        if run_busy:
            self.more_button.setToolTip("A run is in progress; wait for it to finish")
        elif entry is not None:
            style = display_style(entry.get("style"), self._names())
            self.more_button.setToolTip(f"Make 4 more “{style}” headshots with new seeds, using the face already learned")
        busy_exporting = self.export_worker.state.busy
        self.export_button.setEnabled(has_images and not busy_exporting)
        self.export_progress.setVisible(busy_exporting)
        self.filters_box.setVisible(has_images)

    # --- actions -----------------------------------------------------------------------
    def toggle_favourite(self) -> None:
        selected = self.selected_entries()
        if not selected:
            return
        make = not all(entry["file"] in self._favourites for entry in selected)
        self.set_favourites([entry["file"] for entry in selected], make)

    def set_favourites(self, files: list[str], favourite: bool) -> None:
        try:
            for file in files:
                self.controller.set_favourite(file, favourite)
        except (HeadshotError, OSError) as exc:  # shown with details; anything else reaches the exception hook
            show_error(self, *describe_error(exc)[1:])

    def _confirm_delete(self, entries: list[dict]) -> bool:
        """Ask before deleting (tests replace this)."""
        what = "this headshot" if len(entries) == 1 else f"these {len(entries)} headshots"
        return ask_yes_no(self, "Delete headshots", f"Delete {what} from this computer? This cannot be undone.")

    def delete_selected(self) -> None:
        entries = self.selected_entries()
        if not entries or not self._confirm_delete(entries):
            return
        row = self.grid.row(self.grid.selectedItems()[0]) if self.grid.selectedItems() else 0
        try:
            for entry in entries:
                self.controller.delete_output(entry["file"])
        except (HeadshotError, OSError) as exc:
            show_error(self, *describe_error(exc)[1:])
        # keep working through the grid: select what took the first deleted one's place
        if self.grid.count():
            item = self.grid.item(min(row, self.grid.count() - 1))
            self.grid.setCurrentItem(item)
            item.setSelected(True)

    def more_like_this(self) -> None:
        entry = self._current_entry()
        if entry is None or not entry.get("style"):
            return
        self.controller.more_like_this(entry)
        self.more_like_this_requested.emit()

    def open_zoom(self) -> None:
        entries = [item.data(ENTRY_ROLE) for item in (self.grid.item(r) for r in range(self.grid.count()))]
        entry = self._current_entry()
        if entry is None or self.controller.session is None:
            return
        self.zoom_dialog = ZoomDialog(self, entries, entries.index(entry))
        self.zoom_dialog.finished.connect(self._zoom_closed)
        self.zoom_dialog.open()

    def _zoom_closed(self) -> None:
        if self.zoom_dialog is not None:
            self.zoom_dialog.loader.wait()
            self.zoom_dialog.deleteLater()
            self.zoom_dialog = None

    # --- export ------------------------------------------------------------------------
    def favourite_files(self) -> list[str]:
        """The favourites that are in the gallery, best first."""
        return [entry["file"] for entry in self._entries if entry["file"] in self._favourites]

    def open_export(self) -> None:
        if self.controller.session is None:
            return
        self.export_dialog = ExportDialog(
            self,
            selected=len(self.selected_entries()),
            favourites=len(self.favourite_files()),
            default_name=f"{self.controller.session.name} headshots",
        )
        self.export_dialog.accepted.connect(lambda: self.start_export(self.export_dialog.options()))
        self.export_dialog.open()

    def start_export(self, options: dict) -> None:
        from headshot_studio.core.export import export_images

        session = self.controller.session
        if options["which"] == "favourites":
            files = self.favourite_files()
        else:
            files = [entry["file"] for entry in self.selected_entries()]
        self.export_status.setText(f"Exporting {len(files)} headshot{'s' if len(files) != 1 else ''}…")
        self.export_worker.start(
            lambda on_event, cancel: export_images(
                session, files, options["destination"], size=options["size"], fmt=options["fmt"],
                keep_metadata=options["keep_metadata"], as_zip=options["as_zip"], cancel=cancel,
            )
        )

    def _on_exported(self, result) -> None:
        folder = result.path.parent if result.path.suffix.lower() == ".zip" else result.path
        link = QUrl.fromLocalFile(str(folder)).toString()
        self.export_status.setText(f"{html.escape(result.describe())} <a href=\"{link}\">Show</a>")
        self.export_status.setToolTip(str(result.path))
        self.export_finished.emit(result)

    def _on_export_failed(self, kind: str, message: str, details: str) -> None:
        self.export_status.setText("The export did not finish.")
        show_error(self, message, details)

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Block until thumbnails and an export in progress are done (closing, tests)."""
        done = self.thumbnails.wait(timeout_ms)
        done = self.export_worker.wait(timeout_ms) and done
        if self.zoom_dialog is not None:
            done = self.zoom_dialog.loader.wait(timeout_ms) and done
        return done



def ranked_selfies(controller) -> list[Path]:
    """The session's selfies that still exist, best-rated first (by their photo check)."""
    existing = [path for path in controller.photo_paths() if path.is_file()]

    def rating(path: Path) -> tuple[int, float]:
        report = controller.report_for(path)
        if report is None:
            return (1, 0.0)
        scores = list(report.scores.values())
        return (report.verdict.rank, -(sum(scores) / len(scores)) if scores else 0.0)

    return sorted(existing, key=rating)


def no_selfie_reason(controller) -> str:
    session = controller.session
    if session is not None and session.manifest.get("photos_deleted"):
        return "Your selfies were deleted after your face was learned, as you asked, so there is none to compare with."
    if controller.photo_paths():
        return "Your selfies are no longer where they were when you added them, so there is none to compare with."
    return "This session has no selfies to compare with."


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
    """A headshot large, next to one of the person's selfies; ←/→ move through the gallery."""

    def __init__(self, page: GalleryPage, entries: list[dict], index: int) -> None:
        super().__init__(page)
        self.page = page
        self.controller = page.controller
        self.entries = entries
        self.index = index
        self.setObjectName("zoomDialog")
        self.setWindowTitle("Headshot")
        self.loader = ThumbnailLoader(self)
        self.loader.loaded.connect(self._on_loaded)
        self._wanted: dict[str, str] = {}  # path -> "headshot" | "selfie"

        layout = QVBoxLayout(self)
        # side by side, in a grid so both pictures line up: titles, pictures, captions
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
        layout.addLayout(panes, 1)

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
        layout.addLayout(buttons)

        self.selfies = ranked_selfies(self.controller)
        for path in self.selfies:
            self.selfie_choice.addItem(path.name, str(path))
        self.selfie_choice.setVisible(len(self.selfies) > 1)
        self.selfie_choice.currentIndexChanged.connect(lambda _: self._load_selfie())
        if self.selfies:
            self._load_selfie()
        else:
            self.selfie.set_image(None, no_selfie_reason(self.controller))
        screen = page.screen().availableGeometry() if page.screen() else QRect(0, 0, 1280, 800)
        self.resize(min(1100, int(screen.width() * 0.9)), min(720, int(screen.height() * 0.9)))
        self.show_entry(index)

    def show_entry(self, index: int) -> None:
        if not 0 <= index < len(self.entries):
            return
        self.index = index
        entry = self.entries[index]
        names = self.page._names()
        style = display_style(entry.get("style"), names)
        stars = likeness_stars(entry)
        title = f"<span style='color:{STAR_COLOUR}; font-size:large'>{stars_text(stars)}</span> <b>{html.escape(style)}</b>"
        lines = [title, html.escape(scores_text(entry))]
        lines += [f"<span style='color:{colour}'>⚠ {html.escape(words)}</span>" for words, colour in flag_badges(entry)]
        if entry.get("seed") is not None:
            lines.append(f"<span style='color:gray'>Seed {entry['seed']}</span>")
        self.info.setText("<br>".join(line for line in lines if line))
        self.headshot.set_image(None, "Loading…")
        path = self.controller.session.final_dir / entry["file"]
        self._wanted[str(path)] = "headshot"
        self.loader.request(path, ZOOM_PX)
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < len(self.entries) - 1)
        self._update_favourite()

    def current_entry(self) -> dict:
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
        if role == "headshot" and path == str(self.controller.session.final_dir / self.current_entry()["file"]):
            self.headshot.set_image(None if image.isNull() else QPixmap.fromImage(image),
                                    "This headshot cannot be shown: its file is missing or damaged.")
        elif role == "selfie" and path == self.selfie_choice.currentData():
            self.selfie.set_image(None if image.isNull() else QPixmap.fromImage(image),
                                  "This selfie cannot be shown: its file is missing or damaged.")

    def _update_favourite(self) -> None:
        favourite = self.current_entry()["file"] in self.controller.favourites()
        self.favourite_button.setText("♡ Unfavourite" if favourite else "♥ Favourite")

    def _toggle_favourite(self) -> None:
        file = self.current_entry()["file"]
        self.page.set_favourites([file], file not in self.controller.favourites())
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


class ExportDialog(QDialog):
    """Which headshots, what size and format, metadata kept or stripped, folder or ZIP.
    On Export it asks where (``_ask_folder`` / ``_ask_zip_path``; tests replace them)."""

    def __init__(self, parent: QWidget, *, selected: int, favourites: int, default_name: str) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export headshots")
        self.default_name = default_name
        self.destination: Path | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()

        which = QVBoxLayout()
        self.selected_choice = QRadioButton(f"The selected headshots ({selected})")
        self.selected_choice.setObjectName("exportSelected")
        self.selected_choice.setEnabled(selected > 0)
        self.favourites_choice = QRadioButton(f"Your favourites ({favourites})")
        self.favourites_choice.setObjectName("exportFavourites")
        self.favourites_choice.setEnabled(favourites > 0)
        (self.selected_choice if selected > 0 or favourites == 0 else self.favourites_choice).setChecked(True)
        which.addWidget(self.selected_choice)
        which.addWidget(self.favourites_choice)
        # radio buttons of one parent exclude each other unless grouped: one group per question
        self.which_group = QButtonGroup(self)
        self.which_group.addButton(self.selected_choice)
        self.which_group.addButton(self.favourites_choice)
        form.addRow("Export:", which)

        self.size_choice = QComboBox()
        self.size_choice.setObjectName("exportSize")
        for label, value in SIZE_CHOICES:
            self.size_choice.addItem(label, value)
        self.size_choice.setToolTip("Full size for print; 1024 px for email and web; square 400×400 for profile pictures")
        form.addRow("Size:", self.size_choice)
        self.format_choice = QComboBox()
        self.format_choice.setObjectName("exportFormat")
        for label, value in FORMAT_CHOICES:
            self.format_choice.addItem(label, value)
        form.addRow("Format:", self.format_choice)

        target = QVBoxLayout()
        self.folder_choice = QRadioButton("Files in a folder")
        self.folder_choice.setObjectName("exportToFolder")
        self.zip_choice = QRadioButton("One ZIP file (to send to a client)")
        self.zip_choice.setObjectName("exportToZip")
        self.folder_choice.setChecked(True)
        target.addWidget(self.folder_choice)
        target.addWidget(self.zip_choice)
        self.target_group = QButtonGroup(self)
        self.target_group.addButton(self.folder_choice)
        self.target_group.addButton(self.zip_choice)
        form.addRow("Save as:", target)

        self.keep_metadata = QCheckBox("Keep the generation settings in the files (prompt, seed, model)")
        self.keep_metadata.setObjectName("keepMetadata")
        self.keep_metadata.setChecked(False)  # privacy first: nothing but pixels
        self.keep_metadata.setToolTip("Off: the files hold nothing but the picture, no hidden text. "
                                      "On: you can recreate an image later from its settings.")
        form.addRow("", self.keep_metadata)
        layout.addLayout(form)

        self.note = QLabel("Select headshots in the gallery or mark favourites (F) first.")
        self.note.setWordWrap(True)
        self.note.setVisible(selected == 0 and favourites == 0)
        layout.addWidget(self.note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("Export…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("startExportButton")
        self.export_button.setDefault(True)
        self.export_button.setEnabled(selected > 0 or favourites > 0)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

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
        folder = QFileDialog.getExistingDirectory(self, "Export to which folder?", self._start_folder())
        return Path(folder) if folder else None

    def _ask_zip_path(self) -> Path | None:
        suggested = str(Path(self._start_folder()) / f"{self.default_name}.zip")
        file, _ = QFileDialog.getSaveFileName(self, "Save the ZIP file as", suggested, "ZIP files (*.zip)")
        if not file:
            return None
        return Path(file) if file.lower().endswith(".zip") else Path(file + ".zip")
