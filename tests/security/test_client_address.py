"""Whose address a request counts under (web/client_address.py): the socket's peer, unless that
peer is one of our proxies; a visitor cannot pick their own address with X-Forwarded-For."""

from __future__ import annotations

import pytest

from common.client_address import client_address, parse_trusted_proxies

PROXIES = parse_trusted_proxies("10.0.0.5, 10.1.0.0/16, fd00::/8")


def test_without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says() -> None:
    assert client_address("203.0.113.7", ["198.51.100.1"], ()) == "203.0.113.7"
    assert client_address("203.0.113.7", [], parse_trusted_proxies("")) == "203.0.113.7"


def test_a_header_from_an_untrusted_peer_is_ignored() -> None:
    assert client_address("203.0.113.7", ["10.0.0.5, 198.51.100.1"], PROXIES) == "203.0.113.7"


def test_behind_a_trusted_proxy_the_right_most_untrusted_entry_is_the_client() -> None:
    # The client wrote "1.2.3.4" itself; our proxy appended the address it really saw.
    assert client_address("10.0.0.5", ["1.2.3.4, 203.0.113.7"], PROXIES) == "203.0.113.7"
    # Two of our proxies in a row: both skipped.
    assert client_address("10.0.0.5", ["1.2.3.4, 203.0.113.7, 10.1.4.4"], PROXIES) == "203.0.113.7"
    # Several header lines are one list, in order.
    assert client_address("10.0.0.5", ["1.2.3.4", "203.0.113.7"], PROXIES) == "203.0.113.7"


def test_addresses_are_normalised_and_garbage_is_not_believed() -> None:
    assert client_address("::ffff:10.0.0.5", ["203.0.113.7"], PROXIES) == "203.0.113.7"
    assert client_address("fd00::1", ["[2001:db8::1]:443"], PROXIES) == "2001:db8::1"
    assert client_address("10.0.0.5", ["203.0.113.7:51000"], PROXIES) == "203.0.113.7"
    assert client_address("10.0.0.5", ["1.2.3.4, not-an-address"], PROXIES) == "10.0.0.5"
    # No header, or only our own proxies in it: the request came from inside.
    assert client_address("10.0.0.5", [], PROXIES) == "10.0.0.5"
    assert client_address("10.0.0.5", ["10.1.0.9, 10.0.0.5"], PROXIES) == "10.1.0.9"
    assert client_address(None, [], PROXIES) == "unknown"


def test_trusted_proxies_must_be_addresses_or_networks() -> None:
    networks = parse_trusted_proxies(" 10.0.0.5 ,,10.1.2.3/16")
    assert [str(network) for network in networks] == ["10.0.0.5/32", "10.1.0.0/16"]
    with pytest.raises(ValueError):
        parse_trusted_proxies("10.0.0.5, proxy.internal")
