"""The single-location commands (ls, rm, mb, rb, stat, cat, presign) refuse bad arguments with
a usage error (exit code 2) before any connection."""

from __future__ import annotations

import pytest

from aiominio.cli import main


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["mb", "not-s3"], "not an s3:// location: 'not-s3'"),
        (["rb", "not-s3"], "not an s3:// location: 'not-s3'"),
        (["ls", "notanurl"], "not an s3:// location: 'notanurl'"),
        (["stat", "s3://bkt"], "s3://bkt is not an object"),
        (["presign", "s3://bkt/k", "--expires", "0"], "from 1 second to 7 days, not '0'"),
        (["presign", "s3://bkt/k", "--expires", "soon"], "a duration is a number"),
        (["presign", "s3://bkt/k", "--expires", "\u00b2"], "a duration is a number"),
        (["presign", "s3://bkt/k", "--expires", "99999999999999d"], "a duration is a number"),
        (["presign", "s3://bkt/k", "--expires", "9999999999w"], "a duration that long"),
    ],
)
def test_bad_locations_and_values_are_usage_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    assert message in capsys.readouterr().err
