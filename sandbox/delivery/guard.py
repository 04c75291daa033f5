"""Where outbound IPN may go when the sandbox is exposed beyond this machine.

On a laptop (bound to loopback) a reader may post to any endpoint of theirs. On a public
instance the sandbox must not become a way into private networks: only allow-listed
hosts, and only if every address they resolve to is public; the sandbox's own hooks
stay reachable. Redirects are never followed (see ``client.post``).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


def is_loopback_bind(host: str) -> bool:
    return host in LOOPBACK_HOSTS or host.startswith("127.")


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


@dataclass(frozen=True)
class Destinations:
    exposed: bool = False
    allowed_hosts: tuple[str, ...] = ()
    own_origin: str = ""  # scheme://host:port of this server: its own hooks are always allowed

    def _listed(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        for pattern in self.allowed_hosts:
            pattern = pattern.lower()
            if host == pattern or (pattern.startswith("*.") and host.endswith(pattern[1:])):
                return True
        return False

    def _own(self, url: str) -> bool:
        parts = urlsplit(url)
        return bool(self.own_origin) and f"{parts.scheme}://{parts.netloc}" == self.own_origin

    def precheck(self, url: str) -> str:
        """The refusal that needs no name resolution, or ""."""
        if not self.exposed or self._own(url):
            return ""
        host = urlsplit(url).hostname or ""
        if not self._listed(host):
            return "host_not_allowed"
        return ""

    async def check(self, url: str) -> str:
        """ "" when ``url`` may be posted to, else a refusal code (checked after resolution)."""
        refused = self.precheck(url)
        if refused or not self.exposed or self._own(url):
            return refused
        parts = urlsplit(url)
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(parts.hostname, parts.port or 443)
        except (socket.gaierror, UnicodeError):
            return "host_unresolvable"
        if not infos or not all(is_public(str(info[4][0])) for info in infos):
            return "private_address"
        return ""


ANYWHERE = Destinations()  # a sandbox bound to loopback: the reader's own machine
