"""Samplers: every name a style may choose (styles.SAMPLERS, what the style editor offers)
makes the tiny model's pipeline denoise with the diffusers scheduler that name stands
for, configured as the name says; a name the generator does not know is refused, from a
style file and from a request, quoting it and listing the choices.

The expected classes and settings are written out here, not read from
generation.SCHEDULERS: the test checks that table, so it must not be built from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from headshot_studio.core import models
from headshot_studio.core.events import InputError
from headshot_studio.core.generation import GenerationRequest, Generator, check_request
from headshot_studio.core.hardware import DeviceInfo, plan_run
from headshot_studio.core.styles import SAMPLERS, StyleError, load_style

CPU = DeviceInfo(kind="cpu", name="test cpu")
STEPS = 2

# name -> (diffusers class, settings its config must have). "DPM++ 2M" is the second-order
# multistep DPM-Solver++; "Karras" spaces its noise levels as Karras et al. (2022) do.
EXPECTED = {
    "dpmpp_2m": ("DPMSolverMultistepScheduler",
                 {"algorithm_type": "dpmsolver++", "solver_order": 2, "use_karras_sigmas": False}),
    "dpmpp_2m_karras": ("DPMSolverMultistepScheduler",
                        {"algorithm_type": "dpmsolver++", "solver_order": 2, "use_karras_sigmas": True}),
    "euler": ("EulerDiscreteScheduler", {"use_karras_sigmas": False}),
    "euler_a": ("EulerAncestralDiscreteScheduler", {}),
    "ddim": ("DDIMScheduler", {}),
    "unipc": ("UniPCMultistepScheduler", {}),
}

STYLE = """\
name = "Sampler test"
description = "A test style."
swatch = "#112233"

[prompt]
subject = "headshot photo of {{subject}}"
attire = "navy blazer"
background = "grey backdrop"
lighting = "soft light"
composition = "head and shoulders"
negative = "blurry"

[settings]
guidance = 6.0
steps = 28
width = 832
height = 1024
sampler = "{sampler}"
"""


def write_style(folder: Path, sampler: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "sampler-test.toml"
    path.write_text(STYLE.format(sampler=sampler), encoding="utf-8")
    return path


def test_every_offered_sampler_is_one_this_test_knows():
    assert sorted(SAMPLERS) == sorted(EXPECTED)  # a new sampler needs its expected scheduler above


def test_each_sampler_denoises_with_its_scheduler_on_the_tiny_model(tiny_sd15, tmp_path):
    info = models.model_info(tiny_sd15, "path")
    generator = Generator(info, plan_run(info, CPU))
    used = {}
    for name in SAMPLERS:
        # the name as a style file gives it, then as the run asks for it
        assert load_style(write_style(tmp_path / "styles" / name, name)).sampler == name
        (image,) = generator.generate([GenerationRequest("a photo of ohwx person", seed=1, steps=STEPS,
                                                         scheduler=name)], tmp_path / name)
        scheduler = generator.pipe.scheduler
        used[name] = type(scheduler).__name__
        class_name, settings = EXPECTED[name]
        assert used[name] == class_name, (name, used[name])
        assert {key: scheduler.config[key] for key in settings} == settings, name
        assert len(scheduler.timesteps) == STEPS, name  # it is the one this image was denoised with
        assert image.settings["scheduler"] == name and image.path.is_file()
    assert used["euler"] != used["euler_a"] and used["ddim"] != used["unipc"]


def test_an_unknown_sampler_is_refused_with_the_choices(tmp_path):
    with pytest.raises(InputError) as caught:
        check_request(GenerationRequest("a photo", seed=1, scheduler="dpm++ 2m"))
    assert caught.value.message.startswith("Unknown sampler “dpm++ 2m”. Choose one of: ")
    assert all(name in caught.value.message for name in EXPECTED)

    with pytest.raises(StyleError) as caught:
        load_style(write_style(tmp_path / "styles", "k_euler"))
    assert caught.value.field == "settings.sampler"
    assert "k_euler" in caught.value.message and all(name in caught.value.message for name in EXPECTED)
