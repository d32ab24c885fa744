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
