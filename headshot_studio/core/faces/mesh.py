"""A dense face mesh: 468 landmarks and 10 iris points, and what they tell about the eyes,
the gaze, the mouth and the head's pose.

The networks are MediaPipe's (Apache-2.0), taken from the mediapipe wheel and shipped in
``resources/models/mediapipe`` (its README says where each file came from), run with
ai-edge-litert's interpreter. ``mediapipe`` itself is never imported. MediaPipe's
``face_landmark_with_attention.tflite`` needs custom operations that only mediapipe's own
runtime has (``Landmarks2TransformMatrix``...), so this is the two-stage version MediaPipe
uses for its "iris" graphs: ``face_landmark.tflite`` (468 points) and then
``iris_landmark.tflite`` once per eye (71 refined eye-contour points and 5 iris points).

How a face is read, as MediaPipe's graphs do it (see :meth:`FaceMesh.read`):

1. A square crop around the face, turned so that the eye line is level, 1.5 times the
   face's size (25% margin on every side), resized to 192 x 192 and scaled to 0-1.
2. The face network gives 468 points (x, y in crop pixels, z in the same units) and a
   face-presence score.
3. The crop is made again from those points (MediaPipe's tracking step), which centres
   and sizes the face as the network was trained; the network runs again on it.
4. Each eye: a square crop 2.3 times the eye's width, turned level, 64 x 64; the eye on
   the image's right is mirrored, since the network was trained on the other eye only.
   Its 71 contour points replace the mesh's coarser ones around that eye.
5. Everything is mapped back into the image's pixels.

Signs follow :class:`headshot_studio.core.faces.Face`: yaw > 0 when the nose points to
the image's right, pitch > 0 when the face looks up, roll > 0 when the eye line rises to
the image's right. "Left" means the eye on the image's left (the person's right eye).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from headshot_studio.core.bundled import read_checked, tflite_interpreter
from headshot_studio.core.faces import Face

# --- the model files ------------------------------------------------------------------

FACE_MODEL_FILE = "face_landmark.tflite"
IRIS_MODEL_FILE = "iris_landmark.tflite"
# The files as they are in mediapipe 0.10.21's wheel (resources/models/mediapipe/README.md).
MODEL_SHA256 = {
    FACE_MODEL_FILE: "1055cb9d4a9ca8b8c688902a3a5194311138ba256bcc94e336d8373a5f30c814",
    IRIS_MODEL_FILE: "d1744d2a09c25f501d39eba4faff47e53ecca8852c5ce19bce8eeac39357521f",
}
FIX_REINSTALL = "Reinstall Headshot Studio to restore it."


def models_folder() -> Path:
    """Where the bundled MediaPipe models are."""
    from headshot_studio import paths

    return paths.resources_dir() / "models" / "mediapipe"


# --- how the networks are fed (MediaPipe's face_landmark and iris_landmark graphs) -----

FACE_INPUT_SIZE = 192  # pixels, square
IRIS_INPUT_SIZE = 64
# The face crop is the face's extent times this (MediaPipe's RectTransformation scale
# 1.5): 25% of margin on every side.
FACE_CROP_SCALE = 1.5
# The first crop comes from the detector's box, which MediaPipe's networks never saw:
# dlib's box reaches from the brows to the chin, so it is grown by this much more to hold
# the forehead as well: measured, the crop the mesh then asks for is 0.81-1.08 times the
# size of the first at 1.1 (0.95 on average). The second crop, from the mesh itself, is
# what MediaPipe tracks with; a third would change its size by under 10% and move it by
# under 1.5% (measured on the test photos), so two looks are enough.
DETECTOR_BOX_SCALE = 1.05
# The eye crop is the distance between the eye's corners times this (MediaPipe's 2.3).
IRIS_CROP_SCALE = 2.3
# The network's face-presence output is a logit; MediaPipe treats a face as lost below 0.5
# after the sigmoid (its min_tracking_confidence default).
MIN_FACE_PRESENCE = 0.5

# Mesh indices (MediaPipe's canonical face mesh).
LEFT_EYE_CORNERS = (33, 133)  # outer, inner: the eye on the image's left
RIGHT_EYE_CORNERS = (362, 263)  # inner, outer: the eye on the image's right
FOREHEAD, CHIN = 10, 152
MOUTH_CORNERS = (61, 291)
LIPS_INNER = (13, 14)  # the middle of the upper and the lower lip's inner edge
# Where iris_landmark's 71 eye points go in the mesh (MediaPipe's
# UpdateFaceLandmarksCalculator): the eye contour (0-8 lower lid, corner to corner;
# 9-15 upper lid, corners excluded), then four rings around the eye and the brow.
EYE_POINTS_IN_MESH = {
    "left": (33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173,
             130, 25, 110, 24, 23, 22, 26, 112, 243, 247, 30, 29, 27, 28, 56, 190,
             226, 31, 228, 229, 230, 231, 232, 233, 244, 113, 225, 224, 223, 222, 221, 189,
             35, 124, 46, 53, 52, 65, 143, 111, 117, 118, 119, 120, 121, 128, 245,
             156, 70, 63, 105, 66, 107, 55, 193),
    "right": (263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398,
              359, 255, 339, 254, 253, 252, 256, 341, 463, 467, 260, 259, 257, 258, 286, 414,
              446, 261, 448, 449, 450, 451, 452, 453, 464, 342, 445, 444, 443, 442, 441, 413,
              265, 353, 276, 283, 282, 295, 372, 340, 346, 347, 348, 349, 350, 357, 465,
              383, 300, 293, 334, 296, 336, 285, 417),
}
MESH_POINTS = 468
LEFT_IRIS = slice(468, 473)  # centre first, then four points on the iris' edge
RIGHT_IRIS = slice(473, 478)

# --- what the points mean (each threshold with why) ------------------------------------

# Eye openness: the eye aspect ratio (the lids' distance over the eye's width, averaged
# over the three lid point pairs nearest the middle, in 3-D so a turned head does not
# shorten the width) mapped to 0-1 linearly between these two. Measured on the refined
# eye contours: eyes looking at the camera 0.31-0.39, laughing or squinting 0.22-0.27,
# looking down with the lids lowered 0.09-0.16; EAR_WIDE is a wide-open stare.
EAR_CLOSED = 0.08
EAR_WIDE = 0.40
# The lid distance alone cannot tell a closed eye from one looking down (the lids follow
# the eye down: 0.09-0.16 above), and the eye network, trained on open eyes, still draws
# an opening of 0.18-0.20 over eyes painted shut. What tells them apart is what shows
# between the lids where the iris should be: a dark iris, or skin. Measured as the median
# brightness there over the skin's brightness under the eye (the median, so that the seam of
# closed lashes, a thin line, does not count): 0.22-0.50 on every real eye measured
# (downcast, squinting, darker skin), 0.75 or more on eyes painted shut, seam included.
# Iris visibility is 1 at IRIS_SHOWN and below, 0 at IRIS_HIDDEN and above, linear between.
IRIS_SHOWN = 0.55
IRIS_HIDDEN = 0.80
# An eye counts as closed when its iris visibility is at or below this (a brightness
# ratio of 0.675, between the two groups above).
CLOSED_VISIBILITY = 0.5
# Gaze: the iris centre's offset from the middle of the eye's corners, over half the eye's
# width (corner to corner), sideways (x > 0: towards the image's right) and up (y > 0).
# Both use the width: the corners stay put when the eye turns, while the lids follow it
# up and down (and close in a blink). An iris against a corner reads about 0.5 sideways
# (its radius is 0.4-0.45 of half the eye's width).
# At rest the iris centre sits a little above the corners' line: GAZE_Y_REST (measured
# 0.01-0.17 on faces looking ahead) is subtracted.
GAZE_Y_REST = 0.10
# Looking away: the eyes turned aside beyond this (about 25 degrees of eye turn for an
# eyeball of 12 mm radius in an eye 29 mm wide; the test photos' faces that look at the
# camera read up to 0.25), or up or down beyond AWAY_GAZE_Y ...
AWAY_GAZE_X = 0.35
AWAY_GAZE_Y = 0.40
# ... or the head turned or tilted beyond these (degrees), even with the eyes on the
# camera: a headshot wants the face towards the lens. (quality's extreme_pose refuses past
# 45 degrees, from the analyzer's pose; the mesh's pitch reads up to 28 degrees on the test
# photos' faces that look at the camera from above.)
AWAY_YAW = 35.0
AWAY_PITCH = 35.0
# Eyes mismatch (0-1): the largest of the two eyes' differences in openness, in iris
# visibility, and in gaze over MISMATCH_GAZE_FULL. Real eyes differ by up to 0.3 in gaze
# (measured; the far eye of a turned head is foreshortened); one eye against a corner
# while the other looks ahead would differ by about 0.5, in opposite corners by 1.
MISMATCH_GAZE_FULL = 0.8
# Mouth openness: the inner lips' distance over the mouth's width, mapped linearly so that
# closed lips (about 0) read 0 and a wide-open mouth (MOUTH_WIDE, a yawn or a shout) reads 1.
MOUTH_WIDE = 0.6


@dataclass(frozen=True)
class MeshReading:
    """What the face mesh saw in one face. Points are in the pixels of the image read;
    "left" is the eye on the image's left."""

    landmarks: np.ndarray = field(repr=False)  # 478 x 3: x, y in pixels; z in the same units, smaller = nearer
    left_eye_open: float  # 0 = lids together ... 1 = wide open (the lids' distance, EAR_CLOSED-EAR_WIDE)
    right_eye_open: float
    left_iris_visible: float  # 0 = only skin between the lids ... 1 = a dark iris clearly shows
    right_iris_visible: float
    left_gaze: tuple[float, float]  # iris offset in the eye: x > 0 towards the image's right, y > 0 up
    right_gaze: tuple[float, float]
    yaw: float  # degrees; > 0: the nose points to the image's right
    pitch: float  # degrees; > 0: looking up
    roll: float  # degrees; > 0: the eye line rises to the image's right
    mouth_open: float  # 0 = closed ... 1 = wide open
    presence: float = 1.0  # the network's face-presence score, 0-1

    @property
    def gaze(self) -> tuple[float, float]:
        """The iris offset averaged over both eyes: (0, 0) when the eyes look straight out
        of the face (at the camera, for a face turned to it)."""
        return ((self.left_gaze[0] + self.right_gaze[0]) / 2, (self.left_gaze[1] + self.right_gaze[1]) / 2)

    @property
    def eyes_closed(self) -> bool:
        """Both eyes closed: no iris shows between the lids of either (one closed eye is a
        wink, which :attr:`eyes_mismatch` sees)."""
        return max(self.left_iris_visible, self.right_iris_visible) <= CLOSED_VISIBILITY

    @property
    def eyes_mismatch(self) -> float:
        """0-1: how differently the two eyes are open or look (a generated face's typical
        fault: one eye half shut, or each looking its own way)."""
        openness = abs(self.left_eye_open - self.right_eye_open)
        visible = abs(self.left_iris_visible - self.right_iris_visible)
        gaze = math.hypot(self.left_gaze[0] - self.right_gaze[0], self.left_gaze[1] - self.right_gaze[1])
        return float(min(1.0, max(openness, visible, gaze / MISMATCH_GAZE_FULL)))

    @property
    def looking_away(self) -> bool:
        """The eyes look clearly off the camera, or the head is turned beyond a limit."""
        x, y = self.gaze
        return (abs(x) > AWAY_GAZE_X or abs(y) > AWAY_GAZE_Y
                or abs(self.yaw) > AWAY_YAW or abs(self.pitch) > AWAY_PITCH)


# --- geometry ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Crop:
    """A square region of the image, turned by the angle of ``axis``: ``axis`` is the
    crop's x direction in the image (a unit vector), ``size`` its side in image pixels."""

    centre: tuple[float, float]
    size: float
    axis: tuple[float, float]

    def to_image(self, points: np.ndarray, input_size: int) -> np.ndarray:
        """Points in crop pixels (x, y[, z]) -> image pixels (z scaled alike)."""
        scale = self.size / input_size
        u = points[:, 0] * scale - self.size / 2
        v = points[:, 1] * scale - self.size / 2
        ax, ay = self.axis
        out = np.array(points, dtype=np.float64, copy=True)
        # the crop's y direction is the axis turned 90 degrees clockwise (image y points down)
        out[:, 0] = self.centre[0] + u * ax - v * ay
        out[:, 1] = self.centre[1] + u * ay + v * ax
        if out.shape[1] > 2:
            out[:, 2] = points[:, 2] * scale
        return out

    def pixels(self, image, input_size: int) -> np.ndarray:
        """The crop resampled to ``input_size`` square, as float32 0-1 (H x W x 3)."""
        from PIL import Image

        scale = self.size / input_size  # image pixels per crop pixel
        ax, ay = self.axis
        # Only the part of the image under the (turned) square is resampled; bilinear
        # sampling of a much larger region would alias (skip pixels), so that part is first
        # shrunk by a whole factor (a box filter) until each crop pixel covers at most ~2.
        reach = self.size * (abs(ax) + abs(ay)) / 2 + 2
        left, top = math.floor(self.centre[0] - reach), math.floor(self.centre[1] - reach)
        source = image.crop((left, top, math.ceil(self.centre[0] + reach), math.ceil(self.centre[1] + reach)))
        cx, cy = self.centre[0] - left, self.centre[1] - top
        reduce = int(scale // 2)
        if reduce >= 2:
            source = source.reduce(reduce)
            scale, cx, cy = scale / reduce, cx / reduce, cy / reduce
        half = scale * input_size / 2
        # PIL's affine maps each output pixel (x, y) to the input point (a x + b y + c, d x + e y + f).
        coefficients = (scale * ax, -scale * ay, cx - half * (ax - ay),
                        scale * ay, scale * ax, cy - half * (ay + ax))
        warped = source.transform((input_size, input_size), Image.Transform.AFFINE, coefficients,
                                  resample=Image.Resampling.BILINEAR)
        return np.asarray(warped, dtype=np.float32) / 255.0


class _MirroredCrop(_Crop):
    """The same square as :class:`_Crop`, mirrored left to right."""

    def to_image(self, points: np.ndarray, input_size: int) -> np.ndarray:
        flipped = np.array(points, dtype=np.float64, copy=True)
        flipped[:, 0] = input_size - flipped[:, 0]
        return super().to_image(flipped, input_size)

    def pixels(self, image, input_size: int) -> np.ndarray:
        return np.ascontiguousarray(super().pixels(image, input_size)[:, ::-1])


def _unit(dx: float, dy: float) -> tuple[float, float]:
    length = math.hypot(dx, dy) or 1.0
    return (dx / length, dy / length)


def _crop_from_points(points: np.ndarray, axis: tuple[float, float], scale: float) -> _Crop:
    """The square that holds ``points`` (x, y) with the sides along ``axis``, grown by ``scale``."""
    ax, ay = axis
    u = points[:, 0] * ax + points[:, 1] * ay
    v = -points[:, 0] * ay + points[:, 1] * ax
    cu, cv = (u.min() + u.max()) / 2, (v.min() + v.max()) / 2
    size = max(u.max() - u.min(), v.max() - v.min()) * scale
    return _Crop(centre=(cu * ax - cv * ay, cu * ay + cv * ax), size=float(size), axis=axis)


def _face_crop(face: Face) -> _Crop:
    """The first crop, from the detector: level with the eye line, around the box."""
    axis = _unit(face.right_eye[0] - face.left_eye[0], face.right_eye[1] - face.left_eye[1])
    corners = np.array([[face.box[0], face.box[1]], [face.box[2], face.box[1]],
                        [face.box[0], face.box[3]], [face.box[2], face.box[3]]], dtype=np.float64)
    # The box is axis-aligned: its extent along a turned axis overstates the face, so the
    # box's own size is used, centred where the box is.
    cx, cy = corners.mean(axis=0)
    size = max(face.width, face.height) * FACE_CROP_SCALE * DETECTOR_BOX_SCALE
    return _Crop(centre=(float(cx), float(cy)), size=float(size), axis=axis)


def _mesh_axis(points: np.ndarray) -> tuple[float, float]:
    """The eye line's direction from the mesh: outer corner to outer corner."""
    a, b = points[LEFT_EYE_CORNERS[0]], points[RIGHT_EYE_CORNERS[1]]
    return _unit(b[0] - a[0], b[1] - a[1])


def _eye_crop(points: np.ndarray, corners: tuple[int, int]) -> _Crop:
    a, b = points[corners[0], :2], points[corners[1], :2]
    axis = _unit(b[0] - a[0], b[1] - a[1])
    width = math.hypot(b[0] - a[0], b[1] - a[1])
    return _Crop(centre=((a[0] + b[0]) / 2, (a[1] + b[1]) / 2), size=width * IRIS_CROP_SCALE, axis=axis)


def head_pose(points: np.ndarray) -> tuple[float, float, float]:
    """(yaw, pitch, roll) in degrees from the mesh's 3-D points.

    The face's own axes: across, from one eye's outer corner to the other's (level in
    MediaPipe's canonical face); down, from the top of the forehead to the chin (within a
    degree of vertical there), made perpendicular to the first; and out of the face,
    perpendicular to both. Roll is the eye line's angle in the picture; it is undone
    before yaw and pitch are read from the out-of-face direction, so that a photo turned
    in its plane changes the roll only. The mesh's z grows away from the camera, in x's units.
    """
    across = points[RIGHT_EYE_CORNERS[1]] - points[LEFT_EYE_CORNERS[0]]
    across = across / (np.linalg.norm(across) or 1.0)
    down = points[CHIN] - points[FOREHEAD]
    down = down - np.dot(down, across) * across
    down = down / (np.linalg.norm(down) or 1.0)
    # across x down points into the face (x right, y down, z away): its opposite is where
    # the face looks
    out = -np.cross(across, down)
    tilt = math.atan2(across[1], across[0])  # the eye line's angle in the picture (y down)
    cos_t, sin_t = math.cos(tilt), math.sin(tilt)
    level_x, level_y = out[0] * cos_t + out[1] * sin_t, -out[0] * sin_t + out[1] * cos_t
    yaw = math.degrees(math.atan2(level_x, -out[2]))
    pitch = math.degrees(math.atan2(-level_y, math.hypot(level_x, out[2])))
    return yaw, pitch, -math.degrees(tilt)


def _eye_contour(points: np.ndarray, side: str) -> np.ndarray:
    """The 16 points around one eye's opening: 0 and 8 the corners, 1-7 the lower lid and
    9-15 the upper lid, both from the first corner towards the second."""
    return points[list(EYE_POINTS_IN_MESH[side][:16])]


def _eye_aspect_ratio(contour: np.ndarray) -> float:
    width = float(np.linalg.norm(contour[8] - contour[0])) or 1e-6
    return float(np.mean([np.linalg.norm(contour[8 + k] - contour[k]) for k in (3, 4, 5)])) / width


def _gaze(contour: np.ndarray, iris: np.ndarray) -> tuple[float, float]:
    """The iris centre's offset from the corners' middle, in half eye widths, in the eye's
    own frame (its corners' line level): x towards the image's right, y up."""
    first, last = contour[0, :2], contour[8, :2]
    if last[0] < first[0]:
        first, last = last, first
    half_width = float(np.linalg.norm(last - first)) / 2 or 1e-6
    across = (last - first) / (2 * half_width)
    up = np.array([across[1], -across[0]])
    offset = iris[0, :2] - (first + last) / 2
    return float(offset @ across / half_width), float(offset @ up / half_width - GAZE_Y_REST)


def _luminance(image: np.ndarray, left: int, top: int, right: int, bottom: int) -> np.ndarray:
    """Brightness (0-255) of a region of an RGB image, clipped to the image."""
    region = image[max(top, 0):max(bottom, 0), max(left, 0):max(right, 0)].astype(np.float32)
    return region[..., 0] * 0.299 + region[..., 1] * 0.587 + region[..., 2] * 0.114


def _iris_visibility(image: np.ndarray, contour: np.ndarray, iris: np.ndarray, skin: float) -> float:
    """0-1: how clearly a dark iris shows between the lids (see IRIS_SHOWN)."""
    from PIL import Image, ImageDraw

    outline = contour[[*range(9), *range(15, 8, -1)], :2]  # lower lid, then the upper lid back
    centre = iris[0, :2]
    radius = float(np.mean(np.linalg.norm(iris[1:, :2] - centre, axis=1)))
    left, top = (int(v) for v in np.floor(np.maximum(np.minimum(outline.min(axis=0), centre - radius), 0)))
    right, bottom = (int(v) for v in np.ceil(np.maximum(outline.max(axis=0), centre + radius)) + 1)
    right, bottom = min(right, image.shape[1]), min(bottom, image.shape[0])
    if right <= left or bottom <= top:
        return 0.0
    mask = Image.new("L", (right - left, bottom - top), 0)
    ImageDraw.Draw(mask).polygon([(float(x - left), float(y - top)) for x, y in outline], fill=255)
    ys, xs = np.mgrid[top:bottom, left:right]
    inside = (np.asarray(mask) > 0) & ((xs - centre[0]) ** 2 + (ys - centre[1]) ** 2 <= radius**2)
    if not inside.any():  # lids together: nothing shows
        return 0.0
    ratio = float(np.median(_luminance(image, left, top, right, bottom)[inside])) / max(skin, 1.0)
    return float(np.clip((IRIS_HIDDEN - ratio) / (IRIS_HIDDEN - IRIS_SHOWN), 0.0, 1.0))


def _skin_under_eye(image: np.ndarray, points: np.ndarray, side: str) -> float:
    """The median brightness under the eye: the third ring of eye points' lower half."""
    ring = points[list(EYE_POINTS_IN_MESH[side][32:41]), :2]
    x = np.clip(ring[:, 0].round().astype(int), 0, image.shape[1] - 1)
    y = np.clip(ring[:, 1].round().astype(int), 0, image.shape[0] - 1)
    rgb = image[y, x].astype(np.float32)
    return float(np.median(rgb[:, 0] * 0.299 + rgb[:, 1] * 0.587 + rgb[:, 2] * 0.114))


def _openness(ear: float) -> float:
    return float(np.clip((ear - EAR_CLOSED) / (EAR_WIDE - EAR_CLOSED), 0.0, 1.0))


# --- the reader ---------------------------------------------------------------------------


class FaceMesh:
    """Reads a face's mesh. The models load on the first :meth:`read` (checked against
    their sha256); calls from several threads take turns."""

    def __init__(self, folder: Path | None = None, *, num_threads: int = 1) -> None:
        self.folder = Path(folder) if folder is not None else None
        self.num_threads = num_threads
        self._lock = threading.Lock()
        self._face = None
        self._iris = None

    def _interpreter(self, file: str):
        """One network, from its file once its sha256 is checked (the checked bytes are
        what is loaded)."""
        path = (self.folder or models_folder()) / file
        content = read_checked(path, MODEL_SHA256[file],
                               missing=f"The face mesh model ({file}) is missing. {FIX_REINSTALL}",
                               damaged=f"The face mesh model ({file}) is damaged or was changed. {FIX_REINSTALL}")
        return tflite_interpreter(content, self.num_threads, missing_runtime=(
            f"The face mesh cannot run: its runtime (the ai-edge-litert package) is missing. {FIX_REINSTALL}"))

    def load(self) -> None:
        """Load both models now (otherwise the first read does). Raises
        ModelNotFoundError / ModelDamagedError when a file is missing or changed."""
        with self._lock:
            self._load_locked()

    def _load_locked(self) -> None:
        if self._face is None:
            face = self._interpreter(FACE_MODEL_FILE)
            iris = self._interpreter(IRIS_MODEL_FILE)
            self._face, self._iris = face, iris

    @staticmethod
    def _run(interpreter, tensor: np.ndarray) -> list[np.ndarray]:
        interpreter.set_tensor(interpreter.get_input_details()[0]["index"], tensor[None])
        interpreter.invoke()
        return [interpreter.get_tensor(d["index"]) for d in interpreter.get_output_details()]

    def _face_pass(self, image, crop: _Crop) -> tuple[np.ndarray, float]:
        outputs = self._run(self._face, crop.pixels(image, FACE_INPUT_SIZE))
        points = next(o for o in outputs if o.size == MESH_POINTS * 3).reshape(MESH_POINTS, 3)
        logit = float(next(o for o in outputs if o.size == 1).reshape(()))
        presence = 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, logit))))
        return crop.to_image(points.astype(np.float64), FACE_INPUT_SIZE), presence

    def _eye_pass(self, image, points: np.ndarray, side: str) -> tuple[np.ndarray, np.ndarray]:
        crop = _eye_crop(points, LEFT_EYE_CORNERS if side == "left" else RIGHT_EYE_CORNERS)
        if side == "right":  # the network knows the image-left eye only: mirror the crop
            crop = _MirroredCrop(crop.centre, crop.size, crop.axis)
        outputs = self._run(self._iris, crop.pixels(image, IRIS_INPUT_SIZE))
        eye = next(o for o in outputs if o.size == 71 * 3).reshape(71, 3).astype(np.float64)
        iris = next(o for o in outputs if o.size == 5 * 3).reshape(5, 3).astype(np.float64)
        return crop.to_image(eye, IRIS_INPUT_SIZE), crop.to_image(iris, IRIS_INPUT_SIZE)

    def read(self, image: np.ndarray, face: Face) -> MeshReading | None:
        """The mesh of ``face`` (found in ``image``, RGB uint8 H x W x 3), or None when the
        network sees no face there. Raises ModelNotFoundError / ModelDamagedError when the
        model files are missing or changed."""
        from PIL import Image

        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError(f"expected an RGB uint8 image (H x W x 3), got {image.dtype} {image.shape}")
        picture = Image.fromarray(np.ascontiguousarray(image))
        with self._lock:
            self._load_locked()
            # 1-2. a first look, from the detector's box
            points, presence = self._face_pass(picture, _face_crop(face))
            if presence < MIN_FACE_PRESENCE:
                return None
            # 3. again, framed by the mesh itself, as the network was trained
            points, presence = self._face_pass(picture, _crop_from_points(points, _mesh_axis(points), FACE_CROP_SCALE))
            if presence < MIN_FACE_PRESENCE:
                return None
            # 4. the eyes
            eyes = {side: self._eye_pass(picture, points, side) for side in ("left", "right")}
        # 5. one 478-point mesh: refined eye contours in place (x, y; the mesh keeps its z),
        # then the irises (their depth: the eye contour's mean)
        landmarks = np.zeros((MESH_POINTS + 10, 3))
        landmarks[:MESH_POINTS] = points
        for side, (eye, _) in eyes.items():
            landmarks[list(EYE_POINTS_IN_MESH[side]), :2] = eye[:, :2]
        for side, where in (("left", LEFT_IRIS), ("right", RIGHT_IRIS)):
            iris = eyes[side][1]
            landmarks[where, :2] = iris[:, :2]
            landmarks[where, 2] = points[list(EYE_POINTS_IN_MESH[side][:16]), 2].mean()
        return reading_from_landmarks(landmarks, image, presence)


_shared: FaceMesh | None = None
_shared_lock = threading.Lock()


def shared_face_mesh() -> FaceMesh:
    """The process's one FaceMesh on the bundled models (they load on its first read)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = FaceMesh()
        return _shared


def reading_from_landmarks(landmarks: np.ndarray, image: np.ndarray, presence: float = 1.0) -> MeshReading:
    """The measurements from a 478-point mesh of a face in ``image`` (RGB uint8), in its pixels."""
    eyes = {}
    for side, iris in (("left", landmarks[LEFT_IRIS]), ("right", landmarks[RIGHT_IRIS])):
        contour = _eye_contour(landmarks, side)
        skin = _skin_under_eye(image, landmarks, side)
        eyes[side] = (_openness(_eye_aspect_ratio(contour)), _iris_visibility(image, contour, iris, skin),
                      _gaze(contour, iris))
    yaw, pitch, roll = head_pose(landmarks)
    mouth_width = float(np.linalg.norm(landmarks[MOUTH_CORNERS[1]] - landmarks[MOUTH_CORNERS[0]])) or 1e-6
    lips = float(np.linalg.norm(landmarks[LIPS_INNER[1]] - landmarks[LIPS_INNER[0]]))
    return MeshReading(
        landmarks=landmarks,
        left_eye_open=eyes["left"][0],
        right_eye_open=eyes["right"][0],
        left_iris_visible=eyes["left"][1],
        right_iris_visible=eyes["right"][1],
        left_gaze=eyes["left"][2],
        right_gaze=eyes["right"][2],
        yaw=yaw,
        pitch=pitch,
        roll=roll,
        mouth_open=float(np.clip(lips / mouth_width / MOUTH_WIDE, 0.0, 1.0)),
        presence=presence,
    )
