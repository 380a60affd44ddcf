// The secretary's sign-in screen: fetch who has signed in every few seconds and show it.
// The list's element names the fragment's address (data-live-url); no inline script (CSP).
(function () {
  "use strict";
  var list = document.querySelector("[data-live-url]");
  if (!list || !window.fetch) {
    return;
  }
  var url = list.getAttribute("data-live-url");
  var every = parseInt(list.getAttribute("data-live-every") || "5", 10) * 1000;
  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.text();
      })
      .then(function (html) {
        list.innerHTML = html;
        list.setAttribute("data-refreshed", new Date().toISOString());
      })
      .catch(function () {
        // Offline for a moment: try again next time.
      })
      .then(function () {
        window.setTimeout(refresh, every);
      });
  }
  window.setTimeout(refresh, every);
})();
