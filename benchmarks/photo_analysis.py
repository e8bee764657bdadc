"""Photo analysis latency per 12-megapixel selfie: load, detect, landmarks, embed, checks.

Not a test: it prints figures. Run: python benchmarks/photo_analysis.py
The photos are the six people of insightface's t1.jpg, each made into a 4000x3000 JPEG
(the size a 12-MP phone camera saves), analysed cold (no cache) several times each.
The last line shows a re-added photo (same content) answered from the report cache.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from headshot_studio.core.faces.dlib_backend import DlibAnalyzer
from headshot_studio.core.quality import ReportCache, analyze_photo, check_photo
from headshot_studio.testing import face_photos

ROUNDS = 3


def measure(rounds: int = ROUNDS) -> tuple[dict, float]:
    """Seconds per cold analysis (median, min, max, count) and for a cached one."""
    analyzer = DlibAnalyzer()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = []
        for name in face_photos.T1_FACES:
            path = folder / f"{name}.jpg"
            face_photos.twelve_megapixels(face_photos.person_photo(name)).save(path, quality=92)
            paths.append(path)
        check_photo(paths[0], analyzer)  # warm-up: first model use
        timings = []
        for _ in range(rounds):
            for path in paths:
                started = time.perf_counter()
                report = check_photo(path, analyzer)
                timings.append(time.perf_counter() - started)
                assert report.face is not None, path
        cache = ReportCache(folder / "cache")
        analyze_photo(paths[0], analyzer, cache)
        started = time.perf_counter()
        analyze_photo(paths[0], analyzer, cache)
        cached = time.perf_counter() - started
    figures = {"median": statistics.median(timings), "min": min(timings), "max": max(timings), "count": len(timings)}
    return figures, cached


def main() -> None:
    figures, cached = measure()
    print(f"12-MP selfie analysis ({figures['count']} analyses): median {1000 * figures['median']:.0f} ms, "
          f"min {1000 * figures['min']:.0f} ms, max {1000 * figures['max']:.0f} ms")
    print(f"the same photo again (cached by content hash): {1000 * cached:.1f} ms")


if __name__ == "__main__":
    main()
