"""LoRA training on the tiny models: events, cancel, checkpoints, resume, output format."""

from __future__ import annotations

import dataclasses
import json

import pytest
import torch
from safetensors import safe_open
from safetensors.torch import load_file

from headshot_studio.core import models
from headshot_studio.core.events import CancelToken, Cancelled, InputError, Stage
from headshot_studio.core.hardware import DeviceInfo, plan_run
from headshot_studio.core.training import (
    CHECKPOINTS_DIR,
    TrainingConfig,
    saved_checkpoints,
    train_lora,
)

CPU = DeviceInfo(kind="cpu", name="test cpu")


def cancel_at_train_step(token: CancelToken, step: int):
    """An on_event callback that cancels once training reports ``step``."""

    def on_event(event):
        if event.stage == Stage.TRAIN and event.step == step:
            token.cancel()

    return on_event


def train_and_cancel_at(step: int, *args) -> None:
    """``train_lora(*args)``, cancelled once training reports ``step`` (which it must reach)."""
    token = CancelToken()
    with pytest.raises(Cancelled):
        train_lora(*args, on_event=cancel_at_train_step(token, step), cancel=token)


def setup(model_dir):
    info = models.model_info(model_dir, "path")
    return info, plan_run(info, CPU)


def test_training_emits_events_and_writes_a_lora_with_only_lora_keys(tiny_sd15, training_set, tmp_path):
    info, plan = setup(tiny_sd15)
    events = []
    result = train_lora(info, plan, training_set, tmp_path / "lora", TrainingConfig(steps=6, rank=4), on_event=events.append)

    train_events = [e for e in events if e.stage == Stage.TRAIN]
    assert [e.step for e in train_events] == [1, 2, 3, 4, 5, 6]
    assert all(e.total == 6 and e.loss is not None and e.loss > 0 for e in train_events)
    assert train_events[-1].eta_s == 0.0 and train_events[0].eta_s is None
    assert result.steps == 6 and result.resumed_from_step == 0

    with safe_open(str(result.lora_path), framework="pt") as fh:
        keys = list(fh.keys())
        metadata = fh.metadata()
    assert keys and all(".lora_A." in k or ".lora_B." in k for k in keys)
    assert all(k.startswith("unet.") for k in keys)  # text encoder not trained by default
    assert any(".to_q." in k for k in keys) and any(".to_out.0." in k for k in keys)
    assert all(k.endswith(".weight") for k in keys)
    stored = json.loads(metadata["headshot_studio"])
    assert stored["config"]["rank"] == 4 and stored["steps_done"] == 6 and stored["model_id"] == info.id
    sidecar = json.loads((tmp_path / "lora" / "training.json").read_text())
    assert sidecar["plan"]["precision"] == "fp32" and len(sidecar["lora_sha256"]) == 64
    # rank 4: every lora_A is 4 x in_features
    tensors = load_file(result.lora_path)
    assert all(t.shape[0] == 4 for k, t in tensors.items() if ".lora_A." in k)
    assert not (tmp_path / "lora" / CHECKPOINTS_DIR).exists()  # checkpoints go once finished


def test_text_encoder_training_adds_text_encoder_lora_keys(tiny_sd15, training_set, tmp_path):
    info = models.model_info(tiny_sd15, "path")
    plan = plan_run(info, CPU, train_text_encoder=True)
    result = train_lora(info, plan, training_set, tmp_path / "lora", TrainingConfig(steps=2, train_text_encoder=True))
    keys = load_file(result.lora_path).keys()
    assert any(k.startswith("text_encoder.") and ".q_proj.lora_A." in k for k in keys)
    assert any(k.startswith("unet.") for k in keys)


def test_sdxl_training(tiny_sdxl, training_set, tmp_path):
    info, plan = setup(tiny_sdxl)
    result = train_lora(info, plan, training_set, tmp_path / "lora", TrainingConfig(steps=3, train_text_encoder=True))
    keys = load_file(result.lora_path).keys()
    prefixes = {k.split(".")[0] for k in keys}
    assert prefixes == {"unet", "text_encoder", "text_encoder_2"}


def test_cancel_mid_training_checkpoints_and_resume_finishes_like_an_uninterrupted_run(tiny_sd15, training_set, tmp_path):
    info, plan = setup(tiny_sd15)
    config = TrainingConfig(steps=12, checkpoint_every=4, learning_rate=1e-3)

    reference = train_lora(info, plan, training_set, tmp_path / "reference", config)

    token = CancelToken()
    seen = []

    def cancel_at_step_7(event):
        if event.stage == Stage.TRAIN:
            seen.append(event.step)
            if event.step == 7:
                token.cancel()

    out = tmp_path / "interrupted"
    with pytest.raises(Cancelled):
        train_lora(info, plan, training_set, out, config, on_event=cancel_at_step_7, cancel=token)
    assert seen[-1] == 7  # stopped before running step 8
    assert saved_checkpoints(out)[-1].name == "step-000007"  # the cancel saved its progress
    assert not (out / "lora.safetensors").exists()

    resumed_events = []
    resumed = train_lora(info, plan, training_set, out, config, on_event=resumed_events.append)
    assert resumed.resumed_from_step == 7 and resumed.steps == 12
    assert [e.step for e in resumed_events if e.stage == Stage.TRAIN] == [8, 9, 10, 11, 12]

    expected, actual = load_file(reference.lora_path), load_file(resumed.lora_path)
    assert expected.keys() == actual.keys()
    for key in expected:
        torch.testing.assert_close(actual[key], expected[key], rtol=1e-5, atol=1e-6)


def test_checkpoints_are_kept_every_n_steps_and_pruned(tiny_sd15, training_set, tmp_path):
    info, plan = setup(tiny_sd15)
    out = tmp_path / "lora"
    config = TrainingConfig(steps=20, checkpoint_every=2, keep_checkpoints=2)
    train_and_cancel_at(9, info, plan, training_set, out, config)
    kept = sorted(p.name for p in (out / CHECKPOINTS_DIR).glob("step-*"))
    assert kept == ["step-000008", "step-000009"]


def test_a_damaged_checkpoint_is_passed_over_for_the_one_before(tiny_sd15, training_set, tmp_path, caplog):
    """A power cut while a checkpoint was written can leave its files short: resuming
    takes the previous checkpoint instead of failing (or loading half a state)."""
    info, plan = setup(tiny_sd15)
    out = tmp_path / "lora"
    config = TrainingConfig(steps=12, checkpoint_every=2, keep_checkpoints=2)
    train_and_cancel_at(9, info, plan, training_set, out, config)
    newest = saved_checkpoints(out)[-1]
    assert newest.name == "step-000009"
    weights = newest / "lora.safetensors"
    weights.write_bytes(weights.read_bytes()[: len(weights.read_bytes()) // 2])

    events = []
    result = train_lora(info, plan, training_set, out, config, on_event=events.append)
    assert result.resumed_from_step == 8 and result.steps == 12
    assert [e.step for e in events if e.stage == Stage.TRAIN] == [9, 10, 11, 12]
    assert "training checkpoint step-000009 is damaged" in caplog.text


def test_resume_refuses_a_checkpoint_from_other_settings(tiny_sd15, training_set, tmp_path):
    info, plan = setup(tiny_sd15)
    out = tmp_path / "lora"
    train_and_cancel_at(3, info, plan, training_set, out, TrainingConfig(steps=8, rank=4))
    with pytest.raises(InputError, match="different photos or settings"):
        train_lora(info, plan, training_set, out, TrainingConfig(steps=8, rank=8))
    # Starting over (no resume) discards the old checkpoints and works.
    result = train_lora(info, plan, training_set, out, TrainingConfig(steps=2, rank=8), resume=False)
    assert result.resumed_from_step == 0


def test_bad_inputs_are_refused_before_loading(tiny_sd15, training_set, tmp_path):
    info, plan = setup(tiny_sd15)
    with pytest.raises(InputError, match="rank must be between 1 and 128 \\(got 0\\)"):
        train_lora(info, plan, training_set, tmp_path / "a", TrainingConfig(steps=2, rank=0))
    (training_set / "001.txt").unlink()
    with pytest.raises(InputError, match="“001.png” has no caption"):
        train_lora(info, plan, training_set, tmp_path / "b", TrainingConfig(steps=2))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="has no images"):
        train_lora(info, plan, empty, tmp_path / "c", TrainingConfig(steps=2))
    with pytest.raises(InputError, match="does not exist"):
        train_lora(info, plan, tmp_path / "missing", tmp_path / "c", TrainingConfig(steps=2))


def test_default_steps_scale_with_photos_and_stop_before_over_training():
    from headshot_studio.core.limits import MAX_TRAIN_STEPS, TRAIN_STEPS_PER_PHOTO, default_train_steps

    assert default_train_steps(3) == 3 * TRAIN_STEPS_PER_PHOTO == 450
    assert default_train_steps(12) == MAX_TRAIN_STEPS == 800
    # a config without steps takes the default for the photos it trains on
    assert TrainingConfig().resolved(3).steps == 450 and TrainingConfig(steps=7).resolved(3).steps == 7


class _AdamWWithPlainNumbers(torch.optim.AdamW):
    """AdamW whose per-parameter state also holds a Python int, a float and a flag, as
    bitsandbytes' 8-bit AdamW keeps ``step`` as an int."""

    def step(self, closure=None):
        loss = super().step(closure)
        for group in self.param_groups:
            for param in group["params"]:
                state = self.state[param]
                state["int_step"] = state.get("int_step", 0) + 1
                state["decay"] = 0.5 * state.get("decay", 2.0)
                state["seen"] = True
        return loss


def test_checkpoints_keep_optimizer_state_of_every_kind(tiny_sd15, training_set, tmp_path, monkeypatch):
    """Tensors, ints, floats and flags in the optimizer's state are saved (safetensors +
    JSON, never pickle) and restored, so a resumed run continues where it stopped."""
    from headshot_studio.core import training

    made = []

    def optimizer(plan, groups, device):
        made.append(_AdamWWithPlainNumbers(groups, lr=1e-4))
        return made[-1]

    monkeypatch.setattr(training, "_optimizer", optimizer)
    info, plan = setup(tiny_sd15)
    out = tmp_path / "lora"
    config = TrainingConfig(steps=6, checkpoint_every=2, rank=4)
    train_and_cancel_at(4, info, plan, training_set, out, config)
    saved = json.loads((saved_checkpoints(out)[-1] / "state.json").read_text())["optimizer_values"]
    assert saved and all(entry["kind"] in ("int", "float", "plain") for entry in saved.values())
    assert not list(out.rglob("*.pt")) and not list(out.rglob("*.bin"))

    result = train_lora(info, plan, training_set, out, config)
    assert result.resumed_from_step == 4
    states = list(made[-1].state.values())
    assert states and all(s["int_step"] == 6 and type(s["int_step"]) is int for s in states)
    assert all(s["decay"] == 2.0 * 0.5**6 and s["seen"] is True for s in states)
    assert all(torch.is_tensor(s["exp_avg"]) for s in states)


def test_optimizer_state_split_and_join_are_inverse():
    from headshot_studio.core.training import join_optimizer_state, split_optimizer_state

    state = {0: {"step": 3, "lr": float("nan"), "flag": False, "none": None, "m": torch.ones(2)},
             1: {"step": 7, "q": torch.zeros(3, dtype=torch.uint8)}}
    tensors, values = split_optimizer_state(state)
    back = join_optimizer_state(tensors, json.loads(json.dumps(values)))
    assert back[0]["step"] == 3 and type(back[0]["step"]) is int and back[1]["step"] == 7
    assert back[0]["lr"] != back[0]["lr"] and back[0]["flag"] is False and back[0]["none"] is None
    assert torch.equal(back[0]["m"], state[0]["m"]) and back[1]["q"].dtype == torch.uint8
    with pytest.raises(TypeError, match="cannot be saved"):
        split_optimizer_state({0: {"odd": object()}})


def _drawn_photos(monkeypatch):
    """Record which photo every draw of the training loop showed."""
    from headshot_studio.core import training

    drawn = []
    real = training._sample_index

    def recording(seed, position, n_images):
        drawn.append(real(seed, position, n_images))
        return drawn[-1]

    monkeypatch.setattr(training, "_sample_index", recording)
    return drawn


def test_every_photo_is_shown_equally_often_whatever_the_batch_size(tiny_sd15, training_set, tmp_path, monkeypatch):
    """A 16 GB card (batch 2) and an 8 GB card (batch 1) show each photo the same number
    of times, and a run whose batch is halved after running out of memory shows the
    rest of the same order: the amount of training does not depend on the card."""
    info, plan = setup(tiny_sd15)
    config = TrainingConfig(steps=9, rank=4, checkpoint_every=4)

    drawn = _drawn_photos(monkeypatch)
    train_lora(info, plan, training_set, tmp_path / "batch1", config)
    batch_1 = list(drawn)

    drawn.clear()
    events = []
    train_lora(info, dataclasses.replace(plan, train_batch_size=2), training_set, tmp_path / "batch2", config,
               on_event=events.append)
    assert drawn == batch_1  # the same photos, in the same order
    assert [e.step for e in events if e.stage == Stage.TRAIN] == [2, 4, 6, 8, 9]  # 5 optimizer steps

    # batch 4 stopped after 4 images, then continued with batch 1 (the out-of-memory retry)
    drawn.clear()
    out = tmp_path / "halved"
    train_and_cancel_at(4, info, dataclasses.replace(plan, train_batch_size=4), training_set, out, config)
    assert saved_checkpoints(out)[-1].name == "step-000004"
    result = train_lora(info, plan, training_set, out, config)
    assert result.resumed_from_step == 4 and drawn == batch_1
