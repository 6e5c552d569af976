// The API docs page (templates/api/docs.html): names for the controls Swagger UI leaves
// unnamed, so screen readers can tell them apart (axe: select-name). Swagger renders and
// re-renders as operations open, hence the observer.
"use strict";

(() => {
  const nameControls = (root) => {
    for (const row of root.querySelectorAll("tr[data-param-name]")) {
      const name = row.getAttribute("data-param-name");
      const where = row.getAttribute("data-param-in");
      for (const control of row.querySelectorAll("select, input, textarea")) {
        if (!control.hasAttribute("aria-label")) {
          control.setAttribute("aria-label", where ? `${name} (${where})` : name);
        }
      }
    }
  };
  const target = document.getElementById("swagger-ui");
  new MutationObserver(() => nameControls(target)).observe(target, {
    childList: true,
    subtree: true,
  });
})();
