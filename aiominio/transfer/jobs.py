"""Job values: what every step of one transfer needs, gathered once so that the steps take one
argument instead of a long positional list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from aiominio.core.checksums import Integrity
from aiominio.core.options import ReadOptions, WriteOptions
from aiominio.core.sse import SseCustomerKey
from aiominio.models import ObjectStat
from aiominio.requester import Requester
from aiominio.transfer.reader import ObjectReader
from aiominio.transfer.sources import ProgressReporter


class Upload(NamedTuple):
    """One upload of a body to an object (an immutable value; one is built per upload).

    Attributes:
        requester: the pipeline the requests go through.
        bucket, key: the object written.
        write: what is stored with it, and on which condition.
        part_size: the part size (checked by the caller), or ``None`` to plan it from the
            size.
        concurrency: the most parts in memory and in flight at once.
        threshold: bodies up to this many bytes go in one PUT.
        integrity: the checksum every PUT and part carries.
    """

    requester: Requester
    bucket: str
    key: str
    write: WriteOptions
    part_size: int | None
    concurrency: int
    threshold: int
    integrity: Integrity

    @property
    def where(self) -> str:
        """``bucket/key``, for messages."""
        return f"{self.bucket}/{self.key}"


@dataclass(frozen=True, slots=True)
class Download:
    """One download of an object's body to a partial file.

    Attributes:
        requester: the pipeline the requests go through.
        bucket, key: the object.
        stat: what the answer that started the download said (the size and ETag every answer must
            agree with).
        version_id: the version every request is pinned to: the one asked for, else the one the
            first answer named (``None`` for an unversioned object).
        sse: the SSE-C key every request sends, if the object has one.
        reporter: the progress of the bytes in the file.
    """

    requester: Requester
    bucket: str
    key: str
    stat: ObjectStat
    version_id: str | None
    sse: SseCustomerKey | None
    reporter: ProgressReporter

    @property
    def where(self) -> str:
        """``bucket/key``, for messages."""
        return f"{self.bucket}/{self.key}"

    def reader(self, offset: int, length: int | None = None) -> ObjectReader:
        """A reader of the body from ``offset`` (``length`` bytes, or to the end), pinned to
        the first answer's ETag by If-Match so that a changed object fails rather than mixes in.
        Unverified: the whole file is checked once it is complete."""
        etag = self.stat.etag
        pinned = ReadOptions(self.version_id, {"If-Match": f'"{etag}"'} if etag else {}, self.sse)
        return ObjectReader(
            self.requester,
            self.bucket,
            self.key,
            offset=offset,
            length=length,
            read=pinned,
            verify=False,
        )
