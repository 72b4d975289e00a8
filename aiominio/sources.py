"""Deprecated location of the upload sources, kept so that old imports still work (with a
DeprecationWarning): they live in :mod:`aiominio.transfer.sources`, and the public ones are
importable from :mod:`aiominio` (``aiominio.Progress``, ...)."""

from __future__ import annotations

import warnings

from aiominio.transfer import sources as _moved


def __getattr__(name: str) -> object:
    value = getattr(_moved, name)  # AttributeError for a name that never was here
    warnings.warn(
        f"aiominio.sources.{name} moved to aiominio.transfer.sources; "
        f"import it from aiominio where it is public",
        DeprecationWarning,
        stacklevel=2,
    )
    return value
