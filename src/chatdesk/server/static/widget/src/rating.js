/* widget part: rating — at the end of an answered chat: a rating (five stars or thumbs, as the shop
   chose) with an optional comment, stored with the chat, and "e-mail me this transcript" */
var rating = el("div", "cd-flow cd-rating"); rating.hidden = true;
panel.insertBefore(rating, form);
function rateChoices() {
  if ((flows.rating || {}).scale === "thumbs") return [[5, "\ud83d\udc4d", t("rating.up")], [1, "\ud83d\udc4e", t("rating.down")]];
  return [1, 2, 3, 4, 5].map(function (n) { return [n, "\u2605", tn("rating.stars", n)]; });
}
function offerRating(id) {
  var chosen = 0;
  rating.textContent = "";
  var ask = el("p", "cd-rating-ask", t("rating.ask")); ask.id = "cd-rating-ask"; rating.appendChild(ask);
  var row = el("div", "cd-rating-choices"); row.setAttribute("role", "group"); row.setAttribute("aria-labelledby", "cd-rating-ask");
  var buttons = rateChoices().map(function (c) {
    var b = el("button", "cd-rate", c[1]); b.type = "button";
    b.setAttribute("aria-label", c[2]); b.setAttribute("aria-pressed", "false"); b.setAttribute("data-rating", String(c[0]));
    b.addEventListener("click", function () {
      chosen = c[0];
      buttons.forEach(function (o) {
        var n = Number(o.getAttribute("data-rating"));
        o.setAttribute("aria-pressed", String(n === chosen));
        o.classList.toggle("cd-on", (flows.rating || {}).scale === "thumbs" ? n === chosen : n <= chosen);
      });
      sendRating.disabled = false;
    });
    row.appendChild(b); return b;
  });
  rating.appendChild(row);
  var comment = el("textarea", "cd-rating-comment"); comment.maxLength = 2000;
  comment.placeholder = t("rating.comment"); comment.setAttribute("aria-label", t("rating.comment"));
  var sendRating = el("button", "cd-rating-send", t("rating.send")); sendRating.type = "button"; sendRating.disabled = true;
  var said = el("p", "cd-rating-said"); said.setAttribute("role", "status");
  rating.appendChild(comment); rating.appendChild(sendRating); rating.appendChild(said);
  sendRating.addEventListener("click", function () {
    sendRating.disabled = true;
    api("POST", "/visitor/conversations/" + id + "/rating", { rating: chosen, comment: comment.value.trim() }).then(function (r) {
      if (r.ok) { row.remove(); comment.remove(); sendRating.remove(); said.textContent = t("rating.thanks"); }
      else { sendRating.disabled = false; said.textContent = r.json.message || t("rating.failed"); }
    }, function () { sendRating.disabled = false; said.textContent = t("rating.failed"); });
  });
  rating.appendChild(transcriptControl(id));
  rating.hidden = false;
}
function transcriptControl(id) {
  var box = el("div", "cd-transcript");
  var email = el("input", "cd-pre-input cd-transcript-email"); email.type = "email"; email.maxLength = 254;
  email.setAttribute("aria-label", t("transcript.email")); email.placeholder = t("transcript.email");
  email.value = (preEmail && preEmail.input.value) || "";
  var ask = el("button", "cd-link cd-transcript-send", t("transcript.ask")); ask.type = "button";
  var said = el("p", "cd-transcript-said"); said.setAttribute("role", "status");
  box.appendChild(email); box.appendChild(ask); box.appendChild(said);
  ask.addEventListener("click", function () {
    var to = email.value.trim();
    if (!to) { email.focus(); said.textContent = t("request.need_email"); return; }
    ask.disabled = true;
    api("POST", "/visitor/conversations/" + id + "/transcript-mail", { email: to, lang: lang || undefined }).then(function (r) {
      ask.disabled = false;
      said.textContent = r.ok ? t("transcript.sent", { email: to }) : (r.json.message || t("transcript.failed"));
    }, function () { ask.disabled = false; said.textContent = t("transcript.failed"); });
  });
  return box;
}
/* Offered only for a chat an operator answered (a chat that was only queued cannot be rated). */
chatEndHandlers.push(function (id) {
  api("GET", "/visitor/conversations/" + id).then(function (r) {
    if (!r.ok) return;
    var c = r.json.conversation || {};
    var answered = !!c.operator_name || (r.json.messages || []).some(function (m) { return m.author_type === "operator"; });
    if (answered) offerRating(id);
  }, function () { /* offline: no rating this time */ });
});
conversationHandlers.push(function () { rating.hidden = true; rating.textContent = ""; });
// The stored settings apply at once on a later page; the server then says whether chat is still open.
flowHandlers.forEach(function (h) { h(flows); });
refreshAvailability();
