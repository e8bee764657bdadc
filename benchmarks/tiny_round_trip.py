"""Figures for the tiny model on this machine: build, train and generate times.

Not a test: it prints numbers. Run: python benchmarks/tiny_round_trip.py
The tiny model has the real SD1.5 architecture at a toy size, so these figures show
the app's own overhead per step, not what a GPU does with a real model.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from headshot_studio.core.generation import GenerationRequest, Generator
from headshot_studio.core.hardware import detect_device, plan_run
from headshot_studio.core.models import model_info
from headshot_studio.core.training import TrainingConfig, train_lora
from headshot_studio.testing.synthetic import make_photo
from headshot_studio.testing.tiny_model import TINY_RESOLUTION, build_tiny_sd15

TRAIN_STEPS = 50
IMAGES, DENOISE_STEPS = 8, 20


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        model = model_info(build_tiny_sd15(root / "model"), "path")
        print(f"build tiny model:   {time.perf_counter() - started:6.2f} s")
        plan = plan_run(model, detect_device())
        data = root / "data"
        for i in range(4):
            make_photo(data / f"{i}.png", i, (TINY_RESOLUTION, TINY_RESOLUTION))
            (data / f"{i}.txt").write_text("a photo of ohwx person")
        started = time.perf_counter()
        result = train_lora(model, plan, data, root / "lora", TrainingConfig(steps=TRAIN_STEPS, checkpoint_every=25))
        seconds = time.perf_counter() - started
        print(f"train {TRAIN_STEPS} steps:     {seconds:6.2f} s  ({TRAIN_STEPS / seconds:.1f} steps/s, load included)")
        generator = Generator(model, plan, result.lora_path)
        requests = [GenerationRequest("a photo of ohwx person", seed=s, steps=DENOISE_STEPS) for s in range(IMAGES)]
        started = time.perf_counter()
        generator.generate(requests, root / "out")
        seconds = time.perf_counter() - started
        print(f"generate {IMAGES} images:  {seconds:6.2f} s  ({60 * IMAGES / seconds:.0f} images/min at {DENOISE_STEPS} steps)")


if __name__ == "__main__":
    main()
