/* Care-team workspace: the triage count's poll and the timeline's Plotly charts. No framework. */
(function () {
  "use strict";

  /* Triage count: ask the server for the numbers every data-poll-seconds (30 s by default) while the page is visible. When the queue
     changed since the page was drawn, update the numbers and offer a link to the latest queue. */
  function startPoll(box) {
    var url = box.getAttribute("data-count-url");
    var shownTotal = box.getAttribute("data-total");
    var shownNewest = box.getAttribute("data-newest");
    var changed = document.getElementById("triage-changed");
    var every = (parseInt(box.getAttribute("data-poll-seconds"), 10) || 30) * 1000;

    function apply(counts) {
      box.querySelectorAll("[data-count]").forEach(function (el) {
        var value = counts[el.getAttribute("data-count")];
        // Only real changes: rewriting the same number would make screen readers read it again.
        if (typeof value === "number" && el.textContent !== String(value)) { el.textContent = String(value); }
      });
      box.classList.toggle("has-emergency", counts.emergency > 0);
      if (changed && (String(counts.total) !== shownTotal || String(counts.newest) !== shownNewest)) {
        changed.hidden = false;
      }
    }

    function poll() {
      if (document.hidden) { return; }
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, redirect: "error" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (counts) { if (counts) { apply(counts); } })
        .catch(function () { /* offline or signed out: keep the last numbers */ });
    }

    window.setInterval(poll, every);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) { poll(); } });
  }

  function drawCharts() {
    if (!window.Plotly) { return; }
    document.querySelectorAll("[data-figure]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-figure"));
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      window.Plotly.newPlot(el, figure.data, figure.layout, { responsive: true, displaylogo: false });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("triage-count");
    if (box) { startPoll(box); }
    drawCharts();
  });
})();
