"""Object lock: a bucket's default retention, an object's retention and legal hold.

The values (:class:`ObjectLockConfig`, :class:`Retention`) are checked when they are made, so
a bad one never reaches a request; the XML of GetObjectLockConfiguration, GetObjectRetention and
GetObjectLegalHold (and of their PUTs) is built and parsed here, and so are the
``x-amz-object-lock-*`` headers an upload stores with the object.
"""

from __future__ import annotations

import enum
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timezone

from aiominio.core.xmlparse import S3_NS, parse, parse_iso_datetime, text
from aiominio.errors import InvalidArgument, InvalidResponseError

#: The header that creates a bucket with object lock (and versioning) enabled.
BUCKET_LOCK_HEADER = "x-amz-bucket-object-lock-enabled"
#: The header that lets a request shorten or remove a governance-mode retention.
BYPASS_GOVERNANCE_HEADER = "x-amz-bypass-governance-retention"
MODE_HEADER = "x-amz-object-lock-mode"
RETAIN_UNTIL_HEADER = "x-amz-object-lock-retain-until-date"
LEGAL_HOLD_HEADER = "x-amz-object-lock-legal-hold"
#: S3's limits on a default retention period.
MAX_DAYS = 36500
MAX_YEARS = 100


class RetentionMode(str, enum.Enum):
    """How strictly a retention holds: ``GOVERNANCE`` (users with the
    ``s3:BypassGovernanceRetention`` permission may shorten it or delete the version, with
    ``bypass_governance=True``) or ``COMPLIANCE`` (no one can, until it expires)."""

    GOVERNANCE = "GOVERNANCE"
    COMPLIANCE = "COMPLIANCE"


def _mode(value: object, what: str) -> RetentionMode:
    if not isinstance(value, RetentionMode):
        raise TypeError(f"{what} must be a RetentionMode, not {type(value).__name__}")
    return value


def _period(name: str, value: object, limit: int) -> None:
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if not 1 <= value <= limit:
        raise InvalidArgument(f"{name} must be between 1 and {limit}: {value}")


@dataclass(frozen=True, slots=True)
class ObjectLockConfig:
    """A bucket's object lock configuration: the default retention of every new version.

    ``ObjectLockConfig(RetentionMode.GOVERNANCE, days=30)`` keeps every new version 30 days;
    ``ObjectLockConfig()`` (no mode) has no default rule: versions are kept only when a
    retention or legal hold is set on them.

    Attributes:
        mode: the default retention's mode, or ``None`` for no default rule.
        days: the default retention period in days (1 to 36,500)...
        years: ...or in years (1 to 100): exactly one of the two with a mode, neither without.

    Raises:
        TypeError: a mode that is not a RetentionMode, a period that is not an int.
        InvalidArgument: both or neither period with a mode, a period without one, a period out
            of range.
    """

    mode: RetentionMode | None = None
    days: int | None = None
    years: int | None = None

    def __post_init__(self) -> None:
        _period("days", self.days, MAX_DAYS)
        _period("years", self.years, MAX_YEARS)
        if self.mode is None:
            if self.days is not None or self.years is not None:
                raise InvalidArgument("ObjectLockConfig: days or years need a mode")
            return
        _mode(self.mode, "ObjectLockConfig.mode")
        if (self.days is None) == (self.years is None):
            raise InvalidArgument("ObjectLockConfig: give exactly one of days and years")


def _aware(value: object, what: str) -> datetime:
    if not isinstance(value, datetime):
        raise TypeError(f"{what} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None:
        raise InvalidArgument(f"{what} must be a timezone-aware datetime")
    return value


@dataclass(frozen=True, slots=True)
class Retention:
    """An object version's retention: it cannot be deleted or overwritten before
    ``retain_until`` (a timezone-aware datetime), as strictly as ``mode`` says.

    Raises:
        TypeError: a mode that is not a RetentionMode, a date that is not a datetime.
        InvalidArgument: a naive datetime.
    """

    mode: RetentionMode
    retain_until: datetime

    def __post_init__(self) -> None:
        _mode(self.mode, "Retention.mode")
        _aware(self.retain_until, "Retention.retain_until")


def format_lock_date(when: datetime) -> str:
    """A retention date as S3 wants it: ISO 8601 in UTC with milliseconds."""
    utc = when.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def check_config(config: object) -> ObjectLockConfig:
    """``config``, if it is an :class:`ObjectLockConfig` (checked when it was made)."""
    if not isinstance(config, ObjectLockConfig):
        raise TypeError(f"config must be an ObjectLockConfig, not {type(config).__name__}")
    return config


def check_retention(retention: object, name: str = "retention") -> Retention:
    """``retention``, if it is a :class:`Retention` (checked when it was made)."""
    if not isinstance(retention, Retention):
        raise TypeError(f"{name} must be a Retention, not {type(retention).__name__}")
    return retention


def check_flag(name: str, value: object) -> bool:
    """``value``, if it is a bool."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, not {type(value).__name__}")
    return value


def lock_headers(retention: object, legal_hold: object) -> dict[str, str]:
    """The ``x-amz-object-lock-*`` headers an upload stores (none for ``None``), checked.

    Raises:
        TypeError: ``retention`` not a Retention, ``legal_hold`` not a bool.
    """
    headers: dict[str, str] = {}
    if retention is not None:
        checked = check_retention(retention)
        headers[MODE_HEADER] = checked.mode.value
        headers[RETAIN_UNTIL_HEADER] = format_lock_date(checked.retain_until)
    if legal_hold is not None:
        headers[LEGAL_HOLD_HEADER] = "ON" if check_flag("legal_hold", legal_hold) else "OFF"
    return headers


# -- XML ---------------------------------------------------------------------------------------


def build_lock_config(config: ObjectLockConfig) -> bytes:
    """The ObjectLockConfiguration body (lock enabled, and the default rule if any)."""
    root = ET.Element("ObjectLockConfiguration", xmlns=S3_NS)
    ET.SubElement(root, "ObjectLockEnabled").text = "Enabled"
    if config.mode is not None:
        default = ET.SubElement(ET.SubElement(root, "Rule"), "DefaultRetention")
        ET.SubElement(default, "Mode").text = config.mode.value
        if config.days is not None:
            ET.SubElement(default, "Days").text = str(config.days)
        else:
            ET.SubElement(default, "Years").text = str(config.years)
    return bytes(ET.tostring(root, encoding="utf-8"))


def _parse_mode(value: str) -> RetentionMode:
    try:
        return RetentionMode(value.strip().upper())
    except ValueError:
        raise InvalidResponseError(
            f"the server sent an unknown retention mode: {value[:64]!r}"
        ) from None


def _parse_period(value: str, what: str, limit: int) -> int | None:
    digits = value.strip()
    if not digits:
        return None
    if not (digits.isascii() and digits.isdigit()) or int(digits) > limit:
        raise InvalidResponseError(f"the server sent a malformed {what}: {value[:64]!r}")
    # moto sends the unused period as 0 (``<Days>1</Days><Years>0</Years>``).
    return int(digits) or None


def parse_lock_config(body: bytes) -> ObjectLockConfig:
    """A GetObjectLockConfiguration answer.

    Raises:
        InvalidResponseError: an unknown mode, a malformed period, or a rule with both or
            neither period.
    """
    root = parse(body)
    rule = root.find("Rule")
    default = rule.find("DefaultRetention") if rule is not None else None
    if default is None:
        return ObjectLockConfig()
    mode = _parse_mode(text(default, "Mode"))
    days = _parse_period(text(default, "Days"), "Days", MAX_DAYS)
    years = _parse_period(text(default, "Years"), "Years", MAX_YEARS)
    if (days is None) == (years is None):
        raise InvalidResponseError("a default retention needs exactly one of Days and Years")
    return ObjectLockConfig(mode, days=days, years=years)


def build_retention(retention: Retention) -> bytes:
    """The Retention body of PutObjectRetention."""
    root = ET.Element("Retention", xmlns=S3_NS)
    ET.SubElement(root, "Mode").text = retention.mode.value
    ET.SubElement(root, "RetainUntilDate").text = format_lock_date(retention.retain_until)
    return bytes(ET.tostring(root, encoding="utf-8"))


def build_no_retention() -> bytes:
    """The Retention body without a mode: it lifts a GOVERNANCE retention (with the bypass)."""
    return bytes(ET.tostring(ET.Element("Retention", xmlns=S3_NS), encoding="utf-8"))


def parse_retention(body: bytes) -> Retention | None:
    """A GetObjectRetention answer (``None`` when it names no mode: no retention)."""
    root = parse(body)
    mode = text(root, "Mode")
    if not mode.strip():
        return None
    until = text(root, "RetainUntilDate")
    if not until.strip():
        raise InvalidResponseError("a retention without its RetainUntilDate")
    return Retention(_parse_mode(mode), parse_iso_datetime(until))


def build_legal_hold(enabled: bool) -> bytes:
    """The LegalHold body of PutObjectLegalHold."""
    root = ET.Element("LegalHold", xmlns=S3_NS)
    ET.SubElement(root, "Status").text = "ON" if enabled else "OFF"
    return bytes(ET.tostring(root, encoding="utf-8"))


def parse_legal_hold(body: bytes) -> bool:
    """Whether a GetObjectLegalHold answer says ``ON`` (no status, as moto answers for a
    version that never had a hold: no).

    Raises:
        InvalidResponseError: a status other than ON or OFF.
    """
    status = text(parse(body), "Status").strip().upper()
    if status not in ("ON", "OFF", ""):
        raise InvalidResponseError(f"the server sent an unknown legal hold: {status[:64]!r}")
    return status == "ON"
