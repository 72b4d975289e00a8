"""Parsing S3's XML answers and building its XML requests.

Parsing goes through defusedxml: a document with a DOCTYPE, entities or external references is
refused with :class:`~aiominio.errors.InvalidResponseError`, as is anything that is not XML (an
HTML error page from a proxy, a truncated body).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import unquote_plus
from xml.sax.saxutils import unescape

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from aiominio.core.endpoint import DEFAULT_REGION
from aiominio.core.headers import unquote_etag
from aiominio.errors import HEAD_STATUS_CODES, InvalidResponseError, S3Error
from aiominio.models import Bucket, CopyResult, DeleteError, ObjectInfo, Part, PutResult, Upload

S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/"


_S3_XMLNS = b' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'


def parse(body: bytes, *, status: int | None = None) -> ET.Element:
    """Parse an XML document safely; namespaces are stripped from tags.

    A document with no markup declaration at all (no ``<!``: no DOCTYPE, hence no entity
    definitions, internal or external) is parsed by the C parser; anything else goes through
    defusedxml, which refuses DTDs and entities. S3's default namespace is dropped before parsing.
    """
    body = bytes(body).replace(_S3_XMLNS, b"", 1)
    try:
        # Without "<!" there is no DOCTYPE, so no entity can be declared: the fast C parser is
        # safe. Anything else goes through defusedxml, which refuses DTDs and entities.
        safe = b"<!" not in body
        root = ET.fromstring(body) if safe else SafeET.fromstring(body, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise InvalidResponseError(
            f"refused unsafe XML from the server ({type(exc).__name__})", status=status, body=body
        ) from exc
    except ET.ParseError as exc:
        raise InvalidResponseError(
            f"the server's answer is not valid XML ({exc})", status=status, body=body
        ) from exc
    if b"xmlns" in body:  # some other namespace is declared: strip it from the tags
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
    value = value.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    dt = datetime.fromisoformat(value)
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
        return DEFAULT_REGION
    if region == "EU":
        return "eu-west-1"
    return region


def build_create_bucket(region: str) -> bytes:
    """The CreateBucketConfiguration body for a region other than us-east-1."""
    root = ET.Element("CreateBucketConfiguration", xmlns=S3_NS)
    ET.SubElement(root, "LocationConstraint").text = region
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=False))


def _maybe_decode(value: str, url_encoded: bool) -> str:
    return unquote_plus(value) if url_encoded else value


@dataclass(frozen=True, slots=True)
class ObjectPage:
    """One page of a ListObjects (v1 or v2) answer, with keys decoded."""

    entries: list[ObjectInfo]
    truncated: bool
    next_marker: str | None
    next_token: str | None


def parse_list_objects(body: bytes) -> ObjectPage:
    """Parse a ListBucketResult page (v1 or v2).

    Objects and common prefixes are merged in key order. With ``EncodingType`` ``url`` in the
    answer, keys, prefixes and markers are decoded, so they come back exactly as stored.
    """
    root = parse(body)
    encoded = text(root, "EncodingType").lower() == "url"
    entries: list[ObjectInfo] = []
    prefixes: list[ObjectInfo] = []
    truncated = False
    next_marker = next_token = None
    for el in root:
        tag = el.tag
        if tag == "Contents":
            # One pass over the children: a listing holds thousands of these.
            key = size = etag = modified = storage = None
            for child in el:
                ctag = child.tag
                if ctag == "Key":
                    key = child.text
                elif ctag == "Size":
                    size = child.text
                elif ctag == "ETag":
                    etag = child.text
                elif ctag == "LastModified":
                    modified = child.text
                elif ctag == "StorageClass":
                    storage = child.text
            key = key or ""
            if encoded and ("%" in key or "+" in key):
                key = unquote_plus(key)
            entries.append(
                ObjectInfo(
                    key,
                    int(size) if size else 0,
                    unquote_etag(etag) if etag else "",
                    parse_iso_datetime(modified) if modified else None,
                    False,
                    storage or None,
                )
            )
        elif tag == "CommonPrefixes":
            prefixes.append(ObjectInfo(key=_maybe_decode(text(el, "Prefix"), encoded), is_dir=True))
        elif tag == "IsTruncated":
            truncated = (el.text or "").strip().lower() == "true"
        elif tag == "NextMarker" and el.text:
            next_marker = _maybe_decode(el.text, encoded)
        elif tag == "NextContinuationToken" and el.text:
            next_token = el.text
    if prefixes:
        entries.extend(prefixes)
        entries.sort(key=lambda e: e.key)
    return ObjectPage(entries, truncated, next_marker, next_token)


_TRUNCATED = re.compile(rb"<IsTruncated>\s*true\s*</IsTruncated>")
_NEXT_TOKEN = re.compile(rb"<NextContinuationToken>([^<]*)</NextContinuationToken>")
_NEXT_MARKER = re.compile(rb"<NextMarker>([^<]*)</NextMarker>")
_XML_ESCAPES = {"&quot;": '"', "&apos;": "'"}


def peek_next_cursor(body: bytes, *, v2: bool) -> str | None:
    """The continuation token (v2) or next marker (v1) of a listing page, read off the raw
    answer without parsing it, or None. Only a hint for prefetching: the parsed page decides."""
    if not _TRUNCATED.search(body):
        return None
    found = (_NEXT_TOKEN if v2 else _NEXT_MARKER).search(body)
    if found is None:
        return None
    value = unescape(found.group(1).decode("utf-8", "replace"), _XML_ESCAPES)
    if not v2 and b"<EncodingType>url</EncodingType>" in body:
        value = unquote_plus(value)
    return value or None


@dataclass(frozen=True, slots=True)
class UploadPage:
    """One page of a ListMultipartUploads answer."""

    uploads: list[Upload]
    prefixes: list[str]
    truncated: bool
    next_key_marker: str | None
    next_upload_id_marker: str | None


def parse_list_uploads(body: bytes) -> UploadPage:
    root = parse(body)
    encoded = text(root, "EncodingType").lower() == "url"
    uploads = []
    for u in root.iterfind("Upload"):
        initiated = text(u, "Initiated")
        uploads.append(
            Upload(
                key=_maybe_decode(text(u, "Key"), encoded),
                upload_id=text(u, "UploadId"),
                initiated=parse_iso_datetime(initiated) if initiated else None,
            )
        )
    prefixes = [_maybe_decode(text(p, "Prefix"), encoded) for p in root.iterfind("CommonPrefixes")]
    next_key = text(root, "NextKeyMarker") or None
    return UploadPage(
        uploads,
        prefixes,
        text(root, "IsTruncated").lower() == "true",
        _maybe_decode(next_key, encoded) if next_key else None,
        text(root, "NextUploadIdMarker") or None,
    )


def parse_list_parts(body: bytes) -> tuple[list[Part], bool, int | None]:
    """Parts of a ListParts page, whether it is truncated, and the next part-number marker."""
    root = parse(body)
    parts = []
    for p in root.iterfind("Part"):
        modified = text(p, "LastModified")
        parts.append(
            Part(
                part_number=int(text(p, "PartNumber")),
                etag=unquote_etag(text(p, "ETag")),
                size=int(text(p, "Size", "0") or 0),
                last_modified=parse_iso_datetime(modified) if modified else None,
                checksum_crc32=text(p, "ChecksumCRC32") or None,
            )
        )
    marker = text(root, "NextPartNumberMarker")
    truncated = text(root, "IsTruncated").lower() == "true"
    return parts, truncated, int(marker) if marker.isdigit() else None


def parse_initiate_multipart(body: bytes) -> str:
    upload_id = text(parse(body), "UploadId")
    if not upload_id:
        raise InvalidResponseError("CreateMultipartUpload answer has no UploadId", body=body)
    return upload_id


def raise_if_error_document(
    body: bytes, *, status: int, bucket: str | None, key: str | None
) -> None:
    """S3 may answer 200 OK and still fail (CompleteMultipartUpload, CopyObject): the body is then
    an ``<Error>`` document, raised here as the error it describes."""
    if b"<Error>" not in body[:4096]:
        return
    root = parse(body, status=status)
    if root.tag == "Error":
        raise parse_error(500 if status == 200 else status, {}, body, bucket=bucket, key=key)


def parse_complete_multipart(body: bytes) -> PutResult:
    """The ETag of a completed multipart upload (possibly empty), and its CRC32 when the answer
    gives one of the whole object (``ChecksumType`` FULL_OBJECT, not a checksum of checksums)."""
    root = parse(body)
    if root.tag != "CompleteMultipartUploadResult":
        raise InvalidResponseError(f"unexpected <{root.tag}> completing an upload", body=body)
    full = text(root, "ChecksumType") == "FULL_OBJECT"
    return PutResult(
        unquote_etag(text(root, "ETag")),
        checksum_crc32=(text(root, "ChecksumCRC32") or None) if full else None,
    )


def build_complete_multipart(
    parts: list[tuple[int, str]], crc32: list[str | None] | None = None
) -> bytes:
    """The CompleteMultipartUpload body; with each part's CRC32 when the upload has them."""
    root = ET.Element("CompleteMultipartUpload", xmlns=S3_NS)
    for i, (number, etag) in enumerate(parts):
        el = ET.SubElement(root, "Part")
        ET.SubElement(el, "PartNumber").text = str(number)
        ET.SubElement(el, "ETag").text = f'"{etag}"'
        if crc32 is not None and crc32[i]:
            ET.SubElement(el, "ChecksumCRC32").text = crc32[i]
    return bytes(ET.tostring(root, encoding="utf-8"))


def build_delete_objects(keys: list[tuple[str, str | None]], *, quiet: bool = True) -> bytes:
    root = ET.Element("Delete", xmlns=S3_NS)
    ET.SubElement(root, "Quiet").text = "true" if quiet else "false"
    for key, version in keys:
        obj = ET.SubElement(root, "Object")
        ET.SubElement(obj, "Key").text = key
        if version:
            ET.SubElement(obj, "VersionId").text = version
    return bytes(ET.tostring(root, encoding="utf-8"))


def parse_delete_objects(body: bytes) -> list[DeleteError]:
    root = parse(body)
    return [
        DeleteError(
            key=text(e, "Key"),
            code=text(e, "Code"),
            message=text(e, "Message"),
            version_id=text(e, "VersionId") or None,
        )
        for e in root.iterfind("Error")
    ]


def parse_copy_result(body: bytes) -> CopyResult:
    root = parse(body)
    if root.tag not in ("CopyObjectResult", "CopyPartResult"):
        raise InvalidResponseError(f"unexpected <{root.tag}> answering a copy", body=body)
    modified = text(root, "LastModified")
    return CopyResult(
        etag=unquote_etag(text(root, "ETag")),
        last_modified=parse_iso_datetime(modified) if modified else None,
    )
