"""The exception tree: the classes that also subclass a builtin, so ``except TimeoutError`` and
the like catch them."""

from __future__ import annotations

from aiominio import errors


def test_exception_tree_subclasses_builtins() -> None:
    assert issubclass(errors.RequestTimeout, TimeoutError)
    assert issubclass(errors.ConnectError, ConnectionError)
    assert issubclass(errors.InvalidArgument, ValueError)
    assert issubclass(errors.ClientClosedError, RuntimeError)
    assert issubclass(errors.NoSuchKey, errors.S3Error)
