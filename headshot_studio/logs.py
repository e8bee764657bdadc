"""Logging to the user's log folder, and a hook that logs whatever escapes.

Log lines describe what happened (stages, settings, errors); they never contain
image data or face embeddings, and never name a person or a photo: sessions appear by
their random id, and :class:`Anonymise` takes out whatever a message or a traceback
quotes (a file name in “…”, a photo's path, the name in a session id of an earlier
version) before a line is written. The log folder and files are readable by their owner
only.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import sys
from pathlib import Path

from headshot_studio import paths

# Model libraries' own chatter (progress bars, advisory warnings) stays out of the
# user's terminal; our progress display replaces it. Users can still override these.
QUIET_LIBRARIES = {
    "DIFFUSERS_VERBOSITY": "error",
    "TRANSFORMERS_VERBOSITY": "error",
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
}


_handler: logging.Handler | None = None  # ours, replaced when logging is set up again

# What a log line must not carry, each with what replaces it:
_PRIVATE = (
    # anything quoted the way the app quotes names for people: “IMG_0001.jpg”, “Alex Morgan”;
    # from the first opening quote of a line to its last closing one, since a name may
    # itself hold curly quotes (“Alex “Al” Morgan”)
    (re.compile(r"“[^\n]*”"), "“…”"),
    # a quoted path, as exceptions quote them ('/home/me/Clients/Alex Morgan/IMG_0001.jpg'),
    # except the app's and the libraries' own source files, which tracebacks name
    (re.compile(r"""(['"])(?:[A-Za-z]:)?[/\\](?:(?!\1)[^\n])*?(?<!\.py)\1"""), r"\1<path>\1"),
    # a file named like a photo, with or without its folder (a traceback's or a library's message)
    (re.compile(r"(?:[A-Za-z]:)?[^\s'\"“”()<>|:,]*?[^\s'\"“”()<>|:,/\\]+\.(?:jpe?g|png|webp|bmp|heic|heif|gif|tiff?)\b",
                re.IGNORECASE), "<photo>"),
    # a session id of an earlier version, which holds the person's name after its date
    (re.compile(r"\b\d{8}-\d{6}-(?![0-9a-f]{8}\b)[a-z0-9]+(?:-[a-z0-9]+)*"), "<session>"),
)


def anonymise(text: str) -> str:
    for pattern, replacement in _PRIVATE:
        text = pattern.sub(replacement, text)
    return text


class Anonymise(logging.Formatter):
    """Formats a record, traceback included, then takes out names (see _PRIVATE)."""

    def format(self, record: logging.LogRecord) -> str:
        return anonymise(super().format(record))


def setup_logging(verbose: bool = False) -> None:
    global _handler
    for key, value in QUIET_LIBRARIES.items():
        os.environ.setdefault(key, value)
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
        _handler.close()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    try:
        paths.log_dir().mkdir(parents=True, exist_ok=True)
        _make_private(paths.log_dir(), 0o700)
        handler: logging.Handler = _PrivateRotatingFileHandler(
            paths.log_file(), maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
        _make_private(paths.log_file(), 0o600)
    except OSError:  # a read-only home must not stop the app
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(Anonymise("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    _handler = handler

    def log_uncaught(exc_type, exc, tb):
        if not issubclass(exc_type, KeyboardInterrupt):
            logging.getLogger("headshot_studio").critical("uncaught exception", exc_info=(exc_type, exc, tb))
        sys.__excepthook__(exc_type, exc, tb)

    sys.excepthook = log_uncaught


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Every log file it starts (after a rotation too) is readable by its owner only."""

    def _open(self):
        stream = super()._open()
        _make_private(Path(self.baseFilename), 0o600)
        return stream


def _make_private(path, mode: int) -> None:
    if os.name == "posix":
        os.chmod(path, mode)


def clear_log_files() -> None:
    """Empty the log and remove its rotated copies (part of deleting everything): what
    was logged before, by earlier versions too, goes with the sessions."""
    folder = paths.log_dir()
    base = paths.log_file().name
    if not folder.is_dir():
        return
    for file in folder.iterdir():
        if file.name.startswith(base + ".") and not file.is_symlink():
            file.unlink(missing_ok=True)
    if _handler is not None and isinstance(_handler, logging.FileHandler):
        _handler.acquire()
        try:
            _handler.stream.seek(0)
            _handler.stream.truncate()
        finally:
            _handler.release()
    elif paths.log_file().is_file() and not paths.log_file().is_symlink():
        with open(paths.log_file(), "r+b") as fh:
            fh.truncate()


def quiet_model_libraries() -> None:
    """Turn off diffusers'/transformers' own progress bars (called where they load models).

    Our JobEvents are the one progress display; the libraries' tqdm bars would print
    into the terminal or the GUI's log pipe.
    """
    import diffusers.utils.logging as diffusers_logging
    import transformers.utils.logging as transformers_logging

    diffusers_logging.disable_progress_bar()
    transformers_logging.disable_progress_bar()
