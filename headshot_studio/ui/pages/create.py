"""Create: one Start button; every stage with its own progress bar, the whole run's
progress and time left, a live preview of the latest image, a log to copy, and a
Cancel that stops within seconds and says what was kept."""

from __future__ import annotations

import enum
import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from headshot_studio.core.events import Notice, Stage, describe_error
from headshot_studio.ui.widgets import heading, pil_to_qimage, primary_button, right_aligned
from headshot_studio.ui.workers import JobState


class StageRow(enum.Enum):
    """The stages a person sees, in run order: each with its label and the pipeline
    stages it covers (the page's progress bars are keyed by these)."""

    CHECK = ("Check photos", (Stage.VERIFY, Stage.CHECK))
    PREPARE = ("Prepare", (Stage.PREPARE,))
    LEARN = ("Learn your face", (Stage.LOAD, Stage.TRAIN))
    GENERATE = ("Generate", (Stage.GENERATE,))
    FINISH = ("Finish", (Stage.POSTPROCESS,))
    RANK = ("Rank", (Stage.RANK,))

    def __init__(self, label: str, stages: tuple[Stage, ...]) -> None:
        self.label = label
        self.stages = stages

    @classmethod
    def covering(cls, stage: Stage) -> StageRow | None:
        """The row that shows ``stage``, or None for a stage no row shows (importing a model)."""
        return next((row for row in cls if stage in row.stages), None)


def clock(seconds: float | None) -> str:
    if seconds is None:
        return "estimating…"
    seconds = int(seconds)
    if seconds >= 3600:
        return f"about {seconds // 3600} h {seconds // 60 % 60:02d} min left"
    if seconds >= 60:
        return f"about {seconds // 60} min {seconds % 60:02d} s left"
    return f"about {seconds} s left"


class CreatePage(QWidget):
    title = "Create"
    next_requested = Signal()

    def __init__(self, controller) -> None:
        super().__init__()
        self.controller = controller
        self.setObjectName("createPage")
        self._last_log = 0.0
        self._last_message = ""
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Create your headshots"))
        self.reason_label = QLabel()
        self.reason_label.setObjectName("startReason")
        self.reason_label.setWordWrap(True)
        layout.addWidget(self.reason_label)
        layout.addLayout(self._build_buttons())
        layout.addLayout(self._build_progress())
        layout.addLayout(self._build_log_row())
        self.log = QPlainTextEdit()
        self.log.setObjectName("runLog")
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(2000)
        layout.addWidget(self.log, 1)
        self.result_label = QLabel()
        self.result_label.setObjectName("resultLabel")
        self.result_label.setWordWrap(True)
        layout.addWidget(self.result_label)
        self.gallery_button = primary_button("See the gallery")
        self.gallery_button.setObjectName("seeGalleryButton")
        self.gallery_button.clicked.connect(self.next_requested)
        self.gallery_button.setVisible(False)
        layout.addLayout(right_aligned(self.gallery_button))

        controller.run_event.connect(self._on_event)
        controller.run_state_changed.connect(self._on_state)
        for signal in (controller.photos_changed, controller.styles_changed, controller.setup_changed,
                       controller.session_changed):
            signal.connect(self.refresh)
        self.refresh()

    def _build_buttons(self) -> QHBoxLayout:
        buttons = QHBoxLayout()
        self.start_button = primary_button("Start")
        self.start_button.setObjectName("startButton")
        self.start_button.setToolTip("Learn your face and make the headshots (this takes a while)")
        self.start_button.clicked.connect(self._start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setToolTip("Stop within seconds; everything finished so far is kept")
        self.cancel_button.clicked.connect(self.controller.cancel_run)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch()
        return buttons

    def _build_progress(self) -> QHBoxLayout:
        """A progress bar for each stage and the whole run, beside the latest image."""
        body = QHBoxLayout()
        stages = QGridLayout()
        self.stage_bars: dict[StageRow, QProgressBar] = {}
        self.stage_labels: dict[StageRow, QLabel] = {}
        for index, row in enumerate(StageRow):
            label = QLabel(row.label)
            bar = QProgressBar()
            bar.setObjectName(f"stage-{row.label}")
            bar.setTextVisible(True)
            stages.addWidget(label, index, 0)
            stages.addWidget(bar, index, 1)
            self.stage_bars[row], self.stage_labels[row] = bar, label
        overall_label = QLabel("Overall")
        font = overall_label.font()
        font.setBold(True)
        overall_label.setFont(font)
        self.overall_bar = QProgressBar()
        self.overall_bar.setObjectName("overallProgress")
        stages.addWidget(overall_label, len(StageRow), 0)
        stages.addWidget(self.overall_bar, len(StageRow), 1)
        self.eta_label = QLabel()
        self.eta_label.setObjectName("etaLabel")
        stages.addWidget(self.eta_label, len(StageRow) + 1, 1)
        stage_box = QWidget()
        stage_box.setLayout(stages)
        body.addWidget(stage_box, 3)
        self.preview = QLabel("The latest image appears here.")
        self.preview.setObjectName("preview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(220, 220)
        self.preview.setStyleSheet("QLabel#preview { border: 1px solid palette(mid); }")
        body.addWidget(self.preview, 2)
        return body

    def _build_log_row(self) -> QHBoxLayout:
        log_row = QHBoxLayout()
        log_row.addWidget(QLabel("Log"))
        log_row.addStretch()
        copy = QPushButton("Copy log")
        copy.setToolTip("Copy the log, e.g. to send to support")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.log.toPlainText()))
        log_row.addWidget(copy)
        return log_row

    def refresh(self) -> None:
        ok, reason = self.controller.can_start()
        busy = self.controller.run_worker.state.busy
        self.start_button.setEnabled(ok and not busy)
        self.cancel_button.setEnabled(self.controller.run_worker.state == JobState.RUNNING)
        if not busy:
            self.reason_label.setText(reason if not ok else self._plan_text())

    def _plan_text(self) -> str:
        counts = self.controller.style_counts
        total = sum(counts.values())
        text = (f"Ready: {total} headshot{'s' if total != 1 else ''} in {len(counts)} "
                f"style{'s' if len(counts) != 1 else ''}. Press Start.")
        try:
            model, plan = self.controller.current_plan()
        except Exception as exc:  # Start reports it properly; here it only informs
            return f"{text}\n{describe_error(exc)[1]}"
        return f"{text}\nThis computer: {self.controller.device.describe()}. Settings for {model.name}: {plan.describe()}."

    def _start(self) -> None:
        for bar in self.stage_bars.values():
            bar.setValue(0)
        self.overall_bar.setValue(0)
        self.log.clear()
        self.result_label.clear()
        self.gallery_button.setVisible(False)
        self.log.appendPlainText(time.strftime("%H:%M:%S") + "  Started.")
        self.controller.start_run()

    def _on_event(self, event) -> None:
        if isinstance(event, Notice):  # a notice only goes to the log
            self._log_message(event.message)
            return
        row = StageRow.covering(event.stage)
        if row is not None:
            self._show_progress(row, event.step, event.total)
        if event.overall is not None:
            self.overall_bar.setMaximum(1000)
            self.overall_bar.setValue(round(event.overall * 1000))
            self.eta_label.setText(clock(event.overall_eta_s))
        if event.preview is not None:
            self.preview.setPixmap(QPixmap.fromImage(pil_to_qimage(event.preview)).scaled(
                self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
        loss = f" (loss {event.loss:.4f})" if event.loss is not None else ""
        self._log_message(event.message, suffix=loss, force=event.preview is not None)

    def _show_progress(self, row: StageRow, step: int, total: int) -> None:
        bar = self.stage_bars[row]
        bar.setMaximum(max(1, total))
        bar.setValue(min(step, total))
        rows = list(StageRow)
        for earlier in rows[: rows.index(row)]:  # stages the run has passed are done
            done = self.stage_bars[earlier]
            done.setMaximum(max(1, done.maximum()))
            done.setValue(done.maximum())

    def _log_message(self, message: str, suffix: str = "", force: bool = False) -> None:
        """The log keeps what a person wants to read back: each new message, and a
        repeated one (a step counter) at most every 10 seconds."""
        now = time.monotonic()
        if message and (message != self._last_message or now - self._last_log > 10.0 or force):
            self._last_log, self._last_message = now, message
            self.log.appendPlainText(f"{time.strftime('%H:%M:%S')}  {message}{suffix}")

    def _on_state(self, state: JobState) -> None:
        self.refresh()
        stamp = time.strftime("%H:%M:%S")
        if state == JobState.CANCELLING:
            self.reason_label.setText("Stopping after the current step…")
        elif state == JobState.CANCELLED:
            kept = len(self.controller.gallery())
            self.result_label.setText(
                "Stopped. Everything finished so far is kept"
                + (f" ({kept} headshots in the gallery)" if kept else "")
                + ". Press Start to continue where it stopped."
            )
            self.log.appendPlainText(f"{stamp}  Cancelled.")
        elif state == JobState.FINISHED:
            count = len(self.controller.gallery())
            self.result_label.setText(f"Done: {count} headshots, best first, in the gallery.")
            self.log.appendPlainText(f"{stamp}  Finished.")
            self.overall_bar.setValue(self.overall_bar.maximum())
            self.eta_label.setText("Done.")
            self.gallery_button.setVisible(True)
        elif state == JobState.FAILED:
            self.result_label.setText("The run stopped because of a problem (see the message). "
                                      "Finished work is kept; press Start to try again.")
            self.log.appendPlainText(f"{stamp}  Stopped by a problem.")
