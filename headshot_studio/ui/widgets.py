"""Small widgets every page uses: the error box, verdict badges, headings, cards, buttons."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSize, QStandardPaths, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QImage, QPainter, QPixmap, QTextLayout
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from headshot_studio.core.quality import Verdict
from headshot_studio.ui import theme
from headshot_studio.ui.core_text import core_text

# A photo's verdict as a palette colour and a word; a photo still being checked has no verdict (None).
VERDICT_ROLES = {Verdict.OK: "success", Verdict.WARN: "warning", Verdict.REJECT: "danger", None: "muted"}
VERDICT_WORDS = {Verdict.OK: QT_TRANSLATE_NOOP("Verdict", "Good"), Verdict.WARN: QT_TRANSLATE_NOOP("Verdict", "Usable"),
                 Verdict.REJECT: QT_TRANSLATE_NOOP("Verdict", "Not used"), None: QT_TRANSLATE_NOOP("Verdict", "Checking…")}


def verdict_colour(verdict: Verdict | None) -> str:
    return getattr(theme.palette(), VERDICT_ROLES[verdict])


def verdict_word(verdict: Verdict | None) -> str:
    return QCoreApplication.translate("Verdict", VERDICT_WORDS[verdict])


def show_error(parent: QWidget | None, message: str, details: str = "", title: str = "") -> QMessageBox:
    """What happened and what to do next (``message``, from core's typed errors), with
    "Copy details" for support when there are details; never a traceback as text."""
    box = QMessageBox(parent)
    box.setIconPixmap(theme.icon("warning", "warning").pixmap(QSize(40, 40)))
    box.setWindowTitle(title or QCoreApplication.translate("Errors", "Headshot Studio"))
    box.setTextFormat(Qt.TextFormat.PlainText)  # file and session names are shown as typed, never as markup
    box.setText(core_text(message))
    if details:
        box.setInformativeText(QCoreApplication.translate(
            "Errors", "If this keeps happening, press Copy details and send them with your question."))
        copy = box.addButton(QCoreApplication.translate("Errors", "Copy details"), QMessageBox.ButtonRole.ActionRole)
        copy.setIcon(theme.icon("copy"))
        copy.clicked.disconnect()  # copying does not close the box
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(details))
    box.addButton(QMessageBox.StandardButton.Ok)
    box.setObjectName("errorBox")
    box.open()
    return box


def ask_yes_no(parent: QWidget | None, title: str, text: str) -> bool:
    """A Yes/No question whose safe answer (No) is the default."""
    box = QMessageBox(parent)
    box.setIconPixmap(theme.icon("warning", "warning").pixmap(QSize(40, 40)))
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def wrapped_lines(text: str, font: QFont, width: int, max_lines: int) -> list[str]:
    """``text`` wrapped to ``width`` pixels, at most ``max_lines`` lines, the last one
    cut with "…" when the text does not fit."""
    metrics = QFontMetrics(font)
    layout = QTextLayout(text, font)
    layout.beginLayout()
    lines = []
    for n in range(max_lines):
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        start, length = line.textStart(), line.textLength()
        shown = text[start : start + length].rstrip()
        if n == max_lines - 1 and start + length < len(text):
            shown = metrics.elidedText(text[start:], Qt.TextElideMode.ElideRight, width)
        lines.append(shown)
    layout.endLayout()
    return lines


def pil_to_qimage(image) -> QImage:
    """A PIL image as an RGB QImage that owns its pixels (safe off the UI thread)."""
    rgb = image.convert("RGB")
    return QImage(rgb.tobytes(), rgb.width, rgb.height, 3 * rgb.width, QImage.Format.Format_RGB888).copy()


def badge_pixmap(verdict: Verdict | None, size: int = 14) -> QPixmap:
    """A filled circle in the verdict's colour (drawn, so it is sharp at any scale)."""
    ratio = QGuiApplication.primaryScreen().devicePixelRatio() if QGuiApplication.primaryScreen() else 1.0
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(verdict_colour(verdict)))  # the colour of the palette in use when drawn
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return pixmap


class Badge(QWidget):
    """A coloured dot and a word: green Good / amber Usable / red Not used / grey Checking…"""

    def __init__(self, verdict: Verdict | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dot, self.word = QLabel(), QLabel()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.dot)
        layout.addWidget(self.word)
        layout.addStretch()
        self.set_verdict(verdict)

    def set_verdict(self, verdict: Verdict | None) -> None:
        self.verdict = verdict
        self.dot.setPixmap(badge_pixmap(verdict))
        self.word.setText(verdict_word(verdict))


def heading(text: str, parent: QWidget | None = None, role: str = "title") -> QLabel:
    """A page's title (or a card's ``subtitle``) in the type scale."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    theme.set_role(label, "role", role)
    return label


def label(text: str = "", role: str = "", parent: QWidget | None = None) -> QLabel:
    """A wrapping label; ``role``: muted, small, error, warning or success (theme.py)."""
    widget = QLabel(text, parent)
    widget.setWordWrap(True)
    if role:
        theme.set_role(widget, "role", role)
    return widget


class IconLabel(QWidget):
    """An icon on its own, painted when shown so it follows a change of palette."""

    def __init__(self, icon: str, role: str = "accent", size: int = 20, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.icon = theme.icon(icon, role)
        self.setFixedSize(size, size)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        self.icon.paint(painter, self.rect())
        painter.end()


def icon_title(icon: str, text: str, role: str = "subtitle") -> QHBoxLayout:
    """An icon and a title (or, with ``role=""``, a line of text) side by side."""
    row = QHBoxLayout()
    row.setSpacing(theme.SPACE)
    row.addWidget(IconLabel(icon), 0, Qt.AlignmentFlag.AlignTop)
    row.addWidget(heading(text, role=role) if role else label(text), 1)
    return row


class EmptyState(QWidget):
    """What a page shows before it has anything: an icon, a title, a sentence that says
    what will appear and how to get there, and an optional button."""

    def __init__(self, icon: str, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setSpacing(2 * theme.SPACE)
        layout.addStretch()
        layout.addWidget(IconLabel(icon, "accent", 48), 0, Qt.AlignmentFlag.AlignHCenter)
        self.title = heading(title)
        self.title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.title)
        self.text = label(role="muted")
        self.text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.text.setMaximumWidth(560)
        centred = QHBoxLayout()  # stretches, not an alignment: a wrapped label keeps its full height
        centred.addStretch()
        centred.addWidget(self.text, 1)
        centred.addStretch()
        layout.addLayout(centred)
        self.button = QPushButton()
        self.button.setVisible(False)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch()

    def show_text(self, title: str, text: str, button: str = "") -> None:
        self.title.setText(title)
        self.text.setText(text)
        self.button.setText(button)
        self.button.setVisible(bool(button))


class ImagePane(QLabel):
    """Shows one picture as large as the pane allows, keeping its shape."""

    def __init__(self, placeholder: str, minimum: int = 320) -> None:
        super().__init__(placeholder)
        self._pixmap: QPixmap | None = None
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(QSize(minimum, minimum))
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


def card(parent: QWidget | None = None, margins: int = 2 * theme.SPACE) -> tuple[QFrame, QVBoxLayout]:
    """A rounded card on the page's background and the layout to fill it with."""
    frame = QFrame(parent)
    theme.set_role(frame, "card", "true")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(margins, margins, margins, margins)
    layout.setSpacing(theme.SPACE)
    return frame, layout


def right_aligned(widget: QWidget) -> QHBoxLayout:
    """A row with ``widget`` at its right end (a page's "go on" button)."""
    row = QHBoxLayout()
    row.addStretch()
    row.addWidget(widget)
    return row


def primary_button(text: str, parent: QWidget | None = None, icon: str = "") -> QPushButton:
    """The page's one main action, in the accent colour."""
    button = QPushButton(text, parent)
    button.setDefault(True)
    button.setMinimumSize(QSize(140, 40))
    if icon:
        button.setIcon(theme.icon(icon, "on_accent"))
        if icon == "next":  # an arrow forward goes after the words
            button.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    theme.set_role(button, "primary", "true")
    return button


def quiet_button(text: str, icon: str = "", parent: QWidget | None = None, *, name: str = "", tip: str = "",
                 slot=None) -> QPushButton:
    """A secondary action: no fill until the pointer is over it (``name``: its object
    name; ``tip``: its tooltip; ``slot``: what a click does)."""
    button = QPushButton(text, parent)
    if icon:
        button.setIcon(theme.icon(icon))
    theme.set_role(button, "quiet", "true")
    if name:
        button.setObjectName(name)
    if tip:
        button.setToolTip(tip)
    if slot is not None:
        button.clicked.connect(slot)
    return button


def pictures_folder() -> str:
    """Where file dialogs start: the user's Pictures folder, or their home folder when
    there is none (a new account): a folder that does not exist makes Qt's own dialog
    put its name in the file field and answer "Directory not found"."""
    pictures = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
    return pictures if pictures and Path(pictures).is_dir() else str(Path.home())
