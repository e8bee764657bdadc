"""Studio: a queue of clients that runs unattended, on every GPU of this PC and of the
PCs lent to the studio.

The operator adds clients (a name and their photos: a folder, a camera card or a drop)
and sees their photo verdicts at once; reorders, pauses, removes or tries a failed
client again; starts the queue and leaves it. Each client shows its status (photos ok,
training, generating, ready, delivered, wiped, or failed with the reason) and the
queue the time left. Finished clients are delivered as a ZIP and contact sheet, one by
one as they finish or all at once. The PCs card lists the workers and whether each has
the queue's model; it pairs a PC (a one-time file) or lends this one to a studio.
Outside the wizard: the one-person path stays as it is.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from headshot_studio.ui import theme
from headshot_studio.ui.core_text import core_text
from headshot_studio.ui.widgets import (
    ask_yes_no,
    badge_pixmap,
    card,
    heading,
    label,
    pictures_folder,
    primary_button,
    quiet_button,
    right_aligned,
    show_error,
    verdict_word,
)
from headshot_studio.ui.workers import JobState

# A client's status as the queue file says it -> the operator's words (context "StudioPage").
STATUS_WORDS = {
    "photos ok": QT_TRANSLATE_NOOP("StudioPage", "photos ok"),
    "paused": QT_TRANSLATE_NOOP("StudioPage", "paused"),
    "sending photos": QT_TRANSLATE_NOOP("StudioPage", "sending photos"),
    "checking": QT_TRANSLATE_NOOP("StudioPage", "checking"),
    "preparing": QT_TRANSLATE_NOOP("StudioPage", "preparing"),
    "training": QT_TRANSLATE_NOOP("StudioPage", "training"),
    "generating": QT_TRANSLATE_NOOP("StudioPage", "generating"),
    "finishing": QT_TRANSLATE_NOOP("StudioPage", "finishing"),
    "running": QT_TRANSLATE_NOOP("StudioPage", "running"),
    "ready": QT_TRANSLATE_NOOP("StudioPage", "ready"),
    "delivered": QT_TRANSLATE_NOOP("StudioPage", "delivered"),
    "wiped": QT_TRANSLATE_NOOP("StudioPage", "wiped"),
    "failed": QT_TRANSLATE_NOOP("StudioPage", "failed"),
    "interrupted": QT_TRANSLATE_NOOP("StudioPage", "interrupted: goes on at the next start"),
}
COLUMNS = (QT_TRANSLATE_NOOP("StudioPage", "Client"), QT_TRANSLATE_NOOP("StudioPage", "Status"),
           QT_TRANSLATE_NOOP("StudioPage", "Photos"), QT_TRANSLATE_NOOP("StudioPage", "Styles"),
           QT_TRANSLATE_NOOP("StudioPage", "Images"), QT_TRANSLATE_NOOP("StudioPage", "PC"))
ID_ROLE = Qt.ItemDataRole.UserRole
# How lending this PC goes (studio.cluster.serve_worker's codes) -> the operator's words.
LEND_WORDS = {
    "no-answer": QT_TRANSLATE_NOOP("StudioPage", "The queue PC does not answer (its queue is not running with “Let "
                                                 "paired PCs join”, a firewall blocks port 8786, or it belongs to "
                                                 "another studio). Trying again every 10 s."),
    "working": QT_TRANSLATE_NOOP("StudioPage", "Connected: working for the studio."),
    "queue-stopped": QT_TRANSLATE_NOOP("StudioPage", "The queue stopped; waiting for it to start again."),
}
REFRESH_MS = 2000  # the queue file may change from the command line too


def _tr(text: str) -> str:
    return QCoreApplication.translate("StudioPage", text)


def minutes_text(seconds: float | None) -> str:
    if seconds is None:
        return QCoreApplication.translate("StudioPage", "time left known after the first client")
    if seconds <= 0:
        return QCoreApplication.translate("StudioPage", "nothing left to do")
    return QCoreApplication.translate("StudioPage", "about {minutes} min left").format(
        minutes=max(1, round(seconds / 60)))


class StudioPage(QWidget):
    title = "Studio"

    def __init__(self, studio) -> None:
        super().__init__()
        self.studio = studio
        self.setObjectName("studioPage")
        self.setAcceptDrops(True)
        self._last_styles: dict[str, int] = {}
        self._last_lend_status = ""  # the lending worker's latest news (a LEND_WORDS code)
        self._clients: list = []
        self._runner_active = False
        self._style_names: dict[str, str] = {}  # read when the page is shown (style files), not each refresh
        self._pairing = None  # this PC's pairing with a studio, likewise
        self._paired: list[str] = []  # the PCs this queue PC paired
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2 * theme.SPACE)
        layout.addLayout(self._build_top())
        body = QHBoxLayout()
        body.setSpacing(2 * theme.SPACE)
        body.addWidget(self._build_queue(), 3)
        side_widget = QWidget()
        side = QVBoxLayout(side_widget)
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(2 * theme.SPACE)
        side.addWidget(self._build_check())
        side.addWidget(self._build_delivery())
        side.addWidget(self._build_pcs())
        side.addStretch()
        scroll = QScrollArea()  # a small window scrolls the cards rather than squeezing them
        scroll.setObjectName("studioSide")
        scroll.setWidget(side_widget)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body.addWidget(scroll, 2)
        layout.addLayout(body, 1)

        studio.queue_changed.connect(self.refresh)
        studio.view_changed.connect(lambda _: self.refresh())
        studio.run_state_changed.connect(lambda _: self.refresh())
        studio.lend_state_changed.connect(lambda _: self.refresh())
        studio.lend_status.connect(self._lend_status)
        studio.add_state_changed.connect(self._add_state)
        studio.client_added.connect(self._show_check)
        studio.exported.connect(self._exported)
        studio.export_state_changed.connect(lambda _: self.refresh())
        studio.address_changed.connect(lambda _: self.refresh())
        studio.error.connect(lambda kind, message, details: show_error(self, core_text(message), details))
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)

    # --- building -------------------------------------------------------------------------------
    def _build_top(self) -> QHBoxLayout:
        row = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(heading(self.tr("Studio queue")))
        self.status = label(role="muted")
        self.status.setObjectName("studioStatus")
        titles.addWidget(self.status)
        row.addLayout(titles, 1)
        self.add_button = primary_button(self.tr("Add client…"), icon="add")
        self.add_button.setObjectName("addClientButton")
        self.add_button.setToolTip(self.tr("A name and their photos: a folder, a camera card, or drop them on this page"))
        self.add_button.clicked.connect(lambda: self.add_client())
        self.run_button = QPushButton(theme.icon("start"), self.tr("Start queue"))
        self.run_button.setObjectName("runQueueButton")
        self.run_button.clicked.connect(self._start_or_stop)
        row.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.run_button, 0, Qt.AlignmentFlag.AlignTop)
        return row

    def _build_queue(self) -> QWidget:
        frame, column = card()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("studioTable")
        self.table.setAccessibleName(self.tr("Clients in the queue"))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.verticalHeader().setVisible(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        for index in range(len(COLUMNS)):
            header.setSectionResizeMode(index, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)  # the styles give way first
        header.setMinimumSectionSize(48)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        column.addWidget(self.table, 1)
        self.reason = label(role="muted")
        self.reason.setObjectName("clientReason")
        column.addWidget(self.reason)
        actions = QHBoxLayout()
        self.up_button = quiet_button("", "up", slot=lambda: self._move(-1), tip=self.tr("Earlier in the queue"))
        self.up_button.setAccessibleName(self.tr("Move up"))
        self.down_button = quiet_button("", "down", slot=lambda: self._move(1), tip=self.tr("Later in the queue"))
        self.down_button.setAccessibleName(self.tr("Move down"))
        self.pause_button = quiet_button(self.tr("Pause"), "pause", name="pauseClientButton", slot=self._pause_client)
        self.retry_button = quiet_button(self.tr("Try again…"), "more", name="retryClientButton", slot=self._retry,
                                         tip=self.tr("Check the client's photos again, with more if you add them"))
        self.remove_button = quiet_button(self.tr("Remove"), "close", name="removeClientButton", slot=self._remove)
        self.wipe_button = quiet_button(self.tr("Wipe…"), "remove", name="wipeClientButton", slot=self._wipe,
                                        tip=self.tr("Delete the client's photos and results from this PC (and list "
                                                    "what the worker PCs removed)"))
        for button in (self.up_button, self.down_button, self.pause_button, self.retry_button, self.remove_button,
                       self.wipe_button):
            actions.addWidget(button)
        actions.addStretch()
        column.addLayout(actions)
        return frame

    def _build_check(self) -> QWidget:
        frame, column = card()
        column.addWidget(heading(self.tr("Photo check"), role="subtitle"))
        self.check_summary = label(self.tr("Add a client: their photos are checked here before they leave."),
                                   role="muted")
        self.check_summary.setObjectName("checkSummary")
        column.addWidget(self.check_summary)
        self.check_list = QListWidget()
        self.check_list.setObjectName("checkList")
        self.check_list.setAccessibleName(self.tr("Photo verdicts of the last client added"))
        self.check_list.setMinimumHeight(60)
        self.check_list.setMaximumHeight(120)
        self.check_list.setWordWrap(True)
        self.check_list.setVisible(False)
        column.addWidget(self.check_list)
        return frame

    def _build_delivery(self) -> QWidget:
        frame, column = card()
        column.addWidget(heading(self.tr("Delivery"), role="subtitle"))
        folder_row = QHBoxLayout()
        self.folder_label = label(role="muted")
        self.folder_label.setObjectName("deliveryFolder")
        folder_row.addWidget(self.folder_label, 1)
        choose = quiet_button(self.tr("Choose…"), "session")
        choose.setObjectName("chooseDeliveryFolder")
        choose.setAccessibleName(self.tr("Choose the delivery folder"))
        choose.clicked.connect(self._choose_folder)
        folder_row.addWidget(choose)
        column.addLayout(folder_row)
        best_row = QHBoxLayout()
        best_row.addWidget(label(self.tr("Images per client:")), 1)
        self.best = QSpinBox()
        self.best.setObjectName("deliverBest")
        self.best.setRange(1, 100)
        self.best.setAccessibleName(self.tr("Images per client"))
        self.best.setToolTip(self.tr("The best this many by the ranking; a client's favourites instead, when "
                                     "there are any"))
        self.best.valueChanged.connect(lambda value: self.studio.set_delivery(best=value))
        best_row.addWidget(self.best)
        column.addLayout(best_row)
        self.wipe_after = QCheckBox(self.tr("Wipe each client after delivery"))
        self.wipe_after.setObjectName("wipeAfterDelivery")
        self.wipe_after.setToolTip(self.tr("Once their ZIP is written, the client's photos, learned face and "
                                           "images are deleted from this PC, with a report."))
        self.wipe_after.toggled.connect(lambda checked: self.studio.set_delivery(wipe=checked))
        column.addWidget(self.wipe_after)
        self.export_button = QPushButton(theme.icon("export"), self.tr("Export all finished…"))
        self.export_button.setObjectName("exportAllButton")
        self.export_button.setToolTip(self.tr("Write the ZIP and contact sheet of every client marked ready"))
        self.export_button.clicked.connect(self._export_all)
        column.addLayout(right_aligned(self.export_button))
        return frame

    def _build_pcs(self) -> QWidget:
        frame, column = card()
        column.addWidget(heading(self.tr("PCs"), role="subtitle"))
        self.pc_list = QListWidget()
        self.pc_list.setObjectName("pcList")
        self.pc_list.setAccessibleName(self.tr("PCs working for the queue"))
        self.pc_list.setMaximumHeight(80)
        self.pc_list.setMinimumHeight(48)
        column.addWidget(self.pc_list)
        join_row = QHBoxLayout()
        self.let_join = QCheckBox(self.tr("Let paired PCs join on"))
        self.let_join.setObjectName("letPcsJoin")
        self.let_join.setToolTip(self.tr("Off: the queue runs on this PC's GPUs only and nothing listens on the "
                                         "network. On: paired PCs connect to port 8786 on this address, with the "
                                         "studio's certificates."))
        self.join_address = QComboBox()
        self.join_address.setObjectName("joinAddress")
        self.join_address.setAccessibleName(self.tr("This PC's address for the studio's PCs"))
        join_row.addWidget(self.let_join)
        join_row.addWidget(self.join_address, 1)
        column.addLayout(join_row)
        buttons = QHBoxLayout()
        self.pair_button = quiet_button(self.tr("Add a PC…"), "pair", name="pairPcButton", slot=self._pair,
                                        tip=self.tr("Make a one-time pairing file for another PC of the studio"))
        self.lend_button = quiet_button(self.tr("Lend this PC…"), "lend", name="lendPcButton", slot=self._lend,
                                        tip=self.tr("Let another PC's studio queue use this PC's GPUs"))
        buttons.addWidget(self.pair_button)
        buttons.addWidget(self.lend_button)
        buttons.addStretch()
        column.addLayout(buttons)
        self.lend_label = label(role="muted")
        self.lend_label.setObjectName("lendStatus")
        column.addWidget(self.lend_label)
        return frame

    # --- showing ----------------------------------------------------------------------------------
    def _reload_setup(self) -> None:
        """What the page shows from files that change only when the operator acts: the
        style names, this PC's pairing, the paired PCs."""
        self._style_names = self.studio.styles()
        self._pairing = self.studio.pairing()
        self._paired = self.studio.paired_pcs()

    def showEvent(self, event) -> None:
        self._reload_setup()
        addresses = self.studio.local_addresses()
        current = self.join_address.currentText()
        self.join_address.clear()
        self.join_address.addItems(addresses)
        if current in addresses:
            self.join_address.setCurrentText(current)
        self.refresh()
        self.timer.start()
        super().showEvent(event)

    def hideEvent(self, event) -> None:
        self.timer.stop()
        super().hideEvent(event)

    def selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        return item.data(ID_ROLE) if item else None

    def _selected(self):
        client_id = self.selected_id()
        return next((c for c in self._clients if c.id == client_id), None)

    def refresh(self) -> None:
        data = self.studio.snapshot()
        view = self.studio.view if self.studio.run_worker.state.busy else None
        self._clients = data.clients
        self._runner_active = self.studio.runner_active()
        live = view.live if view else {}
        chosen = self.selected_id()
        self.table.setRowCount(len(data.clients))
        names = self._style_names
        for row, client in enumerate(data.clients):
            label = "interrupted" if client.state == "running" and not self._runner_active else client.label
            status = _tr(STATUS_WORDS.get(label, label))
            progress = live.get(client.id, {}).get("overall")
            if client.state == "running" and isinstance(progress, (int, float)):
                status = f"{status} {round(100 * progress)}%"
            styles = ", ".join(f"{names.get(s, s)} ×{n}" for s, n in client.styles.items())
            values = (client.name, status, f"{client.usable}/{client.photos}", styles,
                      str(client.images) if client.images else "", client.worker)
            for col, value in enumerate(values):
                item = self.table.item(row, col)
                if item is None:
                    item = QTableWidgetItem()
                    self.table.setItem(row, col, item)
                item.setText(value)
                item.setData(ID_ROLE, client.id)
                item.setToolTip(core_text(client.reason) if client.state == "failed" else value)
            self.table.item(row, 1).setIcon(theme.icon(
                "error" if client.state == "failed" else "ok" if client.state in ("ready", "delivered", "wiped")
                else "running" if client.state == "running" else "pause" if client.paused else "pending",
                "danger" if client.state == "failed" else "muted"))
        if chosen:
            for row, client in enumerate(data.clients):
                if client.id == chosen:
                    self.table.selectRow(row)
        self._show_status(data, view)
        self._show_delivery(data)
        self._show_pcs(view)
        self._update_buttons()

    def _show_status(self, data, view) -> None:
        counts: dict[str, int] = {}
        for client in data.clients:
            counts[client.state] = counts.get(client.state, 0) + 1
        parts = [self.tr("{n} waiting").format(n=counts.get("waiting", 0)),
                 self.tr("{n} running").format(n=counts.get("running", 0)),
                 self.tr("{n} finished").format(n=sum(counts.get(s, 0) for s in ("ready", "delivered", "wiped")))]
        if counts.get("failed"):
            parts.append(self.tr("{n} failed").format(n=counts["failed"]))
        state = self.studio.run_worker.state
        if state == JobState.CANCELLING:
            lead = self.tr("Stopping: running clients are saved and go on at the next start…")
        elif state.busy:
            able = sum(1 for address in (view.workers if view else {}) if view.can_take(address))
            if view is None:
                lead = self.tr("Starting the queue…")
            elif not able and (counts.get("waiting") or counts.get("running")):
                lead = self.tr("Waiting for a PC that has the queue's base model…")
            else:
                lead = self.tr("Running on {n} worker(s)").format(n=able)
            parts.append(minutes_text(view.time_left_s if view else None))
        elif data.paused:
            lead = self.tr("Queue paused")
        else:
            lead = self.tr("Stopped: press Start queue and leave it; it runs client after client")
        self.status.setText(lead + " · " + " · ".join(parts))

    def _show_delivery(self, data) -> None:
        self.folder_label.setText(data.deliver_to or self.tr("No folder yet: clients wait as “ready”"))
        self.folder_label.setToolTip(data.deliver_to)
        for widget, value in ((self.best, data.deliver_best), (self.wipe_after, data.wipe_after_delivery)):
            widget.blockSignals(True)
            widget.setValue(value) if widget is self.best else widget.setChecked(value)
            widget.blockSignals(False)

    def _show_pcs(self, view) -> None:
        self.pc_list.clear()
        if view is not None:
            for address, facts in sorted(view.workers.items(), key=lambda kv: str(kv[1].get("worker"))):
                item = QListWidgetItem(str(facts.get("worker", address)))
                if view.can_take(address):
                    item.setIcon(theme.icon("ok", "success"))
                    item.setToolTip(self.tr("Has the queue's base model"))
                else:
                    item.setIcon(theme.icon("warning", "warning"))
                    item.setText(item.text() + " — " + self.tr("lacks the queue's base model"))
                self.pc_list.addItem(item)
        else:
            for name in self._paired:
                item = QListWidgetItem(theme.icon("pc", "muted"), self.tr("{name} (paired)").format(name=name))
                item.setToolTip(self.tr("Joins when the queue runs with “Let paired PCs join” ticked"))
                self.pc_list.addItem(item)
        if self.pc_list.count() == 0:
            self.pc_list.addItem(self.tr("Shown while the queue runs"))
        if self.studio.address and not self.studio.address.startswith("tls://127."):
            self.let_join.setText(self.tr("Paired PCs join at {address}").format(address=self.studio.address))
        else:
            self.let_join.setText(self.tr("Let paired PCs join on"))
        lending = self.studio.lend_worker.state.busy
        pairing = self._pairing
        if lending and pairing is not None:
            self.lend_label.setText(self.tr("This PC is lent to the studio at {address}.").format(
                address=pairing.scheduler) + (" " + _tr(LEND_WORDS[self._last_lend_status])
                                             if self._last_lend_status in LEND_WORDS else ""))
        elif pairing is not None:
            self.lend_label.setText(self.tr("Paired as “{name}” with the studio at {address}.").format(
                name=pairing.pc, address=pairing.scheduler))
        else:
            self.lend_label.setText("")
        self.lend_button.setText(self.tr("Stop lending") if lending else self.tr("Lend this PC…"))

    def _update_buttons(self) -> None:
        client = self._selected()
        running = self.studio.run_worker.state.busy
        adding = self.studio.add_worker.state.busy
        lending = self.studio.lend_worker.state.busy
        position = self._clients.index(client) if client in self._clients else -1
        self.up_button.setEnabled(client is not None and position > 0)
        self.down_button.setEnabled(client is not None and 0 <= position < len(self._clients) - 1)
        self.pause_button.setEnabled(client is not None and client.state == "waiting")
        self.pause_button.setText(self.tr("Resume") if client is not None and client.paused else self.tr("Pause"))
        self.retry_button.setEnabled(client is not None and client.state == "failed" and not adding)
        busy = client is not None and client.state == "running" and self._runner_active
        self.remove_button.setEnabled(client is not None and not busy)
        self.wipe_button.setEnabled(client is not None and not busy and client.state != "wiped")
        self.reason.setText(core_text(client.reason) if client is not None and client.reason else
                            core_text(client.photo_message) if client is not None else "")
        self.add_button.setEnabled(not adding)
        self.add_button.setText(self.tr("Checking photos…") if adding else self.tr("Add client…"))
        state = self.studio.run_worker.state
        self.run_button.setEnabled(not lending and state != JobState.CANCELLING)
        self.run_button.setText(self.tr("Stop queue") if running else self.tr("Start queue"))
        self.run_button.setIcon(theme.icon("stop" if running else "start"))
        self.let_join.setEnabled(not running and self.join_address.count() > 0)
        self.join_address.setEnabled(not running and self.join_address.count() > 0)
        self.export_button.setEnabled(not self.studio.export_worker.state.busy and
                                      any(c.state == "ready" for c in self._clients))
        self.lend_button.setEnabled(not running)
        self.pair_button.setEnabled(not lending)

    # --- what the operator does --------------------------------------------------------------------
    def add_client(self, photos: list[Path] | None = None) -> None:
        from headshot_studio.ui.dialogs.add_client import AddClientDialog

        if self.studio.add_worker.state.busy:
            return
        dialog = AddClientDialog(self, self._style_names, self._last_styles or
                                 {"corporate-executive": self.studio.default_count()},
                                 self.studio.default_count(), photos=photos)
        if not self._exec(dialog):
            return
        styles = dialog.chosen_styles()
        self._last_styles = styles
        if dialog.for_all.isChecked():
            waiting = [c.id for c in self._clients if c.state in ("waiting", "failed")]
            self.studio.set_styles(waiting, styles)
        self.check_summary.setText(self.tr("Checking the photos of {name}…").format(name=dialog.name.text().strip()))
        self.check_list.clear()
        self.studio.add_client(dialog.name.text().strip(), dialog.photos, styles)

    def _exec(self, dialog) -> bool:  # tests replace it to fill the dialog in
        return bool(dialog.exec())

    def _add_state(self, state: JobState) -> None:
        if state == JobState.FAILED:
            self.check_summary.setText(self.tr("The client was not added: see the message."))
        self.refresh()

    def _show_check(self, client, report) -> None:
        verdict = self.tr("in the queue") if client.state == "waiting" else self.tr("NOT usable yet")
        self.check_summary.setText(self.tr("{name}: {usable} of {count} photos usable — {verdict}. {message}").format(
            name=client.name, usable=len(report.usable), count=len(report.photos), verdict=verdict,
            message=core_text(report.message)))
        self.check_list.clear()
        for photo in report.photos:
            item = QListWidgetItem(f"{verdict_word(photo.verdict)} · {photo.file.name}: {core_text(photo.message)}")
            item.setIcon(badge_pixmap(photo.verdict))
            item.setToolTip(core_text(photo.message))
            self.check_list.addItem(item)
        self.check_list.setVisible(bool(report.photos))
        for row, entry in enumerate(self._clients):
            if entry.id == client.id:
                self.table.selectRow(row)

    def _move(self, step: int) -> None:
        client = self._selected()
        if client is not None:
            self.studio.move(client.id, self._clients.index(client) + step)

    def _pause_client(self) -> None:
        client = self._selected()
        if client is not None:
            self.studio.set_paused(not client.paused, client.id)

    def _retry(self) -> None:
        from headshot_studio.ui.dialogs.add_client import AddClientDialog

        client = self._selected()
        if client is None:
            return
        dialog = AddClientDialog(self, {}, {}, 1, retry_name=client.name)
        if self._exec(dialog):
            self.check_summary.setText(self.tr("Checking the photos of {name}…").format(name=client.name))
            self.studio.retry_client(client.id, dialog.photos)

    def _remove(self) -> None:
        client = self._selected()
        if client is not None and ask_yes_no(self, self.tr("Remove"), self.tr(
                "Take “{name}” out of the queue? Their photos and images stay on this PC until you wipe them "
                "(Privacy).").format(name=client.name)):
            self.studio.remove(client.id)

    def _wipe(self) -> None:
        client = self._selected()
        if client is None or not ask_yes_no(self, self.tr("Wipe"), self.tr(
                "Delete the photos, learned face and images of “{name}” from this PC? Delivered ZIPs are not "
                "touched. This cannot be undone.").format(name=client.name)):
            return
        report = self.studio.wipe(client.id)
        if report:
            self.check_summary.setText(core_text(report.splitlines()[0]))
            self.check_list.clear()
            self.check_list.addItems(report.splitlines()[1:])
            self.check_list.setVisible(self.check_list.count() > 0)

    def _ask_folder(self, title: str) -> str:  # tests replace it
        return QFileDialog.getExistingDirectory(self, title, self.studio.snapshot().deliver_to or pictures_folder())

    def _choose_folder(self) -> None:
        folder = self._ask_folder(self.tr("Deliver ZIPs and contact sheets to"))
        if folder:
            self.studio.set_delivery(folder=folder)

    def _export_all(self) -> None:
        data = self.studio.snapshot()
        folder = data.deliver_to or self._ask_folder(self.tr("Deliver ZIPs and contact sheets to"))
        if folder:
            self.studio.export_all(Path(folder), wipe=data.wipe_after_delivery)

    def _exported(self, delivered: list) -> None:
        self.check_summary.setText(self.tr("Delivered {n} client(s).").format(n=len(delivered)))
        self.check_list.clear()
        self.check_list.addItems([f"{name}: {path}" for name, path in delivered])
        self.check_list.setVisible(bool(delivered))

    def _start_or_stop(self) -> None:
        if self.studio.run_worker.state.busy:
            self.studio.stop()
        else:
            listen = self.join_address.currentText() if self.let_join.isChecked() else ""
            self.studio.start(listen)
        self.refresh()

    # --- other PCs ------------------------------------------------------------------------------------
    def _ask_text(self, title: str, text: str, value: str = "") -> str:  # tests replace it
        answer, ok = QInputDialog.getText(self, title, text, text=value)
        return answer.strip() if ok else ""

    def _ask_save(self, title: str, name: str) -> str:  # tests replace it
        path, _ = QFileDialog.getSaveFileName(self, title, str(Path(pictures_folder()) / name),
                                              self.tr("Pairing files (*.json)"))
        return path

    def _ask_open(self, title: str) -> str:  # tests replace it
        path, _ = QFileDialog.getOpenFileName(self, title, pictures_folder(), self.tr("Pairing files (*.json)"))
        return path

    def _pair(self) -> None:
        address = self.join_address.currentText()
        if not address:
            show_error(self, self.tr("This PC has no network address other PCs could reach. Connect it to the "
                                     "studio's network first."))
            return
        name = self._ask_text(self.tr("Add a PC"), self.tr("The other PC's name (as the queue will show it):"))
        if not name:
            return
        path = self._ask_save(self.tr("Save the pairing file (carry it to that PC)"), f"pair-{name}.json")
        if not path:
            return
        try:
            self.studio.pair_pc(f"tls://{address}:8786", name, Path(path))
        except Exception as exc:  # a refused name or address, a full stick: shown, never lost
            from headshot_studio.core.events import describe_error

            kind, message, details = describe_error(exc)
            show_error(self, core_text(message), details)
            return
        self._reload_setup()
        self.let_join.setChecked(True)
        self.check_summary.setText(self.tr(
            "Pairing file for “{name}” saved: {path}. On that PC: Studio → Lend this PC…, choose the file. It works "
            "once, for 24 hours, and holds that PC's key: delete it from the stick afterwards. Start the queue with "
            "“Let paired PCs join” ticked.").format(name=name, path=path))
        self.check_list.setVisible(False)

    def _lend(self) -> None:
        if self.studio.lend_worker.state.busy:
            self.studio.stop_lending()
            return
        if self._pairing is None:
            path = self._ask_open(self.tr("The pairing file from the studio's queue PC"))
            if not path or self.studio.join(Path(path)) is None:
                return
            self._reload_setup()
        addresses = self.studio.local_addresses()
        if not addresses:
            show_error(self, self.tr("This PC has no network address the studio could reach. Connect it to the "
                                     "studio's network first."))
            return
        address = addresses[0] if len(addresses) == 1 else self._ask_item(
            self.tr("Lend this PC"), self.tr("This PC's address on the studio's network:"), addresses)
        if address:
            self.studio.lend(address)
        self.refresh()

    def _lend_status(self, text: str) -> None:
        self._last_lend_status = text
        self.refresh()

    def _ask_item(self, title: str, text: str, items: list[str]) -> str:  # tests replace it
        answer, ok = QInputDialog.getItem(self, title, text, items, 0, False)
        return answer if ok else ""

    # --- drops: a client's photos dropped on the page -----------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() and not self.studio.add_worker.state.busy:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        dropped = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if dropped:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.add_client(dropped))

