"""The Gallery page's grid: one card per headshot (thumbnail, rank, favourite heart,
warnings, likeness stars, style), its keys (Enter, F, Delete) and its thumbnails, made
off the UI thread and kept while the file is unchanged. What a card says is decided in
core/gallery.py; this module only draws it."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QImage, QKeyEvent, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QStyle, QStyledItemDelegate

from headshot_studio.core.gallery import MAX_STARS, GalleryEntry, flag_warnings, likeness_stars, scores_text
from headshot_studio.ui import theme
from headshot_studio.ui.core_text import core_text
from headshot_studio.ui.widgets import verdict_colour
from headshot_studio.ui.workers import ThumbnailLoader

THUMB_SIZES = {"large": 280, "small": 180}  # thumbnail side in the grid, logical pixels
THUMB_PX = THUMB_SIZES["large"]

# The likeness in words, by stars (core.gallery.likeness_stars: 3 at the edge of alike).
LIKENESS_WORDS = {
    5: QT_TRANSLATE_NOOP("Likeness", "Very like you"),
    4: QT_TRANSLATE_NOOP("Likeness", "Like you"),
    3: QT_TRANSLATE_NOOP("Likeness", "Fairly like you"),
    2: QT_TRANSLATE_NOOP("Likeness", "Not much like you"),
    1: QT_TRANSLATE_NOOP("Likeness", "Not like you"),
}

ENTRY_ROLE = Qt.ItemDataRole.UserRole  # the GalleryEntry
PATH_ROLE = Qt.ItemDataRole.UserRole + 1  # str path of the finished image
FAVOURITE_ROLE = Qt.ItemDataRole.UserRole + 2  # bool
RANK_ROLE = Qt.ItemDataRole.UserRole + 3  # 1 = best in the whole gallery
STYLE_ROLE = Qt.ItemDataRole.UserRole + 4  # the style's display name


def stars_text(stars: int | None) -> str:
    """Filled and empty stars; for a likeness not measured, says so instead of 0 stars."""
    if stars is None:
        return QCoreApplication.translate("GalleryGrid", "not measured")
    return "★" * stars + "☆" * (MAX_STARS - stars)


def likeness_words(stars: int | None) -> str:
    """The likeness in words, as a person would say it."""
    if stars is None:
        return QCoreApplication.translate("Likeness", "Likeness not measured")
    return QCoreApplication.translate("Likeness", LIKENESS_WORDS[max(1, min(MAX_STARS, stars))])


def warning_badges(entry: GalleryEntry) -> list[tuple[str, str]]:
    """(words, colour) for each of the entry's warnings."""
    return [(core_text(words), verdict_colour(verdict)) for words, verdict in flag_warnings(entry)]


def detail_lines(entry: GalleryEntry) -> list[str]:
    """Rich-text lines about a headshot: its scores, then its warnings."""
    lines = [html.escape(core_text(scores_text(entry)))]
    lines += [f"<span style='color:{colour}'>⚠ {html.escape(words)}</span>" for words, colour in warning_badges(entry)]
    return [line for line in lines if line]


def _rounded_badge(painter: QPainter, rect: QRect, text: str, background: QColor | str, foreground: str = "") -> None:
    """A pill with ``text``; by default in the palette's colour for text on a status fill."""
    foreground = foreground or theme.palette().on_status
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(background))
    painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
    painter.setPen(QColor(foreground))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


class HeadshotDelegate(QStyledItemDelegate):
    """Draws one gallery card: thumbnail, rank, favourite heart, warning badge, stars, style."""

    PADDING = 6

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.thumb_px = THUMB_PX

    def sizeHint(self, option, index) -> QSize:
        # the thumbnail, then two caption lines (the stars' line a fifth taller)
        line = QFontMetrics(option.font).height()
        return QSize(self.thumb_px + 2 * self.PADDING,
                     self.thumb_px + 3 * self.PADDING + 2 * (line + 2) + line // 5)

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
        painter.drawRoundedRect(card, theme.RADIUS, theme.RADIUS)
        side = self.thumb_px
        thumb = QRect(card.left() + (card.width() - side) // 2, card.top() + self.PADDING - 2, side, side)
        self._paint_picture(painter, palette, thumb, index)
        self._paint_overlays(painter, option, thumb, index)
        self._paint_caption(painter, option, card, thumb, index)
        if option.state & QStyle.StateFlag.State_HasFocus:
            painter.setPen(QPen(highlight, 1, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(card.adjusted(3, 3, -3, -3), 4, 4)
        painter.restore()

    @staticmethod
    def _paint_picture(painter: QPainter, palette, thumb: QRect, index) -> None:
        """The picture, or a placeholder until its thumbnail arrives."""
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
            painter.drawText(thumb, Qt.AlignmentFlag.AlignCenter, QCoreApplication.translate("HeadshotDelegate", "Loading…"))

    @staticmethod
    def _paint_overlays(painter: QPainter, option, thumb: QRect, index) -> None:
        """Rank (top left), favourite (top right), warnings (bottom)."""
        small = theme.scaled_font(option.font, 0.85, bold=True)
        painter.setFont(small)
        metrics = QFontMetrics(small)
        badge_h = metrics.height() + 4
        rank = index.data(RANK_ROLE)
        if rank:
            text = f"#{rank}"
            _rounded_badge(painter, QRect(thumb.left() + 6, thumb.top() + 6, metrics.horizontalAdvance(text) + 12, badge_h),
                           text, QColor(0, 0, 0, 170), "#ffffff")  # white on a dark scrim, both looks
        if index.data(FAVOURITE_ROLE):
            heart = QRect(thumb.right() - badge_h - 6, thumb.top() + 6, badge_h + 2, badge_h + 2)
            _rounded_badge(painter, heart, "♥", QColor(255, 255, 255, 230), theme.LIGHT.danger)  # on white, both looks
        entry = index.data(ENTRY_ROLE)
        bottom = thumb.bottom() - 6
        for words, colour in reversed(warning_badges(entry) if entry is not None else []):
            width = min(thumb.width() - 12, metrics.horizontalAdvance(words) + 16)
            rect = QRect(thumb.left() + (thumb.width() - width) // 2, bottom - badge_h, width, badge_h)
            _rounded_badge(painter, rect, metrics.elidedText(words, Qt.TextElideMode.ElideRight, width - 8), colour)
            bottom -= badge_h + 4

    @staticmethod
    def _paint_caption(painter: QPainter, option, card: QRect, thumb: QRect, index) -> None:
        """The likeness stars, then the style."""
        palette, padding = option.palette, HeadshotDelegate.PADDING
        painter.setFont(option.font)
        line = QFontMetrics(option.font).height() + 2
        text_rect = QRect(card.left() + padding, thumb.bottom() + padding, card.width() - 2 * padding, line + line // 5)
        entry = index.data(ENTRY_ROLE)
        star_font = theme.scaled_font(option.font, 1.2)
        painter.setFont(star_font)
        stars = likeness_stars(entry) if entry is not None else None
        painter.setPen(theme.palette().colour("star"))
        shown = stars_text(stars)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, shown)
        used = QFontMetrics(star_font).horizontalAdvance(shown) + HeadshotDelegate.PADDING
        painter.setFont(option.font)
        painter.setPen(palette.text().color())
        words_rect = text_rect.adjusted(used, 0, 0, 0)
        painter.drawText(words_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         QFontMetrics(option.font).elidedText(likeness_words(stars) if stars is not None else "",
                                                              Qt.TextElideMode.ElideRight, words_rect.width()))
        text_rect = QRect(text_rect.left(), text_rect.bottom() + 1, text_rect.width(), line)
        painter.setPen(palette.placeholderText().color())
        style = str(index.data(STYLE_ROLE) or "")
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         QFontMetrics(option.font).elidedText(style, Qt.TextElideMode.ElideRight, text_rect.width()))


class GalleryGrid(QListWidget):
    """The grid of cards; Enter, F and Delete act on the selection. Thumbnails are made
    by ``thumbnails`` (a background loader) and kept while the file is unchanged."""

    zoom_requested = Signal()
    favourite_requested = Signal()
    delete_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("galleryGrid")
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setMovement(QListWidget.Movement.Static)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setUniformItemSizes(True)
        self.setSpacing(6)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.delegate = HeadshotDelegate(self)
        self.setItemDelegate(self.delegate)
        self.setAccessibleName(self.tr("Your headshots, best first"))
        self.setToolTip("")
        self.thumbnails = ThumbnailLoader(self)
        self.thumbnails.loaded.connect(self._on_thumbnail)
        self._thumbs: dict[str, tuple[int, QPixmap]] = {}  # path -> (mtime_ns, pixmap)
        self._pending: dict[str, int] = {}  # path -> mtime_ns asked for

    def focusInEvent(self, event) -> None:
        """Arriving with the keyboard selects the current card (or the best), so F, Enter
        and Delete act at once."""
        super().focusInEvent(event)
        if self.count() and not self.selectedItems():
            item = self.currentItem() or self.item(0)
            self.setCurrentItem(item)
            item.setSelected(True)

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

    def add_card(self, rank: int, entry: GalleryEntry, path: Path, *, style: str, favourite: bool,
                 look_alikes: int) -> QListWidgetItem:
        """One card: ``style`` is the style's name, ``look_alikes`` how many others look nearly the same."""
        stars = likeness_stars(entry)
        item = QListWidgetItem(" ".join([f"#{rank}", stars_text(stars), likeness_words(stars), style,
                                         *(w for w, _ in warning_badges(entry))]))
        item.setData(ENTRY_ROLE, entry)
        item.setData(PATH_ROLE, str(path))
        item.setData(RANK_ROLE, rank)
        item.setData(STYLE_ROLE, style)
        item.setData(FAVOURITE_ROLE, favourite)
        likeness = (self.tr("Likeness: {stars} ({count} of {max}): {words}").format(
                        stars=stars_text(stars), count=stars, max=MAX_STARS, words=likeness_words(stars))
                    if stars is not None else self.tr("Likeness: {stars}").format(stars=stars_text(stars)))
        item.setData(Qt.ItemDataRole.AccessibleTextRole, self.tr("Number {rank}, {style}. {likeness}").format(
            rank=rank, style=style, likeness=likeness))
        tip = [f"<b>#{rank} · {html.escape(style)}</b>", likeness, *detail_lines(entry)]
        if look_alikes:
            tip.append(self.tr("1 other looks nearly the same") if look_alikes == 1
                       else self.tr("{count} others look nearly the same").format(count=look_alikes))
        if entry.seed is not None:
            tip.append(self.tr("Seed {seed}").format(seed=entry.seed))
        item.setToolTip("<br>".join(tip))
        self.addItem(item)
        self._set_thumbnail(item, path)
        return item

    def set_thumb_size(self, side: int) -> None:
        """Larger or smaller cards; thumbnails are made again at the new size."""
        if side == self.delegate.thumb_px:
            return
        self.delegate.thumb_px = side
        self._thumbs.clear()
        for row in range(self.count()):
            item = self.item(row)
            item.setData(Qt.ItemDataRole.DecorationRole, None)
            self._set_thumbnail(item, Path(item.data(PATH_ROLE)))
        self.doItemsLayout()

    def entries(self) -> list[GalleryEntry]:
        """The entries shown, in order."""
        return [self.item(row).data(ENTRY_ROLE) for row in range(self.count())]

    def forget_thumbnails(self) -> None:
        self._thumbs.clear()

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
            self.thumbnails.request(path, round(self.delegate.thumb_px * self.devicePixelRatioF()))

    def _on_thumbnail(self, path: str, image: QImage) -> None:
        mtime = self._pending.pop(path, None)
        if image.isNull() or mtime is None:
            return
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(self.devicePixelRatioF())  # made at the screen's scale: sharp at 200 %
        self._thumbs[path] = (mtime, pixmap)
        for row in range(self.count()):
            item = self.item(row)
            if item.data(PATH_ROLE) == path:
                item.setData(Qt.ItemDataRole.DecorationRole, pixmap)
