"""The `recency` check (issue 15): 「近期（6个月内）」, judged on the source photo's date.

Only a warning, never a failure: the date is the EXIF DateTimeOriginal the camera wrote,
which phones, messengers and editors often drop and a camera clock can get wrong. No date
means "unknown", and the check passes. A fixed image carries no EXIF, so its re-check
reads the date of the photo it was made from (``ImageInfo.source_taken``) and says so.
"""

from __future__ import annotations

import calendar
import datetime

from ..text import Text
from .base import Check, Status, register
from .photo import Context, _t


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months, on the month's last day where it is shorter."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def today() -> datetime.date:
    return datetime.date.today()


@register
class RecencyCheck(Check):
    id = "recency"
    kind = "photo"
    title = _t("近期照片", "Recent photo")

    def run(self, ctx: Context):
        months = ctx.rules.recency.warn_months
        info = ctx.info
        own = info.taken if info is not None else None
        taken = own or (info.source_taken if info is not None else None)
        origin = "file" if own else "source" if taken else None
        limit = {"warn_months": months}
        if taken is None:
            return self.result(Status.PASS, {"taken": None, "from": None}, limit,
                               _t("拍摄日期未知（照片中没有拍摄日期）", "date taken unknown (the photo carries none)"))
        day = datetime.date.fromisoformat(taken)
        now = today()
        measured = {"taken": taken, "from": origin, "age_days": (now - day).days}
        src_zh, src_en = ("原图", "the original was ") if origin == "source" else ("", "")
        if day > now + datetime.timedelta(days=1):
            return self.result(Status.PASS, measured, limit,
                               _t(f"{src_zh}拍摄日期 {taken} 晚于今天，相机时间可能不准",
                                  f"the date taken, {taken}, is after today; the camera clock may be wrong"))
        if add_months(day, months) < now:
            hint = Text(f"报名照片须为近期（{months} 个月内）拍摄；如这是旧照片，请重新拍摄",
                        f"the photo must be recent (taken within {months} months); if this is an old photo, take a new one")
            return self.result(Status.WARN, measured, limit,
                               _t(f"{src_zh}拍摄于 {taken}，已超过 {months} 个月",
                                  f"{src_en}taken on {taken}, more than {months} months ago"), hint)
        return self.result(Status.PASS, measured, limit,
                           _t(f"{src_zh}拍摄于 {taken}，在 {months} 个月内",
                              f"{src_en}taken on {taken}, within {months} months"))
