"""Typed results. Every result is a frozen, slotted dataclass with parsed values."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class Versioning(str, enum.Enum):
    """A bucket's versioning state. A bucket starts ``OFF``; once ``ENABLED`` it can only be
    ``SUSPENDED`` (new writes replace the ``"null"`` version, older versions are kept)."""

    OFF = "Off"
    ENABLED = "Enabled"
    SUSPENDED = "Suspended"


@dataclass(frozen=True, slots=True)
class Bucket:
    """A bucket, as ``list_buckets`` reports it.

    Attributes:
        name: the bucket name.
        creation_date: when it was created (timezone-aware, UTC), if the server says.
        region: the bucket's region, where the server names it (``BucketRegion``: AWS S3).
    """

    name: str
    creation_date: datetime | None
    region: str | None = None


@dataclass(frozen=True, slots=True)
class Owner:
    """The owner of an object, as a listing with ``fetch_owner=True`` names it.

    Attributes:
        id: the owner's canonical id.
        display_name: the owner's display name, where the server gives one.
    """

    id: str
    display_name: str | None = None


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    """An entry of an object listing.

    In a non-recursive listing the common prefixes ("directories") are entries too: their ``key``
    is the prefix (``"photos/"``), ``is_dir`` is True and the other fields are empty.

    Attributes:
        key: the object key, exactly as stored.
        size: the size in bytes.
        etag: the ETag without quotes.
        last_modified: when the object was last written (timezone-aware).
        is_dir: True for a common prefix.
        storage_class: the storage class the server reports, if any.
        version_id: the version, in versioned listings.
        owner: the object's owner, in a listing with ``fetch_owner=True`` (where the server
            names it).
        metadata: in a listing with ``include_user_meta=True``: the user metadata, names
            lower-cased and without the ``x-amz-meta-`` prefix (as in
            :attr:`ObjectStat.metadata`); ``None`` otherwise.
        content_type: the Content-Type, in a listing with ``include_user_meta=True``.
        tags: the object's tags, where a listing with ``include_user_meta=True`` carries them
            (MinIO's ``UserTags``); ``None`` where it does not.
    """

    key: str
    size: int = 0
    etag: str = ""
    last_modified: datetime | None = None
    is_dir: bool = False
    storage_class: str | None = None
    version_id: str | None = None
    owner: Owner | None = None
    metadata: dict[str, str] | None = None
    content_type: str | None = None
    tags: dict[str, str] | None = None


@dataclass(frozen=True, slots=True)
class ObjectVersion:
    """An entry of ``list_object_versions``: one version of an object, or a delete marker.

    ``remove_objects`` takes these to remove exactly the versions listed.

    Attributes:
        key: the object key, exactly as stored.
        version_id: the version id (``"null"`` for a version written while versioning was off
            or suspended).
        is_latest: whether this is the current version of the key.
        is_delete_marker: whether this is a delete marker (no data: size 0, no ETag).
        size: the size in bytes.
        etag: the ETag without quotes.
        last_modified: when this version was written (timezone-aware).
        storage_class: the storage class the server reports, if any.
        is_dir: True for a common prefix of a non-recursive listing (``key`` is the prefix,
            ``version_id`` is empty and the other fields are empty).
    """

    key: str
    version_id: str
    is_latest: bool = False
    is_delete_marker: bool = False
    size: int = 0
    etag: str = ""
    last_modified: datetime | None = None
    storage_class: str | None = None
    is_dir: bool = False


@dataclass(frozen=True, slots=True)
class ObjectStat:
    """What ``stat_object`` (HEAD) tells about an object.

    Attributes:
        size: the size in bytes.
        etag: the ETag without quotes.
        content_type: the Content-Type.
        last_modified: when the object was last written (timezone-aware).
        metadata: user metadata, names lower-cased and without the ``x-amz-meta-`` prefix.
        version_id: the version id, where versioning is on.
        headers: every response header (lower-cased names), for anything else.
        cache_control: the stored Cache-Control, if any.
        content_disposition: the stored Content-Disposition, if any.
        content_encoding: the stored Content-Encoding, if any.
        content_language: the stored Content-Language, if any.
        expires: the stored Expires (timezone-aware), if any and if it is an HTTP date.
        storage_class: the storage class, where the server names it (S3 leaves STANDARD out).
        restore: an archived object's restore (``x-amz-restore``): whether one is under way,
            and until when the restored copy is kept; ``None`` for an object never restored.
    """

    size: int
    etag: str
    content_type: str
    last_modified: datetime | None
    metadata: dict[str, str]
    version_id: str | None = None
    headers: dict[str, str] | None = None
    cache_control: str | None = None
    content_disposition: str | None = None
    content_encoding: str | None = None
    content_language: str | None = None
    expires: datetime | None = None
    storage_class: str | None = None
    restore: RestoreStatus | None = None


@dataclass(frozen=True, slots=True)
class RestoreStatus:
    """The restore of an archived object, as its ``x-amz-restore`` header tells.

    Attributes:
        ongoing: True while the restore is under way; False once the copy is readable.
        expiry: when the restored copy goes away (timezone-aware), once it is there.
    """

    ongoing: bool
    expiry: datetime | None = None


@dataclass(frozen=True, slots=True)
class Grantee:
    """Who an ACL grant is for.

    Attributes:
        type: ``CanonicalUser``, ``Group`` or ``AmazonCustomerByEmail``.
        id: a canonical user's id.
        display_name: a canonical user's display name, where the server gives one.
        uri: a group's URI (``http://acs.amazonaws.com/groups/global/AllUsers``: everyone).
        email: an e-mail grantee's address.
    """

    type: str
    id: str | None = None
    display_name: str | None = None
    uri: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Grant:
    """One grant of an ACL: a grantee and a permission (``FULL_CONTROL``, ``READ``,
    ``WRITE``, ``READ_ACP``, ``WRITE_ACP``)."""

    grantee: Grantee
    permission: str


@dataclass(frozen=True, slots=True)
class ObjectAcl:
    """An object's access control list, as ``get_object_acl`` reads it.

    Attributes:
        owner: the object's owner.
        grants: every grant, in the server's order.
        canned: the canned ACL the grants amount to (``private``, ``public-read``,
            ``public-read-write``, ``authenticated-read``), or ``None`` when they are not
            exactly one of these.
    """

    owner: Owner
    grants: list[Grant]
    canned: str | None


@dataclass(frozen=True, slots=True)
class PutResult:
    """The outcome of an upload.

    Attributes:
        etag: the object's ETag (for a multipart upload, ``<md5-of-md5s>-<parts>``).
        version_id: the version id, where versioning is on.
        checksum_crc32: the CRC32 of the whole object (base64, as ``x-amz-checksum-crc32``)
            that the server stored and verified, when the upload sent one: every single PUT
            with ``integrity="crc32"``, and multipart uploads the server keeps a FULL_OBJECT
            checksum for.
        checksum: the object's checksum, of whichever algorithm the upload used
            (``checksum=`` or the client's ``integrity``), with its type: ``FULL_OBJECT`` (of
            the object's bytes: a single PUT's, which the server verified, or the one a
            multipart completion answered) or ``COMPOSITE`` (of its parts' checksums,
            ``<value>-<parts>``); ``None`` for ``integrity="md5"``, or a multipart upload whose
            completion named none.
    """

    etag: str
    version_id: str | None = None
    checksum_crc32: str | None = None
    checksum: Checksum | None = None


@dataclass(frozen=True, slots=True)
class Upload:
    """An incomplete multipart upload.

    Attributes:
        key: the object key it will create.
        upload_id: the upload id.
        initiated: when it was started.
        size: the bytes uploaded so far (the sum of its parts).
    """

    key: str
    upload_id: str
    initiated: datetime | None
    size: int = 0


@dataclass(frozen=True, slots=True)
class Part:
    """An uploaded part of a multipart upload, as ``upload_part`` returns it and ``list_parts``
    lists it; ``complete_multipart_upload`` takes it.

    Attributes:
        part_number: the part's number (1 to 10,000).
        etag: its ETag without quotes.
        size: its size in bytes.
        last_modified: when it was uploaded (timezone-aware), in a listing.
        checksum_crc32: its CRC32 (base64), when the upload sent one or the server lists it.
        checksum_crc32c: likewise its CRC32C.
        checksum_crc64nvme: likewise its CRC64NVME.
        checksum_sha1: likewise its SHA-1.
        checksum_sha256: likewise its SHA-256.
    """

    part_number: int
    etag: str
    size: int = 0
    last_modified: datetime | None = None
    checksum_crc32: str | None = None
    checksum_crc32c: str | None = None
    checksum_crc64nvme: str | None = None
    checksum_sha1: str | None = None
    checksum_sha256: str | None = None

    def checksum(self, algorithm: str) -> str | None:
        """The part's checksum by ``algorithm`` (``"crc32c"``, ``"SHA256"``, ...), if it has
        one."""
        value: str | None = getattr(self, f"checksum_{algorithm.lower()}", None)
        return value


@dataclass(frozen=True, slots=True)
class DeleteError:
    """A key that ``remove_objects`` could not delete, with the server's reason."""

    key: str
    code: str
    message: str
    version_id: str | None = None


@dataclass(frozen=True, slots=True)
class CopyResult:
    """The outcome of a server-side copy.

    Attributes:
        etag: the new object's ETag.
        last_modified: when the copy was written (from a HEAD when the answer does not say,
            as a multipart copy's never does).
        version_id: the new version's id, where versioning is on.
        checksum: the checksum the server stored for the new object, where the answer gives
            one (a ``compose_object`` with ``checksum=``: checked against its parts').
    """

    etag: str
    last_modified: datetime | None = None
    version_id: str | None = None
    checksum: Checksum | None = None


@dataclass(frozen=True, slots=True)
class Checksum:
    """A checksum the server keeps for an object or a part.

    Attributes:
        algorithm: ``"CRC32"``, ``"CRC32C"``, ``"CRC64NVME"``, ``"SHA1"`` or ``"SHA256"``.
        value: the checksum, base64-encoded as S3 sends it.
        type: ``"FULL_OBJECT"`` (of the whole object's bytes) or ``"COMPOSITE"`` (of the parts'
            checksums), when the server says.
    """

    algorithm: str
    value: str
    type: str | None = None


@dataclass(frozen=True, slots=True)
class ObjectPart:
    """A part of a multipart object, as ``get_object_attributes`` lists it.

    Attributes:
        part_number: the part's number.
        size: its size in bytes.
        checksum: its checksum, when the upload sent one.
    """

    part_number: int
    size: int
    checksum: Checksum | None = None


@dataclass(frozen=True, slots=True)
class ObjectAttributes:
    """What ``get_object_attributes`` (GetObjectAttributes) tells about an object.

    Attributes:
        etag: the ETag without quotes.
        size: the size in bytes.
        storage_class: the storage class, when the server names it.
        checksum: the object's checksum, when the server keeps one.
        parts_count: the number of parts of a multipart object (None for a single PUT, or when
            the server does not say).
        parts: the parts the server listed (the first 1,000 at most; some servers list none).
        parts_truncated: whether the server listed only some of the parts.
        last_modified: when the object was last written (timezone-aware).
        version_id: the version id, where versioning is on.
    """

    etag: str
    size: int
    storage_class: str | None = None
    checksum: Checksum | None = None
    parts_count: int | None = None
    parts: tuple[ObjectPart, ...] = ()
    parts_truncated: bool = False
    last_modified: datetime | None = None
    version_id: str | None = None
