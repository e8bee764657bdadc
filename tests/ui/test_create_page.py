"""The Create page's progress: a bar per stage a person sees, keyed by StageRow, filled
from the run's JobEvents; a Notice only goes to the log."""

from __future__ import annotations

from headshot_studio.core.events import JobEvent, Notice, Stage
from headshot_studio.ui.pages.create import CreatePage, StageRow


def test_every_run_stage_but_an_import_has_one_row_in_run_order():
    assert StageRow.covering(Stage.IMPORT) is None  # importing a model is not part of a run
    covered = [stage for stage in Stage if stage is not Stage.IMPORT]
    rows = [StageRow.covering(stage) for stage in covered]
    assert None not in rows
    order = list(StageRow)
    assert [order.index(row) for row in rows] == sorted(order.index(row) for row in rows)  # Stage order = row order
    assert StageRow.covering(Stage.LOAD) is StageRow.covering(Stage.TRAIN) is StageRow.LEARN
    assert [row.label for row in StageRow] == ["Check photos", "Prepare", "Learn your face", "Generate", "Finish", "Rank"]


def test_a_stage_fills_its_bar_and_marks_the_stages_before_it_done(qtbot, controller):
    page = CreatePage(controller)
    qtbot.addWidget(page)
    controller.run_event.emit(JobEvent(Stage.TRAIN, 4, 10, "Learning the face: step 4 of 10"))
    controller.run_event.emit(JobEvent(Stage.GENERATE, 2, 8, "Image 2 of 8"))
    bars = {row: (bar.value(), bar.maximum()) for row, bar in page.stage_bars.items()}
    assert bars[StageRow.GENERATE] == (2, 8)
    assert bars[StageRow.LEARN] == (10, 10)  # passed: done, at its own length
    assert all(value == maximum > 0 for value, maximum in (bars[StageRow.CHECK], bars[StageRow.PREPARE]))  # passed: done
    assert bars[StageRow.FINISH][0] <= 0 and bars[StageRow.RANK][0] <= 0  # not reached yet
    assert page.findChild(type(page.stage_bars[StageRow.LEARN]), "stage-Learn your face") is page.stage_bars[StageRow.LEARN]

    controller.run_event.emit(Notice(Stage.GENERATE, "Ran out of graphics memory; trying again with lighter settings…"))
    assert (page.stage_bars[StageRow.GENERATE].value(), page.stage_bars[StageRow.GENERATE].maximum()) == (2, 8)
    assert "trying again with lighter settings" in page.log.toPlainText()
