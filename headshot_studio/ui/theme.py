"""The look of the window: two palettes (light and dark), a type scale, an 8-px
spacing grid, rounded cards, one accent for the page's main action, and icons.

Every colour a widget uses comes from the current ``Palette`` (``palette()``), so the
light and dark looks differ only here, and a test checks each palette's pairs of text
and background against WCAG AA (4.5:1 for text, 3:1 for graphics such as badge dots).
``apply(app, appearance)`` sets Qt's Fusion style, its QPalette and the style sheet;
"system" follows the desktop's light/dark setting and changes with it.

Icons are Lucide SVGs (resources/icons/lucide, ISC licence; see tools/vendor_icons.py),
painted at paint time in the palette's colour, so they are sharp at any scaling and
follow a change of palette without being made again.

Widgets mark what they are with dynamic properties the style sheet reads:
``primary`` / ``quiet`` buttons, ``card`` frames, ``role`` labels (title, subtitle,
muted, small, error, success, warning), ``step`` buttons (done / now / next).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QWidget

from headshot_studio import paths

# The 8-px grid: every margin and gap is a multiple of SPACE.
SPACE = 8
PAGE_MARGIN = 3 * SPACE
RADIUS = SPACE  # buttons, fields
CARD_RADIUS = 12

# The type scale, in pixels (Qt scales pixels by the screen's scaling).
TYPE_SCALE = {"display": 26, "title": 20, "subtitle": 15, "body": 13, "small": 12}

APPEARANCES = ("system", "light", "dark")


@dataclass(frozen=True)
class Palette:
    name: str
    window: str  # the page background
    surface: str  # cards, lists, fields
    surface_alt: str  # hover, pressed, a quiet fill
    border: str
    text: str
    muted: str  # secondary text: hints, captions
    accent: str  # the one main action per page, the current step, focus
    accent_hover: str
    on_accent: str  # text on the accent
    accent_soft: str  # selection behind normal text
    on_status: str  # text on a success / warning / danger fill (badges)
    success: str
    warning: str
    danger: str
    star: str  # likeness stars
    scrim: str  # the band behind text laid over a picture

    def colour(self, role: str) -> QColor:
        return QColor(getattr(self, role))


LIGHT = Palette(
    name="light",
    window="#f3f4f6", surface="#ffffff", surface_alt="#e8ebef", border="#cfd4db",
    text="#16191d", muted="#575e68",
    accent="#2a54c9", accent_hover="#1f45ad", on_accent="#ffffff", accent_soft="#dfe7fa", on_status="#ffffff",
    success="#1b7a3b", warning="#8a5200", danger="#b3261e", star="#a86a00", scrim="#000000",
)
DARK = Palette(
    name="dark",
    window="#131519", surface="#1c1f24", surface_alt="#282c33", border="#3a3f48",
    text="#eceef1", muted="#a3aab4",
    accent="#8db1ff", accent_hover="#a9c4ff", on_accent="#0b1430", accent_soft="#26375e", on_status="#131519",
    success="#66cf8f", warning="#f0b54a", danger="#ff8f85", star="#f0b54a", scrim="#000000",
)
PALETTES = {"light": LIGHT, "dark": DARK}

# Text colours and the backgrounds they are shown on (checked for 4.5:1 in a test).
TEXT_PAIRS = [
    (fg, bg)
    for fg in ("text", "muted", "success", "warning", "danger")
    for bg in ("window", "surface")
] + [("text", "surface_alt"), ("text", "accent_soft"), ("on_accent", "accent"), ("on_accent", "accent_hover"),
     ("accent", "surface"), ("accent", "window"),
     ("on_status", "success"), ("on_status", "warning"), ("on_status", "danger")]
# Graphics that carry meaning (badge dots, stars, focus ring, step marks): 3:1.
GRAPHIC_PAIRS = [(fg, bg) for fg in ("success", "warning", "danger", "star", "accent") for bg in ("window", "surface")]

_current: Palette = LIGHT


def palette() -> Palette:
    """The palette in use now."""
    return _current


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints is not None and hints.colorScheme() == Qt.ColorScheme.Dark


def resolve(appearance: str) -> Palette:
    """The palette for a Settings value: light, dark, or system (the desktop's choice)."""
    if appearance == "system":
        return DARK if system_is_dark() else LIGHT
    return PALETTES.get(appearance, LIGHT)


def apply(app: QApplication, appearance: str = "system") -> Palette:
    """Use ``appearance``'s palette for the whole application, now."""
    global _current
    _current = resolve(appearance)
    app.setStyle("Fusion")  # the same drawing on Windows and Linux, and it follows QPalette
    app.setPalette(_qpalette(_current))
    font = app.font()
    font.setPixelSize(TYPE_SCALE["body"])
    app.setFont(font)
    app.setStyleSheet(style_sheet(_current))
    for widget in app.topLevelWidgets():  # icons and hand-painted parts take the new colours
        widget.update()
    return _current


def follow_system(app: QApplication, appearance_now) -> None:
    """Re-apply when the desktop switches between light and dark, if the user's setting
    is "system" (``appearance_now()`` reads the setting at that moment)."""
    hints = QGuiApplication.styleHints()
    if hints is not None:
        hints.colorSchemeChanged.connect(lambda _scheme: apply(app, appearance_now()) if appearance_now() == "system" else None)


def _qpalette(p: Palette) -> QPalette:
    qp = QPalette()
    roles = {
        QPalette.ColorRole.Window: p.window, QPalette.ColorRole.WindowText: p.text,
        QPalette.ColorRole.Base: p.surface, QPalette.ColorRole.AlternateBase: p.surface_alt,
        QPalette.ColorRole.Text: p.text, QPalette.ColorRole.Button: p.surface,
        QPalette.ColorRole.ButtonText: p.text, QPalette.ColorRole.Highlight: p.accent,
        QPalette.ColorRole.HighlightedText: p.on_accent, QPalette.ColorRole.ToolTipBase: p.surface,
        QPalette.ColorRole.ToolTipText: p.text, QPalette.ColorRole.PlaceholderText: p.muted,
        QPalette.ColorRole.Link: p.accent, QPalette.ColorRole.BrightText: p.danger,
        QPalette.ColorRole.Light: p.surface, QPalette.ColorRole.Midlight: p.surface_alt,
        QPalette.ColorRole.Mid: p.border, QPalette.ColorRole.Dark: p.border, QPalette.ColorRole.Shadow: "#000000",
    }
    for role, colour in roles.items():
        qp.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        qp.setColor(QPalette.ColorGroup.Disabled, role, QColor(p.muted))
    return qp


def style_sheet(p: Palette) -> str:
    """The style sheet for palette ``p``: shapes and spacing on the 8-px grid."""
    return _containers_sheet(p) + _controls_sheet(p)


def _containers_sheet(p: Palette) -> str:
    """Windows, text roles, cards and bands."""
    t = TYPE_SCALE
    return f"""
QMainWindow, QDialog {{ background: {p.window}; }}
QToolTip {{ background: {p.surface}; color: {p.text}; border: 1px solid {p.border}; padding: 4px 8px; }}
QLabel[role="display"] {{ font-size: {t["display"]}px; font-weight: 600; }}
QLabel[role="title"] {{ font-size: {t["title"]}px; font-weight: 600; }}
QLabel[role="subtitle"] {{ font-size: {t["subtitle"]}px; font-weight: 600; }}
QLabel[role="muted"] {{ color: {p.muted}; }}
QLabel[role="small"] {{ color: {p.muted}; font-size: {t["small"]}px; }}
QLabel[role="error"], QLabel[role="danger"] {{ color: {p.danger}; font-weight: 600; }}
QLabel[role="warning"] {{ color: {p.warning}; font-weight: 600; }}
QLabel[role="success"] {{ color: {p.success}; font-weight: 600; }}
QFrame[card="true"] {{ background: {p.surface}; border: 1px solid {p.border}; border-radius: {CARD_RADIUS}px; }}
QFrame[card="true"] QLabel {{ background: transparent; }}
QFrame[band="true"] {{ background: {p.surface}; border: none; border-bottom: 1px solid {p.border}; }}
QFrame[band="bottom"] {{ background: {p.surface}; border: none; border-top: 1px solid {p.border}; }}
QFrame[dropzone="true"] {{ background: {p.surface}; border: 2px dashed {p.border}; border-radius: {CARD_RADIUS}px; }}
QFrame[dropzone="true"][hover="true"] {{ border-color: {p.accent}; background: {p.accent_soft}; }}
"""


def _controls_sheet(p: Palette) -> str:
    """Buttons, steps, fields and lists."""
    t = TYPE_SCALE
    return f"""
QPushButton, QToolButton {{
    background: {p.surface}; color: {p.text}; border: 1px solid {p.border};
    border-radius: {RADIUS}px; padding: 6px 16px; min-height: 20px;
}}
QToolButton {{ padding: 6px 8px; }}
QPushButton:hover, QToolButton:hover {{ background: {p.surface_alt}; }}
QPushButton:pressed, QToolButton:pressed, QToolButton:checked {{ background: {p.accent_soft}; }}
QPushButton:focus, QToolButton:focus {{ border: 2px solid {p.accent}; padding: 5px 15px; }}
QToolButton:focus {{ padding: 5px 7px; }}
QPushButton:disabled, QToolButton:disabled {{ color: {p.muted}; background: {p.window}; border-color: {p.surface_alt}; }}
QPushButton[primary="true"] {{
    background: {p.accent}; color: {p.on_accent}; border: none; font-weight: 600; padding: 8px 24px;
}}
QPushButton[primary="true"]:hover {{ background: {p.accent_hover}; }}
QPushButton[primary="true"]:focus {{ border: 2px solid {p.text}; padding: 6px 22px; }}
QPushButton[primary="true"]:disabled {{ background: {p.surface_alt}; color: {p.muted}; }}
QPushButton[quiet="true"], QToolButton[quiet="true"] {{ background: transparent; border: 1px solid transparent; }}
QPushButton[quiet="true"]:hover, QToolButton[quiet="true"]:hover {{ background: {p.surface_alt}; }}
QPushButton[quiet="true"]:focus, QToolButton[quiet="true"]:focus {{ border: 2px solid {p.accent}; }}
QToolButton#homeButton {{ font-size: {t["subtitle"]}px; font-weight: 600; }}
QToolButton[step] {{ border: none; border-radius: {RADIUS}px; padding: 6px 10px; background: transparent; color: {p.muted}; }}
QToolButton[step="now"] {{ background: {p.accent_soft}; color: {p.text}; font-weight: 600; }}
QToolButton[step="done"] {{ color: {p.text}; }}
QToolButton[step]:hover {{ background: {p.surface_alt}; }}
QToolButton[step]:focus {{ border: 2px solid {p.accent}; padding: 4px 8px; }}
QCheckBox::indicator, QRadioButton::indicator {{
    width: 14px; height: 14px; border: 1px solid {p.muted}; background: {p.surface}; border-radius: 4px;
}}
QRadioButton::indicator {{ border-radius: 8px; }}
QCheckBox::indicator:checked {{ background: {p.accent}; border-color: {p.accent}; image: url("{_check_image(p)}"); }}
QRadioButton::indicator:checked {{
    border-color: {p.accent};
    background: qradialgradient(cx: 0.5, cy: 0.5, radius: 0.5, fx: 0.5, fy: 0.5,
                                stop: 0 {p.accent}, stop: 0.45 {p.accent}, stop: 0.55 {p.surface}, stop: 1 {p.surface});
}}
QCheckBox::indicator:disabled, QRadioButton::indicator:disabled {{ border-color: {p.surface_alt}; }}
QCheckBox::indicator:focus, QRadioButton::indicator:focus {{ border: 2px solid {p.accent}; }}
QLineEdit, QPlainTextEdit, QTextEdit, QTextBrowser {{
    background: {p.surface}; color: {p.text}; border: 1px solid {p.border}; border-radius: 6px; padding: 4px 8px;
    selection-background-color: {p.accent}; selection-color: {p.on_accent};
}}
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus {{ border: 2px solid {p.accent}; padding: 3px 7px; }}
QListView, QTreeView, QTableView, QListWidget, QTreeWidget, QTableWidget {{
    background: {p.surface}; color: {p.text}; border: 1px solid {p.border}; border-radius: {CARD_RADIUS}px;
    selection-background-color: {p.accent_soft}; selection-color: {p.text}; outline: none;
}}
QListView:focus, QTreeView:focus, QTableView:focus {{ border: 2px solid {p.accent}; }}
QHeaderView::section {{ background: {p.surface_alt}; color: {p.text}; border: none; padding: 4px 8px; }}
QGroupBox {{
    background: {p.surface}; border: 1px solid {p.border}; border-radius: {CARD_RADIUS}px;
    margin-top: 24px; padding: 16px 8px 8px 8px; font-weight: 600;
}}
QGroupBox::title {{ subcontrol-origin: margin; subcontrol-position: top left; left: 8px; padding: 0 4px; color: {p.text}; }}
QProgressBar {{
    background: {p.surface_alt}; color: {p.text}; border: none; border-radius: 6px; min-height: 12px;
    max-height: 12px; text-align: center;
}}
QProgressBar::chunk {{ background: {p.accent}; border-radius: 6px; }}
QTabWidget::pane {{ border: 1px solid {p.border}; border-radius: {CARD_RADIUS}px; background: {p.surface}; top: -1px; }}
QTabBar::tab {{ background: transparent; color: {p.muted}; padding: 8px 16px; border: none; border-bottom: 2px solid transparent; }}
QTabBar::tab:selected {{ color: {p.text}; border-bottom: 2px solid {p.accent}; font-weight: 600; }}
QTabBar::tab:focus {{ color: {p.text}; }}
QScrollArea {{ background: transparent; border: none; }}
QScrollArea > QWidget > QWidget {{ background: transparent; }}
QScrollBar:vertical {{ background: transparent; width: 12px; margin: 0; }}
QScrollBar::handle:vertical {{ background: {p.border}; border-radius: 4px; min-height: 32px; margin: 2px; }}
QScrollBar:horizontal {{ background: transparent; height: 12px; margin: 0; }}
QScrollBar::handle:horizontal {{ background: {p.border}; border-radius: 4px; min-width: 32px; margin: 2px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
QMessageBox QLabel {{ min-width: 320px; }}
QDialogButtonBox {{ dialogbuttonbox-buttons-have-icons: 0; }}
"""


def scaled_font(font: QFont, scale: float, bold: bool | None = None) -> QFont:
    """A copy of ``font``, ``scale`` times larger (fonts are sized in pixels here)."""
    scaled = QFont(font)
    if font.pixelSize() > 0:
        scaled.setPixelSize(max(9, round(font.pixelSize() * scale)))
    else:
        scaled.setPointSizeF(max(7.0, font.pointSizeF() * scale))
    if bold is not None:
        scaled.setBold(bold)
    return scaled


def _check_image(p: Palette) -> str:
    """The tick inside a ticked box, in the palette's colour on the accent: Lucide's
    check, written once per palette to the app's cache (a style sheet takes a file)."""
    path = paths.cache_dir() / "theme" / f"check-{p.name}.svg"
    svg = _svg(ICON_FILES["done"]).replace(b"currentColor", p.on_accent.encode("ascii")).replace(
        b'stroke-width="2"', b'stroke-width="3"')
    if not path.is_file() or path.read_bytes() != svg:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(svg)
    return path.as_posix()


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2.x contrast ratio of two sRGB colours (1 to 21)."""
    def luminance(colour: str) -> float:
        c = QColor(colour)
        channels = []
        for value in (c.redF(), c.greenF(), c.blueF()):
            channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
        r, g, b = channels
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# --- icons ------------------------------------------------------------------------------

# icon() names -> Lucide file names (tools/vendor_icons.py copies these files)
ICON_FILES = {
    "home": "house",
    "session": "folder-open",
    "photos": "images",
    "styles": "palette",
    "create": "sparkles",
    "gallery": "layout-grid",
    "privacy": "shield-check",
    "settings": "settings",
    "about": "info",
    "back": "arrow-left",
    "next": "arrow-right",
    "chevron-right": "chevron-right",
    "done": "check",
    "add": "plus",
    "add-photo": "image-plus",
    "add-folder": "folder-plus",
    "remove": "trash-2",
    "details": "scan-eye",
    "favourite": "heart",
    "star": "star",
    "close": "x",
    "copy": "copy",
    "export": "download",
    "import": "upload",
    "start": "play",
    "stop": "square",
    "clock": "clock",
    "pending": "circle",
    "running": "circle-dot",
    "warning": "triangle-alert",
    "error": "circle-alert",
    "ok": "circle-check",
    "zoom": "zoom-in",
    "compare": "columns-2",
    "more": "refresh-cw",
    "camera": "camera",
    "edit": "pencil",
    "duplicate": "copy-plus",
    "person": "user-round",
    "lock": "lock",
    "studio": "users",
    "pc": "monitor",
    "lend": "monitor-up",
    "pair": "link",
    "up": "arrow-up",
    "down": "arrow-down",
    "pause": "pause",
    "light": "sun",
    "dark": "moon",
    "system": "monitor",
    "open": "external-link",
    "log": "scroll-text",
}


@cache
def _svg(lucide_name: str) -> bytes:
    return (paths.resources_dir() / "icons" / "lucide" / f"{lucide_name}.svg").read_bytes()


class _SvgIconEngine(QIconEngine):
    """Paints one Lucide SVG in a palette colour at whatever size and scaling asked."""

    def __init__(self, lucide_name: str, role: str) -> None:
        super().__init__()
        self.lucide_name, self.role = lucide_name, role

    def _colour(self, mode: QIcon.Mode) -> str:
        p = palette()
        if mode == QIcon.Mode.Disabled:
            return p.muted
        return getattr(p, self.role)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        svg = _svg(self.lucide_name).replace(b"currentColor", self._colour(mode).encode("ascii"))
        QSvgRenderer(QByteArray(svg)).render(painter, QRectF(rect))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        pixmap = QPixmap(size * scale)
        pixmap.setDevicePixelRatio(scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.paint(painter, QRect(0, 0, size.width(), size.height()), mode, state)
        painter.end()
        return pixmap

    def clone(self) -> QIconEngine:
        engine = _SvgIconEngine(self.lucide_name, self.role)
        _ENGINES.append(engine)  # rare (an icon changed after it was made)
        return engine


_ENGINES: list[_SvgIconEngine] = []  # QIcon does not keep a Python engine alive by itself


@cache
def icon(name: str, role: str = "text") -> QIcon:
    """The icon ``name`` (a key of ICON_FILES, or a Lucide file name),
    painted in the palette's ``role`` colour (text, muted, accent, on_accent, ...)."""
    lucide_name = ICON_FILES.get(name, name)
    if not (paths.resources_dir() / "icons" / "lucide" / f"{lucide_name}.svg").is_file():
        raise KeyError(f"no icon {name!r}")
    if role not in {f.name for f in fields(Palette)}:
        raise KeyError(f"no colour {role!r}")
    engine = _SvgIconEngine(lucide_name, role)
    _ENGINES.append(engine)
    return QIcon(engine)


def set_role(widget: QWidget, name: str, value) -> None:
    """Set a style property (primary, card, role, step, …) and restyle the widget."""
    widget.setProperty(name, value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()
