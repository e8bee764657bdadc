"""What a studio worker does: tell the queue what it can run, run one client through
core's pipeline, and delete its copy of a client once the results are safely back.

These functions run inside Dask worker processes (on this PC or a lent one); they get
everything by value over the studio's TLS connection — the client's photos as bytes, the
run's choices as plain data — and give the finished images back the same way. A worker
keeps each client's work in ``<data>/studio-work/<client id>/`` (an ordinary session, so
training checkpoints and finished images are kept as a run goes): the same client sent
again to the same worker (the queue restarted, a run lost) resumes from there.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import re
import shutil
import time
import traceback
from pathlib import Path

from headshot_studio import paths
from headshot_studio.core.events import ErrorKind, HeadshotError, InputError, JobEvent, Notice, Stage

log = logging.getLogger(__name__)

PROGRESS_TOPIC = "headshot-studio-progress"
# The queue PC's settings every worker runs a client with (the rest are each PC's own).
RUN_SETTINGS = ("preset", "checkpoint_every", "retouch", "colour_strength")
JOB_FILE = "job.json"
MAX_PHOTO_BYTES = 64 * 2**20
MAX_PHOTOS = 60
_CLIENT_ID = re.compile(r"[0-9a-f]{12}")
_PLAIN_NAME = re.compile(r"[^/\\\x00-\x1f]{1,200}")
# Stage -> what the operator sees the client doing.
STAGE_WORDS = {Stage.VERIFY: "checking", Stage.CHECK: "checking", Stage.PREPARE: "preparing",
               Stage.LOAD: "training", Stage.TRAIN: "training", Stage.GENERATE: "generating",
               Stage.POSTPROCESS: "finishing", Stage.RANK: "finishing"}


def work_root() -> Path:
    return paths.data_dir() / "studio-work"


def model_digest(info) -> str | None:
    """One sha256 that names a model by its content: the hash of its files' recorded
    sha256s (each checked against the files before every run). None for a model without
    recorded checksums, which studio mode does not offer (it cannot be matched)."""
    if not info.files:
        return None
    lines = "".join(f"{f.path}\0{f.sha256}\n" for f in sorted(info.files, key=lambda f: f.path))
    return hashlib.sha256(lines.encode()).hexdigest()


def installed_models() -> dict[str, dict]:
    """{digest: {id, name, architecture}} of this PC's models that studio mode can use."""
    from headshot_studio.core.models import find_models
    from headshot_studio.settings import load_settings

    found = {}
    for info in find_models(load_settings().extra_model_dirs()):
        digest = model_digest(info)
        if digest and digest not in found:
            found[digest] = {"id": info.id, "name": info.name, "architecture": info.architecture_name}
    return found


def worker_label(worker=None) -> str:
    """How the operator sees this worker: the PC's name and its GPU. ``worker`` is the
    Dask worker when Dask hands it over (Client.run's ``dask_worker``); a task finds its
    own."""
    try:
        if worker is None:
            from distributed import get_worker

            worker = get_worker()
        if isinstance(worker.name, str) and worker.name:
            return worker.name
    except ValueError:  # not inside a worker (tests, a plain call)
        pass
    return platform.node() or "this PC"


def worker_facts(dask_worker=None) -> dict:
    """What this worker can take: its models (by digest), styles and device."""
    from headshot_studio.core.hardware import detect_device
    from headshot_studio.core.styles import load_styles

    styles, _ = load_styles()
    return {"worker": worker_label(dask_worker), "models": installed_models(), "styles": sorted(styles),
            "device": detect_device().describe()}


# --- one client -------------------------------------------------------------------------------


class _Progress:
    """Sends the run's progress to the queue (Dask's event log), at most twice a second and
    at every stage change."""

    def __init__(self, client_id: str) -> None:
        self.client_id, self.last, self.stage = client_id, 0.0, None

    def __call__(self, event: JobEvent | Notice) -> None:
        if isinstance(event, Notice):
            return
        now = time.monotonic()
        if event.stage == self.stage and now - self.last < 0.5 and event.step < event.total:
            return
        self.stage, self.last = event.stage, now
        try:
            from distributed import get_worker

            get_worker().log_event(PROGRESS_TOPIC, {
                "client": self.client_id, "stage": STAGE_WORDS.get(event.stage, event.stage.value),
                "overall": event.overall, "eta_s": event.overall_eta_s, "pc": worker_label()})  # Dask sets "worker"
        except ValueError:
            pass  # not inside a worker


def _job_folder(client_id: str) -> Path:
    if not isinstance(client_id, str) or not _CLIENT_ID.fullmatch(client_id):
        raise InputError("The queue sent a client this worker cannot take (a malformed client id).")
    return work_root() / client_id


def _photos_digest(photos: list) -> str:
    digest = hashlib.sha256()
    for name, data in photos:
        digest.update(name.encode("utf-8", "surrogateescape") + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def _check_photos(photos) -> list[tuple[str, bytes]]:
    if not isinstance(photos, list) or not 0 < len(photos) <= MAX_PHOTOS:
        raise InputError("The queue sent no photos, or too many, for this client.")
    checked = []
    for item in photos:
        name, data = item
        if not isinstance(name, str) or not _PLAIN_NAME.fullmatch(name) or name in (".", "..") \
                or not isinstance(data, bytes) or len(data) > MAX_PHOTO_BYTES:
            raise InputError("The queue sent a photo this worker cannot take (a bad name or size).")
        checked.append((name, data))
    return checked


def _client_session(folder: Path, job: dict, photos: list[tuple[str, bytes]]):
    """The client's session on this worker: the one kept from an earlier try of the same
    photos (resumed from its checkpoint), else a new one."""
    from headshot_studio.core.session import create_session, open_session, wipe_session

    digest = _photos_digest(photos)
    record = folder / JOB_FILE
    try:
        kept = json.loads(record.read_text(encoding="utf-8"))
        if kept.get("photos") == digest:
            return open_session(kept["session"], root=folder), True
    except (OSError, ValueError, KeyError, TypeError, HeadshotError):
        pass
    for old in [p for p in folder.iterdir() if p.is_dir()] if folder.is_dir() else []:  # an earlier try's photos
        if (old / "manifest.json").is_file():
            wipe_session(open_session(old.name, root=folder))
        else:
            shutil.rmtree(old, ignore_errors=True)
    incoming = folder / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    try:
        for name, data in photos:
            (incoming / name).write_bytes(data)
        session = create_session(job["name"], sorted(incoming.iterdir()), root=folder)
    finally:
        shutil.rmtree(incoming, ignore_errors=True)
    record.write_text(json.dumps({"photos": digest, "session": session.id}), encoding="utf-8")
    return session, False


def _request(session, job: dict):
    from headshot_studio.core.events import ModelNotFoundError
    from headshot_studio.core.hardware import detect_device
    from headshot_studio.core.pipeline import RunOverrides, build_request
    from headshot_studio.settings import load_settings, with_values

    model = installed_models().get(job["model"])
    if model is None:
        raise ModelNotFoundError("This worker does not have the queue's base model (same sha256). Import the same "
                                 "model file on this PC, or let another PC take the client.")
    options = job.get("options") or {}
    styles = tuple(job["styles"])
    overrides = RunOverrides(
        styles=styles, counts=tuple(job["styles"][s] for s in styles), model=model["id"],
        seed=options.get("seed"), steps=options.get("steps"), training=dict(options.get("training") or {}),
        postprocess=dict(options.get("postprocess") or {}), allow_cpu=bool(options.get("allow_cpu")))
    sent = options.get("settings") if isinstance(options.get("settings"), dict) else {}
    settings = with_values(load_settings(), sent, RUN_SETTINGS)
    return build_request(session, settings, overrides, device=detect_device())


def _results(session) -> dict:
    files = {}
    for entry in session.headshots():
        final = session.final_dir / entry.file
        files[entry.file] = final.read_bytes()
        sidecar = final.with_suffix(".json")
        if sidecar.is_file():
            files[sidecar.name] = sidecar.read_bytes()
    return {"gallery": session.gallery_file.read_bytes(), "files": files}


def run_client_job(job: dict) -> dict:
    """Run one client (``job``: client_id, name, photos [(name, bytes)], styles {id: count},
    model digest, options) and return its finished images, best first; a problem the
    operator can act on comes back as ``{"ok": False, kind, message}``, never raised, so
    Dask retries only what really needs it: a worker that vanished."""
    from headshot_studio.core.pipeline import run_session

    started = time.perf_counter()
    where = worker_label()
    try:
        folder = _job_folder(job["client_id"])
        photos = _check_photos(job["photos"])
        folder.mkdir(parents=True, exist_ok=True)
        session, resumed = _client_session(folder, job, photos)
        request = _request(session, job)
        log.info("studio: client %s on %s (%s)", job["client_id"], where, "resumed" if resumed else "new")
        run_session(session, request, on_event=_Progress(job["client_id"]))
        return {"ok": True, "worker": where, "resumed": resumed, "seconds": time.perf_counter() - started,
                **_results(session)}
    except HeadshotError as exc:
        return {"ok": False, "worker": where, "kind": str(exc.kind), "message": exc.message, "details": exc.details}
    except MemoryError as exc:
        return {"ok": False, "worker": where, "kind": str(ErrorKind.OUT_OF_MEMORY),
                "message": "The worker ran out of memory.", "details": repr(exc)}
    except Exception as exc:
        return {"ok": False, "worker": where, "kind": str(ErrorKind.INTERNAL),
                "message": f"The worker hit an unexpected problem ({type(exc).__name__}).",
                "details": "".join(traceback.format_exception(exc))[-4000:]}


def remove_job(client_id: str, dask_worker=None) -> dict | None:
    """Delete this worker's copy of one client (photos, learned face, images, cached
    analyses); the report of what went, or None when it had none."""
    from headshot_studio.core.session import SessionBusyError, open_session, wipe_session

    folder = _job_folder(client_id)
    if not folder.is_dir():
        return None
    files = bytes_removed = 0
    for part in [p for p in folder.iterdir() if p.is_dir()]:
        try:
            report = wipe_session(open_session(part.name, root=folder))
        except SessionBusyError:
            return {"worker": worker_label(dask_worker), "busy": True, "files": 0, "bytes": 0}  # running here
        except HeadshotError:
            shutil.rmtree(part, ignore_errors=True)
            continue
        files, bytes_removed = files + report.files_removed, bytes_removed + report.bytes_removed
    shutil.rmtree(folder, ignore_errors=True)
    return {"worker": worker_label(dask_worker), "files": files, "bytes": bytes_removed}


def remove_all_jobs() -> int:
    """A lent PC starting as a worker: whatever an earlier run left goes (that progress is
    lost; the queue runs the client again). Returns the number of clients removed."""
    root = work_root()
    clients = [p.name for p in root.iterdir() if _CLIENT_ID.fullmatch(p.name)] if root.is_dir() else []
    for client_id in clients:
        remove_job(client_id)
    return len(clients)


def gpu_ids() -> list[str]:
    """The NVIDIA GPUs of this PC as CUDA_VISIBLE_DEVICES values (none on a PC without),
    within what CUDA_VISIBLE_DEVICES already allows."""
    from headshot_studio.core.hardware import count_gpus

    allowed = os.environ.get("CUDA_VISIBLE_DEVICES")
    if allowed is not None:
        return [g.strip() for g in allowed.split(",") if g.strip() and g.strip() != "-1"]
    return [str(i) for i in range(count_gpus())]
