/* widget part: offline — outside opening hours, with nobody online or a full queue: when chat opens
   again and the offline form instead of the composer; during or instead of a chat, a callback
   request. Both post to POST /visitor/requests (kind "offline" | "callback"). */
var closedNote = el("div", "cd-flow cd-closed"); closedNote.hidden = true;
closedNote.setAttribute("aria-live", "polite");
panel.insertBefore(closedNote, log);
var request = el("form", "cd-flow cd-request"); request.hidden = true; request.noValidate = true;
var requestKind = "offline";
var reqTitle = el("p", "cd-request-title");
var reqChannels = el("div", "cd-request-channels"); reqChannels.setAttribute("role", "radiogroup");
function reqChannel(value) {
  var label = el("label", "cd-channel"), radio = el("input"), caption = el("span");
  radio.type = "radio"; radio.name = "cd-channel"; radio.value = value;
  label.appendChild(radio); label.appendChild(caption); reqChannels.appendChild(label);
  radio.addEventListener("change", showContactFields);
  return { radio: radio, caption: caption };
}
var byEmail = reqChannel("email"), byPhone = reqChannel("phone"); byEmail.radio.checked = true;
function reqField(cls, tag, type, max) {
  var row = el("label", "cd-pre-row " + cls), caption = el("span", "cd-pre-caption"), input = el(tag, "cd-pre-input");
  if (type) input.type = type;
  input.maxLength = max; row.appendChild(caption); row.appendChild(input);
  return { row: row, caption: caption, input: input };
}
var reqName = reqField("cd-req-name", "input", "text", 120), reqEmail = reqField("cd-req-email", "input", "email", 254);
var reqPhone = reqField("cd-req-phone", "input", "tel", 40), reqTime = reqField("cd-req-time", "input", "text", 80);
var reqMessage = reqField("cd-req-message", "textarea", "", 8000);
reqName.input.autocomplete = "name"; reqEmail.input.autocomplete = "email"; reqPhone.input.autocomplete = "tel";
var reqError = el("p", "cd-request-error"); reqError.setAttribute("role", "alert");
var reqButtons = el("div", "cd-request-buttons");
var reqSend = el("button", "cd-request-send"); reqSend.type = "submit";
var reqCancel = el("button", "cd-link cd-request-cancel"); reqCancel.type = "button";
reqButtons.appendChild(reqSend); reqButtons.appendChild(reqCancel);
[reqTitle, reqChannels, reqName.row, reqEmail.row, reqPhone.row, reqTime.row, reqMessage.row, reqError, reqButtons]
  .forEach(function (n) { request.appendChild(n); });
var callbackOpen = el("button", "cd-link cd-callback-open"); callbackOpen.type = "button";
panel.insertBefore(request, form); panel.insertBefore(callbackOpen, form);

function labelRequest() {
  reqTitle.textContent = t(requestKind === "callback" ? "request.callback_title" : "request.offline_title");
  byEmail.caption.textContent = t("request.by_email"); byPhone.caption.textContent = t("request.by_phone");
  reqName.caption.textContent = t("request.name"); reqEmail.caption.textContent = t("request.email");
  reqPhone.caption.textContent = t("request.phone"); reqTime.caption.textContent = t("request.time");
  reqMessage.caption.textContent = t("request.message"); reqSend.textContent = t("request.send");
  reqCancel.textContent = t("request.cancel"); callbackOpen.textContent = t("request.callback_open");
}
labelRequest(); relabelers.push(labelRequest);
function channel() { return byPhone.radio.checked ? "phone" : "email"; }
function showContactFields() {
  reqEmail.row.hidden = channel() !== "email"; reqPhone.row.hidden = channel() !== "phone";
  reqTime.row.hidden = requestKind !== "callback";
}
function accepting() { var a = flows.availability; return !a || a.accepting !== false || !!state.conv; }
/* The form in place of the composer; "callback" may be asked during a chat too. */
function openRequest(kind) {
  requestKind = kind; labelRequest(); showContactFields();
  reqError.textContent = ""; request.hidden = false; callbackOpen.hidden = true;
  form.hidden = true; reqCancel.hidden = !accepting();
  if (!reqName.input.value) reqName.input.value = (preName && preName.input.value) || flows.name || "";
  if (!reqEmail.input.value && preEmail) reqEmail.input.value = preEmail.input.value;
  reqName.input.focus();
}
function closeRequest() {
  request.hidden = true;
  form.hidden = !accepting(); callbackOpen.hidden = !accepting();
}
reqCancel.addEventListener("click", closeRequest);
request.addEventListener("submit", function (e) { e.preventDefault(); sendRequest(); });
function sendRequest() {
  var body = { kind: requestKind, channel: channel(), name: reqName.input.value.trim(),
               email: reqEmail.input.value.trim(), phone: reqPhone.input.value.trim(),
               preferred_time: requestKind === "callback" ? reqTime.input.value.trim() : "",
               message: reqMessage.input.value.trim() };
  if (body.channel === "email") body.phone = ""; else body.email = "";
  var missing = body.channel === "email" && !body.email ? "request.need_email"
    : body.channel === "phone" && !body.phone ? "request.need_phone"
    : requestKind === "offline" && !body.message ? "request.need_message" : "";
  if (missing) { reqError.textContent = t(missing); return; }
  if (preDept && preDept.input.value) body.department = preDept.input.value;
  if (state.conv) body.conversation_id = state.conv;
  reqSend.disabled = true; reqError.textContent = "";
  api("POST", "/visitor/requests", body).then(function (r) {
    reqSend.disabled = false;
    if (!r.ok) { reqError.textContent = r.json.message || t("request.failed"); return; }
    reqMessage.input.value = ""; reqTime.input.value = "";
    request.hidden = true; systemLine(t("request.sent"));
    form.hidden = !accepting(); callbackOpen.hidden = !accepting();
  }, function () { reqSend.disabled = false; reqError.textContent = t("request.failed"); });
}
function closedText(a) {
  if (!a.open) return a.opens_at_local ? t("offline.back", { day: t("day." + a.opens_day), time: a.opens_at_local }) : t("offline.closed");
  return a.online ? t("offline.full") : t("offline.nobody");
}
function showAvailability(f) {
  var a = f.availability;
  if (!a || a.accepting !== false || state.conv) {
    closedNote.hidden = true;
    if (!request.hidden && requestKind === "offline" && !state.conv) request.hidden = true;
    if (request.hidden) { form.hidden = false; callbackOpen.hidden = false; }
    return;
  }
  closedNote.textContent = closedText(a) + " " + t("offline.intro");
  closedNote.hidden = false;
  if (request.hidden) openRequest("offline");
}
flowHandlers.push(showAvailability);
relabelers.push(function () { showAvailability(flows); });
callbackOpen.addEventListener("click", function () { openRequest("callback"); });
conversationHandlers.push(function () { closedNote.hidden = true; });
