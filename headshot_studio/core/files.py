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

import contextlib
import errno
import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
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
    tmp = _write_temp(path, write)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    # The rename lives in the folder's entry list: flush that too, or a power cut can
    # bring back the old name (or none) although the new content is on disk.
    fsync_dir(path.parent)


def _write_temp(path: Path, write: Callable[[BinaryIO], None]) -> Path:
    """A hidden temporary file beside ``path`` (``.<name>-XXXX.tmp``) that ``write`` filled,
    flushed to disk; removed again if writing fails."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


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


def printable(text: str) -> str:
    """``text`` safe to print on a terminal or show in a list: control characters (with
    which a crafted name can move the cursor, recolour or rewrite the screen) are shown
    as escapes, such as ``\\x1b``."""
    return "".join(ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii") for ch in text)


def human_size(n_bytes: float) -> str:
    """1536 -> "1.5 KB"; sizes for messages (powers of 1024, as file managers show them)."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if n_bytes < 1024 or unit == "GB":
            return f"{n_bytes:.0f} {unit}" if unit == "bytes" else f"{n_bytes:.1f} {unit}"
        n_bytes /= 1024
    raise AssertionError


def sha256_file(path: Path, on_bytes: Callable[[int], None] | None = None) -> str:
    """sha256 of a plain file, read in chunks; ``on_bytes(n)`` is called after each chunk.
    A link or a pipe is refused (NotRegularFileError), never read: see open_regular."""
    digest = hashlib.sha256()
    with open_regular(path) as fh:
        while chunk := fh.read(CHUNK_BYTES):
            digest.update(chunk)
            if on_bytes:
                on_bytes(len(chunk))
    return digest.hexdigest()


# --- reading files that come from the user ------------------------------------------------
#
# Photos, model folders and style files come from folders the user chose, where anything
# may be: a link to a private file elsewhere (copying it would put, say, /etc/shadow into
# the app's folders), a named pipe (opening it for reading waits forever), a device. The
# app reads only plain files, and says which entry it refused and why.


class NotRegularFileError(OSError):
    """``path`` is not a plain file the app may read; ``reason`` says what it is instead,
    as words that finish the sentence “… <name> <reason>”."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(errno.EINVAL, reason, str(path))
        self.path = Path(path)
        self.reason = reason


# Windows reparse points that lead elsewhere (symbolic links, junctions); others, such as
# OneDrive's files-on-demand placeholders, are the user's own files.
_WINDOWS_LINK_TAGS = {0xA000000C, 0xA0000003}
LINK_REASON = "is a link (shortcut) to another file, which Headshot Studio does not follow"
SPECIAL_REASON = "is not a plain file (it is a pipe, a socket or a device)"
FOLDER_REASON = "is a folder, not a file"


def regular_file_problem(path: Path) -> str | None:
    """Why ``path`` is not a plain file, from its own entry only (``lstat``: a link is
    not followed and nothing is opened); None for a plain file. Raises OSError when the
    entry cannot be looked at (missing, no permission)."""
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        return LINK_REASON
    if stat.S_ISDIR(info.st_mode):
        return FOLDER_REASON
    if not stat.S_ISREG(info.st_mode):
        return SPECIAL_REASON
    if os.name == "nt" and getattr(info, "st_reparse_tag", 0) in _WINDOWS_LINK_TAGS:  # a junction
        return LINK_REASON
    return None


def open_regular(path: Path) -> BinaryIO:
    """Open ``path`` for reading only if it is a plain file: a link is not followed (the
    check and the open are one step where the system allows it, so the entry cannot be
    swapped for a link in between) and a pipe is never waited on. Raises
    :class:`NotRegularFileError` for anything else, OSError when it cannot be opened."""
    path = Path(path)
    problem = regular_file_problem(path)
    if problem is not None:
        raise NotRegularFileError(path, problem)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # became a link since the check
            raise NotRegularFileError(path, LINK_REASON) from None
        raise
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise NotRegularFileError(path, SPECIAL_REASON)
    return os.fdopen(fd, "rb")


def create_new_file(path: Path, mode: int = 0o600) -> BinaryIO:
    """Create ``path`` for writing, failing if anything (a file, a link, a pipe) already
    has that name: nothing of the user's is overwritten and no link is followed."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    return os.fdopen(os.open(path, flags, mode), "wb")


def copy_regular_file(source: Path, target: Path, *, mode: int = 0o600,
                      on_bytes: Callable[[int], None] | None = None) -> int:
    """Copy the plain file ``source`` (see :func:`open_regular`) to the new file ``target``
    (see :func:`create_new_file`); a failed copy leaves no ``target``. Not flushed to disk
    (a photo added from the window is copied on its thread: callers that need the copy
    to survive a power cut record it with an atomic write afterwards).
    Returns the number of bytes copied."""
    copied = 0
    with open_regular(source) as src:
        try:
            with create_new_file(target, mode) as dst:
                while chunk := src.read(CHUNK_BYTES):
                    dst.write(chunk)
                    copied += len(chunk)
                    if on_bytes:
                        on_bytes(len(chunk))
        except BaseException:
            Path(target).unlink(missing_ok=True)
            raise
    return copied


def json_depth(text: str) -> int:
    """How deeply ``text``'s JSON arrays and objects nest, counted without parsing (the
    parser itself recurses, and a file nested thousands deep would exhaust its stack)."""
    depth = deepest = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def read_json_limited(path: Path, *, max_bytes: int, max_depth: int = 32) -> Any:
    """Parse the JSON file ``path`` (a plain file: see :func:`open_regular`) after
    checking, before parsing, that it is at most ``max_bytes`` long and nests at most
    ``max_depth`` deep. Raises ValueError saying which limit was passed, or why the text
    is not JSON; OSError when the file cannot be read."""
    with open_regular(path) as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > max_bytes:
            raise ValueError(f"{size:,} bytes, more than the {max_bytes:,} allowed")
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"more than the {max_bytes:,} bytes allowed")
    return parse_json_limited(data, max_depth=max_depth)


def parse_json_limited(data: bytes | str, *, max_depth: int = 32) -> Any:
    """``json.loads`` that refuses nesting deeper than ``max_depth`` before parsing (see
    :func:`read_json_limited`); every failure is a ValueError."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text ({exc})") from None
    depth = json_depth(text)
    if depth > max_depth:
        raise ValueError(f"nested {depth} levels deep, more than the {max_depth} allowed")
    try:
        return json.loads(text)
    except RecursionError:  # cannot happen after the depth check; kept as a last guard
        raise ValueError("nested too deeply") from None


@contextlib.contextmanager
def exclusive_lock(path: Path, *, create: bool = True) -> Iterator[int]:
    """Hold an exclusive lock on the file ``path`` for the ``with`` block, which gets the
    file's descriptor. The file is created if needed (with ``create=False`` an existing
    one is only tried: FileNotFoundError when there is none), never through a link.
    Raises BlockingIOError at once when another holder has it — another process, or
    another open of it in this one. The operating system drops the lock when its holder's
    process ends, however it ends, so a crash never leaves it stuck."""
    flags = os.O_RDWR | (os.O_CREAT if create else 0) | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o600)
    try:
        if os.name == "nt":
            import msvcrt

            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            except OSError:
                raise BlockingIOError(errno.EAGAIN, "locked by another process", str(path)) from None
            try:
                yield fd
            finally:
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError when held
            yield fd
    finally:
        os.close(fd)


# --- writing into the user's own folders ----------------------------------------------------

# The umask the app was started with. The app tightens its own to 0o077 (cli.main), so that
# what it keeps is readable by the user only; files it hands over to the user's folders
# (exports) get the permissions new files normally get there.
USER_UMASK: int | None = None


def publish_new_file(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write a new file at ``path`` without ever replacing anything: ``write`` fills a
    hidden temporary file beside it, which is flushed and then given its name only if
    that name is still free (a hard link on POSIX, a rename on Windows: both fail when
    the name exists; neither follows a link). Raises FileExistsError when the name is
    taken. An interrupted write leaves only the hidden ``.…tmp`` file, never a partial
    file under the real name."""
    tmp = _write_temp(path, write)
    try:
        if USER_UMASK is not None and os.name == "posix":
            os.chmod(tmp, 0o666 & ~USER_UMASK)
        if os.name == "posix":
            os.link(tmp, path)
        else:
            os.rename(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(path.parent)
