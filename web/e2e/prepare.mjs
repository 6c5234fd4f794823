// Prepares an imported dataset for the end-to-end tests (called by web/e2e/run.sh, not a
// test itself): asks the server which grid and which residential building to use, and
// writes a small household and people register for that building — synthetic, obviously
// fictitious people (虚构 names, ID numbers of area code 990000, 1990000xxxx phones) —
// as households.csv and people.csv, plus fixture.json describing what was chosen and
// written, which the dataset tests read to check the page against the register.
//
//   node web/e2e/prepare.mjs URL TOKEN OUT_DIR DATASET
//
// Prints the fixture as JSON. Every choice is deterministic (smallest ids first).
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

const [url, token, out, dataset] = process.argv.slice(2);
if (!url || !token || !out || !dataset) {
  console.error("usage: node web/e2e/prepare.mjs URL TOKEN OUT_DIR DATASET");
  process.exit(2);
}

async function get(path) {
  const r = await fetch(url + path, { headers: { Authorization: `Bearer ${token}`, Accept: "application/json" } });
  if (!r.ok) throw new Error(`GET ${path}: HTTP ${r.status} ${await r.text()}`);
  return r.json();
}

const grids = (await get("/api/grids")).features.map((f) => f.properties);
const buildings = (await get("/api/buildings?limit=10000")).features.map((f) => f.properties);
if (!grids.length || !buildings.length) throw new Error(`${dataset}: ${grids.length} grids, ${buildings.length} buildings: nothing to test on`);

// The grid worker's grid: the grid with the fewest buildings (at least one), lowest id first.
const workerGrid = grids
  .filter((g) => g.buildings > 0)
  .sort((a, b) => a.buildings - b.buildings || a.id - b.id)[0];

// The register's building: a residential building (else mixed, else any with households),
// lowest id first.
const pick = (use) => buildings.filter((b) => (use ? b.building_use === use : true) && b.households > 0 && b.grid_id != null).sort((a, b) => a.id - b.id)[0];
const building = pick("residential") || pick("mixed") || pick(null);
if (!building) throw new Error(`${dataset}: no building with households to give a register`);

// Two units × three floors × two rooms, and one household with neither unit nor floor.
const STATUSES = ["owner_occupied", "rented", "vacant"];
const households = [];
for (let unit = 1; unit <= 2; unit++)
  for (let floor = 1; floor <= 3; floor++)
    for (let k = 1; k <= 2; k++) {
      const n = households.length;
      const status = STATUSES[n % 3];
      const residents = status === "vacant" ? 0 : 1 + (n % 3);
      households.push({ unit, floor, room: `${unit}-${floor}0${k}`, status, residents, floating: status === "rented" ? 1 : 0 });
    }
households.push({ unit: null, floor: null, room: "附01", status: "rented", residents: 1, floating: 1 });

// ID numbers: 990000 (no such area), birth date, sequence, and the ISO 7064 check character.
function idNumber(birth, seq) {
  const body = `990000${birth}${String(seq).padStart(3, "0")}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((a, d, i) => a + Number(d) * weights[i], 0);
  return body + "10X98765432"[sum % 11];
}
const people = [];
for (const hh of households) {
  for (let i = 0; i < hh.residents; i++) {
    const n = people.length + 1;
    const birthYear = 1950 + ((n * 7) % 60);
    people.push({
      room: hh.room,
      name: `虚构人员${String(n).padStart(2, "0")}`,
      id_number: idNumber(`${birthYear}0101`, n),
      residence_type: i < hh.floating ? "floating" : "registered",
      phone: `1990000${String(n).padStart(4, "0")}`,
      sex: n % 2 ? "M" : "F",
      birth_year: birthYear,
      relation: i === 0 ? "户主" : "家庭成员",
      care_tags: n % 5 === 0 ? "独居老人" : "",
    });
  }
}

const csv = (rows, columns) => [columns.join(","), ...rows.map((r) => columns.map((c) => r[c] ?? "").join(","))].join("\n") + "\n";
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, "households.csv"),
  csv(households.map((h) => ({ ...h, building_id: building.id })), ["building_id", "unit", "floor", "room", "status", "residents", "floating"]),
);
writeFileSync(
  join(out, "people.csv"),
  csv(people.map((p) => ({ ...p, building_id: building.id })), ["building_id", "room", "name", "id_number", "residence_type", "phone", "sex", "birth_year", "relation", "care_tags"]),
);
const fixture = { dataset, worker_grid: workerGrid.id, register: { building_id: building.id, households, people } };
writeFileSync(join(out, "fixture.json"), JSON.stringify(fixture, null, 1));
console.log(JSON.stringify({ dataset, worker_grid: workerGrid.id, register_building: building.id, households: households.length, people: people.length }));
