"""The asyncio S3 client."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import hashlib
import json
import mimetypes
import os
import platform
import ssl
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from types import TracebackType
from typing import Any

import aiohttp

from aiominio import __version__, presign
from aiominio.core import signing, xml
from aiominio.core.endpoint import AddressingStyle, Endpoint, build_target, parse_endpoint
from aiominio.core.planning import (
    check_int,
    check_part_size,
    check_range,
    plan_part_size,
)
from aiominio.core.retry import RetryPolicy
from aiominio.core.validation import check_bucket_name, check_object_key, check_region
from aiominio.credentials import (
    Credentials,
    CredentialsProvider,
    StaticProvider,
    default_chain,
)
from aiominio.errors import (
    ClientClosedError,
    InvalidArgument,
    InvalidResponseError,
    NoSuchBucket,
    NoSuchBucketPolicy,
    NoSuchKey,
    NoSuchUpload,
    S3Error,
    TransportError,
)
from aiominio.files import download_file, upload_file
from aiominio.models import (
    Bucket,
    CopyResult,
    DeleteError,
    ObjectInfo,
    ObjectStat,
    Part,
    PutResult,
    Upload,
)
from aiominio.notification import NotificationConfig
from aiominio.policy import Policy, apply_policy, derive_policy
from aiominio.policy import dump_document as dump_policy
from aiominio.policy import parse_document as parse_policy
from aiominio.presign import PostPolicy
from aiominio.transfer import (
    Data,
    IncompleteBody,
    Integrity,
    MultipartPlan,
    ObjectReader,
    Progress,
    copy_object,
    make_source,
    put_single,
    run_multipart,
    stat_from_headers,
)
from aiominio.transport import Body, Response, StreamingResponse, Timeouts, Transport

DEFAULT_REGION = "us-east-1"
DEFAULT_CONCURRENCY = 4
_USER_AGENT = f"aiominio/{__version__} (Python {platform.python_version()})"


class Client:
    """An asyncio client for Amazon S3 and S3-compatible servers (MinIO, SeaweedFS, Ceph, ...).

    Use it as an async context manager, or call :meth:`close` when done::

        async with Client("localhost:9000", access_key="...", secret_key="...", secure=False) as c:
            await c.make_bucket("photos")

    Args:
        endpoint: a URL (``https://s3.amazonaws.com``), host name, IPv4 or IPv6 address, with or
            without a port.
        access_key: the access key; with ``secret_key``, static credentials. With no keys and
            no ``credentials``, the default chain is used (environment, AWS shared files, web
            identity; anonymous when none has credentials).
        secret_key: the secret key. Never shown in any repr, log or exception.
        session_token: a session token for temporary credentials.
        secure: use HTTPS (the default) or plain HTTP.
        port: the TCP port, when not in ``endpoint`` (default 443/80).
        region: the region to sign for. When not given, each bucket's region is discovered
            (GetBucketLocation) and cached; requests without a bucket use us-east-1.
        session: an ``aiohttp.ClientSession`` to use; it is not closed by this client.
        credentials: a credentials provider, instead of the keys (see :mod:`aiominio.credentials`).
        max_connections: the size of the connection pool.
        timeouts: connect/read/total timeouts (see :class:`~aiominio.transport.Timeouts`).
        addressing_style: ``"auto"`` (virtual-host style on AWS, path style elsewhere),
            ``"path"`` or ``"virtual"``.
        ssl_context: an ``ssl.SSLContext`` to verify the server with, or a path to a CA bundle;
            ``False`` turns verification off (not recommended).
        multipart_threshold: bodies larger than this are uploaded in parts (default 5 MiB).
        retry: the retry policy (default: 5 attempts, exponential backoff with full jitter).
        integrity: how uploads are verified: ``"crc32"`` (default; ``x-amz-checksum-crc32``,
            checked by S3, MinIO and SeaweedFS) or ``"md5"`` (``Content-MD5``, for servers that
            predate the checksum headers; five times the CPU).
    """

    def __init__(
        self,
        endpoint: str,
        *,
        access_key: str | None = None,
        secret_key: str | None = None,
        session_token: str | None = None,
        secure: bool | None = None,
        port: int | None = None,
        region: str | None = None,
        session: aiohttp.ClientSession | None = None,
        credentials: CredentialsProvider | None = None,
        max_connections: int = 64,
        timeouts: Timeouts | None = None,
        addressing_style: AddressingStyle = "auto",
        ssl_context: ssl.SSLContext | str | bool | None = None,
        multipart_threshold: int = 5 * 1024 * 1024,
        retry: RetryPolicy | None = None,
        integrity: Integrity = "crc32",
    ) -> None:
        self._endpoint: Endpoint = parse_endpoint(endpoint, secure=secure, port=port)
        if region is not None:
            check_region(region)
        self._region = region or self._endpoint.region
        if (access_key is None) != (secret_key is None):
            raise InvalidArgument("give both access_key and secret_key, or neither")
        if credentials is not None and access_key is not None:
            raise InvalidArgument("give either credentials or access_key/secret_key, not both")
        if credentials is None:
            if access_key is not None and secret_key is not None:
                credentials = StaticProvider(Credentials(access_key, secret_key, session_token))
            elif session_token is not None:
                raise InvalidArgument("session_token needs access_key and secret_key")
            else:
                # No keys given: the environment, the AWS shared files, web identity; else
                # anonymous. Pass credentials=StaticProvider(None) to force anonymous access.
                credentials = default_chain()
        elif not isinstance(credentials, CredentialsProvider):
            raise TypeError("credentials must be a provider (see aiominio.credentials)")
        self._credentials: CredentialsProvider = credentials
        if addressing_style not in ("auto", "path", "virtual"):
            raise InvalidArgument(
                f"addressing_style must be auto, path or virtual: {addressing_style!r}"
            )
        self._style: AddressingStyle = addressing_style
        if isinstance(max_connections, bool) or not isinstance(max_connections, int):
            raise TypeError("max_connections must be an int")
        if max_connections < 1:
            raise InvalidArgument("max_connections must be at least 1")
        if isinstance(ssl_context, str):
            ssl_context = ssl.create_default_context(cafile=ssl_context)
        elif ssl_context is None and not self._endpoint.secure:
            ssl_context = False  # plain HTTP: no TLS context to build (tens of ms of CPU)
        self._transport = Transport(
            session=session,
            max_connections=max_connections,
            timeouts=timeouts,
            ssl_context=ssl_context,
        )
        self._bucket_regions: dict[str, str] = {}
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise TypeError("retry must be a RetryPolicy")
        self._retry = retry or RetryPolicy()
        self._call_timeouts: Timeouts | None = None
        self._stray_checks: dict[str, datetime] = {}
        self._retries = 0
        check_int("multipart_threshold", multipart_threshold, minimum=0)
        if multipart_threshold > 5 * 1024**3:
            raise InvalidArgument("multipart_threshold must be at most 5 GiB (the largest PUT)")
        self._multipart_threshold = multipart_threshold
        if integrity not in ("crc32", "md5"):
            raise InvalidArgument(f"integrity must be 'crc32' or 'md5', not {integrity!r}")
        self._integrity: Integrity = integrity

    def __repr__(self) -> str:
        ep = self._endpoint
        return f"Client(endpoint={ep.scheme}://{ep.netloc()!s}, region={self._region!r})"

    def with_options(
        self, *, timeouts: Timeouts | None = None, retry: RetryPolicy | None = None
    ) -> Client:
        """A view of this client with other timeouts or retry policy, for some calls::

            fast = client.with_options(timeouts=Timeouts(total=5), retry=RetryPolicy(2))
            await fast.stat_object("b", "k")

        The view shares this client's connection pool and credentials; closing either closes
        both, so close the original.
        """
        clone = copy.copy(self)
        if timeouts is not None:
            if not isinstance(timeouts, Timeouts):
                raise TypeError("timeouts must be a Timeouts")
            clone._call_timeouts = timeouts
        if retry is not None:
            if not isinstance(retry, RetryPolicy):
                raise TypeError("retry must be a RetryPolicy")
            clone._retry = retry
        return clone

    @property
    def retries(self) -> int:
        """How many requests this client retried so far."""
        return self._retries

    @property
    def endpoint(self) -> Endpoint:
        """The parsed endpoint."""
        return self._endpoint

    # -- lifecycle -----------------------------------------------------------------------------

    async def __aenter__(self) -> Client:
        if self._transport.closed:
            raise ClientClosedError("this client is closed; create a new one")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the connection pool. A session passed in by the caller stays open."""
        await self._transport.close()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._transport.closed

    # -- plumbing ------------------------------------------------------------------------------

    async def _region_for(self, bucket: str | None) -> str:
        if self._region:
            return self._region
        if bucket is None:
            return DEFAULT_REGION
        cached = self._bucket_regions.get(bucket)
        if cached:
            return cached
        try:
            resp = await self._execute(
                "GET", bucket, None, (("location", ""),), region=DEFAULT_REGION
            )
        except NoSuchBucket:
            raise
        except S3Error as exc:
            if exc.status in (400, 403, 501):
                # Anonymous users and some servers may not ask for the location; the default
                # region is the best guess, and a server that names the right one in its
                # wrong-region error gets asked again (see _learn_region).
                return exc.region or DEFAULT_REGION
            raise
        region = xml.parse_location(resp.body)
        self._bucket_regions[bucket] = region
        return region

    async def _prepare(
        self,
        method: str,
        bucket: str | None,
        key: str | None,
        query: tuple[tuple[str, str], ...],
        headers: Mapping[str, str] | None,
        body: Body,
        payload_hash: str | None,
        region: str | None,
    ) -> tuple[str, dict[str, str]]:
        if region is None:
            region = await self._region_for(bucket)
        target = build_target(self._endpoint, bucket, key, query, style=self._style, region=region)
        all_headers = {"Host": target.host, "User-Agent": _USER_AGENT}
        if headers:
            all_headers.update(headers)
        if payload_hash is None:
            if body is None:
                payload_hash = signing.EMPTY_SHA256
            elif isinstance(body, (bytes, bytearray, memoryview)):
                payload_hash = hashlib.sha256(body).hexdigest()
            else:
                payload_hash = signing.UNSIGNED_PAYLOAD
        await self._sign(method, target.path, query, all_headers, payload_hash, region)
        return target.url, all_headers

    async def _execute(
        self,
        method: str,
        bucket: str | None,
        key: str | None = None,
        query: tuple[tuple[str, str], ...] = (),
        *,
        headers: Mapping[str, str] | None = None,
        body: Body = None,
        payload_hash: str | None = None,
        region: str | None = None,
        error_document: bool = False,
        retried: list[BaseException] | None = None,
    ) -> Response:
        """Sign and send one request, retrying transient failures; raise the server's error,
        return the whole answer.

        Every attempt is signed afresh. ``error_document`` treats a 200 whose body is an
        ``<Error>`` as that error (CompleteMultipartUpload, CopyObject). The failures that were
        retried are appended to ``retried`` when given.
        """
        if body is not None and not isinstance(body, (bytes, bytearray, memoryview)):
            raise TypeError("request bodies are buffered bytes, so that they can be retried")
        attempt = 1
        corrected = False
        while True:
            try:
                url, all_headers = await self._prepare(
                    method, bucket, key, query, headers, body, payload_hash, region
                )
                resp = await self._transport.request(
                    method, url, all_headers, body, timeouts=self._call_timeouts
                )
                if resp.status >= 300:
                    raise xml.parse_error(
                        resp.status,
                        resp.headers,
                        resp.body,
                        bucket=bucket,
                        key=key,
                        head=method == "HEAD",
                    )
                if error_document:
                    xml.raise_if_error_document(
                        resp.body, status=resp.status, bucket=bucket, key=key
                    )
                return resp
            except Exception as exc:
                if self._learn_region(exc, bucket, region, corrected):
                    corrected = True
                    continue  # signed for the wrong region: once more, for the right one
                if attempt >= self._retry.max_attempts or not self._retry.retryable(exc):
                    raise
                if retried is not None:
                    retried.append(exc)
                self._retries += 1
                await asyncio.sleep(self._retry.delay(attempt))
                attempt += 1

    def _learn_region(
        self, exc: Exception, bucket: str | None, forced: str | None, corrected: bool
    ) -> bool:
        """Whether ``exc`` names the bucket's region (AuthorizationHeaderMalformed,
        PermanentRedirect, ...) and the region was guessed: then it is cached for next time."""
        if corrected or forced or self._region or bucket is None:
            return False
        if not isinstance(exc, S3Error) or not exc.region:
            return False
        if exc.region == self._bucket_regions.get(bucket, DEFAULT_REGION):
            return False
        try:
            check_region(exc.region)
        except ValueError:
            return False
        self._bucket_regions[bucket] = exc.region
        return True

    async def _open(
        self,
        method: str,
        bucket: str,
        key: str,
        query: tuple[tuple[str, str], ...] = (),
        *,
        headers: Mapping[str, str] | None = None,
    ) -> StreamingResponse:
        """Like :meth:`_execute`, but return once the headers arrived; the caller releases."""
        attempt = 1
        while True:
            try:
                return await self._open_once(method, bucket, key, query, headers)
            except Exception as exc:
                if attempt >= self._retry.max_attempts or not self._retry.retryable(exc):
                    raise
                self._retries += 1
                await asyncio.sleep(self._retry.delay(attempt))
                attempt += 1

    async def _open_once(
        self,
        method: str,
        bucket: str,
        key: str,
        query: tuple[tuple[str, str], ...],
        headers: Mapping[str, str] | None,
    ) -> StreamingResponse:
        url, all_headers = await self._prepare(
            method, bucket, key, query, headers, None, None, None
        )
        resp = await self._transport.stream(method, url, all_headers, timeouts=self._call_timeouts)
        if resp.status >= 300:
            try:
                body = await resp.read_all()
            finally:
                resp.release()
            raise xml.parse_error(resp.status, resp.headers, body, bucket=bucket, key=key)
        return resp

    async def _sign(
        self,
        method: str,
        path: str,
        query: tuple[tuple[str, str], ...],
        headers: dict[str, str],
        payload_hash: str,
        region: str,
    ) -> None:
        creds = await self._credentials.retrieve()
        if creds is None:
            return
        now = datetime.now(timezone.utc)
        headers["x-amz-date"] = signing.amz_date(now)
        headers["x-amz-content-sha256"] = payload_hash
        if creds.session_token:
            headers["x-amz-security-token"] = creds.session_token
        signed = signing.sign_headers(
            method=method,
            path=path,
            query=query,
            headers=[(k, v) for k, v in headers.items() if k != "User-Agent"],
            payload_hash=payload_hash,
            access_key=creds.access_key,
            secret_key=creds.secret_key,
            region=region,
            now=now,
        )
        headers["Authorization"] = signed.authorization

    # -- buckets -------------------------------------------------------------------------------

    async def make_bucket(self, bucket: str, region: str | None = None) -> None:
        """Create a bucket.

        Args:
            bucket: the name, checked against the S3 naming rules before any request.
            region: where to create it; defaults to the client's region, else us-east-1.
                A region other than us-east-1 is sent as the LocationConstraint.

        Raises:
            InvalidArgument: the name or region is invalid, or contradicts the client's region.
            BucketAlreadyOwnedByYou: you already have this bucket.
            BucketAlreadyExists: someone else has a bucket of this name.
        """
        check_bucket_name(bucket)
        if region is not None:
            check_region(region)
            if self._region and region != self._region:
                raise InvalidArgument(
                    f"region {region!r} differs from the client's region {self._region!r}"
                )
        region = region or self._region or DEFAULT_REGION
        body = None if region == DEFAULT_REGION else xml.build_create_bucket(region)
        await self._execute("PUT", bucket, body=body, region=region)
        self._bucket_regions[bucket] = region

    async def list_buckets(self) -> list[Bucket]:
        """List the buckets the credentials own, with their creation dates."""
        resp = await self._execute("GET", None, region=self._region or DEFAULT_REGION)
        return xml.parse_list_buckets(resp.body)

    async def bucket_exists(self, bucket: str) -> bool:
        """Whether the bucket exists (and is visible to these credentials).

        Raises:
            AccessDenied: the bucket exists but these credentials may not see it.
        """
        check_bucket_name(bucket)
        try:
            await self._execute("HEAD", bucket)
        except NoSuchBucket:
            self._bucket_regions.pop(bucket, None)
            return False
        return True

    async def remove_bucket(self, bucket: str) -> None:
        """Remove an (empty) bucket.

        Raises:
            NoSuchBucket: there is no such bucket.
            BucketNotEmpty: it still holds objects (servers that check).
        """
        check_bucket_name(bucket)
        await self._execute("DELETE", bucket)
        self._bucket_regions.pop(bucket, None)

    # -- listings ------------------------------------------------------------------------------

    def list_objects(
        self,
        bucket: str,
        prefix: str = "",
        recursive: bool = False,
        *,
        marker: str | None = None,
        page_size: int = 1000,
    ) -> AsyncIterator[ObjectInfo]:
        """List objects lazily (ListObjects v1), paging with markers.

        Non-recursive listings (delimiter ``/``) also yield the common prefixes, in key order with
        the objects, as entries with ``is_dir=True`` whose key is the prefix. Keys come back
        exactly as stored (the listing is requested URL-encoded and decoded).

        Args:
            bucket: the bucket.
            prefix: only keys starting with this.
            recursive: list everything under ``prefix`` instead of one level.
            marker: start after this key.
            page_size: keys per request (1 to 1,000).

        Example::

            async for obj in client.list_objects("photos", "2024/", recursive=True):
                print(obj.key, obj.size)
        """
        _check_listing(bucket, prefix, page_size)
        return self._list_objects(bucket, prefix, recursive, marker, page_size, v2=False)

    def list_objects_v2(
        self,
        bucket: str,
        prefix: str = "",
        recursive: bool = False,
        *,
        start_after: str | None = None,
        page_size: int = 1000,
    ) -> AsyncIterator[ObjectInfo]:
        """List objects lazily (ListObjects v2), paging with continuation tokens.

        Same entries as :meth:`list_objects`; ``start_after`` starts the listing after that key.
        """
        _check_listing(bucket, prefix, page_size)
        return self._list_objects(bucket, prefix, recursive, start_after, page_size, v2=True)

    async def _list_objects(
        self,
        bucket: str,
        prefix: str,
        recursive: bool,
        start: str | None,
        page_size: int,
        *,
        v2: bool,
    ) -> AsyncIterator[ObjectInfo]:
        base: list[tuple[str, str]] = [
            ("encoding-type", "url"),
            ("max-keys", str(page_size)),
            ("prefix", prefix),
        ]
        if not recursive:
            base.append(("delimiter", "/"))
        if v2:
            base.append(("list-type", "2"))
            if start:
                base.append(("start-after", start))

        def query_for(cursor: str | None) -> tuple[tuple[str, str], ...]:
            if not cursor:
                return tuple(base)
            return (*base, ("continuation-token" if v2 else "marker", cursor))

        cursor = None if v2 else start
        # Some servers (moto) repeat common prefixes on every page; yield each once.
        seen_prefixes: set[str] = set()
        ahead: tuple[str, asyncio.Task[Response]] | None = None
        try:
            resp = await self._execute("GET", bucket, None, query_for(cursor))
            while True:
                # The next page is requested before this one is parsed (its cursor is read off
                # the raw answer), so the server works on it while the client parses.
                peeked = xml.peek_next_cursor(resp.body, v2=v2)
                if peeked:
                    ahead = (
                        peeked,
                        asyncio.ensure_future(
                            self._execute("GET", bucket, None, query_for(peeked))
                        ),
                    )
                page = xml.parse_list_objects(resp.body)
                for entry in page.entries:
                    if entry.is_dir:
                        if entry.key in seen_prefixes:
                            continue
                        seen_prefixes.add(entry.key)
                    yield entry
                if not page.truncated:
                    return
                if v2:
                    if not page.next_token:
                        raise InvalidResponseError("truncated ListObjectsV2 page without a token")
                    nxt = page.next_token
                else:
                    last = page.entries[-1].key if page.entries else None
                    nxt = page.next_marker or last or ""
                    if not nxt or nxt == cursor:
                        raise InvalidResponseError("truncated ListObjects page without a marker")
                cursor = nxt
                if ahead is not None and ahead[0] == cursor:
                    resp = await ahead[1]
                else:
                    resp = await self._execute("GET", bucket, None, query_for(cursor))
                ahead = None
        finally:
            if ahead is not None:
                ahead[1].cancel()
                with contextlib.suppress(BaseException):
                    await ahead[1]

    def list_incomplete_uploads(
        self, bucket: str, prefix: str = "", recursive: bool = False
    ) -> AsyncIterator[Upload]:
        """List incomplete multipart uploads lazily.

        Each :class:`Upload` carries ``size``, the sum of the parts uploaded so far.
        """
        check_bucket_name(bucket)
        _check_prefix(prefix)
        return self._list_uploads(bucket, prefix, recursive)

    async def _list_uploads(
        self, bucket: str, prefix: str, recursive: bool
    ) -> AsyncIterator[Upload]:
        async for page in self._upload_pages(bucket, prefix, recursive=recursive):
            for upload in page.uploads:
                parts = await self._list_parts(bucket, upload.key, upload.upload_id)
                yield replace(upload, size=sum(p.size for p in parts))

    async def _upload_pages(
        self, bucket: str, prefix: str, *, recursive: bool
    ) -> AsyncIterator[xml.UploadPage]:
        """The pages of ListMultipartUploads for ``prefix``, following the markers."""
        key_marker: str | None = None
        id_marker: str | None = None
        while True:
            query = [("uploads", ""), ("encoding-type", "url"), ("prefix", prefix)]
            if not recursive:
                query.append(("delimiter", "/"))
            if key_marker:
                query.append(("key-marker", key_marker))
            if id_marker:
                query.append(("upload-id-marker", id_marker))
            resp = await self._execute("GET", bucket, None, tuple(query))
            page = xml.parse_list_uploads(resp.body)
            yield page
            if not page.truncated:
                return
            if (page.next_key_marker, page.next_upload_id_marker) == (key_marker, id_marker):
                raise InvalidResponseError("truncated ListMultipartUploads page without markers")
            key_marker, id_marker = page.next_key_marker, page.next_upload_id_marker

    async def _list_parts(self, bucket: str, key: str, upload_id: str) -> list[Part]:
        parts: list[Part] = []
        marker: int | None = None
        while True:
            query = [("uploadId", upload_id)]
            if marker:
                query.append(("part-number-marker", str(marker)))
            resp = await self._execute("GET", bucket, key, tuple(query))
            page, truncated, marker = xml.parse_list_parts(resp.body)
            parts.extend(page)
            if not truncated or not marker:
                return parts

    # -- reading objects -----------------------------------------------------------------------

    def get_object(self, bucket: str, key: str, *, version_id: str | None = None) -> ObjectReader:
        """Download an object as a stream; use the result with ``async with``.

        Example::

            async with client.get_object("photos", "cat.jpg") as obj:
                print(obj.stat.size)
                async for chunk in obj:
                    sink.write(chunk)

        Raises:
            NoSuchKey, NoSuchBucket: on entering the ``async with`` block.
        """
        check_bucket_name(bucket)
        check_object_key(key)
        return ObjectReader(self, bucket, key, version_id=version_id)

    def get_partial_object(
        self,
        bucket: str,
        key: str,
        offset: int,
        length: int | None = None,
        *,
        version_id: str | None = None,
    ) -> ObjectReader:
        """Download ``length`` bytes from ``offset`` (to the end when ``length`` is None).

        Raises:
            InvalidArgument / TypeError: a negative or non-integer offset or length, before any
                request.
            InvalidRange: the offset is past the end of the object.
        """
        check_bucket_name(bucket)
        check_object_key(key)
        offset, length = check_range(offset, length)
        return ObjectReader(self, bucket, key, offset=offset, length=length, version_id=version_id)

    async def fget_object(
        self,
        bucket: str,
        key: str,
        file_path: str | os.PathLike[str],
        *,
        version_id: str | None = None,
        progress: Progress | None = None,
    ) -> ObjectStat:
        """Download an object to a file, safely.

        The body is written to ``<file_path>.<tag>.part`` beside the target and renamed into place
        only once it is complete and its size (and MD5, where the ETag is one) checks out. If a
        download is interrupted, the next call for the same object resumes from the partial file,
        as long as the object's ETag has not changed. A failed download never leaves a file at
        ``file_path``. ``progress`` receives the bytes written so far.
        """
        check_bucket_name(bucket)
        check_object_key(key)
        return await download_file(self, bucket, key, os.fspath(file_path), version_id, progress)

    async def stat_object(
        self, bucket: str, key: str, *, version_id: str | None = None
    ) -> ObjectStat:
        """Describe an object (HEAD): size, ETag, content type, last modified, user metadata.

        Raises:
            NoSuchKey: there is no such object (NoSuchBucket for a missing bucket, where the
                server says so).
        """
        check_bucket_name(bucket)
        check_object_key(key)
        query = (("versionId", version_id),) if version_id else ()
        try:
            resp = await self._execute("HEAD", bucket, key, query)
        except NoSuchKey as exc:
            # A HEAD answer has no body to say which is missing; ask, on this error path only.
            if not await self.bucket_exists(bucket):
                raise NoSuchBucket(
                    "NoSuchBucket",
                    "The specified bucket does not exist",
                    status=404,
                    request_id=exc.request_id,
                    bucket=bucket,
                    key=key,
                ) from exc
            raise
        return stat_from_headers(resp.headers)

    # -- writing objects -----------------------------------------------------------------------

    async def put_object(
        self,
        bucket: str,
        key: str,
        data: Data,
        size: int | None = None,
        *,
        content_type: str = "application/octet-stream",
        metadata: Mapping[str, str] | None = None,
        part_size: int | None = None,
        concurrency: int | None = None,
        progress: Progress | None = None,
    ) -> PutResult:
        """Upload an object from bytes, str, a file object, an aiofiles file or an async iterable.

        Up to the multipart threshold (5 MiB by default) the body goes in one PUT; larger bodies,
        and bodies of unknown size that turn out larger, go up as parts by ``concurrency``
        concurrent tasks, holding about ``part_size x concurrency`` bytes in memory whatever the
        object's size. Every PUT carries its Content-MD5 and every returned ETag is checked. If
        the upload fails or is cancelled, its multipart upload is aborted: nothing is left behind.

        Args:
            bucket: the bucket.
            key: the object key (1 to 1,024 bytes of UTF-8).
            data: the body.
            size: the body's size, if known (read exactly this many bytes).
            content_type: the Content-Type to store.
            metadata: user metadata (stored as ``x-amz-meta-*``), ASCII names and values.
            part_size: the part size (5 MiB to 5 GiB); planned from the size when not given.
            concurrency: parts in flight at once (default 4).
            progress: called with the number of bytes uploaded so far.
        """
        check_bucket_name(bucket)
        check_object_key(key)
        headers = _object_headers(content_type, metadata)
        source = make_source(data, size)
        conc = _check_concurrency(concurrency)
        psize = plan_part_size(source.size, part_size)
        if source.size is not None and source.size <= self._multipart_threshold:
            body = await source.read(source.size)
            if len(body) < source.size:
                raise IncompleteBody(
                    f"the data ended after {len(body)} bytes; size said {source.size}"
                )
            result = await put_single(self, bucket, key, body, headers)
            if progress is not None:
                progress(len(body))
            return result
        first = None
        if source.size is None:
            first = await source.read(psize)
            if len(first) < psize and len(first) <= self._multipart_threshold:
                result = await put_single(self, bucket, key, first, headers)
                if progress is not None:
                    progress(len(first))
                return result
        upload_id = await self._create_multipart(bucket, key, headers)
        plan = MultipartPlan(upload_id, psize, conc, abort_on_error=True)
        return await run_multipart(
            self, bucket, key, source, plan, progress=progress, first_chunk=first
        )

    async def fput_object(
        self,
        bucket: str,
        key: str,
        file_path: str | os.PathLike[str],
        content_type: str | None = None,
        *,
        metadata: Mapping[str, str] | None = None,
        part_size: int | None = None,
        concurrency: int | None = None,
        progress: Progress | None = None,
    ) -> PutResult:
        """Upload a file; resumable.

        The content type is guessed from the file name when not given. Above the multipart
        threshold the file goes up in concurrent parts. If an earlier attempt for the same key
        was interrupted, its incomplete upload is resumed: parts already on the server whose
        ETags match the MD5 of the same byte range of the file are kept, and only the missing or
        different parts are sent. A resumed upload keeps the content type and metadata of the
        attempt that started it. A failed or cancelled ``fput_object`` leaves its incomplete
        upload in place for that reason; :meth:`remove_incomplete_upload` clears it.
        """
        check_bucket_name(bucket)
        check_object_key(key)
        path = os.fspath(file_path)
        if content_type is None:
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        headers = _object_headers(content_type, metadata)
        conc = _check_concurrency(concurrency)
        if part_size is not None:
            check_part_size(part_size)
        return await upload_file(
            self, bucket, key, path, headers, part_size, conc, progress, self._multipart_threshold
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
        source_version_id: str | None = None,
        part_size: int | None = None,
    ) -> CopyResult:
        """Copy an object on the server side (no bytes pass through the client).

        Metadata and content type are copied from the source unless ``metadata`` or
        ``content_type`` is given, which replaces them. Sources larger than 5 GiB (or than
        ``part_size``, when given) are copied in parts (UploadPartCopy).
        """
        check_bucket_name(bucket)
        check_object_key(key)
        check_bucket_name(source_bucket)
        check_object_key(source_key)
        if part_size is not None:
            check_part_size(part_size)
        headers: dict[str, str] = {}
        if metadata is not None or content_type is not None:
            headers = _object_headers(content_type or "application/octet-stream", metadata)
            headers["x-amz-metadata-directive"] = "REPLACE"
        return await copy_object(
            self, bucket, key, source_bucket, source_key, headers, source_version_id, part_size
        )

    # -- removing ------------------------------------------------------------------------------

    async def remove_object(self, bucket: str, key: str, *, version_id: str | None = None) -> None:
        """Remove an object. Removing a key that does not exist is not an error (S3 semantics)."""
        check_bucket_name(bucket)
        check_object_key(key)
        query = (("versionId", version_id),) if version_id else ()
        await self._execute("DELETE", bucket, key, query)

    async def remove_objects(
        self, bucket: str, keys: Iterable[str] | AsyncIterable[str]
    ) -> list[DeleteError]:
        """Remove many objects with multi-object deletes of up to 1,000 keys per request.

        Returns the keys the server could not delete, each with its error code and message (an
        empty list when all went). Keys may come from an iterable or an async iterable (such as
        :meth:`list_objects`... ``(o.key async for o in client.list_objects(b, recursive=True))``).
        """
        check_bucket_name(bucket)
        errors: list[DeleteError] = []
        batch: list[str] = []
        async for key in _aiter_keys(keys):
            check_object_key(key)
            batch.append(key)
            if len(batch) == 1000:
                errors += await self._delete_batch(bucket, batch)
                batch = []
        if batch:
            errors += await self._delete_batch(bucket, batch)
        return errors

    async def _delete_batch(self, bucket: str, keys: list[str]) -> list[DeleteError]:
        body = xml.build_delete_objects([(k, None) for k in keys])
        headers = {
            "Content-MD5": base64.b64encode(hashlib.md5(body).digest()).decode(),
            "Content-Type": "application/xml",
        }
        resp = await self._execute(
            "POST", bucket, None, (("delete", ""),), headers=headers, body=body
        )
        return xml.parse_delete_objects(resp.body)

    async def remove_incomplete_upload(self, bucket: str, key: str) -> None:
        """Abort every incomplete multipart upload of ``key`` (its parts are deleted)."""
        check_bucket_name(bucket)
        check_object_key(key)
        async for upload in self._uploads_of(bucket, key):
            await self._abort_multipart(bucket, key, upload.upload_id)

    async def _uploads_of(self, bucket: str, key: str) -> AsyncIterator[Upload]:
        """The incomplete uploads of exactly ``key`` (a prefix listing, filtered)."""
        async for page in self._upload_pages(bucket, key, recursive=True):
            for upload in page.uploads:
                if upload.key == key:
                    yield upload
            if (page.next_key_marker or "") > key:
                return  # listed past the key: no more uploads of it

    # -- presigned URLs and POST policies -------------------------------------------------------

    async def _presign_credentials(self) -> Credentials:
        creds = await self._credentials.retrieve()
        if creds is None:
            raise InvalidArgument("presigning needs credentials; this client is anonymous")
        return creds

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
        discover the bucket's region once when the client has none)."""
        if method not in presign.PRESIGN_METHODS:
            raise InvalidArgument(f"unsupported method for a presigned URL: {method!r}")
        check_bucket_name(bucket)
        if key is not None:
            check_object_key(key)
        presign.expiry_seconds(expires)
        creds = await self._presign_credentials()
        region = await self._region_for(bucket)
        return presign.presign_url(
            method,
            self._endpoint,
            bucket,
            key,
            credentials=creds,
            region=region,
            expires=expires,
            now=request_date,
            query=query,
            style=self._style,
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
    ) -> str:
        """A URL anyone can GET the object with until it expires (1 second to 7 days).

        ``response_headers`` overrides headers of the answer, as signed query parameters:
        ``{"response-content-disposition": "attachment; filename=a.txt"}``, ...
        """
        check_object_key(key)
        query = presign.response_header_query(response_headers)
        if version_id:
            query["versionId"] = version_id
        return await self.presigned_url(
            "GET", bucket, key, expires, query=query, request_date=request_date
        )

    async def presigned_put_object(
        self,
        bucket: str,
        key: str,
        expires: int | timedelta = presign.DEFAULT_EXPIRY,
        *,
        request_date: datetime | None = None,
    ) -> str:
        """A URL anyone can PUT the object's body to until it expires (1 second to 7 days)."""
        check_object_key(key)
        return await self.presigned_url("PUT", bucket, key, expires, request_date=request_date)

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
        assert policy.bucket is not None
        creds = await self._presign_credentials()
        region = await self._region_for(policy.bucket)
        return presign.presign_post_policy(
            policy,
            self._endpoint,
            credentials=creds,
            region=region,
            now=request_date,
            style=self._style,
        )

    # -- bucket policy -------------------------------------------------------------------------

    async def get_bucket_policy_json(self, bucket: str) -> str:
        """The bucket's policy document, as the server returns it.

        Raises:
            NoSuchBucketPolicy: the bucket has no policy.
        """
        check_bucket_name(bucket)
        resp = await self._execute("GET", bucket, None, (("policy", ""),))
        return resp.body.decode("utf-8")

    async def set_bucket_policy_json(self, bucket: str, policy: str | Mapping[str, Any]) -> None:
        """Replace the bucket's policy with a document (JSON text or a dict)."""
        check_bucket_name(bucket)
        text = policy if isinstance(policy, str) else json.dumps(policy)
        parse_policy(text)  # a clear error for malformed JSON, before the request
        await self._execute(
            "PUT",
            bucket,
            None,
            (("policy", ""),),
            headers={"Content-Type": "application/json"},
            body=text.encode("utf-8"),
        )

    async def delete_bucket_policy(self, bucket: str) -> None:
        """Remove the bucket's policy (no error when it has none)."""
        check_bucket_name(bucket)
        await self._execute("DELETE", bucket, None, (("policy", ""),))

    async def _policy_document(self, bucket: str) -> dict[str, Any]:
        try:
            text = await self.get_bucket_policy_json(bucket)
        except NoSuchBucketPolicy:
            text = ""
        return parse_policy(text)

    async def get_bucket_policy(self, bucket: str, prefix: str = "") -> Policy:
        """The canned anonymous-access policy of the objects under ``prefix``.

        Derived from the statements of the bucket policy that cover ``prefix``: ``Policy.NONE``,
        ``READONLY``, ``WRITEONLY`` or ``READWRITE``.
        """
        check_bucket_name(bucket)
        _check_prefix(prefix)
        return derive_policy(await self._policy_document(bucket), bucket, prefix)

    async def set_bucket_policy(self, bucket: str, prefix: str, policy: Policy | str) -> None:
        """Set the canned anonymous-access policy of the objects under ``prefix``.

        The statements for this prefix are merged into the bucket's policy document; statements
        for other prefixes and statements this library did not write are kept. ``Policy.NONE``
        removes this prefix's statements; when nothing is left, the policy is deleted.
        """
        check_bucket_name(bucket)
        _check_prefix(prefix)
        try:
            wanted = Policy(policy)
        except ValueError:
            raise InvalidArgument(
                f"policy must be one of none, readonly, writeonly, readwrite: {policy!r}"
            ) from None
        document = apply_policy(await self._policy_document(bucket), bucket, prefix, wanted)
        if document["Statement"]:
            await self.set_bucket_policy_json(bucket, dump_policy(document))
        else:
            await self.delete_bucket_policy(bucket)

    # -- bucket notifications ------------------------------------------------------------------

    async def get_bucket_notification(self, bucket: str) -> NotificationConfig:
        """The bucket's notification configuration (empty when none is set)."""
        check_bucket_name(bucket)
        resp = await self._execute("GET", bucket, None, (("notification", ""),))
        return NotificationConfig.from_xml(resp.body)

    async def set_bucket_notification(self, bucket: str, config: NotificationConfig) -> None:
        """Replace the bucket's notification configuration."""
        check_bucket_name(bucket)
        if not isinstance(config, NotificationConfig):
            raise TypeError("config must be a NotificationConfig")
        await self._execute(
            "PUT",
            bucket,
            None,
            (("notification", ""),),
            headers={"Content-Type": "application/xml"},
            body=config.to_xml(),
        )

    async def delete_bucket_notification(self, bucket: str) -> None:
        """Remove every notification of the bucket (sets an empty configuration)."""
        await self.set_bucket_notification(bucket, NotificationConfig())

    # -- multipart plumbing --------------------------------------------------------------------

    async def _create_multipart(
        self, bucket: str, key: str, headers: Mapping[str, str], *, checksums: bool = True
    ) -> str:
        if checksums and self._integrity == "crc32":
            headers = {**headers, "x-amz-checksum-algorithm": "CRC32"}
        retried: list[BaseException] = []
        since = datetime.now(timezone.utc)
        resp = await self._execute(
            "POST", bucket, key, (("uploads", ""),), headers=headers, retried=retried
        )
        upload_id = xml.parse_initiate_multipart(resp.body)
        if any(isinstance(e, TransportError) for e in retried):
            # An attempt whose answer was lost may have started an upload of its own.
            self._stray_checks[upload_id] = since
        return upload_id

    async def _clean_strays(self, bucket: str, key: str, upload_id: str) -> None:
        """Abort uploads of ``key`` that lost attempts of this upload's creation started.

        Only uploads initiated since that creation began (less 5 seconds of clock leeway) are
        touched, and only when a creation attempt lost its answer.
        """
        since = self._stray_checks.pop(upload_id, None)
        if since is None:
            return
        async for upload in self._uploads_of(bucket, key):
            initiated = upload.initiated
            if upload.upload_id == upload_id or initiated is None:
                continue
            if initiated >= since - timedelta(seconds=5):
                await self._abort_multipart(bucket, key, upload.upload_id)

    async def _abort_multipart(self, bucket: str, key: str, upload_id: str) -> None:
        with contextlib.suppress(NoSuchUpload):  # already gone: the goal is reached
            await self._execute("DELETE", bucket, key, (("uploadId", upload_id),))


def _check_listing(bucket: str, prefix: object, page_size: object) -> None:
    check_bucket_name(bucket)
    _check_prefix(prefix)
    check_int("page_size", page_size, minimum=1)
    if isinstance(page_size, int) and page_size > 1000:
        raise InvalidArgument("page_size must be at most 1000")


def _check_prefix(prefix: object) -> None:
    if not isinstance(prefix, str):
        raise TypeError(f"prefix must be a str, not {type(prefix).__name__}")
    if len(prefix.encode("utf-8", "surrogatepass")) > 1024:
        raise InvalidArgument("prefix is longer than 1024 bytes")


def _check_concurrency(concurrency: object) -> int:
    if concurrency is None:
        return DEFAULT_CONCURRENCY
    value = check_int("concurrency", concurrency, minimum=1)
    if value > 64:
        raise InvalidArgument("concurrency must be at most 64")
    return value


_TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _object_headers(content_type: str, metadata: Mapping[str, str] | None) -> dict[str, str]:
    if not isinstance(content_type, str) or not content_type or not content_type.isascii():
        raise InvalidArgument(f"content_type must be a non-empty ASCII string: {content_type!r}")
    headers = {"Content-Type": content_type}
    for name, value in (metadata or {}).items():
        if not isinstance(name, str) or not name or not set(name) <= _TOKEN:
            raise InvalidArgument(f"metadata name must be an HTTP token: {name!r}")
        if not isinstance(value, str):
            raise TypeError(f"metadata value for {name!r} must be a str")
        if not value.isascii() or any(c in value for c in "\r\n\0"):
            raise InvalidArgument(f"metadata value for {name!r} must be ASCII, one line")
        lowered = name.lower()
        if lowered.startswith("x-amz-meta-"):
            lowered = lowered[11:]
        headers[f"x-amz-meta-{lowered}"] = value
    return headers


async def _aiter_keys(keys: Iterable[str] | AsyncIterable[str]) -> AsyncIterator[str]:
    if isinstance(keys, str):
        raise TypeError("keys must be an iterable of keys, not a single str")
    if hasattr(keys, "__aiter__"):
        async for k in keys:
            yield k
    else:
        for k in keys:
            yield k
