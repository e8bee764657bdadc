"""Full-size SD1.5 and SDXL models in diffusers layout, with random weights, built from
the shipped configs: what the GPU tests and benchmarks/gpu_pipeline.py measure memory and
speed on (weights cannot be downloaded here; sizes and shapes are all that matters)."""

from __future__ import annotations

import gc
import json
from pathlib import Path

from headshot_studio import paths


def _read_config(folder: Path, name: str = "config.json") -> dict:
    return json.loads((folder / name).read_text(encoding="utf-8"))


def free_memory() -> None:
    """Give back what unreachable tensors held: Python's garbage, then the GPU's cache."""
    import torch

    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def build_full_size_folder(arch: str, folder: Path, device: str) -> None:
    """Write a full-size ``arch`` ("sd15" or "sdxl") model with random weights in fp16.

    Each weighted component is initialised on ``device`` (the GPU initialises a
    2.6 B-parameter UNet in a second; the CPU takes minutes), then moved to the CPU in
    fp16 before the next, so the GPU holds one fp32 component at a time."""
    import diffusers
    import torch
    from diffusers import AutoencoderKL, StableDiffusionPipeline, StableDiffusionXLPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection, CLIPTokenizer

    source = paths.model_configs_dir() / arch
    torch.manual_seed(0)

    def make(factory):
        with torch.device(device):
            module = factory()
        module.to("cpu", torch.float16)
        module.eval()
        free_memory()
        return module

    parts = {
        "unet": make(lambda: UNet2DConditionModel.from_config(_read_config(source / "unet"))),
        "vae": make(lambda: AutoencoderKL.from_config(_read_config(source / "vae"))),
        "text_encoder": make(lambda: CLIPTextModel(CLIPTextConfig.from_pretrained(source / "text_encoder"))),
        "tokenizer": CLIPTokenizer.from_pretrained(source / "tokenizer", local_files_only=True),
    }
    scheduler_config = _read_config(source / "scheduler", "scheduler_config.json")
    parts["scheduler"] = getattr(diffusers, scheduler_config["_class_name"]).from_config(scheduler_config)
    if arch == "sdxl":
        parts["text_encoder_2"] = make(
            lambda: CLIPTextModelWithProjection(CLIPTextConfig.from_pretrained(source / "text_encoder_2"))
        )
        parts["tokenizer_2"] = CLIPTokenizer.from_pretrained(source / "tokenizer_2", local_files_only=True)
        pipe = StableDiffusionXLPipeline(**parts)
    else:
        pipe = StableDiffusionPipeline(
            **parts, safety_checker=None, feature_extractor=None, requires_safety_checker=False
        )
    pipe.save_pretrained(folder, safe_serialization=True)
    del pipe, parts
    free_memory()
