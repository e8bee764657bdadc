"""Small file helpers every stage shares: atomic writes, streamed hashing, and the
clean-up of what a killed process left half-written.

Anything a later run or the gallery reads back (manifest, sidecars, images, the learned
face) is written with :func:`write_atomic`: into a temporary ``.<name>-XXXX.tmp`` beside
the target, flushed to disk, renamed over the target, and the folder flushed too, so
after a crash or power cut the target is either the old file or the new one, complete.
Readers only ever look at final names; leftover temporary files are ignored and removed
by :func:`remove_temp_files` when a run starts.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

CHUNK_BYTES = 8 * 1024 * 1024
TEMP_SUFFIX = ".tmp"


def write_atomic(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write a file so that readers see either the old file or the new one, never half.

    ``write`` fills a temporary file in the same folder, which is flushed to disk
    (fsync) and renamed over the target, an atomic step on the same filesystem.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    # The rename lives in the folder's entry list: flush that too, or a power cut can
    # bring back the old name (or none) although the new content is on disk.
    fsync_dir(path.parent)


def write_json_atomic(path: Path, data: Any) -> None:
    """Write ``data`` as JSON atomically. It is serialized in full before the file is
    touched, so data that cannot be serialized leaves the old file as it was."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    write_atomic(path, lambda fh: fh.write(text.encode("utf-8")))


def fsync_file(path: Path) -> None:
    """Flush a file written by other code (a library writing to a path) to disk."""
    fd = os.open(path, os.O_RDWR if os.name == "nt" else os.O_RDONLY)  # Windows flushes writable handles only
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (renames, new files) to disk. POSIX only: Windows has no
    folder handles to flush, and NTFS journals renames itself."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):  # filesystems that cannot
            raise
    finally:
        os.close(fd)


def remove_temp_files(folder: Path) -> list[Path]:
    """Remove what killed writers left under ``folder``: ``.<name>...tmp`` files and
    folders (atomic writes, checkpoint staging). Only for a folder no one else is writing
    into at the moment (a run calls it on its own session before it starts)."""
    removed = []
    if not folder.is_dir():
        return removed
    for path in sorted(folder.rglob(f".*{TEMP_SUFFIX}"), key=lambda p: len(p.parts), reverse=True):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def human_size(n_bytes: float) -> str:
    """1536 -> "1.5 KB"; sizes for messages (powers of 1024, as file managers show them)."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if n_bytes < 1024 or unit == "GB":
            return f"{n_bytes:.0f} {unit}" if unit == "bytes" else f"{n_bytes:.1f} {unit}"
        n_bytes /= 1024
    raise AssertionError


def sha256_file(path: Path, on_bytes: Callable[[int], None] | None = None) -> str:
    """sha256 of a file, read in chunks; ``on_bytes(n)`` is called after each chunk."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            digest.update(chunk)
            if on_bytes:
                on_bytes(len(chunk))
    return digest.hexdigest()
