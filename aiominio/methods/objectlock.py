"""The client's object lock methods: a bucket's default retention, an object version's
retention and legal hold."""

from __future__ import annotations

from aiominio.core.conditions import check_version_id
from aiominio.core.objectlock import (
    ObjectLockConfig,
    Retention,
    check_config,
    check_flag,
    check_retention,
)
from aiominio.core.validation import check_bucket_name, check_object_key
from aiominio.methods.base import MethodsBase
from aiominio.ops import objectlock


class ObjectLockMethods(MethodsBase):
    """Write-once-read-many: keep object versions from being deleted or overwritten.

    Object lock works in buckets created with it (``make_bucket(name, object_lock=True)``,
    which also enables versioning). A version is kept while its retention lasts
    (:meth:`set_object_retention`, or the bucket's default from :meth:`set_object_lock_config`)
    or while it has a legal hold (:meth:`enable_object_legal_hold`). Each request that sets one
    carries a Content-MD5, as S3 requires.
    """

    async def set_object_lock_config(self, bucket: str, config: ObjectLockConfig) -> None:
        """Set the bucket's default retention (``ObjectLockConfig()``: no default rule).

        Raises:
            TypeError: ``config`` is not an ObjectLockConfig.
            S3Error: the bucket was not created with object lock (``InvalidBucketState`` on S3).
        """
        check_bucket_name(bucket)
        checked = check_config(config)
        await objectlock.set_lock_config(self.requester, bucket, config=checked)

    async def get_object_lock_config(self, bucket: str) -> ObjectLockConfig:
        """The bucket's object lock configuration (``mode`` None: no default retention).

        Raises:
            S3Error: the bucket has no object lock (code
                ``ObjectLockConfigurationNotFoundError``).
        """
        check_bucket_name(bucket)
        return await objectlock.get_lock_config(self.requester, bucket)

    async def set_object_retention(
        self,
        bucket: str,
        key: str,
        retention: Retention,
        *,
        version_id: str | None = None,
        bypass_governance: bool = False,
    ) -> None:
        """Set the retention of the object's latest version (or of ``version_id``).

        A retention can be made longer; a ``GOVERNANCE`` one can be shortened or lifted only
        with ``bypass_governance=True`` (and the permission for it), a ``COMPLIANCE`` one never.

        Raises:
            TypeError: ``retention`` is not a Retention.
            AccessDenied: the retention would be shortened without a bypass.
        """
        check_bucket_name(bucket)
        check_object_key(key)
        checked = check_retention(retention)
        check_version_id(version_id)
        check_flag("bypass_governance", bypass_governance)
        await objectlock.set_retention(
            self.requester,
            bucket,
            key,
            retention=checked,
            version_id=version_id,
            bypass_governance=bypass_governance,
        )

    async def clear_object_retention(
        self, bucket: str, key: str, *, version_id: str | None = None
    ) -> None:
        """Lift the ``GOVERNANCE`` retention of the object's latest version (or of
        ``version_id``), with the governance bypass (the caller needs the permission for it);
        a ``COMPLIANCE`` retention cannot be lifted.

        Raises:
            AccessDenied: a COMPLIANCE retention, or no permission to bypass governance.
            InvalidRequest: a server that does not lift retentions (SeaweedFS 4.48).
        """
        check_bucket_name(bucket)
        check_object_key(key)
        check_version_id(version_id)
        await objectlock.clear_retention(self.requester, bucket, key, version_id=version_id)

    async def get_object_retention(
        self, bucket: str, key: str, *, version_id: str | None = None
    ) -> Retention | None:
        """The retention of the object's latest version (or of ``version_id``); ``None`` when it
        has none (S3's ``NoSuchObjectLockConfiguration``)."""
        check_bucket_name(bucket)
        check_object_key(key)
        check_version_id(version_id)
        return await objectlock.get_retention(self.requester, bucket, key, version_id=version_id)

    async def enable_object_legal_hold(
        self, bucket: str, key: str, *, version_id: str | None = None
    ) -> None:
        """Put a legal hold on the object's latest version (or ``version_id``): it cannot be
        deleted, whatever its retention, until the hold is lifted."""
        await self._set_legal_hold(bucket, key, True, version_id)

    async def disable_object_legal_hold(
        self, bucket: str, key: str, *, version_id: str | None = None
    ) -> None:
        """Lift the legal hold of the object's latest version (or ``version_id``)."""
        await self._set_legal_hold(bucket, key, False, version_id)

    async def is_object_legal_hold_enabled(
        self, bucket: str, key: str, *, version_id: str | None = None
    ) -> bool:
        """Whether the object's latest version (or ``version_id``) has a legal hold."""
        check_bucket_name(bucket)
        check_object_key(key)
        check_version_id(version_id)
        return await objectlock.get_legal_hold(self.requester, bucket, key, version_id=version_id)

    async def _set_legal_hold(
        self, bucket: str, key: str, enabled: bool, version_id: str | None
    ) -> None:
        check_bucket_name(bucket)
        check_object_key(key)
        check_version_id(version_id)
        await objectlock.set_legal_hold(
            self.requester, bucket, key, enabled=enabled, version_id=version_id
        )
