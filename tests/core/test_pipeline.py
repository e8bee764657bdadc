"""The whole job on the tiny model and real face photos: sessions, styles, finishing,
ranking, reproducibility, cancel at every stage, resume, reuse, wipe."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from headshot_studio import paths
from headshot_studio.core import models
from headshot_studio.core.dataset import identity_phrase
from headshot_studio.core.events import CancelToken, Cancelled, InputError, JobEvent, Notice, Stage
from headshot_studio.core.faces.dlib_backend import DlibAnalyzer
from headshot_studio.core.generation import GenerationRequest, Generator
from headshot_studio.core.hardware import DeviceInfo, plan_run
from headshot_studio.core.pipeline import RunRequest, run_session
from headshot_studio.core.postprocess import PostprocessOptions, retouch
from headshot_studio.core.session import create_session, list_sessions, open_session, wipe_session
from headshot_studio.core.styles import StyleError, face_detail_prompt, get_style, save_user_style
from headshot_studio.core.training import TrainingConfig

STYLES = ("corporate-executive", "tech-casual")
QUICK = PostprocessOptions(upscale=1)


@pytest.fixture
def model(tiny_sd15):
    return models.import_model(tiny_sd15, name="Tiny")


def request_for(model, **changes) -> RunRequest:
    plan = plan_run(model, DeviceInfo(kind="cpu", name="test"))
    defaults = {"styles": STYLES, "count": 2, "steps": 2, "training": TrainingConfig(steps=4, checkpoint_every=2), "postprocess": QUICK}
    return RunRequest(model=model, plan=plan, **(defaults | changes))


def pixels(path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def test_full_run_makes_a_ranked_gallery_per_style(model, photos_dir):
    session = create_session("Client A", sorted(photos_dir.glob("*.jpg")))
    events = []
    result = run_session(session, request_for(model, postprocess=PostprocessOptions(upscale=2)), on_event=events.append)

    session = open_session(session.id)
    assert session.state == "finished" and result.trained
    finals = sorted(p.name for p in session.final_dir.glob("*.png"))
    assert len(finals) == 4 and sum(name.startswith("corporate-executive-") for name in finals) == 2
    for name in finals:
        assert Image.open(session.final_dir / name).size == (128, 128)  # 64 px, upscaled x2
        assert Image.open(session.raw_dir / name).size == (64, 64)
    gallery = json.loads(session.gallery_file.read_text())["images"]
    combined = [item["scores"]["combined"] for item in gallery]
    assert combined == sorted(combined, reverse=True)
    assert {item["style"] for item in gallery} == set(STYLES)
    assert all("no_face" in item["flags"] for item in gallery)  # random tiny-model pixels: marked, kept
    # events: every stage reported, with whole-run progress that only moves forward
    stages = {e.stage for e in events}
    assert {Stage.CHECK, Stage.PREPARE, Stage.TRAIN, Stage.GENERATE, Stage.POSTPROCESS, Stage.RANK} <= stages
    assert all(isinstance(e, (JobEvent, Notice)) for e in events)
    progress = [e for e in events if isinstance(e, JobEvent)]
    overall = [e.overall for e in progress if e.overall is not None]
    assert overall == sorted(overall) and overall[-1] == pytest.approx(1.0)
    assert any(e.preview is not None for e in progress if e.stage == Stage.GENERATE)
    # recorded settings and reports
    assert session.manifest["settings"]["styles"] == list(STYLES)
    assert json.loads(session.reports_file.read_text())["set"]["ready"] is True
    assert len(json.loads(session.identity_file.read_text())["embedding"]) == 128


def test_every_image_is_reproducible_from_its_recorded_seed_and_settings(model, photos_dir):
    session = create_session("Repro", sorted(photos_dir.glob("*.jpg")))
    request = request_for(model, styles=("legal",), count=2, postprocess=PostprocessOptions(upscale=1, face_detail=True))
    run_session(session, request)
    generator = Generator(model, request.plan, session.lora_dir / "lora.safetensors")
    for final in sorted(session.final_dir.glob("*.png")):
        settings = json.loads(final.with_suffix(".json").read_text())
        fields = {k: settings[k] for k in GenerationRequest.__dataclass_fields__}
        again = generator.generate([GenerationRequest(**fields)], session.path / "again", name_prefix=final.stem)[0]
        assert np.array_equal(pixels(again.path), pixels(session.raw_dir / final.name))
        raw = Image.open(again.path).convert("RGB")
        # the finishing steps again, as the run took them: its faces, the style's intent, the face pass's prompt
        faces = DlibAnalyzer().detect(np.asarray(raw))
        options = PostprocessOptions(**settings["options"])
        face_request = replace(GenerationRequest(**fields), prompt=face_detail_prompt(identity_phrase()))
        finished, done = retouch(raw, faces, options, get_style(settings["style"]).finish(),
                                 refine=lambda crop: generator.refine(crop, face_request, options.face_strength),
                                 resolution=request.plan.resolution)
        assert done == settings["postprocess"] and done["retouch"] == "natural"
        assert np.array_equal(np.asarray(finished), pixels(final))


def test_custom_style_works_and_a_broken_one_is_refused_by_name(model, photos_dir):
    custom = get_style("healthcare").__class__(**(get_style("healthcare").__dict__ | {"id": "our-clinic", "name": "Our clinic", "source": "user"}))
    save_user_style(custom)
    session = create_session("Custom", sorted(photos_dir.glob("*.jpg")))
    run_session(session, request_for(model, styles=("our-clinic",), count=1))
    assert [p.name for p in session.final_dir.glob("*.png")] == ["our-clinic-0000-s0.png"]

    broken = paths.data_dir() / "styles" / "broken.toml"
    valid = (paths.resources_dir() / "styles" / "legal.toml").read_text()
    broken.write_text(valid.replace("steps = 30", 'steps = "many"').replace("steps = 32", 'steps = "many"'))
    with pytest.raises(StyleError) as caught:
        run_session(session, request_for(model, styles=("broken",), count=1))
    assert "broken.toml" in caught.value.message and "steps" in caught.value.message


@pytest.mark.parametrize("stage", [Stage.CHECK, Stage.PREPARE, Stage.TRAIN, Stage.GENERATE, Stage.POSTPROCESS, Stage.RANK])
def test_cancel_at_each_stage_leaves_a_session_that_reopens_and_resumes(model, photos_dir, stage):
    session = create_session("Cancel", sorted(photos_dir.glob("*.jpg")))
    token = CancelToken()

    def cancel_in(event):
        if event.stage == stage:
            token.cancel()

    request = request_for(model, count=1)
    with pytest.raises(Cancelled):
        run_session(session, request, on_event=cancel_in, cancel=token)
    reopened = open_session(session.id)
    assert reopened.state == "cancelled"
    assert [s.id for s in list_sessions()] == [session.id]

    result = run_session(reopened, request)
    assert open_session(session.id).state == "finished"
    assert len(result.gallery) == 2 and len(list(reopened.final_dir.glob("*.png"))) == 2
    training = json.loads((reopened.lora_dir / "training.json").read_text())
    assert training["steps_done"] == 4


def test_more_images_reuse_the_learned_face(model, photos_dir):
    session = create_session("Reuse", sorted(photos_dir.glob("*.jpg")))
    run_session(session, request_for(model, count=1))
    lora = session.lora_dir / "lora.safetensors"
    learned_at = lora.stat().st_mtime_ns
    events = []
    result = run_session(session, request_for(model, count=3, seed=1, reuse_face=True), on_event=events.append)
    assert not result.trained and lora.stat().st_mtime_ns == learned_at
    assert Stage.TRAIN not in {e.stage for e in events} and Stage.CHECK not in {e.stage for e in events}
    assert len(list(session.final_dir.glob("*.png"))) == 2 + 6  # seed 0, then seeds 1-3, per style
    assert len(result.gallery) == 8  # the gallery holds every batch of the session


def test_each_style_gets_its_own_count(model, photos_dir):
    session = create_session("Counts", sorted(photos_dir.glob("*.jpg")))
    result = run_session(session, request_for(model, styles=("legal", "academic"), counts=(1, 2)))
    assert sorted(entry.style for entry in result.gallery) == ["academic", "academic", "legal"]


def test_reuse_without_a_learned_face_is_refused(model, photos_dir):
    session = create_session("Fresh", sorted(photos_dir.glob("*.jpg")))
    with pytest.raises(InputError, match="no finished learned face"):
        run_session(session, request_for(model, reuse_face=True))


def test_not_ready_set_stops_before_training(model, photos_dir):
    session = create_session("Too few", sorted(photos_dir.glob("*.jpg"))[:3])
    with pytest.raises(InputError, match="at least 5"):
        run_session(session, request_for(model))
    assert open_session(session.id).state == "failed" and not session.lora_dir.exists()


def test_wipe_leaves_nothing_derived_behind(model, photos_dir):
    originals = {p: p.read_bytes() for p in photos_dir.glob("*.jpg")}
    session = create_session("Wipe me", sorted(originals))
    run_session(session, request_for(model, count=1))
    cache = paths.cache_dir() / "photo-reports"
    assert len(list(cache.glob("*.json"))) == 5

    report = wipe_session(session.id)
    assert not session.path.exists()
    assert report.files_removed > 20 and report.bytes_removed > 0 and report.cached_analyses_removed == 5
    assert not list(cache.glob("*.json"))
    leftovers = [p for p in paths.data_dir().rglob("*") if session.id in str(p)]
    assert leftovers == []
    assert {p: p.read_bytes() for p in originals} == originals  # the user's own photos stay
    assert "Removed 1 session" in report.describe()


def test_referenced_photos_are_never_deleted(model, photos_dir):
    session = create_session("By reference", sorted(photos_dir.glob("*.jpg")), copy_photos=False)
    assert not session.photos_dir.exists()
    report = wipe_session(session)
    assert len(report.originals_kept) == 5 and all(p.is_file() for p in photos_dir.glob("*.jpg"))
    assert "never copied" in report.describe()


def test_selfies_can_be_deleted_after_training(model, photos_dir):
    session = create_session("Private", sorted(photos_dir.glob("*.jpg")))
    session.manifest["delete_photos_after_training"] = True
    session.save()
    run_session(session, request_for(model, count=1))
    assert not list(session.photos_dir.glob("*")) and session.manifest["photos_deleted"]
    assert (session.lora_dir / "lora.safetensors").is_file() and session.identity_file.is_file()
    # the learned face still makes more headshots, and ranking still knows the person
    result = run_session(session, request_for(model, count=2, seed=5, reuse_face=True))
    assert len(result.gallery) == 6
    assert all(p.is_file() for p in photos_dir.glob("*.jpg"))  # the user's originals stay


def test_session_photo_editing(photos_dir):
    from headshot_studio.core.session import add_photos, remove_photo

    paths = sorted(photos_dir.glob("*.jpg"))
    session = create_session("Edit", [])
    added = add_photos(session, paths[:3])
    assert [p.name for p in session.photo_paths()] == [p.name for p in paths[:3]]
    assert add_photos(session, paths[:4]) == [session.photos_dir / paths[3].name]  # no duplicates
    remove_photo(session, added[0])
    assert not added[0].exists() and len(open_session(session.id).photo_paths()) == 3


def test_finishing_follows_the_style_and_the_retouch_level_and_is_recorded(model, photos_dir):
    """A style with its own backdrop and a warm light, the diffusion enlargement and the
    polished retouch level, all through the run; each image records what was done, and a
    changed style finishes its images again."""
    legal = get_style("legal")
    branded = replace(legal, id="branded", name="Branded", source="user", colour="warm", backdrop="colour",
                      backdrop_colour="#1f5fbf", path=paths.data_dir() / "styles" / "branded.toml")
    save_user_style(branded)
    session = create_session("Finish", sorted(photos_dir.glob("*.jpg")))
    options = PostprocessOptions(upscale=2, upscale_method="diffusion", retouch="polished")
    run_session(session, request_for(model, styles=("branded",), count=1, postprocess=options))
    (final,) = sorted(session.final_dir.glob("*.png"))
    recorded = json.loads(final.with_suffix(".json").read_text())
    assert recorded["options"]["retouch"] == "polished" and recorded["postprocess"]["retouch"] == "polished"
    assert recorded["postprocess"]["upscale"]["method"] == "diffusion" and Image.open(final).size == (128, 128)
    assert recorded["finish"]["colour_kelvin"] == 4300 and recorded["finish"]["backdrop"]["kind"] == "colour"
    assert recorded["postprocess"]["backdrop"] == {"kind": "colour"}
    with Image.open(final) as image:  # the PNG carries the same record as its sidecar
        assert json.loads(image.text["headshot_studio"])["options"]["retouch"] == "polished"
    first = final.stat().st_mtime_ns
    save_user_style(replace(branded, backdrop_colour="#bf5f1f"))  # the studio changes its colour
    run_session(session, request_for(model, styles=("branded",), count=1, postprocess=options))
    assert final.stat().st_mtime_ns != first
    assert json.loads(final.with_suffix(".json").read_text())["finish"]["backdrop"]["colour"] == [191, 95, 31]


class _Analyzer:
    name, embedding_size, same_person_threshold = "dlib", 128, 0.92


@pytest.mark.parametrize("content", [
    "[]", '"x"', "null", "{}", '{"analyzer": "dlib"}', '{"analyzer": "dlib", "embeddings": []}',
    '{"analyzer": "dlib", "embeddings": [[0.1, 0.2]]}',  # not the analyzer's size
    '{"analyzer": "dlib", "embeddings": [' + ",".join(["[" + ",".join(["0"] * 128) + "]"] * 3) + "]}",  # zeros
    '{"analyzer": "dlib", "embeddings": "abc"}', '{"analyzer": "dlib", "embeddings": [[NaN]]}',
    '{"analyzer": "dlib", "embeddings": [' + ",".join(["[" + ",".join(["0.1"] * 128) + "]"] * 60) + "]}",  # > 50
    '{"analyzer": "insightface", "embeddings": [[' + ",".join(["0.1"] * 128) + "]]}",
])
def test_a_damaged_or_foreign_face_record_is_never_an_error(content, photos_dir, caplog):
    from headshot_studio.core.pipeline import _load_identity

    session = create_session("Record", sorted(photos_dir.glob("*.jpg"))[:1])
    session.identity_file.parent.mkdir(parents=True, exist_ok=True)
    session.identity_file.write_text(content)
    assert _load_identity(session, _Analyzer()) is None
    assert "face" in caplog.text


def test_a_face_record_too_large_is_refused_before_it_is_read(photos_dir, caplog):
    from headshot_studio.core.pipeline import MAX_IDENTITY_BYTES, _load_identity

    session = create_session("Big", sorted(photos_dir.glob("*.jpg"))[:1])
    session.identity_file.parent.mkdir(parents=True, exist_ok=True)
    session.identity_file.write_text('{"analyzer": "dlib", "embeddings": [' + " " * MAX_IDENTITY_BYTES + "]}")
    assert _load_identity(session, _Analyzer()) is None and "unreadable" in caplog.text


def test_a_lost_face_record_is_measured_again_from_the_photos(photos_dir):
    from headshot_studio.core.faces.dlib_backend import DlibAnalyzer
    from headshot_studio.core.pipeline import _person

    session = create_session("Again", sorted(photos_dir.glob("*.jpg")))
    session.identity_file.parent.mkdir(parents=True, exist_ok=True)
    session.identity_file.write_text("[]")
    analyzer = DlibAnalyzer()
    person = _person(session, analyzer, _Plan(), ignore, CancelToken())
    assert person is not None and len(person.references) == len(list(photos_dir.glob("*.jpg")))
    assert len(json.loads(session.identity_file.read_text())["embeddings"]) == len(person.references)


class _Plan:
    resolution = 64


def ignore(event):
    pass


def test_a_broken_backdrop_is_refused_before_training(photos_dir):
    from headshot_studio.core.pipeline import check_finishing

    folder = paths.data_dir() / "styles"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "wall.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated")
    style = replace(get_style("legal"), id="walled", source="user", backdrop="image", backdrop_image="wall.jpg",
                    path=folder / "walled.toml")
    save_user_style(style)
    with pytest.raises(InputError, match="wall.jpg"):
        check_finishing(("legal", "walled"))
    check_finishing(("legal",))  # a style keeping its generated backdrop needs nothing
    from headshot_studio.core.pipeline import _finish_record

    record = _finish_record(replace(style, backdrop_image="wall.jpg").finish())
    assert record["backdrop"]["image"] == "wall.jpg"  # the name, never the user's folders
