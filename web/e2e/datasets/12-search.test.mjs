// On the dataset the server holds: search an address the data contains (a building's own
// road and house number, taken from the API), see the geocoder's answers listed and the
// map go to the chosen one; search a building by its name with the mouse; search a grid
// code by keyboard.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { open } from "../helpers.mjs";
import { DATASET, shot, read, props, assertClean } from "./dataset.mjs";
import { formatAddress, buildingName, placeName } from "../../src/text.js";

const s = await open({ role: "command_staff" });
const { page } = s;
after(() => s.browser.close());

const all = props(await read(page, "/api/buildings?limit=10000")).sort((a, b) => a.id - b.id);
const geocode = async (q) => (await read(page, `/api/geocode?q=${encodeURIComponent(q)}&limit=8`)).results;
const options = () => page.locator("#search-list li[role=option]:not(.empty)");

/** Types `q` into an empty search box and waits for the suggestions. */
async function type(q) {
  await page.fill("#search", "");
  await page.click("#search");
  await page.keyboard.type(q);
  await page.waitForFunction(
    (text) => document.getElementById("search").value === text && !document.getElementById("search-list").hidden && document.querySelector("#search-list li"),
    q,
  );
  await page.waitForTimeout(400); // the debounced query's answer
}

/** The map shows the point [lon, lat], close up. */
async function mapIsAt(lon, lat) {
  const view = await page.evaluate(([x, y]) => ({ contains: window.wangge.map.getBounds().contains([y, x]), zoom: window.wangge.map.getZoom() }), [lon, lat]);
  assert.ok(view.contains, `the map shows ${lon},${lat}`);
  assert.ok(view.zoom >= 16, `zoomed in (${view.zoom})`);
}

test(`${DATASET}: search an address of the data; the answers are listed and the map goes to the chosen one`, async () => {
  const building = all.find((b) => b.address?.road && b.address?.house_number);
  assert.ok(building, `${DATASET} has a building with a road and a house number`);
  const q = formatAddress({ road: building.address.road, house_number: building.address.house_number });
  const results = await geocode(q);
  assert.ok(
    results.some((r) => r.building_id === building.id),
    `the geocoder finds building ${building.id} by its own address ${JSON.stringify(q)}: ${JSON.stringify(results.map((r) => [r.building_id, r.address, r.score]))}`,
  );
  await type(q);
  // The geocoder's answers, in its order, after any grid whose code or name matches.
  const listed = await options().evaluateAll((els) => els.filter((e) => e.dataset.level === "building").map((e) => ({ id: Number(e.dataset.id), text: e.querySelector(".opt-text").textContent })));
  assert.deepEqual(listed.map((o) => o.id), results.map((r) => r.building_id));
  listed.forEach((o, i) => assert.ok(o.text.startsWith(results[i].address || buildingName({ name: results[i].name, id: results[i].building_id })), `${o.text} / ${results[i].address}`));
  await shot(page, "search-1-address");
  // Choose the first answer by keyboard.
  const index = await options().evaluateAll((els) => els.findIndex((e) => e.dataset.level === "building"));
  for (let i = 0; i <= index; i++) await page.keyboard.press("ArrowDown");
  assert.equal(await page.getAttribute("#search", "aria-activedescendant"), `search-opt-${index}`);
  await page.keyboard.press("Enter");
  const first = results[0];
  const chosen = { id: first.building_id, ...(await read(page, `/api/buildings/${first.building_id}`)).properties };
  await page.waitForFunction((n) => document.querySelector("#detail h2")?.textContent.endsWith(n), buildingName(chosen));
  const path = await page.locator("#crumbs li").allInnerTexts();
  assert.equal(path[path.length - 1], buildingName(chosen));
  assert.equal(path[2], first.community);
  await mapIsAt(first.lon, first.lat);
  assert.equal(await page.evaluate(() => window.wangge.layers.selected.building), first.building_id);
  await shot(page, "search-2-address-opened");
  await assertClean(s);
});

test(`${DATASET}: search a building by its name and pick it with the mouse`, async () => {
  const building = all.find((b) => b.name && b.name.trim().length >= 2);
  assert.ok(building, `${DATASET} has a named building`);
  const results = await geocode(building.name);
  assert.ok(
    results.some((r) => r.building_id === building.id),
    `the geocoder finds building ${building.id} by its name ${JSON.stringify(building.name)}: ${JSON.stringify(results.map((r) => [r.building_id, r.name, r.score]))}`,
  );
  await type(building.name);
  const option = page.locator(`#search-list li[data-level="building"][data-id="${building.id}"]`);
  assert.equal(await option.count(), 1);
  await option.click();
  await page.waitForFunction((n) => document.querySelector("#detail h2")?.textContent.endsWith(n), building.name);
  const answer = results.find((r) => r.building_id === building.id);
  await mapIsAt(answer.lon, answer.lat);
  await shot(page, "search-3-name");
  await assertClean(s);
});

test(`${DATASET}: search a grid code; Enter opens the grid`, async () => {
  const grids = props(await read(page, "/api/grids")).sort((a, b) => b.buildings - a.buildings || a.id - b.id);
  const grid = grids[0];
  await type(grid.code);
  const first = page.locator("#search-list li[role=option]").first();
  assert.equal(await first.getAttribute("data-level"), "grid");
  await page.keyboard.press("Enter");
  await page.waitForFunction((n) => document.querySelector("#detail h2")?.textContent.endsWith(n), placeName(grid));
  assert.match(await page.locator("#detail .sub").first().innerText(), new RegExp(`^${grid.code.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} · `));
  await shot(page, "search-4-grid");
  await page.keyboard.press("Escape");
  await assertClean(s);
});
