/* widget part: compose — the input: typing signals, the draft, submit */
// --- typing and draft ---------------------------------------------------------------------
function sendTyping(on) {
  var ws = state.ws;
  if (!ws || !state.ready || ws.readyState !== 1) return;
  ws.send(JSON.stringify({ type: "typing", is_typing: on, text: on ? input.value.slice(0, 8000) : "" }));
  state.typingSentAt = Date.now();
}
input.addEventListener("input", function () {
  sset(K.draft, input.value || null);
  clearTimeout(state.typingIdle); clearTimeout(state.typingTrail);
  var wait = 400 - (Date.now() - state.typingSentAt);        // at most ~2 frames a second
  if (wait <= 0) sendTyping(!!input.value); else state.typingTrail = setTimeout(function () { sendTyping(!!input.value); }, wait);
  state.typingIdle = setTimeout(function () { sendTyping(false); }, 5000);
});
input.addEventListener("keydown", function (e) {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
});
form.addEventListener("submit", function (e) { e.preventDefault(); submit(); });
function submit() {
  var text = input.value.trim();
  if (!text) return;
  var held = sendGuards.map(function (g) { return g(); }).filter(Boolean)[0];
  if (held) { setStatus(held); return; }
  input.value = ""; sset(K.draft, null);
  clearTimeout(state.typingIdle); clearTimeout(state.typingTrail); sendTyping(false);
  sendMessage(text);
}
