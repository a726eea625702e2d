// voyager ui: the only script, served from this origin (the Content-Security-Policy allows no
// other). It reads names from the page only as text and never writes HTML.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.addEventListener("click", async () => {
      const source = document.getElementById(button.dataset.copy);
      const status = document.getElementById("copy-status");
      const text = source ? source.textContent : "";
      try {
        await navigator.clipboard.writeText(text);
        if (status) status.textContent = "copied";
      } catch (e) {
        // No clipboard (an insecure context, or permission refused): select the text instead.
        const range = document.createRange();
        range.selectNodeContents(source);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        if (status) status.textContent = "selected: press Ctrl+C";
      }
    });
  }
  // Filters apply as soon as a choice changes.
  const form = document.getElementById("filters");
  if (form) {
    for (const select of form.querySelectorAll("select, input[type=checkbox]")) {
      select.addEventListener("change", () => form.submit());
    }
  }
});
