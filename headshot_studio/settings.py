"""The app's settings: declared once, typed, versioned, stored as JSON in the config dir.

A value that is missing, of the wrong type or out of range falls back to its default
with a log line; a corrupt file never stops the app from starting.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from headshot_studio import paths
from headshot_studio.core.files import read_json_limited, write_json_atomic
from headshot_studio.core.limits import (
    COLOUR_STRENGTH_PERCENT,
    DEFAULT_PER_STYLE,
    DEFAULT_RETOUCH,
    MAX_PER_STYLE,
    RETOUCH_LEVELS,
)

MAX_SETTINGS_BYTES = 1024 * 1024  # a settings file is under 2 KB
log = logging.getLogger(__name__)

SCHEMA_VERSION = 1


def _setting(default: Any, description: str, **limits: Any) -> Any:
    return field(default=default, metadata={"description": description, **limits})


@dataclass
class Settings:
    models_folder: str = _setting(
        "", "An extra folder to look for models in (empty: only the app's own folders)."
    )
    default_model: str = _setting("", "Model id used when none is chosen (empty: the first found).")
    images_per_style: int = _setting(DEFAULT_PER_STYLE, "How many headshots to make per style.", min=1, max=MAX_PER_STYLE)
    checkpoint_every: int = _setting(
        50, "Save training progress every this many steps, so a stop loses little.", min=1, max=10_000
    )
    allow_cpu: bool = _setting(
        False,
        "Experts only: allow full-size models without an NVIDIA GPU (takes hours).",
    )
    preset: str = _setting("balanced", "Quality/speed preset: fast, balanced or best.", choices=("fast", "balanced", "best"))
    retouch: str = _setting(
        DEFAULT_RETOUCH,
        "How much the headshots are retouched: off (no smoothing, the face only lightly re-drawn), natural "
        "(skin texture kept) or polished (smoother skin, crisper detail).",
        choices=RETOUCH_LEVELS,
    )
    colour_strength: int = _setting(
        COLOUR_STRENGTH_PERCENT[1],
        "How far each headshot's colour is moved toward its style's light, in percent (0: as made).",
        min=COLOUR_STRENGTH_PERCENT[0],
        max=COLOUR_STRENGTH_PERCENT[1],
    )
    appearance: str = _setting(
        "system", "Light or dark look: system (follow the desktop), light or dark.", choices=("system", "light", "dark")
    )
    copy_photos: bool = _setting(True, "Copy selfies into the session (else refer to them where they are).")
    delete_photos_after_training: bool = _setting(False, "Delete the session's copies of the selfies once the face is learned.")
    window_geometry: str = _setting("", "The main window's size and place (saved by the app).")
    last_page: str = _setting("", "The page the app showed last (saved by the app).")
    schema_version: int = _setting(SCHEMA_VERSION, "Version of this file's layout.")

    @classmethod
    def describe(cls) -> dict[str, str]:
        return {f.name: f.metadata["description"] for f in dataclasses.fields(cls)}

    def extra_model_dirs(self) -> list[Path]:
        """The user's own models folder, if one is set (searched before the app's folders)."""
        return [Path(self.models_folder)] if self.models_folder else []


def _valid(f: dataclasses.Field, value: Any) -> bool:
    expected = type(f.default)
    if expected is int and isinstance(value, bool):
        return False
    if not isinstance(value, expected):
        return False
    if "min" in f.metadata and value < f.metadata["min"]:
        return False
    if "max" in f.metadata and value > f.metadata["max"]:
        return False
    if "choices" in f.metadata and value not in f.metadata["choices"]:
        return False
    return True


def with_values(settings: Settings, values: dict, names: tuple[str, ...]) -> Settings:
    """``settings`` with those of ``values`` that are among ``names`` and valid (what a
    studio queue PC sends its workers, say); anything else is ignored."""
    known = {f.name: f for f in dataclasses.fields(Settings)}
    chosen = {k: v for k, v in values.items() if k in names and k in known and _valid(known[k], v)}
    return dataclasses.replace(settings, **chosen)


def load_settings(path: Path | None = None) -> Settings:
    path = path or paths.settings_file()
    try:
        # limits before parsing: a settings file nested thousands deep, or a pipe in its
        # place, must not stop every command
        raw = read_json_limited(path, max_bytes=MAX_SETTINGS_BYTES, max_depth=8)
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as exc:
        log.warning("settings file %s unreadable (%s); using defaults", path, exc)
        return Settings()
    if not isinstance(raw, dict):
        log.warning("settings file %s is not an object; using defaults", path)
        return Settings()
    values = {}
    for f in dataclasses.fields(Settings):
        if f.name == "schema_version" or f.name not in raw:
            continue
        if _valid(f, raw[f.name]):
            values[f.name] = raw[f.name]
        else:
            log.warning("setting %s=%r is invalid; using default %r", f.name, raw[f.name], f.default)
    return Settings(**values)


def save_settings(settings: Settings, path: Path | None = None) -> None:
    write_json_atomic(path or paths.settings_file(), dataclasses.asdict(settings) | {"schema_version": SCHEMA_VERSION})
