"""Helper processes (core/native.py): they serve as before, and they never outlive the app,
however it ends (close, garbage, exit, exception, SIGTERM, SIGKILL).

The "app" of the ending tests is a real Python process started here (a script file) that
makes helpers serving a standard-library object (importable in every helper, whatever
pytest's import mode), prints their process ids and then waits or ends; the test ends it
and watches the ids.
Orphaned helpers are adopted by init (or a subreaper), not by this process, so "gone"
means no such process or a zombie nobody has reaped yet."""

from __future__ import annotations

import ctypes
import gc
import importlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import BrokenExecutor
from pathlib import Path

import pytest

from headshot_studio.core import native
from headshot_studio.core.native import HelperProcesses

REPO = Path(__file__).resolve().parents[2]
# The tasks the helpers are given last TASK_S; "a helper did not outlive its app" means it
# was gone in well under that (GONE_WITHIN, half of it), where waiting for the task would
# take all of it. Measured: helpers go within milliseconds; the margin is for a loaded
# machine, not for the code.
TASK_S = 60  # seconds
GONE_WITHIN = TASK_S / 2  # seconds

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")  # zombie: ended
    except (FileNotFoundError, ProcessLookupError):
        return True


def _wait_until_gone(pids, within: float = GONE_WITHIN) -> float:
    """Seconds until every process in ``pids`` ended; fails the test after ``within``."""
    started = time.monotonic()
    while not all(_gone(pid) for pid in pids):
        if time.monotonic() - started > within:
            alive = [pid for pid in pids if not _gone(pid)]
            for pid in alive:  # don't leave them behind for the next test
                os.kill(pid, signal.SIGKILL)
            pytest.fail(f"helper processes {alive} outlived their app by more than {within} s")
        time.sleep(0.02)
    return time.monotonic() - started


# The "app": helpers, each started and serving (its initializer done), then the given
# task, then the ids on one line, then the given ending. It is a script file, so that
# spawn imports it in every helper too (as ``__mp_main__``): there, with ``lifeline_only``,
# it switches the Linux kernel layer off, leaving the watch thread Windows relies on.
APP = """
import ctypes, importlib, os, sys, time
from headshot_studio.core import native

if {lifeline_only}:
    native._kill_when_closed = lambda lifeline: None


def nice(pid):
    return int(open(f"/proc/{{pid}}/stat").read().rsplit(")", 1)[1].split()[16])


if __name__ == "__main__":
    helpers = native.HelperProcesses({factory}, {args!r}, workers={workers})
    for future in [helpers.call("__doc__") for _ in range(2 * {workers})]:
        future.result()
    pids = list(helpers._executor._processes)
    deadline = time.monotonic() + 30
    while not all(nice(pid) != os.nice(0) for pid in pids):  # their initializer ran (lower_priority)
        assert time.monotonic() < deadline, "helpers did not start"
        time.sleep(0.02)
    task = {task!r}
    if task:
        running = helpers.call(*task)
        time.sleep(0.5)  # the helper is inside it now
{before_ending}
    print(" ".join(map(str, pids)), flush=True)
{ending}
"""


@pytest.fixture
def started():
    """Every app process and helper a test started; what is left at the end is killed."""
    processes: list[int] = []
    yield processes
    for pid in processes:
        if not _gone(pid):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def start_app(started, tmp_path):
    def start(*, workers=1, module="os", factory="importlib.import_module", args=None, task=(),
              before_ending="", ending="time.sleep(60)", ids=None, lifeline_only=False):
        """The app process, and the ids it printed (its helpers') once they all run."""
        script = tmp_path / f"app{len(started)}.py"
        script.write_text(APP.format(
            workers=workers, factory=factory, args=(module,) if args is None else args, task=task,
            before_ending=textwrap.indent(before_ending, " " * 4), ending=textwrap.indent(ending, " " * 4),
            lifeline_only=lifeline_only,
        ))
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        app = subprocess.Popen(
            [sys.executable, str(script)], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        )
        started.append(app.pid)
        line = app.stdout.readline()
        if not line.strip():
            app.kill()
            pytest.fail(f"the app did not start its helpers: {app.communicate()[1][-2000:]}")
        pids = [int(pid) for pid in line.split()]
        started.extend(pids)
        assert len(pids) == (ids or workers)
        return app, pids

    return start


def _end(app: subprocess.Popen, sig: int) -> None:
    app.send_signal(sig)
    app.wait(timeout=10)
    app.stdout.close()
    app.stderr.close()


layers = pytest.mark.parametrize("lifeline_only", [False, True], ids=["all-layers", "lifeline-only"])


@linux_only
@layers
def test_helpers_end_when_the_app_is_killed(start_app, lifeline_only):
    app, pids = start_app(workers=2, lifeline_only=lifeline_only)
    _end(app, signal.SIGKILL)
    print(f"helpers gone {_wait_until_gone(pids):.2f} s after SIGKILL")


@linux_only
@layers
def test_helpers_end_when_the_app_is_terminated(start_app, lifeline_only):
    app, pids = start_app(lifeline_only=lifeline_only)
    _end(app, signal.SIGTERM)
    _wait_until_gone(pids)


@linux_only
@layers
def test_a_long_task_does_not_keep_a_helper_alive_after_the_app_is_killed(start_app, lifeline_only):
    app, pids = start_app(module="time", task=("sleep", TASK_S), lifeline_only=lifeline_only)
    _end(app, signal.SIGKILL)
    print(f"sleeping helper gone {_wait_until_gone(pids):.2f} s after SIGKILL")


@linux_only
def test_native_code_holding_the_lock_does_not_keep_a_helper_alive(start_app):
    """Real-ESRGAN's ncnn wrapper keeps Python's lock for a whole upscale (minutes on a
    processor), so no thread of the helper can run until it ends. libc's sleep called
    through PyDLL keeps the lock the same way."""
    app, pids = start_app(factory="ctypes.PyDLL", args=(None,), task=("sleep", TASK_S))
    _end(app, signal.SIGKILL)
    # gone long before the call lets go of the lock (the next test shows the lifeline alone waits for it)
    print(f"lock-holding helper gone {_wait_until_gone(pids):.2f} s after SIGKILL")


@linux_only
def test_with_the_lifeline_alone_a_helper_ends_when_native_code_lets_go_of_the_lock(start_app):
    """What is left where the kernel cannot be asked (a Windows without a job object)."""
    call_s = 10  # the native call; the kill lands a fraction of a second into it (8 s of slack below)
    app, pids = start_app(factory="ctypes.PyDLL", args=(None,), task=("sleep", call_s), lifeline_only=True)
    _end(app, signal.SIGKILL)
    seconds = _wait_until_gone(pids, within=call_s + GONE_WITHIN)
    assert seconds > 2  # it did wait for the call (with the kernel layer on: milliseconds), so that layer was off


@linux_only
def test_a_forked_child_of_the_app_holding_its_pipes_does_not_keep_helpers_alive(start_app):
    """A plain fork (some library's worker) copies every descriptor of the app, the write
    ends of the helpers' pipes included; the helpers notice their parent is gone anyway."""
    fork = "child = os.fork()\nif child == 0:\n    time.sleep(30)\n    os._exit(0)\nprint(child, end=' ')"
    app, ids = start_app(before_ending=fork, ids=2)
    pids = ids[1:]  # the first is the forked child, killed after the test by ``started``
    _end(app, signal.SIGKILL)
    _wait_until_gone(pids)


@linux_only
@pytest.mark.parametrize("ending", ["pass", "raise SystemExit(3)", "raise RuntimeError('boom')"])
def test_helpers_end_when_the_app_exits_without_closing_them(start_app, ending):
    """A task still running is not waited for: the app is ending, nobody reads its result."""
    app, pids = start_app(module="time", task=("sleep", TASK_S), ending=ending)
    app.wait(timeout=GONE_WITHIN)  # the app's exit does not wait for the task
    app.stdout.close()
    app.stderr.close()
    _wait_until_gone(pids)


# --- in this process ----------------------------------------------------------------------

def _helper_pids(helpers: HelperProcesses) -> list[int]:
    return list(helpers._executor._processes)


def test_a_helper_serves_the_object_and_raises_its_errors():
    helpers = HelperProcesses(importlib.import_module, ("os",))
    try:
        pid = helpers.call("getpid").result(timeout=30)
        assert pid != os.getpid()
        assert helpers.call("sep").result() == os.sep  # an attribute, not a method
        with pytest.raises(FileNotFoundError):
            helpers.call("stat", "/no/such/file").result()
        if hasattr(os, "nice"):
            assert helpers.call("nice", 0).result() >= 10  # background work yields
    finally:
        helpers.close()
    if sys.platform.startswith("linux"):
        assert _gone(pid)  # close() waited for it: gone (and reaped) the moment close() returns


def test_what_making_the_object_raised_is_raised_by_every_call():
    helpers = HelperProcesses(importlib.import_module, ("no_such_module_for_a_helper",))
    try:
        for _ in range(2):
            with pytest.raises(ModuleNotFoundError):
                helpers.call("anything").result(timeout=30)
    finally:
        helpers.close()


def test_close_with_kill_does_not_wait_for_a_running_task():
    helpers = HelperProcesses(importlib.import_module, ("time",))
    helpers.call("time").result(timeout=30)
    pids = _helper_pids(helpers)
    running = helpers.call("sleep", TASK_S)
    time.sleep(0.3)
    started = time.monotonic()
    helpers.close(kill=True)
    assert time.monotonic() - started < GONE_WITHIN  # waiting for the task would take all of TASK_S
    with pytest.raises(BrokenExecutor):
        running.result(timeout=5)
    if sys.platform.startswith("linux"):
        _wait_until_gone(pids)


def _nice(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[16])


@linux_only
def test_no_helper_holds_the_write_end_of_its_lifeline():
    """Else the app's death would never close it: only the app may have it open."""
    helpers = HelperProcesses(importlib.import_module, ("os",), workers=2)
    try:
        for future in [helpers.call("getpid") for _ in range(4)]:
            future.result(timeout=30)
        pids = _helper_pids(helpers)
        assert len(pids) == 2
        deadline = time.monotonic() + 30
        while not all(_nice(pid) != os.nice(0) for pid in pids):  # both ran their initializer
            assert time.monotonic() < deadline
            time.sleep(0.02)
        pipe = os.readlink(f"/proc/self/fd/{helpers._lifeline.fileno()}")  # "pipe:[inode]", both ends
        for pid in pids:
            ends = []
            for fd in os.listdir(f"/proc/{pid}/fd"):
                try:
                    if os.readlink(f"/proc/{pid}/fd/{fd}") != pipe:
                        continue
                    with open(f"/proc/{pid}/fdinfo/{fd}") as info:
                        flags = int(info.read().split("flags:")[1].split()[0], 8)
                except FileNotFoundError:  # closed meanwhile
                    continue
                ends.append(flags & os.O_ACCMODE)
            assert ends and all(mode == os.O_RDONLY for mode in ends), (pid, ends)
    finally:
        helpers.close()


@linux_only
def test_helpers_end_when_their_owner_is_dropped_without_close():
    helpers = HelperProcesses(importlib.import_module, ("time",))
    helpers.call("time").result(timeout=30)
    pids = _helper_pids(helpers)
    helpers.call("sleep", 60)  # even busy
    del helpers
    gc.collect()
    _wait_until_gone(pids)


def test_windows_job_limits_have_the_documented_layout():
    """JOBOBJECT_EXTENDED_LIMIT_INFORMATION is 144 bytes on 64-bit Windows; the fields are
    declared with fixed sizes so this holds here as there."""
    if ctypes.sizeof(ctypes.c_void_p) != 8:
        pytest.skip("64-bit layout")
    assert ctypes.sizeof(native._JobExtendedLimits) == 144
    assert native._JobExtendedLimits.BasicLimitInformation.offset == 0
    assert native._JobBasicLimits.LimitFlags.offset == 16
