/* chatdesk visitor widget: a chat bubble for any page. Vanilla JS, no build step.
 *
 * Embed:  <script src="https://chat.example/widget/widget.js" defer></script>
 *         (optional data-server="https://chat.example" when the script is served elsewhere)
 *
 * Rules this file keeps: text from the server is only ever set with textContent (never innerHTML);
 * the visitor token travels in a header or the websocket auth frame, never in a URL; after a drop
 * the stream resumes from the last event_id and messages are deduplicated by id.
 */
(function () {
  "use strict";
  if (window.__chatdeskLoaded) return;
  window.__chatdeskLoaded = true;

  var script = document.currentScript;
  var BASE = (script && script.getAttribute("data-server")) ||
             (script && script.src ? new URL(script.src).origin : location.origin);
  var API = BASE + "/api/v1";
  var WS_URL = BASE.replace(/^http/, "ws") + "/api/v1/visitor/stream";
  var COOKIE = "chatdesk_vid";
  var K = { token: "chatdesk.token", conv: "chatdesk.conversation", last: "chatdesk.lastEvent",
            draft: "chatdesk.draft", open: "chatdesk.open", vid: "chatdesk.visitor" };
  var MSG_WAIT = "Thanks! We will answer as soon as someone is free.";

  // --- storage ------------------------------------------------------------------------------
  function sget(k) { try { return sessionStorage.getItem(k); } catch (e) { return null; } }
  function sset(k, v) { try { if (v === null || v === undefined) sessionStorage.removeItem(k); else sessionStorage.setItem(k, String(v)); } catch (e) { /* private mode */ } }
  function readCookie() {
    var m = document.cookie.match(/(?:^|;\s*)chatdesk_vid=([A-Za-z0-9_-]{1,64})(?:;|$)/);
    return m ? m[1] : null;
  }
  function writeCookie(id) {
    document.cookie = COOKIE + "=" + encodeURIComponent(id) + "; path=/; max-age=31536000; SameSite=Lax" +
      (location.protocol === "https:" ? "; Secure" : "");
  }
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  var state = {
    visitorId: readCookie(), token: sget(K.token), conv: parseInt(sget(K.conv) || "", 10) || null,
    lastEvent: parseInt(sget(K.last) || "0", 10) || 0, seen: {}, pending: {}, ws: null, ready: false,
    retries: 0, unread: 0, operatorTyping: null, typingSentAt: 0, typingIdle: null, typingTrail: null
  };
  if (state.token && sget(K.vid) !== state.visitorId) { state.token = null; state.conv = null; state.lastEvent = 0; }

  // --- DOM (built with createElement; text always through textContent) ------------------------
  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined) n.textContent = text;
    return n;
  }
  var css = el("link"); css.rel = "stylesheet"; css.href = BASE + "/widget/widget.css";
  var root = el("div"); root.id = "chatdesk";
  var panel = el("section", "cd-panel"); panel.hidden = true;
  panel.setAttribute("role", "dialog"); panel.setAttribute("aria-label", "Chat with us");
  var head = el("div", "cd-head"); head.appendChild(el("span", "cd-title", "Chat with us"));
  var closeBtn = el("button", "cd-close", "\u00d7"); closeBtn.type = "button"; closeBtn.setAttribute("aria-label", "Minimise chat");
  var endBtn = el("button", "cd-end", "End chat"); endBtn.type = "button"; endBtn.hidden = true;
  head.appendChild(endBtn); head.appendChild(closeBtn);
  var status = el("div", "cd-status"); status.setAttribute("aria-live", "polite");
  var log = el("div", "cd-log"); log.setAttribute("aria-live", "polite");
  var typingLine = el("div", "cd-typing");
  var form = el("form", "cd-form");
  var input = el("textarea", "cd-input"); input.placeholder = "Write a message\u2026"; input.maxLength = 8000;
  input.setAttribute("aria-label", "Your message");
  var send = el("button", "cd-send", "Send"); send.type = "submit";
  form.appendChild(input); form.appendChild(send);
  panel.appendChild(head); panel.appendChild(status); panel.appendChild(log); panel.appendChild(typingLine); panel.appendChild(form);
  var bubble = el("button", "cd-bubble", "Chat"); bubble.type = "button"; bubble.setAttribute("aria-label", "Open chat");
  var badge = el("span", "cd-badge"); badge.hidden = true;
  root.appendChild(panel); root.appendChild(bubble); root.appendChild(badge);

  function setStatus(text) { status.textContent = text || ""; }
  function setOpen(open) {
    panel.hidden = !open; sset(K.open, open ? "1" : null);
    if (open) { state.unread = 0; badge.hidden = true; input.focus(); log.scrollTop = log.scrollHeight; }
  }
  function bumpUnread() {
    if (!panel.hidden) return;
    state.unread += 1; badge.textContent = String(state.unread); badge.hidden = false;
  }

  /* One transcript line. `m` is a Message from the server (or a local pending one). */
  function render(m) {
    var who = m.author_type === "visitor" ? "visitor" : (m.author_type === "operator" ? "operator" : "system");
    var node = el("div", "cd-msg cd-" + who);
    if (who === "operator" && m.author_name) node.appendChild(el("span", "cd-author", m.author_name));
    node.appendChild(document.createTextNode(m.body || ""));
    if (m.id !== undefined) node.setAttribute("data-id", String(m.id));
    node.setAttribute("data-seq", String(m.seq || Number.MAX_SAFE_INTEGER));
    return node;
  }
  function place(node) {
    var seq = Number(node.getAttribute("data-seq"));
    var after = log.lastElementChild;
    while (after && Number(after.getAttribute("data-seq")) > seq) after = after.previousElementSibling;
    var stick = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    log.insertBefore(node, after ? after.nextSibling : log.firstChild);
    if (stick) log.scrollTop = log.scrollHeight;
  }
  function showMessage(m) {
    if (m.kind && m.kind !== "text" && m.kind !== "system") return;     // never notes or whispers
    if (m.id !== undefined && state.seen[m.id]) return;                  // duplicate (replay, REST + stream)
    if (m.id !== undefined) state.seen[m.id] = true;
    var mine = m.client_msg_id && state.pending[m.client_msg_id];
    if (mine) { delete state.pending[m.client_msg_id]; mine.remove(); }
    place(render(m));
    if (m.author_type === "operator") { bumpUnread(); showOperatorTyping(false); }
  }
  function systemLine(text) { place(render({ author_type: "system", body: text })); }

  // --- REST ---------------------------------------------------------------------------------
  function api(method, path, body) {
    var headers = { "Content-Type": "application/json" };
    if (state.token) headers.Authorization = "Bearer " + state.token;
    return fetch(API + path, { method: method, headers: headers, credentials: "omit",
                               body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (r) {
        return r.text().then(function (t) {
          var j = null; try { j = t ? JSON.parse(t) : null; } catch (e) { j = null; }
          return { ok: r.ok, status: r.status, json: j || {} };
        });
      });
  }
  function page() { return { url: location.href.slice(0, 2048), title: document.title.slice(0, 300),
                             referrer: document.referrer.slice(0, 2048) }; }

  function startSession() {
    var p = page();
    if (state.token) {
      return api("POST", "/visitor/pageviews", p).then(function (r) {
        if (r.ok) return null;
        state.token = null; return startSession();
      });
    }
    p.visitor_id = state.visitorId;
    return api("POST", "/visitor/sessions", p).then(function (r) {
      if (!r.ok) throw new Error(r.json.message || "The chat is not available right now.");
      var s = r.json;
      state.visitorId = s.visitor_id; state.token = s.visitor_token;
      writeCookie(s.visitor_id); sset(K.vid, s.visitor_id); sset(K.token, s.visitor_token);
      if (s.conversation_id) setConversation(s.conversation_id);
      return s;
    });
  }
  function availability(s) {
    if (!s || state.conv) return;
    if (s.operators_online === 0 || s.online === false) setStatus("Nobody is online right now. Leave a message and we will answer as soon as someone is back.");
    else if (s.operators_available === false || s.available === false) setStatus("Everyone is busy at the moment. " + MSG_WAIT.slice(8));
  }
  function setConversation(id) {
    if (id !== state.conv) { state.conv = id; sset(K.conv, id); }
    endBtn.hidden = !id;
  }
  function loadTranscript() {
    if (!state.conv) return Promise.resolve();
    return api("GET", "/visitor/conversations/" + state.conv).then(function (r) {
      if (!r.ok) { forgetConversation(); return; }
      var c = r.json.conversation || {};
      if (c.state === "closed" || c.state === "missed") { forgetConversation(); return; }
      (r.json.messages || []).forEach(showMessage);
      if (c.state === "queued") setStatus(MSG_WAIT);
      else if (c.operator_name) setStatus("You are chatting with " + c.operator_name + ".");
    });
  }
  function forgetConversation() { state.conv = null; sset(K.conv, null); endBtn.hidden = true; }
  function endChat() {
    var id = state.conv;
    if (!id) return;
    forgetConversation();     // first, so the stream's closed event for it is not announced twice
    systemLine("You ended the chat. Write again any time to start a new one.");
    setStatus(""); showOperatorTyping(false);
    api("POST", "/visitor/conversations/" + id + "/close", {}).then(function (r) {
      if (!r.ok && r.status !== 409) setStatus(r.json.message || "The chat could not be ended.");
    }, function () { setStatus("No connection: the chat could not be ended."); });
  }

  function sendMessage(text) {
    var cid = newId();
    var node = render({ author_type: "visitor", body: text });
    node.classList.add("cd-pending"); state.pending[cid] = node; place(node);
    attempt(cid, text, node, 0);
  }
  function attempt(cid, text, node, tries) {
    var req = state.conv
      ? api("POST", "/visitor/conversations/" + state.conv + "/messages", { client_msg_id: cid, body: text })
      : api("POST", "/visitor/conversations", { client_msg_id: cid, body: text });
    req.then(function (r) {
      if (r.ok) {
        var j = r.json, conv = j.conversation, msg = j.message || (j.body !== undefined ? j : null);
        if (!state.conv) {
          setConversation((conv && conv.id) || j.conversation_id || (msg && msg.conversation_id) || (j.visitor_id && j.id));
          setStatus(MSG_WAIT);
        }
        node.classList.remove("cd-pending");
        if (msg && msg.id !== undefined && !state.seen[msg.id]) {
          delete state.pending[cid]; node.remove(); showMessage(msg);
        }
        return;
      }
      if ((r.status === 409 || r.status === 404) && state.conv && tries < 1) {
        forgetConversation(); return attempt(cid, text, node, tries + 1);   // the chat ended: open a new one
      }
      if (r.status === 401 && tries < 2) {
        state.token = null; sset(K.token, null);
        return startSession().then(function () { reconnect(); attempt(cid, text, node, tries + 1); });
      }
      if (r.status >= 500 && tries < 5) return retryLater(cid, text, node, tries);
      fail(node, r.json.message || "This message could not be sent.");
    }, function () {
      if (tries < 6) retryLater(cid, text, node, tries); else fail(node, "No connection: this message was not sent.");
    });
  }
  function retryLater(cid, text, node, tries) {
    setTimeout(function () { attempt(cid, text, node, tries + 1); }, Math.min(8000, 500 * Math.pow(2, tries)));
  }
  function fail(node, why) { node.classList.remove("cd-pending"); node.classList.add("cd-failed"); node.title = why; setStatus(why); }

  // --- stream -------------------------------------------------------------------------------
  function connect() {
    if (!state.token || state.ws) return;
    var ws = new WebSocket(WS_URL);
    state.ws = ws; state.ready = false;
    ws.onopen = function () { ws.send(JSON.stringify({ type: "auth", visitor_token: state.token })); };
    ws.onmessage = function (ev) {
      var f; try { f = JSON.parse(ev.data); } catch (e) { return; }
      onFrame(ws, f);
    };
    ws.onclose = function (ev) {
      if (state.ws !== ws) return;
      state.ws = null; state.ready = false;
      if (ev.code === 4401) { state.token = null; sset(K.token, null); }
      if (state.conv && state.retries > 1) setStatus("Connection lost, reconnecting\u2026");
      // Gentle linear backoff with jitter: quick after a blip, at most ~10 s, and a restarted server
      // is not hit by every open page at the same instant.
      var delay = Math.min(10000, 500 * (1 + state.retries++)) * (0.75 + Math.random() / 2);
      setTimeout(function () { (state.token ? Promise.resolve() : startSession()).then(connect, connect); }, delay);
    };
  }
  function reconnect() { if (state.ws) state.ws.close(); else connect(); }

  function onFrame(ws, f) {
    switch (f.type) {
      case "ready": ws.send(JSON.stringify({ type: "resume", after: state.lastEvent })); return;
      case "resumed":
        state.ready = true; state.retries = 0; remember(f.event_id);
        if (status.textContent.indexOf("reconnecting") >= 0) setStatus("");
        return;
      case "reset": remember(f.event_id); loadTranscript(); return;   // REST fills the gap; ids dedupe
      case "ping": ws.send(JSON.stringify({ type: "pong" })); return;
      case "typing": if (f.actor === "operator") showOperatorTyping(f.is_typing); return;
      case "error": return;   // the server closes next; onclose decides what to do
    }
    if (typeof f.event_id === "number") {
      if (f.event_id <= state.lastEvent) return;     // replayed again: already applied
      remember(f.event_id);
    }
    var d = f.data || {}, conv = d.conversation || {};
    if (f.conversation_id && state.conv && f.conversation_id !== state.conv) return;
    if (f.type === "message.created") {
      if (!state.conv && d.client_msg_id && state.pending[d.client_msg_id]) setConversation(d.conversation_id);
      if (!state.conv) return;
      showMessage(d);
    } else if (f.type === "conversation.assigned") {
      setStatus("You are chatting with " + (conv.operator_name || "us") + ".");
    } else if (f.type === "conversation.transferred") {
      setStatus("Passing you to a colleague\u2026");
    } else if (f.type === "conversation.requeued" || f.type === "conversation.queued") {
      if (state.conv) setStatus(MSG_WAIT);
    } else if (f.type === "conversation.closed" || f.type === "conversation.missed") {
      if (state.conv && (!f.conversation_id || f.conversation_id === state.conv)) {
        systemLine("This chat has ended. Write again any time to start a new one.");
        setStatus(""); forgetConversation(); showOperatorTyping(false);
      }
    }
  }
  function remember(id) {
    if (typeof id === "number" && id > state.lastEvent) { state.lastEvent = id; sset(K.last, id); }
  }
  function showOperatorTyping(on) {
    clearTimeout(state.operatorTyping);
    typingLine.textContent = on ? "Typing\u2026" : "";
    if (on) state.operatorTyping = setTimeout(function () { typingLine.textContent = ""; }, 8000);
  }

  // --- typing and draft ---------------------------------------------------------------------
  function sendTyping(on) {
    var ws = state.ws;
    if (!ws || !state.ready || ws.readyState !== 1) return;
    ws.send(JSON.stringify({ type: "typing", is_typing: on, text: on ? input.value.slice(0, 8000) : "" }));
    state.typingSentAt = Date.now();
  }
  input.addEventListener("input", function () {
    sset(K.draft, input.value || null);
    clearTimeout(state.typingIdle); clearTimeout(state.typingTrail);
    var wait = 400 - (Date.now() - state.typingSentAt);        // at most ~2 frames a second
    if (wait <= 0) sendTyping(!!input.value); else state.typingTrail = setTimeout(function () { sendTyping(!!input.value); }, wait);
    state.typingIdle = setTimeout(function () { sendTyping(false); }, 5000);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); submit(); });
  function submit() {
    var text = input.value.trim();
    if (!text) return;
    input.value = ""; sset(K.draft, null);
    clearTimeout(state.typingIdle); clearTimeout(state.typingTrail); sendTyping(false);
    sendMessage(text);
  }
  bubble.addEventListener("click", function () { setOpen(panel.hidden); });
  closeBtn.addEventListener("click", function () { setOpen(false); bubble.focus(); });
  endBtn.addEventListener("click", endChat);
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") { setOpen(false); bubble.focus(); } });
  window.addEventListener("online", function () { if (!state.ws) connect(); });

  // --- start --------------------------------------------------------------------------------
  function start() {
    document.head.appendChild(css);
    document.body.appendChild(root);
    input.value = sget(K.draft) || "";
    endBtn.hidden = !state.conv;
    if (sget(K.open)) setOpen(true);
    boot(0);
  }
  function boot(tries) {
    startSession()
      .then(function (s) { availability(s); return loadTranscript(); })
      .then(function () { if (tries) setStatus(""); connect(); })
      .catch(function () {
        setStatus("The chat is not available right now. We keep trying\u2026");
        setTimeout(function () { boot(tries + 1); }, Math.min(30000, 2000 * Math.pow(2, tries)));
      });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
