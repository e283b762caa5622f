"""Download documents from harvest sources with a size cap, timeouts and an
address check.

Every protocol module fetches through `fetch`, so the rules are the same for
all sources. The host must not resolve to a private or loopback address
unless ``ckanext.quyhoach.harvest.allow_private_addresses`` is true.
Redirects are followed by hand, so each hop is checked again. The body is
read in chunks and rejected once it passes
``ckanext.quyhoach.harvest.max_response_bytes`` (counted after gzip
decoding). The bytes are decoded only when the whole body is in, so a
multi-byte character split across two chunks decodes correctly.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024
# A whole response may take this many times the per-read timeout.
DEADLINE_FACTOR = 4


class FetchError(Exception):
    """A remote document could not be fetched; the message names the URL."""


@dataclass
class Response:
    url: str
    status: int
    content_type: str
    body: bytes
    encoding: str | None

    def text(self) -> str:
        return self.body.decode(self.encoding or "utf-8", errors="replace")

    def json(self) -> Any:
        try:
            return json.loads(self.text())
        except ValueError as error:
            raise FetchError(f"Invalid JSON from {self.url}: {error}") from error


def _settings() -> tuple[float, int, bool, str]:
    return (
        float(tk.config.get("ckanext.quyhoach.harvest.timeout")),
        int(tk.config.get("ckanext.quyhoach.harvest.max_response_bytes")),
        tk.asbool(tk.config.get("ckanext.quyhoach.harvest.allow_private_addresses")),
        str(tk.config.get("ckanext.quyhoach.harvest.user_agent")),
    )


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str, allow_private: bool | None = None) -> None:
    """Raise FetchError unless URL is http(s) and its host resolves to public
    addresses only (or private addresses are allowed by configuration)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"Invalid source URL {url!r}: use an http:// or https:// URL")
    if allow_private is None:
        allow_private = _settings()[2]
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 80, proto=socket.IPPROTO_TCP)
    except socket.gaierror as error:
        raise FetchError(f"Cannot resolve host {parts.hostname!r} of {url}: {error}") from error
    # NOTE: the address is checked here and resolved again by requests when it
    # connects, so a DNS server that changes its answer in between is not caught.
    for info in infos:
        address = str(info[4][0])
        if not _is_public(address):
            raise FetchError(
                f"Source URL {url} resolves to the private or loopback address "
                f"{address}; harvesting from such addresses is disabled "
                "(set ckanext.quyhoach.harvest.allow_private_addresses = true to allow it)"
            )


def _read_body(response: requests.Response, url: str, max_bytes: int, deadline: float) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(
            f"Response from {url} is {declared} bytes, over the limit of {max_bytes} "
            "bytes (ckanext.quyhoach.harvest.max_response_bytes)"
        )
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(
                f"Response from {url} passed the limit of {max_bytes} bytes "
                "(ckanext.quyhoach.harvest.max_response_bytes)"
            )
        if time.monotonic() > deadline:
            raise FetchError(f"Timed out reading the response from {url}")
        chunks.append(chunk)
    return b"".join(chunks)


def _get_once(session: requests.Session, url: str, params: dict | None, timeout: float) -> requests.Response:
    try:
        return session.get(url, params=params, timeout=(timeout, timeout), stream=True, allow_redirects=False)
    except requests.Timeout as error:
        raise FetchError(f"Timed out after {timeout:g} s waiting for {url}") from error
    except requests.RequestException as error:
        raise FetchError(f"Request to {url} failed: {error}") from error


def fetch(url: str, params: dict | None = None, session: requests.Session | None = None) -> Response:
    """GET URL and return the whole body; raise FetchError on any failure."""
    timeout, max_bytes, allow_private, user_agent = _settings()
    session = session or requests.Session()
    session.headers.setdefault("User-Agent", user_agent)
    deadline = time.monotonic() + timeout * DEADLINE_FACTOR
    for _ in range(MAX_REDIRECTS + 1):
        check_url(url, allow_private)
        response = _get_once(session, url, params, timeout)
        with response:
            if response.is_redirect:
                url = urljoin(url, response.headers.get("Location", ""))
                params = None
                continue
            try:
                body = _read_body(response, url, max_bytes, deadline)
            except requests.RequestException as error:
                raise FetchError(f"Reading the response from {url} failed: {error}") from error
            if response.status_code >= 400:
                raise FetchError(f"{url} returned HTTP {response.status_code}")
            return Response(
                url=response.url or url,
                status=response.status_code,
                content_type=response.headers.get("Content-Type", ""),
                body=body,
                encoding=requests.utils.get_encoding_from_headers(response.headers)
                if "charset" in response.headers.get("Content-Type", "")
                else None,
            )
    raise FetchError(f"Too many redirects from {url} (more than {MAX_REDIRECTS})")
