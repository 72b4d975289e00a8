"""Object ACLs and archive restores as values: the canned ACLs S3 knows, an
``AccessControlPolicy`` read into an :class:`~aiominio.ObjectAcl` (and the canned ACL its grants
amount to), a ``RestoreRequest`` built (its answer header, ``x-amz-restore``, is read with the
other object headers in :mod:`aiominio.core.headers`)."""

from __future__ import annotations

from aiominio.core.xmlparse import parse, text
from aiominio.errors import InvalidArgument, InvalidResponseError
from aiominio.models import Grant, Grantee, ObjectAcl, Owner

#: The canned ACLs S3 accepts on an object (``x-amz-acl``).
CANNED_ACLS = (
    "private",
    "public-read",
    "public-read-write",
    "authenticated-read",
    "aws-exec-read",
    "bucket-owner-read",
    "bucket-owner-full-control",
)
#: The tiers of a restore, fastest last.
RESTORE_TIERS = ("Bulk", "Standard", "Expedited")
#: The most days a restored copy may be kept (S3 takes any positive count; this bounds typos).
MAX_RESTORE_DAYS = 36_500

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


def check_canned_acl(acl: object) -> str:
    """``acl``, if it is one of :data:`CANNED_ACLS`.

    Raises:
        TypeError: not a str.
        InvalidArgument: not a canned ACL S3 knows.
    """
    if not isinstance(acl, str):
        raise TypeError(f"acl must be a str (a canned ACL), not {type(acl).__name__}")
    if acl not in CANNED_ACLS:
        raise InvalidArgument(f"acl must be one of {', '.join(CANNED_ACLS)}: {acl!r}")
    return acl


def parse_acl(body: bytes) -> ObjectAcl:
    """Read an ``AccessControlPolicy`` document.

    Raises:
        InvalidResponseError: no owner, or a grant without a permission.
    """
    root = parse(body)
    owner_el = root.find("Owner")
    owner_id = text(owner_el, "ID") if owner_el is not None else ""
    if owner_el is None or not owner_id:
        raise InvalidResponseError("an AccessControlPolicy without its <Owner><ID>")
    owner = Owner(owner_id, text(owner_el, "DisplayName") or None)
    grants = []
    for el in root.iterfind("AccessControlList/Grant"):
        who = el.find("Grantee")
        permission = text(el, "Permission")
        if who is None or not permission:
            raise InvalidResponseError("an ACL grant without its <Grantee> or <Permission>")
        kind = who.get(_XSI_TYPE) or text(who, "Type")
        grantee = Grantee(
            kind,
            id=text(who, "ID") or None,
            display_name=text(who, "DisplayName") or None,
            uri=text(who, "URI") or None,
            email=text(who, "EmailAddress") or None,
        )
        grants.append(Grant(grantee, permission))
    return ObjectAcl(owner, grants, canned_of(owner, grants))


def canned_of(owner: Owner, grants: list[Grant]) -> str | None:
    """The canned ACL that ``grants`` amount to when they are exactly one of the usual three
    (the owner's FULL_CONTROL, with READ, or READ and WRITE, for everyone, or READ for
    authenticated users), else ``None``."""
    seen = set()
    for grant in grants:
        who = grant.grantee
        if who.id is not None and who.id == owner.id:
            seen.add(("owner", grant.permission))
        elif who.uri == ALL_USERS:
            seen.add(("all", grant.permission))
        elif who.uri == AUTHENTICATED_USERS:
            seen.add(("authenticated", grant.permission))
        else:
            return None
    full = {("owner", "FULL_CONTROL")}
    shapes = {
        "private": full,
        "public-read": full | {("all", "READ")},
        "public-read-write": full | {("all", "READ"), ("all", "WRITE")},
        "authenticated-read": full | {("authenticated", "READ")},
    }
    for name, shape in shapes.items():
        if seen == shape:
            return name
    return None


def check_restore(days: object, tier: object) -> tuple[int | None, str | None]:
    """The days a restored copy is kept (1 to :data:`MAX_RESTORE_DAYS`; ``None`` for an object
    of S3 Intelligent-Tiering's archive tiers, which moves back and takes no days) and the tier
    (:data:`RESTORE_TIERS`, or ``None``: the server's default).

    Raises:
        TypeError: days not an int, tier not a str.
        InvalidArgument: days out of range, an unknown tier.
    """
    if days is not None and (not isinstance(days, int) or isinstance(days, bool)):
        raise TypeError(f"days must be an int or None, not {type(days).__name__}")
    if days is not None and not 1 <= days <= MAX_RESTORE_DAYS:
        raise InvalidArgument(f"days must be 1 to {MAX_RESTORE_DAYS:,}: {days}")
    if tier is not None:
        if not isinstance(tier, str):
            raise TypeError(f"tier must be a str, not {type(tier).__name__}")
        if tier not in RESTORE_TIERS:
            raise InvalidArgument(f"tier must be one of {', '.join(RESTORE_TIERS)}: {tier!r}")
    return days, tier


def build_restore_request(days: int | None, tier: str | None) -> bytes:
    """The ``RestoreRequest`` body of RestoreObject (both values checked already)."""
    tier_xml = f"<GlacierJobParameters><Tier>{tier}</Tier></GlacierJobParameters>" if tier else ""
    days_xml = f"<Days>{days}</Days>" if days is not None else ""
    return (
        '<RestoreRequest xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        f"{days_xml}{tier_xml}</RestoreRequest>"
    ).encode()
