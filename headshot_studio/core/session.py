"""A session: one person's photos and everything made from them, in one folder.

    <data>/sessions/<id>/
        manifest.json        name, dates, state, settings, photo list (written atomically)
        photos/              copies of the selfies (when the user chose copies)
        reports/quality.json the verdict on every photo and the set
        identity.json        the person's reference face embedding (for ranking)
        training/            aligned crops + captions
        lora/                the learned face (lora.safetensors, training.json)
        outputs/raw/         generated images + sidecars
        outputs/final/       finished (post-processed) images + sidecars
        gallery.json         the finished images, best first, with their scores

Session folders are readable by the user only. A wipe removes the folder and every
cached analysis of its photos, and reports what it removed; photos the session only
referenced (not copied) are the user's own files and are never deleted.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import shlex
import shutil
import stat
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from headshot_studio import paths
from headshot_studio.core.events import ErrorKind, InputError, is_disk_full
from headshot_studio.core.files import (
    NotRegularFileError,
    printable,
    regular_file_problem,
    copy_regular_file,
    exclusive_lock,
    read_json_limited,
    sha256_file,
    write_json_atomic,
)

if TYPE_CHECKING:
    from headshot_studio.core.gallery import GalleryEntry

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
# States in the order a run reaches them; "cancelled" and "failed" keep the stage reached.
STATES = ("new", "checked", "prepared", "trained", "generated", "finished", "cancelled", "failed")


# A session id is the name of a folder directly inside the sessions folder and nothing
# else (no "..", no separators, see session_folder), so no id can reach outside it. New
# ids are the creation time and a random part; the person's name is kept only in the
# manifest, so logs and folder listings never name anyone. (Sessions made by earlier
# versions have the name in their id; they still open.)
_RANDOM_ID = re.compile(r"\d{8}-\d{6}-[0-9a-f]{8}(?:-\d+)?")
MAX_NAME_CHARS = 100
MAX_DRAFT_COUNT = 1000  # headshots of one style asked for in the window (a spin box's range is far below)
# A manifest is a few KB; these bound what parsing one can cost.
MAX_MANIFEST_BYTES = 4 * 2**20
MAX_MANIFEST_DEPTH = 16
LOCK_FILE = ".run.lock"


class SessionError(InputError):
    kind = ErrorKind.SESSION


class SessionBusyError(SessionError):
    """Another run (or another window) is working on the session right now."""

    kind = ErrorKind.SESSION_BUSY


def log_id(session_id: str) -> str:
    """The session's id as the log may show it: a random id as it is; an id of an earlier
    version (which holds the person's name) as a short hash."""
    if _RANDOM_ID.fullmatch(session_id):
        return session_id
    import hashlib

    return "old-" + hashlib.sha256(session_id.encode("utf-8", "surrogateescape")).hexdigest()[:8]


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def _private_dir(path: Path) -> None:
    """Create ``path`` (and parents) readable by this user only where the OS supports it."""
    path.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        path.chmod(stat.S_IRWXU)


@dataclass
class Session:
    path: Path
    manifest: dict = field(repr=False)

    # --- layout -------------------------------------------------------------------------
    @property
    def id(self) -> str:
        return self.path.name

    @property
    def log_id(self) -> str:
        return log_id(self.id)

    @property
    def name(self) -> str:
        return self.manifest["name"]

    @property
    def state(self) -> str:
        return self.manifest["state"]

    photos_dir = property(lambda self: self.path / "photos")
    reports_file = property(lambda self: self.path / "reports" / "quality.json")
    identity_file = property(lambda self: self.path / "identity.json")
    training_dir = property(lambda self: self.path / "training")
    lora_dir = property(lambda self: self.path / "lora")
    raw_dir = property(lambda self: self.path / "outputs" / "raw")
    final_dir = property(lambda self: self.path / "outputs" / "final")
    gallery_file = property(lambda self: self.path / "gallery.json")

    # --- manifest -----------------------------------------------------------------------
    def save(self) -> None:
        self.manifest["updated_at"] = _now()
        write_json_atomic(self.path / MANIFEST, self.manifest)

    def set_state(self, state: str, **details) -> None:
        if state not in STATES:
            raise ValueError(state)
        self.manifest["state"] = state
        self.manifest.update(details)
        self.save()

    def photo_paths(self) -> list[Path]:
        """Where each photo is now: the session's copy, or the user's original."""
        return [
            self.photos_dir / entry["name"] if entry["copied"] else Path(entry["source"])
            for entry in self.manifest["photos"]
        ]

    def gallery(self) -> list[GalleryEntry]:
        """The finished headshots, best first; none when there is no gallery yet. A damaged
        or crafted gallery.json is logged and read as none (the images stay in
        outputs/final, and the next run ranks them again)."""
        from headshot_studio.core.gallery import GalleryEntry

        return [GalleryEntry.from_dict(item) for item in _read_gallery(self.gallery_file).get("images", [])]

    def headshots(self) -> list[GalleryEntry]:
        """The gallery's entries whose finished image is on disk, best first: what is shown,
        counted and exported (an image deleted or moved by hand is left out, not offered)."""
        return [entry for entry in self.gallery() if (self.final_dir / entry.file).is_file()]

    def thumbnail(self) -> Path | None:
        """The best finished image, else the first photo (for session lists)."""
        gallery = self.gallery()
        if gallery and (self.final_dir / gallery[0].file).is_file():
            return self.final_dir / gallery[0].file
        existing = [p for p in self.photo_paths() if p.is_file()]
        return existing[0] if existing else None


def check_session_name(name: str) -> str:
    """The name, stripped, or a SessionError saying what to change."""
    name = name.strip()
    if not name:
        raise SessionError("Give the session a name (for example the client's name).")
    if len(name) > MAX_NAME_CHARS:
        raise SessionError(f"That name is {len(name)} characters long. Use at most {MAX_NAME_CHARS}.")
    if not all(ch.isprintable() for ch in name):
        raise SessionError("The name holds invisible control characters. Type the name again with letters, "
                           "digits and punctuation only.")
    return name


def _new_session_id(root: Path) -> str:
    while True:
        session_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(4)}"
        if not os.path.lexists(root / session_id):
            return session_id


def _copy_in(photo: Path, target: Path) -> None:
    """Copy a photo into the session: a plain file only (a link or a pipe named like a
    photo is refused with the reason), readable by this user only."""
    try:
        copy_regular_file(photo, target)
    except NotRegularFileError as exc:
        raise SessionError(f"“{printable(exc.path.name)}” {exc.reason}. Add the photo itself.") from None
    except PermissionError as exc:
        raise SessionError(f"“{printable(photo.name)}” cannot be read: you do not have permission to read it. Copy "
                           "the photo into a folder of your own (such as Pictures) and add the copy.",
                           details=str(exc)) from None
    except OSError as exc:
        if is_disk_full(exc):
            raise
        raise SessionError(f"“{printable(photo.name)}” could not be copied into the session. Check the photo, "
                           "then add it again.", details=f"{type(exc).__name__}: {exc}") from None


def create_session(name: str, photos: list[Path], *, copy_photos: bool = True, root: Path | None = None) -> Session:
    """A new session folder holding (copies of, or references to) ``photos``, in the
    sessions folder (or ``root``: a studio worker keeps its clients' work apart there)."""
    from headshot_studio.core.quality import too_many_photos

    name = check_session_name(name)
    too_many = too_many_photos(len(photos))
    if too_many is not None:
        raise SessionError(too_many)
    root = root or paths.sessions_dir()
    _private_dir(root)
    folder = root / _new_session_id(root)
    _private_dir(folder)
    entries = []
    used: set[str] = set()
    try:
        for photo in photos:
            photo = Path(os.path.abspath(photo))
            stored = photo.name
            k = 1
            while stored.lower() in used:  # two "IMG_0001.jpg" from different folders
                k += 1
                stored = f"{photo.stem}-{k}{photo.suffix}"
            used.add(stored.lower())
            if copy_photos:
                _private_dir(folder / "photos")
                _copy_in(photo, folder / "photos" / stored)
            entries.append({"name": stored, "source": str(photo), "copied": copy_photos})
        manifest = {
            "schema_version": SCHEMA_VERSION,
            "name": name,
            "created_at": _now(),
            "updated_at": _now(),
            "state": "new",
            "photos": entries,
            "settings": {},
        }
        session = Session(folder, manifest)
        session.save()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # no half-made session is left to list
        raise
    return session


def session_folder(session_id: str, root: Path | None = None) -> Path:
    """The folder of the session ``session_id``, which must be the plain name of a real
    folder (not a link) directly inside the sessions folder (or ``root``); anything else
    is "no such session"."""
    root = root or paths.sessions_dir()
    named = isinstance(session_id, str) and _is_file_name(session_id) and not session_id.startswith(".")
    folder = root / session_id if named else None
    if folder is None or not stat.S_ISDIR(_lstat_mode(folder)):
        raise SessionError(
            f"There is no session “{printable(str(session_id))}”. See the sessions with `headshot-studio sessions`."
        )
    return folder


def _lstat_mode(path: Path) -> int:
    try:
        return path.lstat().st_mode
    except OSError:
        return 0


def open_session(session_id: str, root: Path | None = None) -> Session:
    folder = session_folder(session_id, root)
    try:
        manifest = validate_manifest(read_json_limited(folder / MANIFEST, max_bytes=MAX_MANIFEST_BYTES,
                                                       max_depth=MAX_MANIFEST_DEPTH))
    except (OSError, ValueError) as exc:
        raise SessionError(
            f"The session {printable(session_id)} is damaged and cannot be opened. Delete it "
            f"(`headshot-studio wipe -- {printable(shlex.quote(session_id))}`, or Delete… in the window's session list).",
            details=f"{MANIFEST}: {exc}",
        ) from None
    return Session(folder, manifest)


_TEXT_FIELDS = ("created_at", "updated_at")
_OPTIONAL_FLAGS = ("photos_deleted", "delete_photos_after_training", "copy_photos")


def validate_manifest(data) -> dict:
    """``data`` if it is a session manifest of the right shape and types; else a ValueError
    saying which field is wrong (a hand-edited, damaged or crafted file must never reach
    code that trusts its types, or put a path where a file name belongs)."""
    from headshot_studio.core.quality import THRESHOLDS

    def need(condition: bool, what: str) -> None:
        if not condition:
            raise ValueError(what)

    need(isinstance(data, dict), "not a JSON object")
    need(_is_text(data.get("name"), MAX_NAME_CHARS * 10) and data["name"].strip() != "", "name: not text")
    need(data.get("state") in STATES, "state: unknown")
    need(isinstance(data.get("schema_version", SCHEMA_VERSION), int), "schema_version: not a number")
    for key in _TEXT_FIELDS:
        need(isinstance(data.get(key, ""), str), f"{key}: not text")
    for key in _OPTIONAL_FLAGS:
        need(isinstance(data.get(key, False), bool), f"{key}: not true/false")
    need(isinstance(data.get("last_error") or "", str), "last_error: not text")
    photos = data.get("photos")
    need(isinstance(photos, list) and len(photos) <= THRESHOLDS.max_photos, "photos: not a list of photos")
    for entry in photos:
        need(isinstance(entry, dict), "photos: an entry is not an object")
        need(_is_file_name(entry.get("name")), "photos: a name is not a plain file name")
        need(_is_text(entry.get("source"), 4096), "photos: a source is not a path")
        need(isinstance(entry.get("copied"), bool), "photos: copied is not true/false")
    favourites = data.get("favourites", [])
    need(isinstance(favourites, list) and all(_is_file_name(f) for f in favourites), "favourites: not file names")
    draft = data.get("draft", {})
    if not (isinstance(draft, dict) and isinstance(draft.get("styles", {}), dict)
            and all(_is_text(k, 64) and _is_count(v) and v <= MAX_DRAFT_COUNT for k, v in draft.get("styles", {}).items())
            and _is_text(draft.get("avoid", ""), 100_000)):
        # only the window's unsaved choices: forgotten (the last run's are used), never a
        # reason to hide the session and its headshots
        log.warning("session manifest: the window's draft choices are damaged; they are forgotten")
        data = {key: value for key, value in data.items() if key != "draft"}
    settings = data.get("settings", {})
    need(isinstance(settings, dict), "settings: not an object")
    for key in ("model_id", "model_path", "model_architecture", "avoid"):
        need(_is_text(settings.get(key) or "", 100_000), f"settings.{key}: not text")
    for key in ("count", "seed", "steps"):
        need(settings.get(key) is None or _is_count(settings[key]), f"settings.{key}: not a whole number")
    need(isinstance(settings.get("styles") or [], list) and all(isinstance(v, str) for v in settings.get("styles") or []),
         "settings.styles: not a list of names")
    need(isinstance(settings.get("counts") or [], list) and all(_is_count(v) for v in settings.get("counts") or []),
         "settings.counts: not a list of numbers")
    for section in ("training", "postprocess"):
        values = settings.get(section, {})
        need(isinstance(values, dict) and all(isinstance(k, str) and _is_scalar(v) for k, v in values.items()),
             f"settings.{section}: not a table of values")
    return data


MAX_GALLERY_BYTES = 16 * 2**20  # ~1 KB an image


def _read_gallery(path: Path) -> dict:
    """gallery.json, checked like a manifest (limits before parsing, types after): every
    entry names a PNG in outputs/final by a plain file name, so no crafted entry can make
    a thumbnail, an export or a delete reach a file elsewhere."""
    try:
        data = read_json_limited(path, max_bytes=MAX_GALLERY_BYTES, max_depth=MAX_MANIFEST_DEPTH)
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("session %s: gallery.json is damaged (%s); shown as empty", log_id(path.parent.name), exc)
        return {}
    images = data.get("images") if isinstance(data, dict) else None
    if not isinstance(images, list):
        log.warning("session %s: gallery.json does not list images as expected; shown as empty",
                    log_id(path.parent.name))
        return {}
    # an entry of the wrong shape, or a second entry for one file, is left out on its own:
    # one hand-edited line must not hide every headshot
    kept, files = [], set()
    for item in images:
        if _is_gallery_entry(item) and item["file"] not in files:
            kept.append(item)
            files.add(item["file"])
    if len(kept) != len(images):
        log.warning("session %s: gallery.json has %d damaged or repeated entries; they are left out",
                    log_id(path.parent.name), len(images) - len(kept))
    return data | {"images": kept}


def _is_gallery_entry(item) -> bool:
    return (isinstance(item, dict) and _is_file_name(item.get("file")) and item["file"].endswith(".png")
            and not item["file"].startswith(".")
            and all(_is_scalar(item.get(key)) for key in ("style", "seed", "group", "raw", "settings"))
            and isinstance(item.get("scores") or {}, dict)
            and all(isinstance(v, (int, float, type(None))) and not isinstance(v, bool)
                    for v in (item.get("scores") or {}).values())
            and isinstance(item.get("flags") or [], list)
            and all(isinstance(flag, str) for flag in item.get("flags") or []))


def _is_file_name(value) -> bool:
    return (isinstance(value, str) and 0 < len(value) <= 255 and value not in (".", "..")
            and not any(ch in value for ch in "/\\\0") and value == value.strip())


def _is_text(value, max_chars: int) -> bool:
    """Text that can be stored and shown: no NUL, no lone surrogate, not absurdly long."""
    if not isinstance(value, str) or len(value) > max_chars or "\0" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_scalar(value) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))


@dataclass(frozen=True)
class DamagedSession:
    """A session folder whose manifest cannot be used: listed, so it can be deleted."""

    id: str
    path: Path
    message: str
    details: str


def scan_sessions() -> tuple[list[Session], list[DamagedSession]]:
    """Every session, most recently changed first, and every damaged one (never hidden)."""
    root = paths.sessions_dir()
    sessions, damaged = [], []
    if root.is_dir():
        for folder in sorted(root.iterdir()):
            if folder.name.startswith("."):
                continue
            if not stat.S_ISDIR(_lstat_mode(folder)):  # a link or a file: never followed, but said
                log.warning("skipped %s in the sessions folder: not a folder", log_id(folder.name))
                continue
            try:
                sessions.append(open_session(folder.name))
            except SessionError as exc:
                log.warning("session %s is damaged: %s", log_id(folder.name), exc.details or exc.message)
                damaged.append(DamagedSession(folder.name, folder, exc.message, exc.details))
    sessions.sort(key=lambda s: s.manifest.get("updated_at", ""), reverse=True)
    return sessions, damaged


def list_sessions() -> list[Session]:
    """Every readable session, most recently changed first (see scan_sessions for the
    damaged ones, which are logged here)."""
    return scan_sessions()[0]


@contextlib.contextmanager
def session_lock(session: Session) -> Iterator[None]:
    """Hold the session for one run: a second run of it (another `run --resume`, or the
    window) is refused with a plain message instead of the two writing over each other.
    The operating system releases the lock when its process ends, however it ends, so a
    crashed run never leaves a session locked. Re-entrant within this process (the
    command line holds it from the moment it makes a session; the run takes it again)."""
    key = str(session.path)
    with _held_lock:
        if _held.get(key):
            _held[key] += 1
            nested = True
        else:
            nested = False
    if nested:
        try:
            yield
        finally:
            with _held_lock:
                _held[key] -= 1
        return
    held = contextlib.ExitStack()
    try:
        held.enter_context(exclusive_lock(session.path / LOCK_FILE))
    except BlockingIOError:
        raise SessionBusyError(
            f"The session “{printable(session.name)}” is being worked on by another run right now. Wait for it to "
            "finish (or stop it), then try again.",
            details=f"session {session.log_id}: lock held",
        ) from None
    with held:
        with _held_lock:
            _held[key] = 1
        try:
            yield
        finally:
            with _held_lock:
                _held.pop(key, None)


_held: dict[str, int] = {}  # session folders this process holds (session_lock), with their depth
_held_lock = threading.Lock()


@dataclass(frozen=True)
class WipeReport:
    sessions: tuple[str, ...]
    files_removed: int
    bytes_removed: int
    cached_analyses_removed: int
    originals_kept: tuple[str, ...]  # photos that were only referenced: the user's own files

    def describe(self) -> str:
        text = (
            f"Removed {len(self.sessions)} session{'s' if len(self.sessions) != 1 else ''}: "
            f"{self.files_removed} files ({self.bytes_removed / 2**20:.1f} MB), "
            f"and {self.cached_analyses_removed} cached photo analyses."
        )
        if self.originals_kept:
            text += f" {len(self.originals_kept)} original photos stay where you keep them; they were never copied."
        return text


def _remove_cached_analyses(content_hashes: set[str]) -> int:
    from headshot_studio.core.quality import default_cache

    folder = default_cache().folder
    removed = 0
    if folder is not None and folder.is_dir():
        for file in folder.glob("*.json"):
            if file.name.split("-", 1)[0] in content_hashes:
                file.unlink(missing_ok=True)
                removed += 1
    return removed


def _content_hash(path: Path) -> str | None:
    """sha256 of a plain file (a link or a pipe is never read), None when there is none."""
    try:
        if regular_file_problem(path) is not None:
            return None
        return sha256_file(path)
    except (OSError, ValueError):  # gone, unreadable, or a name no file can have
        return None


def _photo_hashes(folder: Path, entries: list) -> set[str]:
    """Content hashes of a session's photos, from whatever survives of it: its manifest's
    photo entries (also of a damaged manifest, as far as they can be read) and every file
    in its photos folder. The cached analyses of these photos hold face embeddings."""
    candidates = [folder / "photos" / e["name"] if e.get("copied") else Path(e["source"])
                  for e in entries if isinstance(e, dict) and _is_file_name(e.get("name"))
                  and isinstance(e.get("source"), str)]
    if (folder / "photos").is_dir() and not (folder / "photos").is_symlink():
        candidates += list((folder / "photos").iterdir())
    return {digest for digest in map(_content_hash, candidates) if digest}


def _photo_entries(folder: Path) -> list:
    """The photo entries of a manifest, read leniently (for wiping a damaged session)."""
    try:
        data = read_json_limited(folder / MANIFEST, max_bytes=MAX_MANIFEST_BYTES, max_depth=MAX_MANIFEST_DEPTH)
    except (OSError, ValueError):
        return []
    photos = data.get("photos") if isinstance(data, dict) else None
    return photos if isinstance(photos, list) else []


def _make_removable(folder: Path) -> None:
    """Give the user back the right to list and change the session's own folders (one
    another program left without permissions, ``chmod 000``), so that it can be deleted.
    Links are never followed: only the session's own folders are touched."""

    def allow(path: str) -> None:
        with contextlib.suppress(OSError):
            if not os.path.islink(path) and os.path.isdir(path):
                os.chmod(path, stat.S_IRWXU)

    allow(str(folder))
    for directory, subdirs, _files in os.walk(folder, onerror=lambda exc: None):  # top-down: parents first
        for sub in subdirs:
            allow(os.path.join(directory, sub))


def _refuse_if_busy(folder: Path) -> None:
    try:
        with exclusive_lock(folder / LOCK_FILE):
            pass
    except BlockingIOError:
        raise SessionBusyError(
            "A run is working on this session right now. Stop it (or wait for it to finish), then delete the session.",
            details=f"session {log_id(folder.name)}: lock held",
        ) from None
    except OSError:
        pass  # a folder that cannot hold the lock file (read-only, damaged): nothing runs in it


def _wipe_folder(folder: Path) -> WipeReport:
    _make_removable(folder)
    entries = _photo_entries(folder)
    try:  # what is there, for the report: a part that cannot be read is still deleted
        hashes = _photo_hashes(folder, entries)
        files = [p for p in folder.rglob("*") if p.is_symlink() or p.is_file()]
        size = sum(p.lstat().st_size for p in files)
    except OSError as exc:
        log.warning("session %s: not every file could be listed before deleting (%s)", log_id(folder.name),
                    type(exc).__name__)
        hashes, files, size = set(), [], 0
    kept = tuple(e["source"] for e in entries
                 if isinstance(e, dict) and e.get("copied") is False and isinstance(e.get("source"), str))
    shutil.rmtree(folder, ignore_errors=True)
    if os.path.lexists(folder):
        raise SessionError("The session could not be removed completely: another program may be using its files, "
                           "or this user may not change its folder. Close other programs and try again.",
                           details=f"session {log_id(folder.name)}")
    return WipeReport(
        sessions=(folder.name,),
        files_removed=len(files),
        bytes_removed=size,
        cached_analyses_removed=_remove_cached_analyses(hashes),
        originals_kept=kept,
    )


def wipe_session(session: Session | str) -> WipeReport:
    """Delete everything of one session, damaged or not; return what was removed."""
    folder = session.path if isinstance(session, Session) else session_folder(session)
    _refuse_if_busy(folder)
    return _wipe_folder(folder)


def wipe_all() -> WipeReport:
    """Delete every session (every folder in the sessions folder, damaged ones too), every
    cached photo analysis, the activity log's earlier contents and the file dialogs'
    history of folders."""
    from headshot_studio.core.quality import default_cache
    from headshot_studio.logs import clear_log_files

    root = paths.sessions_dir()
    folders = sorted(f for f in root.iterdir() if stat.S_ISDIR(_lstat_mode(f))) if root.is_dir() else []
    for folder in folders:  # all or nothing: none is deleted while one is in use
        _refuse_if_busy(folder)
    reports = [_wipe_folder(folder) for folder in folders]
    cached = default_cache().clear()
    clear_log_files()
    # The file dialogs' history (the folders photos were added from): offline.contain_qt_settings
    shutil.rmtree(paths.qt_settings_dir(), ignore_errors=True)
    return WipeReport(
        sessions=tuple(s for r in reports for s in r.sessions),
        files_removed=sum(r.files_removed for r in reports),
        bytes_removed=sum(r.bytes_removed for r in reports),
        cached_analyses_removed=sum(r.cached_analyses_removed for r in reports) + cached,
        originals_kept=tuple(p for r in reports for p in r.originals_kept),
    )


# --- editing a session ------------------------------------------------------------------


def add_photos(session: Session, photos: list[Path], *, copy_photos: bool = True) -> list[Path]:
    """Add photos to the session (copied in, or referenced); return where each now is.
    A photo already in the session (same file content) is not added twice. Only plain
    files are read or copied: anything else (a link, a pipe) is referenced, so that its
    check says why it cannot be used."""
    from headshot_studio.core.quality import too_many_photos

    too_many = too_many_photos(len(photos), len(session.manifest["photos"]))
    if too_many is not None:
        raise SessionError(too_many)
    existing = {digest for digest in map(_content_hash, session.photo_paths()) if digest}
    used = {entry["name"].lower() for entry in session.manifest["photos"]}
    added = []
    for photo in photos:
        photo = Path(os.path.abspath(photo))  # not resolve(): a link must stay a link, and be refused
        digest = _content_hash(photo)
        if digest is not None and digest in existing:
            continue
        stored, k = photo.name, 1
        while stored.lower() in used or os.path.lexists(session.photos_dir / stored):  # a killed add's leftover
            k += 1
            stored = f"{photo.stem}-{k}{photo.suffix}"
        used.add(stored.lower())
        copied = copy_photos and digest is not None
        if copied:
            _private_dir(session.photos_dir)
            _copy_in(photo, session.photos_dir / stored)
            added.append(session.photos_dir / stored)
        else:
            added.append(photo)
        session.manifest["photos"].append({"name": stored, "source": str(photo), "copied": copied})
        if digest:
            existing.add(digest)
    session.save()
    return added


def remove_photo(session: Session, photo: Path) -> None:
    """Take a photo out of the session (its copy is deleted; a referenced original stays)."""
    photo = Path(photo)
    for entry, current in zip(list(session.manifest["photos"]), session.photo_paths()):
        if current == photo:
            session.manifest["photos"].remove(entry)
            if entry["copied"]:
                current.unlink(missing_ok=True)
            session.save()
            return
    raise SessionError(f"“{photo.name}” is not in this session.")


def delete_copied_photos(session: Session) -> int:
    """Delete the session's copies of the selfies (after training, if the user asked),
    with everything that is still a picture of them: the face crops of the training set
    and the cached analyses of those photos. The quality verdicts, the face signature
    (identity, used to rank likeness) and the learned face stay. Returns the number of
    selfies deleted."""
    copied = [session.photos_dir / entry["name"] for entry in session.manifest["photos"] if entry["copied"]]
    hashes = {digest for digest in map(_content_hash, copied) if digest}
    for photo in copied:
        photo.unlink(missing_ok=True)
    shutil.rmtree(session.training_dir, ignore_errors=True)  # crops + captions; training is done
    _remove_cached_analyses(hashes)
    removed = len(copied)
    session.manifest["photos_deleted"] = True
    session.save()
    return removed


def set_favourite(session: Session, file: str, favourite: bool) -> None:
    favourites = set(session.manifest.get("favourites", []))
    (favourites.add if favourite else favourites.discard)(file)
    session.manifest["favourites"] = sorted(favourites)
    session.save()


def delete_output(session: Session, file: str) -> None:
    """Delete one finished headshot (and its raw image and sidecars) from the gallery."""
    gallery = session.gallery()
    if file not in {entry.file for entry in gallery}:
        raise SessionError(f"“{file}” is not in this session's gallery.")
    for folder in (session.final_dir, session.raw_dir):
        (folder / file).unlink(missing_ok=True)
        (folder / file).with_suffix(".json").unlink(missing_ok=True)
    remaining = [entry.to_dict() for entry in gallery if entry.file != file]
    write_json_atomic(session.gallery_file, _read_gallery(session.gallery_file) | {"images": remaining})
    set_favourite(session, file, False)
