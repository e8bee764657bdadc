"""The user's styles folder against an attacker and a careless user: style files nested
thousands deep, ten megabytes long, links, pipes, devices and folders named like styles,
bytes that are not text. Each is listed as broken, by name, with what to do; none hides
the other styles, stops the ``styles`` command or a run, or keeps the window from starting
(the window test is in tests/ui/test_styles_page.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from headshot_studio.core.styles import StyleError, builtin_styles_dir, get_style, load_styles, user_styles_dir


import hostile_inputs as hostile  # noqa: E402  (tests/hostile_inputs.py, registered by conftest.py)
BUILTIN_IDS = {p.stem for p in builtin_styles_dir().glob("*.toml")}


@pytest.fixture
def corpus():
    return hostile.build_style_corpus(user_styles_dir())


def broken(corpus: dict) -> dict:
    return {name: case for name, case in corpus.items() if not case["loads"]}


def test_every_hostile_style_file_is_one_error_and_the_others_still_load(corpus, monkeypatch):
    import tomllib

    from headshot_studio.core.styles import MAX_STYLE_DEPTH, MAX_STYLE_FILE_BYTES, toml_depth

    parsed = []  # (characters, nesting) of every text handed to the TOML parser
    real_loads = tomllib.loads
    with monkeypatch.context() as patch:
        patch.setattr(tomllib, "loads", lambda text, *a, **k: (parsed.append((len(text), toml_depth(text))),
                                                              real_loads(text, *a, **k))[1])
        found, errors = load_styles()
    # refused from their size, depth or folder entry: nothing big or deep reaches the
    # parser (which is what takes seconds, or the whole stack)
    assert parsed and max(size for size, _ in parsed) <= MAX_STYLE_FILE_BYTES
    assert max(depth for _, depth in parsed) <= MAX_STYLE_DEPTH

    assert set(found) == BUILTIN_IDS | {"good-plain", "brackets-in-strings"}
    assert found["brackets-in-strings"].attire.startswith("multi-line [[[[[[[[[[ {{{{{{{{{{ \"\"\" still")
    assert {e.path.name for e in errors} == set(broken(corpus))
    assert len(errors) == len(broken(corpus))  # one each
    for error in errors:
        case = corpus[error.path.name]
        assert isinstance(error, StyleError)
        assert case["words"] in error.message, f"{case['what']}: {error.message}"
        assert error.message.startswith("“"), error.message
        assert str(user_styles_dir()) not in error.message and "Traceback" not in error.message
        assert "\x1b" not in error.message and "\x00" not in error.message
        assert len(error.message) < 400, case["what"]
        assert "root:" not in error.message + error.details  # /etc/passwd was never read
    assert (user_styles_dir() / "pipe.toml").exists()  # nothing was removed


def test_a_run_asks_for_styles_by_id_and_gets_the_files_own_problem(corpus):
    """pipeline.generation_requests asks for each style with get_style."""
    assert get_style("legal").source == "builtin"
    assert get_style("good-plain").source == "user"
    for style_id, words in (("deep-array", "levels deep"), ("huge-string", "a style file may be"),
                            ("pipe", "is not a plain file"), ("link-passwd", "is a link")):
        with pytest.raises(StyleError) as caught:
            get_style(style_id)
        assert words in caught.value.message


def test_the_styles_command_lists_the_good_styles_and_one_error_per_bad_file(corpus):
    """In a fresh process, as a user runs it: exit 0, no traceback, nothing hangs."""
    env = os.environ.copy()  # HEADSHOT_STUDIO_HOME is this test's home (conftest)
    env.pop("PYTHONWARNINGS", None)
    result = subprocess.run([sys.executable, "-m", "headshot_studio", "styles"], capture_output=True, text=True,
                            timeout=120, env=env, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr and "internal" not in result.stderr.lower()
    assert "\x1b" not in result.stdout + result.stderr
    listed = {line.split("\t")[0] for line in result.stdout.splitlines() if line.strip()}
    assert listed == BUILTIN_IDS | {"good-plain", "brackets-in-strings"}
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == len(broken(corpus)), result.stderr
    for name, case in broken(corpus).items():
        shown = name.encode("unicode_escape").decode("ascii") if not name.isprintable() else name
        (line,) = [e for e in errors if f"“{shown}”" in e]
        assert case["words"] in line, f"{case['what']}: {line}"


def test_a_run_is_checked_with_the_hostile_files_present(corpus):
    """What ``headshot-studio run`` and the Create page do before any heavy work: the
    good styles make bounded prompts, a broken one and an over-long avoid text are plain
    errors (an InputError the CLI and the window show as a message)."""
    from headshot_studio.core.events import InputError
    from headshot_studio.core.pipeline import RunRequest, check_run
    from headshot_studio.core.session import create_session

    session = create_session("Hostile styles", [])

    def request(styles: tuple[str, ...], avoid: str = "no glasses") -> RunRequest:
        return RunRequest(model=None, plan=None, styles=styles, count=1, avoid=avoid)

    batches = check_run(session, request(("legal", "good-plain", "brackets-in-strings")))
    for _, requests in batches:
        (generation,) = requests
        assert len(generation.prompt) < 6_000 and len(generation.negative_prompt) < 3_000
        assert generation.negative_prompt.endswith("glasses")
    for style_id in ("deep-array", "deep-inline-table", "huge-string", "pipe", "folder", "link-passwd"):
        with pytest.raises(StyleError) as caught:
            check_run(session, request(("legal", style_id)))
        assert corpus[f"{style_id}.toml"]["words"] in caught.value.message
    with pytest.raises(InputError, match="What to avoid is 2,000 characters long"):
        check_run(session, request(("legal",), avoid="x" * 2000))


def test_an_over_long_avoid_is_refused_before_a_session_is_made(photos_dir, capsys):
    from headshot_studio import cli, paths

    code = cli.main(["run", "--photos", str(photos_dir), "--avoid", "no glasses, " * 200])
    assert code == cli.EXIT_FAILED
    assert "What to avoid is 2,400 characters long" in capsys.readouterr().err
    assert not paths.sessions_dir().exists() or not any(paths.sessions_dir().iterdir())


def test_the_window_waits_with_the_reason_while_avoid_is_too_long(qtbot):
    from headshot_studio.settings import Settings
    from headshot_studio.ui.controller import AppController

    controller = AppController(Settings())
    try:
        controller.new_session("Avoid")
        # everything else ready: a model, this computer, the face already learned
        controller.models, controller.device = ["a model"], "a computer"
        controller.session.manifest["photos_deleted"] = True
        controller.set_avoid("no tie " * 200)
        ready, reason = controller.can_start()
        assert not ready and "What to avoid is 1,400 characters long" in reason
    finally:
        controller.shutdown()
