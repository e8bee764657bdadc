"""What a studio hands each client: one ZIP named after the client with the chosen images
in three sizes, and a one-page contact sheet (PDF and PNG) with the best images and their
numbers.

The chosen images are the client's favourites (marked in the gallery) when there are
any, else the best ``best`` of the ranking. In the ZIP, image ``NN`` is the same picture
in every size:

    <Client>/full/NN-<stem>.jpg          the finished image as it is
    <Client>/1024px/NN-<stem>.jpg        the longer side 1024 px
    <Client>/profile-400x400/NN-….jpg    a square profile picture around the face
    <Client>/contact-sheet.pdf, .png     the sheet, also written beside the ZIP

Images carry no metadata (core.export's privacy default). Nothing already in the
delivery folder is ever replaced: a second delivery of the same name gets " (2)".
"""

from __future__ import annotations

import contextlib
import datetime
import io
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

from headshot_studio.core.export import ExportError, export_one, output_names
from headshot_studio.core.files import publish_new_file
from headshot_studio.core.limits import EXPORT_LONG_SIDE_PX, EXPORT_SQUARE_PX

# core.export's sizes -> the folder each goes to in the ZIP
SIZES = (("full", "full"), ("web", f"{EXPORT_LONG_SIDE_PX}px"),
         ("profile", f"profile-{EXPORT_SQUARE_PX}x{EXPORT_SQUARE_PX}"))
SHEET_SIZE = (1240, 1754)  # A4 at 150 dpi
SHEET_DPI = 150
SHEET_MAX_IMAGES = 12  # 3 x 4
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


@dataclass(frozen=True)
class Delivery:
    zip_path: Path
    sheet_pdf: Path
    sheet_png: Path
    files: list[str]  # the names inside each size folder, best first


MAX_NAME_BYTES = 120  # the longest file name ("<name> - contact sheet (99).png") stays under 255 bytes


def safe_name(name: str) -> str:
    """The client's name as a file name on Windows and Linux (no separators, no reserved
    names, no leading or trailing dots, short enough in bytes for any script), never empty."""
    cleaned = _UNSAFE.sub("_", name).strip()[:80]
    while len(cleaned.encode("utf-8")) > MAX_NAME_BYTES:
        cleaned = cleaned[:-1]
    cleaned = cleaned.strip(". ") or "client"
    return f"_{cleaned}" if cleaned.split(".")[0].upper() in _RESERVED else cleaned


def chosen_files(session, best: int) -> list[str]:
    """The client's favourites, in ranking order; else the best ``best``."""
    ranked = [entry.file for entry in session.headshots()]
    favourites = set(session.manifest.get("favourites", []))
    chosen = [f for f in ranked if f in favourites]
    return chosen or ranked[:best]


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow without FreeType: the small bitmap font
        return ImageFont.load_default()


def contact_sheet(session, client_name: str, files: list[str], names: list[str]) -> Image.Image:
    """One A4 page: the client's name and date, then the best images (up to 12) with the
    numbers they have in the ZIP."""
    from headshot_studio.core.images import load_image

    sheet = Image.new("RGB", SHEET_SIZE, "white")
    draw = ImageDraw.Draw(sheet)
    margin = 80
    draw.text((margin, 60), client_name[:60], fill="#1d1d1f", font=_font(48))
    when = datetime.date.today().isoformat()
    draw.text((margin, 125), f"{len(files)} headshots · {when}", fill="#5f6368", font=_font(26))
    columns, rows = 3, 4
    gap = 30
    cell_w = (SHEET_SIZE[0] - 2 * margin - (columns - 1) * gap) // columns
    top = 200
    cell_h = (SHEET_SIZE[1] - top - margin - (rows - 1) * gap) // rows
    label_h = 40
    for index, (file, name) in enumerate(list(zip(files, names))[:SHEET_MAX_IMAGES]):
        row, col = divmod(index, columns)
        x = margin + col * (cell_w + gap)
        y = top + row * (cell_h + gap)
        image = load_image(session.final_dir / file).image.convert("RGB")
        image = ImageOps.contain(image, (cell_w, cell_h - label_h), Image.Resampling.LANCZOS)  # small ones grow
        sheet.paste(image, (x + (cell_w - image.width) // 2, y))
        draw.text((x, y + cell_h - label_h + 6), name.split("-", 1)[0], fill="#1d1d1f", font=_font(28))
    return sheet


def _free(path: Path) -> Path:
    """``path``, or "<stem> (2)<suffix>" … when something (a file, a link, even a broken
    one) already has the name."""
    if not os.path.lexists(path):
        return path
    for n in range(2, 1000):
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
        if not os.path.lexists(candidate):
            return candidate
    raise ExportError(f"The folder “{path.parent}” already has too many deliveries named “{path.stem}”.")


def check_delivery_folder(folder: Path) -> None:
    """Make the delivery folder if needed; ExportError when it is not one, or cannot be
    written to."""
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"“{folder}” is a file, not a folder. Choose a folder for the deliveries.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"The delivery folder “{folder}” cannot be made: {exc.strerror or exc}.") from None
    if not os.access(folder, os.W_OK):
        raise ExportError(f"The delivery folder “{folder}” cannot be written to. Choose another one.")


def deliver(session, client_name: str, folder, *, best: int = 10) -> Delivery:
    folder = Path(folder)
    files = chosen_files(session, best)
    if not files:
        raise ExportError(f"“{client_name}” has no finished headshots to deliver.")
    check_delivery_folder(folder)
    base = safe_name(client_name)
    names = output_names(files, "jpeg")
    sheet = contact_sheet(session, client_name, files, names)
    png, pdf = io.BytesIO(), io.BytesIO()
    sheet.save(png, "PNG")
    sheet.save(pdf, "PDF", resolution=SHEET_DPI)

    def write_zip(handle) -> None:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_STORED) as archive:
            for size, sub in SIZES:
                for file, name in zip(files, names):
                    archive.writestr(f"{base}/{sub}/{name}", export_one(session, file, size=size, fmt="jpeg",
                                                                         keep_metadata=False))
            archive.writestr(f"{base}/contact-sheet.pdf", pdf.getvalue())
            archive.writestr(f"{base}/contact-sheet.png", png.getvalue())

    zip_path = _free(folder / f"{base}.zip")
    pdf_path = _free(folder / f"{base} - contact sheet.pdf")
    png_path = _free(folder / f"{base} - contact sheet.png")
    written: list[Path] = []
    try:
        for path, write in ((zip_path, write_zip), (pdf_path, lambda f: f.write(pdf.getvalue())),
                            (png_path, lambda f: f.write(png.getvalue()))):
            publish_new_file(path, write)
            written.append(path)
    except OSError as exc:
        for path in written:  # only what this delivery made: never a file that was there
            with contextlib.suppress(OSError):
                path.unlink()
        raise ExportError(f"The delivery for “{client_name}” could not be written to “{folder}”: "
                          f"{exc.strerror or exc}. Check the folder and the free space, then export again.") from None
    return Delivery(zip_path, pdf_path, png_path, names)
