"""Privacy: what is stored and where, "delete selfies after training", and wiping this
session or all sessions with a report of what was removed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from headshot_studio import paths
from headshot_studio.ui.widgets import ask_yes_no, heading


class PrivacyPage(QWidget):
    title = "Privacy"

    def __init__(self, controller) -> None:
        super().__init__()
        self.controller = controller
        self.setObjectName("privacyPage")
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Your data stays on this computer"))
        promise = QLabel(
            "Headshot Studio never connects to the internet: no account, no upload, no telemetry, no "
            "update check. Models come from files you import."
        )
        promise.setWordWrap(True)
        layout.addWidget(promise)
        layout.addWidget(heading("What is stored, and where"))
        self.stored = QLabel()
        self.stored.setObjectName("storedLabel")
        self.stored.setWordWrap(True)
        self.stored.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.stored)
        self.delete_after = QCheckBox("Delete my selfies from this session once my face is learned")
        self.delete_after.setObjectName("deleteAfterTraining")
        self.delete_after.setToolTip("After training, the app deletes its copies of the selfies and the face "
                                     "crops made from them; the learned face and headshots stay. Your original "
                                     "photos are never touched.")
        self.delete_after.toggled.connect(self._set_delete_after)
        layout.addWidget(self.delete_after)
        layout.addWidget(heading("Delete"))
        row = QHBoxLayout()
        self.wipe_session_button = QPushButton("Delete this session…")
        self.wipe_session_button.setObjectName("wipeSessionButton")
        self.wipe_session_button.clicked.connect(self._wipe_session)
        self.wipe_all_button = QPushButton("Delete all sessions…")
        self.wipe_all_button.setObjectName("wipeAllButton")
        self.wipe_all_button.setToolTip("Every session, and every cached photo analysis")
        self.wipe_all_button.clicked.connect(self._wipe_all)
        row.addWidget(self.wipe_session_button)
        row.addWidget(self.wipe_all_button)
        row.addStretch()
        layout.addLayout(row)
        self.report_label = QLabel()
        self.report_label.setObjectName("wipeReport")
        self.report_label.setWordWrap(True)
        layout.addWidget(self.report_label)
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
            f"All sessions: {paths.sessions_dir()}",
            f"Cached photo checks: {paths.cache_dir() / 'photo-reports'}",
            f"Imported models: {paths.user_models_dir()}",
            f"Log file (no photos or face data in it): {paths.log_file()}",
        ]
        if session is not None:
            copied = sum(1 for entry in session.manifest["photos"] if entry["copied"])
            lines.insert(0, f"This session ({session.name}): {session.path} — {copied} selfies copied in, "
                            f"the learned face, {len(session.headshots())} headshots.")
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
        return ask_yes_no(self, "Delete", text)

    def _wipe_session(self) -> None:
        session = self.controller.session
        if session is None or not self._confirm(
            f"Delete the session “{session.name}”: its copied selfies, learned face and headshots? This cannot be undone."
        ):
            return
        report = self.controller.delete_session(session.id)
        self.report_label.setText(report.describe())
        self.refresh()

    def _wipe_all(self) -> None:
        if not self._confirm("Delete every session: all copied selfies, learned faces and headshots, and every "
                             "cached photo check? This cannot be undone."):
            return
        report = self.controller.wipe_all()
        self.report_label.setText(report.describe())
        self.refresh()
