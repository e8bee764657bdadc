"""Every limit lives in core/limits.py: no other file of the package carries the old
literals (issue 15), and messages are formatted from the named limits."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

import headshot_studio
from headshot_studio.core import limits

PACKAGE = Path(headshot_studio.__file__).parent

# (pattern, what it is, an old line it caught): the examples prove each pattern can match.
OLD_LITERALS = [
    (r"(max_train_steps\W+|MAX_STEPS\s*=\s*|at most )800\b", "training step cap", '"max_train_steps": 800'),
    (r"\b150\s*\*|\b150 per photo", "training steps per photo", "max(1, min(MAX_STEPS, 150 * n_images))"),
    (r"\b8\s*[–-]\s*15\b|\(8, 15\)", "ideal number of photos", '"Turn 8–15 ordinary selfies'),
    (r"min_photos: int = \d|max_photos: int = \d", "photo counts", "max_photos: int = 50"),
    (r"\b\d+(\.\d+)? GB (of graphics memory )?or more", "graphics memory needed", "needs one (8 GB or more)"),
    (r"\(\d+\.0, 1, True, 1, True, True, True\)", "lightest VRAM tier", "(4.0, 1, True, 1, True, True, True),"),
    (r"CPU_RAM_GB\s*=\s*\{", "processor memory", 'CPU_RAM_GB = {"sd15": 8.0, "sdxl": 28.0}'),
    (r"\b(not )?in \((1, )?2, 4\)|choices=\(2, 4\)", "upscale factors", "if options.upscale in (2, 4):"),
    (r"(sampler|scheduler)\w*\s*(:\s*str\s*)?=\s*\"dpmpp", "default sampler", 'scheduler: str = "dpmpp_2m"'),
    (r"\(10, 80\)|\(1\.0, 15\.0\)|\(256, 2048\)|between 1 and 150|between 0 and 30", "step and guidance ranges",
     'raise InputError(f"Steps must be between 1 and 150 (got {request.steps}).")'),
    (r"guidance\w*\s*(:\s*float\s*)?=\s*\d+\.\d+|\bsteps\s*(:\s*int\s*)?=\s*30\b", "style defaults", "steps: int = 30"),
    (r"max=100\b|MAX_PER_STYLE\s*=", "images per style", "min=1, max=100)"),
    (r"\bcount\w*\s*(:\s*int\s*)?=\s*4\b|\b4 more\b|_setting\(4,", "images per style and more like this",
     "def more_like_this(self, item: dict, count: int = 4) -> None:"),
    (r"(?<![b\w])[\"']\.?heic[\"']", "photo file types", 'PHOTO_SUFFIXES = ("jpg", "jpeg", "png", "webp", "bmp", "heic", "heif")'),
    (r"(LONG_SIDE_PX|SQUARE_PX)\s*=\s*\d|\b400x400\b|\"1024 px\"", "export sizes", "SQUARE_PX = 400"),
]


def _code_only(source: str) -> str:
    """``source`` without comments and docstrings (they may explain a figure), one line
    per line so line numbers still match."""
    lines = source.splitlines(keepends=True)
    blank: list[tuple[tuple[int, int], tuple[int, int]]] = []
    previous = tokenize.NEWLINE
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            blank.append((token.start, token.end))
        elif token.type == tokenize.STRING and previous in (tokenize.NEWLINE, tokenize.INDENT, tokenize.NL,
                                                            tokenize.DEDENT):
            blank.append((token.start, token.end))  # a string that is a statement: a docstring
        if token.type not in (tokenize.COMMENT, tokenize.NL):
            previous = token.type
    for (start_row, start_col), (end_row, end_col) in reversed(blank):
        for row in range(start_row, end_row + 1):
            line = lines[row - 1]
            a = start_col if row == start_row else 0
            b = end_col if row == end_row else len(line.rstrip("\n"))
            lines[row - 1] = line[:a] + " " * (b - a) + line[b:]
    return "".join(lines)


@pytest.mark.parametrize("pattern, what, example", OLD_LITERALS, ids=[w for _, w, _ in OLD_LITERALS])
def test_pattern_catches_the_old_literal(pattern, what, example):
    assert re.search(pattern, example), f"the pattern for {what} no longer matches its example"


def test_no_file_but_limits_carries_the_old_literals():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "core" / "limits.py":
            continue
        code = _code_only(path.read_text(encoding="utf-8"))
        for number, line in enumerate(code.splitlines(), 1):
            for pattern, what, _ in OLD_LITERALS:
                if re.search(pattern, line):
                    found.append(f"{path.relative_to(PACKAGE)}:{number}: {what}: {line.strip()}")
    assert not found, "limits outside core/limits.py:\n" + "\n".join(found)


def test_docstrings_and_comments_are_not_code():
    code = _code_only('"""8–15 photos"""\nx = 1  # 800 steps\ny = "8–15"\n')
    assert "8–15 photos" not in code and "800" not in code and 'y = "8–15"' in code


def test_messages_are_formatted_from_the_limits(monkeypatch):
    """Change a limit and the words change with it: nothing keeps a copy of the number."""
    from headshot_studio.cli import build_parser
    from headshot_studio.core.generation import GenerationRequest, check_request
    from headshot_studio.core.events import InputError

    monkeypatch.setattr(limits, "IDEAL_PHOTOS", (6, 12))
    assert limits.ideal_photos_text() == "6–12"
    help_text = build_parser()._subparsers._group_actions[0].choices["run"].format_help()
    assert f"at most {limits.MAX_TRAIN_STEPS}" in " ".join(help_text.split())
    with pytest.raises(InputError, match=f"between {limits.STEPS_RANGE[0]} and {limits.STEPS_RANGE[1]}"):
        check_request(GenerationRequest("a photo", seed=1, steps=limits.STEPS_RANGE[1] + 1))
    assert GenerationRequest("a photo", seed=1).scheduler == limits.DEFAULT_SAMPLER
