"""The whole job for one session, in order:

    check photos -> prepare training set -> learn the face -> generate per style
    -> finish (face detail, colour, upscale) -> rank into the gallery

Every stage emits JobEvents (with whole-run progress and ETA added here) and honours
the CancelToken, and keeps its results on disk as soon as they exist, so a cancelled
or killed run continues where it stopped when run again: the photo analyses come from
the cache, training from its last checkpoint, generation and finishing from the first
image not yet written. The session's manifest records the state after each stage.

Faults during a run, and what the user sees:

* killed (power cut, crash, task manager): every file is written atomically, so the
  next run finds whole files or none, and continues as above (a killed training loses
  at most one checkpoint interval);
* a full disk: refused before the run from an estimate of the space it needs
  (:func:`check_disk_space`); if the disk fills up anyway, the run ends with a
  :class:`DiskSpaceError` that says what to do, and the session stays as it was after
  the last file written, ready to continue;
* the graphics card out of memory: the stage is tried once more with the next lighter
  plan (``hardware.smaller_plan``), going on from where it got to; a second time, the
  run stops with a :class:`GpuOutOfMemoryError` in plain words.
"""

from __future__ import annotations

import json
import logging
import math
import shutil
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import TypeVar

import numpy as np

from headshot_studio.core.dataset import caption_for, identity_phrase, prepare_training_set
from headshot_studio.core.events import (
    DISK_FULL_MESSAGE,
    GPU_OUT_OF_MEMORY_MESSAGE,
    CancelToken,
    Cancelled,
    DiskSpaceError,
    EventCallback,
    GpuOutOfMemoryError,
    HeadshotError,
    InputError,
    JobEvent,
    ModelDamagedError,
    ModelNotFoundError,
    Notice,
    Stage,
    ignore_events,
    is_disk_full,
)
from headshot_studio.core.faces import close_analyzer, load_face_analyzer
from headshot_studio.core.files import human_size, read_json_limited, remove_temp_files, write_json_atomic
from headshot_studio.core.gallery import GalleryEntry
from headshot_studio.core.generation import (
    MAX_SEED,
    GenerationRequest,
    Generator,
    check_request,
    image_stem,
    png_intact,
    preview_of,
)
from headshot_studio.core.hardware import RunPlan, free_gpu_memory, is_out_of_memory, plan_run, smaller_plan
from headshot_studio.core.images import save_png
from headshot_studio.core.limits import (
    COLOUR_STRENGTH_PERCENT,
    DEFAULT_PER_STYLE,
    DEFAULT_UPSCALE,
    MAX_PER_STYLE,
    MAX_PHOTOS,
    MAX_TRAIN_STEPS,
    RETOUCH_LEVELS,
    UPSCALE_FACTORS,
    UPSCALE_METHODS,
)
from headshot_studio.core.models import (
    ModelInfo,
    check_same_family,
    ensure_verified,
    model_roots,
    resolve_model,
    session_model,
)
from headshot_studio.core.native import load_model_libraries
from headshot_studio.core.postprocess import (
    PostprocessOptions,
    StyleFinish,
    Upscaler,
    UpscaleJob,
    blend_detail,
    retouch,
    tile_strength,
    tiled_detail,
    upscale_method,
)
from headshot_studio.core.quality import check_photos, default_cache, thresholds_for
from headshot_studio.core.brisque import Brisque
from headshot_studio.core.faces.mesh import shared_face_mesh
from headshot_studio.core.ranking import PersonLikeness, rank_images, reference_embedding
from headshot_studio.core.session import Session, SessionError, delete_copied_photos, session_lock
from headshot_studio.core.styles import check_avoid_text, compose_prompt, face_detail_prompt, get_style, load_styles
from headshot_studio.core.training import (
    LORA_FILE,
    SETTINGS_FILE,
    TrainingConfig,
    check_config,
    lora_parameter_count,
    train_lora,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

# Share of a typical run's time per stage, for the whole-run progress bar and ETA.
STAGE_WEIGHTS = {
    Stage.VERIFY: 0.02,
    Stage.CHECK: 0.04,
    Stage.PREPARE: 0.02,
    Stage.LOAD: 0.02,
    Stage.TRAIN: 0.50,
    Stage.GENERATE: 0.28,
    Stage.POSTPROCESS: 0.09,
    Stage.RANK: 0.03,
}
PIPELINE_ORDER = list(STAGE_WEIGHTS)


# Quality/speed presets: training steps (cap) and denoising steps (None = the style's).
PRESETS = {
    "fast": {"max_train_steps": 400, "steps": 20, "upscale": 2},
    "balanced": {"max_train_steps": MAX_TRAIN_STEPS, "steps": None, "upscale": DEFAULT_UPSCALE},
    "best": {"max_train_steps": MAX_TRAIN_STEPS, "steps": 40, "upscale": 4},
}


@dataclass(frozen=True)
class RunRequest:
    model: ModelInfo
    plan: RunPlan
    styles: tuple[str, ...] = ("corporate-executive",)
    count: int = DEFAULT_PER_STYLE  # images per style
    counts: tuple[int, ...] | None = None  # per style, in the order of ``styles`` (overrides count)
    seed: int = 0  # image i of a style uses seed + i
    avoid: str = ""  # the user's free-text negatives ("no glasses")
    steps: int | None = None  # overrides the styles' denoising steps (quick previews)
    training: TrainingConfig = field(default_factory=TrainingConfig)
    postprocess: PostprocessOptions = field(default_factory=PostprocessOptions)
    reuse_face: bool = False  # generate with the session's learned face; no checks, no training

    def settings(self) -> dict:
        """What the session records, so a resumed run does the same work."""
        return {
            "model_id": self.model.id,
            "model_path": str(self.model.path) if self.model.source == "path" else None,
            "model_architecture": self.model.architecture,
            "styles": list(self.styles),
            "count": self.count,
            "counts": list(self.counts) if self.counts else None,
            "seed": self.seed,
            "avoid": self.avoid,
            "steps": self.steps,
            "training": asdict(self.training),
            "postprocess": asdict(self.postprocess),
        }


@dataclass(frozen=True)
class RunResult:
    gallery: list[GalleryEntry]  # best first
    trained: bool  # False when the face learned earlier was reused
    seconds: float


class _RunProgress:
    """Adds whole-run progress and ETA to each stage's events."""

    def __init__(self, on_event: EventCallback, stages: list[Stage]) -> None:
        self.on_event = on_event
        total = sum(STAGE_WEIGHTS[s] for s in stages)
        self.weights = {s: STAGE_WEIGHTS[s] / total for s in stages}
        self.order = stages
        self.started = time.perf_counter()

    def __call__(self, event: JobEvent) -> None:
        if isinstance(event, Notice) or event.stage not in self.weights:
            self.on_event(event)
            return
        before = sum(self.weights[s] for s in self.order[: self.order.index(event.stage)])
        overall = min(1.0, before + self.weights[event.stage] * event.fraction)
        elapsed = time.perf_counter() - self.started
        eta = elapsed * (1 - overall) / overall if overall > 0.02 else None
        self.on_event(replace(event, overall=overall, overall_eta_s=eta))


@dataclass(frozen=True)
class RunOverrides:
    """What the person asked for this time (the window's choices, the command line's
    options); ``None`` means "not said". Training and finishing overrides name fields of
    TrainingConfig and PostprocessOptions."""

    styles: tuple[str, ...] | None = None
    counts: tuple[int, ...] | None = None  # per style, in the order of ``styles``
    count: int | None = None  # the same count for every style
    seed: int | None = None
    avoid: str | None = None
    steps: int | None = None
    model: str | None = None  # a model id or a diffusers folder; None: the session's own
    training: dict = field(default_factory=dict)
    postprocess: dict = field(default_factory=dict)
    allow_cpu: bool = False
    reuse_face: bool = False  # more headshots with the face learned already


def build_request(session: Session, settings, overrides: RunOverrides = RunOverrides(), *, device) -> RunRequest:
    """The one way a run request is made (the window and the command line both call it),
    so the same session, settings and overrides give the same request, and the same pixels.

    Each value comes from the overrides, else from what the session recorded (so a resumed
    run does the same work), else from the user's settings (the quality preset, images per
    style, checkpoint interval, retouching, colour strength), else from the defaults. A new
    batch of a finished session (``reuse_face``) is finished as the settings say now. ``device`` is this computer's
    (``hardware.detect_device`` / ``measure_free_vram``), injected so tests choose it.
    """
    recorded = session.manifest.get("settings", {})
    check_recorded_settings(recorded)
    preset = PRESETS.get(settings.preset, PRESETS["balanced"])

    def pick(name: str, default):
        given = getattr(overrides, name)
        if given is not None:
            return given
        if recorded.get(name) is not None or (name == "steps" and name in recorded):
            return recorded[name]  # recorded steps None: the style's own, whatever the preset says now
        return default

    styles = tuple(pick("styles", RunRequest.styles))
    count = pick("count", settings.images_per_style)
    counts = overrides.counts
    if counts is None and overrides.count is None and list(styles) == recorded.get("styles"):
        counts = recorded.get("counts")  # the run being continued, style by style
    if counts is None:
        counts = (count,) * len(styles)  # check_run refuses counts that do not match the styles
    run = {
        "styles": styles,
        "count": count,
        "counts": tuple(counts),
        "avoid": pick("avoid", ""),
        "steps": pick("steps", preset["steps"]),
        "seed": overrides.seed if overrides.seed is not None else (
            next_free_seed(session) if overrides.reuse_face else recorded.get("seed") or 0),
    }
    training = TrainingConfig(**({"checkpoint_every": settings.checkpoint_every, "max_steps": preset["max_train_steps"],
                                  "seed": run["seed"]} | recorded.get("training", {}) | overrides.training))
    finishing = {"upscale": preset["upscale"], "retouch": settings.retouch,
                 "colour_strength": settings.colour_strength / COLOUR_STRENGTH_PERCENT[1]}
    # A run being continued finishes as it began; a new batch of a finished session
    # ("more headshots") takes the finishing the settings ask for now.
    finishing = (recorded.get("postprocess", {}) | finishing if overrides.reuse_face
                 else finishing | recorded.get("postprocess", {}))
    postprocess = PostprocessOptions(**(finishing | overrides.postprocess))
    extra = settings.extra_model_dirs()
    if overrides.model:
        model = resolve_model(overrides.model, extra)
        check_same_family(recorded, model)  # a session goes on with the family it started with
    else:
        model = session_model(recorded, extra, settings.default_model)
    plan = plan_run(model, device, train_text_encoder=training.train_text_encoder,
                    allow_cpu=overrides.allow_cpu or settings.allow_cpu)
    return RunRequest(model=model, plan=plan, training=training, postprocess=postprocess,
                      reuse_face=overrides.reuse_face, **run)


def chosen_styles(session: Session) -> tuple[dict[str, int], str]:
    """What the window shows as chosen for ``session``: ({style id: count}, avoid text).
    The window's own draft when there is one; else what the last run recorded (a session
    run from the command line), so continuing it from the window asks for the same."""
    draft = session.manifest.get("draft")
    if isinstance(draft, dict):
        styles = draft.get("styles") if isinstance(draft.get("styles"), dict) else {}
        return dict(styles), draft.get("avoid") if isinstance(draft.get("avoid"), str) else ""
    recorded = session.manifest.get("settings", {})
    styles = [s for s in recorded.get("styles") or () if isinstance(s, str)]
    counts = recorded.get("counts") or [recorded.get("count") or DEFAULT_PER_STYLE] * len(styles)
    if len(counts) != len(styles):
        counts = [DEFAULT_PER_STYLE] * len(styles)
    avoid = recorded.get("avoid")
    return dict(zip(styles, counts)), avoid if isinstance(avoid, str) else ""


def check_choices(session: Session, style_counts: dict[str, int], avoid: str = "") -> None:
    """What Start would refuse about the window's choices, said before it is pressed: the
    "avoid" text is too long, no style is chosen, the session's recorded settings are
    damaged, a chosen style's file is gone or broken, or a count is out of range
    (InputError with what to do)."""
    check_avoid_text(avoid)
    if not style_counts:
        raise InputError("Choose at least one style.")
    check_recorded_settings(session.manifest.get("settings", {}))
    styles, errors = load_styles()
    broken = {error.path.stem: error for error in errors if error.path is not None}
    for style_id, count in style_counts.items():
        if style_id in broken:
            raise broken[style_id]
        if style_id not in styles:
            raise InputError(f"The style “{style_id}” is chosen but no longer available. Untick it on the Styles "
                             "page, or put its file back in your styles folder.")
        if not isinstance(count, int) or not 1 <= count <= MAX_PER_STYLE:
            raise InputError(f"The number of headshots of “{styles[style_id].name}” must be between 1 and "
                             f"{MAX_PER_STYLE} (got {count}). Change it on the Styles page.")


def next_free_seed(session: Session) -> int:
    """The first seed no image of the session used: "more headshots" and "more like this"
    give new images, never copies of earlier ones (image i of a style uses seed + i)."""
    recorded = session.manifest.get("settings", {})
    counts = recorded.get("counts") or [recorded.get("count") or 0]
    after_recorded = (recorded.get("seed") or 0) + max(counts, default=0) if recorded else 0
    # a seed no generator takes (a hand-edited gallery) says nothing about which are used
    seeds = [entry.seed for entry in session.gallery() if entry.seed is not None and entry.seed < MAX_SEED]
    return max([after_recorded] + [seed + 1 for seed in seeds])


def check_recorded_settings(recorded: dict) -> None:
    """Settings a session recorded must be settings this version knows: a hand-edited or
    damaged manifest is reported as such, not as an internal error."""
    for section, cls in (("training", TrainingConfig), ("postprocess", PostprocessOptions)):
        defaults = {f.name: f.default for f in fields(cls)}
        values = recorded.get(section, {})
        unknown = set(values) - set(defaults)
        # a value of another kind than the setting's own (text for a number, NaN...)
        unknown |= {name for name, value in values.items() if name in defaults and not _same_kind(value, defaults[name])}
        if unknown:
            raise SessionError(
                "This session's recorded settings are damaged, so it cannot be continued. Start a new session "
                "with the same photos, or delete this one.",
                details=f"settings.{section}: unknown or ill-typed {sorted(unknown)}",
            )


def _same_kind(value, default) -> bool:
    """Whether a recorded setting is of the kind its default is (an int also for a float
    setting; None where the default is None; finite numbers only)."""
    if value is None:
        return True
    if default is None:  # an optional number ("None: the default's", such as face_detail_strength)
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float)) and math.isfinite(value) and (isinstance(value, int) or isinstance(default, float))
    return isinstance(value, type(default))


def generation_requests(request: RunRequest) -> list[tuple[str, list[GenerationRequest]]]:
    """Per style, one request per image; image i gets seed ``seed + i``."""
    batches = []
    counts = request.counts or (request.count,) * len(request.styles)
    for style_id, count in zip(request.styles, counts):
        style = get_style(style_id)
        prompt, negative = compose_prompt(style, identity_phrase(), request.avoid)
        batches.append(
            (
                style_id,
                [
                    GenerationRequest(
                        prompt=prompt,
                        negative_prompt=negative,
                        seed=request.seed + i,
                        steps=request.steps or style.steps,
                        guidance_scale=style.guidance,
                        width=style.width,
                        height=style.height,
                        scheduler=style.sampler,
                    )
                    for i in range(count)
                ],
            )
        )
    return batches


def check_postprocess(options: PostprocessOptions) -> None:
    """The finishing choices are ones this version has (a hand-edited manifest or a
    script may say anything)."""
    if options.retouch not in RETOUCH_LEVELS:
        raise InputError(f"Retouching must be one of {', '.join(RETOUCH_LEVELS)} (got {options.retouch!r}).")
    if options.upscale_method not in UPSCALE_METHODS:
        raise InputError(f"The upscaling method must be one of {', '.join(UPSCALE_METHODS)} "
                         f"(got {options.upscale_method!r}).")
    for name in ("colour_strength", "face_detail_strength"):
        value = getattr(options, name)
        if value is not None and not (isinstance(value, (int, float)) and 0.0 <= value <= 1.0):
            raise InputError(f"The {name.replace('_', ' ')} must be from 0 to 1 (got {value!r}).")


def check_finishing(style_ids) -> None:
    """What the styles ask of the finishing can be done, said before training rather than
    after it: each backdrop's picture opens, and the segmentation model that cuts the
    person out is there and intact."""
    finishes = [get_style(style_id).finish() for style_id in style_ids]
    backdrops = [finish.backdrop for finish in finishes if finish.backdrop is not None]
    if not backdrops:
        return
    from headshot_studio.core.backdrop import render_backdrop
    from headshot_studio.core.segmentation import PersonSegmenter

    for backdrop in backdrops:
        render_backdrop(backdrop, (64, 64))  # the picture is read, checked and scaled
    PersonSegmenter().load()


def check_run(session: Session, request: RunRequest) -> list[tuple[str, list[GenerationRequest]]]:
    """Refuse a bad request before any heavy work; return the generation requests."""
    # the training settings' ranges too (a hand-edited manifest's rank of 10**12 is said here,
    # not as "not enough disk space"); steps 0 means "the default", whatever the photo count
    check_config(request.training.resolved(1))
    if not request.styles:
        raise InputError("Choose at least one style.")
    if request.counts is not None and len(request.counts) != len(request.styles):
        raise InputError("Give one image count per style.")
    for count in request.counts or (request.count,):
        if not 1 <= count <= MAX_PER_STYLE:
            raise InputError(f"The number of images per style must be between 1 and {MAX_PER_STYLE} (got {count}).")
    if request.postprocess.upscale not in UPSCALE_FACTORS:
        raise InputError(f"Upscaling must be one of {', '.join(map(str, UPSCALE_FACTORS))} (1: off) "
                         f"(got {request.postprocess.upscale}).")
    check_postprocess(request.postprocess)
    if request.reuse_face and not _finished_lora(session, request.training):
        raise InputError(
            f"The session “{session.name}” has no finished learned face to reuse. Run it without reusing, "
            "or continue it."
        )
    check_finishing(request.styles)
    batches = generation_requests(request)
    for _, requests in batches:
        for generation_request in requests:
            check_request(generation_request)
    return batches


# --- disk space -------------------------------------------------------------------------

# Left free for the system and other programs: a disk filled to the last byte makes the
# whole computer misbehave, not only this run.
DISK_RESERVE_BYTES = 512 * 2**20
# PNG bytes per pixel at worst: 8-bit RGB, plus the row filter bytes and chunk headers
# that even incompressible pixels cost. Real headshots compress to about half of this.
PNG_BYTES_PER_PIXEL = 3.1
FILE_OVERHEAD_BYTES = 64 * 2**10  # a sidecar, and a file's rounding up to disk blocks


def estimate_run_bytes(session: Session, request: RunRequest, batches) -> int:
    """The most disk space the run can add to the session folder, in bytes. A deliberate
    over-estimate, so that a run that starts does not stop halfway for lack of space:

    * training crops: one PNG per photo at the plan's resolution;
    * the learned face, unless it is learned already: its adapters in fp32 (4 bytes per
      number, counted from the model's layer shapes). While training, up to
      ``keep_checkpoints + 1`` checkpoints hold them three times each (weights and the
      optimizer's two moments); saving the result briefly holds three copies more;
    * every image not finished yet: the raw image at its size and the finished one at
      ``upscale`` times each side, both as worst-case PNG, plus a sidecar each.

    The selfies were copied when the session was made; the photo analyses go to the
    cache (a few KB each). Neither is counted.
    """
    plan = request.plan
    n_photos = len(session.manifest.get("photos", []))
    total = n_photos * (plan.resolution**2 * PNG_BYTES_PER_PIXEL + 2 * FILE_OVERHEAD_BYTES)
    if not request.reuse_face and _finished_lora(session, request.training) is None:
        training = request.training
        lora = 4 * lora_parameter_count(request.model, training.rank, training.train_text_encoder)
        total += (training.keep_checkpoints + 1) * 3 * lora + 3 * lora + 4 * FILE_OVERHEAD_BYTES
    upscale = request.postprocess.upscale
    for style_id, requests in batches:
        for index, generation_request in enumerate(requests):
            name = image_stem(f"{style_id}-", index, generation_request.seed) + ".png"
            if (session.final_dir / name).is_file():
                continue  # finished in an earlier run
            pixels = (generation_request.width or plan.resolution) * (generation_request.height or plan.resolution)
            if not (session.raw_dir / name).is_file():
                total += pixels * PNG_BYTES_PER_PIXEL + FILE_OVERHEAD_BYTES
            total += pixels * upscale**2 * PNG_BYTES_PER_PIXEL + FILE_OVERHEAD_BYTES
    return int(total)


def estimate_finished_bytes(request: RunRequest, batches) -> int:
    """The most space the run's finished headshots take (worst-case PNG at their final
    size), e.g. for a folder they are exported to."""
    upscale = request.postprocess.upscale
    total = 0
    for _, requests in batches:
        for generation_request in requests:
            pixels = (generation_request.width or request.plan.resolution) * (generation_request.height or request.plan.resolution)
            total += pixels * upscale**2 * PNG_BYTES_PER_PIXEL + FILE_OVERHEAD_BYTES
    return int(total)


def check_disk_space(session: Session, request: RunRequest, batches) -> None:
    """Refuse a run the disk has no room for, before any work (the session is untouched)."""
    estimate = estimate_run_bytes(session, request, batches)
    needed = estimate + DISK_RESERVE_BYTES
    free = shutil.disk_usage(session.path).free
    if free < needed:
        raise DiskSpaceError(
            f"There is not enough free disk space for this run: it needs about {human_size(needed)}, and the "
            f"disk holding your sessions has {human_size(free)} free. Free up space (empty the recycle bin, "
            "delete sessions you no longer need or other large files), then try again.",
            details=f"session folder {session.path}: estimate {estimate} bytes + {DISK_RESERVE_BYTES} kept free; "
            f"free {free} bytes",
        )


def _finished_lora(session: Session, training: TrainingConfig) -> Path | None:
    """The session's LoRA, when its training finished with these settings."""
    lora, settings_file = session.lora_dir / LORA_FILE, session.lora_dir / SETTINGS_FILE
    try:
        settings = json.loads(settings_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:  # damaged: the face is learned again, and the log says why
        log.warning("session %s: the learned face's record is unreadable (%s); it will be learned again",
                    session.log_id, type(exc).__name__)
        return None
    if not lora.is_file():
        return None
    recorded = settings.get("config", {})
    wanted = asdict(training)
    # steps=0 means "the default for this many photos": compare the rest in that case
    same = all(recorded.get(k) == v for k, v in wanted.items() if not (k == "steps" and v == 0))
    return lora if same else None


def _optional_model(model):
    """One of the ranking's bundled models, loaded, or None when its file is missing or
    damaged: the gallery is then ranked without that score (logged), not lost."""
    try:
        model.load()
    except (ModelNotFoundError, ModelDamagedError) as exc:
        log.warning("%s unavailable, ranking without it: %s (%s)", type(model).__name__, exc, exc.details)
        return None
    return model


MAX_IDENTITY_BYTES = 4 * 1024 * 1024  # 50 photos x 512 numbers as JSON is under 1 MB


def _load_identity(session: Session, analyzer) -> PersonLikeness | None:
    """The person's likeness scale from their accepted photos' embeddings (an older
    session has only their average: one reference on the backend's own scale); None when
    the record is missing, damaged, or from another face analyzer (logged)."""
    try:
        data = read_json_limited(session.identity_file, max_bytes=MAX_IDENTITY_BYTES, max_depth=4)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        if data.get("analyzer") != analyzer.name:  # another network's embeddings cannot be compared
            log.warning("session %s: the person's face was measured by %r, not %r",
                        session.log_id, data.get("analyzer"), analyzer.name)
            return None
        embeddings = data.get("embeddings") or [data["embedding"]]
        if not isinstance(embeddings, list) or not 0 < len(embeddings) <= MAX_PHOTOS:
            raise ValueError(f"{type(embeddings).__name__} of embeddings, not a list of 1 to {MAX_PHOTOS}")
        embeddings = [np.asarray(e, dtype=np.float64) for e in embeddings]
        for embedding in embeddings:
            if embedding.shape != (analyzer.embedding_size,) or not np.isfinite(embedding).all() \
                    or not np.linalg.norm(embedding) > 0:
                raise ValueError(f"an embedding of shape {embedding.shape}, not {analyzer.embedding_size} finite numbers")
        return PersonLikeness.calibrate(embeddings, analyzer.same_person_threshold)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("session %s: the person's face record is unreadable (%s: %s)", session.log_id,
                    type(exc).__name__, exc)
        return None


def _write_identity(session: Session, analyzer, set_report) -> None:
    """Every accepted photo's embedding: likeness is judged against each of them and
    calibrated on their spread (ranking.PersonLikeness); the average stays for older versions."""
    embeddings = [r.face.embedding for r in set_report.photos if r.usable and r.face is not None]
    if not embeddings:
        return
    write_json_atomic(
        session.identity_file,
        {"analyzer": analyzer.name, "embedding": [float(v) for v in reference_embedding(embeddings)],
         "embeddings": [[float(v) for v in embedding] for embedding in embeddings]},
    )


def _person(session: Session, analyzer, plan: RunPlan, on_event: EventCallback,
            cancel: CancelToken) -> PersonLikeness | None:
    """The person to rank against. When the record is missing or unreadable (a damaged
    file, another face analyzer installed since), it is measured again from the photos
    (their analyses are cached); without photos (deleted after training) the gallery is
    ranked without likeness, which it then shows as not measured."""
    person = _load_identity(session, analyzer)
    photos = [path for path in session.photo_paths() if path.is_file()]
    if person is not None or not photos:
        if person is None:
            log.warning("session %s: no record of the person's face and no photos: ranking without likeness",
                        session.log_id)
        return person
    set_report = check_photos(photos, analyzer, default_cache(), on_event=on_event, cancel=cancel,
                              thresholds=thresholds_for(plan.resolution))
    _write_identity(session, analyzer, set_report)
    return _load_identity(session, analyzer)


def run_session(
    session: Session,
    request: RunRequest,
    on_event: EventCallback = ignore_events,
    cancel: CancelToken | None = None,
) -> RunResult:
    """Run (or continue) the whole job for ``session``. On cancel the session is marked
    "cancelled" and :class:`Cancelled` is raised; on an error it is marked "failed".
    A disk that fills up during the run ends it with :class:`DiskSpaceError`."""
    with session_lock(session):  # one run of a session at a time, in any process
        return _run_locked(session, request, on_event, cancel or CancelToken())


def _run_locked(session: Session, request: RunRequest, on_event: EventCallback, cancel: CancelToken) -> RunResult:
    started = time.perf_counter()
    batches = check_run(session, request)
    # What a killed run left half-written is never read; it goes before this run writes.
    remove_temp_files(session.path)
    check_disk_space(session, request, batches)
    stages = [s for s in PIPELINE_ORDER if not (request.reuse_face and s in (Stage.CHECK, Stage.PREPARE, Stage.TRAIN))]
    progress = _RunProgress(on_event, stages)
    try:
        session.manifest["settings"] = request.settings()
        session.save()
        result = _run(session, request, batches, progress, cancel)
        session.set_state("finished", last_error=None)
    except Cancelled:
        _record_end(session, "cancelled", last_error=None)
        raise
    except HeadshotError as exc:
        _record_end(session, "failed", last_error=exc.message)
        raise
    except Exception as exc:
        if not is_disk_full(exc):
            _record_end(session, "failed", last_error=f"{type(exc).__name__}: {exc}")
            raise
        # Any write of any stage: every one is atomic, so the session holds only whole
        # files and the next run goes on from them.
        error = DiskSpaceError(DISK_FULL_MESSAGE, details=f"session folder {session.path}: {type(exc).__name__}: {exc}")
        _record_end(session, "failed", last_error=error.message)
        raise error from exc
    return replace(result, seconds=time.perf_counter() - started)


def _record_end(session: Session, state: str, **details) -> None:
    """Record how the run ended. With the disk full even that can fail: the manifest then
    keeps its last state (whole and readable; the run can continue from it), and the
    error that ended the run is the one reported."""
    try:
        session.set_state(state, **details)
    except OSError as exc:
        if not is_disk_full(exc):
            raise
        log.warning("could not record the session's state %r: %s", state, exc)


def _run(session: Session, request: RunRequest, batches, on_event: EventCallback, cancel: CancelToken) -> RunResult:
    plan = request.plan
    log.info("run plan: %s (%s)", plan.describe(), "; ".join(plan.notes))
    on_event(Notice(Stage.VERIFY, f"Settings for this computer: {plan.describe()}"))
    load_model_libraries()
    # 1. The model files are intact (hashed once per state of the files).
    ensure_verified(request.model, on_event, cancel)
    # Face analysis runs in a helper process: dlib holds Python's lock for whole calls.
    analyzer = load_face_analyzer((root for root, _ in model_roots()), in_helper=True)
    try:
        return _run_stages(session, request, batches, analyzer, on_event, cancel)
    finally:
        close_analyzer(analyzer)


def _run_stages(session: Session, request: RunRequest, batches, analyzer, on_event: EventCallback,
                cancel: CancelToken) -> RunResult:
    plan = request.plan
    trained = False
    lora_path = _finished_lora(session, request.training)
    # Selfies deleted after training (the user's choice): the learned face is all we need.
    photos_gone = bool(session.manifest.get("photos_deleted")) and lora_path is not None
    if not request.reuse_face and not photos_gone:
        # 2. Check the photos; a set that is not ready stops here, before training time.
        # Face sizes are judged for the plan's training resolution (SDXL needs larger faces).
        set_report = check_photos(session.photo_paths(), analyzer, default_cache(), on_event=on_event,
                                  cancel=cancel, thresholds=thresholds_for(plan.resolution))
        write_json_atomic(
            session.reports_file,
            {"set": set_report.to_dict(), "photos": [report.to_dict() for report in set_report.photos]},
        )
        if not set_report.ready:
            rejected = [f"{r.file.name}: {r.message}" for r in set_report.photos if not r.usable]
            raise InputError(set_report.message, details="\n".join(rejected))
        _write_identity(session, analyzer, set_report)
        session.set_state("checked")

        # 3. Training set: face-aligned crops + captions of the usable photos.
        prepare_training_set(
            set_report.photos, session.training_dir, plan.resolution, caption=caption_for(), on_event=on_event, cancel=cancel
        )
        session.set_state("prepared")

        # 4. Learn the face (continuing from a checkpoint), unless it is already learned.
        #    Out of graphics memory: once more with a lighter plan, from the step reached.
        if lora_path is None:
            def train(plan: RunPlan):
                return train_lora(
                    request.model, plan, session.training_dir, session.lora_dir, request.training,
                    resume=True, on_event=on_event, cancel=cancel,
                )

            result, _ = _retry_out_of_memory(Stage.TRAIN, plan, train, on_event)
            lora_path, trained = result.lora_path, True
        session.set_state("trained")
        if session.manifest.get("delete_photos_after_training"):
            delete_copied_photos(session)

    # 5. Generate every style's images; images already on disk with the same settings stay.
    #    Out of graphics memory: the pipeline is loaded again with a lighter plan and
    #    goes on with the images not made yet.
    loaded: dict[RunPlan, Generator] = {}

    def generator_for(plan: RunPlan) -> Generator:
        if plan not in loaded:
            loaded.clear()  # one pipeline in graphics memory at a time
            free_gpu_memory()
            loaded[plan] = Generator(request.model, plan, lora_path)
        return loaded[plan]

    def generate(plan: RunPlan):
        return _generate(generator_for(plan), batches, session.raw_dir, on_event, cancel)

    raw, plan = _retry_out_of_memory(Stage.GENERATE, plan, generate, on_event)
    session.set_state("generated")

    # 6. Finish each image (skipping those finished earlier with the same options). The
    #    face detail pass runs the generation pipeline: the same one retry on out of memory.
    def finish(plan: RunPlan) -> None:
        _finish_all(raw, session, request.postprocess, generator_for(plan), analyzer, plan, on_event, cancel)

    _retry_out_of_memory(Stage.POSTPROCESS, plan, finish, on_event)
    loaded.clear()

    # 7. Rank every finished image of the session (earlier batches too) against the
    #    person's own photos, and write the gallery, best first.
    person = _person(session, analyzer, plan, on_event, cancel)
    finals, extras = [], []
    for final in sorted(session.final_dir.glob("*.png")):
        try:
            recorded = json.loads(final.with_suffix(".json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # half-written by a killed run: it is redone on the next run
        finals.append(final)
        extras.append({"style": recorded.get("style"), "seed": recorded.get("seed"), "raw": recorded.get("raw_file"),
                       "settings": final.with_suffix(".json").name})
    ranked = rank_images(
        finals, analyzer, person, extras,
        on_progress=lambda done, total: on_event(JobEvent(Stage.RANK, done, total, "Ranking")),
        cancel=cancel, mesh=_optional_model(shared_face_mesh()), brisque=_optional_model(Brisque()),
    )
    gallery = [item.to_entry() for item in ranked]
    write_json_atomic(session.gallery_file, {"analyzer": analyzer.name, "images": [e.to_dict() for e in gallery]})
    return RunResult(gallery=gallery, trained=trained, seconds=0.0)


OUT_OF_MEMORY_RETRY_MESSAGE = "Ran out of graphics memory; trying again with lighter settings…"


def _retry_out_of_memory(stage: Stage, plan: RunPlan, work: Callable[[RunPlan], T], on_event: EventCallback) -> tuple[T, RunPlan]:
    """``work(plan)``; when the graphics card runs out of memory, once more with the next
    lighter plan. Returns the result and the plan that made it. Nothing done before the
    error is lost: training goes on from its last checkpoint, generation and finishing
    from the first image not on disk."""
    try:
        return work(plan), plan
    except Exception as exc:
        if not is_out_of_memory(exc):
            raise
        first = _let_go(exc)
    lighter = smaller_plan(plan, stage)
    free_gpu_memory()
    if lighter is None:
        raise GpuOutOfMemoryError(GPU_OUT_OF_MEMORY_MESSAGE, details=first)
    log.warning("%s ran out of graphics memory; trying again with lighter settings (%s). New plan: %s",
                stage.value, lighter.notes[-1], lighter.describe())
    on_event(Notice(stage, OUT_OF_MEMORY_RETRY_MESSAGE))
    try:
        return work(lighter), lighter
    except Exception as exc:
        if not is_out_of_memory(exc):
            raise
        second = _let_go(exc)
    free_gpu_memory()
    raise GpuOutOfMemoryError(
        GPU_OUT_OF_MEMORY_MESSAGE, details=f"{first}\n--- again with {lighter.describe()} ---\n{second}"
    )


def _let_go(exc: BaseException) -> str:
    """The error's traceback as text (for the details); then its frames are cleared, so
    the models and tensors they still hold can be freed before the retry."""
    text = "".join(traceback.format_exception(exc))
    traceback.clear_frames(exc.__traceback__)
    return text


def _generate(generator: Generator, batches, raw_dir: Path, on_event: EventCallback, cancel: CancelToken) -> list:
    """Every style's images: [(style id, request, GeneratedImage)], in request order."""
    raw: list[tuple[str, GenerationRequest, object]] = []
    all_steps = sum(r.steps for _, requests in batches for r in requests)
    done_steps = 0
    for style_id, requests in batches:
        offset = done_steps

        def style_progress(event: JobEvent, offset: int = offset) -> None:
            # each style counts its own steps; the run shows one count across all styles
            on_event(replace(event, step=min(all_steps, offset + event.step), total=all_steps))

        images = generator.generate(requests, raw_dir, style_progress, cancel, name_prefix=f"{style_id}-")
        raw += [(style_id, r, image) for r, image in zip(requests, images)]
        done_steps += sum(r.steps for r in requests)
    return raw


def _finish_all(raw: list, session: Session, options: PostprocessOptions, generator: Generator, analyzer,
                plan: RunPlan, on_event: EventCallback, cancel: CancelToken) -> None:
    """Finish every raw image not finished yet. With Real-ESRGAN, its helper processes
    enlarge one image while this thread retouches the next (face detail, backdrop, skin,
    colour), up to one image in flight per helper; finals are written in order as their
    enlargement ends. The diffusion enlargement runs here, on the generator."""
    session.final_dir.mkdir(parents=True, exist_ok=True)
    finishes = {style_id: get_style(style_id).finish() for style_id in dict.fromkeys(s for s, _, _ in raw)}
    method = upscale_method(options, plan.device.startswith("cuda"), plan.cpu_offload)
    upscaler = Upscaler(use_gpu=plan.device.startswith("cuda")) if method == "real-esrgan" else None
    segmenter = None
    if any(finish.backdrop for finish in finishes.values()):
        from headshot_studio.core.segmentation import PersonSegmenter  # its runtime loads only when needed

        segmenter = PersonSegmenter()
    steps = _FinishSteps(generator, analyzer, upscaler, method, options, plan, cancel, segmenter)
    in_flight: deque = deque()
    try:
        for index, (style_id, generation_request, image) in enumerate(raw, start=1):
            cancel.raise_if_cancelled()
            final = session.final_dir / image.path.name
            if _already_finished(final, image.settings, asdict(options), _finish_record(finishes[style_id])):
                continue
            in_flight.append((index, steps.start(image, final, style_id, generation_request, finishes[style_id])))
            while len(in_flight) > (upscaler.workers if upscaler else 0):
                _complete_finish(*in_flight.popleft(), len(raw), on_event, cancel)
        while in_flight:
            _complete_finish(*in_flight.popleft(), len(raw), on_event, cancel)
    except BaseException:
        if upscaler is not None:
            upscaler.close(kill=True)  # a cancel or an error: do not wait for enlargements nobody keeps
        raise
    if upscaler is not None:
        upscaler.close()


def _finish_record(finish: StyleFinish) -> dict:
    """What a style asked of the finishing, as recorded with each image (a changed style
    finishes its images again)."""
    backdrop = finish.backdrop
    return {"colour_kelvin": finish.colour_kelvin,
            # the picture by its name only: a path would carry the user's folders into every PNG
            "backdrop": None if backdrop is None else {k: v.name if isinstance(v, Path) else v
                                                        for k, v in asdict(backdrop).items()}}


def _already_finished(final: Path, raw_settings: dict, options: dict, finish: dict) -> bool:
    """Whether ``final`` was finished from this raw image with these options, and is whole."""
    try:
        recorded = json.loads(final.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return final.is_file() and recorded.get("raw_seed") == raw_settings["seed"] and recorded.get("options") == options and \
        recorded.get("finish") == finish and recorded.get("raw_created_at") == raw_settings.get("created_at") and \
        png_intact(final)


@dataclass
class _Finishing:
    """An image retouched and being enlarged (or enlarged already), waiting to be written."""

    final: Path
    image: object  # the retouched image
    upscale: UpscaleJob | None  # Real-ESRGAN at work in a helper
    enlarged: object | None  # the diffusion pass's (or a plain resize's) result
    settings: dict
    face_box: list | None
    detail: float


@dataclass
class _FinishSteps:
    """The tools of the finishing stage, and the one image's steps up to its enlargement."""

    generator: Generator
    analyzer: object
    upscaler: Upscaler | None
    method: str  # postprocess.upscale_method's answer
    options: PostprocessOptions
    plan: RunPlan
    cancel: CancelToken
    segmenter: object | None = None

    def start(self, image, final: Path, style_id: str, generation_request, finish: StyleFinish) -> _Finishing:
        from PIL import Image

        options, cancel = self.options, self.cancel
        with Image.open(image.path, formats=("PNG",)) as opened:
            raw_image = opened.convert("RGB")
        faces = self.analyzer.detect(np.asarray(raw_image))
        # The face pass draws the face only: its own prompt, the image's seed.
        detail_request = replace(generation_request, prompt=face_detail_prompt(identity_phrase()), seed=image.seed)
        retouched, done = retouch(
            raw_image, faces, options, finish,
            refine=lambda crop: self.generator.refine(crop, detail_request, options.face_strength, cancel),
            resolution=self.plan.resolution,
            person_alpha=(lambda picture: self.segmenter.alpha(np.asarray(picture))) if self.segmenter else None,
        )
        job, enlarged, detail = None, None, options.level.detail
        if self.method == "real-esrgan":
            job = self.upscaler.start(retouched, options.upscale)
        elif self.method == "diffusion":
            strength = tile_strength(detail)
            enlarged = tiled_detail(
                retouched, options.upscale,
                lambda square, i: self.generator.refine(square, replace(generation_request, seed=image.seed + i),
                                                        strength, cancel),
                tile=self.plan.resolution, cancel=cancel)
            done["upscale"] = {"factor": options.upscale, "method": "diffusion", "first_step": "lanczos",
                               "tile": self.plan.resolution, "strength": round(strength, 3), "tile_seeds": "seed + tile"}
        elif self.method == "lanczos":
            enlarged = retouched.resize((retouched.width * options.upscale, retouched.height * options.upscale),
                                        Image.Resampling.LANCZOS)
            done["upscale"] = {"factor": options.upscale, "method": "lanczos"}
        settings = image.settings | {
            "style": style_id,
            "raw_file": image.path.name,
            "raw_seed": image.settings["seed"],
            "raw_created_at": image.settings.get("created_at"),
            "options": asdict(options),
            "finish": _finish_record(finish),
            "postprocess": done,
        }
        return _Finishing(final, retouched, job, enlarged, settings, list(faces[0].box) if faces else None, detail)


def _complete_finish(index: int, item: _Finishing, total: int, on_event: EventCallback, cancel: CancelToken) -> None:
    """Wait for the image's enlargement (if any), then write the finished PNG, with its
    settings in it as generated images carry them, and its sidecar."""
    finished = item.enlarged or item.image
    settings = item.settings
    if item.upscale is not None:
        finished = item.upscale.result(cancel)
        method = item.upscale.method
        if method == "real-esrgan-x4plus":
            finished = blend_detail(item.image, finished, item.detail)
        settings["postprocess"]["upscale"] = {"factor": item.upscale.factor, "method": method,
                                              **({"detail": item.detail} if method == "real-esrgan-x4plus" else {})}
    scale = finished.width / item.image.width
    # where the face is in the finished image (profile crops)
    settings["face_box"] = [round(v * scale, 1) for v in item.face_box] if item.face_box else None
    save_png(finished, item.final, settings)
    write_json_atomic(item.final.with_suffix(".json"), settings)
    on_event(JobEvent(Stage.POSTPROCESS, index, total, f"Finished {item.final.name}", preview=_preview(item.final)))


def _preview(path: Path):
    from PIL import Image

    with Image.open(path, formats=("PNG",)) as image:
        return preview_of(image)
