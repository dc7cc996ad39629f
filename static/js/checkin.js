/* Check-in page: small helpers on top of a form that works without JavaScript. */
(function () {
  "use strict";
  var form = document.getElementById("checkin-form");
  if (!form) return;

  function checked(name) {
    var input = form.querySelector("input[name='" + name + "']:checked");
    return input ? parseInt(input.value, 10) : null;
  }

  // The worst pain in 24 hours is at least the pain now: raise it when it is lower.
  form.addEventListener("change", function (event) {
    var name = event.target.name;
    if (name !== "pain_now" && name !== "pain_worst_24h") return;
    var now = checked("pain_now"), worst = checked("pain_worst_24h");
    if (now === null || worst === null || worst >= now) return;
    var target = name === "pain_now" ? "pain_worst_24h" : "pain_now";
    var value = name === "pain_now" ? now : worst;
    var other = form.querySelector("input[name='" + target + "'][value='" + value + "']");
    if (other) other.checked = true;
  });

  // - / + buttons beside number boxes, so nobody has to type with a sore hand.
  form.querySelectorAll("input.count").forEach(function (input) {
    var min = parseInt(input.min || "0", 10), max = parseInt(input.max || "50", 10);
    function button(text, label, step) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "button step";
      b.textContent = text;
      b.setAttribute("aria-label", label);
      b.addEventListener("click", function () {
        var value = (parseInt(input.value, 10) || 0) + step;
        input.value = Math.min(max, Math.max(min, value));
      });
      return b;
    }
    var wrap = document.createElement("div");
    wrap.className = "stepper";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(button("\u2212", form.dataset.less || "Less", -1));
    wrap.appendChild(input);
    wrap.appendChild(button("+", form.dataset.more || "More", 1));
  });
})();
