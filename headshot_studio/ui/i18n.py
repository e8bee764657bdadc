"""The app in the user's language: our catalogue (resources/translations/
headshot_studio_<lang>.qm) and Qt's own (qtbase_<lang>.qm: the standard buttons, file
and colour dialogs) for the first of the system's UI languages we have a catalogue for.

English is the source language: a system that lists English before any language we
ship gets the app in English, even when a later choice (German, say) has a catalogue.
``HEADSHOT_STUDIO_LANGUAGE`` ("de", "en", "de_DE" …) overrides the system's choice, for
tests, screenshots and people who want the app in another language than their desktop.

Called once from ``run_app`` after the QApplication exists and before any window is
built (texts are translated when widgets are made). The catalogue is made from the
sources with ``python tools/translations.py``.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from headshot_studio import paths

LANGUAGE_ENV = "HEADSHOT_STUDIO_LANGUAGE"
CATALOGUE = "headshot_studio"  # headshot_studio_<language>.qm
SOURCE_LANGUAGE = QLocale.Language.English


def translations_dir():
    """Where our compiled catalogues are (bundled read-only resources)."""
    return paths.resources_dir() / "translations"


def _ui_languages(locale: QLocale | None) -> list[str]:
    """The languages to try, most wanted first, as "de_DE" / "de" tags."""
    override = os.environ.get(LANGUAGE_ENV, "").strip()
    if override:
        locale = QLocale(override)
    elif locale is None:
        locale = QLocale.system()
    return [tag.replace("-", "_") for tag in locale.uiLanguages()]


def install_translators(app: QCoreApplication, locale: QLocale | None = None) -> str | None:
    """Install the translators for ``locale`` (default: the system's, or the
    ``HEADSHOT_STUDIO_LANGUAGE`` override); returns the language used ("de"), or None
    when the app stays in English. Translators installed before by this function are
    removed first, so it can be called again to switch."""
    uninstall_translators(app)
    folder = str(translations_dir())
    for tag in _ui_languages(locale):
        if QLocale(tag).language() == SOURCE_LANGUAGE:
            return None  # English is wanted before any language we have
        ours = QTranslator(app)
        # load(name, folder) tries headshot_studio_de_DE.qm, then headshot_studio_de.qm …
        if not ours.load(f"{CATALOGUE}_{tag}", folder):
            ours.deleteLater()
            continue
        ours.setObjectName("headshotStudioTranslator")
        app.installTranslator(ours)
        qt = QTranslator(app)
        if qt.load(f"qtbase_{tag}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            qt.setObjectName("headshotStudioQtTranslator")
            app.installTranslator(qt)
        else:
            qt.deleteLater()
        return QLocale(tag).name().split("_")[0]
    return None


def uninstall_translators(app: QCoreApplication) -> None:
    """Remove the translators :func:`install_translators` installed (back to English)."""
    for translator in app.findChildren(QTranslator):
        if translator.objectName() in ("headshotStudioTranslator", "headshotStudioQtTranslator"):
            app.removeTranslator(translator)
            translator.setParent(None)
            translator.deleteLater()
