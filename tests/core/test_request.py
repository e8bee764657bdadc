"""build_request: the one way a run request is made. Each value comes from the overrides,
else from what the session recorded, else from the user's settings (with the quality
preset), else from the defaults; the device is injected."""

from __future__ import annotations

import json

import pytest

from headshot_studio.core import models
from headshot_studio.core.events import InputError
from headshot_studio.core.hardware import DeviceInfo
from headshot_studio.core.limits import MAX_PER_STYLE, MAX_TRAIN_STEPS
from headshot_studio.core.pipeline import PRESETS, RunOverrides, build_request, next_free_seed
from headshot_studio.core.session import SessionError, create_session
from headshot_studio.settings import Settings

CPU = DeviceInfo(kind="cpu", name="test cpu")


@pytest.fixture
def session(tiny_sd15):
    models.import_model(tiny_sd15, name="Tiny")
    return create_session("Request", [])


def test_a_new_session_takes_the_settings_and_their_preset(session):
    settings = Settings(preset="fast", images_per_style=3, checkpoint_every=7)
    request = build_request(session, settings, RunOverrides(styles=("legal", "tech-casual")), device=CPU)
    fast = PRESETS["fast"]
    assert request.styles == ("legal", "tech-casual") and request.counts == (3, 3) and request.count == 3
    assert request.steps == fast["steps"] and request.postprocess.upscale == fast["upscale"]
    assert request.training.max_steps == fast["max_train_steps"] < MAX_TRAIN_STEPS
    assert request.training.checkpoint_every == 7 and request.seed == 0 and request.training.seed == 0
    assert request.model.name == "Tiny" and request.plan.device == "cpu"
    # another preset, another request: the window's preset reaches the command line too
    best = build_request(session, Settings(preset="best"), RunOverrides(styles=("legal",)), device=CPU)
    assert best.steps == PRESETS["best"]["steps"] and best.postprocess.upscale == PRESETS["best"]["upscale"]


def test_recorded_settings_win_over_the_settings_and_overrides_win_over_both(session):
    session.manifest["settings"] = {
        "styles": ["legal", "healthcare"], "count": 2, "counts": [2, 5], "seed": 40, "avoid": "no tie", "steps": 12,
        "training": {"rank": 8, "checkpoint_every": 9}, "postprocess": {"upscale": 1, "colour": False},
    }
    settings = Settings(preset="best", images_per_style=4, checkpoint_every=50)
    resumed = build_request(session, settings, RunOverrides(), device=CPU)
    assert resumed.styles == ("legal", "healthcare") and resumed.counts == (2, 5)
    assert (resumed.seed, resumed.avoid, resumed.steps) == (40, "no tie", 12)
    assert resumed.training.rank == 8 and resumed.training.checkpoint_every == 9
    assert resumed.postprocess.upscale == 1 and resumed.postprocess.colour is False
    changed = build_request(session, settings, RunOverrides(count=1, seed=3, steps=20, training={"rank": 4},
                                                            postprocess={"upscale": 2}), device=CPU)
    assert changed.counts == (1, 1) and (changed.seed, changed.steps) == (3, 20)
    assert changed.training.rank == 4 and changed.training.checkpoint_every == 9  # the rest stays recorded
    assert changed.postprocess.upscale == 2 and changed.postprocess.colour is False
    # other styles than the recorded ones do not inherit the recorded per-style counts
    other = build_request(session, settings, RunOverrides(styles=("tech-casual",)), device=CPU)
    assert other.counts == (2,)  # the recorded count, for the one style


def test_a_changed_preset_does_not_change_a_run_being_continued(session):
    """The first run recorded "the style's own steps" (None); continuing it after the
    user switched to another preset must make the same images, not new ones under the
    same names."""
    session.manifest["settings"] = {"styles": ["legal"], "count": 2, "seed": 0, "avoid": "", "steps": None,
                                    "training": {"max_steps": MAX_TRAIN_STEPS}, "postprocess": {"upscale": 2}}
    resumed = build_request(session, Settings(preset="fast"), RunOverrides(), device=CPU)
    assert resumed.steps is None and PRESETS["fast"]["steps"] is not None
    assert resumed.training.max_steps == MAX_TRAIN_STEPS and resumed.postprocess.upscale == 2
    assert build_request(session, Settings(preset="fast"), RunOverrides(steps=9), device=CPU).steps == 9


def test_more_headshots_start_at_the_first_unused_seed(session):
    session.manifest["settings"] = {"styles": ["legal"], "count": 4, "counts": [4], "seed": 10}
    assert next_free_seed(session) == 14  # seeds 10-13 were used
    session.gallery_file.parent.mkdir(parents=True, exist_ok=True)
    session.gallery_file.write_text(json.dumps({"images": [
        {"file": "legal-0000-s10.png", "seed": 10, "style": "legal"},
        {"file": "legal-0001-s30.png", "seed": 30, "style": "legal"},  # an earlier "more like this"
    ]}))
    assert next_free_seed(session) == 31
    gallery = json.loads(session.gallery_file.read_text())
    gallery["images"].append({"file": "legal-0002-s9.png", "seed": 2**64 - 1, "style": "legal"})  # a hand edit
    session.gallery_file.write_text(json.dumps(gallery))
    assert next_free_seed(session) == 31  # not a seed past what the generator takes
    more = build_request(session, Settings(), RunOverrides(reuse_face=True, styles=("legal",), counts=(4,)), device=CPU)
    assert more.reuse_face and more.seed == 31 and more.counts == (4,)
    # a seed given wins, also for more headshots
    assert build_request(session, Settings(), RunOverrides(reuse_face=True, seed=5), device=CPU).seed == 5
    # a plain resume keeps the recorded seed, so it makes the images it was making
    assert build_request(session, Settings(), RunOverrides(), device=CPU).seed == 10


def test_damaged_recorded_settings_are_refused_as_such(session):
    session.manifest["settings"] = {"training": {"rank": "sixteen"}}
    with pytest.raises(SessionError, match="recorded settings are damaged"):
        build_request(session, Settings(), RunOverrides(), device=CPU)
    session.manifest["settings"] = {"postprocess": {"sharpen": True}}
    with pytest.raises(SessionError, match="recorded settings are damaged"):
        build_request(session, Settings(), RunOverrides(), device=CPU)


def test_the_device_is_the_one_given(session):
    gpu = DeviceInfo(kind="cuda", name="NVIDIA GeForce RTX 3060", total_vram_gb=12.0, free_vram_gb=11.0,
                     compute_capability=(8, 6))
    request = build_request(session, Settings(), RunOverrides(styles=("legal",)), device=gpu)
    assert request.plan.device.startswith("cuda") and "RTX 3060" in request.plan.notes[0]


def test_recorded_training_settings_out_of_range_are_refused_before_any_work(session):
    from headshot_studio.core.events import InputError
    from headshot_studio.core.pipeline import check_run

    session.manifest["settings"] = {"styles": ["legal"], "training": {"rank": 10**12}}
    request = build_request(session, Settings(), RunOverrides(), device=CPU)
    with pytest.raises(InputError, match="LoRA rank must be between 1 and 128"):
        check_run(session, request)


def test_a_session_run_from_the_command_line_opens_in_the_window_with_its_choices(session):
    from headshot_studio.core.pipeline import chosen_styles

    assert chosen_styles(session) == ({}, "")  # new: nothing chosen yet
    session.manifest["settings"] = {"styles": ["legal", "academic"], "counts": [2, 3], "avoid": "no glasses"}
    assert chosen_styles(session) == ({"legal": 2, "academic": 3}, "no glasses")
    session.manifest["settings"] = {"styles": ["legal"], "count": 4}
    assert chosen_styles(session) == ({"legal": 4}, "")
    # the window's own draft wins: the user's latest choice
    session.manifest["draft"] = {"styles": {"healthcare": 1}, "avoid": "no tie"}
    assert chosen_styles(session) == ({"healthcare": 1}, "no tie")
    session.manifest["draft"] = {"styles": "damaged", "avoid": 5}
    assert chosen_styles(session) == ({}, "")


def test_choices_start_would_refuse_are_said_before_it_is_pressed(session):
    from headshot_studio.core.events import InputError
    from headshot_studio.core.pipeline import check_choices

    check_choices(session, {"legal": 2, "academic": 1})  # fine: nothing raised
    with pytest.raises(InputError, match="“gone-style” is chosen but no longer available"):
        check_choices(session, {"legal": 2, "gone-style": 1})
    with pytest.raises(InputError, match=f"must be between 1 and {MAX_PER_STYLE} \\(got {MAX_PER_STYLE + 1}\\)"):
        check_choices(session, {"legal": MAX_PER_STYLE + 1})
    session.manifest["settings"] = {"training": {"rank": "sixteen"}}
    with pytest.raises(SessionError, match="recorded settings are damaged"):
        check_choices(session, {"legal": 2})


@pytest.mark.parametrize("draft", [{"styles": {"legal": "3"}}, {"avoid": 5}, {"styles": ["legal"]}, "draft"])
def test_a_damaged_draft_is_forgotten_and_the_session_still_opens(session, draft):
    from headshot_studio.core.pipeline import chosen_styles
    from headshot_studio.core.session import open_session

    manifest = json.loads((session.path / "manifest.json").read_text())
    manifest["settings"] = {"styles": ["legal"], "counts": [2], "avoid": "no tie"}
    manifest["draft"] = draft
    (session.path / "manifest.json").write_text(json.dumps(manifest))
    reopened = open_session(session.id)
    assert "draft" not in reopened.manifest
    assert chosen_styles(reopened) == ({"legal": 2}, "no tie")  # the last run's choices


def test_retouching_and_colour_strength_come_from_the_settings_for_new_work_only(session):
    """A new run takes the settings' retouching; a run being continued finishes as it
    began; "more headshots" of a finished session takes the settings as they are now."""
    fresh = build_request(session, Settings(retouch="polished", colour_strength=40), RunOverrides(), device=CPU)
    assert (fresh.postprocess.retouch, fresh.postprocess.colour_strength) == ("polished", 0.4)
    session.manifest["settings"] = {"styles": ["legal"], "count": 2, "seed": 0,
                                    "postprocess": {"upscale": 2, "retouch": "off", "colour_strength": 1.0}}
    resumed = build_request(session, Settings(retouch="polished", colour_strength=40), RunOverrides(), device=CPU)
    assert (resumed.postprocess.retouch, resumed.postprocess.colour_strength) == ("off", 1.0)
    more = build_request(session, Settings(retouch="polished", colour_strength=40),
                         RunOverrides(reuse_face=True), device=CPU)
    assert (more.postprocess.retouch, more.postprocess.colour_strength) == ("polished", 0.4)
    given = build_request(session, Settings(), RunOverrides(postprocess={"retouch": "natural"}), device=CPU)
    assert given.postprocess.retouch == "natural"


def test_unknown_finishing_choices_are_refused_before_the_run(session):
    from headshot_studio.core.pipeline import check_postprocess
    from headshot_studio.core.postprocess import PostprocessOptions

    for bad in ({"retouch": "heavy"}, {"upscale_method": "magic"}, {"colour_strength": 1.5},
                {"face_detail_strength": -0.1}):
        with pytest.raises(InputError):
            check_postprocess(PostprocessOptions(**bad))
    check_postprocess(PostprocessOptions(retouch="polished", upscale_method="lanczos", colour_strength=0.0))
