/* widget part: boot — wiring the controls and starting */
bubble.addEventListener("click", function () { setOpen(panel.hidden); });
closeBtn.addEventListener("click", function () { setOpen(false); bubble.focus(); });
endBtn.addEventListener("click", function () { askEnd(true); });
confirmYes.addEventListener("click", function () { askEnd(false); endChat(); input.focus(); });
confirmNo.addEventListener("click", function () { askEnd(false); endBtn.focus(); });
panel.addEventListener("keydown", function (e) {
  if (e.key === "Escape") {
    if (!confirmBox.hidden) { askEnd(false); endBtn.focus(); return; }
    setOpen(false); bubble.focus();
  } else trapFocus(e);
});
if (PHONE.addEventListener) PHONE.addEventListener("change", function () { if (!panel.hidden) setOpen(true); });
window.addEventListener("online", function () { reboot(); needStream(); drain(); });

// --- start --------------------------------------------------------------------------------
function start() {
  document.head.appendChild(css);
  document.body.appendChild(root);
  input.value = sget(K.draft) || "";
  endBtn.hidden = !state.conv;
  showOutbox();                    // an earlier page's unsent messages, still on their way
  if (sget(K.open)) setOpen(true);
  boot(0);
}
var booting = false, bootTimer = null, booted = false;
function boot(tries) {
  booting = true;
  startSession()
    .then(function (s) { availability(s); return loadTranscript(); })
    .then(function () {
      booting = false; booted = true; if (tries) setStatus(""); needStream(); drain();
      bootHandlers.forEach(function (h) { h(); });
    })
    .catch(function () {
      booting = false;
      setStatus(t("status.unavailable"));
      outbox.forEach(function (item) { mark(item, "cd-waiting", t("send.offline")); });
      bootTimer = setTimeout(function () { boot(tries + 1); }, Math.min(10000, 1000 * Math.pow(2, tries)));
    });
}
/* Back online before the next try is due: try now. */
function reboot() { if (!booting && !booted) { clearTimeout(bootTimer); boot(1); } }
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
