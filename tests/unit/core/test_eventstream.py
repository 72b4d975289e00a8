"""The event-stream decoder and the S3 Select answer parser, on frames built here by hand from
the published format (AWS "Event stream encoding": prelude of total length, headers length and
prelude CRC32; headers; payload; message CRC32; big-endian throughout)."""

from __future__ import annotations

import itertools
import struct
import uuid
import zlib
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

import aiominio
from aiominio.core.eventstream import EventStreamDecoder, Message, parse_headers
from aiominio.core.select import (
    CSVInput,
    CSVOutput,
    JSONInput,
    JSONOutput,
    ParquetInput,
    SelectParser,
    SelectRequest,
    SelectStats,
    build_select,
)
from aiominio.core.xml import parse


def header(name: str, kind: int, value: bytes) -> bytes:
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


def stats_xml(tag: str, scanned: int, processed: int, returned: int) -> bytes:
    return (
        f"<?xml version='1.0' encoding='UTF-8'?><{tag}><BytesScanned>{scanned}</BytesScanned>"
        f"<BytesProcessed>{processed}</BytesProcessed><BytesReturned>{returned}</BytesReturned>"
        f"</{tag}>"
    ).encode()


RECORDS_1 = event("Records", b"ann,31\nbob,", "application/octet-stream")
RECORDS_2 = event("Records", b"25\n", "application/octet-stream")
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


def test_the_select_parser_returns_records_progress_and_stats() -> None:
    parser = SelectParser()
    assert parser.feed(STREAM[: len(RECORDS_1)]) == [b"ann,31\nbob,"]
    assert parser.stats is None and not parser.ended
    assert parser.feed(STREAM[len(RECORDS_1) :]) == [b"25\n"]
    assert parser.progress == SelectStats(10, 10, 5)
    assert parser.stats == SelectStats(100, 90, 14)
    assert parser.ended
    parser.close()


def test_a_select_answer_without_its_end_event_is_an_error() -> None:
    parser = SelectParser()
    parser.feed(RECORDS_1 + event("Stats", stats_xml("Stats", 1, 1, 1)))
    with pytest.raises(aiominio.InvalidResponseError, match="End event"):
        parser.close()


def test_events_after_the_end_are_refused() -> None:
    with pytest.raises(aiominio.InvalidResponseError, match="after its End"):
        SelectParser().feed(event("End") + RECORDS_2)


def test_unknown_events_and_message_types_are_skipped() -> None:
    parser = SelectParser()
    other = frame(string(":message-type", "event") + string(":event-type", "Future"), b"?")
    assert parser.feed(other + frame(string(":message-type", "ping")) + RECORDS_2) == [b"25\n"]


def test_an_error_event_is_a_typed_s3_error() -> None:
    error = frame(
        string(":message-type", "error")
        + string(":error-code", "InternalError")
        + string(":error-message", "We encountered an internal error.")
    )
    parser = SelectParser(bucket="b", key="k.csv")
    assert parser.feed(RECORDS_1 + error) == [b"ann,31\nbob,"]  # the records before it first
    with pytest.raises(aiominio.InternalError) as info:
        parser.raise_error()
    assert info.value.code == "InternalError"
    assert info.value.message == "We encountered an internal error."
    assert (info.value.bucket, info.value.key) == ("b", "k.csv")
    other = frame(
        string(":message-type", "error")
        + string(":error-code", "CastFailed")
        + string(":error-message", "Attempt to convert from one data type to another failed")
    )
    with pytest.raises(aiominio.S3Error, match="CastFailed") as generic:
        SelectParser().feed(other)
    later = SelectParser()
    later.feed(RECORDS_2 + other)
    with pytest.raises(aiominio.S3Error, match="CastFailed"):
        later.close()
    with pytest.raises(aiominio.S3Error, match="CastFailed"):
        later.feed(b"")
    assert generic.value.code == "CastFailed" and "convert" in generic.value.message


def test_an_exception_message_is_a_typed_s3_error() -> None:
    exception = frame(
        string(":message-type", "exception") + string(":exception-type", "SlowDown"), b"slow"
    )
    with pytest.raises(aiominio.SlowDown, match="slow"):
        SelectParser().feed(exception)


def test_malformed_stats_are_refused() -> None:
    with pytest.raises(aiominio.InvalidResponseError):
        SelectParser().feed(event("Stats", b"<Stats><BytesScanned>x</BytesScanned></Stats>"))


# -- the request -------------------------------------------------------------------------------


def test_a_csv_request_document() -> None:
    request = SelectRequest(
        "SELECT * FROM S3Object",
        CSVInput(
            file_header_info="USE",
            field_delimiter=";",
            record_delimiter="\r\n",
            quote_character="'",
            quote_escape_character="\\",
            comments="#",
            allow_quoted_record_delimiter=True,
            compression="GZIP",
        ),
        CSVOutput(quote_fields="ALWAYS", field_delimiter="|"),
        request_progress=True,
    )
    root = parse(build_select(request))
    assert root.findtext("Expression") == "SELECT * FROM S3Object"
    assert root.findtext("ExpressionType") == "SQL"
    assert root.findtext("InputSerialization/CompressionType") == "GZIP"
    csv = root.find("InputSerialization/CSV")
    assert csv is not None
    assert {c.tag: c.text for c in csv} == {
        "FileHeaderInfo": "USE",
        "Comments": "#",
        "RecordDelimiter": "\r\n",
        "FieldDelimiter": ";",
        "QuoteCharacter": "'",
        "QuoteEscapeCharacter": "\\",
        "AllowQuotedRecordDelimiter": "true",
    }
    assert root.findtext("OutputSerialization/CSV/QuoteFields") == "ALWAYS"
    assert root.findtext("OutputSerialization/CSV/FieldDelimiter") == "|"
    assert root.findtext("RequestProgress/Enabled") == "true"


def test_json_and_parquet_request_documents() -> None:
    root = parse(
        build_select(SelectRequest("SELECT 1", JSONInput("LINES", "BZIP2"), JSONOutput(",")))
    )
    assert root.findtext("InputSerialization/JSON/Type") == "LINES"
    assert root.findtext("InputSerialization/CompressionType") == "BZIP2"
    assert root.findtext("OutputSerialization/JSON/RecordDelimiter") == ","
    assert root.find("RequestProgress") is None
    root = parse(build_select(SelectRequest("SELECT 1", ParquetInput(), JSONOutput())))
    assert root.find("InputSerialization/Parquet") is not None
    assert root.find("InputSerialization/CompressionType") is None


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: SelectRequest("  ", CSVInput(), CSVOutput()), aiominio.InvalidArgument, "empty"),
        (lambda: SelectRequest(b"x", CSVInput(), CSVOutput()), TypeError, "expression"),
        (
            lambda: SelectRequest("x" * 262145, CSVInput(), CSVOutput()),
            aiominio.InvalidArgument,
            "256",
        ),
        (lambda: SelectRequest("x", "CSV", CSVOutput()), TypeError, "input_serialization"),
        (lambda: SelectRequest("x", CSVInput(), CSVInput()), TypeError, "output_serialization"),
        (
            lambda: SelectRequest("x", CSVInput(), CSVOutput(), request_progress=1),
            TypeError,
            "progress",
        ),
        (lambda: CSVInput(file_header_info="yes"), aiominio.InvalidArgument, "file_header_info"),
        (lambda: CSVInput(field_delimiter=",,"), aiominio.InvalidArgument, "field_delimiter"),
        (lambda: CSVInput(record_delimiter=""), aiominio.InvalidArgument, "record_delimiter"),
        (lambda: CSVInput(quote_character=1), TypeError, "quote_character"),
        (lambda: CSVInput(compression="ZIP"), aiominio.InvalidArgument, "compression"),
        (lambda: JSONInput("ARRAY"), aiominio.InvalidArgument, "type"),
        (lambda: CSVOutput(quote_fields="NEVER"), aiominio.InvalidArgument, "quote_fields"),
        (lambda: JSONOutput(record_delimiter="abc"), aiominio.InvalidArgument, "record_delimiter"),
    ],
)
def test_bad_select_values_are_refused(make: object, error: type[Exception], match: str) -> None:
    assert callable(make)
    with pytest.raises(error, match=match):
        make()
