"""Faults of a command-line run. A run killed outright (SIGKILL: a crash, the task
manager, a power cut for the process) and continued with `run --resume`, in real
processes on the tiny model: killed while learning the face, it goes on from its last
checkpoint; killed while generating, it keeps every finished image and makes only the
rest. And a disk without room: exit 1, the plain message and how to continue."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from headshot_studio import cli, paths
from headshot_studio.core import pipeline
from headshot_studio.core.session import list_sessions

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

START_TIMEOUT_S = 300  # a cold start (imports, photo checks) on a busy machine
RUN_TIMEOUT_S = 600


def app_env() -> dict[str, str]:
    """This test's environment (its app home: HEADSHOT_STUDIO_HOME) for a child process,
    with any NVIDIA card hidden: these runs are processor runs on every machine."""
    return dict(os.environ) | {"CUDA_VISIBLE_DEVICES": ""}


def start_run(args: list[str], log: Path) -> subprocess.Popen:
    """``headshot-studio run ARGS`` in a new process sharing this test's app home, its
    output going to ``log``."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "headshot_studio", "run", *args],
            stdout=out, stderr=subprocess.STDOUT, env=app_env(),
        )


# `headshot-studio run` that stops itself at a known point and waits there for the test's
# SIGKILL, so the kill lands at that point on any machine, however loaded (polling for
# files and killing "soon" lands wherever the run has got to by then). The point is a
# progress event, as the command line receives it: in "train", the event of step AFTER
# (its checkpoint, if one falls due there, is not yet written); in "generate", the first
# denoising step of the image after AFTER finished ones. The step reached is written to
# MARKER, which the test waits for.
PAUSED_RUN = """
import sys, threading
from pathlib import Path
from headshot_studio import cli
from headshot_studio.core.events import Notice

marker, stage, after = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
real_call = cli.ProgressPrinter.__call__
finished = []

def stop_at_the_point(self, event):
    real_call(self, event)
    if event.stage.value != stage or isinstance(event, Notice):  # another stage, or a line for the log
        return
    if stage == "generate" and event.preview is not None:  # an image was written
        finished.append(event.step)
        return
    if (len(finished) if stage == "generate" else event.step) >= after:
        marker.write_text(str(len(finished) if stage == "generate" else event.step))
        threading.Event().wait()  # until the test's SIGKILL

cli.ProgressPrinter.__call__ = stop_at_the_point
sys.exit(cli.main(["run", *sys.argv[4:]]))
"""


def run_killed_at(stage: str, after: int, args: list[str], log: Path) -> int:
    """Start ``headshot-studio run ARGS``, SIGKILL it at the point PAUSED_RUN describes,
    and return the step (or the finished images) it had reached."""
    marker = log.with_suffix(".paused")
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", PAUSED_RUN, str(marker), stage, str(after), *args],
            stdout=out, stderr=subprocess.STDOUT, env=app_env(),
        )
    kill_when(process, marker.is_file, f"{stage} reaching {after}")
    return int(marker.read_text())


def kill_when(process: subprocess.Popen, condition, what: str) -> None:
    """SIGKILL ``process`` as soon as ``condition()`` holds (polled every 20 ms)."""
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while not condition():
            assert process.poll() is None, f"the run ended (exit {process.returncode}) before {what}"
            assert time.monotonic() < deadline, f"no {what} within {START_TIMEOUT_S} s"
            time.sleep(0.02)
        process.kill()
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def finish(args: list[str], log: Path) -> None:
    process = start_run(args, log)
    try:
        code = process.wait(timeout=RUN_TIMEOUT_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
    assert code == 0, log.read_text(errors="replace")[-3000:]


def session_folder() -> Path | None:
    folders = list(paths.sessions_dir().glob("*/manifest.json")) if paths.sessions_dir().is_dir() else []
    assert len(folders) <= 1
    return folders[0].parent if folders else None


def train_steps_shown(log: Path) -> list[int]:
    """The training steps the run printed (a line per tenth of the way, and the first)."""
    return [int(m) for m in re.findall(r"train \[[#-]+\] (\d+)/\d+", log.read_text(errors="replace"))]


def checkpoint_steps(folder: Path | None) -> list[int]:
    root = folder / "lora" / "checkpoints" if folder else None
    if root is None or not root.is_dir():
        return []
    return sorted(int(p.name.split("-")[1]) for p in root.glob("step-*") if (p / "state.json").is_file())


def whole_images(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.name: (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.glob("*.png"))
        if p.with_suffix(".json").is_file()
    }


@posix_only
def test_killed_while_learning_the_face_resumes_from_its_last_checkpoint(tiny_sd15, photos_dir, tmp_path):
    steps, every = 80, 20
    args = ["--model", str(tiny_sd15), "--styles", "legal", "--count", "1", "--steps", "2", "--no-upscale",
            "--train-steps", str(steps), "--checkpoint-every", str(every)]
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    # killed at step 30: the checkpoint at step 20 is on disk, steps 21-30 are only in memory
    reached = run_killed_at("train", 30, ["--photos", str(photos_dir), *args], first_log)
    folder = session_folder()
    checkpoint = 20  # the newest whole checkpoint the kill left
    assert reached == 30 and checkpoint_steps(folder) == [checkpoint]
    assert not (folder / "lora" / "lora.safetensors").exists()

    finish(["--resume", *args], second_log)
    training = json.loads((folder / "lora" / "training.json").read_text())
    assert training["resumed_from_step"] == checkpoint > 0
    assert training["steps_done"] == steps
    # the continued run's first step is the one after the checkpoint: what was done past
    # it (at most one checkpoint interval) is all that was done twice
    assert train_steps_shown(second_log)[0] == checkpoint + 1
    log_text = paths.log_file().read_text(encoding="utf-8")
    assert f"training resumed from the checkpoint at step {checkpoint}" in log_text
    (session,) = list_sessions()
    assert session.state == "finished" and len(session.gallery()) == 1
    assert [p.name for p in session.final_dir.glob("*.png")] == ["legal-0000-s0.png"]
    assert not (folder / "lora" / "checkpoints").exists()  # gone once the face is learned
    print(f"killed at step {reached} of {steps}; resumed from {checkpoint}: {reached - checkpoint} steps done twice")


@posix_only
def test_killed_while_generating_keeps_every_finished_image_and_makes_only_the_rest(tiny_sd15, photos_dir, tmp_path):
    count = 8
    args = ["--model", str(tiny_sd15), "--styles", "legal", "--count", str(count), "--steps", "3", "--no-upscale",
            "--train-steps", "2"]
    # killed while the fourth image is being made: three whole images on disk
    finished = run_killed_at("generate", 3, ["--photos", str(photos_dir), *args], tmp_path / "first.log")
    folder = session_folder()
    raw_dir = folder / "outputs" / "raw"
    kept = whole_images(raw_dir)
    assert finished == 3 and sorted(kept) == [f"legal-{i:04d}-s{i}.png" for i in range(3)]
    half_written = sorted(p.name for p in raw_dir.iterdir() if p.name.endswith(".tmp"))

    finish(["--resume", *args], tmp_path / "second.log")
    raw = whole_images(raw_dir)
    assert len(raw) == count and sorted(raw) == [f"legal-{i:04d}-s{i}.png" for i in range(count)]
    assert {name: raw[name] for name in kept} == kept  # same bytes, same time: not made again
    made_again = [name for name in raw if name not in kept]
    assert len(made_again) == count - len(kept)
    (session,) = list_sessions()
    assert session.state == "finished" and len(session.gallery()) == count
    assert len(list(session.final_dir.glob("*.png"))) == count
    assert not [p for p in folder.rglob(".*.tmp")]  # what the kill left half-written is gone
    print(f"killed after {len(kept)} of {count} images (half-written files left: {half_written}); "
          f"the continued run made {len(made_again)}")


def test_a_disk_without_room_exits_1_with_the_message_and_how_to_continue(tiny_sd15, photos_dir, monkeypatch, capsys):
    monkeypatch.setattr(pipeline.shutil, "disk_usage", lambda path: SimpleNamespace(total=2**40, used=2**40, free=50 * 2**20))
    code = cli.main(["run", "--photos", str(photos_dir), "--model", str(tiny_sd15), "--count", "1", "--no-upscale"])
    assert code == cli.EXIT_FAILED
    err = capsys.readouterr().err
    (session,) = list_sessions()
    assert f"Continue later with: headshot-studio run --resume --session {session.id}" in err
    assert "Error: There is not enough free disk space for this run" in err and "50.0 MB free" in err
    assert "Traceback" not in err and session.state == "new"


def test_a_retry_notice_is_printed_as_its_own_line():
    import io

    from headshot_studio.core.events import JobEvent, Notice, Stage

    stream = io.StringIO()
    printer = cli.ProgressPrinter(stream)
    printer(JobEvent(Stage.TRAIN, 3, 10, "Learning the face: step 3 of 10"))
    printer(Notice(Stage.TRAIN, pipeline.OUT_OF_MEMORY_RETRY_MESSAGE))
    printer(JobEvent(Stage.TRAIN, 4, 10, "Learning the face: step 4 of 10"))
    lines = stream.getvalue().splitlines()
    assert lines[1] == pipeline.OUT_OF_MEMORY_RETRY_MESSAGE and "4/10" in lines[2]


def _vm_hwm(pid: int) -> int:
    """The peak memory (bytes) of process ``pid``'s own address space so far (VmHWM), 0
    once it is gone. (The kernel's ru_maxrss for a child also counts the parent's size at
    the fork, which under a long test session is large.)"""
    try:
        line = next(x for x in Path(f"/proc/{pid}/status").read_text().splitlines() if x.startswith("VmHWM:"))
        return int(line.split()[1]) * 1024
    except (OSError, StopIteration, ValueError):
        return 0


def _wait_with_peak(process: subprocess.Popen, timeout: float) -> int:
    """Wait for ``process``, sampling its peak memory; returns the highest (bytes)."""
    deadline = time.monotonic() + timeout
    peak = 0
    while process.poll() is None:
        peak = max(peak, _vm_hwm(process.pid))  # the high-water mark only grows
        if time.monotonic() > deadline:
            process.kill()
            process.wait(timeout=30)
            raise AssertionError(f"no end within {timeout} s")
        time.sleep(0.2)
    return peak


FULL_SIZE_TIMEOUT_S = 1800  # each command; the whole test takes about 10 minutes on 2 cores
MEMORY_LIMIT = 20 * 2**30  # a 24 GB machine, with room for the system and the test itself


@posix_only
@pytest.mark.timeout(4 * FULL_SIZE_TIMEOUT_S)
def test_a_full_size_sd15_checkpoint_runs_on_the_processor_killed_and_resumed(photos_dir, tmp_path, capsys):
    """The whole app with a full-size SD1.5 file in the layout people download (random
    weights): import, then `run --allow-cpu` at its native 512 px: photos, crops, 2
    training steps with a checkpoint, SIGKILL after the first, `run --resume`, 1 image
    with 2 denoising steps, face detail, ranking. Then the face-detail pass itself on a
    real face, with that model and the learned face. Peak memory of each process is
    printed and must leave room on a 24 GB machine."""
    import gc

    import numpy as np

    from PIL import Image

    from headshot_studio.core import models
    from headshot_studio.core.checkpoints import SD15
    from headshot_studio.core.faces import load_face_analyzer
    from headshot_studio.core.generation import GenerationRequest, Generator
    from headshot_studio.core.hardware import DeviceInfo, plan_run
    from headshot_studio.core.postprocess import PostprocessOptions, retouch
    from headshot_studio.testing.checkpoint_corpus import random_base_checkpoint

    from headshot_studio import offline

    offline.contain_library_files()  # as the app does first: the model libraries cache in its folders
    peaks = {}
    file = tmp_path / "v1-5-random.safetensors"
    random_base_checkpoint(file, SD15, ema=False)
    log = tmp_path / "import.log"
    with log.open("ab") as out:
        importing = subprocess.Popen([sys.executable, "-m", "headshot_studio", "models", "import", str(file)],
                                     stdout=out, stderr=subprocess.STDOUT, env=dict(os.environ))
    peaks["import"] = _wait_with_peak(importing, FULL_SIZE_TIMEOUT_S)
    assert importing.returncode == 0, log.read_text(errors="replace")[-3000:]
    file.unlink()
    (info,) = models.find_models()
    assert info.is_full_size() and info.native_resolution() == 512

    args = ["--model", info.id, "--allow-cpu", "--styles", "legal", "--count", "1", "--steps", "2",
            "--no-upscale", "--train-steps", "2", "--checkpoint-every", "1"]
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    process = start_run(["--photos", str(photos_dir), *args], first_log)
    try:
        deadline = time.monotonic() + FULL_SIZE_TIMEOUT_S
        peak = 0
        while checkpoint_steps(session_folder()) != [1]:
            assert process.poll() is None, first_log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "no training checkpoint in time"
            peak = max(peak, _vm_hwm(process.pid))
            time.sleep(0.2)
        peaks["run until killed"] = max(peak, _vm_hwm(process.pid))
        process.kill()
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    folder = session_folder()
    assert process.returncode == -signal.SIGKILL and not (folder / "lora" / "lora.safetensors").exists()
    crops = sorted((folder / "training").glob("*.png"))
    assert crops and all(Image.open(crop).size == (512, 512) for crop in crops)

    resumed = start_run(["--resume", *args], second_log)
    peaks["resumed run"] = _wait_with_peak(resumed, FULL_SIZE_TIMEOUT_S)
    assert resumed.returncode == 0, second_log.read_text(errors="replace")[-3000:]
    training = json.loads((folder / "lora" / "training.json").read_text())
    assert (training["resumed_from_step"], training["steps_done"]) == (1, 2)
    (session,) = list_sessions()
    (entry,) = session.gallery()
    final = session.final_dir / entry.file
    assert Image.open(final).size == (512, 512)
    settings = json.loads(final.with_suffix(".json").read_text())
    assert settings["steps"] == 2 and settings["model_id"] == info.id and "face_detail" in settings["postprocess"]
    assert entry.scores.combined is not None, entry  # ranked

    # The face-detail pass at full size, on a real face (random weights draw no face of
    # their own for the run's pass to find).
    plan = plan_run(info, DeviceInfo(kind="cpu", name="test cpu"), allow_cpu=True)
    photo = Image.open(sorted(photos_dir.glob("*.jpg"))[0]).convert("RGB")
    photo.thumbnail((512, 512))
    analyzer = load_face_analyzer(())
    face = analyzer.detect(np.asarray(photo))[0]
    generator = Generator(info, plan, folder / "lora" / "lora.safetensors")
    request = GenerationRequest("a photo of a person", seed=1, steps=2)
    detailed, done = retouch(photo, [face], PostprocessOptions(upscale=1, colour=False),
                             refine=lambda crop: generator.refine(crop, request, 0.5), resolution=plan.resolution)
    assert isinstance(done["face_detail"], dict) and detailed.size == photo.size
    left, top, right, bottom = (int(v) for v in face.box)
    changed = np.abs(np.asarray(detailed, dtype=float) - np.asarray(photo, dtype=float))
    assert changed[top:bottom, left:right].mean() > 1.0
    generator = detailed = None  # the full-size model leaves memory before the figures
    gc.collect()

    with capsys.disabled():
        print("\nfull-size SD1.5 on the processor, peak memory: "
              + ", ".join(f"{stage} {peak / 2**30:.1f} GiB" for stage, peak in peaks.items()))
    assert all(0 < peak < MEMORY_LIMIT for peak in peaks.values()), peaks
