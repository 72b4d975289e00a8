"""The client's object writes: upload an object from memory, a stream or a file, and copy one on
the server."""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Mapping
from datetime import datetime

from aiominio.core import planning
from aiominio.core.checksums import check_checksum
from aiominio.core.conditions import (
    COPY_SOURCE_PREFIX,
    check_version_id,
    read_conditions,
    write_conditions,
)
from aiominio.core.headers import (
    DEFAULT_CONTENT_TYPE,
    STORAGE_CLASS_HEADER,
    object_headers,
    standard_headers,
)
from aiominio.core.objectlock import Retention
from aiominio.core.options import write_options
from aiominio.core.sse import Sse, SseCustomerKey, check_read_sse, check_sse
from aiominio.core.tagging import TAGGING_DIRECTIVE, check_tags, tagging_header
from aiominio.core.validation import check_bucket_name, check_concurrency, check_object_key
from aiominio.methods.base import MethodsBase
from aiominio.models import CopyResult, PutResult
from aiominio.ops.copy import METADATA_DIRECTIVE
from aiominio.ops.copy import copy_object as copy_object_op
from aiominio.transfer import files, uploads
from aiominio.transfer.jobs import Upload
from aiominio.transfer.sources import Data, Progress, check_progress, make_source


class ObjectWriteMethods(MethodsBase):
    """Put an object from memory or a stream, upload a file (resumable), copy an object on the
    server."""

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
        checksum: str | None = None,
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
            checksum: the checksum algorithm every PUT and part carries, for this upload
                (``"CRC32"``, ``"CRC32C"``, ``"CRC64NVME"``, ``"SHA1"`` or ``"SHA256"``; the
                client's ``integrity`` when not given). The server verifies each and keeps one
                for the object: of its bytes (FULL_OBJECT) for a single PUT and, for a
                multipart upload, with a CRC where the server allows it; else the checksum of
                the parts' checksums (COMPOSITE, always so with SHA1 and SHA256). The result's
                ``checksum`` is the one stored, checked against the one the parts make.

        Conditions travel on the PUT, or on the CompleteMultipartUpload of a multipart upload
        (its parts are uploaded first, then aborted if the condition fails). A request that is
        retried after its answer was lost meets its own write: with ``if_none_match="*"`` it
        then raises PreconditionFailed although the object was stored.
        """
        check_bucket_name(bucket)
        check_object_key(key)
        write = write_options(
            self.requester.endpoint,
            content_type=content_type,
            metadata=metadata,
            tags=tags,
            cache_control=cache_control,
            content_disposition=content_disposition,
            content_encoding=content_encoding,
            content_language=content_language,
            expires=expires,
            storage_class=storage_class,
            retention=retention,
            legal_hold=legal_hold,
            if_match=if_match,
            if_none_match=if_none_match,
            sse=sse,
        )
        check_progress(progress)
        integrity = self.integrity if checksum is None else check_checksum(checksum)
        source = make_source(data, size)
        conc = check_concurrency(concurrency)
        psize = planning.plan_part_size(source.size, part_size)
        job = Upload(
            self.requester,
            bucket,
            key,
            write,
            psize,
            conc,
            self.multipart_threshold,
            integrity,
        )
        return await uploads.put_object(job, source, progress)

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
        checksum: str | None = None,
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
        ``legal_hold``, ``checksum`` are as for
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
        integrity = self.integrity if checksum is None else check_checksum(checksum)
        path = os.fspath(file_path)
        if content_type is None:
            content_type = mimetypes.guess_type(path)[0] or DEFAULT_CONTENT_TYPE
        write = write_options(
            self.requester.endpoint,
            content_type=content_type,
            metadata=metadata,
            tags=tags,
            cache_control=cache_control,
            content_disposition=content_disposition,
            content_encoding=content_encoding,
            content_language=content_language,
            expires=expires,
            storage_class=storage_class,
            retention=retention,
            legal_hold=legal_hold,
            sse=sse,
        )
        conc = check_concurrency(concurrency)
        if part_size is not None:
            planning.check_part_size(part_size)
        job = Upload(
            self.requester,
            bucket,
            key,
            write,
            part_size,
            conc,
            self.multipart_threshold,
            integrity,
        )
        return await files.upload_file(job, path, progress)

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
        if_none_match: str | None = None,
        if_match: str | None = None,
    ) -> CopyResult:
        """Copy an object on the server side (no bytes pass through the client).

        Metadata, content type and standard headers are copied from the source unless
        ``metadata``, ``content_type`` or a standard header (``cache_control``,
        ``content_disposition``, ``content_encoding``, ``content_language``, ``expires``) is
        given: then they are all replaced by what is given (``x-amz-metadata-directive:
        REPLACE``), and what is not given is not kept (the content type is
        ``application/octet-stream`` unless given). ``storage_class`` is not metadata: given
        alone, it changes the copy's storage class and the rest is copied. Tags are copied from
        the source unless ``tags`` is given, which replaces them (``{}`` copies none). Sources
        larger than 5 GiB (or than ``part_size``, when given) are copied in parts
        (UploadPartCopy).
        ``source_version_id`` copies that version of the source; the result's ``version_id`` is
        the new version's.

        The ``source_if_*`` conditions (``x-amz-copy-source-if-*``) copy only if the source
        still has (``source_if_match``) or no longer has (``source_if_none_match``) an ETag, or
        was (not) modified since a datetime; otherwise the server refuses with
        :class:`~aiominio.PreconditionFailed`. A copy in parts sends them with every part, and
        pins every part to the source's ETag.

        ``sse`` encrypts the copy (as for :meth:`put_object`; the source's encryption is not
        carried over); ``source_sse`` is the SSE-C key the source was stored with.

        ``if_none_match="*"`` and ``if_match=etag`` are conditions on the destination, as for
        :meth:`put_object`: copy only if ``key`` is free, or only while it still has that ETag,
        else :class:`~aiominio.PreconditionFailed` (where the server supports them). A copy in
        parts sends them with its completion: the parts are copied first, then aborted. As for
        :meth:`put_object`, a copy retried after its answer was lost meets its own write: with
        ``if_none_match="*"`` it then raises PreconditionFailed although the copy was made.
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
        target = write_conditions(if_match=if_match, if_none_match=if_none_match)
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
        storage = {n: v for n, v in standard.items() if n.lower() == STORAGE_CLASS_HEADER}
        replaced = {n: v for n, v in standard.items() if n not in storage}
        if metadata is not None or content_type is not None or replaced:
            headers = object_headers(content_type or DEFAULT_CONTENT_TYPE, metadata)
            headers.update(replaced)
            headers[METADATA_DIRECTIVE] = "REPLACE"
        headers.update(storage)
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
            conditions=target,
        )
