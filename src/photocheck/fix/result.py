"""What a fix produces: images in memory, their re-checks, and the files written.

The fixers (``fix.photo``, ``fix.material``) return ``FixOutput`` items;
``core.fix`` re-checks each and gathers them in a ``FixResult``;
``core.write_fixed`` writes a passing result atomically. These types live here,
below the core, so the fixers need not import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..checks.base import FileReport
from ..errors import PhotocheckError
from ..text import Text


@dataclass
class FixOutput:
    """One output image a fixer produced, still in memory."""

    data: bytes
    suffix: str = ".jpg"
    page: int | None = None          # 1-based page for multi-page sources (PDF)
    # Fixer options that make a plainer version of this image, for the caller to try
    # when this one fails its re-check (see fix.photo: aim_width).
    retry: dict = field(default_factory=dict)
    aimed_for: str | None = None     # the check whose advised band the aim was for


@dataclass
class FixResult:
    """One source through the fix: the fixed images with their re-checks, and, once
    written, the paths. ``ok`` only when every image passes its re-check."""

    source: str
    kind: str
    images: list[FixOutput] = field(default_factory=list)    # what the fixer made, in memory
    reports: list[FileReport] = field(default_factory=list)  # the re-check of each image
    outputs: list[Path] = field(default_factory=list)        # where they were written (write_fixed)
    steps: list[Text] = field(default_factory=list)          # what the fixer did, in order
    before: FileReport | None = None
    error: PhotocheckError | None = None

    @property
    def ok(self) -> bool:
        return (self.error is None and bool(self.images) and len(self.reports) == len(self.images)
                and all(r.passed for r in self.reports))

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else (self.error.exit_code if self.error else 1)

    def to_json(self, lang: str = "zh_CN") -> dict:
        return {
            "path": self.source,
            "kind": self.kind,
            "ok": self.ok,
            "outputs": [str(p) for p in self.outputs],
            "steps": [s.get(lang) for s in self.steps],
            "before": self.before.to_json(lang) if self.before else None,
            "after": [r.to_json(lang) for r in self.reports],
            "error": self.error.to_json(lang) if self.error else None,
            "failing": getattr(self.error, "failing", []) if self.error else [],
        }


def output_paths(out: Path, count: int) -> list[Path]:
    """Where ``count`` outputs for the target ``out`` go: ``out`` itself, or ``out-1``, ``out-2``…"""
    if count == 1:
        return [out]
    return [out.with_name(f"{out.stem}-{i}{out.suffix or '.jpg'}") for i in range(1, count + 1)]
