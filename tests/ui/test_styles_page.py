"""The Styles page: cards for every style, the choice kept in the controller (and the
session's draft), the avoid field, and the template editor writing the user's files."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QFrame,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QWidget,
)

from headshot_studio.core.limits import DEFAULT_SAMPLER
from headshot_studio.core.session import open_session
from headshot_studio.core.styles import (
    SAMPLER_NAMES,
    SAMPLERS,
    builtin_styles_dir,
    derive_style_id,
    get_style,
    load_style,
    load_styles,
    sampler_label,
    save_user_style,
    user_styles_dir,
)
from headshot_studio.settings import Settings
from headshot_studio.ui.controller import AppController
from headshot_studio.ui.dialogs.style_editor import StyleEditorDialog
from headshot_studio.ui.pages.styles import StylesPage
from headshot_studio.ui.style_widgets import SwatchPreview

BUILTIN_IDS = sorted(p.stem for p in builtin_styles_dir().glob("*.toml"))


@pytest.fixture
def controller(qtbot):
    controller = AppController(Settings())
    controller.new_session("Test")
    yield controller
    controller.shutdown()


@pytest.fixture
def page(qtbot, controller):
    page = StylesPage(controller)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def child(page: QWidget, cls, name: str):
    widget = page.findChild(cls, name)
    assert widget is not None, f"no {cls.__name__} called {name!r}"
    return widget


def controls_of(widget: QWidget) -> list[QWidget]:
    """The buttons, spin boxes, combo boxes and text fields in ``widget``."""
    return [
        w
        for w in widget.findChildren(QWidget)
        if isinstance(w, (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit))
        and not isinstance(w.parent(), (QAbstractSpinBox, QComboBox, QLineEdit))  # Qt's own inner parts
    ]


def draft(controller) -> dict:
    """The choice as saved on disk in the session's manifest."""
    return open_session(controller.session.id).manifest["draft"]


def user_style(style_id: str = "my-legal", **changes):
    """Write one of the user's own styles (a copy of the built-in Legal style)."""
    save_user_style(replace(get_style("legal"), id=style_id, name="My legal", source="user", **changes))
    return user_styles_dir() / f"{style_id}.toml"


def test_every_builtin_style_has_a_card_in_three_columns(page):
    assert len(BUILTIN_IDS) == 8
    assert list(page.cards) == BUILTIN_IDS  # sorted by name, which follows the ids here
    for style_id in BUILTIN_IDS:
        style = get_style(style_id)
        card = child(page, QFrame, f"styleCard-{style_id}")
        assert card.isVisible()
        assert card.name_label.text() == style.name
        assert card.description_label.text() == style.description
        assert card.findChild(QWidget, f"styleDuplicate-{style_id}") is not None
        assert card.findChild(QWidget, f"styleEdit-{style_id}") is None  # built-in: duplicate only
        assert not child(page, QWidget, f"styleCount-{style_id}").isEnabled()  # not chosen yet
    assert page.cards["legal"].findChild(SwatchPreview).colour.name() == get_style("legal").swatch
    # 3 columns at 1100 px: the 4th card starts the second row.
    assert isinstance(child(page, QScrollArea, "styleGrid"), QScrollArea)
    assert page.grid.getItemPosition(page.grid.indexOf(page.cards[BUILTIN_IDS[2]]))[:2] == (0, 2)
    assert page.grid.getItemPosition(page.grid.indexOf(page.cards[BUILTIN_IDS[3]]))[:2] == (1, 0)
    assert child(page, QWidget, "stylesSummary").text() == "No style chosen yet. Tick at least one to continue."
    assert child(page, QLineEdit, "avoidField").placeholderText() == "e.g. no glasses, no tie"
    child(page, QPushButton, "newStyleButton")
    controls = controls_of(page)
    assert len(controls) > 3 * len(BUILTIN_IDS)
    assert [w.objectName() for w in controls if not w.toolTip()] == []


def test_ticking_cards_and_counts_go_to_the_controller_and_the_draft(qtbot, page, controller):
    controller.settings.images_per_style = 3  # a newly ticked card starts at this count
    corporate = child(page, QAbstractButton, "styleCheck-corporate-executive")
    qtbot.mouseClick(corporate, Qt.MouseButton.LeftButton)
    assert controller.style_counts == {"corporate-executive": 3}

    healthcare = child(page, QAbstractButton, "styleCheck-healthcare")
    healthcare.setFocus()
    qtbot.keyClick(healthcare, Qt.Key.Key_Space)  # Space ticks a card
    count = child(page, QAbstractSpinBox, "styleCount-healthcare")
    assert count.isEnabled() and count.value() == 3
    count.setValue(7)
    assert controller.style_counts == {"corporate-executive": 3, "healthcare": 7}
    assert draft(controller)["styles"] == {"corporate-executive": 3, "healthcare": 7}
    assert child(page, QWidget, "stylesSummary").text() == "2 styles, 10 headshots in total"

    qtbot.mouseClick(corporate, Qt.MouseButton.LeftButton)  # untick
    assert controller.style_counts == {"healthcare": 7}
    assert draft(controller)["styles"] == {"healthcare": 7}
    assert not child(page, QAbstractSpinBox, "styleCount-corporate-executive").isEnabled()
    assert child(page, QWidget, "stylesSummary").text() == "1 style, 7 headshots in total"

    # The page shows what the controller holds, whoever changed it.
    controller.set_style_count("legal", 5)
    assert child(page, QAbstractButton, "styleCheck-legal").isChecked()
    assert child(page, QAbstractSpinBox, "styleCount-legal").value() == 5


def test_tab_moves_card_by_card(qtbot, page):
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    first, second = (child(page, QAbstractButton, f"styleCheck-{i}") for i in BUILTIN_IDS[:2])
    first.setFocus()
    qtbot.keyClick(first, Qt.Key.Key_Tab)  # the count is disabled until the card is ticked
    assert QApplication.focusWidget() is child(page, QWidget, f"styleDuplicate-{BUILTIN_IDS[0]}")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is second
    # After the last card comes the avoid field (not back to the top of the page).
    last = child(page, QWidget, f"styleDuplicate-{BUILTIN_IDS[-1]}")
    last.setFocus()
    qtbot.keyClick(last, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is child(page, QLineEdit, "avoidField")


def test_avoid_field_and_sessions(qtbot, page, controller):
    avoid = child(page, QLineEdit, "avoidField")
    assert avoid.toolTip()
    qtbot.keyClicks(avoid, "no glasses, no tie")
    assert controller.avoid == "no glasses, no tie"
    assert draft(controller)["avoid"] == "no glasses, no tie"
    assert child(page, QWidget, "avoidTerms").text() == "Every headshot will avoid: glasses, tie"

    controller.set_style_count("academic", 2)
    first = controller.session.id
    controller.new_session("Another client")  # session_changed: the page shows the new, empty draft
    assert avoid.text() == ""
    assert not child(page, QAbstractButton, "styleCheck-academic").isChecked()
    controller.open_session(first)
    assert avoid.text() == "no glasses, no tie"
    assert child(page, QAbstractButton, "styleCheck-academic").isChecked()

    controller.close_session()
    assert not avoid.isEnabled()
    assert not child(page, QAbstractButton, "styleCheck-academic").isEnabled()
    assert child(page, QWidget, "stylesSummary").text() == "Start or open a session to choose styles."


def test_duplicate_a_builtin_style_through_the_editor(qtbot, page, controller):
    with qtbot.waitSignal(controller.styles_changed):
        qtbot.mouseClick(child(page, QPushButton, "styleDuplicate-corporate-executive"), Qt.MouseButton.LeftButton)
        dialog = page.editor_dialog
        assert isinstance(dialog, StyleEditorDialog) and dialog.isVisible()
        assert len(controls_of(dialog)) >= 15
        assert [w.objectName() for w in controls_of(dialog) if not w.toolTip()] == []
        assert dialog.name_edit.text() == "Corporate executive (copy)"
        assert dialog.id_label.text() == "corporate-executive-copy.toml"
        dialog.name_edit.clear()
        qtbot.keyClicks(dialog.name_edit, "Brand Blue Studio")
        assert dialog.id_label.text() == "brand-blue-studio.toml"
        dialog.attire_edit.setText("navy blazer with the company pin")
        dialog.swatch = "#1f5fbf"
        dialog.guidance_spin.setValue(7.5)
        dialog.steps_spin.setValue(40)
        dialog.size_combo.setCurrentIndex(dialog.size_combo.findData("1024x1024"))
        dialog.sampler_combo.setCurrentIndex(dialog.sampler_combo.findData("euler_a"))
        assert dialog.light_combo.currentData() == "neutral" and not dialog.backdrop_button.isEnabled()
        dialog.light_combo.setCurrentIndex(dialog.light_combo.findData("warm"))
        dialog.backdrop_combo.setCurrentIndex(dialog.backdrop_combo.findData("colour"))
        assert dialog.backdrop_button.isEnabled()
        dialog.backdrop_colour = "#1f5fbf"
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert not dialog.isVisible()
    assert sorted(p.name for p in user_styles_dir().iterdir()) == ["brand-blue-studio.toml"]
    finished = load_style(user_styles_dir() / "brand-blue-studio.toml")
    assert (finished.colour, finished.kelvin, finished.backdrop, finished.backdrop_colour) == \
        ("warm", 4300, "colour", "#1f5fbf")
    assert finished.finish().backdrop.colour == (0x1F, 0x5F, 0xBF)
    saved = load_style(user_styles_dir() / "brand-blue-studio.toml")
    original = get_style("corporate-executive")
    assert (saved.name, saved.attire, saved.swatch) == (
        "Brand Blue Studio",
        "navy blazer with the company pin",
        "#1f5fbf",
    )
    assert (saved.guidance, saved.steps, saved.width, saved.height, saved.sampler) == (7.5, 40, 1024, 1024, "euler_a")
    assert (saved.subject, saved.negative, saved.description) == (
        original.subject,
        original.negative,
        original.description,
    )
    card = child(page, QFrame, "styleCard-brand-blue-studio")
    assert card.isVisible() and card.name_label.text() == "Brand Blue Studio"
    assert card.findChild(QPushButton, "styleEdit-brand-blue-studio") is not None
    assert len(page.cards) == len(BUILTIN_IDS) + 1


def test_the_sampler_list_is_the_generators_with_the_default_recommended(qtbot, controller):
    dialog = StyleEditorDialog(controller)
    qtbot.addWidget(dialog)
    combo = dialog.sampler_combo
    assert [combo.itemData(i) for i in range(combo.count())] == list(SAMPLERS)
    assert combo.currentData() == DEFAULT_SAMPLER  # a new style starts with the default
    assert combo.currentText() == "DPM++ 2M Karras (recommended)"
    recommended = [combo.itemText(i) for i in range(combo.count()) if "recommended" in combo.itemText(i)]
    assert recommended == [sampler_label(DEFAULT_SAMPLER)]
    assert set(SAMPLERS) <= set(SAMPLER_NAMES)  # every choice has a plain name, none shows its key


def test_new_ids_never_clash():
    assert derive_style_id("Café Portrait!", set()) == "cafe-portrait"
    assert derive_style_id("Café Portrait!", {"cafe-portrait", "cafe-portrait-2"}) == "cafe-portrait-3"
    assert derive_style_id("  ", set()) == "my-style"
    assert derive_style_id("Legal", set(BUILTIN_IDS)) == "legal-2"
    assert [derive_style_id(name, set()) for name in ("Con", "COM1", "nul.", "Lpt9 ")] == \
        ["con-2", "com1-2", "nul-2", "lpt9-2"]  # names Windows keeps for devices


def test_an_invalid_edit_is_refused_inline_and_writes_nothing(qtbot, page, controller):
    file = user_style()
    controller.styles_changed.emit()
    before = file.read_bytes()
    qtbot.mouseClick(child(page, QPushButton, "styleEdit-my-legal"), Qt.MouseButton.LeftButton)
    dialog = page.editor_dialog
    assert dialog.mode == "edit" and dialog.id_label.text() == "my-legal.toml"
    dialog.subject_edit.setText("portrait of a lawyer")  # no {subject}: the person would be missing
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    assert dialog.error_label.isVisible()
    assert "{subject}" in dialog.error_label.text() and "portrait of a lawyer" in dialog.error_label.text()
    assert dialog.focusWidget() is dialog.subject_edit
    assert file.read_bytes() == before
    assert sorted(p.name for p in user_styles_dir().iterdir()) == ["my-legal.toml"]

    dialog.subject_edit.setText("portrait of {subject} as a lawyer")  # fixed: now it saves in place
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert load_style(file).subject == "portrait of {subject} as a lawyer"
    assert sorted(p.name for p in user_styles_dir().iterdir()) == ["my-legal.toml"]


def test_a_broken_user_file_is_shown_with_what_to_fix(qtbot, page, controller):
    errors = child(page, QFrame, "styleErrors")
    assert not errors.isVisible()
    user_styles_dir().mkdir(parents=True, exist_ok=True)
    broken = user_styles_dir() / "broken.toml"
    broken.write_text('name = "Broken"\n[prompt]\nsubject = "a photo"\n', encoding="utf-8")
    controller.styles_changed.emit()

    assert errors.isVisible()
    (problem,) = load_styles()[1]
    text = child(page, QWidget, "styleErrorsText").text()
    assert "broken.toml" in text and problem.message in text
    assert len(page.cards) == len(BUILTIN_IDS)  # the other styles are all still there

    # Chosen earlier, now unreadable: said plainly, and one click drops it from the choice.
    controller.set_style_count("broken", 3)
    assert child(page, QWidget, "missingStyles").isVisible()
    assert "“broken”" in child(page, QWidget, "missingStyles").text()
    qtbot.mouseClick(child(page, QPushButton, "removeMissingStylesButton"), Qt.MouseButton.LeftButton)
    assert controller.style_counts == {}
    assert not child(page, QWidget, "missingStyles").isVisible()

    broken.unlink()
    controller.styles_changed.emit()
    assert not errors.isVisible()


def test_deleting_a_user_style_asks_first(qtbot, page, controller):
    file = user_style()
    controller.styles_changed.emit()
    controller.set_style_count("my-legal", 2)

    child(page, QPushButton, "styleDelete-my-legal").click()
    page.confirm_box.reject()  # Cancel
    assert file.is_file() and "my-legal" in page.cards

    child(page, QPushButton, "styleDelete-my-legal").click()
    qtbot.mouseClick(child(page.confirm_box, QPushButton, "confirmDeleteStyleButton"), Qt.MouseButton.LeftButton)
    assert not file.exists()
    assert "my-legal" not in page.cards
    assert controller.style_counts == {}


# --- hostile style files and over-long text ---------------------------------------------------


def test_the_window_starts_with_hostile_style_files_and_lists_them(qtbot):
    """Nested 5,000 deep, 10 MB, links, a pipe, a folder...: the window opens, the styles
    page shows every good style and names every broken file with what to do."""
    from headshot_studio.ui.app import MainWindow

    import hostile_inputs  # tests/hostile_inputs.py, registered by conftest.py

    corpus = hostile_inputs.build_style_corpus(user_styles_dir())
    broken = {name: case for name, case in corpus.items() if not case["loads"]}
    window = MainWindow(Settings())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.controller.new_session("Hostile styles")
    window.show_page("styles")
    page = window.pages["styles"]
    assert page.isVisible()
    assert set(page.cards) == set(BUILTIN_IDS) | {"good-plain", "brackets-in-strings"}
    errors = child(page, QFrame, "styleErrors")
    assert errors.isVisible()
    text = child(page, QWidget, "styleErrorsText").text()
    assert len(broken) <= 40  # the page names up to 20 and counts the rest
    shown = page.errors
    assert {e.path.name for e in shown} == set(broken)
    for error in shown[:20]:
        assert error.message in text
        assert broken[error.path.name]["words"] in error.message
    if len(shown) > 20:
        assert f"…and {len(shown) - 20:,} more broken files" in text
    assert "\x1b" not in text and "Traceback" not in text
    window.close()
    window.controller.shutdown()


def test_many_broken_files_are_counted_not_all_listed(qtbot, page, controller):
    folder = user_styles_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(25):
        (folder / f"broken-{i:02d}.toml").write_text("not toml", encoding="utf-8")
    controller.styles_changed.emit()
    text = child(page, QWidget, "styleErrorsText").text()
    assert "broken-00.toml" in text and "broken-19.toml" in text and "broken-20.toml" not in text
    assert "…and 5 more broken files. Run “headshot-studio styles” to list them all." in text


def test_an_over_long_avoid_text_is_kept_and_refused_in_plain_words(qtbot, page, controller):
    from headshot_studio.core.styles import MAX_AVOID_CHARS

    avoid = child(page, QLineEdit, "avoidField")
    long_text = "no glasses, " * 100  # 1,200 characters
    avoid.setText(long_text)
    avoid.textEdited.emit(long_text)  # as a paste does
    assert controller.avoid == long_text  # kept as written, never cut
    terms = child(page, QWidget, "avoidTerms")
    assert terms.text().startswith(f"What to avoid is 1,200 characters long, more than the {MAX_AVOID_CHARS:,} allowed")
    qtbot.keyClick(avoid, Qt.Key.Key_End)
    avoid.setText("no glasses")
    avoid.textEdited.emit("no glasses")
    assert terms.text() == "Every headshot will avoid: glasses"


def test_the_editor_refuses_an_over_long_part_with_its_length(qtbot, page, controller):
    qtbot.mouseClick(child(page, QPushButton, "styleDuplicate-legal"), Qt.MouseButton.LeftButton)
    dialog = page.editor_dialog
    dialog.name_edit.setText("Long legal")
    dialog.attire_edit.setText("x" * 1200)
    assert "prompt.attire is 1,200 characters long, more than the 1,000 allowed" in dialog.preview_label.toPlainText()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.error_label.isVisible()
    assert "cannot be saved: prompt.attire is 1,200 characters long, more than the 1,000 allowed" in (
        dialog.error_label.text()
    )
    assert dialog.focusWidget() is dialog.attire_edit
    assert not user_styles_dir().exists() or not any(user_styles_dir().iterdir())

    dialog.negative_edit.setPlainText("n" * 1001)
    dialog.attire_edit.setText("navy blazer")
    assert "prompt.negative is 1,001 characters long" in dialog.preview_label.toPlainText()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "prompt.negative is 1,001 characters long" in dialog.error_label.text()
    assert dialog.focusWidget() is dialog.negative_edit
    dialog.negative_edit.setPlainText("blurry")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert load_style(user_styles_dir() / "long-legal.toml").attire == "navy blazer"
