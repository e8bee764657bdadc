"""Studio mode's parts, each on its own: the queue file, adding and retrying clients,
delivery (ZIP and contact sheet), the per-GPU workers, and what a worker accepts."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from PIL import Image

from headshot_studio.core.events import InputError
from headshot_studio.core.session import create_session, set_favourite
from headshot_studio.studio import cluster, jobs, runner
from headshot_studio.studio.certs import Authority
from headshot_studio.studio.clients import add_client, parse_styles, retry_client, wipe_client
from headshot_studio.studio.delivery import SHEET_SIZE, deliver, safe_name
from headshot_studio.studio.queue import Client, QueueError, StudioQueue, new_client_id
from headshot_studio.testing import face_photos


def _client(name: str, **fields) -> Client:
    return Client(id=new_client_id(), name=name, session_id=fields.pop("session_id", "s"),
                  styles={"corporate-executive": 2}, **fields)


# --- the queue file --------------------------------------------------------------------------


def test_the_queue_is_kept_on_disk_in_order_with_every_change():
    queue = StudioQueue()
    for name in ("Ann", "Bob", "Cem"):
        queue.add(_client(name))
    ids = [c.id for c in queue.read().clients]
    queue.move(ids[2], 0)
    queue.set_paused(True, ids[1])
    again = StudioQueue()  # another window, the command line, the app after a restart
    assert [c.name for c in again.read().clients] == ["Cem", "Ann", "Bob"]
    assert again.read().next_waiting().name == "Cem"
    assert again.read().next_waiting(skip={ids[2]}).name == "Ann"
    again.set_paused(True)
    assert again.read().next_waiting() is None
    again.set_paused(False)
    with again.edit() as data:
        data.client(ids[2]).state = "running"
    with queue.running(), pytest.raises(QueueError, match="being worked on"):
        queue.remove(ids[2])
    assert queue.recover() == ["Cem"]  # a crash left it running: it waits again
    assert queue.read().client(ids[2]).state == "waiting"
    assert queue.remove(ids[0]).name == "Ann" and len(queue.read().clients) == 2
    with pytest.raises(QueueError, match="no client"):
        queue.read().client("nobody")


def test_time_left_goes_by_the_clients_done_and_the_workers():
    queue = StudioQueue()
    queue.add(_client("Ann", state="delivered", seconds=600.0))
    queue.add(_client("Bob"))
    queue.add(_client("Cem"))
    assert queue.time_left(1) == 1200.0
    assert queue.time_left(2, {"x": 100.0}) == 650.0
    fresh = StudioQueue(queue.folder.parent / "other")
    fresh.add(_client("Dee"))
    assert fresh.time_left(1) is None  # nothing to go by yet


@pytest.mark.parametrize("content", [
    b"{not json", b"", json.dumps({"schema_version": 99, "clients": []}).encode(),
    json.dumps({"schema_version": 1, "clients": [{"id": "a", "name": "x", "session_id": "s", "styles": {},
                                                  "state": "hacked"}]}).encode(),
    json.dumps({"schema_version": 1, "clients": [{"id": "a", "name": 5, "session_id": "s", "styles": {}}]}).encode(),
    json.dumps({"schema_version": 1, "clients": [{"id": "a", "name": "x", "session_id": "s",
                                                  "styles": {"corporate-executive": 10**9}}]}).encode(),
    json.dumps({"schema_version": 1, "clients": [{"id": "a", "name": "x", "session_id": "s", "styles": {}}] * 2}).encode(),
    b"[" * 100000,
])
def test_a_damaged_or_crafted_queue_file_is_said_plainly_and_left_alone(content):
    queue = StudioQueue()
    queue.folder.mkdir(parents=True)
    queue.file.write_bytes(content)
    with pytest.raises(QueueError, match="damaged") as caught:
        queue.read()
    assert str(queue.file) in caught.value.message
    with pytest.raises(QueueError):
        queue.add(_client("Ann"))
    assert queue.file.read_bytes() == content, "a damaged queue is never overwritten"


def test_one_queue_runs_in_one_place_at_a_time():
    queue = StudioQueue()
    with queue.running():
        with pytest.raises(QueueError, match="already running"):
            with StudioQueue().running():
                pass
    with StudioQueue().running():  # free again once the first has stopped
        pass


# --- adding clients -----------------------------------------------------------------------------


def test_styles_are_checked_when_the_client_is_added():
    assert parse_styles("corporate-executive:3, legal") == {"corporate-executive": 3, "legal": 4}
    for bad, words in (("nosuch:2", "no style"), ("legal:x", "not a number"), ("legal:0", "1 to 100"), ("", "at least")):
        with pytest.raises(QueueError, match=words):
            parse_styles(bad)


def test_a_client_with_unusable_photos_is_marked_and_can_try_again_with_more(photos_dir, no_face_dir):
    queue = StudioQueue()
    client, report = add_client(queue, "Ann Example", [no_face_dir])
    assert client.state == "failed" and client.usable == 0 and client.reason == report.message
    with pytest.raises(QueueError, match="has not failed"):
        retry_client(queue, add_client(queue, "Bob", [photos_dir])[0].id)
    still, report = retry_client(queue, client.id)  # the same photos: still not usable
    assert still.state == "failed" and not report.ready
    again, report = retry_client(queue, client.id, [photos_dir])
    assert report.ready and again.state == "waiting" and again.usable == 5 and again.photos == 8
    assert again.reason == ""


def test_a_problem_while_adding_leaves_nothing_half_added(photos_dir, monkeypatch):
    from headshot_studio.core import session as core_session

    queue = StudioQueue()
    queue.folder.mkdir(parents=True)
    queue.file.write_text("{damaged")
    with pytest.raises(QueueError):
        add_client(queue, "Ann", [photos_dir])
    assert core_session.list_sessions() == []


# --- delivery -----------------------------------------------------------------------------------


@pytest.fixture
def finished(tmp_path):
    """A client's session with four finished headshots, ranked."""
    session = create_session("Ann Example", [])
    session.final_dir.mkdir(parents=True, exist_ok=True)
    names = []
    for i, person in enumerate(("chandler", "rachel", "ross", "chandler")):
        name = f"corporate-executive-{i:04d}.png"
        face_photos.person_photo(person, size=1536 if i == 0 else 512).save(session.final_dir / name)
        names.append(name)
    ranked = [names[2], names[0], names[3], names[1]]
    session.gallery_file.write_text(json.dumps({"images": [{"file": n} for n in ranked]}), encoding="utf-8")
    return session, ranked


def _sheet_cell_is_blank(sheet: Image.Image, index: int) -> bool:
    margin, gap, top, columns, rows = 80, 30, 200, 3, 4
    cell_w = (SHEET_SIZE[0] - 2 * margin - (columns - 1) * gap) // columns
    cell_h = (SHEET_SIZE[1] - top - margin - (rows - 1) * gap) // rows
    row, col = divmod(index, columns)
    x, y = margin + col * (cell_w + gap) + cell_w // 2, top + row * (cell_h + gap) + (cell_h - 40) // 2
    return sheet.getpixel((x, y)) == (255, 255, 255)


def test_delivery_zip_holds_the_best_images_in_three_sizes_and_the_sheet(finished, tmp_path):
    session, ranked = finished
    out = tmp_path / "out"
    delivered = deliver(session, "Ann Example", out, best=3)
    assert delivered.zip_path == out / "Ann Example.zip"
    with zipfile.ZipFile(delivered.zip_path) as archive:
        names = archive.namelist()
        expected = [f"01-{ranked[0][:-4]}.jpg", f"02-{ranked[1][:-4]}.jpg", f"03-{ranked[2][:-4]}.jpg"]
        for folder in ("full", "1024px", "profile-400x400"):
            assert sorted(n.split("/", 2)[2] for n in names if n.startswith(f"Ann Example/{folder}/")) == expected
        sizes = {folder: Image.open(io.BytesIO(archive.read(f"Ann Example/{folder}/{expected[1]}"))).size
                 for folder in ("full", "1024px", "profile-400x400")}
        assert sizes == {"full": (1536, 1536), "1024px": (1024, 1024), "profile-400x400": (400, 400)}
        assert Image.open(io.BytesIO(archive.read(f"Ann Example/full/{expected[0]}"))).size == (512, 512)
        sheet = Image.open(io.BytesIO(archive.read("Ann Example/contact-sheet.png"))).convert("RGB")
        assert archive.read("Ann Example/contact-sheet.pdf").startswith(b"%PDF")
    assert sheet.size == SHEET_SIZE
    assert [_sheet_cell_is_blank(sheet, i) for i in range(5)] == [False, False, False, True, True]
    assert delivered.sheet_pdf.read_bytes().startswith(b"%PDF") and delivered.sheet_png.is_file()
    again = deliver(session, "Ann Example", out, best=3)  # nothing is ever replaced
    assert again.zip_path.name == "Ann Example (2).zip" and delivered.zip_path.is_file()


def test_favourites_are_what_is_delivered_when_there_are_any(finished, tmp_path):
    session, ranked = finished
    set_favourite(session, ranked[3], True)
    set_favourite(session, ranked[1], True)
    delivered = deliver(session, "Ann", tmp_path, best=1)
    assert delivered.files == [f"01-{ranked[1][:-4]}.jpg", f"02-{ranked[3][:-4]}.jpg"]


@pytest.mark.parametrize("name, file_name", [("CON", "_CON"), ("a/b\\c:d", "a_b_c_d"), ("..", "client"),
                                             ("Zoë O'Brien", "Zoë O'Brien"), ("x" * 300, "x" * 80)])
def test_client_names_become_safe_file_names(name, file_name):
    assert safe_name(name) == file_name


# --- workers ---------------------------------------------------------------------------------------


def test_one_worker_per_gpu_each_pinned_to_its_gpu_and_on_loopback(tmp_path):
    identity = Authority(tmp_path / "ca").ensure().queue
    scheduler, workers = cluster.cluster_spec(identity, host="192.168.1.10", port=8786, gpus=["0", "1", "3"])
    assert scheduler["options"]["host"] == "192.168.1.10" and scheduler["options"]["protocol"] == "tls"
    pinned = {spec["options"]["env"]["CUDA_VISIBLE_DEVICES"] for spec in workers.values()}
    assert pinned == {"0", "1", "3"}
    assert all(spec["options"]["host"] == "127.0.0.1" and spec["options"]["nthreads"] == 1 for spec in workers.values())
    assert all(spec["options"]["security"].require_encryption for spec in workers.values())
    _, alone = cluster.cluster_spec(identity, gpus=[])
    assert [spec["options"]["env"]["CUDA_VISIBLE_DEVICES"] for spec in alone.values()] == ["-1"]


@pytest.mark.parametrize("visible, count, expected", [(None, 2, ["0", "1"]), ("2,3", 4, ["2", "3"]), ("-1", 2, []),
                                                      (None, 0, []), ("", 2, [])])
def test_the_gpus_a_queue_pc_uses(monkeypatch, visible, count, expected):
    from headshot_studio.core import hardware

    if visible is None:
        monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    else:
        monkeypatch.setenv("CUDA_VISIBLE_DEVICES", visible)
    monkeypatch.setattr(hardware, "count_gpus", lambda: count)
    assert jobs.gpu_ids() == expected


@pytest.mark.parametrize("job, words", [
    ({"client_id": "../../etc", "photos": [("a.jpg", b"x")]}, "malformed client id"),
    ({"client_id": "0123456789ab", "photos": [("../a.jpg", b"x")]}, "bad name"),
    ({"client_id": "0123456789ab", "photos": [("..", b"x")]}, "bad name"),
    ({"client_id": "0123456789ab", "photos": []}, "no photos"),
    ({"client_id": "0123456789ab", "photos": [("a.jpg", b"x" * (jobs.MAX_PHOTO_BYTES + 1))]}, "bad name or size"),
])
def test_a_worker_refuses_what_no_queue_sends(job, words):
    result = jobs.run_client_job(dict(job, name="x", styles={}, model="0" * 64, options={}))
    assert result["ok"] is False and words in result["message"]
    assert not (jobs.work_root() / "etc").exists()


def test_results_with_names_a_queue_does_not_take_are_refused(finished):
    session, _ = finished
    client = _client("Ann", session_id=session.id)
    for name in ("../../evil.png", "manifest.json/..", ".hidden.png", "a.exe"):
        with pytest.raises(InputError, match="does not take"):
            runner.store_results(client, {"gallery": b"{}", "files": {name: b"x"}})
    assert not (session.path.parent / "evil.png").exists()


def test_wiping_a_client_lists_what_each_worker_removed(photos_dir):
    queue = StudioQueue()
    client, _ = add_client(queue, "Ann Example", [photos_dir])
    with queue.edit() as data:
        data.client(client.id).removed_on_workers.append({"worker": "Booth PC · GPU 0", "files": 38, "bytes": 990453})
        data.client(client.id).state = "running"
    with queue.running(), pytest.raises(QueueError, match="being worked on"):
        wipe_client(queue, client.id)
    with queue.edit() as data:
        data.client(client.id).state = "delivered"
    lines = wipe_client(queue, client.id)
    assert "files" in lines[0] and lines[1] == "Worker Booth PC · GPU 0 removed 38 files (967.2 KB) of this client."
    assert queue.read().client(client.id).state == "wiped"
    assert wipe_client(queue, client.id)[0] == "Its photos and images were deleted already."


# --- the runner's fault policy -----------------------------------------------------------------


class _Future:
    def __init__(self, result=None, error: BaseException | None = None) -> None:
        self._result, self._error = result, error

    def result(self):
        if self._error is not None:
            raise self._error
        return self._result

    def release(self) -> None:
        pass


class _DaskClient:
    """What the runner asks of Dask when a client ends: every worker deletes its copy."""

    def __init__(self) -> None:
        self.removed: list[str] = []

    def run(self, function, client_id, workers=None, on_error=None):
        self.removed.append(client_id)
        return {"tls://10.0.0.2:8790": {"worker": "Booth PC", "files": 3, "bytes": 100}}

    def scheduler_info(self, **kwargs):
        return {"workers": {"tls://10.0.0.2:8790": {"host": "10.0.0.2"}}}


def _running_runner(state: str = "running"):
    queue = StudioQueue()
    client = queue.add(_client("Ann", state=state, attempts=1))
    studio_runner = runner.StudioRunner(queue, "tls://127.0.0.1:1", None, runner.RunOptions(model="m"))
    studio_runner.client = _DaskClient()
    return queue, client, studio_runner


def _end_with(studio_runner, client, future) -> None:
    studio_runner._running[future] = client.id
    studio_runner._finished(future)


def test_out_of_memory_twice_fails_the_client_with_the_reason():
    queue, client, studio_runner = _running_runner()
    oom = {"ok": False, "kind": "gpu_out_of_memory", "message": "The graphics card ran out of memory."}
    _end_with(studio_runner, client, _Future(oom))
    assert queue.read().client(client.id).state == "waiting"  # once: it runs again
    with queue.edit() as data:
        data.client(client.id).state = "running"
    _end_with(studio_runner, client, _Future(oom))
    failed = queue.read().client(client.id)
    assert failed.state == "failed" and failed.reason.startswith("Out of memory twice.")
    assert studio_runner.client.removed == [client.id, client.id]  # the worker's copy went each time


def test_a_vanished_worker_puts_the_client_back_until_it_has_happened_too_often():
    from types import SimpleNamespace

    from distributed.scheduler import KilledWorker

    queue, client, studio_runner = _running_runner()
    gone = SimpleNamespace(address="tls://10.0.0.2:8790")  # Dask names the worker's state
    for attempt in range(1, 5):
        _end_with(studio_runner, client, _Future(error=KilledWorker("studio-x", gone, 0)))
        entry = queue.read().client(client.id)
        if attempt < 4:
            assert entry.state == "waiting" and entry.worker_lost == attempt
            with queue.edit() as data:
                data.client(client.id).state = "running"
    assert entry.state == "failed" and "stopped 4 times" in entry.reason


def test_a_result_for_a_client_no_longer_running_is_never_taken(finished):
    session, _ = finished
    queue, client, studio_runner = _running_runner(state="delivered")
    with queue.edit() as data:
        data.client(client.id).session_id = session.id
    _end_with(studio_runner, client, _Future({"ok": True, "gallery": b'{"images": []}', "files": {}, "seconds": 1.0}))
    assert queue.read().client(client.id).state == "delivered"  # not ready again, not delivered twice


def test_a_failure_of_the_client_itself_is_marked_with_the_workers_reason():
    queue, client, studio_runner = _running_runner()
    _end_with(studio_runner, client, _Future({"ok": False, "kind": "input", "message": "Not ready yet: 2 usable photos.",
                                              "worker": "Booth PC"}))
    failed = queue.read().client(client.id)
    assert failed.state == "failed" and failed.reason == "Not ready yet: 2 usable photos." and failed.worker == "Booth PC"


# --- what the red-team pass found ---------------------------------------------------------------


def test_an_id_start_that_fits_several_clients_is_refused():
    queue = StudioQueue()
    queue.add(Client(id="abcd11111111", name="Alice", session_id="s", styles={"legal": 1}))
    queue.add(Client(id="abcd22222222", name="Bob", session_id="s", styles={"legal": 1}))
    with pytest.raises(QueueError, match="several"):
        queue.read().client("abcd")
    assert queue.read().client("abcd2").name == "Bob"


def test_a_client_left_running_by_a_crash_can_be_removed_but_not_while_a_runner_holds_it():
    queue = StudioQueue()
    client = queue.add(_client("Ann", state="running"))
    with queue.running():  # a live runner: really being worked on
        with pytest.raises(QueueError, match="being worked on"):
            StudioQueue().remove(client.id)
    assert StudioQueue().remove(client.id).name == "Ann"  # no runner: the crash's leftover


def test_wiping_a_client_whose_session_is_in_use_deletes_nothing_and_says_so(photos_dir):
    from headshot_studio.core.session import open_session, session_lock

    queue = StudioQueue()
    client, _ = add_client(queue, "Ann Example", [photos_dir])
    session = open_session(client.session_id)
    with session_lock(session):
        with pytest.raises(QueueError, match="in use"):
            wipe_client(queue, client.id)
    assert queue.read().client(client.id).state == "waiting"
    assert any(session.photos_dir.iterdir())


def test_a_queue_file_with_an_infinite_number_is_damaged():
    queue = StudioQueue()
    queue.folder.mkdir(parents=True)
    queue.file.write_text('{"schema_version": 1, "clients": [{"id": "a", "name": "x", "session_id": "s", '
                          '"styles": {}, "seconds": 1e400}]}')
    with pytest.raises(QueueError, match="damaged"):
        queue.read()


def test_delivery_never_removes_what_was_there_and_fits_long_names(finished, tmp_path):
    import os

    session, _ = finished
    out = tmp_path / "out"
    out.mkdir()
    os.symlink("/nonexistent", out / "Bob.zip")  # the operator's own (broken) link
    delivered = deliver(session, "Bob", out, best=1)
    assert delivered.zip_path.name == "Bob (2).zip" and os.path.islink(out / "Bob.zip")
    long_name = "山田" * 40  # 80 characters, 240 bytes in UTF-8
    delivered = deliver(session, long_name, out, best=1)
    assert len(delivered.sheet_png.name.encode()) < 255 and delivered.zip_path.is_file()
    assert safe_name(".hidden") == "hidden"
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(InputError, match="not a folder"):
        deliver(session, "Ann", tmp_path / "a-file", best=1)


def test_a_failed_delivery_leaves_the_client_ready_and_the_queue_goes_on(finished, tmp_path):
    session, ranked = finished
    queue, client, studio_runner = _running_runner(state="ready")
    with queue.edit() as data:
        data.client(client.id).session_id = session.id
    (tmp_path / "a-file").write_text("x")
    studio_runner._deliver(client.id, str(tmp_path / "a-file"), 3, False)
    entry = queue.read().client(client.id)
    assert entry.state == "ready" and entry.reason.startswith("Ready, but not delivered:")
    with queue.edit() as data:
        data.deliver_to = str(tmp_path / "good")
    studio_runner._deliver_waiting()  # the next run's first step
    entry = queue.read().client(client.id)
    assert entry.state == "delivered" and entry.reason == "" and (tmp_path / "good" / "Ann.zip").is_file()


def test_a_wipe_after_delivery_that_cannot_run_leaves_the_client_delivered_with_the_reason(finished, tmp_path):
    from headshot_studio.core.session import session_lock

    session, _ = finished
    queue = StudioQueue()
    client = queue.add(_client("Ann", state="ready", session_id=session.id))
    with session_lock(session):  # another window has the session open
        runner.deliver_client(queue, client.id, tmp_path / "out", best=2, wipe=True)
    entry = queue.read().client(client.id)
    assert entry.state == "delivered" and entry.reason.startswith("Delivered, but not wiped:")
    assert (tmp_path / "out" / "Ann.zip").is_file() and session.final_dir.is_dir()
