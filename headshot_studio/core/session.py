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

import json
import os
import re
import shutil
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from headshot_studio import paths
from headshot_studio.core.events import InputError
from headshot_studio.core.files import sha256_file, write_json_atomic

SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
# States in the order a run reaches them; "cancelled" and "failed" keep the stage reached.
STATES = ("new", "checked", "prepared", "trained", "generated", "finished", "cancelled", "failed")


class SessionError(InputError):
    kind = "session"


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

    def gallery(self) -> list[dict]:
        try:
            return json.loads(self.gallery_file.read_text(encoding="utf-8"))["images"]
        except (OSError, ValueError, KeyError):
            return []

    def thumbnail(self) -> Path | None:
        """The best finished image, else the first photo (for session lists)."""
        gallery = self.gallery()
        if gallery and (self.final_dir / gallery[0]["file"]).is_file():
            return self.final_dir / gallery[0]["file"]
        existing = [p for p in self.photo_paths() if p.is_file()]
        return existing[0] if existing else None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "session"


def create_session(name: str, photos: list[Path], *, copy_photos: bool = True) -> Session:
    """A new session folder holding (copies of, or references to) ``photos``."""
    name = name.strip()
    if not name:
        raise SessionError("Give the session a name (for example the client's name).")
    root = paths.sessions_dir()
    _private_dir(root)
    base = f"{time.strftime('%Y%m%d-%H%M%S')}-{_slug(name)}"
    session_id, n = base, 1
    while (root / session_id).exists():
        n += 1
        session_id = f"{base}-{n}"
    folder = root / session_id
    _private_dir(folder)
    entries = []
    used: set[str] = set()
    for photo in photos:
        photo = Path(photo).resolve()
        stored = photo.name
        k = 1
        while stored.lower() in used:  # two "IMG_0001.jpg" from different folders
            k += 1
            stored = f"{photo.stem}-{k}{photo.suffix}"
        used.add(stored.lower())
        if copy_photos:
            _private_dir(folder / "photos")
            shutil.copy2(photo, folder / "photos" / stored)
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
    return session


def open_session(session_id: str) -> Session:
    folder = paths.sessions_dir() / session_id
    if not session_id or "/" in session_id or "\\" in session_id or not (folder / MANIFEST).is_file():
        raise SessionError(
            f"There is no session “{session_id}”. See the sessions with `headshot-studio sessions`."
        )
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if not isinstance(manifest, dict) or "photos" not in manifest or "state" not in manifest:
            raise ValueError("not a session manifest")
    except (OSError, ValueError) as exc:
        raise SessionError(
            f"The session “{session_id}” is damaged and cannot be opened. You can wipe it.",
            details=f"{folder / MANIFEST}: {exc}",
        ) from None
    return Session(folder, manifest)


def list_sessions() -> list[Session]:
    """Every readable session, most recently changed first."""
    root = paths.sessions_dir()
    sessions = []
    if root.is_dir():
        for folder in root.iterdir():
            try:
                sessions.append(open_session(folder.name))
            except SessionError:
                continue
    return sorted(sessions, key=lambda s: s.manifest.get("updated_at", ""), reverse=True)


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


def _photo_hashes(session: Session) -> set[str]:
    hashes = set()
    for photo in session.photo_paths():
        try:
            hashes.add(sha256_file(photo))
        except OSError:
            continue
    return hashes


def wipe_session(session: Session | str) -> WipeReport:
    """Delete everything of one session; return what was removed."""
    if isinstance(session, str):
        folder = paths.sessions_dir() / session
        if not folder.is_dir() or "/" in session or "\\" in session:
            raise SessionError(f"There is no session “{session}”.")
        try:
            session = open_session(session)
        except SessionError:  # damaged: still wipe the folder
            session = Session(folder, {"photos": [], "state": "failed", "name": session})
    hashes = _photo_hashes(session)
    files = [p for p in session.path.rglob("*") if p.is_file() or p.is_symlink()]
    size = sum(p.lstat().st_size for p in files)
    kept = tuple(entry["source"] for entry in session.manifest.get("photos", []) if not entry.get("copied", True))
    shutil.rmtree(session.path)
    if session.path.exists():
        raise SessionError(f"The session “{session.id}” could not be removed completely. Close other programs and try again.")
    return WipeReport(
        sessions=(session.id,),
        files_removed=len(files),
        bytes_removed=size,
        cached_analyses_removed=_remove_cached_analyses(hashes),
        originals_kept=kept,
    )


def wipe_all() -> WipeReport:
    """Delete every session and every cached photo analysis."""
    from headshot_studio.core.quality import default_cache

    reports = []
    root = paths.sessions_dir()
    if root.is_dir():
        for folder in sorted(root.iterdir()):
            if folder.is_dir():
                reports.append(wipe_session(folder.name))
    cached = default_cache().clear()
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
    A photo already in the session (same file content) is not added twice."""
    existing = {sha256_file(p) for p in session.photo_paths() if p.is_file()}
    used = {entry["name"].lower() for entry in session.manifest["photos"]}
    added = []
    for photo in photos:
        photo = Path(photo).resolve()
        try:
            digest = sha256_file(photo)
        except OSError:
            digest = None  # unreadable: added anyway, so its check can say why
        if digest is not None and digest in existing:
            continue
        stored, k = photo.name, 1
        while stored.lower() in used:
            k += 1
            stored = f"{photo.stem}-{k}{photo.suffix}"
        used.add(stored.lower())
        if copy_photos and digest is not None:
            _private_dir(session.photos_dir)
            shutil.copy2(photo, session.photos_dir / stored)
            added.append(session.photos_dir / stored)
        else:
            added.append(photo)
        session.manifest["photos"].append({"name": stored, "source": str(photo), "copied": copy_photos and digest is not None})
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
    hashes = set()
    for photo in copied:
        try:
            hashes.add(sha256_file(photo))
        except OSError:
            continue
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
    entry = next((item for item in gallery if item["file"] == file), None)
    if entry is None:
        raise SessionError(f"“{file}” is not in this session's gallery.")
    for folder in (session.final_dir, session.raw_dir):
        (folder / file).unlink(missing_ok=True)
        (folder / file).with_suffix(".json").unlink(missing_ok=True)
    remaining = [item for item in gallery if item["file"] != file]
    data = json.loads(session.gallery_file.read_text(encoding="utf-8"))
    write_json_atomic(session.gallery_file, data | {"images": remaining})
    set_favourite(session, file, False)
