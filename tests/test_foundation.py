"""Package-wide rules: no Qt in core, paths under the app's folders, settings fall back
safely, events and error descriptions behave."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from import_check import imports_in, is_window_code  # tests/import_check.py, registered by conftest.py

import headshot_studio
from headshot_studio import paths
from headshot_studio.core.events import (
    CancelToken,
    Cancelled,
    EtaClock,
    JobEvent,
    ModelDamagedError,
    Stage,
    describe_error,
)
from headshot_studio.settings import Settings, load_settings, save_settings

PACKAGE = Path(headshot_studio.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, source: str | None = None) -> set[str]:
    """Every module an import statement anywhere in the file (or ``source``, read as that
    file) names, inside functions too, relative imports resolved against its package."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    return imports_in(path.read_text(encoding="utf-8") if source is None else source, package)


def test_core_never_imports_qt():
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(m for m in imported_modules(path) if is_window_code(m))
        for path in (PACKAGE / "core").rglob("*.py")
    }
    assert not {k: v for k, v in offenders.items() if v}


def loaded_by_importing(modules: list[str]) -> set[str]:
    """What ``sys.modules`` holds after importing ``modules`` in a fresh interpreter."""
    import subprocess
    import sys

    probe = ("import importlib, json, sys\nfor name in sys.argv[1:]: importlib.import_module(name)\n"
             "print(json.dumps(sorted(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", probe, *modules], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_importing_all_of_core_loads_no_qt():
    core = sorted(module_name(path) for path in (PACKAGE / "core").rglob("*.py"))
    assert "headshot_studio.core.pipeline" in core and "headshot_studio.core.faces.helper" in core
    loaded = loaded_by_importing(core)
    assert set(core) <= loaded and sorted(m for m in loaded if is_window_code(m)) == []


def test_the_checkers_above_can_fail():
    in_core = PACKAGE / "core" / "faces" / "example.py"  # read as if it were this file
    source = ("import os\ndef later():\n    from PySide6.QtCore import QObject\n    from ...ui import app\n"
              "    from .. import events\n    from headshot_studio import ui\n")
    found = {m for m in imported_modules(in_core, source) if is_window_code(m)}
    assert found == {"PySide6.QtCore", "PySide6.QtCore.QObject", "headshot_studio.ui", "headshot_studio.ui.app"}
    assert "headshot_studio.core.events" in imported_modules(in_core, source)  # relative, resolved, not Qt
    assert any(is_window_code(m) for m in loaded_by_importing(["headshot_studio.ui.workers"]))


def test_user_folders_follow_the_home_override(isolated_home):
    for folder in (paths.data_dir(), paths.config_dir(), paths.cache_dir(), paths.log_dir()):
        assert folder.is_relative_to(isolated_home)
    assert paths.user_models_dir() == isolated_home / "data" / "models"


def test_resources_are_found():
    assert (paths.resources_dir() / "models" / "manifest.json").is_file()
    assert paths.bundled_models_dir().parent == paths.resources_dir() / "models"


def test_settings_round_trip_and_bad_values_fall_back(tmp_path, caplog):
    file = tmp_path / "settings.json"
    save_settings(Settings(images_per_style=8, allow_cpu=True), file)
    assert load_settings(file) == Settings(images_per_style=8, allow_cpu=True)
    assert json.loads(file.read_text())["schema_version"] == 1

    file.write_text(json.dumps({"images_per_style": 0, "checkpoint_every": "often", "allow_cpu": True, "unknown": 1}))
    loaded = load_settings(file)
    assert loaded.images_per_style == Settings().images_per_style  # out of range
    assert loaded.checkpoint_every == Settings().checkpoint_every  # wrong type
    assert loaded.allow_cpu is True
    assert "images_per_style=0 is invalid" in caplog.text

    file.write_text("{not json")
    assert load_settings(file) == Settings()
    assert all(Settings.describe().values())


def test_settings_default_location_is_the_config_dir(isolated_home):
    save_settings(Settings(images_per_style=3))
    assert (isolated_home / "config" / "settings.json").is_file()
    assert load_settings().images_per_style == 3


def test_cancel_token():
    token = CancelToken()
    token.raise_if_cancelled()
    token.cancel()
    assert token.cancelled
    with pytest.raises(Cancelled):
        token.raise_if_cancelled()


def test_job_events_are_frozen_and_report_fraction():
    event = JobEvent(Stage.TRAIN, 5, 20, "x", loss=0.1)
    assert event.fraction == 0.25
    with pytest.raises(AttributeError):
        event.step = 6  # type: ignore[misc]


def test_eta_clock_estimates_from_pace(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(time, "perf_counter", lambda: now[0])
    clock = EtaClock(total=11)
    assert clock.tick(1) is None  # the first step's one-off costs are not a pace
    now[0] += 2.0
    assert clock.tick(2) == pytest.approx(18.0)  # 2 s/step, 9 steps left
    now[0] += 2.0
    assert clock.tick(3) == pytest.approx(16.0)


def test_describe_error_keeps_messages_plain():
    kind, message, details = describe_error(ModelDamagedError("Model X is damaged.", details="sha mismatch"))
    assert (kind, message, details) == ("model_damaged", "Model X is damaged.", "sha mismatch")
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError as exc:
        kind, message, details = describe_error(exc)
    assert kind == "internal" and "Traceback" not in message and "ZeroDivisionError: boom" in details
