"""What a module imports, read from its source: the layering tests share it (core imports
no Qt, the testing package imports no Qt or window code). Registered by conftest.py."""

from __future__ import annotations

import ast

QT_ROOTS = {"PySide6", "shiboken6", "PyQt5", "PyQt6", "qtpy", "pytestqt", "superqt"}


def is_window_code(module: str) -> bool:
    return module.split(".")[0] in QT_ROOTS or module == "headshot_studio.ui" or module.startswith("headshot_studio.ui.")


def imports_in(source: str, package: str) -> set[str]:
    """Every module an import statement anywhere in ``source`` names, inside functions
    too (``package`` is the source's own package, to resolve relative imports)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            names.add(base)
            names |= {f"{base}.{alias.name}" for alias in node.names}  # `from headshot_studio import ui`
    return names
