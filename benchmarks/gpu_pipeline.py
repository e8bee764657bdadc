"""GPU figures for full-size Stable Diffusion 1.5 and SDXL: LoRA training steps per
second, peak graphics memory, and images per minute, for Headshot Studio's trainer and
generator and, in the same run, for plain diffusers + peft doing the same work
(benchmarks/reference_recipe.py), with the ratio ours / baseline for each figure.

Run, from the repository root, on a machine with an NVIDIA GPU:

    python benchmarks/gpu_pipeline.py

Options: --models sd15,sdxl  --train-steps 50  --warmup-steps 5  --images 8
--denoise-steps 30  --vram-gb 8 (or 12: plan for, and cap memory at, a smaller card)
--out results.json  --work-dir DIR (keep the built models there and reuse them)
--tiny (the tiny test models on the CPU: only proves the script runs; CI uses it).

What is measured, per model:

* The models are the full-size architectures (SD1.5 at 512 px, SDXL at 1024 px), built
  from the component configs shipped in resources/models/configs with random weights
  (speed and memory do not depend on the weight values), saved in fp16 in diffusers
  layout, and loaded from disk by both sides.
* Training: a rank-16 LoRA on the UNet attention projections, on a few synthetic photos
  at the model's resolution, with the batch size our app's plan chooses (the baseline
  gets the same batch size). Steps per second over the steps after the warm-up steps,
  so model loading, latent caching and the first slow steps are left out on both
  sides: ours from the per-step progress events (the trainer reads the loss, a GPU
  sync, before each), the baseline from a timestamp taken after a GPU sync at each
  gradient clipping (a wrapper around torch.nn.utils.clip_grad_norm_; the recipe
  itself is unchanged).
* Generation: images per minute at the model's resolution (DPM++ 2M, guidance 6.5,
  negative prompt, with the LoRA each side trained), after one warm-up image, model
  loading left out. Ours batches images as its plan says, the baseline makes one
  image per call (diffusers' validation way); images are counted, not batches.
* Peak graphics memory: torch.cuda.max_memory_allocated over each phase, model
  loading included (max_memory_reserved is in the JSON too).
* --vram-gb N: our app plans for a card with N GB free, and the process's allocator is
  capped at N GB (torch.cuda.set_per_process_memory_fraction) for both sides, so
  "fits" means it ran within N GB; a side that runs out is reported "out of memory".

Ratios are ours / baseline: above 1 is better for speed, below 1 for memory.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime
import json
import math
import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
from dataclasses import asdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # everything is local; never wait for a hub

import torch  # noqa: E402

import reference_recipe  # noqa: E402  (benchmarks/ is not a package)

from headshot_studio.testing.full_size import free_memory  # noqa: E402

ARCHITECTURES = {"sd15": "SD1.5", "sdxl": "SDXL"}
PROMPT = "a professional studio headshot photo of ohwx person"
CAPTION = "a photo of ohwx person"
RANK = 16
GUIDANCE = 6.5
WARMUP_SEED = 1_000_000
GB = 2**30
OOM = "out of memory"
NA = "n/a"
FULL_DEFAULTS = {"train_steps": 50, "warmup_steps": 5, "images": 8, "denoise_steps": 30}
TINY_DEFAULTS = {"train_steps": 3, "warmup_steps": 1, "images": 2, "denoise_steps": 2}


# --- memory and timing helpers ----------------------------------------------------------


def sync(cuda: bool) -> None:
    if cuda:
        torch.cuda.synchronize()


def begin_peak(cuda: bool) -> None:
    free_memory()
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()


def read_peak(cuda: bool) -> dict:
    if not cuda:
        return {"peak_gb": NA, "peak_reserved_gb": NA}
    torch.cuda.synchronize()
    return {"peak_gb": torch.cuda.max_memory_allocated() / GB,
            "peak_reserved_gb": torch.cuda.max_memory_reserved() / GB}


@contextlib.contextmanager
def clip_clock(times: list[float], norms: list[float], cuda: bool):
    """Timestamp every call of torch.nn.utils.clip_grad_norm_ (once per training step
    in the reference recipe), after the GPU has finished the step's work so far."""
    original = torch.nn.utils.clip_grad_norm_

    def timed(*args, **kwargs):
        norm = original(*args, **kwargs)
        sync(cuda)
        times.append(time.perf_counter())
        norms.append(float(norm))
        return norm

    torch.nn.utils.clip_grad_norm_ = timed
    try:
        yield
    finally:
        torch.nn.utils.clip_grad_norm_ = original


def steps_per_second(done_at: dict[int, float], steps: int, warmup: int) -> float:
    """Steps per second from ``warmup`` done to ``steps`` done (step k done at done_at[k])."""
    return (steps - warmup) / (done_at[steps] - done_at[warmup])


def guarded(label: str, errors: list[str], work):
    """Run one side of one phase: its result dict, {"error": "out of memory"} when the
    GPU ran out, or {"error": ...} (traceback printed, run goes on) for anything else."""
    from headshot_studio.core.hardware import is_out_of_memory

    result = None
    try:
        result = work()
    except Exception as exc:  # one failed measurement must not lose the others
        if is_out_of_memory(exc):
            print(f"    {label}: out of memory", flush=True)
            result = {"error": OOM}
        else:
            traceback.print_exc()
            message = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
            print(f"    {label}: FAILED ({message})", flush=True)
            errors.append(f"{label}: {message}")
            result = {"error": message}
    free_memory()  # the failed attempt's tensors are unreachable now
    return result


# --- models and data ----------------------------------------------------------------------


def prepare_model(arch: str, folder: Path, tiny: bool):
    """The model folder (built unless a finished build is there) and its ModelInfo."""
    from headshot_studio.core.models import model_info
    from headshot_studio.testing.full_size import build_full_size_folder
    from headshot_studio.testing.tiny_model import build_tiny_sd15, build_tiny_sdxl

    finished = folder.with_name(folder.name + ".complete")  # written last: the build finished
    kind = "tiny" if tiny else "full size"
    if not (finished.is_file() and finished.read_text(encoding="utf-8").strip() == kind):
        shutil.rmtree(folder, ignore_errors=True)
        finished.unlink(missing_ok=True)
        started = time.perf_counter()
        if tiny:
            (build_tiny_sdxl if arch == "sdxl" else build_tiny_sd15)(folder)
        elif torch.cuda.is_available():
            try:
                build_full_size_folder(arch, folder, "cuda")
            except torch.cuda.OutOfMemoryError:
                free_memory()
                print("  not enough GPU memory to initialise the weights there: building on the CPU (slow)",
                      flush=True)
                shutil.rmtree(folder, ignore_errors=True)
                build_full_size_folder(arch, folder, "cpu")
        else:
            build_full_size_folder(arch, folder, "cpu")
        finished.write_text(kind + "\n", encoding="utf-8")
        print(f"  built {ARCHITECTURES[arch]} ({kind}, random weights) "
              f"in {time.perf_counter() - started:.0f} s", flush=True)
    else:
        print(f"  reusing {ARCHITECTURES[arch]} in {folder}", flush=True)
    return model_info(folder, "path")


def parameter_counts(folder: Path) -> dict[str, int]:
    """Parameters per weighted component, from the safetensors headers."""
    from headshot_studio.core.models import _component_weights, read_safetensors_header

    counts = {}
    for component in ("unet", "vae", "text_encoder", "text_encoder_2"):
        if not (folder / component).is_dir():
            continue
        total = 0
        for weights in _component_weights(folder / component):
            for key, entry in read_safetensors_header(weights).items():
                if key != "__metadata__":
                    count = 1
                    for dim in entry["shape"]:
                        count *= dim
                    total += count
        counts[component] = total
    return counts


def make_dataset(folder: Path, n_images: int, resolution: int) -> Path:
    from headshot_studio.testing.synthetic import make_photo

    for i in range(n_images):
        make_photo(folder / f"{i:03d}.png", i, (resolution, resolution))
        (folder / f"{i:03d}.txt").write_text(CAPTION, encoding="utf-8")
    return folder


# --- the four measurements ------------------------------------------------------------------


def train_ours(model, plan, data: Path, out: Path, steps: int, warmup: int, cuda: bool) -> dict:
    from headshot_studio.core.events import Stage
    from headshot_studio.core.training import TrainingConfig, train_lora

    done_at: dict[int, float] = {}

    def on_event(event) -> None:
        if event.stage == Stage.TRAIN and event.total:
            sync(cuda)  # the trainer read the loss before reporting: this returns at once
            done_at[event.step] = time.perf_counter()

    begin_peak(cuda)
    started = time.perf_counter()
    result = train_lora(model, plan, data, out, TrainingConfig(steps=steps, rank=RANK, checkpoint_every=10**6),
                        resume=False, on_event=on_event)
    sync(cuda)
    return {
        "steps_per_s": steps_per_second(done_at, steps, warmup),
        "total_s": time.perf_counter() - started,
        "final_loss": result.final_loss,
        "lora_path": result.lora_path,
        **read_peak(cuda),
    }


def train_baseline(model, plan, data: Path, out: Path, steps: int, warmup: int, cuda: bool) -> dict:
    from headshot_studio.core.models import SDXL

    times: list[float] = []
    norms: list[float] = []
    begin_peak(cuda)
    started = time.perf_counter()
    with clip_clock(times, norms, cuda):
        result = reference_recipe.train(
            model.path, data, out, steps=steps, rank=RANK, resolution=plan.resolution,
            batch_size=plan.train_batch_size, device=plan.device, sdxl=model.architecture == SDXL,
        )
    sync(cuda)
    if len(times) != steps:
        raise RuntimeError(f"expected {steps} gradient clippings in the reference recipe, saw {len(times)}")
    return {
        "steps_per_s": steps_per_second({k + 1: t for k, t in enumerate(times)}, steps, warmup),
        "steps_per_s_all_steps": result["steps_per_s"],  # the recipe's own figure, warm-up included
        "total_s": time.perf_counter() - started,
        "load_s": result["load_s"],
        "nonfinite_grad_steps": sum(1 for n in norms if not math.isfinite(n)),
        "lora_path": result["lora_path"],
        **read_peak(cuda),
    }


def generate_ours(model, plan, lora: Path | None, out: Path, images: int, denoise: int, cuda: bool) -> dict:
    from headshot_studio.core.generation import DEFAULT_NEGATIVE, GenerationRequest, Generator

    def request(seed: int) -> GenerationRequest:
        return GenerationRequest(PROMPT, seed=seed, steps=denoise, guidance_scale=GUIDANCE,
                                 negative_prompt=DEFAULT_NEGATIVE)

    begin_peak(cuda)
    started = time.perf_counter()
    generator = Generator(model, plan, lora)
    sync(cuda)
    loaded = time.perf_counter()
    generator.generate([request(WARMUP_SEED)], out / "warmup")
    sync(cuda)
    warmed = time.perf_counter()
    made = generator.generate([request(seed) for seed in range(images)], out / "images")
    sync(cuda)
    finished = time.perf_counter()
    peak = read_peak(cuda)
    generator = None
    if len(made) != images:
        raise RuntimeError(f"asked for {images} images, got {len(made)}")
    return {
        "images_per_min": 60 * images / (finished - warmed),
        "load_s": loaded - started,
        "warmup_s": warmed - loaded,
        "generate_s": finished - warmed,
        **peak,
    }


def generate_baseline(model, plan, lora: Path, out: Path, images: int, denoise: int, cuda: bool) -> dict:
    """The recipe loads a fresh pipeline per call: a one-image call warms up first
    (as ours does), then the timed call; its own timing leaves the loading out."""
    from headshot_studio.core.generation import DEFAULT_NEGATIVE

    common = {"steps": denoise, "guidance": GUIDANCE, "resolution": plan.resolution,
              "negative": DEFAULT_NEGATIVE, "device": plan.device}
    peaks = []
    begin_peak(cuda)
    warm = reference_recipe.generate(model.path, lora, out / "warmup", [(PROMPT, WARMUP_SEED)], **common)
    peaks.append(read_peak(cuda))
    free_memory()
    timed = reference_recipe.generate(model.path, lora, out / "images", [(PROMPT, s) for s in range(images)], **common)
    peaks.append(read_peak(cuda))  # the recipe resets the peak counters at each call's start
    made = len(list((out / "images").glob("*.png")))
    if made != images:
        raise RuntimeError(f"asked for {images} images, got {made}")
    peak = peaks[-1] if not cuda else {key: max(p[key] for p in peaks) for key in peaks[-1]}
    return {
        "images_per_min": timed["images_per_min"],
        "load_s": timed["load_s"],
        "warmup_s": warm["generate_s"],
        "generate_s": timed["generate_s"],
        **peak,
    }


# --- one model, both sides ---------------------------------------------------------------


def figure(result: dict | None, key: str):
    if result is None:
        return "skipped"
    if "error" in result:
        return result["error"]
    return result[key]


def compare(ours, baseline) -> dict:
    both = isinstance(ours, (int, float)) and isinstance(baseline, (int, float)) and baseline
    return {"ours": ours, "baseline": baseline, "ratio": ours / baseline if both else None}


def bench_model(arch: str, model, args, root: Path, device_info, errors: list[str]) -> dict:
    from headshot_studio.core.hardware import plan_run

    name = ARCHITECTURES[arch]
    cuda = not args.tiny
    counts = parameter_counts(model.path)
    plan = plan_run(model, device_info)
    print(f"\n{name}: {_millions(sum(counts.values()))} parameters "
          f"({', '.join(f'{k} {_millions(v)}' for k, v in counts.items())})", flush=True)
    print(f"  our plan: {plan.describe()}", flush=True)
    for note in plan.notes:
        print(f"    - {note}", flush=True)

    work = root / "runs" / arch
    shutil.rmtree(work, ignore_errors=True)
    data = make_dataset(work / "data", args.dataset_images, plan.resolution)
    steps, warmup = args.train_steps, args.warmup_steps

    print(f"  training {steps} steps (warm-up {warmup}), batch {plan.train_batch_size}, {plan.resolution} px ...",
          flush=True)
    train = {
        "ours": guarded(f"{name} train (ours)", errors,
                        lambda: train_ours(model, plan, data, work / "ours" / "lora", steps, warmup, cuda)),
        "baseline": guarded(f"{name} train (baseline)", errors,
                            lambda: train_baseline(model, plan, data, work / "baseline" / "lora", steps, warmup, cuda)),
    }
    loras = {side: result.get("lora_path") for side, result in train.items()}
    notes = []
    for side, other in (("ours", "baseline"), ("baseline", "ours")):
        if loras[side] is None and loras[other] is not None:
            loras[side] = loras[other]
            notes.append(f"{side} generation used the {other} LoRA ({side} training failed)")
    if loras["ours"] is None:
        notes.append("both trainings failed: ours generated without a LoRA, the baseline did not run")

    print(f"  generating {args.images} images at {args.denoise_steps} steps, {plan.resolution} px ...", flush=True)
    generate = {
        "ours": guarded(f"{name} generate (ours)", errors,
                        lambda: generate_ours(model, plan, loras["ours"], work / "ours", args.images,
                                              args.denoise_steps, cuda)),
        "baseline": (
            guarded(f"{name} generate (baseline)", errors,
                    lambda: generate_baseline(model, plan, loras["baseline"], work / "baseline", args.images,
                                              args.denoise_steps, cuda))
            if loras["baseline"] is not None else None
        ),
    }
    if not args.keep_outputs:
        shutil.rmtree(work, ignore_errors=True)

    report = {
        "name": name,
        "resolution": plan.resolution,
        "parameters": counts,
        "plan": plan.describe(),
        "plan_settings": asdict(plan),
        "train_steps_per_s": compare(figure(train["ours"], "steps_per_s"), figure(train["baseline"], "steps_per_s")),
        "train_peak_vram_gb": compare(figure(train["ours"], "peak_gb"), figure(train["baseline"], "peak_gb")),
        "train_peak_reserved_gb": compare(figure(train["ours"], "peak_reserved_gb"),
                                          figure(train["baseline"], "peak_reserved_gb")),
        "images_per_min": compare(figure(generate["ours"], "images_per_min"),
                                  figure(generate["baseline"], "images_per_min")),
        "generate_peak_vram_gb": compare(figure(generate["ours"], "peak_gb"), figure(generate["baseline"], "peak_gb")),
        "generate_peak_reserved_gb": compare(figure(generate["ours"], "peak_reserved_gb"),
                                             figure(generate["baseline"], "peak_reserved_gb")),
        "details": {
            phase: {side: ({k: (str(v) if isinstance(v, Path) else v) for k, v in result.items()}
                           if result is not None else None) for side, result in sides.items()}
            for phase, sides in (("train", train), ("generate", generate))
        },
        "notes": notes,
    }
    if args.vram_gb:
        report["fits"] = {side: fits(train[side], generate[side], args.vram_gb) for side in ("ours", "baseline")}
    print_table(report, args)
    return report


def fits(train: dict | None, generate: dict | None, vram_gb: float) -> bool | None:
    """Whether both phases ran within ``vram_gb`` (None when one did not run for another reason)."""
    results = [train, generate]
    if any(r is not None and r.get("error") == OOM for r in results):
        return False
    if any(r is None or "error" in r for r in results):
        return None
    return all(r["peak_reserved_gb"] <= vram_gb for r in results)


# --- output -----------------------------------------------------------------------------------


def _millions(n: int) -> str:
    return f"{n / 1e6:,.1f} M" if n >= 100_000 else f"{n / 1e3:,.1f} k"


def _cell(value, digits: int = 2) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:.{digits}f}"
    return str(value) if value is not None else "-"


def print_table(report: dict, args) -> None:
    rows = (
        ("train steps/s", "train_steps_per_s", 2),
        ("train peak VRAM (GB)", "train_peak_vram_gb", 2),
        ("images/min", "images_per_min", 1),
        ("generate peak VRAM (GB)", "generate_peak_vram_gb", 2),
    )
    print(f"\n  {report['name']} at {report['resolution']} px: {args.train_steps} training steps, "
          f"{args.images} images x {args.denoise_steps} denoising steps")
    print(f"  {'':26s}{'ours':>14s}{'baseline':>16s}{'ours/baseline':>15s}")
    for label, key, digits in rows:
        entry = report[key]
        print(f"  {label:26s}{_cell(entry['ours'], digits):>14s}{_cell(entry['baseline'], digits):>16s}"
              f"{_cell(entry['ratio']):>15s}")
    estimates = report["plan_settings"].get("estimated_train_gb"), report["plan_settings"].get("estimated_generate_gb")
    if all(isinstance(e, (int, float)) and e > 0 for e in estimates):
        print(f"  our plan expected peaks of {estimates[0]:.1f} GB training, {estimates[1]:.1f} GB generating")
    if "fits" in report:
        for side, ok in report["fits"].items():
            verdict = {True: "fits", False: "does NOT fit", None: "unknown (a phase failed)"}[ok]
            print(f"  {side}: {verdict} in {args.vram_gb:g} GB")
    for note in report["notes"]:
        print(f"  note: {note}")
    loss = (report["details"]["train"]["ours"] or {}).get("final_loss")
    if isinstance(loss, float) and not math.isfinite(loss):
        print(f"  note: our training ended with a non-finite loss ({loss})")
    for side in ("ours", "baseline"):
        detail = report["details"]["train"][side] or {}
        if detail.get("nonfinite_grad_steps"):
            print(f"  note: {side} had {detail['nonfinite_grad_steps']} steps with non-finite gradients "
                  "(GradScaler skipped their updates)")
    sys.stdout.flush()


def environment(args, device_info) -> dict:
    import diffusers
    import peft
    import transformers

    info = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "mode": "tiny (CPU)" if args.tiny else "full size (GPU)",
        "python": platform.python_version(),
        "torch": torch.__version__,
        "diffusers": diffusers.__version__,
        "peft": peft.__version__,
        "transformers": transformers.__version__,
        "cuda": torch.version.cuda,
        "device": device_info.describe(),
    }
    if not args.tiny:
        props = torch.cuda.get_device_properties(0)
        info |= {
            "gpu": torch.cuda.get_device_name(0),
            "gpu_memory_gb": props.total_memory / GB,
            "cudnn": torch.backends.cudnn.version(),
            "simulated_vram_gb": args.vram_gb,
        }
    else:
        info["gpu"] = "none (tiny mode runs on the CPU)"
    info["settings"] = {k: getattr(args, k) for k in ("models", "train_steps", "warmup_steps", "images",
                                                      "denoise_steps", "dataset_images")}
    info["settings"] |= {"rank": RANK, "guidance": GUIDANCE, "prompt": PROMPT}
    return info


# --- main -------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog="Run from the repository root: python benchmarks/gpu_pipeline.py")
    parser.add_argument("--models", default="sd15,sdxl", help="comma-separated: sd15, sdxl (default both)")
    parser.add_argument("--train-steps", type=int, help="LoRA training steps per side (default 50; tiny 3)")
    parser.add_argument("--warmup-steps", type=int, help="first steps left out of steps/s (default 5; tiny 1)")
    parser.add_argument("--images", type=int, help="images generated per side (default 8; tiny 2)")
    parser.add_argument("--denoise-steps", type=int, help="denoising steps per image (default 30; tiny 2)")
    parser.add_argument("--dataset-images", type=int, default=4, help="training photos (default 4)")
    parser.add_argument("--vram-gb", type=float, help="plan for, and cap GPU memory at, a card with this many GB free")
    parser.add_argument("--tiny", action="store_true", help="tiny models on the CPU (checks that the script runs)")
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    parser.add_argument("--work-dir", type=Path, help="keep the built models here and reuse them (default: a temp "
                        "folder, deleted at the end)")
    parser.add_argument("--keep-outputs", action="store_true", help="keep LoRAs and images (needs --work-dir)")
    args = parser.parse_args(argv)
    for key, value in (TINY_DEFAULTS if args.tiny else FULL_DEFAULTS).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    args.models = [m.strip().lower() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in args.models if m not in ARCHITECTURES]
    if unknown or not args.models:
        parser.error(f"--models: unknown {', '.join(unknown) or '(none given)'}; choose from sd15, sdxl")
    if args.train_steps < 2:
        parser.error("--train-steps must be at least 2 (one warm-up step, one timed)")
    args.warmup_steps = max(1, min(args.warmup_steps, args.train_steps // 2))
    if args.images < 1 or args.denoise_steps < 1 or args.dataset_images < 1:
        parser.error("--images, --denoise-steps and --dataset-images must be at least 1")
    if args.vram_gb is not None and (args.tiny or args.vram_gb <= 0):
        parser.error("--vram-gb needs a positive size and a GPU run (not --tiny)")
    if args.keep_outputs and not args.work_dir:
        parser.error("--keep-outputs needs --work-dir")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.tiny:
        torch.set_num_threads(1)  # tiny models gain nothing from more; stay light on shared CI machines
    if not args.tiny and not torch.cuda.is_available():
        build = f"CUDA {torch.version.cuda}" if torch.version.cuda else "a CPU-only build"
        sys.exit(
            f"error: no CUDA GPU is available to PyTorch (torch {torch.__version__}, {build}). This benchmark "
            "measures GPU speed and memory: run it on a machine with an NVIDIA GPU and a CUDA build of "
            "PyTorch, or pass --tiny for a quick CPU run with the tiny models that only checks the script works."
        )

    from headshot_studio.core.events import NotEnoughVramError
    from headshot_studio.core.hardware import DeviceInfo, detect_device

    if args.tiny:
        device_info = DeviceInfo(kind="cpu", name=platform.processor() or platform.machine() or "CPU")
    else:
        device_info = detect_device()
        if device_info.kind != "cuda":
            sys.exit(f"error: the GPU is not usable ({device_info.describe()}); or pass --tiny for a CPU check.")

    root = args.work_dir or Path(tempfile.mkdtemp(prefix="headshot-gpu-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    try:
        print(f"Headshot Studio GPU benchmark ({'tiny, CPU' if args.tiny else 'full size'}), work folder {root}")
        print("building models ...", flush=True)
        # All built before any memory cap (building initialises fp32 weights on the GPU).
        models = {arch: prepare_model(arch, root / "models" / arch, args.tiny) for arch in args.models}
        free_memory()

        if args.vram_gb:
            total_gb = torch.cuda.get_device_properties(0).total_memory / GB
            if args.vram_gb > device_info.free_vram_gb:
                print(f"warning: --vram-gb {args.vram_gb:g} is more than the {device_info.free_vram_gb:.1f} GB "
                      "free on this GPU; the cap cannot make a card bigger", flush=True)
            torch.cuda.set_per_process_memory_fraction(min(1.0, args.vram_gb / total_gb), 0)
            device_info = dataclasses.replace(
                device_info, name=f"{device_info.name} (simulated {args.vram_gb:g} GB card)",
                total_vram_gb=args.vram_gb, free_vram_gb=args.vram_gb)

        env = environment(args, device_info)
        print(f"\n{env['date']}  GPU: {env['gpu']}  ({env['device']})")
        print(f"torch {env['torch']} (CUDA {env['cuda']}), diffusers {env['diffusers']}, peft {env['peft']}, "
              f"transformers {env['transformers']}")
        results = {"environment": env, "models": {}}
        for arch in args.models:
            try:
                results["models"][arch] = bench_model(arch, models[arch], args, root, device_info, errors)
            except NotEnoughVramError as exc:  # our app refuses a card this small: a result, not a failure
                print(f"\n{ARCHITECTURES[arch]}: our app refuses this card: {exc}", flush=True)
                results["models"][arch] = {"name": ARCHITECTURES[arch], "refused": str(exc)}
            except Exception as exc:
                traceback.print_exc()
                message = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
                print(f"  {ARCHITECTURES[arch]}: FAILED ({message})", flush=True)
                errors.append(f"{ARCHITECTURES[arch]}: {message}")
                results["models"][arch] = {"name": ARCHITECTURES[arch], "error": message}
            free_memory()
        results["errors"] = errors
        print("\nratios are ours / baseline: above 1 is faster for steps/s and images/min, "
              "below 1 is less memory for VRAM; the baseline is plain diffusers + peft "
              "(benchmarks/reference_recipe.py)")
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
            print(f"results written to {args.out}")
    finally:
        if not args.work_dir:
            shutil.rmtree(root, ignore_errors=True)
    if errors:
        print(f"\n{len(errors)} measurement(s) failed:\n  " + "\n  ".join(errors), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
