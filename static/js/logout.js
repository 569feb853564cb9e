// An explicit "Log out" forgets the unsaved registrations kept in this browser: tablets
// at border points are shared. A session that merely expires keeps them (the draft is
// there to survive exactly that), so only the logout form's submit clears them.
(function () {
  "use strict";
  var KEY = "registration-draft";
  var script = document.currentScript;
  var url = script && script.dataset.logoutUrl;
  if (!url) return;
  function forget() {
    try { localStorage.removeItem(KEY); } catch (e) { /* storage unavailable */ }
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
