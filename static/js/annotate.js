// Turning a text selection into an annotation. The browser only knows the selection; the server
// anchors it (annotations/anchoring.py), saves it and answers with what changed: the paragraphs
// the highlight touches and its list entry, which htmx swaps in out of band. Offsets are sent as
// UTF-16 code units, the browser's own unit, and converted there. A page may hold several
// chapters (the entire work): each chapter's text is a [data-chapter-text] element.
(function () {
  "use strict";

  const toolbar = document.getElementById("selection-toolbar");
  const tagPicker = document.getElementById("tag-picker");
  const noteEditor = document.getElementById("note-editor");
  const status = document.getElementById("annotate-status");
  // The kind of the reader's next new tag, shared by the tag picker and the Edit form.
  const KIND_KEY = "marginalia.newTagKind";

  // --- The Edit form (in the chapter's list, or a page of its own): the kind of the tags it
  // creates is chosen as in the tag picker, remembered, and said before saving.
  function knownTags() {
    const names = new Set();
    const list = document.getElementById("reader-tag-names");
    if (list) for (const option of list.options) names.add(option.value.toLocaleLowerCase());
    const suggestions = document.getElementById("tag-suggestions");
    const characters = new Set();
    if (suggestions) {
      for (const tag of JSON.parse(suggestions.textContent)) {
        (tag.character ? characters : names).add(tag.name.toLocaleLowerCase());
      }
    }
    return { known: list || suggestions ? names : null, characters };
  }

  function describeNewTags(form) {
    const hint = form.querySelector(".new-tags-hint");
    const kind = form.querySelector("input[name=tag_kind]:checked");
    const { known, characters } = knownTags();
    if (!hint || !kind) return;
    // Without the reader's tags on the page, which names are new cannot be told.
    if (!known) {
      hint.textContent = "";
      return;
    }
    const typed = form.elements.tags.value.split(",").map((name) => name.trim()).filter(Boolean);
    const fresh = typed.filter((name) => !known.has(name.toLocaleLowerCase()));
    const label = kind.closest("label").textContent.trim();
    hint.textContent = fresh
      .map((name) => {
        const as = characters.has(name.toLocaleLowerCase()) ? "Character" : label;
        return `New tag “${name}”: ${as}.`;
      })
      .join(" ");
  }

  function prepareEditForms(root) {
    for (const fieldset of root.querySelectorAll("[data-new-tag-kind]")) {
      const remembered = fieldset.querySelector(
        `input[name=tag_kind][value="${CSS.escape(localStorage.getItem(KIND_KEY) || "")}"]`,
      );
      if (remembered) remembered.checked = true;
      describeNewTags(fieldset.form);
    }
  }

  document.addEventListener("input", (event) => {
    if (event.target.name === "tags" && event.target.form) describeNewTags(event.target.form);
  });
  document.addEventListener("change", (event) => {
    if (event.target.name !== "tag_kind") return;
    localStorage.setItem(KIND_KEY, event.target.value);
    describeNewTags(event.target.form);
  });
  document.body.addEventListener("htmx:load", (event) => prepareEditForms(event.detail.elt));
  prepareEditForms(document);

  if (!toolbar) return;

  const tagInput = document.getElementById("tag-input");
  const tagOptions = document.getElementById("tag-options");
  const noteInput = document.getElementById("note-input");
  let pending = null; // {start, end, exact} of the selection being annotated
  let lastColour = "yellow";

  const chapterRoots = () => Array.from(document.querySelectorAll("[data-chapter-text]"));
  const segmentOf = (node) =>
    (node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement)?.closest("[data-utf16]");

  // A boundary's offset in the chapter text: the paragraph's start plus the length of the text
  // before the boundary inside that paragraph (Range.toString counts UTF-16 units, as we want).
  function boundaryOffset(segment, node, offset) {
    const before = document.createRange();
    before.selectNodeContents(segment);
    before.setEnd(node, offset);
    return Number(segment.dataset.utf16) + before.toString().length;
  }

  function readSelection() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    const ancestor = range.commonAncestorContainer;
    const root = (ancestor.nodeType === Node.ELEMENT_NODE ? ancestor : ancestor.parentElement)
      ?.closest("[data-chapter-text]");
    if (!root) return null;
    const segments = Array.from(root.querySelectorAll("[data-utf16]")).filter((segment) =>
      range.intersectsNode(segment),
    );
    if (segments.length === 0) return null;
    const first = segments[0];
    const last = segments[segments.length - 1];
    // An end that lies outside every paragraph (in a gap, on a scene break) is pulled in to the
    // nearest paragraph edge inside the selection.
    const start = segmentOf(range.startContainer) === first
      ? boundaryOffset(first, range.startContainer, range.startOffset)
      : Number(first.dataset.utf16);
    const end = segmentOf(range.endContainer) === last
      ? boundaryOffset(last, range.endContainer, range.endOffset)
      : Number(last.dataset.utf16) + last.textContent.length;
    // The quote is read from the paragraphs alone: Selection.toString() would also bring in
    // text between them, such as an author's note's "Author's note" summary.
    const exact = segments
      .map((segment) => {
        const part = document.createRange();
        part.selectNodeContents(segment);
        if (segment === first && segmentOf(range.startContainer) === first) {
          part.setStart(range.startContainer, range.startOffset);
        }
        if (segment === last && segmentOf(range.endContainer) === last) {
          part.setEnd(range.endContainer, range.endOffset);
        }
        return part.toString();
      })
      .join("\n\n");
    if (end <= start || !exact.trim()) return null;
    return { root, start, end, exact, rect: range.getBoundingClientRect() };
  }

  function showToolbar(selection) {
    pending = selection;
    toolbar.hidden = false;
    const { rect } = selection;
    const top = window.scrollY + rect.top - toolbar.offsetHeight - 8;
    const left = Math.min(
      Math.max(8, window.scrollX + rect.left + rect.width / 2 - toolbar.offsetWidth / 2),
      window.scrollX + document.documentElement.clientWidth - toolbar.offsetWidth - 8,
    );
    toolbar.style.top = `${top < window.scrollY ? window.scrollY + rect.bottom + 8 : top}px`;
    toolbar.style.left = `${left}px`;
  }

  function hideToolbar() {
    toolbar.hidden = true;
  }

  let sayTimer = null;
  // Errors stay until the next action; confirmations fade after a moment.
  function say(message, { fade = false } = {}) {
    clearTimeout(sayTimer);
    status.textContent = message;
    status.classList.toggle("visible", Boolean(message));
    if (fade) sayTimer = setTimeout(() => say(""), 2500);
  }

  let selectionTimer = null;
  document.addEventListener("selectionchange", () => {
    if (tagPicker.open || noteEditor.open) return;
    clearTimeout(selectionTimer);
    selectionTimer = setTimeout(() => {
      const selection = readSelection();
      if (selection) showToolbar(selection);
      else if (!toolbar.contains(document.activeElement)) hideToolbar();
    }, 120);
  });

  function create(fields) {
    if (pending) send(pending.root.dataset.createUrl, fields);
  }

  // Through htmx, so that its out-of-band swaps, redirects and error events apply. The filter in
  // the address goes along: the answer draws the highlights as the page shows them.
  function send(url, fields) {
    const selection = pending;
    if (!selection) return;
    const values = {
      utf16_start: selection.start,
      utf16_end: selection.end,
      exact: selection.exact,
      prefix: selection.root.dataset.prefix || "",
      ...fields,
    };
    say("Saving…");
    htmx
      .ajax("POST", url + window.location.search, { source: selection.root, values, swap: "none" })
      .then(() => {
        if (!saved) return;
        window.getSelection().removeAllRanges();
        hideToolbar();
        pending = null;
        say("Saved.", { fade: true });
      });
  }

  // Set by htmx's events for the request under way; errors leave the selection where it was.
  let saved = false;
  document.body.addEventListener("htmx:beforeRequest", () => {
    saved = false;
  });
  document.body.addEventListener("htmx:afterRequest", (event) => {
    saved = event.detail.successful;
  });
  document.body.addEventListener("htmx:sendError", () => {
    say("The server could not be reached; nothing was saved. Your selection is still here: try again.");
  });

  function highlight(colour) {
    lastColour = colour || lastColour;
    create({ colour: lastColour });
  }

  // --- Tag picker: the work's characters first, then the reader's tags; Enter picks or creates.
  // A new tag's kind is the reader's choice, shown in the "Create" option before Enter, and
  // remembered for the next new tag.
  let activeOption = 0;
  const kindChoice = () => tagPicker.querySelector("input[name=new-tag-kind]:checked");
  const kindLabel = () => kindChoice().closest("label").textContent.trim().toLocaleLowerCase();

  function renderOptions() {
    const typed = tagInput.value.trim();
    const folded = typed.toLocaleLowerCase();
    const suggestions = JSON.parse(document.getElementById("tag-suggestions").textContent);
    const matches = suggestions.filter((tag) => tag.name.toLocaleLowerCase().includes(folded));
    const exists = matches.some((tag) => tag.name.toLocaleLowerCase() === folded);
    const options = matches.map((tag) => ({ ...tag, create: false }));
    if (typed && !exists) options.push({ name: typed, create: true });
    activeOption = Math.min(activeOption, Math.max(0, options.length - 1));
    tagOptions.replaceChildren(
      ...options.map((option, index) => {
        const item = document.createElement("li");
        item.setAttribute("role", "option");
        item.id = `tag-option-${index}`;
        item.dataset.name = option.name;
        item.dataset.create = option.create ? "true" : "";
        item.setAttribute("aria-selected", index === activeOption ? "true" : "false");
        item.textContent = option.create
          ? `Create “${option.name}” as ${kindLabel() === "other" ? "another tag" : `a ${kindLabel()}`}`
          : option.name;
        if (option.character && !option.create) {
          const kind = document.createElement("span");
          kind.className = "muted";
          kind.textContent = " · character";
          item.append(kind);
        }
        return item;
      }),
    );
    tagInput.setAttribute("aria-activedescendant", options.length ? `tag-option-${activeOption}` : "");
  }

  function openTagPicker() {
    if (!pending) return;
    tagInput.value = "";
    activeOption = 0;
    const remembered = tagPicker.querySelector(
      `input[name=new-tag-kind][value="${CSS.escape(localStorage.getItem(KIND_KEY) || "")}"]`,
    );
    if (remembered) remembered.checked = true;
    renderOptions();
    tagPicker.showModal();
    tagInput.focus();
  }

  function pickTag(item) {
    if (!item) return;
    const fields = { colour: lastColour, tags: item.dataset.name };
    if (item.dataset.create) {
      fields.tag_kind = kindChoice().value;
      localStorage.setItem(KIND_KEY, fields.tag_kind);
    }
    tagPicker.close();
    create(fields);
  }

  tagInput.addEventListener("input", () => {
    activeOption = 0;
    renderOptions();
  });
  tagPicker.querySelector(".kind-choice").addEventListener("change", () => renderOptions());
  tagInput.addEventListener("keydown", (event) => {
    const items = tagOptions.querySelectorAll("[role=option]");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      activeOption = (activeOption + step + items.length) % Math.max(1, items.length);
      renderOptions();
    } else if (event.key === "Enter") {
      event.preventDefault();
      pickTag(items[activeOption]);
    }
  });
  tagOptions.addEventListener("click", (event) => pickTag(event.target.closest("[role=option]")));

  // --- Note editor.
  function openNoteEditor() {
    if (!pending) return;
    noteInput.value = "";
    // The audience stays as last chosen; whether a note gives anything away is per note.
    document.getElementById("spoiler-new").checked = false;
    noteEditor.showModal();
    noteInput.focus();
  }

  function saveNote() {
    const note = noteInput.value;
    noteEditor.close();
    const audience = document.getElementById("audience-new").value;
    const spoiler = document.getElementById("spoiler-new").checked ? "1" : "";
    if (note.trim()) create({ colour: lastColour, note, audience, spoiler });
  }

  noteEditor.querySelector("[data-save-note]").addEventListener("click", saveNote);
  noteInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      saveNote();
    }
  });
  for (const dialog of [tagPicker, noteEditor]) {
    dialog.querySelector("[data-close]").addEventListener("click", () => dialog.close());
  }

  toolbar.addEventListener("mousedown", (event) => event.preventDefault()); // keep the selection
  toolbar.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.dataset.colour) highlight(button.dataset.colour);
    else if (button.dataset.action === "tag") openTagPicker();
    else if (button.dataset.action === "note") openNoteEditor();
  });

  // Keyboard selection: browsers only let Shift+arrows move a selection in editable text (or
  // with caret browsing), so the reader page does it itself. With no selection yet, it starts at
  // the linked paragraph (#p12) or the first paragraph on screen.
  const EXTEND = {
    ArrowRight: ["forward", "character"],
    ArrowLeft: ["backward", "character"],
    ArrowDown: ["forward", "line"],
    ArrowUp: ["backward", "line"],
    End: ["forward", "lineboundary"],
    Home: ["backward", "lineboundary"],
  };

  function firstParagraphInView() {
    const target = document.querySelector("[data-chapter-text] [data-utf16]:target");
    if (target) return target;
    const segments = Array.from(document.querySelectorAll("[data-chapter-text] [data-utf16]"));
    return segments.find((segment) => segment.getBoundingClientRect().bottom > 0) || segments[0];
  }

  document.addEventListener("keydown", (event) => {
    const extend = EXTEND[event.key];
    if (!extend || !event.shiftKey || event.metaKey) return;
    if (tagPicker.open || noteEditor.open) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    const selection = window.getSelection();
    const roots = chapterRoots();
    if (!roots.length) return;
    if (!selection.rangeCount || !roots.some((root) => root.contains(selection.anchorNode))) {
      const start = firstParagraphInView();
      if (!start) return;
      selection.collapse(start, 0);
    }
    const byWord = (event.ctrlKey || event.altKey) && extend[1] === "character";
    selection.modify("extend", extend[0], byWord ? "word" : extend[1]);
    event.preventDefault();
  });

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || tagPicker.open || noteEditor.open) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === "Escape" && !toolbar.hidden) {
      hideToolbar();
      window.getSelection().removeAllRanges();
      return;
    }
    if (toolbar.hidden || !pending) return;
    const action = { h: highlight, t: openTagPicker, n: openNoteEditor }[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  // --- Between the text and the list: a highlight opens its entry, an entry flashes its highlight.
  function flash(id) {
    const marks = document.querySelectorAll(`mark[data-annotation="${CSS.escape(id)}"]`);
    if (!marks.length) return;
    (document.querySelector(`mark[data-annotation="${CSS.escape(id)}"][data-first]`) || marks[0])
      .scrollIntoView({ block: "center", behavior: "smooth" });
    for (const mark of marks) {
      mark.classList.remove("flash");
      void mark.offsetWidth; // restart the animation
      mark.classList.add("flash");
    }
  }

  document.addEventListener("click", (event) => {
    const goto = event.target.closest("[data-goto]");
    if (goto) {
      event.preventDefault();
      flash(goto.dataset.goto);
      return;
    }
    const mark = event.target.closest("mark[data-annotation]");
    if (mark && window.getSelection().isCollapsed) {
      const item = document.getElementById(`annotation-${mark.dataset.annotation}`);
      if (item) {
        item.scrollIntoView({ block: "nearest", behavior: "smooth" });
        item.classList.add("opened");
        item.focus({ preventScroll: true });
        setTimeout(() => item.classList.remove("opened"), 1600);
      }
    }
  });

  // The list's inline edit form closes without saving; without JavaScript it is a link back.
  document.addEventListener("click", (event) => {
    const cancel = event.target.closest("[data-cancel-edit]");
    if (!cancel) return;
    event.preventDefault();
    cancel.closest(".edit-slot")?.replaceChildren();
  });

  // An orphaned annotation (its words left the chapter) goes onto the current selection.
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-reattach-url]");
    if (!button) return;
    if (!pending) {
      say("First select the passage where this annotation belongs.");
      return;
    }
    send(button.dataset.reattachUrl, {});
  });

  // htmx swaps nothing for an error response: say what the server said instead.
  document.body.addEventListener("htmx:responseError", (event) => {
    const { status, responseText } = event.detail.xhr;
    if (status === 401) say(`${responseText} Your selection is still here.`);
    else if (status === 400) say(responseText);
    else say("That did not work, and nothing was saved; reload the page and try again.");
  });

  const linked = new URLSearchParams(window.location.search).get("highlight");
  if (linked) flash(linked);
})();
