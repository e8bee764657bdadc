"""What Start uses: the model the session started with (not whatever is the default
now), and the graphics memory free when Start is pressed (not when the window opened)."""

from __future__ import annotations

import pytest

from headshot_studio.core import models
from headshot_studio.core.events import NotEnoughVramError
from headshot_studio.core.hardware import DeviceInfo


def test_start_continues_a_session_with_the_model_it_started_with(controller, tiny_sd15, tiny_sdxl):
    models.import_model(tiny_sdxl, name="Installed other")  # the default model now
    controller.device = DeviceInfo(kind="cpu", name="test cpu")
    controller.new_session("Test")
    assert controller.current_plan()[0].name == "Installed other"  # nothing recorded yet
    # a run started from a model folder (`run --model PATH`) recorded it
    controller.session.manifest["settings"] = {"model_id": tiny_sd15.name, "model_path": str(tiny_sd15)}
    model, plan = controller.current_plan()
    assert model.path == tiny_sd15 and model.architecture == models.SD15


def test_free_graphics_memory_is_measured_when_start_is_pressed(controller, tiny_sd15, monkeypatch):
    import torch

    models.import_model(tiny_sd15, name="Tiny")
    # the window opened with 7.5 GB free on an RTX 2070; a game has taken some since
    controller.device = DeviceInfo(kind="cuda", name="NVIDIA GeForce RTX 2070", total_vram_gb=8.0,
                                   free_vram_gb=7.5, compute_capability=(7, 5))
    controller.new_session("Test")
    free = {"bytes": 5 * 2**30}
    monkeypatch.setattr(torch.cuda, "mem_get_info", lambda device=0: (free["bytes"], 8 * 2**30))
    model, plan = controller.current_plan()
    assert "5.0 GB free on NVIDIA GeForce RTX 2070" in plan.notes[0]
    assert plan.precision == "fp16"  # compute capability 7.5: no native bf16
    free["bytes"] = 3 * 2**30  # and then more is taken: Start says so, rather than failing later
    with pytest.raises(NotEnoughVramError, match="3.0 GB of free memory"):
        controller.current_plan()


def test_every_error_the_window_shows_is_logged_without_the_users_file_names(controller, caplog):
    from headshot_studio.core.events import ErrorKind, describe_error

    with caplog.at_level("ERROR", logger="headshot_studio.ui.controller"):
        controller.error.emit(ErrorKind.BAD_INPUT, "That file is not a photo.", "/home/alex/Alex Morgan.jpg: bad")
        controller.error.emit(*describe_error(ZeroDivisionError("boom")))
    lines = [record.getMessage() for record in caplog.records]
    assert lines[0] == "bad_input: That file is not a photo." and "Alex Morgan" not in caplog.text
    assert lines[1].startswith("internal: Something went wrong") and "ZeroDivisionError: boom" in lines[1]


def test_a_damaged_model_is_listed_with_its_reason_not_as_no_model(controller, qtbot):
    from headshot_studio import paths

    broken = paths.user_models_dir() / "broken"
    broken.mkdir(parents=True)
    (broken / "model_index.json").write_text("{not json")
    controller.refresh_setup()
    qtbot.waitUntil(lambda: controller.device is not None, timeout=60_000)
    assert controller.models == [] and [d.name for d in controller.damaged_models] == ["broken"]
    controller.new_session("Test")
    ok, reason = controller.can_start()
    assert not ok and "damaged file model_index.json" in reason and "No base model is installed" not in reason
