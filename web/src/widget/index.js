// The support chat widget: a launcher button and a chat panel that talk to Rasa's socket.io
// channel. Embed with one script tag and `SupportChat.mount({socketUrl, customData})`.
//
// Messages from the server (`bot_uttered`) are rendered with text nodes only. Recognised shapes:
//   {text}                               the assistant
//   {text, quick_replies|buttons: [{title, payload}]}   with reply buttons
//   {attachment: {type: "image", payload: {src}}}       an image (http/https only)
//   {text, agent: {name}}                a person (live agent) writing in the same conversation
//   {text, notice: true}                 a line about the conversation (queue position, handover)

import { io } from "socket.io-client";
import { appendLinkified, safeHref } from "./linkify.js";
import { maskForDisplay } from "./privacy.js";
import { createStore } from "./store.js";

const SCRIPT_SRC = typeof document !== "undefined" && document.currentScript ? document.currentScript.src : "";
const SESSION_ID = /^[A-Za-z0-9_-]{16,128}$/;
const MAX_LENGTH = 2000;
const REPLY_TIMEOUT_MS = 30000;
let mounted = 0;

const DEFAULTS = {
  socketUrl: "",
  socketPath: "/socket.io/",
  customData: {},
  title: "Support assistant",
  subtitle: "Virtual assistant",
  storageKey: "support-chat",
  initPayload: null,
  offlineHelp: "",
  stylesheet: undefined,
  container: null,
  startOpen: false,
};

function el(doc, tag, attrs = {}, children = []) {
  const node = doc.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    if (name === "text") node.textContent = value;
    else if (name === "className") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) node.appendChild(child);
  return node;
}

function icon(doc, path) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = doc.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const shape = doc.createElementNS(ns, "path");
  shape.setAttribute("d", path);
  svg.appendChild(shape);
  return svg;
}

const CHAT_ICON = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z";
const CLOSE_ICON = "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z";

function defaultStylesheet() {
  return SCRIPT_SRC ? SCRIPT_SRC.replace(/\.js(\?.*)?$/, ".css$1") : null;
}

/** Replies in a server message, in either shape Rasa uses, keeping only well-formed ones. */
function repliesOf(message) {
  const list = message.quick_replies || message.buttons || [];
  return Array.isArray(list)
    ? list
        .filter((r) => r && typeof r.title === "string" && typeof r.payload === "string")
        .map((r) => ({ title: r.title.slice(0, 80), payload: r.payload.slice(0, MAX_LENGTH) }))
    : [];
}

/** Mounts the widget on the page and returns its controller. */
export function mount(userOptions = {}) {
  const options = { ...DEFAULTS, ...userOptions };
  if (!options.socketUrl) throw new Error("SupportChat.mount: socketUrl is required");
  const doc = document;
  const id = `sc${(mounted += 1)}`;
  const store = createStore(options.storageKey);
  let customData = { ...options.customData };
  let ready = false;
  let replyTimer = null;
  let unread = 0;
  // What was typed while offline, exactly as it is to be sent (the history shows it masked);
  // in memory only, so a code or card number typed offline never reaches localStorage.
  const queue = [];
  // Sent but not answered yet, each with its ID: after a reconnect they are sent again with the
  // same IDs (a replica may have died with them), and the server processes each at most once.
  // In memory only, like the queue.
  let unanswered = [];
  const newMessageId = () =>
    Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");
  // Messages never sent before a reload stay unsent: their text is gone with the old page.
  if (store.state.messages.some((m) => m.pending)) {
    store.update({ messages: store.state.messages.filter((m) => !m.pending) });
  }

  if (options.stylesheet !== false) {
    const href = options.stylesheet || defaultStylesheet();
    if (href && !doc.querySelector(`link[data-support-chat="${href}"]`)) {
      doc.head.appendChild(el(doc, "link", { rel: "stylesheet", href, "data-support-chat": href }));
    }
  }

  // --- the DOM ----------------------------------------------------------------------------------
  const launcherLabel = el(doc, "span", { className: "sc-launcher-label", text: "Chat with us" });
  const badge = el(doc, "span", { className: "sc-badge", hidden: true, "aria-hidden": "true" });
  const launcher = el(
    doc,
    "button",
    {
      type: "button",
      className: "sc-launcher",
      "aria-controls": `${id}-panel`,
      "aria-expanded": "false",
      "aria-label": "Chat with the support assistant",
    },
    [icon(doc, CHAT_ICON), launcherLabel, badge],
  );

  const title = el(doc, "h2", { className: "sc-title", id: `${id}-title`, text: options.title });
  const status = el(doc, "p", { className: "sc-status", id: `${id}-status`, role: "status" });
  const statusDot = el(doc, "span", { className: "sc-dot", "aria-hidden": "true" });
  const statusText = el(doc, "span", { text: "Not connected yet" });
  status.append(statusDot, statusText);
  const restartButton = el(doc, "button", {
    type: "button",
    className: "sc-textbutton",
    text: "New chat",
    "aria-label": "Start a new conversation",
  });
  const closeButton = el(
    doc,
    "button",
    { type: "button", className: "sc-iconbutton", "aria-label": "Close chat" },
    [icon(doc, CLOSE_ICON)],
  );
  const header = el(doc, "div", { className: "sc-header" }, [
    el(doc, "div", { className: "sc-heading" }, [title, status]),
    restartButton,
    closeButton,
  ]);
  const offline = el(doc, "div", { className: "sc-offline", role: "alert", hidden: true });
  const log = el(doc, "div", {
    className: "sc-log",
    role: "log",
    "aria-live": "polite",
    "aria-label": "Conversation",
    tabindex: "0",
  });
  const typing = el(doc, "div", { className: "sc-typing", hidden: true }, [
    el(doc, "span", { className: "sc-sr-only", text: "The assistant is typing" }),
    el(doc, "span", { className: "sc-typing-dot", "aria-hidden": "true" }),
    el(doc, "span", { className: "sc-typing-dot", "aria-hidden": "true" }),
    el(doc, "span", { className: "sc-typing-dot", "aria-hidden": "true" }),
  ]);
  const input = el(doc, "input", {
    type: "text",
    className: "sc-input",
    id: `${id}-input`,
    autocomplete: "off",
    maxlength: String(MAX_LENGTH),
    placeholder: "Type your question",
  });
  const sendButton = el(doc, "button", { type: "submit", className: "sc-send", text: "Send" });
  const form = el(doc, "form", { className: "sc-form" }, [
    el(doc, "label", { className: "sc-sr-only", for: `${id}-input`, text: "Your message" }),
    input,
    sendButton,
  ]);
  const note = el(doc, "p", {
    className: "sc-note",
    text: "Never type your full card number, security code, PIN or password here.",
  });
  const panel = el(
    doc,
    "section",
    {
      className: "sc-panel",
      id: `${id}-panel`,
      role: "dialog",
      "aria-labelledby": `${id}-title`,
      hidden: true,
    },
    [header, offline, log, typing, form, note],
  );
  const root = el(doc, "div", { className: "sc-root" }, [panel, launcher]);
  (options.container || doc.body).appendChild(root);

  // --- rendering --------------------------------------------------------------------------------
  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function renderMessage(message, index) {
    const who = { user: "You", bot: "Assistant", agent: message.name || "Agent", notice: "" }[message.from];
    const item = el(doc, "div", {
      className: `sc-msg sc-msg--${message.from}${message.pending ? " sc-msg--pending" : ""}`,
      "data-index": String(index),
    });
    if (message.from === "agent") {
      item.appendChild(el(doc, "span", { className: "sc-author", text: `${who} (support team)` }));
    } else if (who) {
      item.appendChild(el(doc, "span", { className: "sc-sr-only", text: `${who}: ` }));
    }
    if (message.image) {
      item.appendChild(el(doc, "img", { src: message.image, alt: message.text || "Image from the assistant" }));
    } else {
      const body = el(doc, "span", { className: "sc-text" });
      appendLinkified(body, message.text || "");
      item.appendChild(body);
    }
    if (message.pending) item.appendChild(el(doc, "span", { className: "sc-pending", text: pendingLabel() }));
    if (message.replies && message.replies.length) {
      const group = el(doc, "div", { className: "sc-replies", role: "group", "aria-label": "Suggested replies" });
      for (const reply of message.replies) {
        const button = el(doc, "button", { type: "button", className: "sc-reply", text: reply.title });
        button.addEventListener("click", () => send(reply.title, reply.payload));
        group.appendChild(button);
      }
      item.appendChild(group);
    }
    return item;
  }

  function pendingLabel() {
    return root.dataset.connection === "offline" ? "Not sent yet: it goes when the connection is back" : "Sending…";
  }

  function renderAll() {
    log.replaceChildren(...store.state.messages.map(renderMessage));
    scrollToEnd();
  }

  function addMessage(message) {
    const messages = [...store.state.messages, message];
    store.update({ messages });
    log.appendChild(renderMessage(message, messages.length - 1));
    scrollToEnd();
  }

  function dropReplies() {
    if (!store.state.messages.some((m) => m.replies)) return;
    store.update({ messages: store.state.messages.map(({ replies, ...rest }) => rest) });
    for (const group of log.querySelectorAll(".sc-replies")) group.remove();
  }

  function setTyping(on) {
    typing.hidden = !on;
    clearTimeout(replyTimer);
    if (on) {
      replyTimer = setTimeout(() => {
        typing.hidden = true;
        addMessage({ from: "notice", text: "No answer yet. Please try again in a moment." });
      }, REPLY_TIMEOUT_MS);
      scrollToEnd();
    }
  }

  function setStatus(state) {
    const texts = {
      idle: "Not connected yet",
      connecting: "Connecting…",
      online: "Online",
      offline: "Offline: reconnecting…",
    };
    root.dataset.connection = state;
    statusText.textContent = texts[state];
    const showOffline = state === "offline";
    if (showOffline && offline.hidden) {
      offline.replaceChildren(
        el(doc, "strong", { text: "Can't reach the assistant right now." }),
        doc.createTextNode(
          " We'll reconnect automatically, and anything you send will be delivered when we're back.",
        ),
      );
      if (options.offlineHelp) {
        offline.appendChild(doc.createTextNode(" "));
        appendLinkified(offline, options.offlineHelp);
      }
    }
    offline.hidden = !showOffline;
    if (showOffline) setTyping(false);
    for (const label of log.querySelectorAll(".sc-pending")) label.textContent = pendingLabel();
  }

  function updateBadge() {
    badge.hidden = unread === 0;
    badge.textContent = unread ? String(unread) : "";
    launcher.setAttribute(
      "aria-label",
      unread
        ? `Chat with the support assistant (${unread} new ${unread === 1 ? "message" : "messages"})`
        : "Chat with the support assistant",
    );
  }

  // --- the connection ---------------------------------------------------------------------------
  const socket = io(options.socketUrl, {
    path: options.socketPath,
    // WebSocket first: it needs no CORS set-up on the Rasa server; polling is the fallback.
    transports: ["websocket", "polling"],
    tryAllTransports: true,
    reconnection: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 5000,
    timeout: 8000,
    autoConnect: false,
  });

  // The server issues the session ID and its secret; both are sent back to continue it (a
  // reload). Without the right secret the server starts a new, empty conversation.
  function requestSession() {
    socket.emit("session_request", {
      session_id: store.state.sessionId || null,
      session_secret: store.state.sessionSecret || null,
    });
  }

  socket.on("connect", () => {
    setStatus("connecting");
    requestSession();
  });

  socket.on("session_confirm", (confirmed) => {
    const sessionId = typeof confirmed === "string" ? confirmed : confirmed?.session_id;
    const sessionSecret = typeof confirmed?.session_secret === "string" ? confirmed.session_secret : null;
    if (!sessionId || !SESSION_ID.test(sessionId)) return;
    if (sessionId !== store.state.sessionId) {
      // The server started another conversation: the old history belongs to a different one.
      store.update({
        sessionId,
        sessionSecret,
        messages: store.state.messages.filter((m) => m.pending),
        greeted: false,
      });
      renderAll();
    }
    ready = true;
    setStatus("online");
    resendUnanswered(sessionId);
    flushPending();
    greetIfNeeded();
  });

  socket.on("session_error", () => {
    ready = false;
    requestSession();
  });

  socket.on("bot_uttered", (data) => {
    if (!data || typeof data !== "object") return;
    setTyping(false);
    // Answers come in order: an answer means what was sent before it arrived.
    unanswered = [];
    const message = { from: "bot", text: typeof data.text === "string" ? data.text : "" };
    if (data.agent && typeof data.agent === "object") {
      message.from = "agent";
      message.name = typeof data.agent.name === "string" ? data.agent.name.slice(0, 60) : "Agent";
    } else if (data.notice === true) {
      message.from = "notice";
    }
    const image = data.attachment?.type === "image" ? safeHref(String(data.attachment.payload?.src || "")) : null;
    if (image) message.image = image;
    const replies = repliesOf(data);
    if (replies.length) message.replies = replies;
    if (!message.text && !message.image) return;
    addMessage(message);
    if (panel.hidden) {
      unread += 1;
      updateBadge();
    }
  });

  socket.on("disconnect", (reason) => {
    ready = false;
    setStatus("offline");
    // A server-side disconnect is not retried by socket.io itself.
    if (reason === "io server disconnect") socket.connect();
  });

  socket.on("connect_error", () => {
    ready = false;
    setStatus("offline");
  });

  function connect() {
    if (!socket.connected && !socket.active) {
      setStatus("connecting");
      socket.connect();
    }
  }

  function emitMessage(text, messageId = newMessageId()) {
    const sessionId = store.state.sessionId;
    socket.emit("user_uttered", { message: text, session_id: sessionId, message_id: messageId, customData });
    unanswered.push({ text, messageId, sessionId });
    setTyping(true);
  }

  function resendUnanswered(sessionId) {
    const again = unanswered.filter((m) => m.sessionId === sessionId);
    unanswered = [];
    for (const { text, messageId } of again) emitMessage(text, messageId);
  }

  function flushPending() {
    if (!queue.length) return;
    for (const text of queue.splice(0)) emitMessage(text);
    store.update({ messages: store.state.messages.map(({ pending, ...rest }) => rest) });
    // Updated in place: re-rendering the log would make screen readers read it all again.
    for (const item of log.querySelectorAll(".sc-msg--pending")) {
      item.classList.remove("sc-msg--pending");
      item.querySelector(".sc-pending")?.remove();
    }
  }

  function greetIfNeeded() {
    if (options.initPayload && ready && !panel.hidden && !store.state.greeted && store.state.messages.length === 0) {
      store.update({ greeted: true });
      emitMessage(options.initPayload);
    }
  }

  // --- what the customer does -------------------------------------------------------------------
  function send(text, payload) {
    const shown = String(text || "").trim().slice(0, MAX_LENGTH);
    if (!shown) return;
    dropReplies();
    const outgoing = payload || shown;
    const message = { from: "user", text: maskForDisplay(shown) };
    if (ready) {
      addMessage(message);
      emitMessage(outgoing);
    } else {
      queue.push(outgoing);
      addMessage({ ...message, pending: true });
      connect();
    }
  }

  function open({ focus = true } = {}) {
    if (!panel.hidden) return;
    panel.hidden = false;
    root.classList.add("sc-open");
    launcher.setAttribute("aria-expanded", "true");
    unread = 0;
    updateBadge();
    store.update({ open: true });
    scrollToEnd();
    if (focus) input.focus();
    connect();
    greetIfNeeded();
  }

  function close() {
    if (panel.hidden) return;
    panel.hidden = true;
    root.classList.remove("sc-open");
    launcher.setAttribute("aria-expanded", "false");
    store.update({ open: false });
    launcher.focus();
  }

  function reset() {
    store.clear();
    queue.length = 0;
    unanswered = [];
    ready = false;
    setTyping(false);
    renderAll();
    if (socket.connected || socket.active) {
      // A fresh connection, so the old conversation's room no longer reaches this page.
      socket.disconnect();
      socket.connect();
    }
  }

  launcher.addEventListener("click", () => (panel.hidden ? open() : close()));
  closeButton.addEventListener("click", close);
  restartButton.addEventListener("click", () => {
    reset();
    input.focus();
  });
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send(input.value);
    input.value = "";
    input.focus();
  });

  // Restore the conversation; reconnect at once when there is one to continue.
  renderAll();
  if (store.state.sessionId || store.state.messages.length) connect();
  // Reopened after a reload without taking the focus from the page.
  if (store.state.open || options.startOpen) open({ focus: false });

  return {
    open: () => open(),
    close,
    send,
    reset,
    element: root,
    setCustomData(data) {
      customData = { ...data };
    },
    get sessionId() {
      return store.state.sessionId;
    },
    destroy() {
      clearTimeout(replyTimer);
      socket.disconnect();
      root.remove();
    },
  };
}
