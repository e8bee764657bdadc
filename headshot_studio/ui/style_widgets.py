"""The Styles page's widgets: a card per style (a swatch preview, its name and
description, a tick to choose it and how many headshots to make), and the small pieces
the card is made of."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from headshot_studio.core.styles import Style
from headshot_studio.ui import theme
from headshot_studio.ui.widgets import wrapped_lines

MIN_COUNT, MAX_COUNT = 1, 20  # headshots per style a card (and the settings) offer
CARD_MIN_WIDTH = 300  # pixels; the grid fits as many columns of this width as it can


class SwatchPreview(QWidget):
    """The style's colour with a head-and-shoulders outline: a preview of the backdrop."""

    def __init__(self, colour: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colour = QColor(colour)
        self.setFixedHeight(64)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(CARD_MIN_WIDTH - 24, 64)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect())
        clip = QPainterPath()
        clip.addRoundedRect(rect, 6, 6)
        painter.setClipPath(clip)
        painter.fillRect(rect, self.colour)
        # The figure is a lighter or darker tone of the swatch, so it shows on any colour.
        figure = self.colour.lighter(150) if self.colour.lightnessF() < 0.5 else self.colour.darker(135)
        if self.colour.lightnessF() < 0.08:  # lighter() cannot lift pure black
            figure = QColor("#555555")
        painter.setBrush(figure)
        painter.setPen(Qt.PenStyle.NoPen)
        h, cx = rect.height(), rect.center().x()
        painter.drawEllipse(QRectF(cx - h * 0.17, h * 0.16, h * 0.34, h * 0.40))  # head
        painter.drawRoundedRect(QRectF(cx - h * 0.48, h * 0.64, h * 0.96, h * 0.6), h * 0.3, h * 0.3)  # shoulders
        painter.end()


class ElidedLabel(QLabel):
    """Wrapped text cut to ``lines`` lines with "…"; the label's text() stays whole."""

    def __init__(self, text: str, lines: int = 2, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.lines = lines
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.fontMetrics().lineSpacing() * lines + 2)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.height())

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        metrics, width, text = self.fontMetrics(), self.width(), self.text()
        for n, shown in enumerate(wrapped_lines(text, self.font(), width, self.lines)):
            painter.drawText(0, n * metrics.lineSpacing() + metrics.ascent(), shown)
        painter.end()


class StyleCard(QFrame):
    """One style: swatch, name, description, a tick to choose it and how many to make."""

    toggled = Signal(str, bool)  # style id, chosen
    count_changed = Signal(str, int)  # style id, headshots
    duplicate_requested = Signal(object)  # Style
    edit_requested = Signal(object)  # Style
    delete_requested = Signal(object)  # Style

    def __init__(self, style: Style, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.template = style
        self.setObjectName(f"styleCard-{style.id}")
        self.setMinimumWidth(CARD_MIN_WIDTH)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip(self.tr("{name}: {description}").format(name=style.name, description=style.description)
                        if style.description else style.name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 10)
        layout.setSpacing(6)

        layout.addWidget(SwatchPreview(style.swatch))
        title = QHBoxLayout()
        self.name_label = QLabel(style.name)
        self.name_label.setObjectName(f"styleName-{style.id}")
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        self.name_label.setFont(theme.scaled_font(self.name_label.font(), 1.1, bold=True))
        title.addWidget(self.name_label, 1)
        if style.source == "user":
            own = QLabel(self.tr("Your own"))
            own.setObjectName(f"styleOwn-{style.id}")
            own.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            own.setToolTip(self.tr("A style you made; it is saved in your own styles folder."))
            title.addWidget(own)
        layout.addLayout(title)
        self.description_label = ElidedLabel(style.description)
        self.description_label.setObjectName(f"styleDescription-{style.id}")
        self.description_label.setToolTip(style.description)
        layout.addWidget(self.description_label)

        choose = QHBoxLayout()
        self.check = QCheckBox(self.tr("Use this style"))
        self.check.setObjectName(f"styleCheck-{style.id}")
        self.check.setAccessibleName(self.tr("Use {name}").format(name=style.name))
        self.check.setToolTip(self.tr("Tick to make “{name}” headshots. Space ticks or unticks it.").format(name=style.name))
        self.check.toggled.connect(lambda on: self.toggled.emit(style.id, on))
        choose.addWidget(self.check)
        choose.addStretch()
        count_label = QLabel(self.tr("Headshots:"))
        choose.addWidget(count_label)
        self.count = QSpinBox()
        self.count.setObjectName(f"styleCount-{style.id}")
        self.count.setRange(MIN_COUNT, MAX_COUNT)
        self.count.setKeyboardTracking(False)  # typing "12" is one change, not "1" then "12"
        self.count.setAccessibleName(self.tr("Headshots of {name}").format(name=style.name))
        self.count.setToolTip(
            self.tr("How many “{name}” headshots to make ({min}–{max}). Tick the style first.").format(
                name=style.name, min=MIN_COUNT, max=MAX_COUNT)
        )
        self.count.valueChanged.connect(lambda value: self.count_changed.emit(style.id, value))
        count_label.setBuddy(self.count)
        choose.addWidget(self.count)
        layout.addLayout(choose)
        layout.addLayout(self._build_actions(style))
        self._paint_selected(False)

    def _build_actions(self, style: Style) -> QHBoxLayout:
        """Duplicate any style; edit or delete the user's own."""
        actions = QHBoxLayout()
        self.duplicate_button = QPushButton(self.tr("Duplicate…"))
        self.duplicate_button.setObjectName(f"styleDuplicate-{style.id}")
        self.duplicate_button.setToolTip(self.tr("Make your own style starting from “{name}”.").format(name=style.name))
        self.duplicate_button.clicked.connect(lambda: self.duplicate_requested.emit(style))
        actions.addWidget(self.duplicate_button)
        self.edit_button = self.delete_button = None
        if style.source == "user":
            self.edit_button = QPushButton(self.tr("Edit…"))
            self.edit_button.setObjectName(f"styleEdit-{style.id}")
            self.edit_button.setToolTip(self.tr("Change your style “{name}”.").format(name=style.name))
            self.edit_button.clicked.connect(lambda: self.edit_requested.emit(style))
            actions.addWidget(self.edit_button)
            self.delete_button = QPushButton(self.tr("Delete…"))
            self.delete_button.setObjectName(f"styleDelete-{style.id}")
            self.delete_button.setToolTip(self.tr("Delete your style “{name}” (you are asked first).").format(name=style.name))
            self.delete_button.clicked.connect(lambda: self.delete_requested.emit(style))
            actions.addWidget(self.delete_button)
        actions.addStretch()
        return actions

    def focus_widgets(self) -> list[QWidget]:
        """The card's controls in Tab order."""
        return [w for w in (self.check, self.count, self.duplicate_button, self.edit_button, self.delete_button) if w]

    def show_state(self, count: int | None, default_count: int, enabled: bool) -> None:
        """Show the controller's state: ``count`` None means not chosen."""
        chosen = count is not None
        with _Blocked(self.check), _Blocked(self.count):
            self.check.setChecked(chosen)
            # A count saved by another version may exceed the card's range: show it, never clip it.
            self.count.setMaximum(max(MAX_COUNT, count or 0))
            self.count.setValue(count if chosen else default_count)
        self.check.setEnabled(enabled)
        self.count.setEnabled(enabled and chosen)
        self._paint_selected(chosen)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and getattr(self, "_painted_in", None) not in (None, theme.palette()):
            self._paint_selected(self._chosen)  # Settings switched light/dark: the border and fill follow

    def _paint_selected(self, chosen: bool) -> None:
        p = theme.palette()
        self._chosen, self._painted_in = chosen, p
        border, width = (p.accent, 2) if chosen else (p.border, 1)
        self.setStyleSheet(
            f"QFrame#{self.objectName()} {{ border: {width}px solid {border}; border-radius: {theme.CARD_RADIUS}px; "
            f"background: {p.surface}; padding: {2 - width}px; }}"
        )

    # A click anywhere on the card (not on one of its controls) ticks or unticks it.
    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            event.accept()  # so the release comes here too
        else:
            super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        inside = self.rect().contains(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and inside and self.check.isEnabled():
            self.check.toggle()
            self.check.setFocus(Qt.FocusReason.MouseFocusReason)
        else:
            super().mouseReleaseEvent(event)


class _Blocked:
    """``with _Blocked(widget):`` set values without echoing them back as user changes."""

    def __init__(self, obj: QObject) -> None:
        self.obj = obj

    def __enter__(self) -> None:
        self.was = self.obj.blockSignals(True)

    def __exit__(self, *exc) -> None:
        self.obj.blockSignals(self.was)
