"""Photos are added off the window's thread (controller.add_photos -> add_worker): listed,
hashed and copied in by a background job, one add after another. While that runs the
controller says ``adding`` (and ``analysing``); then the photos are in the session and
their checks start. A session closed or switched meanwhile never gets them; errors come
as ``controller.error``, as before: too many photos refused before anything is copied,
the files that cannot be opened named in one message.

The tests hold the job at a gate (a threading.Event the patched core step waits on), so
"while an add runs" is a fact, not a race; a gate is always opened again, so no thread
outlives a test."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from headshot_studio.core import images, session as core_session
from headshot_studio.core.limits import MAX_PHOTOS

TIMEOUT_MS = 60_000


@pytest.fixture
def errors(controller):
    shown: list[tuple[str, str, str]] = []
    controller.error.connect(lambda kind, message, details: shown.append((kind, message, details)))
    return shown


@pytest.fixture
def checks(controller, monkeypatch):
    """The photos sent to be checked (the checks themselves do not run: not needed here)."""
    sent: list[Path] = []
    monkeypatch.setattr(controller.analysis, "analyze", lambda paths: sent.extend(Path(p) for p in paths))
    return sent


class Gate:
    """Holds a core step on the worker thread until the test opens it."""

    def __init__(self, monkeypatch, module, name: str) -> None:
        self.entered, self.opened = threading.Event(), threading.Event()
        real = getattr(module, name)

        def held(*args, **kwargs):
            self.entered.set()
            if not self.opened.wait(30):
                raise TimeoutError("the test never opened the gate")
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, held)

    def wait_entered(self) -> None:
        assert self.entered.wait(30), "the add never reached the gate"

    def open(self) -> None:
        self.opened.set()


@pytest.fixture
def gates(monkeypatch):
    made: list[Gate] = []

    def make(module, name: str) -> Gate:
        gate = Gate(monkeypatch, module, name)
        made.append(gate)
        return gate

    yield make
    for gate in made:  # a failing test must not leave its worker waiting
        gate.open()


def wait_added(qtbot, controller) -> None:
    qtbot.waitUntil(lambda: not controller.adding, timeout=TIMEOUT_MS)


def on_disk(session_id: str) -> tuple[list[str], list[str]]:
    """(photo names in the manifest on disk, files in the photos folder) of a session."""
    from headshot_studio.core.session import open_session

    reopened = open_session(session_id)
    folder = reopened.photos_dir
    files = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    return sorted(entry["name"] for entry in reopened.manifest["photos"]), files


def test_photos_are_added_in_the_background_then_checked(qtbot, controller, photos_dir, checks, gates):
    controller.new_session("Test")
    changes = []
    controller.photos_changed.connect(lambda: changes.append(controller.photo_paths()))
    gate = gates(core_session, "add_photos")
    controller.add_photos([photos_dir])
    gate.wait_entered()
    # the window's thread is free: nothing is in the session yet, and the page can say why
    assert controller.adding and controller.analysing and controller.photo_paths() == []
    assert controller.set_status().sentence == "Adding photos…"
    gate.open()
    wait_added(qtbot, controller)
    names = [p.name for p in controller.photo_paths()]
    assert names == [f"selfie-{i}.jpg" for i in range(5)]
    assert checks == controller.photo_paths()  # each new photo sent to be checked, once
    assert changes[-1] == controller.photo_paths()  # photos_changed once they are in
    assert controller.set_status().sentence != "Adding photos…"
    # the manifest on disk and the open session agree, and the copies are there
    assert on_disk(controller.session.id) == (sorted(names), sorted(names))


def test_adds_while_one_runs_wait_their_turn_and_keep_each_photo_once(qtbot, controller, photos_dir, checks,
                                                                        gates, errors):
    controller.new_session("Test")
    gate = gates(core_session, "add_photos")
    controller.add_photos([photos_dir / "selfie-0.jpg", photos_dir / "selfie-1.jpg"])
    gate.wait_entered()
    controller.add_photos([photos_dir / "selfie-1.jpg", photos_dir / "selfie-2.jpg"])  # selfie-1 twice
    controller.add_photos([photos_dir])  # and all five again
    assert controller.adding and controller.photo_paths() == []
    gate.open()
    wait_added(qtbot, controller)
    names = [p.name for p in controller.photo_paths()]
    assert names == ["selfie-0.jpg", "selfie-1.jpg", "selfie-2.jpg", "selfie-3.jpg", "selfie-4.jpg"]
    assert sorted(checks) == sorted(controller.photo_paths())  # each checked once
    assert on_disk(controller.session.id) == (sorted(names), sorted(names))
    assert errors == []


def test_a_session_closed_or_switched_mid_add_never_gets_the_photos(qtbot, controller, photos_dir, checks, gates):
    # closed before the copying starts: nothing is copied anywhere
    controller.new_session("First")
    first = controller.session.id
    listing = gates(images, "scan_photos")
    controller.add_photos([photos_dir])
    listing.wait_entered()
    controller.close_session()
    listing.open()
    wait_added(qtbot, controller)
    assert controller.session is None and controller.photo_paths() == [] and checks == []
    assert on_disk(first) == ([], [])

    # switched while copying: the photos stay in the session they were dropped on, whole,
    # and the session now open has none of them
    controller.open_session(first)
    copying = gates(core_session, "add_photos")
    controller.add_photos([photos_dir / "selfie-0.jpg"])
    copying.wait_entered()
    controller.new_session("Second")
    assert controller.adding and controller.set_status().sentence == "Adding photos…"
    copying.open()
    wait_added(qtbot, controller)
    assert controller.session.name == "Second" and controller.photo_paths() == [] and checks == []
    assert on_disk(first) == (["selfie-0.jpg"], ["selfie-0.jpg"])  # the manifest and the folder agree


def test_a_session_reopened_mid_add_gets_its_photos(qtbot, controller, photos_dir, checks, gates):
    controller.new_session("Test")
    session_id = controller.session.id
    copying = gates(core_session, "add_photos")
    controller.add_photos([photos_dir / "selfie-0.jpg"])
    copying.wait_entered()
    controller.close_session()
    controller.open_session(session_id)
    copying.open()
    wait_added(qtbot, controller)
    # the copy was under way when the session was reopened: it finished into this very
    # session, so the open session shows it (it is not lost when the manifest is saved next)
    names, files = on_disk(session_id)
    assert [p.name for p in controller.photo_paths()] == names == files
    controller.set_avoid("glasses")  # saves the manifest
    assert on_disk(session_id) == (names, files)


def test_deleting_the_session_mid_add_leaves_nothing_behind(qtbot, controller, photos_dir, gates):
    from headshot_studio.core.session import session_folder

    controller.new_session("Test")
    session_id = controller.session.id
    folder = session_folder(session_id)
    copying = gates(core_session, "add_photos")
    controller.add_photos([photos_dir])
    copying.wait_entered()
    threading.Timer(0.2, copying.open).start()  # delete_session waits for the add to end
    controller.delete_session(session_id)
    wait_added(qtbot, controller)
    assert not os.path.lexists(folder)  # the add did not make the folder again


def test_too_many_photos_are_refused_before_anything_is_copied(qtbot, controller, photos_dir, checks, errors,
                                                                tmp_path):
    controller.new_session("Test")
    many = tmp_path / "many"
    many.mkdir()
    for i in range(MAX_PHOTOS + 1):
        shutil.copy(photos_dir / f"selfie-{i % 5}.jpg", many / f"IMG_{i:04d}.jpg")
    controller.add_photos([many])
    wait_added(qtbot, controller)
    assert len(errors) == 1 and f"a session takes at most {MAX_PHOTOS}" in errors[0][1]
    assert controller.photo_paths() == [] and checks == []
    assert on_disk(controller.session.id) == ([], [])
    # the session still takes photos afterwards
    controller.add_photos([photos_dir / "selfie-0.jpg"])
    wait_added(qtbot, controller)
    assert [p.name for p in controller.photo_paths()] == ["selfie-0.jpg"] and len(errors) == 1


def test_files_that_cannot_be_opened_are_named_in_one_message(qtbot, controller, photos_dir, checks, errors,
                                                              tmp_path):
    controller.new_session("Test")
    dropped = tmp_path / "dropped"
    dropped.mkdir()
    shutil.copy(photos_dir / "selfie-0.jpg", dropped / "good.jpg")
    (dropped / "dangling.jpg").symlink_to(tmp_path / "gone.jpg")
    os.mkfifo(dropped / "pipe.jpg")
    controller.add_photos([dropped])
    wait_added(qtbot, controller)
    assert [p.name for p in controller.photo_paths()] == ["good.jpg"] and checks == controller.photo_paths()
    assert len(errors) == 1
    kind, message, details = errors[0]
    assert kind == "bad_input" and message.startswith("2 files were not added:")
    assert "dangling.jpg" in details and "pipe.jpg" in details


def test_a_source_that_does_not_exist_is_an_error_and_nothing_is_added(qtbot, controller, tmp_path, checks, errors):
    controller.new_session("Test")
    controller.add_photos([tmp_path / "nowhere"])
    wait_added(qtbot, controller)
    assert len(errors) == 1 and "does not exist" in errors[0][1]
    assert controller.photo_paths() == [] and checks == []


def test_closing_the_window_mid_add_waits_for_the_add(qtbot, photos_dir, gates):
    from headshot_studio.settings import Settings
    from headshot_studio.ui.controller import AppController

    controller = AppController(Settings())
    controller.new_session("Test")
    copying = gates(core_session, "add_photos")
    controller.add_photos([photos_dir])
    copying.wait_entered()
    threading.Timer(0.2, copying.open).start()
    controller.shutdown()  # returns once the add's thread has ended (the fixture checks it)
    assert not controller.add_worker.state.busy
