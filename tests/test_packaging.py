"""The wheel carries every subpackage and the resources folder."""

from __future__ import annotations

import tomllib
from pathlib import Path

import headshot_studio

ROOT = Path(headshot_studio.__file__).resolve().parent.parent


def test_every_subpackage_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "headshot_studio").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert on_disk <= listed, f"add to pyproject.toml: {sorted(on_disk - listed)}"
    assert "headshot_studio.resources" in listed


def test_resources_map_into_the_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert config["package-dir"]["headshot_studio.resources"] == "resources"
    assert (ROOT / "resources" / "models" / "manifest.json").is_file()


# --- the lock of tested versions (requirements/*.lock, written by tools/lock.py) ----------------

LOCKS = ROOT / "requirements"


def _lock(name: str) -> dict[str, str]:
    """{package: version} of a lock file; every entry pinned exactly, with hashes."""
    import re

    pinned: dict[str, str] = {}
    entries = re.split(r"\n(?=[A-Za-z0-9])", (LOCKS / name).read_text(encoding="utf-8"))
    for entry in entries:
        if entry.startswith("#") or not entry.strip():
            continue
        match = re.match(r"([A-Za-z0-9._-]+)==([^\s;\\]+)", entry)
        assert match, f"{name}: not an exact pin: {entry.splitlines()[0]}"
        assert "--hash=sha256:" in entry, f"{name}: {match.group(1)} has no hashes"
        pinned.setdefault(match.group(1).lower().replace("_", "-"), match.group(2))
    return pinned


def test_every_dependency_is_locked_at_a_version_its_range_allows():
    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    dev, app, cuda = _lock("dev.lock"), _lock("app.lock"), _lock("cuda.lock")
    assert "torch" not in dev | app | cuda  # installed first, the build this machine needs (README)
    for requirements, lock in ((project["dependencies"], app), (project["dependencies"], dev),
                               (project["optional-dependencies"]["test"], dev),
                               (project["optional-dependencies"]["build"], dev),
                               (project["optional-dependencies"]["cuda"], cuda)):
        for text in requirements:
            requirement = Requirement(text)
            name = requirement.name.lower().replace("_", "-")
            if name == "torch":
                continue
            assert name in lock, f"{name} is not in the lock"
            assert requirement.specifier.contains(lock[name], prereleases=True), (
                f"{name}=={lock[name]} is outside pyproject's {requirement.specifier}")
    # one resolution: the app's and the GPU extra's pins are the full lock's
    assert all(dev[name] == version for name, version in app.items() if name in dev)
    assert set(app) <= set(dev)
    assert all(dev[name] == version for name, version in cuda.items() if name in dev)


def test_the_known_incompatible_pair_is_kept_out():
    """transformers 5.24 needs peft >= 0.22 for text-encoder adapters (SDXL training fails
    with "The version of PEFT you are using is not compatible"); no such peft exists yet."""
    from packaging.version import Version

    dev = _lock("dev.lock")
    assert not (Version(dev["transformers"]) >= Version("5.24") and Version(dev["peft"]) < Version("0.22"))
    import re

    pyproject = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'"transformers>=[\d.]+,<5\.24"', pyproject)


def test_the_readme_commands_install_the_lock_and_ci_runs_the_test_command():
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = re.search(r"\*\*Start the app\*\*.*?```bash\n(.*?)\n```", readme, re.DOTALL).group(1)
    marker = readme.index("<!-- test-command -->")
    test = readme[marker:].split("```bash\n", 1)[1].split("\n", 1)[0]
    torch_version = re.search(r"torch==([\d.]+)", start).group(1)
    for command, lock in ((start, "requirements/app.lock"), (test, "requirements/dev.lock")):
        steps = command.split(" && ")
        torch_at = steps.index(f"python -m pip install torch=={torch_version}")
        lock_at = steps.index(f"python -m pip install --require-hashes -r {lock}")
        app_at = steps.index("python -m pip install --no-deps --no-build-isolation -e .")
        assert torch_at < lock_at < app_at
        assert not any("pip install -e" in step or "pip install ." in step for step in steps)
    assert test.endswith("python -m pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "<!-- test-command -->" in ci and 'bash -c "$test_command"' in ci
    assert "pip install -e" not in ci  # the frozen build uses what the lock installed
    dev = (LOCKS / "dev.lock").read_text(encoding="utf-8")
    assert f"torch=={torch_version}" in dev.splitlines()[1]  # the lock says how it is installed
