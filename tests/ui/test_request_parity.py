"""The window and the command line make runs through the same core.pipeline.build_request:
the same session and settings give the same request, and the same pixels, from either."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from headshot_studio import cli
from headshot_studio.core import hardware, models, pipeline
from headshot_studio.core.hardware import DeviceInfo
from headshot_studio.core.session import list_sessions
from headshot_studio.settings import Settings, save_settings
from headshot_studio.ui.workers import JobState

CPU = DeviceInfo(kind="cpu", name="test cpu")


@pytest.fixture
def same_settings(tiny_sd15, monkeypatch):
    """One set of settings, saved where the command line reads them and given to the window;
    the tiny model learns in a few steps with the "fast" preset."""
    models.import_model(tiny_sd15, name="Tiny")
    monkeypatch.setitem(pipeline.PRESETS, "fast", {"max_train_steps": 4, "steps": 2, "upscale": 1})
    monkeypatch.setattr(hardware, "detect_device", lambda: CPU)  # the command line's device, injected
    settings = Settings(preset="fast", images_per_style=2, checkpoint_every=2)
    save_settings(settings)
    return settings


def window_session(controller, settings, photos_dir, qtbot, name: str):
    controller.settings = settings
    controller.device = CPU
    controller.models = models.find_models()
    controller.new_session(name)
    controller.add_photos([photos_dir])
    qtbot.waitUntil(lambda: not controller.analysing, timeout=60_000)
    controller.set_style_count("legal", 2)
    controller.set_avoid("no tie")


def test_the_same_settings_give_the_same_request(controller, same_settings, photos_dir, qtbot):
    window_session(controller, same_settings, photos_dir, qtbot, "Parity")
    from_window = controller.build_request()
    args = cli.build_parser().parse_args(
        ["run", "--session", controller.session.id, "--resume", "--styles", "legal", "--count", "2", "--avoid", "no tie"])
    from_cli = cli._run_request(args, controller.session, False, cli.ProgressPrinter(io.StringIO()))
    assert from_cli == from_window
    assert from_window.steps == 2 and from_window.training.max_steps == 4  # the preset reached both


def test_the_same_settings_give_the_same_pixels(controller, same_settings, photos_dir, qtbot):
    window_session(controller, same_settings, photos_dir, qtbot, "Window")
    controller.start_run()
    qtbot.waitUntil(lambda: controller.run_worker.state in (JobState.FINISHED, JobState.FAILED), timeout=240_000)
    assert controller.run_worker.state == JobState.FINISHED
    window = controller.session

    assert cli.main(["run", "--photos", str(photos_dir), "--name", "Command line", "--styles", "legal",
                     "--count", "2", "--avoid", "no tie"]) == cli.EXIT_OK
    (command_line,) = [s for s in list_sessions() if s.name == "Command line"]

    assert window.manifest["settings"] == command_line.manifest["settings"]
    made = sorted(p.name for p in window.final_dir.glob("*.png"))
    assert len(made) == 2 and made == sorted(p.name for p in command_line.final_dir.glob("*.png"))
    for name in made:
        with Image.open(window.final_dir / name) as a, Image.open(command_line.final_dir / name) as b:
            assert np.array_equal(np.asarray(a), np.asarray(b)), name
