"""Languages of the GUI.

Source strings in the code are Chinese (the first language of the app); the
English translation lives in ``resources/i18n/photocheck_en.ts`` and is compiled
to ``.qm`` by ``tools/i18n.py compile``. Qt's own ``qtbase`` translator is
installed beside ours, so standard buttons (OK, Cancel, Yes, No) follow the
language too.

The current language is the application's default ``QLocale``; ``pick`` uses it
to choose a side of a core ``Text``. Nothing here runs at import time.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping, MutableMapping
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from ..resources import resource_path
from ..text import Text

log = logging.getLogger("photocheck.gui")

LANGS = ("zh_CN", "en")
# Shown in the language chooser, each in its own language (never translated).
LANG_NAMES = {"zh_CN": "中文", "en": "English"}


def normalise(name: str | None) -> str:
    """Map any locale spelling (zh-Hans-CN, zh_CN.UTF-8, en-GB, ...) to one of LANGS.

    Chinese is the default for anything that is not clearly English."""
    v = (name or "").strip().replace("-", "_").lower()
    return "en" if v.startswith("en") else "zh_CN"


def system_lang() -> str:
    ui = QLocale.system().uiLanguages()
    return normalise(ui[0] if ui else QLocale.system().name())


def env_lang(environ: Mapping[str, str] | None = None) -> str | None:
    """The UI language the environment asks for (LANGUAGE's first entry, LC_ALL, LC_MESSAGES,
    LANG: the order Qt reads them in), without asking Qt, which would fix its system locale
    too early (see ``align_system_locale``); None on Windows, where it is not in the environment."""
    if sys.platform == "win32":
        return None
    env = os.environ if environ is None else environ
    value = (env.get("LANGUAGE") or "").split(":")[0] or env.get("LC_ALL") or env.get("LC_MESSAGES") \
        or env.get("LANG") or ""
    return normalise(value)


def align_system_locale(lang: str, environ: MutableMapping[str, str] | None = None) -> str | None:
    """Make Qt's *system* locale speak the UI's language; call before the QApplication exists.

    Qt's file dialog formats dates and sizes by ``QLocale::system()``, which Qt reads from
    LC_ALL / LC_TIME / LANG once, at its first use: under ``LANG=C`` a Chinese dialog
    showed dates as "2 12 2026". When the environment's time locale is not in the UI's
    language, LC_TIME (or LC_ALL, which overrides it) is pointed at the UI's. Returns the
    locale set, or None when nothing needed to change (and always on Windows, where Qt
    takes the user's regional settings)."""
    if sys.platform == "win32":
        return None
    env = os.environ if environ is None else environ
    key = "LC_ALL" if env.get("LC_ALL") else "LC_TIME"
    current = env.get("LC_ALL") or env.get("LC_TIME") or env.get("LANG") or ""
    base = current.split(".")[0].split("@")[0]
    if base not in ("", "C", "POSIX") and normalise(base) == normalise(lang):
        return None
    env[key] = "en_US.UTF-8" if normalise(lang) == "en" else "zh_CN.UTF-8"
    return env[key]


# Qt's own strings that its Chinese catalogue (qtbase_zh_CN.qm of Qt 6.12) lacks, found by
# logging every lookup of the file dialog: two labels gained an accelerator the catalogue
# was never updated for, and the icon provider's type names moved to a new context.
QT_ZH_GAPS = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
    ("QAbstractFileIconProvider", "Folder"): "文件夹",
    ("QAbstractFileIconProvider", "Drive"): "驱动器",
}


class QtGaps(QTranslator):
    """Fills QT_ZH_GAPS in the Chinese UI, beside Qt's own catalogue."""

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str | None:
        # None is Qt's "not here" (a null string); "" would be a translation into nothing
        return QT_ZH_GAPS.get((context, source))

    def isEmpty(self) -> bool:
        return False


def current() -> str:
    return "en" if QLocale().language() == QLocale.Language.English else "zh_CN"


def pick(text: Text | None) -> str:
    """The side of a core ``Text`` for the current language (Chinese when English is empty)."""
    if text is None:
        return ""
    if current() == "en" and text.en:
        return text.en
    return text.zh


def fmt(template: str, *args: object) -> str:
    """Fill Qt-style positional placeholders %1 .. %9 (translations may reorder them)."""
    out = []
    i = 0
    while i < len(template):
        ch = template[i]
        if ch == "%" and i + 1 < len(template) and template[i + 1].isdigit() and template[i + 1] != "0":
            n = int(template[i + 1])
            if n <= len(args):
                out.append(str(args[n - 1]))
                i += 2
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def translations_dir() -> Path:
    return resource_path("i18n")


def qt_translations_dir() -> Path:
    # A frozen app carries Qt's catalogues inside resources/i18n/qt; a source tree uses PySide6's.
    bundled = translations_dir() / "qt"
    if bundled.is_dir():
        return bundled
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


class Translators:
    """Owns the installed translators; ``apply(lang)`` switches them live.

    Installing a translator sends every widget a LanguageChange event; widgets
    re-read their texts in ``changeEvent`` (see ``retranslate`` in each view)."""

    def __init__(self, app: QCoreApplication):
        self.app = app
        self.lang = ""
        self._installed: list[QTranslator] = []
        self._english: QTranslator | None = None

    def apply(self, lang: str) -> bool:
        """Switch to ``lang``; False when its catalogue is missing (the UI stays Chinese)."""
        lang = normalise(lang)
        for t in self._installed:
            self.app.removeTranslator(t)
        self._installed.clear()
        ok = True
        if lang != "zh_CN":
            ours = QTranslator(self.app)
            if ours.load(f"photocheck_{lang}", str(translations_dir())):
                self._installed.append(ours)
            else:
                log.warning("translation catalogue photocheck_%s.qm not found in %s; "
                            "run `make translations`", lang, translations_dir())
                ok = False
        qt = QTranslator(self.app)
        if qt.load(f"qtbase_{lang}", str(qt_translations_dir())):
            self._installed.append(qt)
        if lang == "zh_CN":
            self._installed.append(QtGaps(self.app))
        QLocale.setDefault(QLocale("en_US" if lang == "en" and ok else "zh_CN"))
        for t in self._installed:
            self.app.installTranslator(t)
        self.lang = lang if ok else "zh_CN"
        return ok

    def uninstall(self) -> None:
        """Remove every translator this object installed (the UI falls back to the Chinese source)."""
        for t in self._installed:
            self.app.removeTranslator(t)
        self._installed.clear()
        self.lang = ""

    def english(self, context: str, source: str) -> str:
        """The English translation of a source string, whatever the current language.

        Error dialogs in the Chinese UI show the English line under the Chinese one."""
        if self._english is None:
            self._english = QTranslator(self.app)
            if not self._english.load("photocheck_en", str(translations_dir())):
                log.warning("photocheck_en.qm missing; error dialogs show Chinese only")
        return self._english.translate(context, source) or ""
