"""Bucket versioning and version listings: the XML of GetBucketVersioning, PutBucketVersioning
and ListObjectVersions."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import unquote_plus

from aiominio.core.headers import parse_count, unquote_etag
from aiominio.core.listing import check_entry_count, check_page_entries
from aiominio.core.xmlparse import (
    S3_NS,
    parse,
    parse_flag,
    parse_iso_datetime,
    required_text,
    text,
)
from aiominio.errors import InvalidResponseError
from aiominio.models import ObjectVersion, Versioning

#: A version listing cursor: the key marker and the version-id marker.
VersionCursor = tuple[str, str | None]


def build_versioning(state: Versioning) -> bytes:
    """The VersioningConfiguration body that sets ``state`` (Enabled or Suspended)."""
    root = ET.Element("VersioningConfiguration", xmlns=S3_NS)
    ET.SubElement(root, "Status").text = state.value
    return bytes(ET.tostring(root, encoding="utf-8"))


def parse_versioning(body: bytes) -> Versioning:
    """The state in a GetBucketVersioning answer (no ``<Status>``: never enabled, OFF).

    Raises:
        InvalidResponseError: a status other than Enabled or Suspended.
    """
    root = parse(body)
    status = text(root, "Status").strip()
    if not status:
        return Versioning.OFF
    for state in (Versioning.ENABLED, Versioning.SUSPENDED):
        if status == state.value:
            return state
    raise InvalidResponseError(f"the server sent an unknown versioning status: {status[:64]!r}")


@dataclass(frozen=True, slots=True)
class VersionPage:
    """One page of a ListObjectVersions answer, with keys decoded: versions and delete markers
    in the server's order (by key, newest first), common prefixes merged in by key."""

    entries: list[ObjectVersion]
    truncated: bool
    next_key_marker: str | None
    next_version_id_marker: str | None

    def cursor_after(self, sent: VersionCursor | None) -> VersionCursor | None:
        """The (key, version id) markers the next page starts from, after this page asked for
        with ``sent``: ``None`` when this is the last page.

        Raises:
            InvalidResponseError: the page is truncated but names no key marker, or the markers
                it was asked for (the next request would be the same one, forever).
        """
        if not self.truncated:
            return None
        cursor = (self.next_key_marker, self.next_version_id_marker)
        if not cursor[0] or cursor == sent:
            raise InvalidResponseError(
                f"a truncated ListObjectVersions page that does not advance (next: {cursor!r})"
            )
        return cursor[0], cursor[1]


def _version(el: ET.Element, encoded: bool, *, marker: bool) -> ObjectVersion:
    key = required_text(el, "Key")
    modified = text(el, "LastModified")
    size = text(el, "Size")
    return ObjectVersion(
        key=unquote_plus(key) if encoded else key,
        version_id=text(el, "VersionId") or "null",
        is_latest=parse_flag(text(el, "IsLatest"), "IsLatest"),
        is_delete_marker=marker,
        size=parse_count(size, "Size") if size else 0,
        etag=unquote_etag(text(el, "ETag")),
        last_modified=parse_iso_datetime(modified) if modified else None,
        storage_class=text(el, "StorageClass") or None,
    )


def parse_list_versions(body: bytes, *, most: int | None = None) -> VersionPage:
    """Parse a ListVersionsResult page (``EncodingType`` ``url`` decoded); more than ``most``
    versions and delete markers is refused."""
    check_page_entries(body, ("Version", "DeleteMarker"), most, "ListObjectVersions")
    root = parse(body)
    if root.tag != "ListVersionsResult":
        raise InvalidResponseError(f"unexpected <{root.tag}> listing versions", body=body)
    encoded = text(root, "EncodingType").lower() == "url"
    entries: list[ObjectVersion] = []
    prefixes: list[ObjectVersion] = []
    for el in root:
        if el.tag in ("Version", "DeleteMarker"):
            entries.append(_version(el, encoded, marker=el.tag == "DeleteMarker"))
        elif el.tag == "CommonPrefixes":
            prefix = required_text(el, "Prefix")
            prefix = unquote_plus(prefix) if encoded else prefix
            prefixes.append(ObjectVersion(key=prefix, version_id="", is_dir=True))
    check_entry_count(len(entries), most, "ListObjectVersions")
    if prefixes:
        entries.extend(prefixes)
        entries.sort(key=lambda e: e.key)  # stable: a key's versions stay newest first
    next_key = text(root, "NextKeyMarker") or None
    if next_key is not None and encoded:
        next_key = unquote_plus(next_key)
    return VersionPage(
        entries,
        parse_flag(text(root, "IsTruncated"), "IsTruncated"),
        next_key,
        text(root, "NextVersionIdMarker") or None,
    )
