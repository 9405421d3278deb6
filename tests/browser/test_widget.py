"""The website and its chat widget in a real browser, against the real assistant: what a visitor
sees and does, with the keyboard, on a desktop and on a phone, online and offline."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.cuttable_link import CuttableLink
from tests.conftest import EMBEDDING_SITE_PORT
from tests.e2e.conftest import make_room_for_a_code

REPLY_MS = 30_000
LAUNCHER = "Chat with the support assistant"


def open_with_keyboard(page: Page) -> None:
    """Tabs through the page to the launcher and opens the chat with Enter."""
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement?.classList.contains('sc-launcher')"):
            break
    else:
        raise AssertionError("the launcher is not reachable with Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name="Support assistant")).to_be_visible()
    expect(page.get_by_role("textbox", name="Your message")).to_be_focused()


def say(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name="Your message")
    box.fill(text)
    box.press("Enter")


def conversation(page: Page):
    return page.get_by_role("log", name="Conversation")


def serve_one_page(html: str) -> tuple[str, Callable[[], None]]:
    """Another site on this machine (its own origin) whose page embeds the widget."""
    body = html.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    # On the port the Rasa server knows as an embedding site (WIDGET_ORIGINS in the test stack).
    server = ThreadingHTTPServer(("127.0.0.1", EMBEDDING_SITE_PORT), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return f"http://127.0.0.1:{server.server_address[1]}/shop.html", stop


def stored_chat(page: Page) -> dict:
    return page.evaluate("JSON.parse(localStorage.getItem('support-chat'))")


def test_the_page_is_served_with_security_headers_and_no_secrets(website: str) -> None:
    page = requests.get(website, timeout=10)
    assert page.status_code == 200
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "not affiliated with" in page.text
    assert "token" not in page.text.lower()
    assert requests.get(f"{website}/health", timeout=10).json()["status"] == "ok"
    # The demo phone's proxy only passes a User ID on.
    assert requests.get(f"{website}/demo/outbox", params={"user_id": "../x"}, timeout=10).status_code == 400


def test_a_visitor_chats_with_the_keyboard_clicks_a_reply_and_finds_the_chat_after_a_reload(
    new_page, website: str
) -> None:
    page = new_page()
    page.goto(website)
    open_with_keyboard(page)
    log = conversation(page)
    expect(log).to_contain_text("What can I do for you?", timeout=REPLY_MS)  # the greeting
    expect(page.get_by_role("status").filter(has_text="Online")).to_be_visible()

    page.get_by_role("group", name="Suggested replies").get_by_role("button", name="I can't log in").click()
    expect(page.locator(".sc-msg--user").last).to_have_text("You: I can't log in")
    expect(log.locator(".sc-msg").first.get_by_role("group")).to_have_count(0)  # the greeting's replies went
    expect(page.locator(".sc-typing")).to_be_hidden(timeout=REPLY_MS)
    # The page's region (US) reached the assistant as customData: the US site, as a safe link.
    link = log.locator(".sc-msg--bot a[href^='https://www.americanexpress.com/en-us/']").first
    expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")

    # Whatever is typed is shown as text, never as markup.
    say(page, "<img src=x onerror=alert(1)> hello")
    expect(page.locator(".sc-msg--user").last).to_contain_text("<img src=x onerror=alert(1)> hello")
    expect(log.locator("img")).to_have_count(0)
    expect(page.locator(".sc-typing")).to_be_hidden(timeout=REPLY_MS)

    # Escape closes the panel and gives the focus back to the launcher.
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(page.get_by_role("button", name=LAUNCHER)).to_be_focused()

    before = stored_chat(page)
    shown = page.locator(".sc-msg").all_text_contents()
    page.reload()
    page.get_by_role("button", name=LAUNCHER).click()
    expect(page.locator(".sc-msg")).to_have_count(len(shown))
    assert page.locator(".sc-msg").all_text_contents() == shown
    assert stored_chat(page)["sessionId"] == before["sessionId"]
    say(page, "thanks")
    # The server continues the same conversation: it answers after the reload too.
    expect(page.locator(".sc-msg").last).to_have_class(re.compile("sc-msg--bot"), timeout=REPLY_MS)
    assert not page.errors


def test_a_balance_check_is_finished_with_the_code_from_the_demo_phone(
    new_page, website: str, assistant
) -> None:
    make_room_for_a_code(assistant, "alex.morgan")
    page = new_page(DESKTOP)
    page.goto(website)
    phone = page.get_by_role("complementary", name="Demo phone")
    phone.get_by_label("Show the phone of").select_option("alex.morgan")
    messages = phone.get_by_role("list", name="Messages received, newest first")
    expect(phone.get_by_text(re.compile(r"\d+ messages? for alex\.morgan"))).to_be_visible()  # polled
    had = messages.locator(".phone-msg").count()

    page.get_by_role("button", name=LAUNCHER).click()
    log = conversation(page)
    expect(log).to_contain_text("What can I do for you?", timeout=REPLY_MS)
    say(page, "what's my balance?")
    expect(log).to_contain_text("What's your User ID?", timeout=REPLY_MS)
    say(page, "alex.morgan")
    expect(log).to_contain_text("6-digit one-time code", timeout=REPLY_MS)

    # The code arrives on the demo phone in the page (polled), newest first.
    expect(messages.locator(".phone-msg")).to_have_count(had + 1, timeout=15_000)
    expect(phone.get_by_role("status")).to_contain_text("New text message")  # said to screen readers
    newest = messages.locator(".phone-msg").first.inner_text()
    code = re.search(r"\b(\d{6})\b", newest).group(1)
    say(page, code)
    expect(log).to_contain_text("you're verified", timeout=REPLY_MS)
    expect(log).to_contain_text("ending 2002")
    # The code is not left on screen or in the browser's storage.
    assert code not in page.locator(".sc-log").inner_text()
    assert code not in str(stored_chat(page))
    expect(page.locator(".sc-typing")).to_be_hidden(timeout=REPLY_MS)
    screenshot(page, "widget-desktop")

    # A reload shows the same conversation, panel still open.
    page.reload()
    expect(conversation(page)).to_contain_text("you're verified")
    expect(page.get_by_role("dialog", name="Support assistant")).to_be_visible()
    assert not page.errors


def test_on_a_phone_the_chat_fills_the_screen(new_page, website: str) -> None:
    page = new_page(PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page.goto(website)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name=LAUNCHER).click()
    dialog = page.get_by_role("dialog", name="Support assistant")
    expect(conversation(page)).to_contain_text("What can I do for you?", timeout=REPLY_MS)
    box = dialog.bounding_box()
    assert box == {"x": 0, "y": 0, "width": PHONE["width"], "height": PHONE["height"]}
    expect(page.get_by_role("button", name=LAUNCHER)).to_be_hidden()
    say(page, "what are the password requirements?")
    expect(conversation(page)).to_contain_text("12 characters", timeout=REPLY_MS)
    expect(page.get_by_role("group", name="Suggested replies")).to_be_visible()
    expect(page.locator(".sc-typing")).to_be_hidden(timeout=REPLY_MS)
    send = page.get_by_role("button", name="Send").bounding_box()
    assert send["x"] + send["width"] <= PHONE["width"] and send["y"] + send["height"] <= PHONE["height"]
    screenshot(page, "widget-phone")
    page.get_by_role("button", name="Close chat").click()
    expect(page.get_by_role("button", name=LAUNCHER)).to_be_focused()


def test_embedded_on_another_site_it_says_when_offline_and_reconnects_by_itself(
    new_page, website: str, assistant
) -> None:
    """One script tag and a mount call on a shop's page; the link to Rasa drops and comes back."""
    host, port = assistant.rasa_url.removeprefix("http://").split(":")
    link = CuttableLink(host, int(port))
    link.restore()
    shop_page = f"""<!doctype html><html lang="en"><title>Shop</title><h1>A shop</h1>
<script src="{website}/static/widget.js"></script>
<script>SupportChat.mount({{socketUrl: "{link.url}", customData: {{region: "IN"}}}});</script>"""
    shop, stop_shop = serve_one_page(shop_page)
    page = new_page()
    try:
        page.goto(shop)
        page.get_by_role("button", name=LAUNCHER).click()
        status = page.locator(".sc-status")
        expect(status).to_have_text("Online")

        link.cut()
        expect(status).to_contain_text("Offline")
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text("Can't reach the assistant")
        say(page, "what's the customer care number?")
        expect(page.locator(".sc-msg--pending")).to_contain_text("Not sent yet")

        link.restore()
        expect(status).to_have_text("Online", timeout=15_000)
        expect(alert).to_be_hidden()
        expect(page.locator(".sc-msg--pending")).to_have_count(0)
        # Delivered after all, with the page's customData: India's numbers, no region question.
        expect(conversation(page)).to_contain_text("1800-419-2122", timeout=REPLY_MS)
        assert not page.errors
    finally:
        link.cut()
        stop_shop()
