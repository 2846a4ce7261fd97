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
// Web Push on the notification settings page: registers the small service worker (/sw.js),
// subscribes with the instance's key and posts the subscription with the page's CSRF token.
// Without JavaScript or push support the button stays hidden and nothing changes.
(function () {
  "use strict";
  var box = document.getElementById("push-enable");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window) || !window.fetch) { return; }
  var button = document.getElementById("push-button");
  var status = document.getElementById("push-status");
  var none = document.getElementById("push-none");
  box.hidden = false;
  if (none) { none.hidden = true; }
  function say(text) { status.textContent = text; }
  function key(b64) {
    var s = (b64 + "===".slice((b64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(s), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }
  function b64(buf) {
    var bytes = new Uint8Array(buf), s = "";
    for (var i = 0; i < bytes.length; i++) { s += String.fromCharCode(bytes[i]); }
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function device() {
    var ua = navigator.userAgent;
    var m = ua.match(/Android[^;)]*;\s*([^;)]+?)(?:\sBuild|\))/);
    var browser = /Firefox\//.test(ua) ? "Firefox" : /Edg\//.test(ua) ? "Edge" : /Chrome\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : "Peramban";
    return (m ? m[1] : (/Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iPhone" : "Komputer")) + " · " + browser;
  }
  button.addEventListener("click", function () {
    button.disabled = true;
    say("Meminta izin…");
    navigator.serviceWorker.register("/sw.js").then(function (reg) {
      return navigator.serviceWorker.ready.then(function () { return reg; });
    }).then(function (reg) {
      return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key(box.getAttribute("data-vapid")) });
    }).then(function (sub) {
      var body = new URLSearchParams();
      body.set("_csrf", box.getAttribute("data-csrf"));
      body.set("endpoint", sub.endpoint);
      body.set("p256dh", b64(sub.getKey("p256dh")));
      body.set("auth", b64(sub.getKey("auth")));
      body.set("device", device());
      return fetch("/akun/notifikasi/perangkat", { method: "POST", body: body, credentials: "same-origin" });
    }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      window.location.href = "/akun/notifikasi?pesan=hp-terdaftar#hp";
    }).catch(function (e) {
      button.disabled = false;
      say(window.Notification && window.Notification.permission === "denied"
        ? "Izin notifikasi ditolak. Izinkan notifikasi untuk situs ini di pengaturan peramban, lalu coba lagi."
        : "HP ini belum dapat didaftarkan (" + e.message + "). Coba lagi nanti.");
    });
  });
})();
