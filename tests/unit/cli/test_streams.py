"""event, sql and watch (:mod:`aiominio.cli.streams`): the parsing of their options and what
they print; and every bad argument refused as a usage error (exit code 2) before any
connection."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone

import click
import pytest

from aiominio import BucketEvent
from aiominio.cli import output
from aiominio.cli.streams import (
    event_json,
    event_line,
    notification_lines,
    notification_rows,
    notification_target,
    parse_events,
    parse_spec,
    select_input,
    select_output,
)
from aiominio.core.select import (
    CSVInput,
    CSVOutput,
    JSONInput,
    JSONOutput,
    ParquetInput,
    SelectRequest,
    build_select,
)
from aiominio.errors import InvalidArgument
from aiominio.notification import (
    CloudFunctionConfig,
    NotificationConfig,
    QueueConfig,
    TopicConfig,
)

# -- event ---------------------------------------------------------------------------------------


def test_event_names_short_and_full_without_repeats() -> None:
    assert parse_events("put,delete") == ("s3:ObjectCreated:*", "s3:ObjectRemoved:*")
    assert parse_events(" PUT , s3:ObjectCreated:* ,get,, s3:ObjectTagging:Put") == (
        "s3:ObjectCreated:*",
        "s3:ObjectAccessed:*",
        "s3:ObjectTagging:Put",
    )
    assert parse_events("ilm,replica,restore,tagging") == (
        "s3:LifecycleExpiration:*",
        "s3:Replication:*",
        "s3:ObjectRestore:*",
        "s3:ObjectTagging:*",
    )


@pytest.mark.parametrize("text", ["", " , ", "created", "s3:", "put,remove", "s3:Object\nX"])
def test_bad_event_names(text: str) -> None:
    with pytest.raises(click.BadParameter, match="event"):
        parse_events(text)


@pytest.mark.parametrize(
    ("arn", "kind"),
    [
        ("arn:aws:sqs:us-east-1:123456789012:q", QueueConfig),
        ("arn:minio:sqs::1:webhook", QueueConfig),
        ("arn:aws:sns:us-east-1:123456789012:t", TopicConfig),
        ("arn:aws:lambda:us-east-1:123456789012:function:f", CloudFunctionConfig),
    ],
)
def test_the_arn_names_the_kind_of_target(arn: str, kind: type) -> None:
    target = notification_target(arn, ("s3:ObjectCreated:*",), id="i", prefix="p/", suffix=".x")
    assert type(target) is kind
    assert (target.arn, target.id, target.events) == (arn, "i", ["s3:ObjectCreated:*"])
    assert (target.prefix, target.suffix) == ("p/", ".x")
    bare = notification_target(arn, ("s3:ObjectRemoved:*",))
    assert (bare.id, bare.prefix, bare.suffix) == (None, None, None)


@pytest.mark.parametrize(
    ("arn", "message"),
    [
        ("queue", "not an ARN"),
        ("arn:aws:sqs:us-east-1:1", "not an ARN"),
        ("arn:aws:sqs:us-east-1:1:", "not an ARN"),
        ("arn::sqs:us-east-1:1:q", "not an ARN"),
        ("aws:arn:sqs:us-east-1:1:q", "not an ARN"),
        ("arn:aws:s3:us-east-1:1:bucket", "sqs, sns or lambda"),
    ],
)
def test_bad_arns(arn: str, message: str) -> None:
    with pytest.raises(click.BadParameter, match=message):
        notification_target(arn, ("s3:ObjectCreated:*",))


def test_an_empty_id_is_refused() -> None:
    with pytest.raises(click.BadParameter, match="--id"):
        notification_target("arn:aws:sqs:r:1:q", ("s3:ObjectCreated:*",), id="")


def _config() -> NotificationConfig:
    config = NotificationConfig()
    config.add(notification_target("arn:aws:sns:r:1:topic", ("s3:ObjectRemoved:*",), id="t1"))
    config.add(
        notification_target(
            "arn:aws:sqs:r:1:queue\x1b[2J",
            ("s3:ObjectCreated:*", "s3:ObjectRemoved:*"),
            suffix=".jpg",
        )
    )
    config.add(notification_target("arn:aws:lambda:r:1:function:f", ("s3:ObjectCreated:Put",)))
    return config


def test_notification_rows_queues_topics_functions() -> None:
    assert notification_rows(_config()) == [
        {
            "id": None,
            "type": "queue",
            "arn": "arn:aws:sqs:r:1:queue\x1b[2J",
            "events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
            "prefix": None,
            "suffix": ".jpg",
        },
        {
            "id": "t1",
            "type": "topic",
            "arn": "arn:aws:sns:r:1:topic",
            "events": ["s3:ObjectRemoved:*"],
            "prefix": None,
            "suffix": None,
        },
        {
            "id": None,
            "type": "function",
            "arn": "arn:aws:lambda:r:1:function:f",
            "events": ["s3:ObjectCreated:Put"],
            "prefix": None,
            "suffix": None,
        },
    ]
    assert notification_rows(NotificationConfig()) == []


def test_notification_lines_are_aligned_and_escaped() -> None:
    lines = notification_lines(_config())
    assert lines == [
        "-   arn:aws:sqs:r:1:queue\\x1b[2J   s3:ObjectCreated:*,s3:ObjectRemoved:*  suffix=.jpg",
        "t1  arn:aws:sns:r:1:topic          s3:ObjectRemoved:*",
        "-   arn:aws:lambda:r:1:function:f  s3:ObjectCreated:Put",
    ]
    assert notification_lines(NotificationConfig()) == []


# -- sql -----------------------------------------------------------------------------------------


def test_specs_take_mc_names_and_a_comma_as_a_value() -> None:
    csv_names = ("fh", "header", "fd", "rd", "qc", "qec", "cc")
    assert parse_spec("header=USE,fd=,", csv_names, "--csv-input") == {
        "file_header_info": "USE",
        "field_delimiter": ",",
    }
    assert parse_spec("fd=,,fh=ignore", csv_names, "--csv-input") == {
        "field_delimiter": ",",
        "file_header_info": "IGNORE",
    }
    assert parse_spec(r"fd=\t,rd=\r\n,qc=',qec=\\,cc=#", csv_names, "--csv-input") == {
        "field_delimiter": "\t",
        "record_delimiter": "\r\n",
        "quote_character": "'",
        "quote_escape_character": "\\",
        "comments": "#",
    }
    assert parse_spec("", csv_names, "--csv-input") == {}
    assert parse_spec("qf=always", ("qf",), "--output-options") == {"quote_fields": "ALWAYS"}


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("fh", "takes fh, header"),
        ("delimiter=;", "takes fh, header"),
        ("qf=ALWAYS", "takes fh, header"),  # an output option, not an input one
        ("fh=maybe", "fh is USE or IGNORE or NONE"),
    ],
)
def test_bad_specs(spec: str, message: str) -> None:
    names = ("fh", "header", "fd", "rd", "qc", "qec", "cc")
    with pytest.raises(click.BadParameter, match=message):
        parse_spec(spec, names, "--csv-input")


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("a.csv", CSVInput()),
        ("a", CSVInput()),
        ("logs/a.CSV.gz", CSVInput(compression="GZIP")),
        ("a.tsv.bz2", CSVInput(compression="BZIP2")),
        ("a.json", JSONInput("DOCUMENT")),
        ("a.jsonl", JSONInput("LINES")),
        ("a.ndjson.gz", JSONInput("LINES", "GZIP")),
        ("a.parquet", ParquetInput()),
        ("a.gz", CSVInput(compression="GZIP")),
    ],
)
def test_the_input_follows_the_name_when_no_option_says(key: str, expected: object) -> None:
    assert select_input(key) == expected


def test_the_options_override_the_name() -> None:
    assert select_input("a.json", csv="fh=USE") == CSVInput(file_header_info="USE")
    assert select_input("a.csv", json="lines") == JSONInput("LINES")
    assert select_input("a.csv.gz", json="document", compression="none") == JSONInput("DOCUMENT")
    assert select_input("a.csv", compression="BZIP2") == CSVInput(compression="BZIP2")
    assert select_input("a.csv", parquet=True) == ParquetInput()
    assert select_input("a.csv", csv="fd=;", compression="gzip") == CSVInput(
        field_delimiter=";", compression="GZIP"
    )


def test_conflicting_inputs_are_usage_errors() -> None:
    with pytest.raises(click.UsageError, match="one of --csv-input"):
        select_input("a", csv="", json="lines")
    with pytest.raises(click.UsageError, match="one of --csv-input"):
        select_input("a", parquet=True, json="lines")
    with pytest.raises(click.UsageError, match="Parquet"):
        select_input("a.parquet", compression="gzip")
    with pytest.raises(InvalidArgument, match="field_delimiter"):
        select_input("a.csv", csv="fd=;;")


def test_the_output_follows_the_input_unless_asked() -> None:
    assert select_output(CSVInput()) == CSVOutput()
    assert select_output(JSONInput()) == JSONOutput()
    assert select_output(ParquetInput()) == JSONOutput()
    assert select_output(CSVInput(), as_json=True) == JSONOutput()
    assert select_output(JSONInput(), as_csv=True, spec="fd=;,qf=always") == CSVOutput(
        quote_fields="ALWAYS", field_delimiter=";"
    )
    assert select_output(CSVInput(), as_json=True, spec=r"rd=\r\n") == JSONOutput("\r\n")
    with pytest.raises(click.UsageError, match="not both"):
        select_output(CSVInput(), as_csv=True, as_json=True)
    with pytest.raises(click.BadParameter, match="JSON"):
        select_output(JSONInput(), spec="fd=;")


def test_the_request_carries_the_options() -> None:
    source = select_input("a.csv.gz", csv="fh=USE,fd=;,cc=#")
    body = build_select(SelectRequest("SELECT 1", source, select_output(source, as_json=True)))
    for part in (b"<CompressionType>GZIP<", b"<FileHeaderInfo>USE<", b"<FieldDelimiter>;<"):
        assert part in body
    assert b"<Comments>#<" in body and b"<JSON" in body


# -- watch ---------------------------------------------------------------------------------------


def test_event_lines_and_json() -> None:
    when = datetime(2026, 12, 7, 4, 0, 1, tzinfo=timezone.utc)
    put = BucketEvent("s3:ObjectCreated:Put", "b", "dir/a\x1b.txt", 42, "e", "v1", when, {"x": 1})
    assert output.printable(event_line(put)) == (
        "2026-12-07 04:00:01  s3:ObjectCreated:Put  s3://b/dir/a\\x1b.txt  42"
    )
    gone = BucketEvent("s3:ObjectRemoved:Delete", "", "k")
    assert event_line(gone, "fallback") == (f"{' ' * 19}  s3:ObjectRemoved:Delete  s3://fallback/k")
    assert json.loads(output.json_line(event_json(put))) == {
        "time": "2026-12-07T04:00:01+00:00",
        "event": "s3:ObjectCreated:Put",
        "bucket": "b",
        "key": "dir/a\x1b.txt",
        "size": 42,
        "etag": "e",
        "version_id": "v1",
    }


# -- usage errors, before any connection ---------------------------------------------------------


@pytest.mark.usefixtures("no_server")
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["event", "add", "s3://b/k", "arn:aws:sqs:r:1:q"], "s3://b/k names an object"),
        (["event", "add", "s3://b", "queue"], "not an ARN"),
        (["event", "add", "s3://b", "arn:aws:s3:r:1:x"], "sqs, sns or lambda"),
        (["event", "add", "s3://b", "arn:aws:sqs:r:1:q", "--event", "made"], "an event is"),
        (["event", "add", "s3://b", "arn:aws:sqs:r:1:q", "--id", ""], "--id must not be empty"),
        (["event", "ls", "s3://b/k"], "names an object"),
        (["event", "ls", "b"], "not an s3:// location"),
        (["event", "rm", "s3://b"], "name what to remove"),
        (["event", "rm", "s3://b", "--all", "--id", "x"], "name what to remove"),
        (["event", "rm", "s3://b", "arn:aws:sqs:r:1:q", "--all"], "name what to remove"),
        (["sql", "--query", "select 1", "s3://b/"], "s3://b is not an object"),
        (["sql", "s3://b/k"], "Missing option '--query'"),
        (["sql", "--query", " ", "s3://b/k"], "expression must not be empty"),
        (["sql", "-e", "s", "--csv-input", "fh=maybe", "s3://b/k"], "fh is USE or"),
        (["sql", "-e", "s", "--csv-input", "fd=;;", "s3://b/k"], "field_delimiter"),
        (["sql", "-e", "s", "--json-input", "yaml", "s3://b/k"], "lines or document"),
        (["sql", "-e", "s", "--json-input", "lines", "--parquet-input", "s3://b/k"], "one of"),
        (["sql", "-e", "s", "--csv-output", "--json-output", "s3://b/k"], "not both"),
        (["sql", "-e", "s", "--compression", "zip", "s3://b/k"], "'zip' is not one of"),
        (["sql", "-e", "s", "--json-output", "--output-options", "fd=;", "s3://b/k"], "JSON"),
        (["watch", "s3://b", "--events", "nope"], "an event is"),
        (["watch", "s3://b", "--suffix", "\x1b"], "--suffix holds a control character"),
        (["watch", "s3://b/a\rb"], "prefix holds a control character"),
    ],
)
def test_bad_arguments_are_usage_errors(
    argv: list[str], message: str, usage_error: Callable[[list[str]], str]
) -> None:
    err = usage_error(argv)
    assert message in err, err
