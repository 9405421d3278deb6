// The conversation kept in localStorage, so a reload shows the history and continues the same
// server-side conversation (the session ID names it; the secret the server issued with it proves
// this browser was given it). Storage may be unavailable (private mode,
// sandboxed frames): then the widget works for the page's lifetime only.

const VERSION = 1;
const MAX_MESSAGES = 150;

function emptyState() {
  return { v: VERSION, sessionId: null, sessionSecret: null, messages: [], open: false, greeted: false };
}

export function createStore(key, storage = safeStorage()) {
  let state = load();

  function load() {
    try {
      const parsed = JSON.parse(storage?.getItem(key) || "null");
      if (parsed && parsed.v === VERSION && Array.isArray(parsed.messages)) {
        return { ...emptyState(), ...parsed };
      }
    } catch {
      /* unreadable: start afresh */
    }
    return emptyState();
  }

  function save() {
    state.messages = state.messages.slice(-MAX_MESSAGES);
    try {
      storage?.setItem(key, JSON.stringify(state));
    } catch {
      /* full or blocked: keep it in memory */
    }
  }

  return {
    get state() {
      return state;
    },
    update(changes) {
      state = { ...state, ...changes };
      save();
    },
    save,
    clear() {
      state = emptyState();
      try {
        storage?.removeItem(key);
      } catch {
        /* ignore */
      }
    },
  };
}

function safeStorage() {
  try {
    const storage = window.localStorage;
    const probe = "__support_chat_probe__";
    storage.setItem(probe, "1");
    storage.removeItem(probe);
    return storage;
  } catch {
    return null;
  }
}
