"""Every kind of checkpoint a user is likely to pick gets its verdict from the header.

The corpus (headshot_studio/testing/checkpoint_corpus.py) writes each kind at full size
in the key layout of the files people download; the data is sparse zeros, since every
decision here is made from the header before any weight is read.
"""

from __future__ import annotations

import json

import pytest

from headshot_studio import paths
from headshot_studio.core import models
from headshot_studio.core.checkpoints import SD15, SDXL, classify_checkpoint, ema_key
from headshot_studio.core.events import UnsupportedModelError
from headshot_studio.testing import checkpoint_corpus as corpus


@pytest.fixture(scope="module")
def layouts():
    """The full-size base layouts, built once (the configs on PyTorch's meta device)."""
    return {SD15: corpus.base_layout(SD15), SDXL: corpus.base_layout(SDXL),
            "sd15_ema": corpus.base_layout(SD15, ema=True)}


def _refused_kinds(layouts):
    return {
        "inpainting": (corpus.with_conv_in_channels(layouts[SD15], 9), "inpainting model"),
        "sdxl inpainting": (corpus.with_conv_in_channels(layouts[SDXL], 9), "inpainting model"),
        "instruct-pix2pix": (corpus.with_conv_in_channels(layouts[SD15], 8), "instruct-pix2pix"),
        "x4 upscaler UNet": (corpus.with_conv_in_channels(layouts[SD15], 7), "x4 upscaler"),
        "SD2.x": (corpus.sd2_layout(), "Stable Diffusion 2"),
        "SDXL refiner": (corpus.sdxl_refiner_layout(), "SDXL refiner"),
        "SD3": (corpus.sd3_layout(), "Stable Diffusion 3"),
        "FLUX": (corpus.flux_layout(), "FLUX"),
        "LoRA": (corpus.lora_layout(), "LoRA add-on"),
        "SDXL LoRA": (corpus.lora_layout(SDXL), "LoRA add-on"),
        "LyCORIS": (corpus.lora_layout(lycoris=True), "LyCORIS"),
        "VAE": (corpus.vae_layout(), "VAE only"),
        "embedding": (corpus.embedding_layout(SD15), "textual-inversion embedding"),
        "SDXL embedding": (corpus.embedding_layout(SDXL), "textual-inversion embedding"),
        "ControlNet": (corpus.controlnet_layout(), "ControlNet"),
        "ESRGAN upscaler": (corpus.esrgan_layout(), "upscaler"),
        "EDM (Playground v2.5)": (layouts[SDXL] | {"edm_mean": ("F32", (1, 4, 1, 1)),
                                                   "edm_std": ("F32", (1, 4, 1, 1))}, "EDM model"),
        "UNet only": ({k: v for k, v in layouts[SD15].items() if k.startswith(corpus.UNET_PREFIX)},
                      "without its text encoder"),
        "no VAE": ({k: v for k, v in layouts[SD15].items() if not k.startswith(corpus.VAE_PREFIX)},
                   "no first_stage_model weights"),
    }


def test_every_other_kind_is_refused_before_any_conversion_work(layouts, tmp_path, monkeypatch):
    def no_work(*args, **kwargs):
        raise AssertionError("conversion or hashing started for a file that should have been refused")

    monkeypatch.setattr(models, "convert_single_file", no_work)
    monkeypatch.setattr(models, "sha256_file", no_work)
    for kind, (layout, what) in _refused_kinds(layouts).items():
        file = corpus.write_header_only(tmp_path / f"{kind}.safetensors", layout)
        with pytest.raises(UnsupportedModelError) as refused:
            models.import_model(file)
        message = str(refused.value)
        assert what in message, f"{kind}: {message}"
        assert f"“{kind}.safetensors”" in message and "instead" in message, f"{kind}: {message}"
        assert "went wrong" not in message
    assert not paths.user_models_dir().exists() or not any(paths.user_models_dir().iterdir())


@pytest.mark.parametrize("architecture", [SD15, SDXL])
@pytest.mark.parametrize("dtype", ["F32", "F16", "BF16"])
def test_base_checkpoints_in_every_precision_are_accepted(architecture, dtype, tmp_path):
    file = corpus.write_header_only(tmp_path / "base.safetensors", corpus.base_layout(architecture, dtype=dtype))
    facts = models.inspect_checkpoint(file)
    assert (facts.architecture, facts.unet_dtype, facts.has_ema, facts.prediction_type) == (
        architecture, dtype, False, "epsilon")
    assert facts.scheduler_overrides() == {}


def test_schedule_buffers_and_position_ids_do_not_change_the_verdict(layouts, tmp_path):
    bare = corpus.base_layout(SD15, extras=False)
    assert "alphas_cumprod" not in bare and "alphas_cumprod" in layouts[SD15]
    for name, layout in (("bare", bare), ("with extras", layouts[SD15])):
        assert classify_checkpoint(_header(layout), name).architecture == SD15


def test_ema_weights_are_found_only_when_complete(layouts):
    with_ema = layouts["sd15_ema"]
    unet_keys = [k for k in with_ema if k.startswith(corpus.UNET_PREFIX)]
    # the real files' naming: model_ema.diffusion_model<rest without dots>
    assert ema_key("model.diffusion_model.input_blocks.1.1.proj_in.weight") == \
        "model_ema.diffusion_modelinput_blocks11proj_inweight"
    assert all(ema_key(k) in with_ema for k in unet_keys)
    assert classify_checkpoint(_header(with_ema), "ema").has_ema
    incomplete = {k: v for k, v in with_ema.items() if k != ema_key(unet_keys[0])}
    assert not classify_checkpoint(_header(incomplete), "half ema").has_ema
    assert not classify_checkpoint(_header(layouts[SD15]), "no ema").has_ema


def test_v_prediction_and_zero_terminal_snr_are_recognised(layouts):
    v_pred = classify_checkpoint(_header(layouts[SDXL] | {"v_pred": ("F32", (0,))}), "v")
    assert (v_pred.prediction_type, v_pred.zero_terminal_snr) == ("v_prediction", False)
    assert v_pred.scheduler_overrides() == {"prediction_type": "v_prediction"}
    ztsnr = classify_checkpoint(_header(layouts[SDXL] | {"v_pred": ("F32", (0,)), "ztsnr": ("F32", (0,))}), "z")
    assert ztsnr.zero_terminal_snr and ztsnr.scheduler_overrides() == {
        "prediction_type": "v_prediction", "rescale_betas_zero_snr": True, "timestep_spacing": "trailing"}


def test_diffusers_folders_of_other_kinds_are_refused(tiny_sd15):
    from headshot_studio.testing.tiny_model import edit_config

    original = edit_config(tiny_sd15, "unet/config.json", in_channels=9)
    with pytest.raises(UnsupportedModelError, match="inpainting"):
        models.check_model_folder(tiny_sd15)
    edit_config(tiny_sd15, "unet/config.json", **original)
    edit_config(tiny_sd15, "scheduler/scheduler_config.json", _class_name="EDMDPMSolverMultistepScheduler")
    with pytest.raises(UnsupportedModelError, match="EDM"):
        models.check_model_folder(tiny_sd15)


def test_header_only_files_are_valid_safetensors_of_full_size(layouts, tmp_path):
    from safetensors import safe_open

    file = corpus.write_header_only(tmp_path / "sdxl.safetensors", layouts[SDXL])
    assert file.stat().st_size > 6 * 2**30  # a full-size SDXL file in half precision
    assert file.stat().st_blocks * 512 < 2**20  # sparse: nothing on disk
    with safe_open(str(file), framework="pt") as fh:
        key = corpus.UNET_PREFIX + "input_blocks.0.0.weight"
        assert list(fh.get_slice(key).get_shape()) == [320, 4, 3, 3]


def _header(layout):
    """The parsed header of ``layout`` (offsets do not matter to the classifier)."""
    return {name: {"dtype": dtype, "shape": list(shape), "data_offsets": [0, 0]} for name, (dtype, shape) in layout.items()}


def _imported_as_ldm(folder, architecture):
    """The imported diffusers model's tensors, named as in the original file again."""
    from headshot_studio.testing.single_file import (
        SD15_CLIP_PREFIX,
        SDXL_CLIP_PREFIX,
        SDXL_OPEN_CLIP_PREFIX,
        _load_config,
        _load_weights,
        clip_to_ldm,
        open_clip_to_ldm,
        unet_to_ldm,
        vae_to_ldm,
    )

    parts = [(corpus.UNET_PREFIX, unet_to_ldm(_load_weights(folder / "unet"), _load_config(folder / "unet"))),
             (corpus.VAE_PREFIX, vae_to_ldm(_load_weights(folder / "vae"), _load_config(folder / "vae")))]
    if architecture == SD15:
        parts.append((SD15_CLIP_PREFIX, clip_to_ldm(_load_weights(folder / "text_encoder"))))
    else:
        parts.append((SDXL_CLIP_PREFIX, clip_to_ldm(_load_weights(folder / "text_encoder"))))
        parts.append((SDXL_OPEN_CLIP_PREFIX, open_clip_to_ldm(_load_weights(folder / "text_encoder_2"))))
    return {prefix + key: tensor for prefix, tensors in parts for key, tensor in tensors.items()}


@pytest.mark.parametrize("architecture", [SD15, SDXL])
def test_a_full_size_checkpoint_imports_with_every_tensor_in_place(architecture, tmp_path):
    """A full-size file with random weights and the real files' extras (schedule
    buffers, position_ids, EMA for SD1.5): every weight lands in the diffusers model,
    none missing, none left over, the EMA copy in place of the UNet's own weights."""
    import torch

    file = tmp_path / f"{architecture}-full.safetensors"
    weights, ema_unet = corpus.random_base_checkpoint(file, architecture, ema=architecture == SD15)
    facts = models.inspect_checkpoint(file)
    assert facts.has_ema == (architecture == SD15)
    info = models.import_model(file)
    file.unlink()
    assert info.is_full_size() and info.architecture == architecture
    expected = weights | (ema_unet or {})
    del weights, ema_unet
    imported = _imported_as_ldm(info.path, architecture)
    assert sorted(set(expected) - set(imported)) == []  # nothing lost
    assert sorted(set(imported) - set(expected)) == []  # nothing made up
    differing = [key for key, tensor in imported.items() if not torch.equal(tensor, expected[key])]
    assert differing == []


def test_a_v_prediction_zero_snr_file_keeps_its_objective_in_training_and_generation(
        tiny_sdxl, training_set, tmp_path, monkeypatch):
    """An SDXL file marked `v_pred` + `ztsnr` (as NoobAI-XL's v-pred files are) is
    converted with that objective in its scheduler; training learns the velocity on
    the rescaled schedule, and every sampler generates with it and rescaled guidance."""
    import diffusers
    import torch
    from safetensors.torch import load_file, save_file

    from headshot_studio.core.generation import SCHEDULERS, ZERO_SNR_GUIDANCE_RESCALE, GenerationRequest, Generator
    from headshot_studio.core.hardware import DeviceInfo, plan_run
    from headshot_studio.core.training import TrainingConfig, train_lora
    from headshot_studio.testing.single_file import write_single_file_checkpoint

    file = write_single_file_checkpoint(tiny_sdxl, tmp_path / "vpred-xl.safetensors")
    tensors = load_file(file)
    save_file(tensors | {"v_pred": torch.zeros(0), "ztsnr": torch.zeros(0)}, str(file))
    info = models.import_model(file, config_dir=tiny_sdxl)
    config = json.loads((info.path / "scheduler" / "scheduler_config.json").read_text())
    assert (config["prediction_type"], config["rescale_betas_zero_snr"], config["timestep_spacing"]) == (
        "v_prediction", True, "trailing")

    plan = plan_run(info, DeviceInfo(kind="cpu", name="test cpu"))
    targets = []
    real_velocity = diffusers.DDPMScheduler.get_velocity

    def spy_velocity(self, *args, **kwargs):
        targets.append(float(self.alphas_cumprod[-1]))
        return real_velocity(self, *args, **kwargs)

    monkeypatch.setattr(diffusers.DDPMScheduler, "get_velocity", spy_velocity)
    lora = train_lora(info, plan, training_set, tmp_path / "lora", TrainingConfig(steps=2)).lora_path
    assert len(targets) == 2 and all(last < 1e-6 for last in targets)  # velocity, zero terminal SNR

    generator = Generator(info, plan, lora)
    calls = []
    pipeline_class = type(generator.pipe)
    real_call = pipeline_class.__call__

    def spy_call(self, *args, **kwargs):
        calls.append((self.scheduler.config, kwargs.get("guidance_rescale")))
        return real_call(self, *args, **kwargs)

    monkeypatch.setattr(pipeline_class, "__call__", spy_call)
    generator.generate([GenerationRequest("a photo", seed=1, steps=2, scheduler=key) for key in SCHEDULERS],
                       tmp_path / "images")
    assert len(calls) == len(SCHEDULERS)
    for scheduler_config, rescale in calls:
        assert scheduler_config.prediction_type == "v_prediction" and scheduler_config.rescale_betas_zero_snr
        assert rescale == ZERO_SNR_GUIDANCE_RESCALE


@pytest.mark.parametrize(("dtype_name", "header_dtype"), [("float16", "F16"), ("bfloat16", "BF16")])
def test_half_precision_files_are_converted_in_their_own_precision_and_run(dtype_name, header_dtype, tiny_sd15,
                                                                         tmp_path):
    """A checkpoint saved in fp16 or bf16 (most downloads) is converted without a detour
    through fp32 (which would double the model on disk), and the model then generates."""
    import torch
    from safetensors.torch import load_file, save_file

    from headshot_studio.core.generation import GenerationRequest, Generator
    from headshot_studio.core.hardware import DeviceInfo, plan_run
    from headshot_studio.core.models import read_safetensors_header
    from headshot_studio.testing.single_file import write_single_file_checkpoint

    file = write_single_file_checkpoint(tiny_sd15, tmp_path / f"{dtype_name}.safetensors")
    dtype = getattr(torch, dtype_name)
    save_file({k: v.to(dtype) if v.is_floating_point() else v for k, v in load_file(file).items()}, str(file))
    assert models.inspect_checkpoint(file).unet_dtype == header_dtype
    info = models.import_model(file, config_dir=tiny_sd15)
    unet_files = list((info.path / "unet").glob("*.safetensors"))
    assert unet_files and all({entry["dtype"] for key, entry in read_safetensors_header(f).items()
                               if key != "__metadata__"} == {header_dtype} for f in unet_files)
    plan = plan_run(info, DeviceInfo(kind="cpu", name="test cpu"))
    (image,) = Generator(info, plan).generate([GenerationRequest("a photo", seed=1, steps=2)], tmp_path / "out")
    assert image.path.is_file()


def _without(layout, *prefixes):
    return {k: v for k, v in layout.items() if not k.startswith(prefixes)}


def _only(layout, *prefixes):
    return {k: v for k, v in layout.items() if k.startswith(prefixes)}


def test_crafted_and_mixed_files_are_refused_for_what_they_are(layouts):
    sd15, sdxl = layouts[SD15], layouts[SDXL]
    unet, vae = corpus.UNET_PREFIX, corpus.VAE_PREFIX
    sd15_text, sdxl_text = "cond_stage_model.", "conditioner."
    cases = {
        "3-D conv_in": (sd15 | {corpus.UNET_PREFIX + "input_blocks.0.0.weight": ("F16", (320, 9, 3))}, "damaged"),
        "conv_in shape of text": (sd15 | {corpus.UNET_PREFIX + "input_blocks.0.0.weight": ("F16", ["a", 4, 3, 3])},
                                  "damaged"),
        "both text encoders": (sdxl | _only(sd15, sd15_text), "mix of parts"),
        "SD1.5 UNet, SDXL text encoders": (_only(sd15, unet, vae) | _only(sdxl, sdxl_text), "mix of parts"),
        "SDXL UNet, SD1.5 text encoder": (_only(sdxl, unet, vae) | _only(sd15, sd15_text), "mix of parts"),
        "CosXL (EDM v-prediction)": (sdxl | {"edm_vpred.sigma_max": ("F32", ()), "edm_vpred.sigma_min": ("F32", ())},
                                     "EDM model"),
        "SD2 inpainting": (corpus.with_conv_in_channels(corpus.sd2_layout(), 9), "Stable Diffusion 2"),
        "VAE and text encoder": (_without(sd15, unet), "no image model weights"),
        "diffusers UNet file": ({"conv_in.weight": ("F16", (320, 4, 3, 3)),
                                 "down_blocks.0.resnets.0.conv1.weight": ("F16", (320, 320, 3, 3)),
                                 "time_embedding.linear_1.weight": ("F16", (1280, 320))}, "diffusers' folder layout"),
    }
    for name, (layout, what) in cases.items():
        with pytest.raises(UnsupportedModelError) as refused:
            classify_checkpoint(_header(layout), f"{name}.safetensors")
        assert what in str(refused.value), f"{name}: {refused.value}"


def test_objective_keys_follow_the_tools_that_write_them(layouts):
    """`ztsnr` means zero terminal SNR only beside `v_pred` (as ComfyUI reads it): a
    stray one on an epsilon model must not turn it into a v-prediction one."""
    stray = classify_checkpoint(_header(layouts[SDXL] | {"ztsnr": ("F32", (0,))}), "stray")
    assert (stray.prediction_type, stray.zero_terminal_snr) == ("epsilon", False)


def test_the_unet_dtype_is_what_most_of_its_tensors_have(layouts):
    unet = corpus.UNET_PREFIX
    mostly_half = {k: ("F32", shape) if k.startswith(unet) and "norm" in k else (dtype, shape)
                   for k, (dtype, shape) in layouts[SD15].items()}
    assert {d for k, (d, _) in mostly_half.items() if k.startswith(unet)} == {"F16", "F32"}
    assert classify_checkpoint(_header(mostly_half), "mixed").unet_dtype == "F16"
    fp8 = {k: ("F8_E4M3", shape) if k.startswith(unet) else (dtype, shape)
           for k, (dtype, shape) in layouts[SD15].items()}
    assert classify_checkpoint(_header(fp8), "fp8").unet_dtype == "F16"  # converted to fp16, not 4x to fp32


def test_a_crafted_file_name_cannot_reach_the_terminal_raw(layouts):
    with pytest.raises(UnsupportedModelError) as refused:
        classify_checkpoint(_header(corpus.lora_layout()), "\x1b[31mred\u202etxt.exe.safetensors")
    message = str(refused.value)
    assert "\x1b" not in message and "\u202e" not in message and "\\x1b[31mred" in message
