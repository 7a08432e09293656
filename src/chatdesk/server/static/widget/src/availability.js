/* widget part: availability — whether chat is offered, kept current without a reload. While the
   panel is open with no chat, the widget asks GET /visitor/availability again every `recheck_s`
   seconds (the server's answer says how soon: closed by the hours, not before they open), when
   the panel opens, when the tab becomes visible again and when the browser is back online. A
   change flips the offline form and the composer (offline.js, showAvailability): an operator
   coming online brings the composer back; everyone going offline brings the form for a new chat,
   never over an open one. No timer runs while the panel is closed, hidden or a chat is open.
   Any other REST answer carrying an `availability` field (a heartbeat, when the server adds it
   there) is taken as the newest word too, and puts the next own check off. */
var availabilityTimer = null, availabilityAsking = false;
function availabilityWanted() {
  return !!state.token && !state.conv && !panel.hidden && document.visibilityState !== "hidden";
}
function useAvailability(a) {
  if (!a || typeof a !== "object") return;
  var changed = JSON.stringify(a) !== JSON.stringify(flows.availability);
  if (changed && !state.conv) carryDraft(a.accepting !== false);
  flows.availability = a;
  if (changed) flowsChanged();
  planAvailability();
}
/* What the visitor had typed goes with them: into the offline form's message when chat closes,
   back into the composer when it opens again. */
function carryDraft(accepting) {
  var from = accepting ? reqMessage.input : input, to = accepting ? input : reqMessage.input;
  if (from.value.trim() && !to.value.trim()) { to.value = from.value; from.value = ""; }
}
function planAvailability() {
  clearTimeout(availabilityTimer); availabilityTimer = null;
  if (!availabilityWanted()) return;
  var a = flows.availability, every = a && a.recheck_s > 0 ? a.recheck_s : 30;
  availabilityTimer = setTimeout(askAvailability, every * 1000);
}
function askAvailability() {
  clearTimeout(availabilityTimer); availabilityTimer = null;
  if (!availabilityWanted() || availabilityAsking) return;
  availabilityAsking = true;
  var dept = preDept && preDept.input.value ? "?department=" + encodeURIComponent(preDept.input.value) : "";
  api("GET", "/visitor/availability" + dept).then(function (r) {
    availabilityAsking = false;
    if (r.ok) useAvailability(r.json); else planAvailability();
  }, function () { availabilityAsking = false; planAvailability(); });   // offline: keep what we know
}
// The panel opening or closing (setOpen sets `hidden`), watched here so panel.js stays as it is.
if (window.MutationObserver) {
  new MutationObserver(function () { if (panel.hidden) planAvailability(); else askAvailability(); })
    .observe(panel, { attributes: true, attributeFilter: ["hidden"] });
}
document.addEventListener("visibilitychange", function () {
  if (document.visibilityState === "visible") askAvailability(); else planAvailability();
});
window.addEventListener("online", askAvailability);
conversationHandlers.push(function () { planAvailability(); });   // a chat is open: no more asking
// A chat ended: what is offered for the next one is decided again (after forgetConversation).
chatEndHandlers.push(function () { setTimeout(function () { flowsChanged(); askAvailability(); }, 0); });
sessionHandlers.push(function () { setTimeout(planAvailability, 0); });
// Every REST answer passes here first (the session answer has its own handler in flows.js).
var apiBeforeAvailability = api;
api = function (method, path, body) {
  return apiBeforeAvailability(method, path, body).then(function (r) {
    if (r.ok && r.json && r.json.availability && path !== "/visitor/sessions") useAvailability(r.json.availability);
    return r;
  });
};
