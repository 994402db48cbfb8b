// Enamel web pages: progressive niceties only (every page works without script). Served from /static: the CSP
// (script-src 'self') forbids inline script and inline event handlers, so behaviour is attached here.
"use strict";
document.addEventListener("click", (event) => {
  const copy = event.target.closest("[data-copy]");
  if (copy) {
    const source = document.querySelector(copy.getAttribute("data-copy"));
    if (source && navigator.clipboard) {
      navigator.clipboard.writeText(source.textContent.trim()).then(() => { copy.textContent = copy.getAttribute("data-copied") || copy.textContent; }, () => {});
    }
    return;
  }
  const confirmButton = event.target.closest("[data-confirm]");
  if (confirmButton && !window.confirm(confirmButton.getAttribute("data-confirm"))) event.preventDefault();
});
