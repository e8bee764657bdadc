"""The app's own small model files in resources/models (the face mesh, the person
segmentation, BRISQUE): read as plain files (a pipe in a file's place is never waited
on), checked against their sha256 before use (the checked bytes are the ones used, so a
file swapped in between cannot slip in), and, for the .tflite networks, run with
ai-edge-litert. A missing or changed file is a typed error with the caller's plain words.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from headshot_studio.core.events import ModelDamagedError, ModelNotFoundError
from headshot_studio.core.files import NotRegularFileError, open_regular


def read_checked(path: Path, sha256: str, *, missing: str, damaged: str) -> bytes:
    """The bytes of ``path`` when they hash to ``sha256``. ModelNotFoundError(``missing``)
    when there is no plain file there; ModelDamagedError(``damaged``) when it cannot be
    read or its bytes are not the shipped ones."""
    try:
        with open_regular(path) as handle:
            content = handle.read()
    except (FileNotFoundError, NotRegularFileError, IsADirectoryError) as exc:
        raise ModelNotFoundError(missing, details=f"{path}: {exc}") from None
    except OSError as exc:
        raise ModelDamagedError(damaged, details=f"{path}: {exc}") from None
    digest = hashlib.sha256(content).hexdigest()
    if digest != sha256:
        raise ModelDamagedError(damaged, details=f"{path}: sha256 {digest}, expected {sha256}")
    return content


def tflite_interpreter(content: bytes, num_threads: int | None, *, missing_runtime: str):
    """A ready ai-edge-litert interpreter for the network ``content``;
    ModelNotFoundError(``missing_runtime``) when the runtime package is not installed."""
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError as exc:
        raise ModelNotFoundError(missing_runtime, details=str(exc)) from exc
    interpreter = Interpreter(model_content=content, num_threads=num_threads)
    interpreter.allocate_tensors()
    return interpreter
