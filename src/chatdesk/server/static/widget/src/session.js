/* widget part: session — REST calls, the visitor session and the open chat */
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
  p.visitor_id = state.visitorId; p.lang = (document.documentElement.lang || "").slice(0, 35);
  return api("POST", "/visitor/sessions", p).then(function (r) {
    if (!r.ok) throw new Error(r.json.message || t("status.unavailable"));
    var s = r.json;
    state.visitorId = s.visitor_id; state.token = s.visitor_token;
    writeCookie(s.visitor_id); sset(K.vid, s.visitor_id); sset(K.token, s.visitor_token);
    // A new tab resumes after the session's newest event (never from 0: old chats' status lines
    // would replay); the open chat, if any, comes back over REST (loadTranscript).
    remember(s.last_event_id);
    if (s.conversation_id) setConversation(s.conversation_id); else forgetConversation();
    useTexts(s); useBranding(s.branding);
    sessionHandlers.forEach(function (h) { h(s); });
    return s;
  });
}
function availability(s) {
  if (!s || state.conv) return;
  if (s.operators_online === 0 || s.online === false) setStatus(t("status.nobody"));
  else if (s.operators_available === false || s.available === false) setStatus(t("status.busy"));
}
function setConversation(id) {
  if (id !== state.conv) {
    state.conv = id; sset(K.conv, id);
    if (id) conversationHandlers.forEach(function (h) { h(id); });
  }
  endBtn.hidden = !id;
  if (id) needStream();
}
function loadTranscript() {
  if (!state.conv) return Promise.resolve();
  return api("GET", "/visitor/conversations/" + state.conv).then(function (r) {
    if (!r.ok) { forgetConversation(); return; }
    var c = r.json.conversation || {};
    if (c.state === "closed" || c.state === "missed") { forgetConversation(); return; }
    (r.json.messages || []).forEach(showMessage);
    if (c.state === "queued") setStatus(t("status.waiting"));
    else if (c.operator_name) setStatus(t("status.chatting", { operator: c.operator_name }));
  });
}
function forgetConversation() { state.conv = null; sset(K.conv, null); endBtn.hidden = true; askEnd(false); }
/* "End chat" asks first, in the panel: the question with "yes" and "no" (no: the default focus). */
function askEnd(ask) {
  confirmBox.hidden = !ask;
  if (ask) confirmNo.focus();
}
function endChat() {
  var id = state.conv;
  if (!id) return;
  forgetConversation();     // first, so the stream's closed event for it is not announced twice
  chatEndHandlers.forEach(function (h) { h(id); });
  systemLine(t("chat.you_ended"));
  setStatus(""); showOperatorTyping(false);
  api("POST", "/visitor/conversations/" + id + "/close", {}).then(function (r) {
    if (!r.ok && r.status !== 409) setStatus(r.json.message || t("error.end_failed"));
  }, function () { setStatus(t("error.end_offline")); });
}
