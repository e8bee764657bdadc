"""The Linux download: what the tarball holds, and install.sh / uninstall.sh run for real
in a throwaway home (HOME, XDG folders, prefix and PATH all under tmp_path), on a fake
bundle whose program is a small bash script."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import stat
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "installer" / "linux"
VERSION = "0.1.0"
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
DATA_KINDS = ("data", "config", "cache", "state")


def _load_package_module():
    spec = importlib.util.spec_from_file_location("linux_package", LINUX / "package.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


package = _load_package_module()


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture
def fake_bundle(tmp_path) -> Path:
    """What PyInstaller makes, in miniature: the program, a library, a symlink to it."""
    bundle = tmp_path / "dist" / "headshot-studio"
    (bundle / "_internal").mkdir(parents=True)
    program = bundle / "headshot-studio"
    program.write_text(
        "#!/usr/bin/env bash\n"
        'if [[ "${1:-}" == --version ]]; then echo "Headshot Studio 0.1.0"; exit 0; fi\n'
        'echo "this fake has no window" >&2; exit 3\n'
    )
    program.chmod(0o755)
    (bundle / "_internal" / "lib.so").write_bytes(b"\x7fELF not really")
    (bundle / "_internal" / "lib.so.1").symlink_to("lib.so")
    return bundle


@pytest.fixture
def icons(tmp_path) -> Path:
    folder = tmp_path / "icons"
    folder.mkdir()
    for size in (16, 48):
        Image.new("RGBA", (size, size), (40, 90, 160, 255)).save(folder / f"headshot-studio-{size}.png")
    (folder / "headshot-studio.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><rect width="16" height="16"/></svg>\n'
    )
    (folder / "headshot-studio.ico").write_bytes(b"for Windows only")
    return folder


@pytest.fixture
def tarball(fake_bundle, icons, tmp_path) -> Path:
    return package.make_tarball(fake_bundle, icons, tmp_path / "out", VERSION)


@pytest.fixture
def download(tarball, tmp_path) -> Path:
    """The tarball extracted with tar, as a user would; returns the folder it made."""
    where = tmp_path / "Downloads"
    where.mkdir()
    result = subprocess.run(["tar", "-xzf", str(tarball), "-C", str(where)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return where / f"headshot-studio-{VERSION}"


@pytest.fixture
def user(tmp_path) -> dict:
    """A user account inside tmp_path: its environment and where things should land."""
    home = tmp_path / "home"
    xdg = {kind: tmp_path / "xdg" / kind for kind in DATA_KINDS}
    home.mkdir()
    (tmp_path / "tmp").mkdir()
    env = {
        "HOME": str(home),
        "PATH": SYSTEM_PATH,  # without ~/.local/bin, so install.sh should give the hint
        "LANG": "C.UTF-8",
        "TMPDIR": str(tmp_path / "tmp"),
        "XDG_DATA_HOME": str(xdg["data"]),
        "XDG_CONFIG_HOME": str(xdg["config"]),
        "XDG_CACHE_HOME": str(xdg["cache"]),
        "XDG_STATE_HOME": str(xdg["state"]),
    }
    return {
        "env": env,
        "home": home,
        "xdg": xdg,
        "app_dir": home / ".local" / "opt" / "headshot-studio",
        "launcher": home / ".local" / "bin" / "headshot-studio",
        "desktop_entry": xdg["data"] / "applications" / "headshot-studio.desktop",
        "icons": [
            xdg["data"] / "icons" / "hicolor" / "16x16" / "apps" / "headshot-studio.png",
            xdg["data"] / "icons" / "hicolor" / "48x48" / "apps" / "headshot-studio.png",
            xdg["data"] / "icons" / "hicolor" / "scalable" / "apps" / "headshot-studio.svg",
        ],
        "data_dirs": {kind: xdg[kind] / "HeadshotStudio" for kind in DATA_KINDS},
    }


def run(args, env, cwd=None) -> subprocess.CompletedProcess:
    """Run a script with stdin not a terminal, never raising on failure."""
    return subprocess.run(
        [str(a) for a in args], env=env, cwd=cwd, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, check=False, timeout=60,
    )


def install(download: Path, user: dict, *options) -> subprocess.CompletedProcess:
    return run([download / "install.sh", *options], user["env"], cwd=download)


def exec_value(desktop_entry: Path) -> str:
    lines = [line for line in desktop_entry.read_text().splitlines() if line.startswith("Exec=")]
    assert len(lines) == 1, lines
    return lines[0].removeprefix("Exec=")


def make_user_data(user: dict) -> list[Path]:
    files = [
        user["data_dirs"]["data"] / "sessions" / "anna" / "photos" / "selfie-1.jpg",
        user["data_dirs"]["data"] / "models" / "my-model.safetensors",
        user["data_dirs"]["config"] / "settings.json",
        user["data_dirs"]["cache"] / "faces.bin",
        user["data_dirs"]["state"] / "log" / "headshot-studio.log",
    ]
    for file in files:
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text("the user's own work")
    return files


# --- the tarball ----------------------------------------------------------------------------


def test_tarball_holds_the_bundle_scripts_icons_and_readme(tarball):
    assert tarball.name == f"headshot-studio-{VERSION}-linux-x86_64.tar.gz"
    top = f"headshot-studio-{VERSION}"
    with tarfile.open(tarball) as tar:
        members = {m.name: m for m in tar.getmembers()}
        readme = tar.extractfile(f"{top}/README.txt").read().decode()

    assert all(name == top or name.startswith(top + "/") for name in members)
    assert members[top].isdir()
    program = members[f"{top}/app/headshot-studio"]
    assert program.isfile() and program.mode & 0o111 == 0o111
    link = members[f"{top}/app/_internal/lib.so.1"]
    assert link.issym() and link.linkname == "lib.so"
    assert members[f"{top}/app/_internal/lib.so"].isfile()
    for script in ("install.sh", "uninstall.sh"):
        assert stat.S_IMODE(members[f"{top}/{script}"].mode) == 0o755
    assert stat.S_IMODE(members[f"{top}/headshot-studio.desktop"].mode) == 0o644
    icon_names = sorted(n.removeprefix(f"{top}/icons/") for n in members if n.startswith(f"{top}/icons/"))
    assert icon_names == ["headshot-studio-16.png", "headshot-studio-48.png", "headshot-studio.svg"]
    assert all(m.uid == 0 and m.uname == "" for m in members.values())
    assert "./install.sh" in readme and "uninstall.sh" in readme and "--purge" in readme
    assert "offline" in readme.lower() and "nothing is uploaded" in readme
    assert "{version}" not in readme and VERSION in readme


def test_tarball_refuses_a_bundle_without_the_program(fake_bundle, icons, tmp_path):
    (fake_bundle / "headshot-studio").chmod(0o644)  # there, but not executable
    with pytest.raises(package.PackagingError, match="no executable 'headshot-studio'"):
        package.make_tarball(fake_bundle, icons, tmp_path / "out", VERSION)
    (fake_bundle / "headshot-studio").unlink()
    with pytest.raises(package.PackagingError, match="no executable 'headshot-studio'"):
        package.make_tarball(fake_bundle, icons, tmp_path / "out", VERSION)
    assert not (tmp_path / "out").exists()


def test_tarball_refuses_a_link_out_of_the_bundle(fake_bundle, icons, tmp_path):
    (fake_bundle / "_internal" / "libcuda.so").symlink_to("/usr/lib/libcuda.so")
    with pytest.raises(package.PackagingError, match="points outside the bundle"):
        package.make_tarball(fake_bundle, icons, tmp_path / "out", VERSION)


def test_package_main_prints_the_path_and_size(fake_bundle, icons, tmp_path, capsys):
    assert package.main(["--bundle", str(fake_bundle), "--icons", str(icons), "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    from headshot_studio import __version__

    expected = tmp_path / "out" / f"headshot-studio-{__version__}-linux-x86_64.tar.gz"
    assert expected.is_file() and str(expected) in printed and "MB)" in printed
    assert package.main(["--bundle", str(tmp_path / "nowhere"), "--icons", str(icons)]) == 1


# --- install.sh -------------------------------------------------------------------------------


def test_install_puts_the_program_command_menu_entry_and_icons_in_place(download, user):
    result = install(download, user)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout

    app_dir = user["app_dir"]
    assert os.access(app_dir / "headshot-studio", os.X_OK)
    assert (app_dir / "_internal" / "lib.so.1").is_symlink()
    assert os.readlink(app_dir / "_internal" / "lib.so.1") == "lib.so"
    assert os.access(app_dir / "uninstall.sh", os.X_OK)
    assert sorted(p.name for p in app_dir.parent.iterdir()) == ["headshot-studio"]  # no temp folders left

    launcher = user["launcher"]
    assert launcher.is_symlink() and os.readlink(launcher) == str(app_dir / "headshot-studio")
    started = run([launcher, "--version"], user["env"])
    assert started.returncode == 0 and started.stdout.strip() == "Headshot Studio 0.1.0"

    entry = user["desktop_entry"]
    assert exec_value(entry) == str(app_dir / "headshot-studio")
    assert "Icon=headshot-studio" in entry.read_text().splitlines()
    assert "StartupWMClass=headshot-studio" in entry.read_text().splitlines()
    for icon in user["icons"]:
        assert icon.is_file(), icon
    # The desktop caches did not exist, so none were created.
    assert not list(user["xdg"]["data"].rglob("*.cache"))

    assert "Headshot Studio 0.1.0 is installed." in out
    assert str(app_dir) in out and "applications menu" in out
    assert "without an internet connection" in out
    assert str(app_dir / "uninstall.sh") in out
    assert f"the folder {user['home']}/.local/bin is not on your PATH" in out
    assert f"run:\n                     {app_dir / 'headshot-studio'}\n" in out  # the full path, as the command is not found

    if shutil.which("desktop-file-validate"):
        checked = run(["desktop-file-validate", entry], user["env"])
        assert checked.returncode == 0 and checked.stdout == "", checked.stdout + checked.stderr


def test_install_into_a_folder_with_a_space_quotes_exec(download, user, tmp_path):
    prefix = tmp_path / "my apps"
    bin_dir = tmp_path / "my bin"
    env = dict(user["env"], PATH=f"{bin_dir}:{SYSTEM_PATH}")
    result = run([download / "install.sh", "--prefix", prefix, "--bin-dir", bin_dir], env)
    assert result.returncode == 0, result.stdout + result.stderr

    program = prefix / "headshot-studio" / "headshot-studio"
    assert exec_value(user["desktop_entry"]) == f'"{program}"'
    assert run([bin_dir / "headshot-studio", "--version"], env).stdout.strip() == "Headshot Studio 0.1.0"
    assert "not on your PATH" not in result.stdout
    assert "run:\n                     headshot-studio\n" in result.stdout
    assert not user["app_dir"].exists() and not user["launcher"].exists()
    if shutil.which("desktop-file-validate"):
        checked = run(["desktop-file-validate", user["desktop_entry"]], env)
        assert checked.returncode == 0 and checked.stdout == "", checked.stdout


def test_install_again_replaces_the_previous_install(download, user):
    assert install(download, user).returncode == 0
    stale = user["app_dir"] / "_internal" / "from-the-old-version.so"
    stale.write_text("old")

    result = install(download, user)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not stale.exists()
    assert (user["app_dir"] / "_internal" / "lib.so.1").is_symlink()
    assert sorted(p.name for p in user["app_dir"].parent.iterdir()) == ["headshot-studio"]
    assert run([user["launcher"], "--version"], user["env"]).stdout.strip() == "Headshot Studio 0.1.0"


def test_install_leaves_a_folder_it_did_not_make_alone(download, user):
    someone_elses = user["app_dir"] / "notes.txt"
    someone_elses.parent.mkdir(parents=True)
    someone_elses.write_text("mine")
    result = install(download, user)
    assert result.returncode == 1
    assert "was not made by this installer" in result.stderr
    assert someone_elses.read_text() == "mine" and not user["desktop_entry"].exists()


@pytest.mark.parametrize("how", ["parent is a file", "read-only folder"])
def test_install_into_a_prefix_it_cannot_write_fails_clearly(download, user, tmp_path, how):
    if how == "parent is a file":
        (tmp_path / "not-a-folder").write_text("")
        prefix = tmp_path / "not-a-folder" / "apps"
    else:
        if os.geteuid() == 0:
            pytest.skip("root can write into a read-only folder")
        prefix = tmp_path / "read-only"
        prefix.mkdir(mode=0o555)
    try:
        result = install(download, user, "--prefix", prefix)
    finally:
        if prefix.exists():
            prefix.chmod(0o755)
    assert result.returncode == 1
    assert f"cannot write to {prefix}" in result.stderr
    assert "--prefix DIR" in result.stderr and "Traceback" not in result.stderr
    assert not (prefix / "headshot-studio").exists()
    assert not user["launcher"].exists() and not user["desktop_entry"].exists()


def test_install_without_the_program_files_explains_what_to_do(download, user):
    shutil.rmtree(download / "app")
    result = install(download, user)
    assert result.returncode == 1
    assert "program files are missing" in result.stderr and "./install.sh" in result.stderr
    assert not user["app_dir"].exists()


def test_install_that_cannot_start_the_program_says_so(download, user):
    program = download / "app" / "headshot-studio"
    program.write_text("#!/usr/bin/env bash\necho 'libGL.so.1: cannot open shared object file' >&2\nexit 127\n")
    result = install(download, user)
    assert result.returncode == 1
    assert "did not start" in result.stderr and "libGL.so.1" in result.stderr
    assert "uninstall.sh" in result.stderr


def test_help_and_unknown_options(download, user):
    for script in ("install.sh", "uninstall.sh"):
        shown = run([download / script, "--help"], user["env"])
        assert shown.returncode == 0 and "--prefix DIR" in shown.stdout and "--bin-dir DIR" in shown.stdout
        wrong = run([download / script, "--prefx", "x"], user["env"])
        assert wrong.returncode == 2 and "unknown option '--prefx'" in wrong.stderr
    assert not user["app_dir"].exists()


# --- uninstall.sh -----------------------------------------------------------------------------


def test_uninstall_removes_what_install_made_and_keeps_the_users_data(download, user):
    assert install(download, user).returncode == 0
    user_files = make_user_data(user)
    uninstaller = user["app_dir"] / "uninstall.sh"

    result = run([uninstaller], user["env"], cwd=user["app_dir"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert not user["app_dir"].exists()
    assert not user["launcher"].exists() and not user["launcher"].is_symlink()
    assert not user["desktop_entry"].exists()
    assert not [p for p in (user["xdg"]["data"] / "icons").rglob("*") if p.is_file()]
    for file in user_files:
        assert file.read_text() == "the user's own work", file
    assert "Headshot Studio is uninstalled." in result.stdout
    assert str(user["data_dirs"]["data"]) in result.stdout and "kept" in result.stdout

    again = run([download / "uninstall.sh"], user["env"])
    assert again.returncode == 0, again.stderr
    assert "nothing to remove" in again.stdout
    assert all(file.exists() for file in user_files)


def test_uninstall_keeps_a_headshot_studio_command_that_is_not_ours(download, user):
    assert install(download, user).returncode == 0
    user["launcher"].unlink()
    user["launcher"].symlink_to("/usr/bin/true")
    result = run([download / "uninstall.sh"], user["env"])
    assert result.returncode == 0, result.stderr
    assert not user["app_dir"].exists()
    assert user["launcher"].is_symlink() and os.readlink(user["launcher"]) == "/usr/bin/true"


def test_uninstall_refuses_a_folder_that_is_not_an_install(download, user):
    other = user["app_dir"]
    other.mkdir(parents=True)
    (other / "notes.txt").write_text("mine")
    result = run([download / "uninstall.sh"], user["env"])
    assert result.returncode == 1 and "does not look like a Headshot Studio installation" in result.stderr
    assert (other / "notes.txt").read_text() == "mine"


def test_purge_with_yes_deletes_the_data_config_cache_and_state_folders(download, user):
    assert install(download, user).returncode == 0
    make_user_data(user)
    result = run([user["app_dir"] / "uninstall.sh", "--purge", "--yes"], user["env"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert not user["app_dir"].exists() and not user["desktop_entry"].exists()
    for folder in user["data_dirs"].values():
        assert not folder.exists(), folder
        assert f"Deleted your data folder {folder}" in result.stdout
    assert user["xdg"]["data"].is_dir()  # only our folder inside it went


def test_purge_without_yes_and_no_terminal_refuses_and_deletes_nothing(download, user):
    assert install(download, user).returncode == 0
    user_files = make_user_data(user)
    result = run([user["app_dir"] / "uninstall.sh", "--purge"], user["env"])
    assert result.returncode != 0
    assert "--purge --yes" in result.stderr and "Nothing was removed" in result.stderr
    assert all(file.exists() for file in user_files)
    assert user["app_dir"].is_dir() and user["launcher"].is_symlink() and user["desktop_entry"].exists()
    assert all(icon.exists() for icon in user["icons"])


@pytest.mark.parametrize("xdg_set", [True, False], ids=["xdg-vars-set", "xdg-vars-unset"])
def test_purged_folders_are_where_platformdirs_and_the_app_keep_data(download, user, xdg_set):
    """uninstall.sh computes the folders itself; they must be exactly the app's own."""
    env = dict(user["env"])
    if not xdg_set:
        for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            del env[name]
    script = (
        "import json, platformdirs\n"
        "from headshot_studio import paths\n"
        "kw = dict(appname='HeadshotStudio', appauthor=False)\n"
        "print(json.dumps({\n"
        "  'data': str(platformdirs.user_data_path(**kw)), 'config': str(platformdirs.user_config_path(**kw)),\n"
        "  'cache': str(platformdirs.user_cache_path(**kw)), 'state': str(platformdirs.user_state_path(**kw)),\n"
        "  'log': str(platformdirs.user_log_path(**kw)), 'app_data': str(paths.data_dir()),\n"
        "  'app_config': str(paths.config_dir()), 'app_cache': str(paths.cache_dir()), 'app_log': str(paths.log_dir()),\n"
        "}))\n"
    )
    asked = run([sys.executable, "-c", script], dict(env, PYTHONPATH=str(ROOT)), cwd=ROOT)
    assert asked.returncode == 0, asked.stderr
    where = json.loads(asked.stdout)
    base = user["xdg"] if xdg_set else {
        "data": user["home"] / ".local" / "share", "config": user["home"] / ".config",
        "cache": user["home"] / ".cache", "state": user["home"] / ".local" / "state",
    }
    for kind in DATA_KINDS:
        assert where[kind] == str(base[kind] / "HeadshotStudio")
    assert where["log"] == str(Path(where["state"]) / "log")
    assert [where["app_data"], where["app_config"], where["app_cache"]] == [where["data"], where["config"], where["cache"]]
    assert where["app_log"] == where["log"]

    for kind in (*DATA_KINDS, "log"):
        Path(where[kind]).mkdir(parents=True, exist_ok=True)
        (Path(where[kind]) / "file").write_text("x")
    result = run([download / "uninstall.sh", "--purge", "--yes"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    deleted = {
        line.removeprefix("Deleted your data folder ")
        for line in result.stdout.splitlines() if line.startswith("Deleted your data folder ")
    }
    assert deleted == {where[kind] for kind in DATA_KINDS}
    assert not any(Path(where[kind]).exists() for kind in (*DATA_KINDS, "log"))


@pytest.mark.parametrize("answer", ["yes", "no"])
def test_purge_in_a_terminal_asks_first(download, user, answer):
    assert install(download, user).returncode == 0
    user_files = make_user_data(user)
    controller, terminal = os.openpty()
    try:
        os.write(controller, f"{answer}\n".encode())  # typed ahead; read -p picks it up
        process = subprocess.Popen(
            [str(user["app_dir"] / "uninstall.sh"), "--purge"], env=user["env"],
            stdin=terminal, stdout=terminal, stderr=terminal,
        )
        returncode = process.wait(timeout=60)
        os.close(terminal)
        terminal = None
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # EIO once the terminal's other end is closed and drained
                break
            if not chunk:
                break
            shown += chunk
    finally:
        if terminal is not None:
            os.close(terminal)
        os.close(controller)
    shown = shown.decode(errors="replace")
    assert "Type yes to confirm" in shown and str(user["data_dirs"]["data"]) in shown
    if answer == "yes":
        assert returncode == 0, shown
        assert not any(folder.exists() for folder in user["data_dirs"].values())
        assert not user["app_dir"].exists()
    else:
        assert returncode == 1 and "Nothing was removed." in shown
        assert all(file.exists() for file in user_files) and user["app_dir"].is_dir()
