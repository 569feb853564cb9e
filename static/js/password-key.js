// The password change page: the key that unlocks this worker's registrations saved
// offline is wrapped under the password, so the new one is derived before it is sent,
// and used by the page that confirms the change (static/js/offline-vault.js).
(function () {
  "use strict";
  var form = document.getElementById("password-change-form");
  var vault = window.PrimeroVault;
  var script = document.getElementById("offline-script");
  if (!form || !vault || !vault.available() || !script || !script.dataset.username) return;
  var derived = false;
  form.addEventListener("submit", function (event) {
    if (derived) return;
    var password = form.querySelector('[name="new_password1"]');
    if (!password || !password.value) return;
    event.preventDefault();
    var button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    vault.rememberLogin(script.dataset.username, password.value, "password").catch(function () {
      /* the change still works; the queue would then need a login with the old key */
    }).then(function () {
      derived = true;
      if (button) button.disabled = false;
      form.requestSubmit ? form.requestSubmit(button || undefined) : form.submit();
    });
  });
})();
