"""Faults against `make cluster`, in this order (each leaves the cluster serving): the demo
through the balancer; two messages of one conversation at once on two replicas; RabbitMQ down;
Redis down; PostgreSQL restarted; an account service and an action server killed; a Rasa replica
killed mid-conversation. In each, the customer hears a clear line (or the answer) within 10 s,
nothing is done twice, and the conversation goes on when the part is back."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest
import requests

from scripts.cluster.layout import PUBLIC, Layout
from scripts.cluster.postgres import PostgresServer
from scripts.cluster.rabbitmq import RabbitServer
from scripts.cluster.redis import RedisServer
from scripts.demo_secrets import existing
from tests.cluster.conftest import (
    RASA,
    REPO,
    ROOT,
    SERVICE,
    Conversation,
    kill,
    latest_code,
    pid_of,
    rasa_api_token,
)
from tests.load.test_load_short import run_short_load


def replica_url(layout: Layout, name: str) -> str:
    return f"http://127.0.0.1:{layout.ports[name]}"


def tracker_events(conversation: Conversation) -> list[dict]:
    reply = requests.get(
        f"{RASA}/conversations/rest:{conversation.sender}/tracker",
        headers={"Authorization": f"Bearer {rasa_api_token()}"},
        timeout=30,
    )
    reply.raise_for_status()
    return reply.json()["events"]


def user_texts(conversation: Conversation) -> list[str]:
    return [event["text"] for event in tracker_events(conversation) if event["event"] == "user"]


def analysed_messages(conversation: Conversation) -> int:
    """The customer messages of this conversation that the analytics consumer counted. Its
    events reach it only through RabbitMQ (make cluster's consumer reads the `rasa_events`
    queue), named only by their salted hash."""
    from sqlalchemy import create_engine, text

    from analytics.naming import conversation_hash
    from common.db_urls import sync_database_url

    salt = existing(REPO / "var" / "secrets.env")["ANALYTICS_SALT"]
    engine = create_engine(sync_database_url(Layout(ROOT).postgres_url("analytics")))
    try:
        with engine.connect() as connection:
            row = connection.execute(
                text("select sum(turns), count(*) from conversations where conversation = :hash"),
                {"hash": conversation_hash(salt, f"rest:{conversation.sender}")},
            ).first()
    finally:
        engine.dispose()
    assert row is None or row[1] <= 1, "one conversation counted as several"
    return int(row[0]) if row and row[0] is not None else 0


def wait_for(condition, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"{what} within {timeout_s} s"
        time.sleep(0.5)


def test_the_demo_is_served_through_the_balancer(cluster: Layout) -> None:
    assert requests.get(f"http://127.0.0.1:{PUBLIC['web']}/", timeout=10).ok
    customer = Conversation()
    assert "User ID" in customer.texts("what's my balance")
    customer.texts("alex.morgan")
    answer = customer.texts(latest_code("alex.morgan"))
    assert "ending 2002" in answer and "verified" in answer
    # Every event went through RabbitMQ to the analytics consumer, the conversation only hashed.
    wait_for(lambda: analysed_messages(customer) == 3, 20, "events analysed")


def test_two_messages_at_once_on_two_replicas_take_turns(cluster: Layout) -> None:
    customer = Conversation()
    customer.texts("hello")
    results: dict[str, requests.Response] = {}

    def send(name: str, text: str, message_id: str) -> None:
        results[name] = customer.post(text, message_id, replica_url(cluster, name))

    threads = [
        threading.Thread(target=send, args=("rasa-1", "how do I reset my password", "race-1")),
        threading.Thread(target=send, args=("rasa-2", "where can I download the app", "race-2")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert {name: reply.status_code for name, reply in results.items()} == {"rasa-1": 200, "rasa-2": 200}
    assert all(reply.json() for reply in results.values())
    events = tracker_events(customer)
    said = [event for event in events if event["event"] == "user"]
    assert len(said) == 3, [event["text"] for event in said]
    # One turn after the other: each message was read after the previous turn ended in a listen.
    for index, event in enumerate(events):
        if event["event"] == "user" and index > 0:
            before = [e for e in events[:index] if e["event"] in ("action", "user")]
            assert before[-1]["event"] == "action" and before[-1]["name"] == "action_listen"


def test_a_widget_on_one_replica_hears_an_agent_line_sent_to_the_other(cluster: Layout) -> None:
    """python-socketio's Redis manager: the agent console may post to any replica."""
    from tests.conversations.test_socketio import Browser, texts

    relay_token = existing(REPO / "var" / "secrets.env")["AGENT_RELAY_TOKEN"]

    async def scenario() -> None:
        widget = Browser(replica_url(cluster, "rasa-1"))
        session_id = await widget.open()
        try:
            assert "User ID" in texts(await widget.say("what's my balance"))
            reply = await asyncio.to_thread(
                requests.post,
                f"{replica_url(cluster, 'rasa-2')}/webhooks/socketio/agent_message",
                json={
                    "conversation_id": f"socketio:{session_id}",
                    "text": "Hello, Maria here",
                    "agent": "Maria",
                },
                headers={"Authorization": f"Bearer {relay_token}"},
                timeout=10,
            )
            assert reply.status_code == 200, reply.text
            heard = await asyncio.wait_for(widget.replies.get(), 10)
            assert heard["text"] == "Hello, Maria here" and heard["agent"] == {"name": "Maria"}
        finally:
            await widget.close()
        # The page reloads and reaches the other replica: its session and secret still hold.
        again = Browser(replica_url(cluster, "rasa-2"))
        assert await again.open(session_id, widget.session_secret) == session_id
        try:
            assert "code" in texts(await again.say("alex.morgan")).lower()
        finally:
            await again.close()

    asyncio.run(scenario())


def test_an_agent_logged_in_on_one_website_replica_is_logged_in_on_both(cluster: Layout) -> None:
    """Sessions in Redis: the balancer may send each page to either website replica."""
    website = f"http://127.0.0.1:{PUBLIC['web']}"
    login = requests.post(
        f"{website}/agent/login",
        data={"name": "agent", "password": "demo-agent-password"},
        headers={"Origin": website},
        allow_redirects=False,
        timeout=10,
    )
    assert login.status_code == 303, login.text
    cookie = {"agent_session": login.cookies["agent_session"]}

    def queue(name: str) -> requests.Response:
        url = f"{replica_url(cluster, name)}/agent"
        return requests.get(url, cookies=cookie, allow_redirects=False, timeout=10)

    for name in ("web-1", "web-2"):
        page = queue(name)
        assert page.status_code == 200, name
    csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    out = requests.post(
        f"{replica_url(cluster, 'web-2')}/agent/logout",
        data={"csrf": csrf},
        cookies=cookie,
        headers={"Origin": replica_url(cluster, "web-2")},
        allow_redirects=False,
        timeout=10,
    )
    assert out.status_code == 303
    assert queue("web-1").status_code == 303  # logged out on web-2: out on web-1 too


def test_four_customers_load_the_cluster_without_an_error(cluster: Layout, tmp_path: Path) -> None:
    """The short load run (tests/load) through the balancer, both replicas of each part up."""
    summary = run_short_load(RASA, SERVICE, tmp_path)
    print("cluster load:", summary["messages"])


def test_rabbitmq_down_the_conversation_goes_on_and_events_follow(cluster: Layout, restarted: list) -> None:
    os.killpg(pid_of("rabbitmq"), signal.SIGKILL)
    customer = Conversation()
    assert "password" in customer.texts("how do I reset my password").lower()
    assert "app" in customer.texts("where can I download the app").lower()
    server = RabbitServer(
        ROOT / "rabbitmq", cluster.ports["rabbitmq"], cluster.ports["rabbitmq-dist"], cluster.ports["epmd"]
    )
    server.start_again()
    restarted.append(server)
    # The replicas reconnect (within 30 s) and publish what they buffered; the consumer too.
    wait_for(lambda: analysed_messages(customer) == 2, 90, "buffered events published and analysed")


def test_redis_down_a_clear_line_then_the_conversation_goes_on(cluster: Layout, restarted: list) -> None:
    customer = Conversation()
    assert "User ID" in customer.texts("I want to freeze my card")
    kill("redis")
    started = time.monotonic()
    reply = customer.post("alex.morgan", "redis-1")
    assert time.monotonic() - started < 10
    assert reply.status_code == 503 and "send it again" in reply.json()[0]["text"]
    server = RedisServer(ROOT / "redis", cluster.ports["redis"])
    server.start_again()
    restarted.append(server)
    # Redis kept nothing (no persistence): the conversation itself is in PostgreSQL.
    customer.sent = 10
    assert "code" in customer.texts("alex.morgan").lower()


def test_postgresql_restarted_a_clear_line_then_the_conversation_goes_on(cluster: Layout) -> None:
    customer = Conversation()
    assert "User ID" in customer.texts("show my recent transactions")
    server = PostgresServer(ROOT / "postgres", cluster.ports["postgres"])
    server.stop()
    try:
        started = time.monotonic()
        reply = customer.post("alex.morgan", "pg-1")
        assert time.monotonic() - started < 10
        print("while PostgreSQL was down:", reply.status_code, reply.text[:300])
        assert reply.status_code in (200, 503) and reply.json()[0]["text"]
    finally:
        server.start()
    customer.sent = 20
    assert "code" in customer.texts("alex.morgan").lower()
    answer = customer.texts(latest_code("alex.morgan"))
    assert "verified" in answer


def test_an_account_service_and_an_action_server_killed(cluster: Layout) -> None:
    customer = Conversation()
    customer.texts("what's my balance")
    kill("service-1")
    customer.texts("alex.morgan")
    kill("actions-1")
    answer = customer.texts(latest_code("alex.morgan"))
    assert "ending 2002" in answer


def test_a_rasa_replica_killed_mid_conversation(cluster: Layout) -> None:
    customer = Conversation()
    assert "User ID" in customer.texts("what's my balance")
    customer.texts("priya.sharma")
    code = latest_code("priya.sharma")
    # The code goes to rasa-1, which dies while (or before) it answers; the client resends the
    # same message through the balancer, which now sends it to rasa-2.
    customer.sent += 1
    message_id = f"m{customer.sent}"
    outcome: dict[str, object] = {}

    def send_to_doomed_replica() -> None:
        try:
            outcome["reply"] = customer.post(code, message_id, replica_url(cluster, "rasa-1"))
        except requests.RequestException as error:
            outcome["error"] = error

    thread = threading.Thread(target=send_to_doomed_replica)
    thread.start()
    time.sleep(0.2)
    kill("rasa-1")
    thread.join(30)
    started = time.monotonic()
    while True:
        reply = customer.post(code, message_id)
        if reply.status_code == 200:
            break
        assert reply.status_code == 503 and reply.json()[0]["text"]
        assert time.monotonic() - started < 60
        time.sleep(2)
    assert "ending 1005" in json.dumps(reply.json(), ensure_ascii=False) or "verified" in reply.text
    # Processed at most once, whichever replica did it.
    assert user_texts(customer).count("[redacted]") <= 1
    assert "balance" in customer.texts("thanks, what's my balance again").lower()


@pytest.fixture(scope="session")
def restarted():
    """Servers a test started again; stopped at the end (the launcher owns only its own)."""
    servers: list = []
    yield servers
    for server in servers:
        server.stop()
