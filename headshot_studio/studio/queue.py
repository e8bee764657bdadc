"""The studio's client queue, kept on disk so that nothing is lost to a closed app, a
crash or a power cut.

One JSON file (``<data>/studio/queue.json``), rewritten atomically (temporary file,
fsync, rename) after every change, under a lock file so that the window, the command line
and the running queue can all change it: each change reads the file, changes it and
writes it back while holding the lock. A client's photos and results live in an ordinary
session (core.session), so the window's gallery can open a client, and wiping a client is
the same wipe (and report) as wiping a session.

A client's state, in the order a client reaches them:

    waiting    photos checked and usable: in the queue
    running    on a worker (``stage`` says training, generating …)
    ready      results back on this PC
    delivered  ZIP and contact sheet written
    wiped      the client's photos and results deleted (after delivery)
    failed     with ``reason`` (no usable photos, a bad file, out of memory twice …)

A client that was running when the queue stopped (closed, crashed, power cut) goes back
to waiting when the queue starts again; its worker resumes from the session's checkpoint
where the worker kept it.
"""

from __future__ import annotations

import contextlib
import math
import secrets
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from headshot_studio import paths
from headshot_studio.core.events import InputError
from headshot_studio.core.files import exclusive_lock, printable, read_json_limited, write_json_atomic
from headshot_studio.core.limits import MAX_PER_STYLE

SCHEMA_VERSION = 1
STATES = ("waiting", "running", "ready", "delivered", "wiped", "failed")
DONE_STATES = ("ready", "delivered", "wiped")
MAX_QUEUE_BYTES = 16 * 2**20
MAX_CLIENTS = 2000
LOCK_WAIT_S = 20.0
OUT_OF_MEMORY_TRIES = 2  # "out of memory twice" fails the client
WORKER_LOSS_TRIES = 4  # runs lost to a worker that vanished before the client is given up


class QueueError(InputError):
    """The queue cannot do what was asked (no such client, a damaged queue file)."""


@dataclass
class Client:
    id: str
    name: str
    session_id: str
    styles: dict[str, int]
    state: str = "waiting"
    stage: str = ""  # while running: training, generating, finishing …
    reason: str = ""  # why it failed, in the operator's words
    paused: bool = False
    photos: int = 0
    usable: int = 0
    photo_message: str = ""  # the photo check's verdict on the set
    attempts: int = 0  # runs started
    out_of_memory: int = 0
    worker_lost: int = 0
    worker: str = ""  # the PC that ran (or runs) it
    added_at: float = 0.0
    started_at: float = 0.0
    seconds: float = 0.0  # the last complete run's time
    images: int = 0
    resumed: bool = False  # the last run went on from a worker's kept progress (checkpoint)
    delivered_to: str = ""
    removed_on_workers: list[dict] = field(default_factory=list)  # each worker's deletion report
    wipe_report: str = ""

    @property
    def label(self) -> str:
        """What the operator sees as the client's status."""
        if self.state == "running":
            return self.stage or "running"
        if self.state == "waiting":
            return "paused" if self.paused else "photos ok"
        return self.state


_TYPES = {f.name: f.type for f in fields(Client)}


def _client_from(data) -> Client:
    if not isinstance(data, dict):
        raise ValueError("a client is not an object")
    expected = {"str": str, "int": int, "float": (int, float), "bool": bool, "dict[str, int]": dict,
                "list[dict]": list}
    values = {}
    for name, kind in _TYPES.items():
        if name not in data:
            continue
        value = data[name]
        if not isinstance(value, expected[kind]) or (kind in ("int", "float") and isinstance(value, bool)):
            raise ValueError(f"client field {name!r} has the wrong type")
        if kind == "float" and not math.isfinite(value):
            raise ValueError(f"client field {name!r} is not a finite number")
        values[name] = value
    for required in ("id", "name", "session_id", "styles"):
        if required not in values:
            raise ValueError(f"a client has no {required!r}")
    if values.get("state", "waiting") not in STATES:
        raise ValueError("a client has an unknown state")
    if not all(isinstance(k, str) and type(v) is int and 0 < v <= MAX_PER_STYLE for k, v in values["styles"].items()):
        raise ValueError("a client's styles are not style ids with counts")
    return Client(**values)


@dataclass
class QueueData:
    clients: list[Client] = field(default_factory=list)
    paused: bool = False
    deliver_to: str = ""  # folder for ZIPs and contact sheets; "" = not set
    deliver_best: int = 10  # images per client when none is marked favourite
    wipe_after_delivery: bool = False

    def client(self, client_id: str) -> Client:
        """The client with this id, or with the only id starting so (at least 4 characters)."""
        exact = [c for c in self.clients if c.id == client_id]
        found = exact or [c for c in self.clients if len(client_id) >= 4 and c.id.startswith(client_id)]
        if len(found) > 1:
            raise QueueError(f"“{printable(client_id)}” is the start of several clients' ids: "
                             + ", ".join(c.id for c in found[:5]) + ". Give more of the id.")
        if found:
            return found[0]
        raise QueueError(f"There is no client “{printable(client_id)}” in the queue. "
                         "See the queue with `headshot-studio studio list`.")

    def next_waiting(self, skip: set[str] = frozenset()) -> Client | None:
        if self.paused:
            return None
        return next((c for c in self.clients if c.state == "waiting" and not c.paused and c.id not in skip), None)

    def time_left(self, workers: int, running_left: dict[str, float] | None = None) -> float | None:
        """Seconds until the queue is done with ``workers`` working in parallel: the mean of
        the clients finished so far for each waiting one, plus what the running ones say is
        left. None until one client has finished (there is nothing to go by yet)."""
        done = [c.seconds for c in self.clients if c.seconds > 0]
        waiting = sum(1 for c in self.clients if c.state == "waiting" and not c.paused)
        running = running_left or {}
        busy = any(c.state == "running" for c in self.clients)
        if not done:
            return None if waiting or running or busy else 0.0
        mean = sum(done) / len(done)
        total = waiting * mean + sum(running.values())
        return total / max(1, workers)

    def to_json(self) -> dict:
        return {"schema_version": SCHEMA_VERSION, "paused": self.paused, "deliver_to": self.deliver_to,
                "deliver_best": self.deliver_best, "wipe_after_delivery": self.wipe_after_delivery,
                "clients": [asdict(c) for c in self.clients]}

    @classmethod
    def from_json(cls, data) -> QueueData:
        if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION:
            raise ValueError("not a studio queue of this version")
        clients = data.get("clients")
        if not isinstance(clients, list) or len(clients) > MAX_CLIENTS:
            raise ValueError("the client list is missing or too long")
        best = data.get("deliver_best", 10)
        if type(best) is not int or not 1 <= best <= 1000:
            raise ValueError("deliver_best is not a count")
        queue = cls(clients=[_client_from(c) for c in clients], paused=data.get("paused") is True,
                    deliver_to=data.get("deliver_to") if isinstance(data.get("deliver_to"), str) else "",
                    deliver_best=best, wipe_after_delivery=data.get("wipe_after_delivery") is True)
        if len({c.id for c in queue.clients}) != len(queue.clients):
            raise ValueError("two clients share an id")
        return queue


def new_client_id() -> str:
    return secrets.token_hex(6)


class StudioQueue:
    """The queue file and its lock. ``with queue.edit() as data:`` changes it (read, change,
    write back, all under the lock); ``queue.read()`` takes a copy to show."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder) if folder else paths.data_dir() / "studio"
        self.file = self.folder / "queue.json"
        self.lock_file = self.folder / "queue.lock"

    def _load(self) -> QueueData:
        if not self.file.exists():
            return QueueData()
        try:
            return QueueData.from_json(read_json_limited(self.file, max_bytes=MAX_QUEUE_BYTES, max_depth=8))
        except (OSError, ValueError) as exc:
            raise QueueError(
                "The studio queue file is damaged and cannot be read. The clients' photos and results are safe "
                f"in their sessions; move the file “{self.file}” away to start an empty queue.",
                details=f"{type(exc).__name__}: {exc}") from None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.folder.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + LOCK_WAIT_S
        while True:
            try:
                with exclusive_lock(self.lock_file):
                    yield
                    return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise QueueError("The studio queue is being changed by another window or command and does not "
                                     "answer. Close the other one and try again.") from None
                time.sleep(0.02)

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        """Held while a queue runs (its whole run): a second runner of the same queue, in
        another window or command, would take the first one's running clients back
        (``recover``) and run them twice, so it is refused. The OS drops the lock with
        its process, however that ends."""
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            with exclusive_lock(self.folder / "runner.lock"):
                yield
        except BlockingIOError:
            raise QueueError("The studio queue is already running, in another window or command on this PC. "
                             "Stop it there first (or use that one).") from None

    def read(self) -> QueueData:
        with self._locked():
            return self._load()

    @contextlib.contextmanager
    def edit(self) -> Iterator[QueueData]:
        with self._locked():
            data = self._load()
            yield data
            write_json_atomic(self.file, data.to_json())

    # --- what the operator does ----------------------------------------------------------
    def add(self, client: Client) -> Client:
        with self.edit() as data:
            if len(data.clients) >= MAX_CLIENTS:
                raise QueueError(f"The queue holds {MAX_CLIENTS} clients, its most. Remove delivered ones first.")
            client.added_at = client.added_at or time.time()
            data.clients.append(client)
        return client

    def runner_active(self) -> bool:
        """Whether a queue runner (this process or another) holds this queue now."""
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            with exclusive_lock(self.folder / "runner.lock"):
                return False
        except BlockingIOError:
            return True

    def is_running(self, client: Client) -> bool:
        """A client is really being worked on only while a runner holds the queue; one
        left "running" by a crash or a power cut is not."""
        return client.state == "running" and self.runner_active()

    def remove(self, client_id: str) -> Client:
        with self.edit() as data:
            client = data.client(client_id)
            if self.is_running(client):
                raise QueueError(f"“{printable(client.name)}” is being worked on right now. Pause the queue and "
                                 "wait for the client to finish, then remove it.")
            data.clients.remove(client)
        return client

    def move(self, client_id: str, position: int) -> None:
        """Put the client at ``position`` (0 = first) in the queue's order."""
        with self.edit() as data:
            client = data.client(client_id)
            data.clients.remove(client)
            data.clients.insert(max(0, min(position, len(data.clients))), client)

    def set_paused(self, paused: bool, client_id: str | None = None) -> None:
        with self.edit() as data:
            if client_id is None:
                data.paused = paused
            else:
                data.client(client_id).paused = paused

    def retry(self, client_id: str) -> None:
        """Put a failed client back in the queue (after the operator fixed its photos)."""
        with self.edit() as data:
            client = data.client(client_id)
            if client.state != "failed":
                raise QueueError(f"“{printable(client.name)}” has not failed; nothing to try again.")
            client.state, client.reason, client.out_of_memory, client.worker_lost = "waiting", "", 0, 0

    def recover(self) -> list[str]:
        """At the queue's start: clients left running by a stop, crash or power cut go back to
        waiting (their names are returned)."""
        with self.edit() as data:
            interrupted = [c for c in data.clients if c.state == "running"]
            for client in interrupted:
                client.state, client.stage = "waiting", ""
        return [c.name for c in interrupted]

    def time_left(self, workers: int, running_left: dict[str, float] | None = None) -> float | None:
        """QueueData.time_left of the queue as it is on disk now."""
        return self.read().time_left(workers, running_left)