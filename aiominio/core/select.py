"""S3 Select: the request (SQL over a CSV, JSON or Parquet object) and its event-stream answer.

The request's values are checked when they are made; :func:`build_select` writes the
SelectObjectContentRequest document. :class:`SelectParser` reads the answer: the event-stream
messages (:mod:`aiominio.core.eventstream`) become record chunks, the progress and final stats
are kept, an error event is raised as an :class:`~aiominio.S3Error`, and a stream that ends
without its ``End`` event is an error, not a short result.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Literal

from aiominio.core.eventstream import EventStreamDecoder, raise_if_error
from aiominio.core.headers import parse_count
from aiominio.core.xmlparse import S3_NS, parse, text
from aiominio.errors import InvalidArgument, InvalidResponseError, S3Error

Compression = Literal["NONE", "GZIP", "BZIP2"]
FileHeaderInfo = Literal["USE", "IGNORE", "NONE"]
JSONType = Literal["DOCUMENT", "LINES"]
QuoteFields = Literal["ALWAYS", "ASNEEDED"]
#: The longest SQL expression S3 accepts (256 KiB).
MAX_EXPRESSION_BYTES = 256 * 1024


def _choice(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise InvalidArgument(f"{name} must be one of {', '.join(allowed)}: {value!r}")


def _chars(name: str, value: object, longest: int = 1) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if not 1 <= len(value) <= longest:
        raise InvalidArgument(f"{name} must be 1 to {longest} characters: {value!r}")


def _flag(name: str, value: object) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, not {type(value).__name__}")


@dataclass(frozen=True, slots=True)
class CSVInput:
    """The object is CSV.

    Attributes:
        file_header_info: ``USE`` (the first line names the columns, for ``s.name``),
            ``IGNORE`` (skip it) or ``NONE`` (no header line; columns are ``_1``, ``_2``...).
        field_delimiter, record_delimiter, quote_character, quote_escape_character: one
            character each (a record delimiter may be two, ``"\\r\\n"``); the server's default
            (``,``, newline, ``"``, ``"``) when ``None``.
        comments: lines starting with this character are skipped.
        allow_quoted_record_delimiter: a quoted field may hold the record delimiter.
        compression: how the object is compressed: ``NONE``, ``GZIP`` or ``BZIP2``.
    """

    file_header_info: FileHeaderInfo | None = None
    field_delimiter: str | None = None
    record_delimiter: str | None = None
    quote_character: str | None = None
    quote_escape_character: str | None = None
    comments: str | None = None
    allow_quoted_record_delimiter: bool = False
    compression: Compression = "NONE"

    def __post_init__(self) -> None:
        if self.file_header_info is not None:
            _choice("file_header_info", self.file_header_info, ("USE", "IGNORE", "NONE"))
        _chars("field_delimiter", self.field_delimiter)
        _chars("record_delimiter", self.record_delimiter, 2)
        _chars("quote_character", self.quote_character)
        _chars("quote_escape_character", self.quote_escape_character)
        _chars("comments", self.comments)
        _flag("allow_quoted_record_delimiter", self.allow_quoted_record_delimiter)
        _choice("compression", self.compression, ("NONE", "GZIP", "BZIP2"))


@dataclass(frozen=True, slots=True)
class JSONInput:
    """The object is JSON: one ``DOCUMENT`` or ``LINES`` (a document per line), compressed
    with ``NONE``, ``GZIP`` or ``BZIP2``."""

    type: JSONType = "DOCUMENT"
    compression: Compression = "NONE"

    def __post_init__(self) -> None:
        _choice("type", self.type, ("DOCUMENT", "LINES"))
        _choice("compression", self.compression, ("NONE", "GZIP", "BZIP2"))


@dataclass(frozen=True, slots=True)
class ParquetInput:
    """The object is Apache Parquet (compressed internally; no compression is named)."""


@dataclass(frozen=True, slots=True)
class CSVOutput:
    """Records come back as CSV.

    Attributes:
        quote_fields: ``ALWAYS`` quote every field, or ``ASNEEDED`` (the server's default).
        field_delimiter, record_delimiter, quote_character, quote_escape_character: as for
            :class:`CSVInput`.
    """

    quote_fields: QuoteFields | None = None
    field_delimiter: str | None = None
    record_delimiter: str | None = None
    quote_character: str | None = None
    quote_escape_character: str | None = None

    def __post_init__(self) -> None:
        if self.quote_fields is not None:
            _choice("quote_fields", self.quote_fields, ("ALWAYS", "ASNEEDED"))
        _chars("field_delimiter", self.field_delimiter)
        _chars("record_delimiter", self.record_delimiter, 2)
        _chars("quote_character", self.quote_character)
        _chars("quote_escape_character", self.quote_escape_character)


@dataclass(frozen=True, slots=True)
class JSONOutput:
    """Records come back as JSON objects, each followed by ``record_delimiter`` (a newline by
    default)."""

    record_delimiter: str | None = None

    def __post_init__(self) -> None:
        _chars("record_delimiter", self.record_delimiter, 2)


InputSerialization = CSVInput | JSONInput | ParquetInput
OutputSerialization = CSVOutput | JSONOutput


@dataclass(frozen=True, slots=True)
class SelectRequest:
    """An S3 Select query.

    Example::

        SelectRequest(
            "SELECT s.name FROM S3Object s WHERE CAST(s.age AS INT) > 30",
            CSVInput(file_header_info="USE"),
            JSONOutput(),
        )

    Attributes:
        expression: the SQL expression (S3 Select's dialect; at most 256 KiB).
        input_serialization: what the object is: :class:`CSVInput`, :class:`JSONInput` or
            :class:`ParquetInput`.
        output_serialization: how records come back: :class:`CSVOutput` or :class:`JSONOutput`.
        request_progress: ask for progress events (``SelectResult.progress``).

    Raises:
        TypeError, InvalidArgument: an empty or over-long expression, a serialization of the
            wrong kind.
    """

    expression: str
    input_serialization: InputSerialization
    output_serialization: OutputSerialization
    request_progress: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.expression, str):
            raise TypeError(f"expression must be a str, not {type(self.expression).__name__}")
        if not self.expression.strip():
            raise InvalidArgument("expression must not be empty")
        if len(self.expression.encode("utf-8")) > MAX_EXPRESSION_BYTES:
            raise InvalidArgument("expression must be at most 256 KiB")
        if not isinstance(self.input_serialization, (CSVInput, JSONInput, ParquetInput)):
            raise TypeError(
                "input_serialization must be a CSVInput, JSONInput or ParquetInput, not "
                f"{type(self.input_serialization).__name__}"
            )
        if not isinstance(self.output_serialization, (CSVOutput, JSONOutput)):
            raise TypeError(
                "output_serialization must be a CSVOutput or JSONOutput, not "
                f"{type(self.output_serialization).__name__}"
            )
        _flag("request_progress", self.request_progress)


def check_select_request(request: object) -> SelectRequest:
    """``request``, if it is a :class:`SelectRequest` (checked when it was made)."""
    if not isinstance(request, SelectRequest):
        raise TypeError(f"request must be a SelectRequest, not {type(request).__name__}")
    return request


def _sub(parent: ET.Element, name: str, value: str | None) -> None:
    if value is not None:
        ET.SubElement(parent, name).text = value


def _csv_common(el: ET.Element, s: CSVInput | CSVOutput) -> None:
    _sub(el, "RecordDelimiter", s.record_delimiter)
    _sub(el, "FieldDelimiter", s.field_delimiter)
    _sub(el, "QuoteCharacter", s.quote_character)
    _sub(el, "QuoteEscapeCharacter", s.quote_escape_character)


def build_select(request: SelectRequest) -> bytes:
    """The SelectObjectContentRequest body of ``request``."""
    root = ET.Element("SelectObjectContentRequest", xmlns=S3_NS)
    ET.SubElement(root, "Expression").text = request.expression
    ET.SubElement(root, "ExpressionType").text = "SQL"
    source = request.input_serialization
    inp = ET.SubElement(root, "InputSerialization")
    if isinstance(source, CSVInput):
        _sub(inp, "CompressionType", source.compression)
        csv = ET.SubElement(inp, "CSV")
        _sub(csv, "FileHeaderInfo", source.file_header_info)
        _sub(csv, "Comments", source.comments)
        _csv_common(csv, source)
        if source.allow_quoted_record_delimiter:
            _sub(csv, "AllowQuotedRecordDelimiter", "true")
    elif isinstance(source, JSONInput):
        _sub(inp, "CompressionType", source.compression)
        ET.SubElement(ET.SubElement(inp, "JSON"), "Type").text = source.type
    else:
        ET.SubElement(inp, "Parquet")
    target = request.output_serialization
    out = ET.SubElement(root, "OutputSerialization")
    if isinstance(target, CSVOutput):
        csv = ET.SubElement(out, "CSV")
        _sub(csv, "QuoteFields", target.quote_fields)
        _csv_common(csv, target)
    else:
        _sub(ET.SubElement(out, "JSON"), "RecordDelimiter", target.record_delimiter)
    if request.request_progress:
        ET.SubElement(ET.SubElement(root, "RequestProgress"), "Enabled").text = "true"
    # An XML parser reads a literal CR (of a "\r\n" delimiter) as LF; a character reference
    # keeps it. No tag holds a CR, so every one is in text.
    return bytes(ET.tostring(root, encoding="utf-8")).replace(b"\r", b"&#13;")


@dataclass(frozen=True, slots=True)
class SelectStats:
    """How much of the object a select scanned, processed (decompressed) and returned, in
    bytes: the final ``Stats`` event, or the latest ``Progress`` event."""

    bytes_scanned: int
    bytes_processed: int
    bytes_returned: int


def parse_stats(payload: bytes) -> SelectStats:
    """The ``<Stats>`` (or ``<Progress>``) document of a Stats or Progress event.

    Raises:
        InvalidResponseError: a missing or malformed count.
    """
    root = parse(payload)
    return SelectStats(
        *(
            parse_count(text(root, name), name)
            for name in ("BytesScanned", "BytesProcessed", "BytesReturned")
        )
    )


class SelectParser:
    """The answer of a select, fed in chunks as they arrive; hands back the record chunks.

    Attributes:
        stats: the final stats, once the ``Stats`` event arrived.
        progress: the latest ``Progress`` event (when progress was asked for).
        ended: the ``End`` event arrived: the result is complete.
    """

    def __init__(self, *, bucket: str | None = None, key: str | None = None) -> None:
        self._decoder = EventStreamDecoder()
        self._bucket = bucket
        self._key = key
        self.stats: SelectStats | None = None
        self.progress: SelectStats | None = None
        self.ended = False
        self._error: S3Error | None = None

    def raise_error(self) -> None:
        """Raise the error event that came after records already handed out, if one did."""
        if self._error is not None:
            raise self._error

    def feed(self, data: bytes) -> list[bytes]:
        """The record chunks ``data`` completes (``Cont`` keep-alives and unknown events are
        skipped, as the format asks). Records before an error event are handed out first; the
        error is raised by the next call (or :meth:`raise_error`, :meth:`close`).

        Raises:
            S3Error: an error event (its code picks the subclass).
            InvalidResponseError: corrupted framing, malformed stats, events after ``End``.
        """
        self.raise_error()
        records: list[bytes] = []
        for message in self._decoder.feed(data):
            try:
                raise_if_error(message, bucket=self._bucket, key=self._key)
            except S3Error as exc:
                if not records:
                    raise
                self._error = exc
                return records
            if message.header(":message-type") != "event":
                continue
            if self.ended:
                raise InvalidResponseError("a select answer went on after its End event")
            event = message.header(":event-type")
            if event == "Records":
                if message.payload:
                    records.append(message.payload)
            elif event == "Stats":
                self.stats = parse_stats(message.payload)
            elif event == "Progress":
                self.progress = parse_stats(message.payload)
            elif event == "End":
                self.ended = True
        return records

    def close(self) -> None:
        """The answer's body ended.

        Raises:
            InvalidResponseError: it stopped inside a message, or before the ``End`` event (a
                result cut short must not pass for a complete one).
            S3Error: an error event came after the last records handed out.
        """
        self.raise_error()
        self._decoder.close()
        if not self.ended:
            raise InvalidResponseError("the select answer ended before its End event")
