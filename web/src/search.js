// The search box: addresses and rooms through /api/geocode, grid codes and names from the
// loaded grids. A combobox usable by keyboard: arrow keys move through the suggestions,
// Enter opens one (the first when none is chosen), Escape closes the list.

import { get, qs } from "./api.js";
import { h, fill } from "./dom.js";
import { t } from "./i18n.js";
import { text, present, placeName, buildingName } from "./text.js";

const ROOM = /(\d+)\s*(?:单元|-)\s*(\d{3,4})\s*室?$/;

/** Wires the search input and its listbox; `open(result)` goes to the chosen place. */
export function initSearch(input, listbox, { grids, open }) {
  let items = [];
  let active = -1;
  let seq = 0;
  let timer = null;

  const close = () => {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };

  const render = () => {
    fill(
      listbox,
      items.length
        ? items.map((it, i) =>
            h(
              "li",
              {
                id: `search-opt-${i}`,
                role: "option",
                class: i === active ? "active" : "",
                dataset: { level: it.level, id: text(it.id, "") },
                "aria-selected": i === active ? "true" : "false",
                onmousedown: (e) => (e.preventDefault(), choose(i)),
              },
              h("span", { class: "opt-kind" }, it.kind),
              h("span", { class: "opt-text" }, it.text),
              it.extra ? h("span", { class: "opt-extra" }, it.extra) : null,
            ),
          )
        : h("li", { class: "empty", role: "option", "aria-disabled": "true" }, t.searchNone),
    );
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
    if (active >= 0) input.setAttribute("aria-activedescendant", `search-opt-${active}`);
    else input.removeAttribute("aria-activedescendant");
  };

  const choose = (i) => {
    const it = items[i];
    if (!it) return;
    close();
    input.value = it.text;
    open(it);
  };

  const query = async (q) => {
    const my = ++seq;
    const needle = q.trim();
    if (!needle) return close();
    const found = [];
    const lower = needle.toLowerCase();
    for (const f of grids()) {
      const p = f?.properties || {};
      const code = present(p.code) ? String(p.code) : "";
      const name = present(p.name) ? String(p.name) : "";
      if ((code && code.includes(needle)) || (name && name.toLowerCase().includes(lower))) {
        found.push({ kind: "网格", text: placeName(p), extra: code || null, level: "grid", id: p.id ?? f.id });
      }
      if (found.length >= 5) break;
    }
    try {
      const r = await get(`/api/geocode${qs({ q: needle, limit: 8 })}`);
      const room = needle.match(ROOM);
      for (const g of Array.isArray(r?.results) ? r.results : []) {
        if (!g || g.building_id == null) continue;
        const place = present(g.address) ? String(g.address) : buildingName({ name: g.name, id: g.building_id });
        found.push({
          kind: g.room || room ? "房号" : "地址",
          text: place + (present(g.room) ? ` ${present(g.unit) ? `${g.unit}单元` : ""}${g.room}` : ""),
          extra: `${text(g.community, "")} ${text(g.grid_code, "")}`.trim(),
          level: "building",
          id: g.building_id,
          room: g.room ? { unit: g.unit ?? null, number: String(g.room) } : room ? { unit: Number(room[1]), number: room[2] } : null,
          lon: g.lon,
          lat: g.lat,
        });
      }
    } catch {
      /* geocoder refused the text: only grid matches */
    }
    if (my !== seq) return;
    items = found;
    active = -1;
    render();
  };

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      query(input.value);
    }, 150);
  });
  input.addEventListener("keydown", async (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (listbox.hidden) {
        clearTimeout(timer);
        await query(input.value);
      }
      if (!items.length) return;
      const step = e.key === "ArrowDown" ? 1 : -1;
      active = (active + step + items.length) % items.length;
      render();
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (listbox.hidden || timer) {
        clearTimeout(timer);
        timer = null;
        await query(input.value);
      }
      choose(active >= 0 ? active : 0);
    } else if (e.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
  close();
}
