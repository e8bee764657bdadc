"""Backdrop replacement time per headshot: segmentation, refinement, compositing.

Not a test: it prints figures. Run: python benchmarks/backdrop_speed.py [--threads N]
The photo is scikit-image's astronaut enlarged to 1024 and 2048 px (the sizes a headshot
leaves the generator and the upscaler at). Each stage is timed separately, warm (the
model is loaded and every lookup table built before the first timed round), median of
ROUNDS; everything runs on the processor.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

ROUNDS = 5
SIZES = (1024, 2048)


def measure(size: int, segmenter, rounds: int = ROUNDS) -> dict[str, float]:
    """Median seconds per stage for one headshot of ``size`` x ``size`` px."""
    from PIL import Image
    from skimage import data

    from headshot_studio.core.backdrop import Backdrop, render_backdrop, replace_backdrop
    from headshot_studio.core.segmentation import refine_mask

    photo = Image.fromarray(data.astronaut()).resize((size, size), Image.Resampling.LANCZOS)
    pixels = np.asarray(photo)
    backdrop = Backdrop("gradient", (225, 225, 230), (70, 75, 95), "radial")
    timings: dict[str, list[float]] = {"model": [], "refine": [], "backdrop": [], "composite": []}
    for _ in range(rounds + 1):  # the first round warms up
        started = time.perf_counter()
        mask = segmenter.model_mask(pixels)
        after_model = time.perf_counter()
        alpha = refine_mask(pixels, mask)
        after_refine = time.perf_counter()
        painted = render_backdrop(backdrop, photo.size)
        after_backdrop = time.perf_counter()
        replace_backdrop(photo, alpha, painted)
        finished = time.perf_counter()
        for name, seconds in (("model", after_model - started), ("refine", after_refine - after_model),
                              ("backdrop", after_backdrop - after_refine), ("composite", finished - after_backdrop)):
            timings[name].append(seconds)
    return {name: statistics.median(values[1:]) for name, values in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=None, help="threads for the model (default: LiteRT's)")
    args = parser.parse_args()
    from headshot_studio.core.segmentation import PersonSegmenter

    segmenter = PersonSegmenter(num_threads=args.threads)
    print(f"backdrop replacement on the processor ({os.cpu_count()} cores), median of {ROUNDS}, seconds")
    print(f"{'size':>6} {'model':>7} {'refine':>7} {'backdrop':>9} {'composite':>10} {'total':>7}")
    for size in SIZES:
        t = measure(size, segmenter)
        print(f"{size:>6} {t['model']:7.3f} {t['refine']:7.3f} {t['backdrop']:9.3f} {t['composite']:10.3f} "
              f"{sum(t.values()):7.3f}")


if __name__ == "__main__":
    main()
