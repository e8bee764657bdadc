"""The offline and one-place promises (SECURITY.md 1 and 2), checked from outside the
process: whole sessions of the real app run under ``strace`` and every system call that
reaches the network or writes a file is checked, native libraries' calls included (the
Python-level ``no_network`` fixture cannot see those: ONNX Runtime's telemetry was found
this way).

Each command runs in a fresh process with HOME set to a fresh folder, no XDG_* and no
HEADSHOT_STUDIO_HOME, so the app uses its real per-user folders under that HOME, and
without any of the switches the app sets itself (it must set them). It fails on:

* a connect, sendto, sendmsg or sendmmsg to an address that is not loopback (127/8,
  ::1), attempted even if it failed (a DNS lookup is a connect to port 53), and on any
  name lookup: port 53 or 5353 at any address, or systemd-resolved's socket;
* a file or folder created, written, renamed, linked, removed or changed (successfully)
  anywhere but: the app's folders, the run's output folder, the process's own temp
  folder (TMPDIR), /dev/shm (multiprocessing's semaphores), device nodes, and /proc of
  the traced processes. The test's inputs (photos, model) are read-only too;
* anything left in that temp folder when the command has ended (a temp file outlives
  nothing: ONNX Runtime's telemetry left a session id there, torch an empty folder).

The checker is shown to fail on a real violation (ONNX Runtime imported without its
telemetry switch writes a device id under ~/.cache/Microsoft) and to tell loopback from
the network. Linux only; skipped where strace is not installed (CI installs Debian's).
"""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from headshot_studio import offline, paths

STRACE = shutil.which("strace")
needs_strace = pytest.mark.skipif(
    not sys.platform.startswith("linux") or STRACE is None,
    reason="strace is not installed (CI installs Debian's: apt-get install strace)"
    if sys.platform.startswith("linux") else "strace is Linux-only",
)

# Only the calls that matter, so the trace stays small and strace stops the process
# rarely (--seccomp-bpf). "?" means: not an error where the architecture lacks the call.
TRACED_CALLS = (
    "open openat openat2 creat mkdir mkdirat rename renameat renameat2 link linkat symlink "
    "symlinkat unlink unlinkat rmdir truncate chmod fchmodat fchmodat2 chown lchown fchownat "
    "utime utimes utimensat futimesat mknod mknodat setxattr lsetxattr removexattr lremovexattr "
    "chdir connect sendto sendmsg sendmmsg bind"
).split()

# Calls that change the file system: the index of the path they change among their
# arguments, and the index of the directory descriptor it is relative to (None: cwd).
PATH_CHANGES = {
    "creat": [(0, None)], "mkdir": [(0, None)], "mkdirat": [(1, 0)],
    "rename": [(0, None), (1, None)], "renameat": [(1, 0), (3, 2)], "renameat2": [(1, 0), (3, 2)],
    "link": [(1, None)], "linkat": [(3, 2)], "symlink": [(1, None)], "symlinkat": [(2, 1)],
    "unlink": [(0, None)], "unlinkat": [(1, 0)], "rmdir": [(0, None)], "truncate": [(0, None)],
    "chmod": [(0, None)], "fchmodat": [(1, 0)], "fchmodat2": [(1, 0)], "chown": [(0, None)],
    "lchown": [(0, None)], "fchownat": [(1, 0)], "utime": [(0, None)], "utimes": [(0, None)],
    "utimensat": [(1, 0)], "futimesat": [(1, 0)], "mknod": [(0, None)], "mknodat": [(1, 0)],
    "setxattr": [(0, None)], "lsetxattr": [(0, None)], "removexattr": [(0, None)],
    "lremovexattr": [(0, None)],
}
OPENS = {"open": (0, None, 1), "openat": (1, 0, 2), "openat2": (1, 0, 2)}  # path, dirfd, flags
WRITE_FLAGS = ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_TMPFILE", "O_APPEND")
SENDS = ("connect", "sendto", "sendmsg", "sendmmsg")
NAME_LOOKUP_PORTS = (53, 5353)  # DNS, mDNS: a lookup even at a loopback address (a local resolver)
RESOLVER_SOCKETS = ("/run/systemd/resolve/io.systemd.Resolve",)
DEVICES = ("/dev/null", "/dev/zero", "/dev/tty", "/dev/pts/", "/dev/nvidia", "/dev/dri/", "/dev/kfd")

# Fontconfig (used by Qt) updates its shared font index when the system's is stale:
# font metadata, nothing of the user's. It has no variable for where (only XDG_CACHE_HOME,
# which would move the app's own folders too), so it is tolerated here and reported.
FONTCONFIG_CACHES = ("/var/cache/fontconfig", "~/.cache/fontconfig")


# --- reading a trace ----------------------------------------------------------------------


@dataclass
class Call:
    pid: int
    name: str
    args: list[str]
    result: str
    line: str

    @property
    def failed(self) -> bool:
        return self.result.startswith("-1")


_LINE = re.compile(r"^(\d+)\s+(.*)$")
_RESUMED = re.compile(r"^<\.\.\. (\w+) resumed>\s?(.*)$")
_CALL = re.compile(r"^(\w+)\(")
_ANNOTATION = re.compile(r"^(?:-?\d+|AT_FDCWD)<(.*)>(?: ?\(deleted\))?$", re.S)


def _split_call(text: str) -> tuple[list[str], str] | None:
    """``name(a, b, c) = result`` (after the name) -> ([a, b, c], result), respecting
    strings, brackets and strace -y's ``fd</path>`` annotations (in which strace writes
    ``<`` and ``>`` as escapes, so the next ``>`` ends one)."""
    args, depth, start, i = [], 0, 1, 1
    while i < len(text):
        ch = text[i]
        if ch == '"':
            i += 1
            while i < len(text) and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif ch == "<" and (text[i - 1].isdigit() or text[i - 5:i] == "FDCWD"):
            i = text.find(">", i)
            if i < 0:
                return None
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0 and ch == ")":
                args.append(text[start:i].strip())
                rest = text[i + 1:].strip()
                result = rest[1:].strip() if rest.startswith("=") else rest
                return [a for a in args if a], result
            depth -= 1
        elif ch == "," and depth == 0:
            args.append(text[start:i].strip())
            start = i + 1
        i += 1
    return None


def read_trace(text: str) -> list[Call]:
    """The calls in strace output (``-f``: each line starts with the pid). A call cut by
    another thread's (``<unfinished ...>``) is joined with its ``<... resumed>`` rest."""
    calls, pending = [], {}
    for raw in text.splitlines():
        match = _LINE.match(raw)
        if not match:
            continue
        pid, rest = int(match.group(1)), match.group(2)
        if rest.startswith(("---", "+++")):
            continue
        resumed = _RESUMED.match(rest)
        if resumed:
            head = pending.pop(pid, None)
            if head is None:
                continue
            rest = head + (" " if head.endswith(",") else "") + resumed.group(2)
        elif rest.endswith("<unfinished ...>"):
            pending[pid] = rest[: -len("<unfinished ...>")].rstrip()
            continue
        name = _CALL.match(rest)
        if not name:
            continue
        split = _split_call(rest[len(name.group(1)):])
        if split is not None:
            calls.append(Call(pid, name.group(1), split[0], split[1], rest))
    return calls


def c_string(arg: str) -> str | None:
    """strace's quoted string (escapes decoded) as a file name; None if not a string."""
    if not arg.startswith('"'):
        return None
    body, out, i = arg[1:arg.rindex('"')] if arg.count('"') >= 2 else arg[1:], bytearray(), 0
    simple = {"n": 10, "t": 9, "r": 13, "v": 11, "f": 12, "\\": 92, '"': 34}
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt == "x":
                out.append(int(body[i + 2:i + 4], 16))
                i += 4
                continue
            octal = re.match(r"[0-7]{1,3}", body[i + 1:])
            if octal:
                out.append(int(octal.group(0), 8))
                i += 1 + len(octal.group(0))
                continue
            out.append(simple.get(nxt, ord(nxt)))
            i += 2
            continue
        out += ch.encode("utf-8", "surrogateescape")
        i += 1
    return os.fsdecode(bytes(out))


def _annotation(arg: str) -> str | None:
    """The path strace -y shows after a descriptor (``17</home/u/.cache>``), decoded."""
    match = _ANNOTATION.match(arg)
    return c_string('"' + match.group(1) + '"') if match else None


# --- judging it ---------------------------------------------------------------------------


@dataclass
class Allowed:
    """Where a traced run may write: under ``roots`` anything; at ``ancestors`` of them
    only ``mkdir`` (making ~/.local/share to make the app's folder in it)."""

    roots: list[Path]
    tolerated: list[Path] = field(default_factory=list)  # allowed, but not the app's (see FONTCONFIG_CACHES)

    def __post_init__(self) -> None:
        self.roots = [Path(os.path.normpath(r)) for r in self.roots]
        self.ancestors = {str(parent) for r in self.roots for parent in r.parents}

    def allows(self, path: str, call: str, pids: set[int]) -> bool:
        if path.startswith(DEVICES) or path.startswith(("/proc/self/", "/proc/thread-self/")):
            return True
        proc = re.match(r"/proc/(\d+)/", path)
        if proc and int(proc.group(1)) in pids:
            return True
        if call in ("mkdir", "mkdirat") and path in self.ancestors:
            return True
        candidate = Path(path)
        return any(candidate == r or r in candidate.parents for r in self.roots + self.tolerated)


@dataclass
class Report:
    violations: list[str]
    unix_sockets: list[str]

    def describe(self, step: str) -> str:
        lines = [f"{step}: {len(self.violations)} forbidden call(s):"] + [f"  {v}" for v in self.violations[:60]]
        if len(self.violations) > 60:
            lines.append(f"  ... and {len(self.violations) - 60} more")
        if self.unix_sockets:
            lines.append("local (AF_UNIX) sockets connected to, allowed: " + ", ".join(sorted(set(self.unix_sockets))))
        return "\n".join(lines)


def _addresses(args_text: str):
    for port, address in re.findall(r'sa_family=AF_INET, sin_port=htons\((\d+)\), sin_addr=inet_addr\("([^"]+)"\)', args_text):
        yield "AF_INET", address, int(port)
    for port, address in re.findall(r'sa_family=AF_INET6, sin6_port=htons\((\d+)\).*?inet_pton\(AF_INET6, "([^"]+)"', args_text):
        yield "AF_INET6", address, int(port)


def _is_loopback(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback


def check_trace(calls: list[Call], allowed: Allowed, cwd: Path) -> Report:
    violations, unix_sockets = [], []
    pids = {c.pid for c in calls}
    cwds: dict[int, str] = {}

    def resolve(call: Call, path_index: int, dirfd_index: int | None) -> str | None:
        if path_index >= len(call.args):
            return None
        path = c_string(call.args[path_index])
        base = _annotation(call.args[dirfd_index]) if dirfd_index is not None and dirfd_index < len(call.args) else None
        if path is None or path == "":  # utimensat(fd, NULL, ...): the descriptor itself
            return os.path.normpath(base) if base else None
        if not os.path.isabs(path):
            path = os.path.join(base or cwds.get(call.pid, str(cwd)), path)
        return os.path.normpath(path)

    def flag(call: Call, what: str) -> None:
        violations.append(f"{what}  [pid {call.pid}: {call.line[:300]}]")

    for call in calls:
        if call.name == "chdir" and not call.failed:
            target = resolve(call, 0, None)
            if target:
                cwds[call.pid] = target
        elif call.name in SENDS:
            text = ", ".join(call.args)
            for family, address, port in _addresses(text):
                if port in NAME_LOOKUP_PORTS:
                    flag(call, f"name lookup: {call.name} to {address} port {port}")
                elif not _is_loopback(address):
                    flag(call, f"network: {call.name} to {family} {address} port {port}")
            for path in re.findall(r'sa_family=AF_UNIX, sun_path=(@?"(?:[^"\\]|\\.)*")', text):
                name = path if path.startswith("@") else c_string(path)
                unix_sockets.append(name)
                if any(name.startswith(s) for s in RESOLVER_SOCKETS):
                    flag(call, f"name lookup: {call.name} to the resolver socket {name}")
        elif call.failed:
            continue
        elif call.name == "bind":
            for path in re.findall(r'sa_family=AF_UNIX, sun_path=("(?:[^"\\]|\\.)*")', ", ".join(call.args)):
                name = os.path.normpath(os.path.join(cwds.get(call.pid, str(cwd)), c_string(path)))
                if not allowed.allows(name, "bind", pids):
                    flag(call, f"socket file made: {name}")
        elif call.name in OPENS:
            path_index, dirfd_index, flags_index = OPENS[call.name]
            flags = call.args[flags_index] if flags_index < len(call.args) else ""
            if not any(f in flags for f in WRITE_FLAGS):
                continue
            path = _annotation(call.result) or resolve(call, path_index, dirfd_index)
            if path and not allowed.allows(path, call.name, pids):
                flag(call, f"file written: {path}")
        elif call.name in PATH_CHANGES:
            for path_index, dirfd_index in PATH_CHANGES[call.name]:
                path = resolve(call, path_index, dirfd_index)
                if path and not allowed.allows(path, call.name, pids):
                    flag(call, f"changed ({call.name}): {path}")
    return Report(violations, unix_sockets)


# --- running under the tracer -------------------------------------------------------------


def app_command(*args: str) -> list[str]:
    """``headshot-studio ARGS`` as a fresh process."""
    return [sys.executable, "-m", "headshot_studio", *args]


# Variables by which libraries tell a CI machine (ONNX Runtime's list, read from its library,
# plus the generic CI): none of them is set on a user's PC.
CI_MARKERS = ("CI", "TF_BUILD", "GITHUB_ACTIONS", "GITLAB_CI", "CIRCLECI", "TRAVIS", "JENKINS_URL",
              "CODEBUILD_BUILD_ID", "BUILDKITE", "TEAMCITY_VERSION", "APPVEYOR", "BITBUCKET_BUILD_NUMBER")


@dataclass
class Sandbox:
    """A fresh HOME, a private TMPDIR and the app's folders under that HOME."""

    root: Path

    def __post_init__(self) -> None:
        self.home = self.root / "home"
        self.tmp = self.root / "tmp"
        self.work = self.root / "cwd"  # the processes' working folder: nothing may be written here
        for folder in (self.home, self.tmp, self.work):
            folder.mkdir(parents=True)

    def env(self) -> dict[str, str]:
        """A user's environment: the app's own settings, the caches it sets and the CI
        markers are left out (ONNX Runtime, for one, stays quiet where it sees a CI
        variable, which would hide from CI exactly what these tests look for)."""
        drop = (set(offline.OFFLINE_SWITCHES) | set(offline.LIBRARY_CACHES)
                | set(offline.LEGACY_CACHE_VARIABLES) | set(CI_MARKERS))
        env = {k: v for k, v in os.environ.items()
               if k not in drop and not k.startswith(("XDG_", "HEADSHOT_STUDIO_"))}
        env.update(
            HOME=str(self.home),
            TMPDIR=str(self.tmp),
            QT_QPA_PLATFORM="offscreen",
            PYTHONUNBUFFERED="1",
            # The installed app's bytecode is compiled when it is installed; a checkout would
            # write __pycache__ next to every source file changed since the last import.
            PYTHONDONTWRITEBYTECODE="1",
        )
        return env

    def app_folders(self) -> list[Path]:
        """The app's folders as it computes them with this environment."""
        import platformdirs

        saved = dict(os.environ)
        try:
            os.environ.clear()
            os.environ.update(self.env())
            return [paths.data_dir(), paths.config_dir(), paths.cache_dir(), paths.log_dir(),
                    platformdirs.user_state_path(paths.APP_NAME, appauthor=False)]
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def allowed(self, *extra: Path) -> Allowed:
        tolerated = [Path(p.replace("~", str(self.home), 1)) for p in FONTCONFIG_CACHES]
        return Allowed([*self.app_folders(), self.tmp, Path("/dev/shm"), *extra], tolerated)

    def check(self, calls: list[Call], *extra_roots: Path) -> Report:
        """``check_trace`` for this sandbox, plus what the process left in its temp folder
        (which is then emptied for the next command): a temp file outlives nothing."""
        report = check_trace(calls, self.allowed(*extra_roots), self.work)
        for left in sorted(self.tmp.iterdir()):
            report.violations.append(f"left behind in the temp folder: {left}")
            if left.is_dir() and not left.is_symlink():
                shutil.rmtree(left)
            else:
                left.unlink()
        return report

    def trace(self, command: list[str], name: str, timeout: float, env: dict | None = None):
        """Run ``command`` under strace; return (completed process, calls, seconds)."""
        log = self.root / f"{name}.strace"
        started = time.monotonic()
        # In a process group of its own: on a timeout the traced processes (helpers too)
        # are killed with strace, not left running detached.
        process = subprocess.Popen(
            [STRACE, "-f", "-qq", "-y", "--seccomp-bpf", "-o", str(log),
             "-e", "trace=" + ",".join("?" + c for c in TRACED_CALLS), *command],
            cwd=self.work, env=env or self.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, start_new_session=True,
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
            pytest.fail(f"{name} did not finish within {timeout} s\n{stderr[-3000:]}")
        result = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
        seconds = time.monotonic() - started
        assert log.is_file(), f"strace wrote no trace ({result.returncode}): {result.stderr[-2000:]}"
        return result, read_trace(log.read_text(encoding="utf-8", errors="surrogateescape")), seconds


def _tail(result) -> str:
    return f"exit {result.returncode}\n--- stdout ---\n{result.stdout[-3000:]}\n--- stderr ---\n{result.stderr[-3000:]}"


# --- the checker itself -------------------------------------------------------------------


def test_the_trace_reader_joins_interrupted_calls_and_decodes_names(tmp_path):
    trace = textwrap.dedent('''\
        101  openat(AT_FDCWD</w>, "caf\\303\\251/a b", O_WRONLY|O_CREAT|O_CLOEXEC, 0666 <unfinished ...>
        102  connect(7<socket:[1]>, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.0.1")}, 16 <unfinished ...>
        101  <... openat resumed>) = 3</w/caf\\303\\251/a b>
        102  <... connect resumed>) = -1 ENETUNREACH (Network is unreachable)
        103  mkdirat(17</home/u/.cache>, "Microsoft", 0700) = 0
        103  renameat2(AT_FDCWD</x>, "t.tmp", 4</home/u/.config>, "s, (1).json", RENAME_NOREPLACE) = 0
        103  openat(AT_FDCWD</x>, "/home/u/r.txt", O_RDONLY|O_CLOEXEC) = 5</home/u/r.txt>
        103  mkdirat(3</home/we\\74i\\76rd, (d>, "s\\303\\251\\nn", 0777) = 0
        103  unlink("/home/u/gone") = -1 ENOENT (No such file or directory)
        103  --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED} ---
    ''')
    calls = read_trace(trace)
    assert [c.name for c in calls] == ["openat", "connect", "mkdirat", "renameat2", "openat", "mkdirat", "unlink"]
    assert c_string(calls[0].args[1]) == "café/a b" and _annotation(calls[0].result) == "/w/café/a b"
    assert calls[1].result.startswith("-1 ENETUNREACH") and calls[3].args[3] == '"s, (1).json"'
    report = check_trace(calls, Allowed([Path("/w")]), Path("/x"))
    assert sorted(v.split("  [")[0] for v in report.violations) == [
        "changed (mkdirat): /home/u/.cache/Microsoft",
        "changed (mkdirat): /home/we<i>rd, (d/sé\nn",
        "changed (renameat2): /home/u/.config/s, (1).json",
        "changed (renameat2): /x/t.tmp",
        "name lookup: connect to 10.0.0.1 port 53",  # attempted: counted though it failed
    ]  # the write in /w is allowed, the read and the failed unlink changed nothing

    outside = check_trace(calls[:1], Allowed([Path("/elsewhere")]), Path("/x")).violations
    assert len(outside) == 1 and outside[0].startswith("file written: /w/café/a b")


@needs_strace
def test_the_checker_tells_loopback_from_the_network(tmp_path):
    box = Sandbox(tmp_path)
    connect = textwrap.dedent('''\
        import socket, sys
        for family, address in {targets}:
            try:
                with socket.socket(family, socket.SOCK_DGRAM) as s:
                    s.connect((address, 9))  # UDP: nothing is sent, no network needed
            except OSError:
                pass  # no IPv6 here, or no route: the attempt is what counts
    ''')
    loopback = "[(socket.AF_INET, '127.0.0.1'), (socket.AF_INET6, '::1')]"
    result, calls, _ = box.trace([sys.executable, "-c", connect.format(targets=loopback)], "loopback", 120)
    assert result.returncode == 0, _tail(result)
    assert any(c.name == "connect" for c in calls)  # the calls were seen...
    assert box.check(calls).violations == []  # ...and allowed

    away = "[(socket.AF_INET, '192.0.2.1')]"  # TEST-NET-1: documentation only, never routed
    result, calls, _ = box.trace([sys.executable, "-c", connect.format(targets=away)], "network", 120)
    violations = box.check(calls).violations
    assert len(violations) == 1 and "network: connect to AF_INET 192.0.2.1 port 9" in violations[0]


@needs_strace
def test_the_checker_catches_onnxruntime_telemetry_unless_it_is_switched_off(tmp_path):
    """A real violation: ``import onnxruntime`` without ORT_DISABLE_TELEMETRY writes a
    device id and an event database under ~/.cache/Microsoft and leaves a session file
    (first start time, session id) in the temp folder; with it, nothing. (About 9 s
    later its uploader would also look up Microsoft's telemetry host: not waited for.)"""
    box = Sandbox(tmp_path)
    result, calls, _ = box.trace([sys.executable, "-c", "import onnxruntime"], "ort-on", 180)
    assert result.returncode == 0, _tail(result)
    report = box.check(calls)
    device_id = box.home / ".cache" / "Microsoft" / "DeveloperTools" / ".onnxruntime" / "deviceid"
    assert any(f"changed (linkat): {device_id}" in v for v in report.violations), report.describe("import onnxruntime")
    assert f"left behind in the temp folder: {box.tmp / '.ses'}" in report.violations

    shutil.rmtree(box.home / ".cache")
    env = box.env() | {"ORT_DISABLE_TELEMETRY": "1"}
    result, calls, _ = box.trace([sys.executable, "-c", "import onnxruntime"], "ort-off", 180, env=env)
    assert result.returncode == 0, _tail(result)
    report = box.check(calls)
    assert report.violations == [], report.describe("import onnxruntime with ORT_DISABLE_TELEMETRY=1")


def test_every_library_cache_is_inside_the_app_folders(tmp_path, monkeypatch):
    for name in [*offline.OFFLINE_SWITCHES, *offline.LIBRARY_CACHES, *offline.LEGACY_CACHE_VARIABLES]:
        monkeypatch.setenv(name, "/elsewhere")  # what the user's environment may say; restored after
    monkeypatch.setenv("HEADSHOT_STUDIO_HOME", str(tmp_path / "later"))  # set after import, as tests do
    variables = offline.contain_library_files()
    assert set(variables) == set(offline.LIBRARY_CACHES)
    for name, value in variables.items():
        assert os.environ[name] == value and Path(value).is_relative_to(paths.cache_dir()), name
    for name in offline.LEGACY_CACHE_VARIABLES:
        assert name not in os.environ
    for name, value in offline.OFFLINE_SWITCHES.items():
        assert os.environ[name] == value
    assert all(Path(variables[name]).is_dir() for name in offline.MADE_AT_START)


# --- the app, whole -----------------------------------------------------------------------

RUN_OPTIONS = ["--styles", "corporate-executive", "--count", "1", "--steps", "2", "--train-steps", "2",
               "--upscale", "2", "--allow-cpu"]


@needs_strace
@pytest.mark.timeout(1500)
def test_a_whole_session_under_strace_stays_offline_and_in_the_app_folders(tmp_path, _tiny_models, _face_photos):
    box = Sandbox(tmp_path)
    out = tmp_path / "export"
    steps = [
        ("models import", app_command("models", "import", str(_tiny_models["sd15"]), "--name", "Traced"), 240),
        ("check", app_command("check", str(_face_photos)), 240),
        ("run", app_command("run", "--photos", str(_face_photos), "--model", "traced", *RUN_OPTIONS,
                            "--out", str(out)), 600),
        ("wipe --all", app_command("wipe", "--all", "--yes"), 240),
    ]
    failures, timings = [], []
    for name, command, timeout in steps:
        result, calls, seconds = box.trace(command, name.replace(" ", "-"), timeout)
        timings.append(f"{name} {seconds:.0f} s")
        assert result.returncode == 0, f"{name}: {_tail(result)}"
        report = box.check(calls, out)
        if report.violations:
            failures.append(report.describe(name))
    print("traced steps:", ", ".join(timings))  # shown with pytest -rP
    assert len(list(out.glob("*.png"))) == 1  # the run really ran
    assert failures == [], "\n\n".join(failures) + "\n(" + ", ".join(timings) + ")"


WINDOW_DRIVER = '''
import sys
from pathlib import Path

from headshot_studio.cli import main  # first, as the installed entry point does
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog

photos, limit_s = Path(sys.argv[1]), float(sys.argv[2])
app = QApplication(["headshot-studio"])  # run_app() uses this one
stage = ["starting"]


def the_window():
    return next((w for w in app.topLevelWidgets() if hasattr(w, "controller") and w.isVisible()), None)


def choose_the_photos_folder():
    dialog = next((w for w in app.topLevelWidgets() if isinstance(w, QFileDialog) and w.isVisible()), None)
    if dialog is None:
        QTimer.singleShot(50, choose_the_photos_folder)
        return
    dialog.selectFile(str(photos))  # typed into the dialog's name field, then "Choose"
    dialog.accept()


def give_up():
    shown = [f"{type(w).__name__} {w.windowTitle()!r}" for w in app.topLevelWidgets() if w.isVisible()]
    print(f"window driver: gave up while {stage[0]}; windows shown: {shown}", file=sys.stderr)
    stage[0] = "stopped"
    window = the_window()
    for w in app.topLevelWidgets():
        if w.isVisible() and w is not window:
            w.close()  # a dialog's own event loop would hold the exit back
    if window is not None:
        window.close()  # stops and waits for its workers
    app.exit(3)


def step():
    if stage[0] == "stopped":
        return
    window = the_window()
    controller = window.controller if window else None
    if controller is None:
        pass  # not shown yet
    elif stage[0] == "starting" and controller.device is not None and not controller.setup_worker.state.busy:
        stage[0] = "adding photos"  # as a user does: a session, then "Add a folder of photos"
        controller.new_session("Traced")
        QTimer.singleShot(0, choose_the_photos_folder)
        window.pages["photos"]._add_folder()  # the real file dialog, answered above
    elif stage[0] == "adding photos" and len(controller.photo_paths()) == 5 and not controller.analysing:
        print("window driver: started, photos analysed", file=sys.stderr)
        stage[0] = "stopped"
        window.close()  # saves the settings and stops the workers, as a user's close does
        app.quit()
        return
    QTimer.singleShot(100, step)


QTimer.singleShot(0, step)
QTimer.singleShot(int(limit_s * 1000), give_up)
sys.exit(main([]))  # no subcommand: the window, through run_app()
'''


@needs_strace
@pytest.mark.timeout(900)
def test_the_window_under_strace_stays_offline_and_in_the_app_folders(tmp_path, _face_photos):
    """The real entry point (no subcommand: the window), offscreen: it starts, its
    start-up workers finish, a folder of photos is added through the file dialog and
    analysed in the helper process, and the window is closed."""
    box = Sandbox(tmp_path)
    code = WINDOW_DRIVER
    result, calls, seconds = box.trace([sys.executable, "-c", code, str(_face_photos), "300"], "window", 600)
    assert result.returncode == 0 and "photos analysed" in result.stderr, _tail(result)
    print(f"traced window: {seconds:.0f} s")  # shown with pytest -rP
    report = box.check(calls)
    assert report.violations == [], report.describe(f"the window ({seconds:.0f} s)")


@needs_strace
@pytest.mark.timeout(1500)
def test_the_studio_queue_under_strace_talks_only_on_loopback_and_stays_in_the_app_folders(
        tmp_path, _tiny_models, _face_photos):
    """Studio mode on one PC: its Dask scheduler and worker process talk TLS over loopback
    only, bind nothing but loopback, and write only the app's folders and the delivery."""
    box = Sandbox(tmp_path)
    out = tmp_path / "delivered"
    steps = [
        ("models import", app_command("models", "import", str(_tiny_models["sd15"]), "--name", "Traced"), 240),
        ("studio add", app_command("studio", "add", "Ann Example", str(_face_photos),
                                   "--styles", "corporate-executive:1"), 240),
        ("studio run", app_command("studio", "run", "--workers", "1", "--allow-cpu", "--steps", "2",
                                   "--train-steps", "2", "--no-upscale", "--deliver-to", str(out)), 600),
    ]
    failures, binds = [], []
    for name, command, timeout in steps:
        result, calls, _ = box.trace(command, name.replace(" ", "-"), timeout)
        assert result.returncode == 0, f"{name}: {_tail(result)}"
        report = box.check(calls, out)
        if report.violations:
            failures.append(report.describe(name))
        for call in calls:
            if call.name == "bind" and not call.failed:
                binds += [(family, address) for family, address, _ in _addresses(", ".join(call.args))]
    assert (out / "Ann Example.zip").is_file()  # the queue really ran
    assert binds and all(_is_loopback(address) for _, address in binds), binds
    assert failures == [], "\n\n".join(failures)
