"""Audit reports: the contract CSV and the self-contained HTML page.

Both take :class:`~photocheck.submission.audit.AuditRow` objects one at a time, in the
order ``audit.run`` yields them, so a batch of any size streams to disk; each is written
atomically (nothing half-written replaces an older report). The HTML page's style and
script are resources (``resources/report/``), inlined so the file stands alone.

Spreadsheet safety: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is what Excel and LibreOffice read as a formula. Such a cell gets a
leading apostrophe (shown by neither), so a file named ``=cmd|' -C calc'!A0.jpg`` is
a name and never runs.
"""

from __future__ import annotations

import csv
import html
import io as _io
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..privacy import mask_ids
from ..resources import resource_path
from .. import labels
from ..text import Text

if TYPE_CHECKING:
    from .audit import AuditRow

CSV_COLUMNS = ("path", "kind", "verdict", "failing", "document_kind")
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """A CSV cell a spreadsheet shows as text, never evaluates."""
    return "'" + value if value.startswith(FORMULA_LEADS) else value


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    return resource_path("report", name).read_text(encoding="utf-8")


class CsvReport:
    """The contract's CSV: UTF-8 with BOM, one row per file, in the (sorted) order given."""

    def __init__(self, target: Path | None = None, stream: Any = None):
        from .store import AtomicFile

        self._out = AtomicFile(target, "w", encoding="utf-8-sig", newline="") if target is not None else None
        self._fh = self._out.fh if self._out is not None else stream
        self._w = csv.writer(self._fh, lineterminator="\r\n")
        self._w.writerow(CSV_COLUMNS)

    def add(self, row: AuditRow) -> None:
        self._w.writerow([csv_cell(v) for v in row.csv_row()])

    def close(self) -> None:
        if self._out is not None:
            self._out.commit()
        else:
            self._fh.flush()

    def abort(self) -> None:
        if self._out is not None:
            self._out.abort()


def _names(t: Text) -> str:
    """A label in the report: Chinese first, then English (when it says something else)."""
    e = html.escape
    return e(t.zh) + (f' <span class="en">{e(t.en)}</span>' if t.en and t.en != t.zh else "")


class HtmlReport:
    """A single self-contained HTML file: summary, then failures grouped by reason.

    Rows are spooled to per-group temporary files as they arrive, so memory stays flat
    whatever the batch size; the file is assembled and swapped in atomically at the end."""

    def __init__(self, target: Path, *, title: str = "photocheck audit", lang: str = "zh_CN",
                 rules: str | None = None):
        self.target = target
        self.title = title
        self.lang = lang
        self.rules = rules                  # the pack whose document kinds and slots are named
        self._dir = tempfile.TemporaryDirectory(prefix="photocheck-report-")
        self._files: dict[str, Any] = {}
        self.counts: Counter[str] = Counter()
        self.group_counts: Counter[str] = Counter()
        self.kinds: Counter[str] = Counter()
        self.documents: Counter[str] = Counter()
        self.total = 0

    def _spool(self, group: str):
        fh = self._files.get(group)
        if fh is None:
            safe = re.sub(r"[^A-Za-z0-9_]", "_", group)
            fh = open(Path(self._dir.name) / f"{len(self._files):04d}_{safe}.html", "w", encoding="utf-8")
            self._files[group] = fh
        return fh

    def _slot_name(self, slot: str) -> Text:
        from .. import catalogue

        try:
            return catalogue.load(self.rules).slot(slot).name
        except Exception:  # noqa: BLE001 - a slot the pack does not list keeps its id
            return Text(slot, slot)

    def _card(self, row: AuditRow, focus: str | None) -> str:
        e = html.escape
        img = f'<img alt="" src="{row.thumb}">' if row.thumb else '<img alt="" src="data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==">'
        msgs = []
        for cid, status, zh, en in row.messages:
            if focus is not None and cid != focus and status != "error":
                continue
            msgs.append(f'<li class="{e(status)}">{e(zh)} <span class="en">{e(en)}</span></li>')
        extra = [_names(labels.kind_name(row.kind))] if row.kind else []
        if row.slot:
            extra.append('材料项 <span class="en">slot</span> ' + _names(self._slot_name(row.slot)))
        if row.document_kind:
            extra.append('识别为 <span class="en">looks like</span> '
                         + _names(labels.document_kind_name(row.document_kind, self.rules)))
        checks = " ".join(row.failing) if row.verdict == "fail" else (row.error_code or "")
        warn = " warn" if any(s == "warn" for _i, s, _z, _e in row.messages) else ""
        search = f"{row.path} {' '.join(z + ' ' + en for _i, _s, z, en in row.messages)}"
        return (f'<div class="card {e(row.verdict)}{warn}" data-verdict="{e(row.verdict)}" data-checks="{e(checks)}" '
                f'data-doc="{e(row.document_kind or "")}" data-text="{e(mask_ids(search).lower())}">{img}<div>'
                f'<div class="p">{e(mask_ids(row.path))}</div>'
                f'<div class="k">{" · ".join(extra)}</div>'
                f'<ul>{"".join(msgs)}</ul></div></div>\n')

    def add(self, row: AuditRow) -> None:
        self.total += 1
        self.counts[row.verdict] += 1
        self.kinds[row.kind or "?"] += 1
        if row.document_kind:
            self.documents[row.document_kind] += 1
        if row.verdict == "error":
            key = f"error:{row.error_code}"
            self.group_counts[key] += 1
            self._spool(key).write(self._card(row, None))
        elif row.verdict == "fail":
            for cid in row.failing:
                key = f"fail:{cid}"
                self.group_counts[key] += 1
                self._spool(key).write(self._card(row, cid))
        else:
            self._spool("pass").write(self._card(row, None))

    def _group_title(self, key: str) -> Text:
        kind, _, ident = key.partition(":")
        if kind == "error":
            t = labels.error_title(ident)
            return Text(f"无法检测：{t.zh}", f"not checked: {t.en}")
        return labels.check_title(ident)

    def _filters(self, order: list[str]) -> str:
        """The search box and the verdict, check and document-kind filters (report.js runs them)."""
        e = html.escape

        def options(pairs: list[tuple[str, Text]]) -> str:
            return "".join(f'<option value="{e(v)}">{e(t.zh)}{" / " + e(t.en) if t.en and t.en != t.zh else ""}'
                           f'</option>' for v, t in pairs)

        verdicts = [("pass", Text("通过", "passed")), ("fail", Text("不通过", "failed")),
                    ("error", Text("无法检测", "not checked")), ("warn", Text("有提醒", "with warnings"))]
        checks = [(k.partition(":")[2], self._group_title(k)) for k in order if k.startswith("fail:")]
        docs = [(d, labels.document_kind_name(d, self.rules)) for d in sorted(self.documents)]
        every = [("", Text("全部", "all"))]
        return ('<form class="filters" id="filters" onsubmit="return false">'
                '<label>搜索 <span class="en">Search</span> <input type="search" id="f-text" '
                'placeholder="文件名或说明 / file name or message"></label> '
                f'<label>结果 <span class="en">Verdict</span> <select id="f-verdict">'
                f'{options(every + verdicts)}</select></label> '
                f'<label>检测项目 <span class="en">Check</span> <select id="f-check">'
                f'{options(every + checks)}</select></label> '
                f'<label>材料类型 <span class="en">Document</span> <select id="f-doc">'
                f'{options(every + docs)}</select></label> '
                '<span id="f-count" class="meta"></span></form>\n')

    def close(self) -> None:
        for fh in self._files.values():
            fh.close()
        e = html.escape
        order = sorted(self.group_counts, key=lambda k: (-self.group_counts[k], k))
        out = _io.StringIO()
        out.write(f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{e(self.title)}</title>'
                  f'<style>{_asset("report.css")}</style></head><body>\n')
        out.write(f'<h1>批量审核报告 <span class="en">Audit report</span></h1>\n'
                  f'<div class="meta">{time.strftime("%Y-%m-%d %H:%M")} · 共 {self.total} 个文件 '
                  f'<span class="en">{self.total} files</span></div>\n')
        out.write('<table class="summary" id="summary"><tr><th>结果 Verdict</th><th class="n">数量 Count</th></tr>')
        for v, zh in (("pass", "通过"), ("fail", "不通过"), ("error", "无法检测")):
            out.write(f'<tr class="{v}"><td>{zh} <span class="en">{v}</span></td><td class="n" data-verdict="{v}">{self.counts[v]}</td></tr>')
        out.write("</table>\n")
        if order:
            out.write('<h2>按原因统计 <span class="en">Failures by reason</span></h2>\n'
                      '<table class="summary" id="reasons"><tr><th>原因 Reason</th><th class="n">文件数 Files</th></tr>')
            for k in order:
                t = self._group_title(k)
                out.write(f'<tr><td><a href="#g-{e(k)}">{_names(t)}</a></td>'
                          f'<td class="n" data-group="{e(k)}">{self.group_counts[k]}</td></tr>')
            out.write("</table>\n")
        out.write(self._filters(order))
        parts = [out.getvalue()]
        tail = []
        for k in order:
            t = self._group_title(k)
            tail.append((f'<section class="group" id="g-{e(k)}" data-count="{self.group_counts[k]}">'
                         f'<h2>{_names(t)} — {self.group_counts[k]}</h2>'
                         f'<div class="cards">\n', k, "</div></section>\n"))
        passed = self.counts["pass"]
        from .store import AtomicFile

        try:
            with AtomicFile(self.target, "w", encoding="utf-8") as out:
                doc = out.fh
                doc.write(parts[0])
                for head, key, foot in tail:
                    doc.write(head)
                    self._copy(key, doc)
                    doc.write(foot)
                if passed:
                    doc.write(f'<section class="group" id="g-pass"><details><summary>通过 <span class="en">passed'
                              f'</span> — {passed}</summary><div class="cards">\n')
                    self._copy("pass", doc)
                    doc.write("</div></details></section>\n")
                doc.write(f"<script>{_asset('report.js')}</script></body></html>\n")
        finally:
            self._dir.cleanup()

    def _copy(self, key: str, doc: Any) -> None:
        fh = self._files.get(key)
        if fh is None:
            return
        with open(fh.name, encoding="utf-8") as src:
            while True:
                chunk = src.read(1 << 16)
                if not chunk:
                    break
                doc.write(chunk)

    def abort(self) -> None:
        for fh in self._files.values():
            fh.close()
        self._dir.cleanup()


def feed(rows: Iterable[AuditRow], reports: list[Any],
         on_row: Callable[[AuditRow], None] | None = None) -> tuple[dict[str, int], int]:
    """Send every row to every report; (verdict counts, highest exit code).

    If anything goes wrong (or the user interrupts), every report is aborted and no
    half-written file replaces an old one; otherwise they are all committed."""
    counts = {"pass": 0, "fail": 0, "error": 0}
    code = 0
    try:
        for row in rows:
            for r in reports:
                r.add(row)
            counts[row.verdict] += 1
            code = max(code, row.exit_code)
            if on_row is not None:
                on_row(row)
    except BaseException:
        for r in reports:
            r.abort()
        raise
    for r in reports:
        r.close()
    return counts, code


def open_reports(targets: list[str], lang: str, rules: str | None = None) -> list[Any]:
    reports: list[Any] = []
    for t in targets:
        p = Path(t)
        suffix = p.suffix.lower()
        if suffix == ".csv":
            reports.append(CsvReport(p))
        elif suffix in (".html", ".htm"):
            reports.append(HtmlReport(p, lang=lang, rules=rules))
        else:
            raise UsageError(Text(f"报告文件须以 .csv 或 .html 结尾：{t}", f"a report must end in .csv or .html: {t}"))
    return reports


def wants_thumbs(targets: list[str]) -> bool:
    return any(Path(t).suffix.lower() in (".html", ".htm") for t in targets)
