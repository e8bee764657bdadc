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
    [finish]          # optional, these are the defaults
    colour = "neutral"        # the light's look: neutral (5500 K daylight), warm or cool
    colour_kelvin = 0         # 0: the look's own temperature; else 2500-10000 K
    backdrop = "generated"    # or "colour", "gradient", "image": replaces the generated one
    backdrop_colour = ""      # "#rrggbb" (colour; gradient's start)
    backdrop_colour2 = ""     # "#rrggbb" (gradient's end)
    backdrop_direction = "vertical"  # or "radial" (gradient)
    backdrop_image = ""       # an image file in the same folder as the style file

Every field is checked when a file is read, and a bad one is refused with a message
that names the file and the field and quotes the bad value: people edit these files by
hand, and a misspelt key or a value out of range should be reported, never silently
replaced by a default (a misspelt ``atire`` would otherwise drop the attire from every
prompt without a word).

A user's file is read with limits, because anything may be in that folder: it must be a
plain file (not a link, a pipe, a device or a folder), at most ``MAX_STYLE_FILE_BYTES``
long and nested at most ``MAX_STYLE_DEPTH`` deep (counted by a scan before the TOML
reader, which recurses, ever sees it), and every text in it has a maximum length. Any
problem, however the file came to be, is a :class:`StyleError` for that file alone.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from headshot_studio import paths
from headshot_studio.core.events import InputError
from headshot_studio.core.files import (
    FOLDER_REASON,
    LINK_REASON,
    NotRegularFileError,
    human_size,
    open_regular,
    printable,
    regular_file_problem,
    write_atomic,
)
from headshot_studio.core.colour import COLOUR_INTENTS, INTENT_KELVIN, KELVIN_RANGE
from headshot_studio.core.generation import SCHEDULERS
from headshot_studio.core.limits import (
    DEFAULT_GUIDANCE,
    DEFAULT_SAMPLER,
    DEFAULT_STEPS,
    STYLE_GUIDANCE_RANGE,
    STYLE_SIZE_RANGE,
    STYLE_STEPS_RANGE,
)

SUBJECT_PLACEHOLDER = "{subject}"
SAMPLERS = tuple(SCHEDULERS)  # the generator's choices, so the two lists never drift apart
DEFAULT_SWATCH = "#808080"  # neutral grey card for styles that do not pick a colour

# A style id is also a file name on every platform: lowercase letters, digits and
# hyphens only, not starting or ending with a hyphen.
_ID_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
MAX_ID_LENGTH = 64
FALLBACK_STYLE_ID = "my-style"  # a new style's id when its name has no letters or digits to make one from
# Windows refuses these as file names whatever the extension ("con.toml" is a device).
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)}
_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")

# --- size limits, each with its reason ------------------------------------------------
# A style file is a page of text written by hand (the built-in ones are about 1 KB). A
# far bigger one is a mistake or an attack, and is refused before it is read in full.
MAX_STYLE_FILE_BYTES = 64 * 1024
# Style files nest one level ([prompt], [settings]). The TOML reader recurses once per
# level of [ ] lists and { } tables, so a file nested thousands deep exhausts its stack (a
# RecursionError, or a crash on a worker thread's smaller stack): the depth is counted by
# a cheap scan (toml_depth) before the file is parsed.
MAX_STYLE_DEPTH = 8
# The generator's text encoder (CLIP) reads 77 tokens of a prompt, about 50 words, and
# drops the rest: a longer part can only lose words, while it slows every run and goes
# into every image's metadata. 1,000 characters is several times what can count.
MAX_PROMPT_PART_CHARS = 1000  # each of subject, attire, background, lighting, composition
MAX_NEGATIVE_CHARS = 1000  # the style's own things to avoid: the same 77-token reader
MAX_AVOID_CHARS = 1000  # the user's own "avoid" text, added to every negative prompt
MAX_SUBJECT_PHRASE_CHARS = 200  # the words for the person ("ohwx person"), made by the app
MAX_NAME_CHARS = 80  # one line on the style card
MAX_DESCRIPTION_CHARS = 300  # a sentence or two on the style card
MAX_FILE_NAME_CHARS = 255  # the longest file name the file systems we run on allow
_PROMPT_REASON = "the generator reads only about the first 50 words of a prompt"
# field -> (most characters, why), for every text in a style file
TEXT_LIMITS = {
    "name": (MAX_NAME_CHARS, "it is one line on the style card"),
    "description": (MAX_DESCRIPTION_CHARS, "it is a sentence or two on the style card"),
    **{f"prompt.{key}": (MAX_PROMPT_PART_CHARS, _PROMPT_REASON)
       for key in ("subject", "attire", "background", "lighting", "composition")},
    "prompt.negative": (MAX_NEGATIVE_CHARS, _PROMPT_REASON),
    "finish.backdrop_image": (MAX_FILE_NAME_CHARS, "it is a file name"),
}

_TOP_KEYS = ("name", "description", "swatch", "prompt", "settings", "finish")
_PROMPT_KEYS = ("subject", "attire", "background", "lighting", "composition", "negative")
_SETTINGS_KEYS = ("guidance", "steps", "width", "height", "sampler")
_FINISH_KEYS = ("colour", "colour_kelvin", "backdrop", "backdrop_colour", "backdrop_colour2", "backdrop_direction",
                "backdrop_image")
BACKDROP_KINDS = ("generated", "colour", "gradient", "image")
BACKDROP_DIRECTIONS = ("vertical", "radial")

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
    colour: str = "neutral"  # the light's look, a key of colour.INTENT_KELVIN
    colour_kelvin: int = 0  # 0: the look's own temperature
    backdrop: str = "generated"  # one of BACKDROP_KINDS
    backdrop_colour: str = ""  # "#rrggbb" or ""
    backdrop_colour2: str = ""
    backdrop_direction: str = "vertical"
    backdrop_image: str = ""  # a file name in the style file's folder

    @property
    def kelvin(self) -> int:
        """The colour temperature the finished images are moved toward."""
        return self.colour_kelvin or INTENT_KELVIN[self.colour]

    def finish(self):
        """What the finishing stage does for this style (postprocess.StyleFinish)."""
        from headshot_studio.core.postprocess import StyleFinish

        if self.backdrop == "generated":
            return StyleFinish(colour_kelvin=self.kelvin)
        from headshot_studio.core.backdrop import Backdrop

        def rgb(text: str):
            return tuple(int(text[i:i + 2], 16) for i in (1, 3, 5)) if text else None

        kind = self.backdrop  # each kind takes only its own settings (Backdrop.check refuses others)
        backdrop = Backdrop(kind=kind,
                            colour=rgb(self.backdrop_colour) if kind in ("colour", "gradient") else None,
                            colour2=rgb(self.backdrop_colour2) if kind == "gradient" else None,
                            direction=self.backdrop_direction if kind == "gradient" else "vertical",
                            image=self.path.parent / self.backdrop_image if kind == "image" else None)
        backdrop.check()
        return StyleFinish(colour_kelvin=self.kelvin, backdrop=backdrop)


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
    """Read and check one style file; any problem raises :class:`StyleError`.

    A user's file (``source="user"``) must be a plain file; a built-in one ships with
    the app and is opened as it is. Both are held to the same size, depth and length
    limits, checked before the TOML is parsed."""
    path = Path(path)
    label = f"“{_short(path.name, 100)}”"

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
    text = _read_style_text(path, label, plain_only=source == "user")
    depth = toml_depth(text)
    if depth > MAX_STYLE_DEPTH:
        raise StyleError(
            f"{label} nests its lists and sections {depth:,} levels deep, more than the "
            f"{MAX_STYLE_DEPTH} a style file may use (a style needs one: [prompt] and [settings]). "
            f"{FILE_ADVICE}",
            details=f"{path}: nested {depth} levels deep (limit {MAX_STYLE_DEPTH})",
            path=path,
        )
    try:
        data = tomllib.loads(text)
        return _style_from_data(data, style_id=style_id, source=source, path=path)
    except tomllib.TOMLDecodeError as exc:
        raise StyleError(
            f"{label} is not valid TOML: {exc}. {FILE_ADVICE}",
            details=f"{path}: {exc}",
            path=path,
        ) from exc
    except _FieldProblem as problem:
        raise fail(problem.field, problem.problem) from None
    except Exception as exc:  # noqa: BLE001 - a last guard: one odd file must never stop the app
        # The checks above leave nothing known to get here (RecursionError, MemoryError, a
        # number too long to read); whatever it is, it is this file's problem alone.
        raise StyleError(
            f"{label} could not be read as a style file: something in it is too big or too "
            f"complex to read. {FILE_ADVICE}",
            details=f"{path}: {exc!r}",
            path=path,
        ) from exc


# What to do about an entry that is not a plain file, by what it is.
_NOT_PLAIN_ADVICE = {
    LINK_REASON: "Copy the style file itself into your styles folder instead, or remove the link.",
    FOLDER_REASON: "Move it out of your styles folder, or rename it so that its name does not end in .toml.",
}
_SPECIAL_ADVICE = "Remove it from your styles folder."


def _read_style_text(path: Path, label: str, *, plain_only: bool) -> str:
    """The text of a style file, refused (StyleError) when it is not a plain file (with
    ``plain_only``), longer than MAX_STYLE_FILE_BYTES, unreadable or not UTF-8."""

    def too_big(size: str) -> StyleError:
        return StyleError(
            f"{label} is {size}, more than the {human_size(MAX_STYLE_FILE_BYTES)} a style file may be "
            f"(a style is a page of text, about 1 KB). {FILE_ADVICE}",
            details=f"{path}: {size} (limit {MAX_STYLE_FILE_BYTES:,} bytes)",
            path=path,
        )

    try:
        with open_regular(path) if plain_only else open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_STYLE_FILE_BYTES:
                raise too_big(human_size(size))
            data = fh.read(MAX_STYLE_FILE_BYTES + 1)
    except NotRegularFileError as exc:
        raise StyleError(
            f"{label} {exc.reason}. {_NOT_PLAIN_ADVICE.get(exc.reason, _SPECIAL_ADVICE)}",
            details=f"{path}: {exc.reason}",
            path=path,
        ) from None
    except OSError as exc:
        raise StyleError(
            f"{label} could not be read ({exc.strerror or exc}). Check that the file exists "
            f"and that you may read it.",
            details=f"{path}: {exc!r}",
            path=path,
        ) from exc
    if len(data) > MAX_STYLE_FILE_BYTES:  # it grew while it was being read
        raise too_big(f"more than {human_size(MAX_STYLE_FILE_BYTES)}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StyleError(
            f"{label} is not a UTF-8 text file. Save it as UTF-8 text, or delete it.",
            details=f"{path}: {exc}",
            path=path,
        ) from exc


def load_styles(include_user: bool = True) -> tuple[dict[str, Style], list[StyleError]]:
    """All styles by id: the built-in ones, then the user's (which override by id).

    A broken user file is skipped and its error returned, so one bad file never hides
    the other styles; the caller shows the errors. Every ``*.toml`` entry in the user's
    folder counts, whatever it is: a link, a pipe or a folder of that name is reported
    (see :func:`load_style`), not silently left out. A broken built-in file raises: it
    ships with the app, so it is a bug, not something the user can fix.
    """
    styles: dict[str, Style] = {}
    for file in _style_files(builtin_styles_dir()):
        style = load_style(file, source="builtin")
        styles[style.id] = style
    errors: list[StyleError] = []
    if include_user:
        for file in _style_files(user_styles_dir(), plain_only=False):
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


def _style_files(folder: Path, *, plain_only: bool = True) -> list[Path]:
    """The style files in a folder, by name; hidden and temporary files are skipped, as
    are entries that are not plain files unless ``plain_only`` is False (the user's
    folder: there, load_style says what each one is)."""
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.glob("*.toml") if not p.name.startswith(".") and (p.is_file() or not plain_only)
    )


def _valid_id(style_id: str) -> bool:
    return (
        len(style_id) <= MAX_ID_LENGTH
        and _ID_PATTERN.fullmatch(style_id) is not None
        and style_id not in _WINDOWS_RESERVED
    )


# --- names for the window: samplers, new style ids ---------------------------------------

# Plain names for the samplers the generator offers (SAMPLERS); a key without
# one is shown as it is, and the default (core.limits.DEFAULT_SAMPLER) is marked "recommended".
SAMPLER_NAMES = {
    "dpmpp_2m_karras": "DPM++ 2M Karras",
    "dpmpp_2m": "DPM++ 2M",
    "euler": "Euler",
    "euler_a": "Euler ancestral (more variety)",
    "ddim": "DDIM",
    "unipc": "UniPC (fast)",
}


def sampler_label(key: str) -> str:
    """The sampler's plain name, marked when it is the one the app recommends."""
    name = SAMPLER_NAMES.get(key, key)
    return f"{name} (recommended)" if key == DEFAULT_SAMPLER else name


def derive_style_id(name: str, taken: set[str]) -> str:
    """A file-name-safe id from a style's name that no existing style uses.

    "Café Portrait!" -> "cafe-portrait"; if that is taken, "cafe-portrait-2" and so on;
    a name Windows keeps for a device ("Con") gets a number too.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    words = "".join(ch if ch.isascii() and ch.isalnum() else " " for ch in ascii_name).split()
    base = "-".join(words)[: MAX_ID_LENGTH - 4].strip("-") or FALLBACK_STYLE_ID
    candidate, n = base, 2
    while candidate in taken or not _valid_id(candidate):  # "con", "com1": names Windows keeps for devices
        candidate, n = f"{base}-{n}", n + 1
    return candidate


# --- nesting depth, counted before parsing -----------------------------------------------

_TOML_MARKS = re.compile(r"""["'#\[\]{}=,.\n]""")  # everything but words, numbers and blanks
_BASIC_STRING_END = re.compile(r'\\[^\n]|["\n]')  # an escape, the closing quote, or a (bad) line end
_MULTILINE_BASIC_END = re.compile(r'\\.|"""', re.DOTALL)
_LITERAL_STRING_END = re.compile(r"['\n]")


def toml_depth(text: str) -> int:
    """How deeply ``text``'s TOML tables, [ ] lists and { } tables nest, counted without
    parsing (the TOML reader recurses once per level, and thousands of levels exhaust its
    stack). A ``[a.b]`` header or a dotted key ``a.b = 1`` counts one level per part, as
    it makes that many nested tables; a plain style file is 1 deep.

    Brackets inside strings (quoted, literal and multi-line) and comments do not count.
    The scan is linear and errs only towards counting more: where it cannot tell (text
    that is not valid TOML) it counts, and it stops only where the reader stops too (a
    string left open runs to the end of the file, or is an error at that point)."""
    scan = _DepthScan()
    pos, end = 0, len(text)
    while (mark := _TOML_MARKS.search(text, pos)) is not None:
        at, char = mark.start(), mark.group()
        if text[pos:at].strip():  # a bare key, a number, a date, true/false
            scan.line_blank = False
        pos = at + 1
        if char == "#":  # a comment, to the end of the line (the line end is read next)
            newline = text.find("\n", at)
            pos = end if newline < 0 else newline
        elif char in "\"'":
            pos = _string_end(text, at)
            if pos < 0:  # never closed: the reader stops with an error here too
                break
            scan.line_blank = False
        elif scan.header is not None:
            if scan.header_mark(char, at) and text.startswith("]", pos):
                pos += 1  # the second "]" of a [[...]] header
        else:
            scan.mark(char, at)
    return scan.deepest


class _DepthScan:
    """Where :func:`toml_depth`'s scan stands, and what each mark outside strings and
    comments does to it."""

    def __init__(self) -> None:
        self.deepest = 0
        self.table = 0  # depth of the current [table] (0: the top of the file)
        self.lists_of_tables = 0  # [[...]] headers so far
        self.stack: list[tuple[str, int]] = []  # open "[" lists and "{" tables, each with its depth
        self.at_key = True  # reading a key: at a line's start outside brackets, or after "{" or "," in a { } table
        self.key_parts = 1  # parts of the dotted key being read
        self.value_base = 0  # depth of the table the value after "=" goes into
        self.header: list[int] | None = None  # in a [table] header: [parts, 1 for [[...]] else 0, where it began]
        self.line_blank = True  # nothing but blanks so far on this line

    def header_mark(self, char: str, at: int) -> bool:
        """A mark inside a [table] header; True when it closes a [[...]] header (whose
        second "]" the caller skips)."""
        header = self.header
        if char == ".":
            header[0] += 1
            self.deepest = max(self.deepest, header[0])  # counted as it grows: a header may never close
        elif char == "[" and at == header[2] + 1:
            header[1] = 1  # [[name]]: a list of tables
        elif char == "]":
            # Each part is a table, and may also be a list of tables (made by a [[...]]
            # header, here or earlier): count one level more for each that could be.
            self.lists_of_tables += header[1]
            self.table = header[0] + min(header[0], self.lists_of_tables)
            self.deepest = max(self.deepest, self.table)
            self.header = None
            return bool(header[1])
        elif char == "\n":
            self.header, self.at_key, self.key_parts, self.line_blank = None, True, 1, True
        else:  # not allowed in a header: count it, to be safe
            header[0] += 1
            self.deepest = max(self.deepest, header[0])
        return False

    def mark(self, char: str, at: int) -> None:
        """A mark outside headers, strings and comments: brackets, "=", ".", "," or a line end."""
        if char == "\n":
            if not self.stack:
                self.at_key, self.key_parts, self.line_blank = True, 1, True
            return
        if char in "[{":
            if char == "[" and not self.stack and self.at_key and self.line_blank:
                self.header = [1, 0, at]  # a [table] header begins
                self.deepest = max(self.deepest, 1)
            else:
                parent = self.stack[-1][1] if self.stack and self.stack[-1][0] == "[" else self.value_base
                self.stack.append((char, parent + 1))
                self.deepest = max(self.deepest, parent + 1)
                self.at_key, self.key_parts = char == "{", 1
        elif char in "]}":
            if self.stack:
                self.stack.pop()
            self.at_key = False
        elif char == "=":
            if self.at_key:
                self.value_base = (self.stack[-1][1] if self.stack else self.table) + self.key_parts - 1
                self.deepest = max(self.deepest, self.value_base)
                self.at_key = False
        elif char == ".":
            if self.at_key:
                self.key_parts += 1
        elif char == "," and self.stack and self.stack[-1][0] == "{":
            self.at_key, self.key_parts = True, 1
        self.line_blank = False


def _string_end(text: str, start: int) -> int:
    """Where the TOML string that opens at ``start`` ends (the index after it), or -1 when
    it is never closed (or, for a one-line string, when the line ends first)."""
    quote = text[start]
    if text.startswith(quote * 3, start):  # multi-line: up to two more quotes may end it
        if quote == '"':
            at = start + 3
            while (found := _MULTILINE_BASIC_END.search(text, at)) is not None and found.group() != '"""':
                at = found.end()  # an escape, such as \" or a backslash at the line's end
            close = -1 if found is None else found.start()
        else:
            close = text.find("'''", start + 3)
        if close < 0:
            return -1
        after = close + 3
        while after < len(text) and after < close + 5 and text[after] == quote:
            after += 1
        return after
    if quote == "'":  # a literal string: no escapes
        found = _LITERAL_STRING_END.search(text, start + 1)
        return found.end() if found is not None and found.group() == "'" else -1
    at = start + 1
    while (found := _BASIC_STRING_END.search(text, at)) is not None and found.group().startswith("\\"):
        at = found.end()
    return found.end() if found is not None and found.group() == '"' else -1


# --- checking what was read ---------------------------------------------------------------


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
    finish = data.get("finish", {})
    if not isinstance(finish, dict):
        raise _FieldProblem("finish", f"must be a [finish] section (it is {_show(finish)})")
    _check_known_keys(finish, _FINISH_KEYS, "finish.")

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
    low, high = STYLE_GUIDANCE_RANGE
    if not _is_number(guidance) or not low <= guidance <= high:
        raise _FieldProblem("settings.guidance", f"must be a number from {low:g} to {high:g} (it is {_show(guidance)})")
    steps = settings.get("steps", DEFAULT_STEPS)
    low, high = STYLE_STEPS_RANGE
    if not _is_whole(steps) or not low <= steps <= high:
        raise _FieldProblem("settings.steps", f"must be a whole number from {low} to {high} (it is {_show(steps)})")
    sizes = {}
    for key in ("width", "height"):
        value = settings.get(key, 0)
        low, high = STYLE_SIZE_RANGE
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
        **_finish_fields(finish, path),
    )


def _finish_fields(finish: dict[str, Any], path: Path) -> dict[str, Any]:
    """The [finish] section's values, checked (the first problem raises _FieldProblem)."""
    colour = _text(finish, "colour", "finish.colour", default="neutral")
    if colour not in COLOUR_INTENTS:
        raise _FieldProblem("finish.colour", f"must be one of {', '.join(COLOUR_INTENTS)} (it is {_show(colour)})")
    kelvin = finish.get("colour_kelvin", 0)
    low, high = KELVIN_RANGE
    if not _is_whole(kelvin) or (kelvin != 0 and not low <= kelvin <= high):
        raise _FieldProblem("finish.colour_kelvin",
                            f"must be 0 (the look's own) or a whole number of kelvin from {low} to {high} (it is {_show(kelvin)})")
    backdrop = _text(finish, "backdrop", "finish.backdrop", default="generated")
    if backdrop not in BACKDROP_KINDS:
        raise _FieldProblem("finish.backdrop", f"must be one of {', '.join(BACKDROP_KINDS)} (it is {_show(backdrop)})")
    values = {"colour": colour, "colour_kelvin": kelvin, "backdrop": backdrop}
    for key in ("backdrop_colour", "backdrop_colour2"):
        value = _text(finish, key, f"finish.{key}", default="")
        if value and not _HEX_COLOUR.fullmatch(value):
            raise _FieldProblem(f"finish.{key}", f'must be a colour written like "#3c4a5e" (it is {_show(value)})')
        values[key] = value
    needs = {"colour": ("backdrop_colour",), "gradient": ("backdrop_colour", "backdrop_colour2")}.get(backdrop, ())
    for key in needs:
        if not values[key]:
            raise _FieldProblem(f"finish.{key}", f'is needed for backdrop = "{backdrop}" (a colour like "#3c4a5e")')
    direction = _text(finish, "backdrop_direction", "finish.backdrop_direction", default="vertical")
    if direction not in BACKDROP_DIRECTIONS:
        raise _FieldProblem("finish.backdrop_direction",
                            f"must be one of {', '.join(BACKDROP_DIRECTIONS)} (it is {_show(direction)})")
    image = _text(finish, "backdrop_image", "finish.backdrop_image", default="")
    if image and (Path(image).name != image or image in (".", "..") or "\\" in image):
        raise _FieldProblem("finish.backdrop_image",
                            f"must be the name of a file in the style's own folder, without a folder (it is {_show(image)})")
    if backdrop == "image":
        if not image:
            raise _FieldProblem("finish.backdrop_image", 'is needed for backdrop = "image" (a file name)')
        try:
            problem = regular_file_problem(path.parent / image)
        except OSError:
            problem = "is not in the style's folder"
        if problem:
            raise _FieldProblem("finish.backdrop_image", f"names a file that {problem} (it is {_show(image)})")
    # A setting the backdrop does not use is a mistake to say, not to ignore.
    uses = {"colour": {"backdrop_colour"}, "gradient": {"backdrop_colour", "backdrop_colour2", "backdrop_direction"},
            "image": {"backdrop_image"}}.get(backdrop, set())
    for key in ("backdrop_colour", "backdrop_colour2", "backdrop_direction", "backdrop_image"):
        if key in finish and key not in uses and finish[key] not in ("", "vertical"):
            users = [kind for kind, keys in (("colour", ("backdrop_colour",)),
                                             ("gradient", ("backdrop_colour", "backdrop_colour2", "backdrop_direction")),
                                             ("image", ("backdrop_image",))) if key in keys]
            raise _FieldProblem(f"finish.{key}", f"is only used with backdrop = {' or '.join(map(repr, users))} "
                                                 f"(this style's backdrop is {backdrop!r}): remove it or change the backdrop")
    return values | {"backdrop_direction": direction, "backdrop_image": image}


def _check_known_keys(table: dict[str, Any], known: tuple[str, ...], prefix: str) -> None:
    for key in table:
        if key not in known:
            guess = difflib.get_close_matches(key[:100], known, n=1)  # a key may be any length
            hint = f"did you mean “{prefix}{guess[0]}”?" if guess else f"known keys here: {', '.join(known)}"
            raise _FieldProblem(f"{prefix}{_short(key, 40)}", f"is not a style setting ({hint})")


def _text(table: dict[str, Any], key: str, field: str, *, required: bool = False, default: str = "") -> str:
    if key not in table:
        if required:
            raise _FieldProblem(field, "is missing")
        return default
    value = table[key]
    if not isinstance(value, str):
        raise _FieldProblem(field, f'must be text in double quotes (it is {_show(value)})')
    _check_length(field, value)
    return value


def _check_length(field: str, value: str) -> None:
    """Refuse a text longer than its TEXT_LIMITS entry (never cut it short). The swatch
    has none: its pattern allows 7 characters."""
    limit, reason = TEXT_LIMITS.get(field, (math.inf, ""))
    if len(value) > limit:
        raise _FieldProblem(field, f"is {len(value):,} characters long, more than the {limit:,} allowed ({reason})")


def _is_number(value: Any) -> bool:
    # bool is an int in Python, but "guidance = true" is a mistake, not 1.0. An int is
    # always finite (and one of 400 digits is too big for math.isfinite's float).
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return isinstance(value, int) or math.isfinite(value)


def _is_whole(value: Any) -> bool:
    # A float such as 30.0 is refused too: the field says whole number, and we do not guess.
    return isinstance(value, int) and not isinstance(value, bool)


def _show(value: Any) -> str:
    """A bad value as the user wrote it, short enough for a message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{_short(value)}"'
    if isinstance(value, dict):
        return "a section"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int) and abs(value) >= 10**60:  # TOML allows thousands of digits
        return "a number of more than 60 digits"
    return _short(str(value))


def _short(text: str, limit: int = 60) -> str:
    """``text`` for a message: control characters shown as escapes (a file name or a
    value can hold terminal escapes), and cut to about ``limit`` characters with "..."."""
    shown = printable(text[: limit + 1])
    return shown if len(text) <= limit and len(shown) <= limit else shown[: limit - 3] + "..."


# --- prompts ---------------------------------------------------------------------------

_AVOID_PREFIX = re.compile(r"^(?:no|without)(?:\s+|$)", re.IGNORECASE)
_ITEM_SEPARATORS = re.compile(r"[,\n]")


def check_avoid_text(text: str) -> None:
    """Refuse the user's "avoid" text (StyleError) when it is longer than
    MAX_AVOID_CHARS: it is never cut short without a word."""
    if len(text) > MAX_AVOID_CHARS:
        raise StyleError(
            f"What to avoid is {len(text):,} characters long, more than the {MAX_AVOID_CHARS:,} allowed: "
            f"{_PROMPT_REASON}. Keep the few things that matter most.",
            details=f"avoid text of {len(text)} characters (limit {MAX_AVOID_CHARS})",
            field="avoid",
        )


def parse_avoid_terms(text: str) -> list[str]:
    """Turn what the user wants to avoid into negative-prompt terms.

    People write "no glasses, no beard" or one item per line; a negative prompt wants
    the things themselves ("glasses, beard"), because the model does not read "no".
    Items are split on commas and new lines, a leading "no"/"without" is dropped, as is
    a trailing full stop; empty items and repeats (ignoring case) are dropped, keeping
    the first spelling and the order. Text longer than MAX_AVOID_CHARS is refused
    (StyleError), see :func:`check_avoid_text`.
    """
    check_avoid_text(text)
    return _terms(text)


def _terms(text: str) -> list[str]:
    terms: list[str] = []
    seen: set[str] = set()
    for item in _ITEM_SEPARATORS.split(text):
        term = _AVOID_PREFIX.sub("", item.strip()).rstrip(".").strip()
        if term and term.casefold() not in seen:
            seen.add(term.casefold())
            terms.append(term)
    return terms


FACE_DETAIL_WORDS = "detailed face, natural skin texture"


def face_detail_prompt(subject_phrase: str) -> str:
    """The face detail pass's prompt: the person and their face only. The scene's prompt
    would ask the close-up crop for a backdrop, a suit and a lens again."""
    return f"{subject_phrase.strip()}, {FACE_DETAIL_WORDS}"


def compose_prompt(style: Style, subject_phrase: str, extra_negative: str = "") -> tuple[str, str]:
    """``(prompt, negative_prompt)`` for one style and one person.

    The prompt is the style's parts joined with ", " in a fixed order (subject, attire,
    background, lighting, composition), skipping empty ones. The negative prompt is the
    style's own negative terms followed by the user's ``extra_negative`` (free text, see
    :func:`parse_avoid_terms`), without repeats.

    Every text is held to its length limit (a style made in code, such as the editor's,
    has not been through the file checks): a longer one is refused with a StyleError.
    """
    if not subject_phrase.strip():
        raise StyleError(
            "The words for the person are empty, so the headshot would not show them. "
            "Train the face first, or choose a finished training session.",
            details=f"compose_prompt({style.id!r}) got subject_phrase={subject_phrase!r}",
        )
    if len(subject_phrase) > MAX_SUBJECT_PHRASE_CHARS:
        raise StyleError(
            f"The words for the person are {len(subject_phrase):,} characters long, more than the "
            f"{MAX_SUBJECT_PHRASE_CHARS} allowed: {_PROMPT_REASON}. Choose another training session, "
            f"or train the face again.",
            details=f"compose_prompt({style.id!r}) got a subject phrase of {len(subject_phrase)} characters",
        )
    for field in (f for f in TEXT_LIMITS if f.startswith("prompt.")):  # the parts that reach the prompt
        try:
            _check_length(field, getattr(style, field.removeprefix("prompt.")))
        except _FieldProblem as problem:
            raise StyleError(
                f"The style “{_short(str(style.name or style.id), 40)}” cannot be used: {problem.field} "
                f"{problem.problem}. Edit the style to shorten it.",
                details=f"{style.path}: {problem}",
                path=style.path,
                field=problem.field,
            ) from None
    check_avoid_text(extra_negative)
    parts = [
        style.subject.replace(SUBJECT_PLACEHOLDER, subject_phrase.strip()),
        style.attire,
        style.background,
        style.lighting,
        style.composition,
    ]
    prompt = ", ".join(part.strip() for part in parts if part.strip())
    negative = ", ".join(_terms(style.negative + "\n" + extra_negative))
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
            f"“{_short(str(style.id), 70)}” cannot be used as a style id. Use lowercase letters, digits and "
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
            f"The style “{_short(str(style.name or style.id), 40)}” cannot be saved: "
            f"{problem.field} {problem.problem}. "
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
    sections = (("", ("name", "description", "swatch")), ("prompt", _PROMPT_KEYS), ("settings", _SETTINGS_KEYS),
                ("finish", _FINISH_KEYS))
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
