/* widget part: pageapi — the shop's page API (docs/protocol.md): chatdesk('cart', {value, currency,
   items}), chatdesk('order', {id, value, currency}), chatdesk('identify', {name, email}). Calls
   made before the widget loaded wait in window.chatdesk.q (the snippet) and are replayed. Each
   call goes over REST (POST /visitor/events; no websocket), waits in sessionStorage until the
   server took it (so a page left at once sends it from the next one) and never throws into the
   shop's page: a call the server refuses is dropped with its reason on the console. */
var EVENTS_KEY = "chatdesk.events", MAX_WAITING = 50;
var PAGE_FIELDS = { cart: ["value", "currency", "items"], order: ["id", "value", "currency"], identify: ["name", "email"] };
var pageEvents = (function () {
  try { var saved = JSON.parse(sget(EVENTS_KEY) || "[]"); return Array.isArray(saved) ? saved : []; } catch (e) { return []; }
})();
var eventSending = false, eventTimer = null, eventTries = 0;
function warn(why) { try { console.warn("chatdesk: " + why); } catch (e) { /* no console */ } }
function pageCall(kind, data) {
  try {
    var fields = PAGE_FIELDS[kind];
    if (!fields) { warn("unknown call '" + kind + "' (cart, order or identify)"); return; }
    var event = { type: kind };
    fields.forEach(function (f) {
      var v = data ? data[f] : undefined;
      if (v === undefined || v === null) return;
      event[f] = f === "value" || f === "items" ? Number(v) : String(v);
    });
    // The newest cart is the cart: an older one still waiting is dropped.
    if (kind === "cart") pageEvents = pageEvents.filter(function (e) { return e.type !== "cart"; });
    if (pageEvents.length >= MAX_WAITING) pageEvents.shift();
    pageEvents.push(event); saveEvents(); sendEvents();
  } catch (e) { warn(e); }
}
function saveEvents() { sset(EVENTS_KEY, pageEvents.length ? JSON.stringify(pageEvents) : null); }
function sendEvents() {     // once the session is up (boot), so a stale token never races it
  if (eventSending || !pageEvents.length || !state.token || !booted) return;
  clearTimeout(eventTimer); eventSending = true;
  var event = pageEvents[0];
  // keepalive: a thank-you page the visitor leaves at once still delivers its order
  fetch(API + "/visitor/events", { method: "POST", keepalive: true, credentials: "omit", body: JSON.stringify(event),
                                   headers: { "Content-Type": "application/json", Authorization: "Bearer " + state.token } })
    .then(function (r) {
      eventSending = false;
      if (r.status === 401) { renewSession().then(sendEvents, eventLater); return; }
      if (r.status === 429 || r.status >= 500) return eventLater();
      if (!r.ok) r.json().then(function (j) { warn(j.message || r.status); }, function () { warn(r.status); });
      pageEvents = pageEvents.filter(function (e) { return e !== event; }); saveEvents();
      eventTries = 0; sendEvents();
    }, function () { eventSending = false; eventLater(); });
}
/* No answer: keep it and try again, a little later each time (at most every 30 s). */
function eventLater() {
  clearTimeout(eventTimer);
  eventTimer = setTimeout(sendEvents, Math.min(30000, 1000 * Math.pow(2, eventTries++)));
}
bootHandlers.push(sendEvents);
window.addEventListener("online", sendEvents);
(function takeOverQueue() {
  var before = window.chatdesk, waiting = before && before.q ? Array.prototype.slice.call(before.q) : [];
  if (before !== undefined && typeof before !== "function") return;      // the page's own chatdesk: leave it
  window.chatdesk = function (kind, data) { pageCall(kind, data); };
  waiting.forEach(function (args) { pageCall(args[0], args[1]); });
})();
