/* widget part: boot — wiring the controls and starting */
bubble.addEventListener("click", function () { setOpen(panel.hidden); });
closeBtn.addEventListener("click", function () { setOpen(false); bubble.focus(); });
endBtn.addEventListener("click", endChat);
panel.addEventListener("keydown", function (e) { if (e.key === "Escape") { setOpen(false); bubble.focus(); } });
window.addEventListener("online", function () { if (!state.ws) connect(); });

// --- start --------------------------------------------------------------------------------
function start() {
  document.head.appendChild(css);
  document.body.appendChild(root);
  input.value = sget(K.draft) || "";
  endBtn.hidden = !state.conv;
  if (sget(K.open)) setOpen(true);
  boot(0);
}
function boot(tries) {
  startSession()
    .then(function (s) { availability(s); return loadTranscript(); })
    .then(function () { if (tries) setStatus(""); connect(); })
    .catch(function () {
      setStatus(t("status.unavailable"));
      setTimeout(function () { boot(tries + 1); }, Math.min(30000, 2000 * Math.pow(2, tries)));
    });
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
