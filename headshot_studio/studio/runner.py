"""The loop that runs the studio queue: hands each waiting client to a free worker that has
the queue's model, takes the finished images back into the client's session, delivers,
wipes, and goes on until the queue is done (or is stopped).

Faults: a client whose worker vanished (a PC unplugged, a process killed) goes back to
waiting and runs again on another worker, or on the same PC when it returns; Dask's
future for a run resolves once, the queue takes a client's results only while that
client is running, and records them before anything else happens, so nothing is lost or
delivered twice. A client out of memory twice, or with a problem of its own (no usable
photos, a bad file), is marked failed with the reason and the queue goes on.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from headshot_studio.core.events import CancelToken, ErrorKind, HeadshotError, InputError
from headshot_studio.core.files import printable, write_atomic
from headshot_studio.studio import jobs
from headshot_studio.studio.queue import OUT_OF_MEMORY_TRIES, WORKER_LOSS_TRIES, Client, QueueData, StudioQueue

log = logging.getLogger(__name__)

FACTS_EVERY_S = 3.0
NO_WORKER_WAIT_S = 120.0  # a queue with work and no worker able to take it gives up after this
_RESULT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,150}\.(png|jpg|jpeg|json)")
OUT_OF_MEMORY_KINDS = {str(ErrorKind.GPU_OUT_OF_MEMORY), str(ErrorKind.OUT_OF_MEMORY), str(ErrorKind.NOT_ENOUGH_VRAM)}


class NoWorkerError(HeadshotError):
    kind = ErrorKind.NO_GPU


@dataclass
class RunOptions:
    """What every client's run uses: the model (by content), and overrides for quick runs
    (tests, benchmarks) and for a PC without a GPU."""

    model: str  # the model's digest (jobs.model_digest)
    allow_cpu: bool = False
    seed: int | None = None
    steps: int | None = None
    training: dict = field(default_factory=dict)
    postprocess: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)  # the queue PC's quality settings (jobs.RUN_SETTINGS)

    def job_options(self) -> dict:
        return {"allow_cpu": self.allow_cpu, "seed": self.seed, "steps": self.steps, "training": self.training,
                "postprocess": self.postprocess, "settings": self.settings}


def run_settings(settings) -> dict:
    """What every worker takes from the queue PC's settings, so that every PC of the studio
    makes a client's images the same way."""
    return {name: getattr(settings, name) for name in jobs.RUN_SETTINGS}


@dataclass
class QueueView:
    """A snapshot for the window and the command line."""

    data: QueueData
    live: dict[str, dict]  # client id -> latest progress from its worker
    workers: dict[str, dict]  # worker address -> its facts (name, models, device)
    model: str
    time_left_s: float | None
    message: str = ""

    def can_take(self, address: str) -> bool:
        return self.model in self.workers.get(address, {}).get("models", {})


def client_photos(client: Client) -> list[tuple[str, bytes]]:
    from headshot_studio.core.session import open_session

    session = open_session(client.session_id)
    photos = []
    for path in session.photo_paths():
        if path.is_file() and not path.is_symlink():
            photos.append((path.name, path.read_bytes()))
    return photos


def store_results(client: Client, result: dict) -> int:
    """Write a worker's finished images into the client's session (each file atomically;
    the gallery last, so a stop in between leaves the earlier gallery); the image count."""
    from headshot_studio.core.gallery import GalleryEntry
    from headshot_studio.core.session import _read_gallery, open_session

    session = open_session(client.session_id)
    files = result.get("files")
    gallery = result.get("gallery")
    if not isinstance(files, dict) or not isinstance(gallery, bytes):
        raise InputError("A worker sent back results in a form the queue cannot read.")
    session.final_dir.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        if not isinstance(name, str) or not _RESULT_NAME.fullmatch(name) or not isinstance(data, bytes):
            raise InputError(f"A worker sent back a file the queue does not take (“{printable(str(name))[:80]}”).")
        write_atomic(session.final_dir / name, lambda f, data=data: f.write(data))
    staged = session.path / "gallery.incoming.json"
    write_atomic(staged, lambda f: f.write(gallery))
    entries = _read_gallery(staged).get("images", [])
    staged.replace(session.gallery_file)
    session.set_state("finished", last_error=None)
    return sum(1 for item in entries if (session.final_dir / GalleryEntry.from_dict(item).file).is_file())


class StudioRunner:
    """Runs ``queue`` on the Dask scheduler at ``address`` (see cluster.py) until it is done
    or ``cancel`` is set. ``on_change(view)`` is called (from this runner's thread) after
    every change a person would want to see."""

    def __init__(self, queue: StudioQueue, address: str, identity, options: RunOptions,
                 on_change: Callable[[QueueView], None] | None = None, *, until_done: bool = True) -> None:
        self.queue, self.address, self.identity, self.options = queue, address, identity, options
        self.on_change = on_change or (lambda view: None)
        self.until_done = until_done
        self._live: dict[str, dict] = {}
        self._live_lock = threading.Lock()
        self._facts: dict[str, dict] = {}
        self._running: dict = {}  # future -> client id
        self._message = ""
        self.client = None

    # --- what the operator sees --------------------------------------------------------------
    def view(self) -> QueueView:
        with self._live_lock:
            live = {k: dict(v) for k, v in self._live.items()}
        able = sum(1 for f in self._facts.values() if self.options.model in f.get("models", {}))
        left = {cid: p.get("eta_s") or 0.0 for cid, p in live.items()}
        data = self.queue.read()
        return QueueView(data, live, dict(self._facts), self.options.model, data.time_left(max(1, able), left),
                         self._message)

    def _changed(self, message: str | None = None) -> None:
        if message is not None:
            self._message = message
        try:
            self.on_change(self.view())
        except Exception:  # a display problem must not stop the queue
            log.exception("studio: showing the queue failed")

    def _on_progress(self, event) -> None:  # Dask's event loop thread
        _, message = event
        if isinstance(message, dict) and isinstance(message.get("client"), str):
            with self._live_lock:
                self._live[message["client"]] = message

    # --- the loop -------------------------------------------------------------------------------
    def run(self, cancel: CancelToken) -> QueueView:
        from distributed import Client

        interrupted = self.queue.recover()
        if interrupted:
            log.info("studio: %d client(s) were running when the queue stopped; they run again", len(interrupted))
        self.client = Client(self.address, security=self.identity.security(), timeout="30s",
                             set_as_default=False)
        try:
            self.client.subscribe_topic(jobs.PROGRESS_TOPIC, self._on_progress)
            self._deliver_waiting()
            self._loop(cancel)
        finally:
            self._stop_running()
            self.client.close()
        self._changed()
        return self.view()

    def _loop(self, cancel: CancelToken) -> None:
        idle_since = None
        facts_at = 0.0
        stages: dict[str, str] = {}
        self._changed("Starting…")
        while not cancel.cancelled:
            if time.monotonic() - facts_at > FACTS_EVERY_S:
                self._refresh_facts()
                facts_at = time.monotonic()
            able = [a for a, f in self._facts.items() if self.options.model in f.get("models", {})]
            started = self._start_clients(able)
            self._save_stages(stages)
            if self._running:
                done = [f for f in self._running if f.done()]
                for future in done:
                    self._finished(future)
                if not done:
                    cancel_wait(cancel, 0.25)
                idle_since = None
                continue
            data = self.queue.read()
            waiting = data.next_waiting() is not None
            if not waiting and self.until_done:
                self._changed("The queue is paused: resume it to go on." if data.paused and any(
                    c.state == "waiting" for c in data.clients) else "The queue is done.")
                return
            if waiting and not able:
                idle_since = idle_since or time.monotonic()
                self._changed("Waiting for a PC that has the queue's model…")
                if self.until_done and time.monotonic() - idle_since > NO_WORKER_WAIT_S:
                    raise NoWorkerError("No worker has the queue's base model (the same file, by sha256), so no "
                                        "client can run. Import the model on a worker PC, or check that the "
                                        "worker PCs are running.")
            if not started:
                cancel_wait(cancel, 0.5)

    def _refresh_facts(self) -> None:
        info = self.client.scheduler_info(**_all_workers(self.client))["workers"]
        present = set(info)
        for gone in set(self._facts) - present:
            self._facts.pop(gone)
        new = [a for a in present if a not in self._facts]
        if new:
            try:
                answers = self.client.run(jobs.worker_facts, workers=new, on_error="return")
            except Exception as exc:
                log.warning("studio: asking new workers what they have failed: %s", exc)
                return
            for address, facts in answers.items():
                if isinstance(facts, dict):
                    self._facts[address] = facts
            self._changed()

    def _start_clients(self, able: list[str]) -> bool:
        started = False
        while able and len(self._running) < len(able):
            with self.queue.edit() as data:
                client = data.next_waiting(skip=set(self._running.values()))
                if client is None:
                    break
                client.state, client.stage, client.attempts = "running", "sending photos", client.attempts + 1
                client.started_at, client.worker = time.time(), ""
            try:
                photos = client_photos(client)
            except (OSError, HeadshotError) as exc:
                self._fail(client.id, "Its photos could not be read on this PC (the session was deleted or moved?).",
                           detail=str(exc))
                continue
            job = {"client_id": client.id, "name": client.name, "photos": photos, "styles": client.styles,
                   "model": self.options.model, "options": self.options.job_options()}
            future = self.client.submit(jobs.run_client_job, job, key=f"studio-{client.id}-{client.attempts}",
                                        workers=able, allow_other_workers=False, resources={"CLIENT": 1},
                                        pure=False, retries=0)
            self._running[future] = client.id
            started = True
            self._changed(f"Started {client.name}.")
        return started

    def _save_stages(self, stages: dict[str, str]) -> None:
        with self._live_lock:
            live = {cid: (str(p.get("stage", ""))[:40], str(p.get("pc", ""))[:80]) for cid, p in self._live.items()}
        changed = {cid: sw for cid, sw in live.items() if stages.get(cid) != sw[0] and cid in self._running.values()}
        if not changed:
            return
        with self.queue.edit() as data:
            for client in data.clients:
                if client.id in changed and client.state == "running":
                    client.stage, client.worker = changed[client.id]
                    stages[client.id] = client.stage
        self._changed()

    def _finished(self, future) -> None:
        client_id = self._running.pop(future)
        with self._live_lock:
            self._live.pop(client_id, None)
        try:
            result = future.result()
        except Exception as exc:  # the worker vanished (KilledWorker, a lost connection …)
            self._lost(client_id, exc)
            return
        finally:
            future.release()
        if not isinstance(result, dict):
            self._fail(client_id, "A worker sent back something the queue cannot read.")
        elif result.get("ok"):
            self._ready(client_id, result)
        elif result.get("kind") in OUT_OF_MEMORY_KINDS:
            self._out_of_memory(client_id, result)
        else:
            self._fail(client_id, str(result.get("message", "")), detail=str(result.get("details", "")),
                       worker=str(result.get("worker", "")))

    def _lost(self, client_id: str, exc: BaseException) -> None:
        with self.queue.edit() as data:
            client = data.client(client_id)
            if client.state != "running":
                return
            client.worker_lost += 1
            if client.worker_lost >= WORKER_LOSS_TRIES:
                client.state = "failed"
                client.reason = (f"The PCs running this client stopped {client.worker_lost} times "
                                 "(unplugged, switched off or crashed).")
            else:
                client.state, client.stage = "waiting", ""
        log.warning("studio: client %s lost its worker (%s: %s)", client_id, type(exc).__name__, exc)
        self._changed(f"{client.name}: the PC running it stopped; it runs again.")

    def _out_of_memory(self, client_id: str, result: dict) -> None:
        with self.queue.edit() as data:
            client = data.client(client_id)
            client.out_of_memory += 1
            client.worker = str(result.get("worker", client.worker))
            if client.out_of_memory >= OUT_OF_MEMORY_TRIES:
                client.state = "failed"
                client.reason = f"Out of memory twice. {result.get('message', '')}".strip()
            else:
                client.state, client.stage = "waiting", ""
        self._remove_copies(client_id)
        self._changed()

    def _fail(self, client_id: str, reason: str, *, detail: str = "", worker: str = "") -> None:
        with self.queue.edit() as data:
            client = data.client(client_id)
            client.state, client.stage, client.reason = "failed", "", reason or "It failed."
            client.worker = worker or client.worker
        log.warning("studio: client %s failed: %s %s", client_id, reason, detail[-500:])
        self._remove_copies(client_id)
        self._changed(f"{client.name} failed: {reason}")

    def _ready(self, client_id: str, result: dict) -> None:
        with self.queue.edit() as data:
            client = data.client(client_id)
        if client.state != "running":
            return  # not this run's client any more: never taken twice
        try:
            count = store_results(client, result)
        except (OSError, HeadshotError) as exc:
            self._fail(client_id, "Its results could not be stored on this PC: " +
                       (exc.message if isinstance(exc, HeadshotError) else str(exc)))
            return
        with self.queue.edit() as data:
            client = data.client(client_id)
            client.state, client.stage, client.images = "ready", "", count
            client.seconds = float(result.get("seconds") or 0.0)
            client.resumed = result.get("resumed") is True
            client.worker = str(result.get("worker", client.worker))
            deliver_to, best, wipe = data.deliver_to, data.deliver_best, data.wipe_after_delivery
        self._remove_copies(client_id)
        self._changed(f"{client.name} is ready.")
        if deliver_to:
            self._deliver(client_id, deliver_to, best, wipe)

    def _deliver_waiting(self) -> None:
        """Clients left ready by an earlier run (its delivery failed, or none was set) are
        delivered first when there is a delivery folder now."""
        data = self.queue.read()
        if data.deliver_to:
            self._deliver(None, data.deliver_to, data.deliver_best, data.wipe_after_delivery)

    def _deliver(self, client_id: str | None, folder: str, best: int, wipe: bool) -> None:
        """Deliver one client (None: every ready one); a failure is shown and the queue goes on."""
        for client, problem in deliver_ready(self.queue, folder, best=best, wipe=wipe,
                                             ids=None if client_id is None else [client_id]):
            self._changed(f"{client.name} is ready but was not delivered: {problem}" if problem else None)

    def _remove_copies(self, client_id: str) -> None:
        """Every worker deletes its copy of the client (the results are safe here, or the
        client has failed); their reports are kept for ``wipe``'s list."""
        try:
            answers = self.client.run(jobs.remove_job, client_id, workers=self._one_worker_per_pc(), on_error="return")
        except Exception as exc:
            log.warning("studio: asking the workers to delete client %s failed: %s", client_id, exc)
            return
        reports = [r for r in answers.values() if isinstance(r, dict)]
        if reports:
            with self.queue.edit() as data:
                data.client(client_id).removed_on_workers.extend(reports)

    def _one_worker_per_pc(self) -> list[str]:
        """The workers of one PC share its folders (one per GPU): one of them deletes."""
        by_host: dict[str, str] = {}
        for address, info in self.client.scheduler_info(**_all_workers(self.client))["workers"].items():
            by_host.setdefault(str(info.get("host", address)), address)
        return list(by_host.values())

    def _stop_running(self) -> None:
        """Stopped (app closed, Stop pressed): the clients still running go back to waiting;
        their workers' sessions keep the progress for the next start."""
        if not self._running:
            return
        ids = set(self._running.values())
        try:
            self.client.cancel(list(self._running))
        except Exception:
            pass
        self._running.clear()
        with self.queue.edit() as data:
            for client in data.clients:
                if client.id in ids and client.state == "running":
                    client.state, client.stage = "waiting", ""


def deliver_client(queue: StudioQueue, client_id: str, folder, *, best: int, wipe: bool) -> None:
    """Write the client's ZIP and contact sheet to ``folder``; then, if asked, wipe it."""
    from headshot_studio.core.session import open_session, wipe_session
    from headshot_studio.studio.delivery import deliver

    client = queue.read().client(client_id)
    if client.state != "ready":
        return
    session = open_session(client.session_id)
    delivered = deliver(session, client.name, folder, best=best)
    with queue.edit() as data:
        entry = data.client(client_id)
        entry.state, entry.delivered_to, entry.reason = "delivered", str(delivered.zip_path.resolve()), ""
    if wipe:
        try:
            report = wipe_session(session)
        except HeadshotError as exc:  # delivered all the same; the operator wipes it later
            with queue.edit() as data:
                data.client(client_id).reason = f"Delivered, but not wiped: {exc.message}"
            return
        with queue.edit() as data:
            entry = data.client(client_id)
            entry.state, entry.wipe_report = "wiped", report.describe()


def deliver_ready(queue: StudioQueue, folder, *, best: int, wipe: bool, ids: list[str] | None = None,
                  cancel: CancelToken | None = None) -> list[tuple[Client, str]]:
    """Deliver the ready clients (those of ``ids`` only, when given), one by one: each
    client as it is after, with "" or the problem. A delivery that fails (a full stick, a
    folder gone) leaves that client ready with the reason, and the others go on."""
    results = []
    for client in [c for c in queue.read().clients if c.state == "ready" and (ids is None or c.id in ids)]:
        if cancel is not None and cancel.cancelled:
            break
        try:
            deliver_client(queue, client.id, folder, best=best, wipe=wipe)
        except (OSError, HeadshotError) as exc:
            problem = exc.message if isinstance(exc, HeadshotError) else f"{type(exc).__name__}: {exc}"
            with queue.edit() as data:
                data.client(client.id).reason = f"Ready, but not delivered: {problem}"
            log.warning("studio: delivering client %s failed: %s", client.id, problem)
            results.append((queue.read().client(client.id), problem))
            continue
        results.append((queue.read().client(client.id), ""))
    return results


def _all_workers(client) -> dict:
    """scheduler_info's argument for every worker (newer Dask lists only the first five)."""
    import inspect

    return {"n_workers": -1} if "n_workers" in inspect.signature(client.scheduler_info).parameters else {}


def cancel_wait(cancel: CancelToken, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not cancel.cancelled and time.monotonic() < deadline:
        time.sleep(0.05)


# --- one call for the command line and the window -------------------------------------------------


def queue_model(model_id: str = "") -> tuple[str, object]:
    """The queue's base model (``model_id``, else the default one) and its digest."""
    from headshot_studio.core.models import default_model, resolve_model
    from headshot_studio.settings import load_settings

    settings = load_settings()
    extra = settings.extra_model_dirs()
    info = resolve_model(model_id, extra) if model_id else default_model(extra, settings.default_model)
    digest = jobs.model_digest(info)
    if digest is None:
        raise InputError(f"The model “{printable(info.name)}” has no recorded checksums, so worker PCs cannot be "
                         "checked for the same file. Import it with “Import model…” (or `headshot-studio models "
                         "import`), which records them, and choose that one.")
    return digest, info


def run_queue(queue: StudioQueue, options: RunOptions, cancel: CancelToken, *,
              on_change: Callable[[QueueView], None] | None = None, host: str = "127.0.0.1", port: int = 0,
              workers: int | None = None, until_done: bool = True, authority=None,
              on_address: Callable[[str], None] | None = None) -> QueueView:
    """Start the studio's scheduler and this PC's workers, run the queue, stop them again."""
    from headshot_studio.studio.certs import Authority
    from headshot_studio.studio.cluster import start_cluster
    from headshot_studio.studio.delivery import check_delivery_folder

    from headshot_studio.studio.cluster import check_listen_address

    check_listen_address(host)
    with queue.running():
        folder = queue.read().deliver_to
        if folder:
            check_delivery_folder(Path(folder))  # before any work, not after the first client
        authority = (authority or Authority()).ensure()
        cluster = start_cluster(authority.queue, host=host, port=port, gpus=jobs.gpu_ids(), workers=workers)
        try:
            if on_address:
                on_address(cluster.scheduler_address)
            runner = StudioRunner(queue, cluster.scheduler_address, authority.queue, options, on_change,
                                  until_done=until_done)
            return runner.run(cancel)
        finally:
            cluster.close(timeout=30)
