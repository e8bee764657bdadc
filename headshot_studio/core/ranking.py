"""Ranking the finished headshots, best first.

Each image gets 0-1 scores (1 is best):

* likeness: identity-embedding similarity to the person's accepted photos, through the
  same FaceAnalyzer that checked them, against that backend's own same-person threshold;
* sharpness and exposure: the same measurements and scores as the photo checks (one way
  to do it; exposure is the worse of the checks' dark and bright scores);
* composition: one face, centred, at a headshot size, eyes in the upper half;
* combined: a weighted sum, likeness first.

Images with no face, or a face unlike the person, are marked, never deleted: the user
decides. Near-duplicates (images that look nearly the same) share a group number so a
gallery can show one and fold the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from headshot_studio.core.faces import FaceAnalyzer, cosine_similarity
from headshot_studio.core.gallery import GalleryEntry
from headshot_studio.core.quality import (
    THRESHOLDS,
    difference_hash,
    exposure_measurements,
    exposure_score,
    sharpness_score,
)

WEIGHTS = {"likeness": 0.5, "sharpness": 0.2, "exposure": 0.15, "composition": 0.15}
# A headshot face is 20-50% of the image width (head and shoulders framing).
HEAD_SIZE_RANGE = (0.20, 0.50)
# Images whose 64-bit difference hashes are this close look nearly the same.
NEAR_DUPLICATE_BITS = 10
# Likeness maps cosine similarity linearly from (threshold - LIKENESS_SPAN) -> 0 to 1.0 -> 1,
# so an image exactly at the backend's same-person threshold scores about 0.6-0.7.
LIKENESS_SPAN = 0.20


@dataclass(frozen=True)
class RankedImage:
    path: Path
    scores: dict[str, float]
    flags: tuple[str, ...]  # "no_face", "unlike_person", "several_faces"
    group: int  # near-duplicate group; images in one group look nearly the same
    similarity: float | None  # raw cosine similarity to the person
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


def reference_embedding(embeddings: Sequence[np.ndarray]) -> np.ndarray:
    """The person's identity: the normalised mean of their accepted photos' embeddings."""
    mean = np.mean(np.stack(embeddings), axis=0)
    return mean / max(float(np.linalg.norm(mean)), 1e-12)


def likeness_score(similarity: float, threshold: float) -> float:
    low = threshold - LIKENESS_SPAN
    return float(np.clip((similarity - low) / (1.0 - low), 0.0, 1.0))


def composition_score(face, width: int, height: int, faces_found: int) -> float:
    centred = 1.0 - min(1.0, abs(face.center[0] - width / 2) / (width / 3))
    relative = face.width / width
    low, high = HEAD_SIZE_RANGE
    size = 1.0 if low <= relative <= high else max(0.0, 1.0 - min(abs(relative - low), abs(relative - high)) / low)
    eyes_high = 1.0 if (face.left_eye[1] + face.right_eye[1]) / 2 < 0.55 * height else 0.5
    alone = 1.0 if faces_found == 1 else 0.5
    return float(0.35 * centred + 0.35 * size + 0.15 * eyes_high + 0.15 * alone)


def score_image(path: Path, analyzer: FaceAnalyzer, reference: np.ndarray | None) -> tuple[dict, tuple, float | None, int]:
    from headshot_studio.core.images import load_image

    loaded = load_image(path, max_side=THRESHOLDS.analysis_side)
    image = np.asarray(loaded.image)
    faces = analyzer.detect(image)
    dhash = difference_hash(image)
    if not faces:
        scores = {"likeness": 0.0, "sharpness": 0.0, "exposure": 0.0, "composition": 0.0, "combined": 0.0}
        return scores, ("no_face",), None, dhash
    face = analyzer.embed(image, faces[0])
    flags = ("several_faces",) if len(faces) > 1 else ()
    similarity = None
    likeness = 0.0
    if reference is not None and face.embedding is not None:
        similarity = cosine_similarity(face.embedding, reference)
        likeness = likeness_score(similarity, analyzer.same_person_threshold)
        if similarity < analyzer.same_person_threshold:
            flags += ("unlike_person",)
    scores = {
        "likeness": likeness,
        "sharpness": sharpness_score(image, face),
        "exposure": exposure_score(exposure_measurements(image, face)),
        "composition": composition_score(face, image.shape[1], image.shape[0], len(faces)),
    }
    scores["combined"] = sum(WEIGHTS[k] * scores[k] for k in WEIGHTS)
    if "unlike_person" in flags:
        scores["combined"] *= 0.5  # marked and sunk, not deleted
    return scores, flags, similarity, dhash


def rank_images(
    paths: Sequence[Path],
    analyzer: FaceAnalyzer,
    reference: np.ndarray | None,
    extras: Sequence[dict] | None = None,
    on_progress=None,
    cancel=None,
) -> list[RankedImage]:
    """Score every image and return them best first, near-duplicates grouped."""
    scored = []
    for index, path in enumerate(paths):
        if cancel is not None:
            cancel.raise_if_cancelled()
        scores, flags, similarity, dhash = score_image(Path(path), analyzer, reference)
        scored.append((Path(path), scores, flags, similarity, dhash, (extras[index] if extras else {})))
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
            if bin(scored[i][4] ^ scored[j][4]).count("1") <= NEAR_DUPLICATE_BITS:
                groups[root(j)] = root(i)
    order = sorted(range(len(scored)), key=lambda i: -scored[i][1]["combined"])
    numbering: dict[int, int] = {}
    ranked = []
    for i in order:
        path, scores, flags, similarity, _, extra = scored[i]
        group = numbering.setdefault(root(i), len(numbering) + 1)
        ranked.append(RankedImage(path=path, scores=scores, flags=flags, group=group, similarity=similarity, extra=extra))
    return ranked
