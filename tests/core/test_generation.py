"""Seeded generation on the tiny models: reproducibility, LoRA effect, metadata, cancel."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from headshot_studio.core import models
from headshot_studio.core.events import CancelToken, Cancelled, InputError, ModelDamagedError, Stage
from headshot_studio.core.generation import GenerationRequest, Generator, check_request
from headshot_studio.core.hardware import DeviceInfo, plan_run
from headshot_studio.core.training import TrainingConfig, train_lora

CPU = DeviceInfo(kind="cpu", name="test cpu")
PROMPT = "a photo of ohwx person"


def pixels(path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"), dtype=np.int16)


@pytest.fixture
def sd15_generator(tiny_sd15):
    info = models.model_info(tiny_sd15, "path")
    return Generator(info, plan_run(info, CPU))


def test_same_seed_same_pixels_different_seed_different_pixels(sd15_generator, tmp_path):
    requests = [GenerationRequest(PROMPT, seed=s, steps=4) for s in (11, 11, 12)]
    first, again, other = sd15_generator.generate(requests, tmp_path / "out")
    assert np.array_equal(pixels(first.path), pixels(again.path))
    assert not np.array_equal(pixels(first.path), pixels(other.path))
    # A fresh generator (a new process, in effect) reproduces the image from its sidecar.
    settings = json.loads(first.sidecar.read_text())
    info = sd15_generator.model
    again_later = Generator(info, plan_run(info, CPU)).generate(
        [GenerationRequest(**{k: settings[k] for k in GenerationRequest.__dataclass_fields__})], tmp_path / "again"
    )[0]
    assert np.array_equal(pixels(first.path), pixels(again_later.path))


def test_png_and_sidecar_carry_prompt_seed_model_and_settings(sd15_generator, tmp_path):
    request = GenerationRequest(PROMPT, seed=5, steps=3, negative_prompt="glasses", guidance_scale=7.0, scheduler="euler_a")
    image = sd15_generator.generate([request], tmp_path)[0]
    assert image.path.name == "0000-s5.png" and image.sidecar.name == "0000-s5.json"
    with Image.open(image.path) as png:
        embedded = json.loads(png.text["headshot_studio"])
        parameters = png.text["parameters"]
    sidecar = json.loads(image.sidecar.read_text())
    for settings in (embedded, sidecar):
        assert settings["prompt"] == PROMPT and settings["negative_prompt"] == "glasses"
        assert settings["seed"] == 5 and settings["steps"] == 3 and settings["guidance_scale"] == 7.0
        assert settings["scheduler"] == "euler_a" and settings["model_id"] == "tiny-sd15"
        assert (settings["width"], settings["height"]) == (64, 64)
    assert "Seed: 5" in parameters and "Negative prompt: glasses" in parameters


def test_lora_changes_the_output(tiny_sd15, training_set, tmp_path):
    info = models.model_info(tiny_sd15, "path")
    plan = plan_run(info, CPU)
    lora = train_lora(info, plan, training_set, tmp_path / "lora", TrainingConfig(steps=10, learning_rate=1e-3)).lora_path
    request = GenerationRequest(PROMPT, seed=3, steps=4)
    base = Generator(info, plan).generate([request], tmp_path / "base")[0]
    with_face = Generator(info, plan, lora).generate([request], tmp_path / "face")[0]
    assert with_face.settings["lora_sha256"] and base.settings["lora_sha256"] is None
    difference = np.abs(pixels(base.path) - pixels(with_face.path)).mean()
    assert difference > 1.0, difference
    # Face strength 0 switches the LoRA off: back to the base model's pixels (within rounding).
    off = Generator(info, plan, lora).generate([GenerationRequest(PROMPT, seed=3, steps=4, lora_scale=0.0)], tmp_path / "off")[0]
    assert np.abs(pixels(base.path) - pixels(off.path)).max() <= 1


def test_sdxl_generation(tiny_sdxl, training_set, tmp_path):
    info = models.model_info(tiny_sdxl, "path")
    plan = plan_run(info, CPU)
    lora = train_lora(info, plan, training_set, tmp_path / "lora", TrainingConfig(steps=2)).lora_path
    images = Generator(info, plan, lora).generate([GenerationRequest(PROMPT, seed=s, steps=3) for s in (1, 2)], tmp_path / "out")
    assert [img.settings["architecture"] for img in images] == ["sdxl", "sdxl"]
    assert not np.array_equal(pixels(images[0].path), pixels(images[1].path))


def test_cancel_mid_image_stops_within_one_step(sd15_generator, tmp_path):
    unet_calls = []
    hook = sd15_generator.pipe.unet.register_forward_hook(lambda *args: unet_calls.append(1))
    token = CancelToken()
    events = []

    def cancel_at_step_3(event):
        events.append(event)
        if event.stage == Stage.GENERATE and event.step == 3:
            token.cancel()

    requests = [GenerationRequest(PROMPT, seed=s, steps=20) for s in (1, 2)]
    with pytest.raises(Cancelled):
        sd15_generator.generate(requests, tmp_path / "out", on_event=cancel_at_step_3, cancel=token)
    hook.remove()
    assert len(unet_calls) == 3  # not a single denoising step after the cancel
    assert not list((tmp_path / "out").glob("*.png"))  # the unfinished image is not saved


def test_cancel_between_images_keeps_finished_ones_and_a_rerun_continues(sd15_generator, tmp_path):
    token = CancelToken()

    def cancel_after_first_image(event):
        if event.preview is not None:
            token.cancel()

    requests = [GenerationRequest(PROMPT, seed=s, steps=2) for s in (1, 2, 3)]
    out = tmp_path / "out"
    with pytest.raises(Cancelled):
        sd15_generator.generate(requests, out, on_event=cancel_after_first_image, cancel=token)
    assert sorted(p.name for p in out.glob("*.png")) == ["0000-s1.png"]
    first_mtime = (out / "0000-s1.png").stat().st_mtime_ns

    events = []
    images = sd15_generator.generate(requests, out, on_event=events.append)
    assert [img.path.name for img in images] == ["0000-s1.png", "0001-s2.png", "0002-s3.png"]
    assert (out / "0000-s1.png").stat().st_mtime_ns == first_mtime  # kept, not redone
    assert max(e.total for e in events if e.stage == Stage.GENERATE) == 4  # two images x two steps
    # Changing a setting means the old image no longer counts as done.
    changed = sd15_generator.generate([GenerationRequest(PROMPT, seed=1, steps=3)], out)
    assert changed[0].settings["steps"] == 3


def test_only_whole_images_count_as_done(sd15_generator, tmp_path):
    """Images are written atomically, so a kill leaves whole files or none; what else can
    happen (a file cut short by a failing disk or a copy, an image whose sidecar never
    got written, a killed writer's temporary file) is never taken as finished."""
    out = tmp_path / "out"
    requests = [GenerationRequest(PROMPT, seed=s, steps=2) for s in (1, 2, 3, 4)]
    sd15_generator.generate(requests, out)
    cut = out / "0000-s1.png"
    cut.write_bytes(cut.read_bytes()[:-40])  # the end of the image data and the IEND chunk are gone
    (out / "0001-s2.json").unlink()  # killed between the image and its sidecar
    (out / ".0002-s3.png-k1.tmp").write_bytes(b"\x89PNG half")  # a killed writer's leftover
    whole = {name: (out / name).stat().st_mtime_ns for name in ("0002-s3.png", "0003-s4.png")}

    images = sd15_generator.generate(requests, out)
    for image in images:
        with Image.open(image.path) as png:
            png.verify()
    assert {name: (out / name).stat().st_mtime_ns for name in whole} == whole  # not made again
    assert (out / "0001-s2.json").is_file() and len(cut.read_bytes()) > 1000


def test_preview_events_carry_a_small_image(sd15_generator, tmp_path):
    events = []
    sd15_generator.generate([GenerationRequest(PROMPT, seed=1, steps=2)], tmp_path, on_event=events.append)
    previews = [e.preview for e in events if e.preview is not None]
    assert len(previews) == 1 and max(previews[0].size) <= 160


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"prompt": "  "}, "prompt is empty"),
        ({"steps": 0}, "got 0"),
        ({"guidance_scale": 99.0}, "got 99.0"),
        ({"width": 100}, "multiple of 8"),
        ({"seed": -1}, "got -1"),
        ({"scheduler": "magic"}, "Unknown sampler “magic”"),
    ],
)
def test_bad_requests_are_refused_with_the_value(change, message):
    base = {"prompt": PROMPT, "seed": 1}
    with pytest.raises(InputError, match=message):
        check_request(GenerationRequest(**(base | change)))


def test_damaged_model_file_gives_a_clear_error(tiny_sd15):
    weights = tiny_sd15 / "text_encoder" / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    info = models.model_info(tiny_sd15, "path")
    with pytest.raises(ModelDamagedError) as caught:
        Generator(info, plan_run(info, CPU))
    assert "damaged or incomplete file (model.safetensors)" in caught.value.message
    assert "Import the model again" in caught.value.message


def test_corrupt_header_that_passes_the_size_check_is_still_caught(tiny_sd15):
    """Bytes inside a weight file's header are damaged: diffusers cannot parse it."""
    weights = tiny_sd15 / "vae" / "diffusion_pytorch_model.safetensors"
    data = bytearray(weights.read_bytes())
    data[8:12] = b"\x00\x00\x00\x00"  # the header's JSON is no longer JSON
    weights.write_bytes(bytes(data))
    info = models.model_info(tiny_sd15, "path")
    with pytest.raises(ModelDamagedError, match="damaged"):
        Generator(info, plan_run(info, CPU))


@pytest.mark.parametrize("precision", ["bf16", "fp16", "fp32"])
def test_the_model_loads_in_the_planned_precision(tiny_sdxl, precision):
    """diffusers before 0.40 silently ignored `dtype=` and loaded everything in fp32,
    which made every VRAM plan wrong by 2x: each component must come in the plan's dtype
    (this is what pins the lowest diffusers version in pyproject.toml)."""
    import dataclasses

    from headshot_studio.core.generation import load_base_pipeline

    info = models.model_info(tiny_sdxl, "path")
    plan = dataclasses.replace(plan_run(info, CPU), precision=precision)
    pipe = load_base_pipeline(info, plan)
    for name in ("unet", "vae", "text_encoder", "text_encoder_2"):
        assert getattr(pipe, name).dtype == plan.torch_dtype, name


def test_on_half_precision_cards_the_sd15_vae_works_in_fp32(tiny_sd15, tmp_path):
    """fp16 plans (cards without native bf16): the UNet in fp16, the VAE in fp32 for
    decoding and for the face-detail pass's encoding, where fp16 overflows to black."""
    import dataclasses

    import torch

    info = models.model_info(tiny_sd15, "path")
    plan = dataclasses.replace(plan_run(info, CPU), precision="fp16")
    generator = Generator(info, plan)
    assert (generator.pipe.unet.dtype, generator.pipe.vae.dtype) == (torch.float16, torch.float32)
    seen = []
    vae = generator.pipe.vae
    real_decode, real_encode = vae.decode, vae.encode
    vae.decode = lambda z, *a, **k: seen.append(("decode", z.dtype)) or real_decode(z, *a, **k)
    vae.encode = lambda x, *a, **k: seen.append(("encode", x.dtype)) or real_encode(x, *a, **k)

    (image,) = generator.generate([GenerationRequest(PROMPT, seed=1, steps=2)], tmp_path)
    pixels = np.asarray(Image.open(image.path), dtype=float)
    assert pixels.std() > 0
    refined = generator.refine(Image.open(image.path), GenerationRequest(PROMPT, seed=1, steps=2), 0.5)
    assert refined.size == Image.open(image.path).size
    assert seen == [("decode", torch.float32), ("encode", torch.float32), ("decode", torch.float32)]
