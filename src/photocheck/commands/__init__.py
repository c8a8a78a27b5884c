"""Command-line sub-commands beside the core ones in ``photocheck.cli``.

Each module has ``register(subparsers, common)``; ``cli.EXTENSIONS`` lists them.
The library modules they call never print and never parse arguments.
"""
