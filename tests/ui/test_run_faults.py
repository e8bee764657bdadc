"""Faults of a run reach the window as plain messages through the run worker and the
controller: a disk without room, the graphics card out of memory (after the retry notice
in the Create page's log), and a full disk met outside the pipeline."""

from __future__ import annotations

import errno
from types import SimpleNamespace

from headshot_studio.core import models, pipeline
from headshot_studio.core.events import (
    DISK_FULL_MESSAGE,
    GPU_OUT_OF_MEMORY_MESSAGE,
    GpuOutOfMemoryError,
    JobEvent,
    Notice,
    Stage,
)
from headshot_studio.core.hardware import DeviceInfo, plan_run
from headshot_studio.core.pipeline import OUT_OF_MEMORY_RETRY_MESSAGE, RunRequest, run_session
from headshot_studio.core.session import create_session
from headshot_studio.ui.pages.create import CreatePage, StageRow
from headshot_studio.ui.workers import JobState


def run_in_worker(controller, qtbot, job) -> tuple[str, str, str]:
    """Start ``job`` on the controller's run worker; return the error the window gets."""
    errors = []
    controller.error.connect(lambda *error: errors.append(error))
    with qtbot.waitSignal(controller.error, timeout=60_000):
        controller.run_worker.start(job)
    assert controller.run_worker.wait()
    assert controller.run_worker.state == JobState.FAILED
    return errors[-1]


def test_a_disk_without_room_reaches_the_window_in_plain_words(controller, qtbot, tiny_sd15, photos_dir, monkeypatch):
    model = models.import_model(tiny_sd15, name="Tiny")
    session = create_session("Full disk", sorted(photos_dir.glob("*.jpg")))
    request = RunRequest(model=model, plan=plan_run(model, DeviceInfo(kind="cpu", name="test")), count=1)
    monkeypatch.setattr(pipeline.shutil, "disk_usage", lambda path: SimpleNamespace(total=2**40, used=2**40, free=2**20))

    kind, message, details = run_in_worker(controller, qtbot, lambda on_event, cancel: run_session(session, request, on_event, cancel))
    assert kind == "disk_full"
    assert message.startswith("There is not enough free disk space for this run") and "1.0 MB free" in message
    assert "Traceback" not in message and str(session.path) in details


def test_out_of_memory_shows_the_retry_in_the_log_then_the_plain_message(controller, qtbot):
    page = CreatePage(controller)
    qtbot.addWidget(page)

    def out_of_memory_twice(on_event, cancel):
        on_event(JobEvent(Stage.TRAIN, 3, 10, "Learning the face: step 3 of 10"))
        on_event(Notice(Stage.TRAIN, OUT_OF_MEMORY_RETRY_MESSAGE))
        raise GpuOutOfMemoryError(GPU_OUT_OF_MEMORY_MESSAGE, details="torch.OutOfMemoryError: CUDA out of memory")

    kind, message, _ = run_in_worker(controller, qtbot, out_of_memory_twice)
    assert (kind, message) == ("gpu_out_of_memory", GPU_OUT_OF_MEMORY_MESSAGE)
    assert OUT_OF_MEMORY_RETRY_MESSAGE in page.log.toPlainText()
    bar = page.stage_bars[StageRow.LEARN]
    assert (bar.value(), bar.maximum()) == (3, 10)  # the notice moves no progress bar


def test_a_full_disk_outside_a_run_gets_the_same_plain_message(controller, qtbot):
    def export(on_event, cancel):
        raise OSError(errno.ENOSPC, "No space left on device", "/media/usb/headshots.zip")

    kind, message, details = run_in_worker(controller, qtbot, export)
    assert kind == "disk_full" and message.startswith("The disk is full. Free up space")
    assert message != DISK_FULL_MESSAGE  # that one speaks of a run
    assert "headshots.zip" in details
