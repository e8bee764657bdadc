"""Background work for the UI. Every long job runs in a QThread and talks to the UI
through signals only (queued across threads); core code never sees Qt.

:class:`JobWorker` runs one core function ``fn(on_event, cancel)`` and reports its
JobEvents, its result or its error as data ``(kind, message, details)``; its
:class:`JobState` drives which buttons are enabled. :class:`PhotoAnalysisPool` checks
photos on a thread pool and reports each as soon as it is done. :class:`ThumbnailLoader`
makes thumbnails and previews on a pool of its own.
"""

from __future__ import annotations

import enum
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtGui import QImage
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRunnable, QThread, QThreadPool, Signal, Slot

from headshot_studio.core.events import CancelToken, Cancelled, describe_error
from headshot_studio.core.images import ImageLoadError, load_image
from headshot_studio.ui.widgets import pil_to_qimage


BACKGROUND_NICE = 10  # Linux nice value of background jobs' threads (0 normal, 19 lowest)


class JobState(enum.Enum):
    IDLE = "idle"
    RUNNING = "running"
    CANCELLING = "cancelling"
    FINISHED = "finished"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def busy(self) -> bool:
        return self in (JobState.RUNNING, JobState.CANCELLING)


class _Runner(QObject):
    """Lives in the worker thread; runs the function and emits what happened."""

    event_emitted = Signal(object)
    succeeded = Signal(object)
    failed = Signal(str, str, str)
    cancelled = Signal()

    def __init__(self, function: Callable[[Callable, CancelToken], Any], token: CancelToken) -> None:
        super().__init__()
        self._function = function
        self._token = token

    @Slot()
    def run(self) -> None:
        lower_this_thread_priority()
        try:
            result = self._function(self.event_emitted.emit, self._token)
        except Cancelled:
            self.cancelled.emit()
        except Exception as exc:  # becomes data for the UI: (kind, message, details)
            self.failed.emit(*describe_error(exc))
        else:
            self.succeeded.emit(result)
        finally:
            # End the thread from inside: a queued quit() would wait for the UI thread,
            # which may itself be waiting for this thread (closing the window).
            QThread.currentThread().quit()


def lower_this_thread_priority() -> None:
    """Let the window's thread go first when the processor is busy. On Linux the
    priority (nice value) is per thread and inherited by the threads this one starts,
    PyTorch's compute threads included; on Windows and macOS QThread.start's
    LowPriority does it. Without it, on a 2-core machine running the model on the
    processor, the window now and then waits 50 ms for a core."""
    if hasattr(os, "setpriority") and sys.platform.startswith("linux"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICE)
        except OSError:  # not allowed here: run at normal priority
            pass


class JobWorker(QObject):
    """One background job at a time. Connect to the signals, then ``start(fn)``."""

    event_emitted = Signal(object)  # JobEvent
    state_changed = Signal(object)  # JobState
    succeeded = Signal(object)
    failed = Signal(str, str, str)  # kind, user message, details

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = JobState.IDLE
        self._thread: QThread | None = None
        self._runner: _Runner | None = None
        self._token = CancelToken()

    @property
    def state(self) -> JobState:
        return self._state

    def _set_state(self, state: JobState) -> None:
        self._state = state
        self.state_changed.emit(state)

    def start(self, function: Callable[[Callable, CancelToken], Any]) -> None:
        if self._state.busy:
            raise RuntimeError("a job is already running")
        self.wait()
        self._token = CancelToken()
        self._thread = QThread(self)
        self._runner = _Runner(function, self._token)
        self._runner.moveToThread(self._thread)
        self._thread.started.connect(self._runner.run)
        self._runner.event_emitted.connect(self.event_emitted)
        self._runner.succeeded.connect(self._on_succeeded)
        self._runner.failed.connect(self._on_failed)
        self._runner.cancelled.connect(self._on_cancelled)
        self._thread.finished.connect(self._runner.deleteLater)
        self._set_state(JobState.RUNNING)
        self._thread.start(QThread.Priority.LowPriority)

    def cancel(self) -> None:
        if self._state == JobState.RUNNING:
            self._token.cancel()
            self._set_state(JobState.CANCELLING)

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Block until the thread has ended (for shutdown and tests)."""
        if self._thread is None:
            return True
        finished = bool(self._thread.wait(timeout_ms))
        if finished:
            # deliver the job's last (queued) signals now, so the state is final
            QCoreApplication.sendPostedEvents(None, QEvent.Type.MetaCall)
        return finished

    def _on_succeeded(self, result: object) -> None:
        self._set_state(JobState.FINISHED)
        self.succeeded.emit(result)

    def _on_failed(self, kind: str, message: str, details: str) -> None:
        self._set_state(JobState.FAILED)
        self.failed.emit(kind, message, details)

    def _on_cancelled(self) -> None:
        self._set_state(JobState.CANCELLED)


class _AnalysisTask(QRunnable):
    def __init__(self, pool: PhotoAnalysisPool, path: Path) -> None:
        super().__init__()
        self.pool, self.path = pool, path

    def run(self) -> None:
        try:
            report = self.pool.analyze_one(self.path)
        except Exception as exc:  # report it on the photo, never lose it
            self.pool.analysis_failed.emit(str(self.path), *describe_error(exc))
        else:
            self.pool.photo_analyzed.emit(str(self.path), report)


class PhotoAnalysisPool(QObject):
    """Checks photos on a small thread pool; ``photo_analyzed(path, report)`` fires for
    each photo as soon as its own check is done."""

    photo_analyzed = Signal(str, object)
    analysis_failed = Signal(str, str, str, str)  # path, kind, message, details

    def __init__(self, analyzer_factory: Callable[[], Any], cache, thresholds, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._analyzer_factory = analyzer_factory
        self._analyzer = None
        self._analyzer_lock = threading.Lock()
        self._cache = cache
        self.thresholds = thresholds  # core.quality.Thresholds; the controller changes them with the model
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)  # decoding runs in parallel; the face model is shared

    @property
    def analyzer(self):
        with self._analyzer_lock:
            if self._analyzer is None:
                self._analyzer = self._analyzer_factory()
            return self._analyzer

    def analyze_one(self, path: Path):
        from headshot_studio.core.quality import analyze_photo

        return analyze_photo(path, self.analyzer, self._cache, self.thresholds)

    def analyze(self, paths: list[Path]) -> None:
        for path in paths:
            self._pool.start(_AnalysisTask(self, Path(path)))

    def wait(self, timeout_ms: int = 60_000) -> bool:
        return self._pool.waitForDone(timeout_ms)

    def close(self) -> None:
        """End the analyzer's helper process (after :meth:`wait`)."""
        from headshot_studio.core.faces import close_analyzer

        with self._analyzer_lock:
            close_analyzer(self._analyzer)
            self._analyzer = None


def load_thumbnail(path: Path, side: int) -> QImage:
    """A thumbnail as a QImage (safe to make off the UI thread); empty if unreadable."""
    try:
        image = load_image(Path(path), max_side=side).image
    except ImageLoadError:
        return QImage()
    return pil_to_qimage(image)


class _ThumbnailTask(QRunnable):
    def __init__(self, loader: ThumbnailLoader, path: Path, side: int, kind: object) -> None:
        super().__init__()
        self.loader, self.path, self.side, self.kind = loader, path, side, kind

    def run(self) -> None:
        self.loader.loaded.emit(str(self.path), load_thumbnail(self.path, self.side), self.kind)


class ThumbnailLoader(QObject):
    """Makes thumbnails on a background pool; ``loaded(path, QImage, kind)`` for each, with
    the ``kind`` given to :meth:`request`, so a page that asks for two sizes of one photo
    (a thumbnail and a preview) knows which one came. A slot may take only (path, image)."""

    loaded = Signal(str, QImage, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)

    def request(self, path: Path, side: int = 256, kind: object = None) -> None:
        self._pool.start(_ThumbnailTask(self, Path(path), side, kind))

    def wait(self, timeout_ms: int = 30_000) -> bool:
        return self._pool.waitForDone(timeout_ms)
