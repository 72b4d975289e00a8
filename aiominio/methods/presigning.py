"""The client's presigning methods: URLs and browser POST policies."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from aiominio import presign
from aiominio.core.conditions import check_version_id
from aiominio.core.headers import standard_headers
from aiominio.core.sse import Sse, SseCustomerKey, check_read_sse, check_sse, write_headers
from aiominio.core.validation import check_bucket_name, check_object_key
from aiominio.errors import InvalidArgument
from aiominio.methods.base import MethodsBase
from aiominio.ops import presigning
from aiominio.presign import PostPolicy


class PresignMethods(MethodsBase):
    """Presigned URLs and POST policies, signed with the client's keys (nothing is sent, but to
    ask a bucket's region once when the client has none)."""

    async def presigned_url(
        self,
        method: str,
        bucket: str,
        key: str | None = None,
        expires: int | timedelta = presign.DEFAULT_EXPIRY,
        *,
        query: Mapping[str, str] | None = None,
        request_date: datetime | None = None,
    ) -> str:
        """A presigned URL for any method on a bucket or object (no request is sent, except to
        discover the bucket's region once when the client has none).

        ``query`` adds signed query parameters (``versionId``, ``response-content-type``, ...),
        but none of the ``X-Amz-*`` ones the signer sets (refused, in any case, with
        :class:`~aiominio.InvalidArgument`).
        """
        if method not in presign.PRESIGN_METHODS:
            raise InvalidArgument(f"unsupported method for a presigned URL: {method!r}")
        check_bucket_name(bucket)
        if key is not None:
            check_object_key(key)
        presign.expiry_seconds(expires)
        presign.check_presign_query(query)  # a bad query fails before any region lookup is sent
        return await presigning.presigned_url(
            self.requester,
            bucket,
            key,
            method=method,
            expiry=expires,
            query=query,
            request_date=request_date,
        )

    async def presigned_get_object(
        self,
        bucket: str,
        key: str,
        expires: int | timedelta = presign.DEFAULT_EXPIRY,
        *,
        response_headers: Mapping[str, str] | None = None,
        request_date: datetime | None = None,
        version_id: str | None = None,
        sse: SseCustomerKey | None = None,
    ) -> str:
        """A URL anyone can GET the object with until it expires (1 second to 7 days).

        ``response_headers`` overrides headers of the answer, as signed query parameters:
        ``{"response-content-disposition": "attachment; filename=a.txt"}``, ...

        ``sse``, the SSE-C key of an object stored with one, is signed as headers, never put in
        the URL: whoever uses the URL must send them (``sse.headers()``), over HTTPS.
        """
        check_bucket_name(bucket)
        check_object_key(key)
        check_version_id(version_id)
        query = presign.response_header_query(response_headers)
        if version_id:
            query["versionId"] = version_id
        key_sse = check_read_sse(sse, self.requester.endpoint)
        presign.expiry_seconds(expires)
        return await presigning.presigned_url(
            self.requester,
            bucket,
            key,
            method="GET",
            expiry=expires,
            query=query,
            request_date=request_date,
            headers=write_headers(key_sse),
        )

    async def presigned_put_object(
        self,
        bucket: str,
        key: str,
        expires: int | timedelta = presign.DEFAULT_EXPIRY,
        *,
        request_date: datetime | None = None,
        cache_control: str | None = None,
        content_disposition: str | None = None,
        content_encoding: str | None = None,
        content_language: str | None = None,
        expires_header: datetime | None = None,
        storage_class: str | None = None,
        sse: Sse | None = None,
    ) -> str:
        """A URL anyone can PUT the object's body to until it expires (1 second to 7 days).

        The standard headers given are signed into the URL as headers (``X-Amz-SignedHeaders``),
        not as query parameters: S3 reads ``Cache-Control`` and the like of an upload only from
        its headers. The uploader must send each with exactly the value given, or the server
        refuses the signature (a server that checks signatures does): ``Cache-Control``,
        ``Content-Disposition``, ``Content-Encoding``, ``Content-Language``, ``Expires`` (the
        HTTP date of ``expires_header``, as ``email.utils.format_datetime(when, usegmt=True)``
        writes it) and ``x-amz-storage-class``. ``expires_header`` is named so because
        ``expires`` is the URL's own lifetime. ``sse`` is signed the same way: the uploader
        sends ``sse.headers()`` (an SSE-C key over HTTPS only; it is never put in the URL).
        """
        check_bucket_name(bucket)
        check_object_key(key)
        headers = standard_headers(
            cache_control=cache_control,
            content_disposition=content_disposition,
            content_encoding=content_encoding,
            content_language=content_language,
            expires=expires_header,
            storage_class=storage_class,
        )
        headers.update(write_headers(check_sse(sse, self.requester.endpoint)))
        presign.expiry_seconds(expires)
        return await presigning.presigned_url(
            self.requester,
            bucket,
            key,
            method="PUT",
            expiry=expires,
            request_date=request_date,
            headers=headers,
        )

    def new_post_policy(self) -> PostPolicy:
        """A new, empty :class:`~aiominio.presign.PostPolicy`."""
        return PostPolicy()

    async def presigned_post_policy(
        self, policy: PostPolicy, *, request_date: datetime | None = None
    ) -> tuple[str, dict[str, str]]:
        """Sign a POST policy for a browser upload: returns ``(url, form_data)``.

        Send ``form_data`` as the fields of a ``multipart/form-data`` POST to ``url``, with the
        file last, in a field named ``file``.

        Raises:
            InvalidArgument: the policy has no bucket, no key rule or no expiry.
        """
        if not isinstance(policy, PostPolicy):
            raise TypeError("policy must be a PostPolicy (see new_post_policy())")
        policy.check()
        return await presigning.presigned_post_policy(
            self.requester, policy=policy, request_date=request_date
        )
