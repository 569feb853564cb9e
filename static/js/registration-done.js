// The server confirmed the save: the draft of this form is no longer needed.
(function () {
  "use strict";
  var done = document.getElementById("registration-done");
  var token = done && done.dataset.draftToken;
  var drafts = token && window.PrimeroDrafts ? window.PrimeroDrafts.open(done) : null;
  if (drafts) drafts.update(function (all) { delete all[token]; });
})();
