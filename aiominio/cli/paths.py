"""Where a command reads and writes: ``s3://bucket/key`` locations and local paths, and the
destination each source file or object maps to. Pure functions, no I/O."""

from __future__ import annotations

import os
from dataclasses import dataclass

SCHEME = "s3://"


class PathError(ValueError):
    """A location the command cannot use (shown to the user as a usage error)."""


@dataclass(frozen=True, slots=True)
class S3Location:
    """``s3://bucket/key``; ``key`` is empty for a whole bucket and may be a prefix."""

    bucket: str
    key: str = ""

    def __str__(self) -> str:
        return f"{SCHEME}{self.bucket}/{self.key}" if self.key else f"{SCHEME}{self.bucket}"

    @property
    def is_dir(self) -> bool:
        """Whether the location names a bucket or a "directory" (empty key, or ending in /)."""
        return not self.key or self.key.endswith("/")

    def child(self, relative: str) -> S3Location:
        """The object ``relative`` (a key part, kept verbatim) under this location as a prefix."""
        return S3Location(self.bucket, join_key(self.key, relative))


@dataclass(frozen=True, slots=True)
class LocalPath:
    """A path on this machine."""

    path: str

    def __str__(self) -> str:
        return self.path


Location = S3Location | LocalPath


def is_s3(text: str) -> bool:
    return text[: len(SCHEME)].lower() == SCHEME


def parse_s3(text: str) -> S3Location:
    """Parse ``s3://bucket[/key]``.

    Raises:
        PathError: not an ``s3://`` URL, or no bucket.
    """
    if not is_s3(text):
        raise PathError(f"not an s3:// location: {text!r}")
    rest = text[len(SCHEME) :]
    bucket, _, key = rest.partition("/")
    if not bucket:
        raise PathError(f"no bucket in {text!r}")
    return S3Location(bucket, key)


def parse_location(text: str) -> Location:
    """``s3://bucket/key`` as an :class:`S3Location`, anything else as a :class:`LocalPath`."""
    if not text:
        raise PathError("an empty path")
    if is_s3(text):
        return parse_s3(text)
    return LocalPath(text)


def dir_prefix(key: str) -> str:
    """``key`` as a "directory" prefix: empty stays empty, else it ends with ``/``."""
    return key if not key or key.endswith("/") else key + "/"


def key_basename(key: str) -> str:
    """The last ``/``-separated part of a key (``a/b/c.txt`` -> ``c.txt``)."""
    return key.rstrip("/").rsplit("/", 1)[-1]


def relative_key(key: str, prefix: str) -> str:
    """``key`` relative to the directory ``prefix`` (which ``key`` starts with)."""
    prefix = dir_prefix(prefix)
    if not key.startswith(prefix):
        raise PathError(f"{key!r} is not under {prefix!r}")
    return key[len(prefix) :]


def safe_local_relative(relative: str) -> str:
    """A key's relative path as a local relative path, refusing anything that would land
    outside the destination directory (``..`` parts, absolute paths, empty parts).

    Raises:
        PathError: the key cannot be written safely below a directory.
    """
    parts = relative.split("/")
    bad = not relative or any(p in ("", ".", "..") or "\0" in p for p in parts)
    if os.sep != "/":  # on Windows a backslash or drive letter would also separate or root it
        bad = bad or any(os.sep in p or ":" in p for p in parts)
    if bad:
        raise PathError(f"the key part {relative!r} is not a safe local path")
    return os.path.join(*parts)


def local_relative_key(path: str, root: str) -> str:
    """A local file's path relative to ``root`` as a ``/``-separated key part."""
    rel = os.path.relpath(path, root)
    return rel.replace(os.sep, "/")


def upload_key(source_file: str, dest: S3Location) -> str:
    """The key a single file is uploaded to: ``dest.key`` itself, or the file's name under it
    when it names a bucket or ends with ``/``."""
    if dest.is_dir:
        return dir_prefix(dest.key) + os.path.basename(source_file)
    return dest.key


def download_path(key: str, dest: str, *, dest_is_dir: bool) -> str:
    """The file a single object is downloaded to: ``dest`` itself, or the key's name inside it
    when it is a directory (existing, or written with a trailing separator).

    Raises:
        PathError: the key has no name to give the file (it ends with ``/``).
    """
    if dest_is_dir or dest.endswith(("/", os.sep)):
        name = key_basename(key)
        if not name or key.endswith("/"):
            raise PathError(f"the key {key!r} names a directory, not an object")
        # A last part of ``..`` or ``.`` would name the directory itself or its parent.
        return os.path.join(dest, safe_local_relative(name))
    return dest


def copy_key(source_key: str, dest: S3Location) -> str:
    """The key a single object is copied to (as :func:`upload_key`, with the key's name)."""
    if dest.is_dir:
        return dir_prefix(dest.key) + key_basename(source_key)
    return dest.key


def join_key(prefix: str, relative: str) -> str:
    """``relative`` under the directory ``prefix``, verbatim: ``dst/`` + ``/x`` is ``dst//x``.

    Keys are strings, not paths. A path join would drop the prefix when ``relative`` starts
    with ``/`` (a key ``src//x`` copied from ``src/``) and write outside the destination; the
    inverse of :func:`relative_key` must keep every character.
    """
    return dir_prefix(prefix) + relative
