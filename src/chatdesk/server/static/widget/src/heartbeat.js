/* widget part: heartbeat — while the page is open the widget tells the server the visitor is
   still here (POST /visitor/heartbeat: the desk's visitors list, the time on the page), every
   10 s and at least twice per the server's idle time, sooner when the answer's check_in says a
   rule waits only for time on the page. An invite in the answer goes to the invite part. A tab
   hidden for the server's idle time (the answer's idle_after, --browsing-idle) stops beating, so
   the server counts the visitor gone; showing the tab again beats at once. */
var BEAT_EVERY = 10, idleAfter = 60, beatTimer = null, beating = false, hiddenSince = null, languageSent = false;
var renewing = null;
/* A new visitor token for the same visitor (the old one was refused), one request at a time. */
function renewSession() {
  if (!renewing) {
    state.token = null; sset(K.token, null);
    renewing = startSession().then(function () { renewing = null; }, function (e) { renewing = null; throw e; });
  }
  return renewing;
}
function pageLanguage() {
  var l = (document.documentElement.lang || navigator.language || "").slice(0, 20);
  return /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(l) ? l : null;
}
function hiddenTooLong() { return hiddenSince !== null && Date.now() - hiddenSince >= idleAfter * 1000; }
function beat() {
  clearTimeout(beatTimer); beatTimer = null;
  if (!state.token || beating || hiddenTooLong()) return;     // hidden too long: the next beat is when it shows
  beating = true;
  var lang = languageSent ? null : pageLanguage();             // the opener's language, once a page
  api("POST", "/visitor/heartbeat", lang ? { language: lang } : {}).then(beaten, function () { beaten(null); });
}
function beaten(r) {
  beating = false;
  var j = r && r.ok ? r.json : {};
  if (r && r.ok) languageSent = true;
  if (r && r.status === 401) renewSession().then(null, function () { /* the next beat tries again */ });
  if (typeof j.idle_after === "number" && j.idle_after > 0) idleAfter = j.idle_after;
  var next = Math.min(BEAT_EVERY, idleAfter / 2);
  if (typeof j.check_in === "number" && j.check_in >= 0) next = Math.min(next, j.check_in + 0.25);
  if (j.invite) showInvite(j.invite);
  beatTimer = setTimeout(beat, next * 1000);
}
document.addEventListener("visibilitychange", function () {
  if (document.visibilityState === "hidden") { if (hiddenSince === null) hiddenSince = Date.now(); return; }
  hiddenSince = null;
  if (!beatTimer && !beating && booted) beat();
});
if (document.visibilityState === "hidden") hiddenSince = Date.now();
bootHandlers.push(beat);
