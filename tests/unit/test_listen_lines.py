"""MinIO's notification lines (sans-IO): split anywhere, keep-alives skipped, bad lines refused."""

from __future__ import annotations

import json

import pytest

import aiominio
from aiominio.core.listen import EventLineDecoder, check_events, listen_query, parse_record

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
