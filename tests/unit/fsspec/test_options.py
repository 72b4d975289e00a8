"""aiominio/fsspec/options.py: s3fs's storage options as a Client's arguments."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiominio.credentials import StaticProvider
from aiominio.fsspec.options import AWS_ENDPOINT, client_arguments


def test_s3fs_names() -> None:
    endpoint, kwargs = client_arguments(
        key="AK",
        secret="SK",
        token="T",
        endpoint_url="http://127.0.0.1:9000",
        client_kwargs={"region_name": "eu-west-1", "verify": False},
        environ={},
    )
    assert endpoint == "http://127.0.0.1:9000"
    assert kwargs == {
        "access_key": "AK",
        "secret_key": "SK",
        "session_token": "T",
        "region": "eu-west-1",
        "ssl_context": False,
    }


def test_the_endpoint_from_client_kwargs_or_the_environment() -> None:
    assert client_arguments(client_kwargs={"endpoint_url": "http://h:1"}, environ={})[0] == (
        "http://h:1"
    )
    assert client_arguments(environ={"AWS_ENDPOINT_URL": "http://e:2"})[0] == "http://e:2"
    assert client_arguments(environ={"AWS_ENDPOINT_URL_S3": "http://s:3"})[0] == "http://s:3"
    assert client_arguments(environ={})[0] == AWS_ENDPOINT


def test_anon_is_an_anonymous_provider() -> None:
    _, kwargs = client_arguments(anon=True, environ={})
    provider = kwargs["credentials"]
    assert isinstance(provider, StaticProvider) and provider.credentials is None
    with pytest.raises(TypeError, match="anon"):
        client_arguments(anon=True, key="a", secret="b", environ={})


def test_client_options_pass_through() -> None:
    _, kwargs = client_arguments(options={"max_connections": 3, "region": "x"}, environ={})
    assert kwargs == {"max_connections": 3, "region": "x"}


@pytest.mark.parametrize(
    "call",
    [
        lambda: client_arguments(options={"nope": 1}, environ={}),
        lambda: client_arguments(client_kwargs={"config": 1}, environ={}),
        lambda: client_arguments(key="a", options={"access_key": "b"}, environ={}),
        lambda: client_arguments(
            endpoint_url="http://a", client_kwargs={"endpoint_url": "http://b"}, environ={}
        ),
    ],
)
def test_unknown_or_twice_given_options_are_refused(call: object) -> None:
    with pytest.raises(TypeError):
        call()  # type: ignore[operator]


def test_no_endpoint_is_the_clients_rule(tmp_path: Path) -> None:
    """The same function as Client(): the profile's endpoint and region, the region of the
    environment with the endpoint it names, AWS's regional endpoint for a region alone."""
    (tmp_path / "config").write_text(
        "[profile dev]\nregion = eu-west-3\nendpoint_url = http://profile:9000\n"
    )
    env = {"HOME": str(tmp_path), "AWS_CONFIG_FILE": str(tmp_path / "config")}
    assert client_arguments(environ={**env, "AWS_PROFILE": "dev"}) == (
        "http://profile:9000",
        {"region": "eu-west-3"},
    )
    assert client_arguments(environ={**env, "AWS_REGION": "eu-west-1"}) == (
        "https://s3.eu-west-1.amazonaws.com",
        {"region": "eu-west-1"},
    )
    dev = {**env, "AWS_PROFILE": "dev"}
    given = client_arguments(options={"region": "ap-south-1"}, environ=dev)
    assert given == ("http://profile:9000", {"region": "ap-south-1"})
    # An endpoint given takes no region from the surroundings.
    explicit = client_arguments(endpoint_url="http://h", environ={**env, "AWS_REGION": "x-1"})
    assert explicit == ("http://h", {})


def test_app_info_passes_through() -> None:
    _, kwargs = client_arguments(options={"app_info": ("pipeline", "4")}, environ={})
    assert kwargs == {"app_info": ("pipeline", "4")}
