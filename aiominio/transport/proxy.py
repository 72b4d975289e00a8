"""Forward proxies, without aiohttp: which proxy a request goes through, and how it is trusted.

:func:`proxy_settings` turns a client's ``proxy=`` URL (or, with ``trust_env``, the
``HTTPS_PROXY`` / ``HTTP_PROXY`` / ``NO_PROXY`` variables, read as the AWS SDKs read them) into a
:class:`ProxySettings` once, when the client is made, so that a bad URL is refused before any
request; :meth:`ProxySettings.proxy_for` picks the proxy of each request's host. A proxy's
credentials are kept only as the ``Proxy-Authorization`` value they make, which no repr, message
or log shows: messages name a proxy by :attr:`Proxy.url` (scheme, host and port), and a URL
refused as malformed is shown :func:`redacted`.
"""

from __future__ import annotations

import base64
import functools
import ipaddress
import re
import ssl
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import SplitResult, unquote, urlsplit

from aiominio.errors import InvalidArgument

_HOST_NAME = re.compile(r"[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?")


@dataclass(frozen=True, slots=True)
class Proxy:
    """A forward proxy.

    Attributes:
        scheme: ``"http"`` (requests to ``https://`` endpoints go through a CONNECT tunnel) or
            ``"https"`` (TLS to the proxy itself as well).
        host: its host name or IP address (IPv6 without brackets).
        port: its port.
        authorization: the ``Proxy-Authorization`` value of its credentials (never shown).
    """

    scheme: Literal["http", "https"]
    host: str
    port: int
    authorization: str | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """``scheme://host:port``: the proxy as messages name it, with no credentials."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"

    def __str__(self) -> str:
        return self.url


@dataclass(frozen=True, slots=True)
class ProxySettings:
    """Where a client's requests go: through ``proxy``, unless their host is one of
    ``no_proxy`` (``NO_PROXY``'s entries: host names and their subdomains, IP addresses, CIDR
    blocks, each with an optional ``:port``; ``*`` for every host)."""

    proxy: Proxy | None = None
    no_proxy: tuple[str, ...] = ()

    def proxy_for(self, host: str, port: int | None) -> Proxy | None:
        """The proxy a request to ``host:port`` goes through, or ``None`` to go direct."""
        if self.proxy is None or not self.no_proxy:
            return self.proxy
        return None if bypassed(host, port, self.no_proxy) else self.proxy


def redacted(url: str) -> str:
    """``url`` with whatever stands before its last ``@`` (``user:password@``) shown as
    ``***@``: fit for a message, however malformed the URL (a password may hold ``/``)."""
    head, sep, rest = url.partition("://")
    if not sep:
        head, rest = "", url
    if "@" in rest:
        rest = "***@" + rest.rpartition("@")[2]
    return head + sep + rest


def parse_proxy(url: str, *, auth: tuple[str, str] | None = None, source: str = "proxy") -> Proxy:
    """The proxy ``url`` names: ``http://`` or ``https://``, a host, an optional port (80 or 443
    by default) and optional ``user:password@`` (percent-encoded); no path, query or fragment.
    ``auth``: ``(user, password)`` instead of credentials in the URL. ``source`` names where the
    URL came from in messages (``"proxy"``, ``"HTTPS_PROXY"``).

    Raises:
        InvalidArgument: the URL is not one of a proxy, or credentials are given twice.
        TypeError: ``url`` is not a str, or ``auth`` not a pair of str.
    """
    if not isinstance(url, str):
        raise TypeError(f"{source} must be a str (a URL such as http://proxy.example:3128)")
    shown = redacted(url)
    split = _split(url)
    if split is None:
        raise InvalidArgument(f"{source} is not a valid URL: {shown!r}")
    parts, port = split
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise InvalidArgument(
            f"{source} must be an http:// or https:// URL (SOCKS proxies are not supported): "
            f"{shown!r}"
        )
    host = parts.hostname
    if not host or not _valid_host(host):
        raise InvalidArgument(f"{source} has no valid host: {shown!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InvalidArgument(
            f"{source} must be scheme://host:port only, with no path or query: {shown!r}"
        )
    if port == 0:
        raise InvalidArgument(f"{source} has port 0: {shown!r}")
    if parts.username is not None:
        if auth is not None:
            raise InvalidArgument(f"proxy credentials given twice: in {source} and as proxy_auth")
        auth = (unquote(parts.username), unquote(parts.password or ""))
    return Proxy(
        "https" if scheme == "https" else "http",
        host,
        port if port is not None else 443 if scheme == "https" else 80,
        None if auth is None else _basic(auth),
    )


def proxy_settings(
    *,
    proxy: str | None = None,
    proxy_auth: tuple[str, str] | None = None,
    trust_env: bool = False,
    secure: bool,
    environ: Mapping[str, str],
) -> ProxySettings:
    """A client's proxy settings: ``proxy`` for every request when given; else, with
    ``trust_env``, the environment's for the endpoint's scheme (``secure``): ``https_proxy`` /
    ``HTTPS_PROXY`` for HTTPS, ``http_proxy`` / ``HTTP_PROXY`` for plain HTTP (the lower-case
    name first, as Python's ``urllib`` and so botocore read them; a value with no scheme is an
    ``http://`` proxy), bypassed for the hosts of ``no_proxy`` / ``NO_PROXY``. ``proxy_auth``:
    the credentials of whichever proxy that is."""
    if not isinstance(trust_env, bool):
        raise TypeError("trust_env must be a bool")
    if proxy is not None:
        found = parse_proxy(proxy, auth=proxy_auth)
        no_proxy: tuple[str, ...] = ()
    elif not trust_env:
        if proxy_auth is not None:
            raise InvalidArgument("proxy_auth needs a proxy (proxy=, or trust_env=True)")
        return ProxySettings()
    else:
        name, value = _variable(environ, "https_proxy" if secure else "http_proxy")
        if not value:
            return ProxySettings()
        if "://" not in value:
            value = "http://" + value
        found = parse_proxy(value, auth=proxy_auth, source=name)
        _, listed = _variable(environ, "no_proxy")
        no_proxy = tuple(e.strip().lower() for e in listed.split(",") if e.strip())
    if found.scheme == "https" and secure and sys.version_info < (3, 11):
        raise InvalidArgument(
            "an https:// proxy for an https:// endpoint needs TLS within TLS, which asyncio has "
            "from Python 3.11 on: use an http:// proxy (HTTPS still goes end to end through it)"
        )
    return ProxySettings(found, no_proxy)


def verification(
    ssl_context: ssl.SSLContext | str | bool | None,
    *,
    secure: bool,
    proxy_tls: bool,
    proxy_ca: str | None,
) -> ssl.SSLContext | bool:
    """What verifies the TLS connections of a pool: ``ssl_context`` as the client was given it
    (a context, a CA bundle's path, ``False`` for none, ``None`` for the system's trust store).

    aiohttp verifies an ``https://`` proxy with the same setting as the endpoint, so
    ``proxy_ca`` (the path of the CA bundle that issued the proxy's certificate) is added to the
    endpoint's trust: the system's store, or the bundle ``ssl_context`` names. A plain-HTTP
    endpoint behind an ``https://`` proxy (``proxy_tls``) still verifies the proxy.
    """
    if proxy_ca is not None:
        if not isinstance(proxy_ca, str):
            raise TypeError("proxy_ca must be the path of a CA bundle (a str)")
        if isinstance(ssl_context, ssl.SSLContext):
            raise InvalidArgument(
                "proxy_ca cannot be added to an ssl_context object: load it into that context "
                "(context.load_verify_locations(proxy_ca)) instead"
            )
        if ssl_context is False:
            raise InvalidArgument("proxy_ca has no use with ssl_context=False (nothing verified)")
        cafile = ssl_context if isinstance(ssl_context, str) else None
        try:
            context = ssl.create_default_context(cafile=cafile)
            context.load_verify_locations(cafile=proxy_ca)
        except (OSError, ssl.SSLError) as exc:
            raise InvalidArgument(f"cannot load the CA bundle {proxy_ca!r}: {exc}") from None
        return context
    if isinstance(ssl_context, str):
        return ssl.create_default_context(cafile=ssl_context)
    if ssl_context is None:
        # Plain HTTP with no TLS anywhere: no context to build (tens of ms of CPU).
        return secure or proxy_tls
    return ssl_context


def refusal(proxy: Proxy | None, status: int, reason: str | None, target: str) -> str:
    """The message of a proxy's answer ``status`` instead of carrying a request (or opening a
    tunnel) to ``target`` (``host:port``)."""
    named = "the proxy" if proxy is None else f"the proxy {proxy}"
    answer = f"({status} {reason})" if reason else f"({status})"
    if status != 407:
        return f"{named} could not carry the request to {target} {answer}"
    hint = (
        "its credentials were refused"
        if proxy is None or proxy.authorization is not None
        else "it asks for credentials (user:password@ in the proxy URL, or proxy_auth)"
    )
    return f"{named} refused the request to {target} {answer}: {hint}"


@functools.lru_cache(maxsize=512)
def bypassed(host: str, port: int | None, no_proxy: tuple[str, ...]) -> bool:
    """Whether ``host:port`` is one of the ``no_proxy`` entries (lower-case): ``*``; a host
    name, matching itself and its subdomains (a leading ``.`` or ``*.`` is the same); an IP
    address or CIDR block, matching the addresses in it; any of them with ``:port`` matching
    that port only."""
    host = host.lower().rstrip(".").strip("[]")
    try:
        address: ipaddress.IPv4Address | ipaddress.IPv6Address | None = ipaddress.ip_address(host)
    except ValueError:
        address = None
    for entry in no_proxy:
        if entry == "*":
            return True
        name, wanted = _split_port(entry)
        if wanted is not None and wanted != port:
            continue
        if address is not None:
            try:
                if address in ipaddress.ip_network(name, strict=False):
                    return True
            except ValueError:
                pass
            continue
        name = name.removeprefix("*").lstrip(".").rstrip(".")
        if name and (host == name or host.endswith("." + name)):
            return True
    return False


def _split_port(entry: str) -> tuple[str, int | None]:
    """``(host, port)`` of a ``NO_PROXY`` entry: ``h``, ``h:80``, ``[::1]``, ``[::1]:80``,
    ``::1`` (a bare IPv6 address has no port)."""
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
    elif entry.count(":") == 1:
        host, _, port_text = entry.partition(":")
    else:
        return entry, None
    return host, int(port_text) if port_text.isdigit() else None


def _variable(environ: Mapping[str, str], lower: str) -> tuple[str, str]:
    """The name and value of an environment variable spelled ``lower`` or in upper case; the
    lower-case one wins when both are set (as in ``urllib``, which botocore reads them with).
    Under CGI (``REQUEST_METHOD`` set) ``HTTP_PROXY`` is a request's ``Proxy:`` header, not the
    environment's proxy ("httpoxy"), so it is ignored, as ``urllib`` ignores it."""
    if lower in environ:
        return lower, environ[lower].strip()
    upper = lower.upper()
    if upper == "HTTP_PROXY" and "REQUEST_METHOD" in environ:
        return upper, ""
    return upper, environ.get(upper, "").strip()


def _split(url: str) -> tuple[SplitResult, int | None] | None:
    """``url`` split, with its port; ``None`` when urllib refuses it (its message, which may
    hold a password, goes nowhere)."""
    try:
        parts = urlsplit(url)
        return parts, parts.port
    except ValueError:
        return None


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return len(host) <= 253 and _HOST_NAME.fullmatch(host) is not None
    return True


def _basic(auth: tuple[str, str]) -> str:
    """The ``Proxy-Authorization`` value of ``(user, password)`` (HTTP Basic, UTF-8)."""
    if (
        not isinstance(auth, tuple)
        or len(auth) != 2
        or not all(isinstance(part, str) for part in auth)
    ):
        raise TypeError("proxy_auth must be a (user, password) tuple of str")
    user, password = auth
    if ":" in user:
        raise InvalidArgument("a proxy user name cannot contain ':' (HTTP Basic authentication)")
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return f"Basic {token}"
