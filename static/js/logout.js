// An explicit "Log out" forgets this user's unsaved registrations kept in this browser:
// tablets at border points are shared. A session that merely expires keeps them (the
// draft is there to survive exactly that); they stay encrypted under this user's key
// (static/js/drafts.js), so the next user of the tablet can neither see nor read them.
//
// Registrations saved without a connection and not sent yet (static/js/offline.js) are
// not forgotten: the worker is warned, and they stay on the device encrypted under the
// worker's own key, to be sent at their next login. What is forgotten is the key of this
// session and the pages kept for offline use (they show the worker's name).
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.dataset.logoutUrl;
  var store = script && script.dataset.draftStore;
  if (!url || !store) return;
  function forget() {
    try { localStorage.removeItem(store); } catch (e) { /* storage unavailable */ }
  }
  document.querySelectorAll("form").forEach(function (form) {
    if (form.getAttribute("action") !== url) return;
    form.addEventListener("submit", function (event) {
      var offline = window.PrimeroOffline;
      if (offline && offline.count > 0 &&
          !window.confirm(offline.fmt(offline.strings.logout_warning, { count: offline.count }))) {
        event.preventDefault();
        return;
      }
      forget();
      if (window.PrimeroVault) window.PrimeroVault.forget();
      if (offline) offline.forgetPages();
      // A draft save still scheduled by the registration form must not write it back.
      window.addEventListener("pagehide", forget);
    });
  });
})();
