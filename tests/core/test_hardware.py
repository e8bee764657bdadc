"""RunPlan choices from free VRAM, and the no-GPU refusal."""

from __future__ import annotations

import dataclasses

import pytest

from headshot_studio.core import models
from headshot_studio.core.events import NoGpuError, NotEnoughVramError
from headshot_studio.core.hardware import DeviceInfo, detect_device, plan_run


def gpu(free_gb: float, bf16: bool = True) -> DeviceInfo:
    return DeviceInfo(kind="cuda", name="Test GPU", total_vram_gb=24.0, free_vram_gb=free_gb, bf16_supported=bf16)


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
    frees = [48, 24, 16, 12, 10, 8, 6, 4]
    for architecture in (models.SD15, models.SDXL):
        plans = [plan_run(full_size(architecture), gpu(f)) for f in frees if f >= (8 if architecture == models.SDXL else 4)]
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
