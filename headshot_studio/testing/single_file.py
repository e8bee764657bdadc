"""Write a diffusers-format Stable Diffusion model as one original-layout checkpoint.

Users import single-file checkpoints (one ``.safetensors`` in the CompVis/LDM layout
that A1111, ComfyUI and model-sharing sites use), which the app converts with
diffusers' ``from_single_file``. Tests cannot ship real weights, so this module goes
the other way: it takes a (tiny) diffusers model and writes the single file a real
checkpoint of that architecture would be, with the same tensor names and shapes:

=====================  ==============================================================
component              prefix in the single file
=====================  ==============================================================
UNet                   ``model.diffusion_model.``
VAE                    ``first_stage_model.``
text encoder (SD1.5)   ``cond_stage_model.transformer.`` (HF CLIP layout)
text encoder (SDXL)    ``conditioner.embedders.0.transformer.`` (HF CLIP layout)
text encoder 2 (SDXL)  ``conditioner.embedders.1.model.`` (OpenCLIP layout)
=====================  ==============================================================

Each mapping below is the reverse of the matching converter in
``diffusers/loaders/single_file_utils.py`` (``convert_ldm_unet_checkpoint``,
``convert_ldm_vae_checkpoint``, ``convert_ldm_clip_checkpoint``,
``convert_open_clip_checkpoint``). Block indices are computed from the model's own
config, so any block or channel count works. A tensor that no rule knows raises an
error instead of being dropped, so the file always holds the whole model.

Only model weights are written: no EMA copy, no ``alphas_cumprod``/``betas`` schedule
buffers, no OpenCLIP ``logit_scale``; diffusers' loader uses none of them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import torch

from headshot_studio.core.models import SD15, SDXL

# model_index.json "_class_name" -> architecture
_PIPELINE_ARCHITECTURES = {
    "StableDiffusionPipeline": SD15,
    "StableDiffusionImg2ImgPipeline": SD15,
    "StableDiffusionInpaintPipeline": SD15,
    "StableDiffusionXLPipeline": SDXL,
    "StableDiffusionXLImg2ImgPipeline": SDXL,
    "StableDiffusionXLInpaintPipeline": SDXL,
}

UNET_PREFIX = "model.diffusion_model."
VAE_PREFIX = "first_stage_model."
SD15_CLIP_PREFIX = "cond_stage_model.transformer."
SDXL_CLIP_PREFIX = "conditioner.embedders.0.transformer."
SDXL_OPEN_CLIP_PREFIX = "conditioner.embedders.1.model."

StateDict = dict[str, torch.Tensor]


def write_single_file_checkpoint(diffusers_dir: Path, out_file: Path) -> Path:
    """Write the model in ``diffusers_dir`` as one LDM-layout ``.safetensors`` file.

    ``diffusers_dir`` is an SD1.5-class or SDXL-class pipeline folder (model_index.json
    plus unet/, vae/, text_encoder/ and, for SDXL, text_encoder_2/). Tensors keep their
    dtype. Returns ``out_file``.
    """
    from safetensors.torch import save_file

    diffusers_dir, out_file = Path(diffusers_dir), Path(out_file)
    architecture = pipeline_architecture(diffusers_dir)

    def weights(component: str) -> StateDict:
        return _load_weights(diffusers_dir / component)

    def config(component: str) -> dict:
        return _load_config(diffusers_dir / component)

    checkpoint: StateDict = {}
    _add(checkpoint, UNET_PREFIX, unet_to_ldm(weights("unet"), config("unet")))
    _add(checkpoint, VAE_PREFIX, vae_to_ldm(weights("vae"), config("vae")))
    if architecture == SD15:
        _add(checkpoint, SD15_CLIP_PREFIX, clip_to_ldm(weights("text_encoder")))
    else:
        _add(checkpoint, SDXL_CLIP_PREFIX, clip_to_ldm(weights("text_encoder")))
        _add(checkpoint, SDXL_OPEN_CLIP_PREFIX, open_clip_to_ldm(weights("text_encoder_2")))

    out_file.parent.mkdir(parents=True, exist_ok=True)
    partial = out_file.with_name(out_file.name + ".partial")
    tensors = {key: tensor.contiguous() for key, tensor in checkpoint.items()}
    save_file(tensors, str(partial), metadata={"format": "pt"})
    partial.replace(out_file)
    return out_file


def pipeline_architecture(diffusers_dir: Path) -> str:
    """``"sd15"`` or ``"sdxl"``, from model_index.json's ``_class_name``.

    (SD2.x folders also say StableDiffusionPipeline; their OpenCLIP-H text encoder
    belongs under ``cond_stage_model.model.``, which this module does not write.)
    """
    index = json.loads((Path(diffusers_dir) / "model_index.json").read_text(encoding="utf-8"))
    class_name = index.get("_class_name")
    if class_name not in _PIPELINE_ARCHITECTURES:
        raise ValueError(
            f"{diffusers_dir}: cannot write a single-file checkpoint for a {class_name!r} model"
        )
    return _PIPELINE_ARCHITECTURES[class_name]


# --- UNet -----------------------------------------------------------------------------

# Layers outside the down/mid/up blocks.
_UNET_TOP_LEVEL = {
    "time_embedding.linear_1": "time_embed.0",
    "time_embedding.linear_2": "time_embed.2",
    "conv_in": "input_blocks.0.0",
    "conv_norm_out": "out.0",
    "conv_out": "out.2",
    # SDXL's micro-conditioning embedding (addition_embed_type="text_time") and the
    # class embedding of class-conditioned UNets share LDM's label_emb.
    "add_embedding.linear_1": "label_emb.0.0",
    "add_embedding.linear_2": "label_emb.0.2",
    "class_embedding.linear_1": "label_emb.0.0",
    "class_embedding.linear_2": "label_emb.0.2",
    "class_embedding": "label_emb",  # num_class_embeds (nn.Embedding)
}

# ResnetBlock2D -> LDM ResBlock
_RESNET_LAYERS = {
    "norm1": "in_layers.0",
    "conv1": "in_layers.2",
    "time_emb_proj": "emb_layers.1",
    "norm2": "out_layers.0",
    "conv2": "out_layers.3",
    "conv_shortcut": "skip_connection",
}

_DOWN = re.compile(r"down_blocks\.(\d+)\.(resnets|attentions|downsamplers)\.(\d+)\.(.+)")
_MID = re.compile(r"mid_block\.(resnets|attentions)\.(\d+)\.(.+)")
_UP = re.compile(r"up_blocks\.(\d+)\.(resnets|attentions|upsamplers)\.(\d+)\.(.+)")


def unet_to_ldm(state_dict: StateDict, config: dict) -> StateDict:
    """UNet2DConditionModel weights -> LDM ``UNetModel`` names (without the prefix).

    LDM numbers the UNet's layers as flat lists: ``input_blocks`` holds conv_in, then
    for each down block ``layers_per_block`` [ResBlock, SpatialTransformer?] entries and
    a Downsample entry (all but the last block); ``middle_block`` is [ResBlock,
    SpatialTransformer, ResBlock]; ``output_blocks`` holds ``layers_per_block + 1``
    [ResBlock, SpatialTransformer?, Upsample?] entries per up block. The transformer
    blocks themselves have the same names in both layouts.
    """
    per_block = config["layers_per_block"]
    if not isinstance(per_block, int):
        raise ValueError("LDM checkpoints need the same layers_per_block for every block")
    with_attention = {
        int(m.group(1))
        for key in state_dict
        if (m := _UP.fullmatch(key)) and m.group(2) == "attentions"
    }
    return _rename_all(state_dict, lambda key: _unet_key(key, per_block, with_attention), "UNet")


def _unet_key(key: str, per_block: int, up_blocks_with_attention: set[int]) -> str | None:
    module, _, param = key.rpartition(".")
    if module in _UNET_TOP_LEVEL:
        return f"{_UNET_TOP_LEVEL[module]}.{param}"

    if m := _DOWN.fullmatch(key):
        block, kind, layer, rest = int(m.group(1)), m.group(2), int(m.group(3)), m.group(4)
        first = 1 + block * (per_block + 1)  # input_blocks.0 is conv_in
        if kind == "resnets":
            return _join(f"input_blocks.{first + layer}.0", _resnet_rest(rest))
        if kind == "attentions":
            return f"input_blocks.{first + layer}.1.{rest}"
        if rest.startswith("conv."):  # downsampler: the entry after the block's layers
            return f"input_blocks.{first + per_block}.0.op.{rest.removeprefix('conv.')}"
        return None

    if m := _MID.fullmatch(key):
        kind, index, rest = m.group(1), int(m.group(2)), m.group(3)
        if kind == "resnets":  # resnet, attention, resnet
            return _join(f"middle_block.{2 * index}", _resnet_rest(rest))
        return f"middle_block.{2 * index + 1}.{rest}"

    if m := _UP.fullmatch(key):
        block, kind, layer, rest = int(m.group(1)), m.group(2), int(m.group(3)), m.group(4)
        first = block * (per_block + 1)
        if kind == "resnets":
            return _join(f"output_blocks.{first + layer}.0", _resnet_rest(rest))
        if kind == "attentions":
            return f"output_blocks.{first + layer}.1.{rest}"
        if rest.startswith("conv."):  # upsampler: last entry of the block's last layer
            slot = 2 if block in up_blocks_with_attention else 1
            return f"output_blocks.{first + per_block}.{slot}.{rest}"
        return None

    return None


def _join(prefix: str, rest: str | None) -> str | None:
    return None if rest is None else f"{prefix}.{rest}"


def _resnet_rest(rest: str) -> str | None:
    layer, _, param = rest.rpartition(".")
    return f"{_RESNET_LAYERS[layer]}.{param}" if layer in _RESNET_LAYERS else None


# --- VAE ------------------------------------------------------------------------------

# Layers outside the blocks (encoder./decoder. prefixes are kept).
_VAE_TOP_LEVEL = {
    "encoder.conv_in": "encoder.conv_in",
    "encoder.conv_out": "encoder.conv_out",
    "encoder.conv_norm_out": "encoder.norm_out",
    "decoder.conv_in": "decoder.conv_in",
    "decoder.conv_out": "decoder.conv_out",
    "decoder.conv_norm_out": "decoder.norm_out",
    "quant_conv": "quant_conv",
    "post_quant_conv": "post_quant_conv",
}

# Mid-block attention. LDM's AttnBlock uses 1x1 convolutions for these, diffusers Linear.
_VAE_ATTENTION_LAYERS = {
    "group_norm": "norm",
    "to_q": "q",
    "to_k": "k",
    "to_v": "v",
    "to_out.0": "proj_out",
}

_VAE_ATTENTION_PROJECTION = re.compile(r"(encoder|decoder)\.mid\.attn_1\.(q|k|v|proj_out)\.weight")
_VAE_DOWN = re.compile(r"encoder\.down_blocks\.(\d+)\.(resnets|downsamplers)\.(\d+)\.(.+)")
_VAE_UP = re.compile(r"decoder\.up_blocks\.(\d+)\.(resnets|upsamplers)\.(\d+)\.(.+)")
_VAE_MID = re.compile(r"(encoder|decoder)\.mid_block\.(resnets|attentions)\.(\d+)\.(.+)")


def vae_to_ldm(state_dict: StateDict, config: dict) -> StateDict:
    """AutoencoderKL weights -> LDM ``AutoencoderKL`` names (without the prefix).

    The decoder's up blocks are numbered the other way round in LDM (``decoder.up.0``
    works at the highest resolution, diffusers' ``up_blocks.0`` at the lowest).
    """
    num_up_blocks = len(config["up_block_types"])
    converted = _rename_all(state_dict, lambda key: _vae_key(key, num_up_blocks), "VAE")
    for key, tensor in converted.items():
        if _is_vae_attention_projection(key) and tensor.ndim == 2:
            converted[key] = tensor[:, :, None, None]  # Linear -> 1x1 conv
    return converted


def _vae_key(key: str, num_up_blocks: int) -> str | None:
    module, _, param = key.rpartition(".")
    if module in _VAE_TOP_LEVEL:
        return f"{_VAE_TOP_LEVEL[module]}.{param}"

    if m := _VAE_DOWN.fullmatch(key):
        block, kind, index, rest = m.groups()
        if kind == "resnets":
            return f"encoder.down.{block}.block.{index}.{_vae_resnet_rest(rest)}"
        return f"encoder.down.{block}.downsample.{rest}"

    if m := _VAE_UP.fullmatch(key):
        block, kind, index, rest = m.groups()
        ldm_block = num_up_blocks - 1 - int(block)
        if kind == "resnets":
            return f"decoder.up.{ldm_block}.block.{index}.{_vae_resnet_rest(rest)}"
        return f"decoder.up.{ldm_block}.upsample.{rest}"

    if m := _VAE_MID.fullmatch(key):
        side, kind, index, rest = m.groups()
        if kind == "resnets":
            return f"{side}.mid.block_{int(index) + 1}.{_vae_resnet_rest(rest)}"
        layer, _, param = rest.rpartition(".")
        if index != "0" or layer not in _VAE_ATTENTION_LAYERS:
            return None
        return f"{side}.mid.attn_1.{_VAE_ATTENTION_LAYERS[layer]}.{param}"

    return None


def _vae_resnet_rest(rest: str) -> str:
    # norm1/conv1/norm2/conv2 keep their names; only the shortcut is renamed.
    return rest.replace("conv_shortcut", "nin_shortcut")


def _is_vae_attention_projection(ldm_key: str) -> bool:
    return _VAE_ATTENTION_PROJECTION.fullmatch(ldm_key) is not None


# --- text encoders --------------------------------------------------------------------


def clip_to_ldm(state_dict: StateDict) -> StateDict:
    """CLIPTextModel weights -> the names under ``cond_stage_model.transformer.``.

    The original checkpoints store the Hugging Face CLIP model as is, so names stay the
    same; only ``text_model.`` is put back where newer transformers (>=5.6) save the
    flattened ``CLIPTextModel`` without it.
    """
    return {_with_text_model_prefix(key): tensor for key, tensor in state_dict.items()}


def _with_text_model_prefix(key: str) -> str:
    if key.startswith(("text_model.", "text_projection.")):
        return key
    return f"text_model.{key}"


# Per-layer names: HF CLIPEncoderLayer -> OpenCLIP ResidualAttentionBlock
_OPEN_CLIP_LAYER = {
    "layer_norm1": "ln_1",
    "layer_norm2": "ln_2",
    "mlp.fc1": "mlp.c_fc",
    "mlp.fc2": "mlp.c_proj",
    "self_attn.out_proj": "attn.out_proj",
}
_HF_LAYER = re.compile(r"text_model\.encoder\.layers\.(\d+)\.(.+)\.(weight|bias)")
_QKV = ("q_proj", "k_proj", "v_proj")  # stacked in this order in in_proj_weight/bias
_FUSED = {f"self_attn.{name}": name for name in _QKV}


def open_clip_to_ldm(state_dict: StateDict) -> StateDict:
    """CLIPTextModelWithProjection weights -> OpenCLIP names (under ``...embedders.1.model.``).

    OpenCLIP keeps the position embedding as a bare parameter, fuses each layer's
    q/k/v projections into one ``in_proj_weight``/``in_proj_bias`` (q, k, v stacked
    along the output dimension), and applies ``text_projection`` as ``x @ P``, so it
    stores the transpose of HF's Linear weight.
    """
    state_dict = {_with_text_model_prefix(key): tensor for key, tensor in state_dict.items()}
    converted: StateDict = {}
    fused: dict[tuple[int, str], dict[str, torch.Tensor]] = {}
    for key, tensor in state_dict.items():
        if key == "text_model.embeddings.token_embedding.weight":
            converted["token_embedding.weight"] = tensor
        elif key == "text_model.embeddings.position_embedding.weight":
            converted["positional_embedding"] = tensor
        elif key.startswith("text_model.final_layer_norm."):
            converted["ln_final." + key.rpartition(".")[2]] = tensor
        elif key == "text_projection.weight":
            converted["text_projection"] = tensor.T.contiguous()
        elif (m := _HF_LAYER.fullmatch(key)) and m.group(2) in _OPEN_CLIP_LAYER:
            layer, module, param = m.groups()
            converted[f"transformer.resblocks.{layer}.{_OPEN_CLIP_LAYER[module]}.{param}"] = tensor
        elif (m := _HF_LAYER.fullmatch(key)) and m.group(2) in _FUSED:
            layer, module, param = m.groups()
            fused.setdefault((int(layer), param), {})[_FUSED[module]] = tensor
        elif key == "text_model.embeddings.position_ids":
            continue  # a buffer, not a weight; OpenCLIP has none
        else:
            raise ValueError(f"text_encoder_2 tensor {key!r} has no OpenCLIP counterpart")

    for (layer, param), parts in sorted(fused.items()):
        missing = [name for name in _QKV if name not in parts]
        if missing:
            raise ValueError(f"text_encoder_2 layer {layer} lacks {missing} {param}s")
        stacked = torch.cat([parts[name] for name in _QKV], dim=0)
        converted[f"transformer.resblocks.{layer}.attn.in_proj_{param}"] = stacked
    return converted


# --- helpers --------------------------------------------------------------------------


def _rename_all(state_dict: StateDict, rename, what: str) -> StateDict:
    converted: StateDict = {}
    for key, tensor in state_dict.items():
        new_key = rename(key)
        if new_key is None:
            raise ValueError(f"{what} tensor {key!r} has no place in an LDM checkpoint")
        if new_key in converted:
            raise ValueError(f"{what} tensors map to the same LDM name {new_key!r}")
        converted[new_key] = tensor
    return converted


def _add(checkpoint: StateDict, prefix: str, tensors: StateDict) -> None:
    for key, tensor in tensors.items():
        checkpoint[prefix + key] = tensor


def _load_config(component_dir: Path) -> dict:
    return json.loads((component_dir / "config.json").read_text(encoding="utf-8"))


def _load_weights(component_dir: Path) -> StateDict:
    """All tensors of one component folder (single or sharded safetensors file)."""
    from safetensors.torch import load_file

    for stem in ("diffusion_pytorch_model", "model"):
        single = component_dir / f"{stem}.safetensors"
        if single.is_file():
            return load_file(str(single))
        index = component_dir / f"{stem}.safetensors.index.json"
        if index.is_file():
            weight_map = json.loads(index.read_text(encoding="utf-8"))["weight_map"]
            shards = sorted(set(weight_map.values()))
            state_dict: StateDict = {}
            for shard in shards:
                state_dict.update(load_file(str(component_dir / shard)))
            return state_dict
    raise FileNotFoundError(f"no safetensors weights in {component_dir}")
