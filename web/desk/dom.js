// Building the page from data without innerHTML: names, delegations and
// whatever else the server sends become text nodes, never markup.

// h makes an element. attrs sets attributes (class, data-*, aria-*, for,
// …); a false or null value leaves the attribute out. Children are
// elements or strings; strings become text nodes.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== false && value !== null && value !== undefined) {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

export function $(selector, root = document) {
  const el = root.querySelector(selector);
  if (!el) {
    throw new Error(`missing element ${selector}`);
  }
  return el;
}

// setText replaces an element's content with plain text.
export function setText(el, value) {
  el.textContent = value ?? "";
}

// openDialog shows a modal dialog; whatever closes it hands the focus back
// to the badge-code field through the close listener of the scan screen.
export function openDialog(dialog) {
  if (!dialog.open) {
    dialog.showModal();
  }
}
