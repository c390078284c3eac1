/* cozekit chat widget: a chat bubble that talks to a cozekit proxy. No dependencies.
 *
 *   <script src="https://proxy.example/widget.js" data-bot-id="7379..."
 *           data-user-token="(signed by your server)" data-title="Help"></script>
 *
 * The proxy holds the Coze token; this script only ever sends the end-user token. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var botId = script.getAttribute("data-bot-id");
  if (!botId) { console.error("cozekit widget: data-bot-id is missing"); return; }
  var base = (script.getAttribute("data-proxy") || script.src.replace(/\/widget\.js(\?.*)?$/, "")).replace(/\/$/, "");
  var title = script.getAttribute("data-title") || "Chat";
  var userToken = script.getAttribute("data-user-token") || "";
  var store = window.localStorage;
  var tokenKey = "cozekit.user:" + base;

  var CSS = [
    ":host{all:initial}",
    ".bubble{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;",
    "background:#3b5bfd;color:#fff;font:24px/56px sans-serif;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);z-index:2147483000}",
    ".panel{position:fixed;right:20px;bottom:88px;width:360px;max-width:calc(100vw - 40px);height:480px;",
    "max-height:calc(100vh - 120px);display:none;flex-direction:column;background:#fff;border-radius:12px;",
    "box-shadow:0 8px 30px rgba(0,0,0,.25);font:14px/1.45 system-ui,sans-serif;color:#222;overflow:hidden;z-index:2147483000}",
    ".panel.open{display:flex}",
    ".head{padding:12px 16px;background:#3b5bfd;color:#fff;font-weight:600;display:flex;align-items:center}",
    ".head span{flex:1}",
    ".new{border:1px solid rgba(255,255,255,.6);background:transparent;color:#fff;border-radius:6px;padding:2px 8px;cursor:pointer;font:12px sans-serif}",
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px}",
    ".msg{max-width:85%;padding:8px 12px;border-radius:10px;white-space:pre-wrap;word-wrap:break-word}",
    ".user{align-self:flex-end;background:#3b5bfd;color:#fff}",
    ".bot{align-self:flex-start;background:#f1f3f7}",
    ".err{align-self:center;color:#b00020;font-size:12px}",
    ".chips{display:flex;flex-wrap:wrap;gap:6px}",
    ".chip{border:1px solid #3b5bfd;color:#3b5bfd;background:#fff;border-radius:14px;padding:4px 10px;cursor:pointer;font:inherit}",
    "form{display:flex;gap:8px;padding:10px;border-top:1px solid #e6e8ee}",
    "textarea{flex:1;resize:none;height:40px;padding:8px;border:1px solid #ccd;border-radius:8px;font:inherit}",
    "button.send{border:0;border-radius:8px;background:#3b5bfd;color:#fff;padding:0 14px;cursor:pointer;font:inherit}"
  ].join("");

  var host = document.createElement("div");
  host.setAttribute("data-cozekit-widget", botId);
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  root.innerHTML = '<style>' + CSS + '</style><div class="panel" role="dialog"><div class="head"><span></span><button class="new" type="button">New chat</button></div>' +
    '<div class="log" aria-live="polite"></div><form><textarea placeholder="Type a message"></textarea>' +
    '<button class="send" type="submit">Send</button></form></div>' +
    '<button class="bubble" type="button" aria-label="Open chat">&#128172;</button>';
  var panel = root.querySelector(".panel");
  var log = root.querySelector(".log");
  var form = root.querySelector("form");
  var input = root.querySelector("textarea");
  var sendButton = root.querySelector("button.send");
  root.querySelector(".head span").textContent = title;

  var conversationId = null;
  var loaded = false;
  var busy = null; // the AbortController of the reply being streamed

  function add(cls, text) {
    var el = document.createElement("div");
    el.className = "msg " + cls;
    el.textContent = text;
    log.appendChild(el);
    log.scrollTop = log.scrollHeight;
    return el;
  }
  function showError(body) {
    var text = (body && body.msg) || "Something went wrong";
    if (body && body.code) text += " (code " + body.code + (body.logid ? ", logid " + body.logid : "") + ")";
    add("err", text);
  }
  function conversationKey() {
    return "cozekit.conversation:" + base + ":" + botId + ":" + userToken.split(".")[0];
  }
  function headers(json) {
    var h = {};
    if (json) h["Content-Type"] = "application/json";
    if (userToken) h["X-Cozekit-User"] = userToken;
    return h;
  }
  function call(method, path, body) {
    return fetch(base + path, {
      method: method, headers: headers(body !== undefined), credentials: "include",
      body: body === undefined ? undefined : JSON.stringify(body)
    });
  }
  function errorOf(res) {
    return res.json().catch(function () { return { msg: "HTTP " + res.status }; });
  }

  function ensureUser() {
    if (userToken) return Promise.resolve(true);
    var saved = store && store.getItem(tokenKey);
    if (saved) { userToken = saved; return Promise.resolve(true); }
    return call("POST", "/session", {}).then(function (res) {
      if (!res.ok) return errorOf(res).then(function (b) { showError(b); return false; });
      return res.json().then(function (b) {
        userToken = b.user_token;
        if (store) store.setItem(tokenKey, userToken);
        return true;
      });
    });
  }

  // Without a conversation remembered here (another browser, cleared storage), continue the newest one.
  function lastConversation() {
    var saved = store && store.getItem(conversationKey());
    if (saved) return Promise.resolve(saved);
    return call("GET", "/conversations?limit=1&bot_id=" + encodeURIComponent(botId)).then(function (res) {
      if (!res.ok) return null;
      return res.json().then(function (b) { return b.conversations.length ? b.conversations[0].id : null; });
    });
  }

  function remember(id) {
    conversationId = id;
    if (store) { if (id) store.setItem(conversationKey(), id); else store.removeItem(conversationKey()); }
  }

  function loadHistory() {
    return lastConversation().then(function (id) {
      if (conversationId) return; // a message was sent meanwhile: keep its conversation
      remember(id);
      if (id) return loadMessages();
    });
  }

  function loadMessages() {
    return call("GET", "/conversations/" + encodeURIComponent(conversationId) + "/messages?limit=20").then(function (res) {
      if (res.status === 404) { remember(null); return; }
      if (!res.ok) return errorOf(res).then(showError);
      return res.json().then(function (b) {
        b.messages.forEach(function (m) {
          add(m.role === "user" ? "user" : "bot", m.content_type === "text" ? m.content : "[attachment]");
        });
      });
    });
  }

  function followUps(texts) {
    var row = document.createElement("div");
    row.className = "chips";
    texts.forEach(function (t) {
      var chip = document.createElement("button");
      chip.type = "button";
      chip.className = "chip";
      chip.textContent = t;
      chip.onclick = function () { row.remove(); send(t); };
      row.appendChild(chip);
    });
    log.appendChild(row);
    log.scrollTop = log.scrollHeight;
  }

  // Reads the proxy's SSE reply: event:<name>\ndata:<json>\n\n frames.
  function readEvents(res, onEvent) {
    var reader = res.body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    function pump() {
      return reader.read().then(function (step) {
        buffer += decoder.decode(step.value || new Uint8Array(), { stream: !step.done });
        var end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          var frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          var name = "", data = "";
          frame.split("\n").forEach(function (line) {
            if (line.indexOf("event:") === 0) name = line.slice(6).trim();
            else if (line.indexOf("data:") === 0) data += line.slice(5).trim();
          });
          if (name) onEvent(name, data ? JSON.parse(data) : null);
        }
        if (!step.done) return pump();
      });
    }
    return pump();
  }

  function send(text) {
    if (busy || !text.trim()) return;
    add("user", text);
    var answers = {};
    var current = add("bot", "\u2026");
    var suggestions = [];
    busy = new AbortController();
    sendButton.textContent = "Stop";
    var body = { bot_id: botId, message: text };
    if (conversationId) body.conversation_id = conversationId;
    fetch(base + "/chat", {
      method: "POST", headers: headers(true), credentials: "include",
      body: JSON.stringify(body), signal: busy.signal
    }).then(function (res) {
      if (!res.ok) return errorOf(res).then(function (b) { current.remove(); showError(b); });
      return readEvents(res, function (name, data) {
        if (name === "conversation.chat.created") {
          remember(data.conversation_id);
        } else if (name === "conversation.message.delta" && data.type === "answer") {
          var el = answers[data.id];
          if (!el) { el = answers[data.id] = current || add("bot", ""); current = null; el.textContent = ""; }
          el.textContent += data.content;
          log.scrollTop = log.scrollHeight;
        } else if (name === "conversation.message.completed" && data.type === "answer") {
          if (!answers[data.id]) { answers[data.id] = current || add("bot", ""); current = null; }
          answers[data.id].textContent = data.content;
        } else if (name === "conversation.message.completed" && data.type === "follow_up") {
          suggestions.push(data.content);
        } else if (name === "conversation.chat.failed") {
          showError(data.last_error || { msg: "the bot could not answer" });
        } else if (name === "error") {
          showError(data);
        }
      });
    }).catch(function (err) {
      if (err && err.name !== "AbortError") showError({ msg: "network error" });
    }).then(function () {
      if (current) current.remove();
      if (suggestions.length) followUps(suggestions);
      busy = null;
      sendButton.textContent = "Send";
    });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (busy) { busy.abort(); return; }
    var text = input.value;
    input.value = "";
    ensureUser().then(function (ok) { if (ok) send(text); });
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit ? form.requestSubmit() : sendButton.click(); }
  });
  function toggle(open) {
    panel.classList.toggle("open", open);
    if (open && !loaded) {
      loaded = true;
      ensureUser().then(function (ok) { if (ok) return loadHistory(); });
    }
    if (open) input.focus();
  }
  // "New chat": a fresh, empty conversation, which is then the newest one to come back to.
  root.querySelector(".new").addEventListener("click", function () {
    if (busy) busy.abort();
    ensureUser().then(function (ok) {
      if (!ok) return;
      return call("POST", "/conversations", { bot_id: botId }).then(function (res) {
        if (!res.ok) return errorOf(res).then(showError);
        return res.json().then(function (b) {
          log.textContent = "";
          remember(b.conversation_id);
          loaded = true;
          input.focus();
        });
      });
    });
  });
  root.querySelector(".bubble").addEventListener("click", function () {
    toggle(!panel.classList.contains("open"));
  });

  function mount() { document.body.appendChild(host); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
  window.CozekitWidget = {
    open: function () { toggle(true); },
    close: function () { toggle(false); },
    destroy: function () { if (busy) busy.abort(); host.remove(); }
  };
})();
