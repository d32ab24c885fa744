// Reading preferences (theme, text size) live in localStorage: they belong to this browser, not
// the account, and must apply before the first paint — hence a blocking script in <head>.
(function () {
  "use strict";
  const root = document.documentElement;
  root.classList.add("js");
  const stored = (key) => { try { return localStorage.getItem(key); } catch { return null; } };
  const store = (key, value) => { try { localStorage.setItem(key, value); } catch { /* private mode */ } };

  const theme = stored("marginalia-theme");
  if (theme === "light" || theme === "dark") root.dataset.theme = theme;
  const scale = parseFloat(stored("marginalia-font-scale"));
  if (scale >= 0.7 && scale <= 1.8) root.style.setProperty("--font-scale", String(scale));

  function currentTheme() {
    if (root.dataset.theme) return root.dataset.theme;
    return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  document.addEventListener("click", (event) => {
    const toggle = event.target.closest("[data-theme-toggle]");
    if (toggle) {
      const next = currentTheme() === "dark" ? "light" : "dark";
      root.dataset.theme = next;
      store("marginalia-theme", next);
      return;
    }
    const step = event.target.closest("[data-font-step]");
    if (step) {
      const now = parseFloat(getComputedStyle(root).getPropertyValue("--font-scale")) || 1;
      const next = Math.min(1.8, Math.max(0.7, now + 0.1 * Number(step.dataset.fontStep)));
      root.style.setProperty("--font-scale", next.toFixed(2));
      store("marginalia-font-scale", next.toFixed(2));
    }
  });

  // A select marked data-autosubmit goes as soon as it changes; its form's button is the no-JS path.
  document.addEventListener("change", (event) => {
    if (event.target.matches("select[data-autosubmit]")) event.target.form.requestSubmit();
  });
})();
