"""CPU figures on the tiny model: our overhead against plain diffusers + peft, where a
full run spends its time, photo analysis per 12-MP selfie, app start to first window,
and the longest main-thread stall while a run goes on behind the window.

Not a test: it prints figures. Run: python benchmarks/cpu_pipeline.py [--quick]

1. Same work both ways: a LoRA trained for TRAIN_STEPS steps on the same images, then
   IMAGES images at DENOISE_STEPS denoising steps with that LoRA, by our trainer and
   generator (checkpoints, progress events, metadata, sidecars included) and by the
   reference recipe (benchmarks/reference_recipe.py). Each side runs ROUNDS times,
   alternating; the best time of each is compared. Model loading is included on both
   sides (both load the same folder). Ratio = ours / reference; below 1.20 is the goal.
2. A whole `run_session` on the tiny model with 12-MP selfies of a real face, timed
   per stage.
3. Photo analysis of 12-MP selfies (benchmarks/photo_analysis.py).
4. App start to first window: a fresh interpreter until the window is shown and the
   event loop runs (offscreen Qt; the window's start-up checks run after that, in
   the background).
5. The longest stall of the window's thread while the selfies are added and checked and
   during a whole run started from the window with the "fast" preset (the measurement
   tests/ui/test_responsiveness.py asserts: under 50 ms of work at a stretch).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import reference_recipe  # noqa: E402  (benchmarks/ is not a package)

TRAIN_STEPS, IMAGES, DENOISE_STEPS, RANK, GUIDANCE = 100, 8, 20, 16, 6.5
PROMPT = "a professional studio headshot photo of ohwx person"
ROUNDS = 3


def training_data(folder: Path, resolution: int) -> Path:
    from headshot_studio.testing.synthetic import make_photo

    for i in range(4):
        make_photo(folder / f"{i:03d}.png", i, (resolution, resolution))
        (folder / f"{i:03d}.txt").write_text("a photo of ohwx person", encoding="utf-8")
    return folder


def ours(model, plan, data: Path, work: Path) -> dict:
    from headshot_studio.core.generation import DEFAULT_NEGATIVE, GenerationRequest, Generator
    from headshot_studio.core.training import TrainingConfig, train_lora

    started = time.perf_counter()
    result = train_lora(model, plan, data, work / "lora", TrainingConfig(steps=TRAIN_STEPS, rank=RANK), resume=False)
    trained = time.perf_counter()
    generator = Generator(model, plan, result.lora_path)
    requests = [GenerationRequest(PROMPT, seed=s, steps=DENOISE_STEPS, guidance_scale=GUIDANCE,
                                  negative_prompt=DEFAULT_NEGATIVE) for s in range(IMAGES)]
    generator.generate(requests, work / "images")
    finished = time.perf_counter()
    return {"train": trained - started, "generate": finished - trained, "total": finished - started}


def reference(model_dir: Path, data: Path, work: Path, resolution: int) -> dict:
    from headshot_studio.core.generation import DEFAULT_NEGATIVE

    started = time.perf_counter()
    trained = reference_recipe.train(model_dir, data, work / "lora", steps=TRAIN_STEPS, rank=RANK, resolution=resolution)
    middle = time.perf_counter()
    reference_recipe.generate(model_dir, trained["lora_path"], work / "images", [(PROMPT, s) for s in range(IMAGES)],
                              steps=DENOISE_STEPS, guidance=GUIDANCE, resolution=resolution, negative=DEFAULT_NEGATIVE)
    finished = time.perf_counter()
    return {"train": middle - started, "generate": finished - middle, "total": finished - started}


def compare(root: Path, rounds: int) -> None:
    from headshot_studio.core.hardware import detect_device, plan_run
    from headshot_studio.core.models import model_info
    from headshot_studio.testing.tiny_model import TINY_RESOLUTION, build_tiny_sd15

    model_dir = build_tiny_sd15(root / "model")
    model = model_info(model_dir, "path")
    plan = plan_run(model, detect_device())
    data = training_data(root / "data", TINY_RESOLUTION)
    best: dict[str, dict] = {}
    for round_ in range(rounds):
        for name, run in (("reference", lambda w: reference(model_dir, data, w, TINY_RESOLUTION)),
                          ("ours", lambda w: ours(model, plan, data, w))):
            figures = run(root / f"{name}-{round_}")
            if name not in best or figures["total"] < best[name]["total"]:
                best[name] = figures
    print(f"1. {TRAIN_STEPS} training steps + {IMAGES} images x {DENOISE_STEPS} steps, tiny SD1.5, "
          f"{TINY_RESOLUTION} px, best of {rounds}:")
    for part in ("train", "generate", "total"):
        print(f"   {part:9s} ours {best['ours'][part]:6.2f} s   plain diffusers+peft {best['reference'][part]:6.2f} s"
              f"   ratio {best['ours'][part] / best['reference'][part]:.2f}")
    overhead = best["ours"]["total"] / best["reference"]["total"] - 1
    print(f"   our overhead: {100 * overhead:+.0f}% (goal: under +20%)")


def full_run(root: Path, photos: list[Path]) -> None:
    from headshot_studio.core import models
    from headshot_studio.core.hardware import detect_device, plan_run
    from headshot_studio.core.pipeline import RunRequest, run_session
    from headshot_studio.core.session import create_session
    from headshot_studio.core.training import TrainingConfig
    from headshot_studio.testing.tiny_model import build_tiny_sd15

    os.environ["HEADSHOT_STUDIO_HOME"] = str(root / "home")
    model = models.import_model(build_tiny_sd15(root / "full-model"), name="Tiny")
    session = create_session("Benchmark", photos)
    request = RunRequest(model=model, plan=plan_run(model, detect_device()), styles=("corporate-executive", "tech-casual"),
                         count=4, steps=DENOISE_STEPS, training=TrainingConfig(steps=TRAIN_STEPS))
    starts: dict = {}

    def on_event(event) -> None:
        starts.setdefault(event.stage, time.perf_counter())

    started = time.perf_counter()
    run_session(session, request, on_event)
    ended = time.perf_counter()
    print(f"2. whole run, tiny SD1.5, 8 selfies of 12 MP, {TRAIN_STEPS} steps, 8 images x {DENOISE_STEPS} steps, "
          f"face detail + x2 Real-ESRGAN: {ended - started:.1f} s; per stage (first event to the next stage's):")
    order = sorted(starts.items(), key=lambda item: item[1])
    for (stage, begin), (_, end) in zip(order, [*order[1:], (None, ended)]):
        print(f"   {stage.value:12s} {end - begin:6.2f} s")


def photo_analysis() -> None:
    import photo_analysis as bench

    timings, cached = bench.measure()
    print(f"3. 12-MP selfie analysis: median {1000 * timings['median']:.0f} ms, max {1000 * timings['max']:.0f} ms "
          f"({timings['count']} analyses); again from the cache {1000 * cached:.1f} ms")


def app_start() -> None:
    child = (
        "import sys\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication(sys.argv)\n"
        "QTimer.singleShot(0, lambda: (print('shown', flush=True), app.quit()))\n"
        "from headshot_studio.ui.app import run_app\n"
        "run_app()\n"
    )
    timings = []
    with tempfile.TemporaryDirectory() as home:
        env = os.environ | {"HEADSHOT_STUDIO_HOME": home, "QT_QPA_PLATFORM": "offscreen"}
        for _ in range(3):
            started = time.perf_counter()
            output = subprocess.run([sys.executable, "-c", child], env=env, capture_output=True, text=True, timeout=120)
            if "shown" not in output.stdout:
                raise SystemExit(f"the app did not start: {output.stderr[-2000:]}")
            timings.append(time.perf_counter() - started)
    print(f"4. app start to first window (fresh interpreter, offscreen): best {min(timings):.2f} s, "
          f"worst {max(timings):.2f} s of {len(timings)}")


def responsiveness(root: Path, photos: list[Path]) -> None:
    import importlib.util

    # The harness drives the window, so it lives with the UI tests (tests/ui/responsiveness.py).
    spec = importlib.util.spec_from_file_location("responsiveness", ROOT / "tests" / "ui" / "responsiveness.py")
    harness = sys.modules["responsiveness"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(harness)
    run_in_window = harness.run_in_window

    os.environ["HEADSHOT_STUDIO_HOME"] = str(root / "home")
    report = run_in_window(root, photos, ("corporate-executive", "tech-casual"), images_per_style=4)
    print(f"5. the window's thread during a whole run started from the window (fast preset: {report.seconds:.1f} s, "
          f"{report.events} progress events): longest gap between event-loop ticks {1000 * report.longest_gap:.1f} ms, "
          f"{1000 * report.longest_own_gap:.1f} ms of it the thread's own, {1000 * report.longest_busy:.1f} ms working "
          f"(goal: under 50 ms); while the 8 selfies were added and checked: {1000 * report.analysis_gap:.1f} ms "
          f"({1000 * report.analysis_own_gap:.1f} ms own, {1000 * report.analysis_busy:.1f} ms working); the thread "
          f"waited {report.waited:.1f} s for a processor")


def main() -> None:
    from headshot_studio.logs import quiet_model_libraries

    quiet_model_libraries()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one round of the comparison instead of three")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        from headshot_studio.testing.face_photos import write_selfies

        photos = write_selfies(root / "selfies", 8, twelve_mp=True)
        compare(root / "compare", 1 if args.quick else ROUNDS)
        full_run(root / "run", photos)
        photo_analysis()
        app_start()
        responsiveness(root / "window", photos)


if __name__ == "__main__":
    main()
