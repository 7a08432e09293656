/* widget part: core — where the server is, what this tab remembers, shared state */
var script = document.currentScript;
var BASE = (script && script.getAttribute("data-server")) ||
           (script && script.src ? new URL(script.src).origin : location.origin);
var API = BASE + "/api/v1";
var WS_URL = BASE.replace(/^http/, "ws") + "/api/v1/visitor/stream";
var WIDGET_CSS = BASE + WIDGET_CSS_PATH;   // versioned: widget.<hash>.css (widget_bundle.py)
var COOKIE = "chatdesk_vid";
var K = { token: "chatdesk.token", conv: "chatdesk.conversation", last: "chatdesk.lastEvent",
          draft: "chatdesk.draft", open: "chatdesk.open", vid: "chatdesk.visitor",
          outbox: "chatdesk.outbox", read: "chatdesk.read" };
// --- texts: every visitor-facing text comes from the server's catalogue (widget_texts.py) ----
// DEFAULT_TEXTS (English) is joined in by the server; the session answer brings the page's language.
var texts = DEFAULT_TEXTS, lang = "en";
(function restoreTexts() {    // later pages of the visit reuse the session's language
  try { var saved = JSON.parse(sget("chatdesk.texts") || "null"); if (saved && saved.texts) { texts = saved.texts; lang = saved.lang; } } catch (e) { /* ignore */ }
})();
var relabelers = [];          // functions re-applying fixed labels when the language arrives
function fill(s, vars) {
  return String(s).replace(/\{(\w+)\}/g, function (m, k) { return vars && vars[k] !== undefined ? String(vars[k]) : m; });
}
/* t("status.chatting", {operator: "Olga"}); tn("queue.ahead", 3) for a plural text */
function t(key, vars) { var s = texts[key] !== undefined ? texts[key] : DEFAULT_TEXTS[key]; return fill(s === undefined ? key : s, vars); }
function tn(key, n, vars) {
  var forms = texts[key] || DEFAULT_TEXTS[key] || {}, cat = "other";
  try { cat = new Intl.PluralRules(lang).select(n); } catch (e) { /* old browser: "other" */ }
  var v = { n: n }; for (var k in vars || {}) v[k] = vars[k];
  return fill(forms[cat] !== undefined ? forms[cat] : (forms.other !== undefined ? forms.other : key), v);
}
function useTexts(s) {
  if (!s || !s.texts) return;
  texts = s.texts; lang = s.lang || "en";
  sset("chatdesk.texts", JSON.stringify({ lang: lang, texts: texts }));
  relabelers.forEach(function (f) { f(); });
}

// Extension points: a part handles its own stream frames and reads the session answer by
// registering here, instead of editing stream.js or session.js.
var frameHandlers = {};      // frame type -> function (frame), after event-id bookkeeping
var sessionHandlers = [];    // functions (session answer), after every new session
var chatStartFields = [];    // functions () -> {name, email, department}: sent with a chat's first message
var frameWatchers = [];      // functions (frame) seeing every new event frame; the default handling still runs
var conversationHandlers = [];  // functions (id), when the widget learns its open chat (new or restored)
var chatEndHandlers = [];    // functions (id), when a chat ends, by either side
var startFields = [];        // functions (request body) adding fields to a new chat's first message
var sendGuards = [];         // functions () -> a sentence that holds the send ("" lets it go)
var startRoutes = [];        // functions (first message) -> {path, body} to start the chat elsewhere (an invite's reply), or nothing
var bootHandlers = [];       // functions (), once the session is up and the open chat loaded (again after a failed start)

// --- storage ------------------------------------------------------------------------------
function sget(k) { try { return sessionStorage.getItem(k); } catch (e) { return null; } }
function sset(k, v) { try { if (v === null || v === undefined) sessionStorage.removeItem(k); else sessionStorage.setItem(k, String(v)); } catch (e) { /* private mode */ } }
// localStorage: what every tab of this visitor shares (the last operator message read)
function lget(k) { try { return localStorage.getItem(k); } catch (e) { return null; } }
function lset(k, v) { try { if (v === null || v === undefined) localStorage.removeItem(k); else localStorage.setItem(k, String(v)); } catch (e) { /* private mode */ } }
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

