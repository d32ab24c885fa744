// "/" puts the cursor in the header's search box, unless the reader is typing somewhere.
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.target.closest("input, textarea, select, [contenteditable]")) return;
  const box = document.getElementById("site-search-q");
  if (box) {
    event.preventDefault();
    box.focus();
    box.select();
  }
});
