/* widget part: invite — an opener (a rule's, or an operator's typed by hand) from the heartbeat
   answer or the stream's `invite` frame, shown as a small message by the bubble (textContent
   only). The server decides; this part only shows. Reply opens the panel with the opener as its
   first line: the visitor's first message answers it (POST /visitor/invites/{id}/reply), so the
   chat starts with the opener, assigned to the operator who invited. Dismiss tells the server,
   which invites no more in this visit. */
var invite = null, inviteLine = null, replying = null, DISMISSED_KEY = "chatdesk.dismissed";
var inviteBox = el("section", "cd-invite"); inviteBox.hidden = true;
var inviteFrom = el("p", "cd-invite-from"), inviteText = el("p", "cd-invite-text");
inviteText.setAttribute("role", "status");
var inviteReply = button("cd-invite-reply"), inviteClose = button("cd-invite-dismiss", "\u00d7");
[inviteClose, inviteFrom, inviteText, inviteReply].forEach(function (n) { inviteBox.appendChild(n); });
root.insertBefore(inviteBox, bubble);
function labelInvite() {
  inviteBox.setAttribute("aria-label", t("invite.label"));
  inviteReply.textContent = t("invite.reply"); inviteClose.setAttribute("aria-label", t("invite.dismiss"));
}
labelInvite(); relabelers.push(labelInvite);

function tellInvite(id, action) { api("POST", "/visitor/invites/" + id, { action: action }).then(null, function () { /* next beat */ }); }
function showInvite(inv) {
  if (!inv || typeof inv.id !== "number" || state.conv || (invite && invite.id === inv.id)) return;
  // Dismissed on an earlier page before the server heard it: say it again, show nothing.
  if (sget(DISMISSED_KEY) === String(inv.id)) { tellInvite(inv.id, "dismissed"); return; }
  clearInvite();
  invite = inv;
  inviteFrom.textContent = inv.operator_name || ""; inviteFrom.hidden = !inv.operator_name;
  inviteText.textContent = inv.body || "";
  inviteBox.hidden = false;
  // In the panel too (shown once it opens): the line the visitor's first message answers, as the
  // chat will keep it (an operator's line for a manual invite, the shop's system line for a rule's).
  inviteLine = render({ author_type: inv.manual ? "operator" : "system", author_name: inv.operator_name, body: inv.body });
  inviteLine.classList.add("cd-invite-line"); place(inviteLine);
  tellInvite(inv.id, "shown");
  refreshAvailability();      // someone is free now (the server invites only then): the composer, not the offline form
}
function clearInvite() {
  invite = null; inviteBox.hidden = true;
  if (inviteLine) { inviteLine.remove(); inviteLine = null; }
  greeting.hidden = !!state.conv || log.childElementCount > 0;
}
function dismissInvite() {
  if (!invite) return;
  var id = invite.id;
  sset(DISMISSED_KEY, String(id)); clearInvite(); tellInvite(id, "dismissed");
  bubble.focus();
}
inviteReply.addEventListener("click", function () { setOpen(true); });
inviteClose.addEventListener("click", dismissInvite);
inviteBox.addEventListener("keydown", function (e) { if (e.key === "Escape") dismissInvite(); });
frameHandlers.invite = function (f) { showInvite(f.invite); };

startRoutes.push(function (first) {
  if (!invite) return null;
  var id = invite.id, body = { client_msg_id: first.client_msg_id, body: first.body };
  if (first.name) body.name = first.name;
  if (first.email) pageCall("identify", { email: first.email });     // the reply carries no e-mail
  replying = id;
  return { path: "/visitor/invites/" + id + "/reply", body: body,
           refused: function () { replying = null; if (invite && invite.id === id) clearInvite(); } };
});
/* The reply became a chat: the opener comes back from the server as its first message. */
conversationHandlers.push(function () {
  var line = inviteLine, fromInvite = replying !== null;
  inviteLine = null; replying = null; clearInvite();
  if (line) (fromInvite ? loadTranscript() : Promise.resolve()).then(function () { line.remove(); }, function () { line.remove(); });
});
