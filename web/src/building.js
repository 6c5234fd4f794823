// A building's unit × floor household table (floors top-down, one column per unit, the
// rooms of each unit and floor in its cell) and a household's people, masked by the server
// according to the caller's role.

import { h, num } from "./dom.js";
import { t, label } from "./i18n.js";
import { compareText, text, present, DASH } from "./text.js";

/** A unit or floor number, or null when the record leaves it out. */
const level = (v) => (v === null || v === undefined || v === "" || !Number.isFinite(Number(v)) ? null : Number(v));
const cellKey = (unit, floor) => `${unit ?? "-"}|${floor ?? "-"}`;

/**
 * Normalises a building into {units, floors, cells: Map(cellKey(unit, floor) → [household])}
 * from its `household_records`, or from the layer API's `table` (`cells[f][u]`) when records
 * are absent. Units go up, floors down; a household without a unit or floor is kept under
 * null, which comes last (drawn as "—").
 */
export function householdGrid(props) {
  const cells = new Map();
  const units = new Set();
  const floors = new Set();
  const add = (u, f, hh) => {
    const unit = level(u);
    const floor = level(f);
    units.add(unit);
    floors.add(floor);
    const key = cellKey(unit, floor);
    if (!cells.has(key)) cells.set(key, []);
    cells.get(key).push(hh);
  };
  const records = props?.household_records;
  const table = props?.table;
  if (Array.isArray(records) && records.length) {
    for (const r of records) if (r) add(r.unit, r.floor, r);
  } else if (table && Array.isArray(table.units) && Array.isArray(table.floors) && Array.isArray(table.cells)) {
    table.cells.forEach((row, i) =>
      (Array.isArray(row) ? row : []).forEach((cell, j) => {
        for (const hh of [cell].flat()) if (hh) add(table.units[j], table.floors[i], { ...hh, residents: hh.residents ?? hh.size });
      }),
    );
  }
  const last = (cmp) => (a, b) => (a === null ? (b === null ? 0 : 1) : b === null ? -1 : cmp(a, b));
  for (const list of cells.values()) list.sort((a, b) => compareText(a.room, b.room));
  return {
    units: [...units].sort(last((a, b) => a - b)),
    floors: [...floors].sort(last((a, b) => b - a)),
    cells,
    at: (unit, floor) => cells.get(cellKey(unit, floor)) || [],
  };
}

/** The room number shown in a cell: the last part of "1-2-501" → "501". */
export const shortRoom = (room) => text(String(room ?? "").split("-").pop());

/** The unit × floor table; clicking a room calls `open(household)`. */
export function householdTable(props, open) {
  const { units, floors, at } = householdGrid(props);
  if (!units.length) return h("p", { class: "note", id: "household-none" }, t.noHouseholds);
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "households", id: "household-table" },
      h("thead", {}, h("tr", {}, h("th", {}, ""), units.map((u) => h("th", { scope: "col" }, u === null ? DASH : t.unit(u))))),
      h(
        "tbody",
        {},
        floors.map((f) =>
          h(
            "tr",
            {},
            h("th", { scope: "row" }, f === null ? DASH : t.floor(f)),
            units.map((u) =>
              h(
                "td",
                {},
                at(u, f).map((hh) =>
                  h(
                    "button",
                    {
                      class: `room status-${hh.status || "unknown"}`,
                      title: `${text(hh.room)} ${label(t.householdStatus, hh.status)} ${text(hh.residents)}人`,
                      dataset: { room: text(hh.room, ""), household: text(hh.id, "") },
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
export function householdView(record, people) {
  const hh = record || {};
  const facts = h(
    "dl",
    { class: "facts" },
    h("dt", {}, t.room),
    h("dd", {}, text(hh.room)),
    h("dt", {}, t.status),
    h("dd", {}, label(t.householdStatus, hh.status)),
    h("dt", {}, t.residentsCount),
    h("dd", {}, num(hh.residents)),
    h("dt", {}, t.floatingCount),
    h("dd", {}, num(hh.floating)),
  );
  let list;
  if (!Array.isArray(people)) list = h("p", { class: "note" }, t.peopleUnavailable);
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
              h("td", { class: "person-name" }, text(p?.name)),
              h("td", { class: "person-id" }, text(p?.id_number)),
              h("td", { class: "person-phone" }, text(p?.phone)),
              h("td", {}, label(t.sexes, p?.sex)),
              h("td", {}, text(p?.birth_year)),
              h("td", {}, text(p?.relation)),
              h("td", {}, label(t.residence, p?.residence_type)),
              h("td", {}, Array.isArray(p?.care_tags) ? p.care_tags.filter(present).join("、") : text(p?.care_tags, "")),
            ),
          ),
        ),
      ),
    );
  return h("div", {}, facts, h("h3", {}, t.people), list);
}
