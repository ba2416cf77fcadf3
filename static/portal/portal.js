// The portal's behaviour, layered over pages that work without it (the CSP allows no inline script).
"use strict";
(function () {
  // An error summary at the top of a form takes the focus, so keyboard and screen reader users start there.
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();

  // A dialog in the USWDS modal's look, built on <dialog> (which traps focus and closes on Escape).
  function modal(heading, text, confirmLabel) {
    const dialog = document.createElement("dialog");
    dialog.className = "usa-modal registry-dialog";
    dialog.setAttribute("aria-labelledby", "registry-dialog-heading");
    dialog.innerHTML =
      '<div class="usa-modal__content"><div class="usa-modal__main">' +
      '<h2 class="usa-modal__heading" id="registry-dialog-heading"></h2>' +
      '<div class="usa-prose"><p class="registry-dialog-text"></p></div>' +
      '<div class="usa-modal__footer"><ul class="usa-button-group">' +
      '<li class="usa-button-group__item"><button type="button" class="usa-button" value="confirm"></button></li>' +
      '<li class="usa-button-group__item"><button type="button" class="usa-button usa-button--unstyled padding-105 text-center" value="cancel">Cancel</button></li>' +
      "</ul></div></div></div>";
    dialog.querySelector("h2").textContent = heading;
    dialog.querySelector(".registry-dialog-text").textContent = text;
    dialog.querySelector("[value=confirm]").textContent = confirmLabel;
    document.body.appendChild(dialog);
    return dialog;
  }

  // Forms marked data-confirm="what will change" ask before they submit. Without scripts the server-side
  // confirmation step (or the form itself) still applies.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!form.matches("form[data-confirm]") || form.dataset.confirmed === "yes") return;
    event.preventDefault();
    const submitter = event.submitter;
    const dialog = modal(
      form.dataset.confirmHeading || "Are you sure?",
      form.dataset.confirm,
      form.dataset.confirmButton || (submitter && submitter.textContent.trim()) || "Confirm"
    );
    dialog.addEventListener("click", function (click) {
      const choice = click.target.closest("button");
      if (!choice) return;
      dialog.close();
      dialog.remove();
      if (choice.value === "confirm") {
        form.dataset.confirmed = "yes";
        form.requestSubmit(submitter || undefined);
      } else if (submitter) {
        submitter.focus();
      }
    });
    dialog.addEventListener("cancel", function () { dialog.remove(); });
    dialog.showModal();
  });

  // Copy buttons: data-copy names the element whose text is copied; the button says it was copied.
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-copy]");
    if (!button) return;
    const source = document.getElementById(button.dataset.copy);
    const text = "value" in source ? source.value : source.textContent;
    navigator.clipboard.writeText(text.trim()).then(function () {
      const status = button.parentElement.querySelector("[data-copy-status]") || button;
      status.textContent = "Copied";
    });
  });
  // The buttons are hidden in the HTML (they need a script to work) and shown here, and in content htmx swaps in.
  const revealCopyButtons = function (root) {
    root.querySelectorAll("[data-copy][hidden]").forEach(function (button) { button.hidden = false; });
  };
  revealCopyButtons(document);
  document.body.addEventListener("htmx:load", function (event) { revealCopyButtons(event.target); });

  // Session timeout: warn two minutes before the inactivity sign-out; "Stay signed in" makes a request,
  // which renews the session (SESSION_SAVE_EVERY_REQUEST). At the timeout, go to the sign-in page.
  const body = document.body;
  const timeout = parseInt(body.dataset.sessionTimeout || "0", 10);
  if (timeout > 0) {
    const warnBefore = Math.min(120, Math.floor(timeout / 2));
    let warnTimer, endTimer, warning;
    const schedule = function () {
      clearTimeout(warnTimer);
      clearTimeout(endTimer);
      warnTimer = setTimeout(warn, (timeout - warnBefore) * 1000);
      endTimer = setTimeout(function () { window.location.assign(body.dataset.signInUrl); }, timeout * 1000);
    };
    const warn = function () {
      if (warning) return;
      const minutes = Math.max(1, Math.round(warnBefore / 60));
      warning = modal(
        "Your session is about to end",
        "You will be signed out in " + minutes + (minutes === 1 ? " minute" : " minutes") +
          " because of inactivity. Unsaved changes on this page will be lost.",
        "Stay signed in"
      );
      warning.addEventListener("click", function (click) {
        const choice = click.target.closest("button");
        if (!choice) return;
        warning.close();
        warning.remove();
        warning = null;
        if (choice.value === "confirm") {
          fetch(body.dataset.keepAliveUrl, { credentials: "same-origin" }).then(schedule);
        }
      });
      warning.showModal();
    };
    document.body.addEventListener("htmx:afterRequest", schedule);
    schedule();
  }
})();
