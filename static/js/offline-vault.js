/* Registrations saved without a connection, kept in this browser for the worker who typed
   them only (docs/offline.md).

   - Where: IndexedDB "primero-offline" (it survives a reload, a new login and a browser
     restart). Store "queue": one record per registration, {key, owner, created, state,
     iv, data}: key is the registration's idempotency key (a UUID4 made here), owner the
     worker's opaque tag (from the server, no username), state a word (waiting, refused,
     duplicates): everything the family said is in data, encrypted. Store "keys": the
     worker's data key, wrapped. Store "recent": the worker's own recent cases (codes and
     names, for the duplicate hint), encrypted.
   - How: AES-GCM 256 with a random IV per write, the owner and key as additional data.
     The data key is random, made in this browser; it is stored only wrapped (AES-GCM)
     under a key derived with PBKDF2-SHA-256 (600,000 iterations) from the worker's
     password, which the login page's script derives before the password is sent. The
     server never has either key. Unwrapped, the data key lives in sessionStorage (this
     tab's session; gone when the browser closes) and is removed at "Log out".
   - Another worker on the same tablet has another tag and another password: their pages
     list none of these records, and could not decrypt one. */
window.PrimeroVault = (function () {
  "use strict";
  var DB_NAME = "primero-offline";
  var ITERATIONS = 600000;
  var SESSION_KEY = "primero-offline-key";
  var PENDING = "primero-offline-pending";
  var subtle = window.crypto && window.crypto.subtle;
  var encoder = new TextEncoder();

  function available() {
    return !!(subtle && window.indexedDB && window.crypto.randomUUID && window.sessionStorage);
  }

  function toBase64(buffer) {
    var bytes = new Uint8Array(buffer), raw = "";
    for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw);
  }
  function fromBase64(text) {
    var raw = atob(text), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          var d = request.result;
          d.createObjectStore("keys", { keyPath: "owner" });
          d.createObjectStore("recent", { keyPath: "owner" });
          var queue = d.createObjectStore("queue", { keyPath: "key" });
          queue.createIndex("owner", "owner");
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return dbPromise;
  }
  // One request in one transaction, resolved when the transaction is committed.
  function run(store, mode, make) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var t = d.transaction(store, mode), request = make(t.objectStore(store));
        t.oncomplete = function () { resolve(request ? request.result : undefined); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error); };
      });
    });
  }

  // -- Keys ---------------------------------------------------------------------------

  function salt(username) {
    // Known before the login (no lookup needed), different for each user and site.
    var text = "primero-offline:" + location.origin + ":" + username.trim().toLowerCase();
    return subtle.digest("SHA-256", encoder.encode(text));
  }
  function deriveKek(username, password) {
    return Promise.all([
      subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveBits"]),
      salt(username)
    ]).then(function (parts) {
      return subtle.deriveBits(
        { name: "PBKDF2", hash: "SHA-256", salt: parts[1], iterations: ITERATIONS }, parts[0], 256);
    });
  }
  // The login page: the password is turned into a key-encryption key before it is sent,
  // kept for the next page only (which knows whether the login succeeded).
  // purpose "password": a new password typed on the password change page, used only on
  // the page that confirms the change, and only for a few minutes.
  function rememberLogin(username, password, purpose) {
    if (!available() || !username || !password) return Promise.resolve();
    return deriveKek(username, password).then(function (bits) {
      sessionStorage.setItem(PENDING, JSON.stringify({
        username: username.trim().toLowerCase(), kek: toBase64(bits), purpose: purpose || "login", at: Date.now()
      }));
    });
  }
  function importAes(raw, usages) {
    return subtle.importKey("raw", raw, { name: "AES-GCM" }, false, usages);
  }
  function wrap(kekRaw, owner, dataRaw) {
    var iv = window.crypto.getRandomValues(new Uint8Array(12));
    return importAes(kekRaw, ["encrypt"]).then(function (kek) {
      return subtle.encrypt({ name: "AES-GCM", iv: iv, additionalData: encoder.encode("key:" + owner) }, kek, dataRaw);
    }).then(function (wrapped) {
      return run("keys", "readwrite", function (s) {
        return s.put({ owner: owner, iv: toBase64(iv), wrapped: toBase64(wrapped), at: Date.now() });
      });
    });
  }
  function remember(owner, raw) {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify({ owner: owner, key: toBase64(raw) }));
    return importAes(raw, ["encrypt", "decrypt"]);
  }

  /* The data key of this worker (owner tag; username to match the login), or null when
     it cannot be had in this session: unlocked at the first page after the login, kept
     for the session, wrapped again under a new password after a password change. */
  function unlock(owner, username, passwordChanged) {
    if (!available()) return Promise.resolve(null);
    var held = null, pending = null;
    try { held = JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null"); } catch (e) { held = null; }
    try { pending = JSON.parse(sessionStorage.getItem(PENDING) || "null"); } catch (e) { pending = null; }
    if (held && held.owner !== owner) {
      // Another worker's session in this tab: never used for this one.
      sessionStorage.removeItem(SESSION_KEY);
      held = null;
    }
    var mine = pending && pending.username === String(username).trim().toLowerCase();
    if (pending && !mine) { sessionStorage.removeItem(PENDING); pending = null; }
    if (mine && pending.purpose === "password") {
      // Not yet (the change may still be refused), or too late (an abandoned attempt).
      if (!held || Date.now() - pending.at > 5 * 60 * 1000) {
        sessionStorage.removeItem(PENDING);
        mine = false;
      } else if (!passwordChanged) {
        mine = false;
      }
    }
    if (held) {
      var raw = fromBase64(held.key);
      if (!mine) return importAes(raw, ["encrypt", "decrypt"]);
      // A new password (the password change page): the same data key, wrapped anew.
      sessionStorage.removeItem(PENDING);
      return wrap(fromBase64(pending.kek), owner, raw).then(function () {
        return importAes(raw, ["encrypt", "decrypt"]);
      });
    }
    if (!mine) return Promise.resolve(null);
    sessionStorage.removeItem(PENDING);
    var kekRaw = fromBase64(pending.kek);
    return run("keys", "readonly", function (s) { return s.get(owner); }).then(function (record) {
      if (record) {
        return importAes(kekRaw, ["decrypt"]).then(function (kek) {
          return subtle.decrypt({ name: "AES-GCM", iv: fromBase64(record.iv), additionalData: encoder.encode("key:" + owner) },
            kek, fromBase64(record.wrapped));
        }).then(function (raw) { return remember(owner, raw); }, function () {
          // Wrapped under another password (reset by an administrator): what it locks
          // stays locked and nothing of it is overwritten; with nothing locked, a new key.
          return records(owner).then(function (found) {
            if (found.length) return null;
            var fresh = window.crypto.getRandomValues(new Uint8Array(32));
            return wrap(kekRaw, owner, fresh).then(function () { return remember(owner, fresh); });
          });
        });
      }
      var raw = window.crypto.getRandomValues(new Uint8Array(32));
      return wrap(kekRaw, owner, raw).then(function () { return remember(owner, raw); });
    });
  }
  function forget() {
    try { sessionStorage.removeItem(SESSION_KEY); sessionStorage.removeItem(PENDING); } catch (e) { /* unavailable */ }
  }

  // -- Sealed records -----------------------------------------------------------------

  function seal(key, aad, value) {
    var iv = window.crypto.getRandomValues(new Uint8Array(12));
    return subtle.encrypt({ name: "AES-GCM", iv: iv, additionalData: encoder.encode(aad) }, key,
      encoder.encode(JSON.stringify(value))).then(function (data) {
      return { iv: toBase64(iv), data: toBase64(data) };
    });
  }
  function open(key, aad, sealed) {
    return subtle.decrypt({ name: "AES-GCM", iv: fromBase64(sealed.iv), additionalData: encoder.encode(aad) }, key,
      fromBase64(sealed.data)).then(function (plain) {
      return JSON.parse(new TextDecoder().decode(plain));
    });
  }

  function saveEntry(key, owner, entry) {
    return seal(key, owner + ":" + entry.key, entry.payload).then(function (sealed) {
      return run("queue", "readwrite", function (s) {
        return s.put({ key: entry.key, owner: owner, created: entry.created, state: entry.state,
          iv: sealed.iv, data: sealed.data });
      });
    });
  }
  function records(owner) {
    return run("queue", "readonly", function (s) { return s.index("owner").getAll(owner); })
      .then(function (found) { return found.sort(function (a, b) { return a.created - b.created; }); });
  }
  function readEntry(key, record) {
    return open(key, record.owner + ":" + record.key, record).then(function (payload) {
      return { key: record.key, owner: record.owner, created: record.created, state: record.state, payload: payload };
    });
  }
  function deleteEntry(id) {
    return run("queue", "readwrite", function (s) { return s.delete(id); });
  }
  function saveRecent(key, owner, list) {
    return seal(key, owner + ":recent", list).then(function (sealed) {
      return run("recent", "readwrite", function (s) {
        return s.put({ owner: owner, iv: sealed.iv, data: sealed.data, at: Date.now() });
      });
    });
  }
  function readRecent(key, owner) {
    return run("recent", "readonly", function (s) { return s.get(owner); }).then(function (record) {
      return record ? open(key, owner + ":recent", record) : [];
    }).catch(function () { return []; });
  }

  return {
    available: available, rememberLogin: rememberLogin, unlock: unlock, forget: forget,
    saveEntry: saveEntry, records: records, readEntry: readEntry, deleteEntry: deleteEntry,
    saveRecent: saveRecent, readRecent: readRecent
  };
})();
