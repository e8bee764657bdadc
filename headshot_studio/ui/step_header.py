"""The band across the top of the window: the app's name (back to Welcome) and the
wizard's five steps, each marked done, now or next, and each a button to go there."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QToolButton, QWidget

from headshot_studio.ui import theme
from headshot_studio.ui.widgets import IconLabel


class StepHeader(QFrame):
    step_chosen = Signal(str)  # a page key

    def __init__(self, steps: dict[str, str], parent: QWidget | None = None) -> None:
        """``steps``: page key -> label, in wizard order (the numbered steps only)."""
        super().__init__(parent)
        self.setObjectName("stepHeader")
        theme.set_role(self, "band", "true")
        self.labels = steps
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2 * theme.SPACE, theme.SPACE, 2 * theme.SPACE, theme.SPACE)
        layout.setSpacing(theme.SPACE // 2)
        self.home = QToolButton()
        self.home.setObjectName("homeButton")
        self.home.setText(self.tr("Headshot Studio"))
        self.home.setIcon(theme.icon("camera", "accent"))
        self.home.setIconSize(QSize(22, 22))
        self.home.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.home.setToolTip(self.tr("Welcome: what the app does and its models"))
        self.home.setAccessibleName(self.tr("Welcome page"))
        theme.set_role(self.home, "quiet", "true")
        self.home.clicked.connect(lambda: self.step_chosen.emit("welcome"))
        layout.addWidget(self.home)
        layout.addStretch(1)
        self.buttons: dict[str, QToolButton] = {}
        for number, (key, label) in enumerate(steps.items(), start=1):
            if number > 1:
                layout.addWidget(IconLabel("chevron-right", "muted", 16))
            button = QToolButton()
            button.setObjectName(f"step-{key}")
            button.setText(f"{number}  {label}")
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setIconSize(QSize(16, 16))
            button.clicked.connect(lambda _=False, k=key: self.step_chosen.emit(k))
            self.buttons[key] = button
            layout.addWidget(button)
        layout.addStretch(1)
        self.states: dict[str, str] = {}

    def show_steps(self, current: str, done: set[str]) -> None:
        """Mark each step: the page shown is "now"; others are "done" when their work is
        (``done``), else "next". Screen readers hear the same in the button's name."""
        words = {"done": self.tr("done"), "now": self.tr("current step"), "next": self.tr("not done yet")}
        total = len(self.buttons)
        for number, (key, button) in enumerate(self.buttons.items(), start=1):
            state = "now" if key == current else "done" if key in done else "next"
            self.states[key] = state
            theme.set_role(button, "step", state)
            button.setIcon(theme.icon("done", "success") if state == "done" else theme.icon(key, "accent" if state == "now" else "muted"))
            button.setAccessibleName(self.tr("Step {number} of {total}: {label}, {state}").format(
                number=number, total=total, label=self.labels[key], state=words[state]))
