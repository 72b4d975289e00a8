"""The copying commands (cp, mv, mirror) need one s3:// side and both arguments, refused as
usage errors (exit code 2) before any connection."""

from __future__ import annotations

import pytest

from aiominio.cli import main


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["cp", "a", "b"], "one of SOURCE and DEST must be an s3:// location"),
        (["mirror", "a", "b"], "one of SOURCE and DEST must be an s3:// location"),
        (["cp", "s3://bkt/k"], "Missing argument 'DEST'"),
        (["mv", "a"], "Missing argument 'DEST'"),
    ],
)
def test_bad_arguments_are_usage_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    assert message in capsys.readouterr().err
