"""Slack: Events API and block actions in, chat.postMessage out; direct messages only."""

from __future__ import annotations

import time

from tests.channels.conftest import SlackCustomer, buttons, texts


def test_slack_url_verification_is_answered_with_the_challenge(assistant):
    customer = SlackCustomer(assistant)
    challenge = {
        "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        "type": "url_verification",
    }
    answer = customer.post_json(challenge)
    assert answer.status_code == 200 and answer.json() == {"challenge": challenge["challenge"]}
    assert customer.post_json(challenge, secret="wrong").status_code == 401


def test_buttons_are_blocks_and_a_click_reaches_the_assistant(assistant):
    customer = SlackCustomer(assistant)
    greeting = customer.say("hello there")
    assert {"title": "Check my balance", "payload": "/check_balance"} in buttons(greeting)
    assert "User ID" in texts(customer.press("/check_balance"))
    # One conversation per Slack user: the click went to the same one as the message.
    assert customer.user_texts()[-2:] == ["hello there", "/check_balance"]


def test_a_request_older_than_five_minutes_is_refused(assistant):
    customer = SlackCustomer(assistant)
    before = len(customer.replies_so_far())
    stale = customer.post_json(customer.event("hello"), timestamp=int(time.time()) - 6 * 60)
    assert stale.status_code == 401
    assert customer.nothing_sent_after(before)


def test_a_mention_in_a_channel_is_not_answered_there(assistant):
    customer = SlackCustomer(assistant, channel_type="channel")
    before = len(customer.replies_so_far())
    answer = customer.post_json(customer.event("<@UBOTTEST01> what's my balance", event_type="app_mention"))
    assert answer.status_code == 200
    assert customer.nothing_sent_after(before)
