"""Studio queue throughput: N clients on one local worker and on two, and the time the
queue adds to each client over a plain run.

Not a test: it prints figures. Run: python benchmarks/studio_throughput.py [--clients 4]

Everything runs on the tiny model on the processor, in a throw-away home folder. Each
worker computes on one core (OMP_NUM_THREADS=1), as each worker of a real studio has one
GPU of its own; so on a 2-core PC two workers should finish the queue 1.5-2x as fast as
one, and the absolute times mean nothing. "Per client" is the queue's wall time from its
scheduler being up to its last client being ready, divided by N (one worker: clients run
one after another); the plain run is core's run_session on the same photos and options in
this process, warm (median of three, measured before and after the one-worker queue, as
this machine's speed drifts by 10% over minutes). The overhead is what the queue adds: sending photos
and results over TLS, the worker's own session, deleting its copy.
"""

from __future__ import annotations

import os

os.environ["OMP_NUM_THREADS"] = "1"  # before torch is imported, here and in the workers
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "-1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

TRAIN_STEPS = 30
STEPS = 4


def _setup(root: Path) -> tuple[Path, object]:
    from headshot_studio.core import models
    from headshot_studio.testing import face_photos
    from headshot_studio.testing.tiny_model import build_tiny_sd15

    photos = root / "photos"
    photos.mkdir()
    face_photos.write_selfies(photos, 5)
    info = models.import_model(build_tiny_sd15(root / "tiny"), name="Tiny SD15")
    return photos, info


def _options(digest: str):
    from headshot_studio.studio.runner import RunOptions

    return RunOptions(model=digest, allow_cpu=True, seed=7, steps=STEPS, training={"steps": TRAIN_STEPS},
                      postprocess={"upscale": 1})


def plain_run(photos: Path, info, rounds: int = 3) -> float:
    """Median seconds of core's run_session, warm."""
    from headshot_studio.core.hardware import detect_device
    from headshot_studio.core.images import list_photos
    from headshot_studio.core.pipeline import RunOverrides, build_request, run_session
    from headshot_studio.core.session import create_session
    from headshot_studio.settings import load_settings

    times = []
    for _ in range(rounds + 1):  # the first warms up
        session = create_session("Plain", list_photos([photos]))
        overrides = RunOverrides(styles=("corporate-executive",), counts=(1,), model=info.id, seed=7, steps=STEPS,
                                 training={"steps": TRAIN_STEPS}, postprocess={"upscale": 1}, allow_cpu=True)
        request = build_request(session, load_settings(), overrides, device=detect_device())
        started = time.perf_counter()
        run_session(session, request)
        times.append(time.perf_counter() - started)
    return statistics.median(times[1:])


def queue_run(photos: Path, info, clients: int, workers: int) -> tuple[float, float, list[float], list[float]]:
    """(seconds to start the scheduler and workers, seconds from then until the queue is
    done, when each client was ready (seconds from then), each client's run on its worker
    in queue order)."""
    from headshot_studio.core.events import CancelToken
    from headshot_studio.studio import jobs
    from headshot_studio.studio.clients import add_client
    from headshot_studio.studio.queue import StudioQueue
    from headshot_studio.studio.runner import run_queue

    queue = StudioQueue(Path(tempfile.mkdtemp(prefix=f"queue-{workers}-")))
    for i in range(clients):
        add_client(queue, f"Client {i + 1}", [photos], {"corporate-executive": 1})
    marks: dict[str, float] = {"begin": time.perf_counter()}
    ready: dict[str, float] = {}

    def seen(view) -> None:
        for client in view.data.clients:
            if client.state == "ready":
                ready.setdefault(client.id, time.perf_counter() - marks["up"])

    run_queue(queue, _options(jobs.model_digest(info)), CancelToken(), workers=workers, on_change=seen,
              on_address=lambda address: marks.setdefault("up", time.perf_counter()))
    done = time.perf_counter()
    finished = queue.read().clients
    if {c.state for c in finished} != {"ready"}:
        raise SystemExit(f"the queue did not finish every client: {[c.state for c in finished]}")
    return marks["up"] - marks["begin"], done - marks["up"], sorted(ready.values()), [c.seconds for c in finished]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="studio-bench-") as home:
        os.environ["HEADSHOT_STUDIO_HOME"] = home
        photos, info = _setup(Path(home))
        plain_before = plain_run(photos, info)
        start1, one, ready1, worker_seconds = queue_run(photos, info, args.clients, 1)
        plain = statistics.median([plain_before, plain_run(photos, info)])  # the machine's speed drifts
        start2, two, _, _ = queue_run(photos, info, args.clients, 2)
    per_client = one / args.clients
    steady = (ready1[-1] - ready1[0]) / (len(ready1) - 1) if len(ready1) > 1 else per_client
    print(f"studio queue, tiny model on the processor ({os.cpu_count()} cores, one core per worker), "
          f"{args.clients} clients, {TRAIN_STEPS} training steps, 1 image each")
    print(f"{'':36}{'seconds':>9}")
    print(f"{'plain run (warm), per client':36}{plain:9.1f}")
    print(f"{'queue, 1 worker, first client':36}{ready1[0]:9.1f}   (the worker's own start: imports, caches)")
    print(f"{'queue, 1 worker, each next client':36}{steady:9.1f}")
    on_worker = statistics.mean(worker_seconds[1:]) if len(worker_seconds) > 1 else worker_seconds[0]
    print(f"{'  of which the run on the worker':36}{on_worker:9.1f}   (photos in, the session, the pipeline, results out)")
    print(f"{'queue, 1 worker, all':36}{one:9.1f}   (scheduler and worker up in {start1:.1f} s before)")
    print(f"{'queue, 2 workers, all':36}{two:9.1f}   (up in {start2:.1f} s before)")
    print(f"throughput ratio, 2 workers / 1: {one / two:.2f}")
    print(f"queue overhead per client over a warm plain run: {100 * (steady / plain - 1):+.1f}% "
          f"(every client counted, the worker's first included: {100 * (per_client / plain - 1):+.1f}%; "
          f"the queue's own hand-over between clients: {100 * (steady - on_worker) / plain:+.1f}%)")

if __name__ == "__main__":
    main()
