"""Stand-ins, on the Windows CPython under wine only, for packages that abort wine 8.0.

Importing one skips the test that needs it (or the whole test module at collection)
with the reason, instead of aborting the interpreter. pytest's Skipped is a
BaseException, so library code that catches ImportError or Exception does not hide it."""

REASONS = {
    "onnxruntime": "onnxruntime aborts under wine 8.0 (propsys.VariantToString): OCR needs a real Windows runner",
    "pypdfium2": "pypdfium2's pdfium.dll aborts under wine 8.0 (propsys.VariantToString): PDF pages need a real Windows runner",
    "PySide6": "PySide6's Qt6Core needs icuuc.dll, which wine 8.0 lacks: the GUI needs a real Windows runner",
    "shiboken6": "shiboken6 comes with PySide6, which does not load under wine 8.0",
}


def skip(name: str) -> None:
    import pytest

    pytest.skip(f"not loadable under wine: {REASONS[name]}", allow_module_level=True)
