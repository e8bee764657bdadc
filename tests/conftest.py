"""Shared fixtures. Every test runs with its own app home (data, config, cache, logs
under tmp), its own temp folder that must be empty again at the end, and a check that
no thread is left running."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# tests/hostile_inputs.py, the corpus of hostile files that several test files share, is
# registered under its name here (the suite imports with --import-mode=importlib, so tests/
# is not on sys.path): test files then simply ``import hostile_inputs``.
# tests/import_check.py (what a module imports) likewise, for the layering tests.
for _name in ("hostile_inputs", "import_check"):
    _spec = importlib.util.spec_from_file_location(_name, Path(__file__).parent / f"{_name}.py")
    sys.modules[_name] = importlib.util.module_from_spec(_spec)  # dataclasses look their module up there
    _spec.loader.exec_module(sys.modules[_name])

import pytest  # noqa: E402

from headshot_studio.testing.synthetic import make_photo  # noqa: E402
from headshot_studio.testing.tiny_model import TINY_RESOLUTION, build_tiny_sd15, build_tiny_sdxl  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Never touch the real user folders, and never see the developer's model folder."""
    home = tmp_path / "home"
    monkeypatch.setenv("HEADSHOT_STUDIO_HOME", str(home))
    monkeypatch.delenv("HEADSHOT_STUDIO_MODELS", raising=False)
    monkeypatch.delenv("HEADSHOT_STUDIO_RESOURCES", raising=False)
    return home


@pytest.fixture(autouse=True)
def cpu_device(request, monkeypatch):
    """Every test runs on "a computer without an NVIDIA GPU", whatever this machine has:
    ``hardware.detect_device`` (which the window's controller, the CLI and ``selftest``
    call) gives the processor, with this machine's free memory as the real one would.
    A test about another device injects its own DeviceInfo; tests marked ``gpu`` and
    tests that ask for ``real_device`` see the real detection. (Child processes are not
    covered: tests that start the app in one and depend on the device hide the GPU there
    with CUDA_VISIBLE_DEVICES.)"""
    if request.node.get_closest_marker("gpu") or "real_device" in request.fixturenames:
        return None
    from headshot_studio.core import hardware

    def processor_only():
        return hardware.DeviceInfo(kind="cpu", name="test cpu", free_ram_gb=hardware.available_ram_gb())

    monkeypatch.setattr(hardware, "detect_device", processor_only)
    return processor_only


@pytest.fixture
def real_device():
    """Opts a test out of ``cpu_device``: it sees this machine's own device."""


@pytest.fixture(autouse=True)
def library_variables_restored():
    """``cli.main`` points every library's cache at the app's folders (offline.py) by
    setting environment variables for good, as a fresh process should; a test that calls
    it in-process must not leave the next test's libraries pointing at its folders."""
    from headshot_studio import offline

    names = [*offline.LIBRARY_CACHES, *offline.LEGACY_CACHE_VARIABLES, *offline.OFFLINE_SWITCHES]
    saved = {name: os.environ.get(name) for name in names}
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(autouse=True)
def no_leftover_temp_files(tmp_path, monkeypatch):
    """Code under test gets a private temp folder, which must be empty afterwards."""
    private = tmp_path / "system-temp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    yield
    leftovers = sorted(p.name for p in private.iterdir())
    assert not leftovers, f"test left temporary files behind: {leftovers}"


# tqdm starts a "tqdm_monitor" daemon thread for the process with the first bar it makes
# (diffusers makes one per generation, disabled or not), and ends it some seconds after
# the last bar: whichever test came first would be blamed for a library's thread.
import tqdm  # noqa: E402

tqdm.tqdm.monitor_interval = 0


def _process_pools() -> set:
    """Threads a library keeps for the whole process by design: Dask's one helper thread
    (distributed.utils' offload executor, which its scheduler uses on every submit; made
    on first use, idle between uses, ended at exit)."""
    distributed_utils = sys.modules.get("distributed.utils")
    executor = getattr(distributed_utils, "_offload_executor", None)
    return set(getattr(executor, "_threads", ()))


@pytest.fixture(autouse=True)
def no_dangling_threads():
    """Python threads must be gone, and every QThread the test made must have finished.

    (Threads Qt starts show up in Python as "dummy" threads that Python never removes;
    they are checked through Qt instead.)"""
    before = set(threading.enumerate())
    yield
    leftover = [
        t for t in threading.enumerate()
        if t not in before and t.is_alive() and not isinstance(t, threading._DummyThread) and t not in _process_pools()
    ]
    for thread in leftover:
        thread.join(timeout=5)
    still = [t.name for t in leftover if t.is_alive()]
    assert not still, f"test left threads running: {still}"
    from PySide6.QtCore import QCoreApplication, QThread

    app = QCoreApplication.instance()
    if app is not None:
        running = [t for t in app.findChildren(QThread) if t.isRunning()]
        assert not running, f"test left {len(running)} QThread(s) running"


@pytest.fixture(scope="session")
def _tiny_models(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny-models")
    return {"sd15": build_tiny_sd15(root / "tiny-sd15"), "sdxl": build_tiny_sdxl(root / "tiny-sdxl")}


@pytest.fixture
def tiny_sd15(_tiny_models, tmp_path) -> Path:
    """A private copy of the tiny SD1.5-architecture model (tests may damage it)."""
    return Path(shutil.copytree(_tiny_models["sd15"], tmp_path / "models" / "tiny-sd15"))


@pytest.fixture
def tiny_sdxl(_tiny_models, tmp_path) -> Path:
    return Path(shutil.copytree(_tiny_models["sdxl"], tmp_path / "models" / "tiny-sdxl"))


@pytest.fixture(scope="session")
def _face_photos(tmp_path_factory):
    """Five different shots of one real person (from insightface's t1.jpg), once."""
    from headshot_studio.testing import face_photos

    folder = tmp_path_factory.mktemp("face-photos")
    face_photos.write_selfies(folder, 5)
    return folder


@pytest.fixture
def photos_dir(_face_photos, tmp_path) -> Path:
    """A private copy of five usable selfies of one person (tests may change it)."""
    return Path(shutil.copytree(_face_photos, tmp_path / "photos"))


@pytest.fixture
def training_set(tmp_path) -> Path:
    """Images + captions at the tiny model's resolution, as the dataset stage writes them."""
    folder = tmp_path / "training"
    for i in range(3):
        make_photo(folder / f"{i:03d}.png", i, (TINY_RESOLUTION, TINY_RESOLUTION))
        (folder / f"{i:03d}.txt").write_text("a photo of ohwx person", encoding="utf-8")
    return folder


@pytest.fixture
def no_network(monkeypatch) -> list:
    """Every way Python code reaches the network fails and is recorded: TCP/UDP connects,
    sends to an address, and DNS lookups. The test asserts the list stays empty."""
    import socket

    attempts: list = []

    def refuse(name):
        def refused(*args, **kwargs):
            attempts.append((name, args[1:3] if name.startswith("socket.") else args[:2]))
            raise OSError(f"network access is forbidden in this test ({name})")

        return refused

    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, refuse(f"socket.{name}"))
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
        monkeypatch.setattr(socket, name, refuse(name))
    return attempts
