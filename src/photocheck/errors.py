"""The small exception hierarchy of the library.

Every error carries a stable machine code, a bilingual message and the CLI exit
code of the contract (2 usage, 3 input/output, 4 integrity, 5 refused action;
1 is a rule failure, used for a refused fix).
"""

from __future__ import annotations

from .text import Text


class PhotocheckError(Exception):
    exit_code = 3
    default_code = "error"

    def __init__(self, message: Text, *, code: str | None = None, hint: Text | None = None):
        super().__init__(message.en)
        self.text = message
        self.code = code or self.default_code
        self.hint = hint

    def __reduce__(self):
        # Errors cross process boundaries in batches (pickled results from workers).
        return (_rebuild, (type(self), self.text, self.code, self.hint, self.__dict__.copy()))

    def message(self, lang: str) -> str:
        return self.text.get(lang)

    def to_json(self, lang: str) -> dict:
        return {"code": self.code, "message": self.text.get(lang)}


class UsageError(PhotocheckError):
    exit_code = 2
    default_code = "usage"


class InputError(PhotocheckError):
    """Missing, unreadable, truncated, unsupported or oversized input."""

    exit_code = 3
    default_code = "unreadable"


class OutputError(PhotocheckError):
    """The result cannot be written where it was asked for."""

    exit_code = 3
    default_code = "unwritable"


class ModelMissingError(PhotocheckError):
    exit_code = 3
    default_code = "models_missing"


class IntegrityError(PhotocheckError):
    """A seal is absent or broken, or a package is damaged or tampered with."""

    exit_code = 4
    default_code = "integrity"


class RefusedError(PhotocheckError):
    """The package is locked, a slot is full, the submission is incomplete, or in use."""

    exit_code = 5
    default_code = "refused"


class FixRefused(PhotocheckError):
    """A fix whose result could not pass; nothing was written."""

    exit_code = 1
    default_code = "fix_refused"

    def __init__(self, message: Text, *, code: str | None = None, hint: Text | None = None,
                 failing: list[str] | None = None):
        super().__init__(message, code=code, hint=hint)
        self.failing = failing or []


def _rebuild(cls, text, code, hint, state):
    err = cls.__new__(cls)
    Exception.__init__(err, text.en)
    err.__dict__.update(state)
    return err
