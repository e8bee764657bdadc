"""Render resources/icons/headshot-studio.svg into the PNG sizes Linux desktops use and
the multi-size .ico Windows uses. Run after editing the SVG; the outputs are committed.

    QT_QPA_PLATFORM=offscreen python tools/make_icons.py
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
PNG_SIZES = (16, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(renderer: QSvgRenderer, size: int) -> Image.Image:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(data))).convert("RGBA")


def main() -> None:
    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 (Qt needs it)
    renderer = QSvgRenderer(str(ICONS / "headshot-studio.svg"))
    if not renderer.isValid():
        raise SystemExit("headshot-studio.svg is not a valid SVG")
    for size in PNG_SIZES:
        render(renderer, size).save(ICONS / f"headshot-studio-{size}.png", optimize=True)
    largest = render(renderer, 256)
    largest.save(ICONS / "headshot-studio.ico", sizes=[(s, s) for s in ICO_SIZES])
    print(f"wrote {len(PNG_SIZES)} PNGs and headshot-studio.ico to {ICONS}")


if __name__ == "__main__":
    main()
