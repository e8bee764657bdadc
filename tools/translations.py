"""Update the translation catalogue from the sources, and compile it.

    python tools/translations.py            # lupdate + lrelease for every language
    python tools/translations.py --check    # list messages without a translation; exit 1 if any

1. ``lupdate`` (PySide6's, from the venv) reads every ``self.tr(...)``,
   ``QCoreApplication.translate(...)`` and ``QT_TRANSLATE_NOOP(...)`` in
   headshot_studio/ui/**/*.py into resources/translations/headshot_studio_<lang>.ts,
   keeping the translations already there and dropping messages no source has any more
   (``-no-obsolete``), without line numbers (``-locations none``: diffs show only text).
2. A new or changed message arrives there as ``type="unfinished"``: translate it (Qt
   Linguist, ``pyside6-linguist``, or any editor: set the <translation> text and remove
   the ``type`` attribute). ``--check`` lists what is left; tests/ui/test_translations.py
   fails while anything is.
3. ``lrelease`` compiles each .ts into the .qm the app loads (headshot_studio/ui/i18n.py).
   Both files are committed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "headshot_studio" / "ui"
TRANSLATIONS = ROOT / "resources" / "translations"
CATALOGUE = "headshot_studio"
LANGUAGES = ("de",)  # one .ts per language: headshot_studio_de.ts


def qt_tool(name: str) -> Path:
    """A Qt tool PySide6 ships (lupdate, lrelease), from the PySide6 package folder."""
    import PySide6

    folder = Path(PySide6.__file__).resolve().parent
    for candidate in (folder / name, folder / f"{name}.exe"):
        if candidate.is_file():
            return candidate
    raise SystemExit(f"{name} is not in {folder}: install the PySide6 package (pip install -r requirements)")


def ts_file(language: str) -> Path:
    return TRANSLATIONS / f"{CATALOGUE}_{language}.ts"


def qm_file(language: str) -> Path:
    return TRANSLATIONS / f"{CATALOGUE}_{language}.qm"


def lupdate(ts: Path, sources: Path = SOURCES) -> None:
    """Extract the messages of ``sources`` into ``ts`` (merged with what it holds)."""
    ts.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [str(qt_tool("lupdate")), "-silent", "-extensions", "py", "-no-obsolete", "-locations", "none",
         str(sources), "-ts", str(ts)],
        check=True,
    )


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run([str(qt_tool("lrelease")), "-silent", str(ts), "-qm", str(qm)], check=True)


def messages(ts: Path) -> list[tuple[str, str, str | None]]:
    """(context, source, translation) of every message in ``ts``; translation None when
    it is unfinished or empty."""
    found = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            done = translation is not None and translation.get("type") is None and (translation.text or "")
            found.append((name, message.findtext("source"), translation.text if done else None))
    return found


def untranslated(ts: Path) -> list[tuple[str, str]]:
    return [(context, source) for context, source, translation in messages(ts) if translation is None]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only list untranslated messages (exit 1 if any)")
    args = parser.parse_args(argv)
    missing = 0
    for language in LANGUAGES:
        ts = ts_file(language)
        if not args.check:
            lupdate(ts)
            lrelease(ts, qm_file(language))
        todo = untranslated(ts)
        missing += len(todo)
        print(f"{ts.relative_to(ROOT)}: {len(messages(ts))} messages, {len(todo)} without a translation")
        for context, source in todo:
            print(f"  [{context}] {source!r}")
    return 1 if args.check and missing else 0


if __name__ == "__main__":
    sys.exit(main())
