"""Bucket notification configuration: builders, ARNs, event names, and their XML.

Mirrors the MinIO reference: a :class:`NotificationConfig` (alias ``BucketNotification``) holds
:class:`TopicConfig`, :class:`QueueConfig` and :class:`CloudFunctionConfig` entries, each with an
ARN, events and key filters::

    arn = new_arn("aws", "sqs", "us-east-1", "123456789012", "uploads")
    queue = QueueConfig(arn)
    queue.add_event(ObjectCreatedAll)
    queue.add_filter_prefix("photos/")
    queue.add_filter_suffix(".jpg")
    config = NotificationConfig()
    config.add(queue)
    await client.set_bucket_notification("mybucket", config)
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import ClassVar

from aiominio.core import xml
from aiominio.errors import InvalidArgument

# Event types, named as in the reference.
ObjectCreatedAll = "s3:ObjectCreated:*"
ObjectCreatedPut = "s3:ObjectCreated:Put"
ObjectCreatedPost = "s3:ObjectCreated:Post"
ObjectCreatedCopy = "s3:ObjectCreated:Copy"
ObjectCreatedCompleteMultipartUpload = "s3:ObjectCreated:CompleteMultipartUpload"
ObjectRemovedAll = "s3:ObjectRemoved:*"
ObjectRemovedDelete = "s3:ObjectRemoved:Delete"
ObjectRemovedDeleteMarkerCreated = "s3:ObjectRemoved:DeleteMarkerCreated"
ObjectReducedRedundancyLostObject = "s3:ReducedRedundancyLostObject"
ObjectRestorePost = "s3:ObjectRestore:Post"
ObjectRestoreCompleted = "s3:ObjectRestore:Completed"
ObjectRestoreAll = "s3:ObjectRestore:*"
ObjectTaggingAll = "s3:ObjectTagging:*"
ObjectTaggingPut = "s3:ObjectTagging:Put"
ObjectTaggingDelete = "s3:ObjectTagging:Delete"
ObjectAclPut = "s3:ObjectAcl:Put"
ReplicationAll = "s3:Replication:*"
LifecycleExpirationAll = "s3:LifecycleExpiration:*"
LifecycleTransition = "s3:LifecycleTransition"
IntelligentTiering = "s3:IntelligentTiering"

EVENTS = frozenset(
    {
        ObjectCreatedAll,
        ObjectCreatedPut,
        ObjectCreatedPost,
        ObjectCreatedCopy,
        ObjectCreatedCompleteMultipartUpload,
        ObjectRemovedAll,
        ObjectRemovedDelete,
        ObjectRemovedDeleteMarkerCreated,
        ObjectReducedRedundancyLostObject,
        ObjectRestorePost,
        ObjectRestoreCompleted,
        ObjectRestoreAll,
        ObjectTaggingAll,
        ObjectTaggingPut,
        ObjectTaggingDelete,
        ObjectAclPut,
        ReplicationAll,
        LifecycleExpirationAll,
        LifecycleTransition,
        IntelligentTiering,
    }
)


def new_arn(partition: str, service: str, region: str, account_id: str, resource: str) -> str:
    """Build an ARN: ``arn:partition:service:region:account-id:resource``."""
    for name, value in (("partition", partition), ("service", service), ("resource", resource)):
        if not isinstance(value, str) or not value:
            raise InvalidArgument(f"{name} must be a non-empty string")
    if not isinstance(region, str) or not isinstance(account_id, str):
        raise TypeError("region and account_id must be strings")
    return f"arn:{partition}:{service}:{region}:{account_id}:{resource}"


class _TargetConfig:
    """Common part of the three kinds of notification target."""

    kind: ClassVar[str]  # the XML element name
    arn_tag: ClassVar[str]  # the element holding the ARN

    def __init__(self, arn: str, *, id: str | None = None) -> None:
        if not isinstance(arn, str) or not arn.startswith("arn:"):
            raise InvalidArgument(f"not an ARN: {arn!r}")
        self.arn = arn
        self.id = id
        self.events: list[str] = []
        self.prefix: str | None = None
        self.suffix: str | None = None

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(arn={self.arn!r}, id={self.id!r}, events={self.events!r}, "
            f"prefix={self.prefix!r}, suffix={self.suffix!r})"
        )

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, _TargetConfig)
        return (self.arn, self.id, self.events, self.prefix, self.suffix) == (
            other.arn,
            other.id,
            other.events,
            other.prefix,
            other.suffix,
        )

    __hash__ = None  # type: ignore[assignment]

    def set_id(self, id: str) -> None:
        """Name this configuration (the server makes one up otherwise)."""
        self.id = id

    def add_event(self, event: str) -> None:
        """Notify on ``event`` (one of the ``Object...`` constants, or any ``s3:...`` name)."""
        if not isinstance(event, str) or not event.startswith("s3:"):
            raise InvalidArgument(f"not an S3 event name: {event!r}")
        if event not in self.events:
            self.events.append(event)

    def add_filter_prefix(self, prefix: str) -> None:
        """Only for keys starting with ``prefix``."""
        if not isinstance(prefix, str) or not prefix:
            raise InvalidArgument("the filter prefix must be a non-empty string")
        self.prefix = prefix

    def add_filter_suffix(self, suffix: str) -> None:
        """Only for keys ending with ``suffix``."""
        if not isinstance(suffix, str) or not suffix:
            raise InvalidArgument("the filter suffix must be a non-empty string")
        self.suffix = suffix


def _target_element(parent: ET.Element, target: _TargetConfig) -> None:
    el = ET.SubElement(parent, target.kind)
    if target.id:
        ET.SubElement(el, "Id").text = target.id
    ET.SubElement(el, target.arn_tag).text = target.arn
    for event in target.events:
        ET.SubElement(el, "Event").text = event
    if target.prefix is not None or target.suffix is not None:
        key = ET.SubElement(ET.SubElement(el, "Filter"), "S3Key")
        for name, value in (("prefix", target.prefix), ("suffix", target.suffix)):
            if value is not None:
                rule = ET.SubElement(key, "FilterRule")
                ET.SubElement(rule, "Name").text = name
                ET.SubElement(rule, "Value").text = value


class TopicConfig(_TargetConfig):
    """Notifications to an SNS topic (or a MinIO target of that kind)."""

    kind = "TopicConfiguration"
    arn_tag = "Topic"


class QueueConfig(_TargetConfig):
    """Notifications to an SQS queue (or a MinIO queue target)."""

    kind = "QueueConfiguration"
    arn_tag = "Queue"


class CloudFunctionConfig(_TargetConfig):
    """Notifications to a Lambda function."""

    kind = "CloudFunctionConfiguration"
    arn_tag = "CloudFunction"


_KINDS: dict[str, type[_TargetConfig]] = {
    "TopicConfiguration": TopicConfig,
    "QueueConfiguration": QueueConfig,
    "CloudFunctionConfiguration": CloudFunctionConfig,
    "LambdaFunctionConfiguration": CloudFunctionConfig,
}


class NotificationConfig:
    """A bucket's notification configuration: a list of topic, queue and function targets."""

    def __init__(self) -> None:
        self.topics: list[TopicConfig] = []
        self.queues: list[QueueConfig] = []
        self.cloud_functions: list[CloudFunctionConfig] = []

    def __repr__(self) -> str:
        return (
            f"NotificationConfig(topics={self.topics!r}, queues={self.queues!r}, "
            f"cloud_functions={self.cloud_functions!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NotificationConfig):
            return NotImplemented
        return (self.topics, self.queues, self.cloud_functions) == (
            other.topics,
            other.queues,
            other.cloud_functions,
        )

    __hash__ = None  # type: ignore[assignment]

    def add(self, target: _TargetConfig) -> None:
        """Add a :class:`TopicConfig`, :class:`QueueConfig` or :class:`CloudFunctionConfig`."""
        if not isinstance(target, _TargetConfig):
            raise TypeError(f"not a notification target: {type(target).__name__}")
        if not target.events:
            raise InvalidArgument("a notification target needs at least one event (add_event)")
        self._append(target)

    def _append(self, target: _TargetConfig) -> None:
        if isinstance(target, TopicConfig):
            self.topics.append(target)
        elif isinstance(target, QueueConfig):
            self.queues.append(target)
        elif isinstance(target, CloudFunctionConfig):
            self.cloud_functions.append(target)

    add_topic_configuration = add
    add_queue_configuration = add
    add_cloud_function_configuration = add

    @property
    def empty(self) -> bool:
        return not (self.topics or self.queues or self.cloud_functions)

    def to_xml(self) -> bytes:
        """The ``NotificationConfiguration`` document."""
        root = ET.Element("NotificationConfiguration", xmlns=xml.S3_NS)
        for target in [*self.topics, *self.queues, *self.cloud_functions]:
            _target_element(root, target)
        return bytes(ET.tostring(root, encoding="utf-8"))

    @classmethod
    def from_xml(cls, body: bytes) -> NotificationConfig:
        """Parse a ``NotificationConfiguration`` document (unknown elements are ignored)."""
        root = xml.parse(body)
        config = cls()
        for el in root:
            kind = _KINDS.get(str(el.tag))
            if kind is None:
                continue
            arn = ""
            for tag in ("Topic", "Queue", "CloudFunction", "LambdaFunctionArn"):
                arn = arn or xml.text(el, tag)
            target = kind(arn, id=xml.text(el, "Id") or None)
            for ev in el.iterfind("Event"):
                if ev.text:
                    target.events.append(ev.text)
            for rule in el.iterfind("Filter/S3Key/FilterRule"):
                name = xml.text(rule, "Name").lower()
                value = xml.text(rule, "Value")
                if name == "prefix":
                    target.prefix = value
                elif name == "suffix":
                    target.suffix = value
            config._append(target)  # as the server has it, even without events
        return config


BucketNotification = NotificationConfig
