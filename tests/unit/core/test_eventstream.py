"""The event-stream decoder and the S3 Select answer parser, on frames built here by hand from
the published format (AWS "Event stream encoding": prelude of total length, headers length and
prelude CRC32; headers; payload; message CRC32; big-endian throughout)."""

from __future__ import annotations

import itertools
import struct
import uuid
import zlib
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

import aiominio
from aiominio.core.eventstream import (
    MAX_MESSAGE_SIZE,
    MIN_MESSAGE_SIZE,
    EventStreamDecoder,
    Message,
    parse_headers,
    raise_if_error,
)
from aiominio.core.select import (
    SelectParser,
)
from aiominio.errors import InvalidResponseError, S3Error


def header(name: str, kind: int, value: bytes = b"") -> bytes:
    raw = name.encode()
    return bytes([len(raw)]) + raw + bytes([kind]) + value


def string(name: str, value: str) -> bytes:
    raw = value.encode()
    return header(name, 7, struct.pack(">H", len(raw)) + raw)


def frame(headers: bytes, payload: bytes = b"") -> bytes:
    total = 12 + len(headers) + len(payload) + 4
    prelude = struct.pack(">II", total, len(headers))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    message = prelude + headers + payload
    return message + struct.pack(">I", zlib.crc32(message))


def event(kind: str, payload: bytes = b"", content_type: str | None = None) -> bytes:
    headers = string(":message-type", "event") + string(":event-type", kind)
    if content_type:
        headers += string(":content-type", content_type)
    return frame(headers, payload)


RECORDS_1 = event("Records", b"ann,31\nbob,", "application/octet-stream")
RECORDS_2 = event("Records", b"25\n", "application/octet-stream")


def stats_xml(tag: str, scanned: int, processed: int, returned: int) -> bytes:
    return (
        f"<?xml version='1.0' encoding='UTF-8'?><{tag}><BytesScanned>{scanned}</BytesScanned>"
        f"<BytesProcessed>{processed}</BytesProcessed><BytesReturned>{returned}</BytesReturned>"
        f"</{tag}>"
    ).encode()


STREAM = (
    RECORDS_1
    + event("Cont")
    + event("Progress", stats_xml("Progress", 10, 10, 5), "text/xml")
    + RECORDS_2
    + event("Stats", stats_xml("Stats", 100, 90, 14), "text/xml")
    + event("End")
)


def test_a_message_decodes_with_every_header_type() -> None:
    when = datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=timezone.utc)
    ident = uuid.UUID("12345678-1234-5678-1234-567812345678")
    millis = int(when.timestamp() * 1000)
    headers = (
        header("yes", 0, b"")
        + header("no", 1, b"")
        + header("byte", 2, struct.pack(">b", -2))
        + header("short", 3, struct.pack(">h", -300))
        + header("int", 4, struct.pack(">i", 70000))
        + header("long", 5, struct.pack(">q", -(2**40)))
        + header("bytes", 6, struct.pack(">H", 3) + b"\x00\x01\x02")
        + string("text", "héllo")
        + header("time", 8, struct.pack(">q", millis))
        + header("id", 9, ident.bytes)
    )
    [message] = EventStreamDecoder().feed(frame(headers, b"payload"))
    assert message == Message(
        {
            "yes": True,
            "no": False,
            "byte": -2,
            "short": -300,
            "int": 70000,
            "long": -(2**40),
            "bytes": b"\x00\x01\x02",
            "text": "héllo",
            "time": when,
            "id": ident,
        },
        b"payload",
    )
    assert message.header("text") == "héllo" and message.header("int") == ""


def test_split_at_every_offset_gives_the_same_messages() -> None:
    whole = EventStreamDecoder().feed(STREAM)
    assert len(whole) == 6
    for cut in range(len(STREAM) + 1):
        decoder = EventStreamDecoder()
        got = decoder.feed(STREAM[:cut]) + decoder.feed(STREAM[cut:])
        assert got == whole, cut
        decoder.close()


def test_byte_by_byte_gives_the_same_messages() -> None:
    decoder = EventStreamDecoder()
    got = [m for i in range(len(STREAM)) for m in decoder.feed(STREAM[i : i + 1])]
    assert got == EventStreamDecoder().feed(STREAM)


@given(st.lists(st.integers(0, len(STREAM)), max_size=8))
def test_any_chunking_gives_the_same_records(cuts: list[int]) -> None:
    bounds = [0, *sorted(cuts), len(STREAM)]
    parser = SelectParser()
    records = [r for a, b in itertools.pairwise(bounds) for r in parser.feed(STREAM[a:b])]
    parser.close()
    assert b"".join(records) == b"ann,31\nbob,25\n"


def test_a_bad_prelude_crc_is_refused() -> None:
    broken = bytearray(RECORDS_1)
    broken[8] ^= 0xFF
    with pytest.raises(aiominio.InvalidResponseError, match="prelude CRC32"):
        EventStreamDecoder().feed(bytes(broken))


def test_a_bad_length_is_refused_by_the_prelude_crc() -> None:
    broken = bytearray(RECORDS_1)
    broken[3] ^= 0x01  # the total length: covered by the prelude CRC
    with pytest.raises(aiominio.InvalidResponseError, match="prelude CRC32"):
        EventStreamDecoder().feed(bytes(broken))


def test_a_bad_message_crc_is_refused() -> None:
    for where in (20, len(RECORDS_1) - 6, len(RECORDS_1) - 1):  # a header, payload, the CRC
        broken = bytearray(RECORDS_1)
        broken[where] ^= 0x20
        with pytest.raises(aiominio.InvalidResponseError, match="message CRC32"):
            EventStreamDecoder().feed(bytes(broken))


def test_an_impossible_length_with_a_good_prelude_crc_is_refused() -> None:
    for total, headers_len in ((8, 0), (2**31, 0), (20, 10)):
        prelude = struct.pack(">II", total, headers_len)
        prelude += struct.pack(">I", zlib.crc32(prelude))
        with pytest.raises(aiominio.InvalidResponseError, match=r"length|headers"):
            EventStreamDecoder().feed(prelude)


def test_malformed_headers_are_refused() -> None:
    for headers, why in (
        (header("x", 42, b""), "unknown value type"),
        (header("x", 4, b"\x00\x01"), "past the headers"),
        (header("x", 7, struct.pack(">H", 9) + b"abc"), "past the headers"),
        (header("x", 7, struct.pack(">H", 2) + b"\xff\xfe"), "UTF-8"),
        (b"\x05ab", "past the headers"),
    ):
        with pytest.raises(aiominio.InvalidResponseError, match=why):
            EventStreamDecoder().feed(frame(headers))
        with pytest.raises(aiominio.InvalidResponseError, match=why):
            parse_headers(headers)


def test_a_truncated_stream_is_an_error_at_close() -> None:
    for cut in (1, 11, 12, len(RECORDS_1) - 1):
        decoder = EventStreamDecoder()
        assert decoder.feed(RECORDS_1[:cut]) == []
        assert decoder.pending == cut
        with pytest.raises(aiominio.InvalidResponseError, match="ended"):
            decoder.close()


# -- the request -------------------------------------------------------------------------------


# The empty message (no headers, no payload): the first vector of aws-c-event-stream's tests,
# prelude 00000010 00000000, prelude CRC 05c248eb, message CRC 7d98c8ff.
EMPTY = bytes.fromhex("00000010000000000 5c248eb7d98c8ff".replace(" ", ""))


def prelude(total: int, headers_len: int) -> bytes:
    head = struct.pack(">II", total, headers_len)
    return head + struct.pack(">I", zlib.crc32(head))


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
