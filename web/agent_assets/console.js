// The open conversation in the agent console: new messages appear without a reload.
// Text only (textContent), never HTML: a customer's message cannot become markup.
(function () {
  "use strict";
  const section = document.getElementById("conversation");
  if (!section) return;
  const list = section.querySelector(".transcript");
  const reference = section.dataset.reference;
  let after = Number(section.dataset.after || 0);
  const status = section.dataset.status;
  const names = { customer: "Customer", assistant: "Assistant", agent: "Agent" };

  function add(message) {
    const item = document.createElement("li");
    item.className = "line from-" + String(message.from).replace(/[^a-z]/g, "");
    const who = document.createElement("span");
    who.className = "who";
    who.textContent = message.agent || names[message.from] || "";
    const text = document.createElement("span");
    text.className = "text";
    text.textContent = message.text;
    item.append(who, " ", text);
    list.appendChild(item);
  }

  async function poll() {
    try {
      const reply = await fetch(`/agent/cases/${encodeURIComponent(reference)}/messages?after=${after}`, {
        credentials: "same-origin",
      });
      if (reply.ok) {
        const body = await reply.json();
        for (const message of body.messages || []) {
          add(message);
          after = Math.max(after, message.id);
        }
        if (body.status && body.status !== status) window.location.reload();
      }
    } catch (error) {
      // offline for a moment: the next poll tries again
    }
    setTimeout(poll, 2000);
  }
  setTimeout(poll, 2000);
})();
