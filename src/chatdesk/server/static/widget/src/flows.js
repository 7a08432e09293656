/* widget part: flows — the shop's visitor-flow settings (pre-chat, rating, availability, who
   answers a returning visitor) from the session answer, kept for the tab's later pages */
var FLOWS_KEY = "chatdesk.flows";
var flows = { prechat: { name: "hidden", email: "hidden", departments: [], consent: null },
              rating: { scale: "five" }, availability: null, returning: false, name: "", last_operator: "" };
var flowHandlers = [];       // functions (flows), when the settings arrive, are restored or change
(function restoreFlows() {
  try { var saved = JSON.parse(sget(FLOWS_KEY) || "null"); if (saved && saved.prechat) flows = saved; } catch (e) { /* ignore */ }
})();
function flowsChanged() {
  sset(FLOWS_KEY, JSON.stringify(flows));
  flowHandlers.forEach(function (h) { h(flows); });
}
sessionHandlers.push(function (s) {
  flows = { prechat: s.prechat || flows.prechat, rating: s.rating || flows.rating,
            availability: s.availability || null, returning: !!s.returning, name: s.name || "",
            last_operator: s.last_operator || "" };
  // A new tab starts the stream at the newest event: it never replays old chats' status lines
  // (the open chat, if any, comes back over REST).
  if (!state.lastEvent && s.last_event_id) remember(s.last_event_id);
  flowsChanged();
});
/* A later page of the visit reuses the stored settings at once and asks whether chat is still open. */
function refreshAvailability() {
  if (!state.token) return;
  api("GET", "/visitor/availability").then(function (r) {
    if (r.ok) { flows.availability = r.json; flowsChanged(); }
  }, function () { /* offline: keep what we know */ });
}
