"""The client's bucket rule methods: lifecycle, default encryption, CORS and replication."""

from __future__ import annotations

from typing import TypeVar

from aiominio.core.bucket_encryption import SseConfig
from aiominio.core.cors import CorsConfig
from aiominio.core.lifecycle import LifecycleConfig
from aiominio.core.replication import ReplicationConfig
from aiominio.core.validation import check_bucket_name
from aiominio.methods.base import MethodsBase
from aiominio.ops import bucketrules

_Config = TypeVar("_Config", LifecycleConfig, SseConfig, CorsConfig, ReplicationConfig)


def _checked(config: object, kind: type[_Config]) -> _Config:
    if not isinstance(config, kind):
        raise TypeError(f"config must be a {kind.__name__}, not {type(config).__name__}")
    config.validate()
    return config


class BucketRuleMethods(MethodsBase):
    """Set, read and remove a bucket's lifecycle, default encryption, CORS and replication
    configurations.

    Each configuration is checked against S3's rules before it is sent; ``get_...`` returns
    ``None`` for a bucket that has none.
    """

    async def set_bucket_lifecycle(self, bucket: str, config: LifecycleConfig) -> None:
        """Replace the bucket's lifecycle configuration.

        Example::

            rule = LifecycleRule(id="logs", filter=LifecycleFilter(prefix="logs/"),
                                 expiration=Expiration(days=30))
            await client.set_bucket_lifecycle("mybucket", LifecycleConfig(rules=[rule]))

        Raises:
            InvalidArgument / TypeError: a configuration S3 would refuse (no rule or more than
                1000, a repeated or over-long id, a rule without action, days below 1, a date
                not at midnight UTC, both or neither of days and date, ...).
        """
        check_bucket_name(bucket)
        checked = _checked(config, LifecycleConfig)
        await bucketrules.set_lifecycle(self.requester, bucket, config=checked)

    async def get_bucket_lifecycle(self, bucket: str) -> LifecycleConfig | None:
        """The bucket's lifecycle configuration; None when it has none."""
        check_bucket_name(bucket)
        return await bucketrules.get_lifecycle(self.requester, bucket)

    async def delete_bucket_lifecycle(self, bucket: str) -> None:
        """Remove the bucket's lifecycle configuration (no error when it has none)."""
        check_bucket_name(bucket)
        await bucketrules.delete_lifecycle(self.requester, bucket)

    async def set_bucket_encryption(self, bucket: str, config: SseConfig) -> None:
        """Set the default encryption of the bucket's new objects.

        Example::

            await client.set_bucket_encryption("mybucket", SseConfig.sse_s3())
            await client.set_bucket_encryption("mybucket", SseConfig.sse_kms("my-key-id"))

        Raises:
            InvalidArgument / TypeError: not one rule, an unknown algorithm, a KMS key with
                AES256.
        """
        check_bucket_name(bucket)
        checked = _checked(config, SseConfig)
        await bucketrules.set_encryption(self.requester, bucket, config=checked)

    async def get_bucket_encryption(self, bucket: str) -> SseConfig | None:
        """The bucket's default encryption; None when it has none."""
        check_bucket_name(bucket)
        return await bucketrules.get_encryption(self.requester, bucket)

    async def delete_bucket_encryption(self, bucket: str) -> None:
        """Remove the bucket's default encryption configuration."""
        check_bucket_name(bucket)
        await bucketrules.delete_encryption(self.requester, bucket)

    async def set_bucket_cors(self, bucket: str, config: CorsConfig) -> None:
        """Replace the bucket's CORS configuration.

        Raises:
            InvalidArgument / TypeError: no rule or more than 100, a rule without method or
                origin, an unknown method, more than one ``*`` in an origin or header.
        """
        check_bucket_name(bucket)
        checked = _checked(config, CorsConfig)
        await bucketrules.set_cors(self.requester, bucket, config=checked)

    async def get_bucket_cors(self, bucket: str) -> CorsConfig | None:
        """The bucket's CORS configuration; None when it has none."""
        check_bucket_name(bucket)
        return await bucketrules.get_cors(self.requester, bucket)

    async def delete_bucket_cors(self, bucket: str) -> None:
        """Remove the bucket's CORS configuration (no error when it has none)."""
        check_bucket_name(bucket)
        await bucketrules.delete_cors(self.requester, bucket)

    async def set_bucket_replication(self, bucket: str, config: ReplicationConfig) -> None:
        """Replace the bucket's replication configuration.

        S3 requires versioning on the bucket (and on the destination). The configuration is
        stored; copying objects is the server's business.

        Raises:
            InvalidArgument / TypeError: no rule or more than 1000, a destination that is not
                an ARN, repeated ids or priorities, delete-marker replication with tags.
        """
        check_bucket_name(bucket)
        checked = _checked(config, ReplicationConfig)
        await bucketrules.set_replication(self.requester, bucket, config=checked)

    async def get_bucket_replication(self, bucket: str) -> ReplicationConfig | None:
        """The bucket's replication configuration; None when it has none."""
        check_bucket_name(bucket)
        return await bucketrules.get_replication(self.requester, bucket)

    async def delete_bucket_replication(self, bucket: str) -> None:
        """Remove the bucket's replication configuration.

        Warning: SeaweedFS 4.48 does not know this request and takes it for DeleteBucket: on
        that server this removes the bucket (when it is empty).
        """
        check_bucket_name(bucket)
        await bucketrules.delete_replication(self.requester, bucket)
