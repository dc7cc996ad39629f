/* Every form that posts sends once: a double click or a second Enter does not send it again.
   The buttons are disabled just after the submit has begun, so the clicked button's name and value
   still go with the form (the plan builder's "Save plan" and "Check" depend on them), and the clicked
   one says "Sending…" (the page's words, from <body data-sending>). Pages that store something also
   carry a hidden client_id, so a resend that does get through stores nothing new. */
(function () {
  "use strict";
  // If no reply comes (a dropped connection), the form can be sent again after this long.
  var RETRY_AFTER_MS = 15000;

  function buttons(form) {
    return form.querySelectorAll("button:not([type=button]):not([type=reset]), input[type=submit]");
  }

  function release(form) {
    window.clearTimeout(form.sendOnceTimer);
    delete form.dataset.sent;
    form.removeAttribute("aria-busy");
    buttons(form).forEach(function (button) {
      button.disabled = false;
      if (button.sendOnceLabel !== undefined) {
        button.innerHTML = button.sendOnceLabel;  // its own markup back, visually hidden words included
        delete button.sendOnceLabel;
      }
    });
  }

  // On the document, so it runs after the page's own submit handlers: a form they stopped is not held.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.method !== "post") { return; }
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
    var clicked = event.submitter, sending = document.body.dataset.sending;
    window.setTimeout(function () {
      form.setAttribute("aria-busy", "true");
      buttons(form).forEach(function (button) { button.disabled = true; });
      if (clicked && clicked.tagName === "BUTTON" && sending) {
        clicked.sendOnceLabel = clicked.innerHTML;
        clicked.textContent = sending;
      }
    }, 0);
    form.sendOnceTimer = window.setTimeout(function () { release(form); }, RETRY_AFTER_MS);
  });

  // Back to a page the browser kept as it was left: its forms can be used again. A form that was sent
  // forgets its client_id, so what is sent from it now (perhaps changed) is a new submission, not taken
  // for a repeat of the first (pages are never cached, so most browsers fetch a new form anyway).
  window.addEventListener("pageshow", function (event) {
    document.querySelectorAll("form[data-sent]").forEach(function (form) {
      if (event.persisted) {
        form.querySelectorAll("input[type=hidden][name$=client_id]").forEach(function (input) { input.value = ""; });
      }
      release(form);
    });
  });
})();
