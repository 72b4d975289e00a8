"""Object ACLs and restores as values (:mod:`aiominio.core.acl`): AccessControlPolicy documents
as SeaweedFS and moto answer them, the canned ACL their grants amount to, the checks of a
canned ACL and of a restore's days and tier, and the RestoreRequest body."""

from __future__ import annotations

import pytest

from aiominio.core import acl
from aiominio.core.xmlparse import parse
from aiominio.errors import InvalidArgument, InvalidResponseError
from aiominio.models import Grant, Grantee, Owner

XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
OWNER_GRANT = (
    f'<Grant><Grantee {XSI} xsi:type="CanonicalUser"><ID>o1</ID><DisplayName>me</DisplayName>'
    "</Grantee><Permission>FULL_CONTROL</Permission></Grant>"
)


def _policy(*grants: str, ns: str = "") -> bytes:
    return (
        f"<AccessControlPolicy{ns}><Owner><ID>o1</ID><DisplayName>me</DisplayName></Owner>"
        f"<AccessControlList>{''.join(grants)}</AccessControlList></AccessControlPolicy>"
    ).encode()


def _group(uri: str, permission: str) -> str:
    return (
        f'<Grant><Grantee {XSI} xsi:type="Group"><URI>{uri}</URI></Grantee>'
        f"<Permission>{permission}</Permission></Grant>"
    )


def test_a_policy_is_read_with_its_owner_and_grants() -> None:
    read = acl.parse_acl(
        _policy(
            OWNER_GRANT,
            _group(acl.ALL_USERS, "READ"),
            ns=' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"',
        )
    )
    assert read.owner == Owner("o1", "me")
    assert read.grants == [
        Grant(Grantee("CanonicalUser", id="o1", display_name="me"), "FULL_CONTROL"),
        Grant(Grantee("Group", uri=acl.ALL_USERS), "READ"),
    ]
    assert read.canned == "public-read"


def test_a_grantee_type_element_stands_for_a_missing_xsi_type() -> None:
    grant = (
        "<Grant><Grantee><Type>Group</Type><URI>u</URI></Grantee>"
        "<Permission>READ</Permission></Grant>"
    )
    assert acl.parse_acl(_policy(grant)).grants[0].grantee.type == "Group"


@pytest.mark.parametrize(
    ("grants", "canned"),
    [
        ([OWNER_GRANT], "private"),
        ([OWNER_GRANT, _group(acl.ALL_USERS, "READ")], "public-read"),
        (
            [OWNER_GRANT, _group(acl.ALL_USERS, "READ"), _group(acl.ALL_USERS, "WRITE")],
            "public-read-write",
        ),
        ([OWNER_GRANT, _group(acl.AUTHENTICATED_USERS, "READ")], "authenticated-read"),
        ([OWNER_GRANT, _group(acl.ALL_USERS, "READ_ACP")], None),
        ([_group(acl.ALL_USERS, "READ")], None),  # the owner lost FULL_CONTROL
        (
            [
                OWNER_GRANT,
                "<Grant><Grantee><ID>someone-else</ID></Grantee><Permission>READ</Permission></Grant>",
            ],
            None,
        ),
    ],
)
def test_the_canned_acl_the_grants_amount_to(grants: list[str], canned: str | None) -> None:
    assert acl.parse_acl(_policy(*grants)).canned == canned


@pytest.mark.parametrize(
    "body",
    [
        b"<AccessControlPolicy><AccessControlList/></AccessControlPolicy>",
        _policy("<Grant><Permission>READ</Permission></Grant>"),
        _policy(f"<Grant><Grantee {XSI} xsi:type='Group'><URI>u</URI></Grantee></Grant>"),
    ],
)
def test_a_policy_missing_what_it_must_have_is_refused(body: bytes) -> None:
    with pytest.raises(InvalidResponseError):
        acl.parse_acl(body)


def test_canned_acls_are_checked() -> None:
    assert [acl.check_canned_acl(a) for a in acl.CANNED_ACLS] == list(acl.CANNED_ACLS)
    for bad in ["", "public", "PUBLIC-READ", "private\r\nX: 1"]:
        with pytest.raises(InvalidArgument, match="acl must be one of"):
            acl.check_canned_acl(bad)
    with pytest.raises(TypeError):
        acl.check_canned_acl(None)


def test_a_restore_request_says_its_days_and_tier() -> None:
    root = parse(acl.build_restore_request(*acl.check_restore(7, "Bulk")))
    assert (root.tag, root.findtext("Days"), root.findtext("GlacierJobParameters/Tier")) == (
        "RestoreRequest",
        "7",
        "Bulk",
    )
    assert parse(acl.build_restore_request(1, None)).find("GlacierJobParameters") is None
    assert parse(acl.build_restore_request(*acl.check_restore(None, None))).find("Days") is None


@pytest.mark.parametrize(
    ("days", "tier", "error"),
    [
        (0, None, InvalidArgument),
        (-3, None, InvalidArgument),
        (acl.MAX_RESTORE_DAYS + 1, None, InvalidArgument),
        (1, "Fast", InvalidArgument),
        (1, "bulk", InvalidArgument),
        (True, None, TypeError),
        (1.5, None, TypeError),
        ("1", None, TypeError),
        (1, 1, TypeError),
    ],
)
def test_a_restore_is_checked(days: object, tier: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        acl.check_restore(days, tier)
