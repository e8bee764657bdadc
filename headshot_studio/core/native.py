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

Helpers end with the app, however it ends
-----------------------------------------
A helper waits for work on a pipe that it holds both ends of (the executor's call queue
travels to it whole), so the app's death alone never wakes it: after a ``kill -9``, or
"End task" on Windows, helpers of the old code lived on for good, a loaded face model or
upscaler (over a gigabyte) each. So every helper watches for the app's end itself:

1. The lifeline. :class:`HelperProcesses` makes a one-way pipe and keeps the only write
   end; each helper gets the read end (as an initializer argument: spawn hands a child
   only what is passed explicitly, and the pipe's descriptors are not inheritable, so
   no sibling helper or other child gets a copy of the write end). The app never writes
   to it. When the app ends, by any means, the system closes the write end, and a daemon
   thread in the helper that waits on the read end sees end-of-file and calls
   ``os._exit``. The same thread also wakes when multiprocessing's own parent sentinel
   fires (on Windows a handle of the app's process), and, on POSIX, when the helper's
   parent id changes (an orphan is adopted by init), which still works when some forked
   child of the app holds copies of the pipes. This layer is tested on Linux and uses
   nothing that Windows lacks.
2. Native code holding the lock. That thread needs the GIL to act, and an upscale in
   ncnn keeps the GIL for minutes. So the kernel is asked to do it without the helper's
   help: on Linux the helper opens its own description of the lifeline with ``O_ASYNC``
   and has the write end's closing signalled to it as SIGKILL (``F_SETSIG``); on Windows
   the app puts each helper in a job object that ends its processes when its last
   handle (the app's) closes (``JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE``).
3. Exit without ``close()``. Python's own exit waits for every task still running in a
   process pool (an upscale: minutes, with the window already gone); an exit hook that
   runs before that wait kills the helpers instead: nobody is left to read the result.
   Dropping a :class:`HelperProcesses` without closing it closes its lifeline, which
   ends its helpers at once: keep it while its calls run.

``prctl(PR_SET_PDEATHSIG)`` is not used: Linux sends it when the *thread* that started
the helper ends, and helpers start on the thread of their first call, often a worker
thread of the window that ends long before the app does.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import multiprocessing
import multiprocessing.connection
import os
import sys
import threading
import weakref
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


# --- in a helper ------------------------------------------------------------------------

_served = None  # in a helper: the object it serves
_start_error: BaseException | None = None  # in a helper: why that object could not be made


def _start(factory: Callable, args: tuple, lifeline: multiprocessing.connection.Connection) -> None:
    global _served, _start_error
    _end_with_app(lifeline)  # first: making the object may take long, or hang
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


def _end_with_app(lifeline: multiprocessing.connection.Connection) -> None:
    """End this helper at once when the app ends (layers 1 and 2 of the module's docstring)."""
    _kill_when_closed(lifeline)
    parent = multiprocessing.parent_process()
    watched = [lifeline] if parent is None else [lifeline, parent.sentinel]
    first_parent = os.getppid() if os.name == "posix" else None

    def watch() -> None:
        try:
            # Ready means the app is gone: it never writes to the lifeline, and the parent
            # sentinel only fires when it ends. The timeout is for the parent id check.
            while not multiprocessing.connection.wait(watched, timeout=1.0):
                if first_parent is not None and os.getppid() != first_parent:
                    break
        finally:  # an error here too: a helper that cannot watch must not outlive the app
            os._exit(1)

    threading.Thread(target=watch, name="end-with-app", daemon=True).start()


def _kill_when_closed(lifeline: multiprocessing.connection.Connection) -> None:
    """Linux: have the kernel send this helper SIGKILL when the app's end of the
    lifeline closes. No thread of the helper has to run for that, so it works while
    native code holds the lock. Elsewhere (and if any step fails) the watch thread is
    left to do it."""
    if not sys.platform.startswith("linux"):
        return
    import fcntl
    import signal

    try:
        # A description of our own: the signal's receiver is set per open description,
        # and the inherited one is shared with the sibling helpers (the last to set it
        # would be the only one told).
        fd = os.open(f"/proc/self/fd/{lifeline.fileno()}", os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return
    try:
        fcntl.fcntl(fd, fcntl.F_SETOWN, os.getpid())
        fcntl.fcntl(fd, fcntl.F_SETSIG, signal.SIGKILL)  # not SIGIO: a library may handle that
        fcntl.fcntl(fd, fcntl.F_SETFL, os.O_NONBLOCK | os.O_ASYNC)
    except (OSError, AttributeError):  # an old kernel or a Python without F_SETSIG
        os.close(fd)
    # Otherwise ``fd`` stays open for the helper's life: closing it would end the request.


# --- in the app -------------------------------------------------------------------------

class HelperProcesses:
    """Up to ``workers`` helper processes, each serving the object ``factory(*args)``
    makes there (``factory`` must be importable by name: a module-level class or
    function). What making it raised is raised again by every call.

    The helpers end with :meth:`close`, with this object (dropping it ends them, even in
    the middle of a call), and with the app, however it ends (see the module's docstring).
    """

    def __init__(self, factory: Callable, args: tuple = (), workers: int = 1) -> None:
        self.workers = workers
        # The app keeps the only write end; every helper watches the read end.
        self._lifeline_reader, self._lifeline = multiprocessing.Pipe(duplex=False)
        self._executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(factory, args, self._lifeline_reader),
        )
        self._job = _WindowsJob.make() if sys.platform == "win32" else None
        _kill_at_exit(self)

    def call(self, name: str, *args) -> Future:
        """Call method ``name`` of the served object with ``args`` (or read attribute ``name``)."""
        future = self._executor.submit(_call, name, args)
        if self._job is not None:  # helpers start on demand, in submit
            self._job.add(list(getattr(self._executor, "_processes", None) or {}))
        return future

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
        # Only now: closing the lifeline first would end helpers in the middle of a task.
        self._lifeline.close()
        self._lifeline_reader.close()
        if self._job is not None:
            self._job.close()
        _open_helpers.discard(self)


_open_helpers: weakref.WeakSet[HelperProcesses] = weakref.WeakSet()  # for the exit hook
_exit_hook = threading.Lock()
_exit_hook_registered = False


def _kill_at_exit(helpers: HelperProcesses) -> None:
    """Kill ``helpers``, if still open, when the interpreter exits (layer 3 of the module's
    docstring). threading's exit hooks run before the interpreter waits for its threads,
    the last registered first; concurrent.futures registered the one that waits for every
    running task when it was imported, before this one."""
    global _exit_hook_registered
    _open_helpers.add(helpers)
    with _exit_hook:
        if not _exit_hook_registered:
            register = getattr(threading, "_register_atexit", None)  # CPython 3.9+
            if register is not None:
                register(_kill_open_helpers)
            _exit_hook_registered = True


def _kill_open_helpers() -> None:
    for helpers in list(_open_helpers):
        helpers.close(kill=True)


class _JobBasicLimits(ctypes.Structure):
    """JOBOBJECT_BASIC_LIMIT_INFORMATION, in fixed-size fields (a Windows DWORD is 4
    bytes; ctypes' c_ulong is not everywhere)."""

    _fields_ = [
        ("PerProcessUserTimeLimit", ctypes.c_int64),
        ("PerJobUserTimeLimit", ctypes.c_int64),
        ("LimitFlags", ctypes.c_uint32),
        ("MinimumWorkingSetSize", ctypes.c_size_t),
        ("MaximumWorkingSetSize", ctypes.c_size_t),
        ("ActiveProcessLimit", ctypes.c_uint32),
        ("Affinity", ctypes.c_size_t),
        ("PriorityClass", ctypes.c_uint32),
        ("SchedulingClass", ctypes.c_uint32),
    ]


class _JobExtendedLimits(ctypes.Structure):
    """JOBOBJECT_EXTENDED_LIMIT_INFORMATION."""

    _fields_ = [
        ("BasicLimitInformation", _JobBasicLimits),
        ("IoInfo", ctypes.c_uint64 * 6),  # IO_COUNTERS
        ("ProcessMemoryLimit", ctypes.c_size_t),
        ("JobMemoryLimit", ctypes.c_size_t),
        ("PeakProcessMemoryUsed", ctypes.c_size_t),
        ("PeakJobMemoryUsed", ctypes.c_size_t),
    ]


class _WindowsJob:
    """Windows: a job object that ends the processes in it when its last handle closes.
    The app holds the only handle (not inheritable), so the system closes it, and ends
    the helpers, when the app ends in any way, even while a helper's native code holds
    the lock (layer 2 of the module's docstring). Dropping it ends them too."""

    KILL_ON_JOB_CLOSE = 0x2000  # JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
    EXTENDED_LIMIT_INFORMATION = 9  # JobObjectExtendedLimitInformation
    PROCESS_ACCESS = 0x0100 | 0x0001  # PROCESS_SET_QUOTA | PROCESS_TERMINATE

    @classmethod
    def make(cls) -> _WindowsJob | None:
        """A new job, or None (logged) where the system refuses one: the lifeline still
        ends the helpers, only not while native code holds the lock."""
        try:
            return cls()
        except OSError as exc:
            log.warning("helper processes run without a job object (%s)", exc)
            return None

    def __init__(self) -> None:
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # our own function objects
        handle_t, bool_t, dword_t = ctypes.c_void_p, ctypes.c_int, ctypes.c_uint32
        kernel32.CreateJobObjectW.argtypes = (ctypes.c_void_p, ctypes.c_wchar_p)
        kernel32.CreateJobObjectW.restype = handle_t
        kernel32.SetInformationJobObject.argtypes = (handle_t, ctypes.c_int, ctypes.c_void_p, dword_t)
        kernel32.SetInformationJobObject.restype = bool_t
        kernel32.OpenProcess.argtypes = (dword_t, bool_t, dword_t)
        kernel32.OpenProcess.restype = handle_t
        kernel32.AssignProcessToJobObject.argtypes = (handle_t, handle_t)
        kernel32.AssignProcessToJobObject.restype = bool_t
        kernel32.CloseHandle.argtypes = (handle_t,)
        kernel32.CloseHandle.restype = bool_t
        self._kernel32 = kernel32

        handle = kernel32.CreateJobObjectW(None, None)
        if not handle:
            raise ctypes.WinError(ctypes.get_last_error())
        limits = _JobExtendedLimits()
        limits.BasicLimitInformation.LimitFlags = self.KILL_ON_JOB_CLOSE
        if not kernel32.SetInformationJobObject(
            handle, self.EXTENDED_LIMIT_INFORMATION, ctypes.byref(limits), ctypes.sizeof(limits)
        ):
            error = ctypes.WinError(ctypes.get_last_error())
            kernel32.CloseHandle(handle)
            raise error
        self._handle = handle
        self._members: set[int] = set()
        self.close = weakref.finalize(self, kernel32.CloseHandle, handle)  # ends the members

    def add(self, pids: list[int]) -> None:
        """Put the helper processes ``pids`` in the job (those not in it yet)."""
        for pid in pids:
            if pid in self._members:
                continue
            self._members.add(pid)
            process = self._kernel32.OpenProcess(self.PROCESS_ACCESS, False, pid)
            if not process:  # it ended already
                log.debug("helper %s not in the job: %s", pid, ctypes.WinError(ctypes.get_last_error()))
                continue
            try:
                if not self._kernel32.AssignProcessToJobObject(self._handle, process):
                    log.warning("helper %s not in the job: %s", pid, ctypes.WinError(ctypes.get_last_error()))
            finally:
                self._kernel32.CloseHandle(process)


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
