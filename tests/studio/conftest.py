"""Studio mode's tests: the queue is run the way an operator runs it, as the app in a
process of its own (``headshot-studio studio run``), with real Dask workers on loopback;
the test process only adds clients and watches the queue file."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from headshot_studio.core import models

# A quick run on the tiny model (tests/test_cli.py's QUICK, for the studio queue).
QUICK_RUN = ["--allow-cpu", "--steps", "2", "--no-upscale", "--seed", "7"]


@pytest.fixture
def installed_tiny(tiny_sd15):
    """The tiny model imported as a user would: studio mode needs its recorded checksums."""
    return models.import_model(tiny_sd15, name="Tiny SD15")


@pytest.fixture
def no_face_dir(tmp_path) -> Path:
    """Three photos of a wall: a client whose photos cannot be used."""
    folder = tmp_path / "no-face"
    folder.mkdir()
    for i in range(3):
        Image.new("RGB", (640, 640), (60 + 40 * i, 90, 120)).save(folder / f"wall-{i}.jpg", quality=90)
    return folder


@pytest.fixture
def few_train_checkpoints():
    """Training that keeps a checkpoint every 5 steps, so a stop mid-training has one."""
    from dataclasses import replace

    from headshot_studio.settings import load_settings, save_settings

    save_settings(replace(load_settings(), checkpoint_every=5))


class StudioApp:
    """``headshot-studio studio …`` in processes of their own, with this test's home."""

    quick = QUICK_RUN

    def __init__(self, tmp_path: Path) -> None:
        self.env = dict(os.environ, CUDA_VISIBLE_DEVICES="-1", PYTHONUNBUFFERED="1")
        self.logs = tmp_path / "studio-logs"
        self.logs.mkdir(exist_ok=True)
        self.started: list[subprocess.Popen] = []

    def command(self, *args: str, timeout: float = 600, env: dict | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "headshot_studio", "studio", *args], capture_output=True,
                              text=True, timeout=timeout, env=dict(self.env, **(env or {})))

    def start(self, *args: str, env: dict | None = None) -> subprocess.Popen:
        log = open(self.logs / f"run-{len(self.started)}.txt", "w")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen([sys.executable, "-m", "headshot_studio", "studio", *args], stdout=log,
                                   stderr=subprocess.STDOUT, text=True, env=dict(self.env, **(env or {})))
        process.log_file = log
        self.started.append(process)
        return process

    def output(self, process: subprocess.Popen) -> str:
        process.log_file.flush()
        return Path(process.log_file.name).read_text(errors="replace")

    def wait_for(self, what, process: subprocess.Popen | None = None, timeout: float = 300, every: float = 0.2):
        """Poll ``what()`` until it gives something true; fail with the app's output."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = what()
            if value:
                return value
            if process is not None and process.poll() is not None:
                pytest.fail(f"the studio stopped (exit {process.returncode}) before the test saw what it waited "
                            f"for:\n{self.output(process)[-4000:]}")
            time.sleep(every)
        pytest.fail("timed out waiting" + (f":\n{self.output(process)[-4000:]}" if process else ""))

    def close(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.kill()
                process.wait(30)
            process.log_file.close()


@pytest.fixture
def studio_app(tmp_path):
    app = StudioApp(tmp_path)
    yield app
    app.close()


def process_tree(pid: int) -> list:
    import psutil

    try:
        parent = psutil.Process(pid)
        return [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


@pytest.fixture
def tree():
    return process_tree


def worker_processes(pid: int) -> list:
    """The app's Dask worker processes (started by its nannies), not Python's helpers."""
    import psutil

    found = []
    for child in psutil.Process(pid).children():
        try:
            line = " ".join(child.cmdline())
        except psutil.NoSuchProcess:
            continue
        if "spawn_main" in line or "forkserver" in line:
            if "resource_tracker" not in line:
                found.append(child)
    return found


@pytest.fixture
def workers_of():
    return worker_processes

