/* widget part: queue — while the chat waits: the place in the queue and a wait range from the
   server's estimate (the `queue` frame and GET .../queue), the busy message when every operator
   is at their cap, and past the shop's length or wait an offer to leave a message or a callback */
var queueLine = el("div", "cd-flow cd-queue"); queueLine.hidden = true;
queueLine.setAttribute("aria-live", "polite");
panel.insertBefore(queueLine, log);
var standing = null;          // the newest standing, kept to re-render when the language arrives
function minutes(seconds) { return Math.max(1, Math.round(seconds / 60)); }
function showStanding(q) {
  standing = q; queueLine.textContent = "";
  if (!q || typeof q.position !== "number" || q.conversation_id !== state.conv) { queueLine.hidden = true; return; }
  var place = q.position === 1 ? t("queue.next") : t("queue.place", { ahead: tn("queue.ahead", q.ahead) });
  var lo = minutes(q.estimate_min_s), hi = minutes(q.estimate_max_s);
  var wait = lo === hi ? t("queue.wait_about", { min: lo }) : t("queue.wait_range", { min: lo, max: hi });
  queueLine.appendChild(el("p", "cd-queue-place", place + " " + wait));
  if (q.busy) queueLine.appendChild(el("p", "cd-queue-busy", t("queue.busy")));
  if (q.offer_message) {
    queueLine.appendChild(el("p", "cd-queue-offer", t("queue.offer")));
    var row = el("div", "cd-queue-actions");
    [["offline", "queue.leave_message"], ["callback", "queue.call_me"]].forEach(function (choice) {
      var b = el("button", "cd-link cd-offer-" + choice[0], t(choice[1])); b.type = "button";
      b.addEventListener("click", function () { openRequest(choice[0]); });
      row.appendChild(b);
    });
    queueLine.appendChild(row);
  }
  queueLine.hidden = false;
}
function hideStanding() { standing = null; queueLine.textContent = ""; queueLine.hidden = true; }
frameHandlers.queue = function (f) { if (!state.conv || f.conversation_id === state.conv) showStanding(f); };
frameWatchers.push(function (f) {
  if (/^conversation\.(assigned|closed|missed)$/.test(f.type) && f.conversation_id === state.conv) hideStanding();
});
conversationHandlers.push(function (id) {
  if (standing && standing.conversation_id === id) showStanding(standing);
  api("GET", "/visitor/conversations/" + id + "/queue").then(function (r) {
    if (r.ok && state.conv === id && !(standing && standing.conversation_id === id)) {
      r.json.conversation_id = id; showStanding(r.json);
    }
  }, function () { /* the stream's frame will tell */ });
});
chatEndHandlers.push(hideStanding);
relabelers.push(function () { if (standing) showStanding(standing); });
