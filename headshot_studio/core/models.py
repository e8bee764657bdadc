"""Base models: which ones we know, where they are, whether they are intact, and import.

A model is a folder in diffusers format (model_index.json plus one subfolder per
component). The app looks for models in, in this order:

1. the folder named by ``HEADSHOT_STUDIO_MODELS`` and any folder the caller adds
   (the settings' models folder),
2. the user's data folder (``<data>/models``, where imports go),
3. the models bundled with the installer (``resources/models/bundled``).

Every imported or bundled model carries ``headshot_model.json`` with the sha256 and
size of each of its files, so truncation and tampering are caught before anything is
loaded. Only safetensors weights are ever read: pickled checkpoints (.ckpt, .bin, .pt)
can run arbitrary code when loaded and are refused.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from headshot_studio import paths
from headshot_studio.core.events import (
    CancelToken,
    EventCallback,
    JobEvent,
    ModelDamagedError,
    ModelNotFoundError,
    Stage,
    UnsafeModelFormatError,
    UnsupportedModelError,
    ignore_events,
)
from headshot_studio.core.files import sha256_file, write_json_atomic

SD15 = "sd15"
SDXL = "sdxl"
ARCHITECTURE_NAMES = {SD15: "SD1.5-class", SDXL: "SDXL-class"}
PIPELINE_CLASSES = {SD15: "StableDiffusionPipeline", SDXL: "StableDiffusionXLPipeline"}

RECORD_NAME = "headshot_model.json"
PICKLE_SUFFIXES = {".ckpt", ".bin", ".pt", ".pth", ".pkl", ".pickle"}
# Components a pipeline needs, per architecture. Safety checker and feature extractor
# are not used (the app never shows images to anyone but their owner).
REQUIRED_COMPONENTS = {
    SD15: ("unet", "vae", "text_encoder", "tokenizer", "scheduler"),
    SDXL: ("unet", "vae", "text_encoder", "text_encoder_2", "tokenizer", "tokenizer_2", "scheduler"),
}
WEIGHTED_COMPONENTS = {"unet", "vae", "text_encoder", "text_encoder_2"}
# Files copied on import: weights (safetensors only), configs and tokenizer data.
IMPORTED_SUFFIXES = {".safetensors", ".json", ".txt", ".model"}
# A UNet this large is a real model: running it without a GPU takes hours.
FULL_SIZE_UNET_PARAMS = 100_000_000

FIX_REIMPORT = (
    "Import the model again from its original file (Models > Import model…, or "
    "`headshot-studio models import PATH`), or reinstall Headshot Studio for a bundled model."
)


@dataclass(frozen=True)
class ModelFile:
    path: str  # relative to the model folder, with forward slashes
    size: int
    sha256: str


@dataclass(frozen=True)
class ModelInfo:
    id: str
    name: str
    path: Path
    architecture: str
    source: str  # "extra", "user", "bundled" or "path"
    licence: str = "unknown: check the licence of the model you imported"
    files: tuple[ModelFile, ...] = field(default=(), repr=False)
    min_vram_gb: float | None = None

    @property
    def architecture_name(self) -> str:
        return ARCHITECTURE_NAMES[self.architecture]

    @property
    def has_checksums(self) -> bool:
        return bool(self.files)

    def unet_params(self) -> int:
        """Number of UNet parameters, read from the safetensors headers (no weights loaded)."""
        total = 0
        for weights in _component_weights(self.path / "unet"):
            header = read_safetensors_header(weights, model_name=self.name)
            for key, entry in header.items():
                if key != "__metadata__":
                    count = 1
                    for dim in entry["shape"]:
                        count *= dim
                    total += count
        return total

    def is_full_size(self) -> bool:
        return self.unet_params() >= FULL_SIZE_UNET_PARAMS

    def native_resolution(self) -> int:
        """The image size (pixels) the model was trained at, from its configs."""
        unet_config = _read_json(self.path / "unet" / "config.json", self.name)
        vae_config = _read_json(self.path / "vae" / "config.json", self.name)
        vae_scale = 2 ** (len(vae_config.get("block_out_channels", [0, 0, 0, 0])) - 1)
        return int(unet_config.get("sample_size", 64)) * vae_scale


class _ByteProgress:
    """Reports bytes processed as JobEvents counted in MB, and polls the cancel token."""

    def __init__(self, stage: Stage, total_bytes: int, on_event: EventCallback, cancel: CancelToken) -> None:
        self.stage, self.on_event, self.cancel = stage, on_event, cancel
        self.total_mb = max(1, total_bytes // 2**20)
        self.done_bytes = 0
        self.message = ""

    def __call__(self, n_bytes: int) -> None:
        self.done_bytes += n_bytes
        self.cancel.raise_if_cancelled()
        self.on_event(JobEvent(self.stage, min(self.total_mb, self.done_bytes // 2**20), self.total_mb, self.message))


# --- manifest -------------------------------------------------------------------------


def load_manifest() -> dict:
    path = paths.resources_dir() / "models" / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8"))


def known_model_for_checkpoint(sha256: str) -> dict | None:
    """The manifest entry whose published single-file checkpoint has this sha256."""
    for entry in load_manifest()["models"]:
        single = entry.get("single_file")
        if single and single["sha256"] == sha256:
            return entry
    return None


# --- reading model folders ------------------------------------------------------------


def _read_json(path: Path, model_name: str) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelDamagedError(
            f"The model “{model_name}” is missing its file {path.parent.name}/{path.name}. {FIX_REIMPORT}",
            details=str(path),
        ) from None
    except (OSError, ValueError) as exc:
        raise ModelDamagedError(
            f"The model “{model_name}” has a damaged file {path.parent.name}/{path.name}. {FIX_REIMPORT}",
            details=f"{path}: {exc}",
        ) from None
    if not isinstance(data, dict):
        raise ModelDamagedError(
            f"The model “{model_name}” has a damaged file {path.name}. {FIX_REIMPORT}", details=str(path)
        )
    return data


def read_safetensors_header(path: Path, model_name: str = "") -> dict:
    """Parse a safetensors header and check the file holds all the data it declares.

    A truncated download or copy is caught here in microseconds, without hashing.
    """
    label = model_name or path.name
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            prefix = fh.read(8)
            if len(prefix) < 8:
                raise ValueError("file shorter than a safetensors header")
            (header_len,) = struct.unpack("<Q", prefix)
            if header_len > min(size - 8, 100 * 1024 * 1024):
                raise ValueError(f"header length {header_len} does not fit a {size}-byte file")
            header = json.loads(fh.read(header_len))
        data_end = max(
            (entry["data_offsets"][1] for key, entry in header.items() if key != "__metadata__"),
            default=0,
        )
        if 8 + header_len + data_end != size:
            raise ValueError(f"declares {8 + header_len + data_end} bytes but the file has {size}")
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise ModelDamagedError(
            f"The model “{label}” has a damaged or incomplete file ({path.name}). {FIX_REIMPORT}",
            details=f"{path}: {exc}",
        ) from None
    return header


def _component_weights(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.safetensors"))


def detect_architecture(folder: Path, model_name: str = "") -> str:
    """SD15 or SDXL for a diffusers folder; anything else is refused with a reason."""
    name = model_name or folder.name
    index = _read_json(folder / "model_index.json", name)
    pipeline_class = index.get("_class_name", "")
    if pipeline_class == "StableDiffusionXLPipeline":
        return SDXL
    if pipeline_class == "StableDiffusionPipeline":
        unet_config = _read_json(folder / "unet" / "config.json", name)
        if unet_config.get("cross_attention_dim") == 1024:
            raise UnsupportedModelError(
                f"“{name}” is a Stable Diffusion 2 model, which Headshot Studio does not support. "
                "Import a Stable Diffusion 1.5 or SDXL model instead."
            )
        return SD15
    raise UnsupportedModelError(
        f"“{name}” is not a model Headshot Studio can use (its type is {pipeline_class or 'unknown'}). "
        "Import a Stable Diffusion 1.5 or SDXL model instead.",
        details=str(folder / "model_index.json"),
    )


def detect_checkpoint_architecture(path: Path) -> str:
    """SD15 or SDXL for a single-file checkpoint, from its tensor names."""
    header = read_safetensors_header(path)
    keys = [k for k in header if k != "__metadata__"]
    if any(k.startswith("conditioner.embedders.1.") for k in keys):
        return SDXL
    if any(k.startswith("cond_stage_model.transformer.") for k in keys):
        return SD15
    if any(k.startswith("cond_stage_model.model.") for k in keys):
        raise UnsupportedModelError(
            f"“{path.name}” is a Stable Diffusion 2 model, which Headshot Studio does not support. "
            "Import a Stable Diffusion 1.5 or SDXL model instead."
        )
    if any(k.startswith(("lora_", "lora_unet", "unet.")) or ".lora" in k for k in keys):
        raise UnsupportedModelError(
            f"“{path.name}” is a LoRA add-on, not a base model. Import a full Stable Diffusion 1.5 "
            "or SDXL checkpoint instead."
        )
    if any(k.startswith("conditioner.embedders.0.") for k in keys):
        raise UnsupportedModelError(
            f"“{path.name}” looks like the SDXL refiner, which cannot be used on its own. "
            "Import the SDXL base model instead."
        )
    raise UnsupportedModelError(
        f"“{path.name}” does not look like a Stable Diffusion 1.5 or SDXL checkpoint. "
        "Import a full Stable Diffusion 1.5 or SDXL model instead."
    )


def _refuse_pickles(folder: Path, model_name: str) -> None:
    """Refuse a component whose weights exist only in a pickle-based format."""
    for component in WEIGHTED_COMPONENTS:
        sub = folder / component
        if not sub.is_dir() or _component_weights(sub):
            continue
        pickles = [p.name for p in sub.iterdir() if p.suffix.lower() in PICKLE_SUFFIXES]
        if pickles:
            raise UnsafeModelFormatError(
                f"The model “{model_name}” stores its {component} weights in an unsafe format "
                f"({pickles[0]}) that can run hidden code when opened, so Headshot Studio will not "
                "load it. Use a .safetensors version of this model instead.",
                details=str(sub),
            )


def check_model_folder(folder: Path, model_name: str = "") -> str:
    """Fast structural check (no hashing): every needed part is present and complete.

    Returns the architecture. Raises a clear error naming the missing or damaged part.
    """
    name = model_name or folder.name
    if not (folder / "model_index.json").is_file():
        raise ModelNotFoundError(
            f"“{name}” is not a model folder: it has no model_index.json. Choose the folder that "
            "contains model_index.json, unet, vae and text_encoder, or a single .safetensors file.",
            details=str(folder),
        )
    architecture = detect_architecture(folder, name)
    _refuse_pickles(folder, name)
    for component in REQUIRED_COMPONENTS[architecture]:
        sub = folder / component
        if not sub.is_dir():
            raise ModelDamagedError(
                f"The model “{name}” is missing its {component} part. {FIX_REIMPORT}",
                details=f"missing folder {sub}",
            )
        if component.startswith("tokenizer") and not any(
            (sub / name).is_file() for name in ("tokenizer.json", "vocab.json")
        ):
            # transformers quietly builds a useless 2-token tokenizer from an empty folder
            raise ModelDamagedError(
                f"The model “{name}” is missing the files of its {component} part. {FIX_REIMPORT}",
                details=f"no tokenizer.json or vocab.json in {sub}",
            )
        if component in WEIGHTED_COMPONENTS:
            weights = _component_weights(sub)
            if not weights:
                raise ModelDamagedError(
                    f"The model “{name}” is missing the weights of its {component} part. {FIX_REIMPORT}",
                    details=f"no .safetensors file in {sub}",
                )
            for file in weights:
                read_safetensors_header(file, name)
    return architecture


def _read_record(folder: Path) -> dict | None:
    record_path = folder / RECORD_NAME
    if not record_path.is_file():
        return None
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        if not isinstance(record, dict) or not isinstance(record.get("files"), dict):
            raise ValueError("not a model record")
        return record
    except (OSError, ValueError) as exc:
        raise ModelDamagedError(
            f"The model “{folder.name}” has a damaged {RECORD_NAME}. {FIX_REIMPORT}",
            details=f"{folder / RECORD_NAME}: {exc}",
        ) from None


def model_info(folder: Path, source: str) -> ModelInfo:
    """Describe a model folder from its record (or from its own configs if it has none)."""
    folder = Path(folder)
    record = _read_record(folder)
    if record is None:
        return ModelInfo(
            id=_slug(folder.name),
            name=folder.name,
            path=folder,
            architecture=detect_architecture(folder),
            source=source,
        )
    files = tuple(
        ModelFile(path=rel, size=int(entry["size"]), sha256=str(entry["sha256"]))
        for rel, entry in sorted(record["files"].items())
    )
    return ModelInfo(
        id=str(record.get("id") or _slug(folder.name)),
        name=str(record.get("name") or folder.name),
        path=folder,
        architecture=str(record.get("architecture") or detect_architecture(folder)),
        source=source,
        licence=str(record.get("licence") or ModelInfo.licence),
        files=files,
        min_vram_gb=record.get("min_vram_gb"),
    )


def model_roots(extra_dirs: Iterable[Path] = ()) -> list[tuple[Path, str]]:
    roots: list[tuple[Path, str]] = []
    env_dir = paths.extra_models_dir()
    if env_dir:
        roots.append((env_dir, "extra"))
    roots += [(Path(d), "extra") for d in extra_dirs if str(d)]
    roots.append((paths.user_models_dir(), "user"))
    roots.append((paths.bundled_models_dir(), "bundled"))
    return roots


def find_models(extra_dirs: Iterable[Path] = ()) -> list[ModelInfo]:
    """Every model folder in the model roots. Unreadable ones are skipped here;
    ``check_model_folder``/``verify_model`` report what is wrong with them."""
    found: list[ModelInfo] = []
    seen_ids: set[str] = set()
    for root, source in model_roots(extra_dirs):
        if not root.is_dir():
            continue
        for folder in sorted(p for p in root.iterdir() if (p / "model_index.json").is_file()):
            try:
                info = model_info(folder, source)
            except (ModelDamagedError, UnsupportedModelError):
                continue
            if info.id not in seen_ids:
                seen_ids.add(info.id)
                found.append(info)
    return found


def resolve_model(id_or_path: str | Path, extra_dirs: Iterable[Path] = ()) -> ModelInfo:
    """A model by id (searching the roots; ids win) or by the path of a diffusers folder."""
    for info in find_models(extra_dirs):
        if info.id == str(id_or_path):
            return info
    candidate = Path(id_or_path).expanduser()
    if candidate.is_dir():
        check_model_folder(candidate)
        return model_info(candidate, "path")
    if candidate.is_file():
        raise ModelNotFoundError(
            f"“{candidate.name}” is a single model file. Import it first "
            f"(`headshot-studio models import {candidate}`), then use the model id it prints."
        )
    raise ModelNotFoundError(
        f"No model called “{id_or_path}” is installed. See the installed ones with "
        "`headshot-studio models list`, or import one with `headshot-studio models import PATH`."
    )


def default_model(extra_dirs: Iterable[Path] = (), preferred_id: str = "") -> ModelInfo:
    models = find_models(extra_dirs)
    if not models:
        raise ModelNotFoundError(
            "No base model is installed yet. Import a Stable Diffusion 1.5 or SDXL model "
            "(a .safetensors file or a diffusers folder) with `headshot-studio models import PATH` "
            "or from the app's first-run screen."
        )
    for info in models:
        if info.id == preferred_id:
            return info
    return models[0]


# --- verification ---------------------------------------------------------------------


def verify_model(
    info: ModelInfo,
    on_event: EventCallback = ignore_events,
    cancel: CancelToken | None = None,
) -> None:
    """Check every file against its recorded size and sha256, with progress in MB.

    A model without a record (a folder the user dropped in) gets the structural check
    only, since there is nothing to compare hashes against.
    """
    cancel = cancel or CancelToken()
    check_model_folder(info.path, info.name)
    if not info.files:
        return
    for entry in info.files:
        file = info.path / entry.path
        if not file.is_file():
            raise ModelDamagedError(
                f"The model “{info.name}” is missing its file {entry.path}. {FIX_REIMPORT}",
                details=str(file),
            )
        if file.stat().st_size != entry.size:
            raise ModelDamagedError(
                f"The model “{info.name}” has an incomplete file {entry.path} "
                f"({file.stat().st_size:,} of {entry.size:,} bytes). {FIX_REIMPORT}",
                details=str(file),
            )
    progress = _ByteProgress(Stage.VERIFY, sum(f.size for f in info.files), on_event, cancel)
    progress.message = f"Checking {info.name}"
    for entry in info.files:
        actual = sha256_file(info.path / entry.path, progress)
        if actual != entry.sha256:
            raise ModelDamagedError(
                f"The model “{info.name}” has a file that was changed or damaged ({entry.path}). "
                f"{FIX_REIMPORT}",
                details=f"{info.path / entry.path}: sha256 {actual}, expected {entry.sha256}",
            )
    on_event(JobEvent(Stage.VERIFY, progress.total_mb, progress.total_mb, f"{info.name} is intact"))


def _file_states(info: ModelInfo) -> dict[str, list[int]]:
    states = {}
    for entry in info.files:
        stat = (info.path / entry.path).stat()
        states[entry.path] = [stat.st_size, stat.st_mtime_ns]
    return states


def ensure_verified(
    info: ModelInfo,
    on_event: EventCallback = ignore_events,
    cancel: CancelToken | None = None,
) -> None:
    """Hash-check a model before it is loaded, once per state of its files.

    The first load after an import, or after any file's size or modification time
    changed, hashes every file (tens of seconds for a real model); later loads of the
    unchanged files only compare those stamps. The stamps live in the cache folder.
    """
    check_model_folder(info.path, info.name)
    if not info.files:
        return
    stamps_file = paths.cache_dir() / "verified-models.json"
    try:
        stamps = json.loads(stamps_file.read_text(encoding="utf-8"))
        if not isinstance(stamps, dict):
            stamps = {}
    except (OSError, ValueError):
        stamps = {}
    key = str(info.path.resolve())
    try:
        current = _file_states(info)
    except OSError:
        current = None  # a missing file: verify_model names it
    if current is not None and stamps.get(key) == current:
        return
    verify_model(info, on_event, cancel)
    stamps[key] = _file_states(info)
    write_json_atomic(stamps_file, stamps)


# --- import ---------------------------------------------------------------------------


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60] or "model"


def _unique_destination(base_id: str) -> tuple[str, Path]:
    root = paths.user_models_dir()
    taken = {info.id for info in find_models()}
    candidate, n = base_id, 1
    while candidate in taken or (root / candidate).exists():
        n += 1
        candidate = f"{base_id}-{n}"
    return candidate, root / candidate


def import_model(
    source: Path,
    *,
    name: str | None = None,
    on_event: EventCallback = ignore_events,
    cancel: CancelToken | None = None,
    config_dir: Path | None = None,
) -> ModelInfo:
    """Import a diffusers folder or a single ``.safetensors`` checkpoint into the user's
    models folder, recording the sha256 of every file.

    Single-file checkpoints are converted to diffusers format with the component
    configs shipped in ``resources/models/configs`` (``config_dir`` overrides them,
    for models whose configs differ). Work happens in a hidden folder that is renamed
    into place at the end, so a cancel or error leaves nothing half-imported.
    """
    cancel = cancel or CancelToken()
    source = Path(source).expanduser()
    if not source.exists():
        raise ModelNotFoundError(f"“{source}” does not exist. Choose the model file or folder again.")
    if source.is_file() and source.suffix.lower() in PICKLE_SUFFIXES:
        raise UnsafeModelFormatError(
            f"“{source.name}” is a pickle-based checkpoint ({source.suffix}), which can run hidden "
            "code when opened, so Headshot Studio will not load it. Use a .safetensors version "
            "of this model instead."
        )
    if source.is_file() and source.suffix.lower() != ".safetensors":
        raise UnsupportedModelError(
            f"“{source.name}” is not a model file. Choose a .safetensors checkpoint or a diffusers "
            "model folder (one with model_index.json)."
        )

    known = None
    if source.is_file():
        architecture = detect_checkpoint_architecture(source)
        progress = _ByteProgress(Stage.IMPORT, source.stat().st_size, on_event, cancel)
        progress.message = f"Checking {source.name}"
        known = known_model_for_checkpoint(sha256_file(source, progress))
    else:
        architecture = check_model_folder(source)

    display_name = name or (known["name"] if known else source.stem if source.is_file() else source.name)
    model_id, destination = _unique_destination(known["id"] if known and not name else _slug(display_name))
    staging = destination.parent / f".importing-{model_id}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.parent.mkdir(parents=True, exist_ok=True)
    try:
        if source.is_file():
            on_event(JobEvent(Stage.IMPORT, 0, 1, f"Converting {source.name}"))
            convert_single_file(source, staging, architecture, config_dir)
        else:
            _copy_model_folder(source, staging, on_event, cancel)
        cancel.raise_if_cancelled()
        write_model_record(
            staging,
            hash_model_files(staging, on_event, cancel),
            id=model_id,
            name=display_name,
            architecture=architecture,
            licence=known["licence"] if known else ModelInfo.licence,
            min_vram_gb=known.get("min_vram_gb") if known else None,
            imported_from=source.name,
            imported_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        )
        staging.rename(destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return model_info(destination, "user")


def _copy_model_folder(source: Path, dest: Path, on_event: EventCallback, cancel: CancelToken) -> None:
    architecture = detect_architecture(source)
    wanted = {"model_index.json"}
    for component in REQUIRED_COMPONENTS[architecture]:
        for file in sorted((source / component).iterdir()):
            if file.is_file() and file.suffix.lower() in IMPORTED_SUFFIXES:
                wanted.add(f"{component}/{file.name}")
    progress = _ByteProgress(Stage.IMPORT, sum((source / rel).stat().st_size for rel in wanted), on_event, cancel)
    for rel in sorted(wanted):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / rel, target)
        progress.message = f"Copying {rel}"
        progress(target.stat().st_size)
    _drop_unused_components(dest)


def convert_single_file(source: Path, dest: Path, architecture: str, config_dir: Path | None) -> None:
    """Convert an original-layout ``.safetensors`` checkpoint into a diffusers folder at
    ``dest``, with the shipped component configs (no network)."""
    import diffusers
    import torch

    from headshot_studio.logs import quiet_model_libraries

    quiet_model_libraries()
    config = config_dir or paths.model_configs_dir() / architecture
    if not (config / "model_index.json").is_file():
        raise ModelNotFoundError(
            "The model settings needed to import single-file checkpoints are missing from this "
            "installation. Reinstall Headshot Studio.",
            details=f"missing {config / 'model_index.json'}",
        )
    header = read_safetensors_header(source)
    unet_dtypes = {v["dtype"] for k, v in header.items() if k.startswith("model.diffusion_model.")}
    dtype = {"F16": torch.float16, "BF16": torch.bfloat16}.get(next(iter(unet_dtypes), "F32"), torch.float32)
    pipeline_class = getattr(diffusers, PIPELINE_CLASSES[architecture])
    extra = {"safety_checker": None, "feature_extractor": None} if architecture == SD15 else {}
    pipe = pipeline_class.from_single_file(
        str(source), config=str(config), local_files_only=True, dtype=dtype, **extra
    )
    pipe.save_pretrained(dest, safe_serialization=True)
    _drop_unused_components(dest)


def _drop_unused_components(folder: Path) -> None:
    """Keep only what we load: no safety checker, feature extractor or image encoder."""
    index = json.loads((folder / "model_index.json").read_text(encoding="utf-8"))
    for unused in ("safety_checker", "feature_extractor", "image_encoder"):
        index.pop(unused, None)
        shutil.rmtree(folder / unused, ignore_errors=True)
    write_json_atomic(folder / "model_index.json", index)


def write_model_record(folder: Path, files: dict[str, dict], **fields) -> None:
    """Write ``headshot_model.json``: who the model is (id, name, architecture, licence...)
    and the size and sha256 of each file, checked before every load."""
    write_json_atomic(folder / RECORD_NAME, {"schema_version": 1, **fields, "files": files})


def hash_model_files(
    folder: Path, on_event: EventCallback = ignore_events, cancel: CancelToken | None = None
) -> dict[str, dict]:
    """{relative path: {size, sha256}} for every file of a model folder (its record excluded)."""
    cancel = cancel or CancelToken()
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != RECORD_NAME)
    progress = _ByteProgress(Stage.VERIFY, sum(p.stat().st_size for p in files), on_event, cancel)
    progress.message = "Recording checksums"
    return {
        p.relative_to(folder).as_posix(): {"size": p.stat().st_size, "sha256": sha256_file(p, progress)}
        for p in files
    }
