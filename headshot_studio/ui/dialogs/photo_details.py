"""One photo, larger, with its verdict, every problem found and how to fix each."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette, QPixmap
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from headshot_studio.ui import theme
from headshot_studio.ui.core_text import core_text
from headshot_studio.ui.photo_widgets import issues_html, issues_label
from headshot_studio.ui.widgets import Badge

PREVIEW_SIDE = 440  # logical pixels: the photo in the details window


class PhotoDetailsDialog(QDialog):
    """The Photos page keeps one and shows it for whichever photo is opened (closing
    hides it). It draws from the controller's ``photo_status`` and closes itself when
    its photo is removed; "Remove this photo" is asked of the page (``remove_requested``)."""

    remove_requested = Signal(object)  # Path

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.path: Path | None = None
        self.setObjectName("photoDetails")

        self.image_label = QLabel()
        self.image_label.setObjectName("photoPreview")
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_label.setFixedSize(PREVIEW_SIDE, PREVIEW_SIDE)
        side_widget = QWidget()
        side_widget.setLayout(self._build_side())
        side_widget.setMinimumWidth(320)

        self.columns = QHBoxLayout(self)
        self.columns.addWidget(self.image_label, 0, Qt.AlignmentFlag.AlignTop)
        self.columns.addWidget(side_widget, 1)
        controller.photos_changed.connect(self.refresh)

    def _build_side(self) -> QVBoxLayout:
        self.name_label = QLabel()
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        self.name_label.setFont(theme.scaled_font(self.name_label.font(), 1.2, bold=True))
        self.badge = Badge()
        self.badge.setObjectName("detailsBadge")
        self.message_label = QLabel()
        self.message_label.setObjectName("detailsMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.issues_label = issues_label("detailsIssues")
        self.size_label = QLabel()
        self.size_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.remove_button = QPushButton(self.tr("Remove this photo"))
        self.remove_button.setObjectName("detailsRemoveButton")
        self.remove_button.setToolTip(self.tr("Take this photo out of the session (the original on your computer is kept)."))
        self.remove_button.clicked.connect(self._remove)
        close = QPushButton(self.tr("Close"))
        close.setObjectName("detailsCloseButton")
        close.setDefault(True)
        close.clicked.connect(self.close)

        self.side = QVBoxLayout()
        for widget in (self.name_label, self.badge, self.message_label):
            self.side.addWidget(widget)
        self.side.addSpacing(6)
        self.side.addWidget(QLabel("<b>" + self.tr("What to fix") + "</b>"))
        self.side.addWidget(self.issues_label)
        self.side.addStretch()
        self.side.addWidget(self.size_label)
        self.buttons = QHBoxLayout()
        self.buttons.addWidget(self.remove_button)
        self.buttons.addStretch()
        self.buttons.addWidget(close)
        self.side.addLayout(self.buttons)
        return self.side

    def show_photo(self, path: Path, cached: QPixmap | None = None) -> None:
        """Show ``path``, with ``cached`` (its thumbnail) until its preview arrives."""
        self.path = Path(path)
        self.setWindowTitle(self.tr("Photo details — {name}").format(name=self.path.name))
        self.name_label.setText(self.path.name)
        self.image_label.setAccessibleName(self.tr("Photo {name}").format(name=self.path.name))
        if cached is not None:
            self.show_image(cached)
        else:
            self.image_label.clear()
            self.image_label.setText(self.tr("Loading…"))
        self.refresh()

    def show_image(self, pixmap: QPixmap) -> None:
        ratio = self.devicePixelRatioF()
        scaled = pixmap.scaled(
            round(PREVIEW_SIDE * ratio), round(PREVIEW_SIDE * ratio),
            Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation,
        )
        scaled.setDevicePixelRatio(ratio)
        self.image_label.setPixmap(scaled)

    def show_unreadable(self) -> None:
        self.image_label.clear()
        self.image_label.setText(self.tr("This file cannot be shown."))

    def refresh(self) -> None:
        if self.path is None or not self.isVisible():
            return
        if self.path not in self.controller.photo_paths():
            self.close()  # removed (here or elsewhere)
            return
        status = self.controller.photo_status(self.path)
        self.badge.set_verdict(status.verdict)
        self.message_label.setText(core_text(status.message))
        self.issues_label.setText(issues_html(status.advice()))
        if status.image_size:
            self.size_label.setText(self.tr("{width} × {height} pixels").format(
                width=status.image_size[0], height=status.image_size[1]))
        else:
            self.size_label.clear()

    def _remove(self) -> None:
        self.remove_requested.emit(self.path)
        self.close()
