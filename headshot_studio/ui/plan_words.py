"""The numbers behind the Create page's plain sentence: which card, how much memory,
about how long a run will take. Plain Python (no Qt), so it is tested on its own.

The time is an estimate made before anything runs, from the work the run will do
(training steps, denoising steps per image, finishing per image) and the speed of the
card's class, with an RTX 3060 (12 GB) as 1.0. Figures the field publishes for an RTX
3060 are the base: about 0.45 s per LoRA training step for an SD1.5-class model at
512 px and about 0.07 s per denoising step; an SDXL-class model at 1024 px is about 4x
both. A processor is taken as 40x slower than the base card. The page always says
"about"; the run's own clock (overall_eta_s, measured as it goes) takes over once it starts.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

# Seconds on the base card (RTX 3060) at the architecture's own resolution.
TRAIN_STEP_S = {"sd15": 0.45, "sdxl": 1.8}
DENOISE_STEP_S = {"sd15": 0.07, "sdxl": 0.28}
NATIVE_PX = {"sd15": 512, "sdxl": 1024}
FINISH_PER_IMAGE_S = 4.0  # face pass, colour, enlargement, ranking on the card
LOAD_S = 30.0  # loading the model and preparing the photos (the disk's speed more than the card's)
CPU_SLOWDOWN = 40.0

# Relative speed of common cards (RTX 3060 = 1), from published it/s comparisons.
CARD_SPEED = {
    "5090": 4.5, "5080": 3.2, "5070": 2.2, "4090": 3.6, "4080": 2.6, "4070": 1.8, "4060": 1.2,
    "3090": 2.0, "3080": 1.7, "3070": 1.3, "3060": 1.0, "3050": 0.6, "2080": 0.9, "2070": 0.7,
    "2060": 0.55, "1660": 0.35, "1080": 0.45, "a100": 3.5, "h100": 5.0, "h200": 5.5, "l40": 3.0,
    "a6000": 2.1, "a5000": 1.7, "a4000": 1.2,
}
# When the name is not in the table: by CUDA compute capability.
CAPABILITY_SPEED = {(9, 0): 5.0, (8, 9): 2.0, (8, 6): 1.2, (8, 0): 3.5, (7, 5): 0.7, (7, 0): 1.0, (6, 1): 0.4}


@dataclass(frozen=True)
class PlanNumbers:
    on_gpu: bool
    card: str  # "RTX 3060", or the processor's name
    memory_gb: int  # the card's memory, rounded (0 on a processor)
    minutes: int  # about how long the whole run takes, at least 1
    images: int


def card_name(name: str) -> str:
    """"NVIDIA GeForce RTX 3060" -> "RTX 3060": what people call their card."""
    short = re.sub(r"^(NVIDIA\s+)?(GeForce\s+)?", "", name.strip(), flags=re.IGNORECASE)
    return short or name


def card_speed(name: str, capability: tuple[int, int]) -> float:
    lowered = name.lower()
    for model, speed in CARD_SPEED.items():  # whole model numbers: "RTX A1000" is not an "A100"
        if re.search(rf"(?<![0-9a-z]){model}(?![0-9a-z])", lowered):
            return speed
    return CAPABILITY_SPEED.get(tuple(capability), 1.0)


def estimate_seconds(*, architecture: str, resolution: int, train_steps: int, images: int, denoise_steps: int,
                     speed: float) -> float:
    """Seconds for a run of this much work on a card ``speed`` times the base card."""
    arch = architecture if architecture in TRAIN_STEP_S else "sd15"
    pixels = (resolution / NATIVE_PX[arch]) ** 2  # a step's work grows with the picture's area
    train = train_steps * TRAIN_STEP_S[arch] * pixels
    generate = images * denoise_steps * DENOISE_STEP_S[arch] * pixels
    finish = images * FINISH_PER_IMAGE_S * min(1.0, pixels)
    return LOAD_S + (train + generate + finish) / max(speed, 0.01)  # loading is the disk's time, not the card's


def plan_numbers(request, device, photos: int, denoise_steps: int) -> PlanNumbers:
    """The sentence's numbers for a run request (core.pipeline.RunRequest) on ``device``
    (core.hardware.DeviceInfo), with ``photos`` usable selfies and the styles' denoising steps."""
    plan = request.plan
    images = sum(request.counts) if request.counts else request.count * len(request.styles)
    train_steps = 0 if request.reuse_face else request.training.resolved(max(1, photos)).steps
    on_gpu = device.kind == "cuda"
    speed = card_speed(device.name, device.compute_capability) if on_gpu else 1.0 / CPU_SLOWDOWN
    seconds = estimate_seconds(architecture=plan.architecture, resolution=plan.resolution, train_steps=train_steps,
                               images=images, denoise_steps=request.steps or denoise_steps, speed=speed)
    return PlanNumbers(
        on_gpu=on_gpu,
        card=card_name(device.name) if on_gpu else device.name,
        memory_gb=round(device.total_vram_gb) if on_gpu else 0,
        minutes=max(1, math.ceil(seconds / 60)),
        images=images,
    )
