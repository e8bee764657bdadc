"""The window's view-model: the state the pages show, and the actions they trigger.

It holds no logic of its own: every decision is made in ``core`` (sessions, quality
checks, the pipeline, styles, export); this class runs those calls in background
workers and turns their results into Qt signals the pages listen to.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import QObject, QTimer, Signal

from headshot_studio.core.events import ErrorKind, describe_error
from headshot_studio.settings import Settings, save_settings
from headshot_studio.ui.core_text import core_text
from headshot_studio.ui.workers import JobState, JobWorker, PhotoAnalysisPool

log = logging.getLogger(__name__)


def _model_roots() -> list[Path]:
    from headshot_studio.core.models import model_roots

    return [root for root, _ in model_roots()]


class _AddJob(NamedTuple):
    """The add running: the session copy it adds to, and the manifest as it was copied."""

    working: object  # core.session.Session
    before: dict


class AppController(QObject):
    setup_changed = Signal()  # device and models known (or changed)
    session_changed = Signal()  # another session opened, or the current one renamed/closed
    photos_changed = Signal()  # photos added/removed, or a photo's report arrived
    styles_changed = Signal()  # style selection, counts or the style files changed
    gallery_changed = Signal()
    export_state_changed = Signal(object)  # JobState
    exported = Signal(object)  # core.export.ExportResult
    export_failed = Signal(str, str, str)  # kind, message, details
    run_state_changed = Signal(object)  # JobState
    run_event = Signal(object)  # JobEvent
    import_state_changed = Signal(object)  # JobState
    import_event = Signal(object)  # JobEvent
    error = Signal(str, str, str)  # kind, message, details

    def __init__(self, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.device = None
        self.models: list = []
        self.damaged_models: list = []  # core.models.DamagedModel: shown with the reason
        self.session = None
        self.reports: dict[Path, object] = {}
        self.failed_photos: dict[Path, str] = {}
        self.set_report = None
        self.style_counts: dict[str, int] = {}
        self.avoid = ""

        from headshot_studio.core.quality import THRESHOLDS, default_cache

        # dlib's Python module must be imported on the main thread: imported first from a
        # pool thread, a later call from another thread can deadlock inside it (seen with
        # two photo checks at once). The import is quick; the models still load lazily.
        import dlib  # noqa: F401

        self.analysis = PhotoAnalysisPool(self._load_analyzer, default_cache(), THRESHOLDS, self)
        self.analysis.photo_analyzed.connect(self._on_photo_analyzed)
        self.analysis.analysis_failed.connect(self._on_analysis_failed)
        self.setup_worker = JobWorker(self)
        self.setup_worker.succeeded.connect(self._on_setup)
        self.setup_worker.failed.connect(self.error)
        self.run_worker = JobWorker(self)
        self.run_worker.state_changed.connect(self.run_state_changed)
        self.run_worker.event_emitted.connect(self.run_event)
        self.run_worker.failed.connect(self._on_run_failed)
        self.run_worker.state_changed.connect(self._on_run_state)
        self.import_worker = JobWorker(self)
        self.import_worker.state_changed.connect(self.import_state_changed)
        self.import_worker.event_emitted.connect(self.import_event)
        self.import_worker.succeeded.connect(lambda _: self.refresh_setup())
        self.import_worker.failed.connect(self.error)
        self.add_worker = JobWorker(self)  # photos added: listed, hashed and copied in (add_photos)
        self.add_worker.succeeded.connect(self._on_photos_added)
        self.add_worker.failed.connect(self._on_add_failed)
        self.add_worker.state_changed.connect(self._on_add_state)
        self._adds_waiting: list[list[Path]] = []
        self._add_job: _AddJob | None = None
        self.export_worker = JobWorker(self)
        self.export_worker.state_changed.connect(self.export_state_changed)
        self.export_worker.succeeded.connect(self.exported)
        self.export_worker.failed.connect(self.export_failed)
        self.export_worker.failed.connect(self._log_error)
        self.error.connect(self._log_error)

    @staticmethod
    def _log_error(kind: str, message: str, details: str) -> None:
        """Every error the window shows is in the log too, as the command line's are: the
        kind and the plain message; a bug's traceback as well (the details of other errors
        name the user's files, which the log must not)."""
        if kind == ErrorKind.INTERNAL:
            log.error("%s: %s\n%s", kind, message, details)
        else:
            log.error("%s: %s", kind, message)

    # --- setup: the GPU and the models (slow imports: off the UI thread) -----------------
    @staticmethod
    def _load_analyzer():
        from headshot_studio.core.faces import load_face_analyzer

        # in a helper process: dlib's calls would stall this window for up to 0.25 s each
        return load_face_analyzer(_model_roots(), in_helper=True)

    def refresh_setup(self) -> None:
        def inspect(on_event, cancel):
            from headshot_studio.core.hardware import detect_device
            from headshot_studio.core.models import scan_models

            extra = self.settings.extra_model_dirs()
            return detect_device(), scan_models(extra)

        if not self.setup_worker.state.busy:
            self.setup_worker.start(inspect)

    def _on_setup(self, result) -> None:
        self.device, (self.models, self.damaged_models) = result
        self.setup_changed.emit()
        # A model imported or removed can change the session's model, and with it the
        # size faces must have: check the photos again if it did.
        if self.session is not None and self._photo_thresholds() != self.analysis.thresholds:
            self._check_all_photos()

    def import_model(self, source: Path) -> None:
        from headshot_studio.core.models import import_model

        self.import_worker.start(lambda on_event, cancel: import_model(Path(source), on_event=on_event, cancel=cancel))

    # --- sessions --------------------------------------------------------------------------
    def new_session(self, name: str) -> None:
        from headshot_studio.core.session import create_session

        session = create_session(name, [], copy_photos=self.settings.copy_photos)
        session.manifest["delete_photos_after_training"] = self.settings.delete_photos_after_training
        session.save()
        self._switch_to(session)

    def scan_sessions(self):
        """(sessions, damaged sessions) for the session list (core.session.scan_sessions)."""
        from headshot_studio.core.session import scan_sessions

        return scan_sessions()

    def open_session(self, session_id: str) -> None:
        from headshot_studio.core.session import open_session

        self._switch_to(open_session(session_id))

    def _switch_to(self, session) -> None:
        from headshot_studio.core.pipeline import chosen_styles

        self._drop_adds()
        self.session = session
        self.style_counts, self.avoid = chosen_styles(session)
        self.session_changed.emit()
        self._check_all_photos()
        self.styles_changed.emit()
        self.gallery_changed.emit()

    def _photo_thresholds(self):
        """The photo checks' thresholds for the model this session will train: an SDXL
        model needs faces twice as large as an SD1.5 one (core/quality.py)."""
        from headshot_studio.core.events import HeadshotError
        from headshot_studio.core.quality import THRESHOLDS, thresholds_for

        try:
            return thresholds_for(self._session_model().native_resolution())
        except HeadshotError:  # no model yet, or it is gone: the Create page says so
            return THRESHOLDS

    def _check_all_photos(self) -> None:
        # Every photo, also one whose file has gone since (deleted, or a referenced original
        # moved): its check says so, rather than the photo showing "Checking…" for ever.
        self.reports, self.failed_photos, self.set_report = {}, {}, None
        self.analysis.thresholds = self._photo_thresholds()
        self.photos_changed.emit()
        self.analysis.analyze(self.session.photo_paths())

    def close_session(self) -> None:
        self._drop_adds()
        self.session = None
        self.reports, self.failed_photos, self.set_report = {}, {}, None
        self.session_changed.emit()
        self.photos_changed.emit()
        self.gallery_changed.emit()

    def delete_session(self, session_id: str):
        from headshot_studio.core.session import wipe_session

        if self.session is not None and self.session.id == session_id:
            self.close_session()
        self._drop_adds(wait=True)  # an add still copying into the folder would make it again
        return wipe_session(session_id)

    def wipe_all(self):
        from headshot_studio.core.session import wipe_all

        self.close_session()
        self._drop_adds(wait=True)
        return wipe_all()

    # --- photos ----------------------------------------------------------------------------
    def photo_paths(self) -> list[Path]:
        return self.session.photo_paths() if self.session is not None else []

    def add_photos(self, sources: list[Path]) -> None:
        """Add dropped or chosen files and folders, in the background (add_worker): listing
        them, reading each to hash it and copying it in stalled the window 55 ms for 8
        selfies of 12 MP (more on a slow disk). Adds run one after another, each knowing
        the photos the one before added, so a photo dropped twice is kept once; ``adding``
        holds until the last is in, then ``photos_changed`` fires and their checks start.
        Files that cannot be opened at all (a link that leads nowhere, a pipe) are not
        added and are listed in one message; more photos than a session takes are refused,
        before anything is copied. Closing or switching the session drops the adds not yet
        done."""
        if self.session is None:
            return
        self._adds_waiting.append([Path(s) for s in sources])
        self._start_next_add()

    @property
    def adding(self) -> bool:
        """Photos are being added (listed, hashed, copied in) in the background."""
        return self.add_worker.state.busy or bool(self._adds_waiting)

    def _start_next_add(self) -> None:
        from headshot_studio.core.images import scan_photos
        from headshot_studio.core.session import add_photos

        if self.add_worker.state.busy or not self._adds_waiting or self.session is None:
            return
        sources = self._adds_waiting.pop(0)
        copy_photos = self.session.manifest.get("copy_photos", self.settings.copy_photos)
        # The worker adds to a copy of the manifest: the window's thread never reads a dict
        # another thread is changing. The new entries join the open session when it is done
        # (_on_photos_added); until then the photos are on disk only.
        before = copy.deepcopy(self.session.manifest)
        working = dataclasses.replace(self.session, manifest=copy.deepcopy(before))
        self._add_job = _AddJob(working, before)

        def add(on_event, cancel):
            scan = scan_photos(sources)
            cancel.raise_if_cancelled()  # the session was closed meanwhile: copy nothing
            # more photos than a session takes are refused here, before anything is copied
            added = add_photos(working, scan.photos, copy_photos=copy_photos) if scan.photos else []
            return added, list(scan.problems.values())

        self.add_worker.start(add)
        self.photos_changed.emit()  # "Adding photos…"

    def _on_photos_added(self, result) -> None:
        added, problems = result
        job, current = self._add_job, self.session
        if current is None or current.path != job.working.path:
            self.photos_changed.emit()  # no longer "Adding photos…"
            return  # closed or switched meanwhile: the photos stay in their own session, on disk
        # Entries the worker added, less any the open session has already (reopened after
        # the worker saved its manifest).
        known = {entry["name"].lower() for entry in current.manifest["photos"]}
        new = [entry for entry in job.working.manifest["photos"][len(job.before["photos"]):]
               if entry["name"].lower() not in known]
        unchanged = current.manifest == job.before
        current.manifest["photos"].extend(new)
        if unchanged:  # the worker saved exactly this manifest: no second write on this thread
            current.manifest["updated_at"] = job.working.manifest["updated_at"]
        else:  # changed here meanwhile (a style chosen, a photo removed): both, saved
            current.save()
        self.photos_changed.emit()  # the photos are in (and no longer "Adding photos…")
        paths = set(current.photo_paths())
        self.analysis.analyze([path for path in added if path in paths])
        if problems:
            lines = [f"• {core_text(m)}" for m in problems[:3]]
            if len(problems) > 3:
                lines.append("• " + self.tr("and {count} more.").format(count=len(problems) - 3))
            shown = core_text(problems[0]) if len(problems) == 1 else (
                self.tr("{count} files were not added:").format(count=len(problems)) + "\n" + "\n".join(lines)
            )
            self.error.emit(ErrorKind.BAD_INPUT, shown, "\n".join(problems))

    def _on_add_failed(self, kind: str, message: str, details: str) -> None:
        self.photos_changed.emit()  # no longer "Adding photos…"
        if self.session is not None and self.session.path == self._add_job.working.path:
            self.error.emit(kind, message, details)

    def _on_add_state(self, state: JobState) -> None:
        if state == JobState.CANCELLED:
            self.photos_changed.emit()  # no longer "Adding photos…"
        if not state.busy:
            # the next add, from the event loop: starting a job waits for the last one's thread to end
            QTimer.singleShot(0, self._start_next_add)

    def _drop_adds(self, *, wait: bool = False) -> None:
        """Forget the adds not started and cancel the one running (closing or switching the
        session); ``wait`` for it to end before the session's folder is deleted."""
        self._adds_waiting.clear()
        self.add_worker.cancel()
        if wait:
            self.add_worker.wait()

    def remove_photo(self, path: Path) -> None:
        from headshot_studio.core.session import remove_photo

        if self.session is None:
            return
        remove_photo(self.session, path)
        self.reports.pop(Path(path), None)
        self.failed_photos.pop(Path(path), None)
        self._update_set_report()
        self.photos_changed.emit()

    def _on_photo_analyzed(self, path: str, report) -> None:
        if Path(path) not in self.photo_paths():
            return  # removed while it was being checked
        if report.training_resolution != self.analysis.thresholds.training_resolution:
            return  # judged for the model used before; its new check is on its way
        self.reports[Path(path)] = report
        self._update_set_report()
        self.photos_changed.emit()

    def _on_analysis_failed(self, path: str, kind: str, message: str, details: str) -> None:
        """A check that raised instead of giving a report: the photo is shown as not used,
        with a plain sentence (the details go to the log), and the set no longer waits for it."""
        from headshot_studio.core.photo_status import failure_reason

        log.error("a photo's check failed: %s", details)
        if Path(path) not in self.photo_paths():
            return  # removed while it was being checked
        self.failed_photos[Path(path)] = failure_reason(kind, message)
        self._update_set_report()
        self.photos_changed.emit()

    def _update_set_report(self) -> None:
        from headshot_studio.core.quality import check_set

        ordered = [self.reports[p] for p in self.photo_paths() if p in self.reports]
        self.set_report = check_set(ordered, self.analysis.analyzer, self.analysis.thresholds) if ordered else None

    def report_for(self, path: Path):
        """The photo's report with the set's findings (duplicate, different person)."""
        if self.set_report is not None:
            for report in self.set_report.photos:
                if report.file == Path(path):
                    return report
        return self.reports.get(Path(path))

    @property
    def analysing(self) -> bool:
        """Photos are being added or checked."""
        return self.adding or any(p not in self.reports and p not in self.failed_photos for p in self.photo_paths())

    def photo_status(self, path: Path):
        """What the Photos page shows for one photo (core.photo_status.PhotoStatus)."""
        from headshot_studio.core.photo_status import photo_status

        return photo_status(path, self.report_for(path), self.failed_photos.get(Path(path)))

    def set_status(self, statuses: list | None = None):
        """The set's readiness as the Photos page shows it (core.photo_status.SetStatus);
        ``statuses`` are the photos' (``photo_status`` of every photo when not given)."""
        from headshot_studio.core.photo_status import set_status

        if statuses is None:
            statuses = [self.photo_status(path) for path in self.photo_paths()]
        status = set_status(self.set_report, statuses, has_session=self.session is not None)
        if self.adding and self.session is not None:
            return dataclasses.replace(status, sentence=self.tr("Adding photos…"), tone=None)
        return status

    # --- styles ----------------------------------------------------------------------------
    def set_style_count(self, style_id: str, count: int) -> None:
        if count > 0:
            self.style_counts[style_id] = count
        else:
            self.style_counts.pop(style_id, None)
        self._save_draft()
        self.styles_changed.emit()

    def set_avoid(self, text: str) -> None:
        self.avoid = text
        self._save_draft()

    def _save_draft(self) -> None:
        if self.session is not None:
            self.session.manifest["draft"] = {"styles": self.style_counts, "avoid": self.avoid}
            self.session.save()

    # --- the run ---------------------------------------------------------------------------
    def can_start(self) -> tuple[bool, str]:
        """Whether Start may be pressed, and if not, why (for the Create page)."""
        if self.session is None:
            return False, self.tr("Start or open a session first.")
        if not self.models and self.damaged_models:
            return False, self.damaged_models[0].message
        if not self.models:
            return False, self.tr("No base model is installed. Import one on the Welcome page.")
        if self.device is None:
            return False, self.tr("Still checking this computer…")
        if self.analysing:
            return False, self.tr("Still checking your photos…")
        if not self.session.manifest.get("photos_deleted") and (self.set_report is None or not self.set_report.ready):
            reason = self.set_report.message if self.set_report else self.tr("Add your photos first.")
            return False, reason
        from headshot_studio.core.events import InputError
        from headshot_studio.core.pipeline import check_choices

        try:
            check_choices(self.session, self.style_counts, self.avoid)
        except InputError as exc:  # avoid too long, no style, a style gone, damaged settings: with the reason
            return False, exc.message
        if self.run_worker.state.busy:
            return False, self.tr("A run is in progress.")
        return True, self.tr("Ready to create your headshots.")

    def _session_model(self):
        """The model the open session continues with (core.models.session_model)."""
        from headshot_studio.core.models import session_model

        recorded = self.session.manifest.get("settings", {}) if self.session is not None else {}
        return session_model(recorded, self.settings.extra_model_dirs(), self.settings.default_model)

    def current_plan(self):
        """(model, RunPlan) a run would use now, on this computer's free graphics memory."""
        request = self.build_request()
        return request.model, request.plan

    def plan_numbers(self):
        """The run Start would do, in the Create page's plain words (ui.plan_words.PlanNumbers):
        the card, its memory, about how many minutes, how many images; and the request."""
        from headshot_studio.ui.plan_words import plan_numbers

        request = self.build_request()
        styles = self.load_styles()[0] if self.style_counts else {}
        steps = [styles[s].steps for s in request.styles if s in styles] or [30]
        photos = len(self.photo_paths())
        return plan_numbers(request, self.device, photos, round(sum(steps) / len(steps))), request

    def build_request(self, **overrides):
        """The run the window asks for: this session's chosen styles, counts and "avoid"
        text, with ``overrides`` (RunOverrides fields) on top, through the same
        core.pipeline.build_request as the command line."""
        from headshot_studio.core.hardware import measure_free_vram
        from headshot_studio.core.pipeline import RunOverrides, build_request

        chosen = {"styles": tuple(self.style_counts), "counts": tuple(self.style_counts.values()), "avoid": self.avoid}
        return build_request(self.session, self.settings, RunOverrides(**(chosen | overrides)),
                             device=measure_free_vram(self.device))

    def start_run(self, **overrides) -> None:
        from headshot_studio.core.pipeline import run_session

        try:
            request = self.build_request(**overrides)
        except Exception as exc:
            self.error.emit(*describe_error(exc))
            return
        session = self.session
        self.run_worker.start(lambda on_event, cancel: run_session(session, request, on_event, cancel))

    def more_like_this(self, entry) -> None:
        """More images of ``entry``'s style (a GalleryEntry), with the face learned
        already and seeds no image of the session has used (core.pipeline.next_free_seed)."""
        from headshot_studio.core.limits import MORE_LIKE_THIS_COUNT

        self.start_run(reuse_face=True, styles=(entry.style,), counts=(MORE_LIKE_THIS_COUNT,))

    def cancel_run(self) -> None:
        self.run_worker.cancel()

    def _on_run_state(self, state: JobState) -> None:
        if state in (JobState.FINISHED, JobState.CANCELLED, JobState.FAILED):
            self.gallery_changed.emit()

    def _on_run_failed(self, kind: str, message: str, details: str) -> None:
        self.error.emit(kind, message, details)

    # --- gallery ---------------------------------------------------------------------------
    def gallery(self) -> list:
        """The session's headshots, best first (core.gallery.GalleryEntry)."""
        return self.session.headshots() if self.session is not None else []

    def headshot_path(self, entry) -> Path:
        """Where the finished image of ``entry`` (a GalleryEntry) is."""
        return self.session.final_dir / entry.file

    @staticmethod
    def load_styles():
        """Every style template, built-in and the user's, with the problems of the files
        that could not be read: ``(styles by id, [StyleError])`` (core.styles.load_styles)."""
        from headshot_studio.core.styles import load_styles

        return load_styles()

    @staticmethod
    def styles_folder() -> Path:
        """The folder of the user's own style files (it may not exist yet)."""
        from headshot_studio.core.styles import user_styles_dir

        return user_styles_dir()

    @staticmethod
    def save_style(style) -> Path:
        """Write one of the user's styles; every field is checked first (StyleError)."""
        from headshot_studio.core.styles import save_user_style

        return save_user_style(style)

    @staticmethod
    def style_names() -> dict[str, str]:
        """Style id -> the name shown on its card ({} if the styles cannot be read: the
        gallery then shows the ids as words)."""
        from headshot_studio.core.events import InputError

        try:
            styles, _errors = AppController.load_styles()
        except (InputError, OSError) as exc:
            log.warning("style names unavailable: %s", exc)
            return {}
        return {style_id: style.name for style_id, style in styles.items()}

    def selfies_to_compare(self) -> list[Path]:
        """The session's selfies that still exist, best-rated first (core.gallery.best_selfies_first)."""
        from headshot_studio.core.gallery import best_selfies_first

        return best_selfies_first(self.photo_paths(), self.report_for)

    def no_selfie_reason(self) -> str:
        from headshot_studio.core.gallery import no_selfie_reason

        deleted = self.session is not None and bool(self.session.manifest.get("photos_deleted"))
        return no_selfie_reason(photos_deleted=deleted, has_photos=bool(self.photo_paths()))

    def favourites(self) -> set[str]:
        return set(self.session.manifest.get("favourites", [])) if self.session is not None else set()

    def set_favourite(self, file: str, favourite: bool) -> None:
        from headshot_studio.core.session import set_favourite

        set_favourite(self.session, file, favourite)
        self.gallery_changed.emit()

    def delete_output(self, file: str) -> None:
        from headshot_studio.core.session import delete_output

        delete_output(self.session, file)
        self.gallery_changed.emit()

    # --- export ----------------------------------------------------------------------------
    @property
    def exporting(self) -> bool:
        return self.export_worker.state.busy

    def export(self, files: list[str], destination: Path, *, size: str, fmt: str, keep_metadata: bool,
               as_zip: bool) -> None:
        """Export ``files`` (gallery file names, best first) in the background through
        core.export.export_images; ``exported`` or ``export_failed`` says how it ended."""
        from headshot_studio.core.export import export_images

        session = self.session
        self.export_worker.start(lambda on_event, cancel: export_images(
            session, files, destination, size=size, fmt=fmt, keep_metadata=keep_metadata, as_zip=as_zip,
            cancel=cancel,
        ))

    # --- shutdown --------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop background work and wait for it (the window is closing)."""
        self.run_worker.cancel()
        self.import_worker.cancel()
        self.export_worker.cancel()
        self._drop_adds()
        self.add_worker.blockSignals(True)  # an add that ends now is not shown, nor its photos checked
        for worker in (self.run_worker, self.import_worker, self.setup_worker, self.export_worker, self.add_worker):
            worker.wait()
        self.analysis.wait()
        self.analysis.close()
        save_settings(self.settings)
