/* Today's exercises: focus on what was just logged (autofocus does it too), and a countdown timer for
   holds (the page works without it). */
(function () {
  "use strict";
  var logged = document.querySelector("[data-focus-on-load]");
  if (logged && document.activeElement !== logged) { logged.focus(); }
  document.querySelectorAll(".hold-timer").forEach(function (box) {
    var seconds = parseInt(box.dataset.seconds, 10);
    var button = box.querySelector(".timer-start");
    var count = box.querySelector(".timer-count");
    var status = box.querySelector(".timer-status");
    var timer = null;
    if (!seconds || !button) { return; }
    box.hidden = false;
    function stop() {
      window.clearInterval(timer);
      timer = null;
      button.disabled = false;
    }
    button.addEventListener("click", function () {
      if (timer) { return; }
      var left = seconds;
      count.textContent = left;
      status.textContent = box.dataset.go;
      button.disabled = true;
      timer = window.setInterval(function () {
        left -= 1;
        count.textContent = Math.max(left, 0);
        if (left <= 0) {
          stop();
          count.textContent = seconds;
          status.textContent = box.dataset.done;
          if (navigator.vibrate) { navigator.vibrate(200); }
        }
      }, 1000);
    });
  });
})();
