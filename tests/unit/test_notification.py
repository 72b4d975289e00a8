from __future__ import annotations

import pytest

from aiominio import notification as n
from aiominio.errors import InvalidArgument

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
