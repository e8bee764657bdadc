"""installer/build.py's checks of a frozen bundle, on fake bundles (the real one is built by CI)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from headshot_studio import paths

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("installer_build", ROOT / "installer" / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fake bundles are shell scripts")


def _fake_bundle(tmp_path: Path, selftest: str) -> Path:
    bundle = tmp_path / "headshot-studio"
    (bundle / "_internal").mkdir(parents=True)
    exe = bundle / "headshot-studio"
    exe.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "--version" ]; then echo "Headshot Studio 0.1.0"; exit 0; fi\n'
        'if [ "$1" = "selftest" ]; then\n'
        f"{selftest}\n"
        "fi\n"
        "exit 2\n"
    )
    exe.chmod(0o755)
    return bundle


def test_a_working_bundle_passes(tmp_path):
    bundle = _fake_bundle(tmp_path, '  [ -n "$HEADSHOT_STUDIO_HOME" ] || exit 9\n  echo "Self-test passed."; exit 0')
    assert build.check_bundle(bundle) == []


def test_writing_inside_the_bundle_is_caught(tmp_path):
    bundle = _fake_bundle(tmp_path, '  touch "$(dirname "$0")/_internal/cache.bin"; echo "Self-test passed."; exit 0')
    [problem] = build.check_bundle(bundle)
    assert "wrote inside its own folder" in problem and "_internal/cache.bin" in problem


def test_a_failing_selftest_is_caught(tmp_path):
    bundle = _fake_bundle(tmp_path, '  echo "FAIL  generate images: boom"; echo "Self-test FAILED."; exit 1')
    problems = build.check_bundle(bundle)
    assert any("exited with 1" in p for p in problems)
    assert "the self-test did not pass" in problems


def test_a_missing_executable_is_caught(tmp_path):
    (tmp_path / "empty").mkdir()
    assert build.check_bundle(tmp_path / "empty") == [f"{tmp_path / 'empty' / build.CLI_EXE} is missing"]


def test_size_report_splits_torch_qt_models_and_the_rest(tmp_path):
    internal = tmp_path / "b" / "_internal"
    files = {
        "torch/lib/libtorch_cpu.so": 1000, "nvidia/cudnn/lib.so": 50, "PySide6/Qt/lib/libQt6Core.so.6": 300,
        "resources/models/bundled/sd15/unet/w.safetensors": 700, "face_recognition_models/models/a.dat": 20,
        "resources/styles/office.toml": 3, "diffusers/__init__.pyc": 7, "libpython3.11.so.1.0": 11,
    }
    for rel, size in files.items():
        (internal / rel).parent.mkdir(parents=True, exist_ok=True)
        (internal / rel).write_bytes(b"x" * size)
    sizes = build.size_report(tmp_path / "b")
    assert sizes["torch"] == 1050
    assert sizes["Qt (PySide6)"] == 300
    assert sizes["models"] == 720
    assert sizes["other model libraries"] == 7
    assert sizes["Python and the rest"] == 14
    assert sizes["total"] == sum(files.values())


def test_frozen_app_reads_resources_from_the_bundle_and_writes_elsewhere(tmp_path, monkeypatch):
    internal = tmp_path / "headshot-studio" / "_internal"
    monkeypatch.setattr(sys, "_MEIPASS", str(internal), raising=False)
    monkeypatch.delenv(paths.RESOURCES_ENV, raising=False)
    monkeypatch.delenv(paths.HOME_ENV, raising=False)
    assert paths.resources_dir() == internal / "resources"
    assert paths.bundled_models_dir() == internal / "resources" / "models" / "bundled"
    for writable in (paths.data_dir(), paths.config_dir(), paths.cache_dir(), paths.log_dir()):
        assert not writable.is_relative_to(tmp_path), writable
