"""The command line, end to end on the tiny model: run, Ctrl-C + --resume, models, selftest,
and the whole run with the network made to fail."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from headshot_studio import __version__, cli, paths
from headshot_studio.core import models


def run_cli(*args: str) -> int:
    return cli.main(list(args))


@pytest.fixture
def installed_tiny(tiny_sd15):
    """The tiny model imported into the user's models folder, as a user would."""
    return models.import_model(tiny_sd15, name="Tiny SD15")


def test_version_and_help_from_a_fresh_process():
    result = subprocess.run(
        [sys.executable, "-m", "headshot_studio", "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and __version__ in result.stdout
    usage = subprocess.run([sys.executable, "-m", "headshot_studio", "run"], capture_output=True, text=True, timeout=60)
    assert usage.returncode == 2 and "--photos" in usage.stderr


QUICK = ["--styles", "corporate-executive,legal", "--count", "2", "--steps", "2", "--train-steps", "4", "--no-upscale"]


def only_session():
    from headshot_studio.core.session import list_sessions

    sessions = list_sessions()
    assert len(sessions) == 1
    return sessions[0]


def test_run_makes_a_ranked_gallery_and_exports_it(installed_tiny, photos_dir, tmp_path, capsys):
    out = tmp_path / "export"
    code = run_cli("run", "--photos", str(photos_dir), "--name", "Client A", *QUICK, "--seed", "40", "--out", str(out))
    assert code == 0
    session = only_session()
    assert session.name == "Client A" and session.state == "finished"
    assert len(list(session.final_dir.glob("*.png"))) == 4
    exported = sorted(p.name for p in out.glob("*.png"))
    assert len(exported) == 4 and exported[0].startswith("01-") and (out / "gallery.json").is_file()
    gallery = json.loads((out / "gallery.json").read_text())["images"]
    assert f"01-{gallery[0]['file']}" in exported
    sidecar = json.loads((session.raw_dir / "legal-0000-s40.json").read_text())
    assert "ohwx person" in sidecar["prompt"] and sidecar["model_id"] == "tiny-sd15"
    assert len(list(session.training_dir.glob("*.png"))) == 5
    err = capsys.readouterr().err
    assert "Plan: cpu, fp32, 64 px" in err and "Done in" in err and "Exported 4 headshots to" in err

    assert run_cli("sessions") == 0
    assert f"{session.id}\tClient A\tfinished\t5 photos\t4 headshots" in capsys.readouterr().out
    assert run_cli("styles") == 0
    assert "corporate-executive\tCorporate executive\tbuiltin" in capsys.readouterr().out

    # More headshots with the learned face: new seeds, no new training.
    lora_mtime = (session.lora_dir / "lora.safetensors").stat().st_mtime_ns
    assert run_cli("run", "--session", session.id, "--count", "1") == 0
    assert (session.lora_dir / "lora.safetensors").stat().st_mtime_ns == lora_mtime
    assert "the face learned earlier was reused" in capsys.readouterr().err
    assert len(list(session.final_dir.glob("*.png"))) == 6  # seed 42 for each style


def test_ctrl_c_during_training_cancels_cleanly_and_resume_finishes(installed_tiny, photos_dir, tmp_path, monkeypatch, capsys):
    real_call = cli.ProgressPrinter.__call__
    interrupted = []

    def press_ctrl_c_at_step_5(self, event):
        real_call(self, event)
        if event.stage.value == "train" and event.step == 5 and not interrupted:
            interrupted.append(True)
            os.kill(os.getpid(), signal.SIGINT)  # what the terminal sends on Ctrl-C

    monkeypatch.setattr(cli.ProgressPrinter, "__call__", press_ctrl_c_at_step_5)
    args = ["run", "--photos", str(photos_dir), "--styles", "legal", "--count", "2", "--steps", "2", "--no-upscale",
            "--train-steps", "9", "--checkpoint-every", "3"]
    assert run_cli(*args) == cli.EXIT_CANCELLED
    err = capsys.readouterr().err
    session = only_session()
    assert "Stopping after the current step" in err and f"run --resume --session {session.id}" in err
    assert session.state == "cancelled"
    assert (session.lora_dir / "checkpoints" / "step-000005").is_dir()
    assert not session.final_dir.exists()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handler restored

    # --resume alone continues the latest unfinished session with its recorded settings.
    assert run_cli("run", "--resume") == 0
    settings = json.loads((session.lora_dir / "training.json").read_text())
    assert settings["steps_done"] == 9 and settings["resumed_from_step"] == 5
    assert len(list(session.final_dir.glob("*.png"))) == 2
    assert only_session().state == "finished"


def test_wipe_one_and_all(installed_tiny, photos_dir, capsys):
    assert run_cli("run", "--photos", str(photos_dir), "--name", "One", *QUICK) == 0
    assert run_cli("run", "--photos", str(photos_dir), "--name", "Two", *QUICK, "--train-steps", "2") == 0
    from headshot_studio.core.session import list_sessions

    first, second = list_sessions()
    capsys.readouterr()
    assert run_cli("wipe", second.id) == 0
    assert "Removed 1 session" in capsys.readouterr().out and not second.path.exists() and first.path.exists()
    assert run_cli("wipe", "--all", "--yes") == 0
    assert list_sessions() == [] and not first.path.exists()
    assert run_cli("wipe") == cli.EXIT_USAGE
    assert run_cli("wipe", "no-such-session") == 1
    assert all(p.is_file() for p in photos_dir.glob("*.jpg"))  # the user's own photos are untouched


def test_whole_run_with_every_network_access_failing(tiny_sd15, photos_dir, tmp_path, no_network, capsys):
    """Offline by construction: nothing in a whole session even tries the network."""
    attempts = no_network
    assert run_cli("models", "import", str(tiny_sd15), "--name", "Offline") == 0
    assert run_cli("check", str(photos_dir), "--json") == 0
    code = run_cli("run", "--photos", str(photos_dir), "--model", "offline", *QUICK, "--upscale", "2",
                   "--out", str(tmp_path / "out"))
    assert code == 0
    session = only_session()
    assert len(list(session.final_dir.glob("*.png"))) == 4
    assert run_cli("run", "--session", session.id, "--count", "1", "--steps", "2", "--no-upscale",
                   "--styles", "legal", "--seed", "90") == 0  # more with the learned face
    with pytest.raises(SystemExit):
        run_cli("--version")  # versions, models, licences: all read locally
    assert run_cli("models", "verify") == 0 and run_cli("sessions") == 0 and run_cli("styles") == 0
    assert run_cli("wipe", session.id) == 0
    assert attempts == []
    for switch in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY"):
        assert os.environ[switch] == "1"


def test_offline_switches_are_set_before_model_libraries_load():
    """A fresh interpreter, started without any of the switches, that imports our package
    first: each model library, as it loads, reads itself offline, without telemetry and
    without sending a token (each library's own view, not just the variables)."""
    from headshot_studio.offline import OFFLINE_SWITCHES

    code = (
        "import os, sys\n"
        f"for k in {sorted(OFFLINE_SWITCHES)!r}: os.environ.pop(k, None)\n"
        "import headshot_studio\n"
        "import huggingface_hub, huggingface_hub.constants as hub\n"
        "import diffusers.utils.hub_utils as diffusers_hub\n"
        "import transformers\n"
        "print(huggingface_hub.is_offline_mode(), hub.HF_HUB_OFFLINE, hub.HF_HUB_DISABLE_TELEMETRY,\n"
        "      hub.HF_HUB_DISABLE_IMPLICIT_TOKEN, diffusers_hub.HF_HUB_OFFLINE, os.environ['TRANSFORMERS_OFFLINE'])\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in OFFLINE_SWITCHES}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["True", "True", "True", "True", "True", "1"], result.stdout


def test_models_list_verify_import(tiny_sd15, tmp_path, capsys):
    assert run_cli("models", "list") == 0
    assert "No models installed" in capsys.readouterr().err
    assert run_cli("models", "import", str(tiny_sd15), "--name", "Listed") == 0
    assert "Imported “Listed” as listed" in capsys.readouterr().err
    assert run_cli("models", "list") == 0
    listing = capsys.readouterr().out
    assert "listed\tSD1.5-class\tuser\tchecksums recorded" in listing
    assert run_cli("models", "verify") == 0
    assert "OK      listed" in capsys.readouterr().err

    weights = paths.user_models_dir() / "listed" / "unet" / "diffusion_pytorch_model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    assert run_cli("models", "verify", "listed") == 1
    assert "DAMAGED listed" in capsys.readouterr().err


def test_run_with_a_damaged_model_fails_with_the_clear_message(installed_tiny, photos_dir, tmp_path, capsys):
    weights = installed_tiny.path / "unet" / "diffusion_pytorch_model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-4096])
    code = run_cli("run", "--photos", str(photos_dir), *QUICK)
    assert code == 1
    err = capsys.readouterr().err
    assert "Error: The model “Tiny SD15” has a damaged or incomplete file" in err
    assert "Traceback" not in err


def test_importing_a_pickle_checkpoint_is_refused(tmp_path, capsys):
    ckpt = tmp_path / "model.ckpt"
    ckpt.write_bytes(b"PK\x03\x04")
    assert run_cli("models", "import", str(ckpt)) == 1
    assert "will not load it" in capsys.readouterr().err


def test_run_without_any_model_says_how_to_get_one(photos_dir, tmp_path, capsys):
    assert run_cli("run", "--photos", str(photos_dir)) == 1
    assert "No base model is installed yet" in capsys.readouterr().err
    assert run_cli("run") == cli.EXIT_USAGE
    assert "Say which photos to use" in capsys.readouterr().err


def test_run_refuses_a_set_that_is_not_ready_before_training(installed_tiny, photos_dir, tmp_path, capsys):
    for extra in sorted(photos_dir.glob("*.jpg"))[2:]:
        extra.unlink()
    assert run_cli("run", "--photos", str(photos_dir), *QUICK) == 1
    err = capsys.readouterr().err
    assert "Not ready yet: 2 usable photos; at least 5 are needed" in err
    session = only_session()
    assert session.state == "failed" and not session.lora_dir.exists()
    assert json.loads(session.reports_file.read_text())["set"]["ready"] is False


def test_check_reports_every_photo_and_the_set(photos_dir, tmp_path, capsys):
    from PIL import Image

    from headshot_studio.testing import face_photos

    (photos_dir / "notes.jpg").write_text("not a photo")
    face_photos.blur(Image.open(photos_dir / "selfie-0.jpg")).save(photos_dir / "zz-blurry.jpg")
    assert run_cli("check", str(photos_dir)) == 0  # rejected photos are a result, not a failure
    out = capsys.readouterr().out
    assert "OK     selfie-0.jpg: Good photo." in out
    assert "REJECT notes.jpg:" in out and "REJECT zz-blurry.jpg: The photo is blurry." in out
    assert "Ready, but" in out and "Face analysis: dlib" in out

    assert run_cli("check", "--json", str(photos_dir / "selfie-1.jpg"), str(photos_dir / "zz-blurry.jpg")) == 0
    report = json.loads(capsys.readouterr().out)
    first, blurry = report["photos"]
    assert set(first) >= {"file", "verdict", "issues", "face"} and first["verdict"] == "ok"
    assert {"box", "yaw", "pitch", "roll", "eye_distance_px"} <= set(first["face"])
    assert blurry["issues"][0] == {"code": "blurry", "severity": "reject", "score": blurry["issues"][0]["score"],
                                   "message": blurry["issues"][0]["message"]}
    assert report["set"]["ready"] is False and report["set"]["usable_count"] == 1


def test_check_judges_face_sizes_for_the_models_training_size(photos_dir, tiny_sdxl, capsys):
    """`check --model` judges faces for that model's native size: a model trained at
    1024 px needs faces twice as large as SD1.5 (the tiny model, at 64 px, needs none)."""
    from headshot_studio.testing.tiny_model import claim_native_resolution

    assert run_cli("check", "--model", str(tiny_sdxl), str(photos_dir / "selfie-0.jpg")) == 0
    out = capsys.readouterr().out
    assert "Face sizes judged for tiny-sdxl (64-pixel training)." in out and "Good photo." in out
    claim_native_resolution(tiny_sdxl, 1024)
    assert run_cli("check", "--model", str(tiny_sdxl), str(photos_dir / "selfie-0.jpg")) == 0
    out = capsys.readouterr().out
    assert "Face sizes judged for tiny-sdxl (1024-pixel training)." in out
    assert "selfie-0.jpg: Your face is" in out and "for this model's 1024-pixel training" in out
    assert run_cli("check", "--model", "no-such-model", str(photos_dir)) != 0
    assert "No model called “no-such-model”" in capsys.readouterr().err


def test_check_usage_errors_exit_2(tmp_path, capsys):
    assert run_cli("check", str(tmp_path / "missing")) == 2
    assert "does not exist" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        run_cli("check")
    assert caught.value.code == 2


def test_selftest_passes_quickly(capsys):
    """Quick by the work it does (the tiny model, a few training and denoising steps),
    not by a clock: it takes about 12 s here, and a shared machine can make that minutes.
    The bound below only catches a run gone wrong (a full-size model, a hang)."""
    import re
    import time

    started = time.perf_counter()
    assert run_cli("selftest") == 0
    seconds = time.perf_counter() - started
    out = capsys.readouterr().out
    for stage in ("face analysis", "build tiny model", "verify model", "prepare photos", "train face (LoRA)",
                  "generate images", "upscale", "finishing models"):
        assert re.search(rf"^PASS  {re.escape(stage)} \(\d+\.\d s\)", out, re.MULTILINE), stage
    assert "FAIL" not in out and "SKIP" not in out and "Self-test passed." in out
    assert "no NVIDIA GPU found" in out  # the device it was given (conftest's cpu_device)
    steps = int(re.search(r"^PASS  train face \(LoRA\) .*: (\d+) steps, loss", out, re.MULTILINE).group(1))
    assert 0 < steps <= 20, f"the self-test trains {steps} steps: it is meant to take seconds"
    assert seconds < 240, f"the self-test took {seconds:.0f} s"


def _interrupt_training_at(monkeypatch, step: int):
    """Press Ctrl-C once training reports `step`; returns a function that stops doing so
    (without undoing the other patches of the test's isolation)."""
    real_call = cli.ProgressPrinter.__call__
    interrupted = []

    def press_ctrl_c(self, event):
        real_call(self, event)
        if event.stage.value == "train" and event.step == step and not interrupted:
            interrupted.append(True)
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(cli.ProgressPrinter, "__call__", press_ctrl_c)
    return lambda: monkeypatch.setattr(cli.ProgressPrinter, "__call__", real_call)


def test_a_run_started_from_a_model_folder_resumes_with_that_model(tiny_sd15, tiny_sdxl, photos_dir, monkeypatch, capsys):
    """`run --model PATH` records the folder; `run --resume` continues with it even when
    another model is installed (the default would be that one)."""
    models.import_model(tiny_sdxl, name="Installed other")
    stop_interrupting = _interrupt_training_at(monkeypatch, 4)
    args = ["run", "--photos", str(photos_dir), "--model", str(tiny_sd15), "--styles", "legal", "--count", "1",
            "--steps", "2", "--no-upscale", "--train-steps", "6", "--checkpoint-every", "2"]
    assert run_cli(*args) == cli.EXIT_CANCELLED
    session = only_session()
    assert session.manifest["settings"]["model_path"] == str(tiny_sd15)
    stop_interrupting()
    capsys.readouterr()

    assert run_cli("run", "--resume") == 0
    assert f"Model: {tiny_sd15.name} " in capsys.readouterr().err
    training = json.loads((session.lora_dir / "training.json").read_text())
    assert training["resumed_from_step"] == 4 and training["steps_done"] == 6
    assert only_session().state == "finished"


def test_resuming_when_the_models_folder_is_gone_says_what_to_do(tiny_sd15, photos_dir, tmp_path, monkeypatch, capsys):
    import shutil

    moved = shutil.copytree(tiny_sd15, tmp_path / "my-model")
    stop_interrupting = _interrupt_training_at(monkeypatch, 2)
    args = ["run", "--photos", str(photos_dir), "--model", str(moved), "--styles", "legal", "--count", "1",
            "--steps", "2", "--no-upscale", "--train-steps", "4", "--checkpoint-every", "2"]
    assert run_cli(*args) == cli.EXIT_CANCELLED
    stop_interrupting()
    shutil.rmtree(moved)
    capsys.readouterr()
    assert run_cli("run", "--resume") != 0
    err = capsys.readouterr().err
    assert "my-model" in err and str(moved) in err and "import it again" in err
    assert "went wrong" not in err


def test_resuming_after_the_models_folder_was_replaced_by_another_family_is_refused(
        tiny_sd15, tiny_sdxl, photos_dir, tmp_path, monkeypatch, capsys):
    """The folder a session started with now holds an SDXL model: its SD1.5 training
    checkpoints must not be dropped as "damaged" and training restarted on the new model."""
    import shutil

    folder = shutil.copytree(tiny_sd15, tmp_path / "my-model")
    stop_interrupting = _interrupt_training_at(monkeypatch, 2)
    args = ["--model", str(folder), "--styles", "legal", "--count", "1", "--steps", "2", "--no-upscale",
            "--train-steps", "4", "--checkpoint-every", "2"]
    assert run_cli("run", "--photos", str(photos_dir), *args) == cli.EXIT_CANCELLED
    stop_interrupting()
    session = only_session()
    assert session.manifest["settings"]["model_architecture"] == "sd15"
    shutil.rmtree(folder)
    shutil.copytree(tiny_sdxl, folder)
    checkpoints = sorted((session.lora_dir / "checkpoints").iterdir())
    capsys.readouterr()
    for resume in (["run", "--resume"], ["run", "--resume", *args]):  # recorded, and named again
        assert run_cli(*resume) == cli.EXIT_FAILED
        err = capsys.readouterr().err
        assert "started with an SD1.5-class model" in err and "is now an SDXL-class one" in err, err
        assert sorted((session.lora_dir / "checkpoints").iterdir()) == checkpoints  # nothing lost


def test_a_damaged_model_is_listed_and_named_instead_of_no_model(capsys, photos_dir):
    from headshot_studio import paths

    broken = paths.user_models_dir() / "broken"
    broken.mkdir(parents=True)
    (broken / "model_index.json").write_text("{not json")
    assert run_cli("models", "list") == 0
    out = capsys.readouterr().out
    assert out.startswith("broken\tDAMAGED\tuser\t") and "damaged file model_index.json" in out
    assert run_cli("run", "--photos", str(photos_dir), "--count", "1") == cli.EXIT_FAILED
    err = capsys.readouterr().err
    assert "damaged file model_index.json" in err and "No base model is installed" not in err
