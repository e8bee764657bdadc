"""Full-size single-file checkpoints of every kind people download, built in code.

No real weights can ship with the tests, but a checkpoint's kind is decided from its
safetensors header (names, shapes, dtypes), so the corpus writes each kind in the exact
key layout of the files people download, at full size:

* base models are built from the shipped full-size configs (``resources/models/configs``)
  on PyTorch's meta device and written in the original LDM layout
  (``model.diffusion_model.*``, ``first_stage_model.*``,
  ``cond_stage_model.transformer.text_model.*`` / ``conditioner.embedders.0/1.*``) with
  what real files carry besides: the ``position_ids`` buffer, the DDPM schedule buffers
  (``betas``, ``alphas_cumprod``...), EMA weights under ``model_ema.`` with the dots of
  their names removed, OpenCLIP's ``logit_scale``;
* the other kinds (inpainting, pix2pix, SD2.x, the SDXL refiner, SD3, FLUX, LoRA,
  LyCORIS, VAE, embeddings, ControlNet, ESRGAN upscaler) in their own layouts.

:func:`write_header_only` writes such a layout as a valid safetensors file whose data
is a sparse run of zeros (no disk, no time), enough for every decision made from the
header. :func:`random_base_checkpoint` writes a base model's tensors with random values,
for tests that import one and compare every tensor.
"""

from __future__ import annotations

import json
import math
import os
import struct
from pathlib import Path

import torch

from headshot_studio import paths
from headshot_studio.core.checkpoints import EMA_PREFIX, SD15, SDXL, UNET_PREFIX, ema_key
from headshot_studio.testing.single_file import (
    SD15_CLIP_PREFIX,
    SDXL_CLIP_PREFIX,
    SDXL_OPEN_CLIP_PREFIX,
    VAE_PREFIX,
    clip_to_ldm,
    open_clip_to_ldm,
    unet_to_ldm,
    vae_to_ldm,
)

Layout = dict[str, tuple[str, tuple[int, ...]]]  # name -> (safetensors dtype, shape)
StateDict = dict[str, torch.Tensor]

_DTYPE_NAMES = {torch.float16: "F16", torch.bfloat16: "BF16", torch.float32: "F32", torch.int64: "I64",
                torch.int32: "I32"}
_DTYPE_BYTES = {"F16": 2, "BF16": 2, "F32": 4, "I64": 8, "I32": 4}
# What LDM training scripts store beside the weights (ldm/models/diffusion/ddpm.py).
SCHEDULE_BUFFERS = ("betas", "alphas_cumprod", "alphas_cumprod_prev", "sqrt_alphas_cumprod",
                    "sqrt_one_minus_alphas_cumprod", "log_one_minus_alphas_cumprod", "sqrt_recip_alphas_cumprod",
                    "sqrt_recipm1_alphas_cumprod", "posterior_variance", "posterior_log_variance_clipped",
                    "posterior_mean_coef1", "posterior_mean_coef2")


def _config(architecture: str, component: str) -> dict:
    path = paths.model_configs_dir() / architecture / component / "config.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _build(architecture: str, component: str, device: str):
    """A diffusers/transformers component from the shipped full-size config."""
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    config = _config(architecture, component)
    with torch.device(device):
        if component == "unet":
            return UNet2DConditionModel.from_config(config), config
        if component == "vae":
            return AutoencoderKL.from_config(config), config
        text_config = CLIPTextConfig(**{k: v for k, v in config.items() if not k.startswith("_")})
        model_class = CLIPTextModelWithProjection if component == "text_encoder_2" else CLIPTextModel
        return model_class(text_config), config


def base_state(architecture: str, *, random: bool = False, dtype: torch.dtype = torch.float16,
               seed: int = 0) -> StateDict:
    """A base model's weights in the LDM layout (no extras): meta tensors (shapes only),
    or with ``random`` values drawn per tensor (reproducible with ``seed``) in ``dtype``."""
    checkpoint: StateDict = {}

    def add(prefix: str, tensors: StateDict) -> None:
        for key, tensor in tensors.items():
            checkpoint[prefix + key] = tensor.to(dtype) if tensor.is_floating_point() else tensor

    unet, config = _build(architecture, "unet", "meta")
    add(UNET_PREFIX, unet_to_ldm(unet.state_dict(), config))
    vae, config = _build(architecture, "vae", "meta")
    add(VAE_PREFIX, vae_to_ldm(vae.state_dict(), config))
    text, _ = _build(architecture, "text_encoder", "meta")
    add(SD15_CLIP_PREFIX if architecture == SD15 else SDXL_CLIP_PREFIX, clip_to_ldm(text.state_dict()))
    if architecture == SDXL:
        text_2, _ = _build(architecture, "text_encoder_2", "meta")
        add(SDXL_OPEN_CLIP_PREFIX, open_clip_to_ldm(text_2.state_dict()))
    if random:
        # Drawing values per tensor is ~10x faster than the modules' own initialisers,
        # and values are all an import test compares.
        generator = torch.Generator().manual_seed(seed)
        checkpoint = {key: (0.02 * torch.randn(tuple(t.shape), generator=generator)).to(t.dtype)
                      if t.is_floating_point() else torch.zeros(tuple(t.shape), dtype=t.dtype)
                      for key, t in checkpoint.items()}
    return checkpoint


def layout_of(state: StateDict) -> Layout:
    return {key: (_DTYPE_NAMES[tensor.dtype], tuple(tensor.shape)) for key, tensor in state.items()}


def real_file_extras(architecture: str, *, ema_of: Layout | None = None) -> Layout:
    """What downloaded files carry besides the weights: the text encoder's position_ids
    buffer, the DDPM schedule, OpenCLIP's logit_scale, and (``ema_of``: the UNet layout
    to copy) EMA weights with their decay and update count."""
    extras: Layout = {name: ("F32", (1000,)) for name in SCHEDULE_BUFFERS}
    clip = SD15_CLIP_PREFIX if architecture == SD15 else SDXL_CLIP_PREFIX
    extras[clip + "text_model.embeddings.position_ids"] = ("I64", (1, 77))
    if architecture == SDXL:
        extras[SDXL_OPEN_CLIP_PREFIX + "logit_scale"] = ("F32", ())
    if ema_of is not None:
        extras[EMA_PREFIX + "decay"] = ("F32", ())
        extras[EMA_PREFIX + "num_updates"] = ("I32", ())
        for key, (dtype, shape) in ema_of.items():
            if key.startswith(UNET_PREFIX):
                extras[ema_key(key)] = (dtype, shape)
    return extras


def base_layout(architecture: str, *, dtype: str = "F16", ema: bool = False, extras: bool = True) -> Layout:
    """A full-size base checkpoint's header layout, as downloaded files have it."""
    torch_dtype = {value: key for key, value in _DTYPE_NAMES.items()}[dtype]
    layout = layout_of(base_state(architecture, dtype=torch_dtype))
    if extras:
        layout |= real_file_extras(architecture, ema_of=layout if ema else None)
    return layout


# --- the other kinds ----------------------------------------------------------------------


def with_conv_in_channels(layout: Layout, channels: int) -> Layout:
    """An SD UNet whose first convolution takes ``channels`` inputs: 9 for inpainting
    (latents + mask + masked image), 8 for instruct-pix2pix, 7 for the x4 upscaler."""
    key = UNET_PREFIX + "input_blocks.0.0.weight"
    dtype, shape = layout[key]
    return layout | {key: (dtype, (shape[0], channels, *shape[2:]))}


def _open_clip_layout(prefix: str, *, width: int, layers: int, dtype: str = "F16") -> Layout:
    """OpenCLIP text tower names (SD2.x: ViT-H ``cond_stage_model.model.``; SDXL refiner:
    ViT-bigG ``conditioner.embedders.0.model.``)."""
    layout: Layout = {
        prefix + "token_embedding.weight": (dtype, (49408, width)),
        prefix + "positional_embedding": (dtype, (77, width)),
        prefix + "ln_final.weight": (dtype, (width,)),
        prefix + "ln_final.bias": (dtype, (width,)),
        prefix + "text_projection": (dtype, (width, width)),
        prefix + "logit_scale": ("F32", ()),
    }
    for i in range(layers):
        block = f"{prefix}transformer.resblocks.{i}."
        layout |= {
            block + "attn.in_proj_weight": (dtype, (3 * width, width)),
            block + "attn.in_proj_bias": (dtype, (3 * width,)),
            block + "attn.out_proj.weight": (dtype, (width, width)),
            block + "attn.out_proj.bias": (dtype, (width,)),
            block + "ln_1.weight": (dtype, (width,)), block + "ln_1.bias": (dtype, (width,)),
            block + "ln_2.weight": (dtype, (width,)), block + "ln_2.bias": (dtype, (width,)),
            block + "mlp.c_fc.weight": (dtype, (4 * width, width)), block + "mlp.c_fc.bias": (dtype, (4 * width,)),
            block + "mlp.c_proj.weight": (dtype, (width, 4 * width)), block + "mlp.c_proj.bias": (dtype, (width,)),
        }
    return layout


def sd2_layout() -> Layout:
    """SD2.x: an SD-style UNet and VAE with OpenCLIP ViT-H/14 as the text encoder."""
    base = {k: v for k, v in base_layout(SD15, extras=False).items() if not k.startswith(SD15_CLIP_PREFIX)}
    return base | _open_clip_layout("cond_stage_model.model.", width=1024, layers=24)


def sdxl_refiner_layout() -> Layout:
    """The SDXL refiner: its own UNet, the VAE and only OpenCLIP ViT-bigG, in slot 0."""
    base = base_layout(SDXL, extras=False)
    kept = {k: v for k, v in base.items() if k.startswith((UNET_PREFIX, VAE_PREFIX))}
    return kept | _open_clip_layout("conditioner.embedders.0.model.", width=1280, layers=32)


def sd3_layout(blocks: int = 24, width: int = 1536) -> Layout:
    """SD3 medium in the original layout (MMDiT joint blocks), with its CLIP-L text encoder."""
    prefix = UNET_PREFIX
    layout: Layout = {
        prefix + "x_embedder.proj.weight": ("F16", (width, 16, 2, 2)),
        prefix + "pos_embed": ("F16", (1, 36864, width)),
        prefix + "t_embedder.mlp.0.weight": ("F16", (width, 256)),
        prefix + "y_embedder.mlp.0.weight": ("F16", (width, 2048)),
        prefix + "context_embedder.weight": ("F16", (width, 4096)),
        prefix + "final_layer.linear.weight": ("F16", (64, width)),
        "text_encoders.clip_l.transformer.text_model.embeddings.position_embedding.weight": ("F16", (77, 768)),
    }
    for i in range(blocks):
        for part in ("context_block", "x_block"):
            block = f"{prefix}joint_blocks.{i}.{part}."
            layout |= {
                block + "adaLN_modulation.1.weight": ("F16", (6 * width, width)),
                block + "adaLN_modulation.1.bias": ("F16", (6 * width,)),
                block + "attn.qkv.weight": ("F16", (3 * width, width)),
                block + "attn.proj.weight": ("F16", (width, width)),
                block + "mlp.fc1.weight": ("F16", (4 * width, width)),
                block + "mlp.fc2.weight": ("F16", (width, 4 * width)),
            }
    return layout


def flux_layout(double: int = 19, single: int = 38, width: int = 3072) -> Layout:
    """FLUX.1 transformer as distributed (BFL layout: double and single stream blocks)."""
    layout: Layout = {
        "img_in.weight": ("BF16", (width, 64)), "txt_in.weight": ("BF16", (width, 4096)),
        "time_in.in_layer.weight": ("BF16", (width, 256)), "vector_in.in_layer.weight": ("BF16", (width, 768)),
        "final_layer.linear.weight": ("BF16", (64, width)),
    }
    for i in range(double):
        for stream in ("img", "txt"):
            block = f"double_blocks.{i}.{stream}_"
            layout |= {
                block + "attn.qkv.weight": ("BF16", (3 * width, width)),
                block + "attn.norm.key_norm.scale": ("BF16", (128,)),
                block + "attn.norm.query_norm.scale": ("BF16", (128,)),
                block + "attn.proj.weight": ("BF16", (width, width)),
                block + "mlp.0.weight": ("BF16", (4 * width, width)),
                block + "mod.lin.weight": ("BF16", (6 * width, width)),
            }
    for i in range(single):
        layout |= {f"single_blocks.{i}.linear1.weight": ("BF16", (7 * width, width)),
                   f"single_blocks.{i}.linear2.weight": ("BF16", (width, 5 * width))}
    return layout


def _attention_modules(architecture: str) -> list[tuple[str, int, int]]:
    """(diffusers module path, in features, out features) of every attention projection."""
    unet, _ = _build(architecture, "unet", "meta")
    modules = []
    for name, module in unet.named_modules():
        if name.rsplit(".", 1)[-1] in ("to_q", "to_k", "to_v", "to_out.0") or name.endswith("to_out.0"):
            modules.append((name, module.in_features, module.out_features))
    return modules


def lora_layout(architecture: str = SD15, rank: int = 32, *, lycoris: bool = False) -> Layout:
    """A kohya-style LoRA (``lora_unet_<module>.lora_down/up.weight`` + ``.alpha``), or
    with ``lycoris`` a LoHa (``hada_w1_a``... instead of down/up)."""
    layout: Layout = {}
    for name, fan_in, fan_out in _attention_modules(architecture):
        key = "lora_unet_" + name.replace(".", "_")
        if lycoris:
            layout |= {f"{key}.hada_w1_a": ("F16", (fan_out, rank)), f"{key}.hada_w1_b": ("F16", (rank, fan_in)),
                       f"{key}.hada_w2_a": ("F16", (fan_out, rank)), f"{key}.hada_w2_b": ("F16", (rank, fan_in))}
        else:
            layout |= {f"{key}.lora_down.weight": ("F16", (rank, fan_in)),
                       f"{key}.lora_up.weight": ("F16", (fan_out, rank))}
        layout[f"{key}.alpha"] = ("F16", ())
    return layout


def vae_layout() -> Layout:
    """A VAE on its own (as sd-vae-ft-mse is distributed): LDM names without a prefix."""
    return {k[len(VAE_PREFIX):]: v for k, v in base_layout(SD15, extras=False).items() if k.startswith(VAE_PREFIX)}


def embedding_layout(architecture: str = SD15, vectors: int = 8) -> Layout:
    """A textual-inversion embedding: ``emb_params`` (SD1.5) or ``clip_l``/``clip_g`` (SDXL)."""
    if architecture == SD15:
        return {"emb_params": ("F32", (vectors, 768))}
    return {"clip_l": ("F32", (vectors, 768)), "clip_g": ("F32", (vectors, 1280))}


def controlnet_layout() -> Layout:
    """An SD1.5 ControlNet in the original layout: the UNet's encoder half under
    ``control_model.`` plus its hint encoder and zero convolutions."""
    unet = {k: v for k, v in base_layout(SD15, extras=False).items()
            if k.startswith((UNET_PREFIX + "input_blocks.", UNET_PREFIX + "middle_block.", UNET_PREFIX + "time_embed."))}
    layout = {"control_model." + k[len(UNET_PREFIX):]: v for k, v in unet.items()}
    layout["control_model.input_hint_block.0.weight"] = ("F16", (16, 3, 3, 3))
    for i in range(12):
        layout[f"control_model.zero_convs.{i}.0.weight"] = ("F16", (320, 320, 1, 1))
    layout["control_model.middle_block_out.0.weight"] = ("F16", (1280, 1280, 1, 1))
    return layout


def esrgan_layout(blocks: int = 23, features: int = 64, growth: int = 32) -> Layout:
    """Real-ESRGAN x4plus (RRDBNet) as its safetensors conversions are distributed."""
    layout: Layout = {"conv_first.weight": ("F32", (features, 3, 3, 3)), "conv_first.bias": ("F32", (features,))}
    for b in range(blocks):
        for r in (1, 2, 3):
            for c in range(1, 6):
                fan_in = features + (c - 1) * growth
                fan_out = features if c == 5 else growth
                layout[f"body.{b}.rdb{r}.conv{c}.weight"] = ("F32", (fan_out, fan_in, 3, 3))
                layout[f"body.{b}.rdb{r}.conv{c}.bias"] = ("F32", (fan_out,))
    for name in ("conv_body", "conv_up1", "conv_up2", "conv_hr"):
        layout[f"{name}.weight"] = ("F32", (features, features, 3, 3))
    layout["conv_last.weight"] = ("F32", (3, features, 3, 3))
    return layout


# --- writing ------------------------------------------------------------------------------


def write_header_only(path: Path, layout: Layout, metadata: dict[str, str] | None = None) -> Path:
    """A valid safetensors file with ``layout``'s tensors, all zeros, written sparse:
    full size on paper, nothing on disk, in milliseconds."""
    header: dict = {"__metadata__": metadata or {"format": "pt"}}
    offset = 0
    for name, (dtype, shape) in layout.items():
        size = math.prod(shape) * _DTYPE_BYTES[dtype]
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(struct.pack("<Q", len(encoded)))
        fh.write(encoded)
        fh.truncate(8 + len(encoded) + offset)
    return path


def random_base_checkpoint(path: Path, architecture: str = SD15, *, dtype: torch.dtype = torch.float16,
                           ema: bool = True) -> tuple[StateDict, StateDict | None]:
    """Write a full-size base checkpoint with random weights, the real files' extras and
    (``ema``) a different random EMA copy of the UNet. Returns (the weights as written,
    the EMA UNet in the same LDM names), for comparing with what an import produced."""
    from safetensors.torch import save_file

    weights = base_state(architecture, random=True, dtype=dtype, seed=1)
    tensors = dict(weights)
    ema_unet = None
    if ema:
        generator = torch.Generator().manual_seed(2)
        ema_unet = {key: (tensor.float() + 0.01 * torch.randn(tuple(tensor.shape), generator=generator)).to(dtype)
                    for key, tensor in weights.items() if key.startswith(UNET_PREFIX)}
        tensors |= {ema_key(key): tensor for key, tensor in ema_unet.items()}
    for name, (dtype_name, shape) in real_file_extras(architecture).items():
        tensors[name] = (torch.arange(77).view(1, 77) if name.endswith("position_ids")
                         else torch.zeros(shape, dtype=torch.float32))
    if ema:
        tensors[EMA_PREFIX + "decay"] = torch.tensor(0.9999)
        tensors[EMA_PREFIX + "num_updates"] = torch.tensor(1000, dtype=torch.int32)
    partial = Path(str(path) + ".partial")
    save_file({k: v.contiguous() for k, v in tensors.items()}, str(partial), metadata={"format": "pt"})
    os.replace(partial, path)
    return weights, ema_unet
