"""The style template editor: create a style, duplicate one, or edit one of the user's own.

The dialog only gathers the fields; every rule lives in ``core.styles``:
``save_user_style`` (through the controller) checks the style exactly as a file being read is checked, and its
``StyleError`` message is shown inline while the dialog stays open, so nothing half
right is ever written. Built-in styles are never edited in place: they are duplicated
into the user's styles folder under a new id.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QColor, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from headshot_studio.core.colour import INTENT_KELVIN
from headshot_studio.core.limits import (
    DEFAULT_GUIDANCE,
    DEFAULT_SAMPLER,
    DEFAULT_STEPS,
    STYLE_GUIDANCE_RANGE,
    STYLE_STEPS_RANGE,
)
from headshot_studio.core.styles import (
    DEFAULT_SWATCH,
    SAMPLERS,
    SUBJECT_PLACEHOLDER,
    Style,
    StyleError,
    compose_prompt,
    derive_style_id,
    sampler_label,
)
from headshot_studio.ui import theme
from headshot_studio.ui.core_text import core_text

# (width, height, label); 0 x 0 is the model's own size. The labels here and in
# LIGHT_LOOKS and PREVIEW_PERSON are translated where shown (context "StyleEditorDialog").
SIZES = (
    (0, 0, QT_TRANSLATE_NOOP("StyleEditorDialog", "Model's own size (recommended)")),
    (512, 512, QT_TRANSLATE_NOOP("StyleEditorDialog", "512 × 512 (SD 1.5 models)")),
    (512, 640, QT_TRANSLATE_NOOP("StyleEditorDialog", "512 × 640 portrait")),
    (768, 768, "768 × 768"),
    (1024, 1024, QT_TRANSLATE_NOOP("StyleEditorDialog", "1024 × 1024 (SDXL models)")),
    (896, 1152, QT_TRANSLATE_NOOP("StyleEditorDialog", "896 × 1152 portrait (SDXL models)")),
)

# The generator reads English: a new style's subject is a prompt, never translated.
NEW_STYLE_SUBJECT = f"professional headshot photo of {SUBJECT_PLACEHOLDER}"
PREVIEW_PERSON = QT_TRANSLATE_NOOP("StyleEditorDialog", "[the person]")
LIGHT_LOOKS = {"neutral": QT_TRANSLATE_NOOP("StyleEditorDialog", "Neutral daylight"),
               "warm": QT_TRANSLATE_NOOP("StyleEditorDialog", "Warm"),
               "cool": QT_TRANSLATE_NOOP("StyleEditorDialog", "Cool")}  # keys: colour.COLOUR_INTENTS


def _translated(text: str) -> str:
    """One of this module's labels above, in the user's language."""
    return QCoreApplication.translate("StyleEditorDialog", text)
DEFAULT_BACKDROP_COLOUR = "#6b7b8c"  # a quiet blue-grey, until the user picks their own


def _swatch_icon(colour: str) -> QIcon:
    pixmap = QPixmap(28, 16)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class StyleEditorDialog(QDialog):
    """Edit the fields of one style and save it to the user's styles folder.

    ``mode`` is "new" (a blank style), "duplicate" (a copy of ``style`` under a new id
    derived from the name) or "edit" (``style`` must be one of the user's own; its id,
    and so its file, stays). ``taken_ids`` are the ids already in use, which a new id
    must not clash with. After a successful save, ``saved_style`` holds the style as
    written (and the dialog is accepted).
    """

    def __init__(
        self,
        controller,
        style: Style | None = None,
        *,
        mode: str = "new",
        taken_ids: set[str] | frozenset[str] = frozenset(),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if mode not in ("new", "duplicate", "edit"):
            raise ValueError(f"mode must be 'new', 'duplicate' or 'edit', not {mode!r}")
        if mode != "new" and style is None:
            raise ValueError(f"mode {mode!r} needs a style")
        if mode == "edit" and style.source != "user":
            raise ValueError(f"built-in style {style.id!r} cannot be edited in place; duplicate it")
        self.controller = controller
        self.mode = mode
        self.original = style
        self.taken_ids = set(taken_ids)
        self.saved_style: Style | None = None
        self.colour_dialog: QColorDialog | None = None
        self.setObjectName("styleEditor")
        self.setWindowTitle({"new": self.tr("New style"), "duplicate": self.tr("Duplicate style"),
                             "edit": self.tr("Edit style")}[mode])
        self._build()
        self._fill(style)
        self.name_edit.setFocus()

    # --- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetMinimumSize)  # never squeeze rows together
        layout.addWidget(self._build_about())
        layout.addWidget(self._build_picture())
        layout.addWidget(self._build_generator())
        layout.addWidget(self._build_finish())
        self.error_label = QLabel()
        self.error_label.setObjectName("styleEditorError")
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        theme.set_role(self.error_label, "role", "error")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        layout.addWidget(self._build_buttons())

        self.name_edit.textChanged.connect(self._update_id)
        for edit in (
            self.subject_edit,
            self.attire_edit,
            self.background_edit,
            self.lighting_edit,
            self.composition_edit,
        ):
            edit.textChanged.connect(self._update_preview)
        self.negative_edit.textChanged.connect(self._update_preview)  # its length is checked there too

        self._field_widgets = {
            "id": self.name_edit,
            "name": self.name_edit,
            "description": self.description_edit,
            "swatch": self.swatch_button,
            "prompt.subject": self.subject_edit,
            "prompt.attire": self.attire_edit,
            "prompt.background": self.background_edit,
            "prompt.lighting": self.lighting_edit,
            "prompt.composition": self.composition_edit,
            "prompt.negative": self.negative_edit,
            "settings.guidance": self.guidance_spin,
            "settings.steps": self.steps_spin,
            "settings.width": self.size_combo,
            "settings.height": self.size_combo,
            "settings.sampler": self.sampler_combo,
            "finish.colour": self.light_combo,
            "finish.backdrop": self.backdrop_combo,
            "finish.backdrop_colour": self.backdrop_button,
        }

    def _build_about(self) -> QGroupBox:
        about = QGroupBox(self.tr("About this style"))
        form = QFormLayout(about)
        self.name_edit = self._line("styleName", self.tr("The name on the style card, for example “Brand blue studio”."))
        form.addRow(self.tr("&Name:"), self.name_edit)
        self.id_label = QLabel()
        self.id_label.setObjectName("styleFile")
        self.id_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.id_label.setToolTip(self.tr(
            "The file this style is saved as, in your own styles folder. It is made from the "
            "name when the style is created and does not change afterwards."
        ))
        form.addRow(self.tr("Saved as:"), self.id_label)
        self.description_edit = self._line(
            "styleDescription",
            self.tr("One short sentence shown on the style card: what the look is and what it is for."),
        )
        form.addRow(self.tr("&Description:"), self.description_edit)
        self.swatch_button = QPushButton()
        self.swatch_button.setObjectName("swatchButton")
        self.swatch_button.setToolTip(
            self.tr("The colour of the style's card, to tell styles apart at a glance. Click to choose.")
        )
        self.swatch_button.clicked.connect(self._choose_colour)
        form.addRow(self.tr("Card &colour:"), self.swatch_button)
        return about

    def _build_picture(self) -> QGroupBox:
        """The prompt's parts, and the whole prompt they make (read-only)."""
        picture = QGroupBox(self.tr("What the picture shows"))
        form = QFormLayout(picture)
        self.subject_edit = self._line(
            "styleSubject",
            self.tr("Who is in the picture and how. Write {placeholder} where the person goes: "
                    "the app puts the words for the person whose face it learned there.").format(
                placeholder=SUBJECT_PLACEHOLDER),
        )
        form.addRow(self.tr("&Subject:"), self.subject_edit)
        hint = QLabel(self.tr("{placeholder} means “the person”: keep it in the subject, exactly like that.").format(
            placeholder=SUBJECT_PLACEHOLDER))
        hint.setObjectName("subjectHint")
        hint.setWordWrap(True)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # muted, still readable
        form.addRow("", hint)
        self.attire_edit = self._line("styleAttire",
                                      self.tr("What the person wears, for example “navy blazer, white shirt”."))
        form.addRow(self.tr("&Attire:"), self.attire_edit)
        self.background_edit = self._line(
            "styleBackground", self.tr("What is behind the person, for example “plain light grey backdrop”.")
        )
        form.addRow(self.tr("&Background:"), self.background_edit)
        self.lighting_edit = self._line(
            "styleLighting", self.tr("How the light falls, for example “soft window light from the left”.")
        )
        form.addRow(self.tr("&Lighting:"), self.lighting_edit)
        self.composition_edit = self._line(
            "styleComposition", self.tr("Framing and lens, for example “head and shoulders, 85mm lens, eye level”.")
        )
        form.addRow(self.tr("Co&mposition:"), self.composition_edit)
        self.negative_edit = QPlainTextEdit()
        self.negative_edit.setObjectName("styleNegative")
        self.negative_edit.setTabChangesFocus(True)
        self.negative_edit.setFixedHeight(self._text_height(self.negative_edit, lines=3))
        self.negative_edit.setPlaceholderText(self.tr("e.g. casual clothing, busy background, harsh shadows"))
        self.negative_edit.setToolTip(self.tr(
            "Things this style should never show, separated by commas. The user's own “avoid” words are added to these."
        ))
        form.addRow(self.tr("A&void:"), self.negative_edit)
        # Read-only text, not a wrapped label: a form row of wrapped text gets too little
        # height and overlaps its neighbours when the dialog changes size.
        self.preview_label = QPlainTextEdit()
        self.preview_label.setObjectName("promptPreview")
        self.preview_label.setReadOnly(True)
        self.preview_label.setTabChangesFocus(True)
        self.preview_label.setFixedHeight(self._text_height(self.preview_label, lines=3))
        muted = self.preview_label.palette()  # looks read-only: window background, muted text
        muted.setColor(QPalette.ColorRole.Base, muted.color(QPalette.ColorRole.Window))
        muted.setColor(QPalette.ColorRole.Text, muted.color(QPalette.ColorRole.PlaceholderText))
        self.preview_label.setPalette(muted)
        self.preview_label.setToolTip(
            self.tr("The whole description the generator receives, with the parts above joined in order.")
        )
        form.addRow(self.tr("Together:"), self.preview_label)
        return picture

    def _build_generator(self) -> QGroupBox:
        generator = QGroupBox(self.tr("Generator settings"))
        form = QFormLayout(generator)
        self.guidance_spin = QDoubleSpinBox()
        self.guidance_spin.setObjectName("styleGuidance")
        self.guidance_spin.setRange(*STYLE_GUIDANCE_RANGE)
        self.guidance_spin.setDecimals(1)
        self.guidance_spin.setSingleStep(0.5)
        self.guidance_spin.setToolTip(self.tr(
            "How closely the picture follows the words. 5–8 looks natural; higher values look "
            "harsher and over-processed."
        ))
        form.addRow(self.tr("&Guidance:"), self.guidance_spin)
        self.steps_spin = QSpinBox()
        self.steps_spin.setObjectName("styleSteps")
        self.steps_spin.setRange(*STYLE_STEPS_RANGE)
        self.steps_spin.setToolTip(self.tr("How many refinement steps each picture gets. 25–40 is plenty; more is slower."))
        form.addRow(self.tr("S&teps:"), self.steps_spin)
        self.size_combo = QComboBox()
        self.size_combo.setObjectName("styleSize")
        for width, height, label in SIZES:
            self.size_combo.addItem(_translated(label), f"{width}x{height}")
        self.size_combo.setToolTip(self.tr(
            "The picture size. Keep the model's own size unless you need another: "
            "SD 1.5 models work best at 512, SDXL models at 1024."
        ))
        form.addRow(self.tr("Si&ze:"), self.size_combo)
        self.sampler_combo = QComboBox()
        self.sampler_combo.setObjectName("styleSampler")
        for key in SAMPLERS:
            self.sampler_combo.addItem(core_text(sampler_label(key)), key)
        self.sampler_combo.setToolTip(
            self.tr("The method that turns noise into the picture. The recommended one suits almost every style.")
        )
        form.addRow(self.tr("Sa&mpler:"), self.sampler_combo)
        return generator

    def _build_finish(self) -> QGroupBox:
        finish = QGroupBox(self.tr("Finishing"))
        form = QFormLayout(finish)
        self.light_combo = QComboBox()
        self.light_combo.setObjectName("styleLight")
        for key, label in LIGHT_LOOKS.items():
            self.light_combo.addItem(f"{_translated(label)} ({INTENT_KELVIN[key]} K)", key)
        self.light_combo.setToolTip(self.tr("The colour of the light in the finished headshots. The colour correction "
                                            "moves each image toward it, reading the light from the backdrop, never "
                                            "from the skin."))
        form.addRow(self.tr("Lig&ht:"), self.light_combo)
        row = QHBoxLayout()
        self.backdrop_combo = QComboBox()
        self.backdrop_combo.setObjectName("styleBackdrop")
        self.backdrop_combo.addItem(self.tr("As generated"), "generated")
        self.backdrop_combo.addItem(self.tr("Plain colour"), "colour")
        self.backdrop_combo.setToolTip(self.tr("Keep the background the model draws, or put the person in front of "
                                               "your own colour (gradients and pictures: see the style file's "
                                               "[finish] section)."))
        self.backdrop_button = QPushButton()
        self.backdrop_button.setObjectName("styleBackdropColour")
        self.backdrop_button.setToolTip(self.tr("The backdrop's colour, for example your brand colour."))
        self.backdrop_button.clicked.connect(self._choose_backdrop_colour)
        self.backdrop_combo.currentIndexChanged.connect(
            lambda: self.backdrop_button.setEnabled(self.backdrop_combo.currentData() == "colour"))
        row.addWidget(self.backdrop_combo, 1)
        row.addWidget(self.backdrop_button)
        label = QLabel(self.tr("Bac&kdrop:"))  # a row of two widgets: the label needs its buddy said
        label.setBuddy(self.backdrop_combo)
        form.addRow(label, row)
        self.backdrop_colour = DEFAULT_BACKDROP_COLOUR
        return finish

    @property
    def backdrop_colour(self) -> str:
        return self._backdrop_colour

    @backdrop_colour.setter
    def backdrop_colour(self, colour: str) -> None:
        self._backdrop_colour = colour
        self.backdrop_button.setText(colour)
        self.backdrop_button.setIcon(_swatch_icon(colour))

    def _choose_backdrop_colour(self) -> None:
        self._pick_colour(self.tr("Backdrop colour"), "backdrop_colour")

    def _fill_finish(self, style: Style | None) -> None:
        if style is not None and style.colour_kelvin:  # a temperature of its own, set in the file
            self.light_combo.addItem(self.tr("{kelvin} K (from the style file)").format(kelvin=style.colour_kelvin),
                                     "custom")
            self.light_combo.setCurrentIndex(self.light_combo.count() - 1)
        else:
            self.light_combo.setCurrentIndex(max(0, self.light_combo.findData(style.colour if style else "neutral")))
        kind = style.backdrop if style else "generated"
        if self.backdrop_combo.findData(kind) < 0:  # a gradient or a picture, set in the file: kept as it is
            self.backdrop_combo.addItem({"gradient": self.tr("Gradient (from the style file)"),
                                         "image": self.tr("Picture (from the style file)")}.get(kind, kind), kind)
        self.backdrop_combo.setCurrentIndex(self.backdrop_combo.findData(kind))
        if style and style.backdrop_colour:
            self.backdrop_colour = style.backdrop_colour
        self.backdrop_button.setEnabled(kind == "colour")

    def _build_buttons(self) -> QDialogButtonBox:
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("styleSaveButton")
        self.save_button.setToolTip(self.tr("Check the style and save it to your own styles folder."))
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("styleCancelButton")
        cancel.setToolTip(self.tr("Close without saving."))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        return self.buttons

    @staticmethod
    def _text_height(edit: QPlainTextEdit, lines: int) -> int:
        margins = 2 * (edit.document().documentMargin() + edit.frameWidth())
        return round(edit.fontMetrics().lineSpacing() * lines + margins + 2)

    @staticmethod
    def _line(name: str, tooltip: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setToolTip(tooltip)
        edit.setMinimumWidth(520)  # room for a prompt part; sets the dialog's width
        return edit

    def _fill(self, style: Style | None) -> None:
        self._fill_finish(style)
        if style is None:
            self.swatch = DEFAULT_SWATCH
            self.subject_edit.setText(NEW_STYLE_SUBJECT)
            self.attire_edit.setPlaceholderText(self.tr("e.g. navy blazer, white shirt"))
            self.background_edit.setPlaceholderText(self.tr("e.g. plain light grey backdrop"))
            self.lighting_edit.setPlaceholderText(self.tr("e.g. soft window light from the left"))
            self.composition_edit.setPlaceholderText(self.tr("e.g. head and shoulders, 85mm lens, eye level"))
            self.guidance_spin.setValue(DEFAULT_GUIDANCE)
            self.steps_spin.setValue(DEFAULT_STEPS)
            self._select_sampler(DEFAULT_SAMPLER)
            self.name_edit.setText("")
            self._update_id()
            self._update_preview()
            return
        self.swatch = style.swatch
        self.name_edit.setText(self.tr("{name} (copy)").format(name=style.name) if self.mode == "duplicate"
                               else style.name)
        self.description_edit.setText(style.description)
        self.subject_edit.setText(style.subject)
        self.attire_edit.setText(style.attire)
        self.background_edit.setText(style.background)
        self.lighting_edit.setText(style.lighting)
        self.composition_edit.setText(style.composition)
        self.negative_edit.setPlainText(style.negative)
        self.guidance_spin.setValue(style.guidance)
        self.steps_spin.setValue(style.steps)
        size = self.size_combo.findData(f"{style.width}x{style.height}")
        if size < 0:  # a size typed into the file by hand: offer it as it is
            self.size_combo.addItem(f"{style.width} × {style.height}", f"{style.width}x{style.height}")
            size = self.size_combo.count() - 1
        self.size_combo.setCurrentIndex(size)
        self._select_sampler(style.sampler)
        for edit in (
            self.name_edit,
            self.description_edit,
            self.subject_edit,
            self.attire_edit,
            self.background_edit,
            self.lighting_edit,
            self.composition_edit,
        ):
            edit.setCursorPosition(0)  # show the start of long text, not its end
        self._update_id()
        self._update_preview()

    def _select_sampler(self, key: str) -> None:
        self.sampler_combo.setCurrentIndex(max(0, self.sampler_combo.findData(key)))

    # --- live parts ------------------------------------------------------------------------
    @property
    def swatch(self) -> str:
        return self._swatch

    @swatch.setter
    def swatch(self, colour: str) -> None:
        self._swatch = colour
        self.swatch_button.setText(colour)
        self.swatch_button.setIcon(_swatch_icon(colour))

    def _choose_colour(self) -> None:
        self._pick_colour(self.tr("Card colour"), "swatch")

    def _pick_colour(self, title: str, attribute: str) -> None:
        """A colour dialog for the "#rrggbb" property ``attribute`` (the swatch, the backdrop)."""
        self.colour_dialog = QColorDialog(QColor(getattr(self, attribute)), self)
        self.colour_dialog.setWindowTitle(title)
        self.colour_dialog.colorSelected.connect(lambda colour: setattr(self, attribute, colour.name()))
        self.colour_dialog.open()

    @property
    def style_id(self) -> str:
        """The id the style is saved under: fixed when editing, else made from the name."""
        if self.mode == "edit":
            return self.original.id
        taken = self.taken_ids | {p.stem for p in self.controller.styles_folder().glob("*.toml")}
        return derive_style_id(self.name_edit.text(), taken)

    def _update_id(self) -> None:
        self.id_label.setText(f"{self.style_id}.toml")

    def _update_preview(self) -> None:
        style = self._style_from_fields()
        if SUBJECT_PLACEHOLDER not in style.subject:
            self.preview_label.setPlainText(
                self.tr("(The subject needs {placeholder} so the headshot shows the person.)").format(
                    placeholder=SUBJECT_PLACEHOLDER)
            )
            return
        try:
            prompt, _ = compose_prompt(style, _translated(PREVIEW_PERSON))
        except StyleError as exc:  # a part too long: say so here already; Save refuses it too
            self.preview_label.setPlainText("(" + core_text(exc.message) + ")")
            return
        self.preview_label.setPlainText(prompt)

    # --- saving ----------------------------------------------------------------------------
    def _style_from_fields(self) -> Style:
        style_id = self.style_id
        width, height = (int(side) for side in self.size_combo.currentData().split("x"))
        def kept(name: str):  # the edited style's own [finish] value, else the default
            return getattr(self.original, name) if self.original else Style.__dataclass_fields__[name].default

        backdrop, light = self.backdrop_combo.currentData(), self.light_combo.currentData()
        # What the form cannot set (a temperature, a gradient, a picture) is kept as the
        # file had it while it is chosen; the settings of a backdrop not chosen go.
        finish = {"colour": kept("colour") if light == "custom" else light,
                  "colour_kelvin": kept("colour_kelvin") if light == "custom" else 0, "backdrop": backdrop,
                  "backdrop_colour": {"colour": self.backdrop_colour, "gradient": kept("backdrop_colour")}.get(backdrop, ""),
                  "backdrop_colour2": kept("backdrop_colour2") if backdrop == "gradient" else "",
                  "backdrop_direction": kept("backdrop_direction") if backdrop == "gradient" else "vertical",
                  "backdrop_image": kept("backdrop_image") if backdrop == "image" else ""}
        return Style(
            id=style_id,
            name=self.name_edit.text().strip(),
            description=self.description_edit.text().strip(),
            swatch=self.swatch,
            subject=self.subject_edit.text().strip(),
            attire=self.attire_edit.text().strip(),
            background=self.background_edit.text().strip(),
            lighting=self.lighting_edit.text().strip(),
            composition=self.composition_edit.text().strip(),
            negative=self.negative_edit.toPlainText().strip(),
            guidance=float(self.guidance_spin.value()),
            steps=self.steps_spin.value(),
            width=width,
            height=height,
            sampler=self.sampler_combo.currentData(),
            source="user",
            path=self.controller.styles_folder() / f"{style_id}.toml",
            **finish,
        )

    def save(self) -> None:
        """Save through ``core.styles`` (which checks every field); on a problem, say
        what is wrong under the form and keep the dialog open."""
        style = self._style_from_fields()
        if not style.name:
            self._show_error(self.tr("Give the style a name: it is shown on the style card."), self.name_edit)
            return
        try:
            path = self.controller.save_style(style)
        except StyleError as exc:
            self._show_error(core_text(exc.message), self._field_widgets.get(exc.field))
            return
        except OSError as exc:
            self._show_error(
                self.tr("The style could not be saved ({reason}). Check that the disk has free space and that you "
                        "may write to your styles folder: {folder}").format(reason=exc.strerror or exc,
                                                                           folder=self.controller.styles_folder()),
                None,
            )
            return
        self.saved_style = replace(style, path=Path(path))
        self.accept()

    def _show_error(self, message: str, field: QWidget | None) -> None:
        self.error_label.setText(message)
        self.error_label.show()
        if field is not None:
            field.setFocus()
