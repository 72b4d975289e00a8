"""MinIO's bucket notification stream (``GET /bucket?events=...``): its query and its lines.

MinIO answers ListenBucketNotification with a body that never ends: one JSON document per line,
``{"Records": [...]}`` in the shape of S3 event notifications, with whitespace in between to
keep the connection alive (a space every half second, or blank lines).
:class:`EventLineDecoder` takes that body in chunks cut anywhere and hands back
:class:`BucketEvent` s. It does no I/O.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import unquote_plus

from aiominio.core.validation import check_one_line
from aiominio.core.xmlparse import parse_iso_datetime
from aiominio.errors import InvalidArgument, InvalidResponseError

#: The events listened to by default: objects created and removed.
DEFAULT_EVENTS = ("s3:ObjectCreated:*", "s3:ObjectRemoved:*")
#: The longest line accepted: a record is a few kilobytes; a line past this is no event stream.
MAX_LINE_BYTES = 8 * 1024 * 1024

Query = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class BucketEvent:
    """One event record of a bucket notification.

    Attributes:
        event_name: what happened (``s3:ObjectCreated:Put``, ``s3:ObjectRemoved:Delete``, ...).
        bucket: the bucket's name.
        key: the object key, decoded (the record carries it URL-encoded).
        size: the object's size, when the record says (creations).
        etag: the object's ETag, when the record says.
        version_id: the object version, when the record says.
        event_time: when it happened, when the record says.
        record: the whole record as the server sent it (a JSON object).
    """

    event_name: str
    bucket: str
    key: str
    size: int | None = None
    etag: str | None = None
    version_id: str | None = None
    event_time: datetime | None = None
    record: dict[str, object] = field(default_factory=dict, compare=False, repr=False)


def check_events(events: object) -> tuple[str, ...]:
    """The event names to listen to, checked: a non-empty sequence of ``s3:...`` names.

    Raises:
        TypeError: a str (one name, not a sequence of them) or names that are not str.
        InvalidArgument: no names, a name not starting with ``s3:``, a control character.
    """
    if isinstance(events, str) or not isinstance(events, Iterable):
        raise TypeError("events must be a sequence of event names such as 's3:ObjectCreated:*'")
    names = tuple(events)
    if not names:
        raise InvalidArgument("events must name at least one event")
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"events must be str names, not {type(name).__name__}")
        if not name.startswith("s3:") or len(name) <= 3:
            raise InvalidArgument(f"events: {name!r} is not an event name (s3:...)")
        check_one_line("events", name)
    return names


def check_filter(name: str, value: object) -> str:
    """A prefix or suffix key filter (``""``: none)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    check_one_line(name, value)  # first: a lone surrogate cannot be measured in UTF-8
    if len(value.encode("utf-8")) > 1024:
        raise InvalidArgument(f"{name} must be at most 1024 bytes")
    return value


def listen_query(prefix: str, suffix: str, events: Iterable[str]) -> Query:
    """The query of ListenBucketNotification (checked values)."""
    return (("prefix", prefix), ("suffix", suffix), *(("events", e) for e in events))


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else {}


def parse_record(record: Mapping[str, object]) -> BucketEvent:
    """One record of a notification (the S3 event record shape).

    Raises:
        InvalidResponseError: a record without an event name, a malformed size or time.
    """
    name = _str(record.get("eventName"))
    if name is None:
        raise InvalidResponseError("a notification record without its eventName")
    s3 = _mapping(record.get("s3"))
    obj = _mapping(s3.get("object"))
    size = obj.get("size")
    if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 0):
        raise InvalidResponseError(f"a notification record with a malformed size: {size!r}")
    when = _str(record.get("eventTime"))
    return BucketEvent(
        event_name=name,
        bucket=_str(_mapping(s3.get("bucket")).get("name")) or "",
        key=unquote_plus(_str(obj.get("key")) or ""),
        size=size,
        etag=_str(obj.get("eTag")),
        version_id=_str(obj.get("versionId")),
        event_time=parse_iso_datetime(when) if when else None,
        record=dict(record),
    )


def parse_line(line: bytes) -> list[BucketEvent]:
    """The events of one (non-blank) line: a JSON object whose ``Records`` is a list.

    Raises:
        InvalidResponseError: a line that is not such JSON, or a malformed record.
    """
    try:
        document = json.loads(line)
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidResponseError(
            f"a notification line that is not JSON: {line[:64]!r}", body=line
        ) from exc
    if not isinstance(document, dict):
        raise InvalidResponseError(f"a notification line that is not an object: {line[:64]!r}")
    records = document.get("Records")
    if records is None:
        return []
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise InvalidResponseError("a notification whose Records is not a list of objects")
    return [parse_record(r) for r in records]


class EventLineDecoder:
    """MinIO's notification body, fed in chunks as it arrives; hands back the events.

    Lines of whitespace only (keep-alives) are skipped; a line that is not JSON raises. A partial
    line at the end of one connection is not carried over to the next one: use a new decoder
    per connection.
    """

    def __init__(self, *, max_line: int = MAX_LINE_BYTES) -> None:
        self._partial = bytearray()
        self._max = max_line
        self._error: InvalidResponseError | None = None

    def raise_error(self) -> None:
        """Raise the error of a bad line that came after events already handed out, if any."""
        if self._error is not None:
            raise self._error

    def feed(self, data: bytes) -> list[BucketEvent]:
        """The events of the lines ``data`` completes. The events of the lines before a bad
        one are handed out first; the error is raised by the next call (or
        :meth:`raise_error`).

        Raises:
            InvalidResponseError: a line that is not JSON, or longer than the limit.
        """
        self.raise_error()
        self._partial += data
        events: list[BucketEvent] = []
        while True:
            end = self._partial.find(b"\n")
            if end < 0:
                break
            line = bytes(self._partial[:end])
            del self._partial[: end + 1]
            if not line.strip():
                continue
            try:
                events.extend(parse_line(line))
            except InvalidResponseError as exc:
                if not events:
                    raise
                self._error = exc
                return events
        if not self._partial.strip():
            self._partial.clear()  # keep-alive spaces: an idle stream must not grow a line
        if len(self._partial) > self._max:
            raise InvalidResponseError(f"a notification line longer than {self._max} bytes")
        return events
