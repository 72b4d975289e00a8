"""The client's object-attributes method: what GetObjectAttributes tells in one request."""

from __future__ import annotations

from aiominio.core.conditions import check_version_id
from aiominio.core.validation import check_bucket_name, check_object_key
from aiominio.methods.base import MethodsBase
from aiominio.models import ObjectAttributes
from aiominio.ops import attributes


class AttributeMethods(MethodsBase):
    """Read an object's attributes: size, ETag, checksum, parts and storage class."""

    async def get_object_attributes(
        self, bucket: str, key: str, *, version_id: str | None = None
    ) -> ObjectAttributes:
        """The object's size, ETag, storage class, checksum and parts (GetObjectAttributes).

        Unlike :meth:`stat_object` it tells a multipart object's parts (their count, and the
        first 1,000 with their sizes and checksums) and the checksum the server keeps, with
        its type (``FULL_OBJECT`` or ``COMPOSITE``). Servers leave out what they do not keep:
        ``checksum`` is None for an object stored without one, ``parts_count`` None for a
        single PUT (and on servers that do not track parts).

        Raises:
            NoSuchKey: there is no such object (or version).
        """
        check_bucket_name(bucket)
        check_object_key(key)
        check_version_id(version_id)
        return await attributes.get_object_attributes(
            self.requester, bucket, key, version_id=version_id
        )
