"""Small file helpers every stage shares: atomic JSON writes and streamed hashing."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

CHUNK_BYTES = 8 * 1024 * 1024


def write_atomic(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write a file so that readers see either the old file or the new one, never half.

    ``write`` fills a temporary file in the same folder, which is flushed to disk
    (fsync) and renamed over the target, an atomic step on the same filesystem.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, data: Any) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False)
    write_atomic(path, lambda fh: fh.write(text.encode("utf-8")))


def sha256_file(path: Path, on_bytes: Callable[[int], None] | None = None) -> str:
    """sha256 of a file, read in chunks; ``on_bytes(n)`` is called after each chunk."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            digest.update(chunk)
            if on_bytes:
                on_bytes(len(chunk))
    return digest.hexdigest()
