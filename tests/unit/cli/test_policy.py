"""anonymous (:mod:`aiominio.cli.policy`): mc's access names, the prefixes read from a bucket
policy, and the usage errors given before any connection."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from aiominio import Policy
from aiominio.cli.policy import ACCESS, anonymous_rules
from aiominio.policy import apply_policy, parse_document


def test_mc_access_names() -> None:
    assert ACCESS == {
        "none": Policy.NONE,
        "download": Policy.READONLY,
        "upload": Policy.WRITEONLY,
        "public": Policy.READWRITE,
    }


def test_anonymous_rules_of_a_policy() -> None:
    document = parse_document("")
    for prefix, policy in (("img-", Policy.READONLY), ("up/", Policy.WRITEONLY), ("", Policy.NONE)):
        document = apply_policy(document, "b", prefix, policy)
    document = apply_policy(document, "b", "pub/", Policy.READWRITE)
    statements = document["Statement"]
    assert isinstance(statements, list)
    statements += [
        # Someone else's statement, with a Sid: still anonymous access.
        {"Sid": "Site", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::b/site/*"},
        # Not anonymous, another bucket, one object, a denial: none of them count.
        {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::1:root"]},
         "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/team/*"},
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::other/x/*"},
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::b/one.txt"},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::b/secret/*"},
        "not a statement",
    ]  # fmt: skip
    assert anonymous_rules(document, "b") == [
        ("img-", Policy.READONLY),
        ("pub/", Policy.READWRITE),
        ("site/", Policy.READONLY),
        ("up/", Policy.WRITEONLY),
    ]


def test_a_bucket_wide_grant_is_listed_with_an_empty_prefix() -> None:
    document = apply_policy(parse_document(""), "b", "", Policy.READWRITE)
    assert anonymous_rules(document, "b") == [("", Policy.READWRITE)]
    assert anonymous_rules(document, "bb") == []
    assert anonymous_rules(parse_document(""), "b") == []


# -- usage errors, before any connection -------------------------------------------------------


@pytest.mark.usefixtures("no_server")
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["anonymous", "set", "readonly", "s3://b"], "'readonly' is not one of"),
        (["anonymous", "list", "s3://b/p"], "s3://b/p is not a bucket"),
        (["anonymous", "get", "nobucket"], "not an s3:// location"),
    ],
)
def test_bad_arguments_are_usage_errors(
    argv: list[str], message: str, usage_error: Callable[[list[str]], str]
) -> None:
    err = usage_error(argv)
    assert message in err and "secret-never-shown" not in err
