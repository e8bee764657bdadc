"""RunPlan choices from free VRAM, the no-GPU refusal, and the lighter plans tried when
the graphics card runs out of memory anyway."""

from __future__ import annotations

import dataclasses

import pytest

from headshot_studio.core import models
from headshot_studio.core.events import NoGpuError, NotEnoughMemoryError, NotEnoughVramError, Stage
from headshot_studio.core.hardware import DeviceInfo, detect_device, is_out_of_memory, plan_run, smaller_plan


def gpu(free_gb: float, bf16: bool = True) -> DeviceInfo:
    return DeviceInfo(kind="cuda", name="Test GPU", total_vram_gb=24.0, free_vram_gb=free_gb,
                      compute_capability=(8, 6) if bf16 else (7, 5))


CPU = DeviceInfo(kind="cpu", name="test cpu")


class FullSize(models.ModelInfo):
    """A model that reports real-size parameters without real-size files."""

    def unet_params(self) -> int:
        return 859_520_964

    def native_resolution(self) -> int:
        return 1024 if self.architecture == models.SDXL else 512


def full_size(architecture: str) -> models.ModelInfo:
    return FullSize(id="real", name="Real model", path=None, architecture=architecture, source="test")


def test_detect_device_on_this_machine_is_consistent():
    import torch

    device = detect_device()
    assert device.kind == ("cuda" if torch.cuda.is_available() else "cpu")
    assert device.name


def test_tiny_model_runs_on_cpu(tiny_sd15):
    plan = plan_run(models.model_info(tiny_sd15, "path"), CPU)
    assert plan.device == "cpu" and plan.precision == "fp32" and plan.resolution == 64


def test_full_size_model_without_gpu_is_refused_in_plain_words():
    with pytest.raises(NoGpuError) as caught:
        plan_run(full_size(models.SD15), CPU)
    assert "No NVIDIA graphics card" in caught.value.message
    assert "--allow-cpu" in caught.value.details  # the expert override is documented, not shouted


def test_expert_override_allows_cpu():
    plan = plan_run(full_size(models.SD15), CPU, allow_cpu=True)
    assert plan.device == "cpu" and any("hours" in note for note in plan.notes)


def test_a_processor_run_without_enough_memory_is_refused_before_it_starts():
    """SDXL on the processor was ended by the kernel at 24.2 GiB mid-training on a 24 GB
    machine, without a word: the plan now says so first, with the figures."""
    import dataclasses

    with pytest.raises(NotEnoughMemoryError) as caught:
        plan_run(full_size(models.SDXL), dataclasses.replace(CPU, free_ram_gb=20.0), allow_cpu=True)
    assert "20.0 GB of memory available" in caught.value.message
    assert "Stable Diffusion 1.5 model, which needs less" in caught.value.message
    assert plan_run(full_size(models.SD15), dataclasses.replace(CPU, free_ram_gb=20.0), allow_cpu=True)
    with pytest.raises(NotEnoughMemoryError):
        plan_run(full_size(models.SD15), dataclasses.replace(CPU, free_ram_gb=5.0), allow_cpu=True)
    assert plan_run(full_size(models.SDXL), dataclasses.replace(CPU, free_ram_gb=0.0), allow_cpu=True)  # unknown


def test_this_computers_memory_is_measured_for_processor_runs():
    import psutil

    device = detect_device()
    if device.kind == "cpu":
        assert 0 < device.free_ram_gb <= psutil.virtual_memory().total / 2**30


@pytest.mark.parametrize(
    ("architecture", "free_gb", "checkpointing", "offload"),
    [
        (models.SD15, 23.0, False, False),
        (models.SD15, 7.5, True, False),  # an 8 GB card with something else open
        (models.SD15, 4.5, True, True),
        (models.SDXL, 23.0, True, False),
        (models.SDXL, 11.0, True, False),  # a 12 GB card
        (models.SDXL, 9.0, True, True),
    ],
)
def test_vram_tiers(architecture, free_gb, checkpointing, offload):
    plan = plan_run(full_size(architecture), gpu(free_gb))
    assert plan.device == "cuda:0"
    assert plan.gradient_checkpointing is checkpointing
    assert plan.cpu_offload is offload
    assert plan.cache_latents and plan.cache_text_embeddings
    assert plan.resolution == (1024 if architecture == models.SDXL else 512)
    assert plan.attention == "sdpa"


def test_less_memory_never_gets_a_bigger_batch():
    frees = [48, 24, 16, 12, 10, 9, 8, 6, 4]
    for architecture in (models.SD15, models.SDXL):
        plans = [plan_run(full_size(architecture), gpu(f)) for f in frees if f >= (9 if architecture == models.SDXL else 4)]
        batches = [p.train_batch_size for p in plans]
        assert batches == sorted(batches, reverse=True)
        gen = [p.generation_batch_size for p in plans]
        assert gen == sorted(gen, reverse=True)


def test_precision_follows_bf16_support():
    assert plan_run(full_size(models.SD15), gpu(12, bf16=True)).precision == "bf16"
    assert plan_run(full_size(models.SD15), gpu(12, bf16=False)).precision == "fp16"


def test_too_little_vram_is_refused_with_the_numbers():
    with pytest.raises(NotEnoughVramError, match="3.0 GB of free memory") as caught:
        plan_run(full_size(models.SD15), gpu(3.0))
    assert "at least 4 GB" in caught.value.message
    with pytest.raises(NotEnoughVramError, match="Stable Diffusion 1.5 model"):
        plan_run(full_size(models.SDXL), gpu(6.0))


def test_training_the_text_encoder_keeps_it_live():
    plan = plan_run(full_size(models.SD15), gpu(12), train_text_encoder=True)
    assert not plan.cache_text_embeddings and plan.cache_latents


def test_plan_describes_itself():
    plan = plan_run(full_size(models.SDXL), gpu(9.0))
    text = plan.describe()
    assert "1024 px" in text and "CPU offload" in text and "gradient checkpointing" in text
    assert dataclasses.asdict(plan)["precision"] == "bf16"


def lighter_plans(plan, stage=None) -> list[dict]:
    """Every plan smaller_plan gives, one after another, until nothing is left: the
    fields that changed at each notch."""
    steps = []
    while (lighter := smaller_plan(plan, stage)) is not None:
        before, after = dataclasses.asdict(plan), dataclasses.asdict(lighter)
        derived = {"notes", "estimated_train_gb", "estimated_generate_gb"}
        steps.append({k: after[k] for k in after if k not in derived and after[k] != before[k]})
        assert len(lighter.notes) == len(plan.notes) + 1 and "out of graphics memory" in lighter.notes[-1]
        plan = lighter
    return steps


def test_smaller_plans_give_up_batch_then_memory_savers_then_resolution_then_go_to_the_processor():
    plan = plan_run(full_size(models.SD15), gpu(20.0))  # the most generous SD1.5 tier
    assert (plan.train_batch_size, plan.generation_batch_size, plan.resolution) == (2, 4, 512)
    assert lighter_plans(plan) == [
        {"train_batch_size": 1, "generation_batch_size": 2},
        {"generation_batch_size": 1},
        {"gradient_checkpointing": True, "vae_slicing": True, "vae_tiling": True},
        {"resolution": 448},
        {"cpu_offload": True},
    ]


def test_sdxl_resolution_goes_down_in_steps_and_never_below_768():
    plan = plan_run(full_size(models.SDXL), gpu(30.0))
    resolutions = [step["resolution"] for step in lighter_plans(plan) if "resolution" in step]
    assert resolutions == [896, 768]


def test_each_stage_only_gets_changes_that_help_it():
    plan = plan_run(full_size(models.SD15), gpu(12.0))  # train batch 1, generate batch 4
    # Training: the generation batch and CPU offload do not help; the savers do.
    assert lighter_plans(plan, Stage.TRAIN) == [
        {"gradient_checkpointing": True, "vae_slicing": True, "vae_tiling": True},
        {"resolution": 448},
    ]
    assert lighter_plans(plan, Stage.GENERATE) == [
        {"generation_batch_size": 2},
        {"generation_batch_size": 1},
        {"gradient_checkpointing": True, "vae_slicing": True, "vae_tiling": True},
        {"resolution": 448},
        {"cpu_offload": True},
    ]
    # the lightest tier has little left to give
    lightest = plan_run(full_size(models.SDXL), gpu(9.2))
    assert lighter_plans(lightest, Stage.GENERATE) == [{"resolution": 896}, {"resolution": 768}]
    assert smaller_plan(plan_run(full_size(models.SD15), CPU, allow_cpu=True), Stage.TRAIN) is not None


def test_out_of_memory_is_recognised_in_its_forms():
    import torch

    assert is_out_of_memory(torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 MiB"))
    assert is_out_of_memory(RuntimeError("CUDA error: out of memory"))
    assert is_out_of_memory(RuntimeError("cuDNN error: CUDNN_STATUS_ALLOC_FAILED... out of memory"))
    try:  # wrapped by a loader that turns errors into its own
        try:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory")
        except RuntimeError as exc:
            raise ValueError("could not load the model") from exc
    except ValueError as wrapped:
        assert is_out_of_memory(wrapped)
    assert not is_out_of_memory(RuntimeError("mat1 and mat2 shapes cannot be multiplied"))
    assert not is_out_of_memory(MemoryError())  # the computer's memory: not a graphics-memory retry


# --- what fits where -----------------------------------------------------------------------


@pytest.mark.parametrize(("architecture", "card_gb"), [(models.SD15, 8), (models.SDXL, 12)])
def test_sd15_fits_an_8_gb_card_and_sdxl_a_12_gb_card_without_cpu_offload(architecture, card_gb):
    free = card_gb - 0.7  # the desktop, a browser: what a real card has free
    plan = plan_run(full_size(architecture), DeviceInfo("cuda", "Test GPU", card_gb, free, (7, 5)))
    assert not plan.cpu_offload
    assert plan.resolution == (1024 if architecture == models.SDXL else 512)  # native size, not shrunk
    assert 0 < plan.estimated_train_gb <= free and 0 < plan.estimated_generate_gb <= free
    assert "expected peak" in plan.describe()


def test_every_tier_fits_its_own_minimum_of_free_memory():
    from headshot_studio.core.hardware import _TIERS

    for architecture, tiers in _TIERS.items():
        for tier in tiers:
            plan = plan_run(full_size(models.SDXL if architecture == "sdxl" else models.SD15), gpu(tier[0]))
            assert plan.estimated_train_gb <= tier[0], (architecture, tier)
            assert plan.estimated_generate_gb <= tier[0], (architecture, tier)


def test_memory_savers_lower_the_estimate():
    from headshot_studio.core.hardware import estimate_vram_gb

    plan = plan_run(full_size(models.SDXL), gpu(23.0))
    train, generate = estimate_vram_gb("sdxl", plan)
    no_checkpointing = estimate_vram_gb("sdxl", dataclasses.replace(plan, gradient_checkpointing=False))[0]
    assert no_checkpointing > train + 5  # activations dominate SDXL training
    offloaded = estimate_vram_gb("sdxl", dataclasses.replace(plan, cpu_offload=True))[1]
    assert offloaded < generate - 1
    eight_bit = estimate_vram_gb("sdxl", dataclasses.replace(plan, optimizer="adamw8bit"))[0]
    assert eight_bit < train
    assert estimate_vram_gb("sdxl", dataclasses.replace(plan, resolution=768))[0] < train


def test_eight_bit_adamw_is_planned_only_where_bitsandbytes_is_installed(monkeypatch):
    from headshot_studio.core import hardware

    monkeypatch.setattr(hardware, "bitsandbytes_works", lambda: True)
    plan = plan_run(full_size(models.SDXL), gpu(11.0))
    assert plan.optimizer == "adamw8bit" and "8-bit AdamW" in plan.describe()
    monkeypatch.setattr(hardware, "bitsandbytes_works", lambda: False)
    assert plan_run(full_size(models.SDXL), gpu(11.0)).optimizer == "adamw"
    assert plan_run(full_size(models.SD15), CPU, allow_cpu=True).optimizer == "adamw"


def test_lighter_plans_carry_new_estimates():
    plan = plan_run(full_size(models.SDXL), gpu(23.0))
    lighter = smaller_plan(plan, Stage.GENERATE)
    while lighter is not None and not lighter.cpu_offload:
        lighter = smaller_plan(lighter, Stage.GENERATE)
    assert lighter is not None and lighter.estimated_generate_gb < plan.estimated_generate_gb


def test_the_parameter_counts_behind_the_estimates_match_the_shipped_configs():
    """The estimate's weight sizes come from the real architectures (configs shipped for
    importing single-file models), built on PyTorch's meta device: no memory, no weights."""
    import json

    import torch
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    from headshot_studio import paths
    from headshot_studio.core.hardware import _PARAMS_M

    def count(module) -> float:
        return sum(p.numel() for p in module.parameters()) / 1e6

    for architecture, counts in _PARAMS_M.items():
        folder = paths.resources_dir() / "models" / "configs" / architecture
        config = lambda name: json.loads((folder / name / "config.json").read_text())  # noqa: E731
        with torch.device("meta"):
            unet = count(UNet2DConditionModel.from_config(config("unet")))
            vae = count(AutoencoderKL.from_config(config("vae")))
            text = count(CLIPTextModel(CLIPTextConfig(**config("text_encoder"))))
            if (folder / "text_encoder_2").is_dir():
                text += count(CLIPTextModelWithProjection(CLIPTextConfig(**config("text_encoder_2"))))
        for name, measured in (("unet", unet), ("vae", vae), ("text", text)):
            assert abs(measured - counts[name]) / measured < 0.02, (architecture, name, measured)


# Real cards' names, compute capabilities and free memory (a little below their size).
CARDS = {
    "Pascal GTX 1080": (DeviceInfo("cuda", "NVIDIA GeForce GTX 1080", 8.0, 7.4, (6, 1)), "fp32"),
    "Pascal P100": (DeviceInfo("cuda", "Tesla P100-PCIE-16GB", 16.0, 15.5, (6, 0)), "fp16"),
    "Turing GTX 1660 Super": (DeviceInfo("cuda", "NVIDIA GeForce GTX 1660 SUPER", 6.0, 5.6, (7, 5)), "fp32"),
    "Turing RTX 2070": (DeviceInfo("cuda", "NVIDIA GeForce RTX 2070", 8.0, 7.3, (7, 5)), "fp16"),
    "Turing T4": (DeviceInfo("cuda", "Tesla T4", 15.0, 14.5, (7, 5)), "fp16"),
    "Ampere RTX 3060": (DeviceInfo("cuda", "NVIDIA GeForce RTX 3060", 12.0, 11.3, (8, 6)), "bf16"),
    "Ada RTX 4090": (DeviceInfo("cuda", "NVIDIA GeForce RTX 4090", 24.0, 23.0, (8, 9)), "bf16"),
    "Hopper H100": (DeviceInfo("cuda", "NVIDIA H100 80GB HBM3", 80.0, 79.0, (9, 0)), "bf16"),
}


@pytest.mark.parametrize("card", CARDS)
def test_precision_is_chosen_from_the_cards_compute_capability_and_name(card):
    device, expected = CARDS[card]
    if device.name.startswith("NVIDIA GeForce GTX 1660"):
        with pytest.raises(NotEnoughVramError, match="need at least"):
            plan_run(full_size(models.SD15), device)  # 5.6 GB free cannot hold SD1.5 in fp32
        device = dataclasses.replace(device, free_vram_gb=7.9, total_vram_gb=8.0)  # a roomier 16xx
    plan = plan_run(full_size(models.SD15), device)
    assert plan.precision == expected
    assert any(note.startswith(expected) for note in plan.notes)
    # whatever the precision, the plan's expected peaks fit in the free memory (fp32
    # weights take twice the room, so such cards get a lighter tier)
    assert max(plan.estimated_train_gb, plan.estimated_generate_gb) <= device.free_vram_gb

