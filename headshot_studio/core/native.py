"""Helper processes for native libraries that hold Python's global interpreter lock.

Some compiled libraries keep the GIL for the whole of a long call: Real-ESRGAN's ncnn
wrapper holds it for the entire upscale (seconds per image, minutes on a processor).
Called from a worker thread, that freezes every other thread of the app, the window's
included: no repaint, no Cancel. Such work runs in helper processes instead, each with
its own interpreter and lock; a crash of the native code (a driver fault) ends a helper,
not the app, and comes back as an exception the caller can handle.

Helpers are started with "spawn" (the only start method Windows has, and safe with the
threads a Qt app runs), so the functions and arguments sent to them must be picklable
and defined at module level. The frozen app calls ``multiprocessing.freeze_support()``
first thing (``headshot_studio/__main__.py``) so a helper started from it runs the task
instead of a second app.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor

log = logging.getLogger(__name__)


def quiet_output() -> None:
    """Send a helper's standard output and error to the null device: native code that
    prints progress (ncnn's "0.00%") would otherwise print into the user's terminal.
    Errors reach the app as exceptions of the tasks, and are logged there."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for fd in (1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)


def lower_priority() -> None:
    """Helpers do background work: the app's window goes first when cores are busy."""
    if hasattr(os, "nice"):
        try:
            os.nice(10)
        except OSError:
            pass


_served = None  # in a helper: the object it serves
_start_error: BaseException | None = None  # in a helper: why that object could not be made


def _start(factory: Callable, args: tuple) -> None:
    global _served, _start_error
    quiet_output()
    lower_priority()
    try:
        _served = factory(*args)
    except Exception as exc:  # raised again by every call, so the app can report it
        _start_error = exc


def _call(name: str, args: tuple):
    if _served is None:
        raise _start_error or RuntimeError("the helper process did not start")
    value = getattr(_served, name)
    return value(*args) if callable(value) else value


class HelperProcesses:
    """Up to ``workers`` helper processes, each serving the object ``factory(*args)``
    makes there (``factory`` must be importable by name: a module-level class or
    function). What making it raised is raised again by every call."""

    def __init__(self, factory: Callable, args: tuple = (), workers: int = 1) -> None:
        self.workers = workers
        self._executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(factory, args),
        )

    def call(self, name: str, *args) -> Future:
        """Call method ``name`` of the served object with ``args`` (or read attribute ``name``)."""
        return self._executor.submit(_call, name, args)

    def close(self, *, kill: bool = False) -> None:
        """Stop the helpers. With ``kill`` a task in progress is not waited for (a cancel:
        a processor upscale of a large image can take minutes)."""
        if kill:
            terminate = getattr(self._executor, "terminate_workers", None)  # Python 3.14+
            if terminate is not None:
                terminate()
            else:  # earlier versions: the executor's own process table
                for process in list((getattr(self._executor, "_processes", None) or {}).values()):
                    process.terminate()
        self._executor.shutdown(wait=True, cancel_futures=True)


def load_model_libraries() -> None:
    """Import the model libraries, then take everything alive (their hundreds of
    thousands of classes, functions and tables) out of the garbage collector's view.

    Python's full collections walk every tracked object while holding the lock; with
    torch, diffusers and transformers loaded that is about half a million objects and
    0.2 s on a desktop processor, a stall of every thread (the window's too) whenever
    one runs. Objects imported for good never become garbage, so they need not be
    walked (``gc.freeze``); later objects (models, tensors) are collected as usual.
    """
    import diffusers  # noqa: F401
    import peft  # noqa: F401
    import torch  # noqa: F401
    import transformers  # noqa: F401

    gc.freeze()
