/* widget part: greeting — the panel's greeting line (panel.js) welcomes a new visitor with the
   shop's greeting, a returning one by name, with the operator of their last chat named when
   routing sends them there again */
function greet(f) {
  greeting.textContent = "";
  var hello = f.returning ? (f.name ? t("greet.back_named", { name: f.name }) : t("greet.back")) : t("panel.greeting");
  greeting.appendChild(el("span", "cd-greet-line", hello));
  if (f.last_operator) {
    greeting.appendChild(document.createTextNode(" "));
    greeting.appendChild(el("span", "cd-greet-operator", t("greet.last_operator", { operator: f.last_operator })));
  }
  greeting.hidden = !!state.conv || log.childElementCount > 0;
}
flowHandlers.push(greet);
relabelers.push(function () { greet(flows); });
conversationHandlers.push(function () { greeting.hidden = true; });
