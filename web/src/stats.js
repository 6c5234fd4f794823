// The statistics panel of a drill-down level: grids, buildings, households, residents,
// floating population, workers and cameras, from /api/regions/{id}/summary or
// /api/grids/{id}/summary.

import { h } from "./dom.js";
import { num } from "./dom.js";
import { t } from "./i18n.js";

const KEYS = ["grids", "buildings", "households", "residents", "floating", "workers", "cameras"];

/** A statistics table for `summary` (null: the summary endpoint is not available). */
export function statsTable(summary, fallback = {}) {
  const s = summary || fallback;
  return h(
    "div",
    { class: "stats" },
    h(
      "dl",
      {},
      KEYS.map((k) =>
        h("div", { class: "stat", dataset: { stat: k } }, h("dt", {}, t.stats[k]), h("dd", { class: "v" }, num(s[k]))),
      ),
    ),
    summary ? null : h("p", { class: "note" }, t.statsMissing),
  );
}
