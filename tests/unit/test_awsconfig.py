"""aiominio/awsconfig.py: the endpoint and region of the environment and the AWS profile, in the
AWS SDKs' order."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiominio.awsconfig import (
    AWS_ENDPOINT,
    Configured,
    aws_endpoint,
    config_file,
    configured,
    profile_name,
)
from aiominio.errors import InvalidArgument

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / ".aws").mkdir()
    return tmp_path


def write_config(home: Path, text: str) -> Path:
    path = home / ".aws" / "config"
    path.write_text(text)
    return path


def test_nothing_configured(home: Path) -> None:
    assert configured(environ={"HOME": str(home)}) == Configured()
    assert configured(environ={"HOME": str(home / "missing")}) == Configured()


def test_aws_endpoint() -> None:
    assert aws_endpoint() == aws_endpoint(None) == AWS_ENDPOINT == "https://s3.amazonaws.com"
    assert aws_endpoint("eu-west-1") == "https://s3.eu-west-1.amazonaws.com"
    assert aws_endpoint("cn-north-1") == "https://s3.cn-north-1.amazonaws.com.cn"


def test_the_environment_in_the_sdks_order(home: Path) -> None:
    env = {
        "HOME": str(home),
        "AWS_ENDPOINT_URL_S3": "http://s3-only:1",
        "AWS_ENDPOINT_URL": "http://all:2",
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-2",
    }
    assert configured(environ=env) == Configured(
        "http://s3-only:1", "AWS_ENDPOINT_URL_S3", "eu-west-1", "AWS_REGION"
    )
    del env["AWS_ENDPOINT_URL_S3"], env["AWS_REGION"]
    assert configured(environ=env) == Configured(
        "http://all:2", "AWS_ENDPOINT_URL", "eu-west-2", "AWS_DEFAULT_REGION"
    )
    # Blank values are not set; values are stripped.
    env.update(AWS_ENDPOINT_URL_S3="  ", AWS_REGION="", AWS_ENDPOINT_URL=" http://all:2 ")
    assert configured(environ=env).endpoint == "http://all:2"
    assert configured(environ=env).region == "eu-west-2"


def test_the_profile(home: Path) -> None:
    path = write_config(
        home,
        "[default]\nregion = us-west-2\nendpoint_url = http://default:9000\n"
        f"aws_secret_access_key = {SECRET}\n"
        "[profile dev]\nregion = eu-central-1\nendpoint_url = http://dev:9000\n",
    )
    env = {"HOME": str(home)}
    assert configured(environ=env) == Configured(
        "http://default:9000",
        f"the profile 'default' of {path}",
        "us-west-2",
        f"the profile 'default' of {path}",
    )
    dev = configured(environ={**env, "AWS_PROFILE": "dev"})
    assert (dev.endpoint, dev.region) == ("http://dev:9000", "eu-central-1")
    assert configured(environ=env, profile="dev") == dev  # a profile named wins over AWS_PROFILE
    assert configured(environ={**env, "AWS_PROFILE": "dev"}, profile="default").region == (
        "us-west-2"
    )
    assert configured(environ=env, profile="nobody") == Configured()
    # The environment wins over the profile.
    mixed = configured(environ={**env, "AWS_ENDPOINT_URL": "http://env:1", "AWS_REGION": "x-1"})
    assert (mixed.endpoint, mixed.region) == ("http://env:1", "x-1")


def test_profile_default_may_be_written_as_profile_default(home: Path) -> None:
    write_config(home, "[profile default]\nregion = ap-south-1\n")
    assert configured(environ={"HOME": str(home)}).region == "ap-south-1"


def test_the_services_section_comes_between_the_two_variables(home: Path) -> None:
    path = write_config(
        home,
        "[profile dev]\nservices = local\nendpoint_url = http://global:1\n"
        "[services local]\ns3 =\n  endpoint_url = http://s3-service:2\n"
        "dynamodb =\n  endpoint_url = http://dynamo:3\n",
    )
    env = {"HOME": str(home), "AWS_PROFILE": "dev"}
    found = configured(environ=env)
    assert found.endpoint == "http://s3-service:2"
    assert found.endpoint_source == f"the s3 services of the profile 'dev' of {path}"
    assert configured(environ={**env, "AWS_ENDPOINT_URL": "http://env:4"}).endpoint == (
        "http://s3-service:2"
    )
    assert configured(environ={**env, "AWS_ENDPOINT_URL_S3": "http://env:5"}).endpoint == (
        "http://env:5"
    )


@pytest.mark.parametrize("where", ["environment", "profile"])
def test_ignoring_configured_endpoints(home: Path, where: str) -> None:
    flag = "ignore_configured_endpoint_urls = true\n" if where == "profile" else ""
    write_config(home, f"[default]\nendpoint_url = http://p:1\nregion = eu-west-1\n{flag}")
    env = {"HOME": str(home), "AWS_ENDPOINT_URL_S3": "http://e:2"}
    if where == "environment":
        env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "True"
    found = configured(environ=env)
    assert (found.endpoint, found.endpoint_source, found.region) == (None, None, "eu-west-1")


def test_the_file_and_the_profile_name(
    home: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    other = tmp_path_factory.mktemp("elsewhere") / "cfg"
    other.write_text("[profile x]\nregion = eu-north-1\n")
    env = {"HOME": str(home), "AWS_CONFIG_FILE": str(other), "AWS_PROFILE": "x"}
    assert config_file(env) == other
    assert config_file({"HOME": str(home)}) == home / ".aws" / "config"
    assert profile_name(None, env) == "x" and profile_name("y", env) == "y"
    assert profile_name(None, {}) == "default"
    assert configured(environ=env).region == "eu-north-1"


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (f"aws_secret_access_key = {SECRET}\n", "MissingSectionHeaderError"),
        (f"[default]\n[default]\naws_secret_access_key = {SECRET}\n", "DuplicateSectionError"),
        (b"[default]\nregion = \xff" + SECRET.encode(), "UnicodeDecodeError"),
    ],
)
def test_an_unparsable_file_is_named_without_its_content(
    home: Path, content: str | bytes, error: str
) -> None:
    path = home / ".aws" / "config"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(InvalidArgument) as caught:
        configured(environ={"HOME": str(home)})
    assert str(caught.value) == f"cannot parse the AWS config file {path}: {error}"
    assert caught.value.__cause__ is None and caught.value.__context__ is None
    assert SECRET not in repr(caught.value)
