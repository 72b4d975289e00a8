"""The client's compose method: a new object concatenated on the server from ranges of others."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from aiominio.core import planning
from aiominio.core.checksums import check_checksum
from aiominio.core.compose import ComposeSource, check_sources
from aiominio.core.headers import DEFAULT_CONTENT_TYPE, upload_headers
from aiominio.core.sse import Sse, check_read_sse, check_sse
from aiominio.core.validation import check_bucket_name, check_concurrency, check_object_key
from aiominio.methods.base import MethodsBase
from aiominio.models import CopyResult
from aiominio.ops import compose


class ComposeMethods(MethodsBase):
    """Compose an object from ranges of others, on the server (no bytes pass through the
    client)."""

    async def compose_object(
        self,
        bucket: str,
        key: str,
        sources: Sequence[ComposeSource],
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
        part_size: int | None = None,
        concurrency: int | None = None,
        sse: Sse | None = None,
        checksum: str | None = None,
    ) -> CopyResult:
        """Create ``bucket``/``key`` as the concatenation of ``sources``, in order, on the server.

        A multipart upload whose parts are copied from the sources (UploadPartCopy with
        ``x-amz-copy-source-range``), at most ``concurrency`` at once (default 4). Each source
        object is described (HEAD) first; a source longer than ``part_size`` (default 5 GiB,
        the largest part) is copied in several parts of about equal size. Every source but the
        last must give at least 5 MiB (S3's smallest part) and the whole at most 10,000 parts:
        checked before anything is written, lengths given in the sources before any request.

        Every part copy is pinned to its source's ETag as the HEAD saw it, so a source written
        over during the compose fails it with :class:`~aiominio.PreconditionFailed` (on servers
        that check copy conditions) instead of mixing old and new bytes. On any failure or
        cancellation the upload is aborted: no incomplete upload is left behind.

        The new object has the content type, metadata, tags and standard headers
        (``cache_control``, ``content_disposition``, ``content_encoding``, ``content_language``,
        ``expires``, ``storage_class``) given, as with :meth:`put_object`; none are taken from
        the sources (the content type is ``application/octet-stream`` unless given).

        ``sse`` encrypts the new object (:class:`~aiominio.SseCustomerKey`,
        :class:`~aiominio.SseS3` or :class:`~aiominio.SseKms`, as for :meth:`put_object`);
        a source stored with SSE-C names its key in ``ComposeSource(..., sse=key)``. Both SSE-C
        keys need an HTTPS endpoint.

        ``checksum`` (``"CRC32"``, ``"CRC32C"``, ``"CRC64NVME"``, ``"SHA1"``, ``"SHA256"``)
        asks the server to keep that checksum of the new object: each part copy's answer names
        its part's, and the completion lists them (with their combination for a CRC, kept of the
        whole object where the server allows it); the result's ``checksum`` is the one stored,
        checked against the parts'.

        Example::

            await client.compose_object("logs", "all.log", [
                ComposeSource("logs", "part-1.log"),
                ComposeSource("logs", "part-2.log", offset=0, length=8 * 1024 * 1024),
            ])

        Returns:
            The new object's ETag, time, version id and checksum.

        Raises:
            InvalidArgument: no sources or more than 10,000, a bad source (the message names
                its index, ``sources[1]``), a range beyond its object, a piece under 5 MiB
                that is not the last, or an SSE-C key over plain HTTP.
            TypeError: ``sse`` or a source's ``sse`` of the wrong kind.
            NoSuchKey, NoSuchBucket: a source does not exist.
            PreconditionFailed: a source changed during the compose.
        """
        check_bucket_name(bucket)
        check_object_key(key)
        checked = check_sources(sources)
        if part_size is not None:
            planning.check_part_size(part_size)
        workers = check_concurrency(concurrency)
        integrity = None if checksum is None else check_checksum(checksum)
        checked_sse = check_sse(sse, self.requester.endpoint)
        for i, source in enumerate(checked):
            check_read_sse(source.sse, self.requester.endpoint, f"sources[{i}].sse")
        headers = upload_headers(
            DEFAULT_CONTENT_TYPE if content_type is None else content_type,
            metadata,
            tags=tags,
            cache_control=cache_control,
            content_disposition=content_disposition,
            content_encoding=content_encoding,
            content_language=content_language,
            expires=expires,
            storage_class=storage_class,
        )
        return await compose.compose_object(
            self.requester,
            bucket,
            key,
            sources=checked,
            headers=headers,
            part_size=part_size,
            concurrency=workers,
            sse=checked_sse,
            integrity=integrity,
        )
