"""The app and the desktop during a long run: keep the computer awake, and say when the
run is over.

Training and generation take about ten minutes on a GPU (far longer on a processor), and
people walk away meanwhile. So while a run goes, :class:`SleepInhibitor` keeps the system
from going to sleep (the screen may still turn off), and when a run ends while the window
is not in front, :func:`notify` tells the person:

* Windows: ``SetThreadExecutionState`` keeps the system awake; the tray icon's message
  (a toast) tells.
* Linux: the desktop's own inhibit interface over D-Bus (the XDG desktop portal, else
  org.freedesktop.ScreenSaver, else GNOME's session manager), else ``systemd-inhibit``;
  org.freedesktop.Notifications tells, else the tray.
* Elsewhere (macOS): no inhibit; the tray tells. Everywhere, the last resort is a flash
  of the window's taskbar entry.

D-Bus is a local socket to the user's own session: nothing here leaves the machine. All
of it runs on the Qt GUI thread, waits at most a second and a half for any one desktop
service, and never raises: a desktop that offers none of it gets False or "none" and one
log line.
"""

from __future__ import annotations

import atexit
import ctypes
import logging
import os
import select
import shutil
import signal
import subprocess
import sys

from PySide6.QtCore import QUrl
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget

from headshot_studio import paths

log = logging.getLogger(__name__)

APP_NAME = "Headshot Studio"
DESKTOP_ENTRY = "headshot-studio"  # the installed .desktop file's name (installer/linux)
DBUS_TIMEOUT_MS = 1500  # a desktop service that has not answered by then is not coming
HELPER_START_S = 2.0  # systemd-inhibit asks logind over the system bus before it holds
NOTIFICATION_MS = 10_000  # how long a notification stays up, where the desktop lets us say

# Windows' execution state flags (winbase.h).
ES_CONTINUOUS = 0x80000000  # the state stays until changed, not just for this call
ES_SYSTEM_REQUIRED = 0x00000001  # no idle sleep; the display may still turn off

# What the Linux inhibit asks to block (the portal's and GNOME's flags: 1 logout, 2 user
# switch, 4 suspend, 8 idle).
INHIBIT_SUSPEND_AND_IDLE = 4 | 8


def _icon_path() -> str:
    return str(paths.resources_dir() / "icons" / "headshot-studio-256.png")


class _DBusFailed(Exception):
    """A D-Bus service is missing, too slow, or refused the call (the message says which)."""


def _dbus_call(bus, service: str, path: str, interface: str, method: str, *args, returns: str | None = None):
    """``interface.method(*args)`` at ``service`` ``path``; ``args`` are ``Q_ARG``s, and
    ``returns`` the Qt type name of the reply's value, which is returned.

    The call goes through a QDBusInterface's meta-object, which sends each argument as the
    D-Bus type the service declares: a plain Python int always goes out as int32 ("i"),
    and GDBus and Qt services reject a call whose signature is not the method's ("u" for
    flags and cookies). The QDBusInterface learns the signatures by introspecting the
    service with Qt's own 25 s timeout, so we introspect first with ours: a service that
    is missing or stuck costs at most DBUS_TIMEOUT_MS.
    """
    from PySide6.QtCore import Q_RETURN_ARG, QMetaObject, Qt
    from PySide6.QtDBus import QDBus, QDBusInterface, QDBusMessage

    probe = QDBusMessage.createMethodCall(service, path, "org.freedesktop.DBus.Introspectable", "Introspect")
    reply = bus.call(probe, QDBus.CallMode.Block, DBUS_TIMEOUT_MS)
    if reply.type() != QDBusMessage.MessageType.ReplyMessage:
        raise _DBusFailed(f"{service}: {reply.errorName()}")
    proxy = QDBusInterface(service, path, interface, bus)
    meta = proxy.metaObject()
    if not any(meta.method(i).name().data().decode() == method for i in range(meta.methodCount())):
        raise _DBusFailed(f"{service} has no {interface}.{method}")
    proxy.setTimeout(DBUS_TIMEOUT_MS)
    direct = Qt.ConnectionType.DirectConnection
    try:
        if returns is None:
            QMetaObject.invokeMethod(proxy, method, direct, *args)
            value = None
        else:
            value = QMetaObject.invokeMethod(proxy, method, direct, Q_RETURN_ARG(returns), *args)
    except RuntimeError as error:  # the service's method takes other types than the spec's
        raise _DBusFailed(f"{service}: {interface}.{method}: {error}") from None
    error = proxy.lastError()
    if error.isValid():
        raise _DBusFailed(f"{service}: {error.name()}")
    return value


class SleepInhibitor:
    """Keeps the computer from going to sleep while a run goes.

    ``inhibit`` and ``release`` are idempotent and never raise; ``method`` says what holds
    the inhibit now ("none" when nothing does). Call both on the Qt GUI thread: on Windows
    the execution state belongs to the thread that sets it and ends with that thread, so a
    worker thread that sets it and finishes would let the computer sleep mid-run.

    ``bus`` (a QDBusConnection) is the session bus unless given: tests pass a private bus,
    since Qt connects ``QDBusConnection.sessionBus()`` once per process. ``platform`` is
    ``sys.platform`` unless given.
    """

    def __init__(self, bus=None, platform: str | None = None) -> None:
        self._bus = bus
        self._platform = platform or sys.platform
        self._method = "none"
        self._release = None  # undoes what holds the inhibit now
        self._process: subprocess.Popen | None = None  # systemd-inhibit, when it holds

    @property
    def method(self) -> str:
        return self._method

    def inhibit(self, reason: str) -> bool:
        """Keeps the computer awake for ``reason`` (shown by the desktop, e.g. "Training
        your headshot model") until ``release``; whether something now holds it."""
        if self._release is not None:
            return True
        if self._platform == "win32":
            ways = [("windows", self._windows)]
        elif self._platform.startswith("linux"):
            ways = [("portal", self._portal), ("screensaver", self._screensaver),
                    ("gnome-session", self._gnome_session), ("systemd-inhibit", self._systemd_inhibit)]
        else:
            ways = []
        tried = []
        for name, way in ways:
            try:
                self._release = way(reason)
            except (_DBusFailed, OSError) as error:
                tried.append(f"{name}: {error}")
                continue
            self._method = name
            log.info("keeping the computer awake during the run (%s)", name)
            return True
        log.warning("cannot keep the computer awake during the run on this system (%s)",
                    "; ".join(tried) or self._platform)
        return False

    def release(self) -> None:
        """Lets the computer sleep again; safe to call at any time, and more than once."""
        release, self._release, self._method = self._release, None, "none"
        if release is None:
            return
        try:
            release()
        except (_DBusFailed, OSError) as error:
            # The desktop drops our inhibit anyway when the app's connection closes.
            log.warning("could not release the sleep inhibit: %s", error)

    # --- Windows ---------------------------------------------------------------------

    def _windows(self, reason: str):
        windll = getattr(ctypes, "windll", None)  # there on Windows only
        if windll is None:
            raise OSError("no Windows API here")
        kernel32 = windll.kernel32
        if not kernel32.SetThreadExecutionState(ES_CONTINUOUS | ES_SYSTEM_REQUIRED):
            raise OSError("SetThreadExecutionState failed")
        return lambda: kernel32.SetThreadExecutionState(ES_CONTINUOUS)

    # --- Linux: the desktop over D-Bus -----------------------------------------------

    def _session_bus(self):
        if self._bus is None:
            from PySide6.QtDBus import QDBusConnection

            self._bus = QDBusConnection.sessionBus()
        if not self._bus.isConnected():
            raise _DBusFailed("no D-Bus session bus")
        return self._bus

    def _portal(self, reason: str):
        # The desktop portal works on every current desktop (GNOME, KDE, others) and in a
        # sandbox; it blocks suspend and idle until the request it returns is closed.
        from PySide6.QtCore import Q_ARG

        bus = self._session_bus()
        service = "org.freedesktop.portal.Desktop"
        handle = _dbus_call(bus, service, "/org/freedesktop/portal/desktop", "org.freedesktop.portal.Inhibit",
                            "Inhibit", Q_ARG(str, ""), Q_ARG("uint", INHIBIT_SUSPEND_AND_IDLE),
                            Q_ARG("QVariantMap", {"reason": reason}), returns="QDBusObjectPath")
        return lambda: _dbus_call(bus, service, handle.path(), "org.freedesktop.portal.Request", "Close")

    def _screensaver(self, reason: str):
        # KDE and others without the portal. This one only blocks idle (the screen saver
        # and idle suspend), not a suspend the person asks for: what a run needs.
        from PySide6.QtCore import Q_ARG

        bus = self._session_bus()
        where = ("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver")
        cookie = _dbus_call(bus, *where, "Inhibit", Q_ARG(str, APP_NAME), Q_ARG(str, reason), returns="uint")
        return lambda: _dbus_call(bus, *where, "UnInhibit", Q_ARG("uint", cookie))

    def _gnome_session(self, reason: str):
        # Older GNOME without the portal. toplevel_xid 0: the inhibit is not tied to a
        # window (there is no X id on Wayland).
        from PySide6.QtCore import Q_ARG

        bus = self._session_bus()
        where = ("org.gnome.SessionManager", "/org/gnome/SessionManager", "org.gnome.SessionManager")
        cookie = _dbus_call(bus, *where, "Inhibit", Q_ARG(str, DESKTOP_ENTRY), Q_ARG("uint", 0), Q_ARG(str, reason),
                            Q_ARG("uint", INHIBIT_SUSPEND_AND_IDLE), returns="uint")
        return lambda: _dbus_call(bus, *where, "Uninhibit", Q_ARG("uint", cookie))

    # --- Linux: systemd-inhibit ------------------------------------------------------

    def _systemd_inhibit(self, reason: str):
        # No desktop session (a window manager alone): logind itself, through its command
        # line tool, which holds the inhibit for as long as the command it runs. That
        # command says "held" once the inhibit is taken and then reads our end of a pipe
        # until it closes, so it ends with this process, even one that crashes.
        program = shutil.which("systemd-inhibit")
        if program is None:
            raise OSError("systemd-inhibit is not installed")
        process = subprocess.Popen(
            [program, "--what=sleep:idle", f"--who={APP_NAME}", f"--why={reason}", "--mode=block",
             "sh", "-c", "echo held && exec cat"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True)  # its own process group: ending it ends whatever it started
        ready, _, _ = select.select([process.stdout], [], [], HELPER_START_S)
        # a bounded read, never readline: a helper that prints half a line must not hang us
        said = os.read(process.stdout.fileno(), 64) if ready else b""
        if said.strip() == b"held" and process.poll() is None:
            self._process = process
            atexit.register(self._stop_process)  # the pipe would end it too; this is sooner
            return self._stop_process
        said = _end(process)
        raise OSError(f"systemd-inhibit did not hold the inhibit ({said or 'no answer'})")

    def _stop_process(self) -> None:
        process, self._process = self._process, None
        atexit.unregister(self._stop_process)
        if process is not None:
            _end(process)


def _end(process: subprocess.Popen) -> str:
    """Ends a systemd-inhibit we started and gives what it said on stderr."""
    process.stdin.close()  # the command's cat reads the end, and systemd-inhibit ends with it
    try:
        process.wait(timeout=HELPER_START_S)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the helper and anything it started
        except OSError:
            process.kill()
        process.wait()
    ready, _, _ = select.select([process.stderr], [], [], 0)  # never wait on a pipe a child may hold
    said = os.read(process.stderr.fileno(), 512) if ready else b""  # enough for a reason; a flood is cut
    process.stdout.close()
    process.stderr.close()
    return said.decode(errors="replace").strip()


# --- notifications ---------------------------------------------------------------------

def window_is_in_front(window: QWidget | None) -> bool:
    """Whether the person is looking at ``window``: it is the active window and not
    minimised (then no notification is needed)."""
    if window is None:
        return False
    top = window.window()
    return top.isVisible() and top.isActiveWindow() and not top.isMinimized()


def notify(title: str, body: str, window: QWidget | None, *, bus=None, platform: str | None = None) -> str:
    """Shows a system notification (a run ended or failed); says how: "dbus", "tray",
    "alert" (the taskbar entry flashes) or "none". The caller checks
    :func:`window_is_in_front` first. ``bus`` and ``platform`` as for SleepInhibitor."""
    platform = platform or sys.platform
    if platform.startswith("linux"):
        try:
            _notify_dbus(title, body, bus)
            return "dbus"
        except _DBusFailed as error:
            log.info("no desktop notifications over D-Bus (%s)", error)
    if QSystemTrayIcon.isSystemTrayAvailable():
        _tray(window).showMessage(title, body, QSystemTrayIcon.MessageIcon.Information, NOTIFICATION_MS)
        return "tray"
    if window is not None:
        QApplication.alert(window.window(), 0)  # 0: until the person comes back to it
        return "alert"
    log.warning("cannot show a notification on this system")
    return "none"


def notify_dbus(title: str, body: str, bus=None) -> bool:
    """Only the D-Bus notification (Linux), safe to call off the GUI thread: whether it
    was shown. The caller falls back to :func:`notify` on the GUI thread when not."""
    try:
        _notify_dbus(title, body, bus)
        return True
    except _DBusFailed as error:
        log.info("no desktop notifications over D-Bus (%s)", error)
        return False


def _notify_dbus(title: str, body: str, bus) -> None:
    # org.freedesktop.Notifications.Notify(app_name s, replaces_id u, app_icon s, summary s,
    # body s, actions as, hints a{sv}, expire_timeout i) -> id u. The icon as a file URI
    # also works when the app is not installed; desktop-entry lets the desktop group the
    # notification with the app.
    from PySide6.QtCore import Q_ARG
    from PySide6.QtDBus import QDBusConnection

    bus = bus if bus is not None else QDBusConnection.sessionBus()
    if not bus.isConnected():
        raise _DBusFailed("no D-Bus session bus")
    icon = QUrl.fromLocalFile(_icon_path()).toString()
    _dbus_call(bus, "org.freedesktop.Notifications", "/org/freedesktop/Notifications", "org.freedesktop.Notifications",
               "Notify", Q_ARG(str, APP_NAME), Q_ARG("uint", 0), Q_ARG(str, icon), Q_ARG(str, title), Q_ARG(str, body),
               Q_ARG("QStringList", []), Q_ARG("QVariantMap", {"desktop-entry": DESKTOP_ENTRY}),
               Q_ARG(int, NOTIFICATION_MS), returns="uint")


def _tray(window: QWidget | None) -> QSystemTrayIcon:
    """The app's tray icon, made on first use as a child of the window (else of the app),
    so it goes when the window goes; clicking it or its message brings the window back."""
    owner = window.window() if window is not None else QApplication.instance()
    tray = owner.findChild(QSystemTrayIcon, "notifications")
    if tray is None:
        tray = QSystemTrayIcon(QIcon(_icon_path()), owner)
        tray.setObjectName("notifications")
        tray.setToolTip(APP_NAME)
        if window is not None:
            def bring_back(*_):
                owner.showNormal()
                owner.raise_()
                owner.activateWindow()

            tray.activated.connect(bring_back)
            tray.messageClicked.connect(bring_back)
        tray.show()  # Windows shows a message only from a visible tray icon
    return tray
