"""Photo quality: an honest verdict for every selfie, with a fix, and a verdict on the set.

Per photo, each check gives a 0-1 score (1 is best), and a photo's verdict is its worst
check: ok (green), warn (amber: usable, but the fix would help) or reject (red: not
used for training). Per set: enough usable photos, some variety of pose and light, and
one consistent person.

Every threshold is in :class:`Thresholds`, with the reason for its value. Exposure is
judged from the face's own range (its highlights and how much of it is clipped), never
from how light the skin is, so a correctly exposed photo of a person with dark skin
is not called "too dark".
"""

from __future__ import annotations

import enum
import json
import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from headshot_studio.core.events import ModelDamagedError, ModelNotFoundError
from headshot_studio.core.faces import Face, FaceAnalyzer, cosine_similarity
from headshot_studio.core.faces.mesh import (
    AWAY_GAZE_X,
    AWAY_GAZE_Y,
    FaceMesh,
    MeshReading,
    shared_face_mesh,
)
from headshot_studio.core.files import regular_file_problem, sha256_file
from headshot_studio.core.images import ImageLoadError, display_name, load_image
from headshot_studio.core.limits import IDEAL_PHOTOS, MAX_PHOTOS, MIN_PHOTOS

log = logging.getLogger(__name__)

# Bump when a measurement changes, so cached reports are redone. 2: the eye checks
# (eyes_closed, looking_away) from the face mesh.
ANALYSIS_VERSION = 2


class Verdict(str, enum.Enum):
    OK = "ok"
    WARN = "warn"
    REJECT = "reject"

    @property
    def rank(self) -> int:
        return {"ok": 0, "warn": 1, "reject": 2}[self.value]


@dataclass(frozen=True)
class Thresholds:
    # Photos are analysed at this size (longer side): faces in selfies stay hundreds of
    # pixels wide, and a 12-MP photo decodes and analyses in a fraction of a second.
    analysis_side: int = 1024
    # Training crops are 512 px (SD1.5-class); a photo smaller than that cannot fill one.
    min_image_side: int = 512
    # The size faces are trained at: the model's native resolution (512 px for SD1.5-class
    # models, 1024 for SDXL; see thresholds_for). The face-size limits follow it.
    training_resolution: int = 512
    # Face size is measured by the distance between the eye centres (the same for every
    # backend, unlike box sizes). The training crop spans 5 eye distances, so 100 px
    # fills a 512 px crop without upscaling; below 50 px it would be upscaled 2x or more.
    # (100 px between the eyes is a face about 250 px wide.) For 1024 px training both
    # double: an SDXL session warns below 200 px and rejects below 100 px.
    warn_eye_distance_px: float = 100.0
    reject_eye_distance_px: float = 50.0
    # A face box reaching past the photo's edge by more than this fraction of its size
    # means part of the face is missing; a box whose surroundings (hair, chin) reach past
    # it by this margin is framed too tight to crop with room around the head.
    reject_face_outside: float = 0.05
    warn_head_margin: float = 0.20
    # Sharpness on the face, 0-1 (see sharpness_score); the field flags below 0.7.
    warn_sharpness: float = 0.70
    reject_sharpness: float = 0.40
    # Exposure is judged by lost detail, never by skin tone: the photo's brightest 1%
    # (eye whites, teeth, catch-lights, clothes) reaches well above 140 when the photo is
    # exposed correctly, whatever the skin tone; an underexposed one has no highlights.
    warn_highlight_level: float = 110.0
    reject_highlight_level: float = 75.0
    # Crushed shadows: share of the face at near-black (< 12 of 255).
    warn_shadow_clip: float = 0.20
    reject_shadow_clip: float = 0.45
    # Blown-out: share of the face clipped to near-white (> 245 of 255).
    warn_highlight_clip: float = 0.08
    reject_highlight_clip: float = 0.25
    # Harsh side light: the darker half of the face against the brighter half. Soft
    # portrait light stays above ~0.6; a single hard light from the side goes below 0.45.
    warn_side_ratio: float = 0.50
    # Head turns beyond 45 degrees hide half the face (the field flags past 45).
    reject_yaw: float = 45.0
    reject_pitch: float = 45.0
    # Eyes turned away from the camera (the head's own turn is judged above): the iris'
    # offset in the eye, sideways and up or down, in half eye widths (the face mesh's gaze,
    # core/faces/mesh.py, where the values are measured). Warned: the photo still shows
    # the face, but a headshot learned from eyes looking aside tends to look aside.
    # (Closed eyes have no threshold here: whether an iris shows is the mesh's call.)
    warn_gaze_x: float = AWAY_GAZE_X
    warn_gaze_y: float = AWAY_GAZE_Y
    # A second face counts when it is at least this fraction of the main face's width;
    # the main face is "clearly dominant" when it is this many times wider.
    other_face_min_ratio: float = 0.35
    dominant_ratio: float = 1.6
    # Near-identical photos: 64-bit difference hashes this close (bits) are the same shot.
    duplicate_hash_bits: int = 6
    # Photos in a set: how few, the ideal, and how many a session takes (reasons in limits.py).
    min_photos: int = MIN_PHOTOS
    ideal_photos: tuple[int, int] = IDEAL_PHOTOS
    max_photos: int = MAX_PHOTOS
    # Variety: head turns spanning less than this (degrees), or face brightness varying by
    # less than this factor, mean the photos were all taken the same way.
    min_yaw_spread: float = 12.0
    min_light_spread: float = 1.15


THRESHOLDS = Thresholds()


def thresholds_for(training_resolution: int) -> Thresholds:
    """The thresholds for faces trained at ``training_resolution`` px: a photo is judged
    by how much its face would be enlarged to fill the training crop (up to 1x is fine,
    over 2x is refused), so a face that is plenty for SD1.5 can be too small for SDXL."""
    scale = training_resolution / THRESHOLDS.training_resolution
    return replace(
        THRESHOLDS,
        training_resolution=training_resolution,
        warn_eye_distance_px=THRESHOLDS.warn_eye_distance_px * scale,
        reject_eye_distance_px=THRESHOLDS.reject_eye_distance_px * scale,
    )


@dataclass(frozen=True)
class Issue:
    code: str
    severity: Verdict  # WARN or REJECT
    score: float  # 0-1, 1 = fine
    message: str  # what is wrong and how to fix it, in one or two sentences

    def to_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity.value, "score": round(self.score, 3), "message": self.message}


@dataclass(frozen=True)
class PhotoReport:
    file: Path
    verdict: Verdict
    issues: tuple[Issue, ...]
    scores: dict[str, float] = field(default_factory=dict)  # every check's 0-1 score
    image_size: tuple[int, int] | None = None  # full-size, upright
    face: Face | None = field(default=None, repr=False)  # the main face, full-size pixels
    faces_found: int = 0
    content_hash: str = ""
    difference_hash: int | None = None
    face_brightness: float | None = None  # median face luminance, 0-255 (for set variety)
    training_resolution: int = THRESHOLDS.training_resolution  # what the face size was judged for

    @property
    def usable(self) -> bool:
        return self.verdict != Verdict.REJECT

    @property
    def message(self) -> str:
        """One sentence for the photo's badge: its most serious issue, or that it is fine."""
        if not self.issues:
            return "Good photo."
        return max(self.issues, key=lambda issue: issue.severity.rank).message

    def to_dict(self) -> dict:
        face = None
        if self.face is not None:
            f = self.face
            face = {
                "box": [round(v, 1) for v in f.box],
                "score": round(f.score, 3),
                "width_px": round(f.width, 1),
                "eye_distance_px": round(f.eye_distance, 1),
                "left_eye": [round(v, 1) for v in f.left_eye],
                "right_eye": [round(v, 1) for v in f.right_eye],
                "nose": [round(v, 1) for v in f.nose],
                "yaw": round(f.yaw, 1),
                "pitch": round(f.pitch, 1),
                "roll": round(f.roll, 1),
            }
        return {
            "file": str(self.file),
            "verdict": self.verdict.value,
            "message": self.message,
            "issues": [issue.to_dict() for issue in self.issues],
            "scores": {k: round(v, 3) for k, v in self.scores.items()},
            "image_size": list(self.image_size) if self.image_size else None,
            "faces_found": self.faces_found,
            "training_resolution": self.training_resolution,
            "face": face,
        }


def _verdict(issues: Iterable[Issue]) -> Verdict:
    return max((issue.severity for issue in issues), key=lambda v: v.rank, default=Verdict.OK)


def _graded(code: str, score: float, warn_below: float, reject_below: float | None, message: str) -> Issue | None:
    if reject_below is not None and score < reject_below:
        return Issue(code, Verdict.REJECT, score, message)
    if score < warn_below:
        return Issue(code, Verdict.WARN, score, message)
    return None


# --- measurements ---------------------------------------------------------------------


def _luminance(rgb: np.ndarray) -> np.ndarray:
    return rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114


def face_pixels(image: np.ndarray, face: Face, shrink: float = 0.1) -> np.ndarray:
    """The face box (shrunk by ``shrink`` on each side, clipped to the image) as float RGB."""
    left, top, right, bottom = face.box
    dx, dy = (right - left) * shrink, (bottom - top) * shrink
    x0, y0 = max(0, int(left + dx)), max(0, int(top + dy))
    x1, y1 = min(image.shape[1], int(right - dx)), min(image.shape[0], int(bottom - dy))
    return image[y0:y1, x0:x1].astype(np.float64)


def sharpness_score(image: np.ndarray, face: Face) -> float:
    """0-1 sharpness of the face: variance of the Laplacian of the face resized to
    ``SHARPNESS_WIDTH`` pixels wide and stretched to its own brightness range, so blur is
    judged relative to the face's size and contrast (the same photo scores the same at
    any resolution and skin tone), mapped to v / (v + half point)."""
    from PIL import Image

    region = face_pixels(image, face, shrink=0.12)
    if region.size == 0:
        return 0.0
    gray = Image.fromarray(_luminance(region).astype(np.uint8))
    height = max(8, round(gray.height * SHARPNESS_WIDTH / max(gray.width, 1)))
    g = np.asarray(gray.resize((SHARPNESS_WIDTH, height), Image.Resampling.BILINEAR), dtype=np.float64)
    # Measured on log brightness: skin tone and exposure scale brightness, and a scale
    # is a constant offset in log space, so detail on darker skin, or in a dim photo,
    # counts exactly as much as on a light one. (+8 keeps sensor noise in near-black
    # shadows from counting as detail.)
    g = 100.0 * np.log(g + 8.0)
    laplacian = g[1:-1, :-2] + g[1:-1, 2:] + g[:-2, 1:-1] + g[2:, 1:-1] - 4 * g[1:-1, 1:-1]
    variance = float(laplacian.var())
    return variance / (variance + SHARPNESS_HALF_POINT)


# The face is judged at 96 px wide: fine enough to see focus and motion blur, coarse
# enough that sensor noise and JPEG artefacts do not count as detail.
SHARPNESS_WIDTH = 96
# Laplacian variance (of 100 x log brightness) at which the score is 0.5. Measured on
# the test portraits (film photos, upscaled, so softer than a phone selfie): in focus
# 43-72, the same with darker skin 35-92 or underexposed 42-65 (scores 0.74-0.88); a
# blur of 1% of the face width 12-21 (0.5-0.64, warned); of 2% 3-5 (0.2-0.3, rejected).
SHARPNESS_HALF_POINT = 12.0


def exposure_measurements(image: np.ndarray, face: Face) -> dict[str, float]:
    """What exposure can be judged by without judging skin tone.

    ``highlight``: the brightest 1% of the whole photo. A correctly exposed photo has
    highlights (eye whites, teeth, catch-lights, clothes, sky) whatever the skin tone;
    an underexposed one has none. ``shadow_clip`` / ``highlight_clip``: the share of
    the face crushed to black or blown to white, i.e. detail lost. ``median``: the
    face's median brightness, used only to compare the photos of one set with each other.
    """
    lum = _luminance(face_pixels(image, face))
    if lum.size == 0:
        return {"highlight": 0.0, "shadow_clip": 1.0, "highlight_clip": 0.0, "median": 0.0}
    whole = _luminance(image[:: max(1, image.shape[0] // 256), :: max(1, image.shape[1] // 256)].astype(np.float64))
    return {
        "highlight": float(np.percentile(whole, 99)),
        "shadow_clip": float((lum < 12).mean()),
        "highlight_clip": float((lum > 245).mean()),
        "median": float(np.median(lum)),
    }


def exposure_scores(measurements: dict[str, float], thresholds: Thresholds = THRESHOLDS) -> tuple[float, float]:
    """How well exposed a face is, from :func:`exposure_measurements`, as two 0-1 scores
    (1 is fine): *dark* and *bright*. The dark score is 0.7 with the highlights at the
    warn level and 0.4 at the reject level, and falls as the face's shadows are crushed
    to black; the bright one falls as the face is blown out to white. The one exposure
    score: the photo checks judge by it, and ranking takes the worse of the two."""
    t = thresholds
    dark = min(
        (measurements["highlight"] - t.reject_highlight_level) / (t.warn_highlight_level - t.reject_highlight_level) * 0.3 + 0.4,
        1.0 - measurements["shadow_clip"] / max(t.reject_shadow_clip, 1e-6) * 0.6,
    )
    bright = 1.0 - measurements["highlight_clip"] / max(t.reject_highlight_clip, 1e-6) * 0.6
    return float(np.clip(dark, 0.0, 1.0)), float(np.clip(bright, 0.0, 1.0))


def exposure_score(measurements: dict[str, float], thresholds: Thresholds = THRESHOLDS) -> float:
    """One 0-1 exposure score: the worse of :func:`exposure_scores`' dark and bright."""
    return min(exposure_scores(measurements, thresholds))


def side_light_ratio(image: np.ndarray, face: Face) -> float:
    """Median brightness of the darker cheek side over the brighter one (1.0 = even)."""
    lum = _luminance(image.astype(np.float64))
    eye_y = (face.left_eye[1] + face.right_eye[1]) / 2
    span = face.eye_distance
    top, bottom = int(max(0, eye_y)), int(min(lum.shape[0], eye_y + 1.3 * span))
    middle = face.nose[0]
    left = lum[top:bottom, int(max(0, face.left_eye[0] - 0.4 * span)) : int(max(0, middle - 0.1 * span))]
    right = lum[top:bottom, int(min(lum.shape[1], middle + 0.1 * span)) : int(min(lum.shape[1], face.right_eye[0] + 0.4 * span))]
    if left.size == 0 or right.size == 0:
        return 1.0
    a, b = float(np.median(left)) + 1.0, float(np.median(right)) + 1.0
    return min(a, b) / max(a, b)


def difference_hash(image: np.ndarray) -> int:
    """64-bit dHash: which of each pair of neighbouring pixels is brighter, at 9x8."""
    from PIL import Image

    small = np.asarray(Image.fromarray(image).convert("L").resize((9, 8), Image.Resampling.BILINEAR), dtype=np.int16)
    bits = (small[:, 1:] > small[:, :-1]).reshape(-1)
    return int(sum(1 << i for i, bit in enumerate(bits) if bit))


# --- the per-photo check ----------------------------------------------------------------


def _pose_issue(face: Face, t: Thresholds) -> Issue | None:
    turn = max(abs(face.yaw) / t.reject_yaw, abs(face.pitch) / t.reject_pitch)
    if turn > 1.0:
        return Issue(
            "extreme_pose",
            Verdict.REJECT,
            max(0.0, 2.0 - turn) / 2,
            "Your head is turned too far from the camera. Use photos where you face the camera "
            "or turn your head only slightly.",
        )
    return None


_mesh_warnings: set[str] = set()  # each "eye checks skipped" reason is logged once
_mesh_warnings_lock = threading.Lock()


def _mesh_reading(mesh: FaceMesh, image: np.ndarray, face: Face) -> MeshReading | None:
    """The face mesh's reading of the main face, or None when there is none to judge by:
    the mesh's model files are missing or damaged (logged once; the eye checks are then
    skipped and the photo is judged on everything else), or the mesh sees no face where
    the analyzer found one."""
    try:
        return mesh.read(image, face)
    except (ModelNotFoundError, ModelDamagedError) as exc:
        with _mesh_warnings_lock:
            first = exc.message not in _mesh_warnings
            _mesh_warnings.add(exc.message)
        if first:
            log.warning("the eye checks are skipped: %s (%s)", exc.message, exc.details)
        return None


def _mesh_available() -> bool:
    """Whether the shared face mesh's model files load (checked once they have)."""
    try:
        shared_face_mesh().load()
    except (ModelNotFoundError, ModelDamagedError):
        return False
    return True


def _eyes_closed_check(reading: MeshReading) -> tuple[float, Issue | None]:
    """Closed eyes: no iris shows between the lids of either eye."""
    score = max(reading.left_iris_visible, reading.right_iris_visible)
    if not reading.eyes_closed:
        return score, None
    return score, Issue("eyes_closed", Verdict.WARN, score,
                        "Your eyes are closed in this photo. Take one more with your eyes open.")


def _looking_away_check(reading: MeshReading, t: Thresholds) -> tuple[float, Issue | None]:
    """Eyes turned away from the camera: 0.5 at the thresholds, 1 looking straight ahead."""
    x, y = reading.gaze
    away = max(abs(x) / t.warn_gaze_x, abs(y) / t.warn_gaze_y)
    score = max(0.0, 1.0 - away / 2)
    if away <= 1.0:
        return score, None
    return score, Issue("looking_away", Verdict.WARN, score,
                        "You are looking away from the camera in this photo. Take one more looking straight "
                        "into the lens.")


def _resolution_check(size: tuple[int, int], t: Thresholds) -> tuple[float, Issue | None]:
    """A photo too small to fill a training crop is refused."""
    shortest = min(size)
    score = min(1.0, shortest / t.min_image_side)
    if shortest >= t.min_image_side:
        return score, None
    return score, Issue(
        "low_resolution",
        Verdict.REJECT,
        score,
        f"The photo is only {size[0]}x{size[1]} pixels. Use the "
        "original photo from your phone, not a thumbnail or a screenshot.",
    )


def _other_faces_check(faces: Sequence[Face], t: Thresholds) -> tuple[float, Issue | None]:
    """Other people in the photo: a warning when the largest face (``faces[0]``) is
    clearly the main one, refused when it is unclear which face is the person's."""
    face = faces[0]
    others = [f for f in faces[1:] if f.width >= t.other_face_min_ratio * face.width]
    if not others:
        return 1.0, None
    if face.width >= t.dominant_ratio * max(f.width for f in others):
        return 0.6, Issue("multiple_faces", Verdict.WARN, 0.6,
                          "Other people are in this photo; the largest face is used. A photo of you alone is better.")
    return 0.0, Issue("multiple_faces", Verdict.REJECT, 0.0,
                      "Several faces of similar size are in this photo, so it is unclear which one is you. "
                      "Use a photo of you alone.")


def _face_size_check(face: Face, to_full: float, t: Thresholds) -> tuple[float, Issue | None]:
    """The face's size in full-size pixels, against how much training would enlarge it."""
    eye_px = face.eye_distance * to_full
    score = min(1.0, eye_px / t.warn_eye_distance_px)
    enlarged = t.warn_eye_distance_px / max(eye_px, 1e-6)  # to fill the training crop
    training = f"for this model's {t.training_resolution}-pixel training"
    issue = _graded(
        "face_too_small",
        score,
        1.0,
        t.reject_eye_distance_px / t.warn_eye_distance_px,
        (f"Your face is too small in this photo (about {face.width * to_full:.0f} pixels wide): it would "
         f"have to be enlarged {enlarged:.1f} times {training}, and the learned face would come out soft. "
         "Move closer to the camera so your face fills about a third of the picture.")
        if eye_px < t.reject_eye_distance_px else
        (f"Your face is a little small in this photo (about {face.width * to_full:.0f} pixels wide): it will "
         f"be enlarged {enlarged:.1f} times {training}, which softens it. Move closer to the camera so "
         "your face fills about a third of the picture."),
    )
    return score, issue


def _framing_check(face: Face, width: int, height: int, t: Thresholds) -> tuple[float, Issue | None]:
    """Part of the face outside the photo (refused), or no room around the head (warned)."""
    left, top, right, bottom = face.box
    outside = max(0.0, -left, -top, right - width, bottom - height) / max(face.width, 1.0)
    margin_x, margin_y = t.warn_head_margin * face.width, t.warn_head_margin * face.height
    tight = left - margin_x < 0 or right + margin_x > width or top - 1.5 * margin_y < 0 or bottom + margin_y > height
    if outside > t.reject_face_outside:
        return 0.0, Issue("face_cut_off", Verdict.REJECT, 0.0,
                          "Part of your face is cut off at the edge of the photo. Use a photo with your whole head in the picture.")
    if tight:
        return 0.6, Issue("face_cut_off", Verdict.WARN, 0.6,
                          "Your head is very close to the edge of the photo. Leave some space around your head and hair.")
    return 1.0, None


def _dark_issue(exposure: dict[str, float], score: float, t: Thresholds) -> Issue | None:
    """Too dark: no highlights in the photo, or the face's shadows crushed to black."""
    if exposure["highlight"] < t.reject_highlight_level or exposure["shadow_clip"] > t.reject_shadow_clip:
        return Issue("too_dark", Verdict.REJECT, score,
                     "The photo is too dark to see your face clearly. Take it facing a window or in brighter light.")
    if exposure["highlight"] < t.warn_highlight_level or exposure["shadow_clip"] > t.warn_shadow_clip:
        return Issue("too_dark", Verdict.WARN, score,
                     "The photo is rather dark. Face a window or a lamp for a brighter photo.")
    return None


def _bright_issue(exposure: dict[str, float], score: float, t: Thresholds) -> Issue | None:
    """Too bright: part of the face blown out to white."""
    if exposure["highlight_clip"] > t.reject_highlight_clip:
        return Issue("too_bright", Verdict.REJECT, score,
                     "Your face is washed out by too much light. Avoid direct sun or flash; use soft daylight.")
    if exposure["highlight_clip"] > t.warn_highlight_clip:
        return Issue("too_bright", Verdict.WARN, score,
                     "Parts of your face are too bright. Move out of direct sun or turn off the flash.")
    return None


def _even_light_issue(ratio: float, t: Thresholds) -> Issue | None:
    """Harsh light from one side."""
    if ratio >= t.warn_side_ratio:
        return None
    return Issue("uneven_lighting", Verdict.WARN, ratio,
                 "One side of your face is in strong shadow. Face the light (a window in front of you) "
                 "rather than having it beside you.")


def check_photo(
    path: Path,
    analyzer: FaceAnalyzer,
    thresholds: Thresholds = THRESHOLDS,
    content_hash: str | None = None,
    *,
    mesh: FaceMesh | None = None,
) -> PhotoReport:
    """Load, detect, measure and judge one photo (no set-level checks). The eyes are
    judged from ``mesh`` (by default the process's shared face mesh), in this process:
    its networks run in a few milliseconds and release Python's lock while they do."""
    t = thresholds
    path = Path(path)
    try:
        loaded = load_image(path, max_side=t.analysis_side)
    except ImageLoadError as exc:
        issue = Issue("unreadable", Verdict.REJECT, 0.0, exc.message)
        return PhotoReport(file=path, verdict=Verdict.REJECT, issues=(issue,), content_hash=content_hash or "",
                           training_resolution=t.training_resolution)
    image = np.asarray(loaded.image)
    issues: list[Issue] = []
    scores: dict[str, float] = {}
    to_full = 1.0 / loaded.scale

    def note(name: str, score: float, issue: Issue | None) -> None:
        """Record one check: its score, and its issue when it found one."""
        scores[name] = score
        if issue:
            issues.append(issue)

    note("resolution", *_resolution_check(loaded.original_size, t))
    faces = analyzer.detect(image)
    base = {"file": path, "image_size": loaded.original_size, "content_hash": content_hash or "",
            "difference_hash": difference_hash(image), "faces_found": len(faces),
            "training_resolution": t.training_resolution}
    if not faces:
        issues.append(
            Issue("no_face", Verdict.REJECT, 0.0,
                  "No face was found. Use a photo where your face is clearly visible, facing the camera, in good light.")
        )
        return PhotoReport(verdict=_verdict(issues), issues=tuple(issues), scores=scores, **base)

    note("single_face", *_other_faces_check(faces, t))
    face = analyzer.embed(image, faces[0])
    note("face_size", *_face_size_check(face, to_full, t))  # in full-size pixels
    note("framing", *_framing_check(face, image.shape[1], image.shape[0], t))
    sharpness = sharpness_score(image, face)  # on the face
    note("sharpness", sharpness, _graded("blurry", sharpness, t.warn_sharpness, t.reject_sharpness,
                                         "The photo is blurry. Hold the phone still, tap your face to focus, "
                                         "or use more light."))
    # Exposure, judged from the face's own range.
    exposure = exposure_measurements(image, face)
    dark, bright = exposure_scores(exposure, t)
    note("exposure_dark", dark, _dark_issue(exposure, dark, t))
    note("exposure_bright", bright, _bright_issue(exposure, bright, t))
    ratio = side_light_ratio(image, face)  # even light across the face
    note("even_light", ratio, _even_light_issue(ratio, t))
    pose = max(0.0, 1.0 - max(abs(face.yaw) / t.reject_yaw, abs(face.pitch) / t.reject_pitch) / 2)
    note("pose", pose, _pose_issue(face, t))
    reading = _mesh_reading(mesh if mesh is not None else shared_face_mesh(), image, face)
    if reading is not None:  # the eyes, from the face mesh
        note("eyes_open", *_eyes_closed_check(reading))
        note("gaze", *_looking_away_check(reading, t))

    return PhotoReport(
        verdict=_verdict(issues),
        issues=tuple(issues),
        scores=scores,
        face=face.scaled(to_full),
        face_brightness=exposure["median"],
        **base,
    )


# --- cache ----------------------------------------------------------------------------


class ReportCache:
    """Photo reports by file content (sha256) and analyser, in memory and optionally on
    disk, so adding a photo again, or the same photo under another name, is instant.

    The disk copy holds face embeddings: it lives in the app's cache folder, and
    :meth:`clear` removes it (part of wiping data).
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self._memory: dict[str, PhotoReport] = {}
        self._lock = threading.Lock()

    def _key(self, content_hash: str, analyzer: FaceAnalyzer, training_resolution: int) -> str:
        # A report made while the face mesh could not load lacks the eye checks: it is
        # kept apart, so once the mesh is back (a reinstall) the photos are checked again.
        eyes = "" if _mesh_available() else "-no-eyes"
        return f"{content_hash}-{analyzer.name}-{training_resolution}px-v{ANALYSIS_VERSION}{eyes}"

    def get(self, content_hash: str, analyzer: FaceAnalyzer, path: Path,
            training_resolution: int = THRESHOLDS.training_resolution) -> PhotoReport | None:
        key = self._key(content_hash, analyzer, training_resolution)
        with self._lock:
            report = self._memory.get(key)
        if report is None and self.folder is not None:
            report = _report_from_json(self.folder / f"{key}.json")
            if report is not None:
                with self._lock:
                    self._memory[key] = report
        return replace(report, file=Path(path)) if report is not None else None

    def put(self, report: PhotoReport, analyzer: FaceAnalyzer) -> None:
        key = self._key(report.content_hash, analyzer, report.training_resolution)
        with self._lock:
            self._memory[key] = report
        if self.folder is not None:
            from headshot_studio.core.files import write_json_atomic

            write_json_atomic(self.folder / f"{key}.json", _report_to_json(report))

    def clear(self) -> int:
        """Forget every report; returns the number of files removed from disk."""
        with self._lock:
            self._memory.clear()
        removed = 0
        if self.folder is not None and self.folder.is_dir():
            for file in self.folder.glob("*.json"):
                file.unlink(missing_ok=True)
                removed += 1
        return removed


def _report_to_json(report: PhotoReport) -> dict:
    face = None
    if report.face is not None:
        face = {k: v for k, v in asdict(replace(report.face, embedding=None)).items() if k != "embedding"}
        face["embedding"] = [float(v) for v in report.face.embedding] if report.face.embedding is not None else None
    return {
        "verdict": report.verdict.value,
        "issues": [issue.to_dict() | {"score": issue.score} for issue in report.issues],
        "scores": report.scores,
        "image_size": report.image_size,
        "faces_found": report.faces_found,
        "content_hash": report.content_hash,
        "difference_hash": report.difference_hash,
        "face_brightness": report.face_brightness,
        "training_resolution": report.training_resolution,
        "face": face,
    }


def _report_from_json(path: Path) -> PhotoReport | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        face = None
        if data["face"] is not None:
            raw = dict(data["face"])
            embedding = raw.pop("embedding")
            raw["box"] = tuple(raw["box"])
            for key in ("left_eye", "right_eye", "nose"):
                raw[key] = tuple(raw[key])
            raw["points"] = tuple(tuple(p) for p in raw["points"])
            face = Face(**raw, embedding=np.asarray(embedding, dtype=np.float32) if embedding is not None else None)
        return PhotoReport(
            file=Path(),
            verdict=Verdict(data["verdict"]),
            issues=tuple(Issue(i["code"], Verdict(i["severity"]), float(i["score"]), i["message"]) for i in data["issues"]),
            scores=dict(data["scores"]),
            image_size=tuple(data["image_size"]) if data["image_size"] else None,
            face=face,
            faces_found=int(data["faces_found"]),
            content_hash=data["content_hash"],
            difference_hash=data["difference_hash"],
            face_brightness=data["face_brightness"],
            training_resolution=int(data["training_resolution"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing or damaged: analyse again


def analyze_photo(path: Path, analyzer: FaceAnalyzer, cache: ReportCache | None = None,
                  thresholds: Thresholds = THRESHOLDS) -> PhotoReport:
    """``check_photo`` with a cache keyed by the file's content."""
    try:
        # A folder, a link, a pipe (reading one waits forever): never read here;
        # check_photo says why, without opening it.
        if regular_file_problem(Path(path)) is not None:
            return check_photo(path, analyzer, thresholds)
        content_hash = sha256_file(Path(path))
    except OSError:
        return check_photo(path, analyzer, thresholds)  # missing or unreadable: check_photo says why
    if cache is not None:
        cached = cache.get(content_hash, analyzer, path, thresholds.training_resolution)
        if cached is not None:
            return cached
    report = check_photo(path, analyzer, thresholds, content_hash)
    if cache is not None and report.content_hash:
        cache.put(report, analyzer)
    return report


# --- the set ----------------------------------------------------------------------------


def too_many_photos(adding: int, already: int = 0, thresholds: Thresholds = THRESHOLDS) -> str | None:
    """Why ``adding`` more photos to a session holding ``already`` is refused, or None."""
    t = thresholds
    if already + adding <= t.max_photos:
        return None
    holds = f" and this one already has {already}" if already else ""
    return (f"That is {adding:,} photos: a session takes at most {t.max_photos}{holds}. "
            f"{t.ideal_photos[0]}-{t.ideal_photos[1]} good selfies are best: put your best ones in a folder "
            "of their own and add that folder.")


@dataclass(frozen=True)
class SetReport:
    ready: bool  # enough usable photos of one person to train on
    verdict: Verdict
    usable: tuple[Path, ...]
    issues: tuple[Issue, ...]
    photos: tuple[PhotoReport, ...]  # per-photo reports, with the set's findings added

    @property
    def headline(self) -> Issue | None:
        """The finding :attr:`message` quotes (the worst), or None when the set is simply ready."""
        if self.ready and not self.issues:
            return None
        return max(self.issues, key=lambda issue: issue.severity.rank)

    @property
    def message(self) -> str:
        worst = self.headline
        if worst is None:
            return f"Ready: {len(self.usable)} good photos."
        prefix = "Ready, but" if self.ready else "Not ready yet:"
        return f"{prefix} {worst.message[0].lower()}{worst.message[1:]}"

    def to_dict(self) -> dict:
        return {
            "ready": self.ready,
            "verdict": self.verdict.value,
            "message": self.message,
            "usable_count": len(self.usable),
            "issues": [issue.to_dict() for issue in self.issues],
        }


def _with_issue(report: PhotoReport, issue: Issue) -> PhotoReport:
    issues = report.issues + (issue,)
    return replace(report, issues=issues, verdict=_verdict(issues))


def _identity_groups(embeddings: Sequence[np.ndarray], threshold: float) -> tuple[list[int], list[int]]:
    """Split photos into the set's main person and the rest.

    The medoid (the photo most similar to all others) anchors the group; the group's
    centre is the mean of the photos matching the medoid, and a photo belongs when it
    matches that centre. Returns (members, outsiders) as indices.
    """
    matrix = np.stack(embeddings)
    similarity = matrix @ matrix.T
    medoid = int(similarity.sum(axis=1).argmax())
    close = [i for i in range(len(embeddings)) if similarity[medoid, i] >= threshold]
    centre = matrix[close].mean(axis=0)
    members = [i for i in range(len(embeddings)) if cosine_similarity(matrix[i], centre) >= threshold]
    outsiders = [i for i in range(len(embeddings)) if i not in members]
    return members, outsiders


def _mark_duplicates(photos: list[PhotoReport], t: Thresholds) -> list[PhotoReport]:
    """Near-identical photos (or the same file twice): the later one is marked (and so
    not used)."""
    photos = list(photos)
    for i, report in enumerate(photos):
        if not report.usable or report.difference_hash is None:
            continue
        for earlier in photos[:i]:
            if earlier.difference_hash is None or not earlier.usable:
                continue
            same_file = report.content_hash and report.content_hash == earlier.content_hash
            distance = bin(report.difference_hash ^ earlier.difference_hash).count("1")
            if same_file or distance <= t.duplicate_hash_bits:
                photos[i] = _with_issue(
                    report,
                    Issue("duplicate", Verdict.REJECT, 0.0,
                          f"This is the same photo as “{display_name(earlier.file)}”. Every photo should be a different shot."),
                )
                break
    return photos


def _check_one_person(photos: list[PhotoReport], threshold: float) -> tuple[list[PhotoReport], Issue | None]:
    """Compare the usable photos' embeddings: when most show one person, the others are
    marked as someone else; when no person is in most of them, the set is refused."""
    photos = list(photos)
    candidates = [i for i, r in enumerate(photos) if r.usable and r.face is not None and r.face.embedding is not None]
    if len(candidates) < 2:
        return photos, None
    members, outsiders = _identity_groups([photos[i].face.embedding for i in candidates], threshold)
    if len(members) * 2 <= len(candidates):
        return photos, Issue("no_consistent_person", Verdict.REJECT, len(members) / len(candidates),
                             "The photos do not show one person consistently. Use photos of just one person: you.")
    for k in outsiders:
        i = candidates[k]
        photos[i] = _with_issue(
            photos[i],
            Issue("different_person", Verdict.REJECT, 0.0,
                  "This looks like a different person from the rest of the photos. Remove it, or "
                  "check it is really you."),
        )
    return photos, None


def _count_issue(count: int, t: Thresholds) -> Issue | None:
    """Too few usable photos (refused), fewer or more than the ideal (warned)."""
    if count < t.min_photos:
        return Issue("not_enough_photos", Verdict.REJECT, count / t.min_photos,
                     f"{count} usable photo{'s' if count != 1 else ''}; at least {t.min_photos} are needed, "
                     f"{t.ideal_photos[0]}-{t.ideal_photos[1]} is ideal. Add {t.min_photos - count} more.")
    if count < t.ideal_photos[0]:
        return Issue("few_photos", Verdict.WARN, count / t.ideal_photos[0],
                     f"{t.ideal_photos[0]}-{t.ideal_photos[1]} photos give a better likeness than {count}. "
                     "Add a few more if you can.")
    if count > t.ideal_photos[1]:
        return Issue("many_photos", Verdict.WARN, t.ideal_photos[1] / count,
                     f"{count} photos is more than needed; {t.ideal_photos[1]} good ones are enough and learn faster. "
                     "Remove the weakest.")
    return None


def _variety_issues(usable: list[PhotoReport], t: Thresholds) -> list[Issue]:
    """With three usable photos or more: all from the same angle, or all in the same light."""
    issues: list[Issue] = []
    if len(usable) < 3:
        return issues
    yaws = [r.face.yaw for r in usable if r.face is not None]
    if yaws and max(yaws) - min(yaws) < t.min_yaw_spread:
        issues.append(
            Issue("little_pose_variety", Verdict.WARN, (max(yaws) - min(yaws)) / t.min_yaw_spread,
                  "All photos show your face from the same angle. Add a few with your head turned slightly "
                  "left or right.")
        )
    levels = [r.face_brightness for r in usable if r.face_brightness]
    if levels and (max(levels) + 1) / (min(levels) + 1) < t.min_light_spread:
        issues.append(
            Issue("little_lighting_variety", Verdict.WARN, 0.5,
                  "All photos were taken in the same light. Add some in different places (daylight outside, "
                  "indoors by a window).")
        )
    return issues


def check_set(reports: Sequence[PhotoReport], analyzer: FaceAnalyzer, thresholds: Thresholds = THRESHOLDS) -> SetReport:
    """Judge the set: duplicates and other people are marked on their photos; then enough
    usable photos, variety, and one consistent person."""
    t = thresholds
    photos = _mark_duplicates(list(reports), t)
    photos, person_issue = _check_one_person(photos, analyzer.same_person_threshold)
    usable = [r for r in photos if r.usable]
    count_issue = _count_issue(len(usable), t)
    set_issues = [issue for issue in (person_issue, count_issue) if issue] + _variety_issues(usable, t)
    ready = not any(issue.severity == Verdict.REJECT for issue in set_issues)
    return SetReport(
        ready=ready,
        verdict=_verdict(set_issues),
        usable=tuple(r.file for r in usable),
        issues=tuple(set_issues),
        photos=tuple(photos),
    )


def check_photos(
    paths: Sequence[Path],
    analyzer: FaceAnalyzer,
    cache: ReportCache | None = None,
    *,
    on_event=None,
    cancel=None,
    thresholds: Thresholds = THRESHOLDS,
) -> SetReport:
    """Analyse every photo (reporting each as it finishes) and judge the set."""
    from headshot_studio.core.events import CancelToken, JobEvent, Stage

    cancel = cancel or CancelToken()
    reports = []
    for index, path in enumerate(paths, start=1):
        cancel.raise_if_cancelled()
        report = analyze_photo(path, analyzer, cache, thresholds)
        reports.append(report)
        if on_event is not None:
            on_event(JobEvent(Stage.CHECK, index, len(paths), f"{display_name(path)}: {report.message}"))
    return check_set(reports, analyzer, thresholds)


def default_cache() -> ReportCache:
    """The app's on-disk report cache (in the user cache folder)."""
    from headshot_studio import paths

    return ReportCache(paths.cache_dir() / "photo-reports")
