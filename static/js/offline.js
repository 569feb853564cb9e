/* Offline registration, on every signed-in page (docs/offline.md): the indicator in the
   header (online or offline, how many registrations wait, "Send now"), the list of what
   waits, sending it (at page load, when the connection returns, every minute and from
   the button), and keeping what the offline page needs in the browser's cache.

   The queue itself is static/js/offline-vault.js (encrypted, per worker). Each entry is
   sent with its key to the server (offline-contract.md §1): created, replayed or linked
   deletes it; refused keeps it with its messages, to be opened in the form and fixed;
   duplicates keeps it until the worker chooses (a new child, or that existing case). */
window.PrimeroOffline = (function () {
  "use strict";
  var script = document.getElementById("offline-script");
  var vault = window.PrimeroVault;
  var stringsEl = document.getElementById("offline-strings");
  if (!script || !script.dataset.owner || !vault || !stringsEl) return null;
  var cfg = script.dataset;
  var owner = cfg.owner;
  var T = JSON.parse(stringsEl.textContent);
  var RECEIPTS = "primero-offline-receipts";
  var CACHE = "primero-offline-v1";
  var CACHED_AT = "primero-offline-cached";
  var LANGUAGES = ["ro", "uk", "en"];

  var indicator = document.getElementById("offline-indicator");
  var stateEl = document.getElementById("offline-state");
  var countEl = document.getElementById("offline-count");
  var sendEl = document.getElementById("offline-send");
  var panel = document.getElementById("offline-queue");
  var entriesEl = document.getElementById("offline-entries");
  var receiptsEl = document.getElementById("offline-receipts");

  var api = { strings: T, owner: owner, key: null, count: 0, recent: [], lastError: "" };

  function fmt(text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, name) { return name in values ? values[name] : m; });
  }
  // The provisional reference written on the family's slip: short, from the key.
  function ref(key) {
    var hex = key.replace(/-/g, "").toUpperCase();
    return "OFF-" + hex.slice(0, 4) + "-" + hex.slice(4, 8);
  }
  api.ref = ref;
  api.fmt = fmt;
  function online() { return navigator.onLine !== false; }

  function receipts() {
    try { return JSON.parse(sessionStorage.getItem(RECEIPTS) || "[]"); } catch (e) { return []; }
  }
  function addReceipt(item) {
    var all = receipts();
    all.push(item);
    try { sessionStorage.setItem(RECEIPTS, JSON.stringify(all.slice(-20))); } catch (e) { /* full */ }
  }

  // -- The indicator and the list -------------------------------------------------------

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function describe(entry) {
    var li = el("li", { "class": "offline-entry offline-" + entry.state, "data-key": entry.key });
    var head = el("div", { "class": "offline-entry-head" });
    head.appendChild(el("strong", { "class": "offline-ref" }, ref(entry.key)));
    if (entry.payload) head.appendChild(el("span", { "class": "offline-name" }, " " + (entry.payload.name || "")));
    li.appendChild(head);
    if (entry.payload && entry.payload.typedAt) {
      var when = new Date(entry.payload.typedAt);
      li.appendChild(el("small", { "class": "muted" }, fmt(T.typed_at, { time: when.toLocaleString(document.documentElement.lang) })));
    }
    var status = { refused: T.refused, duplicates: T.duplicates, waiting: T.waits_for_earlier }[entry.state] || T.queued;
    li.appendChild(el("p", { "class": "offline-status" }, status));
    var payload = entry.payload || {};
    if (entry.state === "refused") {
      var list = el("ul", { "class": "offline-errors" });
      Object.keys(payload.errors || {}).forEach(function (field) {
        (payload.errors[field] || []).forEach(function (message) {
          list.appendChild(el("li", {}, message));
        });
      });
      li.appendChild(list);
      var fix = el("a", { "class": "button", href: cfg.formUrl.replace("{lang}", document.documentElement.lang || "ro") + "#fix=" + entry.key }, T.open_to_fix);
      li.appendChild(fix);
    }
    if (entry.state === "duplicates") {
      var dups = el("ul", { "class": "offline-duplicates" });
      (payload.duplicates || []).forEach(function (d) {
        var item = el("li", {});
        var label = [d.name, d.date_of_birth, d.county].filter(Boolean).join(" · ");
        if (d.visible && d.url) {
          item.appendChild(el("a", { href: d.url, "class": "code" }, d.code));
        } else {
          item.appendChild(el("span", { "class": "code" }, d.code));
        }
        item.appendChild(document.createTextNode(" " + label + (d.visible ? "" : " " + T.not_visible) + " "));
        // A case the worker may not open cannot be linked to (the server would refuse).
        if (d.visible && d.code) {
          item.appendChild(el("button", { type: "button", "data-choice": "link:" + d.code, "data-key": entry.key }, fmt(T.link_to, { code: d.code })));
        }
        dups.appendChild(item);
      });
      li.appendChild(dups);
      li.appendChild(el("button", { type: "button", "class": "primary", "data-choice": "confirm", "data-key": entry.key }, T.confirm_new));
    }
    return li;
  }

  function render() {
    return vault.records(owner).then(function (found) {
      api.count = found.length;
      indicator.hidden = false;
      indicator.classList.toggle("is-offline", !online());
      stateEl.textContent = online() ? T.online : T.offline;
      var attention = found.filter(function (r) { return r.state === "refused" || r.state === "duplicates"; }).length;
      var text = found.length === 0 ? T.none_waiting
        : found.length === 1 ? T.waiting_one : fmt(T.waiting_many, { count: found.length });
      if (attention) text += " · " + fmt(T.attention, { count: attention });
      countEl.textContent = text;
      countEl.classList.toggle("attention", attention > 0);
      sendEl.hidden = found.length === 0;
      sendEl.disabled = !online() || !api.key;
      document.getElementById("offline-queue-title").textContent = T.queue_title;
      receiptsEl.textContent = "";
      receipts().forEach(function (r) {
        var li = el("li", { "class": "offline-receipt" });
        li.appendChild(document.createTextNode(fmt(r.linked ? T.linked : T.sent, { ref: r.ref }) + " "));
        li.appendChild(el("a", { href: r.url, "class": "code" }, r.code));
        receiptsEl.appendChild(li);
      });
      entriesEl.textContent = "";
      if (found.length && !api.key) {
        entriesEl.appendChild(el("li", { "class": "offline-locked" }, T.locked));
      }
      var reads = api.key ? found.map(function (r) {
        return vault.readEntry(api.key, r).catch(function () { return { key: r.key, state: r.state, payload: null }; });
      }) : [];
      return Promise.all(reads).then(function (entries) {
        entries.forEach(function (entry) { entriesEl.appendChild(describe(entry)); });
        if (attention && !api.shownOnce) {
          api.shownOnce = true;
          openPanel(true);
        }
        return entries;
      });
    });
  }
  api.render = render;

  function openPanel(open) {
    panel.hidden = !open;
    countEl.setAttribute("aria-expanded", open ? "true" : "false");
  }
  countEl.addEventListener("click", function () { openPanel(panel.hidden); });

  // -- Sending --------------------------------------------------------------------------

  function fetchState() {
    return fetch(cfg.stateUrl, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 403) throw new Error("login");
        if (!response.ok) throw new Error("network");
        return response.json();
      });
  }

  function body(entry) {
    var params = new URLSearchParams();
    (entry.payload.fields || []).forEach(function (pair) { params.append(pair[0], pair[1]); });
    params.set("offline_key", entry.key);
    params.set("offline_typed_at", entry.payload.typedAt);
    if (entry.payload.after) params.set("offline_after", entry.payload.after);
    params.set("offline_duplicates", entry.payload.choice || "");
    return params;
  }

  function sendOne(entry, csrf) {
    return fetch(cfg.sendUrl, {
      method: "POST", credentials: "same-origin", body: body(entry),
      headers: { "X-CSRFToken": csrf, Accept: "application/json" }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("json") < 0) throw new Error(response.status === 403 ? "login" : "network");
      return response.json().then(function (answer) {
        if (answer.status === "login") throw new Error("login");
        if (!response.ok) throw new Error("network");
        return answer;
      });
    }).then(function (answer) {
      var payload = entry.payload;
      if (answer.status === "created" || answer.status === "linked") {
        addReceipt({ ref: ref(entry.key), code: answer.code, url: answer.url, linked: answer.status === "linked" });
        return vault.deleteEntry(entry.key);
      }
      if (answer.status === "refused") {
        payload.errors = answer.errors || {};
        entry.state = "refused";
      } else if (answer.status === "duplicates") {
        payload.duplicates = answer.duplicates || [];
        payload.choice = "";
        entry.state = "duplicates";
      } else if (answer.status === "waiting") {
        entry.state = "waiting";
      } else {
        throw new Error("network");
      }
      return vault.saveEntry(api.key, owner, entry);
    });
  }

  var sending = null;
  function sync() {
    if (sending) return sending;
    if (!api.key || !online()) return render();
    sendEl.disabled = true;
    stateEl.textContent = T.sending;
    sending = vault.records(owner).then(function (found) {
      // Entries that wait for the worker (refused, or duplicates without a choice) stay.
      var ready = found.length ? Promise.all(found.map(function (r) { return vault.readEntry(api.key, r); })) : Promise.resolve([]);
      return ready.then(function (entries) {
        var due = entries.filter(function (e) {
          return e.state !== "refused" && !(e.state === "duplicates" && !e.payload.choice);
        });
        // The worker's recent cases (the duplicate hint) are asked for now and then, not
        // at every page: each answer is a look at cases, audited.
        var recentAt = Number(localStorage.getItem("primero-offline-recent:" + owner) || 0);
        if (!due.length && Date.now() - recentAt < 30 * 60 * 1000) return null;
        return fetchState().then(function (state) {
          keepRecent(state.recent || []);
          try { localStorage.setItem("primero-offline-recent:" + owner, String(Date.now())); } catch (e) { /* full */ }
          // One after the other, oldest first: an earlier child of the household first.
          return due.reduce(function (chain, entry) {
            return chain.then(function () { return sendOne(entry, state.csrf); });
          }, Promise.resolve());
        });
      });
    }).then(function () { api.lastError = ""; }, function (error) {
      api.lastError = error && error.message === "login" ? T.login_needed : T.send_failed;
    }).then(function () {
      sending = null;
      return render();
    }).then(function (entries) {
      if (api.lastError) stateEl.textContent = (online() ? T.online : T.offline) + " · " + api.lastError;
      return entries;
    });
    return sending;
  }
  api.sync = sync;
  api.body = body;

  // Runs where navigator.locks exists so that two tabs do not send at once; the server
  // would create each registration once anyway (the key is unique there).
  function syncOnce() {
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request("primero-offline-send:" + owner, { ifAvailable: true }, function (lock) {
        return lock ? sync() : render();
      });
    }
    return sync();
  }
  api.syncOnce = syncOnce;

  function keepRecent(list) {
    api.recent = list;
    if (api.key) vault.saveRecent(api.key, owner, list).catch(function () { /* a hint only */ });
  }

  sendEl.addEventListener("click", function () { syncOnce(); });
  panel.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-choice]");
    if (!button || !api.key) return;
    vault.records(owner).then(function (found) {
      var record = found.filter(function (r) { return r.key === button.dataset.key; })[0];
      if (!record) return null;
      return vault.readEntry(api.key, record).then(function (entry) {
        entry.payload.choice = button.dataset.choice;
        entry.state = "queued";
        return vault.saveEntry(api.key, owner, entry);
      });
    }).then(function () { return syncOnce(); });
  });

  // -- Queueing (the registration form, static/js/offline-form.js) -----------------------

  api.queue = function (key, payload, state) {
    return vault.saveEntry(api.key, owner, { key: key, created: payload.created || Date.now(), state: state || "queued", payload: payload })
      .then(render);
  };
  api.entry = function (key) {
    return vault.records(owner).then(function (found) {
      var record = found.filter(function (r) { return r.key === key; })[0];
      return record && api.key ? vault.readEntry(api.key, record) : null;
    });
  };

  // -- What the offline page needs, in the browser's cache -------------------------------

  function cacheForOffline(force) {
    if (!("caches" in window) || !online()) return Promise.resolve();
    var language = document.documentElement.lang || "ro";
    var settings = new Response(JSON.stringify({ form: cfg.formUrl, language: language }),
      { headers: { "Content-Type": "application/json" } });
    return caches.open(CACHE).then(function (cache) {
      var put = cache.put("/__offline/settings", settings);
      var last = null;
      try { last = JSON.parse(localStorage.getItem(CACHED_AT) || "null"); } catch (e) { last = null; }
      if (!force && last && last.owner === owner && Date.now() - last.at < 15 * 60 * 1000) return put;
      var statics = {};
      document.querySelectorAll('script[src], link[rel="stylesheet"], link[rel="icon"], link[rel="manifest"]').forEach(function (node) {
        statics[node.getAttribute("src") || node.getAttribute("href")] = true;
      });
      var pages = LANGUAGES.map(function (lang) {
        var url = cfg.formUrl.replace("{lang}", lang);
        return fetch(url, { credentials: "same-origin" }).then(function (response) {
          if (!response.ok || response.redirected) throw new Error("not cached");
          return response.clone().text().then(function (html) {
            var doc = new DOMParser().parseFromString(html, "text/html");
            doc.querySelectorAll("script[src], link[href]").forEach(function (node) {
              var src = node.getAttribute("src") || node.getAttribute("href");
              if (src && src.charAt(0) === "/" && src.indexOf("/static/") === 0) statics[src] = true;
            });
            return cache.put(url, response);
          });
        });
      });
      return Promise.all([put].concat(pages)).then(function () {
        var urls = Object.keys(statics).filter(function (u) { return u && u.charAt(0) === "/"; });
        return cache.addAll(urls);
      }).then(function () {
        localStorage.setItem(CACHED_AT, JSON.stringify({ owner: owner, at: Date.now() }));
      });
    });
  }
  api.cacheForOffline = cacheForOffline;

  // Logging out: the pages kept for offline use show this worker's name in the header.
  api.forgetPages = function () {
    try { localStorage.removeItem(CACHED_AT); } catch (e) { /* unavailable */ }
    if (!("caches" in window)) return Promise.resolve();
    return caches.open(CACHE).then(function (cache) {
      return Promise.all(LANGUAGES.map(function (lang) { return cache.delete(cfg.formUrl.replace("{lang}", lang)); })
        .concat([cache.delete("/__offline/settings")]));
    });
  };

  // -- Start ------------------------------------------------------------------------------

  if ("serviceWorker" in navigator && cfg.swUrl) {
    navigator.serviceWorker.register(cfg.swUrl, { scope: "/" }).catch(function () { /* no offline page */ });
  }
  window.addEventListener("online", function () { syncOnce(); });
  window.addEventListener("offline", function () { render(); });
  setInterval(function () { if (online()) syncOnce(); }, 60 * 1000);

  api.ready = vault.unlock(owner, cfg.username, location.pathname === cfg.passwordDoneUrl).catch(function () { return null; }).then(function (key) {
    api.key = key;
    if (key) {
      vault.readRecent(key, owner).then(function (list) { if (!api.recent.length) api.recent = list || []; });
    }
    return render();
  }).then(function () {
    // Not on the second login step: requests in the background there would save the
    // session (SESSION_SAVE_EVERY_REQUEST) while the code is checked, and undo the login.
    if (online() && location.pathname.indexOf("/accounts/two-factor/") !== 0) {
      api.cached = cacheForOffline().catch(function () { /* tried again at the next page */ });
      return syncOnce();
    }
    return null;
  }).catch(function () { return null; }).then(function () { return api; });
  return api;
})();
