/* The staff dossier page: an action that needs no input is one click and one confirmation.
 * Its button is a link to the action's page; with a <dialog> to hand, the link opens the
 * confirmation instead, whose form posts to the same action view. Without JavaScript (or
 * without <dialog>) nothing here runs and the link still works.
 */
(function () {
  "use strict";
  if (typeof HTMLDialogElement !== "function") {
    return;
  }
  document.querySelectorAll("a[data-confirm]").forEach(function (link) {
    var dialog = document.getElementById(link.getAttribute("data-confirm"));
    if (!dialog) {
      return;
    }
    link.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) {
        return; // a new tab gets the action's page
      }
      event.preventDefault();
      dialog.showModal();
      var confirm = dialog.querySelector("button[type=submit]");
      if (confirm) {
        confirm.focus();
      }
    });
    dialog.querySelectorAll("[data-close]").forEach(function (button) {
      button.addEventListener("click", function () {
        dialog.close();
        link.focus();
      });
    });
    var form = dialog.querySelector("form");
    form.addEventListener("submit", function () {
      // One click, one action: a second click while the page loads does nothing.
      form.querySelectorAll("button").forEach(function (button) {
        button.disabled = true;
      });
    });
  });
})();
