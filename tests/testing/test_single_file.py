"""write_single_file_checkpoint writes what diffusers' single-file loader reads back.

Round trip for both architectures: tiny diffusers model -> one LDM-layout .safetensors
-> ``from_single_file(..., config=<the diffusers folder>)`` -> every weight identical.
A second test runs the full-size SD1.5/SDXL configs (empty weights, so no memory)
through the same mappings, to check the names real checkpoints have.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from safetensors import safe_open

from headshot_studio.testing import tiny_model
from headshot_studio.testing.single_file import (
    SD15_CLIP_PREFIX,
    SDXL_CLIP_PREFIX,
    SDXL_OPEN_CLIP_PREFIX,
    UNET_PREFIX,
    VAE_PREFIX,
    clip_to_ldm,
    open_clip_to_ldm,
    unet_to_ldm,
    vae_to_ldm,
    write_single_file_checkpoint,
)

# diffusers recognises SDXL by this tensor, i.e. by a 10th layer in the OpenCLIP encoder
XL_BASE_KEY = "conditioner.embedders.1.model.transformer.resblocks.9.mlp.c_proj.bias"
OPEN_CLIP_MIN_LAYERS = 10

SD15_COMPONENTS = ("unet", "vae", "text_encoder")
SDXL_COMPONENTS = ("unet", "vae", "text_encoder", "text_encoder_2")


def _checkpoint_tensors(path: Path) -> dict[str, torch.Tensor]:
    with safe_open(str(path), framework="pt") as f:
        return {key: f.get_tensor(key) for key in f.keys()}


def _assert_same_weights(original, loaded, components) -> None:
    for name in components:
        expected = getattr(original, name).state_dict()
        actual = getattr(loaded, name).state_dict()
        assert actual.keys() == expected.keys(), name
        for key, tensor in expected.items():
            assert actual[key].device.type != "meta", f"{name}.{key} was not in the checkpoint"
            assert torch.equal(actual[key], tensor), f"{name}.{key} changed in the round trip"


def _round_trip(pipeline_class, diffusers_dir: Path, out_file: Path, components, **kwargs):
    written = write_single_file_checkpoint(diffusers_dir, out_file)
    assert written == out_file and out_file.is_file()
    loaded = pipeline_class.from_single_file(
        str(out_file), config=str(diffusers_dir), local_files_only=True, **kwargs
    )
    original = pipeline_class.from_pretrained(str(diffusers_dir), local_files_only=True, **kwargs)
    _assert_same_weights(original, loaded, components)
    return _checkpoint_tensors(out_file)


def test_sd15_round_trip(tmp_path):
    from diffusers import StableDiffusionPipeline
    from diffusers.loaders.single_file_utils import infer_diffusers_model_type

    model_dir = tiny_model.build_tiny_sd15(tmp_path / "tiny-sd15")
    checkpoint = _round_trip(
        StableDiffusionPipeline,
        model_dir,
        tmp_path / "tiny-sd15.safetensors",
        SD15_COMPONENTS,
        safety_checker=None,
        feature_extractor=None,
    )

    assert infer_diffusers_model_type(checkpoint) == "v1"
    prefixes = (UNET_PREFIX, VAE_PREFIX, SD15_CLIP_PREFIX)
    assert all(key.startswith(prefixes) for key in checkpoint)
    assert f"{SD15_CLIP_PREFIX}text_model.embeddings.token_embedding.weight" in checkpoint
    # the VAE's mid-block attention is stored as 1x1 convolutions, as in LDM
    assert checkpoint[f"{VAE_PREFIX}encoder.mid.attn_1.q.weight"].ndim == 4


def _sdxl_single_file_ready(model_dir: Path) -> bool:
    """Whether diffusers' loader can tell this SDXL model's text encoders apart.

    It picks the checkpoint tensors for ``text_encoder_2`` by width (CLIP-L is 768
    wide, OpenCLIP-bigG 1280), so the two encoders must differ in hidden_size, and it
    only recognises the key layout as SDXL when the OpenCLIP encoder has >= 10 layers.
    """
    te1 = json.loads((model_dir / "text_encoder" / "config.json").read_text(encoding="utf-8"))
    te2 = json.loads((model_dir / "text_encoder_2" / "config.json").read_text(encoding="utf-8"))
    distinct_widths = te1["hidden_size"] != te2["hidden_size"]
    return distinct_widths and te2["num_hidden_layers"] >= OPEN_CLIP_MIN_LAYERS


def test_sdxl_round_trip(tmp_path):
    from diffusers import StableDiffusionXLPipeline
    from diffusers.loaders.single_file_utils import infer_diffusers_model_type

    model_dir = tiny_model.build_tiny_sdxl(tmp_path / "tiny-sdxl")
    assert _sdxl_single_file_ready(model_dir)
    checkpoint = _round_trip(
        StableDiffusionXLPipeline, model_dir, tmp_path / "tiny-sdxl.safetensors", SDXL_COMPONENTS
    )

    assert infer_diffusers_model_type(checkpoint) == "xl_base"
    assert XL_BASE_KEY in checkpoint
    prefixes = (UNET_PREFIX, VAE_PREFIX, SDXL_CLIP_PREFIX, SDXL_OPEN_CLIP_PREFIX)
    assert all(key.startswith(prefixes) for key in checkpoint)
    # OpenCLIP layout: fused q/k/v, text_projection as a matrix applied as x @ P
    te2 = json.loads((model_dir / "text_encoder_2" / "config.json").read_text(encoding="utf-8"))
    width, projection = te2["hidden_size"], te2["projection_dim"]
    in_proj = checkpoint[f"{SDXL_OPEN_CLIP_PREFIX}transformer.resblocks.0.attn.in_proj_weight"]
    assert tuple(in_proj.shape) == (3 * width, width)
    assert tuple(checkpoint[f"{SDXL_OPEN_CLIP_PREFIX}text_projection"].shape) == (width, projection)
    assert f"{UNET_PREFIX}label_emb.0.0.weight" in checkpoint


# --- full-size layout -----------------------------------------------------------------

# Names every real checkpoint of the architecture has (and the shapes they have there).
REAL_CHECKPOINT_TENSORS = {
    "sd15": {
        "model.diffusion_model.input_blocks.3.0.op.weight": (320, 320, 3, 3),
        "model.diffusion_model.input_blocks.1.1.proj_in.weight": (320, 320, 1, 1),
        "model.diffusion_model.middle_block.1.transformer_blocks.0.attn2.to_k.weight": (1280, 768),
        "model.diffusion_model.output_blocks.2.1.conv.weight": (1280, 1280, 3, 3),
        "model.diffusion_model.output_blocks.5.2.conv.weight": (1280, 1280, 3, 3),
        "model.diffusion_model.output_blocks.11.0.skip_connection.weight": (320, 640, 1, 1),
        "model.diffusion_model.out.2.weight": (4, 320, 3, 3),
        "first_stage_model.decoder.up.3.block.0.conv1.weight": (512, 512, 3, 3),
        "first_stage_model.decoder.up.0.block.0.nin_shortcut.weight": (128, 256, 1, 1),
        "first_stage_model.encoder.mid.attn_1.q.weight": (512, 512, 1, 1),
        "cond_stage_model.transformer.text_model.encoder.layers.11.mlp.fc1.weight": (3072, 768),
    },
    "sdxl": {
        "model.diffusion_model.label_emb.0.0.weight": (1280, 2816),
        "model.diffusion_model.input_blocks.6.0.op.weight": (640, 640, 3, 3),
        "model.diffusion_model.input_blocks.8.1.transformer_blocks.9.attn2.to_k.weight": (
            1280,
            2048,
        ),
        "model.diffusion_model.output_blocks.2.2.conv.weight": (1280, 1280, 3, 3),
        "model.diffusion_model.output_blocks.5.2.conv.weight": (640, 640, 3, 3),
        "model.diffusion_model.output_blocks.8.0.skip_connection.weight": (320, 640, 1, 1),
        "first_stage_model.decoder.mid.attn_1.proj_out.weight": (512, 512, 1, 1),
        "conditioner.embedders.0.transformer.text_model.final_layer_norm.weight": (768,),
        "conditioner.embedders.1.model.positional_embedding": (77, 1280),
        "conditioner.embedders.1.model.text_projection": (1280, 1280),
        "conditioner.embedders.1.model.transformer.resblocks.31.attn.in_proj_weight": (3840, 1280),
        "conditioner.embedders.1.model.transformer.resblocks.31.mlp.c_fc.weight": (5120, 1280),
    },
}
# Tensor counts of real checkpoints' model weights (no EMA, schedule buffers,
# position_ids or logit_scale).
REAL_UNET_TENSORS = {"sd15": 686, "sdxl": 1680}
REAL_VAE_TENSORS = 248


def _empty_weights(build) -> dict[str, torch.Tensor]:
    """The state dict of ``build()``, made on the meta device (shapes, no memory)."""
    with torch.device("meta"):
        return build().state_dict()


@pytest.mark.parametrize("architecture", ["sd15", "sdxl"])
def test_full_size_layout(architecture):
    """The real configs' weights land on real checkpoints' names and convert back."""
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from diffusers.loaders.single_file_utils import (
        convert_ldm_clip_checkpoint,
        convert_ldm_unet_checkpoint,
        convert_ldm_vae_checkpoint,
        convert_open_clip_checkpoint,
        infer_diffusers_model_type,
    )
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    from headshot_studio import paths

    configs = paths.model_configs_dir() / architecture
    if not (configs / "model_index.json").is_file():
        pytest.skip(f"no bundled {architecture} configs")

    def config(component):
        return json.loads((configs / component / "config.json").read_text(encoding="utf-8"))

    def clip_config(component):
        return CLIPTextConfig.from_pretrained(configs / component, local_files_only=True)

    unet_config, vae_config = config("unet"), config("vae")
    unet = _empty_weights(lambda: UNet2DConditionModel.from_config(unet_config))
    vae = _empty_weights(lambda: AutoencoderKL.from_config(vae_config))
    te1_config = clip_config("text_encoder")
    te1 = _empty_weights(lambda: CLIPTextModel(te1_config))

    clip_prefix = SD15_CLIP_PREFIX if architecture == "sd15" else SDXL_CLIP_PREFIX
    checkpoint = {UNET_PREFIX + k: v for k, v in unet_to_ldm(unet, unet_config).items()}
    checkpoint |= {VAE_PREFIX + k: v for k, v in vae_to_ldm(vae, vae_config).items()}
    checkpoint |= {clip_prefix + k: v for k, v in clip_to_ldm(te1).items()}
    if architecture == "sdxl":
        te2_config = clip_config("text_encoder_2")
        te2 = _empty_weights(lambda: CLIPTextModelWithProjection(te2_config))
        checkpoint |= {SDXL_OPEN_CLIP_PREFIX + k: v for k, v in open_clip_to_ldm(te2).items()}

    assert infer_diffusers_model_type(checkpoint) == {"sd15": "v1", "sdxl": "xl_base"}[architecture]
    for key, shape in REAL_CHECKPOINT_TENSORS[architecture].items():
        assert tuple(checkpoint[key].shape) == shape, key
    assert sum(k.startswith(UNET_PREFIX) for k in checkpoint) == REAL_UNET_TENSORS[architecture]
    assert sum(k.startswith(VAE_PREFIX) for k in checkpoint) == REAL_VAE_TENSORS

    # and diffusers' own converters map every name back
    def same_shapes(converted, original, what):
        assert converted.keys() == original.keys(), what
        for key, tensor in original.items():
            assert converted[key].shape == tensor.shape, f"{what}: {key}"

    same_shapes(convert_ldm_unet_checkpoint(checkpoint, unet_config), unet, "unet")
    same_shapes(convert_ldm_vae_checkpoint(checkpoint, vae_config), vae, "vae")
    te1_back = {k if k.startswith("text_model.") else f"text_model.{k}": v for k, v in te1.items()}
    same_shapes(convert_ldm_clip_checkpoint(checkpoint), te1_back, "text_encoder")
    if architecture == "sdxl":
        with torch.device("meta"):
            model = CLIPTextModelWithProjection(te2_config)
        back = convert_open_clip_checkpoint(model, checkpoint, prefix=SDXL_OPEN_CLIP_PREFIX)
        same_shapes(back, te2, "text_encoder_2")

