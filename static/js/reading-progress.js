// Remembers where the reader is: the story paragraph at the top of the screen, sent to the
// chapter's progress URL (fics.views.reading_progress) a moment after they stop scrolling and
// when they leave the page. navigator.sendBeacon survives the page closing but sets no headers,
// so the CSRF token travels in the form body. Nothing is sent before the reader scrolls: merely
// opening a chapter must not overwrite how far they had read in it.
(function () {
  "use strict";
  const QUIET_MS = 1500;
  // A story paragraph's id: "p12" on a chapter page, "c3-p12" on the entire work.
  const STORY_PARAGRAPH = /(?:^|-)p(\d+)$/;

  if (!navigator.sendBeacon || !document.querySelector("[data-progress-url]")) return;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["x-csrftoken"] || "";
    } catch {
      return "";
    }
  }

  // The first story paragraph whose text is on screen, a little below the top edge.
  function currentPlace() {
    const text = document.querySelector("[data-progress-url]");
    const box = text.getBoundingClientRect();
    const x = box.left + box.width / 2;
    for (let y = 24; y < window.innerHeight / 2; y += 12) {
      const element = document.elementFromPoint(x, y);
      const paragraph = element && element.closest("p[id]");
      const section = paragraph && paragraph.closest("[data-progress-url]");
      const match = section && STORY_PARAGRAPH.exec(paragraph.id);
      if (match) return { url: section.dataset.progressUrl, paragraph: match[1] };
    }
    return null;
  }

  let sent = "";
  let pending = null;
  let timer = null;

  function send() {
    clearTimeout(timer);
    timer = null;
    if (!pending) return;
    const key = pending.url + "#" + pending.paragraph;
    if (key !== sent) {
      const form = new FormData();
      form.append("csrfmiddlewaretoken", csrfToken());
      form.append("paragraph", pending.paragraph);
      if (navigator.sendBeacon(pending.url, form)) sent = key;
    }
    pending = null;
  }

  window.addEventListener(
    "scroll",
    () => {
      pending = currentPlace() || pending;
      clearTimeout(timer);
      timer = setTimeout(send, QUIET_MS);
    },
    { passive: true }
  );
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") send();
  });
  window.addEventListener("pagehide", send);
})();
