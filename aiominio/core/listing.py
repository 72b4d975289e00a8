"""The answers of S3's listings as values: a page of ListObjects (v1 and v2),
ListMultipartUploads or ListParts with its cursor (:class:`ObjectPage`, :class:`UploadPage`,
:class:`PartPage`), ListBuckets; the cap on a page's entries; the next cursor read off a raw
page for prefetching."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, unquote_plus
from xml.sax.saxutils import unescape

from aiominio.core.headers import META_PREFIX, parse_count, unquote_etag
from aiominio.core.xmlparse import (
    parse,
    parse_flag,
    parse_iso_datetime,
    required_text,
    text,
)
from aiominio.errors import InvalidResponseError
from aiominio.models import Bucket, ObjectInfo, Owner, Part, Upload


@dataclass(frozen=True, slots=True)
class BucketPage:
    """One page of a ListBuckets answer: its buckets, and the token of the next page (``None``
    on the last one, or from a server that does not page)."""

    buckets: list[Bucket]
    next_token: str | None


def parse_bucket_page(body: bytes, *, most: int | None = None) -> BucketPage:
    """Parse a ListAllMyBucketsResult page; more than ``most`` buckets is refused."""
    check_page_entries(body, ("Bucket",), most, "ListBuckets")
    root = parse(body)
    out = []
    for b in root.iterfind("Buckets/Bucket"):
        created = text(b, "CreationDate")
        out.append(
            Bucket(
                required_text(b, "Name"),
                parse_iso_datetime(created) if created else None,
                text(b, "BucketRegion") or None,
            )
        )
    check_entry_count(len(out), most, "ListBuckets")
    return BucketPage(out, text(root, "ContinuationToken") or None)


def parse_list_buckets(body: bytes) -> list[Bucket]:
    """The buckets of one ListAllMyBucketsResult."""
    return parse_bucket_page(body).buckets


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


def check_page_entries(body: bytes, tags: tuple[str, ...], most: int | None, listing: str) -> None:
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


def parse_list_objects(body: bytes, *, most: int | None = None, owners: bool = False) -> ObjectPage:
    """Parse a ListBucketResult page (v1 or v2).

    Objects and common prefixes are merged in key order. With ``EncodingType`` ``url`` in the
    answer, keys, prefixes and markers are decoded, so they come back exactly as stored. A page
    of more than ``most`` objects is refused (see :func:`check_page_entries`). Each object's
    ``Owner`` is read with ``owners`` (else skipped), and MinIO's ``UserMetadata`` and
    ``UserTags`` (a listing with ``metadata=true``) wherever they are.
    """
    check_page_entries(body, ("Contents",), most, "ListObjects")
    if not owners and b"<Owner>" in body and b"<!" not in body:
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
            extra: dict[str, object] | None = None
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
                elif ctag in _EXTRAS and (owners or ctag != "Owner"):
                    extra = extra or {}
                    extra.update(_EXTRAS[ctag](child))
            if not key:
                raise InvalidResponseError("a listed object without a <Key>")
            if encoded and ("%" in key or "+" in key):
                key = unquote_plus(key)
            info = ObjectInfo(
                key,
                parse_count(size, "Size") if size else 0,
                unquote_etag(etag) if etag else "",
                parse_iso_datetime(modified) if modified else None,
                False,
                storage or None,
            )
            entries.append(replace(info, **extra) if extra else info)  # type: ignore[arg-type]
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


def _owner(el: ET.Element) -> dict[str, object]:
    owner_id = text(el, "ID")
    return {"owner": Owner(owner_id, text(el, "DisplayName") or None)} if owner_id else {}


def _user_metadata(el: ET.Element) -> dict[str, object]:
    """MinIO's ``<UserMetadata>``: one element per header (``<X-Amz-Meta-Color>``,
    ``<content-type>``)."""
    metadata: dict[str, str] = {}
    found: dict[str, object] = {"metadata": metadata}
    for child in el:
        name = child.tag.rpartition("}")[2].lower()
        value = child.text or ""
        if name.startswith(META_PREFIX):
            metadata[name[len(META_PREFIX) :]] = value
        elif name == "content-type":
            found["content_type"] = value
    return found


def _user_tags(el: ET.Element) -> dict[str, object]:
    """MinIO's ``<UserTags>``: the tags as a URL query string (``a=1&b=2``)."""
    return {"tags": dict(parse_qsl(el.text or "", keep_blank_values=True))}


_EXTRAS = {"Owner": _owner, "UserMetadata": _user_metadata, "UserTags": _user_tags}
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
    #: The upload's checksum algorithm (``ChecksumAlgorithm``, upper case), where the server
    #: names it.
    algorithm: str | None = None

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
    check_page_entries(body, ("Upload",), most, "ListMultipartUploads")
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
    check_page_entries(body, ("Part",), most, "ListParts")
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
                checksum_crc32c=text(p, "ChecksumCRC32C") or None,
                checksum_crc64nvme=text(p, "ChecksumCRC64NVME") or None,
                checksum_sha1=text(p, "ChecksumSHA1") or None,
                checksum_sha256=text(p, "ChecksumSHA256") or None,
            )
        )
    check_entry_count(len(parts), most, "ListParts")
    marker = text(root, "NextPartNumberMarker")
    truncated = parse_flag(text(root, "IsTruncated"), "IsTruncated")
    return PartPage(
        parts,
        truncated,
        parse_count(marker, "NextPartNumberMarker") if marker else None,
        text(root, "ChecksumAlgorithm").strip().upper() or None,
    )
