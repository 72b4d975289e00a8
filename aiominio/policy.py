"""Canned bucket policies per object prefix, and their translation to and from policy JSON.

The MinIO reference's ``getBucketPolicy(bucket, prefix)`` / ``setBucketPolicy(bucket, prefix,
policy)`` speak of four canned policies for anonymous access to the objects under a prefix:
``none``, ``readonly``, ``writeonly`` and ``readwrite``. This module maps them to statements of an
S3 bucket policy document and back, leaving statements it does not own alone. Pure functions.

The statements for a prefix ``P`` of bucket ``B`` (all ``Allow`` for the anonymous principal):

* read:  ``s3:GetObject`` on ``arn:aws:s3:::B/P*``; ``s3:ListBucket`` on ``arn:aws:s3:::B``
  (limited to ``s3:prefix = P`` when ``P`` is not empty);
* write: ``s3:AbortMultipartUpload``, ``s3:DeleteObject``, ``s3:ListMultipartUploadParts`` and
  ``s3:PutObject`` on ``arn:aws:s3:::B/P*``;
* both:  ``s3:GetBucketLocation`` on the bucket, and for write ``s3:ListBucketMultipartUploads``.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable
from dataclasses import dataclass

from aiominio.errors import InvalidArgument

#: A parsed bucket policy document: the JSON object, as :func:`json.loads` gives it.
PolicyDocument = dict[str, object]

VERSION = "2012-10-17"
READ_OBJECT = frozenset({"s3:GetObject"})
WRITE_OBJECT = frozenset(
    {"s3:AbortMultipartUpload", "s3:DeleteObject", "s3:ListMultipartUploadParts", "s3:PutObject"}
)
READ_BUCKET = "s3:ListBucket"
COMMON_BUCKET = "s3:GetBucketLocation"
WRITE_BUCKET = "s3:ListBucketMultipartUploads"
_OWNED_BUCKET_ACTIONS = frozenset({READ_BUCKET, COMMON_BUCKET, WRITE_BUCKET})


class Policy(str, enum.Enum):
    """Canned anonymous-access policies for the objects under a prefix."""

    NONE = "none"
    READONLY = "readonly"
    WRITEONLY = "writeonly"
    READWRITE = "readwrite"

    @property
    def reads(self) -> bool:
        return self in (Policy.READONLY, Policy.READWRITE)

    @property
    def writes(self) -> bool:
        return self in (Policy.WRITEONLY, Policy.READWRITE)


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _strings(value: object) -> list[str] | None:
    """``value`` as a list of strings (a JSON string or array of them), or None when it has
    anything else in it."""
    items = _as_list(value)
    strings = [item for item in items if isinstance(item, str)]
    return strings if len(strings) == len(items) else None


def _anonymous(principal: object) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, dict) and set(principal) == {"AWS"}:
        return _as_list(principal["AWS"]) == ["*"]
    return False


@dataclass(frozen=True, slots=True, order=True)
class _Atom:
    """One allowed (action, resource) pair, with the ``s3:prefix`` it is limited to, if any."""

    action: str
    resource: str
    prefix: str | None = None


def _explode(statement: PolicyDocument, *, owning: bool = True) -> list[_Atom] | None:
    """The anonymous grants of a statement as atoms, or None when it grants none this module
    understands. With ``owning`` (rewriting a document), statements carrying a ``Sid`` are left
    to whoever wrote them."""
    allowed_keys = {"Sid", "Effect", "Principal", "Action", "Resource", "Condition"}
    if set(statement) - allowed_keys or (owning and statement.get("Sid")):
        return None
    if statement.get("Effect") != "Allow" or not _anonymous(statement.get("Principal")):
        return None
    prefixes: list[str | None] = [None]
    condition = statement.get("Condition")
    if condition:
        if not isinstance(condition, dict) or set(condition) != {"StringEquals"}:
            return None
        equals = condition["StringEquals"]
        if not isinstance(equals, dict) or set(equals) != {"s3:prefix"}:
            return None
        named = _strings(equals["s3:prefix"])
        if named is None:
            return None
        prefixes = list(named)
    actions = _strings(statement.get("Action"))
    resources = _strings(statement.get("Resource"))
    if not actions or not resources:
        return None
    return [_Atom(a, r, p) for a in actions for r in resources for p in prefixes]


def _bucket_arn(bucket: str) -> str:
    return f"arn:aws:s3:::{bucket}"


def _objects_arn(bucket: str, prefix: str) -> str:
    return f"arn:aws:s3:::{bucket}/{prefix}*"


def _covers(pattern: str, resource: str) -> bool:
    """Whether a policy resource pattern (``*`` wildcards) covers ``resource`` (itself a pattern
    ending in ``*``): true for ``B/*`` over ``B/img-*``, false the other way round."""
    if pattern == resource:
        return True
    if pattern.endswith("*") and "*" not in pattern[:-1]:
        return resource.startswith(pattern[:-1])
    return False


def parse_document(text: str | bytes | None) -> PolicyDocument:
    """Parse a policy document (an empty one when ``text`` is empty)."""
    if not text:
        return {"Version": VERSION, "Statement": []}
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise InvalidArgument(f"the bucket policy is not valid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise InvalidArgument("a bucket policy must be a JSON object")
    document: PolicyDocument = {str(k): v for k, v in doc.items()}
    document["Statement"] = _as_list(document.get("Statement"))
    return document


def derive_policy(document: PolicyDocument, bucket: str, prefix: str = "") -> Policy:
    """The canned policy that the anonymous-allow statements of ``document`` give ``prefix``."""
    target = _objects_arn(bucket, prefix)
    granted: set[str] = set()
    for statement in _as_list(document.get("Statement")):
        atoms = _explode(statement, owning=False) if isinstance(statement, dict) else None
        for atom in atoms or []:
            if atom.prefix is None and _covers(atom.resource, target):
                granted.add(atom.action)
    if "s3:*" in granted:
        return Policy.READWRITE
    reads = granted >= READ_OBJECT
    writes = granted >= WRITE_OBJECT
    if reads and writes:
        return Policy.READWRITE
    if reads:
        return Policy.READONLY
    if writes:
        return Policy.WRITEONLY
    return Policy.NONE


def apply_policy(
    document: PolicyDocument, bucket: str, prefix: str, policy: Policy
) -> PolicyDocument:
    """A copy of ``document`` with the canned statements of ``prefix`` set to ``policy``.

    Statements this module does not own (other principals, Deny, other conditions, a ``Sid``)
    and the statements of other prefixes are kept. Returns a document with no statements when
    nothing is left (the caller deletes the policy then).
    """
    if not isinstance(policy, Policy):
        policy = Policy(policy)
    bucket_arn = _bucket_arn(bucket)
    target = _objects_arn(bucket, prefix)
    kept: list[object] = []
    atoms: set[_Atom] = set()
    for statement in _as_list(document.get("Statement")):
        exploded = _explode(statement) if isinstance(statement, dict) else None
        if exploded is None:
            kept.append(statement)
        else:
            atoms.update(exploded)

    def owned_by_prefix(atom: _Atom) -> bool:
        if atom.resource == target and atom.action in READ_OBJECT | WRITE_OBJECT:
            return True
        if atom.resource == bucket_arn and atom.action == READ_BUCKET:
            return atom.prefix == (prefix or None)
        return False

    atoms = {a for a in atoms if not owned_by_prefix(a)}
    if policy.reads:
        atoms |= {_Atom(a, target) for a in READ_OBJECT}
        atoms.add(_Atom(READ_BUCKET, bucket_arn, prefix or None))
    if policy.writes:
        atoms |= {_Atom(a, target) for a in WRITE_OBJECT}
    # The bucket-level helpers stay only while some prefix still needs them.
    object_atoms = {a for a in atoms if a.resource.startswith(bucket_arn + "/")}
    atoms = {
        a
        for a in atoms
        if a.action not in (COMMON_BUCKET, WRITE_BUCKET) or a.resource != bucket_arn
    }
    if any(a.action in READ_OBJECT | WRITE_OBJECT for a in object_atoms):
        atoms.add(_Atom(COMMON_BUCKET, bucket_arn))
    if any(a.action in WRITE_OBJECT for a in object_atoms):
        atoms.add(_Atom(WRITE_BUCKET, bucket_arn))
    statements: list[object] = [*kept, *_group(atoms)]
    out = {k: v for k, v in document.items() if k != "Statement"}
    out.setdefault("Version", VERSION)
    out["Statement"] = statements
    return out


def _group(atoms: Iterable[_Atom]) -> list[PolicyDocument]:
    """Build statements from atoms: one per (resource, prefix condition), actions sorted."""
    by_key: dict[tuple[str, str | None], set[str]] = {}
    for atom in atoms:
        by_key.setdefault((atom.resource, atom.prefix), set()).add(atom.action)
    statements = []
    for (resource, prefix), actions in sorted(
        by_key.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")
    ):
        statement: PolicyDocument = {
            "Effect": "Allow",
            "Principal": {"AWS": ["*"]},
            "Action": sorted(actions),
            "Resource": [resource],
        }
        if prefix is not None:
            statement["Condition"] = {"StringEquals": {"s3:prefix": [prefix]}}
        statements.append(statement)
    return statements


def dump_document(document: PolicyDocument) -> str:
    return json.dumps(document, separators=(",", ":"))
