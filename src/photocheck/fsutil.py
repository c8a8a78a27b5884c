"""Atomic, careful file writes: originals are never overwritten by accident."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from .errors import OutputError
from .text import Text


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


# Waits between tries of os.replace when the target is held open. On Windows an antivirus
# scanner, the search indexer or Explorer's preview opens a new file for a moment, and
# os.replace then fails with a sharing violation (PermissionError) until it lets go.
REPLACE_WAITS = (0.05, 0.1, 0.2, 0.4, 0.8)
HELD_OPEN = "held_open"


def replace(src: str | os.PathLike, dst: str | os.PathLike, *, waits: tuple[float, ...] | None = None) -> None:
    """``os.replace`` that tries again on a transient PermissionError (about 1.5 s in all).

    A PermissionError that persists is raised as it is, and ``src`` is left in place, so
    the caller can remove it; ``dst`` is never left half-written."""
    waits = REPLACE_WAITS if waits is None else waits
    for wait in (*waits, None):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if wait is None:
                raise
            time.sleep(wait)


def held_open(target: Path) -> OutputError:
    """The error for a target that stayed locked by another program through every retry."""
    return OutputError(Text(f"文件正被另一个程序占用，未能替换：{target}",
                            f"the file is held open by another program and was not replaced: {target}"),
                       hint=Text("请关闭正在打开或扫描它的程序（如预览窗口），然后重试。",
                                 "Close the program that has it open or is scanning it (such as a preview), then retry."),
                       code=HELD_OPEN)


def ensure_writable_dir(folder: Path) -> None:
    """Create ``folder`` if needed and prove we can write into it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(Text(f"输出位置不是文件夹：{folder}", f"output location is not a folder: {folder}"),
                          code="unwritable") from None
    except OSError as e:
        raise OutputError(Text(f"无法创建输出文件夹：{folder}", f"cannot create output folder: {folder} ({e.strerror})"),
                          code="unwritable") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(Text(f"输出文件夹不可写：{folder}", f"output folder is not writable: {folder}"),
                          hint=Text("请换一个保存位置，例如桌面或“文档”文件夹。",
                                    "Choose another place, such as the Desktop or Documents."),
                          code="unwritable")


def atomic_write(path: str | os.PathLike, data: bytes, *, overwrite: bool = True) -> Path:
    """Write ``data`` to ``path`` via a temp file in the same folder and os.replace.

    A reader sees either the old file or the complete new one, never a torn write.
    """
    target = Path(path)
    ensure_writable_dir(target.parent if str(target.parent) else Path("."))
    if target.is_dir():
        raise OutputError(Text(f"输出路径是一个文件夹：{target}", f"output path is a folder: {target}"),
                          code="unwritable")
    if not overwrite and target.exists():
        raise OutputError(Text(f"文件已存在，未覆盖：{target}", f"file exists, not overwritten: {target}"),
                          code="exists")
    fd, tmp = tempfile.mkstemp(prefix=".~" + target.name[:40], suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes 0600 files; give the result the permissions of a normal file.
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        else:
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(tmp, 0o666 & ~mask)
        replace(tmp, target)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, PermissionError) and target.exists():
            raise held_open(target) from None
        raise OutputError(Text(f"写入失败：{target}", f"write failed: {target} ({e.strerror})"),
                          code="unwritable") from None
    return target
