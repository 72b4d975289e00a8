"""Reading S3's XML safely, what every document of :mod:`aiominio.core` is parsed with: the parser
(:func:`parse`), element text, flags and dates, the byte limits of answers, and the ``<Error>``
document (:func:`parse_error`, :func:`raise_if_error_document`).

A document with a DOCTYPE, entities or external references is refused with
:class:`~aiominio.errors.InvalidResponseError` (through defusedxml; only plain UTF-8 with no
``<!`` at all takes the faster C parser directly), as is anything that is not XML (an HTML error
page from a proxy, a truncated body).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from aiominio.core.retry import TRANSIENT_CODES
from aiominio.errors import HEAD_STATUS_CODES, InvalidResponseError, S3Error

S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/"


_S3_XMLNS = b' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'


#: The most bytes read of an error answer: S3's error documents are a few hundred bytes, a
#: proxy's error page a few KiB.
ERROR_DOCUMENT_LIMIT = 64 * 1024
#: The most bytes read of a listing page (1,000 entries, each a key of up to 1 KiB with its
#: size, ETag, date, owner, checksum and user metadata: under 4 MiB).
LISTING_PAGE_LIMIT = 8 * 1024 * 1024
#: The most bytes read of any other document (a bucket configuration, a result): S3's largest,
#: a lifecycle configuration of 1,000 rules, is under 1 MiB.
DOCUMENT_LIMIT = 2 * 1024 * 1024


def parse(body: bytes, *, status: int | None = None) -> ET.Element:
    """Parse an XML document safely; namespaces are stripped from tags.

    Only a plain UTF-8 (or ASCII) document with no markup declaration at all (no ``<!``: no
    DOCTYPE, hence no entity definitions, internal or external) is parsed by the C parser;
    anything else goes through defusedxml, which refuses DTDs and entities. S3's default
    namespace is dropped before parsing.
    """
    body = bytes(body)
    if body[:1].isspace():
        # S3 keeps a slow answer alive with whitespace, sent before the XML declaration too.
        body = body.lstrip()
    body = body.replace(_S3_XMLNS, b"", 1)
    plain = _is_plain_utf8(body)
    try:
        root = ET.fromstring(body) if plain else SafeET.fromstring(body, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise InvalidResponseError(
            f"refused unsafe XML from the server ({type(exc).__name__})", status=status, body=body
        ) from exc
    except (ET.ParseError, ValueError, LookupError) as exc:
        # ValueError, LookupError: an encoding the parser does not know or support.
        raise InvalidResponseError(
            f"the server's answer is not valid XML ({exc})", status=status, body=body
        ) from exc
    if not plain or b"xmlns" in body:  # another namespace may be declared: strip it from tags
        for el in root.iter():
            if isinstance(el.tag, str) and el.tag.startswith("{"):
                el.tag = el.tag.split("}", 1)[1]
    return root


_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_UTF8_DECLARATION = re.compile(
    rb"<\?xml[^>]*?\sencoding\s*=\s*(['\"])(?:utf-8|us-ascii)\1", re.IGNORECASE
)


def _is_plain_utf8(body: bytes) -> bool:
    """Whether ``body`` can only be read as UTF-8 and holds no ``<!``: then it declares no
    entity, and the fast C parser is safe. In any other encoding (UTF-16 has NUL bytes, a BOM or
    an ``encoding`` declaration names it) a ``<!`` would not show as these bytes."""
    if b"<!" in body or b"\0" in body or body.startswith(_BOMS):
        return False
    if not body.startswith(b"<?xml"):
        return True
    declaration = body[: body.find(b"?>") + 1]
    if not declaration:
        return False
    return b"encoding" not in declaration or _UTF8_DECLARATION.match(declaration) is not None


def text(el: ET.Element, name: str, default: str = "") -> str:
    """The text of the first child ``name`` of ``el`` (``default`` when absent)."""
    child = el.find(name)
    if child is None or child.text is None:
        return default
    return child.text


def required_text(el: ET.Element, name: str) -> str:
    """The text of the child ``name`` of ``el``, which the answer must have.

    Raises:
        InvalidResponseError: the child is missing or empty.
    """
    value = text(el, name)
    if not value:
        raise InvalidResponseError(f"<{el.tag}> without the <{name}> it must have")
    return value


def parse_flag(value: str | None, what: str) -> bool:
    """An XML boolean (``true``/``false``; absent is false).

    Raises:
        InvalidResponseError: any other value, rather than reading it as false (a listing that
            says ``IsTruncated: yes`` must not end early without a word).
    """
    flag = (value or "false").strip().lower()
    if flag not in ("true", "false"):
        raise InvalidResponseError(f"the server sent a malformed {what}: {flag[:64]!r}")
    return flag == "true"


def parse_iso_datetime(value: str) -> datetime:
    """Parse an S3 ISO-8601 timestamp (``2024-01-02T03:04:05.000Z``) to an aware datetime."""
    cached = _DATETIMES.get(value)
    if cached is not None:
        return cached
    result = _parse_iso(value)
    if len(_DATETIMES) > 4096:
        _DATETIMES.clear()
    _DATETIMES[value] = result
    return result


_DATETIMES: dict[str, datetime] = {}


def _parse_iso(value: str) -> datetime:
    stripped = value.strip()
    if stripped.endswith("Z"):
        stripped = stripped[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(stripped)
    except ValueError as exc:
        raise InvalidResponseError(f"the server sent a malformed date: {value[:64]!r}") from exc
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt


def parse_error(
    status: int,
    headers: dict[str, str],
    body: bytes,
    *,
    bucket: str | None = None,
    key: str | None = None,
    head: bool = False,
) -> Exception:
    """Turn an error answer into an exception (not raised).

    A HEAD answer has no body, so its code comes from the status: 404 is ``NoSuchKey`` when the
    request named a key and ``NoSuchBucket`` otherwise. A body that is not an S3 ``<Error>`` (an
    HTML page from a proxy, say) becomes an :class:`InvalidResponseError` carrying the status.
    """
    request_id = headers.get("x-amz-request-id")
    host_id = headers.get("x-amz-id-2")
    region = headers.get("x-amz-bucket-region")
    if head or not body.strip():
        if status == 404:
            code = "NoSuchKey" if key else "NoSuchBucket"
        else:
            code = HEAD_STATUS_CODES.get(status, f"HTTP{status}")
        return S3Error.from_code(
            code,
            "",
            status=status,
            request_id=request_id,
            host_id=host_id,
            bucket=bucket,
            key=key,
            region=region,
        )
    try:
        root = parse(body, status=status)
    except InvalidResponseError as exc:
        exc.args = (f"HTTP {status} with a body that is not S3 XML: {exc.args[0]}",)
        return exc
    if root.tag != "Error":
        return InvalidResponseError(
            f"HTTP {status} with an unexpected <{root.tag}> document", status=status, body=body
        )
    return S3Error.from_code(
        text(root, "Code") or f"HTTP{status}",
        text(root, "Message"),
        status=status,
        request_id=text(root, "RequestId") or request_id,
        host_id=text(root, "HostId") or host_id,
        resource=text(root, "Resource") or None,
        bucket=text(root, "BucketName") or bucket,
        key=text(root, "Key") or key,
        region=text(root, "Region") or region,
    )


#: An ``<Error>`` root, after any whitespace and XML declaration.
_ERROR_FIRST = re.compile(rb"\s*(?:<\?xml[^>]*>\s*)?<Error[\s>/]")


def raise_if_error_document(
    body: bytes, *, status: int, bucket: str | None, key: str | None
) -> None:
    """S3 may answer 200 OK and still fail (CompleteMultipartUpload, CopyObject): the body is then
    an ``<Error>`` document, raised here as the error it describes. S3 sends whitespace while it
    works, so the first element may come after any amount of it.

    A transient code (InternalError, SlowDown, ...), or none at all (a broken answer more likely
    than a refusal), is raised with status 500, the failure on the server's side it is, and so
    retried; any other code keeps the answer's status, so a permanent one (AccessDenied) is not
    retried as if it were transient."""
    if not _ERROR_FIRST.match(body):
        return
    root = parse(body, status=status)
    if root.tag == "Error":
        exc = parse_error(status, {}, body, bucket=bucket, key=key)
        transient = not root.findtext("Code") or (
            isinstance(exc, S3Error) and exc.code in TRANSIENT_CODES
        )
        if status == 200 and transient:
            exc = parse_error(500, {}, body, bucket=bucket, key=key)
        raise exc
