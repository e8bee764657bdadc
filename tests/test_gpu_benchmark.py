"""benchmarks/gpu_pipeline.py: its tiny CPU run goes end to end and reports every figure
for both sides, and without a GPU (hidden from it here, so on any machine) the real run
refuses with a clear message. (The GPU figures themselves are measured by hand on an
H100/H200.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "gpu_pipeline.py"


def run_script(tmp_path: Path, *args: str, timeout: float, hide_gpu: bool = False) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if hide_gpu:
        env["CUDA_VISIBLE_DEVICES"] = ""  # torch in the script then sees no CUDA device, whatever this machine has
    env["HEADSHOT_STUDIO_HOME"] = str(tmp_path / "home")
    (tmp_path / "tmp").mkdir(exist_ok=True)
    env["TMPDIR"] = str(tmp_path / "tmp")  # the script's work folder goes here, not in /tmp
    return subprocess.run([sys.executable, str(SCRIPT), *args], env=env, capture_output=True, text=True,
                          timeout=timeout, cwd=SCRIPT.parents[1])


def test_tiny_run_reports_both_sides_and_their_ratios(tmp_path):
    out = tmp_path / "r.json"
    result = run_script(tmp_path, "--tiny", "--out", str(out), timeout=240)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["errors"] == []
    assert {"date", "torch", "diffusers", "gpu"} <= set(report["environment"])
    for arch in ("sd15", "sdxl"):
        model = report["models"][arch]
        assert model["plan"].startswith("cpu, fp32")
        for key in ("train_steps_per_s", "images_per_min"):
            figure = model[key]
            assert figure["ours"] > 0 and figure["baseline"] > 0, (arch, key, figure)
            assert figure["ratio"] == pytest.approx(figure["ours"] / figure["baseline"], rel=1e-9)
        for key in ("train_peak_vram_gb", "generate_peak_vram_gb"):  # no GPU: no memory figures
            assert model[key] == {"ours": "n/a", "baseline": "n/a", "ratio": None}
        assert model["name"] in result.stdout
    assert "ours/baseline" in result.stdout
    assert not list((tmp_path / "tmp").glob("headshot-gpu-bench-*")), "the work folder was not removed"


def test_without_a_gpu_the_full_run_refuses_and_points_to_tiny(tmp_path):
    result = run_script(tmp_path, "--models", "sd15", timeout=120, hide_gpu=True)  # on every machine
    assert result.returncode != 0
    assert "no CUDA GPU" in result.stderr and "--tiny" in result.stderr
    assert "Traceback" not in result.stderr
