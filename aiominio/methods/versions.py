"""The client's versioning methods: a bucket's versioning state and its objects' versions."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiominio.core.validation import MAX_KEYS, check_bucket_name, check_page_size, check_prefix
from aiominio.errors import InvalidArgument
from aiominio.methods.base import MethodsBase
from aiominio.models import ObjectVersion, Versioning
from aiominio.ops import versions


class VersioningMethods(MethodsBase):
    """Turn a bucket's versioning on or suspend it, and list every version of its objects.

    Reading, describing, copying and removing one version goes through the ``version_id``
    keywords of the object methods (``get_object``, ``stat_object``, ``remove_object``, ...).
    """

    async def get_bucket_versioning(self, bucket: str) -> Versioning:
        """The bucket's versioning state: ``OFF`` (never enabled), ``ENABLED`` or ``SUSPENDED``.

        Raises:
            NoSuchBucket: there is no such bucket.
        """
        check_bucket_name(bucket)
        return await versions.get_versioning(self.requester, bucket)

    async def set_bucket_versioning(self, bucket: str, state: Versioning) -> None:
        """Enable (``Versioning.ENABLED``) or suspend (``Versioning.SUSPENDED``) versioning.

        A bucket whose versioning was once enabled cannot go back to ``OFF``; S3 has no request
        for it, so ``Versioning.OFF`` is refused (suspend it instead).

        Raises:
            InvalidArgument: ``Versioning.OFF`` or a value that is not a Versioning state.
        """
        check_bucket_name(bucket)
        if not isinstance(state, Versioning):
            raise TypeError(f"state must be a Versioning, not {type(state).__name__}")
        if state is Versioning.OFF:
            raise InvalidArgument(
                "state must be Versioning.ENABLED or Versioning.SUSPENDED: versioning cannot be "
                "turned off once enabled, only suspended"
            )
        await versions.set_versioning(self.requester, bucket, state=state)

    def list_object_versions(
        self,
        bucket: str,
        prefix: str = "",
        *,
        recursive: bool = False,
        page_size: int = MAX_KEYS,
    ) -> AsyncIterator[ObjectVersion]:
        """List every version and delete marker of the objects under ``prefix``, lazily.

        Entries come by key, and for each key newest first (``is_latest`` on the current one).
        Non-recursive listings (delimiter ``/``) also yield the common prefixes as entries with
        ``is_dir=True``. In a bucket that never had versioning each object has one version,
        ``"null"``. Pages follow the key and version-id markers; a truncated page that does not
        move them on raises :class:`~aiominio.InvalidResponseError`.

        Example::

            async for v in client.list_object_versions("photos", "2024/", recursive=True):
                print(v.key, v.version_id, "deleted" if v.is_delete_marker else v.size)
            # remove every version:
            await client.remove_objects("photos", [v async for v in ...])
        """
        check_bucket_name(bucket)
        check_prefix(prefix)
        if not isinstance(recursive, bool):
            raise TypeError(f"recursive must be a bool, not {type(recursive).__name__}")
        check_page_size(page_size)
        return versions.list_object_versions(
            self.requester, bucket, prefix=prefix, recursive=recursive, page_size=page_size
        )
