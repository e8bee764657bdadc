"""Ranking the finished headshots, best first.

Each image gets 0-1 scores (1 is best):

* likeness: how much the face looks like *this* person, on the person's own scale
  (:class:`PersonLikeness`): the image is compared with every accepted selfie (the median
  of its three best similarities, not the similarity to an average, which inflates it),
  and the spread of the selfies' similarities to each other sets what "alike" means for
  this person. 0.5 is the edge of "alike", 1 as alike as the selfies are to each other;
* sharpness and exposure: the same measurements and scores as the photo checks (one way
  to do it; exposure is the worse of the checks' dark and bright scores);
* technical: BRISQUE (a published no-reference image-quality model, :mod:`.brisque`) on
  the face and on the whole image: noise, blocking, smearing that sharpness misses;
* eyes: from the face mesh (:mod:`.faces.mesh`): open, matching, looking at the camera;
  closed and mismatched eyes are the diffusion faults people notice first;
* composition: one face, centred, at a headshot size, eyes in the upper half;
* combined: a weighted sum, likeness first.

Order: images of the person (alike) first, then the unlike ones, then those without a
face: an unlike image never ranks above an alike one, whatever its sharpness. Within the
alike ones, the first ``VARIED_TOP`` are chosen for quality *and* variety (style, pose,
expression), so one look and its near-copies do not fill the first page; then the rest
by score. Nothing is deleted: the user decides. Near-duplicates (images that look
nearly the same) share a group number so a gallery can show one and fold the rest.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from headshot_studio.core.faces import FaceAnalyzer
from headshot_studio.core.gallery import GalleryEntry
from headshot_studio.core.quality import (
    THRESHOLDS,
    difference_hash,
    exposure_measurements,
    exposure_score,
    sharpness_score,
)

log = logging.getLogger(__name__)

# Likeness first (what the user judges a headshot by), then the faults people see.
WEIGHTS = {"likeness": 0.40, "sharpness": 0.12, "exposure": 0.10, "composition": 0.10, "technical": 0.13,
           "eyes": 0.15}
# A headshot face is 20-50% of the image width (head and shoulders framing).
HEAD_SIZE_RANGE = (0.20, 0.50)
# Images whose 64-bit difference hashes are this close look nearly the same.
NEAR_DUPLICATE_BITS = 10
# An image's likeness: the median of its best this-many similarities to the selfies
# (one lucky match does not count, and a poor selfie does not drag it down).
TOP_MATCHES = 3
# "Alike" reaches this many robust spreads below the person's typical similarity ...
ALIKE_SPREADS = 4.0
# ... but never less than this share of the backend's room above its own threshold:
# selfies that are near-copies of each other would otherwise make "alike" so strict
# that no generated image passes.
MIN_ALIKE_MARGIN = 0.5
MIN_SPREAD = 0.002  # cosine; below this the selfies' spread is measuring noise
# The first this-many images are chosen for variety as well as quality (about a page).
VARIED_TOP = 12
# How much looking like an image already chosen costs a candidate for the top.
VARIETY_WEIGHT = 0.25
# Eyes: a closed pair keeps this share of the eyes score; looking away this share.
EYES_CLOSED_FACTOR = 0.2
LOOKING_AWAY_FACTOR = 0.7
EYES_MISMATCH_FLAG = 0.5  # at or above: flagged "eyes don't match"
BRISQUE_MAX_SIDE = 1024  # the whole image is judged at this size (the model's scale)


@dataclass(frozen=True)
class PersonLikeness:
    """What "looks like this person" means, calibrated on their own accepted selfies."""

    references: np.ndarray = field(repr=False)  # n x d unit embeddings, one per selfie
    typical: float  # median similarity of the selfies to each other
    alike: float  # at or above: looks like the person

    @classmethod
    def calibrate(cls, embeddings: Sequence[np.ndarray], backend_threshold: float) -> PersonLikeness:
        references = np.stack([np.asarray(e, dtype=np.float64) / max(float(np.linalg.norm(e)), 1e-12)
                               for e in embeddings])
        room = 1.0 - backend_threshold
        if len(references) >= 2:
            pairs = (references @ references.T)[np.triu_indices(len(references), k=1)]
            typical = float(np.median(pairs))
            spread = max(MIN_SPREAD, 1.4826 * float(np.median(np.abs(pairs - typical))))
        else:  # one photo (an older session's average): the backend's own scale
            typical, spread = backend_threshold + MIN_ALIKE_MARGIN * room, MIN_SPREAD
        alike = min(typical - ALIKE_SPREADS * spread, typical - MIN_ALIKE_MARGIN * room)
        return cls(references=references, typical=typical, alike=max(backend_threshold, alike))

    def similarity(self, embedding: np.ndarray) -> float:
        """The median of the image's TOP_MATCHES best cosine similarities to the selfies."""
        embedding = np.asarray(embedding, dtype=np.float64)
        similarities = np.sort(self.references @ (embedding / max(float(np.linalg.norm(embedding)), 1e-12)))
        return float(np.median(similarities[-TOP_MATCHES:]))

    def score(self, similarity: float) -> float:
        """0-1: 0.5 at the edge of alike, 1 at the selfies' own typical similarity, 0 as
        far below the edge as the typical is above it."""
        width = max(self.typical - self.alike, 1e-6)
        return float(np.clip(0.5 + 0.5 * (similarity - self.alike) / width, 0.0, 1.0))


def reference_embedding(embeddings: Sequence[np.ndarray]) -> np.ndarray:
    """The normalised mean of the accepted photos' embeddings (kept in the identity file
    for older versions; ranking uses every photo, see :class:`PersonLikeness`)."""
    mean = np.mean(np.stack(embeddings), axis=0)
    return mean / max(float(np.linalg.norm(mean)), 1e-12)


@dataclass(frozen=True)
class RankedImage:
    path: Path
    scores: dict[str, float]
    flags: tuple[str, ...]  # "no_face", "unlike_person", "several_faces", "eyes_closed", "eyes_mismatched"
    group: int  # near-duplicate group; images in one group look nearly the same
    similarity: float | None  # raw similarity to the person (median of the best matches)
    extra: dict = field(default_factory=dict)  # e.g. style and seed, passed through

    @property
    def combined(self) -> float:
        return self.scores["combined"]

    def to_entry(self) -> GalleryEntry:
        """The image as the gallery lists it (``extra`` gives its style, seed, raw and
        settings names)."""
        return GalleryEntry.from_dict({
            "file": self.path.name,
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
            "flags": list(self.flags),
            "group": self.group,
            "similarity": None if self.similarity is None else round(self.similarity, 4),
        } | self.extra)


def composition_score(face, width: int, height: int, faces_found: int) -> float:
    centred = 1.0 - min(1.0, abs(face.center[0] - width / 2) / (width / 3))
    relative = face.width / width
    low, high = HEAD_SIZE_RANGE
    size = 1.0 if low <= relative <= high else max(0.0, 1.0 - min(abs(relative - low), abs(relative - high)) / low)
    eyes_high = 1.0 if (face.left_eye[1] + face.right_eye[1]) / 2 < 0.55 * height else 0.5
    alone = 1.0 if faces_found == 1 else 0.5
    return float(0.35 * centred + 0.35 * size + 0.15 * eyes_high + 0.15 * alone)


@dataclass(frozen=True)
class _Scored:
    path: Path
    scores: dict
    flags: tuple
    similarity: float | None
    dhash: int
    look: tuple  # (yaw, pitch, mouth open): what varies between headshots besides style
    extra: dict

    @property
    def tier(self) -> int:
        """0: the person (or no reference to judge by), 1: unlike them, 2: no face."""
        return 2 if "no_face" in self.flags else 1 if "unlike_person" in self.flags else 0


def eyes_score(reading) -> float:
    """0-1 from a mesh reading: open, matching eyes looking at the camera score 1."""
    score = 1.0 - reading.eyes_mismatch
    if reading.eyes_closed:
        score *= EYES_CLOSED_FACTOR
    if reading.looking_away:
        score *= LOOKING_AWAY_FACTOR
    return float(score)


def technical_score(image: np.ndarray, face, brisque) -> float:
    """BRISQUE quality (0-1) of the face and of the whole image, averaged."""
    from PIL import Image

    from headshot_studio.core.brisque import quality_from_brisque

    whole = Image.fromarray(image)
    whole.thumbnail((BRISQUE_MAX_SIDE, BRISQUE_MAX_SIDE))
    left, top, right, bottom = face.box
    grow = 0.2 * (right - left)
    box = (int(max(0, left - grow)), int(max(0, top - grow)), int(min(image.shape[1], right + grow)),
           int(min(image.shape[0], bottom + grow)))
    crop = image[box[1]:box[3], box[0]:box[2]]
    scores = [quality_from_brisque(brisque.score(np.asarray(whole)))]
    if min(crop.shape[:2]) >= 32:  # the model's smallest input
        scores.append(quality_from_brisque(brisque.score(np.ascontiguousarray(crop))))
    return float(np.mean(scores))


def score_image(path: Path, analyzer: FaceAnalyzer, person: PersonLikeness | None, *, mesh=None,
                brisque=None) -> _Scored:
    from headshot_studio.core.images import load_image

    loaded = load_image(path, max_side=THRESHOLDS.analysis_side)
    image = np.asarray(loaded.image)
    faces = analyzer.detect(image)
    dhash = difference_hash(image)
    if not faces:
        scores = {key: 0.0 for key in WEIGHTS} | {"combined": 0.0}
        return _Scored(path, scores, ("no_face",), None, dhash, (0.0, 0.0, 0.0), {})
    face = analyzer.embed(image, faces[0])
    flags = ("several_faces",) if len(faces) > 1 else ()
    similarity = None
    scores = {}  # no likeness when there is no one to compare with: "not measured", not "unlike"
    if person is not None and face.embedding is not None:
        similarity = person.similarity(face.embedding)
        scores["likeness"] = person.score(similarity)
        if similarity < person.alike:
            flags += ("unlike_person",)
    scores |= {
        "sharpness": sharpness_score(image, face),
        "exposure": exposure_score(exposure_measurements(image, face)),
        "composition": composition_score(face, image.shape[1], image.shape[0], len(faces)),
    }
    look = (face.yaw, face.pitch, 0.0)
    reading = mesh.read(image, face) if mesh is not None else None
    if reading is not None:
        scores["eyes"] = eyes_score(reading)
        flags += ("eyes_closed",) if reading.eyes_closed else ()
        flags += ("eyes_mismatched",) if not reading.eyes_closed and reading.eyes_mismatch >= EYES_MISMATCH_FLAG else ()
        look = (reading.yaw, reading.pitch, reading.mouth_open)
    if brisque is not None:
        scores["technical"] = technical_score(image, face, brisque)
    # A score that could not be measured (no mesh, no BRISQUE) leaves the weighting, not zero.
    measured = {key: weight for key, weight in WEIGHTS.items() if key in scores}
    scores["combined"] = sum(weight * scores[key] for key, weight in measured.items()) / sum(measured.values())
    return _Scored(path, scores, flags, similarity, dhash, look, {})


def _resemblance(a: _Scored, b: _Scored, same_group: bool) -> float:
    """0-1: how much two headshots show the same thing (near-copies: 1)."""
    if same_group:
        return 1.0
    pose = math.exp(-math.hypot(a.look[0] - b.look[0], a.look[1] - b.look[1]) / 15.0)  # degrees
    expression = 1.0 - min(1.0, abs(a.look[2] - b.look[2]) / 0.5)
    same_style = 1.0 if a.extra.get("style") == b.extra.get("style") else 0.0
    return 0.4 * same_style + 0.35 * pose + 0.25 * expression


def _order(scored: list[_Scored], group_of) -> list[int]:
    """Indices best first: by tier, the first VARIED_TOP of the alike ones chosen greedily
    for score minus resemblance to those already chosen (maximal marginal relevance),
    then the rest by score."""
    by_score = sorted(range(len(scored)), key=lambda i: (scored[i].tier, -scored[i].scores["combined"]))
    alike = [i for i in by_score if scored[i].tier == 0]
    chosen: list[int] = []
    candidates = list(alike)
    while candidates and len(chosen) < VARIED_TOP:
        def value(i: int) -> float:
            nearest = max((_resemblance(scored[i], scored[j], group_of(i) == group_of(j)) for j in chosen), default=0.0)
            return scored[i].scores["combined"] - VARIETY_WEIGHT * nearest
        best = max(candidates, key=value)  # ties: the higher score (candidates are in score order)
        chosen.append(best)
        candidates.remove(best)
    return chosen + [i for i in by_score if i not in set(chosen)]


def rank_images(
    paths: Sequence[Path],
    analyzer: FaceAnalyzer,
    person: PersonLikeness | None,
    extras: Sequence[dict] | None = None,
    on_progress=None,
    cancel=None,
    *,
    mesh=None,
    brisque=None,
) -> list[RankedImage]:
    """Score every image and return them best first, near-duplicates grouped. ``mesh``
    (faces.mesh.FaceMesh) and ``brisque`` (brisque.Brisque) add the eyes and technical
    scores; without them those scores are left out of the weighting."""
    scored: list[_Scored] = []
    for index, path in enumerate(paths):
        if cancel is not None:
            cancel.raise_if_cancelled()
        item = score_image(Path(path), analyzer, person, mesh=mesh, brisque=brisque)
        scored.append(replace(item, extra=extras[index] if extras else {}))
        if on_progress is not None:
            on_progress(index + 1, len(paths))
    # Near-duplicate groups: single-link clustering on hash distance.
    groups = list(range(len(scored)))

    def root(i: int) -> int:
        while groups[i] != i:
            groups[i] = groups[groups[i]]
            i = groups[i]
        return i

    for i in range(len(scored)):
        for j in range(i + 1, len(scored)):
            if bin(scored[i].dhash ^ scored[j].dhash).count("1") <= NEAR_DUPLICATE_BITS:
                groups[root(j)] = root(i)
    numbering: dict[int, int] = {}
    ranked = []
    for i in _order(scored, root):
        item = scored[i]
        group = numbering.setdefault(root(i), len(numbering) + 1)
        ranked.append(RankedImage(path=item.path, scores=item.scores, flags=item.flags, group=group,
                                  similarity=item.similarity, extra=item.extra))
    return ranked
