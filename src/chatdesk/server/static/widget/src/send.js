/* widget part: send — the visitor's messages go through an outbox kept in sessionStorage: written
   while offline they wait (shown "sending…", with a retry) and go once, in order, when the server
   answers again, also after a page change; client_msg_id makes a repeated send harmless. */
var outbox = (function () {
  try { var saved = JSON.parse(sget(K.outbox) || "[]"); return Array.isArray(saved) ? saved : []; } catch (e) { return []; }
})();
var sending = null, retryTimer = null, sendTries = 0;
function saveOutbox() { sset(K.outbox, outbox.length ? JSON.stringify(outbox) : null); }

function sendMessage(text) {
  var item = { cid: newId(), text: text };
  outbox.push(item); saveOutbox(); showPending(item); drain();
}
function showPending(item) {
  var node = render({ author_type: "visitor", body: item.text });
  node.classList.add("cd-pending");
  var note = el("span", "cd-note", t("send.sending"));
  node.appendChild(note);
  state.pending[item.cid] = node; place(node);
}
/* Shows the messages an earlier page left in the outbox (at start, before the session is back). */
function showOutbox() { outbox.forEach(function (item) { if (!state.pending[item.cid]) showPending(item); }); }

/* The message with this client_msg_id is on the server: out of the outbox, its pending line gone. */
function delivered(cid) {
  var node = state.pending[cid];
  if (node) { delete state.pending[cid]; node.remove(); }
  var before = outbox.length;
  outbox = outbox.filter(function (i) { return i.cid !== cid; });
  if (outbox.length !== before) saveOutbox();
}

function drain() {
  if (sending || !outbox.length || !state.token) return;
  clearTimeout(retryTimer);
  var item = sending = outbox[0];
  var body = state.conv ? { client_msg_id: item.cid, body: item.text } : firstMessage(item.cid, item.text);
  var route = state.conv ? null : startRoutes.map(function (f) { return f(body); }).filter(Boolean)[0];
  var req = state.conv ? api("POST", "/visitor/conversations/" + state.conv + "/messages", body)
                       : api("POST", route ? route.path : "/visitor/conversations", route ? route.body : body);
  req.then(function (r) { sending = null; answered(item, r, route); },
           function () { sending = null; notYet(item); });
}
function answered(item, r, route) {
  if (r.ok) {
    var j = r.json, conv = j.conversation, msg = j.message || (j.body !== undefined ? j : null);
    if (!state.conv) {
      chatStarted((conv && conv.id) || (msg && msg.conversation_id));
    }
    sendTries = 0;
    if (msg && msg.id !== undefined && !state.seen[msg.id]) showMessage(msg); else delivered(item.cid);
    return drain();
  }
  if ((r.status === 409 || r.status === 404) && (state.conv || route)) {
    if (route) route.refused(); else forgetConversation();   // the chat (or the invite) ended meanwhile:
    return drain();                                          // this opens a new one
  }
  if (r.status === 401) {
    state.token = null; sset(K.token, null);
    return startSession().then(function () { reconnect(); drain(); }, function () { notYet(item); });
  }
  if (r.status === 429 || r.status >= 500 || r.status === 0) return notYet(item);
  // Refused for good (the server says why): out of the outbox, the reason shown, a retry offered.
  outbox = outbox.filter(function (i) { return i !== item; }); saveOutbox();
  mark(item, "cd-failed", r.json.message || t("error.send_failed"));
  drain();
}
/* No answer (offline, server down, busy): keep it, say so, try again; there is no last attempt. */
function notYet(item) {
  mark(item, "cd-waiting", t("send.offline"));
  clearTimeout(retryTimer);
  retryTimer = setTimeout(drain, Math.min(10000, 500 * Math.pow(2, sendTries++)));
}
function mark(item, cls, why) {
  var node = state.pending[item.cid];
  if (!node) return;
  node.classList.remove("cd-waiting", "cd-failed"); node.classList.add(cls);
  var note = node.querySelector(".cd-note"); note.textContent = why + " ";
  var again = button("cd-retry", t("send.retry"));
  again.addEventListener("click", function () {
    if (outbox.indexOf(item) < 0) { outbox.push(item); saveOutbox(); }
    node.classList.remove("cd-failed", "cd-waiting"); note.textContent = t("send.sending");
    sendTries = 0; drain();
  });
  note.appendChild(again);
}
/* A new chat's first message carries what the parts add: the pre-chat form's fields. */
function firstMessage(cid, text) {
  var body = { client_msg_id: cid, body: text };
  chatStartFields.forEach(function (f) { var x = f() || {}; for (var k in x) body[k] = x[k]; });
  startFields.forEach(function (f) { f(body); });
  return body;
}
/* The chat is known from whichever comes first, the REST answer or the stream's message.created:
   the "thanks, we will answer" line is set there, so it never depends on who wins that race. */
function chatStarted(id) {
  if (!id || state.conv) return;
  setConversation(id);
  setStatus(t("status.waiting"));
}
