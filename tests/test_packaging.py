"""The wheel carries every subpackage and the resources folder."""

from __future__ import annotations

import tomllib
from pathlib import Path

import headshot_studio

ROOT = Path(headshot_studio.__file__).resolve().parent.parent


def test_every_subpackage_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "headshot_studio").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert on_disk <= listed, f"add to pyproject.toml: {sorted(on_disk - listed)}"
    assert "headshot_studio.resources" in listed


def test_resources_map_into_the_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert config["package-dir"]["headshot_studio.resources"] == "resources"
    assert (ROOT / "resources" / "models" / "manifest.json").is_file()
