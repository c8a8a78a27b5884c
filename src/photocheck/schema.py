"""One typed loader for rule-pack data: TOML tables -> frozen dataclasses.

Every table of a rule pack, the photo rules, the material checks' tables and the
materials catalogue alike, is declared as a frozen dataclass, and ``build`` turns
the parsed TOML into it. Supported field types: ``int``, ``float``, ``bool``,
``str``, ``X | None``, ``tuple[X, ...]``, fixed ``tuple[X, Y]``, ``dict[str, X]``
and nested dataclasses. Every problem is reported with the file, the table and
the key, in Chinese and English:

- a key the dataclass does not declare (a typo such as ``warn_edgee``);
- a value of the wrong type;
- a required key that is missing;
- an inconsistent value, from the dataclass's own ``problems()`` method, which
  yields ``(key, zh, en)`` for each value that does not fit the others.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from .errors import UsageError
from .text import Text


class RulePackError(UsageError):
    default_code = "bad_rules"


def bad(src: str, zh: str, en: str) -> RulePackError:
    return RulePackError(Text(f"规则包无效（{src}）：{zh}", f"invalid rule pack ({src}): {en}"))


Problem = tuple[str, str, str]  # (key, zh, en)


@lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def convert(tp: Any, value: Any, where: str, src: str) -> Any:
    """``value`` as type ``tp``; ``where`` names it (``material.sharpness.max_edge``)."""
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise bad(src, f"{where} 应为表", f"{where} must be a table")
        return build(tp, value, where, src)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return convert(args[0], value, where, src)
    if origin is tuple:
        args = typing.get_args(tp)
        if not isinstance(value, list):
            raise bad(src, f"{where} 应为列表", f"{where} must be a list")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(convert(args[0], v, f"{where}[{n}]", src) for n, v in enumerate(value))
        if len(value) != len(args):
            raise bad(src, f"{where} 应有 {len(args)} 个值", f"{where} needs {len(args)} values")
        return tuple(convert(a, v, where, src) for a, v in zip(args, value))
    if origin is dict:
        key_tp, val_tp = typing.get_args(tp)
        if not isinstance(value, dict):
            raise bad(src, f"{where} 应为表", f"{where} must be a table")
        return {convert(key_tp, k, where, src): convert(val_tp, v, _join(where, str(k)), src)
                for k, v in value.items()}
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad(src, f"{where} 应为数字", f"{where} must be a number")
        return float(value)
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad(src, f"{where} 应为整数", f"{where} must be an integer")
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise bad(src, f"{where} 应为 true/false", f"{where} must be true or false")
        return value
    if tp is str:
        if not isinstance(value, str):
            raise bad(src, f"{where} 应为文字", f"{where} must be a string")
        return value
    raise TypeError(f"schema: unsupported field type {tp!r} at {where}")  # a programming error


def build(cls: Any, data: dict, where: str, src: str) -> Any:
    """The dataclass ``cls`` from the table ``data`` found at ``where`` in ``src``."""
    hints = _hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in fields:
            known = "、".join(sorted(fields))
            raise bad(src, f"未知的键 {_join(where, key)}（可用的键：{known}）",
                      f"unknown key {_join(where, key)} (known keys: {', '.join(sorted(fields))})")
        kwargs[key] = convert(hints[key], value, _join(where, key), src)
    missing = [n for n, f in fields.items() if n not in kwargs and f.default is dataclasses.MISSING
               and f.default_factory is dataclasses.MISSING]  # type: ignore[misc]
    if missing:
        raise bad(src, f"缺少 {_join(where, missing[0])}", f"missing {_join(where, missing[0])}")
    obj = cls(**kwargs)
    check(obj, where, src)
    return obj


def check(obj: Any, where: str, src: str) -> None:
    """Raise for the first problem ``obj.problems()`` reports, if it has that method."""
    problems = getattr(obj, "problems", None)
    if problems is None:
        return
    for key, zh, en in problems():
        name = _join(where, key)
        raise bad(src, f"{name} 的取值不合理：{zh}", f"{name} is out of range: {en}")


def problems_of(*items: tuple[bool, str, str, str]) -> Iterator[Problem]:
    """Helper for ``problems()``: yield ``(key, zh, en)`` for each item whose condition is false."""
    for ok, key, zh, en in items:
        if not ok:
            yield key, zh, en
