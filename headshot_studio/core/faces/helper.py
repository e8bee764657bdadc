"""A face analyzer that runs in a helper process.

dlib keeps Python's lock for each whole call: loading its models takes about 0.25 s,
finding a face in a 1024 px photo and computing its signature about 0.09 s each. On a
worker thread that stalls the window for as long. :class:`HelperAnalyzer` runs the
chosen backend (:func:`headshot_studio.core.faces.load_face_analyzer`) in a helper
process (:mod:`headshot_studio.core.native`) and has the same interface; calls from
several threads are answered one after the other, as the backends' own locks did.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from headshot_studio.core.faces import Face
from headshot_studio.core.native import HelperProcesses, lower_priority, quiet_output

_analyzer = None  # in the helper: the loaded backend
_error: BaseException | None = None  # in the helper: why it could not be loaded


def _start(model_dirs: list[Path]) -> None:
    global _analyzer, _error
    quiet_output()
    lower_priority()
    from headshot_studio.core.faces import load_face_analyzer

    try:
        _analyzer = load_face_analyzer(model_dirs)
    except Exception as exc:  # raised again by every call, so the app reports it
        _error = exc


def _loaded():
    if _analyzer is None:
        raise _error or RuntimeError("the face analysis did not start")
    return _analyzer


def _describe() -> dict:
    analyzer = _loaded()
    return {key: getattr(analyzer, key) for key in ("name", "licence", "embedding_size", "same_person_threshold")}


def _detect(image: np.ndarray) -> list[Face]:
    return _loaded().detect(image)


def _embed(image: np.ndarray, face: Face) -> Face:
    return _loaded().embed(image, face)


class HelperAnalyzer:
    """The best available face analysis backend, in a helper process. Starting it waits
    until the backend is loaded (and raises what loading raised); :meth:`close` ends it."""

    def __init__(self, model_dirs) -> None:
        self._helpers = HelperProcesses(_start, ([Path(p) for p in model_dirs],), workers=1)
        try:
            info = self._helpers.submit(_describe).result()
        except BaseException:
            self._helpers.close(kill=True)
            raise
        self.name: str = info["name"]
        self.licence: str = info["licence"]
        self.embedding_size: int = info["embedding_size"]
        self.same_person_threshold: float = info["same_person_threshold"]

    def detect(self, image: np.ndarray) -> list[Face]:
        return self._helpers.submit(_detect, np.ascontiguousarray(image)).result()

    def embed(self, image: np.ndarray, face: Face) -> Face:
        return self._helpers.submit(_embed, np.ascontiguousarray(image), face).result()

    def close(self) -> None:
        self._helpers.close()
