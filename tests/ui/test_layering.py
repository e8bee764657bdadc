"""Pages only show and ask (../shared/DESIGN.md): the controllers (ui/controller.py for
the wizard, ui/studio_controller.py for the studio queue) and the threads that run their
work (ui/workers.py) are the UI files that call core and studio/. Every
other UI module - pages, dialogs, widgets, the window - may take from core only its
types (dataclasses, enums, errors), its constants (limits, labels) and the few pure
functions listed below, which decide or word something from values the page already
has and never touch the disk, a model or the network.

The check reads every import statement in those modules, function-level ones included,
and resolves each imported name to the object core defines; the last test shows it
flags a core function that does work."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

import headshot_studio.ui

UI = Path(headshot_studio.ui.__file__).parent
MAY_CALL_CORE = {"controller.py", "studio_controller.py", "workers.py"}
LOWER = ("headshot_studio.core", "headshot_studio.studio")  # the layers below the UI
# Pure functions a page may call: each words or picks from values it is given.
PURE = {
    ("headshot_studio.core.events", "describe_error"),  # an exception -> (kind, message, details)
    ("headshot_studio.core.files", "printable"),  # a file name safe to show
    ("headshot_studio.core.gallery", "filter_gallery"),
    ("headshot_studio.core.gallery", "look_alikes"),
    ("headshot_studio.core.gallery", "style_counts"),
    ("headshot_studio.core.gallery", "style_label"),
    ("headshot_studio.core.gallery", "likeness_stars"),
    ("headshot_studio.core.gallery", "flag_warnings"),
    ("headshot_studio.core.gallery", "scores_text"),
    ("headshot_studio.core.limits", "ideal_photos_text"),
    ("headshot_studio.core.styles", "compose_prompt"),
    ("headshot_studio.core.styles", "parse_avoid_terms"),
    ("headshot_studio.core.styles", "derive_style_id"),
    ("headshot_studio.core.styles", "sampler_label"),
}


def core_imports(source: str) -> list[tuple[str, str | None]]:
    """(module, name) for every import of core in ``source``; name None for a whole
    module imported (``import headshot_studio.core.x``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(LOWER):
            found += [(node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names if alias.name.startswith(LOWER)]
    return found


def work_imported(source: str) -> list[str]:
    """The core imports in ``source`` that are neither a type, a constant nor a listed
    pure function."""
    bad = []
    for module, name in core_imports(source):
        if name is None:
            bad.append(f"import {module}")
            continue
        value = getattr(importlib.import_module(module), name)
        if inspect.isclass(value) or not callable(value) or (module, name) in PURE:
            continue
        bad.append(f"{module}.{name}")
    return bad


SHOWING_MODULES = sorted(p for p in UI.rglob("*.py") if p.name not in MAY_CALL_CORE)


@pytest.mark.parametrize("path", SHOWING_MODULES, ids=lambda p: str(p.relative_to(UI)))
def test_pages_dialogs_and_widgets_take_only_types_constants_and_pure_functions_from_core(path):
    assert work_imported(path.read_text(encoding="utf-8")) == []


def test_the_pure_functions_listed_exist():
    for module, name in PURE:
        assert inspect.isfunction(getattr(importlib.import_module(module), name)), f"{module}.{name}"


def test_the_check_flags_a_page_that_does_core_work():
    page = (
        "from headshot_studio.core.styles import Style, load_styles\n"
        "def refresh(self):\n"
        "    from headshot_studio.core.images import load_image\n"
        "    import headshot_studio.core.session\n"
    )
    assert work_imported(page) == [
        "headshot_studio.core.styles.load_styles",
        "headshot_studio.core.images.load_image",
        "import headshot_studio.core.session",
    ]
    assert work_imported("from headshot_studio.core.limits import MIN_PHOTOS, ideal_photos_text") == []


def test_the_check_flags_a_page_that_runs_the_studio_queue():
    page = "from headshot_studio.studio.queue import Client, StudioQueue\nfrom headshot_studio.studio.runner import run_queue\n"
    assert work_imported(page) == ["headshot_studio.studio.runner.run_queue"]
