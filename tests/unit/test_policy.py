"""Canned bucket policies: derive and merge rules over a table of documents."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiominio.errors import InvalidArgument
from aiominio.policy import (
    Policy,
    apply_policy,
    derive_policy,
    dump_document,
    parse_document,
)

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


ANY = {"AWS": ["*"]}


READ_OBJECT = ["s3:GetObject"]


WRITE_OBJECT = [
    "s3:AbortMultipartUpload",
    "s3:DeleteObject",
    "s3:ListMultipartUploadParts",
    "s3:PutObject",
]


def _empty() -> dict[str, object]:
    return parse_document(None)


def _statement(actions: list[str], resource: str, prefix: str | None = None) -> dict[str, object]:
    st_: dict[str, object] = {
        "Effect": "Allow",
        "Principal": ANY,
        "Action": actions,
        "Resource": [resource],
    }
    if prefix is not None:
        st_["Condition"] = {"StringEquals": {"s3:prefix": [prefix]}}
    return st_


def test_two_prefixes_exact_document() -> None:
    doc = apply_policy(_empty(), "b", "img/", Policy.READONLY)
    doc = apply_policy(doc, "b", "up/", Policy.WRITEONLY)
    assert doc == {
        "Version": "2012-10-17",
        "Statement": [
            _statement(["s3:GetBucketLocation", "s3:ListBucketMultipartUploads"], "arn:aws:s3:::b"),
            _statement(["s3:ListBucket"], "arn:aws:s3:::b", "img/"),
            _statement(READ_OBJECT, "arn:aws:s3:::b/img/*"),
            _statement(WRITE_OBJECT, "arn:aws:s3:::b/up/*"),
        ],
    }


def test_a_canned_policy_on_one_prefix_keeps_the_other_prefixes() -> None:
    doc = apply_policy(_empty(), "b", "a/", Policy.READWRITE)
    doc = apply_policy(doc, "b", "c/", Policy.READONLY)
    for policy in Policy:
        changed = apply_policy(doc, "b", "c/", policy)
        assert derive_policy(changed, "b", "a/") is Policy.READWRITE
        assert derive_policy(changed, "b", "c/") is policy
        # a's ListBucket condition survives every change to c
        assert _statement(["s3:ListBucket"], "arn:aws:s3:::b", "a/") in changed["Statement"]  # type: ignore[operator]


def test_a_downgrade_keeps_another_prefix_listbucket_condition() -> None:
    doc = apply_policy(_empty(), "b", "a/", Policy.READONLY)
    doc = apply_policy(doc, "b", "c/", Policy.READONLY)
    down = apply_policy(doc, "b", "c/", Policy.WRITEONLY)
    statements = down["Statement"]
    assert _statement(["s3:ListBucket"], "arn:aws:s3:::b", "a/") in statements  # type: ignore[operator]
    assert _statement(["s3:ListBucket"], "arn:aws:s3:::b", "c/") not in statements  # type: ignore[operator]
    none = apply_policy(down, "b", "c/", Policy.NONE)
    assert none["Statement"] == [
        _statement(["s3:GetBucketLocation"], "arn:aws:s3:::b"),
        _statement(["s3:ListBucket"], "arn:aws:s3:::b", "a/"),
        _statement(READ_OBJECT, "arn:aws:s3:::b/a/*"),
    ]
    # the whole bucket's (empty prefix) ListBucket has no condition and is its own
    whole = apply_policy(none, "b", "", Policy.READONLY)
    assert whole["Statement"] == [
        _statement(["s3:GetBucketLocation", "s3:ListBucket"], "arn:aws:s3:::b"),
        _statement(["s3:ListBucket"], "arn:aws:s3:::b", "a/"),
        _statement(READ_OBJECT, "arn:aws:s3:::b/*"),
        _statement(READ_OBJECT, "arn:aws:s3:::b/a/*"),
    ]
    assert apply_policy(apply_policy(whole, "b", "", Policy.NONE), "b", "a/", Policy.NONE) == {
        "Version": "2012-10-17",
        "Statement": [],
    }


def test_a_grant_on_one_bucket_does_not_cover_a_longer_bucket_name() -> None:
    doc = apply_policy(_empty(), "photos", "", Policy.READWRITE)
    assert derive_policy(doc, "photos", "") is Policy.READWRITE
    assert derive_policy(doc, "photos", "any/prefix/") is Policy.READWRITE
    assert derive_policy(doc, "photos2", "") is Policy.NONE
    assert derive_policy(doc, "photos2", "x") is Policy.NONE
    # and a prefix grant does not cover a shorter prefix, nor a sibling
    doc = apply_policy(_empty(), "b", "img/", Policy.READONLY)
    assert derive_policy(doc, "b", "img/2024/") is Policy.READONLY
    assert derive_policy(doc, "b", "im") is Policy.NONE
    assert derive_policy(doc, "b", "") is Policy.NONE
    assert derive_policy(doc, "b", "img2/") is Policy.NONE


def test_statements_not_owned_are_kept_and_wildcards_read() -> None:
    foreign = [
        {"Sid": "mine", **_statement(READ_OBJECT, "arn:aws:s3:::b/a/*")},
        {**_statement(READ_OBJECT, "arn:aws:s3:::b/a/*"), "Effect": "Deny"},
        {**_statement(READ_OBJECT, "arn:aws:s3:::b/a/*"), "Principal": {"AWS": ["arn:x"]}},
    ]
    doc = {"Version": "2012-10-17", "Id": "keep", "Statement": list(foreign)}
    out = apply_policy(doc, "b", "a/", Policy.NONE)
    assert out == {"Version": "2012-10-17", "Id": "keep", "Statement": foreign}
    # derive reads a Sid'd anonymous grant, but never a Deny or another principal
    assert derive_policy(doc, "b", "a/") is Policy.READONLY
    star = {
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}
        ]
    }
    assert derive_policy(star, "b", "x/") is Policy.READWRITE
    # a resource with an inner wildcard is matched literally only
    inner = {"Statement": [_statement(READ_OBJECT, "arn:aws:s3:::b/*/x*")]}
    assert derive_policy(inner, "b", "a/") is Policy.NONE
    # a prefix-conditioned object grant is not a grant on the prefix
    cond = {"Statement": [_statement(READ_OBJECT, "arn:aws:s3:::b/a/*", "a/")]}
    assert derive_policy(cond, "b", "a/") is Policy.NONE


def test_document_text_round_trip() -> None:
    doc = apply_policy(_empty(), "b", "p", Policy.READONLY)
    assert parse_document(dump_document(doc)) == doc
    assert dump_document({"Version": "1", "Statement": []}) == '{"Version":"1","Statement":[]}'


PREFIXES = st.sampled_from(["", "a", "a/", "a/b/", "ab", "b/", "photos/", "x y/"])


STEPS = st.lists(st.tuples(PREFIXES, st.sampled_from(list(Policy))), max_size=12)


@given(STEPS)
def test_each_prefix_derives_the_last_policy_set_on_it(steps: list[tuple[str, Policy]]) -> None:
    doc = _empty()
    last: dict[str, Policy] = {}
    for prefix, policy in steps:
        doc = apply_policy(doc, "bucket", prefix, policy)
        last[prefix] = policy
        # the document survives its own JSON text
        doc = parse_document(dump_document(doc))
    for prefix in last:
        # a grant on a prefix covers every longer prefix too: the derived grant is the union
        covering = [policy for other, policy in last.items() if prefix.startswith(other)]
        reads = any(p.reads for p in covering)
        writes = any(p.writes for p in covering)
        expected = {
            (True, True): Policy.READWRITE,
            (True, False): Policy.READONLY,
            (False, True): Policy.WRITEONLY,
            (False, False): Policy.NONE,
        }[(reads, writes)]
        assert derive_policy(doc, "bucket", prefix) is expected, (prefix, last)
    # no grant leaks to another bucket
    for prefix in last:
        assert derive_policy(doc, "bucket2", prefix) is Policy.NONE
    # nothing set, nothing left
    if all(p is Policy.NONE for p in last.values()):
        assert doc["Statement"] == []


def _kept(statement: object) -> None:
    """``statement`` is not this module's: apply_policy keeps it as it is, derive ignores it."""
    doc = {"Version": "2012-10-17", "Statement": [statement]}
    assert apply_policy(doc, "b", "a/", Policy.NONE)["Statement"] == [statement]
    assert derive_policy(doc, "b", "a/") is Policy.NONE


def test_statements_this_module_does_not_understand_are_kept() -> None:
    read = _statement(READ_OBJECT, "arn:aws:s3:::b/a/*")
    _kept([])
    _kept("junk")
    _kept({**read, "Principal": "arn:aws:iam::1:root"})
    _kept({**read, "Principal": {"AWS": "*", "CanonicalUser": "x"}})
    _kept({**read, "Principal": {"Service": "*"}})
    _kept({**read, "Condition": {"StringLike": {"s3:prefix": ["a/"]}}})
    _kept({**read, "Condition": {"StringEquals": {"s3:prefix": "a/", "s3:delimiter": "/"}}})
    _kept({**read, "Condition": {"StringEquals": {"s3:prefix": ["a/", 5]}}})
    _kept({**read, "Action": []})
    _kept({**read, "Resource": []})
    _kept({**read, "Action": ["s3:GetObject", 5]})
    _kept({**read, "NotAction": "s3:PutObject"})
    # the anonymous principal spelled three ways is this module's
    for principal in ("*", {"AWS": "*"}, {"AWS": ["*"]}):
        doc = {"Statement": [{**read, "Principal": principal}]}
        assert derive_policy(doc, "b", "a/") is Policy.READONLY
        assert apply_policy(doc, "b", "a/", Policy.NONE)["Statement"] == []


def test_resource_patterns() -> None:
    def derived(resource: str, prefix: str) -> Policy:
        return derive_policy({"Statement": [_statement(READ_OBJECT, resource)]}, "b", prefix)

    assert derived("arn:aws:s3:::b/a/*", "a/x") is Policy.READONLY
    assert derived("arn:aws:s3:::b/a/", "a/") is Policy.NONE  # no wildcard: one object only
    assert derived("arn:aws:s3:::b/**", "") is Policy.NONE  # an inner wildcard: literal only
    assert derived("arn:aws:s3:::b/**", "*") is Policy.READONLY  # ...matching itself
    assert derived("arn:aws:s3:::b/*a*", "*ab") is Policy.NONE
    assert derived("arn:aws:s3:::b*", "x") is Policy.READONLY  # b* covers b/x*


def test_other_buckets_grants_are_regrouped_not_dropped() -> None:
    other = _statement(["s3:ListBucket"], "arn:aws:s3:::other")
    doc = {"Version": "2012-10-17", "Statement": [other]}
    for policy in Policy:
        out = apply_policy(doc, "b", "", policy)
        assert other in out["Statement"]  # type: ignore[operator]
        assert derive_policy(out, "other", "") is Policy.NONE


def test_canned_names_and_defaults() -> None:
    doc = apply_policy({"Statement": []}, "b", "A/", "readwrite")  # type: ignore[arg-type]
    assert doc["Version"] == "2012-10-17"
    assert doc == apply_policy({"Statement": []}, "b", "A/", Policy.READWRITE)
    # statements sorted by resource, then condition prefix (none first)
    assert doc["Statement"] == [
        _statement(["s3:GetBucketLocation", "s3:ListBucketMultipartUploads"], "arn:aws:s3:::b"),
        _statement(["s3:ListBucket"], "arn:aws:s3:::b", "A/"),
        _statement(sorted(READ_OBJECT + WRITE_OBJECT), "arn:aws:s3:::b/A/*"),
    ]
    assert derive_policy(apply_policy(doc, "b", "", Policy.READONLY), "b") is Policy.READONLY
    assert derive_policy(doc, "b") is Policy.NONE
    # the default prefix is the whole bucket, which a grant on some prefix does not cover
    some = {"Statement": [_statement(READ_OBJECT, "arn:aws:s3:::b/XX*")]}
    assert derive_policy(some, "b") is Policy.NONE
    assert derive_policy(some, "b", "XXXX") is Policy.READONLY
    with pytest.raises(ValueError):
        apply_policy(doc, "b", "", "public")  # type: ignore[arg-type]


def test_bad_documents() -> None:
    with pytest.raises(InvalidArgument, match=r"^a bucket policy must be a JSON object$"):
        parse_document("[]")
    with pytest.raises(InvalidArgument, match=r"^the bucket policy is not valid JSON: "):
        parse_document("{")
    assert parse_document(b"") == {"Version": "2012-10-17", "Statement": []}
    assert parse_document('{"Statement": {"Effect": "Deny"}}') == {
        "Statement": [{"Effect": "Deny"}]
    }
