"""Loading a base model (+ the learned face LoRA) and generating seeded images.

Every image is reproducible: it gets its own seed, its noise comes from a CPU random
generator seeded with it (so the starting noise is the same on any device), and the
prompt, negative prompt, seed, model and every setting are written into the PNG's
metadata and into a sidecar JSON next to it. Same seed and settings -> same pixels.

``load_base_pipeline`` is the one way the app loads a model: training takes its
components from the same call, so tiny test models and real ones share all code.
"""

from __future__ import annotations

import inspect
import json
import math
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from headshot_studio import __version__
from headshot_studio.core.events import (
    CancelToken,
    Cancelled,
    EtaClock,
    EventCallback,
    InputError,
    JobEvent,
    ModelDamagedError,
    Stage,
    ignore_events,
)
from headshot_studio.core.files import sha256_file, write_json_atomic
from headshot_studio.core.hardware import RunPlan
from headshot_studio.core.images import save_png
from headshot_studio.core.limits import DEFAULT_GUIDANCE, DEFAULT_SAMPLER, DEFAULT_STEPS, GUIDANCE_RANGE, STEPS_RANGE
from headshot_studio.logs import quiet_model_libraries
from headshot_studio.core.models import PIPELINE_CLASSES, SD15, ModelInfo, check_model_folder

# Scheduler choices offered to users: key -> (diffusers class, extra config).
SCHEDULERS: dict[str, tuple[str, dict]] = {
    "dpmpp_2m": ("DPMSolverMultistepScheduler", {}),
    "dpmpp_2m_karras": ("DPMSolverMultistepScheduler", {"use_karras_sigmas": True}),
    "euler": ("EulerDiscreteScheduler", {}),
    "euler_a": ("EulerAncestralDiscreteScheduler", {}),
    "ddim": ("DDIMScheduler", {}),
    "unipc": ("UniPCMultistepScheduler", {}),
}
# Models trained with zero terminal SNR need their classifier-free guidance rescaled or
# images come out over-exposed (Lin et al. 2023, section 3.4, recommends 0.7).
ZERO_SNR_GUIDANCE_RESCALE = 0.7
DEFAULT_NEGATIVE = "blurry, lowres, deformed, disfigured, extra fingers, watermark, text, cartoon"
MAX_SEED = 2**32 - 1
PREVIEW_PX = 160


@dataclass(frozen=True)
class GenerationRequest:
    """One image to make. ``width``/``height`` of 0 mean the plan's resolution."""

    prompt: str
    seed: int
    negative_prompt: str = DEFAULT_NEGATIVE
    steps: int = DEFAULT_STEPS
    guidance_scale: float = DEFAULT_GUIDANCE
    width: int = 0
    height: int = 0
    scheduler: str = DEFAULT_SAMPLER
    lora_scale: float = 1.0


@dataclass(frozen=True)
class GeneratedImage:
    path: Path
    sidecar: Path
    seed: int
    settings: dict


def check_request(request: GenerationRequest) -> None:
    """Refuse bad settings before anything is loaded, quoting the bad value."""
    if not request.prompt.strip():
        raise InputError("The prompt is empty. Describe the headshot you want.")
    if not STEPS_RANGE[0] <= request.steps <= STEPS_RANGE[1]:
        raise InputError(f"Steps must be between {STEPS_RANGE[0]} and {STEPS_RANGE[1]} (got {request.steps}).")
    if not GUIDANCE_RANGE[0] <= request.guidance_scale <= GUIDANCE_RANGE[1]:
        raise InputError(f"Guidance must be between {GUIDANCE_RANGE[0]:g} and {GUIDANCE_RANGE[1]:g} "
                         f"(got {request.guidance_scale}).")
    if not 0 <= request.seed <= MAX_SEED:
        raise InputError(f"The seed must be between 0 and {MAX_SEED} (got {request.seed}).")
    for label, value in (("width", request.width), ("height", request.height)):
        if value and (value % 8 or not 64 <= value <= 2048):
            raise InputError(f"The image {label} must be a multiple of 8 from 64 to 2048 (got {value}).")
    if request.scheduler not in SCHEDULERS:
        raise InputError(
            f"Unknown sampler “{request.scheduler}”. Choose one of: {', '.join(SCHEDULERS)}."
        )
    if not 0.0 <= request.lora_scale <= 2.0:
        raise InputError(f"Face strength must be between 0 and 2 (got {request.lora_scale}).")


def _weights_variant(folder: Path) -> str | None:
    """'fp16' when the unet ships only fp16-variant files (e.g. *.fp16.safetensors)."""
    names = [p.name for p in (folder / "unet").glob("*.safetensors")]
    if names and all(".fp16." in n for n in names):
        return "fp16"
    return None


def load_base_pipeline(model: ModelInfo, plan: RunPlan):
    """Load the model's diffusers pipeline (safetensors only, offline) for ``plan``."""
    import diffusers

    quiet_model_libraries()
    check_model_folder(model.path, model.name)
    pipeline_class = getattr(diffusers, PIPELINE_CLASSES[model.architecture])
    kwargs = {
        "dtype": plan.torch_dtype,
        "use_safetensors": True,  # never unpickle
        "local_files_only": True,  # never reach a hub
        "variant": _weights_variant(model.path),
    }
    if model.architecture == SD15:
        kwargs |= {"safety_checker": None, "feature_extractor": None, "requires_safety_checker": False}
    try:
        pipe = pipeline_class.from_pretrained(model.path, **kwargs)
    except (OSError, ValueError, RuntimeError, KeyError) as exc:
        raise ModelDamagedError(
            f"The model “{model.name}” could not be loaded; one of its files is damaged or does "
            "not match the others. Import the model again from its original file.",
            details=f"{model.path}: {type(exc).__name__}: {exc}",
        ) from exc
    pipe.set_progress_bar_config(disable=True)
    return pipe


class Generator:
    """A loaded pipeline (base model + optional face LoRA) that writes seeded images."""

    def __init__(self, model: ModelInfo, plan: RunPlan, lora_path: Path | None = None) -> None:
        self.model = model
        self.plan = plan
        self.lora_path = lora_path
        self.lora_sha256 = sha256_file(lora_path) if lora_path else None
        self.pipe = load_base_pipeline(model, plan)
        if lora_path is not None:
            self._load_lora(lora_path)
        # The model's own scheduler config carries its training objective (prediction
        # type, zero-terminal-SNR betas, timestep spacing); every sampler starts from it.
        self._default_scheduler_config = dict(self.pipe.scheduler.config)
        self._guidance = {}
        if self._default_scheduler_config.get("rescale_betas_zero_snr"):
            self._guidance = {"guidance_rescale": ZERO_SNR_GUIDANCE_RESCALE}
        self._img2img = None
        # Half precision overflows in SD VAEs (black or NaN images). Where the plan is fp16
        # (cards without native bf16) the VAE works in fp32: SDXL's pipelines upcast it
        # themselves (its config says force_upcast), SD1.5's do not, so for those the
        # generator encodes and decodes with an fp32 VAE itself.
        self._vae_in_fp32 = plan.precision == "fp16" and model.architecture == SD15
        if self._vae_in_fp32:
            import torch

            self.pipe.vae.to(dtype=torch.float32)
        if plan.vae_slicing:
            self.pipe.vae.enable_slicing()
        if plan.vae_tiling:
            self.pipe.vae.enable_tiling()
        if plan.cpu_offload:
            self.pipe.enable_model_cpu_offload()
        else:
            self.pipe.to(plan.device)

    def _load_lora(self, lora_path: Path) -> None:
        if not lora_path.is_file():
            raise InputError(
                "The learned face file is missing. Train the face again.", details=str(lora_path)
            )
        try:
            self.pipe.load_lora_weights(str(lora_path.parent), weight_name=lora_path.name, adapter_name="face")
        except (OSError, ValueError, RuntimeError, KeyError) as exc:
            raise InputError(
                "The learned face file is damaged or was made for a different base model. "
                "Train the face again with this model.",
                details=f"{lora_path}: {type(exc).__name__}: {exc}",
            ) from exc

    def _set_scheduler(self, key: str) -> None:
        import diffusers

        class_name, extra = SCHEDULERS[key]
        scheduler_class = getattr(diffusers, class_name)
        self.pipe.scheduler = scheduler_class.from_config(self._default_scheduler_config, **extra)

    def refine(self, image, request: GenerationRequest, strength: float, cancel: CancelToken | None = None):
        """Re-render ``image`` (img2img at ``strength``) with the request's prompt, face
        LoRA and seed: the face-detail pass. Deterministic for the same inputs."""
        import torch
        from diffusers import AutoPipelineForImage2Image

        cancel = cancel or CancelToken()
        if self._img2img is None:  # shares every component (and the LoRA) with self.pipe
            self._img2img = AutoPipelineForImage2Image.from_pipe(self.pipe)
            self._img2img.set_progress_bar_config(disable=True)
            # SD1.5's img2img pipeline has no guidance rescale; SDXL's has.
            accepted = inspect.signature(self._img2img.__call__).parameters
            self._img2img_guidance = {k: v for k, v in self._guidance.items() if k in accepted}
        self._set_scheduler(request.scheduler)
        self._img2img.scheduler = self.pipe.scheduler
        if self.lora_path is not None:
            self.pipe.set_adapters(["face"], adapter_weights=[request.lora_scale])

        def on_step_end(pipe, step_index, timestep, callback_kwargs):
            if cancel.cancelled:
                pipe._interrupt = True
            return callback_kwargs

        generator = torch.Generator(device="cpu").manual_seed(request.seed)
        with torch.inference_mode():
            if self._vae_in_fp32:  # latents in, latents out: the VAE's work is done here in fp32
                image = self._encode(image, generator)
            result = self._img2img(
                prompt=request.prompt,
                negative_prompt=request.negative_prompt,
                image=image,
                strength=strength,
                # img2img runs strength x steps of them: at least one, or nothing is drawn
                # (and diffusers fails on an empty schedule) - a quick preview's 2 steps at 0.3
                num_inference_steps=max(request.steps, math.ceil(1.0 / max(strength, 1e-3))),
                guidance_scale=request.guidance_scale,
                generator=generator,
                callback_on_step_end=on_step_end,
                **self._img2img_guidance,
                **self._output,
            ).images
            result = self._decode(result)[0] if self._vae_in_fp32 else result[0]
        cancel.raise_if_cancelled()
        return result

    @property
    def _output(self) -> dict:
        return {"output_type": "latent"} if self._vae_in_fp32 else {}

    def _encode(self, image, generator):
        """``image`` as scaled latents in the UNet's dtype, encoded by the fp32 VAE."""
        vae = self.pipe.vae
        pixels = self.pipe.image_processor.preprocess(image).to(vae.device, vae.dtype)
        latents = vae.encode(pixels).latent_dist.sample(generator) * vae.config.scaling_factor
        return latents.to(self.pipe.unet.dtype)

    def _decode(self, latents) -> list:
        """PIL images from latents, decoded by the fp32 VAE."""
        vae = self.pipe.vae
        pixels = vae.decode(latents.to(vae.device, vae.dtype) / vae.config.scaling_factor, return_dict=False)[0]
        return self.pipe.image_processor.postprocess(pixels, output_type="pil")

    def settings_for(self, request: GenerationRequest, batch_size: int) -> dict:
        """Everything needed to reproduce an image, as stored in its metadata."""
        width = request.width or self.plan.resolution
        height = request.height or self.plan.resolution
        return asdict(replace(request, width=width, height=height)) | {
            "model_id": self.model.id,
            "model_name": self.model.name,
            "architecture": self.model.architecture,
            "lora_file": self.lora_path.name if self.lora_path else None,
            "lora_sha256": self.lora_sha256,
            "precision": self.plan.precision,
            "batch_size": batch_size,
            "app_version": __version__,
        }

    def generate(
        self,
        requests: list[GenerationRequest],
        out_dir: Path,
        on_event: EventCallback = ignore_events,
        cancel: CancelToken | None = None,
        name_prefix: str = "",
    ) -> list[GeneratedImage]:
        """Make one image per request into ``out_dir``; skip requests already on disk.

        Images are written as ``<prefix><index>-s<seed>.png`` + ``.json`` sidecar as
        soon as each batch finishes, so a cancel or crash keeps every finished image
        and a second call with the same requests continues where the first stopped.
        Requests sharing every setting but the seed run together in batches of the
        plan's size.
        """
        cancel = cancel or CancelToken()
        for request in requests:
            check_request(request)
        out_dir.mkdir(parents=True, exist_ok=True)
        stems = [image_stem(name_prefix, i, r.seed) for i, r in enumerate(requests)]
        results, pending = self._images_on_disk(requests, stems, out_dir)

        total_steps = sum(requests[i].steps for i in pending)
        eta = EtaClock(total_steps)
        step_counter = 0

        def on_step_end(pipe, step_index, timestep, callback_kwargs):
            nonlocal step_counter
            step_counter += 1
            shown = min(step_counter, total_steps)
            on_event(JobEvent(Stage.GENERATE, shown, total_steps, "Generating", eta_s=eta.tick(shown)))
            if cancel.cancelled:
                pipe._interrupt = True  # the loop skips the remaining denoising steps
            return callback_kwargs

        for batch in _batches(pending, requests, self.plan.generation_batch_size):
            cancel.raise_if_cancelled()
            settings, images = self._generate_batch([requests[i] for i in batch], on_step_end, cancel)
            for i, image in zip(batch, images):
                image_settings = settings | {"seed": requests[i].seed}
                results[i] = _save_image(image, out_dir / f"{stems[i]}.png", image_settings)
                on_event(
                    JobEvent(
                        Stage.GENERATE,
                        min(step_counter, total_steps),
                        total_steps,
                        f"Finished {len(results)} of {len(requests)} images",
                        preview=preview_of(image),
                    )
                )
        return [results[i] for i in range(len(requests))]

    def _images_on_disk(
        self, requests: list[GenerationRequest], stems: list[str], out_dir: Path
    ) -> tuple[dict[int, GeneratedImage], list[int]]:
        """The images already made with the same settings (by request index), and the
        indices of the requests still to make."""
        done: dict[int, GeneratedImage] = {}
        pending = []
        for i, (stem, request) in enumerate(zip(stems, requests)):
            expected = self.settings_for(request, self.plan.generation_batch_size)
            existing = _load_existing(out_dir / f"{stem}.png", out_dir / f"{stem}.json", expected)
            if existing:
                done[i] = existing
            else:
                pending.append(i)
        return done, pending

    def _generate_batch(self, batch: list[GenerationRequest], on_step_end, cancel: CancelToken) -> tuple[dict, list]:
        """One batch of requests that differ only in their seeds: the settings they share
        and their images. A batch cancelled part-way is unfinished: nothing of it is kept."""
        import torch

        first = batch[0]
        self._set_scheduler(first.scheduler)
        settings = self.settings_for(first, len(batch))
        generators = [torch.Generator(device="cpu").manual_seed(request.seed) for request in batch]
        if self.lora_path is not None:
            self.pipe.set_adapters(["face"], adapter_weights=[first.lora_scale])
        with torch.inference_mode():
            output = self.pipe(
                prompt=[first.prompt] * len(batch),
                negative_prompt=[first.negative_prompt] * len(batch),
                num_inference_steps=first.steps,
                guidance_scale=first.guidance_scale,
                **self._guidance,
                width=settings["width"],
                height=settings["height"],
                generator=generators,
                callback_on_step_end=on_step_end,
                **self._output,
            )
            if cancel.cancelled:
                raise Cancelled()
            images = self._decode(output.images) if self._vae_in_fp32 else output.images
        return settings, images


def image_stem(name_prefix: str, index: int, seed: int) -> str:
    """The file name (without suffix) of the ``index``-th image of a request list."""
    return f"{name_prefix}{index:04d}-s{seed}"


def preview_of(image):
    """A small copy of an image for progress events (the UI's live preview)."""
    preview = image.convert("RGB")
    preview.thumbnail((PREVIEW_PX, PREVIEW_PX))
    return preview


def _batches(pending: list[int], requests: list[GenerationRequest], size: int) -> list[list[int]]:
    """Group pending requests that share every setting except the seed."""
    groups: dict[GenerationRequest, list[int]] = {}
    for i in pending:
        groups.setdefault(replace(requests[i], seed=0), []).append(i)
    batches = []
    for members in groups.values():
        batches += [members[k : k + size] for k in range(0, len(members), size)]
    return sorted(batches, key=lambda b: b[0])


# Settings that do not change the pixels, so an image on disk that differs only in
# these still counts as done.
_NOT_PIXEL_SETTINGS = {"created_at", "batch_size", "app_version", "model_name", "lora_file"}


def png_intact(path: Path) -> bool:
    """Whether ``path`` is a whole PNG: every chunk present with a matching checksum
    (a file cut short, by a copy or a disk that failed, is not taken as finished)."""
    from PIL import Image

    try:
        with Image.open(path, formats=("PNG",)) as image:  # the app writes PNG: no other decoder is reached
            image.verify()
    except Exception:  # any complaint of the decoder means: not a whole image
        return False
    return True


def _load_existing(png: Path, sidecar: Path, expected: dict) -> GeneratedImage | None:
    """The image already on disk for this request, if it was made with the same settings
    and is whole. (Images are written atomically, so a killed run leaves either a whole
    image or none; an image without its sidecar was cut off between the two and is made
    again.)"""
    if not (png.is_file() and sidecar.is_file()):
        return None
    try:
        settings = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # a damaged sidecar: make the image again
    if not isinstance(settings, dict):
        return None
    if any(settings.get(k) != v for k, v in expected.items() if k not in _NOT_PIXEL_SETTINGS):
        return None  # made with other settings: replace it
    if not png_intact(png):
        return None  # damaged: make it again
    return GeneratedImage(path=png, sidecar=sidecar, seed=int(settings["seed"]), settings=settings)


def _save_image(image, png: Path, settings: dict) -> GeneratedImage:
    """Write the PNG (with its settings in text chunks) and its sidecar, atomically."""
    settings = settings | {"created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    save_png(image, png, settings)
    sidecar = png.with_suffix(".json")
    write_json_atomic(sidecar, settings)
    return GeneratedImage(path=png, sidecar=sidecar, seed=settings["seed"], settings=settings)
