/* widget part: greeting — a new visitor is welcomed, a returning one by name, with the operator
   of their last chat named when routing sends them there again */
var greeting = el("div", "cd-flow cd-greeting"); greeting.hidden = true;
panel.insertBefore(greeting, log);
function greet(f) {
  greeting.textContent = "";
  var hello = f.returning ? (f.name ? t("greet.back_named", { name: f.name }) : t("greet.back")) : t("greet.hello");
  greeting.appendChild(el("p", "cd-greet-line", hello));
  if (f.last_operator) greeting.appendChild(el("p", "cd-greet-operator", t("greet.last_operator", { operator: f.last_operator })));
  greeting.hidden = !!state.conv;
}
flowHandlers.push(greet);
relabelers.push(function () { greet(flows); });
conversationHandlers.push(function () { greeting.hidden = true; });
