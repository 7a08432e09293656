/* widget part: stream — the websocket: resume after the last event, frames, typing */
// --- stream -------------------------------------------------------------------------------
// At most one websocket per tab, and none until needed: the panel is open, a chat is open or a
// message waits to go. Page views go over REST.
function wantStream() { return !!(state.conv || !panel.hidden || outbox.length); }
function needStream() { if (wantStream()) connect(); }
function connect() {
  if (!state.token || state.ws || !wantStream()) return;
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
    if (state.conv && state.retries > 1) setStatus(t("status.reconnecting"));
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
      if (status.textContent === t("status.reconnecting")) setStatus("");
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
  frameWatchers.forEach(function (w) { w(f); });
  if (frameHandlers[f.type]) { frameHandlers[f.type](f); return; }
  var d = f.data || {}, conv = d.conversation || {};
  if (f.type === "message.created" && !state.conv && d.client_msg_id && state.pending[d.client_msg_id]) {
    chatStarted(d.conversation_id);          // our first message: its chat is the open one now
  }
  // Only the open chat's events speak: an old chat's "assigned" must not say who we chat with.
  if (!state.conv || (f.conversation_id && f.conversation_id !== state.conv)) return;
  if (f.type === "message.created") {
    showMessage(d);
  } else if (f.type === "conversation.assigned") {
    setStatus(conv.operator_name ? t("status.chatting", { operator: conv.operator_name }) : t("status.chatting_us"));
  } else if (f.type === "conversation.transferred") {
    setStatus(t("status.transferred"));
  } else if (f.type === "conversation.requeued" || f.type === "conversation.queued") {
    if (state.conv) setStatus(t("status.waiting"));
  } else if (f.type === "conversation.closed" || f.type === "conversation.missed") {
    if (state.conv && (!f.conversation_id || f.conversation_id === state.conv)) {
      var ended = state.conv;
      systemLine(t("chat.ended"));
      setStatus(""); forgetConversation(); showOperatorTyping(false);
      chatEndHandlers.forEach(function (h) { h(ended); });
    }
  }
}
function remember(id) {
  if (typeof id === "number" && id > state.lastEvent) { state.lastEvent = id; sset(K.last, id); }
}
function showOperatorTyping(on) {
  clearTimeout(state.operatorTyping);
  typingLine.textContent = on ? t("status.typing") : "";
  if (on) state.operatorTyping = setTimeout(function () { typingLine.textContent = ""; }, 8000);
}
