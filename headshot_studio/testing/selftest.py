"""`headshot-studio selftest`: prove an installation works, in under a minute, offline.

Builds the tiny SD1.5-architecture model in a temporary folder and runs the real face
analysis, loading, verification, training, generation and upscaling code on it, and the
bundled finishing models (face mesh, segmentation, BRISQUE), printing
PASS/FAIL per stage. Run from an installed build, it proves the bundle holds every
library and model file those need. Nothing is written outside the temporary folder, which is removed afterwards.

Each stage is a function of the temporary folder and of what the stages before it left
in ``state`` (the model, the plan, the dataset, the learned face, an image); it returns
a note for its PASS line, or raises. Heavy libraries are imported inside the stages, so
a missing one fails its stage with its reason instead of the whole command.
"""

from __future__ import annotations

import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

TRAIN_STEPS = 10


def _faces(root: Path, state: dict) -> str:
    """The face analysis models load and run."""
    import numpy as np

    from headshot_studio.core.faces import load_face_analyzer
    from headshot_studio.core.models import model_roots

    analyzer = load_face_analyzer(folder for folder, _ in model_roots())
    analyzer.detect(np.zeros((256, 256, 3), np.uint8))  # the models load and run
    return analyzer.name


def _build(root: Path, state: dict) -> None:
    """The tiny model, with checksums recorded as an import records them."""
    from headshot_studio.core.files import write_json_atomic
    from headshot_studio.core.models import RECORD_NAME, hash_model_files, model_info
    from headshot_studio.testing.tiny_model import build_tiny_sd15

    folder = build_tiny_sd15(root / "tiny-sd15")
    # Record checksums as an import does, so verification runs for real.
    files = hash_model_files(folder)
    write_json_atomic(folder / RECORD_NAME, {"id": "selftest-tiny-sd15", "name": "selftest model", "files": files})
    state["model"] = model_info(folder, "path")


def _verify(root: Path, state: dict) -> str:
    """The model's checksums, and a plan for this machine's device."""
    from headshot_studio.core.hardware import detect_device, plan_run
    from headshot_studio.core.models import verify_model

    verify_model(state["model"])
    device = detect_device()
    state["plan"] = plan_run(state["model"], device)
    return f"checksums match; this computer: {device.describe()}"


def _dataset(root: Path, state: dict) -> None:
    """Three captioned training photos at the plan's resolution."""
    from headshot_studio.testing.synthetic import make_photo

    data = root / "dataset"
    data.mkdir()
    size = state["plan"].resolution
    for i in range(3):
        make_photo(data / f"{i}.png", i, (size, size))
        (data / f"{i}.txt").write_text("a photo of ohwx person", encoding="utf-8")
    state["dataset"] = data


def _train(root: Path, state: dict) -> str:
    """A few LoRA training steps, with a checkpoint on the way."""
    from headshot_studio.core.training import TrainingConfig, train_lora

    result = train_lora(
        state["model"], state["plan"], state["dataset"], root / "lora",
        TrainingConfig(steps=TRAIN_STEPS, checkpoint_every=5),
    )
    if result.steps != TRAIN_STEPS or not result.lora_path.is_file():
        raise RuntimeError(f"training stopped at {result.steps} steps")
    state["lora"] = result.lora_path
    return f"{TRAIN_STEPS} steps, loss {result.final_loss:.3f}"


def _generate(root: Path, state: dict) -> str:
    """One image, twice from the same seed: the same pixels both times."""
    from PIL import Image

    from headshot_studio.core.generation import GenerationRequest, Generator

    generator = Generator(state["model"], state["plan"], state["lora"])
    request = GenerationRequest("a photo of ohwx person", seed=7, steps=4)
    first = generator.generate([request], root / "out-a")[0]
    again = generator.generate([request], root / "out-b")[0]
    with Image.open(first.path) as a, Image.open(again.path) as b:
        if a.tobytes() != b.tobytes():
            raise RuntimeError("the same seed gave different images")
    state["first_image"] = first.path
    return "same seed, same pixels"


def _upscale(root: Path, state: dict) -> str:
    """Real-ESRGAN enlarges the generated image 4x, on the processor."""
    from PIL import Image

    from headshot_studio.core.postprocess import Upscaler

    with Image.open(state["first_image"]) as image:
        small = image.convert("RGB").resize((32, 32))
    # the CPU path works everywhere; the GPU one needs Vulkan. One helper process
    # (a frozen app must be able to start it: freeze_support).
    with Upscaler(use_gpu=False, workers=1) as upscaler:
        job = upscaler.start(small, 4)
        enlarged = job.result()
    if job.method != "real-esrgan-x4plus":
        raise RuntimeError(f"Real-ESRGAN did not start: {upscaler.fallback_reason}")
    if enlarged.size != (128, 128):
        raise RuntimeError(f"upscaled to {enlarged.size}, expected 128x128")
    return "Real-ESRGAN x4plus"


def _finishing_models(root: Path, state: dict) -> str:
    """The bundled finishing and ranking models pass their checksums and run: the face
    mesh (eyes), the person segmentation (backdrops), BRISQUE (image quality)."""
    import numpy as np
    from PIL import Image

    from headshot_studio.core.brisque import Brisque
    from headshot_studio.core.faces import Face
    from headshot_studio.core.faces.mesh import FaceMesh
    from headshot_studio.core.segmentation import PersonSegmenter

    with Image.open(state["first_image"]) as image:
        picture = np.asarray(image.convert("RGB").resize((256, 256)))
    middle = Face(box=(88.0, 88.0, 168.0, 168.0), score=1.0, left_eye=(110.0, 115.0), right_eye=(146.0, 115.0),
                  nose=(128.0, 135.0), yaw=0.0, pitch=0.0, roll=0.0)
    FaceMesh().read(picture, middle)  # random pixels: any answer, but the networks ran
    alpha = PersonSegmenter().alpha(picture)
    if alpha.shape != picture.shape[:2]:
        raise RuntimeError(f"the segmentation gave a {alpha.shape} mask for a {picture.shape[:2]} image")
    score = Brisque().score(picture)
    if not np.isfinite(score):
        raise RuntimeError(f"BRISQUE gave {score}")
    return "face mesh, person segmentation, BRISQUE"


def _studio(root: Path, state: dict) -> str:
    """Studio mode's machinery: a CA, a TLS scheduler and one worker process on loopback,
    a function run there and its answer back (in the installed app: Dask, TLS and the
    worker process all start from the bundle)."""
    import os

    from headshot_studio import paths
    from headshot_studio.studio.certs import Authority
    from headshot_studio.studio.cluster import round_trip

    before = os.environ.get(paths.HOME_ENV)
    os.environ[paths.HOME_ENV] = str(root / "studio-home")  # Dask's scratch folder goes here too
    try:
        answer = round_trip(Authority(root / "studio-ca").ensure().queue)
    finally:
        if before is None:
            os.environ.pop(paths.HOME_ENV, None)
        else:
            os.environ[paths.HOME_ENV] = before
    if answer != 42:
        raise RuntimeError(f"the studio worker answered {answer!r}")
    return "TLS scheduler and a worker process on loopback"


# In order: each stage uses what the ones before it left in ``state``.
STAGES: tuple[tuple[str, Callable[[Path, dict], str | None]], ...] = (
    ("face analysis", _faces),
    ("build tiny model", _build),
    ("verify model", _verify),
    ("prepare photos", _dataset),
    ("train face (LoRA)", _train),
    ("generate images", _generate),
    ("upscale", _upscale),
    ("finishing models", _finishing_models),
    ("studio queue", _studio),
)


def _run_stage(name: str, stage: Callable[[Path, dict], str | None], root: Path, state: dict,
               say: Callable[[str], None]) -> bool:
    """Run one stage and say PASS (with its time and note) or FAIL (with the traceback)."""
    started = time.perf_counter()
    try:
        note = stage(root, state)
    except Exception as exc:  # report every failure as FAIL with its reason
        say(f"FAIL  {name}: {exc}")
        say(traceback.format_exc())
        return False
    say(f"PASS  {name} ({time.perf_counter() - started:.1f} s){': ' + note if note else ''}")
    return True


def run_selftest(say: Callable[[str], None] = print) -> bool:
    """Run every stage in a temporary folder, saying PASS, FAIL or SKIP (every stage
    after a failed one) for each; True when all passed."""
    state: dict = {}
    results: list[bool] = []
    with tempfile.TemporaryDirectory(prefix="headshot-selftest-") as tmp:
        for name, stage in STAGES:
            if results and not results[-1]:
                say(f"SKIP  {name}")
                continue
            results.append(_run_stage(name, stage, Path(tmp), state, say))
    ok = len(results) == len(STAGES) and all(results)
    say("Self-test passed." if ok else "Self-test FAILED.")
    return ok
