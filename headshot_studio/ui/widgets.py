"""Small widgets every page uses: the error box, verdict badges, headings, buttons."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, QStandardPaths, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QImage, QPainter, QPixmap, QTextLayout
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

from headshot_studio.core.quality import Verdict

# A photo's verdict as a colour and a word; a photo still being checked has no verdict (None).
VERDICT_COLOURS = {Verdict.OK: "#2e9e4f", Verdict.WARN: "#d99a00", Verdict.REJECT: "#d13b3b"}
VERDICT_WORDS = {Verdict.OK: "Good", Verdict.WARN: "Usable", Verdict.REJECT: "Not used"}
CHECKING_COLOUR = "#8a8a8a"
CHECKING_WORD = "Checking…"


def verdict_colour(verdict: Verdict | None) -> str:
    return CHECKING_COLOUR if verdict is None else VERDICT_COLOURS[verdict]


def verdict_word(verdict: Verdict | None) -> str:
    return CHECKING_WORD if verdict is None else VERDICT_WORDS[verdict]


def show_error(parent: QWidget | None, message: str, details: str = "", title: str = "Headshot Studio") -> QMessageBox:
    """The short message, with "Copy details" for support; never a traceback as text."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(message)
    if details:
        copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
        copy.clicked.disconnect()
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(details))
    box.addButton(QMessageBox.StandardButton.Ok)
    box.setObjectName("errorBox")
    box.open()
    return box


def ask_yes_no(parent: QWidget | None, title: str, text: str) -> bool:
    """A Yes/No question whose safe answer (No) is the default."""
    answer = QMessageBox.question(
        parent, title, text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


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
    painter.setBrush(QColor(verdict_colour(verdict)))
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


def heading(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    font.setBold(True)
    label.setFont(font)
    return label


def right_aligned(widget: QWidget) -> QHBoxLayout:
    """A row with ``widget`` at its right end (a page's "go on" button)."""
    row = QHBoxLayout()
    row.addStretch()
    row.addWidget(widget)
    return row


def primary_button(text: str, parent: QWidget | None = None) -> QPushButton:
    button = QPushButton(text, parent)
    button.setDefault(True)
    button.setMinimumSize(QSize(140, 36))
    return button


def pictures_folder() -> str:
    """Where file dialogs start: the user's Pictures folder, or their home folder when
    there is none (a new account): a folder that does not exist makes Qt's own dialog
    put its name in the file field and answer "Directory not found"."""
    pictures = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
    return pictures if pictures and Path(pictures).is_dir() else str(Path.home())
