"""The PySide6 desktop app: a thin layer over photocheck.core and photocheck.submission.

Layout:
- ``app``: entry point (``photocheck-gui``), command-line options, screenshot mode;
- ``i18n``: translators (ours and Qt's own), language names, picking a core ``Text``;
- ``settings``: every persisted setting, declared once;
- ``workers``: background tasks on thread pools, with progress and cancel;
- ``controller``: app-wide state (rule pack, language) and per-page sessions, all
  exposing signals; views never call each other, the main window wires them;
- ``pages/``: the three pages (photo, materials, review);
- ``widgets``, ``overlay``, ``errors``: shared view pieces.

Nothing outside this package imports Qt.
"""
