// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Ask before irreversible-looking actions (forms marked with data-confirm).
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { e.preventDefault(); }
  });
  // Select a one-time link on focus so it can be copied with one tap.
  document.querySelectorAll("input[readonly]").forEach(function (el) {
    el.addEventListener("focus", function () { el.select(); });
  });
  // Prevent a double tap from sending a form twice on a slow connection.
  document.addEventListener("submit", function (e) {
    if (e.defaultPrevented) { return; }
    var b = e.target.querySelector("button[type=submit]");
    if (b) { setTimeout(function () { b.disabled = true; }, 0); }
  });
})();
