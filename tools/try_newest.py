"""Try the newest releases of everything the app uses, and report what breaks.

    python tools/try_newest.py                  newest releases pyproject.toml allows
    python tools/try_newest.py --no-upper-bounds   ... and past its upper bounds too, to
                                                see whether a known incompatibility is gone
    python tools/try_newest.py -k "test_cli"    run only some tests (pytest's -k)

Not a gate: CI installs the lock (requirements/*.lock) and never this. This script makes a
throw-away environment, installs torch as the README does, then the project's test extra
*without* the lock (so pip takes the newest releases), runs the test suite there, and
prints which packages differ from the lock and which tests failed. When everything
passes, move the lock forward on purpose: ``python tools/lock.py --upgrade``, then run the
README's test command in a fresh environment and commit the lock with the results.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from lock import DEV_LOCK, pins, torch_version  # noqa: E402


def relaxed_pyproject(target: Path) -> None:
    """A copy of the project whose dependency ranges have no upper bounds."""
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(".git", ".venv", "build", "dist", "__pycache__",
                                                               "*.egg-info", ".pytest_cache"))
    pyproject = target / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(re.sub(r',\s*<[^"\]]+(?=")', "", text), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-upper-bounds", action="store_true", help="ignore the upper bounds in pyproject.toml")
    parser.add_argument("-k", dest="select", help="only the tests matching this pytest expression")
    parser.add_argument("--keep", action="store_true", help="keep the environment (its path is printed)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="headshot-newest-"))
    project = ROOT
    if args.no_upper_bounds:
        project = work / "project"
        relaxed_pyproject(project)
    venv = work / "venv"
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    started = time.monotonic()
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", f"torch=={torch_version()}"], check=True)
        keep_torch = work / "torch.txt"  # everything newest, but the torch the README installs
        keep_torch.write_text(f"torch=={torch_version()}\n", encoding="utf-8")
        install = subprocess.run([str(python), "-m", "pip", "install", "-q", "--upgrade", "--upgrade-strategy", "eager",
                                  "-c", str(keep_torch), "-e", f"{project}[test]"], capture_output=True, text=True)
        if install.returncode != 0:
            print("The newest releases cannot even be installed together:\n" + install.stderr[-4000:])
            return 1
        listed = subprocess.run([str(python), "-m", "pip", "list", "--format", "json"], check=True,
                                capture_output=True, text=True)
        installed = {p["name"].lower().replace("_", "-"): p["version"] for p in json.loads(listed.stdout)}
        locked = pins(DEV_LOCK)
        moved = {name: (locked[name], installed[name]) for name in locked
                 if name in installed and installed[name] != locked[name]}
        print(f"\n{len(moved)} packages are newer than the lock:")
        for name, (old, new) in sorted(moved.items()):
            print(f"  {name}: {old} -> {new}")
        command = [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rf"]
        if args.select:
            command += ["-k", args.select]
        tests = subprocess.run(command, cwd=project, capture_output=True, text=True)
        failed = re.findall(r"^FAILED (\S+)", tests.stdout, re.MULTILINE)
        summary = tests.stdout.strip().splitlines()[-1] if tests.stdout.strip() else tests.stderr[-2000:]
        print(f"\nTests with the newest releases ({(time.monotonic() - started) / 60:.0f} min): {summary}")
        for test in failed:
            print(f"  FAILED {test}")
        if failed:
            print("\nThe lock stays where it is. Fix the code (or add an upper bound with the reason to "
                  "pyproject.toml), then try again.")
        else:
            print("\nAll passed: `python tools/lock.py --upgrade`, then the README's test command, then commit.")
        return 0 if tests.returncode == 0 else 1
    finally:
        if args.keep:
            print(f"environment kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
