/* Draw the rehab Plotly figures (JSON built on the server) once plotly.js has loaded. */
(function () {
  "use strict";
  function draw() {
    if (!window.Plotly) { return; }
    document.querySelectorAll("div.chart[data-figure]:not([data-drawn])").forEach(function (el) {
      var source = document.getElementById(el.dataset.figure);
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      el.setAttribute("data-drawn", "");
      el.textContent = "";
      window.Plotly.newPlot(el, figure.data, figure.layout, { responsive: true, displayModeBar: false, scrollZoom: false });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
