"""S3 Select in detail: the exact refusals of every value (with their bounds on both sides), the
request document byte for byte for each serialization, and the answer parser's edge cases."""

from __future__ import annotations

import pytest

import aiominio
from aiominio.core.select import (
    MAX_EXPRESSION_BYTES,
    CSVInput,
    CSVOutput,
    JSONInput,
    JSONOutput,
    ParquetInput,
    SelectParser,
    SelectRequest,
    SelectStats,
    build_select,
    check_select_request,
    parse_stats,
)
from aiominio.core.xml import parse
from aiominio.errors import InvalidArgument, InvalidResponseError
from tests.unit.core.test_eventstream import (
    RECORDS_1,
    RECORDS_2,
    STREAM,
    event,
    frame,
    stats_xml,
    string,
)

NS = b'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'


# -- the values ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: CSVInput(file_header_info="use"),
            "file_header_info must be one of USE, IGNORE, NONE: 'use'",
        ),
        (
            lambda: CSVInput(compression=None),
            "compression must be one of NONE, GZIP, BZIP2: None",
        ),
        (lambda: JSONInput("ARRAY"), "type must be one of DOCUMENT, LINES: 'ARRAY'"),
        (
            lambda: JSONInput(compression="gzip"),
            "compression must be one of NONE, GZIP, BZIP2: 'gzip'",
        ),
        (
            lambda: CSVOutput(quote_fields="NEVER"),
            "quote_fields must be one of ALWAYS, ASNEEDED: 'NEVER'",
        ),
        (lambda: CSVInput(field_delimiter=""), "field_delimiter must be 1 to 1 characters: ''"),
        (lambda: CSVInput(field_delimiter=";;"), "field_delimiter must be 1 to 1 characters: ';;'"),
        (
            lambda: CSVInput(record_delimiter="abc"),
            "record_delimiter must be 1 to 2 characters: 'abc'",
        ),
        (
            lambda: CSVInput(quote_character="''"),
            "quote_character must be 1 to 1 characters: \"''\"",
        ),
        (
            lambda: CSVInput(quote_escape_character="ab"),
            "quote_escape_character must be 1 to 1 characters: 'ab'",
        ),
        (lambda: CSVInput(comments="//"), "comments must be 1 to 1 characters: '//'"),
        (
            lambda: CSVOutput(field_delimiter="ab"),
            "field_delimiter must be 1 to 1 characters: 'ab'",
        ),
        (
            lambda: CSVOutput(record_delimiter=""),
            "record_delimiter must be 1 to 2 characters: ''",
        ),
        (lambda: CSVOutput(quote_character=""), "quote_character must be 1 to 1 characters: ''"),
        (
            lambda: CSVOutput(quote_escape_character=""),
            "quote_escape_character must be 1 to 1 characters: ''",
        ),
        (
            lambda: JSONOutput(record_delimiter="\n\n\n"),
            "record_delimiter must be 1 to 2 characters: '\\n\\n\\n'",
        ),
    ],
)
def test_bad_values_are_refused_exactly(make: object, message: str) -> None:
    assert callable(make)
    with pytest.raises(InvalidArgument) as info:
        make()
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: CSVInput(field_delimiter=1), "field_delimiter must be a str, not int"),
        (lambda: CSVInput(record_delimiter=b"\n"), "record_delimiter must be a str, not bytes"),
        (lambda: CSVInput(quote_character=1), "quote_character must be a str, not int"),
        (
            lambda: CSVInput(quote_escape_character=1),
            "quote_escape_character must be a str, not int",
        ),
        (lambda: CSVInput(comments=1), "comments must be a str, not int"),
        (
            lambda: CSVInput(allow_quoted_record_delimiter=1),
            "allow_quoted_record_delimiter must be a bool, not int",
        ),
        (lambda: CSVOutput(field_delimiter=1), "field_delimiter must be a str, not int"),
        (lambda: CSVOutput(record_delimiter=1), "record_delimiter must be a str, not int"),
        (lambda: CSVOutput(quote_character=1), "quote_character must be a str, not int"),
        (
            lambda: CSVOutput(quote_escape_character=1),
            "quote_escape_character must be a str, not int",
        ),
        (lambda: JSONOutput(record_delimiter=1), "record_delimiter must be a str, not int"),
        (
            lambda: SelectRequest(b"x", CSVInput(), CSVOutput()),
            "expression must be a str, not bytes",
        ),
        (
            lambda: SelectRequest("x", JSONOutput(), CSVOutput()),
            "input_serialization must be a CSVInput, JSONInput or ParquetInput, not JSONOutput",
        ),
        (
            lambda: SelectRequest("x", ParquetInput(), JSONInput()),
            "output_serialization must be a CSVOutput or JSONOutput, not JSONInput",
        ),
        (
            lambda: SelectRequest("x", CSVInput(), CSVOutput(), request_progress=None),
            "request_progress must be a bool, not NoneType",
        ),
        (lambda: check_select_request("SELECT"), "request must be a SelectRequest, not str"),
    ],
)
def test_values_of_the_wrong_type_are_refused_exactly(make: object, message: str) -> None:
    assert callable(make)
    with pytest.raises(TypeError) as info:
        make()
    assert str(info.value) == message


def test_the_accepted_values_at_their_bounds() -> None:
    for header in ("USE", "IGNORE", "NONE"):
        assert CSVInput(file_header_info=header).file_header_info == header
    for compression in ("NONE", "GZIP", "BZIP2"):
        assert CSVInput(compression=compression).compression == compression  # type: ignore[arg-type]
        assert JSONInput(compression=compression).compression == compression  # type: ignore[arg-type]
    assert JSONInput("LINES").type == "LINES" and JSONInput().type == "DOCUMENT"
    assert CSVOutput(quote_fields="ASNEEDED").quote_fields == "ASNEEDED"
    both = CSVInput(
        field_delimiter="\t",
        record_delimiter="\r\n",
        quote_character="'",
        quote_escape_character="\\",
        comments="#",
        allow_quoted_record_delimiter=True,
    )
    assert both.record_delimiter == "\r\n" and both.allow_quoted_record_delimiter is True
    assert CSVInput(record_delimiter="\n").record_delimiter == "\n"
    assert CSVOutput(record_delimiter="\r\n", field_delimiter=",").record_delimiter == "\r\n"
    assert JSONOutput("\r\n").record_delimiter == "\r\n"
    assert JSONOutput("\n").record_delimiter == "\n"
    request = SelectRequest("SELECT 1", CSVInput(), JSONOutput(), request_progress=True)
    assert check_select_request(request) is request


def test_the_expression_limit_counts_utf8_bytes() -> None:
    assert MAX_EXPRESSION_BYTES == 256 * 1024
    at = "é" * (MAX_EXPRESSION_BYTES // 2)
    assert SelectRequest(at, ParquetInput(), JSONOutput()).expression == at
    for over in (at + "x", "x" * (MAX_EXPRESSION_BYTES + 1)):
        with pytest.raises(InvalidArgument, match=r"^expression must be at most 256 KiB$"):
            SelectRequest(over, ParquetInput(), JSONOutput())
    for empty in ("", " \n\t"):
        with pytest.raises(InvalidArgument, match=r"^expression must not be empty$"):
            SelectRequest(empty, ParquetInput(), JSONOutput())


# -- the request document ------------------------------------------------------------------------


def doc(inner: bytes) -> bytes:
    return b"<SelectObjectContentRequest " + NS + b">" + inner + b"</SelectObjectContentRequest>"


def test_a_csv_request_with_every_field_byte_for_byte() -> None:
    request = SelectRequest(
        "SELECT s._1 FROM S3Object s WHERE s._2 < '5' & 1",
        CSVInput(
            file_header_info="IGNORE",
            field_delimiter=";",
            record_delimiter="\r\n",
            quote_character="'",
            quote_escape_character="\\",
            comments="#",
            allow_quoted_record_delimiter=True,
            compression="BZIP2",
        ),
        CSVOutput(
            quote_fields="ASNEEDED",
            field_delimiter="|",
            record_delimiter="\n",
            quote_character='"',
            quote_escape_character="~",
        ),
    )
    assert build_select(request) == doc(
        b"<Expression>SELECT s._1 FROM S3Object s WHERE s._2 &lt; '5' &amp; 1</Expression>"
        b"<ExpressionType>SQL</ExpressionType>"
        b"<InputSerialization><CompressionType>BZIP2</CompressionType><CSV>"
        b"<FileHeaderInfo>IGNORE</FileHeaderInfo><Comments>#</Comments>"
        b"<RecordDelimiter>&#13;\n</RecordDelimiter><FieldDelimiter>;</FieldDelimiter>"
        b"<QuoteCharacter>'</QuoteCharacter><QuoteEscapeCharacter>\\</QuoteEscapeCharacter>"
        b"<AllowQuotedRecordDelimiter>true</AllowQuotedRecordDelimiter>"
        b"</CSV></InputSerialization>"
        b"<OutputSerialization><CSV><QuoteFields>ASNEEDED</QuoteFields>"
        b"<RecordDelimiter>\n</RecordDelimiter><FieldDelimiter>|</FieldDelimiter>"
        b'<QuoteCharacter>"</QuoteCharacter><QuoteEscapeCharacter>~</QuoteEscapeCharacter>'
        b"</CSV></OutputSerialization>"
    )


def test_a_csv_request_with_the_defaults_byte_for_byte() -> None:
    request = SelectRequest("SELECT * FROM S3Object", CSVInput(), CSVOutput())
    assert build_select(request) == doc(
        b"<Expression>SELECT * FROM S3Object</Expression><ExpressionType>SQL</ExpressionType>"
        b"<InputSerialization><CompressionType>NONE</CompressionType><CSV /></InputSerialization>"
        b"<OutputSerialization><CSV /></OutputSerialization>"
    )


def test_json_requests_byte_for_byte() -> None:
    request = SelectRequest(
        "SELECT * FROM S3Object[*]", JSONInput(compression="GZIP"), JSONOutput("\r\n"), True
    )
    assert build_select(request) == doc(
        b"<Expression>SELECT * FROM S3Object[*]</Expression><ExpressionType>SQL</ExpressionType>"
        b"<InputSerialization><CompressionType>GZIP</CompressionType>"
        b"<JSON><Type>DOCUMENT</Type></JSON></InputSerialization>"
        b"<OutputSerialization><JSON><RecordDelimiter>&#13;\n</RecordDelimiter></JSON>"
        b"</OutputSerialization>"
        b"<RequestProgress><Enabled>true</Enabled></RequestProgress>"
    )


def test_the_document_is_utf8() -> None:
    request = SelectRequest(
        "SELECT * FROM S3Object s WHERE s.name = 'Zoë 北'", CSVInput(), JSONOutput()
    )
    assert build_select(request) == doc(
        "<Expression>SELECT * FROM S3Object s WHERE s.name = 'Zoë 北'</Expression>".encode()
        + b"<ExpressionType>SQL</ExpressionType>"
        b"<InputSerialization><CompressionType>NONE</CompressionType><CSV /></InputSerialization>"
        b"<OutputSerialization><JSON /></OutputSerialization>"
    )


def test_a_cr_in_the_expression_survives_a_parser() -> None:
    body = build_select(SelectRequest("SELECT\r\n1", ParquetInput(), JSONOutput()))
    assert b"\r" not in body
    assert aiominio.core.xml.parse(body).findtext("Expression") == "SELECT\r\n1"


# -- the answer ----------------------------------------------------------------------------------


def test_stats_documents() -> None:
    body = (
        b"<Stats><BytesScanned> 100</BytesScanned><BytesProcessed>0</BytesProcessed>"
        b"<BytesReturned>7\n</BytesReturned></Stats>"
    )
    assert parse_stats(body) == SelectStats(bytes_scanned=100, bytes_processed=0, bytes_returned=7)
    for missing in ("BytesScanned", "BytesProcessed", "BytesReturned"):
        partial = body.replace(missing.encode(), b"Other")
        with pytest.raises(
            InvalidResponseError, match=rf"^the server sent a malformed {missing}: ''$"
        ):
            parse_stats(partial)


def error(code: str, text: str = "") -> bytes:
    return frame(
        string(":message-type", "error")
        + string(":error-code", code)
        + string(":error-message", text)
    )


def stats(tag: str, n: int) -> bytes:
    return (
        f"<{tag}><BytesScanned>{n}</BytesScanned><BytesProcessed>{n + 1}</BytesProcessed>"
        f"<BytesReturned>{n + 2}</BytesReturned></{tag}>"
    ).encode()


def test_an_answer_in_one_chunk() -> None:
    parser = SelectParser()
    assert (parser.stats, parser.progress, parser.ended) == (None, None, False)
    got = parser.feed(
        event("Records", b"a\n")
        + event("Records", b"")
        + event("Progress", stats("Progress", 1))
        + event("Progress", stats("Progress", 5))
        + event("Records", b"b\n")
        + event("Stats", stats("Stats", 9))
        + event("End")
    )
    assert got == [b"a\n", b"b\n"]
    assert parser.progress == SelectStats(5, 6, 7)
    assert parser.stats == SelectStats(9, 10, 11)
    assert parser.ended is True
    parser.close()
    parser.raise_error()


def test_only_event_messages_carry_records() -> None:
    parser = SelectParser()
    untyped = frame(string(":event-type", "Records"), b"no")
    other = frame(string(":message-type", "events") + string(":event-type", "Records"), b"no")
    assert parser.feed(untyped + other + event("Records", b"yes") + event("End")) == [b"yes"]
    # a message that is no event is not checked against the End either
    assert parser.feed(untyped) == []
    parser.close()


def test_anything_after_the_end_is_refused() -> None:
    for after in (event("Cont"), event("Records", b""), event("End")):
        parser = SelectParser()
        parser.feed(event("End"))
        with pytest.raises(
            InvalidResponseError, match=r"^a select answer went on after its End event$"
        ):
            parser.feed(after)


def test_an_answer_that_stops_early_is_refused() -> None:
    parser = SelectParser()
    parser.feed(event("Records", b"a"))
    with pytest.raises(
        InvalidResponseError, match=r"^the select answer ended before its End event$"
    ):
        parser.close()
    cut = SelectParser()
    end = event("End")
    cut.feed(end[:-1])
    with pytest.raises(
        InvalidResponseError,
        match=rf"^a corrupted event stream: the stream ended {len(end) - 1} bytes into a message$",
    ):
        cut.close()
    assert cut.ended is False


def test_an_error_before_any_record_raises_at_once_and_is_not_kept() -> None:
    parser = SelectParser(bucket="b", key="k")
    with pytest.raises(aiominio.S3Error) as info:
        parser.feed(error("OverMaxRecordSize", "too big") + event("Records", b"x"))
    assert (info.value.code, info.value.message, info.value.status) == (
        "OverMaxRecordSize",
        "too big",
        200,
    )
    assert (info.value.bucket, info.value.key) == ("b", "k")
    parser.raise_error()  # nothing kept
    assert parser.feed(event("End")) == []
    parser.close()


def test_an_error_after_records_stops_the_chunk_and_is_raised_later() -> None:
    parser = SelectParser(key="k")
    got = parser.feed(
        event("Records", b"a") + error("InternalError") + event("Records", b"b") + event("End")
    )
    assert got == [b"a"]
    assert parser.ended is False
    for call in (parser.raise_error, parser.close, lambda: parser.feed(b"")):
        with pytest.raises(aiominio.InternalError) as info:
            call()
        assert (info.value.key, info.value.bucket) == ("k", None)


def test_malformed_progress_is_refused() -> None:
    with pytest.raises(
        InvalidResponseError, match=r"^the server sent a malformed BytesReturned: '-1'$"
    ):
        SelectParser().feed(
            event(
                "Progress",
                b"<Progress><BytesScanned>1</BytesScanned><BytesProcessed>1</BytesProcessed>"
                b"<BytesReturned>-1</BytesReturned></Progress>",
            )
        )


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
