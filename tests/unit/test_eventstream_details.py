"""Event-stream framing in detail: the smallest message byte for byte, the length limits on both
sides, the exact refusals, every header type at its edges, and error events. Frames are built
here from the published layout (big-endian total length, headers length, CRC32 of those 8
bytes; headers; payload; CRC32 of everything before it)."""

from __future__ import annotations

import struct
import uuid
import zlib
from datetime import datetime, timedelta, timezone

import pytest

import aiominio
from aiominio.core.eventstream import (
    MAX_MESSAGE_SIZE,
    MIN_MESSAGE_SIZE,
    EventStreamDecoder,
    Message,
    parse_headers,
    raise_if_error,
)
from aiominio.errors import InvalidResponseError, S3Error

# The empty message (no headers, no payload): the first vector of aws-c-event-stream's tests,
# prelude 00000010 00000000, prelude CRC 05c248eb, message CRC 7d98c8ff.
EMPTY = bytes.fromhex("00000010000000000 5c248eb7d98c8ff".replace(" ", ""))


def prelude(total: int, headers_len: int) -> bytes:
    head = struct.pack(">II", total, headers_len)
    return head + struct.pack(">I", zlib.crc32(head))


def frame(headers: bytes, payload: bytes = b"") -> bytes:
    body = prelude(12 + len(headers) + len(payload) + 4, len(headers)) + headers + payload
    return body + struct.pack(">I", zlib.crc32(body))


def header(name: str, kind: int, value: bytes = b"") -> bytes:
    raw = name.encode()
    return bytes([len(raw)]) + raw + bytes([kind]) + value


def string(name: str, value: str) -> bytes:
    raw = value.encode()
    return header(name, 7, struct.pack(">H", len(raw)) + raw)


def corrupt(why: str) -> str:
    return r"^a corrupted event stream: " + why + "$"


def test_the_smallest_message() -> None:
    assert MIN_MESSAGE_SIZE == 16
    assert frame(b"") == EMPTY
    decoder = EventStreamDecoder()
    assert decoder.feed(EMPTY) == [Message({}, b"")]
    assert decoder.pending == 0
    decoder.close()


def test_pending_counts_the_bytes_of_an_incomplete_message() -> None:
    decoder = EventStreamDecoder()
    whole = frame(string("a", "b"), b"xyz")
    assert decoder.feed(whole + whole[:5]) == [Message({"a": "b"}, b"xyz")]
    assert decoder.pending == 5
    with pytest.raises(
        InvalidResponseError, match=corrupt("the stream ended 5 bytes into a message")
    ):
        decoder.close()
    assert decoder.feed(whole[5:13]) == []
    assert decoder.pending == 13
    assert decoder.feed(whole[13:]) == [Message({"a": "b"}, b"xyz")]
    assert decoder.pending == 0


def test_a_bad_prelude_is_refused_once_its_12_bytes_are_there() -> None:
    bad = bytearray(prelude(100, 0))
    bad[11] ^= 1
    decoder = EventStreamDecoder()
    assert decoder.feed(bytes(bad[:11])) == []
    with pytest.raises(InvalidResponseError, match=corrupt("the prelude CRC32 does not match")):
        decoder.feed(bytes(bad[11:]))


def test_the_message_crc_covers_everything_after_the_prelude() -> None:
    whole = frame(string("k", "v"), b"payload")
    for where in (12, len(whole) - 5, len(whole) - 4, len(whole) - 1):
        broken = bytearray(whole)
        broken[where] ^= 0x80
        with pytest.raises(InvalidResponseError, match=corrupt("the message CRC32 does not match")):
            EventStreamDecoder().feed(bytes(broken))


def test_message_lengths_on_both_sides_of_the_limits() -> None:
    with pytest.raises(InvalidResponseError, match=corrupt("a message length of 15 bytes")):
        EventStreamDecoder().feed(prelude(15, 0))
    assert EventStreamDecoder().feed(prelude(16, 0)) == []
    small = EventStreamDecoder(max_message_size=40)
    assert small.feed(prelude(40, 0)) == []
    with pytest.raises(InvalidResponseError, match=corrupt("a message length of 41 bytes")):
        EventStreamDecoder(max_message_size=40).feed(prelude(41, 0))
    assert MAX_MESSAGE_SIZE == 16 * 1024 * 1024
    assert EventStreamDecoder().feed(prelude(MAX_MESSAGE_SIZE, 0)) == []
    with pytest.raises(
        InvalidResponseError, match=corrupt(f"a message length of {MAX_MESSAGE_SIZE + 1} bytes")
    ):
        EventStreamDecoder().feed(prelude(MAX_MESSAGE_SIZE + 1, 0))


def test_a_message_of_exactly_the_limit_decodes() -> None:
    payload = b"p" * (40 - 16)
    whole = frame(b"", payload)
    assert len(whole) == 40
    assert EventStreamDecoder(max_message_size=40).feed(whole) == [Message({}, payload)]


def test_headers_length_on_both_sides_of_the_message() -> None:
    assert EventStreamDecoder().feed(prelude(30, 14)) == []
    with pytest.raises(
        InvalidResponseError, match=corrupt("15 bytes of headers in a 30-byte message")
    ):
        EventStreamDecoder().feed(prelude(30, 15))
    headers = string("abc", "de") + header("t", 0)  # 4+1+2+2 + 3 = 12 bytes
    whole = frame(headers)
    assert len(whole) - 16 == len(headers)
    assert EventStreamDecoder().feed(whole) == [Message({"abc": "de", "t": True}, b"")]


def test_several_messages_in_one_chunk_keep_their_bounds() -> None:
    first = frame(string(":event-type", "Records"), b"one")
    second = frame(header("n", 4, struct.pack(">i", -5)), b"two!")
    assert EventStreamDecoder().feed(first + EMPTY + second) == [
        Message({":event-type": "Records"}, b"one"),
        Message({}, b""),
        Message({"n": -5}, b"two!"),
    ]


def test_integer_headers_are_signed_big_endian_of_their_width() -> None:
    data = (
        header("b", 2, b"\x80")
        + header("s", 3, b"\x80\x01")
        + header("i", 4, b"\xff\xff\xff\xfe")
        + header("l", 5, b"\x00\x00\x00\x01\x00\x00\x00\x00")
    )
    assert parse_headers(data) == {"b": -128, "s": -32767, "i": -2, "l": 2**32}


def test_byte_and_string_values_have_an_unsigned_two_byte_length() -> None:
    long = "é" * 20000  # 40,000 bytes: past a signed 16-bit length
    raw = b"\x01\x02" * 150
    data = (
        string("s", long)
        + header("b", 6, struct.pack(">H", 300) + raw)
        + header("e", 7, b"\x00\x00")
    )
    assert parse_headers(data) == {"s": long, "b": raw, "e": ""}


def test_timestamps_and_uuids() -> None:
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    data = (
        header("t0", 8, struct.pack(">q", 0))
        + header("t1", 8, struct.pack(">q", -1))
        + header("t2", 8, struct.pack(">q", 1_700_000_000_123))
        + header("u", 9, bytes(range(16)))
    )
    assert parse_headers(data) == {
        "t0": epoch,
        "t1": epoch - timedelta(milliseconds=1),
        "t2": datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=timezone.utc),
        "u": uuid.UUID("00010203-0405-0607-0809-0a0b0c0d0e0f"),
    }
    for millis in (2**62, 253402300800000):  # past timedelta, past the year 9999
        with pytest.raises(InvalidResponseError, match=corrupt("a timestamp header out of range")):
            parse_headers(header("t", 8, struct.pack(">q", millis)))


def test_header_refusals() -> None:
    with pytest.raises(
        InvalidResponseError, match=corrupt("header 'x' has the unknown value type 10")
    ):
        parse_headers(header("x", 10))
    with pytest.raises(InvalidResponseError, match=corrupt("a header runs past the headers block")):
        parse_headers(header("x", 9, bytes(15)))
    with pytest.raises(InvalidResponseError, match=corrupt("a header runs past the headers block")):
        parse_headers(b"\x02a")
    with pytest.raises(
        InvalidResponseError, match=corrupt("a header name or string value is not UTF-8")
    ):
        parse_headers(b"\x01\xff\x00")
    with pytest.raises(
        InvalidResponseError, match=corrupt("a header name or string value is not UTF-8")
    ):
        parse_headers(header("x", 7, b"\x00\x01\xc3"))
    assert parse_headers(header("x", 6, b"\x00\x01\xc3")) == {"x": b"\xc3"}
    assert parse_headers(b"") == {}
    assert parse_headers(header("", 1)) == {"": False}
    assert parse_headers(header("x", 9, bytes(16))) == {"x": uuid.UUID(int=0)}


def test_a_header_as_a_string() -> None:
    message = Message({"s": "v", "n": 5, "t": True, "b": b"v"})
    assert (message.header("s"), message.header("n"), message.header("t")) == ("v", "", "")
    assert (message.header("b"), message.header("missing")) == ("", "")
    assert Message() == Message({}, b"")


def msg(**headers: str) -> Message:
    return Message(dict(headers))


def test_an_error_message_raises_its_code_and_text() -> None:
    error = Message(
        {":message-type": "error", ":error-code": "NoSuchKey", ":error-message": "gone"}
    )
    with pytest.raises(aiominio.NoSuchKey) as info:
        raise_if_error(error, bucket="b", key="k")
    e = info.value
    assert (e.code, e.message, e.status, e.bucket, e.key) == ("NoSuchKey", "gone", 200, "b", "k")
    with pytest.raises(S3Error) as bare:
        raise_if_error(Message({":message-type": "error"}))
    assert type(bare.value) is S3Error
    assert (bare.value.code, bare.value.message, bare.value.bucket, bare.value.key) == (
        "UnknownError",
        "",
        None,
        None,
    )


def test_an_exception_message_raises_its_type_and_payload() -> None:
    payload = "é".encode() + b"\xff" + b"a" * 2000
    exception = Message({":message-type": "exception", ":exception-type": "SlowDown"}, payload)
    with pytest.raises(aiominio.SlowDown) as info:
        raise_if_error(exception, key="k")
    assert info.value.message == "é\ufffd" + "a" * 1022
    assert (info.value.status, info.value.key, info.value.bucket) == (200, "k", None)
    with pytest.raises(S3Error) as bare:
        raise_if_error(Message({":message-type": "exception"}, b"why"))
    assert (bare.value.code, bare.value.message) == ("UnknownError", "why")


def test_other_messages_raise_nothing() -> None:
    for kind in ("event", "", "Error"):
        raise_if_error(Message({":message-type": kind, ":error-code": "X"}, b"p"))
    raise_if_error(Message({":error-code": "X"}))
