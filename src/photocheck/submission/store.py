"""Where a package's bytes live: a folder, or the same content in a zip file.

Both stores commit a change the same way, so a package killed mid-write opens
either as it was before or as it was after:

- **folder:** new image files are written first (each atomically: temp file, fsync,
  ``os.replace``), then ``manifest.json`` the same way, and only then are files the
  manifest no longer names deleted. Until the manifest is replaced, the new files
  are unreferenced orphans that readers ignore; the next writer removes them.
- **zip:** the whole archive is rebuilt in a temp file beside it and swapped in
  with ``os.replace``.

Reading a zip is defensive: member names that are absolute, contain ``..`` or
backslashes, symlink members, too many members, and members that expand beyond the
size limits (checked on the bytes actually inflated, not the header's claim) are
refused before anything is used. Nothing is ever extracted to disk.

Every path a folder package reads or writes is resolved and must stay inside the
package folder, and the package tree may hold no link: a symbolic link, or on
Windows a junction or another reparse point that redirects a name, anywhere in it
is refused (exit 4) with its path named. Opening a folder package walks the whole
tree for links once; each read and write checks its own path again.

Writers hold an advisory lock (``fcntl.flock`` on POSIX, ``msvcrt.locking`` on
Windows) on a lock file, so a second writer gets a clear "in use" error instead of
a torn package; the OS drops the lock when a process dies, so it never goes stale.
"""

from __future__ import annotations

import os
import re
import socket
import stat
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from ..errors import InputError, IntegrityError, OutputError, RefusedError
from ..fsutil import HELD_OPEN, atomic_write, held_open, replace
from ..text import Text

MANIFEST = "manifest.json"
FILES_DIR = "files"
LOCK_NAME = ".photocheck.lock"

# manifest.json is refused above this size (photocheck.submission.manifest.MAX_BYTES).
MANIFEST_MAX_BYTES = 8 * 1024 * 1024

# Names the manifest may give to stored files: files/<slot>/<name>, plain characters only.
SAFE_NAME = re.compile(r"^files/[A-Za-z0-9_\-]{1,64}/[A-Za-z0-9_\-]{1,80}\.[A-Za-z0-9]{1,5}$")

# Zip limits. A real package holds about ten images of at most 500 KB each.
ZIP_MAX_MEMBERS = 256
ZIP_MAX_MEMBER_BYTES = 32 * 1024 * 1024
ZIP_MAX_TOTAL_BYTES = 128 * 1024 * 1024
ZIP_MAX_RATIO = 100          # inflated / compressed, for members above 1 MiB
_CHUNK = 1 << 16
# A folder package holds a manifest, a lock file and about ten images: far fewer entries.
TREE_MAX_ENTRIES = 4096

# Windows: a reparse point redirects a name (symlink, junction, mount point) unless it is
# a cloud-files placeholder (OneDrive and the like), whose data simply lives in the cloud.
FILE_ATTRIBUTE_REPARSE_POINT = 0x400
_CLOUD_TAG_MASK, _CLOUD_TAG = 0xFFFF0FFF, 0x9000001A


def is_link(st: os.stat_result) -> bool:
    """True for a symbolic link, or on Windows a junction or other name-redirecting reparse point."""
    if stat.S_ISLNK(st.st_mode):
        return True
    if getattr(st, "st_file_attributes", 0) & FILE_ATTRIBUTE_REPARSE_POINT:
        return (getattr(st, "st_reparse_tag", 0) & _CLOUD_TAG_MASK) != _CLOUD_TAG
    return False


def link_error(label: str, rel: str) -> IntegrityError:
    return IntegrityError(Text(f"材料包已损坏（{label}）：包含符号链接或目录联接：{rel}",
                               f"the package is damaged ({label}): it contains a symbolic link or junction: {rel}"),
                          code="symlink")


def _lexists_link(path: Path) -> bool:
    try:
        return is_link(os.lstat(path))
    except OSError:
        return False


class AtomicFile:
    """A file written under a temp name beside ``target`` and swapped in by ``commit()``.

    For streamed outputs (a rebuilt zip, a report written row by row): a reader sees
    the old file or the complete new one, never a partial one. ``abort()`` (or an
    exception inside ``with``) removes the temp file and leaves ``target`` alone."""

    def __init__(self, target: Path, mode: str = "wb", **open_kw):
        from ..fsutil import ensure_writable_dir

        self.target = Path(target)
        folder = self.target.parent if str(self.target.parent) else Path(".")
        ensure_writable_dir(folder)
        fd, self.tmp = tempfile.mkstemp(prefix=".~" + self.target.name[:40], suffix=".tmp", dir=folder)
        self.fh = os.fdopen(fd, mode, **open_kw)

    def commit(self) -> Path:
        try:
            self.fh.flush()
            os.fsync(self.fh.fileno())
            self.fh.close()
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(self.tmp, 0o666 & ~mask)  # what a plain new file would get, not mkstemp's 0600
            replace(self.tmp, self.target)
        except OSError as e:
            self.abort()
            if isinstance(e, PermissionError) and self.target.exists():
                raise held_open(self.target) from None
            raise OutputError(Text(f"写入失败：{self.target}", f"write failed: {self.target} ({e.strerror})"),
                              code="unwritable") from None
        return self.target

    def abort(self) -> None:
        try:
            self.fh.close()
        except OSError:
            pass
        try:
            os.unlink(self.tmp)
        except OSError:
            pass

    def __enter__(self) -> "AtomicFile":
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()


def is_zip_path(path: Path) -> bool:
    return path.suffix.lower() == ".zip"


def check_member_name(name: str) -> bool:
    """True when a stored name is safe to use as a relative path inside a package."""
    return bool(SAFE_NAME.match(name)) and ".." not in name


# --- locking ------------------------------------------------------------------------------

class PackageLock:
    """An exclusive advisory lock held for the lifetime of a write session."""

    def __init__(self, lock_path: Path, label: str, timeout: float = 1.0):
        self.path = lock_path
        self.label = label
        self.timeout = timeout
        self._fh = None

    def acquire(self) -> None:
        if _lexists_link(self.path):
            raise link_error(self.label, self.path.name)
        try:
            fh = open(self.path, "a+b", opener=_no_follow)
        except OSError as e:
            raise OutputError(Text(f"无法写入材料包（锁文件）：{self.label}",
                                   f"cannot write the package (lock file): {self.label} ({e.strerror})"),
                              code="unwritable") from None
        deadline = time.monotonic() + max(0.0, self.timeout)
        while True:
            if _try_lock(fh):
                break
            if time.monotonic() >= deadline:
                holder = _read_holder(fh)
                fh.close()
                raise RefusedError(
                    Text(f"材料包正在被另一个程序使用{holder.zh}，请关闭后再试：{self.label}",
                         f"the package is in use by another program{holder.en}; close it and retry: {self.label}"),
                    code="in_use")
            time.sleep(0.05)
        try:
            fh.seek(0)
            fh.truncate()
            fh.write(f"pid={os.getpid()} host={socket.gethostname()} since={int(time.time())}\n".encode())
            fh.flush()
        except OSError:
            pass
        self._fh = fh

    def release(self) -> None:
        fh, self._fh = self._fh, None
        if fh is None:
            return
        try:
            fh.seek(0)
            fh.truncate()
        except OSError:
            pass
        _unlock(fh)
        fh.close()

    def __enter__(self) -> "PackageLock":
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _no_follow(path: str, flags: int) -> int:
    return os.open(path, flags | getattr(os, "O_NOFOLLOW", 0), 0o666)


if os.name == "nt":  # pragma: no cover - exercised on Windows CI only
    import msvcrt

    def _try_lock(fh) -> bool:
        try:
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fh) -> None:
        try:
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
        except OSError:
            pass
else:
    import fcntl

    def _try_lock(fh) -> bool:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def _unlock(fh) -> None:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        except OSError:
            pass


def _read_holder(fh) -> Text:
    try:
        fh.seek(0)
        line = fh.read(200).decode("ascii", "replace")
    except OSError:
        return Text("", "")
    m = re.search(r"pid=(\d+)", line)
    return Text(f"（进程 {m.group(1)}）", f" (process {m.group(1)})") if m else Text("", "")


# --- stores ---------------------------------------------------------------------------------

class Store:
    """The bytes of a package. ``label`` is what messages show."""

    label: str

    def read(self, name: str) -> bytes:  # pragma: no cover - abstract
        raise NotImplementedError

    def read_manifest(self) -> bytes:  # pragma: no cover - abstract
        raise NotImplementedError

    def names(self) -> set[str]:  # pragma: no cover - abstract
        raise NotImplementedError

    def commit(self, writes: dict[str, bytes], manifest: bytes, keep: set[str]) -> None:  # pragma: no cover
        raise NotImplementedError

    def lock(self, timeout: float) -> PackageLock:  # pragma: no cover - abstract
        raise NotImplementedError


def _damaged(label: str, zh: str, en: str, code: str = "damaged") -> IntegrityError:
    return IntegrityError(Text(f"材料包已损坏（{label}）：{zh}", f"the package is damaged ({label}): {en}"), code=code)


class DirStore(Store):
    def __init__(self, root: Path):
        self.label = str(root)
        # The folder the user named is the package; what it resolves to is where every path must stay.
        self.root = Path(os.path.realpath(root))

    def _inside(self, p: Path, name: str) -> Path:
        real = os.path.realpath(p)
        try:
            inside = os.path.commonpath([real, str(self.root)]) == str(self.root)
        except ValueError:          # another drive
            inside = False
        if not inside:
            raise _damaged(self.label, f"路径越出材料包：{name}", f"a path leaves the package: {name}", "unsafe_name")
        return p

    def _path(self, name: str, *, missing_ok: bool = False) -> Path:
        """The path of ``name``; every component must be a real folder or file inside the package."""
        if name != MANIFEST and not check_member_name(name):
            raise _damaged(self.label, f"文件名不安全：{name}", f"unsafe file name: {name}", "unsafe_name")
        parts = PurePosixPath(name).parts
        cur = self.root
        for k, part in enumerate(parts, 1):
            cur = cur / part
            try:
                st = os.lstat(cur)
            except FileNotFoundError:
                if missing_ok:
                    break
                raise IntegrityError(
                    Text(f"材料包缺少文件：{name}（{self.label}）", f"a file of the package is missing: {name} ({self.label})"),
                    code="missing") from None
            except OSError as e:
                raise InputError(Text(f"无法读取材料包文件：{name}", f"cannot read package file: {name} ({e.strerror})"),
                                 code="unreadable") from None
            if is_link(st):
                raise link_error(self.label, "/".join(parts[:k]))
            if k < len(parts) and not stat.S_ISDIR(st.st_mode):
                raise _damaged(self.label, f"{'/'.join(parts[:k])} 不是文件夹", f"{'/'.join(parts[:k])} is not a folder")
        return self._inside(self.root.joinpath(*parts), name)

    def scan(self) -> None:
        """Refuse a link anywhere in the package folder, naming it (the folder's own path may be one)."""
        count = 0
        stack = [self.root]
        while stack:
            folder = stack.pop()
            try:
                with os.scandir(folder) as it:
                    entries = [e.path for e in it]
            except FileNotFoundError:
                continue
            except OSError as e:
                raise InputError(Text(f"无法读取材料包文件夹：{folder}", f"cannot read the package folder: {folder} ({e.strerror})"),
                                 code="unreadable") from None
            for path in entries:
                count += 1
                if count > TREE_MAX_ENTRIES:
                    raise _damaged(self.label, f"文件夹中的文件过多（超过 {TREE_MAX_ENTRIES} 个）",
                                   f"the folder holds too many entries (more than {TREE_MAX_ENTRIES})")
                try:
                    st = os.lstat(path)
                except OSError:
                    continue
                rel = Path(path).relative_to(self.root).as_posix()
                if is_link(st):
                    raise link_error(self.label, rel)
                if stat.S_ISDIR(st.st_mode):
                    stack.append(Path(path))

    def read(self, name: str) -> bytes:
        p = self._path(name)
        try:
            with open(p, "rb", opener=_no_follow) as fh:
                if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                    raise _damaged(self.label, f"{name} 不是文件", f"{name} is not a file")
                data = fh.read(MANIFEST_MAX_BYTES + 1) if name == MANIFEST else fh.read()
        except OSError as e:
            raise InputError(Text(f"无法读取材料包文件：{name}", f"cannot read package file: {name} ({e.strerror})"),
                             code="unreadable") from None
        return data

    def read_manifest(self) -> bytes:
        if not self.root.exists():
            raise InputError(Text(f"找不到材料包：{self.label}", f"package not found: {self.label}"), code="not_found")
        if not self.root.is_dir():
            raise InputError(Text(f"不是材料包文件夹：{self.label}", f"not a package folder: {self.label}"),
                             code="not_a_package")
        if not (self.root / MANIFEST).exists() and not (self.root / MANIFEST).is_symlink():
            raise InputError(Text(f"不是材料包（缺少 {MANIFEST}）：{self.label}",
                                  f"not a package ({MANIFEST} is missing): {self.label}"), code="not_a_package")
        return self.read(MANIFEST)

    def names(self) -> set[str]:
        out: set[str] = set()
        base = self.root / FILES_DIR
        if not base.is_dir() or _lexists_link(base):
            return out
        for slot_dir in base.iterdir():
            if not slot_dir.is_dir() or _lexists_link(slot_dir):
                continue
            for f in slot_dir.iterdir():
                if not f.name.startswith("."):
                    out.add(f"{FILES_DIR}/{slot_dir.name}/{f.name}")
        return out

    def commit(self, writes: dict[str, bytes], manifest: bytes, keep: set[str]) -> None:
        with _in_use_if_held(self.label):
            self._commit(writes, manifest, keep)

    def _commit(self, writes: dict[str, bytes], manifest: bytes, keep: set[str]) -> None:
        for name, data in writes.items():
            if not check_member_name(name):
                raise ValueError(name)
            target = self._path(name, missing_ok=True)   # no link on the way, and inside the package
            atomic_write(target, data)
            self._path(name)                              # and still so once written
        self._write_manifest(manifest)
        self.collect_garbage(keep)

    def _write_manifest(self, data: bytes) -> None:
        atomic_write(self._path(MANIFEST, missing_ok=True), data)

    def collect_garbage(self, keep: set[str]) -> None:
        """Remove files the manifest does not name and temp files of interrupted writes."""
        for name in self.names() - keep:
            try:
                os.unlink(self.root.joinpath(*PurePosixPath(name).parts))
            except OSError:
                pass
        base = self.root / FILES_DIR
        for folder in [self.root, *(base.glob("*") if base.is_dir() and not _lexists_link(base) else [])]:
            if _lexists_link(folder) or not folder.is_dir():
                continue
            for tmp in folder.glob(".~*.tmp"):
                try:
                    os.unlink(tmp)
                except OSError:
                    pass

    def lock(self, timeout: float) -> PackageLock:
        return PackageLock(self.root / LOCK_NAME, self.label, timeout)


class ZipStore(Store):
    """A zip package, read fully into memory under strict limits."""

    def __init__(self, path: Path, *, create: bool = False):
        self.path = path
        self.label = str(path)
        self.members: dict[str, bytes] = {}
        if _lexists_link(path):
            raise link_error(self.label, path.name)
        if not create:
            self.members = read_zip_safely(path)

    def read(self, name: str) -> bytes:
        if name not in self.members:
            raise IntegrityError(
                Text(f"材料包缺少文件：{name}（{self.label}）", f"a file of the package is missing: {name} ({self.label})"),
                code="missing")
        return self.members[name]

    def read_manifest(self) -> bytes:
        if MANIFEST not in self.members:
            raise InputError(Text(f"不是材料包（压缩包中没有 {MANIFEST}）：{self.label}",
                                  f"not a package (no {MANIFEST} in the zip): {self.label}"), code="not_a_package")
        return self.members[MANIFEST]

    def names(self) -> set[str]:
        return {n for n in self.members if n.startswith(FILES_DIR + "/")}

    def commit(self, writes: dict[str, bytes], manifest: bytes, keep: set[str]) -> None:
        members = {n: d for n, d in self.members.items() if n in keep}
        members.update(writes)
        members[MANIFEST] = manifest
        with _in_use_if_held(self.label), AtomicFile(self.path) as out:
            with zipfile.ZipFile(out.fh, "w") as zf:
                # manifest first; images stored as they are (already compressed)
                zf.writestr(_zinfo(MANIFEST), manifest, compress_type=zipfile.ZIP_DEFLATED)
                for name in sorted(members):
                    if name != MANIFEST:
                        zf.writestr(_zinfo(name), members[name], compress_type=zipfile.ZIP_STORED)
        self.members = members

    def lock(self, timeout: float) -> PackageLock:
        return PackageLock(self.path.with_name(f".{self.path.name}.lock"), self.label, timeout)


@contextmanager
def _in_use_if_held(label: str) -> Iterator[None]:
    """A package file that another program holds open through every retry of the swap
    (an antivirus scan, a preview pane) refuses the change (exit 5): the new files stay
    unreferenced orphans, the manifest and the zip stay as they were."""
    try:
        yield
    except OutputError as e:
        if e.code != HELD_OPEN:
            raise
        raise RefusedError(Text(f"材料包的文件正被另一个程序占用，未作改动，请关闭后再试：{label}",
                                f"a file of the package is held open by another program; nothing was changed, "
                                f"close it and retry: {label}"),
                           hint=e.hint, code="in_use") from None


def _zinfo(name: str) -> zipfile.ZipInfo:
    zi = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    zi.external_attr = (stat.S_IFREG | 0o644) << 16
    return zi


def _unsafe_zip(label: str, zh: str, en: str) -> IntegrityError:
    return IntegrityError(Text(f"压缩包不安全，已拒绝（{label}）：{zh}", f"unsafe zip refused ({label}): {en}"),
                          code="unsafe_zip")


def _zip_bomb(label: str, zh: str, en: str) -> InputError:
    return InputError(Text(f"压缩包过大或压缩比异常，已拒绝（{label}）：{zh}",
                           f"zip too large or abnormally compressed, refused ({label}): {en}"), code="too_large")


def safe_member_name(name: str) -> bool:
    if not name or "\\" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name) or "\x00" in name:
        return False
    parts = name.split("/")
    if parts[-1] == "":
        parts = parts[:-1]
    return all(p not in ("", ".", "..") for p in parts)


def read_zip_safely(path: Path, *, only: set[str] | None = None) -> dict[str, bytes]:
    """Read the regular file members of a zip into memory, refusing anything unsafe.

    ``only`` restricts what is inflated (the audit reads one image at a time), but
    every member name is still validated."""
    label = str(path)
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise InputError(Text(f"找不到材料包：{label}", f"package not found: {label}"), code="not_found") from None
    except zipfile.BadZipFile:
        raise InputError(Text(f"不是有效的 zip 压缩包：{label}", f"not a valid zip file: {label}"),
                         code="unsupported") from None
    except OSError as e:
        raise InputError(Text(f"无法读取：{label}", f"cannot read: {label} ({e.strerror})"), code="unreadable") from None
    out: dict[str, bytes] = {}
    with zf:
        infos = zf.infolist()
        if len(infos) > ZIP_MAX_MEMBERS:
            raise _zip_bomb(label, f"文件数过多（{len(infos)}）", f"too many members ({len(infos)})")
        declared = 0
        seen: set[str] = set()
        for info in infos:
            name = info.filename
            if not safe_member_name(name):
                raise _unsafe_zip(label, f"包含越界路径：{name!r}", f"member path escapes the package: {name!r}")
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise _unsafe_zip(label, f"包含符号链接：{name}", f"contains a symbolic link: {name}")
            if name in seen:
                raise _unsafe_zip(label, f"文件名重复：{name}", f"duplicate member: {name}")
            seen.add(name)
            declared += info.file_size
        if declared > ZIP_MAX_TOTAL_BYTES:
            raise _zip_bomb(label, f"解压后 {declared // 1048576} MB", f"{declared // 1048576} MB when inflated")
        total = 0
        for info in infos:
            if info.is_dir() or (only is not None and info.filename not in only):
                continue
            if info.flag_bits & 0x1:
                raise InputError(Text(f"压缩包已加密，无法读取：{label}", f"the zip is encrypted: {label}"),
                                 code="unsupported")
            if info.file_size > ZIP_MAX_MEMBER_BYTES:
                raise _zip_bomb(label, f"{info.filename} 过大", f"{info.filename} is too large")
            if info.file_size > (1 << 20) and info.file_size > ZIP_MAX_RATIO * max(1, info.compress_size):
                raise _zip_bomb(label, f"{info.filename} 压缩比异常", f"{info.filename} has an abnormal ratio")
            buf = bytearray()
            try:
                with zf.open(info) as fh:
                    while True:
                        chunk = fh.read(_CHUNK)
                        if not chunk:
                            break
                        buf += chunk
                        total += len(chunk)
                        # Never trust the header: stop on the bytes actually inflated.
                        if len(buf) > min(info.file_size, ZIP_MAX_MEMBER_BYTES) or total > ZIP_MAX_TOTAL_BYTES:
                            raise _zip_bomb(label, f"{info.filename} 实际大小超过声明",
                                            f"{info.filename} inflates beyond its declared size")
            except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError) as e:
                raise IntegrityError(Text(f"压缩包已损坏：{label}（{info.filename}）",
                                          f"the zip is damaged: {label} ({info.filename}: {e})"),
                                     code="damaged") from None
            out[info.filename] = bytes(buf)
    return out
