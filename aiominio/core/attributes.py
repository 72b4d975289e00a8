"""GetObjectAttributes: the attributes asked for, and the parse of the answer."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping

from aiominio.core.headers import parse_count, parse_http_date, unquote_etag
from aiominio.core.xmlparse import parse, parse_flag, text
from aiominio.errors import InvalidResponseError
from aiominio.models import Checksum, ObjectAttributes, ObjectPart

#: The header that names the attributes wanted: all five that S3 has.
ATTRIBUTES_HEADER = "x-amz-object-attributes"
ALL_ATTRIBUTES = "ETag,Checksum,ObjectParts,StorageClass,ObjectSize"
#: The checksum elements S3 may send, and the algorithm each names.
_ALGORITHMS = {
    "ChecksumCRC32": "CRC32",
    "ChecksumCRC32C": "CRC32C",
    "ChecksumCRC64NVME": "CRC64NVME",
    "ChecksumSHA1": "SHA1",
    "ChecksumSHA256": "SHA256",
}
_ROOTS = ("GetObjectAttributesResponse", "GetObjectAttributesOutput")


def _checksum(el: ET.Element | None, checksum_type: str | None) -> Checksum | None:
    if el is None:
        return None
    for tag, algorithm in _ALGORITHMS.items():
        value = text(el, tag).strip()
        if value:
            return Checksum(algorithm, value, checksum_type)
    return None


def parse_object_attributes(body: bytes, headers: Mapping[str, str]) -> ObjectAttributes:
    """The attributes in a GetObjectAttributes answer (``headers`` lower-cased: the time and
    the version come as headers).

    Raises:
        InvalidResponseError: another document, no ``ObjectSize``, or a malformed number.
    """
    root = parse(body)
    if root.tag not in _ROOTS:
        raise InvalidResponseError(
            f"unexpected <{root.tag}> answering GetObjectAttributes", body=body
        )
    size = text(root, "ObjectSize")
    if not size:
        raise InvalidResponseError(
            "GetObjectAttributes without the ObjectSize asked for", body=body
        )
    checksum_el = root.find("Checksum")
    checksum_type = None
    if checksum_el is not None:
        checksum_type = text(checksum_el, "ChecksumType").strip() or None
    parts_el = root.find("ObjectParts")
    parts: list[ObjectPart] = []
    parts_count = None
    truncated = False
    if parts_el is not None:
        count = text(parts_el, "PartsCount")
        parts_count = parse_count(count, "PartsCount") if count else None
        truncated = parse_flag(text(parts_el, "IsTruncated"), "IsTruncated")
        for part in parts_el.iterfind("Part"):
            parts.append(
                ObjectPart(
                    parse_count(text(part, "PartNumber"), "PartNumber"),
                    parse_count(text(part, "Size"), "Size"),
                    _checksum(part, None),
                )
            )
    modified = headers.get("last-modified")
    return ObjectAttributes(
        etag=unquote_etag(text(root, "ETag")),
        size=parse_count(size, "ObjectSize"),
        storage_class=text(root, "StorageClass") or None,
        checksum=_checksum(checksum_el, checksum_type),
        parts_count=parts_count,
        parts=tuple(parts),
        parts_truncated=truncated,
        last_modified=parse_http_date(modified) if modified else None,
        version_id=headers.get("x-amz-version-id") or None,
    )
