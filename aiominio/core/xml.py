"""Parsing S3's XML answers and building its XML requests.

A document with a DOCTYPE, entities or external references is refused with
:class:`~aiominio.errors.InvalidResponseError` (through defusedxml; only plain UTF-8 with no
``<!`` at all takes the faster C parser directly), as is anything that is not XML (an HTML error
page from a proxy, a truncated body).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import unquote_plus
from xml.sax.saxutils import unescape

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from aiominio.core.endpoint import DEFAULT_REGION
from aiominio.core.headers import parse_count, unquote_etag
from aiominio.core.retry import TRANSIENT_CODES
from aiominio.errors import HEAD_STATUS_CODES, InvalidResponseError, S3Error
from aiominio.models import Bucket, CopyResult, DeleteError, ObjectInfo, Part, PutResult, Upload

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


def parse_list_buckets(body: bytes) -> list[Bucket]:
    root = parse(body)
    out = []
    for b in root.iterfind("Buckets/Bucket"):
        created = text(b, "CreationDate")
        out.append(
            Bucket(required_text(b, "Name"), parse_iso_datetime(created) if created else None)
        )
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


def build_tagging(tags: Mapping[str, str]) -> bytes:
    """The ``<Tagging>`` body of PutObjectTagging and PutBucketTagging (tags checked already)."""
    root = ET.Element("Tagging", xmlns=S3_NS)
    tag_set = ET.SubElement(root, "TagSet")
    for key, value in tags.items():
        tag = ET.SubElement(tag_set, "Tag")
        ET.SubElement(tag, "Key").text = key
        ET.SubElement(tag, "Value").text = value
    return bytes(ET.tostring(root, encoding="utf-8"))


def parse_tagging(body: bytes) -> dict[str, str]:
    """The tags of a GetObjectTagging or GetBucketTagging answer.

    Raises:
        InvalidResponseError: not a ``<Tagging>`` document, a tag without a key, or a key twice.
    """
    root = parse(body)
    if root.tag != "Tagging":
        raise InvalidResponseError(
            f"unexpected <{root.tag}> answering a tagging request", body=body
        )
    tags: dict[str, str] = {}
    tag_set = root.find("TagSet")
    for tag in tag_set.iterfind("Tag") if tag_set is not None else ():
        key = required_text(tag, "Key")
        if key in tags:
            raise InvalidResponseError(f"the tag {key!r} is in the answer twice", body=body)
        tags[key] = text(tag, "Value")
    return tags


def _maybe_decode(value: str, url_encoded: bool) -> str:
    return unquote_plus(value) if url_encoded else value


@dataclass(frozen=True, slots=True)
class ObjectPage:
    """One page of a ListObjects (v1 or v2) answer, with keys decoded."""

    entries: list[ObjectInfo]
    truncated: bool
    next_marker: str | None
    next_token: str | None

    def cursor_after(self, sent: str | None, *, v2: bool) -> str | None:
        """Where the next page starts, after this page asked for with ``sent`` (a continuation
        token for v2, a marker for v1): ``None`` when this is the last page.

        Raises:
            InvalidResponseError: the page is truncated but names no cursor, or the one it was
                asked for (the next request would be the same one, forever).
        """
        if not self.truncated:
            return None
        if v2:
            return _advanced("ListObjectsV2", sent, self.next_token)
        last = self.entries[-1].key if self.entries else None
        return _advanced("ListObjects", sent, self.next_marker or last)


def _advanced(listing: str, sent: str | None, cursor: str | None) -> str:
    """``cursor``, if it moves a truncated listing on from ``sent``."""
    if not cursor or cursor == sent:
        raise InvalidResponseError(
            f"a truncated {listing} page that does not advance (next: {cursor!r})"
        )
    return cursor


def check_page_size(body: bytes, tags: tuple[str, ...], most: int | None, listing: str) -> None:
    """Refuse a listing page with more entries (elements named ``tags``) than the ``most`` that
    were asked for, before it is parsed: a server that sends a million entries when a thousand
    were asked for breaks the protocol, and the page would cost memory in proportion.

    Counted on the raw bytes (the text of an element never holds a ``<``), so a page is refused
    for the price of a search, not of a parse. Common prefixes are not counted: moto repeats
    every one of them on every page whatever max-keys says; the page's byte cap bounds them."""
    if most is None:
        return
    pattern = _ELEMENTS.get(tags)
    if pattern is None:  # any prefix, any attributes: <Contents>, <s3:Contents xmlns=...>
        names = "|".join(re.escape(tag) for tag in tags)
        pattern = _ELEMENTS[tags] = re.compile(rf"<(?:[\w.-]+:)?(?:{names})[\s/>]".encode())
    found = sum(1 for _ in pattern.finditer(body))
    check_entry_count(found, most, listing)


def check_entry_count(found: int, most: int | None, listing: str) -> None:
    """Refuse a listing page of ``found`` entries when at most ``most`` were asked for."""
    if most is not None and found > most:
        raise InvalidResponseError(
            f"a {listing} page with {found:,} entries when at most {most:,} were asked for"
        )


_ELEMENTS: dict[tuple[str, ...], re.Pattern[bytes]] = {}


def parse_list_objects(body: bytes, *, most: int | None = None) -> ObjectPage:
    """Parse a ListBucketResult page (v1 or v2).

    Objects and common prefixes are merged in key order. With ``EncodingType`` ``url`` in the
    answer, keys, prefixes and markers are decoded, so they come back exactly as stored. A page
    of more than ``most`` objects is refused (see :func:`check_page_size`).
    """
    check_page_size(body, ("Contents",), most, "ListObjects")
    if b"<Owner>" in body and b"<!" not in body:
        # v1 answers name each object's owner, which is not used: cut before parsing, a third
        # of a page's parse (the text of an element never holds a "<").
        body = _OWNER.sub(b"", body)
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
            if not key:
                raise InvalidResponseError("a listed object without a <Key>")
            if encoded and ("%" in key or "+" in key):
                key = unquote_plus(key)
            entries.append(
                ObjectInfo(
                    key,
                    parse_count(size, "Size") if size else 0,
                    unquote_etag(etag) if etag else "",
                    parse_iso_datetime(modified) if modified else None,
                    False,
                    storage or None,
                )
            )
        elif tag == "CommonPrefixes":
            prefix = _maybe_decode(required_text(el, "Prefix"), encoded)
            prefixes.append(ObjectInfo(key=prefix, is_dir=True))
        elif tag == "IsTruncated":
            truncated = parse_flag(el.text, "IsTruncated")
        elif tag == "NextMarker" and el.text:
            next_marker = _maybe_decode(el.text, encoded)
        elif tag == "NextContinuationToken" and el.text:
            next_token = el.text
    check_entry_count(len(entries), most, "ListObjects")  # whatever the counting missed
    if prefixes:
        entries.extend(prefixes)
        entries.sort(key=lambda e: e.key)
    return ObjectPage(entries, truncated, next_marker, next_token)


_TRUNCATED = re.compile(rb"<IsTruncated>\s*true\s*</IsTruncated>")
_OWNER = re.compile(rb"<Owner>.*?</Owner>", re.DOTALL)
_NEXT_TOKEN = re.compile(rb"<NextContinuationToken>([^<]*)</NextContinuationToken>")
_NEXT_MARKER = re.compile(rb"<NextMarker>([^<]*)</NextMarker>")
_XML_ESCAPES = {"&quot;": '"', "&apos;": "'"}


def peek_next_cursor(body: bytes, *, v2: bool) -> str | None:
    """The continuation token (v2) or next marker (v1) of a listing page, read off the raw
    answer without parsing it, or None. Only a hint for prefetching: the parsed page decides."""
    if not _TRUNCATED.search(body):
        return None
    found = (_NEXT_TOKEN if v2 else _NEXT_MARKER).search(body)
    if found is not None:
        raw = found.group(1)
    elif v2 or (start := body.rfind(b"<Key>")) < 0:
        return None
    else:  # v1 without NextMarker (no delimiter): the next page starts after the last key
        raw = body[start + 5 : body.find(b"</Key>", start)]
    value = unescape(raw.decode("utf-8", "replace"), _XML_ESCAPES)
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

    def cursor_after(self, sent: tuple[str, str | None] | None) -> tuple[str, str | None] | None:
        """The (key, upload id) markers the next page starts from, after this page asked for with
        ``sent``: ``None`` when this is the last page.

        Raises:
            InvalidResponseError: the page is truncated but names no key marker, or the markers
                it was asked for.
        """
        if not self.truncated:
            return None
        cursor = (self.next_key_marker, self.next_upload_id_marker)
        if not cursor[0] or cursor == sent:
            raise InvalidResponseError(
                f"a truncated ListMultipartUploads page that does not advance (next: {cursor!r})"
            )
        return cursor[0], cursor[1]


@dataclass(frozen=True, slots=True)
class PartPage:
    """One page of a ListParts answer."""

    parts: list[Part]
    truncated: bool
    next_marker: int | None

    def cursor_after(self, sent: int | None) -> int | None:
        """The part-number marker the next page starts from, after this page asked for with
        ``sent``: ``None`` when this is the last page.

        Raises:
            InvalidResponseError: the page is truncated but its marker is missing or not past
                ``sent`` (part numbers only grow).
        """
        if not self.truncated:
            return None
        if not self.next_marker or (sent is not None and self.next_marker <= sent):
            raise InvalidResponseError(
                f"a truncated ListParts page that does not advance (next: {self.next_marker!r})"
            )
        return self.next_marker


def parse_list_uploads(body: bytes, *, most: int | None = None) -> UploadPage:
    """A ListMultipartUploads page; more than ``most`` uploads is refused."""
    check_page_size(body, ("Upload",), most, "ListMultipartUploads")
    root = parse(body)
    encoded = text(root, "EncodingType").lower() == "url"
    uploads = []
    for u in root.iterfind("Upload"):
        initiated = text(u, "Initiated")
        uploads.append(
            Upload(
                key=_maybe_decode(required_text(u, "Key"), encoded),
                upload_id=required_text(u, "UploadId"),
                initiated=parse_iso_datetime(initiated) if initiated else None,
            )
        )
    check_entry_count(len(uploads), most, "ListMultipartUploads")
    prefixes = [
        _maybe_decode(required_text(p, "Prefix"), encoded) for p in root.iterfind("CommonPrefixes")
    ]
    next_key = text(root, "NextKeyMarker") or None
    return UploadPage(
        uploads,
        prefixes,
        parse_flag(text(root, "IsTruncated"), "IsTruncated"),
        _maybe_decode(next_key, encoded) if next_key else None,
        text(root, "NextUploadIdMarker") or None,
    )


def parse_list_parts(body: bytes, *, most: int | None = None) -> PartPage:
    """A ListParts page: its parts, whether it is truncated, and the next part-number marker.
    More than ``most`` parts is refused."""
    check_page_size(body, ("Part",), most, "ListParts")
    root = parse(body)
    parts = []
    for p in root.iterfind("Part"):
        modified = text(p, "LastModified")
        parts.append(
            Part(
                part_number=parse_count(required_text(p, "PartNumber"), "PartNumber"),
                etag=unquote_etag(required_text(p, "ETag")),
                size=parse_count(text(p, "Size", "0"), "Size"),
                last_modified=parse_iso_datetime(modified) if modified else None,
                checksum_crc32=text(p, "ChecksumCRC32") or None,
            )
        )
    check_entry_count(len(parts), most, "ListParts")
    marker = text(root, "NextPartNumberMarker")
    truncated = parse_flag(text(root, "IsTruncated"), "IsTruncated")
    return PartPage(
        parts, truncated, parse_count(marker, "NextPartNumberMarker") if marker else None
    )


def parse_initiate_multipart(body: bytes) -> str:
    upload_id = text(parse(body), "UploadId")
    if not upload_id:
        raise InvalidResponseError("CreateMultipartUpload answer has no UploadId", body=body)
    return upload_id


#: An ``<Error>`` root, after any whitespace and XML declaration.
_ERROR_FIRST = re.compile(rb"\s*(?:<\?xml[^>]*>\s*)?<Error[\s>/]")


def raise_if_error_document(
    body: bytes, *, status: int, bucket: str | None, key: str | None
) -> None:
    """S3 may answer 200 OK and still fail (CompleteMultipartUpload, CopyObject): the body is then
    an ``<Error>`` document, raised here as the error it describes. S3 sends whitespace while it
    works, so the first element may come after any amount of it.

    A transient code (InternalError, SlowDown, ...) is raised with status 500, the failure on the
    server's side it is, and so retried; any other keeps the answer's status, so a permanent one
    (AccessDenied) is not retried as if it were transient."""
    if not _ERROR_FIRST.match(body):
        return
    root = parse(body, status=status)
    if root.tag == "Error":
        exc = parse_error(status, {}, body, bucket=bucket, key=key)
        if status == 200 and exc.code in TRANSIENT_CODES:
            exc = parse_error(500, {}, body, bucket=bucket, key=key)
        raise exc


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


#: What XML 1.0 cannot carry at all, not even as a character reference: most C0 controls and
#: two non-characters. (A key may hold them; S3 allows any UTF-8.)
_NOT_XML_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_carries(key: str) -> bool:
    """Whether a DeleteObjects document can name ``key`` exactly (see
    :func:`build_delete_objects`); the others are deleted one request each."""
    return _NOT_XML_TEXT.search(key) is None


def build_delete_objects(keys: list[tuple[str, str | None]], *, quiet: bool = True) -> bytes:
    """A DeleteObjects document. Every key must be :func:`xml_carries`.

    A CR is written as ``&#13;``: a parser reads a raw CR (and CR LF) as LF, and the server
    would delete ``a\nb`` when asked for ``a\rb``."""
    root = ET.Element("Delete", xmlns=S3_NS)
    ET.SubElement(root, "Quiet").text = "true" if quiet else "false"
    for key, version in keys:
        if not xml_carries(key):
            raise ValueError(f"a key XML cannot carry: {key[:200]!a}")
        obj = ET.SubElement(root, "Object")
        ET.SubElement(obj, "Key").text = key
        if version:
            ET.SubElement(obj, "VersionId").text = version
    # ElementTree writes no CR of its own: each one is a key's.
    return bytes(ET.tostring(root, encoding="utf-8")).replace(b"\r", b"&#13;")


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
