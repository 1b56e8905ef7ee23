// The console's one piece of behaviour beyond htmx, in a file because the Content-Security-Policy runs no
// inline script (no onclick=, no hx-on): a button with data-disclosure shows or hides the element its
// aria-controls names (a card's revoke form), keeps aria-expanded in step and puts the cursor in the form.
// Listening on the document covers rows htmx swaps in later.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-disclosure]");
  const panel = button && document.getElementById(button.getAttribute("aria-controls"));
  if (!panel) return;
  panel.hidden = !panel.hidden;
  button.setAttribute("aria-expanded", String(!panel.hidden));
  if (!panel.hidden) panel.querySelector("input:not([type=hidden]), textarea, select")?.focus();
});
