"""Export: every size x format x metadata x folder/ZIP combination, on real photos,
checked by opening what was written."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from headshot_studio.core.events import CancelToken, Cancelled, InputError
from headshot_studio.core.export import (
    EXIF_IFD,
    EXIF_IMAGE_DESCRIPTION,
    EXIF_USER_COMMENT,
    ExportResult,
    check_export_folder,
    export_images,
    profile_crop_box,
)
from headshot_studio.core.limits import EXPORT_LONG_SIDE_PX, EXPORT_SQUARE_PX
from headshot_studio.core.session import create_session
from headshot_studio.testing import face_photos

# name -> (person, size of the finished image, settings in its sidecar)
FINALS = {
    "corporate-0001.png": ("chandler", (1536, 1536), {
        "prompt": "professional corporate headshot of ohwx person, navy suit", "negative_prompt": "blurry",
        "seed": 1001, "steps": 30, "scheduler": "dpmpp_2m", "guidance_scale": 6.5, "width": 1536, "height": 1536,
        "model_id": "sd15-test", "style": "corporate",
    }),
    "creative-0002.png": ("rachel", (512, 512), {"prompt": "creative studio portrait of ohwx person — café light", "seed": 2002}),
    "corporate-0003.png": ("ross", (1280, 960), {"prompt": "corporate headshot of ohwx person", "seed": 3003}),
}
ORDER = ["creative-0002.png", "corporate-0001.png", "corporate-0003.png"]  # best first, as a gallery gives it


def _final(person: str, size: tuple[int, int]) -> Image.Image:
    width, height = size
    square = face_photos.person_photo(person, size=max(size))
    top = (max(size) - height) // 2
    return square.crop((0, top, width, top + height))


@pytest.fixture(scope="module")
def _finals(tmp_path_factory) -> Path:
    """The finished images and their sidecars, made once."""
    folder = tmp_path_factory.mktemp("finals")
    for name, (person, size, settings) in FINALS.items():
        _final(person, size).save(folder / name, format="PNG")
        (folder / name).with_suffix(".json").write_text(json.dumps(settings), encoding="utf-8")
    return folder


@pytest.fixture
def session(_finals):
    session = create_session("Export test", [])
    shutil.copytree(_finals, session.final_dir)
    return session


def _expected_size(name: str, size: str) -> tuple[int, int]:
    width, height = FINALS[name][1]
    if size == "full":
        return width, height
    if size == "profile":
        return EXPORT_SQUARE_PX, EXPORT_SQUARE_PX
    scale = min(1.0, EXPORT_LONG_SIDE_PX / max(width, height))  # never scaled up
    return round(width * scale), round(height * scale)


def _outputs(result: ExportResult, as_zip: bool) -> dict[str, bytes]:
    if as_zip:
        with zipfile.ZipFile(result.path) as archive:
            return {name: archive.read(name) for name in archive.namelist()}
    return {name: (result.path / name).read_bytes() for name in result.files}


def _metadata_text(image: Image.Image) -> str:
    """Everything textual a reader could find in the file's metadata."""
    exif = image.getexif()
    parts = [json.dumps(getattr(image, "text", {}))]
    parts += [str(v) for v in exif.values()]
    parts += [v.decode("utf-16-be", "replace") if isinstance(v, bytes) else str(v) for v in exif.get_ifd(EXIF_IFD).values()]
    return "\n".join(parts)


@pytest.mark.parametrize("as_zip", [False, True], ids=["folder", "zip"])
@pytest.mark.parametrize("keep_metadata", [False, True], ids=["strip", "keep"])
@pytest.mark.parametrize("fmt", ["jpeg", "png"])
@pytest.mark.parametrize("size", ["full", "web", "profile"])
def test_every_combination_writes_what_was_asked(session, tmp_path, size, fmt, keep_metadata, as_zip):
    destination = tmp_path / "out" / ("headshots.zip" if as_zip else "headshots")
    progress = []
    result = export_images(session, ORDER, destination, size=size, fmt=fmt, keep_metadata=keep_metadata,
                           as_zip=as_zip, on_progress=lambda done, total: progress.append((done, total)))

    ext = "jpg" if fmt == "jpeg" else "png"
    expected_names = [f"{i:02d}-{Path(name).stem}.{ext}" for i, name in enumerate(ORDER, start=1)]
    assert result.path == destination and result.count == 3 and result.files == expected_names
    assert progress == [(1, 3), (2, 3), (3, 3)]
    outputs = _outputs(result, as_zip)
    assert list(outputs) == expected_names  # zip namelist keeps best-first order
    # nothing else was written next to the output: no temp files, no stray copies
    siblings = sorted(p.name for p in destination.parent.iterdir())
    assert siblings == [destination.name]
    if not as_zip:
        assert sorted(p.name for p in destination.iterdir()) == sorted(expected_names)

    for out_name, source in zip(expected_names, ORDER):
        data = outputs[out_name]
        image = Image.open(io.BytesIO(data))
        assert image.format == ("JPEG" if fmt == "jpeg" else "PNG")
        assert image.mode == "RGB"
        assert image.size == _expected_size(source, size)
        assert "icc_profile" not in image.info
        settings = FINALS[source][2]
        if keep_metadata:
            if fmt == "png":
                assert json.loads(image.text["headshot_studio"]) == settings
                assert f"Seed: {settings['seed']}" in image.text["parameters"]
                assert image.text["parameters"].startswith(settings["prompt"])
            else:
                exif = image.getexif()
                assert json.loads(exif[EXIF_IMAGE_DESCRIPTION]) == settings  # lossless, accents included
                comment = exif.get_ifd(EXIF_IFD)[EXIF_USER_COMMENT]
                assert comment.startswith(b"UNICODE\0")
                assert f"Seed: {settings['seed']}" in comment[8:].decode("utf-16-be")
        else:
            assert getattr(image, "text", {}) == {}
            assert "exif" not in image.info and len(image.getexif()) == 0
            assert "comment" not in image.info
            assert str(settings["seed"]).encode() not in data and b"ohwx" not in data
            assert _metadata_text(image).strip() in ("{}", "")


def test_full_size_keeps_the_pixels(session, tmp_path):
    result = export_images(session, ["corporate-0003.png"], tmp_path / "out", size="full", fmt="png")
    exported = np.asarray(Image.open(result.path / result.files[0]))
    original = np.asarray(Image.open(session.final_dir / "corporate-0003.png").convert("RGB"))
    assert np.array_equal(exported, original)


def test_web_size_never_scales_up(session, tmp_path):
    assert EXPORT_LONG_SIDE_PX == 1024  # the sizes below are written for it
    result = export_images(session, ["creative-0002.png", "corporate-0003.png"], tmp_path / "out", size="web", fmt="png")
    assert Image.open(result.path / result.files[0]).size == (512, 512)  # smaller: left as it is
    assert Image.open(result.path / result.files[1]).size == (1024, 768)  # 1280x960: aspect kept


def test_square_crop_is_centred_on_the_face(session, tmp_path):
    """The fallback crop (no face box in the sidecar) holds the whole face, centred."""
    from headshot_studio.core.faces.dlib_backend import DlibAnalyzer

    result = export_images(session, ORDER, tmp_path / "out", size="profile", fmt="png")
    analyzer = DlibAnalyzer()
    for name in result.files:
        faces = analyzer.detect(np.asarray(Image.open(result.path / name)))
        assert len(faces) == 1, name
        left, top, right, bottom = faces[0].box
        assert 0 < left and right < 400 and 0 < top and bottom < 400, name  # not cut off
        assert abs((left + right) / 2 - 200) < 60, name  # horizontally centred
        assert 60 < (top + bottom) / 2 < 260, name  # upper-middle, as a headshot


def test_square_crop_follows_a_recorded_face_box(session, tmp_path):
    # a plain grey image with a red "face" off-centre; the sidecar says where it is
    image = Image.new("RGB", (1024, 1024), (128, 128, 128))
    image.paste((255, 0, 0), (650, 200, 750, 320))
    image.save(session.final_dir / "marked.png")
    (session.final_dir / "marked.json").write_text(json.dumps({"seed": 7, "face_box": [650, 200, 750, 320]}))
    result = export_images(session, ["marked.png"], tmp_path / "out", size="profile", fmt="png")
    crop = np.asarray(Image.open(result.path / result.files[0])).astype(int)
    red = np.argwhere((crop[..., 0] > 200) & (crop[..., 1] < 60))
    cy, cx = red.mean(axis=0)
    assert abs(cx - 200) < 20  # the face is centred horizontally
    assert 120 < cy < 200  # and sits a little above the middle (room for the shoulders)


def test_profile_crop_box_stays_inside_the_image():
    assert profile_crop_box(1024, 1024, None) == (128, 26, 896, 794)  # 40% height, centred
    left, top, right, bottom = profile_crop_box(1000, 600, [900, 10, 990, 100])  # face at the corner
    assert right - left == bottom - top and left >= 0 and top >= 0 and right <= 1000 and bottom <= 600
    assert profile_crop_box(800, 600, [5, 0, 795, 590]) == (100, 0, 700, 600)  # never larger than the image


def test_images_without_a_sidecar_export_with_no_metadata(session, tmp_path):
    (session.final_dir / "creative-0002.json").unlink()
    result = export_images(session, ["creative-0002.png"], tmp_path / "out", fmt="png", keep_metadata=True)
    assert Image.open(result.path / result.files[0]).text == {}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"size": "2048"}, "Unknown export size “2048”"),
        ({"fmt": "webp"}, "Unknown export format “webp”"),
        ({"files": []}, "Nothing to export"),
        ({"files": ["missing.png"]}, "“missing.png” is not a finished headshot"),
        ({"files": ["../manifest.json"]}, "is not a headshot of this session"),
        ({"files": ["corporate-0001.png", "corporate-0001.png"]}, "listed twice"),
        ({"as_zip": True}, "is not a ZIP file name"),
    ],
)
def test_bad_requests_are_refused_before_anything_is_written(session, tmp_path, changes, message):
    request = {"files": ORDER, "size": "full", "fmt": "jpeg", "as_zip": False} | changes
    files = request.pop("files")
    with pytest.raises(InputError, match=message):
        export_images(session, files, tmp_path / "out", **request)
    assert not (tmp_path / "out").exists()


def test_folder_destination_problems(session, tmp_path):
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    with pytest.raises(InputError, match="is a file, not a folder"):
        export_images(session, ORDER, a_file)
    (tmp_path / "folder.zip").mkdir()
    with pytest.raises(InputError, match="is a folder"):
        export_images(session, ORDER, tmp_path / "folder.zip", as_zip=True)
    # an earlier export in the same folder is never overwritten
    export_images(session, ORDER, tmp_path / "out")
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").iterdir()}
    with pytest.raises(InputError, match="already has “01-creative-0002.jpg”"):
        export_images(session, ORDER, tmp_path / "out")
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").iterdir()} == before
    # other files in the folder are fine
    (tmp_path / "mixed").mkdir()
    (tmp_path / "mixed" / "notes.txt").write_text("mine")
    result = export_images(session, ORDER, tmp_path / "mixed")
    assert sorted(p.name for p in (tmp_path / "mixed").iterdir()) == sorted(result.files + ["notes.txt"])


@pytest.mark.parametrize("as_zip", [False, True])
def test_a_destination_that_cannot_be_written_is_said_plainly(session, tmp_path, as_zip):
    """A name longer than the file system allows (as a read-only folder or a folder of
    another user would) fails with a message and what to do, not as an internal error."""
    (tmp_path / "exports").mkdir()
    too_long = tmp_path / "exports" / ("L" * 300 + (".zip" if as_zip else ""))
    with pytest.raises(InputError, match="cannot write to .*Choose another place") as raised:
        export_images(session, ORDER, too_long, as_zip=as_zip)
    assert raised.value.kind == "export" and "File name too long" in raised.value.details
    assert list((tmp_path / "exports").iterdir()) == []  # nothing half written
    with pytest.raises(InputError, match="cannot write into the folder .*Choose another folder"):
        check_export_folder(too_long, 1)


def test_a_zip_replaces_an_earlier_one(session, tmp_path):
    target = tmp_path / "client.zip"
    export_images(session, ORDER, target, as_zip=True)
    result = export_images(session, ORDER[:1], target, as_zip=True, fmt="png")
    assert zipfile.ZipFile(target).namelist() == result.files == ["01-creative-0002.png"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home" and p.name != "system-temp") == ["client.zip"]


@pytest.mark.parametrize("as_zip", [False, True], ids=["folder", "zip"])
def test_cancel_leaves_nothing_half_done(session, tmp_path, as_zip):
    cancel = CancelToken()
    destination = tmp_path / "out" / ("client.zip" if as_zip else "client")

    def on_progress(done, total):
        if done == 2:
            cancel.cancel()

    with pytest.raises(Cancelled):
        export_images(session, ORDER, destination, as_zip=as_zip, on_progress=on_progress, cancel=cancel)
    assert list((tmp_path / "out").iterdir()) == []  # no partial files, no temp file, no empty folder


def test_an_existing_folder_is_kept_after_a_cancel(session, tmp_path):
    (tmp_path / "mine").mkdir()
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(Cancelled):
        export_images(session, ORDER, tmp_path / "mine", cancel=cancel)
    assert (tmp_path / "mine").is_dir()


def test_result_describes_itself(session, tmp_path):
    result = export_images(session, ORDER, tmp_path / "out")
    assert result.describe() == f"Exported 3 headshots to {tmp_path / 'out'}."
    one = export_images(session, ORDER[:1], tmp_path / "one.zip", as_zip=True)
    assert one.describe() == f"Exported 1 headshot to {tmp_path / 'one.zip'}."


def test_a_runs_finished_headshots_carry_their_settings_and_export_keeps_or_strips_them(tiny_sd15, photos_dir, tmp_path):
    """The finished PNG in outputs/final carries the generation settings as the raw image
    does: the A1111-style "parameters" text other tools read, and every setting as JSON.
    An export keeps them when asked (keep_metadata=True) and strips them otherwise."""
    from headshot_studio.core import models
    from headshot_studio.core.hardware import DeviceInfo, plan_run
    from headshot_studio.core.pipeline import RunRequest, run_session
    from headshot_studio.core.postprocess import PostprocessOptions
    from headshot_studio.core.training import TrainingConfig

    model = models.import_model(tiny_sd15, name="Tiny")
    request = RunRequest(model=model, plan=plan_run(model, DeviceInfo(kind="cpu", name="test")),
                         styles=("corporate-executive",), count=1, steps=2,
                         training=TrainingConfig(steps=2, checkpoint_every=2), postprocess=PostprocessOptions(upscale=1))
    session = create_session("Metadata", sorted(photos_dir.glob("*.jpg")))
    run_session(session, request)

    (final,) = session.final_dir.glob("*.png")
    settings = json.loads(final.with_suffix(".json").read_text(encoding="utf-8"))
    with Image.open(final) as finished, Image.open(session.raw_dir / final.name) as raw:
        parameters = finished.text["parameters"]
        assert parameters == raw.text["parameters"]  # the settings the pixels were generated with
        assert json.loads(finished.text["headshot_studio"]) == settings
    assert parameters.startswith(settings["prompt"] + "\nNegative prompt: ")
    assert f"Steps: 2, Sampler: {settings['scheduler']}" in parameters and f"Seed: {settings['seed']}" in parameters

    for keep in (False, True):
        result = export_images(session, [final.name], tmp_path / f"keep-{keep}", fmt="png", keep_metadata=keep)
        with Image.open(result.path / result.files[0]) as exported:
            if keep:
                assert exported.text["parameters"] == parameters
                assert json.loads(exported.text["headshot_studio"]) == settings
            else:
                assert exported.text == {}, exported.text
