/* The catalogue's checks of a registration, in the browser, before it is queued without
   a connection (docs/offline.md). Nothing here is a rule of its own: which questions are
   required, required while a condition holds, empty unless it holds, asked without
   consent, and how long an answer may be come from the catalogue as data
   (questions/browser.py, json_script "registration-checks"; the conditions from
   "registration-conditions"), with the catalogue's messages in the page's language.
   This follows questions.check: one message per question, in the same order. The rules
   that are functions of several answers (dates, ages) are checked by the server when the
   registration is sent; a refusal keeps it in the queue, with the messages. */
window.PrimeroChecks = (function () {
  "use strict";
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  var checks = data("registration-checks");
  var conditions = data("registration-conditions");
  var caregiverPerson = data("registration-caregiver-person") || [];
  if (!checks || !conditions) return null;

  // Only what the form would send (hidden questions are disabled, so not sent).
  function answers(form) {
    var found = {};
    new FormData(form).forEach(function (value, name) {
      if (typeof value !== "string" || value === "") return;
      (found[name] = found[name] || []).push(value);
    });
    return found;
  }
  function holds(cond, given) {
    var values = given[cond.field] || [];
    if (cond.op === "any") return values.length > 0;
    if (!values.length) return false;
    if (cond.op === "in") return cond.values.indexOf(values[0]) >= 0;
    return cond.values.indexOf(values[0]) < 0;
  }

  // {question code: [message]} for what is wrong; {} when nothing is.
  function check(form) {
    var given = answers(form);
    var consent = (given.consent_registration || [""])[0];
    var consented = consent !== "no";
    var picked = (given.existing_caregiver || [""])[0] !== "";
    var issues = {};
    Object.keys(checks).forEach(function (code) {
      var c = checks[code];
      if (!form.querySelector('[name="' + code + '"]')) return;
      if (picked && caregiverPerson.indexOf(code) >= 0) return;
      if (!consented && !c.anonymous) return;
      var values = given[code] || [];
      if (c.when && conditions[code]) {
        var cond = conditions[code];
        if (holds(cond, given)) {
          if (c.required_when && !values.length) { issues[code] = [c.messages.required_when]; return; }
        } else if (values.length && (cond.op === "any" || (given[cond.field] || []).length)) {
          issues[code] = [c.messages.only_when];
          return;
        }
      }
      if (c.required && !values.length) { issues[code] = [c.messages.required]; return; }
      if (c.max_length && values.length && values[0].length > c.max_length) {
        issues[code] = [c.messages.max_length.replace("{count}", values[0].length)];
      }
    });
    return issues;
  }
  return { check: check };
})();
