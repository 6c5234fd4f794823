// A building's unit × floor household table (floors top-down, one column per unit, the
// rooms of each unit and floor in its cell) and a household's people, masked by the server
// according to the caller's role.

import { h, num } from "./dom.js";
import { t, label } from "./i18n.js";

/**
 * Normalises a building into {units, floors, cells: Map("unit|floor" → [household])}
 * from its `household_records`, or from the layer API's `table` when records are absent.
 */
export function householdGrid(props) {
  const cells = new Map();
  const add = (unit, floor, hh) => {
    const key = `${unit}|${floor}`;
    if (!cells.has(key)) cells.set(key, []);
    cells.get(key).push(hh);
  };
  const records = props.household_records;
  if (Array.isArray(records) && records.length) {
    for (const r of records) add(r.unit ?? 1, r.floor ?? 0, r);
  } else if (props.table && Array.isArray(props.table.units)) {
    const { units, floors, cells: rows } = props.table;
    // cells[i][j]: i over units, j over floors (or the transpose: detected by length).
    const byUnit = rows.length === units.length;
    rows.forEach((row, i) =>
      (row || []).forEach((cell, j) => {
        const [u, f] = byUnit ? [units[i], floors[j]] : [units[j], floors[i]];
        for (const hh of [cell].flat()) if (hh) add(u, f, { ...hh, residents: hh.residents ?? hh.size });
      }),
    );
  }
  const units = [...new Set([...cells.keys()].map((k) => Number(k.split("|")[0])))].sort((a, b) => a - b);
  const floors = [...new Set([...cells.keys()].map((k) => Number(k.split("|")[1])))].sort((a, b) => b - a);
  for (const list of cells.values()) list.sort((a, b) => String(a.room).localeCompare(String(b.room), "zh", { numeric: true }));
  return { units, floors, cells };
}

/** The room number shown in a cell: the last part of "1-2-501" → "501". */
const shortRoom = (room) => String(room ?? "").split("-").pop();

/** The unit × floor table; clicking a room calls `open(household)`. */
export function householdTable(props, open) {
  const { units, floors, cells } = householdGrid(props);
  if (!units.length) return h("p", { class: "note" }, "暂无住户登记");
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "households", id: "household-table" },
      h("thead", {}, h("tr", {}, h("th", {}, ""), units.map((u) => h("th", { scope: "col" }, t.unit(u))))),
      h(
        "tbody",
        {},
        floors.map((f) =>
          h(
            "tr",
            {},
            h("th", { scope: "row" }, t.floor(f)),
            units.map((u) =>
              h(
                "td",
                {},
                (cells.get(`${u}|${f}`) || []).map((hh) =>
                  h(
                    "button",
                    {
                      class: `room status-${hh.status || "unknown"}`,
                      title: `${hh.room} ${label(t.householdStatus, hh.status)} ${hh.residents ?? ""}人`,
                      dataset: { room: hh.room, household: hh.id },
                      onclick: () => open(hh),
                    },
                    shortRoom(hh.room),
                  ),
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

/** A household's facts and its people (as the server masked them). */
export function householdView(hh, people) {
  const facts = h(
    "dl",
    { class: "facts" },
    h("dt", {}, t.room),
    h("dd", {}, hh.room),
    h("dt", {}, t.status),
    h("dd", {}, label(t.householdStatus, hh.status)),
    h("dt", {}, t.residentsCount),
    h("dd", {}, num(hh.residents)),
    h("dt", {}, t.floatingCount),
    h("dd", {}, num(hh.floating)),
  );
  let list;
  if (people === null) list = h("p", { class: "note" }, t.peopleUnavailable);
  else if (!people.length) list = h("p", { class: "note" }, t.noPeople);
  else
    list = h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "people", id: "people-table" },
        h(
          "thead",
          {},
          h("tr", {}, [t.name, t.idNumber, t.phone, t.sex, t.birthYear, t.relation, t.residenceType, t.careTags].map((c) => h("th", {}, c))),
        ),
        h(
          "tbody",
          {},
          people.map((p) =>
            h(
              "tr",
              {},
              h("td", { class: "person-name" }, p.name ?? "—"),
              h("td", { class: "person-id" }, p.id_number ?? "—"),
              h("td", { class: "person-phone" }, p.phone ?? "—"),
              h("td", {}, label(t.sexes, p.sex)),
              h("td", {}, p.birth_year ?? "—"),
              h("td", {}, p.relation ?? "—"),
              h("td", {}, label(t.residence, p.residence_type)),
              h("td", {}, Array.isArray(p.care_tags) ? p.care_tags.join("、") : p.care_tags || ""),
            ),
          ),
        ),
      ),
    );
  return h("div", {}, facts, h("h3", {}, t.people), list);
}
