/* The server confirmed the save: the draft of this form is no longer needed. */
(function () {
  "use strict";
  try {
    var token = document.getElementById("registration-done").dataset.draftToken;
    var drafts = JSON.parse(localStorage.getItem("registration-draft") || "{}");
    if (token && drafts && drafts[token]) {
      delete drafts[token];
      if (Object.keys(drafts).length) localStorage.setItem("registration-draft", JSON.stringify(drafts));
      else localStorage.removeItem("registration-draft");
    }
  } catch (e) { /* storage unavailable: nothing to clear */ }
})();
