"""Privacy, provably: no network code and no network use (GUI included), nothing private
in the logs, session folders readable by the user only, and "delete selfies after
training" leaving no picture of the person behind but the headshots."""

from __future__ import annotations

import ast
import json
import re
import stat
import sys
from pathlib import Path

import numpy as np
import pytest

import headshot_studio
from headshot_studio import cli, paths
from headshot_studio.core import models
from headshot_studio.core.session import create_session, list_sessions

PACKAGE = Path(headshot_studio.__file__).parent
# Modules that open connections; none belongs in an app that never goes online.
NETWORK_MODULES = {"socket", "ssl", "http", "urllib", "urllib3", "requests", "httpx", "aiohttp", "ftplib",
                   "smtplib", "webbrowser", "xmlrpc", "websocket", "websockets", "PySide6.QtNetwork"}
QUICK = ["--styles", "corporate-executive", "--count", "2", "--steps", "2", "--train-steps", "4", "--no-upscale"]


def _imported_modules(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def _network_imports(source: str) -> set[str]:
    return {name for name in _imported_modules(source)
            if any(name == module or name.startswith(module + ".") for module in NETWORK_MODULES)}


def test_the_app_has_no_network_code_no_telemetry_no_update_check():
    """No module opens connections of its own. Studio mode (studio/, opt-in) is the one
    part that talks to other PCs, and only through Dask distributed with the studio's
    mutual TLS (tests/studio/test_studio_security.py): only studio/ may import it."""
    offenders = {}
    for module in PACKAGE.rglob("*.py"):
        source = module.read_text(encoding="utf-8")
        found = _network_imports(source)
        if module.parent.name != "studio":
            found |= {name for name in _imported_modules(source) if name.split(".")[0] == "distributed"}
        if found:
            offenders[str(module.relative_to(PACKAGE))] = sorted(found)
    assert offenders == {}


def test_the_network_import_check_can_fail():
    source = "import urllib.request\nfrom PySide6 import QtNetwork\nfrom PySide6.QtWidgets import QLabel\n"
    assert _network_imports(source) == {"urllib.request", "PySide6.QtNetwork"}


def test_the_window_and_photo_checks_never_touch_the_network(qtbot, no_network, photos_dir, tiny_sd15):
    from headshot_studio.ui.app import MainWindow

    models.import_model(tiny_sd15, name="Offline GUI")
    window = MainWindow()
    qtbot.addWidget(window)
    controller = window.controller
    qtbot.waitUntil(lambda: controller.device is not None, timeout=60_000)
    controller.new_session("Offline")
    controller.add_photos([photos_dir])
    qtbot.waitUntil(lambda: len(controller.photo_paths()) == 5 and not controller.analysing, timeout=120_000)
    assert all(controller.report_for(p) is not None for p in controller.photo_paths())
    window.close()
    assert no_network == []


def test_logs_hold_no_image_data_and_no_face_embeddings(tiny_sd15, photos_dir):
    models.import_model(tiny_sd15, name="Logged")
    assert cli.main(["--verbose", "run", "--photos", str(photos_dir), "--model", "logged", *QUICK]) == 0
    assert cli.main(["--verbose", "check", str(photos_dir)]) == 0
    session = list_sessions()[0]
    logs = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in paths.log_dir().glob("*.log*"))
    assert "run" in logs.lower() and len(logs) > 200  # the log was written (so the checks below mean something)

    assert not re.search(r"[A-Za-z0-9+/=]{200,}", logs), "a long base64-like run (image data?) is in the log"
    assert "data:image" not in logs and "\x89PNG" not in logs and "JFIF" not in logs
    assert not re.search(r"(?:-?\d+\.\d{3,}\s*,?\s*){12,}", logs), "a long list of numbers (an embedding?) is in the log"
    identity = json.loads(session.identity_file.read_text())
    vector = np.asarray(identity["embedding"] if isinstance(identity, dict) else identity, dtype=float).ravel()
    for value in vector[:16]:
        assert f"{value:.6f}"[:8] not in logs


def test_session_folders_are_private_to_the_user(photos_dir):
    if sys.platform == "win32":
        pytest.skip("Windows: per-user folders under %LOCALAPPDATA% are private by their ACLs")
    session = create_session("Private", sorted(photos_dir.glob("*.jpg")))
    for folder in (paths.sessions_dir(), session.path, session.photos_dir):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert stat.S_IMODE(paths.sessions_dir().stat().st_mode) & (stat.S_IRWXG | stat.S_IRWXO) == 0


def test_delete_selfies_after_training_leaves_only_the_learned_face(tiny_sd15, photos_dir):
    from headshot_studio.core import quality

    models.import_model(tiny_sd15, name="Forgetful")
    session = create_session("Forget me", sorted(photos_dir.glob("*.jpg")))
    session.manifest["delete_photos_after_training"] = True
    session.save()
    assert cli.main(["run", "--resume", "--session", session.id, "--model", "forgetful", *QUICK]) == 0
    session = list_sessions()[0]
    pictures = {".jpg", ".jpeg", ".png", ".heic", ".webp"}
    leftovers = [p for p in session.path.rglob("*") if p.suffix.lower() in pictures
                 and session.final_dir not in p.parents and session.raw_dir not in p.parents]
    assert leftovers == []  # no selfie and no face crop of one is left
    assert not session.training_dir.exists()
    cache = quality.default_cache().folder
    assert cache is None or not list(cache.glob("*.json"))  # nor their cached analyses
    assert (session.lora_dir / "lora.safetensors").is_file() and len(list(session.final_dir.glob("*.png"))) == 2
    assert all(p.is_file() for p in photos_dir.glob("*.jpg"))  # the user's own originals are untouched
