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
from headshot_studio.core.native import HelperProcesses


def _load(model_dirs: list[Path]):
    from headshot_studio.core.faces import load_face_analyzer

    return load_face_analyzer(model_dirs)


class HelperAnalyzer:
    """The best available face analysis backend, in a helper process. Starting it waits
    until the backend is loaded (and raises what loading raised); :meth:`close` ends it."""

    def __init__(self, model_dirs) -> None:
        self._helpers = HelperProcesses(_load, ([Path(p) for p in model_dirs],), workers=1)
        try:
            self.name: str = self._helpers.call("name").result()
            self.licence: str = self._helpers.call("licence").result()
            self.embedding_size: int = self._helpers.call("embedding_size").result()
            self.same_person_threshold: float = self._helpers.call("same_person_threshold").result()
        except BaseException:
            self._helpers.close(kill=True)
            raise

    def detect(self, image: np.ndarray) -> list[Face]:
        return self._helpers.call("detect", np.ascontiguousarray(image)).result()

    def embed(self, image: np.ndarray, face: Face) -> Face:
        return self._helpers.call("embed", np.ascontiguousarray(image), face).result()

    def close(self) -> None:
        self._helpers.close()
