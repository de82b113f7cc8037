// briefgen serve: reload the page when the fact base changes (a long poll of /__version),
// and, on the brief itself, a bar of links to the other pages.
(function () {
  "use strict";
  var script = document.currentScript;
  var version = script.getAttribute("data-version");
  if (script.hasAttribute("data-nav")) {
    var nav = document.createElement("nav");
    nav.className = "preview";
    nav.setAttribute("style", "display:flex;gap:1.2rem;padding:.4rem 1rem;margin:-1.5rem -1.25rem 1rem;" +
      "background:#f3f4f6;border-bottom:1px solid #d9d9de;font:600 14px sans-serif");
    [["/", "Brief"], ["/facts", "Facts"], ["/sources", "Sources"]].forEach(function (link) {
      var a = document.createElement("a");
      a.href = link[0];
      a.textContent = link[1];
      a.setAttribute("style", "color:#1f4e79;text-decoration:none");
      nav.appendChild(a);
    });
    document.body.insertBefore(nav, document.body.firstChild);
  }
  function poll() {
    fetch("/__version?since=" + version, { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.statusText); }  // busy: try again later
        return response.text();
      })
      .then(function (current) {
        if (current.trim() !== version) {
          location.reload();
        } else {
          poll();
        }
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
