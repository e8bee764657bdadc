"""How long the window's thread goes without running its event loop, measured during a
whole run driven from the window as a person would (tiny model, real face photos).

A precise 5 ms timer on the main thread ticks as long as the event loop runs; the
longest interval between two ticks is the longest the window could not repaint or
react to a click. Used by ``tests/ui/test_responsiveness.py`` (which asserts it) and
``benchmarks/cpu_pipeline.py`` (which prints it).

Each interval is also split by who spent it, since on a shared computer part of it is
the machine's doing, not the app's:
- *busy*: processor time the window's thread itself used (work done on it: decoding a
  photo, a slow handler). The same on an idle or a loaded machine.
- *own*: the interval less the time the thread waited for a free processor, which Linux
  counts per thread (/proc/thread-self/schedstat, "time spent waiting on a runqueue"):
  busy time plus time blocked (a lock, a disk). Blocking grows somewhat on a loaded
  machine (a disk shared with others; Python's lock held by a worker that itself waits
  for a processor). Elsewhere than Linux the own gap is the whole interval.

It drives the window, so it lives with the UI tests, not in ``headshot_studio.testing``
(the tiny-model helpers the Qt-free core and ``selftest`` use import no Qt; a test in
tests/testing enforces it). Neither ``tests/`` nor ``benchmarks/`` is on ``sys.path``:
both load this file by its path.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

TICK_MS = 5


def runqueue_wait_s() -> float | None:
    """The seconds the calling thread has waited for a processor so far, or None where
    the system does not say (not Linux, schedstats off)."""
    try:
        with open("/proc/thread-self/schedstat", "rb") as fh:
            return int(fh.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return None


class EventLoopGaps(QObject):
    """Records the longest interval between ticks of a 5 ms timer on this thread, and the
    longest *own* interval (less the time the thread waited for a processor)."""

    def __init__(self) -> None:
        super().__init__()
        self.longest = 0.0
        self.longest_own = 0.0
        self.longest_busy = 0.0
        self.waited = 0.0  # seconds the thread waited for a processor between start and stop
        self.ticks = 0
        self._last: float | None = None
        self._last_wait = self._last_cpu = 0.0
        self.sees_waits = runqueue_wait_s() is not None
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.longest, self.longest_own, self.longest_busy, self.waited, self.ticks = 0.0, 0.0, 0.0, 0.0, 0
        self._last, self._last_wait, self._last_cpu = time.perf_counter(), runqueue_wait_s() or 0.0, time.thread_time()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._tick()

    def _tick(self) -> None:
        # ticks run on the window's thread: these are its own clocks
        now, waited, cpu = time.perf_counter(), runqueue_wait_s() or 0.0, time.thread_time()
        if self._last is not None:
            self.longest = max(self.longest, now - self._last)
            self.longest_own = max(self.longest_own, now - self._last - (waited - self._last_wait))
            self.longest_busy = max(self.longest_busy, cpu - self._last_cpu)
            self.waited += waited - self._last_wait
        self._last, self._last_wait, self._last_cpu = now, waited, cpu
        self.ticks += 1


@dataclass(frozen=True)
class Responsiveness:
    longest_gap: float  # seconds, during the run
    analysis_gap: float  # seconds, while the photos were checked on the Photos page
    longest_own_gap: float  # the same two, less the time the thread waited for a processor
    analysis_own_gap: float
    longest_busy: float  # the most processor time the thread used between two ticks, during the run
    analysis_busy: float  # the same while the photos were checked
    waited: float  # seconds the window's thread waited for a processor during the run
    seconds: float  # the run's length
    ticks: int
    events: int  # progress events the window received during the run
    state: str  # how the run ended


def wait_until(predicate, timeout_s: float) -> None:
    """Run the event loop (as the window would) until ``predicate()`` holds."""
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up after {timeout_s:.0f} s waiting for {predicate}")
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.001)


def run_in_window(root: Path, photos: list[Path], styles: tuple[str, ...], *, images_per_style: int = 4,
                  preset: str = "fast", model_dir: Path | None = None, timeout_s: float = 900) -> Responsiveness:
    """Import a tiny model (``model_dir``, or one built in ``root``), then in a new
    window: a session, ``photos`` added, ``styles`` chosen, Start pressed; wait for the
    run to end. ``HEADSHOT_STUDIO_HOME`` must point at a throw-away folder (the
    caller's isolation)."""
    from headshot_studio.core import models
    from headshot_studio.settings import Settings
    from headshot_studio.testing.tiny_model import build_tiny_sd15
    from headshot_studio.ui.app import MainWindow
    from headshot_studio.ui.workers import JobState

    QApplication.instance() or QApplication([])
    models.import_model(model_dir or build_tiny_sd15(root / "tiny-model"), name="Tiny")
    window = MainWindow(Settings(preset=preset, images_per_style=images_per_style))
    window.show()
    meter = EventLoopGaps()
    try:
        controller = window.controller
        wait_until(lambda: controller.device is not None and bool(controller.models), 120)
        window.show_page("session")
        window.pages["session"].name_field.setText("Responsiveness")
        window.pages["session"].start_button.click()

        meter.start()
        controller.add_photos(photos)
        wait_until(lambda: not controller.analysing and controller.set_report is not None, 300)
        meter.stop()
        analysis_gap, analysis_own_gap, analysis_busy = meter.longest, meter.longest_own, meter.longest_busy
        if not controller.set_report.ready:
            raise RuntimeError(f"the photos were not accepted: {controller.set_report.message}")

        window.go_next()
        for style_id in styles:
            window.pages["styles"].findChild(QWidget, f"styleCheck-{style_id}").setChecked(True)
        window.go_next()
        create = window.pages["create"]
        if not create.start_button.isEnabled():
            raise RuntimeError(f"Start is not enabled: {create.reason_label.text()}")
        events = []
        controller.run_event.connect(events.append)
        meter.start()
        started = time.perf_counter()
        create.start_button.click()
        wait_until(lambda: not controller.run_worker.state.busy, timeout_s)
        seconds = time.perf_counter() - started
        meter.stop()
        return Responsiveness(longest_gap=meter.longest, analysis_gap=analysis_gap,
                              longest_own_gap=meter.longest_own, analysis_own_gap=analysis_own_gap,
                              longest_busy=meter.longest_busy, analysis_busy=analysis_busy,
                              waited=meter.waited, seconds=seconds,
                              ticks=meter.ticks, events=len(events), state=controller.run_worker.state.value)
    finally:
        window.controller.cancel_run()
        window.close()
        if window.controller.run_worker.state == JobState.RUNNING:
            window.controller.run_worker.wait()
