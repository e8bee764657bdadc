"""The Photos page's widgets: the grid (one card per photo: thumbnail, verdict badge, one
sentence), the set's summary, and the small pieces the details window shares (problem
lists, tooltips).

Each item holds the photo's path (``PATH_ROLE``), its :class:`PhotoStatus` from the
controller (``STATUS_ROLE``) and how far its thumbnail is (``THUMB_STATE_ROLE``).
"""

from __future__ import annotations

import enum
import html

from PySide6.QtCore import QEvent, QCoreApplication, QModelIndex, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QListView,
    QListWidget,
    QProgressBar,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from headshot_studio.core.limits import IDEAL_PHOTOS, MIN_PHOTOS
from headshot_studio.core.photo_status import PhotoStatus, SetStatus
from headshot_studio.core.quality import Verdict
from headshot_studio.ui.core_text import core_text
from headshot_studio.ui import theme
from headshot_studio.ui.widgets import VERDICT_ROLES, badge_pixmap, verdict_colour, verdict_word, wrapped_lines

THUMB_SIDE = 150  # logical pixels: the thumbnail area in the grid
CELL_WIDTH = 168  # logical pixels: one grid cell (four fit beside the summary at 1100 px)
CELL_PADDING = 8
MESSAGE_LINES = 4  # lines of the one-sentence message under each thumbnail

PATH_ROLE = Qt.ItemDataRole.UserRole  # the photo's path, as text
STATUS_ROLE = Qt.ItemDataRole.UserRole + 1  # its PhotoStatus
THUMB_STATE_ROLE = Qt.ItemDataRole.UserRole + 2  # its ThumbState


class ThumbState(enum.Enum):
    LOADING = "loading"
    READY = "ready"
    UNREADABLE = "unreadable"


class ImageKind(enum.Enum):
    """What a picture was asked for: the grid's thumbnail or the details window's preview."""

    THUMBNAIL = "thumbnail"
    PREVIEW = "preview"


def item_status(index_or_item) -> PhotoStatus | None:
    return index_or_item.data(STATUS_ROLE)


def photo_tooltip(status: PhotoStatus) -> str:
    lines = [f"<b>{html.escape(status.file.name)}</b> — {verdict_word(status.verdict)}"]
    if len(status.problems) > 1:
        lines += [f"• {html.escape(core_text(issue.message))}" for issue in status.problems]
    else:
        lines.append(html.escape(core_text(status.message)))
    hint = QCoreApplication.translate("PhotoGrid", "Press Enter or double-click for details.")
    lines.append(f"<i>{html.escape(hint)}</i>")
    return "<p>" + "<br>".join(lines) + "</p>"


def bold(label: QLabel, scale: float = 1.0) -> QLabel:
    """``label`` in bold, its font ``scale`` times larger."""
    label.setFont(theme.scaled_font(label.font(), scale, bold=True))
    return label


def issues_label(object_name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def issues_html(rows: list[tuple[Verdict | None, str]]) -> str:
    """Each problem as a coloured dot (its severity) and its sentence (core's words, translated)."""
    cells = "".join(
        f"<tr><td style='color:{verdict_colour(severity)}; padding-right:6px'>●</td>"
        f"<td style='padding-bottom:6px'>{html.escape(core_text(text))}</td></tr>"
        for severity, text in rows
    )
    return f"<table cellspacing='0' cellpadding='0'>{cells}</table>"


class PhotoDelegate(QStyledItemDelegate):
    """One photo in the grid: the thumbnail, its badge (dot and word) and its message."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        line = option.fontMetrics.lineSpacing()
        badge_row = max(18, line + 4)
        return QSize(CELL_WIDTH, CELL_PADDING + THUMB_SIDE + 6 + badge_row + 2 + MESSAGE_LINES * line + CELL_PADDING)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = QRect(option.rect).adjusted(3, 3, -3, -3)
        self._draw_card(painter, option, card)
        inner = card.adjusted(CELL_PADDING - 3, CELL_PADDING - 3, -(CELL_PADDING - 3), -(CELL_PADDING - 3))
        thumb_rect = QRect(inner.left(), inner.top(), inner.width(), THUMB_SIDE)
        self._draw_thumbnail(painter, option, index, thumb_rect)

        # the badge: a coloured dot and a word
        metrics = option.fontMetrics
        badge_row = max(18, metrics.lineSpacing() + 4)
        status = item_status(index)
        verdict = status.verdict if status is not None else None
        y = thumb_rect.bottom() + 6
        painter.drawPixmap(inner.left(), y + (badge_row - 14) // 2, badge_pixmap(verdict, 14))
        word_font = QFont(option.font)
        word_font.setBold(True)
        painter.setFont(word_font)
        painter.setPen(option.palette.color(QPalette.ColorRole.Text))
        painter.drawText(
            QRect(inner.left() + 20, y, inner.width() - 20, badge_row),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            verdict_word(verdict),
        )

        # the one-sentence message, wrapped to a few lines and cut with "…"
        painter.setFont(option.font)
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        for n, shown in enumerate(wrapped_lines(text, painter.font(), inner.width(), MESSAGE_LINES)):
            painter.drawText(inner.left(), y + badge_row + 2 + metrics.ascent() + n * metrics.lineSpacing(), shown)
        painter.restore()

    @staticmethod
    def _draw_card(painter: QPainter, option: QStyleOptionViewItem, card: QRect) -> None:
        palette = option.palette
        if option.state & QStyle.StateFlag.State_Selected:
            fill = QColor(palette.color(QPalette.ColorRole.Highlight))
            fill.setAlpha(45)
            painter.setBrush(fill)
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 2))
        else:
            painter.setBrush(palette.color(QPalette.ColorRole.Base))
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.drawRoundedRect(card, 6, 6)

    @staticmethod
    def _draw_thumbnail(painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex, area: QRect) -> None:
        """The thumbnail fitted into ``area`` (drawn at the screen's pixel ratio), or a placeholder."""
        pixmap = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(pixmap, QPixmap) and not pixmap.isNull():
            size = pixmap.deviceIndependentSize().toSize().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(QPoint(0, 0), size)
            target.moveCenter(area.center())
            painter.drawPixmap(target, pixmap)
            return
        palette = option.palette
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.color(QPalette.ColorRole.AlternateBase))
        painter.drawRoundedRect(area, 4, 4)
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        unreadable = index.data(THUMB_STATE_ROLE) == ThumbState.UNREADABLE
        painter.drawText(area, Qt.AlignmentFlag.AlignCenter,
                         QCoreApplication.translate("PhotoDelegate", "No preview") if unreadable
                         else QCoreApplication.translate("PhotoDelegate", "Loading…"))


class PhotoGrid(QListWidget):
    """The thumbnails, in the session's order. Delete removes the selected photos, Enter
    (or a double-click) opens the details; drops are handled by the page."""

    remove_requested = Signal()
    details_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("photoGrid")
        self.setAccessibleName(self.tr("Your photos"))
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
            painter.setFont(theme.scaled_font(self.font(), 1.2))
            painter.drawText(
                self.viewport().rect().adjusted(24, 24, -24, -24),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.empty_text,
            )
            painter.end()


class SetSummary(QFrame):
    """The set: how many photos are usable, and whether it is ready (a SetStatus, drawn)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setSummary")
        theme.set_role(self, "card", "true")
        self.usable_label = QLabel()
        self.usable_label.setObjectName("usableCountLabel")
        self.usable_label.setWordWrap(True)
        self.usable_bar = QProgressBar()
        self.usable_bar.setObjectName("usableProgress")
        self.usable_bar.setRange(0, IDEAL_PHOTOS[0])
        self.usable_bar.setTextVisible(False)
        self.usable_bar.setFixedHeight(12)
        self.ready_label = bold(QLabel(), 1.15)
        self.ready_label.setObjectName("setReadyLabel")
        self.ready_label.setWordWrap(True)
        self.ready_label.setTextFormat(Qt.TextFormat.PlainText)
        self.set_issues = issues_label("setIssues")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2 * theme.SPACE, 2 * theme.SPACE, 2 * theme.SPACE, 2 * theme.SPACE)
        layout.setSpacing(theme.SPACE)
        layout.addWidget(bold(QLabel(self.tr("Your set")), 1.2))
        layout.addWidget(self.usable_label)
        layout.addWidget(self.usable_bar)
        layout.addSpacing(4)
        layout.addWidget(self.ready_label)
        layout.addWidget(self.set_issues)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        shown = getattr(self, "_shown", None)
        if event.type() == QEvent.Type.PaletteChange and shown is not None and shown[1] is not theme.palette():
            self.show_status(shown[0])  # Settings switched light/dark: the bar and dots follow

    def show_status(self, status: SetStatus) -> None:
        self._shown = (status, theme.palette())
        self.usable_label.setText(core_text(status.usable_text))
        self.usable_bar.setValue(min(status.usable, IDEAL_PHOTOS[0]))
        self.usable_bar.setAccessibleName(self.tr("{usable} usable photos of {needed} needed").format(
            usable=status.usable, needed=MIN_PHOTOS))
        self.usable_bar.setStyleSheet(
            f"QProgressBar::chunk {{ background: {verdict_colour(status.usable_tone)}; border-radius: 6px; }}")
        self.ready_label.setText(core_text(status.sentence))
        # the palette's text colours for the verdicts pass WCAG AA on a card (tests/ui/test_theme.py)
        theme.set_role(self.ready_label, "role", VERDICT_ROLES[status.tone] if status.tone is not None else "")
        self.set_issues.setText(issues_html([(issue.severity, issue.message) for issue in status.findings]))
        self.set_issues.setVisible(bool(status.findings))
