"""``headshot_studio.testing`` (the tiny model, synthetic and real face photos, the
checkpoint corpus, ``selftest``) is used by the Qt-free core's tests and by the shipped
``selftest`` command: nothing in it may import Qt or the window code, at import time or
inside a function. (The window's responsiveness harness lives in tests/ui for that reason.)

Two checks, each able to fail (the last tests show it): every import statement in the
package's source, function-level ones included and relative ones resolved; and, in a
fresh interpreter per module, what importing the module really loads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from import_check import imports_in, is_window_code  # tests/import_check.py, registered by conftest.py

import headshot_studio.testing

TESTING = Path(headshot_studio.testing.__file__).parent
MODULES = sorted(
    "headshot_studio.testing" + ("" if path.stem == "__init__" else f".{path.stem}")
    for path in TESTING.glob("*.py")
)
def loaded_by_importing(module: str) -> set[str]:
    """The modules in ``sys.modules`` after importing ``module`` in a fresh interpreter."""
    probe = f"import importlib, json, sys; importlib.import_module({module!r}); print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_there_are_modules_to_check():
    assert "headshot_studio.testing.tiny_model" in MODULES and "headshot_studio.testing.selftest" in MODULES


def test_no_import_statement_in_the_testing_package_names_qt_or_the_window():
    offenders = {}
    for path in sorted(TESTING.glob("*.py")):
        found = sorted(m for m in imports_in(path.read_text(encoding="utf-8"), "headshot_studio.testing")
                       if is_window_code(m))
        if found:
            offenders[path.name] = found
    assert offenders == {}


@pytest.mark.parametrize("module", MODULES)
def test_importing_the_module_loads_no_qt_and_no_window_code(module):
    loaded = loaded_by_importing(module)
    assert module in loaded
    assert sorted(m for m in loaded if is_window_code(m)) == []


# --- the checks above can fail ------------------------------------------------------------


def test_the_source_check_finds_qt_imports_of_every_shape():
    source = (
        "import os\n"
        "def later():\n"
        "    from PySide6.QtCore import QTimer\n"  # inside a function: not loaded at import
        "    from ..ui.app import MainWindow\n"  # relative
        "    from headshot_studio import ui\n"
        "    import shiboken6\n"
    )
    found = {m for m in imports_in(source, "headshot_studio.testing") if is_window_code(m)}
    assert found >= {"PySide6.QtCore", "headshot_studio.ui.app", "headshot_studio.ui", "shiboken6"}
    assert not {m for m in imports_in("from ..core import models\nimport PIL\n", "headshot_studio.testing")
                if is_window_code(m)}


def test_the_import_check_sees_what_a_module_loads():
    assert "PySide6.QtCore" in loaded_by_importing("PySide6.QtCore")
    assert any(is_window_code(m) for m in loaded_by_importing("headshot_studio.ui.workers"))
