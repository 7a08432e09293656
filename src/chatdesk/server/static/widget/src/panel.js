/* widget part: panel — the bubble, the panel and the transcript, built with textContent only */
// --- DOM (built with createElement; text always through textContent) ------------------------
function el(tag, cls, text) {
  var n = document.createElement(tag);
  if (cls) n.className = cls;
  if (text !== undefined) n.textContent = text;
  return n;
}
var css = el("link"); css.rel = "stylesheet"; css.href = BASE + "/widget/widget.css";
var root = el("div"); root.id = "chatdesk";
var panel = el("section", "cd-panel"); panel.hidden = true;
panel.setAttribute("role", "dialog");
var head = el("div", "cd-head"); var title = el("span", "cd-title"); head.appendChild(title);
var closeBtn = el("button", "cd-close", "\u00d7"); closeBtn.type = "button"; 
var endBtn = el("button", "cd-end"); endBtn.type = "button"; endBtn.hidden = true;
head.appendChild(endBtn); head.appendChild(closeBtn);
var status = el("div", "cd-status"); status.setAttribute("aria-live", "polite");
var log = el("div", "cd-log"); log.setAttribute("aria-live", "polite");
var typingLine = el("div", "cd-typing");
var form = el("form", "cd-form");
var input = el("textarea", "cd-input"); input.maxLength = 8000;
var send = el("button", "cd-send"); send.type = "submit";
form.appendChild(input); form.appendChild(send);
panel.appendChild(head); panel.appendChild(status); panel.appendChild(log); panel.appendChild(typingLine); panel.appendChild(form);
var bubble = el("button", "cd-bubble"); bubble.type = "button";
var badge = el("span", "cd-badge"); badge.hidden = true;
root.appendChild(panel); root.appendChild(bubble); root.appendChild(badge);
function labelPanel() {
  panel.setAttribute("aria-label", t("panel.title")); title.textContent = t("panel.title");
  closeBtn.setAttribute("aria-label", t("panel.minimise")); endBtn.textContent = t("panel.end");
  input.placeholder = t("panel.input"); input.setAttribute("aria-label", t("panel.input_label"));
  send.textContent = t("panel.send"); bubble.textContent = t("bubble.text"); bubble.setAttribute("aria-label", t("bubble.label"));
}
labelPanel(); relabelers.push(labelPanel);

function setStatus(text) { status.textContent = text || ""; }
function setOpen(open) {
  panel.hidden = !open; sset(K.open, open ? "1" : null);
  if (open) { state.unread = 0; badge.hidden = true; input.focus(); log.scrollTop = log.scrollHeight; }
}
function bumpUnread() {
  if (!panel.hidden) return;
  state.unread += 1; badge.textContent = String(state.unread); badge.hidden = false;
}

/* One transcript line. `m` is a Message from the server (or a local pending one). */
function render(m) {
  var who = m.author_type === "visitor" ? "visitor" : (m.author_type === "operator" ? "operator" : "system");
  var node = el("div", "cd-msg cd-" + who);
  if (who === "operator" && m.author_name) node.appendChild(el("span", "cd-author", m.author_name));
  node.appendChild(document.createTextNode(m.body || ""));
  if (m.id !== undefined) node.setAttribute("data-id", String(m.id));
  node.setAttribute("data-seq", String(m.seq || Number.MAX_SAFE_INTEGER));
  return node;
}
function place(node) {
  var seq = Number(node.getAttribute("data-seq"));
  var after = log.lastElementChild;
  while (after && Number(after.getAttribute("data-seq")) > seq) after = after.previousElementSibling;
  var stick = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  log.insertBefore(node, after ? after.nextSibling : log.firstChild);
  if (stick) log.scrollTop = log.scrollHeight;
}
function showMessage(m) {
  if (m.kind && m.kind !== "text" && m.kind !== "system") return;     // never notes or whispers
  if (m.id !== undefined && state.seen[m.id]) return;                  // duplicate (replay, REST + stream)
  if (m.id !== undefined) state.seen[m.id] = true;
  var mine = m.client_msg_id && state.pending[m.client_msg_id];
  if (mine) { delete state.pending[m.client_msg_id]; mine.remove(); }
  place(render(m));
  if (m.author_type === "operator") { bumpUnread(); showOperatorTyping(false); }
}
function systemLine(text) { place(render({ author_type: "system", body: text })); }
