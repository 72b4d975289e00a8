"""The asyncio S3 client."""

from __future__ import annotations

import hashlib
import platform
import ssl
from collections.abc import Mapping
from datetime import datetime, timezone
from types import TracebackType

import aiohttp

from aiominio import __version__
from aiominio.core import signing, xml
from aiominio.core.endpoint import AddressingStyle, Endpoint, build_target, parse_endpoint
from aiominio.core.validation import check_bucket_name, check_region
from aiominio.credentials import Credentials, CredentialsProvider, StaticProvider
from aiominio.errors import ClientClosedError, InvalidArgument, NoSuchBucket, S3Error
from aiominio.models import Bucket
from aiominio.transport import Body, Response, Timeouts, Transport

DEFAULT_REGION = "us-east-1"
_USER_AGENT = f"aiominio/{__version__} (Python {platform.python_version()})"


class Client:
    """An asyncio client for Amazon S3 and S3-compatible servers (MinIO, SeaweedFS, Ceph, ...).

    Use it as an async context manager, or call :meth:`close` when done::

        async with Client("localhost:9000", access_key="...", secret_key="...", secure=False) as c:
            await c.make_bucket("photos")

    Args:
        endpoint: a URL (``https://s3.amazonaws.com``), host name, IPv4 or IPv6 address, with or
            without a port.
        access_key: the access key; with ``secret_key``, static credentials.
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
            static = None
            if access_key is not None and secret_key is not None:
                static = Credentials(access_key, secret_key, session_token)
            elif session_token is not None:
                raise InvalidArgument("session_token needs access_key and secret_key")
            credentials = StaticProvider(static)
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
        self._transport = Transport(
            session=session,
            max_connections=max_connections,
            timeouts=timeouts,
            ssl_context=ssl_context,
        )
        self._bucket_regions: dict[str, str] = {}

    def __repr__(self) -> str:
        ep = self._endpoint
        return f"Client(endpoint={ep.scheme}://{ep.netloc()!s}, region={self._region!r})"

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
                # region is the best guess, and a wrong one gets corrected from the error.
                return DEFAULT_REGION
            raise
        region = xml.parse_location(resp.body)
        self._bucket_regions[bucket] = region
        return region

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
    ) -> Response:
        """Sign and send one request, raise the server's error, return the whole answer."""
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
        resp = await self._transport.request(method, target.url, all_headers, body)
        if resp.status >= 300:
            raise xml.parse_error(
                resp.status, resp.headers, resp.body, bucket=bucket, key=key, head=method == "HEAD"
            )
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
