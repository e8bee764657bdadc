"""The studio queue run unattended, as the operator runs it: clients added, the app run,
killed, run again — and a worker killed mid-client. Every client finishes exactly once."""

from __future__ import annotations

import signal
import subprocess
import sys

import psutil

from headshot_studio import paths
from headshot_studio.studio.clients import add_client
from headshot_studio.studio.queue import StudioQueue


def _zips(folder):
    return sorted(p.name for p in folder.glob("*.zip"))


def _running_in(state_stage: tuple[str, str]):
    def check():
        clients = StudioQueue().read().clients
        return [c for c in clients if (c.state, c.stage) == state_stage]
    return check


def test_three_clients_run_unattended_and_survive_a_killed_app(installed_tiny, photos_dir, no_face_dir, tmp_path,
                                                                studio_app, few_train_checkpoints, tree):
    queue = StudioQueue()
    ann, report = add_client(queue, "Ann Example", [photos_dir])
    assert ann.state == "waiting" and report.ready
    nobody, report = add_client(queue, "No Face", [no_face_dir])
    assert nobody.state == "failed" and not report.ready and "usable" in nobody.reason
    bob, _ = add_client(queue, "Bob Example", [photos_dir], {"corporate-executive": 2})
    out = tmp_path / "delivered"
    run = ["run", *studio_app.quick, "--workers", "1", "--train-steps", "40", "--deliver-to", str(out)]

    first = studio_app.start(*run)
    # Kill the app (as a crash or a power cut would) once the first client has a checkpoint.
    work = paths.data_dir() / "studio-work" / ann.id
    studio_app.wait_for(lambda: any(work.glob("*/training/checkpoints/*")) or any(work.rglob("checkpoints/*")),
                        first, timeout=400)
    processes = tree(first.pid)
    assert len(processes) >= 2, "the app runs its worker in a process of its own"
    first.kill()
    first.wait(30)
    gone = psutil.wait_procs(processes, timeout=30)[1]
    assert not gone, f"processes outlived the killed app: {[p.pid for p in gone]}"
    left = StudioQueue().read().client(ann.id)
    assert left.state == "running" and left.attempts == 1  # what the crash left in the file

    second = studio_app.command(*run)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    data = StudioQueue().read()
    states = {c.name: c.state for c in data.clients}
    assert states == {"Ann Example": "delivered", "No Face": "failed", "Bob Example": "delivered"}
    again = data.client(ann.id)
    assert again.attempts == 2 and again.resumed, "the interrupted client went on from its checkpoint"
    assert data.client(bob.id).attempts == 1 and data.client(bob.id).images == 2
    assert _zips(out) == ["Ann Example.zip", "Bob Example.zip"]  # each once, no "(2)"
    # The worker's copies went once the results were back.
    assert not any((paths.data_dir() / "studio-work").iterdir())
    assert all(c.removed_on_workers for c in (data.client(ann.id), data.client(bob.id)))


def test_a_worker_killed_mid_client_costs_that_run_not_the_client(installed_tiny, photos_dir, tmp_path, studio_app,
                                                                  workers_of):
    queue = StudioQueue()
    clients = [add_client(queue, f"Client {letter}", [photos_dir], {"corporate-executive": 1})[0]
               for letter in "ABCD"]
    out = tmp_path / "delivered"
    # Two "GPUs": the queue PC runs one worker per GPU, each pinned with CUDA_VISIBLE_DEVICES
    # (on this machine neither is a real one, so both compute on the processor).
    run = studio_app.start("run", *studio_app.quick, "--train-steps", "30", "--deliver-to", str(out),
                           env={"CUDA_VISIBLE_DEVICES": "0,1"})
    studio_app.wait_for(lambda: len(_running_in(("running", "training"))()) == 2, run, timeout=400)
    workers = studio_app.wait_for(lambda: len(workers_of(run.pid)) == 2 and workers_of(run.pid), run)
    victim = workers[0]
    victim.send_signal(signal.SIGKILL)
    psutil.wait_procs([victim], timeout=30)

    assert run.wait(900) == 0, studio_app.output(run)[-4000:]
    data = StudioQueue().read()
    assert [c.state for c in data.clients] == ["delivered"] * 4
    lost = [c for c in data.clients if c.worker_lost]
    assert len(lost) == 1 and lost[0].attempts == 2, [(c.name, c.worker_lost, c.attempts) for c in data.clients]
    assert sum(c.attempts for c in data.clients) == 5  # four clients, one ran twice
    assert _zips(out) == [f"Client {letter}.zip" for letter in "ABCD"]  # every client exactly once
    assert {c.worker.rsplit("·", 1)[-1].strip() for c in data.clients} == {"GPU 0", "GPU 1"}
    assert "stopped; it runs again" in studio_app.output(run)
    assert {c.id for c in clients} == {c.id for c in data.clients}


def test_a_lent_pc_joins_with_its_pairing_file_runs_a_client_and_keeps_no_copy(installed_tiny, tiny_sd15, photos_dir,
                                                                               tmp_path, studio_app):
    """Two PCs on one machine: the queue PC (this test's home) runs no worker of its own;
    the worker PC (a home of its own) is paired with a bundle and lends itself."""
    from headshot_studio.studio.certs import Authority, write_bundle

    port, worker_port = _free_ports(2)
    worker_home = tmp_path / "worker-pc"
    worker_pc = {"HEADSHOT_STUDIO_HOME": str(worker_home)}
    bundle = tmp_path / "stick" / "pair.json"
    bundle.parent.mkdir()
    write_bundle(Authority().pairing_bundle(f"tls://127.0.0.1:{port}", "Booth PC"), bundle)
    joined = studio_app.command("join", str(bundle), env=worker_pc)
    assert joined.returncode == 0 and "Booth PC" in joined.stdout and not bundle.exists()
    imported = subprocess.run([sys.executable, "-m", "headshot_studio", "models", "import", str(tiny_sd15)],
                              env=dict(studio_app.env, **worker_pc), capture_output=True, text=True, timeout=300)
    assert imported.returncode == 0, imported.stderr
    client, _ = add_client(StudioQueue(), "Ann Example", [photos_dir], {"corporate-executive": 1})

    lent = studio_app.start("worker", "--listen", "127.0.0.1", "--port", str(worker_port), env=worker_pc)
    queue = studio_app.start("run", *studio_app.quick, "--train-steps", "4", "--workers", "0", "--listen",
                             "127.0.0.1", "--port", str(port), "--deliver-to", str(tmp_path / "out"))
    assert queue.wait(600) == 0, studio_app.output(queue)[-3000:] + studio_app.output(lent)[-3000:]
    done = StudioQueue().read().client(client.id)
    assert done.state == "delivered" and done.worker == "Booth PC"
    assert [r["worker"] for r in done.removed_on_workers] == ["Booth PC"] and done.removed_on_workers[0]["files"] > 0
    assert not any((worker_home / "data" / "studio-work").iterdir()), "the lent PC kept a copy of the client"
    assert not (paths.data_dir() / "studio-work").exists() or not any((paths.data_dir() / "studio-work").iterdir())
    lent.send_signal(signal.SIGINT)
    assert lent.wait(60) == 0, studio_app.output(lent)[-2000:]
    assert "Stopped lending" in studio_app.output(lent)


def _free_ports(count: int) -> list[int]:
    import socket

    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()
