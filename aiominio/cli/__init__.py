"""The ``aiominio`` command line (``pip install 'aiominio[cli]'``): ls, cp, mv, rm, mb, rb, stat,
cat, presign, mirror (or sync), alias, du, find, tree, head, tag, version, retention, legal-hold,
ilm, anonymous, diff, event, sql and watch over the library's client.

The library itself never imports this package (nor click and rich, which it needs).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from aiominio.cli import (  # noqa: F401  (they add their commands to cli)
    alias_commands,
    commands,
    copying,
    diff,
    explore,
    lifecycle,
    objectlock,
    policy,
    streams,
)
from aiominio.cli.app import cli
from aiominio.cli.runner import EXIT_INTERRUPTED

__all__ = ["cli", "main"]


def main(argv: Sequence[str] | None = None) -> None:
    """The console script: run the command line and exit with its code."""
    try:
        code = cli.main(args=argv, prog_name="aiominio", standalone_mode=False)
    except click.exceptions.Abort:
        sys.stderr.write("aiominio: interrupted\n")
        sys.exit(EXIT_INTERRUPTED)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)
