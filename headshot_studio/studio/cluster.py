"""Dask's scheduler and workers as studio mode runs them.

One path for every set-up: the queue PC always runs a Dask scheduler and one worker per
NVIDIA GPU of its own (each pinned to its GPU with CUDA_VISIBLE_DEVICES; one worker on a
PC without a GPU), and the queue talks to that scheduler as a Dask client. Other PCs join
the same scheduler with ``headshot-studio studio worker``. Everything is TLS with the
studio CA's certificates (certs.py).

What listens, and where: the scheduler on the address and port the operator chose
(loopback unless other PCs are to join); this PC's own workers on loopback; a lent PC's
workers on the address it was told. Dask's HTTP endpoints (dashboard, health, metrics:
plain HTTP, no certificates) are not started at all. Nothing listens while studio mode
is off. Dask sends no telemetry.
"""

from __future__ import annotations

import asyncio
import logging
import platform
from pathlib import Path

from distributed import Nanny, Scheduler, SpecCluster, Worker
from distributed.http.routing import RoutingApplication

from headshot_studio import paths

log = logging.getLogger(__name__)

SCHEDULER_PORT = 8786  # Dask's own default: the queue PC's one inbound port
WORKER_PORT = 8790  # a lent PC's workers: 8790, 8791 for the first GPU, +2 for each next
LOOPBACK = "127.0.0.1"

# Studio settings for Dask (set before any Dask object is made, passed on to worker processes).
DASK_CONFIG = {
    "distributed.scheduler.worker-ttl": "60s",  # an unplugged PC's client goes elsewhere within a minute
    "distributed.scheduler.allowed-failures": 0,  # a lost worker: the queue decides (runner._lost)
    "distributed.scheduler.work-stealing": False,  # the queue hands out one client per free worker itself
    "distributed.comm.timeouts.connect": "30s",
    "distributed.worker.daemon": False,  # core's face analysis runs in a helper process of its own
    "distributed.admin.system-monitor.gil.enabled": False,
    # Dask samples every worker's stack 100 times a second for its dashboard (none here):
    # that cost a third of a client's time on the processor.
    "distributed.worker.profile.enabled": False,
    # Dask caps numerical libraries at one thread per worker by default; a client's
    # finishing and face analysis use the PC's cores as a plain run does.
    "distributed.nanny.pre-spawn-environ": {},
    "distributed.scheduler.http.routes": [],
    "distributed.worker.http.routes": [],
}


def configure_dask() -> None:
    import dask

    dask.config.set(DASK_CONFIG | {"temporary-directory": str(scratch_dir())})  # not the system's temp folder
    quiet_logs()


def quiet_logs() -> None:
    """Dask's chatter (every connection, every function run) stays out of the operator's
    terminal and the app's log; its warnings and errors stay in."""
    for name in ("distributed", "distributed.core", "distributed.scheduler", "distributed.worker",
                 "distributed.nanny", "distributed.comm"):
        logging.getLogger(name).setLevel(logging.WARNING)


class _NoHttp:
    """Dask's Scheduler or Worker without its HTTP server: its endpoints (dashboard, health,
    metrics) are plain HTTP without certificates, and studio mode needs none of them."""

    def start_http_server(self, routes, dashboard_address, default_port=0, ssl_options=None):
        self.http_application = RoutingApplication([])  # what Dask's code lists; nothing listens


class QuietScheduler(_NoHttp, Scheduler):
    pass


class QuietWorker(_NoHttp, Worker):
    def __init__(self, *args, **kwargs) -> None:
        quiet_logs()  # in the worker's own process
        super().__init__(*args, **kwargs)


def scratch_dir() -> Path:
    """Dask's own spill folder: inside the app's cache, not the system's temp folder."""
    folder = paths.cache_dir() / "studio-scratch"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def worker_options(identity, *, host: str, name: str, gpu: str | None, port: int = 0,
                   env: dict[str, str] | None = None) -> dict:
    """A Nanny's options for one worker: one thread (one client at a time), pinned to
    ``gpu`` (None: a PC without a GPU), listening on ``host`` only."""
    pinned = {"CUDA_VISIBLE_DEVICES": gpu if gpu is not None else "-1"}
    return {
        "nthreads": 1,
        "host": host,
        "port": port,
        "worker_port": port + 1 if port else 0,
        "security": identity.security(),
        "name": name,
        "env": pinned | (env or {}),
        "worker_class": QuietWorker,
        "dashboard": False,
        "memory_limit": 0,  # core checks memory before a run; Dask must not kill a long training
        "local_directory": str(scratch_dir()),
        "resources": {"CLIENT": 1},
    }


def this_pc() -> str:
    return platform.node() or "this PC"


def local_worker_names(gpus: list[str], workers: int | None = None) -> list[tuple[str, str | None]]:
    """(name, GPU) of each worker this PC runs: one per GPU; one on a PC without a GPU.
    ``workers`` asks for another number: 0 for a queue PC that only hands clients to
    lent PCs, more for tests and benchmarks on a processor."""
    if gpus and workers is None:
        return [(f"{this_pc()} · GPU {g}", g) for g in gpus]
    count = 1 if workers is None else workers  # 0: a queue PC that only hands out work
    return [(f"{this_pc()} · worker {i + 1}", None) for i in range(count)]


def cluster_spec(identity, *, host: str = LOOPBACK, port: int = 0, gpus: list[str] | None = None,
                 workers: int | None = None, env: dict[str, str] | None = None) -> tuple[dict, dict]:
    """The queue PC's scheduler (on ``host``:``port``) and its own workers (loopback, one
    per GPU), as Dask's SpecCluster takes them."""
    scheduler = {"cls": QuietScheduler, "options": {
        "host": host, "port": port, "protocol": "tls", "security": identity.security(), "dashboard": False}}
    specs = {
        name: {"cls": Nanny, "options": worker_options(identity, host=LOOPBACK, name=name, gpu=gpu, env=env)}
        for name, gpu in local_worker_names(gpus or [], workers)
    }
    return scheduler, specs


def start_cluster(identity, **spec):
    """Start :func:`cluster_spec`'s cluster. Closed with ``.close()``; its
    ``.scheduler_address`` is what other PCs join."""
    configure_dask()
    scheduler, specs = cluster_spec(identity, **spec)
    return SpecCluster(workers=specs, scheduler=scheduler, security=identity.security(), name="headshot-studio",
                       asynchronous=False, silence_logs=False)


RETRY_S = 10.0  # a lent PC tries the queue PC again this often while it does not answer


async def _serve(pairing, host: str, port: int, gpus: list[str], cancel, say) -> None:
    """Lend this PC: start its workers (they connect to the queue PC), keep them while
    they run, and when the queue PC does not answer or its queue stops, wait and try
    again, until ``cancel``."""
    names = [(f"{pairing.pc} · GPU {g}", g) for g in gpus] or [(f"{pairing.pc}", None)]

    def stopped() -> bool:
        return cancel is not None and cancel.cancelled

    async def pause() -> None:
        for _ in range(int(RETRY_S / 0.5)):
            if stopped():
                return
            await asyncio.sleep(0.5)

    while not stopped():
        nannies = [Nanny(pairing.scheduler, **worker_options(pairing.identity, host=host, name=name, gpu=gpu,
                                                            port=port + 2 * i if port else 0))
                   for i, (name, gpu) in enumerate(names)]
        try:
            await asyncio.gather(*nannies)
        except (OSError, TimeoutError, asyncio.TimeoutError) as exc:
            await asyncio.gather(*(n.close() for n in nannies), return_exceptions=True)
            log.info("studio worker: the queue PC does not answer: %s: %s", type(exc).__name__, exc)
            say("no-answer", f"The studio's queue PC at {pairing.scheduler} does not answer (its queue is not "
                "running with “Let paired PCs join”, a firewall blocks port 8786, or it is another studio's PC). "
                f"Trying again every {RETRY_S:.0f} s.")
            await pause()
            continue
        say("working", f"Working for the studio at {pairing.scheduler}.")
        try:
            while not stopped() and any(n.status.name == "running" for n in nannies):
                await asyncio.sleep(0.5)
        finally:
            await asyncio.gather(*(n.close() for n in nannies), return_exceptions=True)
        if not stopped():
            say("queue-stopped", "The queue PC's queue stopped; waiting for it to start again.")
            await pause()


def serve_worker(pairing, *, host: str, port: int = WORKER_PORT, gpus: list[str] | None = None,
                 cancel=None, say=None) -> None:
    """Lend this PC to the studio it is paired with until ``cancel`` is set (or Ctrl-C):
    one worker per GPU, listening on ``host`` (ports ``port`` and up) only; ``say(code,
    text)`` hears how it goes (codes: no-answer, working, queue-stopped). What an earlier
    run left of a client goes first."""
    from headshot_studio.studio.jobs import remove_all_jobs

    check_listen_address(host)
    configure_dask()
    removed = remove_all_jobs()
    if removed:
        log.info("studio worker: removed what %d earlier client(s) left", removed)
    asyncio.run(_serve(pairing, host, port, gpus or [], cancel, say or (lambda code, text: None)))


def check_listen_address(host: str) -> None:
    """StudioSetupError unless ``host`` is loopback or one of this PC's own addresses
    (a typo, or another PC's address, would fail deep inside Dask)."""
    from headshot_studio.studio.certs import StudioSetupError

    if host not in (LOOPBACK, "localhost") and host not in local_addresses():
        raise StudioSetupError(f"“{host}” is not an address of this PC. Its addresses on the network are: "
                               + (", ".join(local_addresses()) or "none (it is not connected)") + ".")


def _double(value: int) -> int:  # runs in a worker process
    return 2 * value


def round_trip(identity) -> int:
    """Start a scheduler and one worker process on loopback, run a function there and
    return its answer (42): that Dask, TLS and worker processes work in this install
    (``selftest``)."""
    from distributed import Client

    with start_cluster(identity, workers=1) as cluster, \
            Client(cluster.scheduler_address, security=identity.security(), set_as_default=False) as client:
        return client.submit(_double, 21, pure=False).result(timeout=120)


def local_addresses() -> list[str]:
    """This PC's IPv4 addresses on its networks (not loopback), for the operator to choose
    the one other PCs reach it on. Read from the network interfaces: nothing is sent."""
    import psutil

    found = []
    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if getattr(address.family, "name", "") == "AF_INET" and not address.address.startswith("127."):
                found.append(address.address)
    return sorted(set(found))
