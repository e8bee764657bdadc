"""The Styles page: pick one or more style templates, how many headshots of each, and
what to avoid; create, duplicate, edit and delete the user's own templates.

The page keeps no state of its own: what is selected lives in the controller
(``style_counts``, ``avoid``) and the templates come from ``controller.load_styles``.
Every change goes to the controller, and the page redraws from it whenever
``styles_changed`` or ``session_changed`` fires.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QObject, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from headshot_studio.core.styles import Style, StyleError, parse_avoid_terms
from headshot_studio.ui.controller import AppController
from headshot_studio.ui.core_text import core_text
from headshot_studio.ui.dialogs.style_editor import StyleEditorDialog
from headshot_studio.ui.style_widgets import CARD_MIN_WIDTH, MAX_COUNT, MIN_COUNT, StyleCard
from headshot_studio.ui import theme
from headshot_studio.ui.widgets import IconLabel, heading, show_error

GRID_SPACING = 12  # pixels
SCROLLBAR_GAP = 6  # pixels between the last column and the scroll bar
AVOID_PLACEHOLDER = QT_TRANSLATE_NOOP("StylesPage", "e.g. no glasses, no tie")  # translated where shown
MAX_ERRORS_SHOWN = 20  # broken style files listed by name; the rest are counted


class StylesPage(QWidget):
    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("stylesPage")
        self.styles: dict[str, Style] = {}
        self.errors: list[StyleError] = []
        self.cards: dict[str, StyleCard] = {}
        self.columns = 0
        self.editor_dialog: StyleEditorDialog | None = None
        self.confirm_box: QMessageBox | None = None
        self._build()
        controller.styles_changed.connect(self.refresh)
        controller.session_changed.connect(self.refresh)
        self.refresh()

    # --- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(theme.SPACE)
        layout.addLayout(self._build_top())
        intro = QLabel(self.tr(
            "Tick one or more looks and choose how many headshots of each. Every style uses the same photos of you."
        ))
        intro.setWordWrap(True)
        theme.set_role(intro, "role", "muted")
        layout.addWidget(intro)
        layout.addWidget(self._build_error_box())
        layout.addWidget(self._build_grid(), 1)
        layout.addWidget(self._build_missing_row())
        layout.addLayout(self._build_avoid())
        layout.addWidget(self.avoid_terms)
        self.summary = QLabel()
        self.summary.setObjectName("stylesSummary")
        theme.set_role(self.summary, "role", "subtitle")
        layout.addWidget(self.summary)

    def _build_top(self) -> QHBoxLayout:
        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Choose your styles")), 1)
        self.new_button = QPushButton(theme.icon("add"), self.tr("New style…"))
        self.new_button.setObjectName("newStyleButton")
        self.new_button.setToolTip(self.tr("Make your own style from scratch: clothes, backdrop, light and framing."))
        self.new_button.clicked.connect(self.new_style)
        top.addWidget(self.new_button)
        return top

    def _build_error_box(self) -> QFrame:
        """Broken files of the user's own: always shown, with what to fix."""
        self.error_box = QFrame()
        self.error_box.setObjectName("styleErrors")
        theme.set_role(self.error_box, "card", "true")
        errors = QHBoxLayout(self.error_box)
        errors.setContentsMargins(2 * theme.SPACE, 2 * theme.SPACE, 2 * theme.SPACE, 2 * theme.SPACE)
        errors.addWidget(IconLabel("warning", "warning"), 0, Qt.AlignmentFlag.AlignTop)
        self.error_label = QLabel()
        self.error_label.setObjectName("styleErrorsText")
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        errors.addWidget(self.error_label, 1)
        self.open_folder_button = QPushButton(theme.icon("open"), self.tr("Open styles folder"))
        self.open_folder_button.setObjectName("openStylesFolderButton")
        self.open_folder_button.setToolTip(self.tr("Show your own styles folder, to fix or delete the file."))
        self.open_folder_button.clicked.connect(self.open_styles_folder)
        errors.addWidget(self.open_folder_button, 0, Qt.AlignmentFlag.AlignTop)
        self.error_box.hide()
        return self.error_box

    def _build_grid(self) -> QScrollArea:
        self.scroll = QScrollArea()
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the controls inside, not the frame
        self.scroll.setObjectName("styleGrid")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setSpacing(GRID_SPACING)
        self.grid.setContentsMargins(0, 0, SCROLLBAR_GAP, 0)
        self.scroll.setWidget(self.grid_host)
        self.scroll.viewport().installEventFilter(self)
        return self.scroll

    def _build_missing_row(self) -> QWidget:
        """Styles chosen in the session whose files are gone or broken, and a way out."""
        missing = QHBoxLayout()
        self.missing_label = QLabel()
        self.missing_label.setObjectName("missingStyles")
        self.missing_label.setWordWrap(True)
        self.missing_label.setTextFormat(Qt.TextFormat.PlainText)
        missing.addWidget(self.missing_label, 1)
        self.remove_missing_button = QPushButton(self.tr("Remove from the choice"))
        self.remove_missing_button.setObjectName("removeMissingStylesButton")
        self.remove_missing_button.setToolTip(self.tr("Stop using the styles that are no longer available."))
        self.remove_missing_button.clicked.connect(self.remove_missing)
        missing.addWidget(self.remove_missing_button)
        self.missing_row = QWidget()
        self.missing_row.setLayout(missing)
        self.missing_row.hide()
        return self.missing_row

    def _build_avoid(self) -> QHBoxLayout:
        """The words to avoid in every headshot, and (below, in ``avoid_terms``) what they become."""
        avoid = QHBoxLayout()
        avoid_label = QLabel(self.tr("&Avoid in every headshot:"))
        self.avoid_field = QLineEdit()
        self.avoid_field.setObjectName("avoidField")
        self.avoid_field.setPlaceholderText(QCoreApplication.translate("StylesPage", AVOID_PLACEHOLDER))
        self.avoid_field.setClearButtonEnabled(True)
        self.avoid_field.setToolTip(self.tr(
            "Things you do not want in any of your headshots, separated by commas, for example "
            "“no glasses, no tie”. They are added to every style's own list of things to avoid."
        ))
        avoid_label.setBuddy(self.avoid_field)
        self.avoid_field.textEdited.connect(self._avoid_edited)
        avoid.addWidget(avoid_label)
        avoid.addWidget(self.avoid_field, 1)
        self.avoid_terms = QLabel()
        self.avoid_terms.setObjectName("avoidTerms")
        self.avoid_terms.setTextFormat(Qt.TextFormat.PlainText)
        self.avoid_terms.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.avoid_terms.setWordWrap(True)
        self.avoid_terms.setMinimumHeight(self.avoid_terms.fontMetrics().lineSpacing())  # no jump on the first word
        return avoid

    # --- from the controller and the files ------------------------------------------------
    def refresh(self) -> None:
        """Re-read the style files (small; a rebuild only when they changed) and show the
        controller's choice."""
        styles, errors = self.controller.load_styles()
        error_text = [e.message for e in errors]
        if styles != self.styles or error_text != [e.message for e in self.errors] or not self.cards:
            self.styles, self.errors = styles, errors
            self._rebuild_cards()
            self._show_errors()
        self._show_choice()

    def _rebuild_cards(self) -> None:
        for card in self.cards.values():
            card.hide()
            card.deleteLater()
        self.cards = {}
        for style in sorted(self.styles.values(), key=lambda s: (s.source != "builtin", s.name.casefold())):
            card = StyleCard(style, self.grid_host)
            card.toggled.connect(self._card_toggled)
            card.count_changed.connect(self._card_count_changed)
            card.duplicate_requested.connect(self.duplicate_style)
            card.edit_requested.connect(self.edit_style)
            card.delete_requested.connect(self.delete_style)
            self.cards[style.id] = card
        self.columns = 0  # force the layout
        self._lay_out_cards()
        chain = [self.new_button, self.open_folder_button]
        for card in self.cards.values():
            chain += card.focus_widgets()
        chain += [self.remove_missing_button, self.avoid_field]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _lay_out_cards(self) -> None:
        width = self.scroll.viewport().width() - SCROLLBAR_GAP
        columns = max(1, (width + GRID_SPACING) // (CARD_MIN_WIDTH + GRID_SPACING))
        if columns == self.columns:
            return
        self.columns = columns
        while self.grid.count():
            self.grid.takeAt(0)
        for column in range(self.grid.columnCount()):
            self.grid.setColumnStretch(column, 0)
        for row in range(self.grid.rowCount()):
            self.grid.setRowStretch(row, 0)
        for index, card in enumerate(self.cards.values()):
            self.grid.addWidget(card, index // columns, index % columns, Qt.AlignmentFlag.AlignTop)
            card.show()
        for column in range(columns):
            self.grid.setColumnStretch(column, 1)
        self.grid.setRowStretch(max(1, (len(self.cards) + columns - 1) // columns), 1)  # cards stay at the top

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.scroll.viewport() and event.type() == QEvent.Type.Resize:
            self._lay_out_cards()
        return super().eventFilter(watched, event)

    def _show_errors(self) -> None:
        if not self.errors:
            self.error_box.hide()
            return
        lines = [self.tr("Some of your own styles could not be read, so they are not shown:")]
        lines += [f"•  {core_text(error.message)}" for error in self.errors[:MAX_ERRORS_SHOWN]]
        if len(self.errors) > MAX_ERRORS_SHOWN:  # a folder of broken files must not push the page off screen
            more = len(self.errors) - MAX_ERRORS_SHOWN
            lines.append("•  " + (
                self.tr("…and 1 more broken file. Run “headshot-studio styles” to list them all.") if more == 1
                else self.tr("…and {count} more broken files. Run “headshot-studio styles” to list them all.").format(
                    count=f"{more:,}")
            ))
        lines.append(self.tr("Your styles folder: {path}").format(path=self.controller.styles_folder()))
        self.error_label.setText("\n".join(lines))
        self.error_box.show()

    def _show_choice(self) -> None:
        counts = self.controller.style_counts
        has_session = self.controller.session is not None
        for style_id, card in self.cards.items():
            card.show_state(counts.get(style_id), self.default_count, has_session)
        if self.avoid_field.text() != self.controller.avoid:
            self.avoid_field.setText(self.controller.avoid)
        self.avoid_field.setEnabled(has_session)
        self._show_avoid_terms()

        missing = [style_id for style_id in counts if style_id not in self.styles]
        names = ", ".join(f"“{m}”" for m in missing)
        if len(missing) == 1:
            self.missing_label.setText(self.tr("Chosen but not available: {names}. Its style file is missing or "
                                               "broken. Fix the file, or remove the style from your choice.").format(
                names=names))
        elif missing:
            self.missing_label.setText(self.tr("Chosen but not available: {names}. Their style files are missing or "
                                               "broken. Fix the file, or remove the style from your choice.").format(
                names=names))
        else:
            self.missing_label.setText("")
        self.missing_row.setVisible(bool(missing))

        if not has_session:
            self.summary.setText(self.tr("Start or open a session to choose styles."))
        elif not counts:
            self.summary.setText(self.tr("No style chosen yet. Tick at least one to continue."))
        else:
            n, total = len(counts), sum(counts.values())
            if total == 1:
                self.summary.setText(self.tr("1 style, 1 headshot in total"))
            elif n == 1:
                self.summary.setText(self.tr("1 style, {total} headshots in total").format(total=total))
            else:
                self.summary.setText(self.tr("{styles} styles, {total} headshots in total").format(styles=n, total=total))

    def _show_avoid_terms(self) -> None:
        """The terms the avoid text becomes or, when it is too long, why it cannot be used
        (it is kept as typed, never cut short; a run refuses it with the same words)."""
        try:
            terms = parse_avoid_terms(self.avoid_field.text())
        except StyleError as exc:
            self.avoid_terms.setText(core_text(exc.message))
            self.avoid_terms.setForegroundRole(QPalette.ColorRole.Text)
            theme.set_role(self.avoid_terms, "role", "error")
            return
        theme.set_role(self.avoid_terms, "role", "muted")
        self.avoid_terms.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.avoid_terms.setText(self.tr("Every headshot will avoid: {terms}").format(terms=", ".join(terms))
                                 if terms else "")

    @property
    def default_count(self) -> int:
        return min(max(self.controller.settings.images_per_style, MIN_COUNT), MAX_COUNT)

    # --- to the controller -----------------------------------------------------------------
    def _card_toggled(self, style_id: str, chosen: bool) -> None:
        self.controller.set_style_count(style_id, self.default_count if chosen else 0)

    def _card_count_changed(self, style_id: str, count: int) -> None:
        if style_id in self.controller.style_counts:
            self.controller.set_style_count(style_id, count)

    def _avoid_edited(self, text: str) -> None:
        self.controller.set_avoid(text)
        self._show_avoid_terms()

    def remove_missing(self) -> None:
        for style_id in [s for s in self.controller.style_counts if s not in self.styles]:
            self.controller.set_style_count(style_id, 0)

    def open_styles_folder(self) -> None:
        folder = self.controller.styles_folder()
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    # --- the editor ------------------------------------------------------------------------
    def new_style(self) -> None:
        self._open_editor(StyleEditorDialog(self.controller, mode="new", taken_ids=set(self.styles), parent=self))

    def duplicate_style(self, style: Style) -> None:
        self._open_editor(StyleEditorDialog(self.controller, style, mode="duplicate", taken_ids=set(self.styles), parent=self))

    def edit_style(self, style: Style) -> None:
        self._open_editor(StyleEditorDialog(self.controller, style, mode="edit", taken_ids=set(self.styles), parent=self))

    def _open_editor(self, dialog: StyleEditorDialog) -> None:
        self.editor_dialog = dialog
        dialog.finished.connect(lambda result: self._editor_closed(dialog, result))
        dialog.open()

    def _editor_closed(self, dialog: StyleEditorDialog, result: int) -> None:
        saved = dialog.saved_style if result == StyleEditorDialog.DialogCode.Accepted else None
        if self.editor_dialog is dialog:
            self.editor_dialog = None
        dialog.deleteLater()
        if saved is None:
            return
        self.controller.styles_changed.emit()  # the style files changed; refresh() re-reads them
        card = self.cards.get(saved.id)
        if card is not None:
            self.scroll.ensureWidgetVisible(card)
            card.check.setFocus()

    def delete_style(self, style: Style) -> None:
        box = QMessageBox(self)
        box.setObjectName("deleteStyleBox")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Delete style"))
        box.setText(self.tr("Delete your style “{name}”?").format(name=style.name))
        box.setInformativeText(self.tr("Its file is removed from your styles folder. This cannot be undone."))
        delete = box.addButton(self.tr("Delete"), QMessageBox.ButtonRole.DestructiveRole)
        delete.setObjectName("confirmDeleteStyleButton")
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _: self._delete_answered(box, delete, style))
        self.confirm_box = box
        box.open()

    def _delete_answered(self, box: QMessageBox, delete: QPushButton, style: Style) -> None:
        confirmed = box.clickedButton() is delete
        if self.confirm_box is box:
            self.confirm_box = None
        box.deleteLater()
        if not confirmed:
            return
        try:
            style.path.unlink(missing_ok=True)
        except OSError as exc:
            show_error(
                self,
                self.tr("The style “{name}” could not be deleted ({reason}). Check that you may change files in "
                        "your styles folder.").format(name=style.name, reason=exc.strerror or exc),
                f"{style.path}: {exc!r}",
            )
            return
        self.controller.styles_changed.emit()  # refresh() re-reads the files
        if style.id in self.controller.style_counts and style.id not in self.styles:
            self.controller.set_style_count(style.id, 0)  # it was chosen and is gone for good
