"""Sessions: start a new one (named after the client, for studios) or reopen one; past
sessions with a thumbnail, date and state; delete with confirmation."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from headshot_studio.ui.core_text import core_text
from headshot_studio.ui import theme
from headshot_studio.ui.widgets import ask_yes_no, card, heading, label, primary_button, quiet_button, show_error
from headshot_studio.ui.workers import ThumbnailLoader

DAMAGED_ROLE = Qt.ItemDataRole.UserRole + 2

# Translated where shown (QCoreApplication.translate("SessionsPage", word)).
STATE_WORDS = {
    "new": QT_TRANSLATE_NOOP("SessionsPage", "new"),
    "checked": QT_TRANSLATE_NOOP("SessionsPage", "photos checked"),
    "prepared": QT_TRANSLATE_NOOP("SessionsPage", "photos prepared"),
    "trained": QT_TRANSLATE_NOOP("SessionsPage", "face learned"),
    "generated": QT_TRANSLATE_NOOP("SessionsPage", "headshots made"),
    "finished": QT_TRANSLATE_NOOP("SessionsPage", "finished"),
    "cancelled": QT_TRANSLATE_NOOP("SessionsPage", "stopped — can continue"),
    "failed": QT_TRANSLATE_NOOP("SessionsPage", "stopped by a problem"),
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
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2 * theme.SPACE)
        layout.addWidget(heading(self.tr("Start a session")))
        layout.addWidget(label(self.tr("A session keeps one person's photos, learned face and headshots together. "
                                       "Studios: use the client's name."), role="muted"))
        new_card, new_layout = card()
        new_layout.addWidget(heading(self.tr("New session"), role="subtitle"))
        row = QHBoxLayout()
        row.setSpacing(theme.SPACE)
        self.name_field = QLineEdit()
        self.name_field.setObjectName("sessionName")
        self.name_field.setPlaceholderText(self.tr("Name, e.g. Alex Morgan"))
        self.name_field.setToolTip(self.tr("A name to find this session again later"))
        self.name_field.setAccessibleName(self.tr("Session name"))
        self.name_field.returnPressed.connect(self._start)
        row.addWidget(self.name_field, 1)
        self.start_button = primary_button(self.tr("Start new session"), icon="add")
        self.start_button.setObjectName("newSessionButton")
        self.start_button.clicked.connect(self._start)
        row.addWidget(self.start_button)
        new_layout.addLayout(row)
        layout.addWidget(new_card)

        past, past_layout = card()
        past_layout.addWidget(heading(self.tr("Past sessions"), role="subtitle"))
        self.list = QListWidget()
        self.list.setObjectName("sessionList")
        self.list.setAccessibleName(self.tr("Past sessions"))
        self.list.setIconSize(QSize(64, 64))
        self.list.setSpacing(theme.SPACE // 2)
        self.list.itemActivated.connect(lambda item: self._open())
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        past_layout.addWidget(self.list, 1)
        self.empty_label = label(self.tr("No sessions yet. Your first one appears here once you start it; "
                                         "reopen it later to add styles or make more headshots."), role="muted")
        past_layout.addWidget(self.empty_label)
        buttons = QHBoxLayout()
        self.open_button = QPushButton(theme.icon("session"), self.tr("Open"))
        self.open_button.setObjectName("openSessionButton")
        self.open_button.setToolTip(self.tr("Continue with the selected session (Enter)"))
        self.open_button.clicked.connect(self._open)
        self.delete_button = quiet_button(self.tr("Delete…"), "remove")
        self.delete_button.setObjectName("deleteSessionButton")
        self.delete_button.setToolTip(
            self.tr("Delete the selected session: its photos, learned face and headshots (Delete)"))
        self.delete_button.clicked.connect(self._delete)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch()
        past_layout.addLayout(buttons)
        layout.addWidget(past, 1)
        self.current_label = label(role="muted")
        self.current_label.setTextFormat(Qt.TextFormat.PlainText)
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
            word = STATE_WORDS.get(session.state)
            state = QCoreApplication.translate("SessionsPage", word) if word else session.state
            images = len(session.headshots())
            text = self.tr("{name}\n{updated} · {photos} photos · {headshots} headshots · {state}").format(
                name=printable(session.name), updated=updated, photos=len(session.manifest["photos"]),
                headshots=images, state=state)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, session.id)
            item.setToolTip(self.tr("Session {id}").format(id=session.id))
            self.list.addItem(item)
            thumbnail = session.thumbnail()
            if thumbnail is not None:
                item.setData(Qt.ItemDataRole.UserRole + 1, str(thumbnail))
                self.thumbnails.request(thumbnail, 128)
        for entry in damaged:  # listed, never hidden: the user can see it and delete it
            item = QListWidgetItem(self.tr("Damaged session {id}\nIt cannot be opened. Select it and choose "
                                           "Delete…").format(id=entry.id))
            item.setData(Qt.ItemDataRole.UserRole, entry.id)
            item.setData(DAMAGED_ROLE, True)
            item.setToolTip(core_text(entry.message))
            item.setForeground(self.palette().placeholderText())
            self.list.addItem(item)
        self.empty_label.setVisible(self.list.count() == 0)
        current = self.controller.session
        self.current_label.setText(
            self.tr("Working on: {name}").format(name=printable(current.name)) if current is not None else "")
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
            self.name_field.setPlaceholderText(self.tr("Type a name first, e.g. Alex Morgan"))
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
        return ask_yes_no(self, self.tr("Delete session"), text)

    def _delete(self) -> None:
        item = self.list.currentItem()
        if item is None or self.controller.run_worker.state.busy:
            return
        name = item.text().splitlines()[0]
        if not self._confirm(self.tr("Delete “{name}”? Its photos (the copies in the app), learned face and "
                                     "headshots are removed for good.").format(name=name)):
            return
        try:
            report = self.controller.delete_session(item.data(Qt.ItemDataRole.UserRole))
        except Exception as exc:  # in use by a run in another window, say: shown, never lost
            from headshot_studio.core.events import describe_error

            show_error(self, *describe_error(exc)[1:])
            return
        self.refresh()
        self.current_label.setText(core_text(report.describe()))
