"""Package-wide rules: no Qt in core, paths under the app's folders, settings fall back
safely, events and error descriptions behave."""

from __future__ import annotations

import ast
import json
import time
from pathlib import Path

import pytest

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


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_never_imports_qt():
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(m for m in imported_modules(path) if m.split(".")[0] in {"PySide6", "shiboken6", "PyQt5", "PyQt6"} or m.startswith("headshot_studio.ui"))
        for path in (PACKAGE / "core").rglob("*.py")
    }
    assert not {k: v for k, v in offenders.items() if v}


def test_the_checker_above_can_fail(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtCore import QObject\n")
    assert "PySide6.QtCore" in imported_modules(bad)


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
