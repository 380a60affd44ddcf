// Small behaviours shared by every page (no framework).
// data-confirm="…" on a form or on its submit button: ask before submitting (e.g. a Remove button).
// data-confirm-if-filled="…" on a submit button: ask only when a text box of its form already has text.
(function () {
  "use strict";
  function hasText(form) {
    return Array.prototype.some.call(form.querySelectorAll("textarea, input[type=text]"), function (el) {
      return el.value.trim() !== "";
    });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter || null;
    var message = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (!message && button && button.hasAttribute("data-confirm-if-filled") && hasText(form)) {
      message = button.getAttribute("data-confirm-if-filled");
    }
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();
