"""The live agent handoff in two browsers: a customer in the widget asks for a person, an agent
logs into /agent, takes the conversation, replies; the assistant stays quiet while the agent has
it, and answers again once the agent hands it back.

(Named to run after test_web_server.py: its asyncio tests cannot run while Playwright's loop is.)"""

from __future__ import annotations

import re
import time

import requests
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_widget import LAUNCHER, REPLY_MS, conversation, say


def log_in(page: Page, website: str, password: str = "demo-agent-password") -> None:
    page.goto(f"{website}/agent")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("Agent name").fill("agent")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_an_agent_takes_the_conversation_replies_and_hands_it_back(new_page, website: str) -> None:
    customer = new_page()
    customer.goto(website)
    customer.get_by_role("button", name=LAUNCHER).click()
    chat = conversation(customer)
    expect(chat).to_contain_text("What can I do for you?", timeout=REPLY_MS)
    say(customer, "I want to talk to a person")
    expect(chat).to_contain_text("reference is HO-", timeout=REPLY_MS)
    reference = re.search(r"HO-[A-Z0-9]{6}", chat.inner_text()).group(0)
    # While waiting, what the customer writes goes to the case (card number cut to its last four).
    say(customer, "my card 3782 822463 10005 was charged twice")
    expect(chat).to_contain_text("in the queue", timeout=REPLY_MS)

    agent = new_page()
    log_in(agent, website)
    case = agent.get_by_role("article", name=f"Conversation {reference}")
    expect(case).to_be_visible()
    expect(case).to_contain_text("in the queue")
    expect(case.locator(".waited")).to_have_text(re.compile(r"waiting \d+ (s|min)"))
    expect(case).to_contain_text("ending 0005")  # the transcript, redacted
    assert "822463" not in agent.content()
    screenshot(agent, "agent-console-queue")

    case.get_by_role("button", name=f"Take {reference}").click()
    expect(agent.get_by_role("heading", name=re.compile(reference))).to_be_visible()
    expect(chat).to_contain_text("agent from our team has joined the chat", timeout=REPLY_MS)

    agent.get_by_label("Reply to the customer").fill("Hello, I'm here to help. Which charge was it?")
    agent.get_by_role("button", name="Send").click()
    expect(agent.get_by_role("status")).to_have_text("Sent.")
    reply = customer.locator(".sc-msg--agent").last
    expect(reply).to_contain_text("Hello, I'm here to help. Which charge was it?", timeout=REPLY_MS)
    expect(reply).to_contain_text("agent (support team)")

    # The customer answers: the agent sees it (as text, never markup); the assistant stays quiet.
    bots_before = customer.locator(".sc-msg--bot").count()
    say(customer, "<b>the one from Coffee House</b>")
    section = agent.get_by_role("region", name="Conversation")
    expect(section).to_contain_text("<b>the one from Coffee House</b>", timeout=10_000)
    expect(section.locator("b")).to_have_count(0)
    time.sleep(2)
    expect(customer.locator(".sc-msg--bot")).to_have_count(bots_before)
    expect(customer.locator(".sc-typing")).to_be_hidden()
    # A test artifact; docs/screenshots/agent-console.png is a copy made by hand, like the widget's.
    screenshot(agent, "agent-console")

    agent.get_by_role("button", name="Hand back to the assistant").click()
    expect(agent.get_by_role("status")).to_have_text("Handed back to the assistant.")
    expect(chat).to_contain_text("You're back with the assistant", timeout=REPLY_MS)
    say(customer, "what are the password requirements?")
    expect(customer.locator(".sc-msg--bot").last).to_contain_text("12 characters", timeout=REPLY_MS)
    assert not customer.errors and not agent.errors


def test_the_console_refuses_wrong_passwords_other_sites_and_missing_csrf_tokens(
    new_page, website: str
) -> None:
    page = new_page()
    log_in(page, website, password="wrong-password")
    expect(page.get_by_role("alert")).to_have_text("That name and password do not match.")

    # Not logged in: the queue is not shown.
    queue = requests.get(f"{website}/agent", allow_redirects=False, timeout=10)
    assert queue.status_code == 303 and queue.headers["Location"] == "/agent/login"
    # A login posted from another site is refused.
    forged = requests.post(
        f"{website}/agent/login",
        data={"name": "agent", "password": "demo-agent-password"},
        headers={"Origin": "https://evil.example"},
        allow_redirects=False,
        timeout=10,
    )
    assert forged.status_code == 403

    session = requests.Session()
    logged_in = session.post(
        f"{website}/agent/login",
        data={"name": "agent", "password": "demo-agent-password"},
        headers={"Origin": website},
        allow_redirects=False,
        timeout=10,
    )
    assert logged_in.status_code == 303
    cookie = logged_in.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/agent" in cookie
    # Logged in, but without the page's CSRF token: refused.
    taken = session.post(
        f"{website}/agent/cases/HO-AAAAAA/take",
        data={},
        headers={"Origin": website},
        allow_redirects=False,
        timeout=10,
    )
    assert taken.status_code == 403
