"""The client's low-level multipart calls, as minio-js has them: start an upload, send its parts
(or presign a URL for each, for a browser), list them, complete or abort it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from datetime import datetime, timedelta

from aiominio import presign
from aiominio.core.checksums import Integrity, check_checksum
from aiominio.core.conditions import write_conditions
from aiominio.core.endpoint import Endpoint
from aiominio.core.headers import DEFAULT_CONTENT_TYPE
from aiominio.core.objectlock import Retention
from aiominio.core.options import write_options
from aiominio.core.parts import (
    PartRef,
    check_part_data,
    check_part_number,
    check_upload_id,
    completion_parts,
)
from aiominio.core.sse import Sse, SseCustomerKey, check_sse, write_headers
from aiominio.core.validation import (
    MAX_KEYS,
    check_bucket_name,
    check_object_key,
    check_page_size,
)
from aiominio.errors import InvalidArgument
from aiominio.methods.base import MethodsBase
from aiominio.models import Part, PutResult
from aiominio.ops import listing, presigning
from aiominio.transfer import multipart
from aiominio.transfer.multipart import MultipartUpload


def _customer_key(sse: object, endpoint: Endpoint) -> SseCustomerKey | None:
    """The SSE-C key that goes with a part or a completion; SSE-S3 and SSE-KMS are asked for
    once, when the upload is started."""
    checked = check_sse(sse, endpoint)
    if checked is not None and not isinstance(checked, SseCustomerKey):
        raise InvalidArgument(
            f"sse: the parts of an upload carry only an SseCustomerKey; {type(checked).__name__} "
            "is asked for once, by initiate_new_multipart_upload"
        )
    return checked


class MultipartMethods(MethodsBase):
    """Multipart uploads step by step: for parts that come from elsewhere (a browser uploading
    to presigned URLs, workers on other machines), or an upload spread over time. ``put_object``
    and ``fput_object`` run the whole of it for data this process has."""

    async def initiate_new_multipart_upload(
        self,
        bucket: str,
        key: str,
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
        sse: Sse | None = None,
        retention: Retention | None = None,
        legal_hold: bool | None = None,
        checksum: str | None = None,
    ) -> str:
        """Start a multipart upload (CreateMultipartUpload) and return its upload id.

        The parts go up with :meth:`upload_part` or to the URLs of
        :meth:`presigned_upload_part_url`, in any order and from anywhere; then
        :meth:`complete_multipart_upload` makes them the object, or
        :meth:`abort_multipart_upload` deletes them. An upload neither completed nor aborted
        keeps its parts (and their storage) on the server: :meth:`list_incomplete_uploads` finds
        it.

        Without ``checksum`` the upload is created with no checksum algorithm, so that parts
        from any uploader (a browser's ``fetch()``, which sends none) can join it, and
        :meth:`upload_part` sends ``Content-MD5`` with each of its parts (S3 refuses a
        checksum header on a part of an upload created without one). With ``checksum``
        (``"CRC32"``, ``"CRC32C"``, ``"CRC64NVME"``, ``"SHA1"``, ``"SHA256"``) the server keeps
        that checksum of every part and of the object (of the parts' checksums, except for
        CRC64NVME, which is of the whole object): give the same ``checksum`` to every
        :meth:`upload_part`, and complete with the :class:`~aiominio.Part` values it returns
        (they carry the parts' checksums, which the completion must name).

        Args:
            bucket: the bucket.
            key: the object key (1 to 1,024 bytes of UTF-8).
            content_type: the Content-Type to store.
            metadata: user metadata (stored as ``x-amz-meta-*``), as for :meth:`put_object`.
            tags: tags to store with the object (at most 10).
            cache_control: the ``Cache-Control`` to store with the object.
            content_disposition: the ``Content-Disposition`` to store.
            content_encoding: the ``Content-Encoding`` to store.
            content_language: the ``Content-Language`` to store.
            expires: the ``Expires`` to store (a timezone-aware datetime).
            storage_class: the storage class (any token the server knows).
            sse: server-side encryption: :class:`~aiominio.SseS3` or :class:`~aiominio.SseKms`
                (asked for here, once), or :class:`~aiominio.SseCustomerKey` (SSE-C, over HTTPS
                only: give the same key to every :meth:`upload_part`,
                :meth:`presigned_upload_part_url` and :meth:`complete_multipart_upload`).
            retention: the new version's :class:`~aiominio.Retention` (object lock).
            legal_hold: ``True`` puts a legal hold on the new version.

        Cancelled while the request is in flight, it waits for the answer and aborts the upload
        the server started, so none is left behind that no one knows the id of.
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
            sse=sse,
        )
        integrity = None if checksum is None else check_checksum(checksum)
        req = self.requester
        with req.operation():  # one deadline for the creation and the clean-up after it
            upload = await multipart.create_multipart(
                req, bucket, key, write=write, integrity=integrity, full_object=False
            )
            # A creation retried after its answer was lost may have started uploads of its
            # own: only this one's id is handed out, so those are aborted now.
            await multipart.clean_strays(req, upload)
        return upload.upload_id

    async def upload_part(
        self,
        bucket: str,
        key: str,
        upload_id: str,
        part_number: int,
        data: bytes | bytearray | memoryview,
        *,
        sse: SseCustomerKey | None = None,
        checksum: str | None = None,
    ) -> Part:
        """Upload one part of a multipart upload (UploadPart) and return it, for
        :meth:`complete_multipart_upload`.

        The part carries ``Content-MD5``, or with ``checksum`` that checksum (the one the upload
        was created with, see :meth:`initiate_new_multipart_upload`): the server refuses a body
        that does not match it (``BadDigest``), and the answer is checked against it. Uploading
        a part number again replaces that part. Every part but the last must hold at least
        5 MiB; the server says so only when the upload is completed (``EntityTooSmall``).

        Args:
            bucket: the bucket.
            key: the object key the upload was started for.
            upload_id: the id :meth:`initiate_new_multipart_upload` returned.
            part_number: 1 to 10,000; the object is the parts in the order of their numbers.
            data: the part's bytes (at most 5 GiB); a ``bytearray`` or ``memoryview`` is sent
                without a copy, so leave it unchanged until this returns.
            sse: the SSE-C key the upload was started with, if any.
            checksum: the upload's checksum algorithm, if it was created with one.

        Returns:
            The :class:`~aiominio.Part`: its number, ETag, size and, with ``checksum``, that
            checksum of it.
        """
        check_bucket_name(bucket)
        check_object_key(key)
        check_upload_id(upload_id)
        check_part_number(part_number)
        body = check_part_data(data)
        integrity: Integrity = "md5" if checksum is None else check_checksum(checksum)
        upload = MultipartUpload(
            bucket, key, upload_id, customer_key=_customer_key(sse, self.requester.endpoint)
        )
        return await multipart.upload_part(
            self.requester, upload, number=part_number, data=body, integrity=integrity
        )

    async def complete_multipart_upload(
        self,
        bucket: str,
        key: str,
        upload_id: str,
        parts: Iterable[PartRef],
        *,
        if_none_match: str | None = None,
        if_match: str | None = None,
        sse: SseCustomerKey | None = None,
    ) -> PutResult:
        """Make the parts the object (CompleteMultipartUpload); the upload then ends.

        ``parts`` are :class:`~aiominio.Part` values (from :meth:`upload_part` or
        :meth:`list_parts`) or ``(part_number, etag)`` pairs, such as a browser read off each
        PUT's ``ETag`` header (quoted or not). They are sorted by number; a number given twice,
        out of 1 to 10,000, or no parts at all is refused before any request. Parts uploaded but
        not named are dropped by the server.

        ``if_none_match="*"`` completes only if the key is still free, ``if_match=etag`` only
        while the object there has that ETag (else :class:`~aiominio.PreconditionFailed`, where
        the server supports it; the upload stays). ``sse`` is the SSE-C key the upload was
        started with, if any.

        A completion retried after its answer was lost finds the upload gone; the object is then
        recognised by the ETag these parts make, and its result returned.

        Raises:
            InvalidPart: a part is not on the server, or its ETag is not the one given.
            EntityTooSmall: a part but the last holds less than 5 MiB.
            NoSuchUpload: there is no such upload (completed or aborted already, or never
                started).
        """
        check_bucket_name(bucket)
        check_object_key(key)
        check_upload_id(upload_id)
        checked = completion_parts(parts)
        upload = MultipartUpload(
            bucket,
            key,
            upload_id,
            conditions=write_conditions(if_match=if_match, if_none_match=if_none_match),
            customer_key=_customer_key(sse, self.requester.endpoint),
        )
        with self.requester.operation():  # the completion, and a HEAD if its answer needs one
            return await multipart.complete_multipart(self.requester, upload, checked)

    async def abort_multipart_upload(self, bucket: str, key: str, upload_id: str) -> None:
        """Abort a multipart upload (AbortMultipartUpload): its parts are deleted and its id is
        no longer valid. An upload that is gone already (aborted, completed) is not an error, so
        an abort retried after its answer was lost succeeds; :meth:`remove_incomplete_upload`
        aborts every upload of a key."""
        check_bucket_name(bucket)
        check_object_key(key)
        check_upload_id(upload_id)
        await multipart.abort_multipart(self.requester, bucket, key, upload_id=upload_id)

    def list_parts(
        self,
        bucket: str,
        key: str,
        upload_id: str,
        *,
        page_size: int = MAX_KEYS,
    ) -> AsyncIterator[Part]:
        """List the parts of a multipart upload lazily (ListParts), in the order of their
        numbers, paging with part-number markers.

        Each :class:`~aiominio.Part` has its number, ETag, size, last modification time and,
        where the server lists it, its CRC32. A page with more parts than asked for, or one
        that does not advance the marker, is refused (:class:`~aiominio.InvalidResponseError`).

        Args:
            bucket: the bucket.
            key: the object key the upload was started for.
            upload_id: the upload.
            page_size: parts per request (1 to 1,000).

        Example::

            parts = [p async for p in client.list_parts("b", "k", upload_id)]
            await client.complete_multipart_upload("b", "k", upload_id, parts)
        """
        check_bucket_name(bucket)
        check_object_key(key)
        check_upload_id(upload_id)
        check_page_size(page_size)
        return listing.iter_parts(
            self.requester, bucket, key, upload_id=upload_id, page_size=page_size
        )

    async def presigned_upload_part_url(
        self,
        bucket: str,
        key: str,
        upload_id: str,
        part_number: int,
        expires: int | timedelta = presign.DEFAULT_EXPIRY,
        *,
        request_date: datetime | None = None,
        sse: SseCustomerKey | None = None,
    ) -> str:
        """A URL anyone can PUT one part's body to until it expires (1 second to 7 days), as
        :meth:`presigned_put_object` does for a whole object.

        The uploader reads the part's ETag off the answer's ``ETag`` header and hands it back
        for :meth:`complete_multipart_upload` (a browser on another origin can read it only if
        the server's CORS rules expose ``ETag``: see :meth:`set_bucket_cors`). ``sse``, the
        SSE-C key the upload was started with, is signed as headers, never put in the URL: the
        uploader sends ``sse.headers()`` with the part, over HTTPS.
        """
        check_bucket_name(bucket)
        check_object_key(key)
        check_upload_id(upload_id)
        check_part_number(part_number)
        key_sse = _customer_key(sse, self.requester.endpoint)
        presign.expiry_seconds(expires)
        return await presigning.presigned_url(
            self.requester,
            bucket,
            key,
            method="PUT",
            expiry=expires,
            query={"partNumber": str(part_number), "uploadId": upload_id},
            request_date=request_date,
            headers=write_headers(key_sse),
        )
