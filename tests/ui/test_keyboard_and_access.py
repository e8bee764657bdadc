"""Accessible and keyboard-only: every control a person can reach has a name a screen
reader can say, and the whole wizard — session, photos, styles, a run, the gallery —
can be done without a mouse, moving with Tab and acting with Space, Enter and the
window's shortcuts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QWidget,
)

from headshot_studio.core.session import open_session
from headshot_studio.ui.workers import JobState

RUN_TIMEOUT_MS = 240_000
CONTROLS = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QAbstractItemView, QPlainTextEdit, QProgressBar)


@pytest.fixture
def window(tiny_window):
    return tiny_window


def accessible_name(widget: QWidget) -> str:
    """What a screen reader says for ``widget`` (its own name, its text, its label's)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return (interface.text(QAccessible.Text.Name) if interface is not None else "").replace("&", "").strip()


def inside(widget: QWidget, kinds) -> bool:
    parent = widget.parent()
    while parent is not None:
        if isinstance(parent, kinds):
            return True
        parent = parent.parent()
    return False


def nameless_controls(root: QWidget) -> list[str]:
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or widget.parent() is None:
            continue
        if type(widget).__name__ in ("QScrollBar", "QTabBar", "QHeaderView") or widget.objectName().startswith("qt_"):
            continue  # Qt's own parts name themselves
        if inside(widget, (QComboBox, QLineEdit)):
            continue  # a combo box's pop-up list, a field's clear button: the owner has the name
        if not accessible_name(widget):
            where = widget.parent()
            while where is not None and not where.objectName():
                where = where.parent()
            missing.append(f"{type(widget).__name__} {widget.objectName() or repr(getattr(widget, 'text', str)())} "
                           f"in {where.objectName() if where is not None else '?'}")
    return sorted(set(missing))


def test_every_control_of_every_page_and_dialog_has_an_accessible_name(window, qtbot, photos_dir):
    window.controller.new_session("Alex")
    window.controller.add_photos([photos_dir])
    qtbot.waitUntil(lambda: not window.controller.analysing, timeout=60_000)
    missing = []
    for key in window.pages:
        window.show_page(key)
        missing += nameless_controls(window)
    from headshot_studio.ui.dialogs.about import AboutDialog
    from headshot_studio.ui.dialogs.settings import SettingsDialog
    from headshot_studio.ui.dialogs.style_editor import StyleEditorDialog

    styles = window.pages["styles"]
    dialogs = [SettingsDialog(window.settings, window), AboutDialog([], window),
               StyleEditorDialog(window.controller, styles.styles["legal"], mode="duplicate", parent=window)]
    photos = window.pages["photos"]
    photos.grid.setCurrentRow(0)
    photos.open_details()
    dialogs.append(photos.details_dialog)
    for dialog in dialogs:
        missing += nameless_controls(dialog)
        dialog.close()
    missing = sorted(set(missing))
    assert not missing, "controls without a name a screen reader can say:\n" + "\n".join(missing)


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def tab_to(qtbot, target: QWidget, limit: int = 80) -> None:
    """Press Tab until ``target`` has the focus, as a keyboard user would; fails when
    the target cannot be reached that way."""
    qtbot.waitUntil(lambda: focused() is not None, timeout=5_000)
    for _ in range(limit):
        if focused() is target:
            return
        QTest.keyClick(focused(), Qt.Key.Key_Tab)
    raise AssertionError(f"{target.objectName() or type(target).__name__} cannot be reached with Tab "
                         f"(the focus went round {limit} times)")


def press(key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(focused(), key, modifier)


def test_the_whole_wizard_with_the_keyboard_only(window, qtbot, photos_dir):
    qtbot.waitUntil(lambda: window.isActiveWindow(), timeout=5_000)
    window.pages["welcome"].next_button.setFocus()
    # Welcome -> Session: the window's shortcut
    press(Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.page_key() == "session"
    sessions = window.pages["session"]
    tab_to(qtbot, sessions.name_field)
    QTest.keyClicks(focused(), "Keyboard Kim")
    press(Qt.Key.Key_Return)
    assert window.page_key() == "photos" and window.controller.session.name == "Keyboard Kim"

    # Photos: the drop zone's button opens the file chooser (the system's, keyboard-operable)
    photos = window.pages["photos"]
    photos._ask_files = lambda: sorted(photos_dir.iterdir())
    tab_to(qtbot, photos.drop_add_button)
    press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: bool(window.controller.photo_paths()) and not window.controller.analysing, timeout=60_000)
    qtbot.waitUntil(lambda: window.controller.set_report is not None and window.controller.set_report.ready,
                    timeout=10_000)

    # Styles: tick one with Space
    press(Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.page_key() == "styles"
    check = window.pages["styles"].findChild(QWidget, "styleCheck-corporate-executive")
    tab_to(qtbot, check)
    press(Qt.Key.Key_Space)
    assert window.controller.style_counts == {"corporate-executive": 1}

    # Create: Start with Space, then to the gallery with the page's button
    press(Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    create = window.pages["create"]
    assert window.page_key() == "create"
    qtbot.waitUntil(create.start_button.isEnabled, timeout=10_000)
    tab_to(qtbot, create.start_button)
    press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.controller.run_worker.state == JobState.FINISHED, timeout=RUN_TIMEOUT_MS)
    tab_to(qtbot, create.gallery_button)
    press(Qt.Key.Key_Space)
    assert window.page_key() == "gallery"

    # Gallery: arrows move, F marks a favourite, Enter opens the viewer, F there too, Escape closes
    gallery = window.pages["gallery"]
    qtbot.waitUntil(lambda: gallery.grid.count() == 1, timeout=10_000)
    tab_to(qtbot, gallery.grid)
    press(Qt.Key.Key_Home)
    assert gallery.grid.currentRow() == 0 and gallery.grid.currentItem().isSelected()
    press(Qt.Key.Key_F)
    first = window.controller.gallery()[0].file
    assert open_session(window.controller.session.id).manifest["favourites"] == [first]
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gallery.zoom_dialog is not None and gallery.zoom_dialog.isVisible(), timeout=5_000)
    zoom = gallery.zoom_dialog
    qtbot.waitUntil(lambda: focused() is not None and focused().window() is zoom, timeout=5_000)
    press(Qt.Key.Key_F)
    assert open_session(window.controller.session.id).manifest["favourites"] == []
    press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: gallery.zoom_dialog is None, timeout=5_000)

    # and back through the steps with the shortcut
    window.activateWindow()
    qtbot.waitUntil(lambda: focused() is not None, timeout=5_000)
    press(Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.page_key() == "create"
