"""The vocabulary every long-running core function speaks: stages, progress events,
cancellation and typed errors.

Core functions that take time accept ``on_event`` (a callable taking a :class:`JobEvent`)
and a :class:`CancelToken`. They never print, never touch Qt and never swallow errors:
problems the user can act on are raised as :class:`HeadshotError` subclasses whose
``message`` is plain language and says what to do next; a user's cancel ends as
:class:`Cancelled`, which is not an error.
"""

from __future__ import annotations

import enum
import errno
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class Stage(str, enum.Enum):
    """Stages of a run, in the order a full run passes through them."""

    VERIFY = "verify"  # checking model files against their checksums
    IMPORT = "import"  # copying/converting a model the user chose
    CHECK = "check"  # photo quality checks
    PREPARE = "prepare"  # crops and captions -> training set
    LOAD = "load"  # loading model weights into memory
    TRAIN = "train"  # learning the face (LoRA)
    GENERATE = "generate"  # denoising the headshots
    POSTPROCESS = "postprocess"  # face detail, colour, upscale
    RANK = "rank"  # scoring and ordering the gallery


@dataclass(frozen=True)
class JobEvent:
    """One progress report. ``step`` counts from 1 to ``total`` within ``stage``.

    ``loss`` is set by training steps; ``eta_s`` is the estimated seconds left in the
    stage (None until there is enough history); ``preview`` is an optional small
    PIL image of the latest result. ``overall`` (0-1) and ``overall_eta_s`` describe
    the whole run; the pipeline fills them in.

    A message that reports no progress is a :class:`Notice`, not a JobEvent.
    """

    stage: Stage
    step: int
    total: int
    message: str = ""
    preview: Any = None
    loss: float | None = None
    eta_s: float | None = None
    overall: float | None = None
    overall_eta_s: float | None = None

    @property
    def fraction(self) -> float:
        return 0.0 if self.total <= 0 else min(1.0, self.step / self.total)


@dataclass(frozen=True)
class Notice:
    """A message worth showing during ``stage`` that reports no progress (a retry with
    lighter settings, say). Delivered through the same ``on_event`` as JobEvents."""

    stage: Stage
    message: str


EventCallback = Callable[[JobEvent | Notice], None]


def ignore_events(event: JobEvent | Notice) -> None:
    """Default ``on_event`` for callers that do not want progress."""


class Cancelled(Exception):
    """The user asked to stop. Raised by :meth:`CancelToken.raise_if_cancelled`.

    A cancelled run is not a failure: whatever was finished is kept on disk.
    """


class CancelToken:
    """Thread-safe flag a UI or signal handler sets and a worker polls."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()


class EtaClock:
    """Estimates seconds left from the pace of the steps seen so far.

    The first step is excluded from the pace because it carries one-off costs
    (kernel warm-up, lazy allocations) that would make early estimates far too long.
    """

    def __init__(self, total: int) -> None:
        self.total = total
        self._first_step: int | None = None
        self._first_time = 0.0

    def tick(self, step: int) -> float | None:
        """Record that ``step`` (1-based) just finished; return seconds left or None."""
        now = time.perf_counter()
        if self._first_step is None:
            self._first_step, self._first_time = step, now
            return None
        done = step - self._first_step
        if done <= 0:
            return None
        per_step = (now - self._first_time) / done
        return max(0.0, per_step * (self.total - step))


# --- typed errors ---------------------------------------------------------------------


class ErrorKind(str, enum.Enum):
    """What kind of error reached the user: the UI and the CLI decide from this, never
    from the wording. A str enum, so it travels through Qt signals as text."""

    ERROR = "error"
    BAD_INPUT = "bad_input"
    MODEL_MISSING = "model_missing"
    MODEL_DAMAGED = "model_damaged"
    UNSAFE_MODEL = "unsafe_model"
    UNSUPPORTED_MODEL = "unsupported_model"
    NO_GPU = "no_gpu"
    NOT_ENOUGH_VRAM = "not_enough_vram"
    NOT_ENOUGH_MEMORY = "not_enough_memory"
    GPU_OUT_OF_MEMORY = "gpu_out_of_memory"
    DISK_FULL = "disk_full"
    BAD_PHOTO = "bad_photo"
    SESSION = "session"
    SESSION_BUSY = "session_busy"
    EXPORT = "export"
    OUT_OF_MEMORY = "out_of_memory"  # the computer's memory, outside a planned run
    INTERNAL = "internal"  # a bug: the user is asked to send the details

    def __str__(self) -> str:
        return self.value


class HeadshotError(Exception):
    """An error the user can understand and act on.

    ``message`` is one or two plain sentences ending with what to do next;
    ``details`` holds technical context for the "copy details" button and the log.
    """

    kind = ErrorKind.ERROR

    def __init__(self, message: str, *, details: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InputError(HeadshotError):
    kind = ErrorKind.BAD_INPUT


class ModelNotFoundError(HeadshotError):
    kind = ErrorKind.MODEL_MISSING


class ModelDamagedError(HeadshotError):
    kind = ErrorKind.MODEL_DAMAGED


class UnsafeModelFormatError(HeadshotError):
    kind = ErrorKind.UNSAFE_MODEL


class UnsupportedModelError(HeadshotError):
    kind = ErrorKind.UNSUPPORTED_MODEL


class NoGpuError(HeadshotError):
    kind = ErrorKind.NO_GPU


class NotEnoughVramError(HeadshotError):
    kind = ErrorKind.NOT_ENOUGH_VRAM


class NotEnoughMemoryError(HeadshotError):
    """Too little of the computer's own memory for a run on the processor."""

    kind = ErrorKind.NOT_ENOUGH_MEMORY


class GpuOutOfMemoryError(NotEnoughVramError):
    """The graphics card ran out of memory during a run, even after one retry with
    lighter settings (see ``hardware.smaller_plan``)."""

    kind = ErrorKind.GPU_OUT_OF_MEMORY


GPU_OUT_OF_MEMORY_MESSAGE = (
    "Your graphics card ran out of memory even with the lightest settings. Close other programs "
    "that use the graphics card (games, browsers playing video), then try again; or choose a smaller model."
)


class DiskSpaceError(HeadshotError):
    """Not enough free disk space: found before a run (from an estimate) or during it
    (a write failed with "no space left")."""

    kind = ErrorKind.DISK_FULL


DISK_FULL_MESSAGE = (
    "The disk is full, so the run stopped. Everything finished so far is kept. Free up space "
    "(empty the recycle bin, delete sessions you no longer need or other large files), then start "
    "the run again: it continues where it stopped."
)
_DISK_FULL_ELSEWHERE = (  # outside a run: an export, an import, the settings
    "The disk is full. Free up space (empty the recycle bin, delete sessions you no longer need or "
    "other large files), then try again. Files saved before were not damaged."
)

# "No space left on device" (ENOSPC) and "disk quota exceeded" (EDQUOT; Windows' "disk
# full" arrives as ENOSPC too). Libraries that write from native code (safetensors)
# raise their own exception types, so their text is matched as well.
_DISK_FULL_ERRNOS = {errno.ENOSPC} | ({errno.EDQUOT} if hasattr(errno, "EDQUOT") else set())
_DISK_FULL_TEXTS = ("no space left on device", "disk quota exceeded", "not enough space on the disk", "os error 28)")


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` (or an exception it was raised from) says the disk is full."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in _DISK_FULL_ERRNOS:
            return True
        if any(text in str(exc).lower() for text in _DISK_FULL_TEXTS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def describe_error(exc: BaseException) -> tuple[ErrorKind, str, str]:
    """Turn any exception into ``(kind, user message, details)`` for display.

    Unexpected exceptions get a generic message; their traceback goes to details so
    nothing is lost, but the user never sees a traceback as the message.
    """
    if isinstance(exc, HeadshotError):
        details = exc.details or "".join(traceback.format_exception(exc))
        return exc.kind, exc.message, details
    if is_disk_full(exc):  # a full disk outside a run (export, import): the same plain words
        return DiskSpaceError.kind, _DISK_FULL_ELSEWHERE, "".join(traceback.format_exception(exc))
    if isinstance(exc, MemoryError):
        return (
            ErrorKind.OUT_OF_MEMORY,
            "The computer ran out of memory. Close other programs and try again.",
            "".join(traceback.format_exception(exc)),
        )
    return (
        ErrorKind.INTERNAL,
        "Something went wrong inside Headshot Studio. Your photos and finished images "
        "are kept. Copy the details and send them to support.",
        "".join(traceback.format_exception(exc)),
    )
