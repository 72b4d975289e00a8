"""The entries fsspec deals in (``info`` dicts of files, directories and buckets) and the
builtin errors its callers expect for S3's, with no I/O."""

from __future__ import annotations

import contextlib
import errno
from collections.abc import Iterator
from typing import NoReturn

from aiominio.errors import NoSuchBucket, NoSuchKey, S3Error
from aiominio.fsspec.paths import join
from aiominio.models import ObjectInfo, ObjectStat

#: One entry of a listing, or what ``info`` returns: ``name``, ``size``, ``type`` and, for
#: objects, s3fs's ``ETag``, ``LastModified``, ``StorageClass`` (and ``ContentType``,
#: ``VersionId`` from a HEAD).
Info = dict[str, object]


def file_info(bucket: str, key: str, size: int, etag: str, **extra: object) -> Info:
    return {"name": join(bucket, key), "size": size, "type": "file", "ETag": etag, **extra}


def dir_info(name: str) -> Info:
    return {"name": name, "size": 0, "type": "directory", "StorageClass": "DIRECTORY"}


def listed(bucket: str, entry: ObjectInfo) -> Info:
    if entry.is_dir or entry.key.endswith("/"):
        return dir_info(join(bucket, entry.key.rstrip("/")))
    return file_info(
        bucket,
        entry.key,
        entry.size,
        entry.etag,
        LastModified=entry.last_modified,
        StorageClass=entry.storage_class or "STANDARD",
    )


def stat_info(bucket: str, key: str, stat: ObjectStat) -> Info:
    return file_info(
        bucket,
        key,
        stat.size,
        stat.etag,
        LastModified=stat.last_modified,
        ContentType=stat.content_type,
        VersionId=stat.version_id,
        StorageClass=stat.storage_class or "STANDARD",
    )


@contextlib.contextmanager
def translated(path: str) -> Iterator[None]:
    """The builtin errors fsspec callers expect, for the S3 errors that mean them: a missing
    object or bucket is :class:`FileNotFoundError`, a refusal (403: access denied, a bad
    signature or key) :class:`PermissionError`."""
    try:
        yield
    except (NoSuchKey, NoSuchBucket) as exc:
        raise FileNotFoundError(errno.ENOENT, "no such object or bucket", path) from exc
    except S3Error as exc:
        if exc.status != 403:
            raise
        raise PermissionError(errno.EACCES, exc.code or "access denied", path) from exc


def not_found(path: str) -> NoReturn:
    raise FileNotFoundError(errno.ENOENT, "no such object or directory", path)


def parents_in_bucket(path: str) -> Iterator[str]:
    """Every directory above ``path`` up to and including its bucket."""
    while "/" in path:
        path = path.rsplit("/", 1)[0]
        yield path


def absolute_range(start: int | None, end: int | None, size: int | None) -> tuple[int, int]:
    """A ``cat_ranges`` range as ``[start, stop)`` offsets (negative ones from ``size``)."""
    if start is None:
        start = 0
    elif start < 0:
        assert size is not None
        start = max(0, size + start)
    if end is None:
        assert size is not None
        end = size
    elif end < 0:
        assert size is not None
        end = max(0, size + end)
    if size is not None:
        end = min(end, size)
    return start, max(start, end)
