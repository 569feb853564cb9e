/* The registration form, improved: conditional questions, the suggested risk level,
   repeatable rows, the live duplicate panel and a draft kept in this browser.
   The page works without this file; the server checks every rule again. */
(function () {
  "use strict";
  var form = document.getElementById("registration-form");
  if (!form) return;

  var banner = document.getElementById("draft-banner");
  // This user's drafts, encrypted (static/js/drafts.js); null when they cannot be kept.
  var drafts = window.PrimeroDrafts ? window.PrimeroDrafts.open(banner) : null;
  var conditions = JSON.parse(document.getElementById("registration-conditions").textContent);
  // Questions required while their condition holds (questions.required_when_data).
  var requiredWhen = JSON.parse(document.getElementById("registration-required-when").textContent);
  var risk = JSON.parse(document.getElementById("registration-risk").textContent);
  var personal = JSON.parse(document.getElementById("registration-personal").textContent);
  // The caregiver's own questions (hidden when a caregiver already registered is picked).
  var CAREGIVER_PERSON = JSON.parse(document.getElementById("registration-caregiver-person").textContent);

  function values(name) {
    var out = [];
    form.querySelectorAll('[name="' + name + '"]').forEach(function (el) {
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      if (el.value !== "") out.push(el.value);
    });
    return out;
  }
  function value(name) { return values(name)[0] || ""; }

  function show(name, visible) {
    var box = document.getElementById("field-" + name);
    if (!box) return;
    box.hidden = !visible;
    // Hidden answers are not sent: what does not apply is not stored (and kept in the
    // page, should the worker change their mind).
    box.querySelectorAll("input, select, textarea").forEach(function (el) { el.disabled = !visible; });
  }

  // The catalogue's conditions (questions.model.Condition), served as data.
  function holds(cond) {
    if (cond.op === "any") return values(cond.field).length > 0;
    var v = value(cond.field);
    if (v === "") return false;
    if (cond.op === "in") return cond.values.indexOf(v) >= 0;
    return cond.values.indexOf(v) < 0;
  }

  // The catalogue's risk table (questions.rules.RISK_TRIGGERS), served as data.
  function suggestedRisk() {
    for (var i = 0; i < risk.triggers.length; i++) {
      var level = risk.triggers[i][0], triggers = risk.triggers[i][1];
      for (var question in triggers) {
        var given = values(question);
        var wanted = triggers[question];
        var match = given.some(function (v) { return wanted.indexOf("*") >= 0 || wanted.indexOf(v) >= 0; });
        if (match) return level;
      }
    }
    return "low";
  }

  function refresh() {
    var consented = value("consent_registration") !== "no";
    var notice = document.getElementById("consent-notice");
    if (notice) notice.hidden = value("consent_registration") !== "no";
    Object.keys(conditions).forEach(function (name) { show(name, holds(conditions[name])); });
    requiredWhen.forEach(function (name) {
      var box = document.getElementById("field-" + name);
      if (box) box.classList.toggle("required", holds(conditions[name]));
    });
    var picked = value("existing_caregiver") !== "";
    var unaccompanied = value("uasc_status") === "unaccompanied";
    CAREGIVER_PERSON.forEach(function (name) {
      if (holds(conditions[name])) show(name, !picked);
    });
    var block = document.getElementById("caregiver-block");
    if (block) block.hidden = unaccompanied || !consented;
    personal.forEach(function (name) { if (!consented) show(name, false); });
    ["group-accompanying_children", "group-accompanying_adults"].forEach(function (id) {
      var el = document.getElementById(id);
      if (el) el.hidden = !consented;
    });
    // Without consent section D has nothing left to ask: no empty card in the way.
    var sectionD = document.getElementById("section-D");
    if (sectionD) sectionD.hidden = !consented;
    var suggested = suggestedRisk();
    var label = document.getElementById("risk-suggested-label");
    if (label) {
      label.textContent = risk.labels[suggested] || suggested;
      label.className = "risk risk-" + suggested;
    }
    var level = value("risk_level");
    // The catalogue's rule (questions.rules.ALWAYS_EXPLAINED): asked for those levels,
    // and for any level other than the one suggested.
    var explained = risk.always_explained.indexOf(level) >= 0 || level !== suggested;
    show("risk_justification", consented && level !== "" && explained);
  }

  // Repeatable groups: a new row from the <template>, numbered as Django formsets expect.
  form.querySelectorAll("[data-add-row]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      var group = button.dataset.addRow;
      var total = form.querySelector('[name="' + group + '-TOTAL_FORMS"]');
      var max = parseInt(form.querySelector('[name="' + group + '-MAX_NUM_FORMS"]').value, 10);
      var count = parseInt(total.value, 10);
      if (count >= max) return;
      event.preventDefault();
      var html = document.getElementById("template-" + group).innerHTML.replace(/__prefix__/g, count);
      var tbody = document.querySelector("#group-" + group + " tbody");
      tbody.insertAdjacentHTML("beforeend", html);
      total.value = count + 1;
      var first = tbody.lastElementChild.querySelector("input");
      if (first) first.focus();
    });
  });

  // The duplicate panel follows the name and the date of birth.
  var panel = document.getElementById("duplicates-panel");
  var timer = null;
  function checkDuplicates() {
    if (!panel || value("consent_registration") === "no") return;
    if (!value("date_of_birth") || !(value("first_name") || value("last_name"))) return;
    var body = new FormData(form);
    fetch(form.dataset.duplicatesUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) panel.innerHTML = html; })
      .catch(function () { /* offline: the server checks again on save */ });
  }
  ["first_name", "last_name", "name_native", "date_of_birth", "date_of_birth_estimated"].forEach(function (name) {
    form.querySelectorAll('[name="' + name + '"]').forEach(function (el) {
      el.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(checkDuplicates, 300); });
    });
  });

  // The draft: everything typed, in this browser only, until the server confirms the save.
  function collect() {
    var fields = [];
    form.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit") return;
      if ((el.type === "radio" || el.type === "checkbox")) {
        if (el.checked) fields.push([el.name, el.value]);
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.selectedOptions, function (o) { fields.push([el.name, o.value]); });
      } else {
        fields.push([el.name, el.value]);
      }
    });
    return fields;
  }
  // Drafts are kept per form (by its submission token), a few at most: an older draft
  // offered back is not overwritten by a new form typed meanwhile.
  function prune(all) {
    var tokens = Object.keys(all).sort(function (a, b) { return all[b].saved - all[a].saved; });
    tokens.slice(5).forEach(function (t) { delete all[t]; });
  }
  function saveDraft() {
    if (!drafts) return;
    // What is typed now, taken at once: the encryption that follows is asynchronous.
    var token = value("submission_token"), entry = { saved: Date.now(), fields: collect() };
    drafts.update(function (all) { all[token] = entry; prune(all); });
  }
  function restore(draft) {
    var byName = {};
    draft.fields.forEach(function (pair) { (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]); });
    // Rows first, so that their inputs exist when the values are set.
    ["accompanying_children", "accompanying_adults"].forEach(function (group) {
      var wanted = parseInt((byName[group + "-TOTAL_FORMS"] || ["0"])[0], 10);
      var total = form.querySelector('[name="' + group + '-TOTAL_FORMS"]');
      var tbody = document.querySelector("#group-" + group + " tbody");
      var tpl = document.getElementById("template-" + group);
      if (!total || !tbody || !tpl) return;
      for (var i = parseInt(total.value, 10); i < wanted; i++) {
        tbody.insertAdjacentHTML("beforeend", tpl.innerHTML.replace(/__prefix__/g, i));
      }
      total.value = Math.max(wanted, parseInt(total.value, 10));
    });
    form.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit") return;
      if (/-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$/.test(el.name)) return;
      var vals = byName[el.name] || [];
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = vals.indexOf(el.value) >= 0;
      } else if (vals.length) {
        el.value = vals[0];
      } else if (el.type !== "hidden") {
        el.value = "";
      }
    });
    refresh();
  }

  var freshPage = !document.querySelector("#registration-form .has-error, .message.error");
  if (drafts && banner && freshPage) {
    drafts.read().then(function (all) {
      var others = Object.keys(all).filter(function (t) { return t !== value("submission_token"); })
        .sort(function (a, b) { return all[b].saved - all[a].saved; });
      if (!others.length) return;
      var offered = others[0];
      banner.hidden = false;
      document.getElementById("draft-restore").addEventListener("click", function () {
        var current = value("submission_token");
        drafts.update(function (stored) { delete stored[offered]; delete stored[current]; });
        // The restored form keeps its own token: if it was saved before the connection
        // dropped, saving it again returns that record instead of a second one.
        restore(all[offered]);
        banner.hidden = true;
        saveDraft();
      });
      document.getElementById("draft-discard").addEventListener("click", function () {
        drafts.update(function (stored) { delete stored[offered]; });
        banner.hidden = true;
      });
    });
  }

  var draftTimer = null;
  function changed() {
    refresh();
    // A draft is started by typing, not by opening the page (a banner would otherwise
    // offer back a blank form).
    clearTimeout(draftTimer);
    draftTimer = setTimeout(saveDraft, 200);
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () {
    // Disabled (hidden) inputs are not sent; the draft is kept until the server confirms.
    saveDraft();
  });
  refresh();

  // For saving without a connection (static/js/offline-form.js): the same behaviours.
  window.PrimeroRegistration = {
    refresh: refresh,
    restore: restore,
    forgetDraft: function (token) {
      if (drafts) drafts.update(function (all) { delete all[token]; });
    }
  };
})();
