/* widget part: prechat — the shop's pre-chat fields (name, e-mail, department, a consent line with
   the privacy page) before the first message; the values travel with it (startFields) */
var pre = el("div", "cd-flow cd-prechat"); pre.hidden = true;
function preField(cls, tag, type) {
  var row = el("label", "cd-pre-row " + cls), caption = el("span", "cd-pre-caption"), input = el(tag, "cd-pre-input");
  if (type) input.type = type;
  row.appendChild(caption); row.appendChild(input); pre.appendChild(row);
  return { row: row, caption: caption, input: input };
}
var preName = preField("cd-pre-name", "input", "text"), preEmail = preField("cd-pre-email", "input", "email");
var preDept = preField("cd-pre-dept", "select");
preName.input.maxLength = 120; preName.input.autocomplete = "name";
preEmail.input.maxLength = 254; preEmail.input.autocomplete = "email";
var preConsent = el("p", "cd-consent"); pre.appendChild(preConsent);
panel.insertBefore(pre, form);

function asksSomething(p) {
  return p.name !== "hidden" || p.email !== "hidden" || (p.departments || []).length > 0 || !!p.consent;
}
function buildPrechat(f) {
  var p = f.prechat || {};
  preName.row.hidden = p.name === "hidden"; preEmail.row.hidden = p.email === "hidden";
  preName.caption.textContent = t(p.name === "required" ? "prechat.name" : "prechat.name_optional");
  preEmail.caption.textContent = t(p.email === "required" ? "prechat.email" : "prechat.email_optional");
  preName.input.required = p.name === "required"; preEmail.input.required = p.email === "required";
  if (f.name && !preName.input.value) preName.input.value = f.name;        // the desk knows them
  var chosen = preDept.input.value; preDept.input.textContent = "";
  preDept.caption.textContent = t("prechat.department");
  [""].concat(p.departments || []).forEach(function (name) {
    var o = el("option", "", name ? name : t("prechat.department_any")); o.value = name; preDept.input.appendChild(o);
  });
  preDept.input.value = chosen; preDept.row.hidden = !(p.departments || []).length;
  preConsent.textContent = "";
  if (p.consent) {
    preConsent.appendChild(document.createTextNode(p.consent.text + " "));
    if (/^https?:\/\//.test(p.consent.privacy_url || "")) {
      var link = el("a", "cd-privacy", t("prechat.privacy"));
      link.href = p.consent.privacy_url; link.target = "_blank"; link.rel = "noopener noreferrer";
      preConsent.appendChild(link);
    }
  }
  preConsent.hidden = !p.consent;
  pre.hidden = !!state.conv || !asksSomething(p);
}
flowHandlers.push(buildPrechat);
relabelers.push(function () { buildPrechat(flows); });
conversationHandlers.push(function () { pre.hidden = true; });
chatEndHandlers.push(function () { buildPrechat(flows); });
startFields.push(function (body) {
  if (pre.hidden) return;
  var name = preName.input.value.trim(), email = preEmail.input.value.trim();
  if (!preName.row.hidden && name) body.name = name;
  if (!preEmail.row.hidden && email) body.email = email;
  if (!preDept.row.hidden && preDept.input.value) body.department = preDept.input.value;
});
sendGuards.push(function () {
  if (state.conv || pre.hidden) return "";
  var p = flows.prechat || {};
  if (p.name === "required" && !preName.input.value.trim()) { preName.input.focus(); return t("prechat.name_needed"); }
  if (p.email === "required" && !preEmail.input.value.trim()) { preEmail.input.focus(); return t("prechat.email_needed"); }
  return "";
});
