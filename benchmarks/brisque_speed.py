"""BRISQUE time per image at 512, 1024 and 2048 px (square), on this processor.

Not a test: it prints figures. Run: python benchmarks/brisque_speed.py
The image is insightface's t1.jpg (a real photo) resized to each size. The model is
loaded once before timing; each size is scored several times and the median printed.
"""

from __future__ import annotations

import statistics
import time

import cv2
import numpy as np

from headshot_studio.core.brisque import Brisque
from headshot_studio.testing import face_photos

SIZES_PX = (512, 1024, 2048)
ROUNDS = 7


def measure(rounds: int = ROUNDS) -> dict[int, list[float]]:
    """Seconds per score, every round, for each size."""
    photo = np.asarray(face_photos.t1())
    scorer = Brisque()
    started = time.perf_counter()
    scorer.load()
    print(f"model load (read, sha256, parse): {time.perf_counter() - started:.3f} s")
    timings: dict[int, list[float]] = {}
    for size in SIZES_PX:
        shrink = size < photo.shape[1]
        image = cv2.resize(photo, (size, size), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_CUBIC)
        scorer.score(image)  # warm-up: first use of the gamma grid, page faults
        timings[size] = []
        for _ in range(rounds):
            started = time.perf_counter()
            scorer.score(image)
            timings[size].append(time.perf_counter() - started)
    return timings


def main() -> None:
    print(f"cv2 {cv2.__version__}, numpy {np.__version__}, cv2 threads {cv2.getNumThreads()}")
    for size, seconds in measure().items():
        print(f"{size:>5} x {size:<5} px: {statistics.median(seconds) * 1000:7.1f} ms per image "
              f"(min {min(seconds) * 1000:.1f}, max {max(seconds) * 1000:.1f}, {len(seconds)} rounds)")


if __name__ == "__main__":
    main()
