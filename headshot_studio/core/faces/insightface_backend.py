"""insightface's buffalo_l pack over onnxruntime: SCRFD detection + ArcFace embedding.

Used when a ``buffalo_l`` folder with ``det_10g.onnx`` and ``w600k_r50.onnx`` is in
one of the models folders. The insightface Python package is not needed (it would try
to download the pack): this module runs the two ONNX networks directly, with the
pre- and post-processing insightface uses:

* SCRFD (det_10g): RGB scaled to fit 640x640 (padded right/bottom), (x - 127.5) / 128;
  three strides (8, 16, 32) with two anchors per cell; per stride a score map, box
  distances (left, top, right, bottom) and five keypoints, all in units of the stride;
  boxes above 0.5 kept after non-maximum suppression at IoU 0.4.
* ArcFace (w600k_r50): the face warped by a similarity transform onto the standard
  112x112 five-point template, (x - 127.5) / 127.5, a 512-d embedding.

The pack's licence is insightface's: non-commercial research use only.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from headshot_studio.core.faces import Face
from headshot_studio.core.faces.pose import estimate_pose

PACK_NAME = "buffalo_l"
DETECTOR_FILE = "det_10g.onnx"
EMBEDDER_FILE = "w600k_r50.onnx"
DETECT_SIZE = 640
SCORE_THRESHOLD = 0.5
NMS_IOU = 0.4
STRIDES = (8, 16, 32)
ANCHORS_PER_CELL = 2
# Where ArcFace expects the five points in its 112x112 input (insightface's template):
# left eye, right eye, nose tip, left and right mouth corners (image left/right).
ARCFACE_TEMPLATE = np.array(
    [[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655], [70.7299, 92.2041]],
    dtype=np.float64,
)


class BackendUnavailable(RuntimeError):
    pass


def find_pack(model_dirs: Iterable[Path]) -> Path | None:
    """The first buffalo_l folder (with both networks) inside the given model folders."""
    for root in model_dirs:
        root = Path(root)
        for candidate in (root / PACK_NAME, root / "insightface" / PACK_NAME, root / "insightface" / "models" / PACK_NAME):
            if (candidate / DETECTOR_FILE).is_file() and (candidate / EMBEDDER_FILE).is_file():
                return candidate
    return None


def similarity_transform(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """2x3 matrix of the least-squares similarity transform mapping ``source`` points onto
    ``target`` points (Umeyama's method, no reflection)."""
    src_mean, dst_mean = source.mean(axis=0), target.mean(axis=0)
    src, dst = source - src_mean, target - dst_mean
    covariance = dst.T @ src / len(source)
    u, singular, vt = np.linalg.svd(covariance)
    d = np.ones(2)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        d[-1] = -1
    rotation = u @ np.diag(d) @ vt
    scale = (singular * d).sum() / src.var(axis=0).sum()
    translation = dst_mean - scale * rotation @ src_mean
    return np.hstack([scale * rotation, translation[:, None]])


def _nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float) -> list[int]:
    order = scores.argsort()[::-1]
    keep = []
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    while order.size:
        i = order[0]
        keep.append(int(i))
        xx1 = np.maximum(boxes[i, 0], boxes[order[1:], 0])
        yy1 = np.maximum(boxes[i, 1], boxes[order[1:], 1])
        xx2 = np.minimum(boxes[i, 2], boxes[order[1:], 2])
        yy2 = np.minimum(boxes[i, 3], boxes[order[1:], 3])
        inter = np.clip(xx2 - xx1, 0, None) * np.clip(yy2 - yy1, 0, None)
        iou = inter / (areas[i] + areas[order[1:]] - inter + 1e-9)
        order = order[1:][iou <= iou_threshold]
    return keep


class InsightFaceAnalyzer:
    name = "insightface-buffalo_l"
    licence = "insightface buffalo_l: non-commercial research use only"
    embedding_size = 512
    # ArcFace (w600k_r50) verification thresholds in use are 0.3-0.45 cosine; 0.40 keeps
    # false "same person" matches rare while tolerating lighting and age differences.
    same_person_threshold = 0.40

    def __init__(self, pack: Path) -> None:
        try:
            import onnxruntime
        except ImportError as exc:
            raise BackendUnavailable("onnxruntime is not installed") from exc
        available = onnxruntime.get_available_providers()
        providers = [p for p in ("CUDAExecutionProvider", "CPUExecutionProvider") if p in available]
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        try:
            self._detector = onnxruntime.InferenceSession(str(pack / DETECTOR_FILE), options, providers=providers)
            self._embedder = onnxruntime.InferenceSession(str(pack / EMBEDDER_FILE), options, providers=providers)
        except Exception as exc:  # onnxruntime raises its own exception types for bad files
            raise BackendUnavailable(f"cannot load the networks: {exc}") from exc
        self._lock = threading.Lock()
        if len(self._detector.get_outputs()) != 9:
            raise BackendUnavailable("det_10g.onnx does not have SCRFD's nine outputs (scores, boxes, keypoints x 3)")

    def detect(self, image: np.ndarray) -> list[Face]:
        from PIL import Image

        height, width = image.shape[:2]
        scale = DETECT_SIZE / max(height, width)
        resized = Image.fromarray(image).resize((max(1, round(width * scale)), max(1, round(height * scale))), Image.Resampling.BILINEAR)
        canvas = np.zeros((DETECT_SIZE, DETECT_SIZE, 3), dtype=np.float32)
        canvas[: resized.height, : resized.width] = np.asarray(resized, dtype=np.float32)
        blob = ((canvas - 127.5) / 128.0).transpose(2, 0, 1)[None]
        with self._lock:
            outputs = self._detector.run(None, {self._detector.get_inputs()[0].name: blob})
        boxes, scores, keypoints = [], [], []
        for level, stride in enumerate(STRIDES):
            cells = DETECT_SIZE // stride
            level_scores = outputs[level].reshape(-1)
            level_boxes = outputs[level + 3].reshape(-1, 4) * stride
            level_kps = outputs[level + 6].reshape(-1, 10) * stride
            ys, xs = np.mgrid[:cells, :cells]
            centers = np.stack([xs, ys], axis=-1).reshape(-1, 2).astype(np.float32) * stride
            centers = np.repeat(centers, ANCHORS_PER_CELL, axis=0)
            keep = np.where(level_scores >= SCORE_THRESHOLD)[0]
            for i in keep:
                cx, cy = centers[i]
                left, top, right, bottom = level_boxes[i]
                boxes.append([cx - left, cy - top, cx + right, cy + bottom])
                scores.append(level_scores[i])
                keypoints.append(centers[i] + level_kps[i].reshape(5, 2))
        if not boxes:
            return []
        boxes_arr, scores_arr = np.array(boxes) / scale, np.array(scores)
        faces = []
        for i in _nms(boxes_arr, scores_arr, NMS_IOU):
            points = tuple((float(x / scale), float(y / scale)) for x, y in keypoints[i])
            left_eye, right_eye, nose = points[0], points[1], points[2]
            yaw, pitch, roll = estimate_pose(left_eye, right_eye, nose, "nose_tip")
            faces.append(
                Face(box=tuple(float(v) for v in boxes_arr[i]), score=float(scores_arr[i]), left_eye=left_eye,
                     right_eye=right_eye, nose=nose, yaw=yaw, pitch=pitch, roll=roll, points=points)
            )
        return sorted(faces, key=lambda f: -f.width * f.height)

    def embed(self, image: np.ndarray, face: Face) -> Face:
        from PIL import Image

        matrix = similarity_transform(np.array(face.points[:5], dtype=np.float64), ARCFACE_TEMPLATE)
        # PIL's affine transform maps output pixels to input pixels: invert the matrix.
        full = np.vstack([matrix, [0, 0, 1]])
        inverse = np.linalg.inv(full)[:2].reshape(-1)
        aligned = Image.fromarray(image).transform((112, 112), Image.Transform.AFFINE, tuple(inverse), Image.Resampling.BILINEAR)
        blob = ((np.asarray(aligned, dtype=np.float32) - 127.5) / 127.5).transpose(2, 0, 1)[None]
        with self._lock:
            vector = self._embedder.run(None, {self._embedder.get_inputs()[0].name: blob})[0].reshape(-1)
        return replace(face, embedding=(vector / max(float(np.linalg.norm(vector)), 1e-12)).astype(np.float32))
