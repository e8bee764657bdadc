"""Model manifest, lookup, import, architecture detection and damage detection."""

from __future__ import annotations

import json
import shutil

import pytest

from headshot_studio import paths
from headshot_studio.core import models
from headshot_studio.core.events import (
    CancelToken,
    Cancelled,
    ModelDamagedError,
    ModelNotFoundError,
    Stage,
    UnsafeModelFormatError,
    UnsupportedModelError,
)
from headshot_studio.testing.single_file import write_single_file_checkpoint
from headshot_studio.testing.tiny_model import edit_config


def test_manifest_lists_known_models_with_checksums_and_licences():
    manifest = models.load_manifest()
    ids = {entry["id"] for entry in manifest["models"]}
    assert {"stable-diffusion-v1-5", "stable-diffusion-xl-base-1.0"} <= ids
    for entry in (e for e in manifest["models"] if e["kind"] == "base_model"):
        assert entry["architecture"] in (models.SD15, models.SDXL)
        assert entry["licence"] and entry["min_vram_gb"] > 0
        assert len(entry["single_file"]["sha256"]) == 64


def test_architecture_detection(tiny_sd15, tiny_sdxl):
    assert models.detect_architecture(tiny_sd15) == models.SD15
    assert models.detect_architecture(tiny_sdxl) == models.SDXL
    info = models.model_info(tiny_sd15, "path")
    assert info.native_resolution() == 64
    assert 0 < info.unet_params() < models.FULL_SIZE_UNET_PARAMS
    assert not info.is_full_size()


def test_sd2_and_other_pipelines_are_refused_with_a_reason(tiny_sd15):
    config_path = tiny_sd15 / "unet" / "config.json"
    config = json.loads(config_path.read_text())
    config_path.write_text(json.dumps(config | {"cross_attention_dim": 1024}))
    with pytest.raises(UnsupportedModelError, match="Stable Diffusion 2"):
        models.detect_architecture(tiny_sd15)
    index_path = tiny_sd15 / "model_index.json"
    index_path.write_text(json.dumps(json.loads(index_path.read_text()) | {"_class_name": "FluxPipeline"}))
    with pytest.raises(UnsupportedModelError, match="FluxPipeline"):
        models.detect_architecture(tiny_sd15)


def test_lookup_searches_env_folder_user_folder_and_bundled_folder(tiny_sd15, tiny_sdxl, tmp_path, monkeypatch):
    env_root = tmp_path / "env-models"
    shutil.copytree(tiny_sd15, env_root / "env-model")
    monkeypatch.setenv("HEADSHOT_STUDIO_MODELS", str(env_root))
    shutil.copytree(tiny_sdxl, paths.user_models_dir() / "user-model")
    resources = tmp_path / "resources"
    shutil.copytree(paths.resources_dir(), resources)
    shutil.copytree(tiny_sd15, resources / "models" / "bundled" / "bundled-model")
    monkeypatch.setenv("HEADSHOT_STUDIO_RESOURCES", str(resources))

    found = {info.id: info for info in models.find_models()}
    assert found["env-model"].source == "extra"
    assert found["user-model"].source == "user" and found["user-model"].architecture == models.SDXL
    assert found["bundled-model"].source == "bundled"
    assert models.resolve_model("user-model").path == paths.user_models_dir() / "user-model"
    assert models.resolve_model(str(tiny_sd15)).source == "path"
    with pytest.raises(ModelNotFoundError, match="No model called “nope”"):
        models.resolve_model("nope")


def test_no_model_installed_says_how_to_import():
    with pytest.raises(ModelNotFoundError, match="models import"):
        models.default_model()


def test_import_folder_records_checksums_and_verifies(tiny_sd15):
    events = []
    info = models.import_model(tiny_sd15, name="My Model", on_event=events.append)
    assert info.id == "my-model" and info.source == "user"
    assert info.path.parent == paths.user_models_dir()
    assert info.has_checksums
    recorded = {f.path for f in info.files}
    assert "unet/diffusion_pytorch_model.safetensors" in recorded
    assert models.RECORD_NAME not in recorded
    assert {e.stage for e in events} >= {Stage.IMPORT, Stage.VERIFY}

    verify_events = []
    models.verify_model(info, on_event=verify_events.append)
    assert verify_events[-1].step == verify_events[-1].total
    # A second import of the same folder gets its own id, not an overwrite.
    assert models.import_model(tiny_sd15, name="My Model").id == "my-model-2"


def test_import_single_file_checkpoint_converts_to_diffusers(tiny_sd15, tmp_path):
    checkpoint = write_single_file_checkpoint(tiny_sd15, tmp_path / "my-checkpoint.safetensors")
    assert models.inspect_checkpoint(checkpoint).architecture == models.SD15
    # The shipped configs describe real SD1.5; this tiny checkpoint brings its own.
    info = models.import_model(checkpoint, config_dir=tiny_sd15)
    assert info.id == "my-checkpoint" and info.architecture == models.SD15
    assert models.check_model_folder(info.path) == models.SD15
    assert not (info.path / "safety_checker").exists()
    models.verify_model(info)

    from safetensors.torch import load_file

    original = load_file(tiny_sd15 / "unet" / "diffusion_pytorch_model.safetensors")
    imported = load_file(info.path / "unet" / "diffusion_pytorch_model.safetensors")
    assert original.keys() == imported.keys()
    assert all((original[k] == imported[k]).all() for k in original)


def test_single_file_sdxl_detected(tiny_sdxl, tmp_path):
    checkpoint = write_single_file_checkpoint(tiny_sdxl, tmp_path / "xl.safetensors")
    assert models.inspect_checkpoint(checkpoint).architecture == models.SDXL


def test_shipped_configs_cover_both_architectures():
    for architecture in (models.SD15, models.SDXL):
        folder = paths.model_configs_dir() / architecture
        assert models.detect_architecture(folder) == architecture
        for component in models.REQUIRED_COMPONENTS[architecture]:
            assert (folder / component).is_dir(), component


def test_import_cancel_leaves_nothing_behind(tiny_sd15):
    token = CancelToken()

    def cancel_on_first_progress(event):
        token.cancel()

    with pytest.raises(Cancelled):
        models.import_model(tiny_sd15, on_event=cancel_on_first_progress, cancel=token)
    assert not paths.user_models_dir().exists() or not any(paths.user_models_dir().iterdir())


@pytest.mark.parametrize("suffix", [".ckpt", ".bin", ".pt", ".pth"])
def test_pickled_checkpoints_are_refused(tmp_path, suffix):
    pickled = tmp_path / f"model{suffix}"
    pickled.write_bytes(b"\x80\x04not really a pickle")
    with pytest.raises(UnsafeModelFormatError, match="hidden code"):
        models.import_model(pickled)


def test_folder_with_only_pickled_weights_is_refused(tiny_sd15):
    weights = tiny_sd15 / "vae" / "diffusion_pytorch_model.safetensors"
    weights.rename(tiny_sd15 / "vae" / "diffusion_pytorch_model.bin")
    with pytest.raises(UnsafeModelFormatError, match="vae"):
        models.check_model_folder(tiny_sd15)
    with pytest.raises(UnsafeModelFormatError):
        models.import_model(tiny_sd15)


def test_lora_file_is_not_a_base_model(tmp_path):
    from safetensors.torch import save_file
    import torch

    lora = tmp_path / "face.safetensors"
    save_file({"unet.down.lora_A.weight": torch.zeros(2, 2)}, lora)
    with pytest.raises(UnsupportedModelError, match="LoRA"):
        models.import_model(lora)


def test_truncated_weights_are_caught_without_hashing(tiny_sd15):
    weights = tiny_sd15 / "unet" / "diffusion_pytorch_model.safetensors"
    data = weights.read_bytes()
    weights.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelDamagedError) as caught:
        models.check_model_folder(tiny_sd15, "Tiny")
    assert "“Tiny”" in caught.value.message and "diffusion_pytorch_model.safetensors" in caught.value.message
    assert "Import the model again" in caught.value.message


def test_tampered_file_fails_sha256_verification(tiny_sd15):
    info = models.import_model(tiny_sd15, name="Tampered")
    weights = info.path / "unet" / "diffusion_pytorch_model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-100] ^= 0xFF  # same size, valid header, different weights
    weights.write_bytes(bytes(data))
    models.check_model_folder(info.path)  # the structure still looks fine...
    with pytest.raises(ModelDamagedError, match="changed or damaged") as caught:
        models.verify_model(info)  # ...but the checksum does not
    assert "unet/diffusion_pytorch_model.safetensors" in caught.value.message
    assert "“Tampered”" in caught.value.message


def test_missing_component_is_named(tiny_sd15):
    shutil.rmtree(tiny_sd15 / "vae")
    with pytest.raises(ModelDamagedError, match="missing its vae part"):
        models.check_model_folder(tiny_sd15)


def test_empty_tokenizer_folder_is_caught(tiny_sdxl):
    for file in (tiny_sdxl / "tokenizer_2").iterdir():
        file.unlink()
    with pytest.raises(ModelDamagedError, match="missing the files of its tokenizer_2 part"):
        models.check_model_folder(tiny_sdxl)


def test_missing_recorded_file_is_named(tiny_sd15):
    info = models.import_model(tiny_sd15, name="Gappy")
    (info.path / "tokenizer" / "tokenizer_config.json").unlink()
    with pytest.raises(ModelDamagedError, match="tokenizer/tokenizer_config.json"):
        models.verify_model(info)


def test_ensure_verified_hashes_once_then_rehashes_after_a_change(tiny_sd15, monkeypatch):
    info = models.import_model(tiny_sd15, name="Stamped")
    calls = []
    real_verify = models.verify_model
    monkeypatch.setattr(models, "verify_model", lambda *a, **k: (calls.append(1), real_verify(*a, **k)))
    models.ensure_verified(info)
    models.ensure_verified(info)
    assert len(calls) == 1
    weights = info.path / "vae" / "diffusion_pytorch_model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-10] ^= 0x01
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelDamagedError):
        models.ensure_verified(info)
    assert len(calls) == 2


def test_shipped_tokenizers_are_clips():
    from transformers import CLIPTokenizer

    for architecture, folders in ((models.SD15, ["tokenizer"]), (models.SDXL, ["tokenizer", "tokenizer_2"])):
        for folder in folders:
            tokenizer = CLIPTokenizer.from_pretrained(paths.model_configs_dir() / architecture / folder, local_files_only=True)
            assert len(tokenizer) == 49408 and tokenizer.model_max_length == 77
            assert tokenizer("a photo of a cat").input_ids == [49406, 320, 1125, 539, 320, 2368, 49407]
    second = CLIPTokenizer.from_pretrained(paths.model_configs_dir() / models.SDXL / "tokenizer_2", local_files_only=True)
    assert second.pad_token == "!" and second.pad_token_id == 0


@pytest.mark.parametrize("sample_size", [0, -64, 10**9, True, "64", 1.5, None, [64]])
def test_a_damaged_size_in_the_config_is_reported_not_used(tiny_sd15, sample_size):
    """A crafted or damaged unet/config.json must not become a size that divides by zero
    or judges photos for 10^22-pixel training: it is reported as a damaged file."""
    edit_config(tiny_sd15, "unet/config.json", sample_size=sample_size)
    with pytest.raises(ModelDamagedError, match="damaged file unet/config.json"):
        models.model_info(tiny_sd15, "path").native_resolution()


@pytest.mark.parametrize("blocks", [[], list(range(70)), "abcdefghijklmnop"])
def test_a_damaged_vae_config_is_reported_not_used(tiny_sd15, blocks):
    edit_config(tiny_sd15, "vae/config.json", block_out_channels=blocks)
    with pytest.raises(ModelDamagedError, match="damaged file"):
        models.model_info(tiny_sd15, "path").native_resolution()
