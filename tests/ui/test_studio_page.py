"""The Studio page as an operator uses it: add clients and see their photo verdicts at
once, reorder, pause, remove, try a failed one again with more photos, start the queue
and leave it, close the window in the middle — and nothing listens until it starts."""

from __future__ import annotations

import json
from pathlib import Path

import psutil
import pytest
from PIL import Image

from headshot_studio.studio.queue import StudioQueue
from headshot_studio.ui.pages import studio as studio_page
from headshot_studio.ui.workers import JobState

QUICK = {"training": {"steps": 4}, "steps": 2, "postprocess": {"upscale": 1}, "seed": 3}


@pytest.fixture
def page(tiny_window, qtbot, monkeypatch):
    monkeypatch.setattr(studio_page, "ask_yes_no", lambda *args: True)
    tiny_window.show_page("studio")
    tiny_window.studio.quick = dict(QUICK)
    page = tiny_window.pages["studio"]
    yield page
    tiny_window.studio.stop()
    tiny_window.studio.run_worker.wait(120_000)


@pytest.fixture
def walls(tmp_path) -> Path:
    folder = tmp_path / "card" / "DCIM"
    folder.mkdir(parents=True)
    for i in range(3):
        Image.new("RGB", (700, 700), (90 + 30 * i, 110, 130)).save(folder / f"IMG_{i:04d}.jpg")
    return folder


def _add(page, qtbot, name: str, photos: list[Path], styles: dict[str, int] | None = None) -> None:
    def fill(dialog) -> bool:
        dialog.name.setText(name)
        dialog.set_photos(photos)
        for style_id, (tick, count) in dialog.counts.items():
            tick.setChecked(style_id in (styles or {"corporate-executive": 1}))
            count.setValue((styles or {"corporate-executive": 1}).get(style_id, 1))
        assert dialog.ok_button.isEnabled()
        return True

    page._exec = fill
    page.add_button.click()
    qtbot.waitUntil(lambda: not page.studio.add_worker.state.busy, timeout=120_000)


def _row_of(page, name: str) -> int:
    return next(r for r in range(page.table.rowCount()) if page.table.item(r, 0).text() == name)


def _listening() -> list:
    me = psutil.Process()
    pids = {me.pid, *(c.pid for c in me.children(recursive=True))}
    return [c for c in psutil.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN and c.pid in pids]


def test_clients_are_added_with_their_verdicts_and_the_queue_is_arranged(page, qtbot, photos_dir, walls):
    assert _listening() == []  # studio mode is off until the queue starts
    _add(page, qtbot, "Ann Example", [photos_dir], {"corporate-executive": 2, "legal": 1})
    lines = [page.check_list.item(i).text() for i in range(page.check_list.count())]
    assert len(lines) == 5 and all(line.startswith("Good") for line in lines)
    assert "Ann Example: 5 of 5 photos usable — in the queue" in page.check_summary.text()
    _add(page, qtbot, "No Face", [walls])
    assert "NOT usable yet" in page.check_summary.text()
    _add(page, qtbot, "Cem Example", [photos_dir])
    assert [page.table.item(r, 0).text() for r in range(3)] == ["Ann Example", "No Face", "Cem Example"]
    row = _row_of(page, "No Face")
    assert page.table.item(row, 1).text() == "failed" and page.table.item(row, 2).text() == "0/3"
    page.table.selectRow(row)
    assert "usable" in page.reason.text() and page.retry_button.isEnabled() and not page.pause_button.isEnabled()

    page.table.selectRow(_row_of(page, "Cem Example"))
    page.up_button.click()
    page.up_button.click()
    assert [c.name for c in StudioQueue().read().clients] == ["Cem Example", "Ann Example", "No Face"]
    assert not page.up_button.isEnabled()  # first now
    page.pause_button.click()
    assert StudioQueue().read().clients[0].paused and page.pause_button.text() == "Resume"
    assert page.table.item(0, 1).text() == "paused"

    def more_photos(dialog) -> bool:  # try again, with the client's real photos added
        dialog.set_photos([photos_dir])
        return True

    page.table.selectRow(_row_of(page, "No Face"))
    page._exec = more_photos
    page.retry_button.click()
    qtbot.waitUntil(lambda: not page.studio.add_worker.state.busy, timeout=120_000)
    retried = StudioQueue().read().clients[2]
    assert retried.state == "waiting" and retried.usable == 5 and page.table.item(2, 1).text() == "photos ok"

    page.table.selectRow(_row_of(page, "Ann Example"))
    page.remove_button.click()
    assert [c.name for c in StudioQueue().read().clients] == ["Cem Example", "No Face"]
    assert page.table.rowCount() == 2


def test_the_queue_runs_from_the_window_and_delivers_each_client(page, qtbot, photos_dir, walls, tmp_path):
    _add(page, qtbot, "Ann Example", [photos_dir])
    _add(page, qtbot, "No Face", [walls])
    _add(page, qtbot, "Bob Example", [photos_dir])
    out = tmp_path / "delivered"
    page._ask_folder = lambda title: str(out)
    page.findChild(type(page.run_button), "chooseDeliveryFolder").click()
    assert page.folder_label.text() == str(out)
    page.run_button.click()
    assert page.run_button.text() == "Stop queue"
    qtbot.waitUntil(lambda: _listening() != [], timeout=60_000)
    assert all(c.laddr.ip == "127.0.0.1" for c in _listening())  # "let PCs join" is off
    qtbot.waitUntil(lambda: {c.state for c in StudioQueue().read().clients} == {"delivered", "failed"},
                    timeout=400_000)
    assert sorted(p.name for p in out.glob("*.zip")) == ["Ann Example.zip", "Bob Example.zip"]
    qtbot.waitUntil(lambda: "worker" in page.pc_list.item(0).text(), timeout=10_000)
    page.run_button.click()  # Stop
    qtbot.waitUntil(lambda: page.studio.run_worker.state not in (JobState.RUNNING, JobState.CANCELLING),
                    timeout=120_000)
    assert page.run_button.text() == "Start queue"
    assert _listening() == []  # stopped: nothing listens any more
    statuses = [page.table.item(r, 1).text() for r in range(3)]
    assert statuses == ["delivered", "failed", "delivered"]


def test_closing_the_window_mid_client_keeps_the_client_for_the_next_start(tiny_window, qtbot, photos_dir,
                                                                          monkeypatch):
    from headshot_studio.ui import app

    studio = tiny_window.studio
    studio.quick = dict(QUICK, training={"steps": 200})
    tiny_window.show_page("studio")
    _add(tiny_window.pages["studio"], qtbot, "Ann Example", [photos_dir])
    studio.start()
    qtbot.waitUntil(lambda: StudioQueue().read().clients[0].stage == "training", timeout=300_000)
    asked = []
    monkeypatch.setattr(app, "ask_yes_no", lambda parent, title, text: asked.append(title) or True)
    tiny_window.close()
    assert asked == ["Stop the studio and close?"]
    assert not studio.busy()
    client = StudioQueue().read().clients[0]
    assert client.state == "waiting" and client.attempts == 1  # back in line, its progress kept on its worker
    assert _listening() == []


def test_a_pc_is_paired_from_the_page_with_a_one_time_file(page, tmp_path, monkeypatch):
    from headshot_studio.studio import certs

    monkeypatch.setattr(page.studio, "local_addresses", lambda: ["192.168.1.10"])
    page.join_address.clear()
    page.join_address.addItems(["192.168.1.10"])
    target = tmp_path / "stick" / "pair-booth.json"
    target.parent.mkdir()
    page._ask_text = lambda title, text, value="": "Booth PC"
    page._ask_save = lambda title, name: str(target)
    page.pair_button.click()
    bundle = certs.check_bundle(json.loads(target.read_text()))
    assert bundle["scheduler"] == "tls://192.168.1.10:8786" and bundle["pc"] == "Booth PC"
    assert target.stat().st_mode & 0o077 == 0
    assert page.let_join.isChecked() and "Booth PC" in page.check_summary.text()
    assert page.studio.paired_pcs() == ["Booth PC"]
