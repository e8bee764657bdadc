"""The baseline the benchmarks compare against: plain diffusers + peft calls doing the
same work as the app, written the way diffusers' DreamBooth-LoRA example scripts
(``train_dreambooth_lora.py`` / ``train_dreambooth_lora_sdxl.py``) do it with their
default options:

* components loaded one by one, frozen in half precision (fp32 on a CPU), the UNet
  given LoRA adapters on ``to_k/to_q/to_v/to_out.0`` (rank r, alpha r, gaussian init),
  adapters cast to fp32, torch AdamW (lr 1e-4, the scripts' betas/eps/weight decay);
* every step: the images go through the VAE, the captions through the text
  encoder(s) (no caching: the scripts' default), noise-prediction MSE loss under
  autocast (fp16 with a GradScaler, as accelerate's mixed precision), gradient clipping
  at 1.0; no gradient checkpointing (off by default);
* the LoRA saved with ``save_lora_weights``;
* generation as the scripts' validation: ``DiffusionPipeline.from_pretrained`` +
  ``load_lora_weights``, one image per call, each saved as a PNG.

Only the calls the work needs are here (no accelerate, no argument parsing, no
torchvision, which has no usable CPU build on our machines): image preprocessing is the
scripts' Resize + CenterCrop + Normalize([0.5], [0.5]) written with Pillow.
"""

from __future__ import annotations

import time
from pathlib import Path

import torch

UNET_TARGETS = ["to_k", "to_q", "to_v", "to_out.0"]


def _pixels(path: Path, resolution: int) -> torch.Tensor:
    from PIL import Image

    with Image.open(path) as im:
        im = im.convert("RGB")
        scale = resolution / min(im.size)
        im = im.resize((max(resolution, round(im.width * scale)), max(resolution, round(im.height * scale))),
                       Image.Resampling.BILINEAR)
        left, top = (im.width - resolution) // 2, (im.height - resolution) // 2
        im = im.crop((left, top, left + resolution, top + resolution))
        data = torch.frombuffer(bytearray(im.tobytes()), dtype=torch.uint8)
    return data.view(resolution, resolution, 3).permute(2, 0, 1).float() / 127.5 - 1.0


def train(model_dir: Path, data_dir: Path, out_dir: Path, *, steps: int, rank: int, resolution: int,
          batch_size: int = 1, device: str = "cpu", sdxl: bool = False, seed: int = 0) -> dict:
    """Train a LoRA the reference way; returns timings (seconds) and the peak memory."""
    import torch.nn.functional as F
    from diffusers import AutoencoderKL, DDPMScheduler, UNet2DConditionModel
    from diffusers.training_utils import cast_training_params
    from diffusers.utils import convert_state_dict_to_diffusers
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict
    from transformers import AutoTokenizer, CLIPTextModel, CLIPTextModelWithProjection

    started = time.perf_counter()
    torch.manual_seed(seed)
    dev = torch.device(device)
    weight_dtype = torch.float16 if dev.type == "cuda" else torch.float32
    if dev.type == "cuda":
        torch.cuda.reset_peak_memory_stats()
    load = {"local_files_only": True}
    noise_scheduler = DDPMScheduler.from_pretrained(model_dir, subfolder="scheduler", **load)
    tokenizers = [AutoTokenizer.from_pretrained(model_dir, subfolder="tokenizer", use_fast=False, **load)]
    text_encoders = [CLIPTextModel.from_pretrained(model_dir, subfolder="text_encoder", **load)]
    if sdxl:
        tokenizers.append(AutoTokenizer.from_pretrained(model_dir, subfolder="tokenizer_2", use_fast=False, **load))
        text_encoders.append(CLIPTextModelWithProjection.from_pretrained(model_dir, subfolder="text_encoder_2", **load))
    vae = AutoencoderKL.from_pretrained(model_dir, subfolder="vae", **load)
    unet = UNet2DConditionModel.from_pretrained(model_dir, subfolder="unet", **load)
    for module in (vae, unet, *text_encoders):
        module.requires_grad_(False)
    # The SDXL script keeps its VAE in fp32 (it overflows in fp16).
    vae.to(dev, dtype=torch.float32 if sdxl else weight_dtype)
    unet.to(dev, dtype=weight_dtype)
    for te in text_encoders:
        te.to(dev, dtype=weight_dtype)
    unet.add_adapter(LoraConfig(r=rank, lora_alpha=rank, init_lora_weights="gaussian", target_modules=UNET_TARGETS))
    cast_training_params(unet, dtype=torch.float32)
    params = [p for p in unet.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=1e-4, betas=(0.9, 0.999), weight_decay=1e-2, eps=1e-8)
    scaler = torch.amp.GradScaler("cuda") if weight_dtype == torch.float16 else None

    images = sorted(p for p in data_dir.iterdir() if p.suffix.lower() in {".png", ".jpg", ".jpeg", ".webp"})
    captions = [p.with_suffix(".txt").read_text(encoding="utf-8").strip() for p in images]
    if dev.type == "cuda":
        torch.cuda.synchronize()
    loaded = time.perf_counter()

    def encode_prompt(texts: list[str]):
        embeds, pooled = [], None
        for tokenizer, te in zip(tokenizers, text_encoders):
            ids = tokenizer(texts, padding="max_length", max_length=tokenizer.model_max_length, truncation=True,
                            return_tensors="pt").input_ids.to(dev)
            out = te(ids, output_hidden_states=sdxl)
            if sdxl:
                pooled = out[0]
                embeds.append(out.hidden_states[-2])
            else:
                embeds.append(out[0])
        return torch.cat(embeds, dim=-1), pooled

    unet.train()
    autocast = torch.autocast(dev.type, dtype=weight_dtype, enabled=weight_dtype != torch.float32)
    add_time_ids = torch.tensor([[resolution, resolution, 0, 0, resolution, resolution]], device=dev)
    for step in range(steps):
        batch = [(step * batch_size + k) % len(images) for k in range(batch_size)]
        pixels = torch.stack([_pixels(images[i], resolution) for i in batch]).to(dev, vae.dtype)
        # Outside autocast, as in the scripts (accelerate autocasts only the UNet's forward):
        # the SDXL VAE really encodes in fp32; under autocast it would run in fp16.
        latents = vae.encode(pixels).latent_dist.sample() * vae.config.scaling_factor
        latents = latents.to(weight_dtype)
        with autocast:
            noise = torch.randn_like(latents)
            timesteps = torch.randint(0, noise_scheduler.config.num_train_timesteps, (batch_size,), device=dev)
            noisy = noise_scheduler.add_noise(latents, noise, timesteps)
            embeds, pooled = encode_prompt([captions[i] for i in batch])
            extra = {}
            if sdxl:
                extra["added_cond_kwargs"] = {"text_embeds": pooled, "time_ids": add_time_ids.repeat(batch_size, 1)}
            prediction = unet(noisy, timesteps, embeds, **extra).sample
        target = noise if noise_scheduler.config.prediction_type == "epsilon" else \
            noise_scheduler.get_velocity(latents, noise, timesteps)
        loss = F.mse_loss(prediction.float(), target.float(), reduction="mean")
        if scaler is not None:
            scaler.scale(loss).backward()
            scaler.unscale_(optimizer)
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            scaler.step(optimizer)
            scaler.update()
        else:
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
        optimizer.zero_grad()
    if dev.type == "cuda":
        torch.cuda.synchronize()
    trained = time.perf_counter()

    from diffusers import StableDiffusionPipeline, StableDiffusionXLPipeline

    pipeline_class = StableDiffusionXLPipeline if sdxl else StableDiffusionPipeline
    out_dir.mkdir(parents=True, exist_ok=True)
    pipeline_class.save_lora_weights(
        out_dir, unet_lora_layers=convert_state_dict_to_diffusers(get_peft_model_state_dict(unet)),
        weight_name="lora.safetensors", safe_serialization=True,
    )
    peak = torch.cuda.max_memory_allocated() if dev.type == "cuda" else 0
    unet = vae = optimizer = text_encoders = params = None
    if dev.type == "cuda":
        torch.cuda.empty_cache()
    return {
        "load_s": loaded - started,
        "train_s": trained - loaded,
        "total_s": time.perf_counter() - started,
        "steps_per_s": steps / (trained - loaded),
        "peak_bytes": peak,
        "lora_path": out_dir / "lora.safetensors",
    }


def generate(model_dir: Path, lora_path: Path, out_dir: Path, prompts: list[tuple[str, int]], *, steps: int,
             guidance: float, resolution: int, negative: str, device: str = "cpu") -> dict:
    """One image per (prompt, seed), the scripts' validation way; returns timings."""
    from diffusers import DiffusionPipeline, DPMSolverMultistepScheduler

    started = time.perf_counter()
    dev = torch.device(device)
    dtype = torch.float16 if dev.type == "cuda" else torch.float32
    if dev.type == "cuda":
        torch.cuda.reset_peak_memory_stats()
    pipe = DiffusionPipeline.from_pretrained(model_dir, torch_dtype=dtype, local_files_only=True,
                                             **({} if "xl" in _pipeline_name(model_dir) else
                                                {"safety_checker": None, "requires_safety_checker": False}))
    pipe.scheduler = DPMSolverMultistepScheduler.from_config(pipe.scheduler.config)
    pipe.load_lora_weights(str(lora_path.parent), weight_name=lora_path.name)
    pipe.to(dev)
    pipe.set_progress_bar_config(disable=True)
    if dev.type == "cuda":
        torch.cuda.synchronize()
    loaded = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    for index, (prompt, seed) in enumerate(prompts):
        image = pipe(prompt, negative_prompt=negative, num_inference_steps=steps, guidance_scale=guidance,
                     width=resolution, height=resolution,
                     generator=torch.Generator(device="cpu").manual_seed(seed)).images[0]
        image.save(out_dir / f"{index:04d}.png")
    generated = time.perf_counter()
    peak = torch.cuda.max_memory_allocated() if dev.type == "cuda" else 0
    pipe = None
    if dev.type == "cuda":
        torch.cuda.empty_cache()
    return {
        "load_s": loaded - started,
        "generate_s": generated - loaded,
        "total_s": generated - started,
        "images_per_min": 60 * len(prompts) / (generated - loaded),
        "peak_bytes": peak,
    }


def _pipeline_name(model_dir: Path) -> str:
    import json

    return json.loads((Path(model_dir) / "model_index.json").read_text(encoding="utf-8"))["_class_name"].lower()
