"""The client's bucket and listing methods."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiominio.core.objectlock import check_flag
from aiominio.core.validation import (
    MAX_KEYS,
    check_bucket_name,
    check_page_size,
    check_prefix,
    check_region,
)
from aiominio.methods.base import MethodsBase
from aiominio.models import Bucket, ObjectInfo, Upload
from aiominio.ops import buckets, listing


class BucketMethods(MethodsBase):
    """Create, list, probe and remove buckets; list objects and incomplete uploads."""

    async def make_bucket(
        self, bucket: str, region: str | None = None, *, object_lock: bool = False
    ) -> None:
        """Create a bucket.

        Args:
            bucket: the name, checked against the S3 naming rules before any request.
            region: where to create it; defaults to the client's region, else us-east-1.
                A region other than us-east-1 is sent as the LocationConstraint.
            object_lock: create it with object lock enabled
                (``x-amz-bucket-object-lock-enabled``), which enables versioning too; see
                :meth:`set_object_lock_config`. It cannot be turned on later.

        Raises:
            InvalidArgument: the name or region is invalid, or contradicts the client's region.
            BucketAlreadyOwnedByYou: you already have this bucket.
            BucketAlreadyExists: someone else has a bucket of this name.
        """
        check_bucket_name(bucket)
        if region is not None:
            check_region(region)
        check_flag("object_lock", object_lock)
        await buckets.make_bucket(self.requester, bucket, region=region, object_lock=object_lock)

    async def list_buckets(self) -> list[Bucket]:
        """List the buckets the credentials own, with their creation dates."""
        return await buckets.list_buckets(self.requester)

    async def bucket_exists(self, bucket: str) -> bool:
        """Whether the bucket exists (and is visible to these credentials).

        Raises:
            AccessDenied: the bucket exists but these credentials may not see it.
        """
        check_bucket_name(bucket)
        return await buckets.bucket_exists(self.requester, bucket)

    async def remove_bucket(self, bucket: str) -> None:
        """Remove an (empty) bucket.

        Raises:
            NoSuchBucket: there is no such bucket.
            BucketNotEmpty: it still holds objects (servers that check).
        """
        check_bucket_name(bucket)
        await buckets.remove_bucket(self.requester, bucket)

    def list_objects(
        self,
        bucket: str,
        prefix: str = "",
        recursive: bool = False,
        *,
        marker: str | None = None,
        page_size: int = MAX_KEYS,
    ) -> AsyncIterator[ObjectInfo]:
        """List objects lazily (ListObjects v1), paging with markers.

        Non-recursive listings (delimiter ``/``) also yield the common prefixes, in key order with
        the objects, as entries with ``is_dir=True`` whose key is the prefix. Keys come back
        exactly as stored (the listing is requested URL-encoded and decoded).

        Args:
            bucket: the bucket.
            prefix: only keys starting with this.
            recursive: list everything under ``prefix`` instead of one level.
            marker: start after this key.
            page_size: keys per request (1 to 1,000).

        Example::

            async for obj in client.list_objects("photos", "2024/", recursive=True):
                print(obj.key, obj.size)
        """
        return self._list_objects(bucket, prefix, recursive, marker, page_size, v2=False)

    def list_objects_v2(
        self,
        bucket: str,
        prefix: str = "",
        recursive: bool = False,
        *,
        start_after: str | None = None,
        page_size: int = MAX_KEYS,
    ) -> AsyncIterator[ObjectInfo]:
        """List objects lazily (ListObjects v2), paging with continuation tokens.

        Same entries as :meth:`list_objects`; ``start_after`` starts the listing after that key.
        """
        return self._list_objects(bucket, prefix, recursive, start_after, page_size, v2=True)

    def _list_objects(
        self,
        bucket: str,
        prefix: str,
        recursive: bool,
        start: str | None,
        page_size: int,
        *,
        v2: bool,
    ) -> AsyncIterator[ObjectInfo]:
        check_bucket_name(bucket)
        check_prefix(prefix)
        if start is not None:
            check_prefix(start, "start_after" if v2 else "marker")
        check_page_size(page_size)
        return listing.list_objects(
            self.requester,
            bucket,
            prefix=prefix,
            recursive=recursive,
            start=start,
            page_size=page_size,
            v2=v2,
        )

    def list_incomplete_uploads(
        self, bucket: str, prefix: str = "", recursive: bool = False
    ) -> AsyncIterator[Upload]:
        """List incomplete multipart uploads lazily.

        Each :class:`Upload` carries ``size``, the sum of the parts uploaded so far.
        """
        check_bucket_name(bucket)
        check_prefix(prefix)
        return listing.list_uploads(self.requester, bucket, prefix=prefix, recursive=recursive)
