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

Model folders come from the user, so nothing in them is trusted: every file is read
as a plain file (a link inside a model folder is never followed, a pipe or device is
never opened), JSON is parsed within size and nesting limits, and a safetensors header
must describe its tensors exactly before anything else happens to the file.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import shutil
import stat
import struct
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from headshot_studio import paths
from headshot_studio.core.checkpoints import (
    SD15,
    SDXL,
    CheckpointFacts,
    check_scheduler,
    check_unet_inputs,
    classify_checkpoint,
)
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
    is_disk_full,
)
from headshot_studio.core.files import (
    SPECIAL_REASON,
    NotRegularFileError,
    copy_regular_file,
    exclusive_lock,
    open_regular,
    parse_json_limited,
    printable,
    read_json_limited,
    regular_file_problem,
    sha256_file,
    write_json_atomic,
)

log = logging.getLogger(__name__)

ARCHITECTURE_NAMES = {SD15: "SD1.5-class", SDXL: "SDXL-class"}
MAX_NATIVE_RESOLUTION = 4096  # px; SDXL is 1024, the largest fine-tunes 2048
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

# JSON read from model folders. Configs are a few KB and nest 3 deep; a model record
# lists every file (~150 bytes each); the verified-stamps cache grows by ~2 KB per model.
CONFIG_MAX_BYTES = 1024 * 1024
CONFIG_MAX_DEPTH = 32
RECORD_MAX_BYTES = 4 * 1024 * 1024
STAMPS_MAX_BYTES = 4 * 1024 * 1024
# Real headers are under 1 MB (an SDXL checkpoint: ~2,500 tensors, ~300 KB); safetensors'
# own limit (100 MB) would let a crafted header of a million tensors cost a minute and a
# gigabyte before it is refused. A header is an object of objects holding a shape list:
# 3 levels deep.
SAFETENSORS_HEADER_MAX_BYTES = 16 * 1024 * 1024
SAFETENSORS_MAX_TENSORS = 100_000
SAFETENSORS_HEADER_MAX_DEPTH = 4
SAFETENSORS_DTYPE_BYTES = {
    "BOOL": 1, "U8": 1, "I8": 1, "F8_E4M3": 1, "F8_E4M3FNUZ": 1, "F8_E5M2": 1, "F8_E5M2FNUZ": 1, "F8_E8M0": 1,
    "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
    "I32": 4, "U32": 4, "F32": 4,
    "I64": 8, "U64": 8, "F64": 8, "C64": 8,
}

# An import works in a hidden ``.importing-<id>-XXXX`` folder beside the models and
# renames it into place as its last step. While it works it holds a lock on the file
# IMPORT_LOCK_NAME inside (files.exclusive_lock); a staging folder whose lock nobody holds
# was left by an import that was killed, and the next import removes it.
IMPORT_PREFIX = ".importing-"
IMPORT_LOCK_NAME = ".import.lock"
# A staging folder without a lock file belongs to an import setting up or renaming into
# place right now (it has the lock file the rest of the time), or was left by an older
# version: it is removed once untouched this long.
STAGING_GRACE_S = 60  # seconds

FOLDER_LINK_REASON = "is a link (shortcut) to another folder, which Headshot Studio does not follow"
NOT_A_FOLDER_REASON = "should be a folder but is not"
_JUNCTION_TAG = 0xA0000003  # IO_REPARSE_TAG_MOUNT_POINT: a Windows folder junction

FIX_REIMPORT = (
    "Import the model again from its original file (Import model… on the Welcome page, or "
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
        if not _model_entry(self.path, "unet", self.name, is_folder=True):
            raise ModelDamagedError(f"The model “{self.name}” is missing its unet part. {FIX_REIMPORT}")
        total = 0
        for weights in _component_weights(self.path / "unet"):
            header = read_safetensors_header(weights, model_name=self.name)
            total += sum(math.prod(entry["shape"]) for key, entry in header.items() if key != "__metadata__")
        return total

    def is_full_size(self) -> bool:
        return self.unet_params() >= FULL_SIZE_UNET_PARAMS

    def native_resolution(self) -> int:
        """The image size (pixels) the model was trained at, from its configs."""
        unet_config = _read_json(self.path, "unet/config.json", self.name)
        vae_config = _read_json(self.path, "vae/config.json", self.name)
        sample_size = unet_config.get("sample_size", 64)
        blocks = vae_config.get("block_out_channels", [0, 0, 0, 0])
        # Only whole numbers of a real model's kind pass: a crafted or damaged config
        # (0, negative, a flag, text, astronomically large) must not become a size that
        # divides by zero or judges photos for 10^22-pixel training.
        if type(sample_size) is int and isinstance(blocks, list) and 1 <= len(blocks) <= 8:
            resolution = sample_size * 2 ** (len(blocks) - 1)
            if 32 <= resolution <= MAX_NATIVE_RESOLUTION:
                return resolution
        raise ModelDamagedError(
            f"The model “{printable(self.name)}” has a damaged file unet/config.json or vae/config.json. "
            f"{FIX_REIMPORT}",
            details=f"{self.path}: sample_size={str(sample_size)[:40]!r}, "
                    f"block_out_channels={str(blocks)[:80]!r}",
        )


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
#
# A model folder may hold anything: a link to a private file elsewhere (copying it would
# put, say, /etc/shadow into the app's folders), a named pipe (reading it waits forever),
# a device. Entries are looked at without following links (lstat) and files are opened
# with files.open_regular, which refuses all of these in the same step as the open.


def _not_plain_error(model_name: str, rel: str, reason: str) -> UnsupportedModelError:
    """A model-folder entry that is a link, pipe or device, refused with a sentence naming it."""
    return UnsupportedModelError(
        f"In the model “{model_name}”, {rel} {reason}. "
        "Copy the model folder with its real files and import the copy."
    )


def _model_entry(folder: Path, rel: str, model_name: str, *, is_folder: bool = False) -> bool:
    """Whether ``rel`` (like "unet/config.json") is in the model folder as a plain file
    (``is_folder``: a real folder), from the entries alone: nothing is opened, no link
    followed. False when it is missing; a link, pipe or device on the way is refused."""
    parts = rel.split("/")
    for depth in range(1, len(parts) + 1):
        here = "/".join(parts[:depth])
        try:
            if depth < len(parts) or is_folder:
                problem = _folder_problem(folder / here)
            else:
                problem = regular_file_problem(folder / here)
        except (FileNotFoundError, NotADirectoryError):
            return False
        except OSError as exc:  # no permission, a name the system cannot handle
            raise ModelDamagedError(
                f"The model “{model_name}” has a file that cannot be opened ({here}). {FIX_REIMPORT}",
                details=f"{folder / here}: {exc}",
            ) from None
        if problem is not None:
            raise _not_plain_error(model_name, here, problem)
    return True


def _folder_problem(path: Path) -> str | None:
    """Why ``path`` is not a real folder (its own entry only: a link is not followed)."""
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode) or getattr(info, "st_reparse_tag", 0) == _JUNCTION_TAG:
        return FOLDER_LINK_REASON  # a symlink, or a Windows junction
    if not stat.S_ISDIR(info.st_mode):
        return NOT_A_FOLDER_REASON if stat.S_ISREG(info.st_mode) else SPECIAL_REASON
    return None


def _read_json(folder: Path, rel: str, model_name: str) -> dict:
    """The JSON object in the config ``rel`` of a model folder, read as a plain file within
    size and nesting limits. A missing, refused or damaged file is named."""
    if not _model_entry(folder, rel, model_name):
        raise ModelDamagedError(
            f"The model “{model_name}” is missing its file {rel}. {FIX_REIMPORT}", details=str(folder / rel)
        )
    try:
        data = read_json_limited(folder / rel, max_bytes=CONFIG_MAX_BYTES, max_depth=CONFIG_MAX_DEPTH)
        if not isinstance(data, dict):
            raise ValueError(f"a JSON {type(data).__name__}, not an object")
    except NotRegularFileError as exc:  # swapped for a link or a pipe since the look above
        raise _not_plain_error(model_name, rel, exc.reason) from None
    except (OSError, ValueError) as exc:
        raise ModelDamagedError(
            f"The model “{model_name}” has a damaged file {rel}. {FIX_REIMPORT}",
            details=f"{folder / rel}: {exc}",
        ) from None
    return data


def read_safetensors_header(path: Path, model_name: str = "") -> dict:
    """Parse a safetensors header and check that it describes the file exactly.

    The tensors must be well-formed and tile the data after the header with no gap,
    overlap or missing byte, so a truncated download or copy, or a crafted file, is
    caught here in microseconds, before any hashing, conversion or loading.
    """
    label = model_name or path.name
    try:
        with open_regular(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            prefix = fh.read(8)
            if len(prefix) < 8:
                raise ValueError(f"{size} bytes, shorter than a safetensors header")
            (header_len,) = struct.unpack("<Q", prefix)
            if header_len > SAFETENSORS_HEADER_MAX_BYTES:
                raise ValueError(f"header length {header_len:,} is over the {SAFETENSORS_HEADER_MAX_BYTES:,} allowed")
            if header_len > size - 8:
                raise ValueError(f"header length {header_len:,} does not fit a {size:,}-byte file")
            header_bytes = fh.read(header_len)
        if len(header_bytes) != header_len:
            raise ValueError("the file ended inside its header")
        header = parse_json_limited(header_bytes, max_depth=SAFETENSORS_HEADER_MAX_DEPTH)
        _check_safetensors_header(header, size - 8 - header_len)
    except NotRegularFileError as exc:
        raise _not_plain_error(label, path.name, exc.reason) from None
    except (OSError, ValueError) as exc:
        raise ModelDamagedError(
            f"The model “{label}” has a damaged or incomplete file ({path.name}). {FIX_REIMPORT}",
            details=f"{path}: {exc}",
        ) from None
    return header


def _check_safetensors_header(header: object, data_size: int) -> None:
    """Raise ValueError unless ``header`` is a safetensors header whose tensors exactly
    fill the ``data_size`` bytes after it (the rules the safetensors library applies)."""
    if not isinstance(header, dict):
        raise ValueError(f"the header is a JSON {type(header).__name__}, not an object")
    if len(header) > SAFETENSORS_MAX_TENSORS:
        raise ValueError(f"{len(header):,} tensors, more than the {SAFETENSORS_MAX_TENSORS:,} allowed")
    spans = []  # (begin, end, name) of each tensor's bytes
    for key, entry in header.items():
        name = key[:80]
        if key == "__metadata__":
            if not isinstance(entry, dict) or not all(isinstance(value, str) for value in entry.values()):
                raise ValueError("__metadata__ is not a map of text to text")
            continue
        if not isinstance(entry, dict):
            raise ValueError(f"tensor {name!r} is described by a JSON {type(entry).__name__}, not an object")
        dtype, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
        if not isinstance(dtype, str) or dtype not in SAFETENSORS_DTYPE_BYTES:
            raise ValueError(f"tensor {name!r} has an unknown dtype {str(dtype)[:20]!r}")
        if not isinstance(shape, list) or len(shape) > 64 or not all(_is_count(n) for n in shape):
            raise ValueError(f"tensor {name!r} has a shape that is not a list of up to 64 sizes")
        if not isinstance(offsets, list) or len(offsets) != 2 or not all(_is_count(n) for n in offsets):
            raise ValueError(f"tensor {name!r} has data_offsets that are not two byte positions")
        begin, end = offsets
        if begin > end:
            raise ValueError(f"tensor {name!r} ends before it begins ({begin} > {end})")
        if end > data_size:
            raise ValueError(f"tensor {name!r} ends at byte {end:,}, past the {data_size:,} bytes of data")
        if math.prod(shape) * SAFETENSORS_DTYPE_BYTES[dtype] != end - begin:
            raise ValueError(f"tensor {name!r} of shape {shape} and dtype {dtype} does not take {end - begin} bytes")
        spans.append((begin, end, name))
    expected = 0
    for begin, end, name in sorted(spans):
        if begin != expected:
            raise ValueError(f"tensor {name!r} starts at byte {begin:,}, not {expected:,}: tensors overlap or leave a gap")
        expected = end
    if expected != data_size:
        raise ValueError(f"the tensors take {expected:,} bytes but the file holds {data_size:,} after its header")


def _is_count(value: object) -> bool:
    """A whole number >= 0 (JSON true/false are not numbers here)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _component_weights(folder: Path) -> list[Path]:
    """The ``.safetensors`` files of a component folder (hidden files, such as the ``._``
    copies macOS leaves on USB drives, are not part of the model)."""
    return sorted(p for p in folder.glob("*.safetensors") if not p.name.startswith("."))


def _model_files(folder: Path, architecture: str, model_name: str) -> list[str]:
    """Every file of a model folder the app reads or copies, as relative paths:
    model_index.json and, in each needed component folder, the weights, configs and
    tokenizer data (not hidden files, not subfolders). A link, pipe or device among them,
    or a component folder that is a link, is refused by name."""
    files = ["model_index.json"]
    for component in REQUIRED_COMPONENTS[architecture]:
        if not _model_entry(folder, component, model_name, is_folder=True):
            continue  # a missing part: check_model_folder names it
        with os.scandir(folder / component) as entries:
            names = sorted(e.name for e in entries if not e.is_dir(follow_symlinks=False))
        for name in names:
            if not name.startswith(".") and Path(name).suffix.lower() in IMPORTED_SUFFIXES:
                _model_entry(folder, f"{component}/{name}", model_name)
                files.append(f"{component}/{name}")
    return files


def detect_architecture(folder: Path, model_name: str = "") -> str:
    """SD15 or SDXL for a diffusers folder; anything else is refused with a reason."""
    name = model_name or folder.name
    index = _read_json(folder, "model_index.json", name)
    pipeline_class = index.get("_class_name", "")
    if pipeline_class in ("StableDiffusionXLPipeline", "StableDiffusionPipeline"):
        unet_config = _read_json(folder, "unet/config.json", name)
        if pipeline_class == "StableDiffusionPipeline" and unet_config.get("cross_attention_dim") == 1024:
            raise UnsupportedModelError(
                f"“{name}” is a Stable Diffusion 2 model, which Headshot Studio does not support. "
                "Import a Stable Diffusion 1.5 or SDXL model instead."
            )
        check_unet_inputs(unet_config.get("in_channels", 4), name)
        if _model_entry(folder, "scheduler/scheduler_config.json", name):
            check_scheduler(_read_json(folder, "scheduler/scheduler_config.json", name).get("_class_name"), name)
        return SDXL if pipeline_class == "StableDiffusionXLPipeline" else SD15
    shown = pipeline_class if isinstance(pipeline_class, str) and pipeline_class else "unknown"
    raise UnsupportedModelError(
        f"“{name}” is not a model Headshot Studio can use (its type is {shown[:80]}). "
        "Import a Stable Diffusion 1.5 or SDXL model instead.",
        details=str(folder / "model_index.json"),
    )


def inspect_checkpoint(path: Path) -> CheckpointFacts:
    """What a single-file checkpoint is, from its header alone (see core/checkpoints.py):
    a base SD1.5/SDXL model's facts, or a refusal that says what the file is."""
    try:
        header = read_safetensors_header(path)
    except ModelDamagedError as exc:  # the file being imported is the original: no "import again"
        raise ModelDamagedError(
            f"“{printable(path.name)}” is damaged or incomplete (a download that did not finish, or a copy "
            "that broke off). Download or copy it again.",
            details=exc.details,
        ) from None
    return classify_checkpoint(header, path.name)


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
    # 1. A model folder at all: model_index.json says which pipeline it is.
    if not _model_entry(folder, "model_index.json", name):
        raise ModelNotFoundError(
            f"“{name}” is not a model folder: it has no model_index.json. Choose the folder that "
            "contains model_index.json, unet, vae and text_encoder, or a single .safetensors file.",
            details=str(folder),
        )
    architecture = detect_architecture(folder, name)
    # 2. Every file the app reads or copies is a plain file: no link, pipe or device.
    _model_files(folder, architecture, name)
    # 3. No weights that only exist pickled.
    _refuse_pickles(folder, name)
    # 4. Every part there and complete (safetensors headers checked, nothing hashed).
    for component in REQUIRED_COMPONENTS[architecture]:
        sub = folder / component
        if not sub.is_dir():
            raise ModelDamagedError(
                f"The model “{name}” is missing its {component} part. {FIX_REIMPORT}",
                details=f"missing folder {sub}",
            )
        if component.startswith("tokenizer") and not any(
            (sub / file).is_file() for file in ("tokenizer.json", "vocab.json")
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
    """The folder's ``headshot_model.json`` (None when it has none), checked field by field."""
    try:
        record = read_json_limited(folder / RECORD_NAME, max_bytes=RECORD_MAX_BYTES, max_depth=CONFIG_MAX_DEPTH)
        problem = _record_problem(record)
        if problem:
            raise ValueError(problem)
    except FileNotFoundError:
        return None
    except NotRegularFileError as exc:
        raise _not_plain_error(folder.name, RECORD_NAME, exc.reason) from None
    except (OSError, ValueError) as exc:
        raise ModelDamagedError(
            f"The model “{folder.name}” has a damaged {RECORD_NAME}. {FIX_REIMPORT}",
            details=f"{folder / RECORD_NAME}: {exc}",
        ) from None
    return record


def _record_problem(record: object) -> str | None:
    """What is wrong with a parsed model record, or None."""
    if not isinstance(record, dict) or not isinstance(record.get("files"), dict):
        return "not a model record (no files list)"
    for rel, entry in record["files"].items():
        parts = rel.split("/")
        if "\\" in rel or ":" in rel or any(part in ("", ".", "..") for part in parts):
            return f"file path {rel[:80]!r} is not a path inside the model folder"
        if not isinstance(entry, dict) or not _is_count(entry.get("size")):
            return f"the entry of {rel[:80]!r} has no size"
        if not isinstance(entry.get("sha256"), str) or not re.fullmatch(r"[0-9a-f]{64}", entry["sha256"]):
            return f"the entry of {rel[:80]!r} has no sha256"
    for key in ("id", "name", "licence"):
        if record.get(key) is not None and not isinstance(record[key], str):
            return f"{key} is not text"
    if record.get("architecture") is not None and record["architecture"] not in ARCHITECTURE_NAMES:
        return f"unknown architecture {str(record['architecture'])[:20]!r}"
    vram = record.get("min_vram_gb")
    if vram is not None and (isinstance(vram, bool) or not isinstance(vram, (int, float)) or not 0 < vram < 10_000):
        return "min_vram_gb is not a size in GB"
    return None


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
        ModelFile(path=rel, size=entry["size"], sha256=entry["sha256"]) for rel, entry in sorted(record["files"].items())
    )
    return ModelInfo(
        id=record.get("id") or _slug(folder.name),
        name=record.get("name") or folder.name,
        path=folder,
        architecture=record.get("architecture") or detect_architecture(folder),
        source=source,
        licence=record.get("licence") or ModelInfo.licence,
        files=files,
        min_vram_gb=record.get("min_vram_gb"),
    )


def model_roots(extra_dirs: Iterable[Path] = ()) -> list[tuple[Path, str]]:
    """The folders that hold models, in search order. Their hidden entries (names starting
    with ".", such as an import's staging folder) are never models."""
    roots: list[tuple[Path, str]] = []
    env_dir = paths.extra_models_dir()
    if env_dir:
        roots.append((env_dir, "extra"))
    roots += [(Path(d), "extra") for d in extra_dirs if str(d)]
    roots.append((paths.user_models_dir(), "user"))
    roots.append((paths.bundled_models_dir(), "bundled"))
    return roots


@dataclass(frozen=True)
class DamagedModel:
    """A model folder that cannot be used: listed with the reason, never hidden, so the
    user is not told "no model installed" while one sits there broken."""

    name: str  # the folder's name
    path: Path
    source: str  # "bundled", "user" or "extra"
    message: str  # what is wrong and what to do, in plain words (the error's own message)


def find_models(extra_dirs: Iterable[Path] = ()) -> list[ModelInfo]:
    """Every usable model in the model roots (see :func:`scan_models` for the damaged ones)."""
    return scan_models(extra_dirs)[0]


def scan_models(extra_dirs: Iterable[Path] = ()) -> tuple[list[ModelInfo], list[DamagedModel]]:
    """Every model folder in the model roots: the usable ones, and the ones that cannot be
    described (logged with the reason, and returned so the window and ``models list`` show
    them). Hidden folders (an import in progress or killed part-way) are not models; those
    of killed imports are removed."""
    found: list[ModelInfo] = []
    damaged: list[DamagedModel] = []
    seen_ids: set[str] = set()
    for root, source in model_roots(extra_dirs):
        if not root.is_dir():
            continue
        if source == "user":
            remove_dead_imports(root)  # what a killed import left (gigabytes, maybe) goes at the next look
        try:
            folders = sorted(p for p in root.iterdir() if not p.name.startswith(".") and p.is_dir())
        except OSError as exc:
            log.warning("Could not list the %s models folder: %s", source, exc.strerror)
            continue
        for folder in folders:
            try:
                if not os.path.lexists(folder / "model_index.json"):
                    if source == "extra":  # the user's own folder may hold other things too
                        continue
                    # in the app's own folders every folder is a model it put there
                    raise ModelDamagedError(
                        f"The model folder “{folder.name}” has lost its model_index.json, or cannot be read. "
                        f"{FIX_REIMPORT}",
                        details=f"no readable model_index.json in {folder}",
                    )
                info = model_info(folder, source)
            except (ModelDamagedError, ModelNotFoundError, UnsupportedModelError) as exc:
                log.warning("Skipped the model folder “%s” (%s models): %s", folder.name, source, exc.message)
                damaged.append(DamagedModel(folder.name, folder, source, exc.message))
                continue
            if info.id not in seen_ids:
                seen_ids.add(info.id)
                found.append(info)
    return found, damaged


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
    models, damaged = scan_models(extra_dirs)
    if not models and damaged:  # "none installed" would be untrue: say what is wrong with it
        raise ModelDamagedError(damaged[0].message, details="\n".join(f"{d.path}: {d.message}" for d in damaged))
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


def session_model(recorded: dict, extra_dirs: Iterable[Path] = (), preferred_id: str = "") -> ModelInfo:
    """The model a session's recorded settings name (an installed id, or the folder a run
    used with ``--model PATH``), so a continued run learns and generates with the model it
    started with; the default model for a session that has not run yet."""
    model_id, folder = recorded.get("model_id"), recorded.get("model_path")
    if not model_id:
        return default_model(extra_dirs, preferred_id)
    for info in find_models(extra_dirs):
        if info.id == model_id:
            check_same_family(recorded, info)
            return info
    if folder and Path(folder).is_dir():
        check_model_folder(Path(folder))
        info = model_info(Path(folder), "path")
        check_same_family(recorded, info)
        return info
    where = f" (it was used from {folder})" if folder else ""
    raise ModelNotFoundError(
        f"This session was made with the model “{model_id}”{where}, which is not there any more. Put it back "
        "or import it again (`headshot-studio models import PATH`) to continue this session, or start a new one.",
        details=f"model_id={model_id!r} model_path={folder!r}",
    )


def check_same_family(recorded: dict, model: ModelInfo) -> None:
    """A session goes on only with a model of the family it started with: its photos were
    judged, and its training checkpoints made, for that family (a folder replaced by an
    SDXL model would otherwise restart training on it without a word)."""
    family = recorded.get("model_architecture")
    if family and family != model.architecture:
        where = f" at {printable(str(model.path))}" if model.source == "path" else ""
        raise UnsupportedModelError(
            f"This session was started with an {printable(ARCHITECTURE_NAMES.get(family, str(family)))} model, "
            f"and the model “{printable(model.name)}”{where} is now an {model.architecture_name} one. Put the "
            "original model back to continue this session, or start a new session with this model.",
            details=f"recorded {family!r}, found {model.architecture!r} in {model.path}",
        )


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
        if not _model_entry(info.path, entry.path, info.name):
            raise ModelDamagedError(
                f"The model “{info.name}” is missing its file {entry.path}. {FIX_REIMPORT}",
                details=str(info.path / entry.path),
            )
        size = os.lstat(info.path / entry.path).st_size
        if size != entry.size:
            raise ModelDamagedError(
                f"The model “{info.name}” has an incomplete file {entry.path} "
                f"({size:,} of {entry.size:,} bytes). {FIX_REIMPORT}",
                details=str(info.path / entry.path),
            )
    progress = _ByteProgress(Stage.VERIFY, sum(f.size for f in info.files), on_event, cancel)
    progress.message = f"Checking {info.name}"
    for entry in info.files:
        try:
            actual = sha256_file(info.path / entry.path, progress)
        except NotRegularFileError as exc:  # swapped for a link or a pipe since the look above
            raise _not_plain_error(info.name, entry.path, exc.reason) from None
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
        stat_result = os.lstat(info.path / entry.path)
        states[entry.path] = [stat_result.st_size, stat_result.st_mtime_ns]
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
        stamps = read_json_limited(stamps_file, max_bytes=STAMPS_MAX_BYTES, max_depth=CONFIG_MAX_DEPTH)
        if not isinstance(stamps, dict):
            stamps = {}
    except (OSError, ValueError):  # none yet, or damaged: every model is hashed again
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
    while candidate in taken or os.path.lexists(root / candidate):
        n += 1
        candidate = f"{base_id}-{n}"
    return candidate, root / candidate


def _resolve_choice(chosen: Path) -> Path:
    """The folder or file the user chose, with links followed once (the user may have
    picked a link on purpose). It must end at a real folder or a plain file: a pipe or
    device would make the import wait forever or read endlessly."""
    try:
        source = chosen.resolve(strict=True)
        info = os.stat(source)
    except (OSError, RuntimeError):  # missing, a link to nothing, or a loop of links
        raise ModelNotFoundError(
            f"“{chosen.name or chosen}” does not exist. Choose the model file or folder again."
        ) from None
    if not (stat.S_ISDIR(info.st_mode) or stat.S_ISREG(info.st_mode)):
        raise UnsupportedModelError(
            f"“{chosen.name}” {SPECIAL_REASON}. Choose a .safetensors checkpoint or a diffusers "
            "model folder (one with model_index.json)."
        )
    return source


def _import_is_running(staging: Path) -> bool:
    """Whether a staging folder belongs to an import at work now, in any process: someone
    holds its lock (files.exclusive_lock; the system lets go when the holder dies), or it
    has no lock file and was touched within STAGING_GRACE_S. The lock is tried on the file
    as it is, never created here."""
    try:
        with exclusive_lock(staging / IMPORT_LOCK_NAME, create=False) as fd:
            # Free now. An import deletes its lock file just before its rename: deleted
            # since we opened it means finishing, not dead.
            return os.fstat(fd).st_nlink == 0
    except FileNotFoundError:  # being set up or renamed into place right now, or left by an old version
        return time.time() - os.lstat(staging).st_mtime < STAGING_GRACE_S
    except OSError:  # held (BlockingIOError), or cannot tell: leave it alone
        return True


def remove_dead_imports(root: Path) -> list[Path]:
    """Remove the staging folders that killed imports left in ``root`` (see IMPORT_PREFIX);
    those of imports running now, in any process, are left alone. Returns those removed."""
    removed = []
    for staging in sorted(root.glob(f"{IMPORT_PREFIX}*")):
        try:
            if not stat.S_ISDIR(os.lstat(staging).st_mode) or _import_is_running(staging):
                continue
        except OSError:  # removed by another import meanwhile
            continue
        shutil.rmtree(staging, ignore_errors=True)
        log.info("Removed %s, left by an import that was stopped part-way", staging.name)
        removed.append(staging)
    return removed


def _make_private(folder: Path) -> None:
    """Folders 0700 and files 0600 (POSIX): an imported model is the user's alone."""
    if os.name != "posix":
        return
    for parent, _, files in os.walk(folder):
        os.chmod(parent, 0o700)
        for name in files:
            os.chmod(os.path.join(parent, name), 0o600, follow_symlinks=False)


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
    for models whose configs differ). Work happens in a hidden, locked staging folder
    that is renamed into place as the last step, so a cancel or error leaves nothing
    half-imported, and what a killed import left is removed by the next one.
    """
    cancel = cancel or CancelToken()
    # 1. What the user chose: a link they picked is followed once, to a real folder or a
    #    plain file. Inside a model folder no link is ever followed.
    chosen = Path(source).expanduser()
    source = _resolve_choice(chosen)
    label = chosen.name or source.name
    is_file = source.is_file()
    if is_file:
        _check_file_format(chosen)

    # 2. Check it before any long work: a checkpoint's header (microseconds) comes before
    #    hashing the whole file; a folder's every part before copying any.
    known = None
    if is_file:
        facts, known = _check_checkpoint(source, label, on_event, cancel)
        architecture = facts.architecture
    else:
        architecture = check_model_folder(source, label)

    # 3. Work in a fresh hidden staging folder, locked while this import runs; clear what
    #    killed imports left first.
    root = paths.user_models_dir()
    root.mkdir(parents=True, exist_ok=True)
    remove_dead_imports(root)
    display_name = name or (known["name"] if known else chosen.stem if is_file else label)
    model_id, destination = _unique_destination(known["id"] if known and not name else _slug(display_name))
    staging = Path(tempfile.mkdtemp(prefix=f"{IMPORT_PREFIX}{model_id}-", dir=root))  # mode 0700
    lock = staging / IMPORT_LOCK_NAME
    try:
        with exclusive_lock(lock):
            if is_file:
                on_event(JobEvent(Stage.IMPORT, 0, 1, f"Converting {label}"))
                convert_single_file(source, staging, facts, config_dir)
            else:
                _copy_model_folder(source, staging, architecture, label, on_event, cancel)
            _make_private(staging)
            cancel.raise_if_cancelled()
            write_model_record(
                staging,
                hash_model_files(staging, on_event, cancel),
                id=model_id,
                name=display_name,
                architecture=architecture,
                licence=known["licence"] if known else ModelInfo.licence,
                min_vram_gb=known.get("min_vram_gb") if known else None,
                imported_from=label,
                imported_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            )
            if os.name != "nt":
                lock.unlink()  # while still held, so no other import finds the folder unlocked
        lock.unlink(missing_ok=True)  # Windows cannot delete an open file: only now
        # 4. The rename into place: the last step.
        staging.rename(destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return model_info(destination, "user")


def _check_file_format(chosen: Path) -> None:
    """Refuse a chosen file that is not a .safetensors checkpoint (above all a pickled
    one), from its name alone."""
    if chosen.suffix.lower() in PICKLE_SUFFIXES:
        raise UnsafeModelFormatError(
            f"“{chosen.name}” is a pickle-based checkpoint ({chosen.suffix}), which can run hidden "
            "code when opened, so Headshot Studio will not load it. Use a .safetensors version "
            "of this model instead."
        )
    if chosen.suffix.lower() != ".safetensors":
        raise UnsupportedModelError(
            f"“{chosen.name}” is not a model file. Choose a .safetensors checkpoint or a diffusers "
            "model folder (one with model_index.json)."
        )


def _check_checkpoint(
    source: Path, label: str, on_event: EventCallback, cancel: CancelToken
) -> tuple[CheckpointFacts, dict | None]:
    """A checkpoint's facts from its header (refusing what is not a base model), then its
    sha256, with progress: the manifest's entry for it when it is a model the app knows."""
    facts = inspect_checkpoint(source)
    progress = _ByteProgress(Stage.IMPORT, os.stat(source).st_size, on_event, cancel)
    progress.message = f"Checking {label}"
    try:
        known = known_model_for_checkpoint(sha256_file(source, progress))
    except NotRegularFileError as exc:  # swapped since step 1
        raise UnsupportedModelError(f"“{label}” {exc.reason}. Choose the model file again.") from None
    return facts, known


def _copy_model_folder(
    source: Path, dest: Path, architecture: str, model_name: str, on_event: EventCallback, cancel: CancelToken
) -> None:
    """Copy the files a model needs (see _model_files) as new private files, in chunks,
    with progress and cancel between chunks."""
    wanted = _model_files(source, architecture, model_name)
    progress = _ByteProgress(Stage.IMPORT, sum(os.lstat(source / rel).st_size for rel in wanted), on_event, cancel)
    for rel in wanted:
        target = dest / rel
        target.parent.mkdir(mode=0o700, exist_ok=True)
        progress.message = f"Copying {rel}"
        try:
            copy_regular_file(source / rel, target, on_bytes=progress)
        except NotRegularFileError as exc:  # swapped for a link or a pipe since the check
            raise _not_plain_error(model_name, rel, exc.reason) from None
    _drop_unused_components(dest)


def convert_single_file(source: Path, dest: Path, facts: CheckpointFacts, config_dir: Path | None) -> None:
    """Convert an original-layout ``.safetensors`` checkpoint into a diffusers folder at
    ``dest``, with the shipped component configs (no network): its EMA weights when it
    has them, in its own dtype, with its training objective (``facts``) written into
    the scheduler so training and generation both follow it."""
    import diffusers
    import torch

    from headshot_studio.logs import quiet_model_libraries

    quiet_model_libraries()
    config = config_dir or paths.model_configs_dir() / facts.architecture
    if not (config / "model_index.json").is_file():
        raise ModelNotFoundError(
            "The model settings needed to import single-file checkpoints are missing from this "
            "installation. Reinstall Headshot Studio.",
            details=f"missing {config / 'model_index.json'}",
        )
    dtype = {"F16": torch.float16, "BF16": torch.bfloat16}.get(facts.unet_dtype, torch.float32)
    pipeline_class = getattr(diffusers, PIPELINE_CLASSES[facts.architecture])
    extra = {"safety_checker": None, "feature_extractor": None} if facts.architecture == SD15 else {}
    log.info("converting %s (%s)", source.name, facts.describe())
    try:
        pipe = pipeline_class.from_single_file(
            str(source), config=str(config), local_files_only=True, dtype=dtype,
            extract_ema=facts.has_ema, **extra
        )
    except Exception as exc:
        # The header was valid, so whatever the loader raises (its own error type, KeyError,
        # a shape mismatch) means the tensors are missing or do not fit the architecture.
        if isinstance(exc, MemoryError) or is_disk_full(exc):
            raise
        raise ModelDamagedError(
            f"“{source.name}” could not be converted: parts of the model are missing from it or do not "
            "fit together, so it is damaged, incomplete or not a full Stable Diffusion 1.5 or SDXL "
            "checkpoint. Copy or download it again, or choose another checkpoint.",
            details=f"{source}: {type(exc).__name__}: {exc}",
        ) from exc
    overrides = facts.scheduler_overrides()
    if overrides:
        pipe.scheduler = type(pipe.scheduler).from_config({**pipe.scheduler.config, **overrides})
    pipe.save_pretrained(dest, safe_serialization=True)
    _drop_unused_components(dest)


def _drop_unused_components(folder: Path) -> None:
    """Keep only what we load: no safety checker, feature extractor or image encoder."""
    index = read_json_limited(folder / "model_index.json", max_bytes=CONFIG_MAX_BYTES, max_depth=CONFIG_MAX_DEPTH)
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
    """{relative path: {size, sha256}} for every plain file of a model folder (its record
    and an import's lock file excluded)."""
    cancel = cancel or CancelToken()
    files = sorted(
        p for p in folder.rglob("*")
        if p.name not in (RECORD_NAME, IMPORT_LOCK_NAME) and stat.S_ISREG(p.lstat().st_mode)
    )
    progress = _ByteProgress(Stage.VERIFY, sum(p.lstat().st_size for p in files), on_event, cancel)
    progress.message = "Recording checksums"
    return {
        p.relative_to(folder).as_posix(): {"size": p.lstat().st_size, "sha256": sha256_file(p, progress)}
        for p in files
    }
