"""Learning a face: DreamBooth-style LoRA training with peft, one readable file.

The recipe is the one of diffusers' ``train_dreambooth_lora.py`` (frozen base model,
low-rank adapters on the UNet attention projections, optionally the text encoder(s),
noise-prediction MSE loss), reshaped for a desktop app:

* settings come from a RunPlan chosen from the free VRAM (precision, batch, savers);
* every step emits a JobEvent (step, total, loss, ETA) and checks the CancelToken;
* progress is checkpointed every N steps, on cancel and when the GPU runs out of memory,
  and a run resumes from the latest checkpoint (a process killed outright loses at most
  N steps); the random draws of step k depend only on (seed, k), so a resumed run
  follows the same path as one that was never interrupted;
* the result is one ``lora.safetensors`` in diffusers' LoRA format (loadable with
  ``load_lora_weights``) with the training settings in its metadata and in
  ``training.json`` beside it.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from headshot_studio import __version__
from headshot_studio.core.limits import MAX_TRAIN_STEPS, TRAINING_IMAGE_SUFFIXES, default_train_steps
from headshot_studio.core.events import (
    CancelToken,
    Cancelled,
    EtaClock,
    EventCallback,
    InputError,
    JobEvent,
    Stage,
    ignore_events,
)
from headshot_studio.core.dataset import center_square
from headshot_studio.core.files import fsync_dir, fsync_file, sha256_file, write_json_atomic
from headshot_studio.core.generation import load_base_pipeline
from headshot_studio.core.hardware import RunPlan, is_out_of_memory
from headshot_studio.core.models import SDXL, ModelInfo, _component_weights, read_safetensors_header

log = logging.getLogger(__name__)

UNET_TARGETS = ["to_k", "to_q", "to_v", "to_out.0"]  # attention projections
TEXT_ENCODER_TARGETS = ["q_proj", "k_proj", "v_proj", "out_proj"]
LORA_FILE = "lora.safetensors"
SETTINGS_FILE = "training.json"
CHECKPOINTS_DIR = "checkpoints"


def lora_parameter_count(model: ModelInfo, rank: int, train_text_encoder: bool = False) -> int:
    """How many numbers the LoRA holds: ``rank x (inputs + outputs)`` for every adapted
    layer, read from the shapes in the model's safetensors headers (no weights loaded).
    The disk-space estimate of a run is built on it."""
    components = {"unet": UNET_TARGETS}
    if train_text_encoder:
        components |= {"text_encoder": TEXT_ENCODER_TARGETS, "text_encoder_2": TEXT_ENCODER_TARGETS}
    count = 0
    for component, targets in components.items():
        suffixes = tuple(f".{target}.weight" for target in targets)
        folder = model.path / component
        for weights in _component_weights(folder) if folder.is_dir() else []:
            for key, entry in read_safetensors_header(weights, model_name=model.name).items():
                if key.endswith(suffixes) and len(entry["shape"]) >= 2:
                    outputs, inputs = entry["shape"][:2]
                    count += rank * (inputs + outputs)
    return count


@dataclass(frozen=True)
class TrainingConfig:
    steps: int = 0  # images shown (batch-1 steps; a batch of b takes b); 0: default_train_steps(photos)
    max_steps: int = MAX_TRAIN_STEPS  # cap on the default (the quality preset's); given steps are not capped
    rank: int = 16  # LoRA rank (4-32 is the usual range for a face)
    learning_rate: float = 1e-4
    text_encoder_learning_rate: float = 5e-5
    train_text_encoder: bool = False
    seed: int = 0
    checkpoint_every: int = 50  # steps (images shown); at most this many are lost if the process dies
    keep_checkpoints: int = 2
    max_grad_norm: float = 1.0

    def resolved(self, n_images: int) -> TrainingConfig:
        from dataclasses import replace

        return self if self.steps else replace(self, steps=min(self.max_steps, default_train_steps(n_images)))


@dataclass(frozen=True)
class TrainingResult:
    lora_path: Path
    steps: int
    final_loss: float
    resumed_from_step: int
    seconds: float


# --- 1. check inputs before touching the GPU -------------------------------------------


def find_training_images(dataset_dir: Path) -> list[tuple[Path, str]]:
    """(image, caption) pairs: every image needs a same-named .txt caption."""
    if not dataset_dir.is_dir():
        raise InputError(f"The training folder “{dataset_dir}” does not exist.")
    images = sorted(p for p in dataset_dir.iterdir() if p.suffix.lower() in TRAINING_IMAGE_SUFFIXES)
    if not images:
        raise InputError(f"The training folder “{dataset_dir.name}” has no images.")
    pairs = []
    for image in images:
        caption_file = image.with_suffix(".txt")
        if not caption_file.is_file():
            raise InputError(
                f"The training image “{image.name}” has no caption file ({caption_file.name}). "
                "Prepare the training set again."
            )
        caption = caption_file.read_text(encoding="utf-8").strip()
        if not caption:
            raise InputError(f"The caption of “{image.name}” is empty. Prepare the training set again.")
        pairs.append((image, caption))
    return pairs


def check_config(config: TrainingConfig) -> None:
    if not 1 <= config.steps <= 10_000:
        raise InputError(f"Training steps must be between 1 and 10000 (got {config.steps}).")
    if not 1 <= config.rank <= 128:
        raise InputError(f"The LoRA rank must be between 1 and 128 (got {config.rank}).")
    for label, lr in (("learning rate", config.learning_rate), ("text encoder learning rate", config.text_encoder_learning_rate)):
        if not 0 < lr <= 1e-2:
            raise InputError(f"The {label} must be above 0 and at most 0.01 (got {lr}).")
    if config.checkpoint_every < 1 or config.keep_checkpoints < 1:
        raise InputError("Checkpoint interval and number of kept checkpoints must be at least 1.")


def _fingerprint(model: ModelInfo, pairs: list[tuple[Path, str]], config: TrainingConfig) -> dict:
    """What a checkpoint must share with the current run for resuming to make sense."""
    return {
        "model_id": model.id,
        "images": [[p.name, p.stat().st_size, caption] for p, caption in pairs],
        "rank": config.rank,
        "train_text_encoder": config.train_text_encoder,
        "seed": config.seed,
    }


# --- checkpoints ------------------------------------------------------------------------


def saved_checkpoints(output_dir: Path) -> list[Path]:
    """The complete checkpoints under ``output_dir``, oldest first (a staging folder a
    kill left behind has no state.json yet and is not one)."""
    root = output_dir / CHECKPOINTS_DIR
    return sorted(p for p in root.glob("step-*") if (p / "state.json").is_file()) if root.is_dir() else []


def _save_checkpoint(output_dir, step, trainable, optimizer, fingerprint, keep) -> None:
    """Write LoRA weights, optimizer state and step into checkpoints/step-N atomically:
    everything goes into a staging folder, is flushed to disk, and the folder is renamed
    into place (a killed process leaves only the staging folder, which is ignored)."""
    from safetensors.torch import save_file

    root = output_dir / CHECKPOINTS_DIR
    final = root / f"step-{step:06d}"
    if final.exists():
        return
    staging = root / f".step-{step:06d}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    save_file({name: p.detach().float().cpu().contiguous() for name, p in trainable.items()}, staging / "lora.safetensors")
    opt_state = optimizer.state_dict()
    tensors, values = split_optimizer_state(opt_state["state"])
    save_file(tensors, staging / "optimizer.safetensors")
    write_json_atomic(
        staging / "state.json",
        {"step": step, "fingerprint": fingerprint, "param_groups": opt_state["param_groups"],
         "optimizer_values": values},
    )
    for name in ("lora.safetensors", "optimizer.safetensors"):
        fsync_file(staging / name)
    fsync_dir(staging)
    staging.rename(final)
    fsync_dir(root)
    log.info("training checkpoint saved at step %d", step)
    for old in sorted(p for p in root.glob("step-*") if p.is_dir())[:-keep]:
        shutil.rmtree(old, ignore_errors=True)


def split_optimizer_state(state: dict) -> tuple[dict, dict]:
    """An optimizer's per-parameter state as (tensors for safetensors, other values for
    JSON), keyed "<parameter index>.<name>". PyTorch's AdamW keeps only tensors, but
    bitsandbytes' 8-bit AdamW keeps ``step`` as a Python int, and other optimizers keep
    floats or flags: every kind is saved, nothing is pickled."""
    tensors, values = {}, {}
    for index, entries in state.items():
        for name, value in entries.items():
            key = f"{index}.{name}"
            if hasattr(value, "detach"):
                tensors[key] = value.detach().cpu().contiguous()
            elif isinstance(value, bool) or value is None or isinstance(value, str):
                values[key] = {"kind": "plain", "value": value}
            elif isinstance(value, int):
                values[key] = {"kind": "int", "value": value}
            elif isinstance(value, float):
                values[key] = {"kind": "float", "value": repr(value)}  # repr keeps nan and inf
            else:
                raise TypeError(f"optimizer state {key} is a {type(value).__name__}, which cannot be saved")
    return tensors, values


def join_optimizer_state(tensors: dict, values: dict) -> dict:
    """The inverse of :func:`split_optimizer_state`: {parameter index: {name: value}}."""
    state: dict[int, dict] = {}
    for key, value in tensors.items():
        index, name = key.split(".", 1)
        state.setdefault(int(index), {})[name] = value
    for key, entry in values.items():
        index, name = key.split(".", 1)
        kind, value = entry["kind"], entry["value"]
        state.setdefault(int(index), {})[name] = (int(value) if kind == "int" else float(value) if kind == "float"
                                                  else value)
    return state


def _load_latest_checkpoint(output_dir: Path, trainable, optimizer, fingerprint) -> int:
    """Load the newest checkpoint into the adapters and optimizer; return its step (0
    when there is none). A damaged one (a power cut while it was written) is passed
    over for the one before it; one from other photos or settings is refused."""
    import torch
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    for checkpoint in reversed(saved_checkpoints(output_dir)):
        # Read and check everything before changing anything.
        try:
            state = json.loads((checkpoint / "state.json").read_text(encoding="utf-8"))
            if state.get("fingerprint") != fingerprint:
                raise InputError(
                    "The saved training progress belongs to different photos or settings, so it cannot be "
                    "continued. Start the training again without resuming.",
                    details=f"checkpoint {checkpoint}",
                )
            weights = load_file(checkpoint / "lora.safetensors")
            tensors = load_file(checkpoint / "optimizer.safetensors")
            step, param_groups = int(state["step"]), state["param_groups"]
            per_parameter = join_optimizer_state(tensors, state.get("optimizer_values", {}))
            wrong = [name for name, param in trainable.items() if weights[name].shape != param.shape]
            if wrong:
                raise ValueError(f"{len(wrong)} adapter tensors have other shapes, e.g. {wrong[0]}")
        except (OSError, ValueError, KeyError, TypeError, SafetensorError) as exc:
            log.warning("training checkpoint %s is damaged (%s: %s); trying an earlier one",
                        checkpoint.name, type(exc).__name__, exc)
            continue
        with torch.no_grad():
            for name, param in trainable.items():
                param.copy_(weights[name].to(param.device, param.dtype))
        optimizer.load_state_dict({"state": per_parameter, "param_groups": param_groups})
        log.info("training resumed from the checkpoint at step %d", step)
        return step
    return 0


# --- the trainer --------------------------------------------------------------------------


def train_lora(
    model: ModelInfo,
    plan: RunPlan,
    dataset_dir: Path,
    output_dir: Path,
    config: TrainingConfig = TrainingConfig(),
    *,
    resume: bool = True,
    on_event: EventCallback = ignore_events,
    cancel: CancelToken | None = None,
) -> TrainingResult:
    """Train a face LoRA on ``dataset_dir`` (images + .txt captions) into ``output_dir``.

    Raises :class:`Cancelled` after saving a checkpoint when ``cancel`` is set; the
    next call with ``resume=True`` continues from it.
    """
    import torch
    import torch.nn.functional as F
    from diffusers import DDPMScheduler
    from diffusers.training_utils import cast_training_params
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict

    cancel = cancel or CancelToken()
    started = time.perf_counter()

    # 1. Check inputs: the dataset, the settings, and the checkpoint to resume from.
    pairs = find_training_images(dataset_dir)
    config = config.resolved(len(pairs))
    check_config(config)
    output_dir.mkdir(parents=True, exist_ok=True)
    fingerprint = _fingerprint(model, pairs, config)
    if not resume:
        shutil.rmtree(output_dir / CHECKPOINTS_DIR, ignore_errors=True)

    # 2. Load the base model through the same loader generation uses.
    on_event(JobEvent(Stage.LOAD, 0, 1, f"Loading {model.name}"))
    pipe = load_base_pipeline(model, plan)
    device, weight_dtype = torch.device(plan.device), plan.torch_dtype
    unet, vae = pipe.unet, pipe.vae
    text_encoders = [te for te in (pipe.text_encoder, getattr(pipe, "text_encoder_2", None)) if te is not None]
    is_sdxl = model.architecture == SDXL
    # The training noise schedule is the model's own (betas, prediction type).
    noise_scheduler = DDPMScheduler.from_config(pipe.scheduler.config)
    on_event(JobEvent(Stage.LOAD, 1, 1, f"Loaded {model.name}"))
    cancel.raise_if_cancelled()

    # 3. Freeze the base model; add LoRA adapters. Only the adapters learn, in fp32
    #    (half-precision optimizer updates underflow), while the base stays in plan dtype.
    #    The adapters' random start is seeded too, so a run is repeatable end to end.
    for module in [unet, vae, *text_encoders]:
        module.requires_grad_(False)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(config.seed)
        unet.add_adapter(
            LoraConfig(r=config.rank, lora_alpha=config.rank, init_lora_weights="gaussian", target_modules=UNET_TARGETS)
        )
        if config.train_text_encoder:
            for te in text_encoders:
                te.add_adapter(
                    LoraConfig(
                        r=config.rank,
                        lora_alpha=config.rank,
                        init_lora_weights="gaussian",
                        target_modules=TEXT_ENCODER_TARGETS,
                    )
                )
    trained_modules = {"unet": unet}
    if config.train_text_encoder:
        trained_modules["text_encoder"] = text_encoders[0]
        if is_sdxl:
            trained_modules["text_encoder_2"] = text_encoders[1]
    for te in text_encoders:
        te.to(device)
    if weight_dtype != torch.float32:
        cast_training_params(list(trained_modules.values()), dtype=torch.float32)
    if plan.gradient_checkpointing:
        unet.enable_gradient_checkpointing()
        if config.train_text_encoder:
            for te in text_encoders:
                te.gradient_checkpointing_enable()
    trainable = {
        f"{prefix}.{name}": p
        for prefix, module in trained_modules.items()
        for name, p in module.named_parameters()
        if p.requires_grad
    }

    # 4. Load and encode the training images. With caching, every image is encoded by the
    #    VAE once; its latent distribution (mean, std) is kept and sampled each step, and
    #    the VAE leaves the GPU. The SDXL VAE overflows in fp16, so it encodes in fp32.
    from PIL import Image

    resolution = plan.resolution

    def image_tensor(path: Path) -> torch.Tensor:
        with Image.open(path, formats=("PNG",)) as im:  # the crops the app wrote
            im = im.convert("RGB")
            if im.size != (resolution, resolution):
                im = center_square(im).resize((resolution, resolution), Image.Resampling.LANCZOS)
            data = torch.frombuffer(bytearray(im.tobytes()), dtype=torch.uint8)
        return data.view(resolution, resolution, 3).permute(2, 0, 1).float() / 127.5 - 1.0

    vae_dtype = torch.float32 if getattr(vae.config, "force_upcast", False) else weight_dtype
    vae.to(device)
    if vae.dtype != vae_dtype:
        vae.to(dtype=vae_dtype)

    def encode_images(indices: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
        pixels = torch.stack([image_tensor(pairs[i][0]) for i in indices]).to(device, vae_dtype)
        with torch.no_grad():
            dist = vae.encode(pixels).latent_dist
        return dist.mean.float(), dist.std.float()

    latent_cache = None
    if plan.cache_latents:
        means, stds = zip(*(encode_images([i]) for i in range(len(pairs))))
        latent_cache = (torch.cat(means), torch.cat(stds))
        vae.to("cpu")
    cancel.raise_if_cancelled()

    # 5. Encode the captions with the pipeline's own prompt encoder (the exact text
    #    conditioning generation will use). Cached unless the text encoder is trained.
    def encode_captions(captions: list[str]) -> tuple[torch.Tensor, torch.Tensor | None]:
        if is_sdxl:
            embeds, _, pooled, _ = pipe.encode_prompt(
                captions, device=device, num_images_per_prompt=1, do_classifier_free_guidance=False
            )
            return embeds, pooled
        embeds, _ = pipe.encode_prompt(captions, device, 1, False)
        return embeds, None

    text_cache = None
    if plan.cache_text_embeddings and not config.train_text_encoder:
        with torch.no_grad():
            text_cache = encode_captions([caption for _, caption in pairs])
        for te in text_encoders:
            te.to("cpu")
    # The UNet comes to the GPU only now: while the latents and embeddings were cached,
    # the VAE and text encoder(s) had the graphics memory to themselves.
    unet.to(device)
    if device.type == "cuda":
        torch.cuda.empty_cache()
    # SDXL micro-conditioning: original size, crop origin, target size (all square crops).
    add_time_ids = torch.tensor([[resolution, resolution, 0, 0, resolution, resolution]], dtype=weight_dtype, device=device)

    # 6. Optimizer over the adapters only; text encoders get their own (lower) rate.
    groups = [{"params": [p for n, p in trainable.items() if n.startswith("unet.")], "lr": config.learning_rate}]
    te_params = [p for n, p in trainable.items() if not n.startswith("unet.")]
    if te_params:
        groups.append({"params": te_params, "lr": config.text_encoder_learning_rate})
    optimizer = _optimizer(plan, groups, device)
    scaler = torch.amp.GradScaler("cuda") if plan.precision == "fp16" and device.type == "cuda" else None

    # 7. Resume from the latest checkpoint, if any.
    start_step = min(_load_latest_checkpoint(output_dir, trainable, optimizer, fingerprint), config.steps)

    # 8. The loop. Training is counted in images shown (``config.steps`` is the number
    #    of batch-1 steps), so every card shows each photo equally often: a batch of b
    #    takes the next b draws of one fixed, seeded order of photos, and a run resumed
    #    with a smaller batch (after running out of memory) shows the rest of that order.
    #    The step that starts at draw k takes its timesteps and noise from a generator
    #    seeded with (seed, k) alone, so resuming reproduces the uninterrupted run.
    unet.train()
    n_images = len(pairs)
    eta = EtaClock(config.steps)
    loss_value = float("nan")
    autocast = torch.autocast(device.type, dtype=weight_dtype, enabled=weight_dtype != torch.float32)
    step = start_step
    while step < config.steps:
        if cancel.cancelled:
            if step > start_step:
                _save_checkpoint(output_dir, step, trainable, optimizer, fingerprint, config.keep_checkpoints)
            raise Cancelled()
        batch_size = min(plan.train_batch_size, config.steps - step)
        rng = torch.Generator().manual_seed(config.seed * 1_000_003 + step)
        indices = [_sample_index(config.seed, step + k, n_images) for k in range(batch_size)]
        optimizer.zero_grad(set_to_none=True)
        try:
            if latent_cache is not None:
                mean, std = latent_cache[0][indices], latent_cache[1][indices]
            else:
                mean, std = encode_images(indices)
            sample = torch.randn(mean.shape, generator=rng).to(device)
            latents = ((mean + std * sample) * vae.config.scaling_factor).to(weight_dtype)
            noise = torch.randn(latents.shape, generator=rng).to(device, weight_dtype)
            timesteps = torch.randint(0, noise_scheduler.config.num_train_timesteps, (batch_size,), generator=rng).to(device)
            noisy = noise_scheduler.add_noise(latents, noise, timesteps)

            with autocast:
                if text_cache is not None:
                    embeds = text_cache[0][indices]
                    pooled = text_cache[1][indices] if text_cache[1] is not None else None
                else:
                    embeds, pooled = encode_captions([pairs[i][1] for i in indices])
                extra = {}
                if is_sdxl:
                    extra["added_cond_kwargs"] = {"text_embeds": pooled, "time_ids": add_time_ids.repeat(batch_size, 1)}
                prediction = unet(noisy, timesteps, embeds, **extra).sample

            if noise_scheduler.config.prediction_type == "v_prediction":
                target = noise_scheduler.get_velocity(latents, noise, timesteps)
            else:
                target = noise
            loss = F.mse_loss(prediction.float(), target.float(), reduction="mean")
            (scaler.scale(loss) if scaler is not None else loss).backward()
        except Exception as exc:
            # Out of graphics memory before this step changed any weight: keep the steps
            # done so far, so the retry with a lighter plan (pipeline) goes on from here.
            if is_out_of_memory(exc) and step > start_step:
                prediction = loss = noisy = latents = None  # room to copy the adapters out
                _save_checkpoint(output_dir, step, trainable, optimizer, fingerprint, config.keep_checkpoints)
            raise

        params = list(trainable.values())
        if scaler is not None:
            scaler.unscale_(optimizer)
            torch.nn.utils.clip_grad_norm_(params, config.max_grad_norm)
            scaler.step(optimizer)
            scaler.update()
        else:
            torch.nn.utils.clip_grad_norm_(params, config.max_grad_norm)
            optimizer.step()

        done = step + batch_size
        loss_value = float(loss.detach())
        on_event(
            JobEvent(
                Stage.TRAIN, done, config.steps, f"Learning the face: step {done} of {config.steps}",
                loss=loss_value, eta_s=eta.tick(done),
            )
        )
        if done // config.checkpoint_every > step // config.checkpoint_every and done < config.steps:
            _save_checkpoint(output_dir, done, trainable, optimizer, fingerprint, config.keep_checkpoints)
        step = done

    # 9. Save the LoRA in diffusers' format, then add our settings to its metadata.
    lora_layers = {
        f"{name}_lora_layers": get_peft_model_state_dict(module) for name, module in trained_modules.items()
    }
    staging = output_dir / ".lora-staging"
    shutil.rmtree(staging, ignore_errors=True)
    type(pipe).save_lora_weights(staging, weight_name=LORA_FILE, safe_serialization=True, **lora_layers)
    settings = {
        "config": asdict(config),
        "plan": asdict(plan),
        "model_id": model.id,
        "architecture": model.architecture,
        "images": [p.name for p, _ in pairs],
        "steps_done": config.steps,
        "resumed_from_step": start_step,
        "final_loss": loss_value,
        "app_version": __version__,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    lora_path = output_dir / LORA_FILE
    _write_with_metadata(staging / LORA_FILE, lora_path, {"headshot_studio": json.dumps(settings)})
    shutil.rmtree(staging, ignore_errors=True)
    write_json_atomic(output_dir / SETTINGS_FILE, settings | {"lora_sha256": sha256_file(lora_path)})
    shutil.rmtree(output_dir / CHECKPOINTS_DIR, ignore_errors=True)

    # Let go of the models before returning so the GPU memory is free for generation.
    pipe = unet = vae = optimizer = latent_cache = text_cache = None
    text_encoders, trainable, trained_modules = [], {}, {}
    if device.type == "cuda":
        torch.cuda.empty_cache()
    return TrainingResult(
        lora_path=lora_path,
        steps=config.steps,
        final_loss=loss_value,
        resumed_from_step=start_step,
        seconds=time.perf_counter() - started,
    )


def _optimizer(plan: RunPlan, groups: list[dict], device):
    """AdamW over the adapters: bitsandbytes' 8-bit AdamW when the plan asks for it (a
    quarter of the optimizer memory), else PyTorch's, fused into one kernel on a GPU."""
    import torch

    settings = {"betas": (0.9, 0.999), "weight_decay": 1e-2, "eps": 1e-8}
    if plan.optimizer == "adamw8bit" and device.type == "cuda":
        try:
            import bitsandbytes

            return bitsandbytes.optim.AdamW8bit(groups, **settings)
        except Exception as exc:  # not installed, or no binary for this CUDA: full precision
            log.warning("8-bit AdamW unavailable (%s: %s); using AdamW", type(exc).__name__, exc)
    return torch.optim.AdamW(groups, **settings, fused=device.type == "cuda")


def _sample_index(seed: int, position: int, n_images: int) -> int:
    """Image for the ``position``-th draw: a fresh shuffle each epoch, fixed by seed."""
    import torch

    epoch, offset = divmod(position, n_images)
    order = torch.randperm(n_images, generator=torch.Generator().manual_seed(seed * 7919 + epoch))
    return int(order[offset])


def _write_with_metadata(source: Path, target: Path, extra: dict[str, str]) -> None:
    """Copy a safetensors file, adding string metadata next to what it already has."""
    from safetensors import safe_open
    from safetensors.torch import save_file

    with safe_open(str(source), framework="pt") as fh:
        metadata = dict(fh.metadata() or {})
        tensors = {key: fh.get_tensor(key) for key in fh.keys()}
    tmp = target.with_name(f".{target.name}.tmp")
    save_file(tensors, str(tmp), metadata=metadata | extra)
    fsync_file(tmp)  # on disk before the rename makes it the learned face
    tmp.replace(target)
    fsync_dir(target.parent)
