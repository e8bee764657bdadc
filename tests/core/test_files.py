"""Atomic writes: a reader sees the old file or the new one, never half of either; the
file and its folder reach the disk; leftovers of a killed writer are ignored and then
removed. And every file a run writes into a session goes that way."""

from __future__ import annotations

import errno
import json
import os
import stat

import pytest

from headshot_studio.core import files, models
from headshot_studio.core.files import remove_temp_files, write_atomic, write_json_atomic
from headshot_studio.core.hardware import DeviceInfo, plan_run
from headshot_studio.core.pipeline import RunRequest, run_session
from headshot_studio.core.postprocess import PostprocessOptions
from headshot_studio.core.session import LOCK_FILE, create_session, list_sessions, open_session
from headshot_studio.core.training import TrainingConfig


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_data_that_cannot_be_serialized_leaves_the_old_file_as_it_was(tmp_path):
    target = tmp_path / "manifest.json"
    write_json_atomic(target, {"state": "trained"})
    before = target.read_bytes()
    with pytest.raises(TypeError):
        write_json_atomic(target, {"state": "generated", "broken": object()})
    assert target.read_bytes() == before and leftovers(tmp_path) == []


@pytest.mark.parametrize("error", [RuntimeError("the writer crashed"), OSError(errno.ENOSPC, "No space left on device")])
def test_a_write_that_fails_halfway_leaves_the_old_file_and_no_temporary_file(tmp_path, error):
    target = tmp_path / "image.png"
    target.write_bytes(b"the old image")

    def half_then_fail(fh):
        fh.write(b"the first half of a new im")
        raise error

    with pytest.raises(type(error)):
        write_atomic(target, half_then_fail)
    assert target.read_bytes() == b"the old image" and leftovers(tmp_path) == []


@pytest.mark.skipif(os.name != "posix", reason="folders are flushed on POSIX only")
def test_the_file_is_flushed_then_renamed_then_its_folder_flushed(tmp_path, monkeypatch):
    synced = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        mode = os.fstat(fd).st_mode
        synced.append("folder" if stat.S_ISDIR(mode) else "file")
        return real_fsync(fd)

    def replace(src, dst):
        synced.append("rename")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_json_atomic(tmp_path / "gallery.json", {"images": []})
    assert synced == ["file", "rename", "folder"]


def test_leftovers_of_a_killed_writer_are_ignored_then_removed(photos_dir):
    session = create_session("Crashed", sorted(photos_dir.glob("*.jpg")))
    # what a process killed mid-write leaves: temporary files of atomic writes, a
    # checkpoint's staging folder, the learned face's temporary copy
    junk = [
        session.path / ".manifest.json-k3j2.tmp",
        session.path / ".gallery.json-x1.tmp",
        session.raw_dir / ".legal-0000-s0.png-9a.tmp",
        session.lora_dir / ".lora.safetensors.tmp",
    ]
    for path in junk:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"{half")
    staging = session.lora_dir / "checkpoints" / ".step-000050.tmp"
    staging.mkdir(parents=True)
    (staging / "lora.safetensors").write_bytes(b"half")
    keep = session.raw_dir / "legal-0001-s1.png"
    keep.write_bytes(b"a finished image")

    reopened = open_session(session.id)  # readers never look at temporary names
    assert reopened.manifest == session.manifest and reopened.gallery() == []
    assert [s.id for s in list_sessions()] == [session.id]

    removed = remove_temp_files(session.path)
    assert sorted(removed) == sorted([*junk, staging])
    assert not any(p.exists() for p in removed) and keep.read_bytes() == b"a finished image"
    assert (session.path / "manifest.json").is_file()


def test_every_file_a_run_writes_into_the_session_is_written_atomically(tiny_sd15, photos_dir, monkeypatch):
    model = models.import_model(tiny_sd15, name="Tiny")
    session = create_session("Atomic", sorted(photos_dir.glob("*.jpg")))
    before = {p for p in session.path.rglob("*") if p.is_file()}
    atomic = []
    real = files.write_atomic

    def recording(path, write):
        atomic.append(path)
        return real(path, write)

    # every module that writes session files reaches write_atomic through one of these
    monkeypatch.setattr(files, "write_atomic", recording)
    from headshot_studio.core import dataset, images

    monkeypatch.setattr(images, "write_atomic", recording)  # every PNG: generated, finished

    monkeypatch.setattr(dataset, "write_atomic", recording)
    plan = plan_run(model, DeviceInfo(kind="cpu", name="test"))
    request = RunRequest(model=model, plan=plan, styles=("legal",), count=2, steps=2,
                         training=TrainingConfig(steps=2), postprocess=PostprocessOptions(upscale=1))
    run_session(session, request)

    # (the run's lock file holds no data: it is only ever locked, never written)
    written = {p for p in session.path.rglob("*") if p.is_file()} - before - {session.path / LOCK_FILE}
    assert session.path / "manifest.json" in atomic and session.gallery_file in atomic
    # The learned face is written by safetensors to a temporary name, flushed and renamed
    # (training._write_with_metadata); everything else goes through write_atomic.
    assert sorted(str(p.relative_to(session.path)) for p in written - set(atomic)) == ["lora/lora.safetensors"]
    assert json.loads((session.path / "manifest.json").read_text())["state"] == "finished"

