"""--version and the About box's facts: versions, models with their licences, software licences."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch

from headshot_studio import __version__, about
from headshot_studio.cli import main
from headshot_studio.core import models


def test_version_lists_app_torch_cuda_and_builtin_model_licences(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Headshot Studio {__version__}")
    assert f"torch {torch.__version__}" in out
    expected_cuda = f"CUDA {torch.version.cuda}" if torch.version.cuda else "none (CPU build of torch)"
    assert expected_cuda in out
    assert "dlib face models (face analysis): public domain (CC0)" in out
    assert "Real-ESRGAN x4plus (upscaler): BSD-3-Clause" in out
    assert "no base model installed yet" in out
    assert "nothing is uploaded" in out


def test_imported_model_appears_with_its_licence(tiny_sd15):
    info = models.import_model(tiny_sd15, name="Studio model")
    report = about.version_report()
    assert "Studio model (base model (SD1.5-class))" in report
    assert info.licence in report and "[imported]" in report
    assert "no base model installed yet" not in report


def test_bundled_licence_list_is_shown_once(tmp_path, monkeypatch, tiny_sd15):
    resources = tmp_path / "resources"
    bundled = resources / "models" / "bundled"
    bundled.mkdir(parents=True)
    (resources / "models" / "manifest.json").write_text(json.dumps({"models": []}))
    model = bundled / "tiny"
    model.mkdir()
    for item in tiny_sd15.iterdir():
        (model / item.name).symlink_to(item)
    models.write_model_record(model, {}, id="tiny", name="Tiny Base", architecture="sd15", licence="Tiny Licence 1.0")
    (bundled / about.BUNDLED_LICENCE_FILE).write_text(json.dumps({"models": [
        {"id": "tiny", "name": "Tiny Base", "role": "base model", "licence": "Tiny Licence 1.0",
         "licence_url": "https://example.invalid/licence", "commercial_use": False},
    ]}))
    monkeypatch.setenv("HEADSHOT_STUDIO_RESOURCES", str(resources))
    components = about.model_components()
    tiny = [c for c in components if c.name == "Tiny Base"]
    assert len(tiny) == 1  # listed from licences.json, not again from the model folder
    assert tiny[0].licence == "Tiny Licence 1.0"
    assert "not for commercial use" in tiny[0].note and "bundled" in tiny[0].note


@pytest.mark.parametrize("text", ["{not json", "[]", '{"no models": []}', "\xff\xfe"],
                         ids=["not-json", "a-list", "no-models", "not-text"])
def test_damaged_bundled_licence_list_says_so(tmp_path, text):
    """One row in place of the models, naming the file, saying what is wrong and what to do."""
    (tmp_path / about.BUNDLED_LICENCE_FILE).write_bytes(text.encode("latin-1"))
    [component] = about.bundled_model_licences(tmp_path)
    assert (component.name, component.role) == (about.BUNDLED_LICENCE_FILE, "base model")
    assert component.licence == "unknown: the bundled licence list is damaged; reinstall"


@pytest.mark.parametrize("text", ['{"models": 5}', '{"models": [1]}'])
def test_a_licence_list_of_the_wrong_shape_says_so_too(tmp_path, text):
    (tmp_path / about.BUNDLED_LICENCE_FILE).write_text(text)
    [component] = about.bundled_model_licences(tmp_path)
    assert "damaged" in component.licence


def test_software_licences_come_from_package_metadata():
    software = {c.name.lower().replace("_", "-"): c for c in about.software_components()}
    assert software["torch"].version == torch.__version__
    assert "LGPL" in software["pyside6-essentials"].licence
    assert "Apache" in software["diffusers"].licence
    assert all(c.licence for c in software.values())


def test_ui_thread_info_does_not_import_torch():
    code = ("import sys; from headshot_studio.about import build_info; info = build_info(load_torch=False); "
            "assert 'torch' not in sys.modules, 'torch was imported'; print(info.torch)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "still loading" in result.stdout
