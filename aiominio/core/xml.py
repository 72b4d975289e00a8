"""S3's XML requests and answers other than listings: bucket location and creation, tagging,
multipart upload (initiate, complete), multi-object delete, copy results.

The documents of other areas have their own modules (lifecycle, CORS, replication, versioning,
object lock, ...). Reading XML safely, the error document and the byte limits are in
:mod:`aiominio.core.xmlparse`; the listing pages in :mod:`aiominio.core.listing`. Both are
importable from here too (``xml.parse``, ``xml.parse_list_objects``), so that an operation needs
this one module for any document it reads.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping

from aiominio.core.checksums import CHECKSUM_ALGORITHMS
from aiominio.core.endpoint import DEFAULT_REGION
from aiominio.core.headers import unquote_etag
from aiominio.core.listing import (
    BucketPage,
    ObjectPage,
    PartPage,
    UploadPage,
    check_entry_count,
    parse_bucket_page,
    parse_list_buckets,
    parse_list_objects,
    parse_list_parts,
    parse_list_uploads,
    peek_next_cursor,
)
from aiominio.core.xmlparse import (
    DOCUMENT_LIMIT,
    ERROR_DOCUMENT_LIMIT,
    LISTING_PAGE_LIMIT,
    S3_NS,
    parse,
    parse_error,
    parse_flag,
    parse_iso_datetime,
    raise_if_error_document,
    required_text,
    text,
)
from aiominio.errors import InvalidResponseError
from aiominio.models import Checksum, CopyResult, DeleteError, PutResult

__all__ = [
    "DOCUMENT_LIMIT",
    "ERROR_DOCUMENT_LIMIT",
    "LISTING_PAGE_LIMIT",
    "S3_NS",
    "BucketPage",
    "ObjectPage",
    "PartPage",
    "UploadPage",
    "build_complete_multipart",
    "build_create_bucket",
    "build_delete_objects",
    "build_tagging",
    "check_entry_count",
    "parse",
    "parse_bucket_page",
    "parse_complete_multipart",
    "parse_copy_result",
    "parse_delete_objects",
    "parse_error",
    "parse_flag",
    "parse_initiate_multipart",
    "parse_iso_datetime",
    "parse_list_buckets",
    "parse_list_objects",
    "parse_list_parts",
    "parse_list_uploads",
    "parse_location",
    "parse_tagging",
    "peek_next_cursor",
    "raise_if_error_document",
    "required_text",
    "text",
    "xml_carries",
]


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


def parse_initiate_multipart(body: bytes) -> str:
    upload_id = text(parse(body), "UploadId")
    if not upload_id:
        raise InvalidResponseError("CreateMultipartUpload answer has no UploadId", body=body)
    return upload_id


def parse_complete_multipart(body: bytes) -> PutResult:
    """The ETag of a completed multipart upload (possibly empty), and the checksum the answer
    gives of the object, of any algorithm, with its type (``checksum_crc32`` only for a CRC32
    of the whole object, ``ChecksumType`` FULL_OBJECT, not a checksum of checksums)."""
    root = parse(body)
    if root.tag != "CompleteMultipartUploadResult":
        raise InvalidResponseError(f"unexpected <{root.tag}> completing an upload", body=body)
    checksum = _any_checksum(root)
    kind = checksum.type if checksum is not None else None
    full_crc32 = checksum is not None and checksum.algorithm == "CRC32" and kind == "FULL_OBJECT"
    return PutResult(
        unquote_etag(text(root, "ETag")),
        checksum_crc32=checksum.value if full_crc32 and checksum is not None else None,
        checksum=checksum,
    )


def build_complete_multipart(
    parts: list[tuple[int, str]],
    checksums: list[str | None] | None = None,
    algorithm: str = "CRC32",
) -> bytes:
    """The CompleteMultipartUpload body; with each part's checksum (``Checksum<algorithm>``)
    when the upload has them."""
    root = ET.Element("CompleteMultipartUpload", xmlns=S3_NS)
    element = f"Checksum{algorithm.upper()}"
    for i, (number, etag) in enumerate(parts):
        el = ET.SubElement(root, "Part")
        ET.SubElement(el, "PartNumber").text = str(number)
        ET.SubElement(el, "ETag").text = f'"{etag}"'
        if checksums is not None and checksums[i]:
            ET.SubElement(el, element).text = checksums[i]
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
        checksum=_any_checksum(root),
    )


def _any_checksum(root: ET.Element) -> Checksum | None:
    """The first ``Checksum<ALGORITHM>`` of an answer, with its ``ChecksumType`` if given."""
    for algorithm in CHECKSUM_ALGORITHMS:
        value = text(root, f"Checksum{algorithm}")
        if value:
            return Checksum(algorithm, value, text(root, "ChecksumType") or None)
    return None
