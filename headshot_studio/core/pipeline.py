"""The whole job, in order: photo checks -> training set -> learned face -> headshots.

Every step emits JobEvents and honours the CancelToken, and every step's result is
kept on disk as soon as it is finished, so a cancelled or killed run continues with
``resume=True`` where it stopped: the training from its last checkpoint, generation
from the first image not yet written.

Run folder layout::

    <out>/run.json          what was asked for (for humans and for resuming)
    <out>/quality.json      the verdict on every photo and on the set
    <out>/training/         face-aligned crops + captions
    <out>/lora/             lora.safetensors, training.json (checkpoints/ while training)
    <out>/images/           NNNN-s<seed>.png + .json sidecars
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from headshot_studio.core.dataset import caption_for, identity_phrase, prepare_training_set
from headshot_studio.core.events import CancelToken, EventCallback, InputError, ignore_events
from headshot_studio.core.files import write_json_atomic
from headshot_studio.core.generation import (
    DEFAULT_NEGATIVE,
    GeneratedImage,
    GenerationRequest,
    Generator,
    check_request,
)
from headshot_studio.core.hardware import RunPlan
from headshot_studio.core.faces import load_face_analyzer
from headshot_studio.core.images import list_photos
from headshot_studio.core.models import ModelInfo, ensure_verified, model_roots
from headshot_studio.core.quality import check_photos, default_cache
from headshot_studio.core.training import LORA_FILE, SETTINGS_FILE, TrainingConfig, train_lora

DEFAULT_PROMPT = (
    "professional corporate headshot photo of {subject}, wearing business attire, "
    "neutral grey studio backdrop, soft key light, sharp focus, 85mm portrait lens"
)


@dataclass(frozen=True)
class RunRequest:
    photos_dir: Path
    out_dir: Path
    model: ModelInfo
    plan: RunPlan
    count: int = 4
    seed: int = 0
    prompt: str = DEFAULT_PROMPT  # "{subject}" becomes the identity phrase
    negative_prompt: str = DEFAULT_NEGATIVE
    steps: int = 30
    guidance_scale: float = 6.5
    scheduler: str = "dpmpp_2m"
    training: TrainingConfig = field(default_factory=TrainingConfig)
    resume: bool = False


@dataclass(frozen=True)
class RunResult:
    lora_path: Path
    images: list[GeneratedImage]
    trained: bool  # False when a finished LoRA from an earlier run was reused
    seconds: float


def generation_requests(request: RunRequest) -> list[GenerationRequest]:
    """One request per image; image i gets seed ``seed + i``."""
    prompt = request.prompt.replace("{subject}", identity_phrase())
    return [
        GenerationRequest(
            prompt=prompt,
            seed=request.seed + i,
            negative_prompt=request.negative_prompt,
            steps=request.steps,
            guidance_scale=request.guidance_scale,
            scheduler=request.scheduler,
        )
        for i in range(request.count)
    ]


def check_run(request: RunRequest) -> None:
    if not 1 <= request.count <= 500:
        raise InputError(f"The number of images must be between 1 and 500 (got {request.count}).")
    out = request.out_dir
    has_run = (out / "run.json").exists() or (out / "lora").exists() or (out / "images").exists()
    if has_run and not request.resume:
        raise InputError(
            f"The folder “{out}” already holds a run. Continue it with --resume, or choose an empty folder."
        )
    if request.resume and not has_run:
        raise InputError(f"There is no run to continue in “{out}”. Start one without --resume.")


def recorded_run(out_dir: Path) -> dict:
    """What an earlier run in ``out_dir`` was asked to do (empty if none or unreadable)."""
    try:
        recorded = json.loads((out_dir / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return recorded if isinstance(recorded, dict) else {}


def _finished_lora(lora_dir: Path, training: TrainingConfig, n_images: int) -> Path | None:
    """The LoRA of an earlier, completed training with the same settings, if any."""
    lora, settings_file = lora_dir / LORA_FILE, lora_dir / SETTINGS_FILE
    if not (lora.is_file() and settings_file.is_file()):
        return None
    try:
        settings = json.loads(settings_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    wanted = asdict(training.resolved(n_images))
    return lora if settings.get("config") == wanted else None


def run_job(
    request: RunRequest,
    on_event: EventCallback = ignore_events,
    cancel: CancelToken | None = None,
) -> RunResult:
    cancel = cancel or CancelToken()
    started = time.perf_counter()

    # 1. Check the request and the run folder before any heavy work.
    check_run(request)
    photos = list_photos([request.photos_dir])
    recorded_photos = recorded_run(request.out_dir).get("photos") if request.resume else None
    if recorded_photos is not None and recorded_photos != [p.name for p in photos]:
        raise InputError(
            "The photos are not the ones this run started with, so it cannot be continued. "
            "Start a new run in an empty folder."
        )
    requests = generation_requests(request)
    for generation_request in requests:
        check_request(generation_request)
    request.out_dir.mkdir(parents=True, exist_ok=True)
    write_json_atomic(
        request.out_dir / "run.json",
        {
            "photos": [p.name for p in photos],
            "model_id": request.model.id,
            "plan": asdict(request.plan),
            "count": request.count,
            "seed": request.seed,
            "prompt": request.prompt,
            "negative_prompt": request.negative_prompt,
            "steps": request.steps,
            "guidance_scale": request.guidance_scale,
            "scheduler": request.scheduler,
            "training": asdict(request.training),
        },
    )

    # 2. Make sure the model files are intact before loading them.
    ensure_verified(request.model, on_event, cancel)

    # 3. Check the photos, one by one and as a set; a set that is not ready stops here
    #    with the reason, before any training time is spent.
    analyzer = load_face_analyzer(root for root, _ in model_roots())
    set_report = check_photos(photos, analyzer, default_cache(), on_event=on_event, cancel=cancel)
    write_json_atomic(
        request.out_dir / "quality.json",
        {"set": set_report.to_dict(), "photos": [report.to_dict() for report in set_report.photos]},
    )
    if not set_report.ready:
        rejected = [f"{r.file.name}: {r.message}" for r in set_report.photos if not r.usable]
        raise InputError(set_report.message, details="\n".join(rejected))

    # 4. Training set: face-aligned crops + captions of the usable photos.
    training_dir = request.out_dir / "training"
    prepare_training_set(
        set_report.photos, training_dir, request.plan.resolution, caption=caption_for(), on_event=on_event, cancel=cancel
    )

    # 5. Learn the face, or reuse the finished LoRA of the same training.
    lora_dir = request.out_dir / "lora"
    lora_path = _finished_lora(lora_dir, request.training, len(set_report.usable)) if request.resume else None
    trained = lora_path is None
    if lora_path is None:
        result = train_lora(
            request.model,
            request.plan,
            training_dir,
            lora_dir,
            request.training,
            resume=request.resume,
            on_event=on_event,
            cancel=cancel,
        )
        lora_path = result.lora_path

    # 6. Generate; images already on disk with the same settings are kept.
    generator = Generator(request.model, request.plan, lora_path)
    images = generator.generate(requests, request.out_dir / "images", on_event, cancel)
    return RunResult(lora_path=lora_path, images=images, trained=trained, seconds=time.perf_counter() - started)
