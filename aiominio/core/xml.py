"""Parsing S3's XML answers and building its XML requests.

Parsing goes through defusedxml: a document with a DOCTYPE, entities or external references is
refused with :class:`~aiominio.errors.InvalidResponseError`, as is anything that is not XML (an
HTML error page from a proxy, a truncated body).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from aiominio.errors import HEAD_STATUS_CODES, InvalidResponseError, S3Error
from aiominio.models import Bucket

S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/"


def parse(body: bytes, *, status: int | None = None) -> ET.Element:
    """Parse an XML document safely; namespaces are stripped from tags."""
    try:
        root = SafeET.fromstring(body, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise InvalidResponseError(
            f"refused unsafe XML from the server ({type(exc).__name__})", status=status, body=body
        ) from exc
    except ET.ParseError as exc:
        raise InvalidResponseError(
            f"the server's answer is not valid XML ({exc})", status=status, body=body
        ) from exc
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.startswith("{"):
            el.tag = el.tag.split("}", 1)[1]
    return root


def text(el: ET.Element, name: str, default: str = "") -> str:
    """The text of the first child ``name`` of ``el`` (``default`` when absent)."""
    child = el.find(name)
    if child is None or child.text is None:
        return default
    return child.text


def children(el: ET.Element, path: str) -> Iterator[ET.Element]:
    return iter(el.findall(path))


def parse_iso_datetime(value: str) -> datetime:
    """Parse an S3 ISO-8601 timestamp (``2024-01-02T03:04:05.000Z``) to an aware datetime."""
    value = value.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt


def parse_http_date(value: str) -> datetime:
    """Parse an HTTP date (``Last-Modified``) to an aware datetime."""
    dt = parsedate_to_datetime(value)
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
    )


def parse_list_buckets(body: bytes) -> list[Bucket]:
    root = parse(body)
    out = []
    for b in root.iterfind("Buckets/Bucket"):
        created = text(b, "CreationDate")
        out.append(Bucket(text(b, "Name"), parse_iso_datetime(created) if created else None))
    return out


def parse_location(body: bytes) -> str:
    """The region of a GetBucketLocation answer (empty means us-east-1, ``EU`` eu-west-1)."""
    root = parse(body)
    region = (root.text or "").strip()
    if not region:
        return "us-east-1"
    if region == "EU":
        return "eu-west-1"
    return region


def build_create_bucket(region: str) -> bytes:
    """The CreateBucketConfiguration body for a region other than us-east-1."""
    root = ET.Element("CreateBucketConfiguration", xmlns=S3_NS)
    ET.SubElement(root, "LocationConstraint").text = region
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=False))
