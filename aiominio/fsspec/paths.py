"""Paths of the filesystem: ``bucket/key`` strings, split, joined and walked up, with no I/O.

fsspec names an object ``bucket/key`` (no protocol, no leading or trailing slash) and a
"directory" the same way: a bucket, or a prefix that some key continues with ``/``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

#: The URL schemes this filesystem answers to (the first is its own).
PROTOCOLS = ("aiominio", "s3", "s3a")


def strip_protocol(path: str) -> str:
    """``aiominio://bucket/key/`` -> ``bucket/key``: no scheme, no leading or trailing slash."""
    for scheme in PROTOCOLS:
        if path.startswith(scheme + "://"):
            path = path[len(scheme) + 3 :]
            break
    return path.strip("/")


def split_path(path: str) -> tuple[str, str]:
    """``bucket/a/b`` -> ``("bucket", "a/b")``; a bare bucket has the key ``""``."""
    path = strip_protocol(path)
    bucket, _, key = path.partition("/")
    return bucket, key


def join(bucket: str, key: str) -> str:
    """The path of ``key`` in ``bucket`` (the bucket itself for an empty key)."""
    return f"{bucket}/{key}" if key else bucket


def parent(path: str) -> str:
    """The directory holding ``path`` (``""`` for a bucket, the root)."""
    path = strip_protocol(path)
    return path.rsplit("/", 1)[0] if "/" in path else ""


def ancestors(path: str) -> Iterator[str]:
    """The directories above ``path`` inside its bucket, deepest first (not the bucket)."""
    path = strip_protocol(path)
    while path.count("/") > 1:
        path = path.rsplit("/", 1)[0]
        yield path


def dir_prefix(key: str) -> str:
    """The listing prefix of the directory ``key``: ``a/b`` -> ``a/b/``; the bucket's is ``""``."""
    return key + "/" if key else ""


def directories_between(top: str, name: str) -> Iterator[str]:
    """The directories strictly between ``top`` and ``name`` below it, shallowest first:
    ``("b", "b/x/y/f")`` -> ``b/x``, ``b/x/y``."""
    rest = name[len(top) :].strip("/") if top else name
    parts = rest.split("/")[:-1]
    base = top
    for part in parts:
        base = f"{base}/{part}" if base else part
        yield base


def ghost_candidates(removed: Iterable[str]) -> list[str]:
    """The directories above removed paths that were not removed themselves, deepest first.

    A server that keeps directories of its own (SeaweedFS) keeps each of these as an empty
    directory once its last object is gone; they are the ones to check and clear.
    """
    gone = set(removed)
    found = {a for path in gone for a in ancestors(path)} - gone
    return sorted(found, key=lambda p: (-p.count("/"), p))
