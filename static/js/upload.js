// Show which files were picked or dropped: the file input itself is invisible over the drop zone.
document.addEventListener("DOMContentLoaded", () => {
  const zone = document.querySelector(".drop-zone");
  if (!zone) return;
  const input = zone.querySelector("input[type=file]");
  const list = zone.querySelector(".chosen-files");
  const show = () => {
    const names = Array.from(input.files, (file) => file.name);
    list.textContent = names.length ? `${names.length} chosen: ${names.join(", ")}` : "";
  };
  input.addEventListener("change", show);
  zone.addEventListener("dragenter", () => zone.classList.add("dragging"));
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", () => zone.classList.remove("dragging"));
});

// htmx swaps nothing for an error answer: say it where the results go. The form keeps the files
// chosen, so the reader can try again at once.
document.addEventListener("htmx:responseError", (event) => {
  if (!event.detail.elt.closest("form.upload")) return;
  const { status, responseText } = event.detail.xhr;
  const results = document.getElementById("import-results");
  const message = document.createElement("p");
  message.className = "error";
  message.setAttribute("role", "alert");
  message.textContent =
    status === 401
      ? responseText
      : status === 413
        ? "These files are too large to send at once; send fewer at a time."
        : "The import did not go through; nothing was imported. Try again.";
  results.replaceChildren(message);
});
