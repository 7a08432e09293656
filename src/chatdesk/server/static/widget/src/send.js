/* widget part: send — sending the visitor's messages, with retries */
function sendMessage(text) {
  var cid = newId();
  var node = render({ author_type: "visitor", body: text });
  node.classList.add("cd-pending"); state.pending[cid] = node; place(node);
  attempt(cid, text, node, 0);
}
function attempt(cid, text, node, tries) {
  var req = state.conv
    ? api("POST", "/visitor/conversations/" + state.conv + "/messages", { client_msg_id: cid, body: text })
    : api("POST", "/visitor/conversations", firstMessage(cid, text));
  req.then(function (r) {
    if (r.ok) {
      var j = r.json, conv = j.conversation, msg = j.message || (j.body !== undefined ? j : null);
      if (!state.conv) chatStarted((conv && conv.id) || j.conversation_id || (msg && msg.conversation_id) || (j.visitor_id && j.id));
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
    fail(node, r.json.message || t("error.send_failed"));
  }, function () {
    if (tries < 6) retryLater(cid, text, node, tries); else fail(node, t("error.send_offline"));
  });
}
function firstMessage(cid, text) {
  var body = { client_msg_id: cid, body: text };
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
function retryLater(cid, text, node, tries) {
  setTimeout(function () { attempt(cid, text, node, tries + 1); }, Math.min(8000, 500 * Math.pow(2, tries)));
}
function fail(node, why) { node.classList.remove("cd-pending"); node.classList.add("cd-failed"); node.title = why; setStatus(why); }
