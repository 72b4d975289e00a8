"""Forward proxies (:mod:`aiominio.transport.proxy`): proxy URLs checked and their credentials
never shown, the environment's proxies read as the AWS SDKs read them, NO_PROXY matching, the TLS
setting an https:// proxy needs; and the failures of a request through a proxy as aiominio's
errors naming the proxy (:mod:`aiominio.transport.translate`)."""

from __future__ import annotations

import base64
import ssl
import sys

import aiohttp
import pytest
import trustme
from aiohttp.client_reqrep import ConnectionKey, RequestInfo
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from aiominio import Client, InvalidArgument
from aiominio.errors import ConnectError, ProxyAuthError, RequestTimeout, TLSError
from aiominio.transport import Transport
from aiominio.transport.proxy import (
    Proxy,
    ProxySettings,
    bypassed,
    parse_proxy,
    proxy_settings,
    redacted,
    verification,
)
from aiominio.transport.translate import translated

SECRET = "s3cr3t-pa55"


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


# -- proxy URLs ----------------------------------------------------------------------------------


def test_a_proxy_url_is_parsed_with_default_ports() -> None:
    assert parse_proxy("http://proxy.example:3128") == Proxy("http", "proxy.example", 3128)
    assert parse_proxy("http://proxy.example") == Proxy("http", "proxy.example", 80)
    assert parse_proxy("HTTPS://Proxy.Example/") == Proxy("https", "proxy.example", 443)
    assert parse_proxy("http://[::1]:8080").url == "http://[::1]:8080"
    assert parse_proxy("http://10.1.2.3:3128").url == "http://10.1.2.3:3128"


def test_credentials_in_the_url_become_a_proxy_authorization() -> None:
    proxy = parse_proxy(f"http://me%40corp:{SECRET}%2F@proxy:3128")
    assert proxy.authorization == basic("me@corp", SECRET + "/")
    assert proxy.url == "http://proxy:3128"
    for text in (str(proxy), repr(proxy), proxy.url):
        assert SECRET not in text and "me%40corp" not in text


def test_credentials_may_be_given_apart() -> None:
    proxy = parse_proxy("http://proxy:3128", auth=("user", SECRET))
    assert proxy.authorization == basic("user", SECRET)
    assert SECRET not in repr(proxy)


def test_credentials_given_twice_are_refused() -> None:
    with pytest.raises(InvalidArgument, match="given twice") as info:
        parse_proxy(f"http://user:{SECRET}@proxy:3128", auth=("user", SECRET))
    assert SECRET not in str(info.value)


@pytest.mark.parametrize(
    "url",
    [
        f"socks5://user:{SECRET}@proxy:1080",
        f"ftp://user:{SECRET}@proxy",
        f"user:{SECRET}@proxy:3128",
        f"http://user:{SECRET}@proxy:3128/path",
        f"http://user:{SECRET}@proxy:3128?q=1",
        f"http://user:{SECRET}@proxy:3128#f",
        f"http://user:{SECRET}@:3128",
        f"http://user:{SECRET}@proxy:99999",
        f"http://user:{SECRET}@proxy:0",
        f"http://user:{SECRET}@[::1:3128",
        f"http://user:{SECRET}@pro xy:3128",
        f"http://user:{SECRET}/x@proxy:3128",
    ],
)
def test_a_bad_proxy_url_is_refused_without_showing_its_credentials(url: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        parse_proxy(url)
    assert SECRET not in str(info.value) and "user" not in str(info.value)
    assert info.value.__context__ is None and info.value.__cause__ is None


def test_a_proxy_user_with_a_colon_or_a_bad_auth_is_refused() -> None:
    with pytest.raises(InvalidArgument, match="cannot contain ':'"):
        parse_proxy("http://proxy", auth=("a:b", "c"))
    with pytest.raises(TypeError, match="proxy_auth"):
        parse_proxy("http://proxy", auth=["user", "pw"])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="proxy must be a str"):
        parse_proxy(b"http://proxy")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://u:p@h:1", "http://***@h:1"),
        ("http://u:p/q@h:1/", "http://***@h:1/"),
        ("u:p@h:1", "***@h:1"),
        ("http://h:1", "http://h:1"),
    ],
)
def test_redacted(url: str, shown: str) -> None:
    assert redacted(url) == shown


# -- the environment -----------------------------------------------------------------------------


def settings(environ: dict[str, str], *, secure: bool = True) -> ProxySettings:
    return proxy_settings(trust_env=True, secure=secure, environ=environ)


def test_the_proxy_of_the_endpoints_scheme_is_taken() -> None:
    env = {"HTTPS_PROXY": "http://tls-proxy:1", "HTTP_PROXY": "http://plain-proxy:2"}
    assert settings(env).proxy == Proxy("http", "tls-proxy", 1)
    assert settings(env, secure=False).proxy == Proxy("http", "plain-proxy", 2)
    assert settings({"HTTP_PROXY": "http://p:2"}).proxy is None  # not for HTTPS
    assert settings({"ALL_PROXY": "http://p:2"}).proxy is None  # as botocore: not read


def test_lower_case_names_win_and_an_empty_one_means_none() -> None:
    env = {"https_proxy": "http://lower:1", "HTTPS_PROXY": "http://upper:2"}
    assert settings(env).proxy == Proxy("http", "lower", 1)
    assert settings({"https_proxy": "", "HTTPS_PROXY": "http://upper:2"}).proxy is None


def test_a_proxy_with_no_scheme_is_an_http_proxy() -> None:
    proxy = settings({"HTTPS_PROXY": f"user:{SECRET}@proxy:3128"}).proxy
    assert proxy == Proxy("http", "proxy", 3128, basic("user", SECRET))


def test_http_proxy_is_ignored_under_cgi() -> None:
    # httpoxy: a CGI request's "Proxy:" header arrives as HTTP_PROXY.
    env = {"HTTP_PROXY": "http://evil:1", "REQUEST_METHOD": "GET"}
    assert settings(env, secure=False).proxy is None
    env["http_proxy"] = "http://good:2"
    assert settings(env, secure=False).proxy == Proxy("http", "good", 2)


def test_a_bad_environment_proxy_is_refused_naming_the_variable() -> None:
    with pytest.raises(InvalidArgument, match=r"^HTTPS_PROXY") as info:
        settings({"HTTPS_PROXY": f"socks5://u:{SECRET}@proxy:1080"})
    assert SECRET not in str(info.value)


def test_the_environment_is_read_only_with_trust_env() -> None:
    env = {"HTTPS_PROXY": "http://proxy:1"}
    assert proxy_settings(secure=True, environ=env) == ProxySettings()
    explicit = proxy_settings(proxy="http://mine:2", trust_env=True, secure=True, environ=env)
    assert explicit == ProxySettings(Proxy("http", "mine", 2))  # and NO_PROXY does not apply


def test_proxy_auth_needs_a_proxy() -> None:
    with pytest.raises(InvalidArgument, match="proxy_auth needs a proxy"):
        proxy_settings(proxy_auth=("u", "p"), secure=True, environ={})
    with_env = settings({"HTTPS_PROXY": "http://p:1"})
    assert with_env.proxy is not None and with_env.proxy.authorization is None
    env_auth = proxy_settings(
        proxy_auth=("u", "p"), trust_env=True, secure=True, environ={"HTTPS_PROXY": "http://p:1"}
    )
    assert env_auth.proxy == Proxy("http", "p", 1, basic("u", "p"))


@pytest.mark.skipif(sys.version_info >= (3, 11), reason="TLS within TLS is there from 3.11")
def test_an_https_proxy_for_an_https_endpoint_needs_python_3_11() -> None:
    with pytest.raises(InvalidArgument, match=r"3\.11"):
        proxy_settings(proxy="https://proxy:443", secure=True, environ={})


# -- NO_PROXY ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "port", "no_proxy", "expected"),
    [
        ("s3.example.com", 443, "*", True),
        ("s3.example.com", 443, "example.com", True),
        ("s3.example.com", 443, ".example.com", True),
        ("s3.example.com", 443, "*.example.com", True),
        ("example.com", 443, ".example.com", True),
        ("bucket.s3.example.com", 443, "s3.example.com", True),
        ("notexample.com", 443, "example.com", False),
        ("s3.example.com", 443, "example.co", False),
        ("S3.Example.COM.", 443, "example.com", True),
        ("s3.example.com", 9000, "s3.example.com:9000", True),
        ("s3.example.com", 443, "s3.example.com:9000", False),
        ("10.1.2.3", 80, "10.0.0.0/8", True),
        ("11.1.2.3", 80, "10.0.0.0/8", False),
        ("127.0.0.1", 80, "127.0.0.1", True),
        ("127.0.0.1", 80, "localhost", False),
        ("::1", 80, "::1", True),
        ("::1", 80, "[::1]:80", True),
        ("::1", 81, "[::1]:80", False),
        ("fd00::5", 80, "fd00::/8", True),
        ("10.1.2.3", 80, "example.com, 10.1.2.3", True),
        ("10.1.2.3", 80, "host:notaport", False),
    ],
)
def test_no_proxy_entries(host: str, port: int, no_proxy: str, expected: bool) -> None:
    listed = settings({"HTTPS_PROXY": "http://p:1", "NO_PROXY": no_proxy}).no_proxy
    assert bypassed(host, port, listed) is expected
    found = settings({"HTTPS_PROXY": "http://p:1", "NO_PROXY": no_proxy}).proxy_for(host, port)
    assert (found is None) is expected


def test_no_proxy_in_lower_case_wins() -> None:
    env = {"HTTPS_PROXY": "http://p:1", "no_proxy": "a.example", "NO_PROXY": "b.example"}
    assert settings(env).no_proxy == ("a.example",)


# -- TLS -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ca_bundle(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    trustme.CA().cert_pem.write_to_path(str(path))
    return str(path)


def test_a_plain_endpoint_builds_no_tls_context_unless_its_proxy_speaks_tls() -> None:
    assert verification(None, secure=False, proxy_tls=False, proxy_ca=None) is False
    assert verification(None, secure=False, proxy_tls=True, proxy_ca=None) is True
    assert verification(None, secure=True, proxy_tls=False, proxy_ca=None) is True


def test_a_proxy_ca_is_added_to_the_endpoints_trust(ca_bundle: str) -> None:
    context = verification(None, secure=False, proxy_tls=True, proxy_ca=ca_bundle)
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    system = ssl.create_default_context().cert_store_stats()["x509_ca"]
    assert context.cert_store_stats()["x509_ca"] == system + 1
    both = verification(ca_bundle, secure=True, proxy_tls=True, proxy_ca=ca_bundle)
    assert isinstance(both, ssl.SSLContext)


def test_a_proxy_ca_with_a_context_object_or_no_verification_is_refused(ca_bundle: str) -> None:
    with pytest.raises(InvalidArgument, match="load_verify_locations"):
        verification(ssl.create_default_context(), secure=True, proxy_tls=True, proxy_ca=ca_bundle)
    with pytest.raises(InvalidArgument, match="ssl_context=False"):
        verification(False, secure=True, proxy_tls=True, proxy_ca=ca_bundle)
    with pytest.raises(InvalidArgument, match="cannot load the CA bundle"):
        verification(None, secure=True, proxy_tls=True, proxy_ca="/nonexistent/ca.pem")


# -- the transport and the client ----------------------------------------------------------------


def test_the_client_checks_its_proxy_before_any_request(ca_bundle: str) -> None:
    with pytest.raises(InvalidArgument, match="proxy must be an http"):
        Client("http://127.0.0.1:9000", proxy=f"socks5://u:{SECRET}@p:1")
    with pytest.raises(InvalidArgument, match="proxy_ca verifies an https:// proxy"):
        Client("http://127.0.0.1:9000", proxy="http://p:1", proxy_ca=ca_bundle)
    with pytest.raises(InvalidArgument, match="proxy_ca verifies an https:// proxy"):
        Client("http://127.0.0.1:9000", proxy_ca=ca_bundle)
    with pytest.raises(InvalidArgument, match="belong to the transport"):
        Client("http://127.0.0.1:9000", transport=Transport(), proxy="http://p:1")
    with pytest.raises(InvalidArgument, match="belong to the transport"):
        Client("http://127.0.0.1:9000", transport=Transport(), trust_env=True)
    with pytest.raises(TypeError, match="trust_env"):
        Client("http://127.0.0.1:9000", trust_env=1)  # type: ignore[arg-type]


def test_a_proxy_shows_no_credentials() -> None:
    client = Client("http://127.0.0.1:9000", proxy=f"http://user:{SECRET}@proxy:3128")
    assert SECRET not in repr(client)
    transport = Transport(proxy=f"http://user:{SECRET}@proxy:3128")
    assert transport.proxies.proxy is not None
    assert transport.proxies.proxy.url == "http://proxy:3128"
    assert SECRET not in repr(transport.proxies)


def test_the_transport_reads_the_environment_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example")
    transport = Transport(trust_env=True)
    monkeypatch.setenv("HTTPS_PROXY", "http://other:1")
    assert transport.proxies == ProxySettings(Proxy("http", "proxy", 3128), ("internal.example",))
    assert transport.spare(transport.timeouts).proxies == transport.proxies


# -- failures through a proxy, translated --------------------------------------------------------

PROXY = Proxy("http", "proxy.example", 3128, basic("user", SECRET))
PROXY_KEY = ConnectionKey("proxy.example", 3128, False, True, None, None, None, None)
SERVER_KEY = ConnectionKey("minio.example", 9000, True, True, None, None, None, None)


def test_a_refused_proxy_is_named() -> None:
    os_error = ConnectionRefusedError(111, "Connection refused")
    failure = translated(aiohttp.ClientProxyConnectionError(PROXY_KEY, os_error), proxy=PROXY)
    assert type(failure) is ConnectError
    assert "cannot connect to the proxy http://proxy.example:3128" in str(failure)
    assert failure.__context__ is None


def test_a_refused_server_behind_a_proxy_is_the_server() -> None:
    os_error = ConnectionRefusedError(111, "Connection refused")
    failure = translated(aiohttp.ClientConnectorError(SERVER_KEY, os_error), proxy=PROXY)
    assert "cannot connect to minio.example:9000" in str(failure)


def test_a_tunnel_refused_with_407_is_a_proxy_auth_error_naming_the_proxy() -> None:
    headers = CIMultiDictProxy(CIMultiDict({"Proxy-Authorization": PROXY.authorization or ""}))
    info = RequestInfo(URL("https://minio.example:9000/b"), "CONNECT", headers)
    exc = aiohttp.ClientHttpProxyError(
        info, (), status=407, message="Proxy Authentication Required"
    )
    failure = translated(exc, proxy=PROXY)
    assert type(failure) is ProxyAuthError and isinstance(failure, ConnectError)
    assert str(failure) == (
        "the proxy http://proxy.example:3128 refused the request to minio.example:9000 "
        "(407 Proxy Authentication Required): its credentials were refused"
    )
    assert failure.__context__ is None and SECRET not in repr(failure)


def test_a_tunnel_the_proxy_cannot_open_is_a_connect_error_naming_both() -> None:
    info = RequestInfo(
        URL("https://minio.example:9000/b"), "CONNECT", CIMultiDictProxy(CIMultiDict())
    )
    exc = aiohttp.ClientHttpProxyError(info, (), status=502, message="Bad Gateway")
    failure = translated(exc, proxy=PROXY)
    assert type(failure) is ConnectError
    assert str(failure) == (
        "the proxy http://proxy.example:3128 could not carry the request to minio.example:9000 "
        "(502 Bad Gateway)"
    )
    assert "the proxy could not" in str(translated(exc))  # a caller's session's proxy


def test_an_untrusted_proxy_certificate_names_the_proxy_and_proxy_ca() -> None:
    tls_proxy = Proxy("https", "proxy.example", 3128)
    cert_error = ssl.SSLCertVerificationError("self-signed certificate")
    failure = translated(
        aiohttp.ClientConnectorCertificateError(PROXY_KEY, cert_error), proxy=tls_proxy
    )
    assert type(failure) is TLSError
    assert "of the proxy https://proxy.example:3128" in str(failure)
    assert "proxy_ca" in str(failure)


def test_a_plain_http_proxy_given_as_https_is_told() -> None:
    tls_proxy = Proxy("https", "proxy.example", 3128)
    os_error = ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number")
    failure = translated(aiohttp.ClientConnectorSSLError(PROXY_KEY, os_error), proxy=tls_proxy)
    assert "the proxy https://proxy.example:3128 seems to speak plain HTTP" in str(failure)


def test_a_connect_timeout_through_a_proxy_says_so() -> None:
    failure = translated(aiohttp.ConnectionTimeoutError(), proxy=PROXY)
    assert type(failure) is RequestTimeout
    assert "through the proxy http://proxy.example:3128" in str(failure)
