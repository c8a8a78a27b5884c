"""The checks: results, the registry and the overlay shapes (``base``, ``shapes``), and
one module per kind (``photo``, ``material``) whose checks register when it is
imported; ``checks_for(kind)`` imports it on demand."""

from .base import (REGISTRY, Check, CheckResult, DocumentInfo, FileReport, Status, checks_for,
                   register)

__all__ = ["REGISTRY", "Check", "CheckResult", "DocumentInfo", "FileReport", "Status",
           "checks_for", "register"]
