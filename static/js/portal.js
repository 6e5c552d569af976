/* Every page: after an action that brings the person back to a part of the page (the row
 * of the component they just uploaded, replaced or took out), the focus goes there too,
 * not only the scroll position, so a keyboard or screen-reader user carries on where they
 * were. Only targets made focusable on purpose (tabindex="-1") take it.
 */
(function () {
  "use strict";
  var id = window.location.hash.slice(1);
  if (!id) {
    return;
  }
  var target = document.getElementById(decodeURIComponent(id));
  if (target && target.getAttribute("tabindex") === "-1" && !document.querySelector("[autofocus]")) {
    target.focus();
  }
})();
