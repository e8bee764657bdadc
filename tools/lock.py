"""Write the lock of tested versions that every install uses (requirements/*.lock).

    python tools/lock.py               re-resolve after pyproject.toml changed, keeping
                                       every pin that still fits (moves nothing else)
    python tools/lock.py --upgrade     move every package to its newest allowed release
    python tools/lock.py --upgrade-package transformers   move one package (repeatable)
    python tools/lock.py --check       fail if the lock no longer matches pyproject.toml

One resolution of pyproject.toml (all extras), written as three files that agree:

    requirements/dev.lock    the app + the test and build extras: the README's test
                             command, CI, and installer/build.py
    requirements/app.lock    the app alone: the README's start command
    requirements/cuda.lock   the [cuda] extra (bitsandbytes), added on an NVIDIA PC

Every line is an exact version with the sha256 of every file PyPI has for it (all
platforms), so ``pip install --require-hashes -r requirements/app.lock`` on a fresh
machine gets byte for byte what was tested, whatever was published since.

torch is not in the lock: which build is right depends on the machine (CUDA on a
user's Linux PC, the CPU build on CI, PyTorch's own index on Windows), so its files'
hashes differ, and the README installs ``torch==<TORCH_VERSION>`` first. Its own small
dependencies (sympy, networkx, jinja2...) are in the lock; its CUDA libraries come with
the CUDA build as torch pins them. The resolution uses uv (``pip install uv`` in any
environment; it is a tool for maintainers, not a dependency of the app). uv resolves for
Windows and Linux at once ("universal"), so Windows-only packages carry their markers.

After moving the lock, run the whole test suite in a fresh environment made from it
(the README's test command) before committing; ``tools/try_newest.py`` shows what the
newest releases would break without touching the lock.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK_DIR = ROOT / "requirements"
DEV_LOCK = LOCK_DIR / "dev.lock"
APP_LOCK = LOCK_DIR / "app.lock"
CUDA_LOCK = LOCK_DIR / "cuda.lock"
PYTHON_VERSION = "3.11"  # the oldest Python the app supports; CI and the installers use it
DEV_EXTRAS = ("test", "build")
# What torch 2.x itself needs besides its CUDA libraries: locked so that the environment
# around torch is the tested one too (see the module docstring).
TORCH_OWN_DEPENDENCIES = ("filelock", "typing-extensions", "setuptools", "sympy", "networkx", "jinja2", "fsspec")
# Building the app itself (pip install --no-build-isolation -e .) uses these.
BUILD_BACKEND = ("setuptools", "wheel")


def torch_version() -> str:
    """The torch version the README installs first (one place: the README's commands)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = set(re.findall(r"torch==([0-9][0-9.]*[0-9])", readme))
    if len(found) != 1:
        raise SystemExit(f"README.md should install exactly one torch version, found {sorted(found) or 'none'}")
    return found.pop()


def find_uv() -> str:
    uv = shutil.which("uv")
    if uv is None:
        raise SystemExit("uv is needed to resolve the lock: python -m pip install uv")
    return uv


def header(kind: str) -> str:
    return (
        f"# {kind}: written by `python tools/lock.py`; do not edit by hand.\n"
        f"# Install with: python -m pip install torch=={torch_version()} && "
        f"python -m pip install --require-hashes -r requirements/{kind}\n"
    )


def compile_lock(uv: str, inputs: list[Path], output: Path, extras: tuple[str, ...], work: Path,
                 constraints: Path | None = None, upgrade: list[str] | None = None) -> None:
    overrides = work / "overrides.txt"
    # torch with a marker that never holds: it drops out of the resolution with all of
    # its (CUDA) dependencies; accelerate's and peft's need for it is met by the torch
    # installed first.
    overrides.write_text(f"torch ; {_NEVER}\n", encoding="utf-8")
    command = [uv, "pip", "compile", *map(str, inputs), "--universal", "--generate-hashes",
               "--python-version", PYTHON_VERSION, "--fork-strategy", "fewest",
               "--override", str(overrides), "--no-emit-package", "torch",
               "--no-header", "--annotation-style", "line", "--quiet", "-o", str(output)]
    for extra in extras:
        command += ["--extra", extra]
    if constraints is not None:
        command += ["-c", str(constraints)]
    if upgrade == []:
        command.append("--upgrade")
    for package in upgrade or ():
        command += ["--upgrade-package", package]
    env = dict(os.environ, UV_CUSTOM_COMPILE_COMMAND="python tools/lock.py")
    subprocess.run(command, cwd=ROOT, check=True, env=env)


def write_locks(upgrade: list[str] | None, target: Path) -> None:
    uv = find_uv()
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        extra_in = work / "also-locked.in"
        extra_in.write_text("\n".join(TORCH_OWN_DEPENDENCIES + BUILD_BACKEND) + "\n", encoding="utf-8")
        project = ROOT / "pyproject.toml"
        dev, app, cuda = target / DEV_LOCK.name, target / APP_LOCK.name, target / CUDA_LOCK.name
        if target != LOCK_DIR:  # --check: start from the current pins, as a re-resolve does
            for lock in (DEV_LOCK, APP_LOCK, CUDA_LOCK):
                if lock.is_file():
                    shutil.copy(lock, target / lock.name)
        compile_lock(uv, [project, extra_in], dev, DEV_EXTRAS, work, upgrade=upgrade)
        # The others are parts of the same resolution: constrained to the full one.
        compile_lock(uv, [project, extra_in], app, (), work, constraints=dev)
        cuda_in = work / "cuda.in"
        cuda_in.write_text("\n".join(optional_dependencies("cuda")) + "\n", encoding="utf-8")
        compile_lock(uv, [cuda_in], cuda, (), work, constraints=dev)
        for path in (dev, app, cuda):
            # Packages only torch needs come out with torch's never-true marker: drop them.
            entries = parse_lock(path)
            kept = [text for lines in entries.values() for text in lines if _NEVER not in text.splitlines()[0]]
            path.write_text(header(path.name) + "\n".join(kept) + "\n", encoding="utf-8")


_NEVER = "sys_platform == 'never'"


def optional_dependencies(extra: str) -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["project"]["optional-dependencies"][extra]


def name_of(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def parse_lock(path: Path) -> dict[str, list[str]]:
    """{package name: its lines} of a lock file (a package may have one entry per fork)."""
    entries: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line[0].isspace() and not line.startswith("#"):
            current = entries.setdefault(name_of(line), [])
            current.append(line)
        elif current is not None and line.strip():
            current[-1] += "\n" + line
        else:
            current = None
    return entries


def pins(path: Path) -> dict[str, str]:
    """{package: version} of a lock file (the first fork's version where there are several)."""
    result = {}
    for name, lines in parse_lock(path).items():
        match = re.match(r"[^=]+==([^\s;\\]+)", lines[0])
        if match:
            result[name] = match.group(1)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upgrade", action="store_true", help="move every package to its newest allowed release")
    parser.add_argument("--upgrade-package", action="append", default=[], metavar="NAME", help="move one package")
    parser.add_argument("--check", action="store_true", help="fail if the lock does not match pyproject.toml")
    args = parser.parse_args()
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            write_locks(None, Path(tmp))
            stale = [lock.name for lock in (DEV_LOCK, APP_LOCK, CUDA_LOCK)
                     if not lock.is_file() or pins(lock) != pins(Path(tmp) / lock.name)]
        if stale:
            print(f"out of date: {', '.join(stale)}; run python tools/lock.py and test", file=sys.stderr)
            return 1
        print("the lock matches pyproject.toml")
        return 0
    upgrade = [] if args.upgrade else (args.upgrade_package or None)
    before = pins(DEV_LOCK) if DEV_LOCK.is_file() else {}
    write_locks(upgrade, LOCK_DIR)
    after = pins(DEV_LOCK)
    for name in sorted(set(before) | set(after)):
        if before.get(name) != after.get(name):
            print(f"{name}: {before.get(name, '-')} -> {after.get(name, '-')}")
    print(f"wrote {', '.join(p.relative_to(ROOT).as_posix() for p in (DEV_LOCK, APP_LOCK, CUDA_LOCK))}; "
          "now run the README's test command in a fresh environment")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
