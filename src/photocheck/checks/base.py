"""Typed results and the registry of checks: one small object per rule id."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from types import ModuleType
from typing import Any, ClassVar

from ..errors import PhotocheckError
from ..text import EMPTY, Text
from .shapes import Shape


class Status(str, Enum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"

    @property
    def symbol(self) -> str:
        return {"pass": "✓", "warn": "!", "fail": "✗"}[self.value]


Region = tuple[int, int, int, int]


@dataclass
class CheckResult:
    id: str
    status: Status
    measured: Any
    limit: Any
    message: Text
    hint: Text = EMPTY
    region: Region | None = None
    title: Text = EMPTY
    # What to draw over the photo (see ``checks.shapes``); not part of the JSON contract.
    # In the checked image's pixels while the check runs; ``core.check_info`` rescales
    # them to the upright full-size original.
    shapes: tuple[Shape, ...] = field(default=(), repr=False)

    @property
    def passed(self) -> bool:
        return self.status is not Status.FAIL

    def to_json(self, lang: str = "zh_CN") -> dict:
        return {
            "id": self.id,
            "status": self.status.value,
            "measured": _jsonable(self.measured),
            "limit": _jsonable(self.limit),
            "message": self.message.get(lang),
            "hint": self.hint.get(lang) if self.status is not Status.PASS else "",
            "region": [int(v) for v in self.region] if self.region else None,
        }


def _jsonable(v: Any) -> Any:
    if isinstance(v, float):
        return round(v, 4)
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if hasattr(v, "item"):  # numpy scalar
        return _jsonable(v.item())
    return v


@dataclass
class DocumentInfo:
    kind: str
    confidence: float
    verification_code: str | None = None
    # Human-readable kind and anything else the checker learnt (dates, masked id numbers).
    label: Text = EMPTY
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"kind": self.kind, "confidence": round(float(self.confidence), 3),
                "verification_code": self.verification_code}


@dataclass
class FileReport:
    path: str
    kind: str
    rules: str
    checks: list[CheckResult] = field(default_factory=list)
    elapsed_ms: float = 0.0
    document: DocumentInfo | None = None
    error: PhotocheckError | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and all(c.passed for c in self.checks)

    @property
    def failing(self) -> list[str]:
        return [c.id for c in self.checks if c.status is Status.FAIL]

    @property
    def warnings(self) -> list[str]:
        return [c.id for c in self.checks if c.status is Status.WARN]

    def get(self, check_id: str) -> CheckResult | None:
        return next((c for c in self.checks if c.id == check_id), None)

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return self.error.exit_code
        return 0 if self.passed else 1

    def to_json(self, lang: str = "zh_CN") -> dict:
        return {
            "path": self.path,
            "kind": self.kind,
            "passed": self.passed,
            "rules": self.rules,
            "elapsed_ms": round(self.elapsed_ms, 2),
            "checks": [c.to_json(lang) for c in self.checks],
            "document": self.document.to_json() if (self.kind == "material" and self.document) else None,
            "error": self.error.to_json(lang) if self.error else None,
        }


class Check:
    """One rule. Subclasses set ``id``, ``kind`` and ``title`` and implement ``run``.

    ``run`` receives a context object owned by the kind's module (photo or material),
    which computes shared measurements once (decoded pixels, faces, masks)."""

    id: ClassVar[str]
    kind: ClassVar[str]
    title: ClassVar[Text]

    def run(self, ctx: Any) -> CheckResult:  # pragma: no cover - abstract
        raise NotImplementedError

    def result(self, status: Status, measured: Any, limit: Any, message: Text, hint: Text = EMPTY,
               region: Region | None = None, shapes: Iterable[Shape] = ()) -> CheckResult:
        return CheckResult(self.id, status, measured, limit, message, hint, region, self.title, tuple(shapes))


REGISTRY: dict[str, dict[str, Check]] = {"photo": {}, "material": {}}

# Each kind's module holds its checks (registered on import), its ``Context`` and its
# ``check_pixels(info, pack)``.
KIND_MODULES = {"photo": "photocheck.checks.photo", "material": "photocheck.checks.material"}


def kind_module(kind: str) -> ModuleType:
    """The module of ``kind``'s checks, imported (so its checks are registered)."""
    return importlib.import_module(KIND_MODULES[kind])


def register(cls: type[Check]) -> type[Check]:
    REGISTRY[cls.kind][cls.id] = cls()
    return cls


def checks_for(kind: str, only: list[str] | None = None) -> list[Check]:
    """The registered checks of a kind (optionally a subset), in the order of the kind
    module's ``CHECK_MODULES`` and, within a module, in the order they are defined; checks
    registered from elsewhere (a test) come last. The order does not depend on which check
    module happened to be imported first."""
    if kind not in REGISTRY:
        raise KeyError(kind)
    module = kind_module(kind)
    rank = {name: i for i, name in enumerate(getattr(module, "CHECK_MODULES", (module.__name__,)))}
    checks = sorted(REGISTRY[kind].values(), key=lambda c: rank.get(type(c).__module__, len(rank)))
    if only:
        unknown = set(only) - {c.id for c in checks}
        if unknown:
            raise KeyError(", ".join(sorted(unknown)))
        checks = [c for c in checks if c.id in only]
    return checks
