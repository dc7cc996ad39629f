/* Plan builder: live conflict preview and usual doses as the therapist picks exercises.
   The server decides: this only shows what it already computed for this patient (the page's
   "Check for conflicts" button does the same without JavaScript). */
(function () {
  "use strict";
  var form = document.getElementById("plan-form");
  if (!form) { return; }
  var conflicts = JSON.parse(document.getElementById("exercise-conflicts").textContent || "{}");
  var defaults = JSON.parse(document.getElementById("exercise-defaults").textContent || "{}");
  var label = document.getElementById("conflict-label").innerHTML;

  function update(select) {
    var row = select.closest(".plan-row");
    if (!row) { return; }
    var box = row.querySelector(".row-conflicts");
    var found = conflicts[select.value] || [];
    box.textContent = "";
    row.classList.toggle("has-conflict", found.length > 0);
    if (found.length) {
      var p = document.createElement("p");
      p.className = "conflict-note";
      var strong = document.createElement("strong");
      strong.innerHTML = label;
      p.appendChild(strong);
      p.appendChild(document.createTextNode(" " + found.join("; ")));
      box.appendChild(p);
    }
    var dose = defaults[select.value];
    ["sets", "reps", "hold_seconds"].forEach(function (name, i) {
      var input = row.querySelector("input[name$='-" + name + "']");
      if (input) { input.placeholder = dose ? String(dose[i]) : ""; }
    });
  }

  form.querySelectorAll("select[name$='-exercise']").forEach(function (select) {
    update(select);
    select.addEventListener("change", function () { update(select); });
  });
})();
