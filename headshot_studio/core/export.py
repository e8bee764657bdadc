"""Exporting finished headshots: to a folder or one ZIP, in a chosen size and format,
with the generation settings kept in the files or stripped.

Sizes (the pixel sizes are core.limits' EXPORT_LONG_SIDE_PX and EXPORT_SQUARE_PX)
    ``"full"``     the finished image as it is.
    ``"web"``      the longer side scaled down to EXPORT_LONG_SIDE_PX. Images
                   already that size or smaller keep their size: scaling up adds no detail
                   (the finishing step's upscaler is the place for that), so it is never
                   done here.
    ``"profile"``  a square profile crop, EXPORT_SQUARE_PX a side (for LinkedIn-style
                   profile pictures), head and shoulders: centred on the face box the
                   image's sidecar records (``"face_box": [left, top, right, bottom]`` in
                   the finished image's pixels), else on the upper middle of the image,
                   where a headshot's face is: centred horizontally, at 40% of the height.

Metadata
    ``keep_metadata=True`` writes the image's generation settings (prompt, seed, model …,
    read from its sidecar ``<stem>.json``) into the file: PNG text chunks ``parameters``
    (the line other Stable Diffusion tools read) and ``headshot_studio`` (the full JSON);
    JPEG EXIF ``ImageDescription`` (the full JSON, ASCII-escaped so nothing is lost) and
    ``UserComment`` (the ``parameters`` line). ``keep_metadata=False`` (the default:
    privacy) writes nothing but pixels: no text chunks, no EXIF, no comment, no ICC
    profile. Finished images are sRGB, so no colour profile is ever written.

Every output is re-encoded (JPEG quality 92, RGB), even at full size, so what is
stripped is really gone. Output names keep the caller's order (best first):
``01-<stem>.jpg``, ``02-<stem>.jpg`` … A folder export writes each file atomically and,
if cancelled or failing half-way, removes the files it wrote; a ZIP export writes a
temporary file next to the destination and renames it into place at the end (an
existing ZIP there is replaced: the save dialog has asked the user already).
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from headshot_studio.core.events import CancelToken, DiskSpaceError, ErrorKind, HeadshotError, InputError
from headshot_studio.core.files import human_size, publish_new_file, write_atomic
from headshot_studio.core.images import load_image, parameters_text, write_png
from headshot_studio.core.limits import EXPORT_LONG_SIDE_PX, EXPORT_SQUARE_PX

# size -> what the export dialog calls it
SIZES = {
    "full": "Full size",
    "web": f"{EXPORT_LONG_SIDE_PX} px (longer side)",
    "profile": f"Square {EXPORT_SQUARE_PX}×{EXPORT_SQUARE_PX} profile picture",
}
FORMATS = {"jpeg": "jpg", "png": "png"}  # format -> file extension
JPEG_QUALITY = 92
# Profile crop: the square spans this many face widths (head, hair, a little shoulder)
# and its centre sits this many face heights below the face centre.
CROP_FACE_WIDTHS = 2.6
CROP_FACE_DROP = 0.25
# Without a face box: a square of this fraction of the shorter side, centred
# horizontally with its centre at this fraction of the height.
FALLBACK_CROP_FRACTION = 0.75
FALLBACK_CENTRE_Y = 0.40

EXIF_IMAGE_DESCRIPTION = 0x010E
EXIF_IFD = 0x8769
EXIF_USER_COMMENT = 0x9286


class ExportError(InputError):
    kind = ErrorKind.EXPORT


@dataclass(frozen=True)
class ExportResult:
    path: Path  # the folder, or the ZIP file
    count: int
    files: list[str]  # output names, in the order written (best first)

    def describe(self) -> str:
        noun = "headshot" if self.count == 1 else "headshots"
        return f"Exported {self.count} {noun} to {self.path}."


# --- 1. checking the request ----------------------------------------------------------


def check_export(session, files: Sequence[str], destination: Path, *, size: str, fmt: str, as_zip: bool) -> None:
    """Refuse a request that cannot be done, quoting what is wrong, before writing anything."""
    if size not in SIZES:
        raise ExportError(f"Unknown export size “{size}”. Choose one of: {', '.join(SIZES)}.")
    if fmt not in FORMATS:
        raise ExportError(f"Unknown export format “{fmt}”. Choose one of: {', '.join(FORMATS)}.")
    if not files:
        raise ExportError("Nothing to export. Select some headshots or mark favourites first.")
    seen: set[str] = set()
    for file in files:
        if not isinstance(file, str) or not file or Path(file).name != file or file in (".", ".."):
            raise ExportError(f"“{file}” is not a headshot of this session.")
        if file in seen:
            raise ExportError(f"“{file}” is listed twice. Export each headshot once.")
        seen.add(file)
        if not (session.final_dir / file).is_file():
            raise ExportError(f"“{file}” is not a finished headshot of this session (it may have been deleted).")
    destination = Path(destination)
    if as_zip:
        if destination.suffix.lower() != ".zip":
            raise ExportError(f"“{destination.name}” is not a ZIP file name. Use a name ending in .zip.")
        if destination.is_dir():
            raise ExportError(f"“{destination}” is a folder. Choose a file name ending in .zip.")
    else:
        if destination.exists() and not destination.is_dir():
            raise ExportError(f"“{destination}” is a file, not a folder. Choose a folder to export to.")
        taken = [name for name in output_names(files, fmt) if (destination / name).exists()]
        if taken:
            raise ExportError(
                f"The folder “{destination}” already has “{taken[0]}”. Choose an empty folder, "
                "or move the earlier export away first."
            )


def output_names(files: Sequence[str], fmt: str) -> list[str]:
    """``01-<stem>.<ext>`` in the given order (more digits when there are 100 or more)."""
    width = max(2, len(str(len(files))))
    return [f"{index:0{width}d}-{Path(file).stem}.{FORMATS[fmt]}" for index, file in enumerate(files, start=1)]


# --- 2. one image ---------------------------------------------------------------------


def read_settings(session, file: str) -> dict:
    """The image's generation settings from its sidecar JSON ({} if it has none)."""
    sidecar = session.final_dir / Path(file).with_suffix(".json").name
    try:
        settings = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return settings if isinstance(settings, dict) else {}


def profile_crop_box(width: int, height: int, face_box: Sequence[float] | None) -> tuple[int, int, int, int]:
    """The square (left, top, right, bottom) for a profile picture, inside the image."""
    short = min(width, height)
    if face_box is not None and len(face_box) == 4 and face_box[2] > face_box[0] and face_box[3] > face_box[1]:
        left, top, right, bottom = (float(v) for v in face_box)
        side = min(short, round(CROP_FACE_WIDTHS * (right - left)))
        cx, cy = (left + right) / 2, (top + bottom) / 2 + CROP_FACE_DROP * (bottom - top)
    else:
        side = round(FALLBACK_CROP_FRACTION * short)
        cx, cy = width / 2, FALLBACK_CENTRE_Y * height
    side = max(1, side)
    # keep the square inside the image: shift it rather than shrink it
    x0 = min(max(0, round(cx - side / 2)), width - side)
    y0 = min(max(0, round(cy - side / 2)), height - side)
    return x0, y0, x0 + side, y0 + side


def resize_for_export(image, size: str, face_box: Sequence[float] | None = None):
    """The image at the export size (a new image; the input is not changed)."""
    from PIL import Image

    if size == "full":
        return image.copy()
    if size == "web":
        longer = max(image.size)
        if longer <= EXPORT_LONG_SIDE_PX:
            return image.copy()
        scale = EXPORT_LONG_SIDE_PX / longer
        target = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        return image.resize(target, Image.Resampling.LANCZOS)
    if size == "profile":
        box = profile_crop_box(image.width, image.height, face_box)
        return image.crop(box).resize((EXPORT_SQUARE_PX, EXPORT_SQUARE_PX), Image.Resampling.LANCZOS)
    raise ExportError(f"Unknown export size “{size}”.")


def encode_image(image, fmt: str, settings: dict | None) -> bytes:
    """The image as JPEG/PNG bytes; ``settings`` (or None: nothing but pixels) as metadata."""
    from PIL import Image

    clean = image.convert("RGB")
    clean.info = {}  # Pillow carries ICC profiles and comments over from .info: drop them
    out = io.BytesIO()
    if fmt == "png":
        write_png(out, clean, settings)
    else:
        options = {}
        if settings:
            exif = Image.Exif()
            exif[EXIF_IMAGE_DESCRIPTION] = json.dumps(settings, ensure_ascii=True)
            # UserComment: an 8-byte character-code prefix, then the text (as other SD tools write it)
            exif.get_ifd(EXIF_IFD)[EXIF_USER_COMMENT] = b"UNICODE\0" + parameters_text(settings).encode("utf-16-be")
            options["exif"] = exif.tobytes()
        clean.save(out, format="JPEG", quality=JPEG_QUALITY, **options)
    return out.getvalue()


def export_one(session, file: str, *, size: str, fmt: str, keep_metadata: bool) -> bytes:
    settings = read_settings(session, file)
    image = load_image(session.final_dir / file).image
    resized = resize_for_export(image, size, settings.get("face_box"))
    return encode_image(resized, fmt, settings if keep_metadata else None)


# --- 3. the export --------------------------------------------------------------------


def export_images(
    session,
    files: Sequence[str],
    destination: Path,
    *,
    size: str = "full",
    fmt: str = "jpeg",
    keep_metadata: bool = False,
    as_zip: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
    cancel: CancelToken | None = None,
) -> ExportResult:
    """Export ``files`` (names in ``session.final_dir``, best first) to ``destination``:
    a folder (created if needed) or, with ``as_zip``, a .zip file. ``on_progress(done,
    total)`` is called after each image; ``cancel`` is checked before each image. A
    destination that cannot be written (read-only, a name too long, a full disk, a file
    that appeared meanwhile) is an ExportError or DiskSpaceError saying what to do."""
    destination = Path(destination)
    files = list(files)
    try:
        check_export(session, files, destination, size=size, fmt=fmt, as_zip=as_zip)
        names = output_names(files, fmt)
        _write_export(session, files, names, destination, size=size, fmt=fmt, keep_metadata=keep_metadata,
                      as_zip=as_zip, on_progress=on_progress, cancel=cancel)
    except OSError as exc:
        raise _export_failed(destination, exc) from None
    return ExportResult(path=destination, count=len(files), files=names)


def _write_export(session, files, names, destination: Path, *, size, fmt, keep_metadata, as_zip, on_progress,
                  cancel) -> None:
    total = len(files)

    def images():
        for index, (file, name) in enumerate(zip(files, names), start=1):
            if cancel is not None:
                cancel.raise_if_cancelled()
            yield name, export_one(session, file, size=size, fmt=fmt, keep_metadata=keep_metadata)
            if on_progress is not None:
                on_progress(index, total)

    if as_zip:
        # JPEG data does not compress further; PNG a little.
        method = zipfile.ZIP_DEFLATED if fmt == "png" else zipfile.ZIP_STORED

        def write_zip(fh) -> None:
            with zipfile.ZipFile(fh, "w", compression=method) as archive:
                for name, data in images():
                    archive.writestr(name, data)

        write_atomic(destination, write_zip)
        return
    created = not destination.exists()
    destination.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        for name, data in images():
            # never over a file that appeared since the check: the user's files are never replaced
            publish_new_file(destination / name, lambda fh, data=data: fh.write(data))
            written.append(destination / name)
    except BaseException:
        # a half export is confusing: take back what this export wrote
        for path in written:
            path.unlink(missing_ok=True)
        if created and not any(destination.iterdir()):
            destination.rmdir()
        raise


def _export_failed(destination: Path, exc: OSError) -> HeadshotError:
    """What to tell the user when writing the export failed (the headshots themselves are
    safe in the session either way)."""
    from headshot_studio.core.events import is_disk_full

    kept = "The headshots are kept in the session: export them again from the Gallery page."
    details = f"{type(exc).__name__}: {exc}"
    if is_disk_full(exc):
        return DiskSpaceError(f"The disk holding “{destination}” is full, so the export stopped. Free up space. {kept}",
                              details=details)
    if isinstance(exc, FileExistsError):
        return ExportError(f"Something else wrote into “{destination}” during the export, so it stopped rather "
                           f"than overwrite it. {kept}", details=details)
    return ExportError(f"Headshot Studio cannot write to “{destination}” (it may be read-only, not yours, or its "
                       f"name too long). Choose another place. {kept}", details=details)


# --- 4. the command line's --out --------------------------------------------------------

EXPORT_RESERVE_BYTES = 50 * 2**20  # kept free on the destination's disk
# The temporary names publish_new_file gives exported files (".01-name.png-k3j9x2ab.tmp").
_EXPORT_TEMP = re.compile(r"\.(?:\d{2,}-[^/\\]+\.(?:png|jpg)|gallery\.json)-[A-Za-z0-9_]+\.tmp")


def check_export_folder(folder: Path, needed_bytes: int) -> None:
    """Before a run that ends with an export into ``folder`` (``run --out``): the folder
    must be new or empty, so that nothing of the user's is ever overwritten; it must be a
    folder this user can write into; and its disk must have room for ``needed_bytes``.
    Creates the folder if needed. Raises ExportError / DiskSpaceError saying what to do."""
    folder = Path(folder)
    try:
        _check_export_folder(folder, needed_bytes)
    except OSError as exc:
        raise ExportError(
            f"Headshot Studio cannot write into the folder “{folder}” (it may be read-only, not yours, or its name "
            "too long). Choose another folder for the headshots.",
            details=f"{type(exc).__name__}: {exc}",
        ) from None


def _check_export_folder(folder: Path, needed_bytes: int) -> None:
    import shutil
    import tempfile

    from headshot_studio import paths
    from headshot_studio.core import files

    if folder.exists() and not folder.is_dir():
        raise ExportError(f"“{folder}” is a file, not a folder. Choose a new or empty folder for the headshots.")
    inside = Path(os.path.realpath(folder))
    for own in (paths.data_dir(), paths.config_dir(), paths.cache_dir(), paths.log_dir()):
        if inside.is_relative_to(os.path.realpath(own)):
            # a delete of everything would take the exported headshots with it
            raise ExportError(f"“{folder}” is inside Headshot Studio's own folders. Choose a folder of your own "
                              "for the headshots, such as one in Pictures.")
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    if created and files.USER_UMASK is not None and os.name == "posix":
        folder.chmod(0o777 & ~files.USER_UMASK)  # the user's folder, with their usual permissions
    for leftover in folder.iterdir():  # what an export killed half-way left: its hidden temp files only
        if _EXPORT_TEMP.fullmatch(leftover.name) and leftover.is_file() and not leftover.is_symlink():
            leftover.unlink()
    if any(folder.iterdir()):
        raise ExportError(
            f"The folder “{folder}” already holds files. Choose a new or empty folder for the headshots, so "
            "that nothing in it is overwritten."
        )
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-test-", suffix=".tmp"):
        pass
    free = shutil.disk_usage(folder).free
    if free < needed_bytes + EXPORT_RESERVE_BYTES:
        raise DiskSpaceError(
            f"The disk holding “{folder}” has {human_size(free)} free, and the headshots need about "
            f"{human_size(needed_bytes)}. Free up space there or choose a folder on another disk.",
        )


def export_ranked(session, folder: Path) -> ExportResult:
    """The session's finished headshots, best first, into ``folder`` at full size as PNG
    with their settings kept (``01-<name>.png`` …), and the ranking as ``gallery.json``.
    Nothing in the folder is ever replaced."""
    files = [entry.file for entry in session.gallery()]
    result = export_images(session, files, folder, size="full", fmt="png", keep_metadata=True)
    try:
        data = session.gallery_file.read_bytes()
        publish_new_file(Path(folder) / "gallery.json", lambda fh: fh.write(data))
    except OSError as exc:
        raise _export_failed(Path(folder), exc) from None
    return ExportResult(path=result.path, count=result.count, files=[*result.files, "gallery.json"])
