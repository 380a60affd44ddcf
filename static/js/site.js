// Small behaviours shared by every page (no framework). The Content-Security-Policy allows no inline
// script and no event-handler attributes: pages ask for a behaviour with a data- attribute instead.
// data-confirm="…" on a form or on its submit button: ask before submitting (e.g. a Remove button).
// data-confirm-if-filled="…" on a submit button: ask only when a text box of its form already has text.
// data-autosubmit on a select: submit its form when the choice changes (the language selector).
// data-print on a button: print the page.
// data-form-control on a form: give its text boxes Bootstrap's form-control look.
// The navbar link of the section on screen gets aria-current.
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
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) {
      el.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var el = event.target.closest && event.target.closest("[data-print]");
    if (el) {
      event.preventDefault();
      window.print();
    }
  });
  function decorate() {
    document.querySelectorAll("form[data-form-control] input, form[data-form-control] textarea").forEach(function (el) {
      if (!/^(checkbox|radio|hidden|submit|button|file)$/.test(el.type)) {
        el.classList.add("form-control");
      }
    });
  }
  // The navbar says which section the reader is in (aria-current), underlined, not by place alone.
  function markCurrentSection() {
    var path = window.location.pathname;
    var best = null;
    document.querySelectorAll("#mainnav .nav-link[href]").forEach(function (link) {
      var href = link.getAttribute("href");
      if (href.charAt(0) === "/" && href !== "/" && path.indexOf(href) === 0 &&
          (!best || href.length > best.getAttribute("href").length)) {
        best = link;
      }
    });
    if (best) {
      best.setAttribute("aria-current", best.getAttribute("href") === path ? "page" : "true");
    }
  }
  function ready() {
    decorate();
    markCurrentSection();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
