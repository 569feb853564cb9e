// The login page: before the password is sent, the browser derives from it the key that
// unlocks this worker's registrations saved without a connection (static/js/offline-vault.js).
// The password itself is not kept; the derived key waits in this tab's sessionStorage for
// the next page, which uses it only if the login succeeded for the same username.
(function () {
  "use strict";
  var form = document.getElementById("login-form");
  var vault = window.PrimeroVault;
  if (!form || !vault || !vault.available()) return;
  var derived = false;
  form.addEventListener("submit", function (event) {
    if (derived) return;
    var username = form.querySelector('[name="username"]');
    var password = form.querySelector('[name="password"]');
    if (!username || !password || !username.value || !password.value) return;
    event.preventDefault();
    var button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    // A login never waits on the device: if the key is not ready in 3 s (a slow tablet,
    // a storage that does not answer), the login goes on and the queue stays locked.
    var late = new Promise(function (resolve) { setTimeout(resolve, 3000); });
    Promise.race([vault.rememberLogin(username.value, password.value), late]).catch(function () {
      /* without the key the login still works; the queue stays locked */
    }).then(function () {
      if (derived) return;
      derived = true;
      if (button) button.disabled = false;
      form.requestSubmit ? form.requestSubmit(button || undefined) : form.submit();
    });
  });
})();
