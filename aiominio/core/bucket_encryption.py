"""A bucket's default encryption (PutBucketEncryption): SSE-S3 or SSE-KMS, and its XML.

::

    SseConfig.sse_s3()                                   # AES256, keys managed by the server
    SseConfig.sse_kms("arn:aws:kms:...:key/1234", bucket_key_enabled=True)
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from aiominio.core.ruledoc import (
    as_tuple,
    check_bool,
    check_sequence,
    check_text,
    document,
    optional_text,
    parse_document,
    serialize,
    sub,
)
from aiominio.core.xmlparse import parse_flag, required_text, text
from aiominio.errors import InvalidArgument, InvalidResponseError

#: The algorithms of ``<SSEAlgorithm>``: SSE-S3, SSE-KMS and dual-layer SSE-KMS.
SSE_ALGORITHMS = ("AES256", "aws:kms", "aws:kms:dsse")


@dataclass(frozen=True, slots=True)
class SseRule:
    """The default encryption of new objects.

    Attributes:
        algorithm: ``"AES256"`` (SSE-S3), ``"aws:kms"`` (SSE-KMS) or ``"aws:kms:dsse"``; a value
            read from a server is kept as it is.
        kms_key_id: the KMS key (id or ARN) of SSE-KMS; None for the account's default key.
        bucket_key_enabled: use an S3 Bucket Key for SSE-KMS (fewer KMS requests).
    """

    algorithm: str
    kms_key_id: str | None = None
    bucket_key_enabled: bool = False

    def validate(self) -> None:
        """Raises InvalidArgument / TypeError: an unknown algorithm, a KMS key without KMS."""
        if not isinstance(self.algorithm, str):
            raise TypeError(f"algorithm must be a str, not {type(self.algorithm).__name__}")
        if self.algorithm not in SSE_ALGORITHMS:
            raise InvalidArgument(
                f"algorithm must be one of {', '.join(SSE_ALGORITHMS)}: {self.algorithm!r}"
            )
        if self.kms_key_id is not None:
            check_text("kms_key_id", self.kms_key_id)
            if self.algorithm == "AES256":
                raise InvalidArgument("kms_key_id is for aws:kms encryption, not AES256")
        check_bool("bucket_key_enabled", self.bucket_key_enabled)


@dataclass(frozen=True, slots=True)
class SseConfig:
    """A bucket's default encryption configuration: one :class:`SseRule` (S3 takes one)."""

    rules: Sequence[SseRule]

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", as_tuple(self.rules))

    @classmethod
    def sse_s3(cls) -> SseConfig:
        """SSE-S3: objects encrypted with AES256 and keys the server manages."""
        return cls(rules=(SseRule("AES256"),))

    @classmethod
    def sse_kms(
        cls, kms_key_id: str | None = None, *, bucket_key_enabled: bool = False
    ) -> SseConfig:
        """SSE-KMS with ``kms_key_id`` (the account's default KMS key when None)."""
        return cls(rules=(SseRule("aws:kms", kms_key_id, bucket_key_enabled),))

    @property
    def rule(self) -> SseRule:
        """The (first) rule."""
        return self.rules[0]

    def validate(self) -> None:
        """Raises InvalidArgument / TypeError: not exactly one rule, or a bad rule."""
        rules = check_sequence("rules", self.rules)
        if len(rules) != 1:
            raise InvalidArgument(f"rules: exactly one encryption rule, got {len(rules)}")
        if not isinstance(rules[0], SseRule):
            raise TypeError(f"rules[] must be an SseRule, not {type(rules[0]).__name__}")
        rules[0].validate()

    def to_xml(self) -> bytes:
        """The ``<ServerSideEncryptionConfiguration>`` document (call :meth:`validate` first)."""
        root = document("ServerSideEncryptionConfiguration")
        for rule in self.rules:
            el = ET.SubElement(root, "Rule")
            default = ET.SubElement(el, "ApplyServerSideEncryptionByDefault")
            sub(default, "SSEAlgorithm", rule.algorithm)
            sub(default, "KMSMasterKeyID", rule.kms_key_id)
            if rule.bucket_key_enabled:
                sub(el, "BucketKeyEnabled", "true")
        return serialize(root)

    @classmethod
    def from_xml(cls, body: bytes) -> SseConfig:
        """Parse a GetBucketEncryption answer.

        Raises:
            InvalidResponseError: not an encryption configuration, or a rule without algorithm.
        """
        root = parse_document(body, "ServerSideEncryptionConfiguration")
        rules = []
        for el in root.findall("Rule"):
            default = el.find("ApplyServerSideEncryptionByDefault")
            if default is None:
                raise InvalidResponseError("an encryption rule without its default", body=body)
            rules.append(
                SseRule(
                    algorithm=required_text(default, "SSEAlgorithm"),
                    kms_key_id=optional_text(default, "KMSMasterKeyID") or None,
                    bucket_key_enabled=parse_flag(text(el, "BucketKeyEnabled"), "BucketKeyEnabled"),
                )
            )
        if not rules:
            raise InvalidResponseError("an encryption configuration without a rule", body=body)
        return cls(rules=tuple(rules))
