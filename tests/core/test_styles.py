"""Style templates: the built-in files, user overrides, refusal of broken files with a
message naming the file and the field, avoid-text parsing and saving."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

import pytest

from headshot_studio import paths
from headshot_studio.core import styles
from headshot_studio.core.colour import INTENT_KELVIN
from headshot_studio.core.events import InputError
from headshot_studio.core.styles import (
    MAX_AVOID_CHARS,
    MAX_DESCRIPTION_CHARS,
    MAX_NAME_CHARS,
    MAX_NEGATIVE_CHARS,
    MAX_PROMPT_PART_CHARS,
    MAX_STYLE_DEPTH,
    MAX_STYLE_FILE_BYTES,
    Style,
    StyleError,
    builtin_styles_dir,
    compose_prompt,
    get_style,
    load_style,
    load_styles,
    parse_avoid_terms,
    save_user_style,
    toml_depth,
    user_styles_dir,
)

SUBJECT = "ohwx person"
REQUIRED_BUILTINS = {
    "corporate-executive",
    "creative-professional",
    "healthcare",
    "legal",
    "tech-casual",
    "real-estate",
    "academic",
    "outdoor-natural-light",
}
# Words that would tie a built-in style to a gender or an age.
GENDERED_OR_AGED = re.compile(
    r"\b(man|men|woman|women|male|female|he|she|his|her|him|girl|boy|guy|lady|gentleman|"
    r"young|old|older|elderly|aged|beard|makeup)\b",
    re.IGNORECASE,
)
# Names of real brands or people a photographer's jargon tends to borrow.
BRAND_OR_PERSON = re.compile(
    r"\b(canon|nikon|sony|fuji\w*|kodak|portra|leica|hasselblad|zeiss|linkedin|rembrandt|"
    r"apple|google|patagonia)\b",
    re.IGNORECASE,
)

GOOD_STYLE = """\
name = "Studio test"
description = "A test style."
swatch = "#112233"

[prompt]
subject = "headshot photo of {subject}"
attire = "navy blazer"
background = "grey backdrop"
lighting = "soft light"
composition = "head and shoulders, 85mm portrait lens"
negative = "blurry"

[settings]
guidance = 6.0
steps = 28
width = 832
height = 1024
sampler = "euler_a"
"""


def write_style(folder: Path, style_id: str, text: str = GOOD_STYLE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{style_id}.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --- built-in styles -------------------------------------------------------------------


def test_builtin_styles_are_all_there_and_load():
    found, errors = load_styles(include_user=False)
    assert errors == []
    assert len(found) >= 8
    assert REQUIRED_BUILTINS <= set(found)
    assert {p.stem for p in builtin_styles_dir().glob("*.toml")} == set(found)
    for style in found.values():
        assert style.source == "builtin"
        assert style.name and style.description
        assert 5 <= style.guidance <= 8 and 25 <= style.steps <= 40  # the field's usual range


@pytest.mark.parametrize("style_id", sorted(REQUIRED_BUILTINS))
def test_builtin_style_composes_a_neutral_prompt_with_the_subject(style_id):
    style = get_style(style_id)
    prompt, negative = compose_prompt(style, SUBJECT)
    assert SUBJECT in prompt and "{subject}" not in prompt
    assert prompt.startswith(style.subject.replace("{subject}", SUBJECT))
    for part in (style.attire, style.background, style.lighting, style.composition):
        assert part in prompt
    assert negative
    for text in (prompt, negative, style.name, style.description):
        assert not GENDERED_OR_AGED.search(text), f"{style_id}: {GENDERED_OR_AGED.search(text)[0]!r} in {text!r}"
        assert not BRAND_OR_PERSON.search(text), f"{style_id}: {BRAND_OR_PERSON.search(text)[0]!r} in {text!r}"


def test_builtin_prompts_fit_the_text_encoder_with_room_to_spare():
    """CLIP reads 77 tokens (start and end included) and silently drops the rest, so a
    long style would lose its composition words; leave room for a longer identity phrase
    and for the user's own negative terms."""
    from transformers import CLIPTokenizer

    from headshot_studio.paths import model_configs_dir

    tokenizer = CLIPTokenizer.from_pretrained(model_configs_dir() / "sd15" / "tokenizer")
    for style in load_styles(include_user=False)[0].values():
        prompt, negative = compose_prompt(style, SUBJECT)
        assert len(tokenizer(prompt).input_ids) <= 72, style.id
        assert len(tokenizer(negative).input_ids) <= 60, style.id


# --- user styles -----------------------------------------------------------------------


def test_user_style_is_loaded_next_to_the_builtin_ones():
    write_style(user_styles_dir(), "studio-test")
    found, errors = load_styles()
    assert errors == []
    style = found["studio-test"]
    assert style == Style(
        id="studio-test",
        name="Studio test",
        description="A test style.",
        swatch="#112233",
        subject="headshot photo of {subject}",
        attire="navy blazer",
        background="grey backdrop",
        lighting="soft light",
        composition="head and shoulders, 85mm portrait lens",
        negative="blurry",
        guidance=6.0,
        steps=28,
        width=832,
        height=1024,
        sampler="euler_a",
        source="user",
        path=user_styles_dir() / "studio-test.toml",
    )
    assert REQUIRED_BUILTINS <= set(found)
    assert load_styles(include_user=False)[0].keys() == found.keys() - {"studio-test"}
    assert compose_prompt(style, SUBJECT) == (
        "headshot photo of ohwx person, navy blazer, grey backdrop, soft light, head and shoulders, 85mm portrait lens",
        "blurry",
    )


def test_user_style_overrides_the_builtin_one_with_the_same_id():
    write_style(user_styles_dir(), "legal", GOOD_STYLE.replace("Studio test", "My legal look"))
    style = get_style("legal")
    assert style.name == "My legal look" and style.source == "user"
    assert load_style(builtin_styles_dir() / "legal.toml", source="builtin").name == "Legal"


def test_a_broken_user_file_is_reported_and_does_not_hide_the_others():
    write_style(user_styles_dir(), "good-one")
    write_style(user_styles_dir(), "bad-one", GOOD_STYLE.replace("steps = 28", "steps = 500"))
    write_style(user_styles_dir(), "healthcare", "this is not toml")  # a broken override
    found, errors = load_styles()
    assert "good-one" in found and "bad-one" not in found
    assert found["healthcare"].source == "builtin"  # the built-in look is still offered
    assert sorted(e.path.name for e in errors) == ["bad-one.toml", "healthcare.toml"]
    # Asking for the style by id explains what is wrong with the user's file.
    with pytest.raises(StyleError, match="healthcare.toml"):
        get_style("healthcare")


def test_only_plain_style_files_are_read():
    folder = user_styles_dir()
    write_style(folder, "real")
    (folder / ".real.toml-x1y2.tmp").write_text("half written")  # write_atomic's temp file
    (folder / ".hidden.toml").write_text("junk")
    (folder / "notes.txt").write_text("junk")
    found, errors = load_styles()
    assert errors == [] and "real" in found


def test_minimal_style_gets_the_documented_defaults(tmp_path):
    path = write_style(
        tmp_path,
        "minimal",
        'name = "Minimal"\n[prompt]\nsubject = "photo of {subject}"\n'
        'attire = ""\nbackground = ""\nlighting = ""\ncomposition = ""\n',
    )
    style = load_style(path)
    assert (style.description, style.swatch, style.negative) == ("", styles.DEFAULT_SWATCH, "")
    assert (style.guidance, style.steps, style.width, style.height, style.sampler) == (6.5, 30, 0, 0, "dpmpp_2m_karras")
    assert compose_prompt(style, SUBJECT) == ("photo of ohwx person", "")


def test_whole_number_guidance_is_accepted_as_a_number(tmp_path):
    path = write_style(tmp_path, "whole", GOOD_STYLE.replace("guidance = 6.0", "guidance = 7"))
    assert load_style(path).guidance == 7.0


def test_unknown_style_id_lists_the_available_ones():
    with pytest.raises(StyleError) as caught:
        get_style("wedding")
    assert "wedding" in caught.value.message
    assert "corporate-executive" in caught.value.message and "tech-casual" in caught.value.message
    assert isinstance(caught.value, InputError)


# --- broken files ----------------------------------------------------------------------


BROKEN = {
    # name: (file text, field named in the message, a piece of the message)
    "steps too high": (GOOD_STYLE.replace("steps = 28", "steps = 500"), "settings.steps", "(it is 500)"),
    "steps not whole": (GOOD_STYLE.replace("steps = 28", "steps = 28.5"), "settings.steps", "whole number"),
    "steps as text": (GOOD_STYLE.replace("steps = 28", 'steps = "30"'), "settings.steps", '(it is "30")'),
    "guidance too low": (GOOD_STYLE.replace("guidance = 6.0", "guidance = 0.5"), "settings.guidance", "from 1 to 15"),
    "guidance boolean": (GOOD_STYLE.replace("guidance = 6.0", "guidance = true"), "settings.guidance", "(it is true)"),
    "guidance nan": (GOOD_STYLE.replace("guidance = 6.0", "guidance = nan"), "settings.guidance", "(it is nan)"),
    "width not multiple of 8": (GOOD_STYLE.replace("width = 832", "width = 830"), "settings.width", "multiple of 8"),
    "height too large": (GOOD_STYLE.replace("height = 1024", "height = 4096"), "settings.height", "(it is 4096)"),
    "height too small": (GOOD_STYLE.replace("height = 1024", "height = 128"), "settings.height", "256 to 2048"),
    "unknown sampler": (GOOD_STYLE.replace('"euler_a"', '"karras"'), "settings.sampler", "dpmpp_2m_karras"),
    "subject without placeholder": (
        GOOD_STYLE.replace("headshot photo of {subject}", "headshot photo of a person"),
        "prompt.subject",
        "{subject}",
    ),
    "bad swatch": (GOOD_STYLE.replace('"#112233"', '"blue"'), "swatch", '(it is "blue")'),
    "short swatch": (GOOD_STYLE.replace('"#112233"', '"#123"'), "swatch", "#3c4a5e"),
    "missing name": (GOOD_STYLE.replace('name = "Studio test"\n', ""), "name", "is missing"),
    "empty name": (GOOD_STYLE.replace('"Studio test"', '"  "'), "name", "empty"),
    "missing attire": (GOOD_STYLE.replace('attire = "navy blazer"\n', ""), "prompt.attire", "is missing"),
    "attire is a number": (GOOD_STYLE.replace('"navy blazer"', "5"), "prompt.attire", "text"),
    "missing prompt section": (GOOD_STYLE.split("[prompt]")[0], "prompt", "section is missing"),
    "prompt is not a section": (
        'name = "x"\nprompt = "headshot of {subject}"\n',
        "prompt",
        "[prompt] section",
    ),
    "misspelt prompt key": (GOOD_STYLE.replace("attire =", "atire ="), "prompt.atire", "prompt.attire"),
    "unknown top-level key": (GOOD_STYLE.replace("swatch =", 'colour = "#000000"\nswatch ='), "colour", "not a style setting"),
    "unknown setting": (
        GOOD_STYLE.replace('sampler = "euler_a"', 'sampler = "euler_a"\nseed = 42'),
        "settings.seed",
        "not a style setting",
    ),
}


@pytest.mark.parametrize("kind", list(BROKEN))
def test_broken_file_names_the_file_and_the_field(tmp_path, kind):
    text, field, fragment = BROKEN[kind]
    path = write_style(tmp_path, "corporate", text)
    with pytest.raises(StyleError) as caught:
        load_style(path)
    error = caught.value
    assert error.message.startswith("“corporate.toml”: ")
    assert field in error.message and error.field == field
    assert fragment in error.message
    assert error.message.endswith("Fix the file or delete it.")
    assert error.path == path
    assert str(tmp_path) not in error.message  # the user sees the file name, not a path
    assert str(path) in error.details


def test_the_message_reads_as_the_house_example(tmp_path):
    path = write_style(tmp_path, "corporate", GOOD_STYLE.replace("steps = 28", "steps = 500"))
    with pytest.raises(StyleError) as caught:
        load_style(path)
    assert caught.value.message == (
        "“corporate.toml”: settings.steps must be a whole number from 10 to 80 (it is 500). Fix the file or delete it."
    )


@pytest.mark.parametrize(
    "content, fragment",
    [
        ('name = "unterminated\n', "is not valid TOML"),
        ("name = 'twice'\n" + GOOD_STYLE, "is not valid TOML"),
        (b"name = \"caf\xe9\"\n", "UTF-8"),
    ],
    ids=["syntax error", "duplicate key", "not utf-8"],
)
def test_unreadable_file_names_the_file(tmp_path, content, fragment):
    path = tmp_path / "corporate.toml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(StyleError) as caught:
        load_style(path)
    assert caught.value.message.startswith("“corporate.toml”")
    assert fragment in caught.value.message
    if "TOML" in fragment:
        assert "line" in caught.value.message  # where to look


@pytest.mark.parametrize("name", ["My Style.toml", "Corporate.toml", "-dash.toml", "con.toml", "style.TOML"])
def test_file_name_must_be_a_valid_id(tmp_path, name):
    path = tmp_path / name
    path.write_text(GOOD_STYLE, encoding="utf-8")
    with pytest.raises(StyleError, match="lowercase letters, digits and hyphens") as caught:
        load_style(path)
    assert name in caught.value.message


def test_missing_file_says_so(tmp_path):
    with pytest.raises(StyleError, match="could not be read"):
        load_style(tmp_path / "gone.toml")


def test_a_broken_builtin_file_is_a_bug_and_raises(tmp_path, monkeypatch):
    resources = tmp_path / "resources"
    write_style(resources / "styles", "legal", "not toml at all")
    monkeypatch.setenv("HEADSHOT_STUDIO_RESOURCES", str(resources))
    with pytest.raises(StyleError, match="legal.toml"):
        load_styles()


# --- negative prompts ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, terms",
    [
        ("no glasses, no beard", ["glasses", "beard"]),
        ("without glasses\nno  hats.\n\n", ["glasses", "hats"]),
        ("No Glasses, glasses, GLASSES ,  ,", ["Glasses"]),
        ("tattoos, without earrings, nose ring", ["tattoos", "earrings", "nose ring"]),
        ("nothing shiny, notebook", ["nothing shiny", "notebook"]),  # "no" only as a word
        ("no", []),
        ("without", []),
        ("", []),
    ],
)
def test_avoid_text_becomes_negative_terms(text, terms):
    assert parse_avoid_terms(text) == terms


def test_user_negatives_follow_the_style_ones_without_repeats():
    style = get_style("corporate-executive")
    _, negative = compose_prompt(style, SUBJECT, "no glasses\nwithout Blurry, no watermark, hats")
    terms = negative.split(", ")
    assert negative.startswith(style.negative)
    assert terms[-2:] == ["glasses", "hats"]
    assert [t.lower() for t in terms].count("blurry") == 1 and terms.count("watermark") == 1


def test_empty_parts_are_skipped_and_the_subject_must_be_given():
    style = replace(get_style("legal"), attire="", lighting="   ")
    prompt, _ = compose_prompt(style, SUBJECT)
    assert ", ," not in prompt and not prompt.endswith(", ")
    assert prompt == ", ".join([style.subject.replace("{subject}", SUBJECT), style.background, style.composition])
    with pytest.raises(StyleError):
        compose_prompt(style, "  ")


# --- saving ----------------------------------------------------------------------------


def test_saved_style_loads_back_exactly():
    awkward = 'Quotes " and \\ backslash, tab\tnew line\nünïcødé — “curly”, bell\x07'
    style = replace(
        get_style("corporate-executive"),
        id="my-look-2",
        name=awkward,
        description=awkward,
        attire="",
        negative="a, b, c",
        guidance=7.25,
        steps=40,
        width=768,
        height=1024,
        sampler="unipc",
    )
    path = save_user_style(style)
    assert path == user_styles_dir() / "my-look-2.toml"
    loaded = load_style(path)
    assert loaded == replace(style, source="user", path=path)
    assert get_style("my-look-2") == loaded
    assert sorted(p.name for p in path.parent.iterdir()) == ["my-look-2.toml"]  # no temp files left


def test_every_builtin_style_survives_saving():
    for style in load_styles(include_user=False)[0].values():
        copy = replace(style, id=f"copy-of-{style.id}")
        path = save_user_style(copy)
        assert load_style(path) == replace(copy, source="user", path=path)


def test_saving_over_a_builtin_id_overrides_it():
    style = replace(get_style("academic"), name="My academic")
    save_user_style(style)
    assert get_style("academic").name == "My academic"
    assert get_style("academic").source == "user"


@pytest.mark.parametrize("bad_id", ["My-Style", "my style", "my_style", "../escape", "", "-x", "x-", "nul", "a" * 65])
def test_saving_refuses_bad_ids(bad_id):
    with pytest.raises(StyleError, match="lowercase letters, digits and hyphens"):
        save_user_style(replace(get_style("legal"), id=bad_id))
    assert not user_styles_dir().exists() or not any(user_styles_dir().iterdir())


@pytest.mark.parametrize(
    "change, field",
    [
        ({"steps": 500}, "settings.steps"),
        ({"steps": 30.5}, "settings.steps"),
        ({"guidance": float("nan")}, "settings.guidance"),
        ({"sampler": "karras"}, "settings.sampler"),
        ({"width": 100}, "settings.width"),
        ({"subject": "photo of a person"}, "prompt.subject"),
        ({"swatch": "grey"}, "swatch"),
        ({"description": None}, "description"),
    ],
)
def test_saving_refuses_a_bad_style_without_writing(change, field):
    with pytest.raises(StyleError) as caught:
        save_user_style(replace(get_style("legal"), id="bad", **change))
    assert caught.value.field == field and field in caught.value.message
    assert "save again" in caught.value.message
    assert not (user_styles_dir() / "bad.toml").exists()


# --- limits: size, depth and length (checked before and after parsing) -------------------


@pytest.mark.parametrize(
    "text, depth",
    [
        ("", 0),
        ("a = 1\n", 0),
        (GOOD_STYLE, 1),
        ("a = [1, [2, [3]]]\n", 3),
        ("a = {b = {c = 1}}\n", 2),
        ("a.b.c = 1\n", 2),
        ("[a.b.c]\nx = 1\n", 3),
        ("[a]\nb.c = [[1]]\n", 4),
        ("[[a]]\n[[a.b]]\n", 4),  # each part may be a list of tables
        ("a = [\n  [1],  # [[[[\n  [2],\n]\n", 2),
        ('a = "[[[[[[[[[[" # [[[[[[\n', 0),
        ("a = '[[[[[[[[[[ \\'\nb = [[1]]\n", 2),  # a literal string ends at its quote, backslash or not
        ('a = "\\"[[[[[[[[[["\n', 0),
        ('a = """\n[[[[[[\n\\"""\n{{{{{{\n"""\nb = [1]\n', 1),
        ("a = '''\n[[[[[[\n'' {{{{''''\nb = [1]\n", 1),
        ('"a.b.c" = [1]\n', 1),  # a quoted key with dots is one key
        ("a = " + "[" * 5000 + "]" * 5000, 5000),
        ("[" * 3000, 2999),  # never closed: counted all the same
        ('a = "never closed\n' + "[" * 100, 0),  # the reader stops at the open string
    ],
)
def test_toml_depth_counts_nesting_and_ignores_strings_and_comments(text, depth):
    import tomllib

    assert toml_depth(text) == depth
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):
        return

    def nesting(value) -> int:
        if isinstance(value, dict):
            return 1 + max((nesting(v) for v in value.values()), default=0)
        if isinstance(value, list):
            return 1 + max((nesting(v) for v in value), default=0)
        return 0

    assert nesting(data) - 1 <= depth  # never less than the parser builds


def test_toml_depth_is_quick_on_the_worst_64_kb():
    import time

    n = MAX_STYLE_FILE_BYTES
    for text in ("[" * n, "'a'" * (n // 3), '"\\a' * (n // 3), "#[\n" * (n // 3), "a" + ".a" * (n // 2), "=" * n):
        started = time.perf_counter()
        toml_depth(text)
        assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    "replace_what, with_what, field, length, limit",
    [
        ("Studio test", "N" * (MAX_NAME_CHARS + 1), "name", MAX_NAME_CHARS + 1, MAX_NAME_CHARS),
        ("A test style.", "d" * (MAX_DESCRIPTION_CHARS + 1), "description", MAX_DESCRIPTION_CHARS + 1,
         MAX_DESCRIPTION_CHARS),
        ("navy blazer", "b" * (MAX_PROMPT_PART_CHARS + 1), "prompt.attire", MAX_PROMPT_PART_CHARS + 1,
         MAX_PROMPT_PART_CHARS),
        ("headshot photo of {subject}", "{subject}" + "s" * 2000, "prompt.subject", 2009, MAX_PROMPT_PART_CHARS),
        ('negative = "blurry"', 'negative = """' + "n" * 5000 + '"""', "prompt.negative", 5000, MAX_NEGATIVE_CHARS),
    ],
)
def test_a_text_over_its_limit_is_refused_with_its_length_and_why(tmp_path, replace_what, with_what, field, length,
                                                                  limit):
    path = write_style(tmp_path, "long", GOOD_STYLE.replace(replace_what, with_what))
    with pytest.raises(StyleError) as caught:
        load_style(path)
    error = caught.value
    assert error.field == field and error.path == path
    assert error.message.startswith(
        f"“long.toml”: {field} is {length:,} characters long, more than the {limit:,} allowed ("
    )
    assert error.message.endswith("Fix the file or delete it.")
    assert len(error.message) < 300  # the text itself is not repeated


def test_texts_at_their_limits_load():
    text = (GOOD_STYLE.replace("Studio test", "N" * MAX_NAME_CHARS)
            .replace("A test style.", "d" * MAX_DESCRIPTION_CHARS)
            .replace("navy blazer", "b" * MAX_PROMPT_PART_CHARS)
            .replace('"blurry"', '"' + "n" * MAX_NEGATIVE_CHARS + '"'))
    style = load_style(write_style(user_styles_dir(), "at-limits", text))
    assert len(style.attire) == MAX_PROMPT_PART_CHARS and len(style.name) == MAX_NAME_CHARS


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    import tomllib

    padded = GOOD_STYLE + "#" * (MAX_STYLE_FILE_BYTES - len(GOOD_STYLE) - 1) + "\n"
    assert len(padded.encode()) == MAX_STYLE_FILE_BYTES
    assert load_style(write_style(tmp_path, "just-fits", padded)).name == "Studio test"
    path = write_style(tmp_path, "too-big", padded + "#\n")
    monkeypatch.setattr(tomllib, "loads", lambda *a, **k: pytest.fail("parsed a file over the limit"))
    with pytest.raises(StyleError) as caught:
        load_style(path)
    assert caught.value.message == (
        "“too-big.toml” is 64.0 KB, more than the 64.0 KB a style file may be (a style is a page of text, "
        "about 1 KB). Fix the file or delete it."
    )  # 65,538 bytes: one decimal is all a person needs
    assert str(MAX_STYLE_FILE_BYTES) in caught.value.details.replace(",", "")


def test_a_file_nested_too_deep_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    import tomllib

    ok = 'x = ' + "[" * (MAX_STYLE_DEPTH - 1) + "]" * (MAX_STYLE_DEPTH - 1) + "\n"
    with pytest.raises(StyleError, match="x is not a style setting"):  # parsed, then refused for the key
        load_style(write_style(tmp_path, "deep-ok", ok + GOOD_STYLE))
    path = write_style(tmp_path, "deep", "a = " + "{b = " * 5000 + "1" + "}" * 5000)
    monkeypatch.setattr(tomllib, "loads", lambda *a, **k: pytest.fail("parsed a file nested too deep"))
    with pytest.raises(StyleError) as caught:
        load_style(path)
    assert caught.value.message == (
        f"“deep.toml” nests its lists and sections 5,000 levels deep, more than the {MAX_STYLE_DEPTH} a style "
        f"file may use (a style needs one: [prompt] and [settings]). Fix the file or delete it."
    )


@pytest.mark.parametrize("error", [RecursionError("deep"), MemoryError(), ValueError("odd"), OverflowError("big")])
def test_anything_the_reader_raises_is_that_files_error_alone(monkeypatch, error):
    import tomllib

    real = tomllib.loads
    write_style(user_styles_dir(), "odd")
    write_style(user_styles_dir(), "fine")

    def loads(text, **kwargs):
        if "odd" in loads.calls.pop(0):
            raise error
        return real(text, **kwargs)

    loads.calls = []
    monkeypatch.setattr(tomllib, "loads", loads)
    original = styles._read_style_text

    def read(path, label, *, plain_only):
        loads.calls.append(path.name)
        return original(path, label, plain_only=plain_only)

    monkeypatch.setattr(styles, "_read_style_text", read)
    found, errors = load_styles()
    assert "fine" in found and "odd" not in found and REQUIRED_BUILTINS <= set(found)
    (problem,) = errors
    assert problem.message == (
        "“odd.toml” could not be read as a style file: something in it is too big or too complex to read. "
        "Fix the file or delete it."
    )
    assert type(error).__name__ in problem.details


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda p: os.symlink("/etc/passwd", p),
         "is a link (shortcut) to another file, which Headshot Studio does not follow"),
        (lambda p: os.mkfifo(p), "is not a plain file (it is a pipe, a socket or a device)"),
        (lambda p: p.mkdir(), "is a folder, not a file"),
    ],
    ids=["link", "pipe", "folder"],
)
def test_a_user_style_must_be_a_plain_file(make, words):
    write_style(user_styles_dir(), "fine")
    make(user_styles_dir() / "odd.toml")
    found, errors = load_styles()
    assert "fine" in found
    (problem,) = errors
    assert problem.message.startswith(f"“odd.toml” {words}. ") and problem.path.name == "odd.toml"
    assert "root:" not in problem.message + problem.details  # a link is never read
    with pytest.raises(StyleError) as caught:
        get_style("odd")
    assert words in caught.value.message


def test_builtin_styles_are_trusted_as_shipped(tmp_path, monkeypatch):
    """A packager may ship the styles as links (a shared data folder): they load."""
    resources = tmp_path / "resources"
    (resources / "styles").mkdir(parents=True)
    for source in builtin_styles_dir().glob("*.toml"):
        os.symlink(source, resources / "styles" / source.name)
    monkeypatch.setenv("HEADSHOT_STUDIO_RESOURCES", str(resources))
    found, errors = load_styles()
    assert errors == [] and REQUIRED_BUILTINS <= set(found)


def test_file_names_and_values_in_messages_show_escapes_not_control_characters(tmp_path):
    escapes = 'sampler = "\\u001b[2J' + "k" * 500 + '"'
    path = write_style(tmp_path, "x", GOOD_STYLE.replace('sampler = "euler_a"', escapes))
    with pytest.raises(StyleError) as caught:
        load_style(path)
    assert "\x1b" not in caught.value.message and "\\x1b[2J" in caught.value.message
    assert len(caught.value.message) < 300


def test_a_number_too_big_for_a_float_is_a_plain_error(tmp_path):
    path = write_style(tmp_path, "big", GOOD_STYLE.replace("guidance = 6.0", "guidance = " + "9" * 400))
    with pytest.raises(StyleError, match=r"settings.guidance must be a number from 1 to 15 \(it is a number of more"):
        load_style(path)


# --- limits on the user's own text and on styles made in code ----------------------------


def test_avoid_text_over_the_limit_is_refused_not_cut():
    assert parse_avoid_terms("x" * MAX_AVOID_CHARS) == ["x" * MAX_AVOID_CHARS]
    with pytest.raises(StyleError) as caught:
        parse_avoid_terms("no glasses, " * 100)
    error = caught.value
    assert isinstance(error, InputError) and error.field == "avoid"
    assert error.message.startswith(
        f"What to avoid is 1,200 characters long, more than the {MAX_AVOID_CHARS:,} allowed"
    )
    assert error.message.endswith("Keep the few things that matter most.")
    style = get_style("legal")
    with pytest.raises(StyleError, match="What to avoid is 10,000,000 characters long"):
        compose_prompt(style, SUBJECT, "x" * 10_000_000)


def test_compose_prompt_refuses_over_long_parts_of_a_style_made_in_code():
    style = replace(get_style("legal"), attire="a" * (MAX_PROMPT_PART_CHARS + 1))
    with pytest.raises(StyleError) as caught:
        compose_prompt(style, SUBJECT)
    assert caught.value.field == "prompt.attire"
    assert "prompt.attire is 1,001 characters long, more than the 1,000 allowed" in caught.value.message
    with pytest.raises(StyleError, match="The words for the person are 10,000 characters long"):
        compose_prompt(get_style("legal"), "p" * 10_000)


@pytest.mark.parametrize(
    "change, field, length",
    [
        ({"name": "N" * 10_000}, "name", 10_000),
        ({"description": "d" * 301}, "description", 301),
        ({"lighting": "l" * 1001}, "prompt.lighting", 1001),
        ({"negative": "n, " * 400}, "prompt.negative", 1200),
    ],
)
def test_saving_refuses_over_long_texts_with_the_same_words(change, field, length):
    with pytest.raises(StyleError) as caught:
        save_user_style(replace(get_style("legal"), id="long", **change))
    error = caught.value
    assert error.field == field
    assert f"cannot be saved: {field} is {length:,} characters long, more than the" in error.message
    assert error.message.endswith("Change it and save again.") and len(error.message) < 300
    assert not (user_styles_dir() / "long.toml").exists()


def test_a_style_saved_at_every_limit_loads_back():
    """The worst text (every character escaped in TOML) still fits in a style file."""
    worst = "\x01"
    style = replace(
        get_style("legal"),
        id="fullest",
        name=worst * MAX_NAME_CHARS,
        description=worst * MAX_DESCRIPTION_CHARS,
        subject="{subject}" + worst * (MAX_PROMPT_PART_CHARS - 9),
        attire=worst * MAX_PROMPT_PART_CHARS,
        background=worst * MAX_PROMPT_PART_CHARS,
        lighting=worst * MAX_PROMPT_PART_CHARS,
        composition=worst * MAX_PROMPT_PART_CHARS,
        negative=worst * MAX_NEGATIVE_CHARS,
    )
    path = save_user_style(style)
    assert path.stat().st_size <= MAX_STYLE_FILE_BYTES
    assert load_style(path) == replace(style, source="user", path=path)


# --- [finish]: colour intent and backdrop ------------------------------------------------


def test_every_builtin_style_declares_its_colour_intent_and_the_warm_ones_are_warm():
    styles, errors = load_styles(include_user=False)
    assert errors == []
    warm = {style_id for style_id, style in styles.items() if style.colour == "warm"}
    assert warm == {"academic", "creative-professional", "outdoor-natural-light", "real-estate"}
    assert all(style.kelvin == INTENT_KELVIN[style.colour] for style in styles.values())
    assert all("[finish]" in (paths.resources_dir() / "styles" / f"{i}.toml").read_text() for i in styles)


def test_finish_section_is_read_checked_and_saved(tmp_path):
    folder = paths.data_dir() / "styles"
    (folder).mkdir(parents=True, exist_ok=True)
    (folder / "wall.png").write_bytes(b"not needed to be an image here")
    text = GOOD_STYLE + '\n[finish]\ncolour = "cool"\ncolour_kelvin = 7000\nbackdrop = "image"\nbackdrop_image = "wall.png"\n'
    style = load_style(write_style(folder, "branded", text))
    assert (style.colour, style.kelvin, style.backdrop, style.backdrop_image) == ("cool", 7000, "image", "wall.png")
    assert style.finish().backdrop.image == folder / "wall.png" and style.finish().colour_kelvin == 7000
    save_user_style(replace(style, id="branded-2", path=folder / "branded-2.toml"))
    assert replace(load_style(folder / "branded-2.toml"), id="branded", path=style.path) == style
    gradient = load_style(write_style(folder, "grad", GOOD_STYLE + '[finish]\nbackdrop = "gradient"\n'
                                      'backdrop_colour = "#102030"\nbackdrop_colour2 = "#405060"\n'
                                      'backdrop_direction = "radial"\n'))
    backdrop = gradient.finish().backdrop
    assert (backdrop.kind, backdrop.colour, backdrop.colour2, backdrop.direction) == \
        ("gradient", (16, 32, 48), (64, 80, 96), "radial")


@pytest.mark.parametrize("finish, field, words", [
    ('colour = "golden"', "finish.colour", "neutral, warm, cool"),
    ("colour_kelvin = 1500", "finish.colour_kelvin", "2500 to 10000"),
    ('backdrop = "blurred"', "finish.backdrop", "generated, colour, gradient, image"),
    ('backdrop = "colour"', "finish.backdrop_colour", "is needed"),
    ('backdrop = "colour"\nbackdrop_colour = "blue"', "finish.backdrop_colour", "#3c4a5e"),
    ('backdrop = "image"\nbackdrop_image = "../secret.png"', "finish.backdrop_image", "without a folder"),
    ('backdrop = "image"\nbackdrop_image = "gone.png"', "finish.backdrop_image", "not in the style's folder"),
    ('backdorp = "colour"', "finish.backdorp", "did you mean"),
    ('backdrop = "colour"\nbackdrop_colour = "#102030"\nbackdrop_colour2 = "#405060"', "finish.backdrop_colour2",
     "only used with backdrop = 'gradient'"),
    ('backdrop_image = "wall.png"', "finish.backdrop_image", "only used with backdrop = 'image'"),
])
def test_a_bad_finish_value_is_refused_by_name(tmp_path, finish, field, words):
    with pytest.raises(StyleError) as caught:
        load_style(write_style(tmp_path, "bad", GOOD_STYLE + "\n[finish]\n" + finish + "\n"))
    assert caught.value.field == field and words in caught.value.message
