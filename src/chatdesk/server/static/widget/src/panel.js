/* widget part: panel — the bubble, the panel and the transcript, built with textContent only */
// --- DOM (built with createElement; text always through textContent) ------------------------
function el(tag, cls, text) {
  var n = document.createElement(tag);
  if (cls) n.className = cls;
  if (text !== undefined) n.textContent = text;
  return n;
}
function button(cls, text) { var b = el("button", cls, text); b.type = "button"; return b; }
var css = el("link"); css.rel = "stylesheet"; css.href = WIDGET_CSS;
var root = el("div"); root.id = "chatdesk";
var panel = el("section", "cd-panel"); panel.hidden = true; panel.id = "chatdesk-panel";
panel.setAttribute("role", "dialog");
var head = el("div", "cd-head");
var logo = null;                        // the shop's logo, an <img> made only when there is one
var title = el("h2", "cd-title"); title.id = "chatdesk-title";
var closeBtn = button("cd-close", "\u00d7");
var endBtn = button("cd-end"); endBtn.hidden = true;
head.appendChild(title); head.appendChild(endBtn); head.appendChild(closeBtn);
// "End chat" asks first, inside the panel.
var confirmBox = el("div", "cd-confirm"); confirmBox.hidden = true; confirmBox.setAttribute("role", "group");
var confirmText = el("p", "cd-confirm-text"); confirmText.id = "chatdesk-confirm";
confirmBox.setAttribute("aria-labelledby", confirmText.id);
var confirmYes = button("cd-confirm-yes"), confirmNo = button("cd-confirm-no");
confirmBox.appendChild(confirmText); confirmBox.appendChild(confirmYes); confirmBox.appendChild(confirmNo);
var status = el("div", "cd-status"); status.setAttribute("role", "status");
var greeting = el("p", "cd-greeting");
var log = el("div", "cd-log"); log.setAttribute("role", "log"); log.setAttribute("aria-live", "polite");
log.tabIndex = 0;                       // scrollable by keyboard
var typingLine = el("div", "cd-typing");
var form = el("form", "cd-form");
var input = el("textarea", "cd-input"); input.maxLength = 8000;
var send = el("button", "cd-send"); send.type = "submit";
form.appendChild(input); form.appendChild(send);
[head, confirmBox, status, greeting, log, typingLine, form].forEach(function (n) { panel.appendChild(n); });
var bubble = button("cd-bubble"); bubble.setAttribute("aria-controls", panel.id);
bubble.setAttribute("aria-expanded", "false");
var bubbleText = el("span", "cd-bubble-text");
var badge = el("span", "cd-badge"); badge.hidden = true; badge.setAttribute("aria-hidden", "true");
bubble.appendChild(bubbleText); bubble.appendChild(badge);
root.appendChild(panel); root.appendChild(bubble);
function labelPanel() {
  title.textContent = brandTitle() || t("panel.title"); panel.setAttribute("aria-label", title.textContent);
  closeBtn.setAttribute("aria-label", t("panel.minimise")); endBtn.textContent = t("panel.end");
  confirmText.textContent = t("end.confirm"); confirmYes.textContent = t("end.yes"); confirmNo.textContent = t("end.no");
  greeting.textContent = t("panel.greeting");
  input.placeholder = t("panel.input"); input.setAttribute("aria-label", t("panel.input_label"));
  send.textContent = t("panel.send"); bubbleText.textContent = t("bubble.text"); labelBubble();
}
// The unread count is part of the bubble's name, so a screen reader says it.
function labelBubble() {
  bubble.setAttribute("aria-label", t("bubble.label") + (state.unread ? ", " + tn("bubble.unread", state.unread) : ""));
}
relabelers.push(labelPanel);

// --- branding: the shop's colours, logo, title and side (session answer, widget_config.py) --
var brand = null;
var HEX = /^#[0-9a-fA-F]{6}$/;
function brandTitle() { return brand && typeof brand.title === "string" ? brand.title : ""; }
function useBranding(b) {
  if (!b) return;
  brand = b; sset("chatdesk.branding", JSON.stringify(b));
  // Custom properties through the CSSOM (no style attribute is written), colours checked again.
  if (HEX.test(b.primary_colour || "")) root.style.setProperty("--cd-primary", b.primary_colour);
  if (HEX.test(b.text_colour || "")) root.style.setProperty("--cd-on-primary", b.text_colour);
  root.classList.toggle("cd-left", b.position === "left");
  if (/^https?:\/\//i.test(b.logo_url || "")) {
    if (!logo) { logo = el("img", "cd-logo"); logo.alt = ""; head.insertBefore(logo, title); }   // beside the title: decorative
    logo.src = b.logo_url;                  // a property, never markup
  } else if (logo) { logo.remove(); logo = null; }
  labelPanel();
}
try { useBranding(JSON.parse(sget("chatdesk.branding") || "null")); } catch (e) { /* ignore */ }
labelPanel();

// --- open, close, unread ----------------------------------------------------------------------
var PHONE = window.matchMedia ? window.matchMedia("(max-width: 600px)") : { matches: false };
function setOpen(open) {
  panel.hidden = !open; sset(K.open, open ? "1" : null);
  bubble.setAttribute("aria-expanded", open ? "true" : "false");
  root.classList.toggle("cd-open", open);
  if (PHONE.matches) panel.setAttribute("aria-modal", "true"); else panel.removeAttribute("aria-modal");
  if (open) { markRead(); input.focus(); log.scrollTop = log.scrollHeight; fitKeyboard(); needStream(); }
}
// Unread: operator messages newer than the last one seen with the panel open (kept per visitor,
// so a page change or a new tab counts the same messages, once).
var readUpTo = parseInt(lget(K.read) || "0", 10) || 0, unreadIds = {};
function markRead() {
  for (var id in unreadIds) if (+id > readUpTo) readUpTo = +id;
  unreadIds = {}; state.unread = 0; lset(K.read, readUpTo || null); showUnread();
}
function countUnread(m) {
  if (typeof m.id !== "number" || m.id <= readUpTo) return;
  if (!panel.hidden) { readUpTo = m.id; lset(K.read, readUpTo); return; }
  if (!unreadIds[m.id]) { unreadIds[m.id] = true; state.unread += 1; showUnread(); }
}
function showUnread() { badge.textContent = String(state.unread); badge.hidden = !state.unread; labelBubble(); }

// --- phones: the panel fills the screen; the on-screen keyboard shrinks it, not covers it -------
function fitKeyboard() {
  var vv = window.visualViewport;
  if (!vv || !PHONE.matches || panel.hidden) { root.style.removeProperty("--cd-vh"); return; }
  root.style.setProperty("--cd-vh", Math.round(vv.height) + "px");
  root.style.setProperty("--cd-top", Math.round(vv.offsetTop) + "px");
}
if (window.visualViewport) {
  window.visualViewport.addEventListener("resize", fitKeyboard);
  window.visualViewport.addEventListener("scroll", fitKeyboard);
}
// On a phone the open panel is the whole screen: Tab stays inside it.
function trapFocus(e) {
  if (e.key !== "Tab" || panel.hidden || !PHONE.matches) return;
  var all = Array.prototype.filter.call(panel.querySelectorAll("button, textarea, input, select, a[href], [tabindex]"),
    function (n) { return !n.disabled && n.offsetParent !== null && n.tabIndex >= 0; });
  if (!all.length) return;
  var first = all[0], last = all[all.length - 1];
  if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
  else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
}

function setStatus(text) { status.textContent = text || ""; }

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
  greeting.hidden = true;
  if (stick) log.scrollTop = log.scrollHeight;
}
function showMessage(m) {
  if (m.kind && m.kind !== "text" && m.kind !== "system") return;     // never notes or whispers
  if (m.id !== undefined && state.seen[m.id]) return;                  // duplicate (replay, REST + stream)
  if (m.id !== undefined) state.seen[m.id] = true;
  if (m.client_msg_id) delivered(m.client_msg_id);
  place(render(m));
  if (m.author_type === "operator") { countUnread(m); showOperatorTyping(false); }
}
function systemLine(text) { place(render({ author_type: "system", body: text })); }
