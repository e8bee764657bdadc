"""Put verified models into an installer build, and write the licence list the app shows.

    python installer/bundle_models.py --model stable-diffusion-v1-5=D:/weights/v1-5-pruned-emaonly.safetensors
    python installer/bundle_models.py --model ID=FOLDER --insightface D:/weights/buffalo_l
    python installer/bundle_models.py --print-checksums FOLDER     (to pin a folder in the manifest)

Only models listed in ``resources/models/manifest.json`` can be bundled, and every byte is
checked against the manifest before it goes in:

- a single ``.safetensors`` checkpoint must match the manifest's published sha256 and
  size; it is then converted to diffusers format with the shipped configs;
- a diffusers folder must contain exactly the files the manifest lists for it, each with
  the listed size and sha256 (only those files are copied);
- the optional insightface pack (``buffalo_l``) likewise, from its manifest entry.

The result goes to ``build/bundled_models`` (``--out``), which ``headshot_studio.spec``
places at ``resources/models/bundled`` in the app. Each model gets its
``headshot_model.json`` record (so the app re-checks it before loading) and the folder
gets ``licences.json``, which the About box and ``--version`` list. Work happens in a
staging folder that replaces the output only when everything checked out.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from headshot_studio.about import BUNDLED_LICENCE_FILE  # noqa: E402
from headshot_studio.core.events import HeadshotError  # noqa: E402
from headshot_studio.core.files import sha256_file, write_json_atomic  # noqa: E402
from headshot_studio.core.models import (  # noqa: E402
    PICKLE_SUFFIXES,
    check_model_folder,
    convert_single_file,
    hash_model_files,
    inspect_checkpoint,
    write_model_record,
)

DEFAULT_OUT = ROOT / "build" / "bundled_models"
DEFAULT_MANIFEST = ROOT / "resources" / "models" / "manifest.json"
PACK_KIND = "face_analysis_pack"


class BundleError(Exception):
    """Something is not as the manifest says: nothing is bundled."""


def _entry(manifest: dict, model_id: str, kind: str | None = None) -> dict:
    for entry in manifest["models"]:
        if entry["id"] == model_id and (kind is None or entry.get("kind") == kind):
            return entry
    known = ", ".join(e["id"] for e in manifest["models"] if kind is None or e.get("kind") == kind)
    raise BundleError(f"“{model_id}” is not in the model manifest (known: {known}). Only models listed "
                      "there, with checksums and a licence, can be bundled.")


def _check_file(path: Path, size: int, sha256: str, label: str) -> None:
    path = path.resolve()  # a maintainer's model store may hold links: the file they lead to is checked
    if not path.is_file():
        raise BundleError(f"{label}: {path} is missing.")
    actual_size = path.stat().st_size
    if actual_size != size:
        raise BundleError(f"{label}: {path} has {actual_size:,} bytes, the manifest says {size:,}. "
                          "It is incomplete or a different file; get it again from the official source.")
    print(f"  checking {path.name} ({size / 2**30:.2f} GB)…", flush=True)
    actual = sha256_file(path)
    if actual != sha256:
        raise BundleError(f"{label}: {path} does not match the manifest (sha256 {actual}, expected {sha256}). "
                          "It was changed or damaged; get it again from the official source.")


def _copy_listed_files(entry: dict, source: Path, dest: Path) -> dict[str, dict]:
    """Copy exactly the files the manifest lists for ``entry``, each checked first."""
    listed = entry.get("files") or []
    if not listed:
        raise BundleError(
            f"The manifest lists no files with checksums for “{entry['id']}”, so a folder of it cannot be "
            "verified. Bundle its single .safetensors file instead, or pin the folder's files in the manifest "
            "(installer/bundle_models.py --print-checksums FOLDER) after checking them once."
        )
    files = {}
    for item in listed:
        rel = item["path"]
        if Path(rel).suffix.lower() in PICKLE_SUFFIXES:
            raise BundleError(f"The manifest lists a pickle-based file ({rel}); those are never loaded or shipped.")
        _check_file(source / rel, int(item["size"]), item["sha256"], entry["name"])
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / rel, target)
        files[rel] = {"size": int(item["size"]), "sha256": item["sha256"]}
    return files


def bundle_base_model(entry: dict, source: Path, dest: Path, config_dir: Path | None = None) -> None:
    """A verified diffusers folder for ``entry`` at ``dest``, with its record."""
    if entry.get("kind") != "base_model":
        raise BundleError(f"“{entry['id']}” is not a base model (it is a {entry.get('kind')}).")
    if source.is_file():
        if source.suffix.lower() in PICKLE_SUFFIXES:
            raise BundleError(f"{source.name} is a pickle-based checkpoint; only .safetensors files are bundled.")
        single = entry.get("single_file")
        if not single:
            raise BundleError(f"The manifest has no single-file checksum for “{entry['id']}”; bundle its folder.")
        _check_file(source, int(single["size"]), single["sha256"], entry["name"])
        try:
            facts = inspect_checkpoint(source)  # the same header checks as an import in the app
        except HeadshotError as exc:
            raise BundleError(exc.message) from None
        if facts.architecture != entry["architecture"]:
            raise BundleError(f"{source.name} is an {facts.architecture} model, but “{entry['id']}” is "
                              f"{entry['architecture']}.")
        print(f"  converting {source.name} ({facts.describe()}) to diffusers format…", flush=True)
        convert_single_file(source, dest, facts, config_dir)
        files = hash_model_files(dest)  # the converted files, recorded as they are now
    elif source.is_dir():
        files = _copy_listed_files(entry, source, dest)
    else:
        raise BundleError(f"{source} does not exist.")
    architecture = check_model_folder(dest, entry["name"])
    if architecture != entry["architecture"]:
        raise BundleError(f"{source} is an {architecture} model, but “{entry['id']}” is {entry['architecture']}.")
    write_model_record(
        dest, files, id=entry["id"], name=entry["name"], architecture=architecture, licence=entry["licence"],
        min_vram_gb=entry.get("min_vram_gb"), bundled_from=source.name,
    )


def bundle(
    models: list[tuple[str, Path]],
    out: Path = DEFAULT_OUT,
    *,
    insightface: Path | None = None,
    manifest_path: Path = DEFAULT_MANIFEST,
    config_dir: Path | None = None,
) -> Path:
    """Verify and place every model, then swap the staging folder into ``out``."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    staging = out.parent / f".{out.name}-staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    licences = []
    try:
        for model_id, source in models:
            entry = _entry(manifest, model_id, "base_model")
            print(f"{entry['name']} from {source}", flush=True)
            bundle_base_model(entry, Path(source).expanduser(), staging / entry["id"], config_dir)
            licences.append(_licence_entry(entry, "base model"))
        if insightface is not None:
            entry = _entry(manifest, "insightface-buffalo_l", PACK_KIND)
            print(f"{entry['name']} from {insightface}", flush=True)
            _copy_listed_files(entry, Path(insightface).expanduser(), staging / entry.get("folder", "buffalo_l"))
            licences.append(_licence_entry(entry, "face analysis"))
        write_json_atomic(staging / BUNDLED_LICENCE_FILE, {"schema_version": 1, "models": licences})
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(out, ignore_errors=True)
    staging.rename(out)
    return out


def _licence_entry(entry: dict, role: str) -> dict:
    return {
        "id": entry["id"],
        "name": entry["name"],
        "role": role,
        "licence": entry["licence"],
        "licence_url": entry.get("licence_url", ""),
        "commercial_use": bool(entry.get("commercial_use", False)),
    }


def print_checksums(folder: Path) -> None:
    """The "files" list of a manifest entry for a folder (to pin it after checking it once)."""
    files = hash_model_files(folder)
    print(json.dumps([{"path": rel, **data} for rel, data in files.items()], indent=2))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", action="append", default=[], metavar="ID=PATH",
                        help="a manifest model id and its .safetensors file or diffusers folder (repeatable)")
    parser.add_argument("--insightface", type=Path, metavar="FOLDER", help="the buffalo_l pack folder (optional)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    parser.add_argument("--manifest", type=Path, default=DEFAULT_MANIFEST, help=argparse.SUPPRESS)
    parser.add_argument("--configs", type=Path, help="component configs for single-file conversion "
                        "(default: the shipped ones for the model's architecture)")
    parser.add_argument("--print-checksums", type=Path, metavar="FOLDER", help="print a folder's file list and exit")
    args = parser.parse_args(argv)
    if args.print_checksums:
        print_checksums(args.print_checksums)
        return 0
    pairs = []
    for item in args.model:
        model_id, sep, path = item.partition("=")
        if not sep or not model_id or not path:
            parser.error(f"--model takes ID=PATH, not {item!r}")
        pairs.append((model_id, Path(path)))
    if not pairs and args.insightface is None:
        parser.error("name at least one --model ID=PATH (or --insightface FOLDER)")
    try:
        out = bundle(pairs, args.out, insightface=args.insightface, manifest_path=args.manifest,
                     config_dir=args.configs)
    except BundleError as exc:
        print(f"Error: {exc}\nNothing was bundled.", file=sys.stderr)
        return 1
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"Bundled {len(pairs)} model(s){' and the insightface pack' if args.insightface else ''} "
          f"in {out} ({size / 2**30:.2f} GB). Build the app now: python installer/build.py")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
