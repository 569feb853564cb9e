/* Saving a registration without a connection (docs/offline.md).

   On the offline page (kept by the browser) every save is queued; on /register/ a save is
   queued when the browser is offline or the server cannot be reached. Before it is
   queued the registration is checked by the catalogue's rules (static/js/offline-checks.js);
   it gets its key (a UUID4, the idempotency key of offline-contract.md §1), the device's
   time and a provisional reference for the family's slip, and the worker can go on with
   the next child of the household (offline_after: the server links it to this one). A
   refused registration opens here (#fix=KEY) with its messages, to be fixed and saved
   again under the same key. Editing an existing case is never offered offline. */
(function () {
  "use strict";
  var form = document.getElementById("registration-form");
  var offline = window.PrimeroOffline;
  var checks = window.PrimeroChecks;
  var reg = window.PrimeroRegistration;
  if (!form || !offline || !checks || !reg) return;
  var T = offline.strings;
  var offlinePage = form.dataset.offlinePage === "true";
  var carried = JSON.parse(document.getElementById("registration-carried").textContent);
  var saved = document.getElementById("offline-saved");
  var formErrors = document.getElementById("offline-form-errors");
  var fixingBox = document.getElementById("offline-fixing");
  var hint = document.getElementById("offline-recent-hint");
  var after = "";       // the key of the household's previous child typed offline
  var fixing = null;    // the entry being fixed (refused by the server)
  var last = null;      // the entry just queued: {key, fields}
  // The children listed as travelling with the household's first child, not registered
  // yet: each is offered as the next registration, pre-filled (as the online
  // confirmation page does with the household's pending siblings).
  var siblings = [];
  var current = null;   // the sibling being registered
  var probed = false;

  function field(name) { return form.querySelector('[name="' + name + '"]'); }
  function newToken() {
    var token = field("submission_token");
    if (token) token.value = crypto.randomUUID();
  }
  // The offline page is one page for every registration: each gets its own token.
  if (offlinePage) newToken();

  var initialRows = {};
  ["accompanying_children", "accompanying_adults"].forEach(function (group) {
    var total = field(group + "-TOTAL_FORMS");
    if (total) initialRows[group] = parseInt(total.value, 10);
  });

  // -- Messages next to the questions ---------------------------------------------------

  function clearMessages() {
    form.querySelectorAll(".offline-error").forEach(function (node) { node.remove(); });
    form.querySelectorAll(".field.has-error").forEach(function (node) { node.classList.remove("has-error"); });
    formErrors.hidden = true;
  }
  // Returns the messages not placed next to a question.
  function showMessages(errors) {
    var loose = [];
    Object.keys(errors).forEach(function (name) {
      var box = document.getElementById("field-" + name);
      (errors[name] || []).forEach(function (message) {
        if (!box || name === "__all__") { loose.push(message); return; }
        box.classList.add("has-error");
        var p = document.createElement("p");
        p.className = "error offline-error";
        p.setAttribute("role", "alert");
        p.textContent = message;
        box.appendChild(p);
      });
    });
    return loose;
  }

  // -- Queueing -------------------------------------------------------------------------

  function pairs() {
    var out = [];
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken" || typeof value !== "string") return;
      out.push([name, value]);
    });
    out.push(["action", "save"]);
    return out;
  }
  function deviceTime(date) {
    // ISO 8601 with the device's offset, as the worker's clock showed it.
    function two(n) { return (n < 10 ? "0" : "") + n; }
    var offset = -date.getTimezoneOffset(), sign = offset >= 0 ? "+" : "-";
    offset = Math.abs(offset);
    return date.getFullYear() + "-" + two(date.getMonth() + 1) + "-" + two(date.getDate()) +
      "T" + two(date.getHours()) + ":" + two(date.getMinutes()) + ":" + two(date.getSeconds()) +
      sign + two(Math.floor(offset / 60)) + ":" + two(offset % 60);
  }
  function value(name) {
    var el = form.querySelector('[name="' + name + '"]');
    return el && !el.disabled ? el.value.trim() : "";
  }

  function queue() {
    clearMessages();
    if (!offline.key) {
      formErrors.textContent = T.no_key;
      formErrors.hidden = false;
      formErrors.scrollIntoView({ block: "center" });
      return Promise.resolve(null);
    }
    var issues = checks.check(form);
    if (Object.keys(issues).length) {
      showMessages(issues);
      formErrors.textContent = T.form_errors;
      formErrors.hidden = false;
      var first = form.querySelector(".offline-error");
      (first || formErrors).scrollIntoView({ block: "center" });
      return Promise.resolve(null);
    }
    var previous = fixing;
    var key = previous ? previous.key : crypto.randomUUID();
    var fields = pairs();
    var payload = {
      fields: fields,
      typedAt: previous ? previous.payload.typedAt : deviceTime(new Date()),
      created: previous ? previous.created : Date.now(),
      after: previous ? (previous.payload.after || "") : after,
      name: [value("first_name"), value("last_name")].filter(Boolean).join(" "),
      choice: ""
    };
    reg.forgetDraft(value("submission_token") || (field("submission_token") || {}).value);
    var listed = previous ? [] : rowsOf(fields);
    return offline.queue(key, payload).then(function () {
      if (!previous) {
        if (!after) siblings = listed;
        if (current) siblings = siblings.filter(function (row) { return row !== current; });
        current = null;
      }
      fixing = null;
      fixingBox.hidden = true;
      if (location.hash.indexOf("#fix=") === 0) history.replaceState(null, "", location.pathname);
      last = { key: key, fields: fields };
      showSaved(key);
      if (navigator.onLine !== false) offline.syncOnce();
      return key;
    });
  }

  function rowsOf(fields) {
    var rows = {};
    fields.forEach(function (pair) {
      var m = /^accompanying_children-(\d+)-(\w+)$/.exec(pair[0]);
      if (m) (rows[m[1]] = rows[m[1]] || {})[m[2]] = pair[1];
    });
    return Object.keys(rows).map(function (i) { return rows[i]; })
      .filter(function (row) { return row.first_name; });
  }

  function showSaved(key) {
    var box = document.getElementById("offline-siblings");
    box.textContent = "";
    siblings.forEach(function (row) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "primary";
      button.textContent = offline.fmt(T.register_sibling, { name: [row.first_name, row.last_name].join(" ") });
      button.addEventListener("click", function () { startAgain(true, row); });
      box.appendChild(button);
    });
    document.getElementById("offline-saved-title").textContent = T.saved_title;
    document.getElementById("offline-saved-text").textContent = offline.fmt(T.saved_text, { ref: offline.ref(key) });
    document.getElementById("offline-saved-ref").textContent = offline.ref(key);
    document.getElementById("offline-next-child").textContent = T.next_child;
    document.getElementById("offline-new-family").textContent = T.new_family;
    form.hidden = true;
    hint.hidden = true;
    saved.hidden = false;
    saved.focus();
    window.scrollTo(0, 0);
  }

  function blankForm() {
    form.reset();
    Object.keys(initialRows).forEach(function (group) {
      var tbody = document.querySelector("#group-" + group + " tbody");
      if (tbody) {
        while (tbody.children.length > initialRows[group]) tbody.lastElementChild.remove();
      }
      field(group + "-TOTAL_FORMS").value = initialRows[group];
    });
    clearMessages();
    newToken();
  }
  function apply(fields) {
    fields.forEach(function (pair) {
      form.querySelectorAll('[name="' + pair[0] + '"]').forEach(function (el) {
        if (el.type === "radio" || el.type === "checkbox") {
          if (el.value === pair[1]) el.checked = true;
        } else {
          el.value = pair[1];
        }
      });
    });
  }
  function startAgain(household, sibling) {
    blankForm();
    current = sibling || null;
    if (household && last) {
      apply(last.fields.filter(function (pair) { return carried.indexOf(pair[0]) >= 0; }));
      after = last.key;
      if (sibling) {
        apply([["first_name", sibling.first_name || ""], ["last_name", sibling.last_name || ""],
          ["sex", sibling.sex || ""], ["date_of_birth", sibling.date_of_birth || ""]]);
      }
    } else {
      after = "";
      siblings = [];
    }
    saved.hidden = true;
    form.hidden = false;
    reg.refresh();
    window.scrollTo(0, 0);
    var first = field("first_name");
    if (first && household) first.focus();
  }
  document.getElementById("offline-next-child").addEventListener("click", function () { startAgain(true, null); });
  document.getElementById("offline-new-family").addEventListener("click", function () { startAgain(false); });

  // Is the server there? A failed save would otherwise lose the page to a browser error.
  function reachable() {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, 8000) : null;
    return fetch("/health/", { cache: "no-store", credentials: "same-origin", signal: controller && controller.signal })
      .then(function (response) { return response.ok; })
      .catch(function () { return false; })
      .then(function (ok) { clearTimeout(timer); return ok; });
  }

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (submitter && submitter.hasAttribute("data-add-row")) return;
    var action = submitter && submitter.name === "action" ? submitter.value : "save";
    var withoutNetwork = offlinePage || navigator.onLine === false;
    if (action !== "save") {
      // Searching and checking need the server.
      if (withoutNetwork) {
        event.preventDefault();
        formErrors.textContent = T.not_offline;
        formErrors.hidden = false;
      }
      return;
    }
    if (withoutNetwork) {
      event.preventDefault();
      offline.ready.then(queue);
      return;
    }
    if (probed) return;
    event.preventDefault();
    reachable().then(function (ok) {
      if (!ok) { offline.ready.then(queue); return; }
      probed = true;
      form.requestSubmit(submitter || undefined);
    });
  });

  // -- Opening a refused registration to fix it -----------------------------------------

  function openToFix(key) {
    return offline.entry(key).then(function (entry) {
      if (!entry) return;
      fixing = entry;
      reg.restore({ fields: entry.payload.fields });
      after = entry.payload.after || "";
      var loose = showMessages(entry.payload.errors || {});
      document.getElementById("offline-fixing-text").textContent = offline.fmt(T.fixing, { ref: offline.ref(key) });
      var list = document.getElementById("offline-fixing-errors");
      list.textContent = "";
      loose.forEach(function (message) {
        var li = document.createElement("li");
        li.textContent = message;
        list.appendChild(li);
      });
      fixingBox.hidden = false;
      fixingBox.scrollIntoView({ block: "start" });
    });
  }
  var match = /^#fix=([0-9a-f-]{36})$/.exec(location.hash);
  if (match) offline.ready.then(function () { return openToFix(match[1]); });

  // -- The worker's own recent cases: a hint while typing without the server's panel ----

  function plain(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }
  function recentHint() {
    if (navigator.onLine !== false && !offlinePage) return;
    var first = plain(value("first_name")), lastName = plain(value("last_name")), dob = value("date_of_birth");
    if (!first && !lastName) { hint.hidden = true; return; }
    var found = (offline.recent || []).filter(function (c) {
      var same = plain(c.first_name) === first && plain(c.last_name) === lastName;
      return same || (dob && c.date_of_birth === dob && plain(c.last_name) === lastName);
    });
    hint.hidden = !found.length;
    if (found.length) {
      hint.textContent = offline.fmt(T.recent_hint, {
        cases: found.map(function (c) { return c.code + " " + [c.first_name, c.last_name].join(" ") + (c.date_of_birth ? " · " + c.date_of_birth : ""); }).join("; ")
      });
    }
  }
  ["first_name", "last_name", "date_of_birth"].forEach(function (name) {
    var el = field(name);
    if (el) el.addEventListener("change", recentHint);
  });

  // Buttons that need the server say so when there is none.
  function marks() {
    var without = offlinePage || navigator.onLine === false;
    form.querySelectorAll("[data-needs-network]").forEach(function (button) {
      button.title = without ? T.not_offline : "";
      button.classList.toggle("needs-network", without);
    });
  }
  window.addEventListener("online", marks);
  window.addEventListener("offline", marks);
  marks();
})();
