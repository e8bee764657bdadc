"""Privacy: what is stored and where, "delete selfies after training", and wiping this
session or all sessions with a report of what was removed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from headshot_studio import paths
from headshot_studio.ui.core_text import core_text
from headshot_studio.ui import theme
from headshot_studio.ui.widgets import ask_yes_no, card, heading, icon_title, label


class PrivacyPage(QWidget):
    title = "Privacy"

    def __init__(self, controller) -> None:
        super().__init__()
        self.controller = controller
        self.setObjectName("privacyPage")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2 * theme.SPACE)
        layout.addWidget(heading(self.tr("Your data stays on this computer")))
        promise_card, promise_layout = card()
        promise_layout.addLayout(icon_title("lock", self.tr(
            "Headshot Studio never connects to the internet: no account, no upload, no telemetry, no "
            "update check. Models come from files you import."
        ), role=""))
        layout.addWidget(promise_card)
        stored_card, stored_layout = card()
        stored_layout.addWidget(heading(self.tr("What is stored, and where"), role="subtitle"))
        self.stored = QLabel()
        self.stored.setObjectName("storedLabel")
        self.stored.setTextFormat(Qt.TextFormat.PlainText)
        self.stored.setWordWrap(True)
        self.stored.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        stored_layout.addWidget(self.stored)
        self.delete_after = QCheckBox(self.tr("Delete my selfies from this session once my face is learned"))
        self.delete_after.setObjectName("deleteAfterTraining")
        self.delete_after.setToolTip(self.tr("After training, the app deletes its copies of the selfies and the "
                                             "face crops made from them; the learned face and headshots stay. Your "
                                             "original photos are never touched."))
        self.delete_after.toggled.connect(self._set_delete_after)
        stored_layout.addWidget(self.delete_after)
        layout.addWidget(stored_card)
        delete_card, delete_layout = card()
        delete_layout.addWidget(heading(self.tr("Delete"), role="subtitle"))
        delete_layout.addWidget(label(self.tr("Deleting removes the selfies, the learned face and the headshots from "
                                              "this computer, and lists every file it removed."), role="muted"))
        row = QHBoxLayout()
        self.wipe_session_button = QPushButton(theme.icon("remove", "danger"), self.tr("Delete this session…"))
        self.wipe_session_button.setObjectName("wipeSessionButton")
        self.wipe_session_button.clicked.connect(self._wipe_session)
        self.wipe_all_button = QPushButton(theme.icon("remove", "danger"), self.tr("Delete all sessions…"))
        self.wipe_all_button.setObjectName("wipeAllButton")
        self.wipe_all_button.setToolTip(self.tr("Every session, and every cached photo analysis"))
        self.wipe_all_button.clicked.connect(self._wipe_all)
        row.addWidget(self.wipe_session_button)
        row.addWidget(self.wipe_all_button)
        row.addStretch()
        delete_layout.addLayout(row)
        self.report_label = QLabel()
        self.report_label.setObjectName("wipeReport")
        self.report_label.setWordWrap(True)
        delete_layout.addWidget(self.report_label)
        layout.addWidget(delete_card)
        layout.addStretch()
        controller.session_changed.connect(self.refresh)
        controller.run_state_changed.connect(lambda _: self.refresh())
        self.refresh()

    def showEvent(self, event) -> None:
        self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        session = self.controller.session
        lines = [
            self.tr("All sessions: {path}").format(path=paths.sessions_dir()),
            self.tr("Cached photo checks: {path}").format(path=paths.cache_dir() / "photo-reports"),
            self.tr("Imported models: {path}").format(path=paths.user_models_dir()),
            self.tr("Log file (no photos or face data in it): {path}").format(path=paths.log_file()),
        ]
        if session is not None:
            copied = sum(1 for entry in session.manifest["photos"] if entry["copied"])
            lines.insert(0, self.tr("This session ({name}): {path} — {copied} selfies copied in, the learned "
                                    "face, {headshots} headshots.").format(
                name=session.name, path=session.path, copied=copied, headshots=len(session.headshots())))
        self.stored.setText("\n".join(lines))
        busy = self.controller.run_worker.state.busy
        self.delete_after.setEnabled(session is not None)
        self.delete_after.blockSignals(True)
        self.delete_after.setChecked(bool(session and session.manifest.get("delete_photos_after_training")))
        self.delete_after.blockSignals(False)
        self.wipe_session_button.setEnabled(session is not None and not busy)
        self.wipe_all_button.setEnabled(not busy)

    def _set_delete_after(self, checked: bool) -> None:
        session = self.controller.session
        if session is not None:
            session.manifest["delete_photos_after_training"] = checked
            session.save()

    def _confirm(self, text: str) -> bool:
        return ask_yes_no(self, self.tr("Delete"), text)

    def _wipe_session(self) -> None:
        session = self.controller.session
        if session is None or not self._confirm(
            self.tr("Delete the session “{name}”: its copied selfies, learned face and headshots? This cannot be "
                    "undone.").format(name=session.name)
        ):
            return
        report = self.controller.delete_session(session.id)
        self.report_label.setText(core_text(report.describe()))
        self.refresh()

    def _wipe_all(self) -> None:
        if not self._confirm(self.tr("Delete every session: all copied selfies, learned faces and headshots, and "
                                     "every cached photo check? This cannot be undone.")):
            return
        report = self.controller.wipe_all()
        self.report_label.setText(core_text(report.describe()))
        self.refresh()
