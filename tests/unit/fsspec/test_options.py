"""aiominio/fsspec/options.py: s3fs's storage options as a Client's arguments."""

from __future__ import annotations

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
