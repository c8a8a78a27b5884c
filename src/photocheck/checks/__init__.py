"""Check registry. Importing this package registers the photo checks; the material
checks register when ``photocheck.checks.material`` is imported (``run_checks``
does that on demand)."""

from .base import (REGISTRY, Check, CheckResult, DocumentInfo, FileReport, Status, checks_for,
                   register)

__all__ = ["REGISTRY", "Check", "CheckResult", "DocumentInfo", "FileReport", "Status",
           "checks_for", "register"]
