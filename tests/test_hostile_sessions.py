"""Sessions, wipes, exports and the log against an attacker and a careless user (issue #13):
ids that climb out of the sessions folder, damaged and crafted manifests, two runs of one
session, an ``--out`` that holds the user's files or cannot be written, photo folders full
of links and empty files, names with terminal escapes, and what the log and the folders
keep about a person."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from headshot_studio import cli, paths
from headshot_studio.core import models
from headshot_studio.core.session import (
    SessionBusyError,
    SessionError,
    create_session,
    list_sessions,
    scan_sessions,
    session_lock,
    wipe_session,
)


import hostile_inputs as hostile  # noqa: E402  (tests/hostile_inputs.py, registered by conftest.py)
QUICK = ["--styles", "legal", "--count", "1", "--steps", "2", "--train-steps", "2", "--no-upscale"]


def run_cli(*args: str) -> int:
    return cli.main(list(args))


def tree(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")} if folder.exists() else set()


@pytest.fixture
def installed_tiny(tiny_sd15):
    return models.import_model(tiny_sd15, name="Tiny SD15")


# --- session ids never leave the sessions folder -------------------------------------------


@pytest.mark.parametrize("session_id", ["..", ".", "../..", "../models", "/", "sessions", "a/b", "..\\..", "-", ""])
def test_wipe_of_anything_but_a_session_id_deletes_nothing(session_id, capsys):
    data = paths.data_dir()
    (data / "models" / "imported-model").mkdir(parents=True)
    (data / "models" / "imported-model" / "model_index.json").write_text("{}")
    (data / "styles").mkdir()
    (data / "styles" / "my-style.toml").write_text('name = "Mine"\n')
    session = create_session("Alex Morgan", [])
    before = tree(data)
    assert run_cli("wipe", session_id, "--yes") in (cli.EXIT_FAILED, cli.EXIT_USAGE)
    err = capsys.readouterr().err
    assert "There is no session" in err or "name one session" in err
    assert tree(data) == before and session.path.is_dir()


def test_a_session_folder_that_is_a_link_is_not_followed(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "manifest.json").write_text(json.dumps(hostile.good_manifest()))
    paths.sessions_dir().mkdir(parents=True)
    os.symlink(elsewhere, paths.sessions_dir() / "20261130-100000-aaaaaaaa")
    assert list_sessions() == []
    with pytest.raises(SessionError, match="There is no session"):
        wipe_session("20261130-100000-aaaaaaaa")
    assert (elsewhere / "manifest.json").is_file()


def test_new_session_ids_are_random_and_name_no_one():
    first, second = create_session("Alex Morgan", []), create_session("Alex Morgan", [])
    assert first.id != second.id
    for session in (first, second):
        assert "alex" not in session.id.lower() and session.log_id == session.id
        assert session.name == "Alex Morgan"
    for name, words in (("\x1b[2J\x1b[31mEvil", "control characters"), ("x" * 101, "at most 100"), ("  ", "name")):
        with pytest.raises(SessionError, match=words):
            create_session(name, [])


# --- damaged and crafted manifests ------------------------------------------------------------


@pytest.fixture
def damaged_sessions():
    return hostile.build_session_corpus(paths.sessions_dir())


def test_every_damaged_manifest_is_listed_never_hidden_never_fatal(damaged_sessions, capsys, monkeypatch):
    from headshot_studio.core import files
    from headshot_studio.core.session import MAX_MANIFEST_BYTES, MAX_MANIFEST_DEPTH

    parsed = []  # (characters, nesting) of every text handed to the JSON parser
    real_loads = json.loads
    with monkeypatch.context() as patch:
        patch.setattr(json, "loads", lambda text, *a, **k: (parsed.append((len(text), files.json_depth(text))),
                                                           real_loads(text, *a, **k))[1])
        sessions, damaged = scan_sessions()
    assert [s.id for s in sessions] == ["20261130-100000-0badf00d"]
    assert {d.id for d in damaged} == set(damaged_sessions), {d.id: d.details for d in damaged}
    for entry in damaged:
        assert "is damaged" in entry.message
    # the 10 MB and 5,000-deep manifests are refused from their size and nesting: the
    # parser never sees them (parsing them is what takes seconds, or the whole stack)
    assert parsed and max(size for size, _ in parsed) <= MAX_MANIFEST_BYTES
    assert max(depth for _, depth in parsed) <= MAX_MANIFEST_DEPTH
    assert run_cli("sessions") == cli.EXIT_OK
    out = capsys.readouterr().out
    for session_id in damaged_sessions:
        assert f"{session_id}\tDAMAGED\t" in out
    # continuing one is a plain message, not an internal error
    assert run_cli("run", "--resume", "--session", "20261130-100002-00000002") == cli.EXIT_FAILED
    assert "is damaged and cannot be opened" in capsys.readouterr().err
    # each can be deleted by its id, whatever the folder is called (checked in the loop
    # below), and deleting everything deletes them all, the good one too
    assert run_cli("wipe", "--all", "--yes") == cli.EXIT_OK
    assert tree(paths.sessions_dir()) == set()


def test_each_damaged_session_can_be_deleted_by_its_id(damaged_sessions):
    _, damaged = scan_sessions()
    for entry in damaged:
        assert "is damaged" in entry.message and "headshot-studio wipe -- " in entry.message
        assert run_cli("wipe", "--", entry.id) == cli.EXIT_OK and not os.path.lexists(entry.path), entry.id
    assert [s.id for s in list_sessions()] == ["20261130-100000-0badf00d"]


def test_a_session_folder_left_without_permissions_is_listed_and_can_be_deleted(photos_dir):
    """Another program (a backup tool, a `chmod -R 000`) took away the user's rights on a
    session folder: it is listed as unreadable, and Delete, as advised, removes it. The
    wipe runs as an ordinary user would (root's right to read anything dropped)."""
    if os.geteuid() == 0 and not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: permissions cannot be taken away")
    session = create_session("Locked", sorted(photos_dir.glob("*.jpg"))[:2])
    for folder in (session.path / "photos", session.path):
        folder.chmod(0)
    as_user = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
    listed = subprocess.run([*as_user, sys.executable, "-m", "headshot_studio", "sessions"], capture_output=True,
                            text=True, timeout=300)
    assert listed.returncode == 0 and f"{session.id}\tDAMAGED" in listed.stdout, listed.stdout + listed.stderr
    wiped = subprocess.run([*as_user, sys.executable, "-m", "headshot_studio", "wipe", "--", session.id],
                           capture_output=True, text=True, timeout=300)
    assert wiped.returncode == 0, wiped.stdout + wiped.stderr
    assert "Traceback" not in wiped.stderr and not os.path.lexists(session.path)


def test_a_damaged_session_is_wiped_with_the_cached_analyses_of_its_photos(damaged_sessions, photos_dir):
    from headshot_studio.core.faces import load_face_analyzer
    from headshot_studio.core.quality import check_photos, default_cache

    folder = paths.sessions_dir() / "20261130-100001-00000001"
    photo = photos_dir / "selfie-0.jpg"
    (folder / "photos" / "selfie-0.jpg").write_bytes(photo.read_bytes())  # its copy of a real selfie
    check_photos([photo], load_face_analyzer(()), default_cache())  # the cached analysis, with its face signature
    cache = default_cache().folder
    assert len(list(cache.glob("*.json"))) == 1
    report = wipe_session("20261130-100001-00000001")
    assert not folder.exists() and report.cached_analyses_removed == 1
    assert list(cache.glob("*.json")) == []


def test_the_window_starts_and_lists_damaged_sessions(qtbot, damaged_sessions):
    from PySide6.QtWidgets import QListWidget

    from headshot_studio.ui.app import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.show_page("session")
    listed = window.pages["session"].findChild(QListWidget, "sessionList")
    texts = [listed.item(row).text() for row in range(listed.count())]
    assert sum(text.startswith("Damaged session") for text in texts) == len(damaged_sessions)
    assert any(text.startswith("Alex Morgan") for text in texts)
    window.close()
    window.controller.shutdown() if hasattr(window.controller, "shutdown") else None


# --- one run of a session at a time ---------------------------------------------------------------


def test_a_second_run_of_a_session_is_refused_while_the_first_holds_it(installed_tiny, photos_dir, capsys):
    session = create_session("Busy", list(photos_dir.glob("*.jpg")))
    with holding(session):  # another process runs it
        assert run_cli("run", "--resume", "--session", session.id, *QUICK) == cli.EXIT_FAILED
        assert "is being worked on by another run" in capsys.readouterr().err
        with pytest.raises(SessionBusyError):
            wipe_session(session.id)
        assert run_cli("wipe", "--all", "--yes") == cli.EXIT_FAILED
    assert session.path.is_dir()
    assert run_cli("wipe", session.id) == cli.EXIT_OK  # released: free again


class holding:
    """A session held by another process (_HOLD) for the ``with`` block."""

    def __init__(self, session) -> None:
        self.session = session

    def __enter__(self):
        self.process = subprocess.Popen([sys.executable, "-c", _HOLD, self.session.id], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, env=os.environ.copy())
        assert self.process.stdout.readline().strip() == b"held"
        return self.process

    def __exit__(self, *exc):
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.process.stdout.close()
        return False


_HOLD = """
import sys
from headshot_studio.core.session import open_session, session_lock
with session_lock(open_session(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.read()
"""


def test_a_run_that_was_killed_does_not_leave_its_session_locked():
    session = create_session("Killed", [])
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, session.id], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              env=os.environ.copy())
    assert holder.stdout.readline().strip() == b"held"
    with pytest.raises(SessionBusyError):
        wipe_session(session.id)
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    holder.stdin.close()
    holder.stdout.close()
    assert wipe_session(session.id).sessions == (session.id,)


# --- --out ---------------------------------------------------------------------------------------


def test_out_that_holds_files_is_refused_before_the_run(installed_tiny, photos_dir, tmp_path, capsys, monkeypatch):
    from headshot_studio.core import pipeline

    out = tmp_path / "out"
    out.mkdir()
    (out / "01-legal-0000-s0.png").write_bytes(b"the user's own picture")
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text("the user's own file")
    os.symlink(elsewhere, out / "gallery.json")
    runs = []
    monkeypatch.setattr(pipeline, "run_session", lambda *args, **kwargs: runs.append(args))
    assert run_cli("run", "--photos", str(photos_dir), *QUICK, "--out", str(out)) == cli.EXIT_FAILED
    assert runs == []  # said at once: the run (photo checks, training) never started
    assert "already holds files" in capsys.readouterr().err
    assert list_sessions() == []  # and the session made for it went again, with its copies of the photos
    assert (out / "01-legal-0000-s0.png").read_bytes() == b"the user's own picture"
    assert elsewhere.read_text() == "the user's own file"


def test_out_that_cannot_be_written_is_refused_before_the_run(installed_tiny, photos_dir, tmp_path, capsys):
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("x")
    for out in (not_a_folder / "out", Path("/proc/headshot-studio-out")):  # under a file; a read-only place (even for root)
        assert run_cli("run", "--photos", str(photos_dir), *QUICK, "--out", str(out)) == cli.EXIT_FAILED
        err = capsys.readouterr().err
        assert "cannot write into the folder" in err and "Traceback" not in err and "internal" not in err.lower()


def _mount_tmpfs(folder: Path, size: str) -> bool:
    folder.mkdir()
    return os.geteuid() == 0 and subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                                               capture_output=True).returncode == 0


def test_out_on_a_full_disk_is_refused_before_the_run_with_the_figures(installed_tiny, photos_dir, tmp_path, capsys):
    out = tmp_path / "small"
    if not _mount_tmpfs(out, "1m"):
        pytest.skip("needs root to mount a small tmpfs")
    try:
        assert run_cli("run", "--photos", str(photos_dir), *QUICK, "--out", str(out)) == cli.EXIT_FAILED
        err = capsys.readouterr().err
        assert "free" in err and "need about" in err and "Free up space" in err
        assert tree(out) == set()
    finally:
        subprocess.run(["umount", str(out)], check=True)


def test_an_export_that_fills_the_disk_leaves_no_partial_file(tmp_path):
    from headshot_studio.core.files import publish_new_file

    out = tmp_path / "tiny"
    if not _mount_tmpfs(out, "64k"):
        pytest.skip("needs root to mount a small tmpfs")
    try:
        with pytest.raises(OSError):
            publish_new_file(out / "01-big.png", lambda fh: fh.write(bytes(1_000_000)))
        assert tree(out) == set()  # no 0-byte or half file under the real name, no temp file
    finally:
        subprocess.run(["umount", str(out)], check=True)


def test_publishing_never_replaces_or_follows_what_is_there(tmp_path):
    from headshot_studio.core.files import publish_new_file

    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me")
    os.symlink(target, tmp_path / "gallery.json")
    with pytest.raises(FileExistsError):
        publish_new_file(tmp_path / "gallery.json", lambda fh: fh.write(b"new"))
    assert target.read_text() == "keep me" and (tmp_path / "gallery.json").is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere.txt", "gallery.json"]


# --- --photos -----------------------------------------------------------------------------------------


def test_photos_folder_links_are_never_copied(installed_tiny, photos_dir, tmp_path):
    secret = tmp_path / "shadow"
    secret.write_text("root:$6$the-secret-hash:19000:0:99999:7:::\n")
    os.symlink(secret, photos_dir / "IMG_9999.jpg")
    assert run_cli("run", "--photos", str(photos_dir), *QUICK) == cli.EXIT_OK
    (session,) = list_sessions()
    assert sorted(p.name for p in session.photos_dir.iterdir()) == [f"selfie-{i}.jpg" for i in range(5)]
    for file in paths.data_dir().rglob("*"):
        if file.is_file():
            assert b"the-secret-hash" not in file.read_bytes(), file


def test_a_folder_of_20000_empty_photos_copies_nothing(tmp_path, capsys, monkeypatch):
    import builtins

    folder = tmp_path / "roll"
    folder.mkdir()
    for i in range(20_000):
        (folder / f"IMG_{i:05d}.jpg").touch()
    opened = []  # files in the folder that were opened: an empty file is refused from its size alone
    real_os_open, real_open = os.open, builtins.open
    with monkeypatch.context() as patch:
        patch.setattr(os, "open", lambda path, *a, **k: (opened.append(path), real_os_open(path, *a, **k))[1])
        patch.setattr(builtins, "open", lambda path, *a, **k: (opened.append(path), real_open(path, *a, **k))[1])
        code = run_cli("run", "--photos", str(folder), *QUICK)
    assert code == cli.EXIT_FAILED
    assert "No photos found" in capsys.readouterr().err
    assert tree(paths.sessions_dir()) == set()
    assert [p for p in opened if isinstance(p, (str, os.PathLike)) and Path(p).parent == folder] == []


def test_more_photos_than_a_session_takes_copies_nothing(photos_dir, tmp_path, capsys):
    folder = tmp_path / "many"
    folder.mkdir()
    selfie = (photos_dir / "selfie-0.jpg").read_bytes()
    for i in range(60):
        (folder / f"IMG_{i:03d}.jpg").write_bytes(selfie + bytes([i]))
    assert run_cli("run", "--photos", str(folder), *QUICK) == cli.EXIT_FAILED
    assert "a session takes at most 50" in capsys.readouterr().err
    assert tree(paths.sessions_dir()) == set()


# --- names, the log and permissions -----------------------------------------------------------------


def test_names_with_terminal_escapes_are_printed_as_escapes(photos_dir, capsys):
    evil = photos_dir / "a\x1b[2J\x1b]0;pwned\x07b.jpg"
    evil.write_bytes((photos_dir / "selfie-0.jpg").read_bytes())
    assert run_cli("check", str(evil)) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\\x1b[2J" in out


_PRIVATE_RUN = """
import os, sys
os.umask(0o022)  # a desktop's usual: the app must tighten it itself
from headshot_studio.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_the_log_names_no_person_and_no_photo_and_everything_is_private(photos_dir, tmp_path, tiny_sd15):
    """Runs as a user makes them: a client's name (with quotes in it), photos named after
    her (with spaces), one of them rejected, a run that stops because too few photos are
    usable, two runs at once. Then everything is deleted. Nothing in the log names her or
    a photo, and what the app keeps is readable by its owner only."""
    named = tmp_path / "Jane Doe selfies"
    named.mkdir()
    for i, photo in enumerate(sorted(photos_dir.glob("*.jpg"))):
        (named / f"Jane Doe {i}.jpg").write_bytes(photo.read_bytes())
    (named / "Jane Doe broken.jpg").write_bytes(b"not a photo")
    few = tmp_path / "Jane Doe few"
    few.mkdir()
    (few / "Jane Doe 1.jpg").write_bytes((photos_dir / "selfie-0.jpg").read_bytes())
    (few / "Jane Doe 2.jpg").write_bytes(b"not an image")
    env = os.environ.copy()

    def app(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", _PRIVATE_RUN, "--verbose", *args], capture_output=True,
                              text=True, timeout=300, env=env)

    assert app("check", str(named)).returncode == 0
    result = app("run", "--photos", str(named), "--name", "Jane “JD” Doe", *QUICK)  # no model installed: it stops
    assert result.returncode == cli.EXIT_FAILED and "No base model" in result.stderr
    assert list_sessions() == []  # refused before any work: the session made for it went again
    assert app("models", "import", str(tiny_sd15), "--name", "Tiny").returncode == 0
    result = app("run", "--photos", str(few), "--name", "Jane “JD” Doe", *QUICK)
    assert result.returncode == cli.EXIT_FAILED and "Not ready yet" in result.stderr, result.stderr
    (session,) = list_sessions()
    with holding(session):  # a second run of it, refused: its message quotes her name
        busy = app("run", "--resume", "--session", session.id, *QUICK)
    assert busy.returncode == cli.EXIT_FAILED and "being worked on" in busy.stderr
    for path in [session.path, *session.path.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        assert mode & 0o077 == 0, f"{path.relative_to(session.path)} is {oct(mode)}"
    log_dir, log = paths.log_dir(), paths.log_file()
    assert stat.S_IMODE(log_dir.stat().st_mode) == 0o700 and stat.S_IMODE(log.stat().st_mode) == 0o600
    text = log.read_text()
    assert "Not ready yet" in text and "being worked on" in text  # the failures are logged, without names
    assert "jane" not in text.lower() and "doe" not in text.lower() and "JD" not in text, text
    assert app("wipe", "--all", "--yes").returncode == 0
    after = "".join(f.read_text() for f in log_dir.iterdir())
    assert "jane" not in after.lower()
    assert tree(paths.sessions_dir()) == set()


# --- findings of an attack on the first version of these defences --------------------------------


@pytest.fixture
def finished_looking_session(photos_dir):
    """A session whose outputs/final holds one PNG, as a finished run leaves it."""
    from PIL import Image

    session = create_session("Gallery", [])
    session.final_dir.mkdir(parents=True)
    Image.new("RGB", (64, 64), (90, 90, 90)).save(session.final_dir / "legal-0000-s0.png")
    return session


def test_a_crafted_gallery_is_no_gallery_and_never_reaches_outside(finished_looking_session, tmp_path, qtbot, capsys):
    from headshot_studio.core.session import delete_output

    session = finished_looking_session
    victim = tmp_path / "victim" / "keep.png"
    victim.parent.mkdir()
    victim.write_bytes(b"the user's own picture")
    victim.with_suffix(".json").write_text("{}")
    for what, content in hostile.build_gallery_corpus(session.path, victim).items():
        session.gallery_file.write_bytes(content)
        assert session.gallery() == [], what
        assert session.thumbnail() is None or session.thumbnail().is_relative_to(session.path), what
        assert run_cli("sessions") == cli.EXIT_OK, what
        assert "\t0 headshots\t" in capsys.readouterr().out, what
        for name in (str(victim), "../../" + victim.name):
            with pytest.raises(SessionError):
                delete_output(session, name)
        assert victim.read_bytes() == b"the user's own picture" and victim.with_suffix(".json").is_file(), what
    session.gallery_file.unlink()
    os.mkfifo(session.gallery_file)  # a pipe: read as no gallery, at once (never waited on)
    assert session.gallery() == []
    from headshot_studio.ui.app import MainWindow

    window = MainWindow()  # starts with a pipe for a gallery
    qtbot.addWidget(window)
    window.show_page("session")
    window.close()


def test_a_failed_run_leaves_no_session_with_copies_of_the_photos(installed_tiny, photos_dir, tmp_path, capsys):
    out = tmp_path / "full"
    out.mkdir()
    (out / "mine.txt").write_text("x")
    for options in (["--model", "no-such-model"], ["--out", str(out)], ["--out", "/dev/null"],
                    ["--out", str(paths.data_dir() / "exports")]):
        assert run_cli("run", "--photos", str(photos_dir), *QUICK, *options) == cli.EXIT_FAILED, options
        err = capsys.readouterr().err
        assert "Traceback" not in err and "Something went wrong" not in err, err
    assert "inside Headshot Studio's own folders" in err
    assert tree(paths.sessions_dir()) == set()


def test_the_session_lock_is_reentrant_in_one_process_and_exclusive_across_processes():
    session = create_session("Nested", [])
    with session_lock(session):
        with session_lock(session):  # the command line holds it, then the run takes it again
            pass
        with pytest.raises(SessionBusyError):
            wipe_session(session.id)  # still held by the outer one
    assert wipe_session(session.id).sessions == (session.id,)


def test_a_photo_that_cannot_be_read_is_a_plain_message(photos_dir, monkeypatch):
    from headshot_studio.core import files

    locked = photos_dir / "selfie-2.jpg"
    real_open = os.open

    def refusing(path, *args, **kwargs):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(files.os, "open", refusing)
    with pytest.raises(SessionError, match="you do not have permission"):
        create_session("Locked", sorted(photos_dir.glob("*.jpg")))
    assert tree(paths.sessions_dir()) == set()


def test_a_broken_settings_file_does_not_stop_the_app(capsys, caplog):
    settings = paths.settings_file()
    settings.parent.mkdir(parents=True)
    settings.write_text("[" * 100_000 + "]" * 100_000)
    with caplog.at_level(logging.WARNING, logger="headshot_studio.settings"):
        assert run_cli("models", "list") == cli.EXIT_OK
    assert "nested 100000 levels deep, more than the 8 allowed); using defaults" in caplog.text, caplog.text
    caplog.clear()
    settings.unlink()
    os.mkfifo(settings)
    # A pipe is never opened for reading (that would wait for a writer for ever): it is
    # refused from its entry, said in the log, and the defaults are used.
    with caplog.at_level(logging.WARNING, logger="headshot_studio.settings"):
        assert run_cli("models", "list") == cli.EXIT_OK
    (warning,) = [r.getMessage() for r in caplog.records if r.name == "headshot_studio.settings"]
    assert "is not a plain file (it is a pipe" in warning and warning.endswith("using defaults")


def test_without_a_screen_the_window_says_so(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "headshot_studio"], capture_output=True, text=True, timeout=60,
                            env=env)
    assert result.returncode == cli.EXIT_FAILED and "no screen to show the window on" in result.stderr
    assert "Traceback" not in result.stderr and "Reinstalling" not in result.stderr


def test_an_out_folder_the_app_makes_gets_the_users_usual_permissions(installed_tiny, photos_dir, tmp_path):
    out = tmp_path / "made" / "headshots"
    result = subprocess.run([sys.executable, "-c", _PRIVATE_RUN, "run", "--photos", str(photos_dir), *QUICK,
                             "--out", str(out)], capture_output=True, text=True, timeout=300, env=os.environ.copy())
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o644 for f in out.iterdir())


@pytest.mark.parametrize("section, values", [("training", {"rank": "x"}), ("postprocess", {"face_detail_strength": float("nan")}),
                                             ("training", {"steps": 2.5}), ("training", {"no_such_setting": 1})])
def test_recorded_settings_of_the_wrong_kind_are_a_damaged_session(installed_tiny, photos_dir, section, values, capsys):
    session = create_session("Recorded", sorted(photos_dir.glob("*.jpg")))
    session.manifest["settings"] = {section: values}
    session.save()
    assert run_cli("run", "--resume", "--session", session.id, *QUICK) == cli.EXIT_FAILED
    err = capsys.readouterr().err
    assert "recorded settings are damaged" in err and "Something went wrong" not in err
