"""ui/system.py: keeping the computer awake during a run, and telling the person when it ends.

Windows runs against a fake ``ctypes.windll``. The Linux D-Bus paths run against a real
private bus (a dbus-daemon of the test's own, with no activatable services) and fake
desktop services in a child process, which record every call they get. The fakes live in
a child process because PySide6 keeps the GIL during a blocking D-Bus call, so a fake in
this process could not answer. Each fake declares its methods with the types of the
specification, and Qt dispatches a call to a slot only when the call's signature is
exactly the slot's: a call with the wrong types never arrives (the first D-Bus test shows
the fakes declare what the specifications say). Run as a script, this file is the fakes.
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Slot
from PySide6.QtDBus import QDBusConnection, QDBusObjectPath

COOKIE = 4_000_000_000  # above int32: a cookie that went through as int32 would not come back
NOTIFICATION_ID = 3_000_000_000
PORTAL_HANDLE = "/org/freedesktop/portal/desktop/request/1_7/t"

# What the specifications say each method takes and gives (D-Bus signatures):
# org.freedesktop.portal.Inhibit, org.freedesktop.portal.Request (xdg-desktop-portal),
# org.freedesktop.ScreenSaver (freedesktop.org idle inhibition spec), org.gnome.SessionManager
# (gnome-session), org.freedesktop.Notifications (desktop notifications spec 1.2).
SPECIFIED = {
    ("org.freedesktop.portal.Inhibit", "Inhibit"): ("sua{sv}", "o"),
    ("org.freedesktop.portal.Request", "Close"): ("", ""),
    ("org.freedesktop.ScreenSaver", "Inhibit"): ("ss", "u"),
    ("org.freedesktop.ScreenSaver", "UnInhibit"): ("u", ""),
    ("org.gnome.SessionManager", "Inhibit"): ("susu", "u"),
    ("org.gnome.SessionManager", "Uninhibit"): ("u", ""),
    ("org.freedesktop.Notifications", "Notify"): ("susssasa{sv}i", "u"),
}


# --- the fake desktop services (run in a child process) ---------------------------------

class _Fake(QObject):
    def __init__(self, record: Path) -> None:
        super().__init__()
        self.record = record

    def got(self, *call) -> None:
        with self.record.open("a", encoding="utf-8") as file:
            file.write(json.dumps(call) + "\n")


class FakePortalInhibit(_Fake):
    @Slot(str, "uint", "QVariantMap", result="QDBusObjectPath")
    def Inhibit(self, window, flags, options):
        self.got("portal.Inhibit", window, flags, options)
        return QDBusObjectPath(PORTAL_HANDLE)


class FakePortalRequest(_Fake):
    @Slot()
    def Close(self):
        self.got("portal.Request.Close")


class FakeScreenSaver(_Fake):
    @Slot(str, str, result="uint")
    def Inhibit(self, application_name, reason_for_inhibit):
        self.got("ScreenSaver.Inhibit", application_name, reason_for_inhibit)
        return COOKIE

    @Slot("uint")
    def UnInhibit(self, cookie):
        self.got("ScreenSaver.UnInhibit", cookie)


class FakeSessionManager(_Fake):
    @Slot(str, "uint", str, "uint", result="uint")
    def Inhibit(self, app_id, toplevel_xid, reason, flags):
        self.got("SessionManager.Inhibit", app_id, toplevel_xid, reason, flags)
        return COOKIE

    @Slot("uint")
    def Uninhibit(self, inhibit_cookie):
        self.got("SessionManager.Uninhibit", inhibit_cookie)


class FakeNotifications(_Fake):
    @Slot(str, "uint", str, str, str, "QStringList", "QVariantMap", int, result="uint")
    def Notify(self, app_name, replaces_id, app_icon, summary, body, actions, hints, expire_timeout):
        self.got("Notify", app_name, replaces_id, app_icon, summary, body, actions, hints, expire_timeout)
        return NOTIFICATION_ID


# service name -> [(object path, interface, fake class)]
FAKES = {
    "org.freedesktop.portal.Desktop": [
        ("/org/freedesktop/portal/desktop", "org.freedesktop.portal.Inhibit", FakePortalInhibit),
        (PORTAL_HANDLE, "org.freedesktop.portal.Request", FakePortalRequest),
    ],
    "org.freedesktop.ScreenSaver": [("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver", FakeScreenSaver)],
    "org.gnome.SessionManager": [("/org/gnome/SessionManager", "org.gnome.SessionManager", FakeSessionManager)],
    "org.freedesktop.Notifications": [
        ("/org/freedesktop/Notifications", "org.freedesktop.Notifications", FakeNotifications)],
}


def serve(address: str, record: Path, services: list[str]) -> None:
    app = QCoreApplication([])
    bus = QDBusConnection.connectToBus(address, "fake-desktop")
    objects = []
    for service in services:
        for path, interface, fake in FAKES[service]:
            objects.append(fake(record))
            assert bus.registerObject(path, interface, objects[-1], QDBusConnection.RegisterOption.ExportAllSlots)
        assert bus.registerService(service)
    objects[0].got("ready")
    app.exec()


if __name__ == "__main__":
    serve(sys.argv[1], Path(sys.argv[2]), sys.argv[3:])
    sys.exit()


# --- the tests ---------------------------------------------------------------------------

import pytest  # noqa: E402
from PySide6.QtDBus import QDBus, QDBusMessage  # noqa: E402
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget  # noqa: E402

from headshot_studio.ui import system  # noqa: E402

REASON = "Training your headshot model"


class PrivateBus:
    """A dbus-daemon of the test's own and a connection to it; ``serve`` starts fake
    desktop services on it, ``calls`` gives what they got."""

    def __init__(self, folder: Path, qtbot) -> None:
        self.folder, self.qtbot = folder, qtbot
        # The policy of the standard session bus (sending and receiving need a rule each),
        # without its <servicedir>s: nothing installed on this machine starts on a call.
        config = folder / "bus.conf"
        config.write_text(
            "<!DOCTYPE busconfig PUBLIC '-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN'"
            " 'http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd'>\n"
            f"<busconfig><type>session</type><listen>unix:dir={folder}</listen><auth>EXTERNAL</auth>"
            "<policy context='default'><allow send_destination='*' eavesdrop='true'/><allow eavesdrop='true'/>"
            "<allow own='*'/></policy></busconfig>\n",
            encoding="utf-8")
        self.daemon = subprocess.Popen(["dbus-daemon", f"--config-file={config}", "--print-address", "--nofork"],
                                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.name = f"test-{id(self)}"
        self.record = folder / "calls.jsonl"
        self.fakes: list[subprocess.Popen] = []

    def connect(self) -> None:
        self.address = self.daemon.stdout.readline().strip()
        self.connection = QDBusConnection.connectToBus(self.address, self.name)
        assert self.connection.isConnected(), self.connection.lastError().message()

    def serve(self, *services: str) -> None:
        self.fakes.append(subprocess.Popen([sys.executable, __file__, self.address, str(self.record), *services]))
        self.qtbot.waitUntil(lambda: ["ready"] in self.calls(), timeout=30_000)
        self.record.unlink()

    def calls(self) -> list[list]:
        if not self.record.exists():
            return []
        return [json.loads(line) for line in self.record.read_text(encoding="utf-8").splitlines()]

    def close(self) -> None:
        for fake in self.fakes:
            fake.terminate()
            fake.wait()
        QDBusConnection.disconnectFromBus(self.name)
        self.daemon.terminate()
        self.daemon.wait()
        self.daemon.stdout.close()


@pytest.fixture
def bus(tmp_path, qtbot):
    if shutil.which("dbus-daemon") is None:
        pytest.skip("needs dbus-daemon (Debian package dbus-daemon)")
    private = PrivateBus(tmp_path, qtbot)
    try:
        private.connect()
        yield private
    finally:
        private.close()


@pytest.fixture
def no_bus(qapp):
    """A D-Bus connection that is not connected (no desktop session)."""
    connection = QDBusConnection.connectToBus("unix:path=/nonexistent/bus", "nowhere")
    assert not connection.isConnected()
    yield connection
    QDBusConnection.disconnectFromBus("nowhere")


@pytest.fixture
def path_with(tmp_path, monkeypatch):
    """PATH holding only a folder of the test's programs, and the two that the command
    under systemd-inhibit runs (never this machine's own systemd-inhibit)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for name in ("sh", "cat"):
        (folder / name).symlink_to(shutil.which(name))
    monkeypatch.setenv("PATH", str(folder))

    def add(name: str, source: str) -> Path:
        program = folder / name
        program.write_text(f"#!{sys.executable}\n{source}", encoding="utf-8")
        program.chmod(0o755)
        return program

    return add


# --- Windows ---------------------------------------------------------------------------

class FakeKernel32:
    def __init__(self, answer: int = 0x80000000) -> None:
        self.answer = answer
        self.calls: list[int] = []

    def SetThreadExecutionState(self, flags):  # noqa: N802 (the Windows name)
        self.calls.append(flags)
        return self.answer


def test_windows_keeps_the_system_awake_until_released(monkeypatch):
    kernel32 = FakeKernel32()
    monkeypatch.setattr(ctypes, "windll", type("windll", (), {"kernel32": kernel32}), raising=False)
    inhibitor = system.SleepInhibitor(platform="win32")

    assert inhibitor.inhibit(REASON) and inhibitor.inhibit(REASON)
    assert kernel32.calls == [0x80000001]  # ES_CONTINUOUS | ES_SYSTEM_REQUIRED, once
    assert inhibitor.method == "windows"
    inhibitor.release()
    inhibitor.release()
    assert kernel32.calls == [0x80000001, 0x80000000]  # ES_CONTINUOUS alone: the normal state
    assert inhibitor.method == "none"


def test_windows_refusing_the_state_is_reported(monkeypatch, caplog):
    kernel32 = FakeKernel32(answer=0)  # SetThreadExecutionState gives 0 when it fails
    monkeypatch.setattr(ctypes, "windll", type("windll", (), {"kernel32": kernel32}), raising=False)
    inhibitor = system.SleepInhibitor(platform="win32")
    with caplog.at_level(logging.WARNING, logger=system.__name__):
        assert not inhibitor.inhibit(REASON)
    assert inhibitor.method == "none" and len(caplog.records) == 1
    inhibitor.release()
    assert kernel32.calls == [0x80000001]  # nothing to undo


# --- Linux: D-Bus ------------------------------------------------------------------------

def _signatures(connection, service: str, path: str, interface: str) -> dict[str, tuple[str, str]]:
    """{method: (in signature, out signature)} from the service's introspection data."""
    message = QDBusMessage.createMethodCall(service, path, "org.freedesktop.DBus.Introspectable", "Introspect")
    reply = connection.call(message, QDBus.CallMode.Block, 5000)
    assert reply.type() == QDBusMessage.MessageType.ReplyMessage, reply.errorMessage()
    node = ET.fromstring(reply.arguments()[0]).find(f"interface[@name='{interface}']")
    return {
        method.get("name"): tuple("".join(arg.get("type") for arg in method.findall("arg")
                                          if arg.get("direction", "in") == direction) for direction in ("in", "out"))
        for method in node.findall("method")
    }


def test_the_fake_services_take_what_the_specifications_say(bus):
    bus.serve(*FAKES)
    declared = {}
    for service, objects in FAKES.items():
        for path, interface, _ in objects:
            declared |= {(interface, method): signature
                         for method, signature in _signatures(bus.connection, service, path, interface).items()}
    assert declared == SPECIFIED
    # and a call with an int32 where the specification says uint32 does not get through
    message = QDBusMessage.createMethodCall("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver",
                                            "org.freedesktop.ScreenSaver", "UnInhibit")
    message.setArguments([7])  # a Python int goes out as int32
    assert bus.connection.call(message, QDBus.CallMode.Block, 5000).errorName() == \
        "org.freedesktop.DBus.Error.UnknownMethod"
    assert bus.calls() == []


def test_the_desktop_portal_comes_first_and_its_request_is_closed(bus):
    bus.serve("org.freedesktop.portal.Desktop", "org.freedesktop.ScreenSaver")
    inhibitor = system.SleepInhibitor(bus.connection, platform="linux")

    assert inhibitor.inhibit(REASON) and inhibitor.inhibit(REASON)
    assert inhibitor.method == "portal"
    assert bus.calls() == [["portal.Inhibit", "", 4 | 8, {"reason": REASON}]]  # suspend | idle
    inhibitor.release()
    inhibitor.release()
    assert bus.calls()[1:] == [["portal.Request.Close"]]


def test_the_screensaver_interface_gets_its_cookie_back(bus):
    bus.serve("org.freedesktop.ScreenSaver", "org.gnome.SessionManager")
    inhibitor = system.SleepInhibitor(bus.connection, platform="linux")

    assert inhibitor.inhibit(REASON)
    assert inhibitor.method == "screensaver"
    inhibitor.release()
    assert bus.calls() == [["ScreenSaver.Inhibit", "Headshot Studio", REASON], ["ScreenSaver.UnInhibit", COOKIE]]
    assert inhibitor.method == "none"


def test_gnome_session_manager_gets_its_cookie_back(bus):
    bus.serve("org.gnome.SessionManager")
    inhibitor = system.SleepInhibitor(bus.connection, platform="linux")

    assert inhibitor.inhibit(REASON)
    assert inhibitor.method == "gnome-session"
    inhibitor.release()
    assert bus.calls() == [["SessionManager.Inhibit", "headshot-studio", 0, REASON, 4 | 8],
                           ["SessionManager.Uninhibit", COOKIE]]


def test_a_notification_over_dbus(bus):
    bus.serve("org.freedesktop.Notifications")

    assert system.notify("Your headshots are ready", "24 pictures", None, bus=bus.connection,
                         platform="linux") == "dbus"
    [[member, app_name, replaces_id, app_icon, summary, body, actions, hints, expire_ms]] = bus.calls()
    assert (member, app_name, replaces_id, summary, body, actions, hints, expire_ms) == (
        "Notify", "Headshot Studio", 0, "Your headshots are ready", "24 pictures", [],
        {"desktop-entry": "headshot-studio"}, 10_000)
    assert app_icon.startswith("file:///") and app_icon.endswith("/icons/headshot-studio-256.png")
    assert Path(app_icon.removeprefix("file://")).is_file()


# --- Linux: systemd-inhibit, and nothing at all ----------------------------------------

FAKE_SYSTEMD_INHIBIT = """\
import json, os, subprocess, sys
arguments = sys.argv[1:]
options = [a for a in arguments if a.startswith("--")]
child = subprocess.Popen(arguments[len(options):])  # like systemd-inhibit: a child, which it waits for
with open(os.environ["FAKE_RECORD"], "w") as file:
    json.dump({"options": options, "command": arguments[len(options):], "pid": os.getpid(), "child": child.pid}, file)
sys.exit(child.wait())
"""


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_systemd_inhibit_holds_until_released_and_its_command_ends(no_bus, path_with, tmp_path, monkeypatch, qtbot):
    record = tmp_path / "systemd-inhibit.json"
    monkeypatch.setenv("FAKE_RECORD", str(record))
    path_with("systemd-inhibit", FAKE_SYSTEMD_INHIBIT)
    inhibitor = system.SleepInhibitor(no_bus, platform="linux")

    assert inhibitor.inhibit(REASON) and inhibitor.inhibit(REASON)
    assert inhibitor.method == "systemd-inhibit"
    qtbot.waitUntil(record.exists)
    started = json.loads(record.read_text(encoding="utf-8"))
    assert started["options"] == ["--what=sleep:idle", "--who=Headshot Studio", f"--why={REASON}", "--mode=block"]
    assert started["command"][:2] == ["sh", "-c"]
    assert _running(started["pid"]) and _running(started["child"])

    inhibitor.release()
    assert not _running(started["child"]) and not _running(started["pid"])
    assert inhibitor.method == "none"
    inhibitor.release()


def test_a_systemd_inhibit_that_is_refused_is_reported(no_bus, path_with, caplog):
    path_with("systemd-inhibit", "import sys\nsys.exit('Failed to inhibit: Access denied')\n")
    inhibitor = system.SleepInhibitor(no_bus, platform="linux")
    with caplog.at_level(logging.WARNING, logger=system.__name__):
        assert not inhibitor.inhibit(REASON)
    assert inhibitor.method == "none"
    [line] = [r.getMessage() for r in caplog.records]
    assert "Access denied" in line


@pytest.mark.parametrize("platform", ["linux", "darwin"])
def test_with_nothing_to_ask_inhibit_says_no(platform, no_bus, path_with, caplog):
    inhibitor = system.SleepInhibitor(no_bus, platform=platform)  # and no systemd-inhibit on PATH
    with caplog.at_level(logging.WARNING, logger=system.__name__):
        assert not inhibitor.inhibit(REASON)
    assert inhibitor.method == "none" and len(caplog.records) == 1
    inhibitor.release()


# --- notifications without D-Bus --------------------------------------------------------

class RecordingTray(QSystemTrayIcon):
    messages: list = []

    @staticmethod
    def isSystemTrayAvailable():  # noqa: N802 (Qt's name)
        return True

    def showMessage(self, *args):  # noqa: N802
        RecordingTray.messages.append((self.parent(), self.isVisible(), *args))


def test_the_tray_tells_when_there_is_one_else_the_taskbar_flashes(qtbot, monkeypatch, no_bus):
    window = QWidget()
    qtbot.addWidget(window)
    monkeypatch.setattr(RecordingTray, "messages", [])
    monkeypatch.setattr(system, "QSystemTrayIcon", RecordingTray)

    assert system.notify("Your headshots are ready", "24 pictures", window, platform="win32") == "tray"
    assert system.notify("The run stopped", "Out of memory", window, bus=no_bus, platform="linux") == "tray"
    assert [m[:4] for m in RecordingTray.messages] == [
        (window, True, "Your headshots are ready", "24 pictures"), (window, True, "The run stopped", "Out of memory")]
    assert len(window.findChildren(QSystemTrayIcon)) == 1  # made once

    monkeypatch.setattr(RecordingTray, "isSystemTrayAvailable", staticmethod(lambda: False))
    alerted = []
    monkeypatch.setattr(QApplication, "alert", lambda widget, ms=0: alerted.append((widget, ms)))
    assert system.notify("Your headshots are ready", "", window, platform="win32") == "alert"
    assert alerted == [(window, 0)]
    assert system.notify("Your headshots are ready", "", None, platform="darwin") == "none"


def test_window_in_front(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    assert not system.window_is_in_front(None)
    assert not system.window_is_in_front(window)  # not shown yet
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert system.window_is_in_front(window)
    window.showMinimized()
    assert not system.window_is_in_front(window)
