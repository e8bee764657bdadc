"""installer/bundle_models.py: only models in the manifest, every byte checked, licence list written."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from headshot_studio import about
from headshot_studio.core import models
from headshot_studio.core.faces.insightface_backend import DETECTOR_FILE, EMBEDDER_FILE, find_pack
from headshot_studio.core.files import sha256_file
from headshot_studio.testing.single_file import write_single_file_checkpoint

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("bundle_models", ROOT / "installer" / "bundle_models.py")
bundle_models = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bundle_models)


def _base_entry(**extra) -> dict:
    return {"id": "tiny-sd15", "name": "Tiny SD", "kind": "base_model", "architecture": "sd15",
            "licence": "Tiny Licence 1.0", "licence_url": "https://example.invalid/l", "commercial_use": True,
            "min_vram_gb": 1, "files": [], **extra}


def _manifest(tmp_path: Path, *entries: dict) -> Path:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"schema_version": 1, "models": list(entries)}))
    return path


@pytest.fixture
def checkpoint(tiny_sd15, tmp_path) -> Path:
    return write_single_file_checkpoint(tiny_sd15, tmp_path / "tiny.safetensors")


def _single(path: Path) -> dict:
    return {"name": path.name, "size": path.stat().st_size, "sha256": sha256_file(path)}


def test_single_file_is_checked_converted_recorded_and_licensed(tmp_path, checkpoint, tiny_sd15, monkeypatch):
    manifest = _manifest(tmp_path, _base_entry(single_file=_single(checkpoint)))
    resources = tmp_path / "resources"
    out = resources / "models" / "bundled"
    bundle_models.bundle([("tiny-sd15", checkpoint)], out, manifest_path=manifest, config_dir=tiny_sd15)

    info = models.model_info(out / "tiny-sd15", "bundled")
    assert info.id == "tiny-sd15" and info.licence == "Tiny Licence 1.0" and info.has_checksums
    models.verify_model(info)  # the record matches the converted files
    licences = json.loads((out / about.BUNDLED_LICENCE_FILE).read_text())["models"]
    assert licences == [{"id": "tiny-sd15", "name": "Tiny SD", "role": "base model", "licence": "Tiny Licence 1.0",
                         "licence_url": "https://example.invalid/l", "commercial_use": True}]
    assert not list(tmp_path.rglob(".*-staging"))

    # The app finds it as a bundled model and the About box lists its licence.
    monkeypatch.setenv("HEADSHOT_STUDIO_RESOURCES", str(resources))
    assert [m.id for m in models.find_models()] == ["tiny-sd15"]
    assert [c.licence for c in about.model_components() if c.name == "Tiny SD"] == ["Tiny Licence 1.0"]


def test_tampered_checkpoint_is_refused_and_nothing_is_bundled(tmp_path, checkpoint, tiny_sd15):
    manifest = _manifest(tmp_path, _base_entry(single_file=_single(checkpoint)))
    out = tmp_path / "bundled"
    out.mkdir()
    (out / "earlier.txt").write_text("an earlier, good bundle")
    data = bytearray(checkpoint.read_bytes())
    data[-1] ^= 0xFF
    checkpoint.write_bytes(bytes(data))
    with pytest.raises(bundle_models.BundleError, match="does not match the manifest"):
        bundle_models.bundle([("tiny-sd15", checkpoint)], out, manifest_path=manifest, config_dir=tiny_sd15)
    assert (out / "earlier.txt").is_file()  # the previous output is untouched
    assert not list(tmp_path.glob(".*-staging"))


def test_truncated_checkpoint_names_the_sizes(tmp_path, checkpoint, tiny_sd15):
    manifest = _manifest(tmp_path, _base_entry(single_file=_single(checkpoint)))
    checkpoint.write_bytes(checkpoint.read_bytes()[:1000])
    with pytest.raises(bundle_models.BundleError, match=r"has 1,000 bytes, the manifest says"):
        bundle_models.bundle([("tiny-sd15", checkpoint)], tmp_path / "out", manifest_path=manifest)


def test_unknown_model_and_pickles_are_refused(tmp_path, checkpoint):
    manifest = _manifest(tmp_path, _base_entry(single_file=_single(checkpoint)))
    with pytest.raises(bundle_models.BundleError, match="not in the model manifest"):
        bundle_models.bundle([("my-random-model", checkpoint)], tmp_path / "out", manifest_path=manifest)
    pickle = tmp_path / "model.ckpt"
    pickle.write_bytes(b"\x80\x04not really")
    with pytest.raises(bundle_models.BundleError, match="pickle"):
        bundle_models.bundle([("tiny-sd15", pickle)], tmp_path / "out", manifest_path=manifest)


def test_folder_needs_pinned_files_and_each_must_match(tmp_path, tiny_sd15):
    unpinned = _manifest(tmp_path, _base_entry())
    with pytest.raises(bundle_models.BundleError, match="lists no files with checksums"):
        bundle_models.bundle([("tiny-sd15", tiny_sd15)], tmp_path / "out", manifest_path=unpinned)

    pinned_files = [{"path": rel, **data} for rel, data in models.hash_model_files(tiny_sd15).items()]
    pinned = _manifest(tmp_path, _base_entry(files=pinned_files))
    out = bundle_models.bundle([("tiny-sd15", tiny_sd15)], tmp_path / "out", manifest_path=pinned)
    models.verify_model(models.model_info(out / "tiny-sd15", "bundled"))

    weights = next((tiny_sd15 / "unet").glob("*.safetensors"))
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(bundle_models.BundleError, match=r"unet/.*does not match the manifest"):
        bundle_models.bundle([("tiny-sd15", tiny_sd15)], tmp_path / "out2", manifest_path=pinned)


def test_insightface_pack_is_checked_and_found_by_the_app(tmp_path, checkpoint, tiny_sd15):
    pack = tmp_path / "downloaded" / "buffalo_l"
    pack.mkdir(parents=True)
    for name in (DETECTOR_FILE, EMBEDDER_FILE):
        (pack / name).write_bytes(name.encode() * 100)
    pack_entry = {"id": "insightface-buffalo_l", "name": "insightface buffalo_l", "kind": "face_analysis_pack",
                  "folder": "buffalo_l", "licence": "non-commercial research use only", "commercial_use": False,
                  "files": [{"path": n, "size": (pack / n).stat().st_size, "sha256": sha256_file(pack / n)}
                            for n in (DETECTOR_FILE, EMBEDDER_FILE)]}
    manifest = _manifest(tmp_path, pack_entry)
    out = bundle_models.bundle([], tmp_path / "out", insightface=pack, manifest_path=manifest)
    assert find_pack([out]) == out / "buffalo_l"
    [entry] = json.loads((out / about.BUNDLED_LICENCE_FILE).read_text())["models"]
    assert entry["role"] == "face analysis" and entry["commercial_use"] is False

    (pack / EMBEDDER_FILE).write_bytes(b"something else entirely")
    with pytest.raises(bundle_models.BundleError, match=EMBEDDER_FILE):
        bundle_models.bundle([], tmp_path / "out3", insightface=pack, manifest_path=manifest)


def test_real_manifest_has_an_unpinned_insightface_entry_that_refuses_clearly(tmp_path):
    pack = tmp_path / "buffalo_l"
    pack.mkdir()
    with pytest.raises(bundle_models.BundleError, match="lists no files with checksums"):
        bundle_models.bundle([], tmp_path / "out", insightface=pack)


def test_command_line_reports_errors_and_prints_checksums(tmp_path, checkpoint, tiny_sd15, capsys):
    manifest = _manifest(tmp_path, _base_entry(single_file={"name": "x", "size": 1, "sha256": "0" * 64}))
    code = bundle_models.main(["--model", f"tiny-sd15={checkpoint}", "--out", str(tmp_path / "out"),
                               "--manifest", str(manifest)])
    err = capsys.readouterr().err
    assert code == 1 and "Nothing was bundled" in err and "bytes" in err
    assert not (tmp_path / "out").exists()

    with pytest.raises(SystemExit):
        bundle_models.main(["--model", "no-equals-sign"])
    assert bundle_models.main(["--print-checksums", str(tiny_sd15)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert {item["path"] for item in printed} >= {"model_index.json", "unet/config.json"}
    assert all(len(item["sha256"]) == 64 for item in printed)
