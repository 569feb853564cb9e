// An explicit "Log out" forgets this user's unsaved registrations kept in this browser:
// tablets at border points are shared. A session that merely expires keeps them (the
// draft is there to survive exactly that); they stay encrypted under this user's key
// (static/js/drafts.js), so the next user of the tablet can neither see nor read them.
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
    form.addEventListener("submit", function () {
      forget();
      // A draft save still scheduled by the registration form must not write it back.
      window.addEventListener("pagehide", forget);
    });
  });
})();
