"""The notification stream in detail: exact refusals of the arguments and of bad lines, the
limits on both sides, every field of a record, and the decoder's state after an error."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

import aiominio
from aiominio.core.listen import (
    DEFAULT_EVENTS,
    MAX_LINE_BYTES,
    BucketEvent,
    EventLineDecoder,
    check_events,
    check_filter,
    listen_query,
    parse_line,
    parse_record,
)
from aiominio.errors import InvalidArgument, InvalidResponseError


def line(*records: dict[str, object]) -> bytes:
    return json.dumps({"Records": list(records)}).encode() + b"\n"


def named(name: str) -> dict[str, object]:
    return {"eventName": name}


def test_the_defaults() -> None:
    assert DEFAULT_EVENTS == ("s3:ObjectCreated:*", "s3:ObjectRemoved:*")
    assert MAX_LINE_BYTES == 8 * 1024 * 1024


def test_event_names_are_checked() -> None:
    assert check_events(n for n in ["s3:x", "s3:ObjectRemoved:*"]) == (
        "s3:x",
        "s3:ObjectRemoved:*",
    )
    with pytest.raises(
        TypeError,
        match=r"^events must be a sequence of event names such as 's3:ObjectCreated:\*'$",
    ):
        check_events("s3:ObjectCreated:*")
    with pytest.raises(TypeError, match=r"^events must be a sequence of event names"):
        check_events(5)
    with pytest.raises(InvalidArgument, match=r"^events must name at least one event$"):
        check_events([])
    with pytest.raises(TypeError, match=r"^events must be str names, not bytes$"):
        check_events(["s3:x", b"s3:y"])
    for bad in ("s3:", "S3:x", "x:s3:y", ""):
        with pytest.raises(
            InvalidArgument, match=rf"^events: '{bad}' is not an event name \(s3:\.\.\.\)$"
        ):
            check_events([bad])
    with pytest.raises(
        InvalidArgument,
        match=r"^events may hold only one line without control characters: '\\n' at position 4$",
    ):
        check_events(["s3:a\nb"])


def test_filters_are_checked_in_utf8_bytes() -> None:
    assert check_filter("prefix", "") == ""
    assert check_filter("prefix", "é" * 512) == "é" * 512
    with pytest.raises(InvalidArgument, match=r"^suffix must be at most 1024 bytes$"):
        check_filter("suffix", "é" * 512 + "a")
    assert check_filter("suffix", "a" * 1024) == "a" * 1024
    with pytest.raises(InvalidArgument, match=r"^prefix must be at most 1024 bytes$"):
        check_filter("prefix", "a" * 1025)
    with pytest.raises(TypeError, match=r"^prefix must be a str, not bytes$"):
        check_filter("prefix", b"p/")
    with pytest.raises(
        InvalidArgument,
        match=r"^suffix may hold only one line without control characters: '\\r' at position 1$",
    ):
        check_filter("suffix", "a\rb")
    with pytest.raises(
        InvalidArgument,
        match=r"^prefix may hold only text that UTF-8 can encode: '\\ud800' at position 0$",
    ):
        check_filter("prefix", "\ud800")  # not a bare UnicodeEncodeError from the size check


def test_the_query_order() -> None:
    assert listen_query("", "", ()) == (("prefix", ""), ("suffix", ""))
    assert listen_query("p", "s", ["s3:b", "s3:a"]) == (
        ("prefix", "p"),
        ("suffix", "s"),
        ("events", "s3:b"),
        ("events", "s3:a"),
    )


def test_every_field_of_a_record() -> None:
    record: dict[str, object] = {
        "eventName": "s3:ObjectCreated:Put",
        "eventTime": "2026-12-07T04:00:00.500Z",
        "s3": {
            "bucket": {"name": "photos"},
            "object": {"key": "a%2Fb+c%2B", "size": 0, "eTag": "e1", "versionId": "v1"},
        },
    }
    event = parse_record(record)
    assert event == BucketEvent(
        event_name="s3:ObjectCreated:Put",
        bucket="photos",
        key="a/b c+",
        size=0,
        etag="e1",
        version_id="v1",
        event_time=datetime(2026, 12, 7, 4, 0, 0, 500000, tzinfo=timezone.utc),
    )
    assert event.record == record and event.record is not record


def test_a_record_with_only_its_name() -> None:
    event = parse_record({"eventName": "s3:ObjectRemoved:Delete", "eventTime": ""})
    assert (event.bucket, event.key, event.size, event.etag, event.version_id) == (
        "",
        "",
        None,
        None,
        None,
    )
    assert event.event_time is None
    odd = parse_record(
        {
            "eventName": "n",
            "s3": {"bucket": "photos", "object": {"key": 5, "eTag": "", "versionId": 7}},
        }
    )
    assert (odd.bucket, odd.key, odd.etag, odd.version_id) == ("", "", None, None)
    assert parse_record({"eventName": "n", "s3": ["x"]}).key == ""


def test_record_refusals() -> None:
    for record in ({}, {"eventName": ""}, {"eventName": 5}):
        with pytest.raises(
            InvalidResponseError, match=r"^a notification record without its eventName$"
        ):
            parse_record(record)
    for size, shown in ((-1, "-1"), ("3", "'3'"), (False, "False"), (1.0, "1.0")):
        with pytest.raises(
            InvalidResponseError,
            match=rf"^a notification record with a malformed size: {shown}$",
        ):
            parse_record({"eventName": "n", "s3": {"object": {"size": size}}})


def test_line_refusals_quote_at_most_64_bytes() -> None:
    long = b"x" * 70
    with pytest.raises(
        InvalidResponseError,
        match=r"^a notification line that is not JSON: b'" + "x" * 64 + "'$",
    ) as info:
        parse_line(long)
    assert info.value.body == long
    with pytest.raises(InvalidResponseError, match=r"^a notification line that is not JSON: "):
        parse_line(b"\xff")
    with pytest.raises(
        InvalidResponseError,
        match=r"^a notification line that is not an object: b'\[" + "1, " * 21 + "'$",
    ):
        parse_line(json.dumps([1] * 40).encode())
    for records in ("{}", "[1]", '[{"eventName": "n"}, "x"]'):
        with pytest.raises(
            InvalidResponseError,
            match=r"^a notification whose Records is not a list of objects$",
        ):
            parse_line(b'{"Records": ' + records.encode() + b"}")
    assert parse_line(b'{"Other": 1}') == []
    assert parse_line(b'{"Records": []}') == []


def test_a_bad_first_line_raises_at_once_and_leaves_the_decoder_usable() -> None:
    decoder = EventLineDecoder()
    with pytest.raises(InvalidResponseError, match=r"^a notification line that is not JSON"):
        decoder.feed(b"nope\n")
    decoder.raise_error()  # nothing kept
    assert [e.event_name for e in decoder.feed(line(named("s3:a")))] == ["s3:a"]


def test_the_lines_after_a_bad_one_are_not_read() -> None:
    decoder = EventLineDecoder()
    got = decoder.feed(line(named("s3:a")) + b"[]\n" + line(named("s3:b")))
    assert [e.event_name for e in got] == ["s3:a"]
    with pytest.raises(InvalidResponseError, match=r"^a notification line that is not an object"):
        decoder.feed(b"")
    with pytest.raises(InvalidResponseError, match=r"^a notification line that is not an object"):
        decoder.raise_error()


def test_events_of_several_lines_and_records_in_order() -> None:
    got = EventLineDecoder().feed(
        line(named("s3:a"), named("s3:b")) + b"\t \r\n" + line(named("s3:c")) + b"\n"
    )
    assert [e.event_name for e in got] == ["s3:a", "s3:b", "s3:c"]


def test_the_line_limit_on_both_sides() -> None:
    decoder = EventLineDecoder(max_line=10)
    assert decoder.feed(b'{"Records"') == []  # 10 bytes pending: at the limit
    with pytest.raises(InvalidResponseError, match=r"^a notification line longer than 10 bytes$"):
        decoder.feed(b":")
    ok = EventLineDecoder(max_line=10)
    assert ok.feed(b"{}\n" + b'{"Records"') == []
    assert ok.feed(b":[]}\n") == []


def test_the_default_line_limit_on_both_sides() -> None:
    decoder = EventLineDecoder()
    assert decoder.feed(b"[" * MAX_LINE_BYTES) == []
    with pytest.raises(
        InvalidResponseError, match=rf"^a notification line longer than {MAX_LINE_BYTES} bytes$"
    ):
        decoder.feed(b"[")


def test_a_partial_line_with_text_after_spaces_is_kept() -> None:
    decoder = EventLineDecoder(max_line=1000)
    assert decoder.feed(b"   ") == []
    assert decoder.feed(b'  {"Records": [{"eventName"') == []
    assert [e.event_name for e in decoder.feed(b': "s3:z"}]}\n')] == ["s3:z"]


RECORD = {
    "eventName": "s3:ObjectCreated:Put",
    "eventTime": "2026-12-07T04:00:00.123Z",
    "s3": {"bucket": {"name": "b"}, "object": {"key": "a%2Fb+c.txt", "size": 3}},
}


STREAM = (
    b"  \n"
    + json.dumps({"Records": [RECORD]}).encode()
    + b"\n \n\r\n   "
    + json.dumps({"Records": [RECORD, {**RECORD, "eventName": "s3:ObjectRemoved:Delete"}]}).encode()
    + b"\n{}\n"
)


def test_split_at_every_offset() -> None:
    whole = EventLineDecoder().feed(STREAM)
    assert [e.event_name for e in whole] == [
        "s3:ObjectCreated:Put",
        "s3:ObjectCreated:Put",
        "s3:ObjectRemoved:Delete",
    ]
    assert whole[0].key == "a/b c.txt" and whole[0].size == 3 and whole[0].bucket == "b"
    for cut in range(len(STREAM) + 1):
        decoder = EventLineDecoder()
        assert decoder.feed(STREAM[:cut]) + decoder.feed(STREAM[cut:]) == whole, cut


def test_keep_alive_spaces_do_not_grow_a_line() -> None:
    decoder = EventLineDecoder(max_line=100)
    for _ in range(1000):
        assert decoder.feed(b" ") == []
    assert decoder.feed(json.dumps({"Records": [RECORD]}).encode() + b"\n")[0].size == 3


def test_bad_lines_are_refused_after_the_events_before_them() -> None:
    decoder = EventLineDecoder()
    good = json.dumps({"Records": [RECORD]}).encode() + b"\n"
    assert len(decoder.feed(good + b"not json\n")) == 1
    with pytest.raises(aiominio.InvalidResponseError, match="not JSON"):
        decoder.raise_error()
    with pytest.raises(aiominio.InvalidResponseError, match="not JSON"):
        decoder.feed(good)
    for bad, why in (
        (b"[1, 2]\n", "not an object"),
        (b'{"Records": {}}\n', "not a list"),
        (b'{"Records": [{"s3": {}}]}\n', "eventName"),
        (b"\xff\xfe\n", "not JSON"),
    ):
        with pytest.raises(aiominio.InvalidResponseError, match=why):
            EventLineDecoder().feed(bad)
    with pytest.raises(aiominio.InvalidResponseError, match="longer than"):
        EventLineDecoder(max_line=10).feed(b'{"Records": [' + b" " * 20)


def test_a_record_with_a_malformed_size_is_refused() -> None:
    for size in (-1, "3", True):
        with pytest.raises(aiominio.InvalidResponseError, match="size"):
            parse_record({"eventName": "x", "s3": {"object": {"size": size}}})


def test_the_query_and_the_event_names() -> None:
    assert listen_query("p/", ".jpg", ("s3:ObjectCreated:*",)) == (
        ("prefix", "p/"),
        ("suffix", ".jpg"),
        ("events", "s3:ObjectCreated:*"),
    )
    assert check_events(["s3:ObjectAccessed:*"]) == ("s3:ObjectAccessed:*",)
