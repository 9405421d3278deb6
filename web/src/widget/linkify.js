// Turns a message's text into DOM nodes: text nodes, and links for web addresses. Never parses
// HTML: the assistant's (or an agent's) text is untrusted, so nothing in it can become markup.

const URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s<>"']+/gi;
const TRAILING = /[.,;:!?)\]}'"]+$/;

/** The address a link may open, or null: only http(s), so no javascript: or data: URLs. */
export function safeHref(candidate) {
  const withScheme = /^www\./i.test(candidate) ? `https://${candidate}` : candidate;
  try {
    const url = new URL(withScheme);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

/** Appends `text` to `parent` with its web addresses as links that open in a new tab. */
export function appendLinkified(parent, text) {
  const doc = parent.ownerDocument;
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    let address = match[0];
    const trailing = address.match(TRAILING);
    if (trailing) address = address.slice(0, -trailing[0].length);
    const href = safeHref(address);
    if (!href || !address) continue;
    if (match.index > last) parent.appendChild(doc.createTextNode(text.slice(last, match.index)));
    const link = doc.createElement("a");
    link.href = href;
    link.target = "_blank";
    link.rel = "noopener noreferrer nofollow";
    link.textContent = address;
    parent.appendChild(link);
    last = match.index + address.length;
  }
  if (last < text.length) parent.appendChild(doc.createTextNode(text.slice(last)));
}
