"""AWS event-stream framing (``application/vnd.amazon.eventstream``), decoded incrementally.

The answer of SelectObjectContent is a sequence of messages, each framed as::

    total length (4 bytes) | headers length (4) | prelude CRC32 (4)
    headers (headers length bytes) | payload | message CRC32 (4)

all integers big-endian; the prelude CRC covers the first 8 bytes, the message CRC everything
before it. A header is a name length (1 byte), the name (UTF-8), a value type (1 byte) and the
value: 0 true, 1 false (no bytes), 2 byte, 3 short, 4 integer, 5 long (signed, 1/2/4/8 bytes),
6 byte array and 7 string (a 2-byte length, then the bytes), 8 timestamp (milliseconds since
the epoch, 8 bytes), 9 UUID (16 bytes).

:class:`EventStreamDecoder` takes the bytes as they arrive, in chunks cut anywhere, and hands
back whole messages once their CRCs check out. It does no I/O.
"""

from __future__ import annotations

import struct
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from aiominio.errors import InvalidResponseError, S3Error

#: The prelude (total length, headers length, prelude CRC) and the trailing message CRC.
PRELUDE_SIZE = 12
CRC_SIZE = 4
MIN_MESSAGE_SIZE = PRELUDE_SIZE + CRC_SIZE
#: The longest message accepted: S3 sends records in far smaller messages; a length beyond
#: this is a corrupted prelude that must not make the decoder wait for (or buffer) gigabytes.
MAX_MESSAGE_SIZE = 16 * 1024 * 1024

HeaderValue = bool | int | bytes | str | datetime | uuid.UUID

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_INTS = {2: ">b", 3: ">h", 4: ">i", 5: ">q"}


@dataclass(frozen=True, slots=True)
class Message:
    """One event-stream message: its headers (by name) and its payload."""

    headers: dict[str, HeaderValue] = field(default_factory=dict)
    payload: bytes = b""

    def header(self, name: str) -> str:
        """The header ``name`` as a str (``""`` when absent or not a string)."""
        value = self.headers.get(name)
        return value if isinstance(value, str) else ""


def _corrupt(why: str) -> InvalidResponseError:
    return InvalidResponseError(f"a corrupted event stream: {why}")


def parse_headers(data: bytes) -> dict[str, HeaderValue]:
    """The headers block of one message.

    Raises:
        InvalidResponseError: a header runs past the block, an unknown value type, a name or
            string that is not UTF-8.
    """
    headers: dict[str, HeaderValue] = {}
    pos = 0
    end = len(data)

    def take(n: int) -> bytes:
        nonlocal pos
        if pos + n > end:
            raise _corrupt("a header runs past the headers block")
        chunk = data[pos : pos + n]
        pos += n
        return chunk

    while pos < end:
        name_len = take(1)[0]
        try:
            name = take(name_len).decode("utf-8")
            kind = take(1)[0]
            value: HeaderValue
            if kind in (0, 1):
                value = kind == 0
            elif kind in _INTS:
                fmt = _INTS[kind]
                value = struct.unpack(fmt, take(struct.calcsize(fmt)))[0]
            elif kind in (6, 7):
                raw = take(struct.unpack(">H", take(2))[0])
                value = raw.decode("utf-8") if kind == 7 else raw
            elif kind == 8:
                millis = struct.unpack(">q", take(8))[0]
                value = _EPOCH + timedelta(milliseconds=millis)
            elif kind == 9:
                value = uuid.UUID(bytes=take(16))
            else:
                raise _corrupt(f"header {name!r} has the unknown value type {kind}")
        except UnicodeDecodeError as exc:
            raise _corrupt("a header name or string value is not UTF-8") from exc
        except OverflowError as exc:
            raise _corrupt("a timestamp header out of range") from exc
        headers[name] = value
    return headers


class EventStreamDecoder:
    """Turns event-stream bytes, fed in chunks of any size, into :class:`Message` s.

    Example::

        decoder = EventStreamDecoder()
        for chunk in chunks:
            for message in decoder.feed(chunk):
                ...
        decoder.close()  # raises if the stream stopped inside a message
    """

    def __init__(self, *, max_message_size: int = MAX_MESSAGE_SIZE) -> None:
        self._buffer = bytearray()
        self._max = max_message_size

    @property
    def pending(self) -> int:
        """How many bytes of an incomplete message are buffered."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[Message]:
        """The messages ``data`` completes (none while a message is still incomplete).

        Raises:
            InvalidResponseError: a prelude or message CRC that does not match, a length out of
                range, malformed headers. The decoder is then unusable: the stream has lost its
                framing.
        """
        self._buffer += data
        messages: list[Message] = []
        while len(self._buffer) >= PRELUDE_SIZE:
            total, headers_len, prelude_crc = struct.unpack_from(">III", self._buffer)
            if zlib.crc32(self._buffer[:8]) != prelude_crc:
                raise _corrupt("the prelude CRC32 does not match")
            if not MIN_MESSAGE_SIZE <= total <= self._max:
                raise _corrupt(f"a message length of {total} bytes")
            if headers_len > total - MIN_MESSAGE_SIZE:
                raise _corrupt(f"{headers_len} bytes of headers in a {total}-byte message")
            if len(self._buffer) < total:
                break
            frame = bytes(self._buffer[:total])
            del self._buffer[:total]
            (message_crc,) = struct.unpack_from(">I", frame, total - CRC_SIZE)
            if zlib.crc32(frame[: total - CRC_SIZE]) != message_crc:
                raise _corrupt("the message CRC32 does not match")
            headers_end = PRELUDE_SIZE + headers_len
            messages.append(
                Message(
                    parse_headers(frame[PRELUDE_SIZE:headers_end]),
                    frame[headers_end : total - CRC_SIZE],
                )
            )
        return messages

    def close(self) -> None:
        """The stream ended: raise if it stopped inside a message.

        Raises:
            InvalidResponseError: bytes of an incomplete message are left over.
        """
        if self._buffer:
            raise _corrupt(f"the stream ended {len(self._buffer)} bytes into a message")


def raise_if_error(message: Message, *, bucket: str | None = None, key: str | None = None) -> None:
    """Raise the error an ``error`` (or ``exception``) message carries, as an
    :class:`~aiominio.S3Error` of its code (a registered subclass where there is one).

    Raises:
        S3Error: the message is an error event.
    """
    kind = message.header(":message-type")
    if kind == "error":
        code = message.header(":error-code") or "UnknownError"
        text = message.header(":error-message")
    elif kind == "exception":
        code = message.header(":exception-type") or "UnknownError"
        text = message.payload.decode("utf-8", "replace")[:1024]
    else:
        return
    raise S3Error.from_code(code, text, status=200, bucket=bucket, key=key)
