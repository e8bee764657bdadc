"""Logging to the user's log folder, and a hook that logs whatever escapes.

Log lines describe what happened (stages, settings, errors); they never contain
image data or face embeddings.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys

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
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            paths.log_file(), maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:  # a read-only home must not stop the app
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    _handler = handler

    def log_uncaught(exc_type, exc, tb):
        if not issubclass(exc_type, KeyboardInterrupt):
            logging.getLogger("headshot_studio").critical("uncaught exception", exc_info=(exc_type, exc, tb))
        sys.__excepthook__(exc_type, exc, tb)

    sys.excepthook = log_uncaught


def quiet_model_libraries() -> None:
    """Turn off diffusers'/transformers' own progress bars (called where they load models).

    Our JobEvents are the one progress display; the libraries' tqdm bars would print
    into the terminal or the GUI's log pipe.
    """
    import diffusers.utils.logging as diffusers_logging
    import transformers.utils.logging as transformers_logging

    diffusers_logging.disable_progress_bar()
    transformers_logging.disable_progress_bar()
