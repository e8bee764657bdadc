"""Faults during a run, on the tiny model and real face photos: a disk without room
(found before the run) or that fills up during it, and the graphics card running out of
memory (simulated: the UNet raises PyTorch's CUDA OutOfMemoryError). Each ends in a
plain message or a retry, and leaves a session that reopens and continues.
(A process killed outright: tests/test_cli_faults.py.)"""

from __future__ import annotations

import errno
import json
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
from diffusers import UNet2DConditionModel
from safetensors import SafetensorError
from safetensors.torch import load_file

from headshot_studio.core import files, images, models, pipeline
from headshot_studio.core.events import (
    DISK_FULL_MESSAGE,
    GPU_OUT_OF_MEMORY_MESSAGE,
    DiskSpaceError,
    GpuOutOfMemoryError,
    Notice,
    Stage,
    describe_error,
)
from headshot_studio.core.files import human_size
from headshot_studio.core.hardware import DeviceInfo, plan_run
from headshot_studio.core.pipeline import (
    OUT_OF_MEMORY_RETRY_MESSAGE,
    RunRequest,
    check_disk_space,
    check_run,
    estimate_run_bytes,
    run_session,
)
from headshot_studio.core.postprocess import PostprocessOptions
from headshot_studio.core.session import create_session, open_session
from headshot_studio.core.training import TrainingConfig, lora_parameter_count

MB = 2**20


@pytest.fixture
def model(tiny_sd15):
    return models.import_model(tiny_sd15, name="Tiny")


@pytest.fixture
def session(photos_dir):
    return create_session("Client", sorted(photos_dir.glob("*.jpg")))


def request_for(model, **changes) -> RunRequest:
    plan = plan_run(model, DeviceInfo(kind="cpu", name="test"))
    defaults = {
        "styles": ("legal",),
        "count": 4,
        "steps": 2,
        "training": TrainingConfig(steps=4, checkpoint_every=2),
        "postprocess": PostprocessOptions(upscale=1),
    }
    return RunRequest(model=model, plan=plan, **(defaults | changes))


def whole_images(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Each image with its sidecar: name -> (bytes, mtime in ns)."""
    return {
        p.name: (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.glob("*.png"))
        if p.with_suffix(".json").is_file()
    }


def temp_files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob(".*.tmp"))


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def disk_with(free_bytes: int):
    def disk_usage(path):
        disk_usage.asked.append(Path(path))
        return SimpleNamespace(total=500 * 2**30, used=500 * 2**30 - free_bytes, free=free_bytes)

    disk_usage.asked = []
    return disk_usage


# --- disk space before the run ---------------------------------------------------------


def test_a_run_the_disk_has_no_room_for_is_refused_before_anything_is_written(model, session, monkeypatch):
    manifest = (session.path / "manifest.json").read_bytes()
    request = request_for(model)
    needed = estimate_run_bytes(session, request, check_run(session, request)) + pipeline.DISK_RESERVE_BYTES
    disk = disk_with(300 * MB)
    monkeypatch.setattr(pipeline.shutil, "disk_usage", disk)

    with pytest.raises(DiskSpaceError) as caught:
        run_session(session, request)
    message = caught.value.message
    assert f"it needs about {human_size(needed)}" in message and "has 300.0 MB free" in message
    assert "Free up space" in message and str(session.path) not in message  # paths go to the details
    assert str(session.path) in caught.value.details
    assert disk.asked == [session.path]  # the disk the session is on
    assert describe_error(caught.value)[:2] == ("disk_full", message)
    # the session is as it was: nothing started, nothing recorded
    assert (session.path / "manifest.json").read_bytes() == manifest
    assert open_session(session.id).state == "new"
    assert not session.training_dir.exists() and not session.lora_dir.exists() and not session.raw_dir.exists()

    # the threshold is the estimate plus the reserve, to the byte
    batches = check_run(session, request)
    monkeypatch.setattr(pipeline.shutil, "disk_usage", disk_with(needed))
    check_disk_space(session, request, batches)
    monkeypatch.setattr(pipeline.shutil, "disk_usage", disk_with(needed - 1))
    with pytest.raises(DiskSpaceError):
        check_disk_space(session, request, batches)


def test_the_estimate_covers_everything_a_run_writes(model, session):
    request = request_for(model, styles=("legal", "academic"), count=2, postprocess=PostprocessOptions(upscale=2),
                          training=TrainingConfig(steps=4, checkpoint_every=2, rank=8))
    batches = check_run(session, request)
    estimate = estimate_run_bytes(session, request, batches)
    before = folder_bytes(session.path)
    run_session(session, request)
    written = folder_bytes(session.path) - before
    assert 0 < written <= estimate, (written, estimate)

    # The LoRA's size is counted, not guessed: the same number of values as the file holds.
    lora = load_file(session.lora_dir / "lora.safetensors")
    assert sum(t.numel() for t in lora.values()) == lora_parameter_count(model, 8)
    # Done: the face and images are not counted again (only the crops every full run rewrites).
    again = estimate_run_bytes(session, request, batches)
    assert again == pytest.approx(5 * (64**2 * pipeline.PNG_BYTES_PER_PIXEL + 2 * pipeline.FILE_OVERHEAD_BYTES), abs=1)
    # More images with the learned face: only the new ones.
    more = replace(request, reuse_face=True, seed=10)
    assert estimate_run_bytes(session, more, check_run(session, more)) > again


# --- disk full during the run -------------------------------------------------------------


class DiskFillsUp:
    """From the ``at``-th image written on, every atomic write (images, sidecars, the
    manifest) fails with "no space left on device" after writing part of the file, as
    on a real full disk, until :meth:`free_up` is called."""

    def __init__(self, monkeypatch, at: int) -> None:
        self.real = files.write_atomic
        self.at, self.images, self.full, self.failed = at, 0, False, []
        monkeypatch.setattr(files, "write_atomic", self.write)  # JSON: manifest, sidecars, gallery
        monkeypatch.setattr(images, "write_atomic", self.write)  # PNGs: generated and finished images

    def write(self, path: Path, write) -> None:
        if path.suffix == ".png" and path.parent.name == "raw":
            self.images += 1
            self.full = self.full or self.images >= self.at
        if not self.full:
            return self.real(path, write)

        def part_then_full(fh):
            fh.write(b"\x89PNG\r\n\x1a\n part of a file")
            raise OSError(errno.ENOSPC, "No space left on device")

        self.failed.append(path.name)
        return self.real(path, part_then_full)

    def free_up(self) -> None:
        self.full, self.at = False, float("inf")


def test_disk_full_while_generating_keeps_the_session_whole_and_continue_finishes(model, session, monkeypatch):
    disk = DiskFillsUp(monkeypatch, at=3)
    request = request_for(model)
    with pytest.raises(DiskSpaceError) as caught:
        run_session(session, request)
    assert caught.value.message == DISK_FULL_MESSAGE and "continues where it stopped" in caught.value.message
    assert "No space left on device" in caught.value.details
    assert disk.failed[0] == "legal-0002-s2.png"
    assert "manifest.json" in disk.failed  # even "failed" could not be recorded …
    reopened = open_session(session.id)  # … and the manifest on disk is still whole
    assert reopened.state == "trained"
    kept = whole_images(session.raw_dir)
    assert sorted(kept) == ["legal-0000-s0.png", "legal-0001-s1.png"]
    assert temp_files(session.path) == []  # the part-written files are gone

    disk.free_up()
    killed_writer = session.raw_dir / ".legal-0002-s2.png-x7f3.tmp"  # as a process killed mid-write leaves
    killed_writer.write_bytes(b"\x89PNG\r\n\x1a\n part of a file")
    result = run_session(reopened, request)
    assert temp_files(session.path) == []  # removed when the run started
    assert open_session(session.id).state == "finished"
    raw = whole_images(session.raw_dir)
    assert len(raw) == 4 and len(list(session.final_dir.glob("*.png"))) == 4 and len(result.gallery) == 4
    assert {name: raw[name] for name in kept} == kept  # the images made before the disk filled, untouched


def test_disk_full_while_saving_training_progress_is_the_same_plain_message(model, session, monkeypatch):
    """safetensors writes from native code and reports a full disk in its own exception."""
    import safetensors.torch

    real_save = safetensors.torch.save_file
    calls = []

    def save_file(*args, **kwargs):
        calls.append(args[1])
        if len(calls) == 3:  # the first file of the second checkpoint (step 4)
            raise SafetensorError(
                'Error while serializing: IoError(Os { code: 28, kind: StorageFull, message: "No space left on device" })'
            )
        return real_save(*args, **kwargs)

    monkeypatch.setattr(safetensors.torch, "save_file", save_file)
    request = request_for(model, count=1, training=TrainingConfig(steps=6, checkpoint_every=2))
    with pytest.raises(DiskSpaceError) as caught:
        run_session(session, request)
    assert caught.value.message == DISK_FULL_MESSAGE
    reopened = open_session(session.id)
    assert reopened.state == "failed" and reopened.manifest["last_error"] == DISK_FULL_MESSAGE
    assert temp_files(session.path) == ["lora/checkpoints/.step-000004.tmp"]  # the half checkpoint

    monkeypatch.setattr(safetensors.torch, "save_file", real_save)
    run_session(reopened, request)
    assert temp_files(session.path) == []  # removed when the run started
    training = json.loads((session.lora_dir / "training.json").read_text())
    assert training["resumed_from_step"] == 2 and training["steps_done"] == 6


# --- out of graphics memory ------------------------------------------------------------------


class UnetOutOfMemory:
    """The UNet raises PyTorch's CUDA out-of-memory error, as a full graphics card does:
    in training (gradients on) or in generation (inference), at the chosen calls of
    that kind (1 = the first), or always."""

    def __init__(self, monkeypatch, when: str, at: set[int] | None = None) -> None:
        real_forward = UNet2DConditionModel.forward
        self.calls = self.raised = 0

        def forward(unet, *args, **kwargs):
            if torch.is_grad_enabled() == (when == "train"):
                self.calls += 1
                if at is None or self.calls in at:
                    self.raised += 1
                    raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB (simulated)")
            return real_forward(unet, *args, **kwargs)

        monkeypatch.setattr(UNet2DConditionModel, "forward", forward)


@pytest.fixture
def freed(monkeypatch) -> list:
    """Records each time the pipeline gives back graphics memory."""
    calls: list = []
    real = pipeline.free_gpu_memory
    monkeypatch.setattr(pipeline, "free_gpu_memory", lambda: (calls.append(True), real()))
    return calls


def test_training_out_of_memory_retries_once_lighter_from_the_step_reached(model, session, monkeypatch, freed, caplog):
    oom = UnetOutOfMemory(monkeypatch, "train", at={3})
    events = []
    request = request_for(model, count=1, training=TrainingConfig(steps=5, checkpoint_every=10))
    result = run_session(session, request, on_event=events.append)

    assert oom.raised == 1 and freed
    notices = [(e.stage, e.message) for e in events if isinstance(e, Notice)]
    assert notices[0][1].startswith("Settings for this computer: cpu, fp32, 64 px")  # the plan, first
    assert notices[1:] == [(Stage.TRAIN, OUT_OF_MEMORY_RETRY_MESSAGE)]
    # Steps 1-2 were kept (saved when the memory ran out), step 3 was tried again.
    assert [e.step for e in events if e.stage == Stage.TRAIN and not isinstance(e, Notice)] == [1, 2, 3, 4, 5]
    training = json.loads((session.lora_dir / "training.json").read_text())
    assert training["resumed_from_step"] == 2 and training["steps_done"] == 5
    assert training["plan"]["gradient_checkpointing"] and not request.plan.gradient_checkpointing
    assert training["plan"]["notes"][-1].startswith("out of graphics memory: every memory saver")
    assert "train ran out of graphics memory; trying again with lighter settings (out of graphics memory: every " \
           "memory saver (gradient_checkpointing False -> True" in caplog.text
    assert "New plan: cpu, fp32, 64 px" in caplog.text and "savers: gradient checkpointing" in caplog.text
    assert open_session(session.id).state == "finished" and len(result.gallery) == 1


def test_generation_out_of_memory_retries_with_smaller_batches_keeping_finished_images(model, session, monkeypatch, freed):
    request = request_for(model)
    request = replace(request, plan=replace(request.plan, generation_batch_size=2))
    oom = UnetOutOfMemory(monkeypatch, "generate", at={3})  # the first step of the second batch of two
    kept = {}
    events = []

    def on_event(event):
        events.append(event)
        if isinstance(event, Notice) and event.message == OUT_OF_MEMORY_RETRY_MESSAGE:
            kept.update(whole_images(session.raw_dir))

    result = run_session(session, request, on_event=on_event)
    assert oom.raised == 1
    assert [(e.stage, e.message) for e in events if isinstance(e, Notice)][1:] == [(Stage.GENERATE, OUT_OF_MEMORY_RETRY_MESSAGE)]
    raw = whole_images(session.raw_dir)
    assert sorted(kept) == ["legal-0000-s0.png", "legal-0001-s1.png"]
    assert {name: raw[name] for name in kept} == kept  # not made again
    batch_sizes = {p.stem: json.loads(p.read_text())["batch_size"] for p in session.raw_dir.glob("*.json")}
    assert batch_sizes == {"legal-0000-s0": 2, "legal-0001-s1": 2, "legal-0002-s2": 1, "legal-0003-s3": 1}
    assert len(result.gallery) == 4 and open_session(session.id).state == "finished"


def test_out_of_memory_again_after_the_retry_stops_with_the_plain_message(model, session, monkeypatch, freed):
    oom = UnetOutOfMemory(monkeypatch, "train")
    events = []
    with pytest.raises(GpuOutOfMemoryError) as caught:
        run_session(session, request_for(model, count=1), on_event=events.append)
    assert oom.raised == 2  # the first try and one retry, no more
    assert len([e for e in events if e.message == OUT_OF_MEMORY_RETRY_MESSAGE]) == 1
    error = caught.value
    assert error.message == GPU_OUT_OF_MEMORY_MESSAGE
    assert "OutOfMemoryError" in error.details and "--- again with cpu" in error.details
    kind, message, _ = describe_error(error)
    assert kind == "gpu_out_of_memory" and message == GPU_OUT_OF_MEMORY_MESSAGE and "Traceback" not in message
    reopened = open_session(session.id)
    assert reopened.state == "failed" and reopened.manifest["last_error"] == GPU_OUT_OF_MEMORY_MESSAGE


def test_out_of_memory_with_nothing_lighter_left_stops_at_once(model, session, monkeypatch, freed):
    oom = UnetOutOfMemory(monkeypatch, "train")
    request = request_for(model, count=1)
    lightest = replace(request.plan, gradient_checkpointing=True, cache_latents=True)  # batch 1, 64 px: nothing left
    events = []
    with pytest.raises(GpuOutOfMemoryError, match="even with the lightest settings"):
        run_session(session, replace(request, plan=lightest), on_event=events.append)
    assert oom.raised == 1 and not [e for e in events if e.message == OUT_OF_MEMORY_RETRY_MESSAGE]


def test_other_errors_are_not_retried(model, session, monkeypatch):
    calls = []

    def broken(*args, **kwargs):
        calls.append(True)
        raise RuntimeError("mat1 and mat2 shapes cannot be multiplied")

    monkeypatch.setattr(UNet2DConditionModel, "forward", broken)
    with pytest.raises(RuntimeError, match="shapes cannot be multiplied"):
        run_session(session, request_for(model, count=1))
    assert len(calls) == 1 and open_session(session.id).state == "failed"
