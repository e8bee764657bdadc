"""Small widgets every page uses: the error box, verdict badges, thumbnails."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QSize, QStandardPaths, Qt, QThreadPool, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QImage, QPainter, QPixmap, QTextLayout
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

VERDICT_COLOURS = {"ok": "#2e9e4f", "warn": "#d99a00", "reject": "#d13b3b", "pending": "#8a8a8a"}
VERDICT_WORDS = {"ok": "Good", "warn": "Usable", "reject": "Not used", "pending": "Checking…"}


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


def badge_pixmap(verdict: str, size: int = 14) -> QPixmap:
    """A filled circle in the verdict's colour (drawn, so it is sharp at any scale)."""
    ratio = QGuiApplication.primaryScreen().devicePixelRatio() if QGuiApplication.primaryScreen() else 1.0
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(VERDICT_COLOURS.get(verdict, VERDICT_COLOURS["pending"])))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return pixmap


class Badge(QWidget):
    """A coloured dot and a word: green Good / amber Usable / red Not used."""

    def __init__(self, verdict: str = "pending", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dot, self.word = QLabel(), QLabel()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.dot)
        layout.addWidget(self.word)
        layout.addStretch()
        self.set_verdict(verdict)

    def set_verdict(self, verdict: str) -> None:
        self.verdict = verdict
        self.dot.setPixmap(badge_pixmap(verdict))
        self.word.setText(VERDICT_WORDS.get(verdict, verdict))


def load_thumbnail(path: Path, side: int) -> QImage:
    """A thumbnail as a QImage (safe to make off the UI thread); empty if unreadable."""
    from headshot_studio.core.images import ImageLoadError, load_image

    try:
        image = load_image(Path(path), max_side=side).image
    except ImageLoadError:
        return QImage()
    return pil_to_qimage(image)


class _ThumbnailTask(QRunnable):
    def __init__(self, loader: ThumbnailLoader, path: Path, side: int) -> None:
        super().__init__()
        self.loader, self.path, self.side = loader, path, side

    def run(self) -> None:
        self.loader.loaded.emit(str(self.path), load_thumbnail(self.path, self.side))


class ThumbnailLoader(QObject):
    """Makes thumbnails on a background pool; ``loaded(path, QImage)`` for each."""

    loaded = Signal(str, QImage)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)

    def request(self, path: Path, side: int = 256) -> None:
        self._pool.start(_ThumbnailTask(self, Path(path), side))

    def wait(self, timeout_ms: int = 30_000) -> bool:
        return self._pool.waitForDone(timeout_ms)


def heading(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    font.setBold(True)
    label.setFont(font)
    return label


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
