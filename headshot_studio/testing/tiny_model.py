"""Tiny Stable-Diffusion-architecture models with random weights, built offline.

They have exactly the components, configs and file layout of real SD1.5-class and
SDXL-class models in diffusers format (UNet, VAE, CLIP text encoder(s), CLIP BPE
tokenizer(s), scheduler), so the app loads, trains and generates with them through
the same code as with a real model, just thousands of times smaller: a 64 px
train-and-generate round trip takes seconds on a CPU.

The tokenizer vocabulary is written here: the 512 byte-level symbols CLIP's BPE starts
from (plain and end-of-word), a handful of merges for words our prompts use, and the
two special tokens. No file is downloaded.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch

from headshot_studio.testing.clip_tokenizer import write_vocab_files

TINY_RESOLUTION = 64  # pixels; the VAE downsamples x2, the UNet works on 32x32 latents
_MERGE_WORDS = ("photo", "portrait", "person", "headshot", "studio", "light", "professional")


def _merges_for(word: str) -> list[tuple[str, str]]:
    """Left-to-right merges that build ``word</w>`` from its characters."""
    symbols = list(word[:-1]) + [word[-1] + "</w>"]
    merges = []
    while len(symbols) > 1:
        merges.append((symbols[0], symbols[1]))
        symbols = [symbols[0] + symbols[1]] + symbols[2:]
    return merges


def write_tiny_tokenizer(folder: Path, pad_token: str = "<|endoftext|>") -> int:
    """Write a CLIP BPE tokenizer (vocab.json, merges.txt, configs); return its size."""
    merges: list[tuple[str, str]] = []
    for word in _MERGE_WORDS:
        merges += [m for m in _merges_for(word) if m not in merges]
    vocab_size = write_vocab_files(folder, merges)
    special = {
        "bos_token": "<|startoftext|>",
        "eos_token": "<|endoftext|>",
        "unk_token": "<|endoftext|>",
        "pad_token": pad_token,
    }
    (folder / "special_tokens_map.json").write_text(json.dumps(special, indent=2), encoding="utf-8")
    config = special | {
        "tokenizer_class": "CLIPTokenizer",
        "model_max_length": 77,
        "do_lower_case": True,
        "clean_up_tokenization_spaces": True,
    }
    (folder / "tokenizer_config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    return vocab_size


def _text_encoder_config(vocab_size: int, with_projection: bool, hidden_size: int = 32, layers: int = 2):
    from transformers import CLIPTextConfig

    return CLIPTextConfig(
        vocab_size=vocab_size,
        hidden_size=hidden_size,
        intermediate_size=2 * hidden_size,
        num_hidden_layers=layers,
        num_attention_heads=4,
        max_position_embeddings=77,
        projection_dim=32,
        hidden_act="quick_gelu" if not with_projection else "gelu",
        bos_token_id=vocab_size - 2,
        eos_token_id=vocab_size - 1,
        pad_token_id=vocab_size - 1,
    )


def _tiny_vae():
    from diffusers import AutoencoderKL

    return AutoencoderKL(
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"),
        block_out_channels=(32, 64),
        layers_per_block=1,
        latent_channels=4,
        norm_num_groups=32,
        sample_size=TINY_RESOLUTION,
        scaling_factor=0.18215,
    )


def build_tiny_sd15(folder: Path, seed: int = 0) -> Path:
    """Write a tiny SD1.5-architecture model in diffusers format into ``folder``."""
    from diffusers import PNDMScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextModel, CLIPTokenizer

    folder = Path(folder)
    torch.manual_seed(seed)
    unet = UNet2DConditionModel(
        sample_size=TINY_RESOLUTION // 2,
        in_channels=4,
        out_channels=4,
        layers_per_block=1,
        block_out_channels=(32, 64),
        down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=32,
        attention_head_dim=8,
        norm_num_groups=32,
    )
    vae = _tiny_vae()
    tokenizer_dir = folder / "_tokenizer_src"
    vocab_size = write_tiny_tokenizer(tokenizer_dir)
    tokenizer = CLIPTokenizer.from_pretrained(tokenizer_dir, local_files_only=True)
    text_encoder = CLIPTextModel(_text_encoder_config(vocab_size, with_projection=False))
    # The scheduler settings are SD1.5's own, so the noise schedule is the real one.
    scheduler = PNDMScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        num_train_timesteps=1000,
        skip_prk_steps=True,
        steps_offset=1,
        set_alpha_to_one=False,
    )
    pipe = StableDiffusionPipeline(
        unet=unet,
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        scheduler=scheduler,
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipe.save_pretrained(folder, safe_serialization=True)
    _remove_tree(tokenizer_dir)
    return folder


def build_tiny_sdxl(folder: Path, seed: int = 0) -> Path:
    """Write a tiny SDXL-architecture model (two text encoders, micro-conditioning)."""
    from diffusers import EulerDiscreteScheduler, StableDiffusionXLPipeline, UNet2DConditionModel
    from transformers import CLIPTextModel, CLIPTextModelWithProjection, CLIPTokenizer

    folder = Path(folder)
    torch.manual_seed(seed)
    time_embed_dim = 8
    unet = UNet2DConditionModel(
        sample_size=TINY_RESOLUTION // 2,
        in_channels=4,
        out_channels=4,
        layers_per_block=1,
        block_out_channels=(32, 64),
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        attention_head_dim=(2, 4),
        use_linear_projection=True,
        addition_embed_type="text_time",
        addition_time_embed_dim=time_embed_dim,
        transformer_layers_per_block=(1, 2),
        # 6 micro-conditioning numbers (sizes and crop) + text_encoder_2's pooled output
        projection_class_embeddings_input_dim=6 * time_embed_dim + 32,
        cross_attention_dim=16 + 48,  # both text encoders' hidden states, concatenated
        norm_num_groups=32,
    )
    vae = _tiny_vae()
    tok1_dir, tok2_dir = folder / "_tokenizer_src", folder / "_tokenizer_2_src"
    vocab_size = write_tiny_tokenizer(tok1_dir)
    write_tiny_tokenizer(tok2_dir, pad_token="!")  # as SDXL's second tokenizer pads
    scheduler = EulerDiscreteScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        num_train_timesteps=1000,
        steps_offset=1,
        timestep_spacing="leading",
    )
    pipe = StableDiffusionXLPipeline(
        unet=unet,
        vae=vae,
        # The encoders differ in width, and the second has 10 layers, as in real SDXL:
        # diffusers' single-file loader tells them apart (and SDXL from SD1.5) that way.
        text_encoder=CLIPTextModel(_text_encoder_config(vocab_size, False, hidden_size=16)),
        text_encoder_2=CLIPTextModelWithProjection(_text_encoder_config(vocab_size, True, hidden_size=48, layers=10)),
        tokenizer=CLIPTokenizer.from_pretrained(tok1_dir, local_files_only=True),
        tokenizer_2=CLIPTokenizer.from_pretrained(tok2_dir, local_files_only=True),
        scheduler=scheduler,
    )
    pipe.save_pretrained(folder, safe_serialization=True)
    _remove_tree(tok1_dir)
    _remove_tree(tok2_dir)
    return folder


def edit_config(folder: Path, name: str, **changes) -> dict:
    """Change entries of a model folder's JSON config ``name`` (``unet/config.json``...);
    returns the config as it was, to put back."""
    path = folder / name
    original = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(original | changes), encoding="utf-8")
    return original


def claim_native_resolution(folder: Path, resolution: int) -> Path:
    """Make a built model's configs say it was trained at ``resolution`` px (the UNet's
    sample size times the VAE's scale), e.g. 1024 to stand in for SDXL where only the
    size matters (photo checks); its weights stay tiny."""
    vae = json.loads((folder / "vae" / "config.json").read_text(encoding="utf-8"))
    edit_config(folder, "unet/config.json", sample_size=resolution // 2 ** (len(vae["block_out_channels"]) - 1))
    return folder


def _remove_tree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)
