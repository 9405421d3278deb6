// The demo support page: mounts the chat widget, keeps the visitor's region in the widget's
// customData, and in demo mode shows the chosen demo customer's "phone" (texts and emails from
// the account service's outbox, through this site's /demo/outbox).

import { appendLinkified } from "../widget/linkify.js";

const POLL_MS = 3000;
const REGION_KEY = "support-demo.region";
const PHONE_KEY = "support-demo.phone";
const config = JSON.parse(document.getElementById("page-config").textContent);

function remember(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    /* storage blocked: only this page view remembers */
  }
}

function recall(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

// --- region ------------------------------------------------------------------------------------
const regionSelect = document.getElementById("region");
const officialSite = document.getElementById("official-site");
for (const [code, region] of Object.entries(config.regions)) {
  const option = document.createElement("option");
  option.value = code;
  option.textContent = region.name.replace(/^the /, "").replace(/^./, (c) => c.toUpperCase());
  regionSelect.appendChild(option);
}
const savedRegion = recall(REGION_KEY);
if (savedRegion && config.regions[savedRegion]) regionSelect.value = savedRegion;

function showOfficialSite() {
  const region = config.regions[regionSelect.value];
  officialSite.replaceChildren();
  if (!region || !region.site) return;
  officialSite.append(`The issuer's own site for ${region.name}: `);
  appendLinkified(officialSite, region.site);
}
showOfficialSite();

// --- the chat widget ---------------------------------------------------------------------------
let chat = null;
if (window.SupportChat) {
  chat = window.SupportChat.mount({
    socketUrl: config.socketUrl,
    customData: { region: regionSelect.value },
    initPayload: "/greet",
    title: "Support assistant",
    offlineHelp: "For urgent help, call the number on the back of your card.",
  });
} else {
  document.getElementById("open-chat").disabled = true;
}

regionSelect.addEventListener("change", () => {
  remember(REGION_KEY, regionSelect.value);
  chat?.setCustomData({ region: regionSelect.value });
  showOfficialSite();
});

document.getElementById("open-chat").addEventListener("click", () => chat?.open());
for (const button of document.querySelectorAll("[data-ask]")) {
  button.addEventListener("click", () => {
    chat?.open();
    chat?.send(button.dataset.ask);
  });
}

// --- the demo phone ----------------------------------------------------------------------------
if (config.demoMode) {
  const panel = document.getElementById("demo-phone");
  const select = document.getElementById("phone-customer");
  const list = document.getElementById("phone-messages");
  const count = document.getElementById("phone-count"); // visible
  const status = document.getElementById("phone-status"); // announced by screen readers
  let shown = "";
  let timer = null;

  for (const userId of config.demoCustomers) {
    const option = document.createElement("option");
    option.value = userId;
    option.textContent = userId;
    select.appendChild(option);
  }
  const savedPhone = recall(PHONE_KEY);
  if (savedPhone && config.demoCustomers.includes(savedPhone)) select.value = savedPhone;
  panel.hidden = false;

  // What each outbox channel is called on the demo phone (alerts also go by WhatsApp and Telegram).
  const KINDS = { email: "Email", whatsapp: "WhatsApp message", telegram: "Telegram message" };
  const kindOf = (message) => KINDS[message.channel] || "Text message";

  const render = (messages) => {
    const items = messages
      .slice()
      .reverse()
      .map((message) => {
        const item = document.createElement("li");
        item.className = `phone-msg phone-msg--${message.channel === "email" ? "email" : "sms"}`;
        const meta = document.createElement("p");
        meta.className = "phone-meta";
        const kind = kindOf(message);
        const when = new Date(message.sent_at);
        meta.textContent = `${kind} to ${message.to}`;
        if (!Number.isNaN(when.getTime())) {
          const time = document.createElement("time");
          time.dateTime = message.sent_at;
          time.textContent = when.toLocaleString([], { dateStyle: "short", timeStyle: "short" });
          meta.append(" · ", time);
        }
        const text = document.createElement("p");
        text.className = "phone-text";
        appendLinkified(text, message.text);
        item.append(meta, text);
        return item;
      });
    if (!items.length) {
      const empty = document.createElement("li");
      empty.className = "phone-empty";
      empty.textContent = "No messages yet.";
      items.push(empty);
    }
    list.replaceChildren(...items);
  };

  const poll = async () => {
    clearTimeout(timer);
    const userId = select.value;
    try {
      const reply = await fetch(`/demo/outbox?user_id=${encodeURIComponent(userId)}`, {
        cache: "no-store",
      });
      if (!reply.ok) throw new Error(String(reply.status));
      const messages = await reply.json();
      if (userId === select.value) {
        const key = JSON.stringify(messages);
        if (key !== shown) {
          // Announced once per new message (a live region), never on every poll.
          const newest = messages[messages.length - 1];
          const before = shown ? JSON.parse(shown).length : null;
          shown = key;
          render(messages);
          if (before !== null && messages.length > before && newest) {
            status.textContent = `New ${kindOf(newest).toLowerCase()}: ${newest.text}`;
          }
        }
        count.textContent = `${messages.length} ${messages.length === 1 ? "message" : "messages"} for ${userId}`;
        panel.dataset.state = "ok";
      }
    } catch {
      if (panel.dataset.state !== "error") {
        count.textContent = "Can't reach the demo phone's messages right now; trying again.";
        status.textContent = count.textContent;
      }
      panel.dataset.state = "error";
    }
    timer = setTimeout(poll, POLL_MS);
  };

  select.addEventListener("change", () => {
    remember(PHONE_KEY, select.value);
    shown = "";
    list.replaceChildren();
    poll();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") poll();
  });
  poll();
}
