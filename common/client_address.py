"""Who is on the other end of a request: the peer, or the client a trusted proxy names.

X-Forwarded-For is a list that every proxy appends to, and anyone can send one with whatever
they like in it. So it is believed only when the peer is one of our own proxies, and then read
from the right: the right-most address that is not one of our proxies is the client.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(value: str, proxies: Sequence[Network]) -> bool:
    address = _address(value)
    return address is not None and any(address in network for network in proxies)


def client_address(peer: str, forwarded_for: str | None, proxies: Sequence[Network]) -> str:
    """The client's address: `peer` unless the peer is a trusted proxy that forwarded the request."""
    if not forwarded_for or not _trusted(peer, proxies):
        return peer
    for hop in reversed(forwarded_for.split(",")):
        hop = hop.strip()
        if _address(hop) is None:
            break  # garbage: stop believing the header here
        if not _trusted(hop, proxies):
            return hop
    return peer


def client_key(address: str, salt: str) -> str:
    """A short keyed hash of an address: enough to count requests, useless to find a person."""
    return hmac.new(salt.encode(), f"client\0{address}".encode(), hashlib.sha256).hexdigest()[:24]
