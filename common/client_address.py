"""Who is on the other end: the socket's peer, or, when the peer is one of our own proxies
(TRUSTED_PROXIES), the address that proxy saw.

X-Forwarded-For is a list each proxy appends to, so only its right end is ours: walking from the
right, every entry added by a trusted proxy is skipped and the first one that is not is the client.
Anything further left was written by the client and is never believed, so a visitor cannot choose
the address their rate limits are counted under.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
TrustedProxies = tuple[Network, ...]


def parse_trusted_proxies(value: str) -> TrustedProxies:
    """TRUSTED_PROXIES="10.0.0.5, 10.1.0.0/16, fd00::/8" → networks; empty → trust no proxy."""
    networks = []
    for entry in filter(None, (part.strip() for part in value.split(","))):
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as error:
            raise ValueError(f"{entry!r} is not an IP address or CIDR network") from error
    return tuple(networks)


def _address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:51000"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, proxies: TrustedProxies) -> bool:
    return any(address.version == network.version and address in network for network in proxies)


def client_address(peer: str | None, forwarded_for: Iterable[str], proxies: TrustedProxies) -> str:
    """The client's address as text. `forwarded_for` holds every X-Forwarded-For header value."""
    peer_address = _address(peer or "")
    if peer_address is None:
        return peer or "unknown"  # a Unix socket, say: nothing better to go on
    if not _trusted(peer_address, proxies):
        return str(peer_address)
    hops = [hop for value in forwarded_for for hop in value.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # Not an address a proxy of ours would write: stop believing the header here.
            return str(peer_address)
        if not _trusted(address, proxies):
            return str(address)
    # Every hop is one of ours (a request from inside): the left-most one is the origin.
    first = _address(hops[0]) if hops else None
    return str(first or peer_address)


def client_key(address: str, salt: str) -> str:
    """A short keyed hash of an address: enough to count requests, useless to find a person. An
    IPv6 client is counted by its /64, which anyone gets whole from a provider."""
    parsed = _address(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        address = str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return hmac.new(salt.encode(), f"client\0{address}".encode(), hashlib.sha256).hexdigest()[:24]
