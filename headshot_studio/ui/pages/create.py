"""Create: what the run will be in plain words ("Your RTX 3060 (12 GB): about 9
minutes for 24 headshots", the technical plan behind "Details"), one Start button;
while it runs, what is happening now and the time left, every stage with its own
progress, previews as they come, and a Cancel that stops within seconds and says what
was kept. The log to copy for support is behind "Details" too."""

from __future__ import annotations

import enum
import time

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from headshot_studio.core.events import Notice, Stage, describe_error
from headshot_studio.ui.core_text import core_text
from headshot_studio.ui import theme
from headshot_studio.ui.widgets import (
    ImagePane,
    card,
    heading,
    label,
    pil_to_qimage,
    primary_button,
    quiet_button,
    right_aligned,
)
from headshot_studio.ui.workers import JobState


class StageRow(enum.Enum):
    """The stages a person sees, in run order: each with its label and the pipeline
    stages it covers (the page's progress bars are keyed by these). The label is shown
    translated (QCoreApplication.translate("StageRow", row.label)); the bars' object
    names use it as it is."""

    CHECK = (QT_TRANSLATE_NOOP("StageRow", "Check photos"), (Stage.VERIFY, Stage.CHECK))
    PREPARE = (QT_TRANSLATE_NOOP("StageRow", "Prepare"), (Stage.PREPARE,))
    LEARN = (QT_TRANSLATE_NOOP("StageRow", "Learn your face"), (Stage.LOAD, Stage.TRAIN))
    GENERATE = (QT_TRANSLATE_NOOP("StageRow", "Generate"), (Stage.GENERATE,))
    FINISH = (QT_TRANSLATE_NOOP("StageRow", "Finish"), (Stage.POSTPROCESS,))
    RANK = (QT_TRANSLATE_NOOP("StageRow", "Rank"), (Stage.RANK,))

    def __init__(self, label: str, stages: tuple[Stage, ...]) -> None:
        self.label = label
        self.stages = stages

    @property
    def explanation(self) -> str:
        """What this stage does, in a sentence, for the "now" line."""
        return QCoreApplication.translate("StageRow", STAGE_EXPLANATIONS[self.name])

    @classmethod
    def covering(cls, stage: Stage) -> StageRow | None:
        """The row that shows ``stage``, or None for a stage no row shows (importing a model)."""
        return next((row for row in cls if stage in row.stages), None)


STAGE_EXPLANATIONS = {
    "CHECK": QT_TRANSLATE_NOOP("StageRow", "Checking your photos once more."),
    "PREPARE": QT_TRANSLATE_NOOP("StageRow", "Cropping each photo around your face and lining them up."),
    "LEARN": QT_TRANSLATE_NOOP("StageRow", "The graphics card studies your selfies so the headshots look like you. "
                                           "This is the longest step."),
    "GENERATE": QT_TRANSLATE_NOOP("StageRow", "Making your headshots, style by style. They appear below as they come."),
    "FINISH": QT_TRANSLATE_NOOP("StageRow", "Finishing each headshot: face details, colour and size."),
    "RANK": QT_TRANSLATE_NOOP("StageRow", "Putting the most like you and the sharpest first."),
}
PREVIEW_THUMB = 88  # logical pixels: the strip of previews
MAX_PREVIEWS = 24  # the strip keeps the latest this many


def minutes_left(elapsed_s: float, eta_s: float | None) -> str:
    """"about 6 of 9 minutes left": the time left and the whole run's, in minutes."""
    if eta_s is None:
        return QCoreApplication.translate("CreatePage", "working out the time left…")
    left = max(1, round(eta_s / 60))
    total = max(left, round((elapsed_s + eta_s) / 60))
    if eta_s < 60:
        return QCoreApplication.translate("CreatePage", "less than a minute left")
    if left == 1 and total == 1:
        return QCoreApplication.translate("CreatePage", "about a minute left")
    if left == total:
        return QCoreApplication.translate("CreatePage", "about {left} minutes left").format(left=left)
    return QCoreApplication.translate("CreatePage", "about {left} of {total} minutes left").format(left=left, total=total)


class CreatePage(QWidget):
    title = "Create"
    next_requested = Signal()

    def __init__(self, controller) -> None:
        super().__init__()
        self.controller = controller
        self.setObjectName("createPage")
        self._last_log = 0.0
        self._last_message = ""
        self._started = time.monotonic()
        self._stale = True  # the plan is worked out when the page is seen, not on every change
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2 * theme.SPACE)
        layout.addWidget(heading(self.tr("Create your headshots")))
        layout.addWidget(self._build_plan_card())
        layout.addWidget(self._build_now_card(), 1)
        layout.addWidget(self._build_log_card(), 1)
        self.log_card.setVisible(False)
        self.result_label = label()
        self.result_label.setObjectName("resultLabel")
        layout.addWidget(self.result_label)
        self.gallery_button = primary_button(self.tr("See the gallery"), icon="next")
        self.gallery_button.setObjectName("seeGalleryButton")
        self.gallery_button.clicked.connect(self.next_requested)
        self.gallery_button.setVisible(False)
        layout.addLayout(right_aligned(self.gallery_button))

        controller.run_event.connect(self._on_event)
        controller.run_state_changed.connect(self._on_state)
        for signal in (controller.photos_changed, controller.styles_changed, controller.setup_changed,
                       controller.session_changed):
            signal.connect(self._changed)
        self.refresh()

    # --- layout ------------------------------------------------------------------------------
    def _build_plan_card(self) -> QWidget:
        """The run in one plain sentence, Start and Cancel, and the technical plan behind Details."""
        plan, layout = card()
        row = QHBoxLayout()
        row.setSpacing(2 * theme.SPACE)
        text = QVBoxLayout()
        text.setSpacing(theme.SPACE // 2)
        self.reason_label = heading("", role="subtitle")
        self.reason_label.setObjectName("startReason")
        self.reason_label.setTextFormat(Qt.TextFormat.PlainText)  # a card's name is shown as the driver gives it
        text.addWidget(self.reason_label)
        self.plan_hint = label(role="muted")
        self.plan_hint.setObjectName("planHint")
        text.addWidget(self.plan_hint)
        row.addLayout(text, 1)
        self.details_button = QToolButton()
        self.details_button.setObjectName("planDetailsButton")
        self.details_button.setText(self.tr("Details"))
        self.details_button.setCheckable(True)
        self.details_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.details_button.setIcon(theme.icon("details", "muted"))
        self.details_button.setToolTip(self.tr("The technical settings of this run, and the log"))
        theme.set_role(self.details_button, "quiet", "true")
        self.details_button.toggled.connect(self._show_details)
        row.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignTop)
        self.cancel_button = quiet_button(self.tr("Cancel"), "stop")
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setToolTip(self.tr("Stop within seconds; everything finished so far is kept"))
        self.cancel_button.clicked.connect(self.controller.cancel_run)
        row.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.start_button = primary_button(self.tr("Start"), icon="start")
        self.start_button.setObjectName("startButton")
        self.start_button.setToolTip(self.tr("Learn your face and make the headshots (this takes a while)"))
        self.start_button.clicked.connect(self._start)
        row.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addLayout(row)
        self.plan_details = label(role="small")
        self.plan_details.setObjectName("planDetails")
        self.plan_details.setTextFormat(Qt.TextFormat.PlainText)
        self.plan_details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.plan_details.setVisible(False)
        layout.addWidget(self.plan_details)
        return plan

    def _build_now_card(self) -> QWidget:
        """What is happening now and the time left, the stages, the previews."""
        now, layout = card()
        self.now_label = heading(self.tr("Nothing is running."), role="subtitle")
        self.now_label.setObjectName("nowLabel")
        layout.addWidget(self.now_label)
        self.now_hint = label(self.tr("Press Start when you are ready. You can use the computer for other things "
                                      "meanwhile; it will not go to sleep until the headshots are done."),
                              role="muted")
        self.now_hint.setObjectName("nowHint")
        layout.addWidget(self.now_hint)
        self.overall_bar = QProgressBar()
        self.overall_bar.setObjectName("overallProgress")
        self.overall_bar.setAccessibleName(self.tr("Whole run"))
        self.overall_bar.setTextVisible(False)
        self.eta_label = label(role="muted")
        self.eta_label.setObjectName("etaLabel")
        overall = QHBoxLayout()
        overall.addWidget(self.overall_bar, 1)
        overall.addWidget(self.eta_label)
        layout.addLayout(overall)

        body = QHBoxLayout()
        body.setSpacing(3 * theme.SPACE)
        stages = QGridLayout()
        stages.setHorizontalSpacing(theme.SPACE)
        stages.setVerticalSpacing(theme.SPACE)
        self.stage_bars: dict[StageRow, QProgressBar] = {}
        self.stage_labels: dict[StageRow, QLabel] = {}
        self.stage_marks: dict[StageRow, QLabel] = {}
        for index, row in enumerate(StageRow):
            name = QCoreApplication.translate("StageRow", row.label)
            mark = QLabel()
            mark.setFixedSize(18, 18)
            stage_label = QLabel(name)
            bar = QProgressBar()
            bar.setObjectName(f"stage-{row.label}")
            bar.setAccessibleName(name)
            bar.setTextVisible(False)
            bar.setFixedWidth(160)
            stages.addWidget(mark, index, 0)
            stages.addWidget(stage_label, index, 1)
            stages.addWidget(bar, index, 2)
            self.stage_bars[row], self.stage_labels[row], self.stage_marks[row] = bar, stage_label, mark
        stages.setRowStretch(len(StageRow), 1)
        body.addLayout(stages)
        pictures = QVBoxLayout()
        pictures.setSpacing(theme.SPACE)
        self.preview = ImagePane(self.tr("The latest image appears here."), minimum=120)
        self.preview.setObjectName("preview")
        self.preview.setAccessibleName(self.tr("Latest image"))
        theme.set_role(self.preview, "role", "muted")
        self.previews = QListWidget()
        self.previews.setObjectName("previewStrip")
        self.previews.setAccessibleName(self.tr("Images made so far"))
        self.previews.setViewMode(QListView.ViewMode.IconMode)
        self.previews.setFlow(QListView.Flow.LeftToRight)
        self.previews.setWrapping(False)
        self.previews.setIconSize(QSize(PREVIEW_THUMB, PREVIEW_THUMB))
        self.previews.setFixedHeight(PREVIEW_THUMB + 3 * theme.SPACE)
        self.previews.setHorizontalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.previews.setVisible(False)
        pictures.addWidget(self.preview, 1)
        pictures.addWidget(self.previews)
        body.addLayout(pictures, 1)
        layout.addLayout(body, 1)
        return now

    def _build_log_card(self) -> QWidget:
        self.log_card, layout = card()
        row = QHBoxLayout()
        row.addWidget(heading(self.tr("Log"), role="subtitle"))
        row.addStretch()
        copy = quiet_button(self.tr("Copy log"), "copy")
        copy.setObjectName("copyLogButton")
        copy.setToolTip(self.tr("Copy the log, e.g. to send to support"))
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.log.toPlainText()))
        row.addWidget(copy)
        layout.addLayout(row)
        self.log = QPlainTextEdit()
        self.log.setObjectName("runLog")
        self.log.setAccessibleName(self.tr("Log"))
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(2000)
        layout.addWidget(self.log, 1)
        return self.log_card

    def _show_details(self, shown: bool) -> None:
        self.plan_details.setVisible(shown and bool(self.plan_details.text()))
        self.log_card.setVisible(shown)

    # --- the plan ------------------------------------------------------------------------------
    def _changed(self) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:
        if self._stale:
            self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        ok, reason = self.controller.can_start()
        busy = self.controller.run_worker.state.busy
        self.start_button.setEnabled(ok and not busy)
        self.cancel_button.setEnabled(self.controller.run_worker.state == JobState.RUNNING)
        self.cancel_button.setVisible(busy)
        if not busy:
            self._stale = False
            if ok:
                self._show_plan()
            else:
                self.reason_label.setText(core_text(reason))
                self.plan_hint.setText(self.tr("Start is ready once this is done."))
                self.plan_details.clear()

    def _show_plan(self) -> None:
        try:
            numbers, request = self.controller.plan_numbers()
        except Exception as exc:  # Start reports it properly; here it only informs
            self.reason_label.setText(self.tr("Ready to create your headshots."))
            self.plan_hint.setText(core_text(describe_error(exc)[1]))
            return
        duration = (self.tr("about a minute") if numbers.minutes == 1
                    else self.tr("about {minutes} minutes").format(minutes=numbers.minutes))
        if numbers.on_gpu and numbers.card and numbers.memory_gb:
            sentence = self.tr("Your {card} ({memory} GB): {duration} for {count} headshots.").format(
                card=numbers.card, memory=numbers.memory_gb, duration=duration, count=numbers.images)
        elif numbers.on_gpu:
            sentence = self.tr("Your graphics card: {duration} for {count} headshots.").format(
                duration=duration, count=numbers.images)
        else:
            sentence = self.tr("This computer's processor: {duration} for {count} headshots.").format(
                duration=duration, count=numbers.images)
        self.reason_label.setText(sentence)
        styles = len(request.styles)
        self.plan_hint.setText(
            (self.tr("{count} headshots in 1 style.") if styles == 1 else
             self.tr("{count} headshots in {styles} styles.")).format(count=numbers.images, styles=styles)
            + " " + self.tr("The computer stays awake until they are done; you can cancel at any time and "
                            "continue later.")
        )
        self.plan_details.setText(self.tr("This computer: {device}. Model: {model}. Settings: {plan}.").format(
            device=core_text(self.controller.device.describe()), model=request.model.name,
            plan=request.plan.describe()))
        self.plan_details.setVisible(self.details_button.isChecked())

    # --- the run -------------------------------------------------------------------------------
    def _start(self) -> None:
        for bar in self.stage_bars.values():
            bar.setValue(0)
        for row in StageRow:
            self._mark(row, "next")
        self.overall_bar.setValue(0)
        self.eta_label.clear()
        self.previews.clear()
        self.previews.setVisible(False)
        self.log.clear()
        self.result_label.clear()
        self.gallery_button.setVisible(False)
        self._started = time.monotonic()
        self.log.appendPlainText(time.strftime("%H:%M:%S") + "  " + self.tr("Started."))
        self.controller.start_run()

    def _on_event(self, event) -> None:
        if isinstance(event, Notice):  # a notice only goes to the log
            self._log_message(core_text(event.message))
            return
        row = StageRow.covering(event.stage)
        if row is not None:
            self._show_progress(row, event.step, event.total)
        if event.overall is not None:
            self.overall_bar.setMaximum(1000)
            self.overall_bar.setValue(round(event.overall * 1000))
            self.eta_label.setText(self.tr("{percent} %").format(percent=round(event.overall * 100)))
            if row is not None:
                self.now_label.setText(self.tr("{stage} — {left}").format(
                    stage=QCoreApplication.translate("StageRow", row.label),
                    left=minutes_left(time.monotonic() - self._started, event.overall_eta_s)))
        if event.preview is not None:
            self._show_preview(event.preview)
        loss = " " + self.tr("(loss {value})").format(value=f"{event.loss:.4f}") if event.loss is not None else ""
        self._log_message(core_text(event.message), suffix=loss, force=event.preview is not None)

    def _show_preview(self, picture) -> None:
        pixmap = QPixmap.fromImage(pil_to_qimage(picture))
        self.preview.set_image(pixmap)
        item = QListWidgetItem()
        item.setIcon(pixmap.scaled(QSize(2 * PREVIEW_THUMB, 2 * PREVIEW_THUMB), Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation))
        item.setToolTip(self.tr("Image {number}").format(number=self.previews.count() + 1))
        self.previews.addItem(item)
        while self.previews.count() > MAX_PREVIEWS:
            self.previews.takeItem(0)
        self.previews.scrollToItem(item)
        self.previews.setVisible(True)

    def _mark(self, row: StageRow, state: str) -> None:
        """A stage's mark: a tick when done, the accent dot while running, a quiet ring next."""
        mark = self.stage_marks[row]
        icon = {"done": ("ok", "success"), "now": ("running", "accent"), "next": ("pending", "muted")}[state]
        mark.setPixmap(theme.icon(*icon).pixmap(QSize(16, 16)))
        mark.setAccessibleName(self.tr("{stage}: {state}").format(
            stage=QCoreApplication.translate("StageRow", row.label),
            state={"done": self.tr("done"), "now": self.tr("running"), "next": self.tr("waiting")}[state]))
        theme.set_role(self.stage_labels[row], "role", "" if state != "next" else "muted")

    def _show_progress(self, row: StageRow, step: int, total: int) -> None:
        bar = self.stage_bars[row]
        bar.setMaximum(max(1, total))
        bar.setValue(min(step, total))
        rows = list(StageRow)
        for earlier in rows[: rows.index(row)]:  # stages the run has passed are done
            done = self.stage_bars[earlier]
            done.setMaximum(max(1, done.maximum()))
            done.setValue(done.maximum())
            self._mark(earlier, "done")
        self._mark(row, "done" if step >= total else "now")
        self.now_hint.setText(row.explanation)

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
        self.now_label.setText({
            JobState.RUNNING: self.tr("Starting…"),
            JobState.CANCELLING: self.tr("Stopping after the current step…"),
            JobState.CANCELLED: self.tr("Stopped."),
            JobState.FINISHED: self.tr("Done: your headshots are ready."),
            JobState.FAILED: self.tr("Stopped by a problem."),
        }.get(state, self.now_label.text()))
        if state == JobState.RUNNING:
            self.now_hint.setText(self.tr("Loading the model. The first progress appears in a moment."))
        if state == JobState.CANCELLING:
            self.reason_label.setText(self.tr("Stopping after the current step…"))
        elif state == JobState.CANCELLED:
            kept = len(self.controller.gallery())
            self.result_label.setText(
                self.tr("Stopped. Everything finished so far is kept ({kept} headshots in the gallery). "
                        "Press Start to continue where it stopped.").format(kept=kept) if kept
                else self.tr("Stopped. Everything finished so far is kept. Press Start to continue where it stopped.")
            )
            self.log.appendPlainText(stamp + "  " + self.tr("Cancelled."))
        elif state == JobState.FINISHED:
            count = len(self.controller.gallery())
            self.result_label.setText(self.tr("Done: {count} headshots, best first, in the gallery.").format(count=count))
            self.log.appendPlainText(stamp + "  " + self.tr("Finished."))
            self.overall_bar.setValue(self.overall_bar.maximum())
            self.eta_label.setText(self.tr("Done."))
            self.gallery_button.setVisible(True)
            self.now_hint.setText(self.tr("The best ones are first in the gallery."))
            for row in StageRow:
                self._mark(row, "done")
        elif state == JobState.FAILED:
            self.result_label.setText(self.tr("The run stopped because of a problem (see the message). "
                                              "Finished work is kept; press Start to try again."))
            self.log.appendPlainText(stamp + "  " + self.tr("Stopped by a problem."))
