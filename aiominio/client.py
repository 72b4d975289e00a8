"""The asyncio S3 client: the public facade.

:class:`Client` builds the request pipeline (:class:`~aiominio.requester.Requester`) from its
arguments and owns its lifecycle. Its operations come from the method groups of
:mod:`aiominio.methods`: each checks its arguments, hands the work to an operation function of
:mod:`aiominio.ops` and returns the result.
"""

from __future__ import annotations

import copy
import ssl
from types import TracebackType
from typing import TYPE_CHECKING

from aiominio.awsconfig import aws_endpoint, configured
from aiominio.core import planning
from aiominio.core.checksums import INTEGRITY_MODES, Integrity
from aiominio.core.endpoint import AddressingStyle, Endpoint, parse_endpoint
from aiominio.core.headers import user_agent
from aiominio.core.retry import RetryPolicy
from aiominio.core.validation import check_int, check_region
from aiominio.credentials import CredentialsProvider, provider_for
from aiominio.errors import ClientClosedError, InvalidArgument
from aiominio.methods.acl import AclMethods
from aiominio.methods.attributes import AttributeMethods
from aiominio.methods.bucketconfig import BucketConfigMethods
from aiominio.methods.bucketrules import BucketRuleMethods
from aiominio.methods.buckets import BucketMethods
from aiominio.methods.compose import ComposeMethods
from aiominio.methods.directories import DirectoryMethods
from aiominio.methods.listen import ListenMethods
from aiominio.methods.multipart import MultipartMethods
from aiominio.methods.objectlock import ObjectLockMethods
from aiominio.methods.presigning import PresignMethods
from aiominio.methods.reads import ObjectReadMethods
from aiominio.methods.removal import RemovalMethods
from aiominio.methods.select import SelectMethods
from aiominio.methods.tagging import TaggingMethods
from aiominio.methods.versions import VersioningMethods
from aiominio.methods.writes import ObjectWriteMethods
from aiominio.requester import Requester
from aiominio.transport import (
    DEFAULT_MAX_CONNECTIONS,
    BaseTransport,
    ClientSession,
    Timeouts,
    Transport,
)

if TYPE_CHECKING:  # OpenTelemetry (the otel extra) is imported only with telemetry=True
    from opentelemetry.metrics import MeterProvider
    from opentelemetry.trace import TracerProvider


class Client(
    BucketMethods,
    ObjectReadMethods,
    ObjectWriteMethods,
    RemovalMethods,
    PresignMethods,
    BucketConfigMethods,
    BucketRuleMethods,
    VersioningMethods,
    TaggingMethods,
    ComposeMethods,
    AttributeMethods,
    ObjectLockMethods,
    SelectMethods,
    ListenMethods,
    DirectoryMethods,
    AclMethods,
    MultipartMethods,
):
    """An asyncio client for Amazon S3 and S3-compatible servers (MinIO, SeaweedFS, Ceph, ...).

    Use it as an async context manager, or call :meth:`close` when done::

        async with Client("localhost:9000", access_key="...", secret_key="...", secure=False) as c:
            await c.make_bucket("photos")

    Or with no endpoint, where the environment points (``AWS_ENDPOINT_URL``, ...), else
    Amazon S3::

        async with Client() as c:
            ...

    Args:
        endpoint: a URL (``https://s3.amazonaws.com``), host name, IPv4 or IPv6 address, with or
            without a port. When not given, it is found as the AWS SDKs find it (see
            :mod:`aiominio.awsconfig`): ``AWS_ENDPOINT_URL_S3``, the ``s3`` ``endpoint_url``
            of the profile's ``services``, ``AWS_ENDPOINT_URL``, the profile's
            ``endpoint_url`` (the profile ``AWS_PROFILE`` names, else ``default``, in
            ``~/.aws/config``); and with it the region, unless ``region`` is given:
            ``AWS_REGION``, ``AWS_DEFAULT_REGION``, the profile's ``region``. With none of
            them, Amazon S3, which is the SDKs' default too: ``https://s3.REGION.amazonaws.com``,
            or ``https://s3.amazonaws.com`` with no region (each bucket's region is then
            discovered). A region from the environment with an endpoint from it is where
            buckets are first taken to be (and made), as the SDKs take it: no lookup is asked,
            and a bucket the server says lives elsewhere is signed for its own region from then
            on. The ``export`` lines of ``python -m aiominio.testing serve`` are all
            ``Client()`` needs. The environment is read only when ``endpoint`` is not given: a
            client told its endpoint never takes a region from the surroundings.
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
        timeouts: connect, read, per-attempt, deadline and pool-wait timeouts (see
            :class:`~aiominio.transport.Timeouts`).
        addressing_style: ``"auto"`` (virtual-host style on AWS, path style elsewhere),
            ``"path"`` or ``"virtual"``.
        ssl_context: an ``ssl.SSLContext`` to verify the server with, or a path to a CA bundle;
            ``False`` turns verification off (not recommended).
        multipart_threshold: bodies larger than this are uploaded in parts (default 5 MiB).
        retry: the retry policy (default ``RetryPolicy()``: up to 10 attempts within 60 s of
            the first failure, exponential backoff with full jitter).
        integrity: how uploads are verified: ``"crc32"`` (default; ``x-amz-checksum-crc32``,
            checked by S3, MinIO and SeaweedFS), ``"crc32c"``, ``"crc64nvme"``, ``"sha1"``,
            ``"sha256"`` (``x-amz-checksum-<name>``; the CRCs at native speed with
            ``aiominio[speedups]``) or ``"md5"`` (``Content-MD5``, for servers that predate
            the checksum headers; about seven times the CPU of CRC32). One upload may choose
            another with ``checksum=``.
        transport: what requests are sent through instead of aiohttp's pool, such as
            :class:`aiominio.testing.MockTransport` in tests (``session`` and ``ssl_context``
            then have no place; ``timeouts`` still apply).
        app_info: ``(name, version)`` of your application, appended to the User-Agent
            (``aiominio/1.0 (Python 3.12.1) photo-sync/2.3``), as minio-py's ``set_app_info``;
            each an HTTP token (letters, digits, ``!#$%&'*+-.^_`|~``; no spaces or slashes).
        proxy: a forward proxy every request goes through: ``http://host:port`` (an
            ``https://`` endpoint is then reached through a CONNECT tunnel, TLS end to end) or
            ``https://host:port`` (TLS to the proxy too; for an ``https://`` endpoint, Python
            3.11 or later). Credentials may be in it, percent-encoded
            (``http://user:password@host:port``); they are sent to the proxy alone and never
            shown in a repr, log or exception. Checked here, before any request.
        proxy_auth: the proxy's ``(user, password)``, instead of credentials in its URL.
        proxy_ca: the path of the CA bundle that issued an ``https://`` proxy's certificate.
            The endpoint and the proxy are verified with one TLS setting (aiohttp's), so it
            is added to the endpoint's trust: the system's, or the bundle ``ssl_context``
            names (an ``ssl.SSLContext`` of yours: load it into that instead).
        trust_env: with no ``proxy``, take it from the environment as the AWS SDKs do:
            ``HTTPS_PROXY`` for an ``https://`` endpoint, ``HTTP_PROXY`` for a plain one (the
            lower-case names win), except for the hosts ``NO_PROXY`` lists (names with their
            subdomains, IP addresses, CIDR blocks, ``*``). Read once, here. ``~/.netrc`` is not
            read. With ``session`` and no proxy of ours, the session's own ``proxy`` and
            ``trust_env`` apply. See the guide "Deploying".
        telemetry: record an OpenTelemetry span of every request (``S3.GetObject``, ...: the
            operation, bucket, status, request id, attempts, bytes; each retried failure an
            event) and metrics (requests, retries, bytes sent and received, durations); see
            :mod:`aiominio.telemetry`. Needs ``pip install 'aiominio[otel]'`` (an ImportError
            here says so). Off, OpenTelemetry is not even imported.
        telemetry_keys: record object keys too (``aws.s3.key``); off by default, as keys can be
            personal data, and no recorded message names them then.
        tracer_provider: where the spans go, instead of OpenTelemetry's global provider.
        meter_provider: where the metrics go, instead of OpenTelemetry's global provider.
    """

    def __init__(
        self,
        endpoint: str | None = None,
        *,
        access_key: str | None = None,
        secret_key: str | None = None,
        session_token: str | None = None,
        secure: bool | None = None,
        port: int | None = None,
        region: str | None = None,
        session: ClientSession | None = None,
        credentials: CredentialsProvider | None = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        timeouts: Timeouts | None = None,
        addressing_style: AddressingStyle = "auto",
        ssl_context: ssl.SSLContext | str | bool | None = None,
        multipart_threshold: int = planning.DEFAULT_MULTIPART_THRESHOLD,
        retry: RetryPolicy | None = None,
        integrity: Integrity = "crc32",
        transport: BaseTransport | None = None,
        app_info: tuple[str, str] | None = None,
        proxy: str | None = None,
        proxy_auth: tuple[str, str] | None = None,
        proxy_ca: str | None = None,
        trust_env: bool = False,
        telemetry: bool = False,
        telemetry_keys: bool = False,
        tracer_provider: TracerProvider | None = None,
        meter_provider: MeterProvider | None = None,
    ) -> None:
        agent = user_agent(app_info)
        guess = None
        if endpoint is None:
            given = region
            parsed, region = _configured_endpoint(region, secure=secure, port=port)
            if given is None and parsed.region is None:
                # The environment's region is the SDKs' default, not a pin: a bucket that
                # lives elsewhere (the server says so in its error) is signed for its own.
                guess, region = region, None
        else:
            parsed = parse_endpoint(endpoint, secure=secure, port=port)
        if region is not None:
            check_region(region)
        credentials = provider_for(access_key, secret_key, session_token, credentials)
        if addressing_style not in ("auto", "path", "virtual"):
            raise InvalidArgument(
                f"addressing_style must be auto, path or virtual: {addressing_style!r}"
            )
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise TypeError("retry must be a RetryPolicy")
        check_int("multipart_threshold", multipart_threshold, minimum=0)
        if multipart_threshold > planning.MAX_SINGLE_PUT:
            raise InvalidArgument("multipart_threshold must be at most 5 GiB (the largest PUT)")
        if integrity not in INTEGRITY_MODES:
            raise InvalidArgument(
                f"integrity must be one of {', '.join(INTEGRITY_MODES)}, not {integrity!r}"
            )
        observer = None
        if telemetry:
            from aiominio.telemetry import Telemetry  # ImportError: "pip install 'aiominio[otel]'"

            observer = Telemetry(
                parsed,
                keys=telemetry_keys,
                tracer_provider=tracer_provider,
                meter_provider=meter_provider,
            )
        elif telemetry_keys or tracer_provider is not None or meter_provider is not None:
            raise InvalidArgument(
                "telemetry_keys, tracer_provider and meter_provider need telemetry=True"
            )
        if transport is None:
            transport = Transport(
                session=session,
                max_connections=max_connections,
                timeouts=timeouts,
                ssl_context=ssl_context,
                secure=parsed.secure,
                proxy=proxy,
                proxy_auth=proxy_auth,
                proxy_ca=proxy_ca,
                trust_env=trust_env,
            )
            timeouts = None  # set on the pool built here, not sent per request
        elif session is not None or ssl_context is not None:
            raise InvalidArgument("session and ssl_context belong to the transport given")
        elif proxy is not None or proxy_auth is not None or proxy_ca is not None or trust_env:
            raise InvalidArgument("the proxy settings belong to the transport given")
        self._req = Requester(
            endpoint=parsed,
            transport=transport,
            credentials=credentials,
            style=addressing_style,
            region=region or parsed.region,
            retry=retry,
            timeouts=timeouts,
            user_agent=agent,
            region_guess=guess,
            telemetry=observer,
        )
        self._multipart_threshold = multipart_threshold
        self._integrity: Integrity = integrity

    def __repr__(self) -> str:
        ep = self._req.endpoint
        return (
            f"Client(endpoint={ep.scheme}://{ep.netloc()!s}, region={self._req.default_region!r})"
        )

    def with_options(
        self, *, timeouts: Timeouts | None = None, retry: RetryPolicy | None = None
    ) -> Client:
        """A view of this client with other timeouts or retry policy, for some calls::

            fast = client.with_options(timeouts=Timeouts(deadline=5), retry=RetryPolicy(2))
            await fast.stat_object("b", "k")

        The view shares this client's connection pool and credentials; closing either closes
        both, so close the original.
        """
        if timeouts is not None and not isinstance(timeouts, Timeouts):
            raise TypeError("timeouts must be a Timeouts")
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise TypeError("retry must be a RetryPolicy")
        clone = copy.copy(self)
        clone._req = self._req.with_options(timeouts=timeouts, retry=retry)
        return clone

    @property
    def retries(self) -> int:
        """How many requests this client retried so far."""
        return self._req.retries

    @property
    def endpoint(self) -> Endpoint:
        """The parsed endpoint."""
        return self._req.endpoint

    @property
    def requester(self) -> Requester:
        """The request pipeline behind this client; the functions of :mod:`aiominio.ops` take
        it, for requests this client has no method for."""
        return self._req

    @property
    def multipart_threshold(self) -> int:
        """Bodies larger than this many bytes are uploaded in parts."""
        return self._multipart_threshold

    @property
    def integrity(self) -> Integrity:
        """How uploads are verified: ``"crc32"`` or ``"md5"``."""
        return self._integrity

    # -- lifecycle -----------------------------------------------------------------------------

    async def __aenter__(self) -> Client:
        if self._req.closed:
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
        await self._req.close()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._req.closed


def _configured_endpoint(
    region: str | None, *, secure: bool | None, port: int | None
) -> tuple[Endpoint, str | None]:
    """The endpoint (parsed) and the region of a client given no endpoint: those of the
    environment and the AWS profile (:func:`~aiominio.awsconfig.configured`), else Amazon S3's;
    a bad value is refused naming where it came from."""
    found = configured()
    if region is None and found.region is not None:
        region = found.region
        try:
            check_region(region)
        except InvalidArgument as exc:
            raise InvalidArgument(f"{found.region_source}: {exc}") from None
    endpoint = found.endpoint or aws_endpoint(region)
    try:
        return parse_endpoint(endpoint, secure=secure, port=port), region
    except InvalidArgument as exc:
        where = found.endpoint_source or "the default endpoint (Amazon S3)"
        raise InvalidArgument(f"{where}: {exc}") from None
