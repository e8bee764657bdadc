"""Gallery: the finished headshots, best first, with likeness stars and plain-word
warnings; filter by style; zoom next to a source selfie; favourite, delete, "more like
this"; export the selected ones or the favourites to a folder or a ZIP.

Keys on the grid: Enter opens the large view, F marks/unmarks favourites, Delete
deletes (after asking). What is shown is decided in core/gallery.py (filters, look-alike
groups, stars, warnings); the cards are drawn by ui/gallery_grid.py; exports run in the
controller's background worker through ``core.export``.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QItemSelectionModel, Qt, QUrl, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from headshot_studio.core.events import HeadshotError, describe_error
from headshot_studio.core.gallery import GalleryEntry, filter_gallery, look_alikes, style_counts, style_label
from headshot_studio.core.limits import MORE_LIKE_THIS_COUNT
from headshot_studio.ui.core_text import core_text
from headshot_studio.ui.dialogs.export import ExportDialog
from headshot_studio.ui.dialogs.zoom import ZoomDialog
from headshot_studio.ui import theme
from headshot_studio.ui.gallery_grid import ENTRY_ROLE, THUMB_SIZES, GalleryGrid
from headshot_studio.ui.widgets import EmptyState, ask_yes_no, heading, primary_button, show_error


class GalleryPage(QWidget):
    title = "Gallery"
    more_like_this_requested = Signal()  # "more like this" started a run: show the Create page
    page_requested = Signal(str)  # the empty gallery's button: the page that makes headshots
    export_finished = Signal(object)  # core.export.ExportResult

    def __init__(self, controller) -> None:
        super().__init__()
        self.controller = controller
        self.setObjectName("galleryPage")
        self._style_names: dict[str, str] | None = None
        self._go_target = ""
        self._entries: list[GalleryEntry] = []  # the gallery, best first
        self._favourites: set[str] = set()
        self.zoom_dialog: ZoomDialog | None = None
        self.export_dialog: ExportDialog | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(theme.SPACE)
        layout.addLayout(self._build_header())
        layout.addWidget(self._build_filters())
        layout.addWidget(self._build_grid(), 1)
        layout.addLayout(self._build_actions())

        controller.gallery_changed.connect(self.refresh)
        controller.session_changed.connect(self._on_session_changed)
        controller.run_state_changed.connect(lambda _: self._update_buttons())
        controller.export_state_changed.connect(lambda _: self._update_buttons())
        controller.exported.connect(self._on_exported)
        controller.export_failed.connect(self._on_export_failed)
        self.refresh()

    # --- building the page ---------------------------------------------------------------
    def _build_header(self) -> QHBoxLayout:
        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Your headshots")), 1)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("gallerySummary")
        theme.set_role(self.summary_label, "role", "muted")
        top.addWidget(self.summary_label)
        return top

    def _build_filters(self) -> QWidget:
        """The hint and the filters: they only mean something once there are headshots."""
        self.filters_box = QWidget()
        box = QVBoxLayout(self.filters_box)
        box.setContentsMargins(0, 0, 0, 0)
        hint = QLabel(self.tr("Best first: how much each looks like you, then sharpness, light and framing. "
                              "Double-click or press Enter to see one large next to your selfie; "
                              "F marks a favourite, Delete deletes."))
        hint.setWordWrap(True)
        theme.set_role(hint, "role", "muted")
        box.addWidget(hint)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("Style:")))
        self.style_filter = QComboBox()
        self.style_filter.setObjectName("styleFilter")
        self.style_filter.setAccessibleName(self.tr("Style"))
        self.style_filter.setToolTip(self.tr("Show the headshots of one style only"))
        self.style_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.style_filter.currentIndexChanged.connect(lambda _: self._render())
        filters.addWidget(self.style_filter)
        self.favourites_only = self._filter_box(self.tr("Favourites only"), "favouritesOnly",
                                                self.tr("Show only the headshots you marked with ♥"))
        self.hide_look_alikes = self._filter_box(
            self.tr("Hide look-alikes"), "hideLookAlikes",
            self.tr("Show only the best of each group of headshots that look nearly the same"))
        filters.addWidget(self.favourites_only)
        filters.addWidget(self.hide_look_alikes)
        filters.addStretch()
        filters.addWidget(QLabel(self.tr("Size:")))
        self.size_choice = QComboBox()
        self.size_choice.setObjectName("thumbSize")
        self.size_choice.setAccessibleName(self.tr("Picture size"))
        self.size_choice.addItem(self.tr("Large"), THUMB_SIZES["large"])
        self.size_choice.addItem(self.tr("Small"), THUMB_SIZES["small"])
        self.size_choice.currentIndexChanged.connect(lambda _: self.grid.set_thumb_size(self.size_choice.currentData()))
        filters.addWidget(self.size_choice)
        box.addLayout(filters)
        return self.filters_box

    def _filter_box(self, text: str, name: str, tip: str) -> QCheckBox:
        box = QCheckBox(text)
        box.setObjectName(name)
        box.setToolTip(tip)
        box.toggled.connect(lambda _: self._render())
        return box

    def _build_grid(self) -> QStackedWidget:
        """The grid, or a sentence in its place (no session, no headshots, none match)."""
        self.stack = QStackedWidget()
        self.empty = EmptyState("gallery")
        self.empty.setObjectName("galleryEmpty")
        self.message = self.empty.text
        self.message.setObjectName("galleryMessage")
        self.empty.button.setObjectName("galleryGoButton")
        self.empty.button.clicked.connect(self.go_requested)
        self.stack.addWidget(self.empty)
        self.grid = GalleryGrid()
        self.thumbnails = self.grid.thumbnails  # the window waits for it when closing
        self.grid.itemSelectionChanged.connect(self._update_buttons)
        self.grid.itemDoubleClicked.connect(lambda _: self.open_zoom())
        self.grid.zoom_requested.connect(self.open_zoom)
        self.grid.favourite_requested.connect(self.toggle_favourite)
        self.grid.delete_requested.connect(self.delete_selected)
        self.stack.addWidget(self.grid)
        return self.stack

    def _action(self, text: str, name: str, tip: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    def _build_actions(self) -> QHBoxLayout:
        actions = QHBoxLayout()
        self.zoom_button = self._action(self.tr("View larger"), "zoomButton",
                                        self.tr("See the headshot large, next to one of your selfies (Enter)"),
                                        self.open_zoom)
        self.favourite_button = self._action(self.tr("Favourite"), "favouriteButton",
                                             self.tr("Mark the selected headshots as favourites, or unmark them (F)"),
                                             self.toggle_favourite)
        self.more_button = self._action(self.tr("More like this"), "moreLikeThisButton",
                                        self.tr("Make {count} more headshots in this style with new seeds, "
                                                "using the face already learned").format(count=MORE_LIKE_THIS_COUNT),
                                        self.more_like_this)
        self.delete_button = self._action(self.tr("Delete…"), "deleteButton",
                                          self.tr("Delete the selected headshots from this computer (Delete)"),
                                          self.delete_selected)
        for button, icon in ((self.zoom_button, "compare"), (self.favourite_button, "favourite"),
                             (self.more_button, "more"), (self.delete_button, "remove")):
            button.setIcon(theme.icon(icon))
            actions.addWidget(button)
        theme.set_role(self.delete_button, "quiet", "true")
        actions.addStretch()
        self.export_progress = QProgressBar()
        self.export_progress.setRange(0, 0)  # busy: exports take seconds
        self.export_progress.setMaximumWidth(120)
        self.export_progress.setAccessibleName(self.tr("Exporting"))
        self.export_progress.setVisible(False)
        actions.addWidget(self.export_progress)
        self.export_status = QLabel()
        self.export_status.setObjectName("exportStatus")
        self.export_status.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its link is for the mouse; Export says the same
        self.export_status.setOpenExternalLinks(True)
        self.export_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        actions.addWidget(self.export_status)
        self.export_button = primary_button(self.tr("Export…"), icon="export")
        self.export_button.setObjectName("exportButton")
        self.export_button.setToolTip(self.tr("Save the selected headshots or your favourites to a folder or a ZIP file"))
        self.export_button.clicked.connect(self.open_export)
        actions.addWidget(self.export_button)
        return actions

    # --- what is shown -----------------------------------------------------------------
    def _on_session_changed(self) -> None:
        self.export_status.clear()
        self.grid.forget_thumbnails()
        self.refresh()

    def _names(self) -> dict[str, str]:
        if self._style_names is None:
            self._style_names = self.controller.style_names()
        return self._style_names

    def refresh(self) -> None:
        """Re-read the gallery (it changed on disk) and show it."""
        self._entries = self.controller.gallery()
        self._favourites = self.controller.favourites()
        self._style_names = None  # a style may have been added or renamed
        names = self._names()
        counts = style_counts(self._entries)
        current = self.style_filter.currentData()
        self.style_filter.blockSignals(True)
        self.style_filter.clear()
        self.style_filter.addItem(self.tr("All styles ({count})").format(count=len(self._entries)), None)
        for style_id in sorted(counts, key=lambda s: style_label(s, names).lower()):
            self.style_filter.addItem(f"{core_text(style_label(style_id, names))} ({counts[style_id]})", style_id)
        index = self.style_filter.findData(current) if current is not None else 0
        self.style_filter.setCurrentIndex(max(0, index))
        self.style_filter.blockSignals(False)
        self._render()

    def _render(self) -> None:
        selected = {entry.file for entry in self.selected_entries()}
        current = self.grid.currentItem()
        current_file = current.data(ENTRY_ROLE).file if current is not None else None
        self.grid.clear()
        if self.controller.session is None or not self._entries:
            if self.controller.session is None:
                self._show_message(self.tr("Start or open a session to see its headshots here."),
                                   self.tr("No session open"), self.tr("Go to Session"), "session")
            else:
                self._show_message(
                    self.tr("No headshots yet. Create them on the Create page: the best ones will appear here first, "
                            "each with how much it looks like you. You can then compare each with your selfie, "
                            "keep favourites and export them."),
                    self.tr("Your headshots will appear here"), self.tr("Go to Create"), "create")
            self.summary_label.clear()
            self._update_buttons()
            return
        favourites = len([e for e in self._entries if e.file in self._favourites])
        self.summary_label.setText(
            self.tr("{count} headshots · 1 favourite").format(count=len(self._entries)) if favourites == 1
            else self.tr("{count} headshots · {favourites} favourites").format(count=len(self._entries),
                                                                               favourites=favourites))
        shown = filter_gallery(self._entries, style=self.style_filter.currentData(), favourites=self._favourites,
                               favourites_only=self.favourites_only.isChecked(),
                               hide_look_alikes=self.hide_look_alikes.isChecked())
        if not shown:
            self._show_message(self.tr("No headshots match these filters. Choose “All styles” or untick the "
                                       "boxes above to see them all."), self.tr("Nothing to show"))
        else:
            self.stack.setCurrentWidget(self.grid)
        names, others = self._names(), look_alikes(self._entries)
        for rank, entry in shown:
            item = self.grid.add_card(rank, entry, self.controller.headshot_path(entry),
                                      style=style_label(entry.style, names), favourite=entry.file in self._favourites,
                                      look_alikes=others[entry.file])
            if entry.file in selected:
                item.setSelected(True)
            if entry.file == current_file:
                self.grid.setCurrentItem(item, QItemSelectionModel.SelectionFlag.NoUpdate)
        if self.grid.currentItem() is not None:
            self.grid.scrollToItem(self.grid.currentItem())
        self._update_buttons()

    def _show_message(self, text: str, title: str = "", button: str = "", target: str = "") -> None:
        self._go_target = target
        self.empty.show_text(title, text, button)
        self.stack.setCurrentWidget(self.empty)

    def selected_entries(self) -> list[GalleryEntry]:
        """The selected headshots, best first."""
        items = sorted(self.grid.selectedItems(), key=self.grid.row)
        return [item.data(ENTRY_ROLE) for item in items]

    def _current_entry(self) -> GalleryEntry | None:
        item = self.grid.currentItem()
        if item is not None and item.isSelected():
            return item.data(ENTRY_ROLE)
        selected = self.selected_entries()
        return selected[0] if selected else None

    def _update_buttons(self) -> None:
        selected = self.selected_entries()
        has_images = bool(self.controller.session is not None and self._entries)
        for button in (self.zoom_button, self.delete_button, self.favourite_button):
            button.setEnabled(bool(selected))
        all_favourite = bool(selected) and all(e.file in self._favourites for e in selected)
        self.favourite_button.setText(self.tr("Unfavourite") if all_favourite else self.tr("Favourite"))
        self.favourite_button.setIcon(theme.icon("favourite", "danger" if all_favourite else "text"))
        run_busy = self.controller.run_worker.state.busy
        entry = self._current_entry()
        self.more_button.setEnabled(entry is not None and bool(entry.style) and not run_busy)
        if run_busy:
            self.more_button.setToolTip(self.tr("A run is in progress; wait for it to finish"))
        elif entry is not None:
            style = core_text(style_label(entry.style, self._names()))
            self.more_button.setToolTip(self.tr("Make {count} more “{style}” headshots with new seeds, using the face "
                                                "already learned").format(count=MORE_LIKE_THIS_COUNT, style=style))
        exporting = self.controller.exporting
        self.export_button.setEnabled(has_images and not exporting)
        self.export_progress.setVisible(exporting)
        self.filters_box.setVisible(has_images)

    # --- actions -----------------------------------------------------------------------
    def toggle_favourite(self) -> None:
        selected = self.selected_entries()
        if not selected:
            return
        make = not all(entry.file in self._favourites for entry in selected)
        self.set_favourites([entry.file for entry in selected], make)

    def set_favourites(self, files: list[str], favourite: bool) -> None:
        try:
            for file in files:
                self.controller.set_favourite(file, favourite)
        except (HeadshotError, OSError) as exc:  # shown with details; anything else reaches the exception hook
            show_error(self, *describe_error(exc)[1:])

    def _confirm_delete(self, entries: list[GalleryEntry]) -> bool:
        """Ask before deleting (tests replace this)."""
        question = (self.tr("Delete this headshot from this computer? This cannot be undone.") if len(entries) == 1
                    else self.tr("Delete these {count} headshots from this computer? This cannot be undone.").format(
                        count=len(entries)))
        return ask_yes_no(self, self.tr("Delete headshots"), question)

    def delete_selected(self) -> None:
        entries = self.selected_entries()
        if not entries or not self._confirm_delete(entries):
            return
        row = self.grid.row(self.grid.selectedItems()[0]) if self.grid.selectedItems() else 0
        try:
            for entry in entries:
                self.controller.delete_output(entry.file)
        except (HeadshotError, OSError) as exc:
            show_error(self, *describe_error(exc)[1:])
        # keep working through the grid: select what took the first deleted one's place
        if self.grid.count():
            item = self.grid.item(min(row, self.grid.count() - 1))
            self.grid.setCurrentItem(item)
            item.setSelected(True)

    def more_like_this(self) -> None:
        entry = self._current_entry()
        if entry is None or not entry.style:
            return
        self.controller.more_like_this(entry)
        self.more_like_this_requested.emit()

    def open_zoom(self) -> None:
        entries = self.grid.entries()
        entry = self._current_entry()
        if entry is None or self.controller.session is None:
            return
        self.zoom_dialog = ZoomDialog(self, self.controller, entries, entries.index(entry), self._names())
        self.zoom_dialog.favourite_requested.connect(lambda file, make: self.set_favourites([file], make))
        self.zoom_dialog.delete_requested.connect(self._delete_from_zoom)
        self.zoom_dialog.finished.connect(self._zoom_closed)
        self.zoom_dialog.open()

    def go_requested(self) -> None:
        if self._go_target:
            self.page_requested.emit(self._go_target)

    def _delete_from_zoom(self, file: str) -> None:
        if self.zoom_dialog is None:
            return
        entry = next((e for e in self._entries if e.file == file), None)
        if entry is None:  # already gone from the gallery (its file was removed behind our back)
            self.zoom_dialog.remove_current()
            return
        if not self._confirm_delete([entry]):
            return
        try:
            self.controller.delete_output(file)
        except (HeadshotError, OSError) as exc:
            show_error(self, *describe_error(exc)[1:])
            return
        self.zoom_dialog.remove_current()

    def _zoom_closed(self) -> None:
        if self.zoom_dialog is not None:
            self.zoom_dialog.loader.wait()
            self.zoom_dialog.deleteLater()
            self.zoom_dialog = None

    # --- export ------------------------------------------------------------------------
    def favourite_files(self) -> list[str]:
        """The favourites that are in the gallery, best first."""
        return [entry.file for _, entry in filter_gallery(self._entries, favourites=self._favourites,
                                                          favourites_only=True)]

    def open_export(self) -> None:
        if self.controller.session is None:
            return
        self.export_dialog = ExportDialog(
            self,
            selected=len(self.selected_entries()),
            favourites=len(self.favourite_files()),
            default_name=self.tr("{name} headshots").format(name=self.controller.session.name),
        )
        self.export_dialog.accepted.connect(lambda: self.start_export(self.export_dialog.options()))
        self.export_dialog.open()

    def start_export(self, options: dict) -> None:
        if options["which"] == "favourites":
            files = self.favourite_files()
        else:
            files = [entry.file for entry in self.selected_entries()]
        self.export_status.setText(self.tr("Exporting 1 headshot…") if len(files) == 1
                                   else self.tr("Exporting {count} headshots…").format(count=len(files)))
        self.controller.export(files, options["destination"], size=options["size"], fmt=options["fmt"],
                               keep_metadata=options["keep_metadata"], as_zip=options["as_zip"])

    def _on_exported(self, result) -> None:
        folder = result.path.parent if result.path.suffix.lower() == ".zip" else result.path
        link = QUrl.fromLocalFile(str(folder)).toString()
        show = self.tr("Show")
        self.export_status.setText(f"{html.escape(core_text(result.describe()))} <a href=\"{link}\">{show}</a>")
        self.export_status.setToolTip(str(result.path))
        self.export_finished.emit(result)

    def _on_export_failed(self, kind: str, message: str, details: str) -> None:
        self.export_status.setText(self.tr("The export did not finish."))
        show_error(self, message, details)

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Block until thumbnails and an export in progress are done (closing, tests)."""
        done = self.thumbnails.wait(timeout_ms)
        done = self.controller.export_worker.wait(timeout_ms) and done
        if self.zoom_dialog is not None:
            done = self.zoom_dialog.loader.wait(timeout_ms) and done
        return done
