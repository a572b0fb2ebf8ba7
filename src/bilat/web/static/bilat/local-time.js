// An event's times on the visitor's own clock. The page already says them in the event's
// zone and in UTC; this adds a line in the browser's zone when it differs from the event's.
// Written as a file (the Content-Security-Policy refuses inline scripts).
(function () {
  "use strict";
  var format = function (start, end, zone) {
    var day = { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: zone };
    var hour = { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone };
    var dayOf = function (d) { return d.toLocaleDateString("en-GB", day); };
    var hourOf = function (d) { return d.toLocaleTimeString("en-GB", hour); };
    if (dayOf(start) === dayOf(end)) {
      return dayOf(start) + ", " + hourOf(start) + "–" + hourOf(end);
    }
    return dayOf(start) + ", " + hourOf(start) + " – " + dayOf(end) + ", " + hourOf(end);
  };
  document.querySelectorAll("[data-event-start]").forEach(function (node) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone || zone === node.dataset.eventZone) { return; }
    var start = new Date(node.dataset.eventStart);
    var end = new Date(node.dataset.eventEnd);
    var line = document.createElement("span");
    line.className = "visitor-time";
    line.textContent = "Your time: " + format(start, end, zone) + " (" + zone + ")";
    node.appendChild(line);
  });
})();
