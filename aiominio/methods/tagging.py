"""The client's tagging methods: the tags of objects (and their versions) and of buckets."""

from __future__ import annotations

from collections.abc import Mapping

from aiominio.core.conditions import check_version_id
from aiominio.core.tagging import MAX_BUCKET_TAGS, check_tags
from aiominio.core.validation import check_bucket_name, check_object_key
from aiominio.methods.base import MethodsBase
from aiominio.ops import tagging


class TaggingMethods(MethodsBase):
    """Set, read and remove the tags of an object (or one of its versions) and of a bucket.

    Tags are checked before anything is sent: at most 10 per object and 50 per bucket, keys of
    1 to 128 characters, values of at most 256, no control characters.
    """

    async def set_object_tags(
        self,
        bucket: str,
        key: str,
        tags: Mapping[str, str],
        *,
        version_id: str | None = None,
    ) -> None:
        """Replace the object's tags (of the version ``version_id``, when given).

        Raises:
            InvalidArgument / TypeError: tags over S3's limits or not a mapping of str to str.
            NoSuchKey: there is no such object.
        """
        check_bucket_name(bucket)
        check_object_key(key)
        checked = check_tags(tags)
        check_version_id(version_id)
        await tagging.set_object_tags(
            self.requester, bucket, key, tags=checked, version_id=version_id
        )

    async def get_object_tags(
        self, bucket: str, key: str, *, version_id: str | None = None
    ) -> dict[str, str]:
        """The object's tags (``{}`` when it has none).

        Raises:
            NoSuchKey: there is no such object.
        """
        check_bucket_name(bucket)
        check_object_key(key)
        check_version_id(version_id)
        return await tagging.get_object_tags(self.requester, bucket, key, version_id=version_id)

    async def delete_object_tags(
        self, bucket: str, key: str, *, version_id: str | None = None
    ) -> None:
        """Remove every tag of the object (no error when it has none)."""
        check_bucket_name(bucket)
        check_object_key(key)
        check_version_id(version_id)
        await tagging.delete_object_tags(self.requester, bucket, key, version_id=version_id)

    async def set_bucket_tags(self, bucket: str, tags: Mapping[str, str]) -> None:
        """Replace the bucket's tags (at most 50).

        Raises:
            InvalidArgument / TypeError: tags over S3's limits or not a mapping of str to str.
        """
        check_bucket_name(bucket)
        checked = check_tags(tags, limit=MAX_BUCKET_TAGS)
        await tagging.set_bucket_tags(self.requester, bucket, tags=checked)

    async def get_bucket_tags(self, bucket: str) -> dict[str, str]:
        """The bucket's tags; ``{}`` for a bucket without any (S3 answers NoSuchTagSet)."""
        check_bucket_name(bucket)
        return await tagging.get_bucket_tags(self.requester, bucket)

    async def delete_bucket_tags(self, bucket: str) -> None:
        """Remove every tag of the bucket (no error when it has none)."""
        check_bucket_name(bucket)
        await tagging.delete_bucket_tags(self.requester, bucket)
