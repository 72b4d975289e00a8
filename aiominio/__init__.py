"""aiominio: an asyncio-native client for Amazon S3 and S3-compatible object storage."""

from __future__ import annotations

__version__ = "0.1.0"

from aiominio.client import Client
from aiominio.credentials import (
    Credentials,
    CredentialsProvider,
    EnvironmentProvider,
    StaticProvider,
)
from aiominio.errors import (
    AccessDenied,
    AiominioError,
    BadDigest,
    BucketAlreadyExists,
    BucketAlreadyOwnedByYou,
    BucketNotEmpty,
    ClientClosedError,
    ConnectError,
    ConnectionLostError,
    EntityTooLarge,
    InternalError,
    InvalidAccessKeyId,
    InvalidArgument,
    InvalidBucketName,
    InvalidRange,
    InvalidResponseError,
    NoSuchBucket,
    NoSuchKey,
    NoSuchUpload,
    PreconditionFailed,
    RequestTimeout,
    S3Error,
    ServiceUnavailable,
    SignatureDoesNotMatch,
    SlowDown,
    TransportError,
)
from aiominio.models import Bucket
from aiominio.transport import Timeouts

__all__ = [
    "AccessDenied",
    "AiominioError",
    "BadDigest",
    "Bucket",
    "BucketAlreadyExists",
    "BucketAlreadyOwnedByYou",
    "BucketNotEmpty",
    "Client",
    "ClientClosedError",
    "ConnectError",
    "ConnectionLostError",
    "Credentials",
    "CredentialsProvider",
    "EntityTooLarge",
    "EnvironmentProvider",
    "InternalError",
    "InvalidAccessKeyId",
    "InvalidArgument",
    "InvalidBucketName",
    "InvalidRange",
    "InvalidResponseError",
    "NoSuchBucket",
    "NoSuchKey",
    "NoSuchUpload",
    "PreconditionFailed",
    "RequestTimeout",
    "S3Error",
    "ServiceUnavailable",
    "SignatureDoesNotMatch",
    "SlowDown",
    "StaticProvider",
    "Timeouts",
    "TransportError",
    "__version__",
]
