"""The window never stalls: a whole run on the tiny model, started from the window as
a person would, with 12-MP selfies of a real face, while a 5 ms timer on the window's
thread measures the longest time the event loop did not run."""

from __future__ import annotations

from headshot_studio.core import pipeline
from headshot_studio.testing import face_photos
from headshot_studio.testing.responsiveness import TICK_MS, run_in_window

# 100 ms is where people start to notice that a window reacts late (Nielsen's "instant"
# bound); a blocked thread shows as seconds, far above it. Tighter bounds measured the
# shared 2-core CI machine's scheduler rather than our code (54 ms seen there once).
LIMIT_S = 0.100


def test_the_window_keeps_running_during_photo_checks_and_a_whole_run(qtbot, tiny_sd15, tmp_path, monkeypatch):
    # The tiny model learns in a few steps; the upscale (Real-ESRGAN) and face-detail
    # stages run as in a real run.
    monkeypatch.setitem(pipeline.PRESETS, "fast", {"max_train_steps": 40, "steps": 8, "upscale": 2})
    photos = face_photos.write_selfies(tmp_path / "selfies", 8, twelve_mp=True)

    report = run_in_window(tmp_path, photos, ("corporate-executive", "tech-casual"), images_per_style=2,
                            model_dir=tiny_sd15)

    print(f"\nlongest main-thread gap: {1000 * report.longest_gap:.1f} ms during the run "
          f"({report.seconds:.1f} s, {report.events} progress events), "
          f"{1000 * report.analysis_gap:.1f} ms while 8 photos of 12 MP were checked")
    assert report.state == "finished"
    assert report.events > 50  # progress really flowed to the window
    assert report.ticks > 0.5 * report.seconds * 1000 / TICK_MS  # the timer really ticked all along
    assert report.longest_gap < LIMIT_S, f"the window stalled {1000 * report.longest_gap:.0f} ms during the run"
    assert report.analysis_gap < 2 * LIMIT_S, f"the window stalled {1000 * report.analysis_gap:.0f} ms checking photos"
