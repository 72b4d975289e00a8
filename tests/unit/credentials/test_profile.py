"""What a profile's ``credential_process`` prints, and how its command is taken
(:mod:`aiominio.credentials.profile`); running programs is in
tests/integration/test_credentials_process.py."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from aiominio import credentials as cr
from aiominio.credentials.profile import parse_process_output
from aiominio.errors import InvalidArgument
from tests.unit.credentials.test_basic import BREAKERS, SECRET, TOKEN, assert_no_secret

SOURCE = "credential_process 'helper'"


def printed(**fields: object) -> bytes:
    doc: dict[str, object] = {
        "Version": 1,
        "AccessKeyId": "AKPROCESS",
        "SecretAccessKey": SECRET,
        "SessionToken": TOKEN,
        "Expiration": "2030-01-02T03:04:05Z",
    }
    return json.dumps({k: v for k, v in (doc | fields).items() if v is not None}).encode()


def test_what_a_process_prints() -> None:
    expires = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert parse_process_output(SOURCE, printed()) == cr.Credentials(
        "AKPROCESS", SECRET, TOKEN, expires
    )
    # No expiration: credentials for good; no token: long-term keys.
    assert parse_process_output(SOURCE, printed(Expiration=None, SessionToken=None)) == (
        cr.Credentials("AKPROCESS", SECRET)
    )
    offset = printed(Expiration="2030-01-02T05:04:05+02:00")
    assert parse_process_output(SOURCE, offset).expiration == expires


@pytest.mark.parametrize(
    ("output", "match"),
    [
        (printed()[:-2], r"printed no JSON \(Unterminated string"),
        (b"", r"printed no JSON"),
        (json.dumps([SECRET]).encode(), "printed no JSON object"),
        (printed(Version=2), "printed Version 2; only 1 is known"),
        (printed(Version="1"), "printed Version '1'; only 1 is known"),
        (printed(Version=True), "printed Version True; only 1 is known"),
        (printed(Version=None), "printed Version None; only 1 is known"),
        (printed(AccessKeyId=None), "printed no AccessKeyId and SecretAccessKey strings"),
        (printed(SecretAccessKey=5), "printed no AccessKeyId and SecretAccessKey strings"),
        (printed(SessionToken=[TOKEN]), "printed a SessionToken that is no string"),
        (printed(Expiration=17), "printed an Expiration that is no string"),
        (printed(Expiration="tomorrow"), "printed an Expiration that is no ISO 8601 time"),
    ],
)
def test_what_a_process_may_not_print(output: bytes, match: str) -> None:
    with pytest.raises(cr.CredentialsError, match=f"^{SOURCE} {match}") as exc:
        parse_process_output(SOURCE, output)
    assert_no_secret(exc.value, SECRET, TOKEN)


@pytest.mark.parametrize("char", BREAKERS)
def test_printed_values_go_into_headers(char: str) -> None:
    with pytest.raises(cr.CredentialsError, match=f"^{SOURCE} gave unusable credentials: ") as e:
        parse_process_output(SOURCE, printed(SessionToken=TOKEN + char))
    assert_no_secret(e.value, SECRET, TOKEN)


def test_the_command() -> None:
    provider = cr.ProcessProvider("'/opt/my tools/helper' --profile 'a b' --token s3cr3t")
    assert provider._argv == ["/opt/my tools/helper", "--profile", "a b", "--token", "s3cr3t"]
    assert repr(provider) == "ProcessProvider(program='/opt/my tools/helper')"  # no argument
    assert cr.ProcessProvider(["helper", "--x"])._argv == ["helper", "--x"]
    with pytest.raises(InvalidArgument, match=r"cannot be split: No closing quotation$") as exc:
        cr.ProcessProvider("helper --token 's3cr3t")
    assert_no_secret(exc.value, "s3cr3t")
    empties: list[str | list[str]] = ["", "  ", []]
    for empty in empties:
        with pytest.raises(InvalidArgument, match=r"command is empty"):
            cr.ProcessProvider(empty)
    with pytest.raises(TypeError, match=r"must be str"):
        cr.ProcessProvider(["helper", 5])  # type: ignore[list-item]
    with pytest.raises(InvalidArgument, match=r"must be positive"):
        cr.ProcessProvider("helper", timeout=0)
