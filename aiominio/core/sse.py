"""Server-side encryption: what to ask for (:class:`SseCustomerKey`, :class:`SseS3`,
:class:`SseKms`) and the headers that ask for it, as pure functions.

SSE-C sends the key itself with every request that writes or reads the object, so it is refused
over plain HTTP. The key never appears in a repr, str or exception.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from types import MappingProxyType

from aiominio.core.endpoint import Endpoint
from aiominio.core.validation import check_encodable, check_header_value
from aiominio.errors import InvalidArgument

_SSE = "x-amz-server-side-encryption"
_CUSTOMER = "x-amz-server-side-encryption-customer-"
_COPY_SOURCE_CUSTOMER = "x-amz-copy-source-server-side-encryption-customer-"
#: The headers that carry (or name) a customer key: never logged, never echoed.
CUSTOMER_KEY_HEADERS = frozenset(
    f"{prefix}{name}"
    for prefix in (_CUSTOMER, _COPY_SOURCE_CUSTOMER)
    for name in ("algorithm", "key", "key-md5")
)
KEY_SIZE = 32


class SseCustomerKey:
    """SSE-C: the server encrypts the object with this 256-bit key and keeps only its MD5.

    The same key must then be given to read the object (``get_object``, ``stat_object``, ...)
    or copy it (``source_sse=``). It travels in every such request, so it is sent over HTTPS
    only. Its repr shows neither the key nor its MD5.

    Raises:
        TypeError: ``key`` is not bytes.
        InvalidArgument: ``key`` is not exactly 32 bytes.
    """

    __slots__ = ("_key",)
    _key: bytes

    def __init__(self, key: bytes) -> None:
        if not isinstance(key, (bytes, bytearray, memoryview)):
            raise TypeError(f"an SSE-C key must be 32 bytes, not {type(key).__name__}")
        raw = bytes(key)
        if len(raw) != KEY_SIZE:
            raise InvalidArgument(f"an SSE-C key must be exactly 32 bytes, got {len(raw)}")
        object.__setattr__(self, "_key", raw)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("SseCustomerKey is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("SseCustomerKey is immutable")

    @property
    def key(self) -> bytes:
        """The key's 32 bytes."""
        return self._key

    def __repr__(self) -> str:
        return "SseCustomerKey(<hidden>)"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SseCustomerKey):
            return NotImplemented
        return self._key == other._key

    def __hash__(self) -> int:
        return hash((SseCustomerKey, self._key))

    def __reduce__(self) -> tuple[object, ...]:
        return (SseCustomerKey, (self._key,))

    def headers(self) -> dict[str, str]:
        """The headers that write or read an object with this key."""
        return self._headers(_CUSTOMER)

    def copy_source_headers(self) -> dict[str, str]:
        """The headers that let a copy read its source with this key."""
        return self._headers(_COPY_SOURCE_CUSTOMER)

    def _headers(self, prefix: str) -> dict[str, str]:
        return {
            prefix + "algorithm": "AES256",
            prefix + "key": base64.b64encode(self._key).decode("ascii"),
            prefix + "key-MD5": base64.b64encode(hashlib.md5(self._key).digest()).decode("ascii"),
        }


class SseS3:
    """SSE-S3: the server encrypts the object with keys it manages (AES256). Reading needs
    nothing more."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "SseS3()"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SseS3)

    def __hash__(self) -> int:
        return hash(SseS3)

    def headers(self) -> dict[str, str]:
        """The header that asks for SSE-S3 on a write."""
        return {_SSE: "AES256"}


class SseKms:
    """SSE-KMS: the server encrypts the object with the KMS key ``key_id``, under the
    encryption ``context`` (string pairs, sent as base64 JSON). Reading needs nothing more.

    Raises:
        TypeError: ``key_id`` is not a str, or ``context`` is not a mapping of str to str.
        InvalidArgument: ``key_id`` is empty or holds a character a header cannot (anything
            but visible ASCII, spaces and tabs); ``context`` holds a lone surrogate.
    """

    __slots__ = ("_context", "_key_id")
    _key_id: str
    _context: Mapping[str, str] | None

    def __init__(self, key_id: str, context: Mapping[str, str] | None = None) -> None:
        if not isinstance(key_id, str):
            raise TypeError(f"key_id must be a str, not {type(key_id).__name__}")
        if not key_id:
            raise InvalidArgument("key_id must not be empty")
        check_header_value("key_id", key_id)  # sent as it is, in a header
        frozen = None
        if context is not None:
            if not isinstance(context, Mapping):
                raise TypeError(f"context must be a mapping, not {type(context).__name__}")
            if not all(isinstance(k, str) and isinstance(v, str) for k, v in context.items()):
                raise TypeError("context keys and values must be str")
            # Sent as base64 of UTF-8 JSON, so any text goes but what UTF-8 cannot encode;
            # found here rather than as a UnicodeEncodeError at the first upload.
            for name, value in context.items():
                check_encodable("context", name)
                check_encodable(f"context value for {name!r}", value)
            frozen = MappingProxyType(dict(context))
        object.__setattr__(self, "_key_id", key_id)
        object.__setattr__(self, "_context", frozen)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("SseKms is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("SseKms is immutable")

    @property
    def key_id(self) -> str:
        return self._key_id

    @property
    def context(self) -> Mapping[str, str] | None:
        return self._context

    def __repr__(self) -> str:
        context = None if self._context is None else dict(self._context)
        return f"SseKms(key_id={self._key_id!r}, context={context!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SseKms):
            return NotImplemented
        mine = None if self._context is None else dict(self._context)
        theirs = None if other._context is None else dict(other._context)
        return self._key_id == other._key_id and mine == theirs

    def __hash__(self) -> int:
        items = None if self._context is None else frozenset(self._context.items())
        return hash((SseKms, self._key_id, items))

    def __reduce__(self) -> tuple[object, ...]:
        context = None if self._context is None else dict(self._context)
        return (SseKms, (self._key_id, context))

    def headers(self) -> dict[str, str]:
        """The headers that ask for SSE-KMS on a write."""
        headers = {_SSE: "aws:kms", f"{_SSE}-aws-kms-key-id": self._key_id}
        if self._context is not None:
            document = json.dumps(dict(self._context), separators=(",", ":"), ensure_ascii=False)
            headers[f"{_SSE}-context"] = base64.b64encode(document.encode()).decode("ascii")
        return headers


#: What ``sse=`` takes on a write.
Sse = SseCustomerKey | SseS3 | SseKms


def check_sse(sse: object, endpoint: Endpoint, name: str = "sse") -> Sse | None:
    """``sse`` of a write, checked: one of the three kinds, and SSE-C only over HTTPS.

    Raises:
        TypeError: not an SseCustomerKey, SseS3 or SseKms.
        InvalidArgument: an SSE-C key for a plain-HTTP endpoint.
    """
    if sse is None:
        return None
    if not isinstance(sse, (SseCustomerKey, SseS3, SseKms)):
        raise TypeError(
            f"{name} must be an SseCustomerKey, SseS3 or SseKms, not {type(sse).__name__}"
        )
    if isinstance(sse, SseCustomerKey) and not endpoint.secure:
        raise InvalidArgument(
            f"{name}: an SSE-C key is sent with the request, and this client's endpoint is "
            "plain HTTP (the key would travel in clear); use an https:// endpoint"
        )
    return sse


def check_read_sse(sse: object, endpoint: Endpoint, name: str = "sse") -> SseCustomerKey | None:
    """``sse`` of a read (or a copy's source): only an SSE-C key is needed to read an object.

    Raises:
        TypeError: not an SseCustomerKey (nor SseS3 or SseKms).
        InvalidArgument: SseS3 or SseKms (the server decrypts those by itself), or an SSE-C
            key for a plain-HTTP endpoint.
    """
    checked = check_sse(sse, endpoint, name)
    if checked is not None and not isinstance(checked, SseCustomerKey):
        raise InvalidArgument(
            f"{name}: reading an object encrypted with {type(checked).__name__} needs no key "
            "(the server decrypts it); only an SseCustomerKey is given to read"
        )
    return checked


def write_headers(sse: Sse | None) -> dict[str, str]:
    """The headers of a PUT, CreateMultipartUpload or copy destination."""
    return {} if sse is None else sse.headers()


def part_headers(sse: Sse | None) -> dict[str, str]:
    """The headers every UploadPart (and CompleteMultipartUpload) of an upload repeats: the
    SSE-C key; SSE-S3 and SSE-KMS are asked for once, at CreateMultipartUpload."""
    return sse.headers() if isinstance(sse, SseCustomerKey) else {}


def read_headers(sse: SseCustomerKey | None) -> dict[str, str]:
    """The headers of a GET or HEAD of an SSE-C object."""
    return {} if sse is None else sse.headers()


def copy_source_headers(sse: SseCustomerKey | None) -> dict[str, str]:
    """The headers that let CopyObject / UploadPartCopy read an SSE-C source."""
    return {} if sse is None else sse.copy_source_headers()


def encrypted_view(headers: Mapping[str, str], customer_key: bool) -> Mapping[str, str]:
    """An answer's (lower-cased) headers, marked as those of an SSE-C object when it was read
    with a key, whether or not the server says so: its ETag is then no MD5 of the data, and
    :func:`~aiominio.core.checksums.body_check` must not take it for one."""
    if not customer_key:
        return headers
    return {**headers, _CUSTOMER + "algorithm": "AES256"}
