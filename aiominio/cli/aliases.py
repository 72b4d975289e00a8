"""Saved endpoints, as mc's aliases (the commands are in :mod:`aiominio.cli.alias_commands`):
a name for a URL and its keys, so that ``NAME/bucket/key`` is a target of every command.

They live in ``config.json`` of the user's configuration directory (``$AIOMINIO_CONFIG_DIR``,
else ``$XDG_CONFIG_HOME/aiominio``, else ``~/.config/aiominio``; ``%APPDATA%\\aiominio`` on
Windows), written whole to a temporary file of mode 0600 and renamed into place. A secret key is
never printed: ``alias list`` shows the access key and ``****``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import click

#: An alias name: letters, digits, ``-`` and ``_``, starting with a letter (``s3`` is taken by
#: ``s3://``).
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,62}")
#: The most bytes of the configuration file read: a planted huge file is refused, not loaded.
MAX_CONFIG_BYTES = 1024 * 1024


class AliasError(click.ClickException):
    """A bad alias, or a configuration file that cannot be read."""


@dataclass(frozen=True, slots=True)
class Alias:
    """A saved endpoint, with keys when they were given."""

    url: str
    access_key: str | None = None
    secret_key: str | None = None
    region: str | None = None

    def __repr__(self) -> str:
        return f"Alias(url={self.url!r}, access_key={self.access_key!r}, region={self.region!r})"


def config_dir() -> Path:
    """Where the configuration lives (see the module's docstring)."""
    given = os.environ.get("AIOMINIO_CONFIG_DIR")
    if given:
        return Path(given)
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "aiominio"
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "aiominio"


def config_file() -> Path:
    return config_dir() / "config.json"


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name) or name.lower() == "s3":
        raise AliasError(
            f"an alias name is a letter then letters, digits, '-' or '_' (not 's3'): {name!r}"
        )
    return name


def load() -> dict[str, Alias]:
    """The saved aliases (none when there is no configuration file).

    Raises:
        AliasError: a file too large, not JSON, or not of this shape (named, not shown: it
            holds secrets).
    """
    path = config_file()
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise AliasError(f"cannot read {path}: {exc.strerror}") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise AliasError(f"{path} is larger than {MAX_CONFIG_BYTES:,} bytes")
    try:
        found = json.loads(raw)
        return {
            check_name(name): Alias(**{k: v for k, v in entry.items() if k in _FIELDS})
            for name, entry in found.get("aliases", {}).items()
        }
    except (ValueError, TypeError, AttributeError):
        raise AliasError(f"{path} is not an aiominio configuration (JSON with 'aliases')") from None


_FIELDS = ("url", "access_key", "secret_key", "region")


def save(aliases: dict[str, Alias]) -> Path:
    """Write ``aliases`` to the configuration file: a new file of mode 0600 in a directory of
    mode 0700, renamed over the old one (a reader never sees half of it)."""
    folder = config_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    document: dict[str, object] = {
        "version": 1,
        "aliases": {
            name: {k: v for k, v in asdict(alias).items() if v is not None}
            for name, alias in sorted(aliases.items())
        },
    }
    # mkstemp makes the file with mode 0600: the secrets are never readable by others.
    fd, temporary = tempfile.mkstemp(prefix=".config-", suffix=".json", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(document, f, indent=2)
            f.write("\n")
        os.replace(temporary, config_file())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return config_file()


def split_target(text: str, aliases: dict[str, Alias]) -> tuple[str, str, str] | None:
    """``(alias, bucket, key)`` when ``text`` is ``NAME/bucket[/key]`` for a saved alias
    ``NAME``, else ``None`` (a local path)."""
    name, sep, rest = text.partition("/")
    if not sep or name not in aliases:
        return None
    bucket, _, key = rest.partition("/")
    return name, bucket, key
