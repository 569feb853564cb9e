/* Unsaved registrations kept in this browser, readable only by the user who typed them.
   Each user's drafts are one localStorage entry (data-draft-store), encrypted with
   AES-GCM under a key of the user's own (data-draft-key) that the server puts in the
   pages of that user's session; the key is never stored in the browser. Another user of
   the same tablet gets another entry and another key: nothing of the first is offered
   or readable. Without Web Crypto (a page not served over HTTPS or from localhost) no
   draft is kept at all rather than one in clear text. */
window.PrimeroDrafts = (function () {
  "use strict";
  // Drafts of before this file were kept in clear under one key for everybody: whose
  // they were is unknown, so they are dropped.
  var LEGACY = "registration-draft";
  try { localStorage.removeItem(LEGACY); } catch (e) { /* storage unavailable */ }

  function fromBase64(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var raw = atob(b64), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }
  function toBase64(buffer) {
    var bytes = new Uint8Array(buffer), raw = "";
    for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw);
  }

  function open(element) {
    var keyText = element && element.dataset.draftKey;
    var store = element && element.dataset.draftStore;
    var subtle = window.crypto && window.crypto.subtle;
    if (!keyText || !store || !subtle) return null;
    var aad = new TextEncoder().encode(store);
    var key = subtle.importKey("raw", fromBase64(keyText), { name: "AES-GCM" }, false,
      ["encrypt", "decrypt"]);

    function read() {
      var stored;
      try { stored = JSON.parse(localStorage.getItem(store) || "null"); } catch (e) { stored = null; }
      if (!stored || stored.v !== 1) return Promise.resolve({});
      return key.then(function (k) {
        return subtle.decrypt({ name: "AES-GCM", iv: fromBase64(stored.iv), additionalData: aad },
          k, fromBase64(stored.data));
      }).then(function (plain) {
        var all = JSON.parse(new TextDecoder().decode(plain));
        return all && typeof all === "object" && !Array.isArray(all) ? all : {};
      }).catch(function () {
        // Not ours to read any more (the server's key changed): it can never be restored.
        try { localStorage.removeItem(store); } catch (e) { /* nothing to do */ }
        return {};
      });
    }
    function write(all) {
      if (!Object.keys(all).length) {
        try { localStorage.removeItem(store); } catch (e) { /* nothing to do */ }
        return Promise.resolve();
      }
      var iv = window.crypto.getRandomValues(new Uint8Array(12));
      var plain = new TextEncoder().encode(JSON.stringify(all));
      return key.then(function (k) {
        return subtle.encrypt({ name: "AES-GCM", iv: iv, additionalData: aad }, k, plain);
      }).then(function (sealed) {
        try {
          localStorage.setItem(store, JSON.stringify({ v: 1, iv: toBase64(iv), data: toBase64(sealed) }));
        } catch (e) { /* storage full or disabled: the form still works */ }
      });
    }
    // Reads and writes one after the other, so that a later save never loses to an earlier.
    var queue = Promise.resolve();
    function update(change) {
      queue = queue.then(read).then(function (all) {
        change(all);
        return write(all);
      }).catch(function () { /* a draft is a convenience: never break the form */ });
      return queue;
    }
    return { read: read, update: update };
  }

  function forget(store) {
    if (!store) return;
    try { localStorage.removeItem(store); } catch (e) { /* storage unavailable */ }
  }

  return { open: open, forget: forget };
})();
