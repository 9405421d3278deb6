"""The balancer's configuration for `make cluster` (HAProxy from Debian).

- Health checks every second; two failures take a replica out (about 2 s), two passes put it
  back. A request that cannot connect to a replica is sent to another (redispatch).
- socket.io sticks to one Rasa replica per client address (`balance source`): its long-polling
  requests carry a session only that replica knows. Everything else is round robin.
- Nothing is logged: a path may hold a conversation ID or a signed statement link.
"""

from __future__ import annotations

from scripts.cluster.layout import HEALTH_PATHS, PUBLIC, Layout

HEADER = """global
    maxconn 4096

defaults
    mode http
    option forwardfor
    option redispatch
    retries 2
    timeout connect 2s
    timeout client 90s
    timeout server 90s
    timeout tunnel 1h
    default-server inter 1s fall 2 rise 2
"""


def _servers(layout: Layout, part: str) -> str:
    return "".join(
        f"    server {name} 127.0.0.1:{port} check\n" for name, port in layout.replicas(part).items()
    )


def _backend(layout: Layout, name: str, part: str, balance: str = "roundrobin") -> str:
    return (
        f"\nbackend {name}\n    balance {balance}\n"
        f"    option httpchk GET {HEALTH_PATHS[part]}\n" + _servers(layout, part)
    )


def balancer_config(layout: Layout) -> str:
    config = HEADER
    for part in ("actions", "service", "web"):
        config += f"\nfrontend {part}\n    bind 127.0.0.1:{PUBLIC[part]}\n    default_backend {part}\n"
        config += _backend(layout, part, part)
    config += (
        f"\nfrontend rasa\n    bind 127.0.0.1:{PUBLIC['rasa']}\n"
        "    acl socketio path_beg /socket.io\n"
        "    use_backend rasa_sockets if socketio\n"
        "    default_backend rasa\n"
    )
    # A replica that dies with a message in hand closes the connection without an answer: the
    # balancer sends the (buffered) message to the other replica. A message with a message_id is
    # processed at most once whichever replica gets it (channels/message_ledger.py).
    config += _backend(layout, "rasa", "rasa").replace(
        "    balance roundrobin\n",
        "    balance roundrobin\n    option http-buffer-request\n    retry-on conn-failure empty-response\n",
    )
    config += _backend(layout, "rasa_sockets", "rasa", "source")
    return config
