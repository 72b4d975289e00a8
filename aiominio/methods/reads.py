"""The client's object reads: download an object as a stream, a range of it or to a file, and
describe it (HEAD)."""

from __future__ import annotations

import os
from datetime import datetime

from aiominio.core import planning
from aiominio.core.options import ReadOptions, read_options
from aiominio.core.sse import SseCustomerKey
from aiominio.core.validation import check_bucket_name, check_concurrency, check_object_key
from aiominio.methods.base import MethodsBase
from aiominio.models import ObjectStat
from aiominio.ops import objects
from aiominio.transfer import files
from aiominio.transfer.reader import ObjectReader
from aiominio.transfer.sources import Progress, check_progress


class ObjectReadMethods(MethodsBase):
    """Get an object as a stream or a range, download it to a file, stat it."""

    def get_object(
        self,
        bucket: str,
        key: str,
        *,
        version_id: str | None = None,
        verify: bool = True,
        if_match: str | None = None,
        if_none_match: str | None = None,
        if_modified_since: datetime | None = None,
        if_unmodified_since: datetime | None = None,
        sse: SseCustomerKey | None = None,
        progress: Progress | None = None,
    ) -> ObjectReader:
        """Download an object as a stream: use the result with ``async with``, or ``await`` it.

        With ``verify`` (the default) the body is checked as it streams against a whole-object
        digest the server returns (asked for with ``x-amz-checksum-mode: ENABLED``), the first
        of CRC32, SHA-1, an MD5 ETag, SHA-256, CRC32C, CRC64NVME that it carries. A mismatch
        raises :class:`~aiominio.InvalidResponseError` instead of handing out the last chunk
        (when the answer has a Content-Length; else at the end of the body). A multipart object
        whose only digest is its ``<md5>-N`` ETag cannot be verified while streaming
        (:meth:`fget_object` verifies it); ``obj.verified_by`` names the digest that matched,
        ``None`` when there was none. CRC64NVME is computed in pure Python (about 15 MB/s),
        and so is CRC32C unless ``aiominio[speedups]`` is installed; the others in C.

        ``progress(done, total)`` is told of the body's bytes as they are read (at least every
        MiB, and at the end; ``total`` is the answer's Content-Length, ``None`` without one); a
        coroutine function is awaited; a callback that raises stops the download.

        Example::

            async with client.get_object("photos", "cat.jpg") as obj:
                print(obj.stat.size)
                async for chunk in obj:
                    sink.write(chunk)

        Awaited, it returns the reader once the answer's status and headers are in (errors
        such as :class:`~aiominio.NoSuchKey` are raised by the ``await``), for a body that
        outlives the function that opened it, such as a web response::

            obj = await client.get_object("photos", "cat.jpg")  # 404 here, before any reply
            try:
                async for chunk in obj:
                    await response.write(chunk)
            finally:
                await obj.close()

        The connection is then released at the end of the body, when reading fails, on
        ``await obj.close()``, or (with a :class:`ResourceWarning`) when the reader is
        garbage collected.

        A body that breaks off is resumed from the next byte; the resumed answer must be exactly
        the rest of the same object (a 206 with the right Content-Range, total and ETag), else it
        is asked again and, within the retry budget, fails.

        Conditions (checked by the server, on the first request only; a body that is resumed
        is pinned to the ETag, and the version, of the first answer instead): ``if_match`` /
        ``if_none_match`` an ETag (or ``"*"``), ``if_modified_since`` /
        ``if_unmodified_since`` an aware datetime.

        ``sse`` is the SSE-C key of an object stored with one (over HTTPS only); such an
        object's ETag is no MD5 of its data, so only a checksum the server returns verifies it.

        Raises:
            NoSuchKey, NoSuchBucket: on entering the ``async with`` block (or on ``await``).
            PreconditionFailed: ``if_match`` or ``if_unmodified_since`` did not hold.
            NotModified: ``if_none_match`` or ``if_modified_since`` held (no body).
            InvalidResponseError: the body did not match its checksum, or a resumed answer was
                not the rest of the body.
        """
        read = self._read_options(
            bucket,
            key,
            version_id,
            if_match,
            if_none_match,
            if_modified_since,
            if_unmodified_since,
            sse,
        )
        return ObjectReader(
            self.requester, bucket, key, read=read, verify=verify, progress=check_progress(progress)
        )

    def get_partial_object(
        self,
        bucket: str,
        key: str,
        offset: int,
        length: int | None = None,
        *,
        version_id: str | None = None,
        if_match: str | None = None,
        if_none_match: str | None = None,
        if_modified_since: datetime | None = None,
        if_unmodified_since: datetime | None = None,
        sse: SseCustomerKey | None = None,
        progress: Progress | None = None,
    ) -> ObjectReader:
        """Download ``length`` bytes from ``offset`` (to the end when ``length`` is None).

        A range cannot be verified against the object's checksum or ETag (they cover the whole
        object, and S3 keeps no digest of a range); only that the answer is exactly the range
        asked for (a 206 with that Content-Range) is checked. Reading from offset 0 with no
        length is a whole-object read, verified as by :meth:`get_object`. The conditions,
        ``sse`` and ``progress`` are those of :meth:`get_object`, and so is the result: use it with
        ``async with``, or ``await`` it and release it as :meth:`get_object` says.

        Raises:
            InvalidArgument / TypeError: a negative or non-integer offset or length, before any
                request.
            InvalidRange: the offset is past the end of the object.
            PreconditionFailed, NotModified: as for :meth:`get_object`.
        """
        read = self._read_options(
            bucket,
            key,
            version_id,
            if_match,
            if_none_match,
            if_modified_since,
            if_unmodified_since,
            sse,
        )
        offset, length = planning.check_range(offset, length)
        return ObjectReader(
            self.requester,
            bucket,
            key,
            offset=offset,
            length=length,
            read=read,
            progress=check_progress(progress),
        )

    async def fget_object(
        self,
        bucket: str,
        key: str,
        file_path: str | os.PathLike[str],
        *,
        version_id: str | None = None,
        progress: Progress | None = None,
        verify: bool = True,
        if_match: str | None = None,
        if_none_match: str | None = None,
        if_modified_since: datetime | None = None,
        if_unmodified_since: datetime | None = None,
        sse: SseCustomerKey | None = None,
        concurrency: int | None = None,
        part_size: int | None = None,
    ) -> ObjectStat:
        """Download an object to a file, safely; in parallel ranges when it is large.

        The body is written to ``<file_path>.<tag>.part`` beside the target and renamed into place
        only once it is complete and its size checks out and, with ``verify`` (the default), its
        data: against a whole-object digest the server stored (the first of CRC32, SHA-1, an MD5
        ETag, SHA-256, CRC32C, CRC64NVME), else against a multipart ETag ``<md5>-N`` recomputed
        from the file's per-part MD5s (the part size is learnt from a ``HEAD ?partNumber=1``, and
        each part's size when the parts are unequal). A file that fails the check is removed and
        downloaded again once; a second failure raises :class:`~aiominio.InvalidResponseError`.

        If a download is interrupted, the next call for the same object resumes from the partial
        file, as long as the object's ETag has not changed. The partial file is locked (``flock``)
        while it is written: a second call for the same path (in this or another process) waits
        for the first to finish, then downloads the object again. A failed download never leaves
        a file at ``file_path``; a cancelled one neither (its partial file, and the record of a
        parallel download, stay behind for the next call to resume; they can be removed).

        An object of at least two ``part_size`` ranges (default 16 MiB, at least 1 MiB) is
        fetched ``concurrency`` ranges at a time (default 8; 1 reads it as one stream), each
        with a Range request pinned by If-Match to the ETag the first answer gave (an object that
        changes meanwhile fails the download with a 412, and it starts over once). The ranges
        are written in place into the partial file, grown to the object's size at the start;
        ``<partial>.ranges.json`` beside it records the ranges done, and the object (ETag, size,
        version) and range size they are of: an interrupted download resumes the missing ranges
        only, and one of another object or range size starts over.

        ``progress(done, total)`` (a function or a coroutine function) is called with the bytes
        in the file (a resumed download's included) and the object's size, at least every MiB
        and once at the end with ``done == total``; an exception it raises stops the download.

        The download starts with a GET of the whole object, no HEAD before it: its answer
        describes the object, and a body read as one stream into an empty partial file is read
        from it and checked as it arrives (so the file is not read back). For a download in
        ranges, or a partial file to resume, that answer is let go once it has described the
        object. The conditions (as for :meth:`get_object`) go on that GET, before any file is
        touched: a 412 raises :class:`~aiominio.PreconditionFailed`, a 304
        :class:`~aiominio.NotModified`. Every later request is pinned to the ETag (and, in a
        versioned bucket, the version) that answer described.

        ``sse`` is the SSE-C key of an object stored with one; it goes with every request,
        resumes included. Such an object is verified by a whole-object checksum only (its
        ETag, multipart or not, is no MD5 of the data).

        Local files are never written through anything planted at their names: a new partial
        file is created ``O_CREAT | O_EXCL | O_NOFOLLOW`` with mode 0o600; an existing one (and
        its record) is resumed only when it is a regular file of this user with no other link,
        checked on the open file. Anything else at those names is left alone and the download
        goes to a fresh partial file of a random name, not resumable (removed if the download
        fails). The rename to ``file_path`` replaces a symlink there rather than writing through
        it; the file then has the permission bits of the regular file it replaced, or, where
        there was none, those of a new file (0o666 less the umask).

        Sizes from the server are bounded: an answer announcing more than S3's largest object
        (5 TiB) raises :class:`~aiominio.InvalidResponseError` before anything is planned or
        written, and so does a body (or a range) that runs past the size announced, before a
        byte past it is written; ``progress`` never reports more than the total.
        """
        read = self._read_options(
            bucket,
            key,
            version_id,
            if_match,
            if_none_match,
            if_modified_since,
            if_unmodified_since,
            sse,
        )
        check_progress(progress)
        conc = planning.DEFAULT_DOWNLOAD_CONCURRENCY
        if concurrency is not None:
            conc = check_concurrency(concurrency)
        # The public keyword is part_size; what it sizes is the ranges fetched at once.
        range_size = planning.DEFAULT_RANGE_SIZE
        if part_size is not None:
            range_size = planning.check_range_size(part_size)
        return await files.download_file(
            self.requester,
            bucket,
            key,
            path=os.fspath(file_path),
            read=read,
            progress=progress,
            verify=verify,
            concurrency=conc,
            range_size=range_size,
        )

    async def stat_object(
        self,
        bucket: str,
        key: str,
        *,
        version_id: str | None = None,
        if_match: str | None = None,
        if_none_match: str | None = None,
        if_modified_since: datetime | None = None,
        if_unmodified_since: datetime | None = None,
        sse: SseCustomerKey | None = None,
    ) -> ObjectStat:
        """Describe an object (HEAD): size, ETag, content type, last modified, user metadata.

        ``version_id`` names a version (the latest by default); the conditions and ``sse`` are
        those of :meth:`get_object`.

        Raises:
            NoSuchKey: there is no such object (NoSuchBucket for a missing bucket, where the
                server says so).
            PreconditionFailed: ``if_match`` or ``if_unmodified_since`` did not hold.
            NotModified: ``if_none_match`` or ``if_modified_since`` held.
        """
        read = self._read_options(
            bucket,
            key,
            version_id,
            if_match,
            if_none_match,
            if_modified_since,
            if_unmodified_since,
            sse,
        )
        return await objects.stat_object(self.requester, bucket, key, read=read)

    def _read_options(
        self,
        bucket: object,
        key: object,
        version_id: str | None,
        if_match: str | None,
        if_none_match: str | None,
        if_modified_since: datetime | None,
        if_unmodified_since: datetime | None,
        sse: object,
    ) -> ReadOptions:
        """Check what every read of an object names (bucket, key, version, conditions, SSE-C
        key); return them as one value."""
        check_bucket_name(bucket)
        check_object_key(key)
        return read_options(
            self.requester.endpoint,
            version_id=version_id,
            if_match=if_match,
            if_none_match=if_none_match,
            if_modified_since=if_modified_since,
            if_unmodified_since=if_unmodified_since,
            sse=sse,
        )
