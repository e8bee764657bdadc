"""App bootstrap and the main window: a wizard from selfies to exported headshots.

The window appears at once: torch, the models and the face analysis load in background
workers, and each page fills in when its data arrives. Steps are listed on the left
(Welcome, Session, Photos, Styles, Create, Gallery, and Privacy); Back/Next below
(Alt+Left / Alt+Right, Ctrl+Enter for Next). Size, place and last page are remembered.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from headshot_studio import __version__, offline, paths
from headshot_studio.settings import Settings, load_settings, save_settings
from headshot_studio.ui.controller import AppController
from headshot_studio.ui.widgets import ask_yes_no, show_error


# The wizard's steps in order, with their places in the list on the left.
PAGE_LABELS = {
    "welcome": "Welcome",
    "session": "1  Session",
    "photos": "2  Photos",
    "styles": "3  Styles",
    "create": "4  Create",
    "gallery": "5  Gallery",
    "privacy": "Privacy",
}


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings | None = None) -> None:
        super().__init__()
        self.settings = settings or load_settings()
        self.controller = AppController(self.settings, self)
        self.setWindowTitle("Headshot Studio")
        self.resize(1200, 800)

        self.pages = self._make_pages()
        self.stack = QStackedWidget()
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(170)
        for key, page in self.pages.items():
            self.stack.addWidget(page)
            self.nav.addItem(PAGE_LABELS[key])
        self.nav.currentRowChanged.connect(self._show_row)
        content = QVBoxLayout()
        content.addWidget(self.stack, 1)
        content.addLayout(self._build_footer())
        body = QHBoxLayout()
        body.addWidget(self.nav)
        body.addLayout(content, 1)
        central = QWidget()
        central.setLayout(body)
        self.setCentralWidget(central)
        self._connect()

        if self.settings.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(self.settings.window_geometry.encode("ascii")))
        self.show_page(self.settings.last_page if self.settings.last_page in ("welcome", "session", "privacy") else "welcome")
        self.controller.refresh_setup()

    def _make_pages(self) -> dict[str, QWidget]:
        from headshot_studio.ui.pages.create import CreatePage
        from headshot_studio.ui.pages.gallery import GalleryPage
        from headshot_studio.ui.pages.photos import PhotosPage
        from headshot_studio.ui.pages.privacy import PrivacyPage
        from headshot_studio.ui.pages.sessions import SessionsPage
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
        }

    def _build_footer(self) -> QHBoxLayout:
        """Settings and About, the open session, the version, and Back / Next."""
        self.back_button = QPushButton("Back")
        self.back_button.setObjectName("backButton")
        self.back_button.setToolTip("Previous step (Alt+Left)")
        self.back_button.clicked.connect(self.go_back)
        self.next_button = QPushButton("Next")
        self.next_button.setObjectName("nextButton")
        self.next_button.setToolTip("Next step (Alt+Right or Ctrl+Enter)")
        self.next_button.clicked.connect(self.go_next)
        settings_button = QPushButton("Settings…")
        settings_button.setObjectName("settingsButton")
        settings_button.clicked.connect(self.open_settings)
        about_button = QPushButton("About")
        about_button.setObjectName("aboutButton")
        about_button.setToolTip("Version, GPU, models and licences")
        about_button.clicked.connect(self.open_about)
        self.session_label = QLabel()
        self.session_label.setObjectName("sessionLabel")
        footer = QHBoxLayout()
        footer.addWidget(settings_button)
        footer.addWidget(about_button)
        footer.addWidget(self.session_label, 1)
        footer.addWidget(QLabel(f"v{__version__}"))
        footer.addWidget(self.back_button)
        footer.addWidget(self.next_button)
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
        self.controller.error.connect(lambda kind, message, details: show_error(self, message, details))
        self.controller.session_changed.connect(self._update_chrome)
        self.controller.run_state_changed.connect(lambda _: self._update_chrome())

    # --- navigation ------------------------------------------------------------------------
    def page_key(self) -> str:
        return list(self.pages)[self.stack.currentIndex()]

    def show_page(self, key: str) -> None:
        self.nav.setCurrentRow(list(self.pages).index(key))

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
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
        self.session_label.setText(f"Session: {session.name}" if session is not None else "No session open")
        # pages that need a session say so themselves; the list's tooltips say it too
        for row, page_key in enumerate(keys):
            needs_session = page_key in ("photos", "styles", "create", "gallery")
            self.nav.item(row).setToolTip("Start or open a session first" if needs_session and session is None else "")

    def open_settings(self) -> None:
        from headshot_studio.ui.dialogs.settings import SettingsDialog

        dialog = SettingsDialog(self.settings, self)
        if dialog.exec():
            self.settings = dialog.settings
            self.controller.settings = dialog.settings
            self.controller.refresh_setup()

    def open_about(self) -> None:
        from headshot_studio.ui.dialogs.about import AboutDialog

        AboutDialog(self.settings.extra_model_dirs(), self).exec()

    # --- closing ---------------------------------------------------------------------------
    def _confirm_close_during_run(self) -> bool:
        return ask_yes_no(
            self,
            "Stop and close?",
            "Headshots are being created. Stop now and close? Everything finished so far is kept, "
            "and the session can continue later.",
        )

    def closeEvent(self, event) -> None:
        if self.controller.run_worker.state.busy and not self._confirm_close_during_run():
            event.ignore()
            return
        self.settings.window_geometry = bytes(self.saveGeometry().toBase64()).decode("ascii")
        self.settings.last_page = self.page_key()
        self.controller.settings = self.settings
        self.controller.shutdown()  # cancels the run cleanly and waits for every thread
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
    window = MainWindow()
    window.show()
    return app.exec()
