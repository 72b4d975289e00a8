"""The exceptions aiominio raises.

::

    AiominioError
    ├── InvalidArgument (also ValueError)                  bad input, raised before any request
    ├── IncompleteBody (also ValueError)                   the data ended before ``size`` bytes
    ├── ClientClosedError (also RuntimeError)              the client was closed
    ├── EventLoopError (also RuntimeError)                 used from another event loop
    ├── CredentialsError                                   a provider could not get credentials
    ├── TransportError                                     no usable HTTP answer
    │   ├── ConnectError (also ConnectionError)            could not connect (refused, DNS)
    │   │   ├── TLSError                                   certificate not trusted, handshake failed
    │   │   └── ProxyAuthError                             the proxy wants other credentials (407)
    │   ├── ConnectionLostError (also ConnectionError)     the connection broke mid-request
    │   └── RequestTimeout (also TimeoutError)             connect, read, attempt or deadline
    │       └── PoolTimeout                                no connection within Timeouts.pool
    ├── InvalidResponseError                               an answer we cannot trust or parse
    │                                                      (malformed or hostile XML, an HTML page)
    └── S3Error                                            the server answered with an error
        ├── NoSuchBucket, NoSuchKey, NoSuchUpload, NoSuchBucketPolicy
        ├── AccessDenied, SignatureDoesNotMatch, InvalidAccessKeyId
        ├── AuthorizationHeaderMalformed
        ├── BucketAlreadyExists, BucketAlreadyOwnedByYou, BucketNotEmpty
        ├── InvalidBucketName, InvalidRange, PreconditionFailed
        ├── NotModified                                    304: an If-None-Match or
        │                                                  If-Modified-Since condition held
        ├── EntityTooLarge, BadDigest
        ├── InvalidPart, InvalidPartOrder, EntityTooSmall  a multipart completion's parts refused
        └── SlowDown, InternalError, ServiceUnavailable

``S3Error.from_code`` picks the subclass for a server code, so ``except NoSuchKey`` works and an
unknown code is still an ``S3Error`` with its ``code`` set. No exception ever carries a secret.
Arguments of the wrong type raise the builtin ``TypeError``, as Python itself does.
"""

from __future__ import annotations

from typing import ClassVar


class AiominioError(Exception):
    """Base class of every exception aiominio raises on purpose."""


class InvalidArgument(AiominioError, ValueError):
    """An argument is invalid; raised before any network call."""


class IncompleteBody(AiominioError, ValueError):
    """The data ended before the ``size`` the caller promised."""


class ClientClosedError(AiominioError, RuntimeError):
    """The client was closed and cannot be used any more."""


class EventLoopError(AiominioError, RuntimeError):
    """A client was used from an event loop other than the one it was first used in (its
    connection pool belongs to that loop); create one client per loop."""


class CredentialsError(AiominioError):
    """A provider could not obtain credentials it was configured for."""


class TransportError(AiominioError):
    """The request did not get a usable HTTP answer."""


class ConnectError(TransportError, ConnectionError):
    """The connection could not be made (refused, name resolution, TLS handshake)."""


class TLSError(ConnectError):
    """The TLS handshake failed, typically an untrusted or mismatched certificate. Not retried:
    trying again will not make the certificate trusted."""


class ProxyAuthError(ConnectError):
    """The proxy refused the request for its credentials (HTTP 407): ``proxy_auth`` (or the
    proxy URL's user and password) is missing or wrong. Not retried: the same credentials
    would be refused again."""


class ConnectionLostError(TransportError, ConnectionError):
    """The connection was reset or closed while the request or response was in flight.

    ``stale_connection`` is true when the connection came from the pool and was closed before
    any byte of an answer arrived (a keep-alive connection a server or load balancer had let go).
    """

    stale_connection: bool = False


class RequestTimeout(TransportError, TimeoutError):
    """A connect, read or attempt timeout expired, or the request passed its deadline
    (see :class:`~aiominio.Timeouts`)."""


class PoolTimeout(RequestTimeout):
    """No connection could be had within ``Timeouts.pool``: every connection of the pool stayed
    busy (or a new one could not be opened in time). Raise ``max_connections`` or the limit."""


class InvalidResponseError(AiominioError):
    """The server's answer cannot be trusted: it could not be parsed, was refused as unsafe (XML
    entities), does not match its own digest (a download corrupted on the way), or is not the
    answer asked for (a Range answered with another range or the whole object)."""

    def __init__(self, message: str, *, status: int | None = None, body: bytes = b"") -> None:
        super().__init__(message)
        self.status = status
        self.body = body[:512]


class S3Error(AiominioError):
    """The server answered with an S3 error.

    Attributes:
        status: the HTTP status.
        code: the S3 error code (``NoSuchKey``, ...).
        message: the server's message.
        request_id: ``x-amz-request-id`` / ``<RequestId>``.
        host_id: ``x-amz-id-2`` / ``<HostId>``.
        resource: the ``<Resource>`` the server names, if any.
        bucket: the bucket of the request, if any.
        key: the object key of the request, if any.
        region: the bucket's region, when the server names it (a wrong-region answer).
    """

    code_name: ClassVar[str] = ""
    _registry: ClassVar[dict[str, type[S3Error]]] = {}

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.code_name:
            S3Error._registry[cls.code_name] = cls

    def __init__(
        self,
        code: str,
        message: str = "",
        *,
        status: int = 0,
        request_id: str | None = None,
        host_id: str | None = None,
        resource: str | None = None,
        bucket: str | None = None,
        key: str | None = None,
        region: str | None = None,
    ) -> None:
        self.code = code
        self.message = message
        self.status = status
        self.request_id = request_id
        self.host_id = host_id
        self.resource = resource
        self.bucket = bucket
        self.key = key
        self.region = region
        super().__init__(self._describe())

    def _describe(self) -> str:
        where = "/".join(p for p in (self.bucket, self.key) if p)
        text = f"{self.code} ({self.status})"
        if self.message:
            text += f": {self.message}"
        if where:
            text += f" [{where}]"
        if self.request_id:
            text += f" request_id={self.request_id}"
        return text

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, status={self.status}, "
            f"message={self.message!r}, bucket={self.bucket!r}, key={self.key!r}, "
            f"request_id={self.request_id!r})"
        )

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild_s3_error,
            (
                self.code,
                self.message,
                self.status,
                self.request_id,
                self.host_id,
                self.resource,
                self.bucket,
                self.key,
                self.region,
            ),
        )

    @classmethod
    def from_code(
        cls,
        code: str,
        message: str = "",
        *,
        status: int = 0,
        request_id: str | None = None,
        host_id: str | None = None,
        resource: str | None = None,
        bucket: str | None = None,
        key: str | None = None,
        region: str | None = None,
    ) -> S3Error:
        """Make the exception of the subclass registered for ``code`` (else ``S3Error``); the
        other arguments are those of :class:`S3Error`."""
        return cls._registry.get(code, S3Error)(
            code,
            message,
            status=status,
            request_id=request_id,
            host_id=host_id,
            resource=resource,
            bucket=bucket,
            key=key,
            region=region,
        )


def _rebuild_s3_error(
    code: str,
    message: str,
    status: int,
    request_id: str | None,
    host_id: str | None,
    resource: str | None,
    bucket: str | None,
    key: str | None,
    region: str | None = None,
) -> S3Error:
    return S3Error.from_code(
        code,
        message,
        status=status,
        request_id=request_id,
        host_id=host_id,
        resource=resource,
        bucket=bucket,
        key=key,
        region=region,
    )


class NoSuchBucket(S3Error):
    """The bucket does not exist."""

    code_name = "NoSuchBucket"


class NoSuchKey(S3Error):
    """The object does not exist."""

    code_name = "NoSuchKey"


class NoSuchBucketPolicy(S3Error):
    """The bucket has no policy."""

    code_name = "NoSuchBucketPolicy"


class NoSuchUpload(S3Error):
    """The multipart upload does not exist (aborted or completed)."""

    code_name = "NoSuchUpload"


class InvalidPart(S3Error):
    """A part named to complete a multipart upload is not on the server, or its ETag is not the
    one given."""

    code_name = "InvalidPart"


class InvalidPartOrder(S3Error):
    """The parts named to complete a multipart upload are not in ascending order."""

    code_name = "InvalidPartOrder"


class EntityTooSmall(S3Error):
    """A part of a multipart upload, other than the last, is smaller than the minimum (5 MiB)."""

    code_name = "EntityTooSmall"


class AccessDenied(S3Error):
    """The credentials do not allow this request."""

    code_name = "AccessDenied"


class SignatureDoesNotMatch(S3Error):
    """The server computed a different signature: usually a wrong secret key."""

    code_name = "SignatureDoesNotMatch"


class InvalidAccessKeyId(S3Error):
    """The server does not know the access key."""

    code_name = "InvalidAccessKeyId"


class BucketAlreadyExists(S3Error):
    """The bucket name is taken by another account."""

    code_name = "BucketAlreadyExists"


class BucketAlreadyOwnedByYou(S3Error):
    """The bucket already exists and belongs to you."""

    code_name = "BucketAlreadyOwnedByYou"


class BucketNotEmpty(S3Error):
    """The bucket still holds objects."""

    code_name = "BucketNotEmpty"


class InvalidBucketName(S3Error):
    """The server refused the bucket name."""

    code_name = "InvalidBucketName"


class InvalidRange(S3Error):
    """The requested range is not satisfiable."""

    code_name = "InvalidRange"


class PreconditionFailed(S3Error):
    """An If-Match / If-None-Match condition did not hold."""

    code_name = "PreconditionFailed"


class NotModified(S3Error):
    """The object is unchanged (HTTP 304): an ``if_none_match`` or ``if_modified_since``
    condition of a read held, so the server sent no body."""

    code_name = "NotModified"


class EntityTooLarge(S3Error):
    """The body is larger than the server allows."""

    code_name = "EntityTooLarge"


class BadDigest(S3Error):
    """The body did not match the Content-MD5 or x-amz-checksum sent with it."""

    code_name = "BadDigest"


class SlowDown(S3Error):
    """The server asks the client to reduce its request rate."""

    code_name = "SlowDown"


class InternalError(S3Error):
    """The server failed internally; retrying may succeed."""

    code_name = "InternalError"


class ServiceUnavailable(S3Error):
    """The service is temporarily unavailable."""

    code_name = "ServiceUnavailable"


class AuthorizationHeaderMalformed(S3Error):
    """The Authorization header is malformed, often a wrong region."""

    code_name = "AuthorizationHeaderMalformed"


# Codes a HEAD answer implies, since a HEAD response has no body to carry one.
HEAD_STATUS_CODES = {
    301: "PermanentRedirect",
    304: "NotModified",
    307: "TemporaryRedirect",
    400: "BadRequest",
    403: "AccessDenied",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    412: "PreconditionFailed",
    416: "InvalidRange",
    500: "InternalError",
    501: "NotImplemented",
    503: "SlowDown",
}
