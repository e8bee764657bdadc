"""What a single-file checkpoint is, decided from its safetensors header alone.

People download many kinds of ``.safetensors`` files, and most of them are not a base
model this app can train a face on: inpainting and instruct-pix2pix variants, SD2.x,
the SDXL refiner, SD3 and FLUX, LoRA and LyCORIS add-ons, VAEs, textual-inversion
embeddings, ControlNets and upscalers. Each is recognised here from its tensor names,
shapes and dtypes (the header, microseconds to read), before any weight is loaded or
converted, and refused with a sentence that says what the file is and what to import
instead.

A base SD1.5 or SDXL checkpoint is described by :class:`CheckpointFacts`: its
architecture, the dtype of its UNet, whether it carries EMA weights (``model_ema.*``,
as ``v1-5-pruned.safetensors`` does; those are used, they are the better ones for
generation), and its training objective: epsilon, v-prediction (a ``v_pred`` key), or
v-prediction with zero terminal SNR (``v_pred`` and ``ztsnr``; ``ztsnr`` alone means
nothing, as in ComfyUI), which is written into the converted model's scheduler so
training and generation both follow it. EDM models (Playground v2.5: ``edm_mean``/
``edm_std``; CosXL: ``edm_vpred.*``) are refused: their noise schedule is one our
trainer does not learn.

The rules mirror how diffusers (``loaders/single_file_utils.py``), kohya-ss and
ComfyUI recognise the same files.
"""

from __future__ import annotations

from dataclasses import dataclass

from headshot_studio.core.events import UnsupportedModelError
from headshot_studio.core.files import printable

SD15 = "sd15"
SDXL = "sdxl"

UNET_PREFIX = "model.diffusion_model."
VAE_PREFIX = "first_stage_model."
EMA_PREFIX = "model_ema."
# diffusers extracts EMA weights only when more than 100 EMA tensors are present.
MIN_EMA_TENSORS = 101
CONV_IN = UNET_PREFIX + "input_blocks.0.0.weight"

_TEXT_ENCODERS = {
    SD15: ("cond_stage_model.transformer.",),
    SDXL: ("conditioner.embedders.0.transformer.", "conditioner.embedders.1.model."),
}

_IMPORT_INSTEAD = "Import a full Stable Diffusion 1.5 or SDXL model instead."

# conv_in input channels of UNets that are not text-to-image base models.
_UNET_VARIANTS = {
    9: ("an inpainting model (it fills in masked parts of a picture)",
        "Import the regular (non-inpainting) version of this model instead."),
    8: ("an instruct-pix2pix model (it edits a given picture)", _IMPORT_INSTEAD),
    7: ("the Stable Diffusion x4 upscaler, which enlarges pictures", _IMPORT_INSTEAD),
}

_LYCORIS_MARKERS = (".hada_w1", ".hada_w2", ".lokr_w1", ".lokr_w2", ".oft_blocks", ".oft_diag", "lycoris_")
_LORA_MARKERS = (".lora_down.", ".lora_up.", ".lora_A.", ".lora_B.", ".lora.down.", ".lora.up.",
                 ".lora_linear_layer.")
_LORA_PREFIXES = ("lora_unet_", "lora_te_", "lora_te1_", "lora_te2_", "lora_transformer_")
_CONTROLNET_MARKERS = ("control_model.", "controlnet_cond_embedding.", "input_hint_block.", "zero_convs.",
                       "controlnet_down_blocks.", "controlnet_mid_block.")
# The text encoders' output widths (their final layer norms): the UNet's cross-attention
# takes their sum (768 for SD1.5, 768 + 1280 for SDXL).
_TEXT_WIDTHS = {
    SD15: ("cond_stage_model.transformer.text_model.final_layer_norm.weight",),
    SDXL: ("conditioner.embedders.0.transformer.text_model.final_layer_norm.weight",
           "conditioner.embedders.1.model.ln_final.weight"),
}
_DIFFUSERS_PART_MARKERS = ("conv_in.weight", "time_embedding.", "down_blocks.", "text_model.encoder.",
                           "text_model.embeddings.")
_UPSCALER_MARKERS = ("conv_first.", "RRDB_trunk.", "body.0.rdb1.", "model.1.sub.", "layers.0.residual_group.",
                     "conv_up1.", "upconv1.")
_EMBEDDING_NAMES = {"emb_params", "clip_l", "clip_g"}  # A1111 / SDXL textual inversion
_EMBEDDING_PREFIXES = ("string_to_param.", "string_to_token.")  # older A1111 embeddings


@dataclass(frozen=True)
class CheckpointFacts:
    architecture: str  # SD15 or SDXL
    unet_dtype: str  # safetensors dtype of the UNet weights: "F16", "BF16" or "F32"
    has_ema: bool  # a complete EMA copy of the UNet is present (and will be used)
    prediction_type: str = "epsilon"  # or "v_prediction"
    zero_terminal_snr: bool = False  # noise schedule rescaled to zero terminal SNR

    def scheduler_overrides(self) -> dict:
        """What the converted model's scheduler config must say for this objective."""
        if self.prediction_type == "epsilon":
            return {}
        overrides = {"prediction_type": self.prediction_type}
        if self.zero_terminal_snr:
            # Lin et al. 2023 ("Common Diffusion Noise Schedules and Sample Steps are
            # Flawed"): rescaled betas, and sampling that starts at the last timestep.
            overrides.update(rescale_betas_zero_snr=True, timestep_spacing="trailing")
        return overrides

    def describe(self) -> str:
        parts = [self.architecture, self.unet_dtype, "EMA weights" if self.has_ema else "no EMA"]
        if self.prediction_type != "epsilon":
            parts.append(self.prediction_type + (" + zero terminal SNR" if self.zero_terminal_snr else ""))
        return ", ".join(parts)


def _refuse(file_name: str, what: str, instead: str = _IMPORT_INSTEAD) -> UnsupportedModelError:
    # printable(): a crafted file name must not recolour or rewrite the user's terminal
    return UnsupportedModelError(f"“{printable(file_name)}” is {what}. Headshot Studio learns faces with Stable "
                                 f"Diffusion 1.5 and SDXL base models only. {instead}")


def check_unet_inputs(channels: object, model_name: str) -> None:
    """Refuse a UNet that does not take the 4 latent channels of text-to-image models."""
    if channels != 4:
        what, instead = _UNET_VARIANTS.get(channels, (f"a modified model ({channels} input channels)",
                                                      _IMPORT_INSTEAD))
        raise _refuse(model_name, what, instead)


def _refuse_edm(model_name: str) -> UnsupportedModelError:
    return _refuse(model_name, "an EDM model (such as Playground v2.5 or CosXL), trained with a noise schedule "
                   "Headshot Studio cannot learn on", "Import a regular SDXL model instead.")


def check_scheduler(scheduler_class: object, model_name: str) -> None:
    """Refuse a diffusers model whose scheduler is an EDM one (Playground v2.5, CosXL)."""
    if isinstance(scheduler_class, str) and scheduler_class.startswith("EDM"):
        raise _refuse_edm(model_name)


def ema_key(unet_key: str) -> str:
    """The EMA copy's name for a UNet tensor, as LDM training scripts write it: the
    ``model.`` dropped and the other dots removed (``model.diffusion_model.out.0.bias``
    -> ``model_ema.diffusion_modelout0bias``)."""
    return EMA_PREFIX + "".join(unet_key.split(".")[1:])


def _has(keys, *markers: str) -> bool:
    """Whether any tensor name contains one of ``markers``."""
    return any(marker in key for key in keys for marker in markers)


def _starts(keys, *prefixes: str) -> bool:
    """Whether any tensor name starts with one of ``prefixes``."""
    return any(key.startswith(prefixes) for key in keys)


def _refuse_add_ons(keys, file_name: str) -> None:
    """Step 1: add-ons and other families' files, recognised before anything else (some
    carry UNet-like names)."""
    if _has(keys, *_LYCORIS_MARKERS):
        raise _refuse(file_name, "a LyCORIS add-on (LoHa/LoKr: it changes the style of another model)",
                      "Import the base model it was made for instead.")
    if _starts(keys, *_LORA_PREFIXES) or _has(keys, *_LORA_MARKERS):
        raise _refuse(file_name, "a LoRA add-on (it changes the style of another model)",
                      "Import the base model it was made for instead.")
    if keys and all(key in _EMBEDDING_NAMES or key.startswith(_EMBEDDING_PREFIXES) for key in keys):
        raise _refuse(file_name, "a textual-inversion embedding (a word learned for another model)",
                      "Import the base model it was made for instead.")
    if _has(keys, *_CONTROLNET_MARKERS):
        raise _refuse(file_name, "a ControlNet (it guides another model's pose or layout)")
    if _starts(keys, "joint_blocks.", UNET_PREFIX + "joint_blocks.", "text_encoders.clip_l.", "text_encoders.clip_g."):
        raise _refuse(file_name, "a Stable Diffusion 3 model")
    if _has(keys, "double_blocks.", "single_stream_modulation.", "double_stream_modulation"):
        raise _refuse(file_name, "a FLUX model")


def _refuse_without_unet(keys, file_name: str) -> None:
    """Step 1, continued: a file with no UNet weights is a part or an upscaler; say which."""
    if _starts(keys, UNET_PREFIX):
        return
    if _starts(keys, *_UPSCALER_MARKERS) or _starts(keys, "model.0.weight"):
        raise _refuse(file_name, "an upscaler (it enlarges finished pictures; Headshot Studio has "
                      "its own)")
    if _starts(keys, *_TEXT_ENCODERS[SD15], *_TEXT_ENCODERS[SDXL], "cond_stage_model."):
        raise _refuse(file_name, "only part of a checkpoint (it has no image model weights)",
                      "Import the full checkpoint instead.")
    if _starts(keys, VAE_PREFIX, "encoder.conv_in.", "decoder.conv_out.", "encoder.down.", "decoder.up."):
        raise _refuse(file_name, "a VAE only (the part that turns pictures into numbers and back)",
                      "Import the full checkpoint, which includes a VAE, instead.")
    if _starts(keys, *_DIFFUSERS_PART_MARKERS):
        raise _refuse(file_name, "one part of a model saved in diffusers' folder layout",
                      "Import the whole model folder (the one with model_index.json in it) instead.")
    raise _refuse(file_name, "not a Stable Diffusion checkpoint (it has no image model in it)")


def _check_conv_in(tensors: dict, file_name: str) -> None:
    """Step 3: the UNet's first layer must take the 4 latent channels of a text-to-image
    model (not an inpainting, pix2pix or upscaler variant)."""
    if CONV_IN not in tensors:
        return
    conv_in = tensors[CONV_IN].get("shape")
    if not (isinstance(conv_in, list) and len(conv_in) == 4 and all(type(n) is int for n in conv_in)):
        raise _refuse(file_name, "damaged (its image model's first layer has an impossible shape)",
                      "Download or copy the file again.")
    check_unet_inputs(conv_in[1], file_name)


def _architecture(keys, file_name: str) -> str:
    """Step 4: SD15 or SDXL, from the text encoders; the VAE and every text encoder of
    that family must be there."""
    if _starts(keys, "conditioner.embedders.1."):
        architecture = SDXL
    elif _starts(keys, "conditioner.embedders.0.model."):
        raise _refuse(file_name, "the SDXL refiner (it only finishes pictures another model made)",
                      "Import the SDXL base model (or a model built on it) instead.")
    elif _starts(keys, "cond_stage_model.transformer."):
        architecture = SD15
    else:
        raise _refuse(file_name, "an image model without its text encoder (only part of a checkpoint)",
                      "Import the full checkpoint instead.")
    missing = [prefix for prefix in (VAE_PREFIX, *_TEXT_ENCODERS[architecture]) if not _starts(keys, prefix)]
    if missing:
        raise _refuse(file_name, f"only part of a checkpoint (it has no {missing[0].rstrip('.')} weights)",
                      "Import the full checkpoint instead.")
    return architecture


def _shape_at(tensors: dict, key: str, axis: int) -> int | None:
    """One dimension of a tensor's shape, or None when the header does not give it."""
    shape = tensors.get(key, {}).get("shape")
    return shape[axis] if isinstance(shape, list) and len(shape) > axis and type(shape[axis]) is int else None


def _check_unet_fits_text_encoders(tensors: dict, architecture: str, file_name: str) -> None:
    """Step 4, continued: the UNet's cross-attention width must be the sum of the text
    encoders' output widths, or the file mixes parts of different models."""
    text_widths = [_shape_at(tensors, key, 0) for key in _TEXT_WIDTHS[architecture]]
    contexts = {_shape_at(tensors, key, 1) for key in tensors
                if key.startswith(UNET_PREFIX) and key.endswith("attn2.to_k.weight")} - {None}
    if None not in text_widths and contexts and contexts != {sum(text_widths)}:
        raise _refuse(file_name, "a mix of parts of different model families (its image model does not fit "
                      "its text encoders)", "Import the original, unmodified checkpoint instead.")


def _unet_dtype(unet: dict) -> str:
    """The dtype most UNet tensors have (a few norms are often kept in fp32; an fp8 file
    is converted to fp16, not blown up to fp32)."""
    counts: dict[str, int] = {}
    for value in unet.values():
        dtype = value.get("dtype")
        dtype = "F16" if isinstance(dtype, str) and dtype.startswith("F8") else dtype
        counts[dtype] = counts.get(dtype, 0) + 1
    unet_dtype = max(counts, key=counts.get) if counts else "F32"
    return unet_dtype if unet_dtype in ("F16", "BF16", "F32") else "F32"


def _has_complete_ema(tensors: dict, unet: dict) -> bool:
    """Whether a complete EMA copy of the UNet is there (enough EMA tensors, and one of
    the same shape for every UNet tensor)."""
    ema_count = sum(key.startswith(EMA_PREFIX) for key in tensors)
    return ema_count >= MIN_EMA_TENSORS and all(
        tensors.get(ema_key(key), {}).get("shape") == value.get("shape") for key, value in unet.items()
    )


def classify_checkpoint(header: dict, file_name: str) -> CheckpointFacts:
    """The facts of a base SD1.5/SDXL checkpoint from its parsed safetensors ``header``
    (tensor name -> {dtype, shape, data_offsets}); every other kind of file is refused
    with an :class:`UnsupportedModelError` that says what it is."""
    tensors = {key: value for key, value in header.items() if key != "__metadata__"}
    keys = tensors.keys()

    # 1. Add-ons and parts, recognised before anything else (some carry UNet-like names).
    _refuse_add_ons(keys, file_name)
    _refuse_without_unet(keys, file_name)

    # 2. Families that are not ours, from the text encoders (before the UNet's variant:
    #    an SD2 inpainting model is an SD2 model first).
    if _starts(keys, "cond_stage_model.model."):
        raise _refuse(file_name, "a Stable Diffusion 2 model")
    if _starts(keys, "conditioner.embedders.") and _starts(keys, "cond_stage_model."):
        raise _refuse(file_name, "a mix of parts of different model families (SD1.5 and SDXL text encoders)")

    # 3. UNet variants that are not text-to-image base models.
    _check_conv_in(tensors, file_name)

    # 4. Which family, from the text encoders, and the UNet must match it.
    architecture = _architecture(keys, file_name)
    _check_unet_fits_text_encoders(tensors, architecture, file_name)

    # 5. Training objective (the keys ComfyUI and the trainers that made these files use).
    if "edm_mean" in keys or "edm_std" in keys or _starts(keys, "edm_vpred."):
        raise _refuse_edm(file_name)
    v_pred = "v_pred" in keys
    zero_snr = v_pred and "ztsnr" in keys

    # 6. Weights: the UNet's dtype, and whether a complete EMA copy of it is there.
    unet = {key: value for key, value in tensors.items() if key.startswith(UNET_PREFIX)}
    return CheckpointFacts(
        architecture=architecture,
        unet_dtype=_unet_dtype(unet),
        has_ema=_has_complete_ema(tensors, unet),
        prediction_type="v_prediction" if v_pred else "epsilon",
        zero_terminal_snr=zero_snr,
    )
