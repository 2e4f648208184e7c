// The evacuation list: who is inside now, by delegation, as the server
// last said. Offline it is the last list received, and says so — in an
// alarm with the network down, an old list beats none.

import { $, h, setText, openDialog } from "./dom.js";
import { text, clock, category } from "./strings.js";
import { state, events, online } from "./device.js";
import { refreshPresence } from "./sync.js";

export function mount() {
  const dialog = $("#evacuation");
  $("#open-evacuation").addEventListener("click", () => {
    render();
    openDialog(dialog);
    refreshPresence().catch(() => {}).finally(render);
  });
  $("#evacuation-refresh").addEventListener("click", () => refreshPresence().catch(() => {}).finally(render));
  $("#evacuation-print").addEventListener("click", () => print());
  $("#evacuation-close").addEventListener("click", () => dialog.close());
  events.addEventListener("change", (ev) => {
    if (dialog.open && (ev.detail === "presence" || ev.detail === "connection")) {
      render();
    }
  });
}

// groups sorts the people inside by delegation code, then by name.
function groups(items) {
  const by = new Map();
  for (const p of items) {
    if (!by.has(p.delegation)) {
      by.set(p.delegation, []);
    }
    by.get(p.delegation).push(p);
  }
  return [...by.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, people]) => [code, people.sort((a, b) => a.display_name.localeCompare(b.display_name))]);
}

function render() {
  const p = state.presence;
  setText($("#evacuation-total"), p ? String(p.total) : text.insideUnknown);
  setText($("#evacuation-as-of"), state.presenceAt ? `(${text.asOf(clock(new Date(state.presenceAt)))})` : "");
  $("#evacuation-offline").hidden = online() || !p;
  const list = $("#evacuation-list");
  if (!p) {
    list.replaceChildren(h("p", {}, text.noList));
    return;
  }
  if (p.items.length === 0) {
    list.replaceChildren(h("p", {}, text.nobodyInside));
    return;
  }
  const table = h("table", { class: "evacuation-table" },
    h("thead", {}, h("tr", {},
      h("th", { scope: "col" }, text.name),
      h("th", { scope: "col" }, text.category),
      h("th", { scope: "col" }, text.since))));
  for (const [code, people] of groups(p.items)) {
    const body = h("tbody", {},
      h("tr", { class: "group" }, h("th", { scope: "rowgroup", colspan: "3" }, text.delegationCount(code, people.length))));
    for (const person of people) {
      body.append(h("tr", {},
        h("th", { scope: "row" }, person.display_name),
        h("td", {}, category(person.category)),
        h("td", {}, clock(new Date(person.since)))));
    }
    table.append(body);
  }
  list.replaceChildren(table);
}
