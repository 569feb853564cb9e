/* Small behaviours of any page, declared in the markup with data attributes instead of
   inline handlers (the Content-Security-Policy allows no inline script):
   - data-print on a button prints the page;
   - data-disable-on-submit on a form disables its submit button once it is sent,
     so that a double click does not send it twice. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("form[data-disable-on-submit]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
    });
  });
})();
