"""Background work for the UI. Workers live in QThreads and talk through signals only
(queued connections across threads); core code never sees Qt."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from headshot_studio.core.events import describe_error


class CallWorker(QObject):
    """Runs one callable off the UI thread; emits ``succeeded(result)`` or ``failed(kind, message, details)``."""

    succeeded = Signal(object)
    failed = Signal(str, str, str)

    def __init__(self, function: Callable[[], Any]) -> None:
        super().__init__()
        self._function = function

    def run(self) -> None:
        try:
            result = self._function()
        except Exception as exc:  # becomes data for the UI: (kind, message, details)
            self.failed.emit(*describe_error(exc))
        else:
            self.succeeded.emit(result)


def start_in_thread(worker: CallWorker, parent: QObject) -> QThread:
    """Move ``worker`` to a new QThread owned by ``parent`` and start it; the thread
    quits when the worker reports, and is cleaned up after."""
    thread = QThread(parent)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.succeeded.connect(thread.quit)
    worker.failed.connect(thread.quit)
    thread.finished.connect(worker.deleteLater)
    thread.start()
    return thread
