// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Ask before irreversible-looking actions (forms marked with data-confirm).
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { e.preventDefault(); }
  });
  // Select a one-time link on focus so it can be copied with one tap.
  document.querySelectorAll("input[readonly], textarea[readonly]").forEach(function (el) {
    el.addEventListener("focus", function () { el.select(); });
  });
  // Prevent a double tap from sending a form twice on a slow connection.
  document.addEventListener("submit", function (e) {
    if (e.defaultPrevented) { return; }
    var b = e.target.querySelector("button[type=submit]");
    if (b) { setTimeout(function () { b.disabled = true; }, 0); }
  });
})();
// Copy buttons (hidden without JavaScript): data-copy names the field (or the text, such as an
// account number) that is copied.
document.querySelectorAll("button[data-copy]").forEach(function (b) {
  var field = document.getElementById(b.getAttribute("data-copy"));
  if (!field || !navigator.clipboard) { return; }
  b.hidden = false;
  b.addEventListener("click", function () {
    var text = field.value !== undefined ? field.value : field.textContent.trim();
    navigator.clipboard.writeText(text).then(function () { b.textContent = "Tersalin"; });
  });
});
