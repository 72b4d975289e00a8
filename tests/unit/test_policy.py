"""Canned bucket policies: derive and merge rules over a table of documents."""

from __future__ import annotations

import json
from typing import Any

import pytest

from aiominio.errors import InvalidArgument
from aiominio.policy import Policy, apply_policy, derive_policy, parse_document

B = "photos"
ANON = {"AWS": ["*"]}


def stmt(actions: list[str] | str, resource: list[str] | str, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": ANON, "Action": actions, "Resource": resource, **extra}


READ = stmt(["s3:GetObject"], [f"arn:aws:s3:::{B}/img-*"])
WRITE = stmt(
    ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:ListMultipartUploadParts", "s3:PutObject"],
    [f"arn:aws:s3:::{B}/up-*"],
)
ALL_READ = stmt("s3:GetObject", f"arn:aws:s3:::{B}/*")  # strings, as SeaweedFS returns them
FOREIGN = {
    "Sid": "KeepMe",
    "Effect": "Allow",
    "Principal": {"AWS": ["arn:aws:iam::123456789012:root"]},
    "Action": ["s3:*"],
    "Resource": [f"arn:aws:s3:::{B}/*"],
}
DENY = {
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:GetObject",
    "Resource": f"arn:aws:s3:::{B}/secret/*",
}


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


@pytest.mark.parametrize(
    ("document", "prefix", "expected"),
    [
        (doc(), "", Policy.NONE),
        (doc(READ), "img-", Policy.READONLY),
        (doc(READ), "img-2024/", Policy.READONLY),  # covered by img-*
        (doc(READ), "doc-", Policy.NONE),
        (doc(READ), "", Policy.NONE),  # img-* does not cover the whole bucket
        (doc(WRITE), "up-", Policy.WRITEONLY),
        (doc(READ, WRITE), "up-", Policy.WRITEONLY),
        (doc(ALL_READ), "anything/", Policy.READONLY),
        (
            doc(ALL_READ, stmt(sorted(WRITE["Action"]), f"arn:aws:s3:::{B}/*")),
            "x",
            Policy.READWRITE,
        ),
        (doc(stmt("s3:*", f"arn:aws:s3:::{B}/*")), "x", Policy.READWRITE),
        (doc(FOREIGN), "x", Policy.NONE),  # not anonymous
        (doc(DENY), "secret/", Policy.NONE),
        (doc(stmt("s3:PutObject", f"arn:aws:s3:::{B}/up-*")), "up-", Policy.NONE),  # partial
        (doc(stmt(["s3:GetObject"], ["arn:aws:s3:::other/*"])), "", Policy.NONE),
    ],
)
def test_derive(document: dict[str, Any], prefix: str, expected: Policy) -> None:
    assert derive_policy(document, B, prefix) is expected


def test_set_then_derive_every_policy() -> None:
    for policy in Policy:
        out = apply_policy(doc(), B, "img-", policy)
        assert derive_policy(out, B, "img-") is policy
        assert derive_policy(out, B, "doc-") is Policy.NONE
        if policy is Policy.NONE:
            assert out["Statement"] == []


def test_readonly_statements() -> None:
    out = apply_policy(doc(), B, "img-", Policy.READONLY)
    assert out["Statement"] == [
        stmt(["s3:GetBucketLocation"], [f"arn:aws:s3:::{B}"]),
        stmt(
            ["s3:ListBucket"],
            [f"arn:aws:s3:::{B}"],
            Condition={"StringEquals": {"s3:prefix": ["img-"]}},
        ),
        stmt(["s3:GetObject"], [f"arn:aws:s3:::{B}/img-*"]),
    ]
    whole = apply_policy(doc(), B, "", Policy.READONLY)
    assert (
        stmt(["s3:GetBucketLocation", "s3:ListBucket"], [f"arn:aws:s3:::{B}"])
        in (whole["Statement"])
    )


def test_merge_keeps_other_prefixes_and_foreign_statements() -> None:
    start = doc(FOREIGN, DENY)
    step1 = apply_policy(start, B, "img-", Policy.READONLY)
    step2 = apply_policy(step1, B, "up-", Policy.WRITEONLY)
    assert derive_policy(step2, B, "img-") is Policy.READONLY
    assert derive_policy(step2, B, "up-") is Policy.WRITEONLY
    assert FOREIGN in step2["Statement"] and DENY in step2["Statement"]
    step3 = apply_policy(step2, B, "img-", Policy.NONE)
    assert derive_policy(step3, B, "img-") is Policy.NONE
    assert derive_policy(step3, B, "up-") is Policy.WRITEONLY
    assert FOREIGN in step3["Statement"] and DENY in step3["Statement"]
    actions = {a for s in step3["Statement"] for a in s["Action"] if s.get("Sid") is None}
    assert "s3:ListBucket" not in actions  # img-'s listing right went with it
    step4 = apply_policy(step3, B, "up-", Policy.NONE)
    assert step4["Statement"] == [FOREIGN, DENY]


def test_upgrade_and_downgrade_one_prefix() -> None:
    rw = apply_policy(doc(), B, "p/", Policy.READWRITE)
    ro = apply_policy(rw, B, "p/", Policy.READONLY)
    assert derive_policy(ro, B, "p/") is Policy.READONLY
    actions = {a for s in ro["Statement"] for a in s["Action"]}
    assert "s3:PutObject" not in actions and "s3:ListBucketMultipartUploads" not in actions


def test_documents_as_servers_return_them() -> None:
    # SeaweedFS turns one-element arrays into strings; both forms must parse the same.
    text = json.dumps(doc(stmt("s3:GetObject", f"arn:aws:s3:::{B}/img-*")))
    parsed = parse_document(text)
    assert derive_policy(parsed, B, "img-") is Policy.READONLY
    out = apply_policy(parsed, B, "img-", Policy.NONE)
    assert out["Statement"] == []
    with pytest.raises(InvalidArgument, match="JSON"):
        parse_document("{not json")
    assert parse_document("")["Statement"] == []


def test_policy_values() -> None:
    assert Policy("readonly") is Policy.READONLY
    assert Policy.READWRITE.reads and Policy.READWRITE.writes
    assert not Policy.NONE.reads
