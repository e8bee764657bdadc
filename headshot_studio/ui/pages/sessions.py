"""Sessions: start a new one (named after the client, for studios) or reopen one; past
sessions with a thumbnail, date and state; delete with confirmation."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from headshot_studio.ui.widgets import ask_yes_no, heading, primary_button, show_error
from headshot_studio.ui.workers import ThumbnailLoader

DAMAGED_ROLE = Qt.ItemDataRole.UserRole + 2

STATE_WORDS = {
    "new": "new",
    "checked": "photos checked",
    "prepared": "photos prepared",
    "trained": "face learned",
    "generated": "headshots made",
    "finished": "finished",
    "cancelled": "stopped — can continue",
    "failed": "stopped by a problem",
}


class SessionsPage(QWidget):
    title = "Session"
    next_requested = Signal()

    def __init__(self, controller) -> None:
        super().__init__()
        self.controller = controller
        self.setObjectName("sessionsPage")
        self.thumbnails = ThumbnailLoader(self)
        self.thumbnails.loaded.connect(self._on_thumbnail)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Start a session"))
        hint = QLabel("A session keeps one person's photos, learned face and headshots together. "
                      "Studios: use the client's name.")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        row = QHBoxLayout()
        self.name_field = QLineEdit()
        self.name_field.setObjectName("sessionName")
        self.name_field.setPlaceholderText("Name, e.g. Alex Morgan")
        self.name_field.setToolTip("A name to find this session again later")
        self.name_field.returnPressed.connect(self._start)
        row.addWidget(self.name_field, 1)
        self.start_button = primary_button("Start new session")
        self.start_button.setObjectName("newSessionButton")
        self.start_button.clicked.connect(self._start)
        row.addWidget(self.start_button)
        layout.addLayout(row)

        layout.addWidget(heading("Past sessions"))
        self.list = QListWidget()
        self.list.setObjectName("sessionList")
        self.list.setIconSize(QSize(64, 64))
        self.list.itemActivated.connect(lambda item: self._open())
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.list, 1)
        self.empty_label = QLabel("No sessions yet.")
        layout.addWidget(self.empty_label)
        buttons = QHBoxLayout()
        self.open_button = QPushButton("Open")
        self.open_button.setObjectName("openSessionButton")
        self.open_button.setToolTip("Continue with the selected session (Enter)")
        self.open_button.clicked.connect(self._open)
        self.delete_button = QPushButton("Delete…")
        self.delete_button.setObjectName("deleteSessionButton")
        self.delete_button.setToolTip("Delete the selected session: its photos, learned face and headshots (Delete)")
        self.delete_button.clicked.connect(self._delete)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch()
        layout.addLayout(buttons)
        self.current_label = QLabel()
        self.current_label.setObjectName("currentSession")
        layout.addWidget(self.current_label)
        QShortcut(QKeySequence.StandardKey.Delete, self.list, self._delete)

        controller.session_changed.connect(self.refresh)
        self.refresh()

    def showEvent(self, event) -> None:
        self.refresh()  # states and counts change while other pages work
        super().showEvent(event)

    def refresh(self) -> None:
        from headshot_studio.core.files import printable

        self.list.clear()
        sessions, damaged = self.controller.scan_sessions()
        for session in sessions:
            updated = session.manifest.get("updated_at", "")[:16].replace("T", " ")
            state = STATE_WORDS.get(session.state, session.state)
            images = len(session.headshots())
            text = (f"{printable(session.name)}\n{updated} · {len(session.manifest['photos'])} photos · "
                    f"{images} headshots · {state}")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, session.id)
            item.setToolTip(f"Session {session.id}")
            self.list.addItem(item)
            thumbnail = session.thumbnail()
            if thumbnail is not None:
                item.setData(Qt.ItemDataRole.UserRole + 1, str(thumbnail))
                self.thumbnails.request(thumbnail, 128)
        for entry in damaged:  # listed, never hidden: the user can see it and delete it
            item = QListWidgetItem(f"Damaged session {entry.id}\nIt cannot be opened. Select it and choose Delete…")
            item.setData(Qt.ItemDataRole.UserRole, entry.id)
            item.setData(DAMAGED_ROLE, True)
            item.setToolTip(entry.message)
            item.setForeground(self.palette().placeholderText())
            self.list.addItem(item)
        self.empty_label.setVisible(self.list.count() == 0)
        current = self.controller.session
        self.current_label.setText(f"Working on: {printable(current.name)}" if current is not None else "")
        self._update_buttons()

    def _on_thumbnail(self, path: str, image: QImage) -> None:
        if image.isNull():
            return
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole + 1) == path:
                item.setIcon(QIcon(QPixmap.fromImage(image)))

    def _update_buttons(self) -> None:
        item = self.list.currentItem()
        selected = item is not None
        self.open_button.setEnabled(selected and not item.data(DAMAGED_ROLE))
        self.delete_button.setEnabled(selected and not self.controller.run_worker.state.busy)

    def _start(self) -> None:
        name = self.name_field.text().strip()
        if not name:
            self.name_field.setFocus()
            self.name_field.setPlaceholderText("Type a name first, e.g. Alex Morgan")
            return
        try:
            self.controller.new_session(name)
        except Exception as exc:  # shown as a message with details, never lost
            from headshot_studio.core.events import describe_error

            show_error(self, *describe_error(exc)[1:])
            return
        self.name_field.clear()
        self.next_requested.emit()

    def _open(self) -> None:
        item = self.list.currentItem()
        if item is None or item.data(DAMAGED_ROLE):
            return
        self.controller.open_session(item.data(Qt.ItemDataRole.UserRole))
        self.next_requested.emit()

    def _confirm(self, text: str) -> bool:
        return ask_yes_no(self, "Delete session", text)

    def _delete(self) -> None:
        item = self.list.currentItem()
        if item is None or self.controller.run_worker.state.busy:
            return
        name = item.text().splitlines()[0]
        if not self._confirm(f"Delete “{name}”? Its photos (the copies in the app), learned face and "
                             "headshots are removed for good."):
            return
        try:
            report = self.controller.delete_session(item.data(Qt.ItemDataRole.UserRole))
        except Exception as exc:  # in use by a run in another window, say: shown, never lost
            from headshot_studio.core.events import describe_error

            show_error(self, *describe_error(exc)[1:])
            return
        self.refresh()
        self.current_label.setText(report.describe())
