"""Style templates: one small TOML file per look, turned into a prompt for the generator.

Built-in styles ship in ``resources/styles``; users add or override styles by putting
files of the same shape in their own styles folder (the file name, without ``.toml``,
is the style's id, so ``corporate-executive.toml`` in the user folder replaces the
built-in one of that name). A file looks like this::

    name = "Corporate executive"
    description = "One plain sentence for the style card."
    swatch = "#3c4a5e"
    [prompt]
    subject = "professional headshot photo of {subject}"
    attire = "..."
    background = "..."
    lighting = "..."
    composition = "..."
    negative = "..."
    [settings]
    guidance = 6.5
    steps = 30
    width = 0         # 0 = the model's own size
    height = 0
    sampler = "dpmpp_2m_karras"

Every field is checked when a file is read, and a bad one is refused with a message
that names the file and the field and quotes the bad value: people edit these files by
hand, and a misspelt key or a value out of range should be reported, never silently
replaced by a default (a misspelt ``atire`` would otherwise drop the attire from every
prompt without a word).
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from headshot_studio import paths
from headshot_studio.core.events import InputError
from headshot_studio.core.files import write_atomic
from headshot_studio.core.generation import SCHEDULERS

SUBJECT_PLACEHOLDER = "{subject}"
SAMPLERS = tuple(SCHEDULERS)  # the generator's choices, so the two lists never drift apart
DEFAULT_SWATCH = "#808080"  # neutral grey card for styles that do not pick a colour
DEFAULT_GUIDANCE = 6.5
DEFAULT_STEPS = 30
DEFAULT_SAMPLER = "dpmpp_2m_karras"

GUIDANCE_RANGE = (1.0, 15.0)
STEPS_RANGE = (10, 80)
SIZE_RANGE = (256, 2048)  # pixels; sizes are multiples of 8 because the VAE downsamples 8x

# A style id is also a file name on every platform: lowercase letters, digits and
# hyphens only, not starting or ending with a hyphen.
_ID_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
MAX_ID_LENGTH = 64
# Windows refuses these as file names whatever the extension ("con.toml" is a device).
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)}
_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")

_TOP_KEYS = ("name", "description", "swatch", "prompt", "settings")
_PROMPT_KEYS = ("subject", "attire", "background", "lighting", "composition", "negative")
_SETTINGS_KEYS = ("guidance", "steps", "width", "height", "sampler")

FILE_ADVICE = "Fix the file or delete it."


@dataclass(frozen=True)
class Style:
    """One look: the words that describe it and the generator settings that suit it."""

    id: str  # the file name without .toml
    name: str  # shown on the style card
    description: str
    swatch: str  # "#rrggbb", the card's preview colour
    subject: str  # contains "{subject}", replaced by the identity phrase ("ohwx person")
    attire: str
    background: str
    lighting: str
    composition: str  # lens, framing, depth of field
    negative: str  # the style's own negative prompt
    guidance: float
    steps: int
    width: int  # pixels; 0 = the model's own size
    height: int
    sampler: str  # a key of generation.SCHEDULERS
    source: str  # "builtin" or "user"
    path: Path  # the file it was read from (or will be saved to)


class StyleError(InputError):
    """A style file (or a style being saved) that cannot be used.

    ``path`` is the file concerned (None when no file is involved) and ``field`` the
    dotted name of the bad field ("settings.steps"), or "" when the problem is the
    whole file (unreadable, not TOML).
    """

    def __init__(self, message: str, *, details: str = "", path: Path | None = None, field: str = "") -> None:
        super().__init__(message, details=details)
        self.path = path
        self.field = field


class _FieldProblem(Exception):
    """Internal: what is wrong with one field, before we know who to tell and how."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field} {problem}")
        self.field = field
        self.problem = problem


# --- folders ---------------------------------------------------------------------------


def builtin_styles_dir() -> Path:
    return paths.resources_dir() / "styles"


def user_styles_dir() -> Path:
    return paths.data_dir() / "styles"


# --- reading ---------------------------------------------------------------------------


def load_style(path: Path, source: str = "user") -> Style:
    """Read and check one style file; any problem raises :class:`StyleError`."""
    path = Path(path)
    label = f"“{path.name}”"

    def fail(field: str, problem: str, details: str = "") -> StyleError:
        return StyleError(
            f"{label}: {field} {problem}. {FILE_ADVICE}",
            details=details or f"{path}: {field} {problem}",
            path=path,
            field=field,
        )

    if source not in ("builtin", "user"):
        raise ValueError(f"source must be 'builtin' or 'user', not {source!r}")
    style_id = path.stem
    if path.suffix != ".toml" or not _valid_id(style_id):
        raise StyleError(
            f"{label}: the file name must be made of lowercase letters, digits and hyphens, "
            f"ending in .toml (for example “my-style.toml”), because it becomes the style's "
            f"id. Rename the file or delete it.",
            details=f"{path}: invalid style id {style_id!r}",
            path=path,
        )
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StyleError(
            f"{label} is not a UTF-8 text file. Save it as UTF-8 text, or delete it.",
            details=f"{path}: {exc}",
            path=path,
        ) from exc
    except OSError as exc:
        raise StyleError(
            f"{label} could not be read ({exc.strerror or exc}). Check that the file exists "
            f"and that you may read it.",
            details=f"{path}: {exc!r}",
            path=path,
        ) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StyleError(
            f"{label} is not valid TOML: {exc}. {FILE_ADVICE}",
            details=f"{path}: {exc}",
            path=path,
        ) from exc
    try:
        return _style_from_data(data, style_id=style_id, source=source, path=path)
    except _FieldProblem as problem:
        raise fail(problem.field, problem.problem) from None


def load_styles(include_user: bool = True) -> tuple[dict[str, Style], list[StyleError]]:
    """All styles by id: the built-in ones, then the user's (which override by id).

    A broken user file is skipped and its error returned, so one bad file never hides
    the other styles; the caller shows the errors. A broken built-in file raises: it
    ships with the app, so it is a bug, not something the user can fix.
    """
    styles: dict[str, Style] = {}
    for file in _style_files(builtin_styles_dir()):
        style = load_style(file, source="builtin")
        styles[style.id] = style
    errors: list[StyleError] = []
    if include_user:
        for file in _style_files(user_styles_dir()):
            try:
                style = load_style(file, source="user")
            except StyleError as exc:
                errors.append(exc)
                continue
            styles[style.id] = style
    return styles, errors


def get_style(style_id: str) -> Style:
    """The style with this id (a user's own file wins over a built-in one)."""
    styles, errors = load_styles()
    for error in errors:
        # The user meant to use (or override) this style, so their file's problem is the
        # answer, not the built-in look or "unknown style".
        if error.path is not None and error.path.stem == style_id:
            raise error
    if style_id not in styles:
        available = ", ".join(sorted(styles)) or "none"
        raise StyleError(
            f"There is no style called “{style_id}”. Choose one of: {available}.",
            details=f"style id {style_id!r} not in {builtin_styles_dir()} or {user_styles_dir()}",
        )
    return styles[style_id]


def _style_files(folder: Path) -> list[Path]:
    """The style files in a folder, by name; hidden and temporary files are skipped."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.toml") if p.is_file() and not p.name.startswith("."))


def _valid_id(style_id: str) -> bool:
    return (
        len(style_id) <= MAX_ID_LENGTH
        and _ID_PATTERN.fullmatch(style_id) is not None
        and style_id not in _WINDOWS_RESERVED
    )


def _style_from_data(data: dict[str, Any], *, style_id: str, source: str, path: Path) -> Style:
    """Check parsed TOML and build the Style; the first problem raises _FieldProblem."""
    _check_known_keys(data, _TOP_KEYS, "")
    prompt = data.get("prompt")
    if prompt is None:
        raise _FieldProblem(
            "prompt", "section is missing (add a [prompt] section with subject, attire, background, lighting and composition)"
        )
    if not isinstance(prompt, dict):
        raise _FieldProblem("prompt", f"must be a [prompt] section (it is {_show(prompt)})")
    settings = data.get("settings", {})
    if not isinstance(settings, dict):
        raise _FieldProblem("settings", f"must be a [settings] section (it is {_show(settings)})")
    _check_known_keys(prompt, _PROMPT_KEYS, "prompt.")
    _check_known_keys(settings, _SETTINGS_KEYS, "settings.")

    name = _text(data, "name", "name", required=True)
    if not name.strip():
        raise _FieldProblem("name", "must not be empty")
    swatch = _text(data, "swatch", "swatch", default=DEFAULT_SWATCH)
    if not _HEX_COLOUR.fullmatch(swatch):
        raise _FieldProblem("swatch", f'must be a colour written like "#3c4a5e" (it is {_show(swatch)})')
    subject = _text(prompt, "subject", "prompt.subject", required=True)
    if SUBJECT_PLACEHOLDER not in subject:
        raise _FieldProblem(
            "prompt.subject",
            f"must contain {SUBJECT_PLACEHOLDER}, which is replaced by the words for the person "
            f"(it is {_show(subject)})",
        )

    guidance = settings.get("guidance", DEFAULT_GUIDANCE)
    low, high = GUIDANCE_RANGE
    if not _is_number(guidance) or not low <= guidance <= high:
        raise _FieldProblem("settings.guidance", f"must be a number from {low:g} to {high:g} (it is {_show(guidance)})")
    steps = settings.get("steps", DEFAULT_STEPS)
    low, high = STEPS_RANGE
    if not _is_whole(steps) or not low <= steps <= high:
        raise _FieldProblem("settings.steps", f"must be a whole number from {low} to {high} (it is {_show(steps)})")
    sizes = {}
    for key in ("width", "height"):
        value = settings.get(key, 0)
        low, high = SIZE_RANGE
        if not _is_whole(value) or (value != 0 and (value % 8 or not low <= value <= high)):
            raise _FieldProblem(
                f"settings.{key}",
                f"must be 0 (the model's own size) or a multiple of 8 from {low} to {high} (it is {_show(value)})",
            )
        sizes[key] = value
    sampler = settings.get("sampler", DEFAULT_SAMPLER)
    if not isinstance(sampler, str) or sampler not in SAMPLERS:
        raise _FieldProblem("settings.sampler", f"must be one of {', '.join(SAMPLERS)} (it is {_show(sampler)})")

    return Style(
        id=style_id,
        name=name,
        description=_text(data, "description", "description", default=""),
        swatch=swatch,
        subject=subject,
        attire=_text(prompt, "attire", "prompt.attire", required=True),
        background=_text(prompt, "background", "prompt.background", required=True),
        lighting=_text(prompt, "lighting", "prompt.lighting", required=True),
        composition=_text(prompt, "composition", "prompt.composition", required=True),
        negative=_text(prompt, "negative", "prompt.negative", default=""),
        guidance=float(guidance),  # TOML "7" and "7.0" mean the same guidance
        steps=steps,
        width=sizes["width"],
        height=sizes["height"],
        sampler=sampler,
        source=source,
        path=path,
    )


def _check_known_keys(table: dict[str, Any], known: tuple[str, ...], prefix: str) -> None:
    for key in table:
        if key not in known:
            guess = difflib.get_close_matches(key, known, n=1)
            hint = f"did you mean “{prefix}{guess[0]}”?" if guess else f"known keys here: {', '.join(known)}"
            raise _FieldProblem(f"{prefix}{key}", f"is not a style setting ({hint})")


def _text(table: dict[str, Any], key: str, field: str, *, required: bool = False, default: str = "") -> str:
    if key not in table:
        if required:
            raise _FieldProblem(field, "is missing")
        return default
    value = table[key]
    if not isinstance(value, str):
        raise _FieldProblem(field, f'must be text in double quotes (it is {_show(value)})')
    return value


def _is_number(value: Any) -> bool:
    # bool is an int in Python, but "guidance = true" is a mistake, not 1.0.
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_whole(value: Any) -> bool:
    # A float such as 30.0 is refused too: the field says whole number, and we do not guess.
    return isinstance(value, int) and not isinstance(value, bool)


def _show(value: Any) -> str:
    """A bad value as the user wrote it, short enough for a message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f'"{shown}"'
    if isinstance(value, dict):
        return "a section"
    if isinstance(value, list):
        return "a list"
    return str(value)


# --- prompts ---------------------------------------------------------------------------

_AVOID_PREFIX = re.compile(r"^(?:no|without)(?:\s+|$)", re.IGNORECASE)
_ITEM_SEPARATORS = re.compile(r"[,\n]")


def parse_avoid_terms(text: str) -> list[str]:
    """Turn what the user wants to avoid into negative-prompt terms.

    People write "no glasses, no beard" or one item per line; a negative prompt wants
    the things themselves ("glasses, beard"), because the model does not read "no".
    Items are split on commas and new lines, a leading "no"/"without" is dropped, as is
    a trailing full stop; empty items and repeats (ignoring case) are dropped, keeping
    the first spelling and the order.
    """
    terms: list[str] = []
    seen: set[str] = set()
    for item in _ITEM_SEPARATORS.split(text):
        term = _AVOID_PREFIX.sub("", item.strip()).rstrip(".").strip()
        if term and term.casefold() not in seen:
            seen.add(term.casefold())
            terms.append(term)
    return terms


def compose_prompt(style: Style, subject_phrase: str, extra_negative: str = "") -> tuple[str, str]:
    """``(prompt, negative_prompt)`` for one style and one person.

    The prompt is the style's parts joined with ", " in a fixed order (subject, attire,
    background, lighting, composition), skipping empty ones. The negative prompt is the
    style's own negative terms followed by the user's ``extra_negative`` (free text, see
    :func:`parse_avoid_terms`), without repeats.
    """
    if not subject_phrase.strip():
        raise StyleError(
            "The words for the person are empty, so the headshot would not show them. "
            "Train the face first, or choose a finished training session.",
            details=f"compose_prompt({style.id!r}) got subject_phrase={subject_phrase!r}",
        )
    parts = [
        style.subject.replace(SUBJECT_PLACEHOLDER, subject_phrase.strip()),
        style.attire,
        style.background,
        style.lighting,
        style.composition,
    ]
    prompt = ", ".join(part.strip() for part in parts if part.strip())
    negative = ", ".join(parse_avoid_terms(style.negative + "\n" + extra_negative))
    return prompt, negative


# --- saving ----------------------------------------------------------------------------


def save_user_style(style: Style) -> Path:
    """Write ``style`` to the user styles folder as ``<id>.toml``; return the file.

    The style is checked with the same rules as a file being read, and the text is
    parsed back before anything is written, so a saved style always loads again as
    exactly the same style (with ``source="user"`` and the new path).
    """
    if not _valid_id(style.id):
        raise StyleError(
            f"“{style.id}” cannot be used as a style id. Use lowercase letters, digits and "
            f"hyphens only (for example “my-style”), at most {MAX_ID_LENGTH} characters.",
            details=f"invalid style id {style.id!r}",
            field="id",
        )
    target = user_styles_dir() / f"{style.id}.toml"
    wanted = replace(style, source="user", path=target)
    try:
        text = _style_to_toml(wanted)
        reread = _style_from_data(tomllib.loads(text), style_id=style.id, source="user", path=target)
    except _FieldProblem as problem:
        raise StyleError(
            f"The style “{style.name or style.id}” cannot be saved: {problem.field} {problem.problem}. "
            f"Change it and save again.",
            details=f"{target}: {problem}",
            path=target,
            field=problem.field,
        ) from None
    if reread != wanted:  # a bug in _style_to_toml, not the user's doing
        raise AssertionError(f"style {style.id!r} does not survive saving: {wanted!r} != {reread!r}")
    write_atomic(target, lambda fh: fh.write(text.encode("utf-8")))
    return target


def _style_to_toml(style: Style) -> str:
    """The TOML text of a style file (the layout the built-in files use)."""
    sections = (("", ("name", "description", "swatch")), ("prompt", _PROMPT_KEYS), ("settings", _SETTINGS_KEYS))
    lines: list[str] = []
    for section, keys in sections:
        if section:
            lines += ["", f"[{section}]"]
        field_prefix = f"{section}." if section else ""
        lines += [f"{key} = {_toml_value(getattr(style, key), field_prefix + key)}" for key in keys]
    return "\n".join(lines) + "\n"


_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for char in value:
        if char in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _toml_value(value: Any, field: str) -> str:
    """One value as TOML. Values are written as they are, never converted, so that a
    wrong one (steps = 30.5) is reported by the checks instead of quietly changed."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # repr is the shortest text that reads back as the same float ("6.5", "7.0");
        # nan/inf are valid TOML and are then refused by the range check.
        return repr(value) if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return _toml_string(value)
    raise _FieldProblem(field, f"must be text or a number (it is a {type(value).__name__})")
