"""``python -m aiominio``: the command line (needs ``pip install 'aiominio[cli]'``)."""

from __future__ import annotations

import sys


def _main() -> None:
    try:
        from aiominio.cli import main
    except ModuleNotFoundError as exc:
        if exc.name not in ("click", "rich"):
            raise
        sys.stderr.write(
            "aiominio: error: the command line needs its extra: pip install 'aiominio[cli]'\n"
        )
        sys.exit(1)
    main()


if __name__ == "__main__":
    _main()
