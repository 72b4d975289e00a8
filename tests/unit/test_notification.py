from __future__ import annotations

import re

import pytest

from aiominio import notification as n
from aiominio.errors import InvalidArgument
from aiominio.notification import (
    CloudFunctionConfig,
    NotificationConfig,
    QueueConfig,
    TopicConfig,
    new_arn,
)

AWS_EXAMPLE = b"""<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <TopicConfiguration>
    <Id>YjVkM2Y0YmUtNGI3NC00ZjQyLWEwNGItNDIyYWUxY2I0N2M4</Id>
    <Topic>arn:aws:sns:us-east-1:account-id:s3notificationtopic2</Topic>
    <Event>s3:ReducedRedundancyLostObject</Event>
    <Event>s3:ObjectCreated:*</Event>
  </TopicConfiguration>
  <LambdaFunctionConfiguration>
    <Id>lf</Id>
    <CloudFunction>arn:aws:lambda:us-west-2:35667example:function:CreateThumbnail</CloudFunction>
    <Event>s3:ObjectCreated:*</Event>
    <Filter><S3Key><FilterRule><Name>Prefix</Name><Value>images/</Value></FilterRule>
    <FilterRule><Name>Suffix</Name><Value>.jpg</Value></FilterRule></S3Key></Filter>
  </LambdaFunctionConfiguration>
  <EventBridgeConfiguration/>
</NotificationConfiguration>"""


def full_config() -> n.NotificationConfig:
    config = n.BucketNotification()
    topic = n.TopicConfig(n.new_arn("aws", "sns", "us-east-1", "123456789012", "t"), id="t1")
    topic.add_event(n.ObjectCreatedAll)
    topic.add_event(n.ObjectReducedRedundancyLostObject)
    queue = n.QueueConfig(n.new_arn("aws", "sqs", "us-east-1", "123456789012", "q"))
    queue.set_id("q1")
    queue.add_event(n.ObjectRemovedDelete)
    queue.add_filter_prefix("photos/")
    queue.add_filter_suffix(".jpg")
    func = n.CloudFunctionConfig(n.new_arn("aws", "lambda", "eu-west-1", "1", "function:f"))
    func.add_event(n.ObjectCreatedPut)
    func.add_filter_suffix(".png")
    for target in (topic, queue, func):
        config.add(target)
    return config


def test_round_trip() -> None:
    config = full_config()
    body = config.to_xml()
    again = n.NotificationConfig.from_xml(body)
    assert again == config
    assert again.to_xml() == body
    assert n.NotificationConfig.from_xml(n.NotificationConfig().to_xml()).empty


def test_parse_aws_example() -> None:
    config = n.NotificationConfig.from_xml(AWS_EXAMPLE)
    assert [t.events for t in config.topics] == [
        ["s3:ReducedRedundancyLostObject", "s3:ObjectCreated:*"]
    ]
    (func,) = config.cloud_functions
    assert func.arn.endswith(":function:CreateThumbnail") and func.id == "lf"
    assert (func.prefix, func.suffix) == ("images/", ".jpg")
    assert config.queues == []


def test_arn_and_events() -> None:
    assert n.new_arn("aws", "sqs", "us-east-1", "1", "q") == "arn:aws:sqs:us-east-1:1:q"
    assert n.ObjectCreatedAll in n.EVENTS and n.ObjectRemovedDelete in n.EVENTS
    assert len(n.EVENTS) >= 15
    with pytest.raises(InvalidArgument):
        n.new_arn("aws", "", "r", "a", "x")
    with pytest.raises(InvalidArgument):
        n.QueueConfig("not-an-arn")
    q = n.QueueConfig("arn:aws:sqs:r:a:q")
    with pytest.raises(InvalidArgument):
        q.add_event("ObjectCreated")
    with pytest.raises(InvalidArgument, match="event"):
        n.NotificationConfig().add(q)


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
