"""GUI test fixtures: offscreen Qt, one timeout, scripted dialogs, synchronous workers.

Real faces come from packages at test time (matplotlib's grace_hopper.jpg,
scikit-image's astronaut); documents are drawn in code.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))

import pytest  # noqa: E402
import samples  # noqa: E402

from photocheck.gui import i18n, qtfix  # noqa: E402
from photocheck.gui.controller import AppController  # noqa: E402
from photocheck.gui.dialogs import Dialogs  # noqa: E402
from photocheck.gui.settings import Settings  # noqa: E402

# PySide6 6.12 on CPython 3.11 leaks references to None/True (see photocheck.gui.qtfix);
# the app guards against it at start-up, and so does the test session.
qtfix.apply()

# The one timeout of the GUI tests (ms), for every waitSignal / waitUntil.
TIMEOUT = 30_000
REPO = Path(__file__).resolve().parents[2]


class ScriptedDialogs(Dialogs):
    """Stands in for every modal dialog: answers come from queues, calls are recorded."""

    def __init__(self) -> None:
        super().__init__(headless=True)
        self.errors: list[str] = []
        self.infos: list[str] = []
        self.confirms: list[str] = []
        self.open_answers: list[object] = []     # each a path (str) or a list of paths
        self.save_answers: list[str] = []
        self.dir_answers: list[str] = []
        self.confirm_answers: list[bool] = []
        self.reason_answers: list[object] = []   # each (template id, note) or None (cancelled)
        self.reasons_asked: list[list[tuple[str, str]]] = []
        self.unsaved_answers: list[str] = []     # "save" | "discard" | "cancel"
        self.unsaved_asked: list[str] = []
        self.reports_opened: list[str] = []
        self.package_answers: list[str] = []

    def error(self, parent, err, title=None):  # noqa: ANN001, ANN201
        from photocheck.gui.dialogs import error_lines

        main, extra = error_lines(err)
        self.errors.append(main + ("\n" + extra if extra else ""))

    def info(self, parent, title, text, details=""):  # noqa: ANN001, ANN201
        self.infos.append(text + ("\n" + details if details else ""))

    def confirm(self, parent, title, text, details="", default_yes=False):  # noqa: ANN001, ANN201
        self.confirms.append(text + ("\n" + details if details else ""))
        return self.confirm_answers.pop(0) if self.confirm_answers else default_yes

    def reason(self, parent, title, text, templates):  # noqa: ANN001, ANN201
        self.reasons_asked.append(list(templates))
        return self.reason_answers.pop(0) if self.reason_answers else None

    def unsaved(self, parent, title, text, details=""):  # noqa: ANN001, ANN201
        self.unsaved_asked.append(text + ("\n" + details if details else ""))
        # unscripted: discard, so a test's window closes at teardown; the tests of this
        # question script their answers and look at unsaved_asked
        return self.unsaved_answers.pop(0) if self.unsaved_answers else "discard"

    def open_report(self, parent, path):  # noqa: ANN001, ANN201
        self.reports_opened.append(path)
        return True

    def open_package(self, parent, title, folder):  # noqa: ANN001, ANN201
        return self.package_answers.pop(0) if self.package_answers else ""

    def open_file(self, parent, title, folder, filters):  # noqa: ANN001, ANN201
        return str(self.open_answers.pop(0)) if self.open_answers else ""

    def open_files(self, parent, title, folder, filters):  # noqa: ANN001, ANN201
        a = self.open_answers.pop(0) if self.open_answers else []
        return [str(x) for x in a] if isinstance(a, (list, tuple)) else [str(a)]

    def save_file(self, parent, title, path, filters):  # noqa: ANN001, ANN201
        self.last_save_default = path
        return self.save_answers.pop(0) if self.save_answers else ""

    def open_dir(self, parent, title, folder):  # noqa: ANN001, ANN201
        return self.dir_answers.pop(0) if self.dir_answers else ""


@pytest.fixture
def timeout() -> int:
    return TIMEOUT


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Imported rule packs and logs go to a temp folder, never the developer's home."""
    home = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))


@pytest.fixture(scope="session")
def compiled_translations() -> Path:
    subprocess.run([sys.executable, str(REPO / "tools" / "i18n.py"), "compile"], check=True)
    return REPO / "resources" / "i18n" / "photocheck_en.qm"


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings.at(tmp_path / "settings.ini")


@pytest.fixture
def dialogs() -> ScriptedDialogs:
    return ScriptedDialogs()


@pytest.fixture
def translators(qapp):
    t = i18n.Translators(qapp)
    t.apply("zh_CN")
    yield t
    # leave no translator behind: the next test's Translators cannot remove this one's,
    # and a stale qtbase_zh_CN would keep Qt's own strings Chinese after a switch to English
    t.apply("zh_CN")      # the default locale back to Chinese
    t.uninstall()


@pytest.fixture
def controller(qapp, settings) -> AppController:
    c = AppController(settings, synchronous=True)
    yield c
    c.shutdown()


@pytest.fixture
def window(qtbot, controller, settings, translators, dialogs):
    from photocheck.gui.mainwindow import MainWindow

    w = MainWindow(controller, settings, translators, dialogs)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    return w


# --- sample images (from packages, never from the corpus) ---------------------------------

@pytest.fixture(scope="session")
def grace_src() -> Path:
    from matplotlib import cbook

    return Path(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))


@pytest.fixture
def grace(tmp_path, grace_src) -> Path:
    dst = tmp_path / "photos" / "grace.jpg"
    dst.parent.mkdir(exist_ok=True)
    shutil.copy(grace_src, dst)
    return dst


@pytest.fixture(scope="session")
def astronaut_bgr():
    import cv2
    from skimage import data

    return cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)


# --- packages built in code (documents drawn by tools/screenshots.py) --------------------------

def _tools():
    import importlib.util

    spec = importlib.util.spec_from_file_location("pc_screenshots", REPO / "tools" / "screenshots.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="session")
def drawn(tmp_path_factory):
    """Code-drawn registration documents and a sealed photo made by the real fix."""
    tools = _tools()
    folder = tmp_path_factory.mktemp("drawn")
    docs = tools.documents(folder)
    docs["photo"] = tools.fixed_photo(folder)
    return docs


SPECS_ARGS = (("photo", "报名照片", "Registration photo", 1, 1), ("id_card", "身份证明", "Identity document", 2, 2),
              ("diploma", "毕业证书", "Graduation certificate", 1, None))


def specs():
    from photocheck.submission.slots import SlotSpec
    from photocheck.text import Text

    return [SlotSpec(i, Text(zh, en), lo, hi) for i, zh, en, lo, hi in SPECS_ARGS]


class Catalogue:
    """``catalogue(specs)``: packages get these slots whatever the profile, as if the rule
    pack's catalogue listed them (default: ``specs()``); ``catalogue.specs`` are the ones in use."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.monkeypatch = monkeypatch
        self.specs: list = []

    def __call__(self, slot_specs: list | None = None) -> None:
        self.specs = specs() if slot_specs is None else list(slot_specs)
        samples.install_catalogue(self.specs, self.monkeypatch.setattr)


@pytest.fixture
def catalogue(monkeypatch) -> Catalogue:
    return Catalogue(monkeypatch)


@pytest.fixture(scope="session")
def submitted_package(tmp_path_factory, drawn):
    """A complete package, submitted: photo, ID front and back, diploma (slots from ``specs()``)."""
    from photocheck.submission import package

    path = tmp_path_factory.mktemp("pkgs") / "submitted"
    with pytest.MonkeyPatch.context() as mp:
        samples.install_catalogue(specs(), mp.setattr)
        with package.create(path, candidate_name="张晓明") as pkg:
            pkg.add("photo", [str(drawn["photo"])])
            pkg.add("id_card", [str(drawn["id_front"]), str(drawn["id_back"])])
            pkg.add("diploma", [str(drawn["diploma"])])
            pkg.submit()
    return path


@pytest.fixture
def package_copy(tmp_path, submitted_package, catalogue):
    """A copy of ``submitted_package``, opened under the same stand-in catalogue."""
    catalogue()
    dst = tmp_path / "package"
    shutil.copytree(submitted_package, dst)
    return dst
