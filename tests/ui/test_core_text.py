"""Core's words in the user's language (ui/core_text.py): every sentence and pattern of
its tables is text core really produces (so a change of wording in core fails here), the
sentences a user sees most are covered, and with the German catalogue installed they
come out German; text it does not know passes through unchanged."""

from __future__ import annotations

import ast
import builtins
import errno
import importlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QLocale

import headshot_studio
from headshot_studio.core import events, export, gallery, hardware, limits, photo_status, quality, session, styles
from headshot_studio.core.gallery import GalleryEntry, Scores
from headshot_studio.core.images import ImageLoadError, load_image, scan_photos
from headshot_studio.core.quality import THRESHOLDS, Issue, PhotoReport, SetReport, Verdict
from headshot_studio.settings import Settings
from headshot_studio.ui import i18n
from headshot_studio.ui.core_text import ITEMS, PATTERNS, SENTENCES, core_text, is_known

PACKAGE = Path(headshot_studio.__file__).parent
CORE = PACKAGE / "core"


# --- what core says --------------------------------------------------------------------


def source_strings() -> set[str]:
    """Every string literal in core (and settings.py, whose descriptions are tooltips)."""
    found = set()
    for path in [*CORE.rglob("*.py"), PACKAGE / "settings.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return found


def _static_text(node: ast.AST) -> str:
    """The literal text of an expression that builds a string (both branches of an ``if``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_static_text(value) for value in node.values)
    if isinstance(node, ast.BinOp):
        return _static_text(node.left) + _static_text(node.right)
    if isinstance(node, ast.IfExp):
        return _static_text(node.body) + _static_text(node.orelse)
    return ""


def core_fstring(module_name: str, fragment: str, **names) -> str:
    """The message core builds around ``fragment`` (an argument, a return value or an
    assignment in ``core/<module>.py`` whose literal text holds it), evaluated with
    ``names`` and the module's own globals: the wording is read from core's source."""
    module = importlib.import_module(f"headshot_studio.core.{module_name}")
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    candidates = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            candidates += [*node.args, *(keyword.value for keyword in node.keywords)]
        elif isinstance(node, (ast.Return, ast.Assign)) and node.value is not None:
            candidates.append(node.value)
    for expression in candidates:
        used = {node.id for node in ast.walk(expression) if isinstance(node, ast.Name)}
        if fragment in _static_text(expression) and set(names) <= used and not isinstance(expression, ast.Constant):
            code = compile(ast.Expression(expression), module.__file__, "eval")
            return eval(code, dict(vars(module)), dict(names))  # noqa: S307 - core's own source
    raise AssertionError(f"no message holding {fragment!r} in core/{module_name}.py")


def _issue(result) -> Issue:
    return result[1] if isinstance(result, tuple) else result


def _report(name: str, **changes) -> PhotoReport:
    return PhotoReport(file=Path(name), verdict=Verdict.OK, issues=(), **changes)


def quality_issues() -> list[Issue]:
    """Every kind of finding whose sentence has values in it, as core makes them."""
    t = THRESHOLDS
    small = SimpleNamespace(eye_distance=30.0, width=75.0)
    tiny = SimpleNamespace(eye_distance=80.0, width=200.0)
    duplicates = quality._mark_duplicates(
        [_report("a.jpg", difference_hash=5, content_hash="x"), _report("b.jpg", difference_hash=5, content_hash="y")],
        t,
    )
    return [
        _issue(quality._resolution_check((300, 200), t)),
        _issue(quality._face_size_check(small, 1.0, t)),  # refused: far too small
        _issue(quality._face_size_check(tiny, 1.0, t)),  # warned: a little small
        duplicates[1].issues[0],
        quality._count_issue(1, t),
        quality._count_issue(3, t),
        quality._count_issue(6, t),
        quality._count_issue(20, t),
    ]


def set_reports() -> list[SetReport]:
    few = quality._count_issue(3, THRESHOLDS)
    light = Issue("little_lighting_variety", Verdict.WARN, 0.5, "All photos were taken in the same light. Add some in "
                  "different places (daylight outside, indoors by a window).")
    usable = tuple(Path(f"{n}.jpg") for n in range(9))
    return [
        SetReport(ready=True, verdict=Verdict.OK, usable=usable, issues=(), photos=()),
        SetReport(ready=True, verdict=Verdict.WARN, usable=usable, issues=(light,), photos=()),
        SetReport(ready=False, verdict=Verdict.REJECT, usable=usable[:3], issues=(few,), photos=()),
    ]


def photo_statuses() -> list[str]:
    checking = photo_status.photo_status(Path("c.jpg"), None)
    good = photo_status.photo_status(Path("g.jpg"), _report("g.jpg"))
    usable = photo_status.photo_status(Path("u.jpg"), PhotoReport(file=Path("u.jpg"), verdict=Verdict.WARN,
                                                                  issues=quality_issues()[2:3]))
    failed = photo_status.photo_status(Path("f.jpg"), None, photo_status.failure_reason(events.ErrorKind.INTERNAL, "x"))
    texts = [checking.message, good.message, failed.message]
    texts += [text for status in (checking, good) for _, text in status.advice()]
    texts += [photo_status.count_summary([]), photo_status.count_summary([good]),
              photo_status.count_summary([good, usable, checking, failed])]
    for report, statuses, has_session in (
        (None, [], False), (None, [], True), (None, [checking, good], True), (None, [failed], True),
        *((report, [good], True) for report in set_reports()),
    ):
        status = photo_status.set_status(report, statuses, has_session=has_session)
        texts += [status.sentence, status.count_text, status.usable_text]
    return texts


def gallery_words() -> list[str]:
    entry = GalleryEntry(file="x.png", scores=Scores(likeness=0.93, sharpness=0.8, exposure=0.7, composition=0.6,
                                                     technical=0.5, eyes=0.9))
    words = [word for word, _ in gallery.FLAG_WORDS.values()] + [gallery.UNKNOWN_FLAG[0]]
    words += list(gallery.SCORE_WORDS.values()) + [gallery.scores_text(entry), gallery.style_label(None, {})]
    words += [gallery.no_selfie_reason(photos_deleted=deleted, has_photos=has)
              for deleted, has in ((True, True), (False, True), (False, False))]
    return words


def errors() -> list[str]:
    full = OSError(errno.ENOSPC, "No space left on device")
    texts = [events.describe_error(exc)[1] for exc in (MemoryError(), RuntimeError("bug"), full)]
    texts += [events.GPU_OUT_OF_MEMORY_MESSAGE, events.DISK_FULL_MESSAGE]
    sdxl = SimpleNamespace(architecture="sdxl", architecture_name="SDXL", name="m")
    sd15 = SimpleNamespace(architecture="sd15", architecture_name="Stable Diffusion 1.5", name="m")
    for model in (sdxl, sd15):
        card = hardware.DeviceInfo(kind="cuda", name="RTX", total_vram_gb=4.0, free_vram_gb=1.0)
        processor = hardware.DeviceInfo(kind="cpu", name="cpu", free_ram_gb=2.0)
        for call in (lambda: hardware._vram_tier(model, card, "fp16"),
                     lambda: hardware._check_processor_run(model, processor, full_size=True, allow_cpu=True),
                     lambda: hardware._check_processor_run(model, processor, full_size=True, allow_cpu=False)):
            with pytest.raises(events.HeadshotError) as raised:
                call()
            texts.append(raised.value.message)
    texts += [hardware.DeviceInfo(kind="cuda", name="RTX 4090", total_vram_gb=24, free_vram_gb=20).describe(),
              hardware.DeviceInfo(kind="cpu", name="x86_64").describe()]
    return texts


def run_messages() -> list[str]:
    """What Start refuses with, and what a run reports on its way."""
    from headshot_studio.core import pipeline

    return [
        core_fstring("pipeline", "is chosen but no longer available", style_id="beach"),
        core_fstring("pipeline", "The number of headshots of", styles={"beach": SimpleNamespace(name="Beach")},
                     style_id="beach", count=500),
        core_fstring("pipeline", "There is not enough free disk space", needed=2**31, free=2**20),
        core_fstring("pipeline", "Settings for this computer", plan=SimpleNamespace(describe=lambda: "cuda, fp16")),
        pipeline.OUT_OF_MEMORY_RETRY_MESSAGE,
        core_fstring("training", "Learning the face: step", done=10, config=SimpleNamespace(steps=800)),
        core_fstring("training", "Loading ", model=SimpleNamespace(name="Tiny SD")),
        core_fstring("training", "Loaded ", model=SimpleNamespace(name="Tiny SD")),
        core_fstring("generation", " images", results=[1, 2], requests=[1, 2, 3]),
        core_fstring("pipeline", "Finished ", item=SimpleNamespace(final=Path("legal-0001.png"))),
        core_fstring("dataset", "Prepared ", report=SimpleNamespace(file=Path("IMG_0001.jpg"))),
        core_fstring("quality", ": ", path=Path("IMG_0001.jpg"), report=SimpleNamespace(message="Good photo.")),
        core_fstring("models", " is intact", info=SimpleNamespace(name="Tiny SD")),
        core_fstring("models", "Checking ", label="model.safetensors"),
        core_fstring("models", "Converting ", label="model.safetensors"),
        core_fstring("models", "Copying ", rel="unet/config.json"),
        "Generating", "Ranking", "Recording checksums",
    ]


def session_and_export() -> list[str]:
    texts = []
    for name in ("", "x" * 500, "a\x00b"):
        with pytest.raises(events.HeadshotError) as raised:
            session.check_session_name(name)
        texts.append(raised.value.message)
    texts += [session.WipeReport(sessions=sessions, files_removed=12, bytes_removed=3 * 2**20,
                                 cached_analyses_removed=4, originals_kept=kept).describe()
              for sessions in (("a",), ("a", "b")) for kept in ((), ("x.jpg", "y.jpg"))]
    texts += [core_fstring("session", "There is no session", session_id="gone"),
              core_fstring("session", "is being worked on by another run", session=SimpleNamespace(name="Alex")),
              core_fstring("session", "is not in this session.", photo=Path("IMG_1.jpg"))]
    texts += list(export.SIZES.values())
    texts += [export.ExportResult(Path("/tmp/out"), count, []).describe() for count in (1, 5)]
    texts += [export._export_failed(Path("/tmp/out"), exc).message
              for exc in (OSError(errno.ENOSPC, "No space left on device"), PermissionError("no"))]
    texts += [core_fstring("export", "is not a ZIP file name", destination=Path("x.txt")),
              core_fstring("export", "is a folder. Choose a file name", destination=Path("/tmp")),
              core_fstring("export", "is a file, not a folder. Choose a folder to export", destination=Path("/x"))]
    return texts


def style_and_settings() -> list[str]:
    texts = [styles.sampler_label(key) for key in styles.SAMPLERS]
    texts = [text for text in texts if "(" in text]  # the others are names ("DDIM"), the same in every language
    with pytest.raises(styles.StyleError) as raised:
        styles.check_avoid_text("glasses, " * 200)
    texts.append(raised.value.message)
    described = Settings.describe()
    texts += [described[key] for key in ("models_folder", "preset", "retouch", "colour_strength",
                                         "images_per_style", "copy_photos")]
    return texts


def photo_problems(folder: Path) -> list[str]:
    """Why each hostile file cannot be used (tests/hostile_inputs.py), and what adding a
    folder without photos, or a path that is gone, says."""
    import hostile_inputs

    cases = hostile_inputs.build_corpus(folder / "corpus")
    texts = []
    try:
        for name in cases:
            try:
                load_image(folder / "corpus" / name, max_side=64)
            except ImageLoadError as exc:
                texts.append(exc.message)
    finally:
        hostile_inputs.make_readable(folder / "corpus")
    (folder / "empty").mkdir()
    for sources in ([folder / "gone.jpg"], [folder / "empty"]):
        with pytest.raises(events.InputError) as raised:
            scan_photos(sources)
        texts.append(raised.value.message)
    texts.append(core_fstring("images", "cannot be opened. Check that you may read it.", source=Path("Pictures")))
    texts.append(core_fstring("images", "has a name that is not valid text", path=Path("bad.jpg")))
    from headshot_studio.core import files

    for fragment in ("no longer exists", "is not a name a file can have", "Check that you may read it, then",
                     "you do not have permission", "HEIC support is not", "is too large to open"):
        texts.append(core_fstring("images", fragment, name="IMG_0001.jpg"))
    for reason in (files.LINK_REASON, files.SPECIAL_REASON, files.FOLDER_REASON):
        texts.append(core_fstring("images", "Add the photo itself.", name="IMG_0001.jpg",
                                  exc=SimpleNamespace(reason=reason)))
    return texts


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> list[str]:
    folder = tmp_path_factory.mktemp("core-text")
    texts = [issue.message for issue in quality_issues()]
    texts += [report.message for report in set_reports()]
    texts += [quality.too_many_photos(70, 3), quality.too_many_photos(70)]
    texts += photo_statuses() + gallery_words() + errors() + run_messages() + session_and_export()
    texts += style_and_settings() + photo_problems(folder)
    return texts


@pytest.fixture
def german(qapp):
    assert i18n.install_translators(qapp, QLocale(QLocale.Language.German, QLocale.Country.Germany)) == "de"
    yield
    i18n.uninstall_translators(qapp)


# --- the tables are core's text ---------------------------------------------------------


def test_every_sentence_is_a_string_core_has():
    strings = source_strings()
    missing = [sentence for sentence in SENTENCES if sentence not in strings]
    assert missing == [], "no longer in core (change the table and the catalogue):\n" + "\n".join(missing)


def test_every_pattern_matches_a_sentence_core_makes(samples):
    unmatched = [pattern.template for pattern in (*PATTERNS, *ITEMS)
                 if not any(pattern.regex.fullmatch(text) for text in samples)
                 and not any(pattern.regex.fullmatch(part) for text in samples
                             for part in [*text.split(" · "), *text.split(": ", 1)[-1].split(", ")])]
    assert unmatched == [], "core no longer words these so:\n" + "\n".join(unmatched)


def test_what_a_user_sees_most_is_covered(samples):
    unknown = [text for text in samples if text and not is_known(text)]
    assert unknown == [], "core text without a translation (add it to ui/core_text.py):\n" + "\n".join(unknown)


def _message_expressions(path: Path):
    """(name, expression) of every photo finding's sentence (quality.Issue) and every
    progress message (JobEvent, Notice, a model copy's progress) in core/<path>."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            position = {"Issue": 3, "_graded": 4, "JobEvent": 3, "Notice": 1}.get(node.func.id)
            if position is None:
                continue
            message = node.args[position] if len(node.args) > position else None
            message = next((k.value for k in node.keywords if k.arg == "message"), message)
            if message is not None:
                finding = node.func.id in ("Issue", "_graded") and isinstance(node.args[0], ast.Constant)
                yield ("Issue" if finding else node.func.id), node.args[0].value if finding else "", message
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Attribute) and t.attr == "message"
                                                  for t in node.targets):
            yield "progress", "", node.value


class _Any:
    """Stands for any value in a message being rendered: every operation gives itself,
    and it prints as 7."""

    def __format__(self, spec):
        return "7"

    __str__ = __repr__ = lambda self: "7"

    def __getattr__(self, name):
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __getitem__(self, key):
        return self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __floordiv__ = __mod__ = __call__


class _Names(dict):
    def __missing__(self, name):
        return _Any()


def test_every_photo_finding_and_progress_message_in_core_is_covered():
    covered_codes = {issue.code for issue in quality_issues()}
    sentences = set(SENTENCES)
    problems = []
    for path in sorted(CORE.rglob("*.py")):
        module = importlib.import_module("headshot_studio." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts))
        for kind, code, expression in _message_expressions(path):
            branches = [expression.body, expression.orelse] if isinstance(expression, ast.IfExp) else [expression]
            for branch in branches:
                if isinstance(branch, ast.Constant):
                    text = branch.value
                elif isinstance(branch, ast.Name) and isinstance(getattr(module, branch.id, None), str):
                    text = getattr(module, branch.id)
                elif kind == "Issue" and isinstance(branch, (ast.JoinedStr, ast.BinOp)):
                    if code not in covered_codes:
                        problems.append(f"{path.name}: the {code!r} finding's sentence has no sample here")
                    continue
                elif isinstance(branch, ast.JoinedStr):
                    names = _Names(report=SimpleNamespace(message="Good photo.", file=Path("IMG_0001.jpg")))
                    text = eval(compile(ast.Expression(branch), str(path), "eval"), {"__builtins__": builtins}, names)
                else:
                    continue  # a value passed on (an error's own message, a progress object's)
                if text and text not in sentences and not is_known(text):
                    problems.append(f"{path.name}: {kind} {text!r}")
    assert problems == []


def test_limits_text_used_in_sentences_is_a_range():
    # "8–15" is put into sentences as it is, in every language.
    assert limits.ideal_photos_text() == f"{limits.IDEAL_PHOTOS[0]}–{limits.IDEAL_PHOTOS[1]}"


# --- in German ------------------------------------------------------------------------------


def test_core_text_is_english_without_a_translator(samples):
    assert [text for text in samples if core_text(text) != text] == []


def test_known_core_messages_come_out_german(german, samples):
    assert core_text("Good photo.") == "Gutes Foto."
    assert core_text(quality.SetReport(ready=True, verdict=Verdict.OK, usable=(Path("a"),) * 9, issues=(),
                                       photos=()).message) == "Bereit: 9 gute Fotos."
    few = set_reports()[2].message  # "Not ready yet: 3 usable photos; at least 5 are needed, …"
    assert core_text(few) == ("Noch nicht bereit: 3 brauchbare Fotos; mindestens 5 werden benötigt, 8–15 sind "
                              "ideal. Fügen Sie 2 weitere hinzu.")
    assert core_text("5 photos: 3 good, 1 usable, 1 being checked") == "5 Fotos: 3 gut, 1 brauchbar, 1 in Prüfung"
    assert core_text("Likeness 93% · Sharpness 80%") == "Ähnlichkeit 93 % · Schärfe 80 %"
    assert core_text(gallery.FLAG_WORDS["unlike_person"][0]) == "Sieht Ihnen nicht ähnlich"
    assert core_text("IMG_0001.jpg: Good photo.") == "IMG_0001.jpg: Gutes Foto."
    assert core_text(events.GPU_OUT_OF_MEMORY_MESSAGE).startswith("Der Speicher Ihrer Grafikkarte")
    unchanged = [text for text in samples if core_text(text) == text]
    assert unchanged == [], "not German:\n" + "\n".join(unchanged)
    assert all(core_text(sentence) != sentence for sentence in SENTENCES)


def test_text_it_does_not_know_passes_through(german):
    for text in ("", "A sentence core never says.", "Corporate: navy suit, grey backdrop", "x: y",
                 "Ready, but something new happened.", "7 photos: 3 wonderful"):
        assert core_text(text) == text
