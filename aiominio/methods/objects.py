"""The client's object methods: read, write, copy and remove objects."""

from __future__ import annotations

import mimetypes
import os
from collections.abc import AsyncIterable, Iterable, Mapping
from datetime import datetime

from aiominio.core import planning
from aiominio.core.conditions import (
    COPY_SOURCE_PREFIX,
    check_version_id,
    read_conditions,
    write_conditions,
)
from aiominio.core.headers import (
    DEFAULT_CONTENT_TYPE,
    object_headers,
    standard_headers,
    upload_headers,
)
from aiominio.core.objectlock import Retention, check_flag, lock_headers
from aiominio.core.sse import Sse, SseCustomerKey, check_read_sse, check_sse
from aiominio.core.tagging import TAGGING_DIRECTIVE, check_tags, tagging_header
from aiominio.core.validation import check_bucket_name, check_concurrency, check_object_key
from aiominio.methods.base import MethodsBase
from aiominio.models import CopyResult, DeleteError, ObjectStat, PutResult
from aiominio.ops import objects
from aiominio.ops.copy import METADATA_DIRECTIVE
from aiominio.ops.copy import copy_object as copy_object_op
from aiominio.ops.objects import ToDelete
from aiominio.transfer import files, multipart, uploads
from aiominio.transfer.reader import ObjectReader
from aiominio.transfer.sources import Data, Progress, check_progress, make_source


class ObjectMethods(MethodsBase):
    """Get, stat, put, copy and remove objects, from and to memory, streams and files."""

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
        conditions = _checked_read(
            bucket, key, version_id, if_match, if_none_match, if_modified_since, if_unmodified_since
        )
        key_sse = check_read_sse(sse, self.requester.endpoint)
        return ObjectReader(
            self.requester,
            bucket,
            key,
            version_id=version_id,
            headers=conditions,
            verify=verify,
            sse=key_sse,
            progress=check_progress(progress),
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
        conditions = _checked_read(
            bucket, key, version_id, if_match, if_none_match, if_modified_since, if_unmodified_since
        )
        offset, length = planning.check_range(offset, length)
        return ObjectReader(
            self.requester,
            bucket,
            key,
            offset=offset,
            length=length,
            version_id=version_id,
            headers=conditions,
            sse=check_read_sse(sse, self.requester.endpoint),
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
        with a Range request pinned by If-Match to the ETag the HEAD gave (an object that
        changes meanwhile fails the download with a 412, and it starts over once). The ranges
        are written in place into the partial file, grown to the object's size at the start;
        ``<partial>.ranges.json`` beside it records the ranges done, and the object (ETag, size,
        version) and range size they are of: an interrupted download resumes the missing ranges
        only, and one of another object or range size starts over.

        ``progress(done, total)`` (a function or a coroutine function) is called with the bytes
        in the file (a resumed download's included) and the object's size, at least every MiB
        and once at the end with ``done == total``; an exception it raises stops the download.

        The conditions (as for :meth:`get_object`) are checked on the HEAD that starts the
        download, before any file is touched: a 412 raises :class:`~aiominio.PreconditionFailed`,
        a 304 :class:`~aiominio.NotModified`. The body is then read pinned to the ETag (and, in
        a versioned bucket, the version) that HEAD described.

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

        Sizes from the server are bounded: a HEAD announcing more than S3's largest object
        (5 TiB) raises :class:`~aiominio.InvalidResponseError` before anything is planned or
        written, and so does a body (or a range) that runs past the size announced, before a
        byte past it is written; ``progress`` never reports more than the total.
        """
        conditions = _checked_read(
            bucket, key, version_id, if_match, if_none_match, if_modified_since, if_unmodified_since
        )
        check_progress(progress)
        conc = planning.DEFAULT_DOWNLOAD_CONCURRENCY
        if concurrency is not None:
            conc = check_concurrency(concurrency)
        psize = planning.DEFAULT_RANGE_SIZE
        if part_size is not None:
            psize = planning.check_range_size(part_size)
        return await files.download_file(
            self.requester,
            bucket,
            key,
            path=os.fspath(file_path),
            version_id=version_id,
            progress=progress,
            verify=verify,
            conditions=conditions,
            sse=check_read_sse(sse, self.requester.endpoint),
            concurrency=conc,
            part_size=psize,
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
        conditions = _checked_read(
            bucket, key, version_id, if_match, if_none_match, if_modified_since, if_unmodified_since
        )
        return await objects.stat_object(
            self.requester,
            bucket,
            key,
            version_id=version_id,
            conditions=conditions,
            sse=check_read_sse(sse, self.requester.endpoint),
        )

    async def put_object(
        self,
        bucket: str,
        key: str,
        data: Data,
        size: int | None = None,
        *,
        content_type: str = DEFAULT_CONTENT_TYPE,
        metadata: Mapping[str, str] | None = None,
        tags: Mapping[str, str] | None = None,
        cache_control: str | None = None,
        content_disposition: str | None = None,
        content_encoding: str | None = None,
        content_language: str | None = None,
        expires: datetime | None = None,
        storage_class: str | None = None,
        part_size: int | None = None,
        concurrency: int | None = None,
        progress: Progress | None = None,
        if_none_match: str | None = None,
        if_match: str | None = None,
        sse: Sse | None = None,
        retention: Retention | None = None,
        legal_hold: bool | None = None,
    ) -> PutResult:
        """Upload an object from bytes, str, a file object, an aiofiles file or an async iterable.

        Up to the multipart threshold (5 MiB by default) the body goes in one PUT; larger bodies,
        and bodies of unknown size that turn out larger, go up as parts by ``concurrency``
        concurrent tasks, holding about ``part_size x concurrency`` bytes in memory whatever the
        object's size. Every PUT (and part) carries a checksum the server verifies (CRC32 by
        default, Content-MD5 with ``Client(integrity="md5")``) and every answer is checked
        against it. If the upload fails or is cancelled, its multipart upload is aborted: nothing
        is left behind.

        Args:
            bucket: the bucket.
            key: the object key (1 to 1,024 bytes of UTF-8).
            data: the body.
            size: the body's size, if known (read exactly this many bytes).
            content_type: the Content-Type to store.
            metadata: user metadata (stored as ``x-amz-meta-*``), ASCII names and values; a
                standard header's name (``Cache-Control``, ...) is refused: it has a keyword.
            tags: tags to store with the object (at most 10; sent as ``x-amz-tagging``).
            cache_control: the ``Cache-Control`` to store with the object. Like the three
                standard headers below, ASCII and one line.
            content_disposition: the ``Content-Disposition`` to store.
            content_encoding: the ``Content-Encoding`` to store; it is stored and sent back as
                is (``get_object`` returns the stored bytes, undecoded).
            content_language: the ``Content-Language`` to store.
            expires: the ``Expires`` to store (a timezone-aware datetime).
            storage_class: the storage class (``STANDARD``, ``REDUCED_REDUNDANCY``, ... any
                token the server knows).
            part_size: the part size (5 MiB to 5 GiB); planned from the size when not given.
            concurrency: parts in flight at once (default 4).
            progress: ``progress(done, total)``, a function or a coroutine function (awaited):
                the bytes written to the server so far and the body's size (``None`` when it is
                not known, as for an async iterable without ``size``); called at least every
                MiB and once at the end (``done == total`` when the size is known). An
                exception it raises stops the upload (which is aborted) and is raised.
            if_none_match: ``"*"``: create the object only if the key is free, else
                :class:`~aiominio.PreconditionFailed` (where the server supports it).
            if_match: replace the object only while its ETag is this one, else
                :class:`~aiominio.PreconditionFailed` (where the server supports it).
            sse: server-side encryption: :class:`~aiominio.SseCustomerKey` (SSE-C, over HTTPS
                only; the key is needed to read the object), :class:`~aiominio.SseS3` or
                :class:`~aiominio.SseKms`.
            retention: the new version's :class:`~aiominio.Retention` (in a bucket with
                object lock; sent as ``x-amz-object-lock-mode`` and ``-retain-until-date``).
            legal_hold: ``True`` puts a legal hold on the new version, ``False`` stores none
                (``x-amz-object-lock-legal-hold``).

        Conditions travel on the PUT, or on the CompleteMultipartUpload of a multipart upload
        (its parts are uploaded first, then aborted if the condition fails). A request that is
        retried after its answer was lost meets its own write: with ``if_none_match="*"`` it
        then raises PreconditionFailed although the object was stored.
        """
        check_bucket_name(bucket)
        check_object_key(key)
        headers = upload_headers(
            content_type,
            metadata,
            tags=tags,
            cache_control=cache_control,
            content_disposition=content_disposition,
            content_encoding=content_encoding,
            content_language=content_language,
            expires=expires,
            storage_class=storage_class,
        )
        headers.update(lock_headers(retention, legal_hold))
        conditions = write_conditions(if_match=if_match, if_none_match=if_none_match)
        checked_sse = check_sse(sse, self.requester.endpoint)
        check_progress(progress)
        source = make_source(data, size)
        conc = check_concurrency(concurrency)
        psize = planning.plan_part_size(source.size, part_size)
        return await uploads.put_object(
            self.requester,
            bucket,
            key,
            source=source,
            headers=headers,
            part_size=psize,
            concurrency=conc,
            threshold=self.multipart_threshold,
            integrity=self.integrity,
            progress=progress,
            conditions=conditions,
            sse=checked_sse,
        )

    async def fput_object(
        self,
        bucket: str,
        key: str,
        file_path: str | os.PathLike[str],
        content_type: str | None = None,
        *,
        metadata: Mapping[str, str] | None = None,
        tags: Mapping[str, str] | None = None,
        cache_control: str | None = None,
        content_disposition: str | None = None,
        content_encoding: str | None = None,
        content_language: str | None = None,
        expires: datetime | None = None,
        storage_class: str | None = None,
        part_size: int | None = None,
        concurrency: int | None = None,
        progress: Progress | None = None,
        sse: Sse | None = None,
        retention: Retention | None = None,
        legal_hold: bool | None = None,
    ) -> PutResult:
        """Upload a file; resumable.

        The content type is guessed from the file name when not given. Above the multipart
        threshold the file goes up in concurrent parts. If an earlier attempt for the same key
        was interrupted, its incomplete upload is resumed: parts already on the server whose
        ETags match the MD5 of the same byte range of the file are kept, and only the missing or
        different parts are sent. A resumed upload keeps the content type, metadata, tags and
        standard headers of the attempt that started it. A failed or cancelled ``fput_object``
        leaves its incomplete upload in place for that reason; :meth:`remove_incomplete_upload`
        clears it. ``metadata``, ``tags``, the standard headers, ``sse``, ``retention`` and
        ``legal_hold`` are as for
        :meth:`put_object`; with ``sse`` an interrupted upload is not resumed, and a failed one
        is aborted (the server does not tell how an upload is encrypted, so one started
        without the key could otherwise be completed in its place). ``progress`` is as for
        :meth:`put_object`, with the file's size as the total; parts kept from an interrupted
        upload count as done at once.

        What is not a regular file, such as a FIFO (``<(pg_dump ...)``) or a device, and a file
        that reports size 0 yet has content (``/proc``), is read to its end once as a body of
        unknown size, as :meth:`put_object` reads a stream (parts held ``concurrency`` at a
        time, at most 10,000 of them; the total given to ``progress`` is ``None``); it is never
        resumed. A directory raises :class:`~aiominio.InvalidArgument` before any request.
        """
        check_bucket_name(bucket)
        check_progress(progress)
        check_object_key(key)
        path = os.fspath(file_path)
        if content_type is None:
            content_type = mimetypes.guess_type(path)[0] or DEFAULT_CONTENT_TYPE
        headers = upload_headers(
            content_type,
            metadata,
            tags=tags,
            cache_control=cache_control,
            content_disposition=content_disposition,
            content_encoding=content_encoding,
            content_language=content_language,
            expires=expires,
            storage_class=storage_class,
        )
        headers.update(lock_headers(retention, legal_hold))
        conc = check_concurrency(concurrency)
        if part_size is not None:
            planning.check_part_size(part_size)
        checked_sse = check_sse(sse, self.requester.endpoint)
        return await files.upload_file(
            self.requester,
            bucket,
            key,
            path=path,
            headers=headers,
            part_size=part_size,
            concurrency=conc,
            threshold=self.multipart_threshold,
            integrity=self.integrity,
            progress=progress,
            sse=checked_sse,
        )

    async def copy_object(
        self,
        bucket: str,
        key: str,
        source_bucket: str,
        source_key: str,
        *,
        metadata: Mapping[str, str] | None = None,
        content_type: str | None = None,
        tags: Mapping[str, str] | None = None,
        cache_control: str | None = None,
        content_disposition: str | None = None,
        content_encoding: str | None = None,
        content_language: str | None = None,
        expires: datetime | None = None,
        storage_class: str | None = None,
        source_version_id: str | None = None,
        part_size: int | None = None,
        source_if_match: str | None = None,
        source_if_none_match: str | None = None,
        source_if_modified_since: datetime | None = None,
        source_if_unmodified_since: datetime | None = None,
        sse: Sse | None = None,
        source_sse: SseCustomerKey | None = None,
    ) -> CopyResult:
        """Copy an object on the server side (no bytes pass through the client).

        Metadata, content type and standard headers are copied from the source unless
        ``metadata``, ``content_type`` or a standard header (``cache_control``,
        ``content_disposition``, ``content_encoding``, ``content_language``, ``expires``,
        ``storage_class``) is given: then they are all replaced by what is given
        (``x-amz-metadata-directive: REPLACE``), and what is not given is not kept (the content
        type is ``application/octet-stream`` unless given). Tags are copied from the source
        unless ``tags`` is given, which replaces them (``{}`` copies none). Sources larger than
        5 GiB (or than ``part_size``, when given) are copied in parts (UploadPartCopy).
        ``source_version_id`` copies that version of the source; the result's ``version_id`` is
        the new version's.

        The ``source_if_*`` conditions (``x-amz-copy-source-if-*``) copy only if the source
        still has (``source_if_match``) or no longer has (``source_if_none_match``) an ETag, or
        was (not) modified since a datetime; otherwise the server refuses with
        :class:`~aiominio.PreconditionFailed`. A copy in parts sends them with every part, and
        pins every part to the source's ETag.

        ``sse`` encrypts the copy (as for :meth:`put_object`; the source's encryption is not
        carried over); ``source_sse`` is the SSE-C key the source was stored with.
        """
        check_bucket_name(bucket)
        check_object_key(key)
        check_bucket_name(source_bucket)
        check_object_key(source_key)
        check_version_id(source_version_id, "source_version_id")
        conditions = read_conditions(
            if_match=source_if_match,
            if_none_match=source_if_none_match,
            if_modified_since=source_if_modified_since,
            if_unmodified_since=source_if_unmodified_since,
            prefix=COPY_SOURCE_PREFIX,
        )
        if part_size is not None:
            planning.check_part_size(part_size)
        checked_sse = check_sse(sse, self.requester.endpoint)
        checked_source_sse = check_read_sse(source_sse, self.requester.endpoint, "source_sse")
        standard = standard_headers(
            cache_control=cache_control,
            content_disposition=content_disposition,
            content_encoding=content_encoding,
            content_language=content_language,
            expires=expires,
            storage_class=storage_class,
        )
        headers: dict[str, str] = {}
        if metadata is not None or content_type is not None or standard:
            headers = object_headers(content_type or DEFAULT_CONTENT_TYPE, metadata)
            headers.update(standard)
            headers[METADATA_DIRECTIVE] = "REPLACE"
        if tags is not None:
            headers.update(tagging_header(check_tags(tags)))
            headers[TAGGING_DIRECTIVE] = "REPLACE"
        return await copy_object_op(
            self.requester,
            bucket,
            key,
            source_bucket=source_bucket,
            source_key=source_key,
            headers=headers,
            source_version_id=source_version_id,
            part_size=part_size,
            source_conditions=conditions,
            sse=checked_sse,
            source_sse=checked_source_sse,
        )

    async def remove_object(
        self,
        bucket: str,
        key: str,
        *,
        version_id: str | None = None,
        bypass_governance: bool = False,
    ) -> None:
        """Remove an object. Removing a key that does not exist is not an error (S3 semantics).

        In a versioned bucket, removing without ``version_id`` adds a delete marker (the versions
        stay, see :meth:`list_object_versions`); with ``version_id`` that version (or delete
        marker) is removed for good. A version under a ``GOVERNANCE`` retention can be removed
        only with ``bypass_governance=True`` (and the permission for it); one under a
        ``COMPLIANCE`` retention or a legal hold cannot be (``AccessDenied``).
        """
        check_bucket_name(bucket)
        check_object_key(key)
        check_version_id(version_id)
        check_flag("bypass_governance", bypass_governance)
        await objects.remove_object(
            self.requester,
            bucket,
            key,
            version_id=version_id,
            bypass_governance=bypass_governance,
        )

    async def remove_objects(
        self, bucket: str, keys: Iterable[ToDelete] | AsyncIterable[ToDelete]
    ) -> list[DeleteError]:
        """Remove many objects with multi-object deletes of up to 1,000 keys per request.

        Returns the keys the server could not delete, each with its error code and message (an
        empty list when all went). Keys may come from an iterable or an async iterable (such as
        :meth:`list_objects`... ``(o.key async for o in client.list_objects(b, recursive=True))``).
        Each item is a key (its latest version), a ``(key, version_id)`` pair or an
        :class:`~aiominio.ObjectVersion` from :meth:`list_object_versions` (that version or
        delete marker). Each is checked as it comes, so a bad one fails the call after the
        batches before it.
        """
        check_bucket_name(bucket)
        return await objects.remove_objects(self.requester, bucket, keys=keys)

    async def remove_incomplete_upload(self, bucket: str, key: str) -> None:
        """Abort every incomplete multipart upload of ``key`` (its parts are deleted)."""
        check_bucket_name(bucket)
        check_object_key(key)
        await multipart.remove_incomplete_upload(self.requester, bucket, key)


def _checked_read(
    bucket: object,
    key: object,
    version_id: object,
    if_match: str | None,
    if_none_match: str | None,
    if_modified_since: datetime | None,
    if_unmodified_since: datetime | None,
) -> dict[str, str]:
    """Check what every read of an object names (bucket, key, version, conditions); return the
    condition headers."""
    check_bucket_name(bucket)
    check_object_key(key)
    check_version_id(version_id)
    return read_conditions(
        if_match=if_match,
        if_none_match=if_none_match,
        if_modified_since=if_modified_since,
        if_unmodified_since=if_unmodified_since,
    )
