"""Which device to run on, and a RunPlan of settings that fit in its free memory.

The plan is chosen before anything touches the GPU, from the free VRAM at that moment,
so a card with 8 GB gets memory savers instead of an out-of-memory crash halfway
through training. Every saver that is switched on is listed in ``RunPlan.notes`` with
the reason, so the log and the UI can show why a run is slower.

Free memory can still shrink during a run (another program starts, memory fragments).
When a stage runs out anyway, :func:`smaller_plan` gives the next lighter plan for one
retry; :func:`is_out_of_memory` recognises the error and :func:`free_gpu_memory`
returns what the failed attempt held before the retry.
"""

from __future__ import annotations

import gc
import logging
import platform
from dataclasses import dataclass, field, replace

from headshot_studio.core.events import NoGpuError, NotEnoughMemoryError, NotEnoughVramError, Stage
from headshot_studio.core.limits import CPU_RAM_GB, MIN_VRAM_GB
from headshot_studio.core.models import ModelInfo

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeviceInfo:
    kind: str  # "cuda" or "cpu"
    name: str
    total_vram_gb: float = 0.0
    free_vram_gb: float = 0.0
    compute_capability: tuple[int, int] = (0, 0)  # CUDA compute capability, (8, 6) for an RTX 3060
    free_ram_gb: float = 0.0  # the computer's memory available now (for processor runs; 0: unknown)

    @property
    def torch_device(self) -> str:
        return "cuda:0" if self.kind == "cuda" else "cpu"

    def describe(self) -> str:
        if self.kind == "cuda":
            return f"{self.name}, {self.free_vram_gb:.1f} of {self.total_vram_gb:.1f} GB free"
        return f"no NVIDIA GPU found (processor: {self.name})"


def detect_device() -> DeviceInfo:
    """The first CUDA device and its free memory, or the CPU when there is none."""
    import torch

    if not torch.cuda.is_available():
        return DeviceInfo(kind="cpu", name=platform.processor() or platform.machine() or "CPU",
                          free_ram_gb=available_ram_gb())
    try:
        free, total = torch.cuda.mem_get_info(0)
    except RuntimeError as exc:  # driver present but not answering (after a crash or update)
        return DeviceInfo(kind="cpu", name=f"{platform.machine()}; the NVIDIA driver did not respond: {exc}")
    return DeviceInfo(
        kind="cuda",
        name=torch.cuda.get_device_name(0),
        total_vram_gb=total / 2**30,
        free_vram_gb=free / 2**30,
        compute_capability=tuple(torch.cuda.get_device_capability(0)),
    )


def count_gpus() -> int:
    """How many NVIDIA GPUs this process may use (studio mode runs one client on each)."""
    import torch

    return torch.cuda.device_count() if torch.cuda.is_available() else 0


def available_ram_gb() -> float:
    """The computer's memory available to a new run now, in GB (0 when unknown)."""
    try:
        import psutil

        return psutil.virtual_memory().available / 2**30
    except Exception:  # an unusual system psutil cannot read: no check rather than no run
        return 0.0


def measure_free_vram(device: DeviceInfo) -> DeviceInfo:
    """``device`` with its free memory measured now (other programs come and go: a plan
    is made from what is free when the run starts, not when the app did): graphics
    memory on a GPU, the computer's memory on the processor."""
    if device.kind != "cuda":
        return replace(device, free_ram_gb=available_ram_gb())
    import torch

    try:
        free, total = torch.cuda.mem_get_info(0)
    except RuntimeError:
        return device
    return replace(device, free_vram_gb=free / 2**30, total_vram_gb=total / 2**30)


def choose_precision(device: DeviceInfo) -> tuple[str, str]:
    """The dtype of the frozen weights on ``device`` and why, from its compute capability
    and name. ``torch.cuda.is_bf16_supported()`` says yes on every NVIDIA card because
    bf16 can be emulated, so it is not asked:

    * 8.0 and up (Ampere, Ada, Hopper, Blackwell): bf16, native and without overflow;
    * GTX 16xx (Turing 7.5 without tensor cores): fp32; their fp16 gives NaN/black images;
    * 6.1/6.2 (consumer Pascal, GTX 10xx): fp32; half precision runs at 1/64 speed there;
    * other cards from 6.0 (P100, V100, RTX 20xx, T4): fp16, trained with a GradScaler,
      with the VAE in fp32 (training's encoder, and generation: core/generation.py).
    """
    major, minor = device.compute_capability
    if (major, minor) >= (8, 0):
        return "bf16", f"bf16: native on compute capability {major}.{minor}"
    if "GTX 16" in device.name.upper():
        return "fp32", "fp32: GTX 16xx cards make black images in half precision"
    if (major, minor) in ((6, 1), (6, 2)) or major < 6:
        return "fp32", f"fp32: half precision is very slow on compute capability {major}.{minor}"
    return "fp16", f"fp16 with loss scaling: no native bf16 on compute capability {major}.{minor}"


@dataclass(frozen=True)
class RunPlan:
    device: str  # torch device string: "cuda:0" or "cpu"
    precision: str  # "bf16", "fp16" or "fp32": dtype of the frozen base weights
    resolution: int  # training and generation size in pixels (square)
    train_batch_size: int
    gradient_checkpointing: bool  # recompute activations in backward: ~30% slower, far less memory
    cache_latents: bool  # encode training images once, then the VAE leaves the GPU
    cache_text_embeddings: bool  # encode captions once, then the text encoder(s) leave the GPU
    attention: str  # "sdpa" (PyTorch scaled-dot-product attention)
    generation_batch_size: int
    vae_slicing: bool  # decode one image at a time
    vae_tiling: bool  # decode in tiles (large images on small cards)
    cpu_offload: bool  # keep only the running model on the GPU (last resort, slow)
    notes: tuple[str, ...] = field(default=())
    optimizer: str = "adamw"  # "adamw8bit" (bitsandbytes) where available on a GPU
    architecture: str = "sd15"  # "sd15" or "sdxl": what the memory estimates are for
    estimated_train_gb: float = 0.0  # peak graphics memory the plan expects (0: not on a GPU)
    estimated_generate_gb: float = 0.0

    @property
    def torch_dtype(self):
        import torch

        return {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[self.precision]

    def describe(self) -> str:
        savers = [
            name
            for name, on in (
                ("gradient checkpointing", self.gradient_checkpointing),
                ("cached latents", self.cache_latents),
                ("cached text embeddings", self.cache_text_embeddings),
                ("VAE slicing", self.vae_slicing),
                ("VAE tiling", self.vae_tiling),
                ("CPU offload", self.cpu_offload),
            )
            if on
        ]
        if self.optimizer == "adamw8bit":
            savers.append("8-bit AdamW")
        estimate = (f"; expected peak {self.estimated_train_gb:.1f} GB training, "
                    f"{self.estimated_generate_gb:.1f} GB generating" if self.estimated_train_gb else "")
        return (
            f"{self.device}, {self.precision}, {self.resolution} px, train batch {self.train_batch_size}, "
            f"generate batch {self.generation_batch_size}, {self.attention} attention"
            + (f"; savers: {', '.join(savers)}" if savers else "") + estimate
        )


# Free-VRAM tiers (GB) per architecture, most generous first:
# (min free GB, train batch, gradient checkpointing, generation batch, vae slicing, vae tiling, cpu offload)
# Figures: SD1.5 LoRA training at 512 px in fp16 with cached latents needs ~7 GB without
# gradient checkpointing and ~4 GB with it; SDXL at 1024 px needs ~18 GB without and
# ~10 GB with it. Below the last tier the model cannot run.
_TIERS = {
    "sd15": (
        (16.0, 2, False, 4, False, False, False),
        (10.0, 1, False, 4, False, False, False),
        (6.0, 1, True, 2, True, False, False),
        (MIN_VRAM_GB["sd15"], 1, True, 1, True, True, True),
    ),
    "sdxl": (
        (24.0, 1, False, 2, False, False, False),
        (16.0, 1, True, 2, True, False, False),
        (10.0, 1, True, 1, True, True, False),
        (MIN_VRAM_GB["sdxl"], 1, True, 1, True, True, True),  # training cannot be offloaded: ~8.9 GB
    ),
}


def plan_run(
    model: ModelInfo,
    device: DeviceInfo,
    *,
    train_text_encoder: bool = False,
    allow_cpu: bool = False,
) -> RunPlan:
    """Settings for ``model`` on ``device``; refuses when it cannot run sensibly.

    A real-size model without a CUDA device is refused unless ``allow_cpu`` (an expert
    override: it works, but takes many hours). Tiny test models run on the CPU.
    """
    resolution = model.native_resolution()  # first: a damaged config is said before anything else
    cache_text = not train_text_encoder  # a text encoder being trained must stay live
    if device.kind != "cuda":
        full_size = model.is_full_size()
        _check_processor_run(model, device, full_size=full_size, allow_cpu=allow_cpu)
        return _processor_plan(model, resolution, full_size=full_size, cache_text=cache_text)
    plan = _graphics_card_plan(model, device, resolution, cache_text=cache_text)
    return with_estimate(plan, train_text_encoder=train_text_encoder)


def _check_processor_run(model: ModelInfo, device: DeviceInfo, *, full_size: bool, allow_cpu: bool) -> None:
    """Refuse a full-size model on the processor: always without ``allow_cpu``, and with
    it when the computer has too little memory for the run."""
    if not full_size:
        return
    architecture = model.architecture  # "sd15" or "sdxl", the keys of the tables here
    need = CPU_RAM_GB[architecture]
    if allow_cpu and 0 < device.free_ram_gb < need:
        # Without this the operating system ends the run mid-training, without a word.
        raise NotEnoughMemoryError(
            f"This computer has {device.free_ram_gb:.1f} GB of memory available, and a run of a "
            f"{model.architecture_name} model on the processor needs about {need:.0f} GB. Close other "
            "programs and try again"
            + (", or use a Stable Diffusion 1.5 model, which needs less." if architecture == "sdxl" else "."),
            details=f"{device.describe()}; model: {model.name}",
        )
    if not allow_cpu:
        raise NoGpuError(
            "No NVIDIA graphics card was found, and Headshot Studio needs one to learn a face "
            f"and make headshots ({MIN_VRAM_GB[architecture]:.0f} GB of graphics memory or more). If this PC has one, install "
            "or update its NVIDIA driver and restart the app.",
            details=f"device: {device.describe()}; model: {model.name}. Experts can override "
            "with --allow-cpu (or the allow_cpu setting); a run then takes many hours.",
        )


def _processor_plan(model: ModelInfo, resolution: int, *, full_size: bool, cache_text: bool) -> RunPlan:
    """The plan for a run on the processor: full precision, one image at a time."""
    notes = ("no GPU: running on the processor in full precision",)
    if full_size:
        notes += ("expert override: a full-size model on the processor will take hours",)
    return RunPlan(
        device="cpu",
        precision="fp32",
        resolution=resolution,
        train_batch_size=1,
        gradient_checkpointing=False,
        cache_latents=True,
        cache_text_embeddings=cache_text,
        attention="sdpa",
        generation_batch_size=1,
        vae_slicing=False,
        vae_tiling=False,
        cpu_offload=False,
        notes=notes,
        architecture=model.architecture,
    )


def _vram_tier(model: ModelInfo, device: DeviceInfo, precision: str) -> tuple:
    """The most generous row of _TIERS the card's free memory allows at ``precision``;
    refuses a card with too little for the last one."""
    architecture = model.architecture
    # The tiers are measured in half precision; full-precision weights take twice the room.
    fp32_extra_gb = sum(_PARAMS_M[architecture].values()) * 2 / 1024 if precision == "fp32" else 0.0
    for tier in _TIERS[architecture]:
        if device.free_vram_gb - fp32_extra_gb >= tier[0]:
            return tier
    need = _TIERS[architecture][-1][0] + fp32_extra_gb
    raise NotEnoughVramError(
        f"Your graphics card has {device.free_vram_gb:.1f} GB of free memory, and "
        f"{model.architecture_name} models need at least {need:.0f} GB on it. Close other programs "
        "that use the graphics card (games, browsers, video editors) and try again"
        + (", or use a Stable Diffusion 1.5 model, which needs less." if architecture == "sdxl" else "."),
        details=device.describe(),
    )


def _graphics_card_plan(model: ModelInfo, device: DeviceInfo, resolution: int, *, cache_text: bool) -> RunPlan:
    """The plan for a run on a CUDA card: its precision, and the memory savers of the
    tier its free memory falls in (before the memory estimate is added)."""
    precision, precision_note = choose_precision(device)
    min_gb, batch, checkpointing, gen_batch, slicing, tiling, offload = _vram_tier(model, device, precision)
    optimizer = "adamw8bit" if bitsandbytes_works() else "adamw"
    notes = [f"{device.free_vram_gb:.1f} GB free on {device.name}: tier for {min_gb:.0f}+ GB", precision_note]
    if checkpointing:
        notes.append("gradient checkpointing on to fit training in memory")
    if offload:
        notes.append("model CPU offload on: little free graphics memory, generation will be slower")
    if optimizer == "adamw8bit":
        notes.append("8-bit AdamW (bitsandbytes): optimizer state in a quarter of the memory")
    return RunPlan(
        device=device.torch_device,
        precision=precision,
        resolution=resolution,
        train_batch_size=batch,
        gradient_checkpointing=checkpointing,
        cache_latents=True,
        cache_text_embeddings=cache_text,
        attention="sdpa",
        generation_batch_size=gen_batch,
        vae_slicing=slicing,
        vae_tiling=tiling,
        cpu_offload=offload,
        notes=tuple(notes),
        optimizer=optimizer,
        architecture=model.architecture,
    )


_BNB_WORKS: list[bool] = []  # the answer of bitsandbytes_works, once found


def bitsandbytes_works() -> bool:
    """Whether bitsandbytes' 8-bit AdamW works on this card: installed, imports (it has a
    binary for this CUDA), and takes one step on a tensor large enough to be quantised.
    Asked once per process; only on a CUDA device."""
    if _BNB_WORKS:
        return _BNB_WORKS[0]
    import importlib.util

    works = False
    if importlib.util.find_spec("bitsandbytes") is not None:
        try:
            import bitsandbytes
            import torch

            param = torch.nn.Parameter(torch.zeros(4096, device="cuda:0"))
            optimizer = bitsandbytes.optim.AdamW8bit([param])
            param.grad = torch.ones_like(param)
            optimizer.step()
            torch.cuda.synchronize()
            works = bool(torch.isfinite(param).all())
        except Exception as exc:  # no binary for this CUDA or card, a driver refusing
            log.warning("8-bit AdamW does not work here (%s: %s)", type(exc).__name__, exc)
    _BNB_WORKS.append(works)
    return works


# --- expected graphics memory --------------------------------------------------------------

# Parameters (millions) of the components of each architecture, counted from the
# shipped full-size configs (resources/models/configs): UNet, text encoder(s), VAE.
_PARAMS_M = {"sd15": {"unet": 860, "text": 123, "vae": 84}, "sdxl": {"unet": 2567, "text": 817, "vae": 84}}
# LoRA parameters (millions) at rank 16 on the attention projections (UNET_TARGETS).
_LORA_M_RANK16 = {"sd15": 3.2, "sdxl": 23.2}
# Activation memory (GB) per image at the native resolution, half precision, SDPA:
# training without / with gradient checkpointing, and one image generated with
# classifier-free guidance (two UNet passes). Published figures of LoRA trainers
# (diffusers, kohya-ss) minus the weights, rounded up; benchmarks/gpu_pipeline.py
# measures the real peaks (its --vram-gb option plans for a smaller card).
_ACTIVATIONS_GB = {
    "sd15": {"train": 4.0, "train_checkpointed": 1.0, "generate": 0.6, "decode": 1.3},
    "sdxl": {"train": 14.0, "train_checkpointed": 3.0, "generate": 1.6, "decode": 5.0},
}
_CUDA_CONTEXT_GB = 0.5  # the CUDA context and PyTorch's allocator slack


def estimate_vram_gb(architecture: str, plan: RunPlan, *, rank: int = 16,
                     train_text_encoder: bool = False) -> tuple[float, float]:
    """Expected peak graphics memory (GB) of training and of generation with ``plan``
    for an ``architecture`` ("sd15" or "sdxl") model at its native resolution.

    Training: the UNet's weights; the text encoder(s) too when they learn (otherwise
    their embeddings are cached and they leave the GPU, as the VAE does once the
    latents are cached); the adapters in fp32 with gradients and optimizer state; the
    activations of the batch. Generation: every component's weights (only the largest
    with CPU offload); the activations of the batch; the VAE decode (per image with
    slicing, in tiles with tiling).
    """
    params, act = _PARAMS_M[architecture], _ACTIVATIONS_GB[architecture]
    weight_bytes = 2 if plan.precision in ("bf16", "fp16") else 4
    scale = (plan.resolution / (1024 if architecture == "sdxl" else 512)) ** 2
    lora_m = _LORA_M_RANK16[architecture] * rank / 16
    state_bytes = 2 if plan.optimizer == "adamw8bit" else 8  # two moments
    train = params["unet"] * weight_bytes / 1024
    if train_text_encoder:
        train += params["text"] * weight_bytes / 1024
    train += lora_m * (4 + 4 + state_bytes) / 1024
    train += plan.train_batch_size * scale * act["train_checkpointed" if plan.gradient_checkpointing else "train"]
    weights = sum(params.values()) * weight_bytes / 1024
    if plan.cpu_offload:
        weights = params["unet"] * weight_bytes / 1024
    decode = act["decode"] * scale * (1 if plan.vae_slicing else plan.generation_batch_size)
    if plan.vae_tiling:
        decode = min(decode, act["decode"] * 0.25)
    generate = weights + lora_m * weight_bytes / 1024 + max(
        plan.generation_batch_size * scale * act["generate"], decode)
    return round(train + _CUDA_CONTEXT_GB, 2), round(generate + _CUDA_CONTEXT_GB, 2)


def with_estimate(plan: RunPlan, *, train_text_encoder: bool = False) -> RunPlan:
    """``plan`` with its expected peaks filled in (GPU plans only)."""
    if not plan.device.startswith("cuda"):
        return plan
    train, generate = estimate_vram_gb(plan.architecture, plan, train_text_encoder=train_text_encoder)
    return replace(plan, estimated_train_gb=train, estimated_generate_gb=generate)


# --- out of memory during a run -----------------------------------------------------------

# One resolution step down at a time, never below where faces fall apart: 1024 -> 896 ->
# 768 for SDXL-class models, 512 -> 448 for SD1.5-class. Other sizes stay as they are.
LOWER_RESOLUTION = {1024: 896, 896: 768, 512: 448}

# The plan fields each GPU stage's memory depends on (CPU offload is generation only;
# the face detail pass of finishing runs the generation pipeline).
_STAGE_FIELDS = {
    Stage.TRAIN: {"train_batch_size", "gradient_checkpointing", "cache_latents", "resolution"},
    Stage.GENERATE: {"generation_batch_size", "vae_slicing", "vae_tiling", "resolution", "cpu_offload"},
}
_STAGE_FIELDS[Stage.POSTPROCESS] = _STAGE_FIELDS[Stage.GENERATE]


def smaller_plan(plan: RunPlan, stage: Stage | None = None) -> RunPlan | None:
    """The next lighter plan after running out of graphics memory, or None when
    nothing is left to give up.

    One notch at a time, cheapest first: halve the batch sizes; switch on every memory
    saver (gradient checkpointing, cached latents, VAE slicing and tiling; text
    embeddings are cached already unless the text encoder learns, and then they cannot
    be); one resolution step down (``LOWER_RESOLUTION``); CPU offload (slow, last).
    With ``stage``, notches that change nothing that stage uses are skipped.
    """
    notches = (
        ("smaller batches", {"train_batch_size": max(1, plan.train_batch_size // 2),
                             "generation_batch_size": max(1, plan.generation_batch_size // 2)}),
        ("every memory saver", {"gradient_checkpointing": True, "cache_latents": True,
                                "vae_slicing": True, "vae_tiling": True}),
        ("lower resolution", {"resolution": LOWER_RESOLUTION.get(plan.resolution, plan.resolution)}),
        ("CPU offload", {"cpu_offload": True}),
    )
    relevant = _STAGE_FIELDS.get(stage) if stage is not None else None
    for name, changes in notches:
        changed = {key for key, value in changes.items() if getattr(plan, key) != value}
        if changed and (relevant is None or changed & relevant):
            what = ", ".join(f"{key} {getattr(plan, key)} -> {changes[key]}" for key in sorted(changed))
            note = f"out of graphics memory: {name} ({what})"
            return with_estimate(replace(plan, **changes, notes=(*plan.notes, note)))
    return None


def is_out_of_memory(exc: BaseException) -> bool:
    """Whether ``exc`` (or one it was raised from) is the GPU running out of memory:
    ``torch.cuda.OutOfMemoryError``, or a RuntimeError saying "out of memory" (cuDNN,
    cuBLAS and older PyTorch versions word it that way)."""
    import torch

    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, torch.cuda.OutOfMemoryError):
            return True
        if isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower():
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def free_gpu_memory() -> None:
    """Give back the graphics memory a finished or failed stage held: collect the Python
    objects (models, tensors) no longer referenced, then return PyTorch's cached blocks
    to the driver. Without a GPU there is nothing to give back, and a full collection
    (which holds Python's lock, stalling every thread) is skipped."""
    import torch

    if torch.cuda.is_available():
        gc.collect()
        torch.cuda.empty_cache()
