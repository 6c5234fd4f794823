// What the dataset tests share: which dataset the server holds (WANGGE_DATASET: "demo",
// or an import named by web/e2e/run.sh), the register run.sh wrote for it
// (WANGGE_E2E_FIXTURE, see prepare.mjs; absent for the demo street, whose own register is
// read from the API), API reads with the page's session, and the checks every test ends
// with. Every expectation is derived from the server's answers or the fixture — nothing
// here knows a name of any dataset.
import assert from "node:assert/strict";
import { readFileSync, appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { api, DATASET } from "../helpers.mjs";

export { DATASET, shot } from "../helpers.mjs";
export const FIXTURE = process.env.WANGGE_E2E_FIXTURE ? JSON.parse(readFileSync(process.env.WANGGE_E2E_FIXTURE, "utf8")) : null;

/** GET `url` with the page's session; fails unless it answers 200. */
export async function read(page, url) {
  const r = await api(page, url);
  assert.equal(r.status, 200, `GET ${url}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** The properties (with the feature id) of a FeatureCollection answer. */
export const props = (fc) => fc.features.map((f) => ({ id: f.id, ...f.properties }));

/** No uncaught page error, and no error message in the panel's status line. */
export async function assertClean(s) {
  assert.deepEqual(s.errors, [], `${DATASET}: page errors`);
  const message = s.page.locator("#message.error");
  if (await message.count()) assert.fail(`${DATASET}: the page says ${JSON.stringify(await message.innerText())}`);
}

/** Records a measured time in WANGGE_E2E_TIMES (one "dataset what ms" line) and prints it. */
export function recordTime(what, ms) {
  const line = `${DATASET} ${what} ${ms}`;
  console.log(`# time: ${line} ms`);
  const file = process.env.WANGGE_E2E_TIMES;
  if (file) {
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, line + "\n");
  }
}

/**
 * The register the dataset tests check a building's table against: the fixture's for an
 * import, else (the demo street) the first building of the first grid that has household
 * records, as the API gives them. {building_id, households: [{room, unit, floor, residents}]}.
 */
export async function register(page) {
  if (FIXTURE) return FIXTURE.register;
  const grids = props(await read(page, "/api/grids")).sort((a, b) => a.id - b.id);
  for (const g of grids) {
    const buildings = props(await read(page, `/api/buildings?grid=${g.id}&limit=10000`)).sort((a, b) => a.id - b.id);
    for (const b of buildings) {
      const records = (await read(page, `/api/buildings/${b.id}`)).properties.household_records || [];
      if (records.length) return { building_id: b.id, households: records };
    }
  }
  throw new Error(`${DATASET}: no building has household records`);
}

/** A point inside the first polygon of a (Multi)Polygon ([lon, lat]): its vertex mean if inside, else a sampled one. */
export function insidePoint(geometry) {
  const polygon = geometry.type === "MultiPolygon" ? geometry.coordinates[0] : geometry.coordinates;
  const inRing = ([x, y], ring) => {
    let c = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
    }
    return c;
  };
  const inside = (p) => inRing(p, polygon[0]) && !polygon.slice(1).some((hole) => inRing(p, hole));
  const outer = polygon[0].slice(0, -1);
  const mean = [outer.reduce((a, c) => a + c[0], 0) / outer.length, outer.reduce((a, c) => a + c[1], 0) / outer.length];
  if (inside(mean)) return mean;
  const xs = outer.map((c) => c[0]);
  const ys = outer.map((c) => c[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  for (let n = 4; n <= 64; n *= 2)
    for (let i = 1; i < n; i++)
      for (let j = 1; j < n; j++) {
        const p = [x0 + ((x1 - x0) * i) / n, y0 + ((y1 - y0) * j) / n];
        if (inside(p)) return p;
      }
  return mean;
}

/**
 * The household table as shown: {row header → {column header → [rooms]}}, headers as
 * displayed ("3层", "2单元", "—").
 */
export async function tableCells(page) {
  return page.evaluate(() => {
    const table = document.getElementById("household-table");
    const cols = [...table.querySelectorAll("thead th")].slice(1).map((th) => th.textContent);
    const out = {};
    for (const tr of table.querySelectorAll("tbody tr")) {
      const row = tr.querySelector("th").textContent;
      out[row] = {};
      [...tr.querySelectorAll("td")].forEach((td, i) => {
        const rooms = [...td.querySelectorAll("button.room")].map((b) => b.dataset.room);
        if (rooms.length) out[row][cols[i]] = rooms.sort();
      });
    }
    return out;
  });
}

/** The same table expected from register rows ({room, unit, floor}): headers as the page writes them. */
export function expectedCells(households) {
  const out = {};
  for (const hh of households) {
    const row = hh.floor == null ? "—" : `${hh.floor}层`;
    const col = hh.unit == null ? "—" : `${hh.unit}单元`;
    out[row] = out[row] || {};
    (out[row][col] = out[row][col] || []).push(String(hh.room));
  }
  for (const row of Object.values(out)) for (const col of Object.keys(row)) row[col].sort();
  return out;
}
