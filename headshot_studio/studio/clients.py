"""Adding a client to the studio queue: their photos become a session, are checked at
once (the operator sees the verdicts before the client leaves the booth), and the client
joins the queue — as waiting when the set is usable, else as failed with the reason, so
the operator can take more photos and try again (``retry``)."""

from __future__ import annotations

from pathlib import Path

from headshot_studio.core.events import CancelToken, EventCallback, ignore_events
from headshot_studio.core.files import printable
from headshot_studio.core.limits import MAX_PER_STYLE
from headshot_studio.studio.queue import Client, QueueError, StudioQueue, new_client_id

DEFAULT_STYLE = "corporate-executive"


def parse_styles(text: str) -> dict[str, int]:
    """``"corporate-executive:4,legal:2"`` (a style without a count gets the settings'
    images per style) -> {style id: count}, every style known."""
    from headshot_studio.core.styles import load_styles
    from headshot_studio.settings import load_settings

    known, _ = load_styles()
    default = load_settings().images_per_style
    styles: dict[str, int] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        style_id, _, count = part.partition(":")
        style_id = style_id.strip()
        if style_id not in known:
            raise QueueError(f"There is no style “{printable(style_id)}”. See them with `headshot-studio styles`.")
        try:
            number = int(count) if count.strip() else default
        except ValueError:
            raise QueueError(f"“{printable(count)}” is not a number of headshots for {style_id}.") from None
        if not 1 <= number <= MAX_PER_STYLE:
            raise QueueError(f"Ask for 1 to {MAX_PER_STYLE} headshots of a style (not {number}).")
        styles[style_id] = number
    if not styles:
        raise QueueError("Choose at least one style.")
    return styles


def default_styles() -> dict[str, int]:
    from headshot_studio.settings import load_settings

    return {DEFAULT_STYLE: load_settings().images_per_style}


def check_set(photos: list[Path], analyzer=None, on_event: EventCallback = ignore_events,
              cancel: CancelToken | None = None):
    """The photo check core runs before training, judged for the queue PC's default model."""
    from headshot_studio.core.events import ModelNotFoundError
    from headshot_studio.core.faces import load_face_analyzer
    from headshot_studio.core.models import default_model, model_roots
    from headshot_studio.core.quality import THRESHOLDS, check_photos, default_cache, thresholds_for
    from headshot_studio.settings import load_settings

    settings = load_settings()
    try:
        thresholds = thresholds_for(default_model(settings.extra_model_dirs(), settings.default_model)
                                    .native_resolution())
    except ModelNotFoundError:
        thresholds = THRESHOLDS
    analyzer = analyzer or load_face_analyzer(root for root, _ in model_roots(settings.extra_model_dirs()))
    return check_photos(photos, analyzer, default_cache(), on_event=on_event, cancel=cancel, thresholds=thresholds)


def add_client(queue: StudioQueue, name: str, photos: list[Path], styles: dict[str, int] | None = None, *,
               analyzer=None, on_event: EventCallback = ignore_events, cancel: CancelToken | None = None):
    """Add a client with ``photos`` (files; folders are looked into); returns the client
    and the photo check's report."""
    from headshot_studio.core.images import list_photos
    from headshot_studio.core.session import create_session, wipe_session

    files = list_photos([Path(p) for p in photos])
    session = create_session(name, files)
    try:
        report = check_set(session.photo_paths(), analyzer, on_event, cancel)
        chosen = dict(styles or default_styles())
        session.manifest["draft"] = {"styles": chosen, "avoid": ""}
        session.save()
        client = Client(id=new_client_id(), name=session.name, session_id=session.id, styles=chosen,
                        photos=len(files), usable=len(report.usable), photo_message=report.message)
        if not report.ready:
            client.state, client.reason = "failed", report.message
        queue.add(client)
    except BaseException:
        wipe_session(session)  # nothing half-added is left behind
        raise
    return client, report


def retry_client(queue: StudioQueue, client_id: str, photos: list[Path] = (), *, analyzer=None,
                 on_event: EventCallback = ignore_events, cancel: CancelToken | None = None):
    """Put a failed client back in the queue, with ``photos`` added to theirs (folders are
    looked into). Its photos are checked again first: a set that is still not usable
    leaves the client failed, with the new verdict. Returns the client and the report."""
    from headshot_studio.core.images import list_photos
    from headshot_studio.core.session import add_photos, open_session

    client = queue.read().client(client_id)
    if client.state != "failed":
        raise QueueError(f"“{printable(client.name)}” has not failed; nothing to try again.")
    session = open_session(client.session_id)
    if photos:
        add_photos(session, list_photos([Path(p) for p in photos]))
    report = check_set(session.photo_paths(), analyzer, on_event, cancel)
    with queue.edit() as data:
        entry = data.client(client.id)
        entry.photos, entry.usable, entry.photo_message = len(report.photos), len(report.usable), report.message
        if not report.ready:
            entry.reason = report.message
    if report.ready:
        queue.retry(client.id)
    return queue.read().client(client.id), report


def wipe_client(queue: StudioQueue, client_id: str) -> list[str]:
    """Delete a client's photos, learned face and images on this PC (the same wipe and
    report as a session's); the report's lines, then one per worker PC with what it
    removed of the client when its results came back."""
    from headshot_studio.core.files import human_size
    from headshot_studio.core.session import SessionBusyError, SessionError, wipe_session

    client = queue.read().client(client_id)
    if queue.is_running(client):
        raise QueueError(f"“{printable(client.name)}” is being worked on right now: pause the queue and wait for "
                         "the client to finish first.")
    try:
        lines = [wipe_session(client.session_id).describe()]
    except SessionBusyError:
        raise QueueError(f"The photos and images of “{printable(client.name)}” are in use by another window or "
                         "command right now; nothing was deleted. Close that, then wipe again.") from None
    except SessionError:
        lines = ["Its photos and images were deleted already."]
    for report in client.removed_on_workers:
        lines.append(f"Worker {printable(str(report.get('worker')))} removed {report.get('files', 0)} files "
                     f"({human_size(report.get('bytes', 0))}) of this client.")
    with queue.edit() as data:
        entry = data.client(client.id)
        entry.state, entry.wipe_report = "wiped", lines[0]
    return lines
