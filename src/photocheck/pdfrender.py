"""PDF pages to pixels, in a child process with a memory cap and a time cap.

pdfium cannot be bounded from inside: a one-megabyte PDF whose content stream inflates
to a gigabyte makes it allocate gigabytes, and a page can take minutes to draw. So the
pages are drawn in a child process (``multiprocessing`` "spawn", which a frozen app
supports through ``freeze_support``):

- on Linux the child's address space may grow by at most ``MEMORY_BYTES`` beyond what it
  had on starting (``RLIMIT_AS``); where the system has no such limit, only the time cap
  holds;
- the whole document must be drawn within ``SECONDS``; the child is killed after that;
- a child that runs out of memory, crashes or overruns is a refused input (``too_large``),
  a document pdfium cannot open or whose pages cannot be taken is ``unreadable``.

pdfium's own messages never reach the user; they are logged.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import time

from .errors import InputError
from .text import Text

log = logging.getLogger("photocheck.pdf")

MEMORY_BYTES = 512 * 1024 * 1024
SECONDS = 10.0

_DAMAGED = Text("PDF 文件已损坏，无法读取", "the PDF is damaged and cannot be read")
_PASSWORD = Text("PDF 文件有密码保护，无法转换", "the PDF is password-protected and cannot be converted")
_EMPTY = Text("PDF 文件没有页面", "the PDF has no pages")
_HINT = Text("请用 PDF 阅读器打开后另存或导出为图片（JPG）再试。",
             "Open it in a PDF reader, save or export it as an image (JPG), and retry.")


def _limit(budget: int, seconds: float) -> None:
    """In the child: the address-space cap, and a processor-time cap that ends it even
    if the parent is gone."""
    try:
        import resource
    except ImportError:  # Windows: only the parent's time cap
        return
    try:
        cpu = int(seconds) + 5
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    except (OSError, ValueError):
        pass
    try:
        with open("/proc/self/statm") as fh:
            used = int(fh.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError):
        return  # not Linux: RLIMIT_AS is not enforced the same way
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = used + budget
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _child(conn, data: bytes, long_side: int, max_pages: int, budget: int, seconds: float) -> None:
    """Runs in the child: sends ("total", n), then ("page", w, h, stride, channels, bytes)
    per page, then ("done",), or ("error", kind, detail) at the first failure."""
    try:
        if budget:
            _limit(budget, seconds)
        import pypdfium2 as pdfium

        try:
            doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as e:
            conn.send(("error", "password" if "password" in str(e).lower() else "damaged", str(e)))
            return
        total = len(doc)
        conn.send(("total", total))
        for i in range(min(total, max_pages)):
            page = doc[i]
            w, h = page.get_size()
            if not (w > 0 and h > 0):
                conn.send(("error", "damaged", f"page {i + 1} has no size"))
                return
            bitmap = page.render(scale=long_side / max(w, h))
            conn.send(("page", bitmap.width, bitmap.height, bitmap.stride, bitmap.n_channels,
                       bytes(bitmap.buffer)))
            bitmap.close()
            page.close()
        doc.close()
        conn.send(("done",))
    except MemoryError:
        conn.send(("error", "memory", "out of memory"))
    except Exception as e:  # noqa: BLE001 - a PdfiumError at page access, or anything else
        conn.send(("error", "damaged", f"{type(e).__name__}: {e}"))


def _refused(zh: str, en: str) -> InputError:
    return InputError(Text(zh, en), code="too_large", hint=_HINT)


def _no_memory(memory: int) -> InputError:
    mb = memory // 1048576
    return _refused(f"PDF 页面渲染所需内存超过 {mb} MB，已拒绝",
                    f"rendering the PDF's pages needs more than {mb} MB of memory; refused")


def _pixels(w: int, h: int, stride: int, channels: int, raw: bytes):
    import cv2
    import numpy as np

    arr = np.frombuffer(raw, np.uint8).reshape(h, stride)[:, :w * channels].reshape(h, w, channels)
    if channels == 1:
        return cv2.cvtColor(arr, cv2.COLOR_GRAY2BGR)
    if channels == 4:
        return cv2.cvtColor(arr, cv2.COLOR_BGRA2BGR)
    return arr.copy()


def _interpret(messages, memory: int) -> tuple[list, int]:
    """The pages and page count from the child's messages; raises InputError."""
    pages: list = []
    total = 0
    for msg in messages:
        if msg[0] == "total":
            total = msg[1]
            if total == 0:
                raise InputError(_EMPTY, code="unreadable")
        elif msg[0] == "page":
            pages.append(_pixels(*msg[1:]))
        elif msg[0] == "error":
            log.warning("PDF renderer: %s (%s)", msg[1], msg[2])
            if msg[1] == "memory":
                raise _no_memory(memory)
            raise InputError(_PASSWORD if msg[1] == "password" else _DAMAGED, code="unreadable", hint=_HINT)
        else:
            break
    return pages, total


def _received(recv, proc, seconds: float, memory: int):
    """The child's messages as they come, within ``seconds`` from now."""
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not recv.poll(left):
            log.warning("PDF rendering stopped after %g s", seconds)
            raise _refused(f"PDF 页面渲染超过 {seconds:g} 秒，已停止（文件可能是恶意构造的）",
                           f"rendering the PDF's pages took over {seconds:g} s and was stopped "
                           "(the file may be built to do that)")
        try:
            yield recv.recv()
        except (EOFError, OSError):
            proc.join(1)
            log.warning("PDF renderer ended with exit code %s", proc.exitcode)
            raise _no_memory(memory) from None


def render(data: bytes, long_side: int, max_pages: int, *, memory: int = MEMORY_BYTES,
           seconds: float = SECONDS) -> tuple[list, int]:
    """The first ``max_pages`` pages as BGR arrays with the long side at ``long_side`` px,
    and the document's page count. Raises InputError."""
    if mp.current_process().daemon:  # e.g. a Dask worker, which may not start processes
        log.warning("PDF pages rendered in this process, without a memory cap")
        sink = _Collect()
        _child(sink, data, long_side, max_pages, 0, 0.0)
        return _interpret(sink.messages, memory)
    ctx = mp.get_context("spawn")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, data, long_side, max_pages, memory, seconds), daemon=True)
    proc.start()
    send.close()
    try:
        return _interpret(_received(recv, proc, seconds, memory), memory)
    finally:
        recv.close()
        if proc.is_alive():
            proc.kill()
        proc.join()


class _Collect:
    """Stands in for the child's end of the pipe when rendering in this process."""

    def __init__(self) -> None:
        self.messages: list = []

    def send(self, msg) -> None:
        self.messages.append(msg)
