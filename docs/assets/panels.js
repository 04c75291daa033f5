/*
 * Live panels of the guide (placeholder).
 *
 * Finds every <div class="ds24-panel" data-panel="NAME"> and, later, fills it
 * from the sandbox API on the same origin. navigation.instant is off, so a plain
 * DOMContentLoaded is enough. Nothing here may load anything from outside.
 */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var panels = document.querySelectorAll(".ds24-panel[data-panel]");
    for (var i = 0; i < panels.length; i += 1) {
      panels[i].setAttribute("data-panel-ready", "false");
    }
  });
})();
