"""The look: both palettes pass WCAG AA, the Settings switch and the system's choice
pick the palette, and icons are sharp at 200 % and take the palette's colour."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QIcon
from PySide6.QtWidgets import QApplication, QLabel

from headshot_studio.settings import Settings
from headshot_studio.ui import theme


@pytest.mark.parametrize("palette", [theme.LIGHT, theme.DARK], ids=["light", "dark"])
def test_every_text_colour_passes_wcag_aa_on_its_backgrounds(palette):
    failures = []
    for fg, bg in theme.TEXT_PAIRS:
        ratio = theme.contrast_ratio(getattr(palette, fg), getattr(palette, bg))
        if ratio < 4.5:
            failures.append(f"{fg} on {bg}: {ratio:.2f}:1")
    for fg, bg in theme.GRAPHIC_PAIRS:
        ratio = theme.contrast_ratio(getattr(palette, fg), getattr(palette, bg))
        if ratio < 3.0:
            failures.append(f"{fg} (graphic) on {bg}: {ratio:.2f}:1")
    assert not failures, failures


def test_the_contrast_formula_matches_wcag_reference_values():
    assert theme.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert theme.contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    # WebAIM's checker: #777777 on white is 4.48:1 (fails AA), #767676 is 4.54:1 (passes)
    assert theme.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert theme.contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_the_colours_qt_draws_text_with_are_the_checked_ones(qapp):
    """The QPalette the app installs uses the checked pairs (a role mapped to an unchecked
    colour would slip past the test above)."""
    for name in ("light", "dark"):
        palette = theme.apply(qapp, name)
        qp = qapp.palette()
        for text_role, base_role in ((qp.ColorRole.WindowText, qp.ColorRole.Window), (qp.ColorRole.Text, qp.ColorRole.Base),
                                     (qp.ColorRole.ButtonText, qp.ColorRole.Button),
                                     (qp.ColorRole.HighlightedText, qp.ColorRole.Highlight),
                                     (qp.ColorRole.PlaceholderText, qp.ColorRole.Base)):
            ratio = theme.contrast_ratio(qp.color(text_role).name(), qp.color(base_role).name())
            assert ratio >= 4.5, f"{name}: {text_role} on {base_role} is {ratio:.2f}:1"
        assert qp.color(qp.ColorRole.Window).name() == palette.window
    theme.apply(qapp, "light")


def test_the_setting_and_the_system_choose_the_palette(qapp, monkeypatch):
    assert theme.apply(qapp, "dark") is theme.DARK and theme.palette() is theme.DARK
    assert theme.apply(qapp, "light") is theme.LIGHT
    monkeypatch.setattr(theme, "system_is_dark", lambda: True)
    assert theme.apply(qapp, "system") is theme.DARK
    monkeypatch.setattr(theme, "system_is_dark", lambda: False)
    assert theme.apply(qapp, "system") is theme.LIGHT
    assert Settings().appearance == "system"


def _ink(image) -> tuple[QColor, int]:
    """The darkest-or-lightest opaque colour in ``image`` and how many pixels are drawn."""
    drawn, colour = 0, None
    for y in range(image.height()):
        for x in range(image.width()):
            pixel = image.pixelColor(x, y)
            if pixel.alpha() > 250:
                drawn += 1
                colour = pixel
    return colour, drawn


def test_icons_are_drawn_at_the_screens_scale_in_the_palettes_colour(qapp):
    theme.apply(qapp, "light")
    icon = theme.icon("photos")
    one = icon.pixmap(QSize(24, 24), 1.0)
    two = icon.pixmap(QSize(24, 24), 2.0)
    assert (one.width(), two.width()) == (24, 48) and two.devicePixelRatio() == 2.0
    colour, drawn_2x = _ink(two.toImage())
    assert colour.name() == theme.LIGHT.text
    # drawn again at 2x, not blown up: a blown-up 1x icon has 4x the pixels of 1x exactly
    _, drawn_1x = _ink(one.toImage())
    assert drawn_2x != 4 * drawn_1x and drawn_2x > 2 * drawn_1x
    theme.apply(qapp, "dark")
    colour, _ = _ink(icon.pixmap(QSize(24, 24), 1.0).toImage())
    assert colour.name() == theme.DARK.text  # the same QIcon follows the palette
    disabled, _ = _ink(icon.pixmap(QSize(24, 24), QIcon.Mode.Disabled).toImage())
    assert disabled.name() == theme.DARK.muted
    theme.apply(qapp, "light")
    with pytest.raises(KeyError):
        theme.icon("no-such-icon")


def test_every_icon_the_app_names_is_shipped_with_its_licence():
    from headshot_studio import paths

    folder = paths.resources_dir() / "icons" / "lucide"
    missing = [name for name, file in theme.ICON_FILES.items() if not (folder / f"{file}.svg").is_file()]
    assert not missing
    assert "ISC License" in (folder / "LICENSE").read_text()
    for file in set(theme.ICON_FILES.values()):
        assert 'stroke="currentColor"' in (folder / f"{file}.svg").read_text()  # so the palette can colour it


def test_labels_take_their_roles_colour(qapp, qtbot):
    theme.apply(qapp, "dark")
    label = QLabel("Too blurry")
    qtbot.addWidget(label)
    theme.set_role(label, "role", "error")
    label.show()
    image = label.grab().toImage()
    colours = {image.pixelColor(x, y).name() for x in range(image.width()) for y in range(image.height())}
    assert theme.DARK.danger in colours and theme.DARK.window in colours | {theme.DARK.surface}
    theme.apply(qapp, "light")
    QApplication.processEvents()
    assert label.palette().color(label.backgroundRole()) != QColor(Qt.GlobalColor.black)


def test_every_page_fits_the_smallest_window(qtbot, tiny_sd15, photos_dir):
    """At 1024x700 (the window's minimum) no page asks for more room than there is, so
    nothing is cut off or overlaps; pages scroll or wrap instead."""
    from headshot_studio.core import models
    from headshot_studio.ui.app import MainWindow

    models.import_model(tiny_sd15, name="Tiny")
    window = MainWindow(Settings())
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    qtbot.waitUntil(lambda: window.controller.device is not None, timeout=60_000)
    window.controller.new_session("Small Screen")
    window.controller.add_photos([photos_dir])
    qtbot.waitUntil(lambda: not window.controller.analysing, timeout=60_000)
    assert (window.minimumWidth(), window.minimumHeight()) == (1024, 700)
    too_big = {}
    for key in window.pages:
        window.show_page(key)
        QApplication.processEvents()
        hint = window.centralWidget().minimumSizeHint()
        if hint.width() > 1024 or hint.height() > 700:
            too_big[key] = (hint.width(), hint.height())
    window.close()
    assert not too_big, f"pages that need more than 1024x700: {too_big}"


@pytest.mark.parametrize("name", ["light", "dark"])
def test_an_unticked_box_stands_out_from_its_background(qapp, qtbot, name):
    """WCAG's 3:1 for the parts of a control: an empty check box and radio button must be
    seen on the page (Qt's own drawing made them vanish on the dark palette)."""
    from PySide6.QtWidgets import QCheckBox, QRadioButton

    palette = theme.apply(qapp, name)
    for kind in (QCheckBox, QRadioButton):
        box = kind("Keep the files")
        qtbot.addWidget(box)
        box.show()
        image = box.grab().toImage()
        background = QColor(palette.window)
        best = max(theme.contrast_ratio(image.pixelColor(x, y).name(), background.name())
                   for x in range(min(20, image.width())) for y in range(image.height()))
        assert best >= 3.0, f"{kind.__name__} in {name}: its box reaches only {best:.2f}:1"
        box.setChecked(True)
        ticked = box.grab().toImage()
        colours = {ticked.pixelColor(x, y).name() for x in range(min(20, ticked.width())) for y in range(ticked.height())}
        assert palette.accent in colours  # ticked: filled with the accent
    theme.apply(qapp, "light")
