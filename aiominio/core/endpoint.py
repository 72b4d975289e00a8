"""Endpoint parsing and request URL building (path-style or virtual-host style)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from aiominio.core.signing import canonical_query, uri_encode
from aiominio.errors import InvalidArgument

AddressingStyle = Literal["auto", "path", "virtual"]
#: The region S3 uses when none is named: requests without a bucket, buckets created without a
#: LocationConstraint.
DEFAULT_REGION = "us-east-1"

_AWS_HOST = re.compile(
    r"^(?:[a-z0-9.-]+\.)?s3(?:[.-](?:dualstack\.)?(?P<region>[a-z]{2}(?:-gov)?-[a-z]+-\d))?"
    r"(?:\.dualstack\.(?P<region2>[a-z]{2}-[a-z]+-\d))?\.amazonaws\.com(?:\.cn)?$"
)
_HOSTNAME_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_DNS_BUCKET = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A parsed S3 endpoint.

    Attributes:
        scheme: ``"https"`` or ``"http"``.
        host: the host name or IP address (IPv6 without brackets).
        port: the TCP port (80/443 when not given).
        aws: whether this is an Amazon S3 endpoint (virtual-host style is used there).
        region: a region named by the host (``s3.eu-west-1.amazonaws.com``), if any.
    """

    scheme: str
    host: str
    port: int
    aws: bool = False
    region: str | None = None

    @property
    def secure(self) -> bool:
        return self.scheme == "https"

    @property
    def is_ip(self) -> bool:
        try:
            ipaddress.ip_address(self.host)
        except ValueError:
            return False
        return True

    def netloc(self, host: str | None = None) -> str:
        """``host[:port]`` as the Host header wants it; the port only when not the default."""
        host = self.host if host is None else host
        if ":" in host:
            host = f"[{host}]"
        default = 443 if self.secure else 80
        return host if self.port == default else f"{host}:{self.port}"


def parse_endpoint(
    endpoint: str, *, secure: bool | None = None, port: int | None = None
) -> Endpoint:
    """Parse an endpoint as the MinIO reference allows it.

    ``endpoint`` may be a URL (``https://play.min.io:9000``), a host name, an IPv4 address or an
    IPv6 address, with or without brackets and port. ``secure`` defaults to True (or to the URL's
    scheme); ``port`` defaults to the one in the endpoint, else 443/80.

    Raises:
        InvalidArgument: (a ValueError) the endpoint is malformed, has a path or query, or
            contradicts ``secure`` or ``port``.
    """
    if not isinstance(endpoint, str) or not endpoint.strip():
        raise InvalidArgument("endpoint must be a non-empty string")
    if port is not None and (isinstance(port, bool) or not isinstance(port, int)):
        raise TypeError("port must be an int")
    if port is not None and not 0 < port < 65536:
        raise InvalidArgument(f"port out of range: {port}")
    text = endpoint.strip()
    if not text.isprintable() or " " in text:
        # urlsplit drops tabs, CRs and LFs silently: "http://a\nb.com" would reach ab.com. The
        # endpoint is not echoed (it may carry a user's password, refused below).
        at, char = next((i, c) for i, c in enumerate(text) if c == " " or not c.isprintable())
        raise InvalidArgument(
            f"endpoint must not hold spaces or control characters: {char!a} at position {at}"
        )
    scheme: str | None = None
    if "://" in text:
        parts = urlsplit(text)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise InvalidArgument(f"endpoint scheme must be http or https, not {parts.scheme!r}")
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise InvalidArgument("endpoint must not have a path, query or fragment")
        if parts.username or parts.password:
            raise InvalidArgument("endpoint must not carry credentials; pass access_key/secret_key")
        netloc = parts.netloc
        if secure is not None and secure != (scheme == "https"):
            raise InvalidArgument(f"secure={secure} contradicts the endpoint scheme {scheme!r}")
    else:
        netloc = text
        if "/" in netloc or "?" in netloc or "#" in netloc:
            raise InvalidArgument("endpoint must be a host name, an IP address or a URL")
    host, found_port = _split_host_port(netloc)
    if port is not None and found_port is not None and port != found_port:
        raise InvalidArgument(f"port={port} contradicts the endpoint's port {found_port}")
    if scheme is None:
        scheme = "http" if secure is False else "https"
    actual_port = port or found_port or (443 if scheme == "https" else 80)
    match = _AWS_HOST.match(host.lower())
    region = None
    if match:
        region = match.group("region") or match.group("region2")
    return Endpoint(scheme, host.lower(), actual_port, aws=bool(match), region=region)


def _split_host_port(netloc: str) -> tuple[str, int | None]:
    if not netloc:
        raise InvalidArgument("endpoint has no host")
    port_text: str | None = None
    if netloc.startswith("["):
        end = netloc.find("]")
        if end < 0:
            raise InvalidArgument(f"unbalanced brackets in endpoint {netloc!r}")
        host, rest = netloc[1:end], netloc[end + 1 :]
        if rest:
            if not rest.startswith(":"):
                raise InvalidArgument(f"malformed endpoint {netloc!r}")
            port_text = rest[1:]
        _check_ip(host, version=6)
    elif netloc.count(":") > 1:
        host = netloc  # a bare IPv6 address: a port needs brackets
        _check_ip(host, version=6)
    else:
        host, sep, port_text_ = netloc.partition(":")
        port_text = port_text_ if sep else None
        _check_hostname(host)
    port: int | None = None
    if port_text is not None:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise InvalidArgument(f"invalid port in endpoint: {port_text!r}")
        port = int(port_text)
    return host, port


def _check_ip(host: str, *, version: int) -> None:
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        raise InvalidArgument(f"invalid IPv{version} address in endpoint: {host!r}") from None
    if addr.version != version:
        raise InvalidArgument(f"invalid IPv{version} address in endpoint: {host!r}")


def _check_hostname(host: str) -> None:
    if not host or len(host) > 253:
        raise InvalidArgument(f"invalid host name in endpoint: {host!r}")
    labels = host.rstrip(".").split(".")
    if not all(_HOSTNAME_LABEL.fullmatch(label) for label in labels):
        raise InvalidArgument(f"invalid host name in endpoint: {host!r}")


def virtual_host_ok(endpoint: Endpoint, bucket: str) -> bool:
    """Whether a bucket can be addressed as ``bucket.host`` on this endpoint.

    Names with dots are kept path-style over TLS, as a wildcard certificate does not match them.
    """
    if not _DNS_BUCKET.fullmatch(bucket) or "--" in bucket:
        return False
    return not (endpoint.secure and "." in bucket)


@dataclass(frozen=True, slots=True)
class Target:
    """Where a request goes: the URL as sent, and the parts the signer needs."""

    url: str
    host: str
    path: str
    query: tuple[tuple[str, str], ...]
    #: The path and query as encoded in ``url``: the canonical URI and query string of SigV4.
    uri: str
    canonical_query: str


def build_target(
    endpoint: Endpoint,
    bucket: str | None = None,
    key: str | None = None,
    query: tuple[tuple[str, str], ...] = (),
    *,
    style: AddressingStyle = "auto",
    region: str | None = None,
) -> Target:
    """Build the URL of a request.

    Path style (``host/bucket/key``) for IPs, localhost and custom endpoints; virtual-host style
    (``bucket.host/key``) for AWS endpoints with DNS-compatible names, unless ``style`` says
    otherwise. ``path`` is the raw (unencoded) path the signer canonicalises; the URL holds the
    same path encoded once, so what is signed is exactly what is sent.
    """
    host = endpoint.host
    virtual = False
    if bucket is not None:
        if style == "virtual":
            virtual = True
        elif style == "auto":
            virtual = endpoint.aws and not endpoint.is_ip and virtual_host_ok(endpoint, bucket)
    if virtual and bucket is not None:
        if endpoint.aws and host == "s3.amazonaws.com" and region and region != DEFAULT_REGION:
            host = f"s3.{region}.amazonaws.com"
        host = f"{bucket}.{host}"
        path = "/" + (key or "")
    elif bucket is not None:
        path = f"/{bucket}/" + (key or "") if key is not None else f"/{bucket}"
    else:
        path = "/"
    netloc = endpoint.netloc(host)
    uri = uri_encode(path, keep_slash=True)
    url = f"{endpoint.scheme}://{netloc}{uri}"
    encoded_query = ""
    if query:
        encoded_query = canonical_query(query)
        url += "?" + encoded_query
    return Target(url, netloc, path, tuple(query), uri, encoded_query)
