"""Pack the PyInstaller one-folder build into the Linux download.

    python installer/linux/package.py --bundle dist/headshot-studio --out dist

writes ``headshot-studio-<version>-linux-x86_64.tar.gz``, which holds one folder::

    headshot-studio-<version>/
      app/                        the bundle, symlinks and exec bits as built
      install.sh, uninstall.sh    per-user install, no administrator rights
      common.sh                   helpers both scripts source
      headshot-studio.desktop     menu entry template (install.sh fills in Exec)
      icons/                      headshot-studio-<N>.png, headshot-studio.svg
      README.txt                  for the person who downloaded it
"""

from __future__ import annotations

import argparse
import io
import os
import re
import stat
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
EXECUTABLE = "headshot-studio"
ICON_NAME = re.compile(r"headshot-studio(-\d+\.png|\.svg)")

README = """\
Headshot Studio {version} for Linux (64-bit)
==========================================

Professional headshots from your selfies, made on this computer.

Install
-------
1. Extract this download, for example:   tar -xzf headshot-studio-{version}-linux-x86_64.tar.gz
2. Go into the folder it made:            cd headshot-studio-{version}
3. Run the installer:                     ./install.sh

No administrator rights are needed: the program goes into ~/.local/opt/headshot-studio,
the "headshot-studio" command into ~/.local/bin, and "Headshot Studio" appears in your
applications menu. Run ./install.sh --help to install somewhere else.

Requirements
------------
64-bit Linux with glibc {glibc} or newer (check with: ldd --version), and an
NVIDIA graphics card with 8 GB of memory or more and its driver installed. Without one,
the app still opens and checks your photos, but cannot make headshots in reasonable time.

Works offline
-------------
Headshot Studio needs no internet connection. Your photos, the learned face and the
headshots stay on this computer; nothing is uploaded anywhere.

Update
------
Run ./install.sh from a newer download. Your photos, sessions and settings are kept.

Uninstall
---------
Run ~/.local/opt/headshot-studio/uninstall.sh
It keeps your photos, sessions, imported models and settings, so installing again picks
up where you left off. To delete those too, run it with --purge.
"""


def build_glibc() -> str:
    """The C library version of this (build) machine: the oldest the frozen app runs on,
    since PyInstaller bundles the Python it runs with, built against it."""
    try:
        return os.confstr("CS_GNU_LIBC_VERSION").split()[-1]
    except (ValueError, OSError, AttributeError, IndexError):
        return "(that of the build machine)"


class PackagingError(Exception):
    """The inputs cannot make a working download; the message says which and why."""


def check_inputs(bundle_dir: Path, icons_dir: Path, version: str) -> None:
    """Refuse a bundle or icons folder that would make a download that cannot install."""
    executable = bundle_dir / EXECUTABLE
    if not bundle_dir.is_dir():
        raise PackagingError(f"bundle folder not found: {bundle_dir} (run pyinstaller headshot_studio.spec first)")
    if not executable.is_file() or not os.access(executable, os.X_OK):
        raise PackagingError(
            f"{bundle_dir} has no executable '{EXECUTABLE}': expected the PyInstaller one-folder "
            "build (dist/headshot-studio)"
        )
    if not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z.+_-]*", version):
        raise PackagingError(f"version {version!r} cannot be part of a file name")
    if not icons_dir.is_dir() or not any(ICON_NAME.fullmatch(p.name) for p in icons_dir.iterdir()):
        raise PackagingError(
            f"no icons in {icons_dir}: expected headshot-studio-<N>.png and/or headshot-studio.svg"
        )
    # A link that leaves the bundle would point at the build machine, not the user's.
    root = bundle_dir.resolve()
    for path in bundle_dir.rglob("*"):
        if path.is_symlink():
            target = os.readlink(path)
            resolved = (path.parent / target).resolve()
            if os.path.isabs(target) or not resolved.is_relative_to(root):
                raise PackagingError(f"symlink {path} points outside the bundle ({target})")


def make_tarball(bundle_dir: Path, icons_dir: Path, out_dir: Path, version: str) -> Path:
    """Write the download into out_dir and return its path (an existing one is replaced)."""
    bundle_dir, icons_dir, out_dir = Path(bundle_dir), Path(icons_dir), Path(out_dir)
    check_inputs(bundle_dir, icons_dir, version)

    top = f"headshot-studio-{version}"
    tarball = out_dir / f"{top}-linux-x86_64.tar.gz"
    partial = tarball.with_name(tarball.name + ".partial")
    out_dir.mkdir(parents=True, exist_ok=True)
    now = int(time.time())

    def owned_by_nobody(info: tarfile.TarInfo) -> tarfile.TarInfo:
        # Extracted files belong to whoever extracts them; keep the build user's name out.
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mode &= ~(stat.S_IWGRP | stat.S_IWOTH)
        return info

    def add_folder(tar: tarfile.TarFile, name: str) -> None:
        info = tarfile.TarInfo(name)
        info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, now
        tar.addfile(info)

    def add_file(tar: tarfile.TarFile, name: str, data: bytes, mode: int) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = len(data), mode, now
        tar.addfile(info, io.BytesIO(data))

    try:
        # dereference=False keeps the bundle's symlinks as links (tar.add keeps exec bits).
        with tarfile.open(partial, "w:gz", dereference=False, compresslevel=6) as tar:
            add_folder(tar, top)
            tar.add(bundle_dir, arcname=f"{top}/app", recursive=True, filter=owned_by_nobody)
            for script in ("install.sh", "uninstall.sh"):
                add_file(tar, f"{top}/{script}", (HERE / script).read_bytes(), 0o755)
            add_file(tar, f"{top}/common.sh", (HERE / "common.sh").read_bytes(), 0o644)
            add_file(tar, f"{top}/headshot-studio.desktop", (HERE / "headshot-studio.desktop").read_bytes(), 0o644)
            add_folder(tar, f"{top}/icons")
            for icon in sorted(p for p in icons_dir.iterdir() if ICON_NAME.fullmatch(p.name) and p.is_file()):
                add_file(tar, f"{top}/icons/{icon.name}", icon.read_bytes(), 0o644)
            add_file(tar, f"{top}/README.txt", README.format(version=version, glibc=build_glibc()).encode("utf-8"), 0o644)
        partial.replace(tarball)
    finally:
        partial.unlink(missing_ok=True)
    return tarball


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Pack the PyInstaller build into the Linux .tar.gz download.")
    parser.add_argument("--bundle", type=Path, default=REPO_ROOT / "dist" / "headshot-studio",
                        help="the one-folder build (default: dist/headshot-studio)")
    parser.add_argument("--icons", type=Path, default=REPO_ROOT / "resources" / "icons",
                        help="folder with headshot-studio-<N>.png and headshot-studio.svg (default: resources/icons)")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "dist", help="where to write the tarball (default: dist)")
    parser.add_argument("--version", help="version in the file name (default: headshot_studio.__version__)")
    args = parser.parse_args(argv)

    version = args.version
    if version is None:
        sys.path.insert(0, str(REPO_ROOT))
        from headshot_studio import __version__ as version
    try:
        tarball = make_tarball(args.bundle, args.icons, args.out, version)
    except PackagingError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    size_mb = tarball.stat().st_size / 1_000_000
    print(f"{tarball} ({size_mb:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
