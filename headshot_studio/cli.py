"""The one entry point: the app window by default, subcommands for headless work.

    headshot-studio                      open the app
    headshot-studio run --photos DIR [--styles ...] [--count N] [--out DIR]
    headshot-studio run --resume [--session ID] | --session ID (more headshots)
    headshot-studio sessions | wipe SESSION|--all | styles
    headshot-studio check PATH... [--json]
    headshot-studio models list | verify [ID...] | import PATH [--name NAME]
    headshot-studio selftest
    headshot-studio studio add|list|run|export|pair|join|worker …   (studio/commands.py)

Exit codes: 0 done, 1 failed (the message says why and what to do), 2 usage error,
130 cancelled by the user (progress kept; ``--resume`` continues).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from pathlib import Path


log = logging.getLogger("headshot_studio")

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_CANCELLED = 0, 1, 2, 130


class UsageError(Exception):
    """Options that do not go together: exit code 2, like argparse's own errors."""


# --- progress display -------------------------------------------------------------------


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 else f"{seconds // 60}:{seconds % 60:02d}"


class ProgressPrinter:
    """Turns JobEvents into a one-line progress bar (terminal) or sparse lines (pipes, logs)."""

    WIDTH = 24

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.interactive = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last_stage = None
        self._last_decile = -1
        self._last_draw = 0.0

    def __call__(self, event) -> None:
        from headshot_studio.core.events import Notice

        if isinstance(event, Notice):  # a message without progress (a retry with lighter settings)
            if event.message:
                self.say(event.message)
            return
        if event.stage != self._last_stage:
            self.finish_line()
            self._last_stage, self._last_decile = event.stage, -1
        filled = int(self.WIDTH * event.fraction)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        extra = f" loss {event.loss:.4f}" if event.loss is not None else ""
        line = f"{event.stage.value:>9} [{bar}] {event.step}/{event.total}{extra} ETA {_clock(event.eta_s)}"
        if self.interactive:
            now = time.monotonic()
            if now - self._last_draw > 0.1 or event.step >= event.total:
                self.stream.write("\r" + line.ljust(78))
                self.stream.flush()
                self._last_draw = now
        else:
            decile = int(event.fraction * 10)
            if decile != self._last_decile:
                self._last_decile = decile
                self.stream.write(line + "\n")
                self.stream.flush()

    def finish_line(self) -> None:
        if self.interactive and self._last_stage is not None:
            self.stream.write("\n")
            self.stream.flush()

    def say(self, text: str) -> None:
        self.finish_line()
        self._last_stage = None
        self.stream.write(text + "\n")
        self.stream.flush()


class CancelOnInterrupt:
    """First Ctrl-C asks the job to stop cleanly; a second one quits at once."""

    def __init__(self, token, printer: ProgressPrinter) -> None:
        self.token, self.printer = token, printer
        self._previous = None

    def __enter__(self):
        self._previous = signal.getsignal(signal.SIGINT)
        signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame):
        if self.token.cancelled:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            raise KeyboardInterrupt
        self.token.cancel()
        self.printer.say("Stopping after the current step… (press Ctrl-C again to quit at once)")

    def __exit__(self, *exc):
        signal.signal(signal.SIGINT, self._previous or signal.default_int_handler)
        return False


# --- commands -----------------------------------------------------------------------------


def _extra_model_dirs() -> list[Path]:
    from headshot_studio.settings import load_settings

    return load_settings().extra_model_dirs()


def _percent(text: str) -> float:
    """A percentage from 0 to 100 (argparse type), as the fraction the options keep: the
    settings and the window say colour strength in percent too."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number from 0 to 100 (got {text!r})") from None
    if not 0.0 <= value <= 100.0:
        raise argparse.ArgumentTypeError(f"must be a number from 0 to 100 (got {text})")
    return value / 100.0


# CLI options -> RunOverrides: the run's own fields, then TrainingConfig and
# PostprocessOptions fields.
RUN_OPTIONS = ("styles", "count", "seed", "avoid", "steps", "model")
TRAINING_OPTIONS = {"train_steps": "steps", "rank": "rank", "learning_rate": "learning_rate",
                    "train_text_encoder": "train_text_encoder", "checkpoint_every": "checkpoint_every"}
POSTPROCESS_OPTIONS = ("upscale", "face_detail", "colour", "retouch", "colour_strength", "upscale_method")


def _overrides(args: argparse.Namespace, reuse_face: bool):
    """The options given on the command line (None: not given) as RunOverrides."""
    from headshot_studio.core.pipeline import RunOverrides

    return RunOverrides(
        **{name: getattr(args, name) for name in RUN_OPTIONS},
        training={field: getattr(args, option) for option, field in TRAINING_OPTIONS.items()
                  if getattr(args, option) is not None},
        postprocess={name: getattr(args, name) for name in POSTPROCESS_OPTIONS if getattr(args, name) is not None},
        allow_cpu=args.allow_cpu,
        reuse_face=reuse_face,
    )


def _pick_session(args: argparse.Namespace):
    """The session a run works on: new (--photos), named (--session), or the latest
    unfinished one (--resume alone)."""
    from headshot_studio.core.events import InputError
    from headshot_studio.core.images import list_photos
    from headshot_studio.core.session import create_session, list_sessions, open_session

    if args.photos and args.session:
        raise UsageError("Give either --photos (a new session) or --session (an existing one), not both.")
    if args.photos:
        if args.resume:
            raise UsageError("--resume continues an existing session: use it with --session, or alone.")
        photos = list_photos([Path(args.photos)])
        name = args.name or Path(args.photos).resolve().name
        return create_session(name, photos, copy_photos=not args.reference_photos), False
    if args.session:
        return open_session(args.session), not args.resume
    if args.resume:
        unfinished = [s for s in list_sessions() if s.state != "finished"]
        if not unfinished:
            raise InputError("There is no unfinished session to continue. Start one with --photos.")
        return unfinished[0], False
    raise UsageError("Say which photos to use (--photos DIR), or which session to continue (--session ID).")


def cmd_run(args: argparse.Namespace) -> int:
    from headshot_studio.core.events import CancelToken, Cancelled, DiskSpaceError, NotEnoughVramError
    from headshot_studio.core.export import export_ranked
    from headshot_studio.core.pipeline import run_session
    from headshot_studio.core.session import session_lock, wipe_session

    printer = ProgressPrinter()
    if args.avoid is not None:  # refused before a new session is made of the photos
        from headshot_studio.core.styles import check_avoid_text

        check_avoid_text(args.avoid)
    session, reuse_face = _pick_session(args)
    started = False
    try:
        with session_lock(session):  # held from the start: no wipe or other run in between
            request = _run_request(args, session, reuse_face, printer)
            token = CancelToken()
            started = True
            try:
                with CancelOnInterrupt(token, printer):
                    result = run_session(session, request, on_event=printer, cancel=token)
            except (Cancelled, DiskSpaceError, NotEnoughVramError):  # the user can act, then go on from here
                printer.say(f"Continue later with: headshot-studio run --resume --session {session.id}")
                raise
    except BaseException:
        if args.photos and not started:
            # Refused before any work (a wrong option, a model or an --out that will not do):
            # the session just made, with its copies of the photos, goes again.
            wipe_session(session)
        raise
    printer.say(
        f"Done in {_clock(result.seconds)}: {len(result.gallery)} headshots, best first, in {session.final_dir}"
        + ("" if result.trained else " (the face learned earlier was reused)")
    )
    if args.out:
        exported = export_ranked(session, Path(args.out))
        printer.say(exported.describe())
    return EXIT_OK


def _run_request(args: argparse.Namespace, session, reuse_face: bool, printer: ProgressPrinter):
    """The run asked for (core.pipeline.build_request: options, else what the session
    recorded, else the settings), said before it starts; with --out, the destination is
    checked now, before any work, rather than after an hour."""
    from headshot_studio.core.export import check_export_folder
    from headshot_studio.core.files import printable
    from headshot_studio.core.hardware import detect_device
    from headshot_studio.core.pipeline import build_request, check_run, estimate_finished_bytes
    from headshot_studio.settings import load_settings

    device = detect_device()
    request = build_request(session, load_settings(), _overrides(args, reuse_face), device=device)
    printer.say(f"Session: {printable(session.name)} ({session.id})")
    printer.say(f"Model: {printable(request.model.name)} ({request.model.architecture_name})")
    printer.say(f"Device: {device.describe()}")
    printer.say(f"Plan: {request.plan.describe()}")
    log.info("run: session=%s model=%s device=%s plan=%s", session.log_id, request.model.id, device.describe(),
             request.plan.describe())
    if args.out:
        check_export_folder(Path(args.out), estimate_finished_bytes(request, check_run(session, request)))
    return request


def cmd_sessions(args: argparse.Namespace) -> int:
    from headshot_studio.core.files import printable
    from headshot_studio.core.session import scan_sessions

    sessions, damaged = scan_sessions()
    if not sessions and not damaged:
        print("No sessions yet. Start one with: headshot-studio run --photos DIR")
    for session in sessions:
        images = len(session.headshots())
        print(f"{session.id}\t{printable(session.name)}\t{session.state}\t{len(session.manifest['photos'])} photos\t"
              f"{images} headshots\t{session.manifest.get('updated_at', '')}")
    for entry in damaged:
        print(f"{printable(entry.id)}\tDAMAGED\t{printable(entry.message)}")
    return EXIT_OK


def cmd_wipe(args: argparse.Namespace) -> int:
    from headshot_studio.core.session import wipe_all, wipe_session

    if bool(args.all) == bool(args.session):
        print("Error: name one session to wipe, or --all.", file=sys.stderr)
        return EXIT_USAGE
    if args.all and sys.stdin.isatty() and not args.yes:
        answer = input("Delete every session: all photos copied into the app, learned faces and headshots? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was deleted.")
            return EXIT_OK
    report = wipe_all() if args.all else wipe_session(args.session)
    print(report.describe())
    return EXIT_OK


def cmd_models(args: argparse.Namespace) -> int:
    from headshot_studio.core import models
    from headshot_studio.core.files import printable

    extra = _extra_model_dirs()
    printer = ProgressPrinter()
    if args.models_command == "list":
        found, damaged = models.scan_models(extra)
        if not found and not damaged:
            printer.say("No models installed. Import one with: headshot-studio models import PATH")
        for info in found:
            checked = "checksums recorded" if info.has_checksums else "no checksums"
            print(f"{info.id}\t{info.architecture_name}\t{info.source}\t{checked}\t{info.licence}\t{info.path}")
        for entry in damaged:  # listed, never hidden: "no models" would send the user the wrong way
            print(f"{printable(entry.name)}\tDAMAGED\t{entry.source}\t{printable(entry.message)}\t{printable(str(entry.path))}")
        return EXIT_OK
    if args.models_command == "verify":
        targets = [models.resolve_model(i, extra) for i in args.ids] if args.ids else models.find_models(extra)
        if not targets:
            printer.say("No models installed to verify.")
        failed = 0
        for info in targets:
            try:
                models.verify_model(info, on_event=printer)
                note = "" if info.has_checksums else " (structure only: no checksums recorded)"
                printer.say(f"OK      {info.id}{note}")
            except (models.ModelDamagedError, models.UnsupportedModelError) as exc:
                failed += 1
                printer.say(f"DAMAGED {info.id}: {exc.message}")
        return EXIT_FAILED if failed else EXIT_OK
    if args.models_command == "import":
        from headshot_studio.core.events import CancelToken, Cancelled

        token = CancelToken()
        try:
            with CancelOnInterrupt(token, printer):
                info = models.import_model(Path(args.path), name=args.name, on_event=printer, cancel=token)
        except Cancelled:
            printer.say("\nImport cancelled: nothing was added.")
            return EXIT_CANCELLED
        printer.say(f"Imported “{printable(info.name)}” as {info.id} ({info.architecture_name}); "
                    f"licence: {info.licence}")
        return EXIT_OK
    raise AssertionError(args.models_command)


def cmd_check(args: argparse.Namespace) -> int:
    """The photo report is the result: exit 0 even when photos are rejected."""
    import json

    from headshot_studio.core.events import InputError, ModelNotFoundError
    from headshot_studio.core.faces import load_face_analyzer
    from headshot_studio.core.images import display_name, scan_photos
    from headshot_studio.core.files import printable
    from headshot_studio.core.models import default_model, model_roots, resolve_model
    from headshot_studio.core.quality import THRESHOLDS, check_photos, default_cache, thresholds_for
    from headshot_studio.settings import load_settings

    try:
        scan = scan_photos([Path(p) for p in args.paths])
    except InputError as exc:
        print(f"Error: {printable(exc.message)}", file=sys.stderr)
        return EXIT_USAGE
    # Face sizes are judged for the model the photos will train (SDXL needs larger faces
    # than SD1.5): --model, else the default one; with no model installed, for SD1.5.
    extra = _extra_model_dirs()
    try:
        model = resolve_model(args.model, extra) if args.model else default_model(extra, load_settings().default_model)
        thresholds = thresholds_for(model.native_resolution())
        judged_for = f"Face sizes judged for {printable(model.name)} ({thresholds.training_resolution}-pixel training)."
    except ModelNotFoundError:
        if args.model:
            raise
        thresholds = THRESHOLDS
        judged_for = (f"Face sizes judged for SD1.5-class models ({thresholds.training_resolution}-pixel "
                      "training); no model is installed yet.")
    analyzer = load_face_analyzer(root for root, _ in model_roots(extra))
    printer = None if args.json else ProgressPrinter()
    # Every candidate gets a verdict, those that cannot even be opened included (a link
    # that leads nowhere, a pipe): check_photos says why without opening them.
    result = check_photos(scan.files, analyzer, default_cache(), on_event=printer, thresholds=thresholds)
    if args.json:
        report = {"photos": [r.to_dict() for r in result.photos], "set": result.to_dict(),
                  "not_checked": [str(p) for p in scan.not_checked]}
        print(json.dumps(report, indent=2))
        return EXIT_OK
    printer.finish_line()
    print(judged_for)
    labels = {"ok": "OK    ", "warn": "WARN  ", "reject": "REJECT"}
    for report in result.photos:
        print(f"{labels[report.verdict.value]} {display_name(report.file)}: {report.message}")
        for message in dict.fromkeys(issue.message for issue in report.issues):  # in order, once each
            if message != report.message:  # that one is on the line above (the worst issue's)
                print(f"{'':7} also: {message}")
    if scan.not_checked:
        # One line, not one per file: a folder of 10,000 files holding a few photos is normal.
        count, folders = len(scan.not_checked), len({p.parent for p in scan.not_checked})
        print(f"\nNot checked: {count:,} other {'entry' if count == 1 else 'entries'} in the "
              f"{'folder' if folders == 1 else 'folders'} (not photos by their names, hidden files, or folders inside).")
    print(f"\n{result.message}")
    for issue in result.issues:
        if issue.message not in result.message:
            print(f"  - {issue.message}")
    print(f"Face analysis: {analyzer.name} ({analyzer.licence})")
    return EXIT_OK


def cmd_styles(args: argparse.Namespace) -> int:
    from headshot_studio.core.styles import load_styles

    from headshot_studio.core.files import printable

    styles, errors = load_styles()
    for style in styles.values():
        print(f"{style.id}\t{printable(style.name)}\t{style.source}\t{printable(style.description)}")
    for error in errors:
        print(f"Error: {printable(error.message)}", file=sys.stderr)
    return EXIT_OK


def cmd_selftest(args: argparse.Namespace) -> int:
    from headshot_studio.testing.selftest import run_selftest

    return EXIT_OK if run_selftest(print) else EXIT_FAILED


def cmd_gui(args: argparse.Namespace) -> int:
    if sys.platform.startswith("linux") and not any(
        os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    ):  # Qt would abort with a message about reinstalling
        print("Error: there is no screen to show the window on (no desktop session). Start Headshot Studio from "
              "your desktop, or use the command line: headshot-studio --help", file=sys.stderr)
        return EXIT_FAILED
    from headshot_studio.ui.app import run_app

    return run_app()


# --- argument parsing ---------------------------------------------------------------------


class _VersionAction(argparse.Action):
    """--version: app, torch and CUDA versions, the models and every licence (see about.py)."""

    def __init__(self, option_strings, dest, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        from headshot_studio.about import version_report
        from headshot_studio.logs import quiet_model_libraries

        quiet_model_libraries()
        print(version_report(_extra_model_dirs()))
        parser.exit()


def _add_finishing_options(group) -> None:
    """The run's finishing options (PostprocessOptions fields: see POSTPROCESS_OPTIONS)."""
    from headshot_studio.core.limits import DEFAULT_RETOUCH, DEFAULT_UPSCALE, RETOUCH_LEVELS, UPSCALE_FACTORS, UPSCALE_METHODS

    group.add_argument("--upscale", type=int, choices=[f for f in UPSCALE_FACTORS if f > 1],
                        help=f"upscale factor (default {DEFAULT_UPSCALE}, or the quality preset's)")
    group.add_argument("--no-upscale", dest="upscale", action="store_const", const=1, help="keep the generated size")
    group.add_argument("--no-face-detail", dest="face_detail", action="store_const", const=False, help="skip the face detail pass")
    group.add_argument("--no-colour", dest="colour", action="store_const", const=False, help="skip the colour correction")
    group.add_argument("--retouch", choices=RETOUCH_LEVELS,
                        help="how much the face is re-drawn, the skin smoothed (polished only) and detail added "
                             f"when enlarging (default {DEFAULT_RETOUCH}, or the settings')")
    group.add_argument("--colour-strength", type=_percent, metavar="PERCENT",
                        help="how far the colour moves toward each style's light, 0-100 (default 100, or the settings')")
    group.add_argument("--upscale-method", choices=UPSCALE_METHODS,
                        help="auto: a diffusion pass on a graphics card, Real-ESRGAN on the processor")


def build_parser() -> argparse.ArgumentParser:
    from headshot_studio.core.limits import MAX_TRAIN_STEPS, TRAIN_STEPS_PER_PHOTO

    parser = argparse.ArgumentParser(
        prog="headshot-studio", description="Professional headshots from your selfies, made on this PC."
    )
    parser.add_argument("--version", action=_VersionAction, help="show versions, models and licences, and exit")
    parser.add_argument("--verbose", action="store_true", help="log more detail")
    sub = parser.add_subparsers(dest="command")

    run = sub.add_parser("run", help="from selfies to a ranked gallery of headshots, without the window")
    source = run.add_argument_group("photos and session")
    source.add_argument("--photos", metavar="DIR", help="folder of selfies: starts a new session")
    source.add_argument("--name", help="name of the new session (default: the folder's name)")
    source.add_argument("--reference-photos", action="store_true", help="refer to the photos where they are instead of copying them")
    source.add_argument("--session", metavar="ID", help="an existing session: make more headshots with its learned face")
    source.add_argument("--resume", action="store_true", help="continue a session where it stopped (--session, or the latest)")
    source.add_argument("--out", metavar="DIR", help="also copy the finished headshots there, best first")
    images = run.add_argument_group("headshots")
    images.add_argument("--styles", type=lambda text: tuple(s.strip() for s in text.split(",") if s.strip()),
                        help="comma-separated style ids (see `headshot-studio styles`)")
    images.add_argument("--count", type=int, metavar="N", help="headshots per style (default from settings)")
    images.add_argument("--seed", type=int, help="first seed; image i of a style uses seed+i (default 0; for more headshots, the first unused one)")
    images.add_argument("--avoid", help='what to avoid, e.g. "no glasses, no tie"')
    images.add_argument("--steps", type=int, help="denoising steps per image (default: the style's)")
    images.add_argument("--model", metavar="ID|PATH", help="model id (see `models list`) or a diffusers folder")
    _add_finishing_options(run.add_argument_group("finishing"))
    training = run.add_argument_group("learning the face")
    training.add_argument("--train-steps", type=int, metavar="N",
                          help=f"training steps (default: {TRAIN_STEPS_PER_PHOTO} per photo, at most {MAX_TRAIN_STEPS})")
    training.add_argument("--rank", type=int, help="LoRA rank (default 16)")
    training.add_argument("--learning-rate", type=float, help="LoRA learning rate (default 1e-4)")
    training.add_argument("--train-text-encoder", action="store_true", default=None, help="also train the text encoder(s)")
    training.add_argument("--checkpoint-every", type=int, metavar="N", help="save training progress every N steps")
    training.add_argument("--allow-cpu", action="store_true", help="experts: run a full-size model without a GPU (hours)")
    run.set_defaults(handler=cmd_run)

    sessions = sub.add_parser("sessions", help="list sessions")
    sessions.set_defaults(handler=cmd_sessions)
    wipe = sub.add_parser("wipe", help="delete a session (photos, learned face, headshots) or all of them")
    wipe.add_argument("session", nargs="?", metavar="SESSION")
    wipe.add_argument("--all", action="store_true", help="every session and every cached photo analysis")
    wipe.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    wipe.set_defaults(handler=cmd_wipe)

    styles = sub.add_parser("styles", help="list the style templates")
    styles.set_defaults(handler=cmd_styles)

    models = sub.add_parser("models", help="list, verify or import base models")
    models_sub = models.add_subparsers(dest="models_command", required=True)
    models_sub.add_parser("list", help="installed models")
    verify = models_sub.add_parser("verify", help="check model files against their checksums")
    verify.add_argument("ids", nargs="*", metavar="ID", help="models to check (default: all)")
    imp = models_sub.add_parser("import", help="import a .safetensors checkpoint or a diffusers folder")
    imp.add_argument("path", metavar="PATH")
    imp.add_argument("--name", help="display name for the model")
    models.set_defaults(handler=cmd_models)

    check = sub.add_parser("check", help="check selfies: a verdict and a fix for every photo, and for the set")
    check.add_argument("paths", nargs="+", metavar="PATH", help="photos or folders of photos")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.add_argument("--model", metavar="ID|PATH",
                       help="judge face sizes for this model's training size (default: the default model)")
    check.set_defaults(handler=cmd_check)

    selftest = sub.add_parser("selftest", help="check this installation with a tiny built-in model")
    selftest.set_defaults(handler=cmd_selftest)
    from headshot_studio.studio.commands import add_parser as add_studio_parser

    add_studio_parser(sub)
    parser.set_defaults(handler=cmd_gui)
    return parser


def main(argv: list[str] | None = None) -> int:
    from headshot_studio.core import files

    # A file name no console can show (Chinese on a Western Windows console, a Latin-1
    # name on Linux) is printed as an escape rather than ending the command.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    # Everything the app writes (sessions, photos, the learned face, logs, caches) is
    # readable by this user only; exports to the user's own folders get the permissions
    # new files normally get there (files.USER_UMASK).
    files.USER_UMASK = os.umask(0o077)
    # Every library's and GPU driver's cache goes to our cache folder: before any library
    # is imported (they read these variables on import), after the umask (ours alone).
    from headshot_studio import offline

    offline.contain_library_files()
    try:
        return _main(argv)
    finally:
        os.umask(files.USER_UMASK)  # main() called in-process (tests) leaves the process as it was


def _main(argv: list[str] | None) -> int:
    from headshot_studio.core.events import Cancelled, HeadshotError, describe_error
    from headshot_studio.core.files import printable
    from headshot_studio.logs import setup_logging

    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(verbose=args.verbose)
    try:
        return args.handler(args)
    except UsageError as exc:
        print(f"Error: {printable(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except Cancelled:
        print("\nCancelled. Everything finished so far is kept.", file=sys.stderr)
        return EXIT_CANCELLED
    except HeadshotError as exc:
        kind, message, details = describe_error(exc)
        # The kind and the plain message, not the details: those name the files and folders
        # involved (a photo "Alex Morgan 2.jpg"), which the log must not (logs.py).
        log.error("%s (%s): %s", kind, type(exc).__name__, message)
        # printable(): messages quote file names, which may carry terminal control codes
        print(f"\nError: {printable(message)}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("\nStopped.", file=sys.stderr)
        return EXIT_CANCELLED
    except Exception as exc:  # the user gets a plain message; the log gets the traceback
        kind, message, details = describe_error(exc)
        log.error("%s: %s\n%s", kind, message, details)
        from headshot_studio import paths

        print(f"\nError: {message}\nDetails are in the log: {paths.log_file()}", file=sys.stderr)
        return EXIT_FAILED
