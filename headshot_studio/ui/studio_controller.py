"""The Studio page's controller: the one UI file that calls studio/ (as ui/controller.py
is for the wizard). Every slow step runs in a JobWorker; the queue itself is a file that
the command line may change too, so the page re-reads it (``snapshot``) rather than
keeping its own copy.

What runs where: adding a client (its photos are copied and checked) in ``add_worker``;
the queue (its scheduler, this PC's workers and the loop) in ``run_worker`` until Stop;
delivering every finished client in ``export_worker``; lending this PC to another studio
in ``lend_worker``. The queue and lending never run together in one window: a PC is
either a studio's queue or a worker of one.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from headshot_studio.settings import Settings
from headshot_studio.ui.workers import JobState, JobWorker

log = logging.getLogger(__name__)


class StudioController(QObject):
    queue_changed = Signal()  # re-read the queue (snapshot) and show it
    view_changed = Signal(object)  # studio.runner.QueueView from the running queue
    run_state_changed = Signal(object)  # JobState
    client_added = Signal(object, object)  # studio.queue.Client, core.quality.SetReport
    add_state_changed = Signal(object)  # JobState
    add_event = Signal(object)  # JobEvent while photos are checked
    exported = Signal(object)  # list of (client name, delivered-to path or wipe report)
    export_state_changed = Signal(object)
    lend_state_changed = Signal(object)
    lend_status = Signal(object)  # a str code: how lending goes: no-answer, working, queue-stopped (studio.cluster)
    address_changed = Signal(str)  # the running queue's address for other PCs
    error = Signal(str, str, str)  # kind, message, details

    def __init__(self, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from headshot_studio.studio.queue import StudioQueue

        self.settings = settings
        self.queue = StudioQueue()
        self.view = None  # the latest QueueView while the queue runs
        self.quick: dict = {}  # RunOptions overrides for quick runs (tests, the screenshot tool)
        self.address = ""
        self.run_worker = self._worker(self.run_state_changed)
        self.run_worker.event_emitted.connect(self._on_view)
        self.run_worker.state_changed.connect(self._on_run_state)
        self.add_worker = self._worker(self.add_state_changed)
        self.add_worker.event_emitted.connect(self.add_event)
        self.add_worker.succeeded.connect(self._on_added)
        self.export_worker = self._worker(self.export_state_changed)
        self.export_worker.succeeded.connect(self.exported)
        self.export_worker.succeeded.connect(lambda _: self.queue_changed.emit())
        self.lend_worker = self._worker(self.lend_state_changed)
        self.lend_worker.event_emitted.connect(self.lend_status)

    def _worker(self, state_signal) -> JobWorker:
        worker = JobWorker(self)
        worker.state_changed.connect(state_signal)
        worker.failed.connect(self.error)
        return worker

    # --- the queue as it is on disk ----------------------------------------------------------
    def snapshot(self):
        """The queue (studio.queue.QueueData); a damaged queue file is reported once and
        shown as empty (nothing is overwritten)."""
        from headshot_studio.core.events import describe_error
        from headshot_studio.studio.queue import QueueData, QueueError

        try:
            return self.queue.read()
        except QueueError as exc:
            self.error.emit(*describe_error(exc))
            return QueueData()

    def runner_active(self) -> bool:
        """Whether a queue runs now (this window's, or a `studio run` elsewhere on this PC);
        without one, a client marked running was left so by a crash and goes on at the next start."""
        return self.run_worker.state.busy or self.queue.runner_active()

    def _change(self, action, *args) -> bool:
        """Run one change of the queue; a refusal (a running client, a damaged file) is
        shown, never lost."""
        from headshot_studio.core.events import HeadshotError, describe_error

        try:
            action(*args)
        except HeadshotError as exc:
            self.error.emit(*describe_error(exc))
            return False
        self.queue_changed.emit()
        return True

    def remove(self, client_id: str) -> bool:
        return self._change(self.queue.remove, client_id)

    def move(self, client_id: str, position: int) -> bool:
        return self._change(self.queue.move, client_id, position)

    def set_paused(self, paused: bool, client_id: str | None = None) -> bool:
        return self._change(self.queue.set_paused, paused, client_id)

    def set_delivery(self, *, folder: str | None = None, best: int | None = None, wipe: bool | None = None) -> bool:
        def change() -> None:
            with self.queue.edit() as data:
                if folder is not None:
                    data.deliver_to = folder
                if best is not None:
                    data.deliver_best = max(1, min(best, 1000))
                if wipe is not None:
                    data.wipe_after_delivery = wipe
        return self._change(change)

    def set_styles(self, client_ids: list[str], styles: dict[str, int]) -> bool:
        """Give these (waiting or failed) clients ``styles``: "for all" in the add dialog."""
        def change() -> None:
            with self.queue.edit() as data:
                for client in data.clients:
                    if client.id in client_ids and client.state in ("waiting", "failed"):
                        client.styles = dict(styles)
        return self._change(change)

    def wipe(self, client_id: str) -> str:
        """Delete a client's photos and results now; the report, with what each worker PC
        removed of the client ("" when it was refused, with the message shown)."""
        from headshot_studio.studio.clients import wipe_client

        lines: list[str] = []
        if self._change(lambda: lines.extend(wipe_client(self.queue, client_id))):
            return "\n".join(lines)
        return ""

    # --- styles -----------------------------------------------------------------------------------
    @staticmethod
    def styles() -> dict[str, str]:
        """{style id: name} of every style, in the styles' order."""
        from headshot_studio.core.styles import load_styles

        styles, _ = load_styles()
        return {style_id: style.name for style_id, style in styles.items()}

    def default_count(self) -> int:
        return self.settings.images_per_style

    # --- adding and trying again ------------------------------------------------------------
    def add_client(self, name: str, photos: list[Path], styles: dict[str, int]) -> None:
        from headshot_studio.studio.clients import add_client

        self.add_worker.start(lambda on_event, cancel: add_client(
            self.queue, name, photos, styles, on_event=on_event, cancel=cancel))

    def retry_client(self, client_id: str, photos: list[Path]) -> None:
        from headshot_studio.studio.clients import retry_client

        self.add_worker.start(lambda on_event, cancel: retry_client(
            self.queue, client_id, photos, on_event=on_event, cancel=cancel))

    def _on_added(self, result) -> None:
        client, report = result
        self.client_added.emit(client, report)
        self.queue_changed.emit()

    # --- running ----------------------------------------------------------------------------------
    @staticmethod
    def local_addresses() -> list[str]:
        from headshot_studio.studio.cluster import local_addresses

        return local_addresses()

    def start(self, listen: str = "") -> None:
        """Run the queue until Stop, waiting for new clients when it is done. ``listen``: an
        address of this PC for lent PCs to join on (port 8786), else this PC only."""
        from headshot_studio.studio.cluster import LOOPBACK, SCHEDULER_PORT
        from headshot_studio.studio.runner import RunOptions, queue_model, run_queue, run_settings

        settings = self.settings
        host = listen or LOOPBACK

        def run(on_event, cancel):
            digest, _ = queue_model(settings.default_model)
            options = RunOptions(**{"model": digest, "allow_cpu": settings.allow_cpu,
                                    "settings": run_settings(settings)} | self.quick)
            return run_queue(self.queue, options, cancel, on_change=on_event, host=host,
                             port=SCHEDULER_PORT if listen else 0, until_done=False,
                             on_address=lambda address: on_event(("address", address)))

        self.view = None
        self.run_worker.start(run)

    def stop(self) -> None:
        self.run_worker.cancel()

    def _on_view(self, view) -> None:
        if isinstance(view, tuple) and view[0] == "address":
            self.address = view[1]
            self.address_changed.emit(self.address)
            return
        self.view = view
        self.view_changed.emit(view)

    def _on_run_state(self, state: JobState) -> None:
        if not state.busy:
            self.address = ""
            self.address_changed.emit("")
        self.queue_changed.emit()

    # --- delivery ---------------------------------------------------------------------------------
    def export_all(self, folder: Path, *, wipe: bool) -> None:
        """Deliver every finished client to ``folder`` (and wipe each one, if asked)."""
        from headshot_studio.studio.runner import deliver_ready

        def deliver(on_event, cancel):
            results = deliver_ready(self.queue, folder, best=self.queue.read().deliver_best, wipe=wipe, cancel=cancel)
            return [(client.name, problem or client.delivered_to) for client, problem in results]

        self.export_worker.start(deliver)

    # --- other PCs --------------------------------------------------------------------------------
    @staticmethod
    def pair_pc(address: str, pc_name: str, path: Path) -> None:
        """Write a one-time pairing file for a worker PC (holds that PC's key)."""
        from headshot_studio.studio.certs import Authority, write_bundle

        authority = Authority()
        bundle = authority.pairing_bundle(address, pc_name)
        write_bundle(bundle, path)
        authority.record_pairing(bundle["pc"])

    @staticmethod
    def paired_pcs() -> list[str]:
        from headshot_studio.studio.certs import Authority

        return [p.get("name", "") for p in Authority().paired()]

    @staticmethod
    def pairing():
        """This PC's pairing with a studio (studio.certs.WorkerPairing), or None."""
        from headshot_studio.studio.certs import StudioSetupError, worker_pairing

        try:
            return worker_pairing()
        except StudioSetupError:
            return None

    def join(self, bundle: Path):
        from headshot_studio.core.events import HeadshotError, describe_error
        from headshot_studio.studio.certs import import_bundle

        try:
            return import_bundle(bundle)
        except HeadshotError as exc:
            self.error.emit(*describe_error(exc))
            return None

    def lend(self, listen: str) -> None:
        """Lend this PC to the studio it is paired with, listening on ``listen``, until
        stop_lending."""
        from headshot_studio.studio.certs import worker_pairing
        from headshot_studio.studio.cluster import WORKER_PORT, serve_worker
        from headshot_studio.studio.jobs import gpu_ids

        self.lend_worker.start(lambda on_event, cancel: serve_worker(
            worker_pairing(), host=listen, port=WORKER_PORT, gpus=gpu_ids(), cancel=cancel,
            say=lambda code, text: on_event(code)))

    def stop_lending(self) -> None:
        self.lend_worker.cancel()

    # --- shutdown ---------------------------------------------------------------------------------
    def busy(self) -> bool:
        return self.run_worker.state.busy or self.lend_worker.state.busy

    def shutdown(self) -> None:
        """The window is closing: stop the queue (its running clients wait for the next
        start, their progress kept) and lending, and wait for them."""
        for worker in (self.run_worker, self.lend_worker, self.export_worker, self.add_worker):
            worker.cancel()
        for worker in (self.add_worker, self.export_worker, self.run_worker, self.lend_worker):
            worker.wait(120_000)
