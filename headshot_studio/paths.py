"""Every location the app reads or writes, in one place.

User data lives only under the per-user folders platformdirs gives (or under
``HEADSHOT_STUDIO_HOME`` when set, which tests and portable installs use). Bundled,
read-only resources are found in the source tree, inside an installed wheel, or
inside a PyInstaller bundle. The app never writes next to its own code.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "HeadshotStudio"

# Overrides, all optional.
HOME_ENV = "HEADSHOT_STUDIO_HOME"  # one folder holding data/, config/, cache/, logs/
MODELS_ENV = "HEADSHOT_STUDIO_MODELS"  # an extra folder searched for models
RESOURCES_ENV = "HEADSHOT_STUDIO_RESOURCES"  # where the bundled resources are


def _home_override() -> Path | None:
    value = os.environ.get(HOME_ENV)
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    home = _home_override()
    if home:
        return home / "data"
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    home = _home_override()
    if home:
        return home / "config"
    return platformdirs.user_config_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    home = _home_override()
    if home:
        return home / "cache"
    return platformdirs.user_cache_path(APP_NAME, appauthor=False)


def log_dir() -> Path:
    home = _home_override()
    if home:
        return home / "logs"
    return platformdirs.user_log_path(APP_NAME, appauthor=False)


def library_cache_dir() -> Path:
    """Caches the libraries the app loads would otherwise keep in the user's shared
    folders (Hugging Face, torch, the GPU drivers' compiled kernels and shaders...):
    ``offline.contain_library_files`` points each of them here."""
    return cache_dir() / "libraries"


def qt_settings_dir() -> Path:
    """Qt's own settings files (the file dialogs' recent folders and layout), which Qt
    would otherwise write to the user's shared ``~/.config/QtProject.conf``."""
    return cache_dir() / "qt"


def user_models_dir() -> Path:
    """Models the user imported."""
    return data_dir() / "models"


def sessions_dir() -> Path:
    return data_dir() / "sessions"


def settings_file() -> Path:
    return config_dir() / "settings.json"


def log_file() -> Path:
    return log_dir() / "headshot-studio.log"


def resources_dir() -> Path:
    """The read-only resources folder (styles, model manifest and configs, icons)."""
    override = os.environ.get(RESOURCES_ENV)
    if override:
        return Path(override)
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:  # PyInstaller one-folder bundle
        return Path(frozen_root) / "resources"
    package_dir = Path(__file__).resolve().parent
    source_tree = package_dir.parent / "resources"
    if (source_tree / "models" / "manifest.json").is_file():  # checkout / editable install
        return source_tree
    return package_dir / "resources"  # wheel install (see pyproject package-dir)


def bundled_models_dir() -> Path:
    """Models shipped with the installer, one diffusers folder each."""
    return resources_dir() / "models" / "bundled"


def model_configs_dir() -> Path:
    """Diffusers component configs used to import single-file checkpoints offline."""
    return resources_dir() / "models" / "configs"


def extra_models_dir() -> Path | None:
    value = os.environ.get(MODELS_ENV)
    return Path(value).expanduser() if value else None
