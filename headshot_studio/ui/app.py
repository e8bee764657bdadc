"""App bootstrap and the main window: a wizard from selfies to exported headshots.

The window appears at once: torch, the models and the face analysis load in background
workers, and each page fills in when its data arrives. The band at the top shows the
five steps (Session, Photos, Styles, Create, Gallery), each done, now or next, and the
app's name leads back to Welcome; the band below has Privacy, Settings, About, Studio
(the client queue, outside the wizard: ui/pages/studio.py) and Back/Next (Alt+Left /
Alt+Right, Ctrl+Enter for Next). Size, place and last page are
remembered. The look (ui/theme.py) follows the system's light or dark setting unless
Settings chooses one.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from headshot_studio import __version__, offline, paths
from headshot_studio.settings import Settings, load_settings, save_settings
from headshot_studio.ui import i18n, theme
from headshot_studio.ui.controller import AppController
from headshot_studio.ui.step_header import StepHeader
from headshot_studio.ui.studio_controller import StudioController
from headshot_studio.ui.system import SleepInhibitor, notify, notify_dbus, window_is_in_front
from headshot_studio.ui.widgets import ask_yes_no, quiet_button, show_error
from headshot_studio.ui.workers import JobState


class MainWindow(QMainWindow):
    notify_fallback = Signal(str, str)  # title, body: D-Bus had no notifications (from the desktop thread)

    def __init__(self, settings: Settings | None = None) -> None:
        super().__init__()
        self.settings = settings or load_settings()
        self.controller = AppController(self.settings, self)
        self.studio = StudioController(self.settings, self)
        self.setWindowTitle(self.tr("Headshot Studio"))
        self.setMinimumSize(1024, 700)  # the smallest window every page is made to work in
        self.resize(1280, 800)

        self._has_headshots = False
        self.sleep_inhibitor = SleepInhibitor()
        self._desktop_thread = (None if sys.platform == "win32"
                                else ThreadPoolExecutor(max_workers=1, thread_name_prefix="desktop"))
        self.notify_fallback.connect(lambda title, body: notify(title, body, self, platform="fallback"))
        self.pages = self._make_pages()
        self.stack = QStackedWidget()
        for page in self.pages.values():
            self.stack.addWidget(page)
        self.steps = StepHeader({
            "session": self.tr("Session"), "photos": self.tr("Photos"), "styles": self.tr("Styles"),
            "create": self.tr("Create"), "gallery": self.tr("Gallery"),
        })
        self.steps.step_chosen.connect(self.show_page)
        self.stack.currentChanged.connect(lambda _: self._update_chrome())
        content = QVBoxLayout()
        content.setContentsMargins(theme.PAGE_MARGIN, theme.PAGE_MARGIN, theme.PAGE_MARGIN, 2 * theme.SPACE)
        content.addWidget(self.stack, 1)
        body = QVBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.steps)
        body.addLayout(content, 1)
        body.addWidget(self._build_footer())
        central = QWidget()
        central.setLayout(body)
        self.setCentralWidget(central)
        self._connect()

        if self.settings.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(self.settings.window_geometry.encode("ascii")))
        self.show_page(self.settings.last_page if self.settings.last_page in ("welcome", "session", "privacy", "studio") else "welcome")
        self.controller.refresh_setup()

    def _make_pages(self) -> dict[str, QWidget]:
        from headshot_studio.ui.pages.create import CreatePage
        from headshot_studio.ui.pages.gallery import GalleryPage
        from headshot_studio.ui.pages.photos import PhotosPage
        from headshot_studio.ui.pages.privacy import PrivacyPage
        from headshot_studio.ui.pages.sessions import SessionsPage
        from headshot_studio.ui.pages.studio import StudioPage
        from headshot_studio.ui.pages.styles import StylesPage
        from headshot_studio.ui.pages.welcome import WelcomePage

        return {
            "welcome": WelcomePage(self.controller),
            "session": SessionsPage(self.controller),
            "photos": PhotosPage(self.controller),
            "styles": StylesPage(self.controller),
            "create": CreatePage(self.controller),
            "gallery": GalleryPage(self.controller),
            "privacy": PrivacyPage(self.controller),
            "studio": StudioPage(self.studio),  # outside the wizard: a queue of clients
        }

    def _build_footer(self) -> QFrame:
        """Privacy, Settings and About, the open session, the version, and Back / Next."""
        def footer_button(name: str, text: str, icon: str, tip: str) -> QPushButton:
            button = quiet_button(text, icon)
            button.setObjectName(name)
            button.setToolTip(tip)
            return button

        privacy = footer_button("privacyButton", self.tr("Privacy"), "privacy",
                                self.tr("Delete selfies, learned faces and headshots"))
        privacy.clicked.connect(lambda: self.show_page("privacy"))
        settings_button = footer_button("settingsButton", self.tr("Settings…"), "settings",
                                        self.tr("Look, quality, retouching and photo handling"))
        settings_button.clicked.connect(self.open_settings)
        about_button = footer_button("aboutButton", self.tr("About"), "about", self.tr("Version, GPU, models and licences"))
        about_button.clicked.connect(self.open_about)
        studio_button = footer_button("studioButton", self.tr("Studio"), "studio",
                                      self.tr("A queue of clients, run one after another on every GPU"))
        studio_button.clicked.connect(lambda: self.show_page("studio"))
        self.session_label = QLabel()
        self.session_label.setObjectName("sessionLabel")
        self.session_label.setTextFormat(Qt.TextFormat.PlainText)
        theme.set_role(self.session_label, "role", "muted")
        version = QLabel(f"v{__version__}")
        theme.set_role(version, "role", "small")
        self.back_button = QPushButton(theme.icon("back"), self.tr("Back"))
        self.back_button.setObjectName("backButton")
        self.back_button.setToolTip(self.tr("Previous step (Alt+Left)"))
        self.back_button.clicked.connect(self.go_back)
        self.next_button = QPushButton(self.tr("Next"))
        self.next_button.setObjectName("nextButton")
        self.next_button.setToolTip(self.tr("Next step (Alt+Right or Ctrl+Enter)"))
        self.next_button.setIcon(theme.icon("next"))
        self.next_button.setLayoutDirection(Qt.LayoutDirection.RightToLeft)  # the arrow after the word
        self.next_button.clicked.connect(self.go_next)
        footer = QFrame()
        footer.setObjectName("footer")
        theme.set_role(footer, "band", "bottom")
        row = QHBoxLayout(footer)
        row.setContentsMargins(2 * theme.SPACE, theme.SPACE, 2 * theme.SPACE, theme.SPACE)
        row.setSpacing(theme.SPACE)
        for widget in (privacy, settings_button, about_button, studio_button):
            row.addWidget(widget)
        row.addSpacing(2 * theme.SPACE)
        row.addWidget(self.session_label, 1)
        row.addWidget(version)
        row.addSpacing(theme.SPACE)
        row.addWidget(self.back_button)
        row.addWidget(self.next_button)
        return footer

    def _connect(self) -> None:
        """Keyboard shortcuts, the pages' requests to move on, and the controller's news."""
        QShortcut(QKeySequence("Alt+Right"), self, self.go_next)
        QShortcut(QKeySequence("Alt+Left"), self, self.go_back)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.go_next)
        for page in self.pages.values():
            if hasattr(page, "next_requested"):  # the pages whose work ends in "go on"
                page.next_requested.connect(self.go_next)
        self.pages["gallery"].more_like_this_requested.connect(lambda *_: self.show_page("create"))
        self.pages["gallery"].page_requested.connect(self.show_page)
        self.controller.error.connect(lambda kind, message, details: show_error(self, message, details))
        self.controller.session_changed.connect(self._gallery_changed)
        self.controller.gallery_changed.connect(self._gallery_changed)
        self.controller.photos_changed.connect(self._update_chrome)
        self.controller.styles_changed.connect(self._update_chrome)
        self.controller.run_state_changed.connect(lambda _: self._update_chrome())
        self.controller.run_state_changed.connect(self._run_state_changed)

    # --- navigation ------------------------------------------------------------------------
    def page_key(self) -> str:
        return list(self.pages)[self.stack.currentIndex()]

    def show_page(self, key: str) -> None:
        self.stack.setCurrentIndex(list(self.pages).index(key))
        self._update_chrome()

    def go_next(self) -> None:
        keys = list(self.pages)
        index = keys.index(self.page_key())
        if index < keys.index("gallery"):
            self.show_page(keys[index + 1])

    def go_back(self) -> None:
        keys = list(self.pages)
        index = keys.index(self.page_key())
        if 0 < index <= keys.index("gallery"):
            self.show_page(keys[index - 1])

    def _update_chrome(self) -> None:
        key = self.page_key()
        keys = list(self.pages)
        self.back_button.setEnabled(0 < keys.index(key) <= keys.index("gallery"))
        self.next_button.setEnabled(keys.index(key) < keys.index("gallery"))
        session = self.controller.session
        self.session_label.setText(self.tr("Session: {name}").format(name=session.name) if session is not None
                                   else self.tr("No session open"))
        self.steps.show_steps(key, self._steps_done())
        # pages that need a session say so themselves; the steps' tooltips say it too
        for step, button in self.steps.buttons.items():
            button.setToolTip(self.tr("Start or open a session first") if step != "session" and session is None else "")

    def _steps_done(self) -> set[str]:
        """The steps whose work is done in the open session (the header ticks them)."""
        controller = self.controller
        if controller.session is None:
            return set()
        done = {"session"}
        if controller.session.manifest.get("photos_deleted") or (controller.set_report is not None and controller.set_report.ready):
            done.add("photos")
        if any(count > 0 for count in controller.style_counts.values()):
            done.add("styles")
        if self._has_headshots:
            done.add("create")
        return done

    def _gallery_changed(self) -> None:
        self._has_headshots = bool(self.controller.gallery())
        self._update_chrome()

    # --- a run: keep the computer awake, say when it ends -------------------------------------
    def _run_state_changed(self, state: JobState) -> None:
        """While a run works, the computer must not go to sleep (it would stop the run); when
        it ends while the window is not in front, a system notification says so."""
        if state == JobState.RUNNING:
            self._ask_desktop(self.sleep_inhibitor.inhibit, self.tr("Creating headshots"))
            return
        if state.busy:
            return
        self._ask_desktop(self.sleep_inhibitor.release)
        if state in (JobState.FINISHED, JobState.FAILED) and not window_is_in_front(self):
            if state == JobState.FINISHED:
                body = self.tr("Your headshots are ready: {count} in the gallery.").format(
                    count=len(self.controller.gallery()))
            else:
                body = self.tr("The run stopped because of a problem. Open Headshot Studio to see what to do.")
            title = self.tr("Headshot Studio")
            if self._desktop_thread is None:
                notify(title, body, self)
            else:  # D-Bus first, off this thread; the tray or a taskbar flash here if it is not there
                self._desktop_thread.submit(
                    lambda: notify_dbus(title, body) or self.notify_fallback.emit(title, body))

    def _ask_desktop(self, call, *args) -> None:
        """The desktop's D-Bus services and systemd-inhibit can take seconds to answer (or
        never answer), so on Linux they are asked from a thread of their own, in order. On
        Windows the keep-awake state belongs to the thread that sets it: this one."""
        if self._desktop_thread is None:
            call(*args)
        else:
            self._desktop_thread.submit(call, *args)

    def open_settings(self) -> None:
        from headshot_studio.ui.dialogs.settings import SettingsDialog

        dialog = SettingsDialog(self.settings, self)
        if dialog.exec():
            self.settings = dialog.settings
            self.controller.settings = dialog.settings
            self.studio.settings = dialog.settings
            theme.apply(QApplication.instance(), self.settings.appearance)
            self.controller.refresh_setup()

    def open_about(self) -> None:
        from headshot_studio.ui.dialogs.about import AboutDialog

        AboutDialog(self.settings.extra_model_dirs(), self).exec()

    # --- closing ---------------------------------------------------------------------------
    def _confirm_close_during_run(self) -> bool:
        return ask_yes_no(
            self,
            self.tr("Stop and close?"),
            self.tr("Headshots are being created. Stop now and close? Everything finished so far is kept, "
                    "and the session can continue later."),
        )

    def closeEvent(self, event) -> None:
        if self.controller.run_worker.state.busy and not self._confirm_close_during_run():
            event.ignore()
            return
        if self.studio.busy() and not ask_yes_no(self, self.tr("Stop the studio and close?"), self.tr(
                "The studio queue (or lending this PC) is running. Stop it and close? Every client is kept: the "
                "queue goes on where it stopped at the next start.")):
            event.ignore()
            return
        self.settings.window_geometry = bytes(self.saveGeometry().toBase64()).decode("ascii")
        self.settings.last_page = self.page_key()
        self.controller.settings = self.settings
        self.controller.shutdown()  # cancels the run cleanly and waits for every thread
        self.studio.shutdown()
        self._ask_desktop(self.sleep_inhibitor.release)
        if self._desktop_thread is not None:
            self._desktop_thread.shutdown(wait=True)  # each call is bounded by its own timeouts
            self._desktop_thread = None  # a second close (or a late release) runs here: a no-op by then
        for page in self.pages.values():
            loader = getattr(page, "thumbnails", None)
            if loader is not None:
                loader.wait()
        save_settings(self.settings)
        super().closeEvent(event)


def run_app() -> int:
    offline.contain_qt_settings()  # Qt's file-dialog history goes to our folders, not ~/.config/QtProject.conf
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Headshot Studio")
    app.setDesktopFileName("headshot-studio")  # matches the installed .desktop file (Linux)
    app.setWindowIcon(QIcon(str(paths.resources_dir() / "icons" / "headshot-studio-256.png")))
    i18n.install_translators(app)  # before any widget is made: texts are translated when built
    settings = load_settings()
    theme.apply(app, settings.appearance)
    window = MainWindow(settings)
    theme.follow_system(app, lambda: window.settings.appearance)
    window.show()
    return app.exec()
