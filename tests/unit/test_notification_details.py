"""Notification configuration details: the refusals' exact messages, the defaults of a new
target, the repr, and parsing every element that can hold a target's ARN."""

from __future__ import annotations

import re

import pytest

from aiominio.errors import InvalidArgument
from aiominio.notification import (
    CloudFunctionConfig,
    NotificationConfig,
    QueueConfig,
    TopicConfig,
    new_arn,
)

ARN = "arn:minio:sqs::1:webhook"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("", "sqs", "r", "1", "x"), "partition must be a non-empty string"),
        (("aws", "", "r", "1", "x"), "service must be a non-empty string"),
        (("aws", "sqs", "r", "1", ""), "resource must be a non-empty string"),
        (("aws", "sqs", "r", "1", None), "resource must be a non-empty string"),
    ],
)
def test_new_arn_names_the_empty_part(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(InvalidArgument, match=f"^{re.escape(message)}$"):
        new_arn(*args)  # type: ignore[arg-type]


@pytest.mark.parametrize(("region", "account"), [(None, "1"), ("r", 1), (None, None)])
def test_new_arn_wants_string_region_and_account(region: object, account: object) -> None:
    with pytest.raises(TypeError, match=r"^region and account_id must be strings$"):
        new_arn("aws", "sqs", region, account, "x")  # type: ignore[arg-type]


def test_new_arn_allows_empty_region_and_account() -> None:
    assert new_arn("minio", "sqs", "", "", "webhook") == "arn:minio:sqs:::webhook"


def test_target_refusals_say_what_was_wrong() -> None:
    with pytest.raises(InvalidArgument, match=r"^not an ARN: 'sqs:x'$"):
        QueueConfig("sqs:x")
    q = QueueConfig(ARN)
    with pytest.raises(InvalidArgument, match=r"^not an S3 event name: 'put'$"):
        q.add_event("put")
    for bad in ("", 3):
        with pytest.raises(
            InvalidArgument, match=r"^the filter prefix must be a non-empty string$"
        ):
            q.add_filter_prefix(bad)  # type: ignore[arg-type]
        with pytest.raises(
            InvalidArgument, match=r"^the filter suffix must be a non-empty string$"
        ):
            q.add_filter_suffix(bad)  # type: ignore[arg-type]


def test_a_new_target_and_its_repr() -> None:
    t = TopicConfig(ARN)
    assert (t.id, t.events, t.prefix, t.suffix) == (None, [], None, None)
    t.set_id("n1")
    assert t.id == "n1"
    assert repr(t) == (f"TopicConfig(arn={ARN!r}, id='n1', events=[], prefix=None, suffix=None)")


def test_adding_refuses_non_targets_and_targets_without_events() -> None:
    config = NotificationConfig()
    with pytest.raises(TypeError, match=r"^not a notification target: str$"):
        config.add("queue")  # type: ignore[arg-type]
    with pytest.raises(
        InvalidArgument, match=r"^a notification target needs at least one event \(add_event\)$"
    ):
        config.add(QueueConfig(ARN))


@pytest.mark.parametrize("tag", ["CloudFunction", "LambdaFunctionArn"])
def test_a_function_target_is_read_from_either_element(tag: str) -> None:
    body = (
        "<NotificationConfiguration><Unknown/><CloudFunctionConfiguration>"
        f"<{tag}>arn:aws:lambda:r:1:function:f</{tag}><Event>s3:ObjectCreated:*</Event>"
        "</CloudFunctionConfiguration><QueueConfiguration><Queue>arn:q</Queue>"
        "<Event>s3:ObjectRemoved:*</Event></QueueConfiguration></NotificationConfiguration>"
    ).encode()
    config = NotificationConfig.from_xml(body)
    (fn,) = config.cloud_functions
    assert isinstance(fn, CloudFunctionConfig)
    assert fn.arn == "arn:aws:lambda:r:1:function:f"
    assert [q.arn for q in config.queues] == ["arn:q"]  # after an unknown element


def test_the_document_is_utf8() -> None:
    q = QueueConfig(ARN)
    q.add_event("s3:ObjectCreated:*")
    q.add_filter_prefix("données/")
    config = NotificationConfig()
    config.add(q)
    body = config.to_xml()
    assert "<Value>données/</Value>".encode() in body
    assert NotificationConfig.from_xml(body) == config
