// Command staff drill down street → community → grid → building → household, with the
// breadcrumbs and statistics at each level checked against the API.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { open, shot, api, stat, crumbs } from "./helpers.mjs";

const KEYS = ["grids", "buildings", "households", "residents", "floating", "workers", "cameras"];

/** The statistics panel shows the summary endpoint's figures (or says it is unavailable). */
async function checkSummary(page, url) {
  const summary = await api(page, url);
  if (summary.status === 200) {
    for (const k of KEYS) assert.equal(await stat(page, k), summary.body[k], `${url} ${k}`);
    assert.ok(summary.body.residents > 0 && summary.body.workers > 0);
  } else {
    assert.match(await page.locator("#detail .stats").innerText(), /统计接口暂不可用/);
  }
}

const s = await open({ role: "command_staff" });
const { page } = s;
after(() => s.browser.close());

test("drill down from street to household", async () => {
  // Root: the street list, the grids drawn on the map with the legend.
  await page.waitForSelector("#detail .drill-item");
  const gridsApi = (await api(page, "/api/grids")).body.features;
  assert.ok(gridsApi.length > 10, `demo grids: ${gridsApi.length}`);
  assert.equal(await page.locator(".leaflet-grids-pane path").count(), gridsApi.length);
  const legend = await page.locator("#legend").innerText();
  assert.match(legend, /少于 300 户/);
  assert.match(legend, /300–600 户/);
  assert.match(legend, /多于 600 户/);
  await shot(page, "drill-0-root");

  // Street.
  await page.click("#detail .drill-item >> text=望江街道");
  await page.waitForSelector("#detail h2 >> text=望江街道");
  assert.deepEqual(await crumbs(page), ["全部", "望江街道"]);
  const communities = (await api(page, "/api/regions?level=community")).body.features;
  assert.equal(await page.locator("#detail .drill-item").count(), communities.length);
  assert.equal(await stat(page, "grids"), gridsApi.length);
  await checkSummary(page, `/api/regions/${communities[0].properties.parent_id}/summary`);
  await shot(page, "drill-1-street");

  // Community: its grids listed, statistics consistent with the grids' households.
  const community = communities.find((f) => f.properties.name === "青松社区").properties;
  const mine = gridsApi.filter((g) => g.properties.community_id === community.id);
  await page.click("#detail .drill-item >> text=青松社区");
  await page.waitForSelector("#detail h2 >> text=青松社区");
  assert.deepEqual(await crumbs(page), ["全部", "望江街道", "青松社区"]);
  assert.equal(await page.locator("#detail .drill-item").count(), mine.length);
  assert.equal(await stat(page, "grids"), mine.length);
  assert.equal(await stat(page, "households"), mine.reduce((a, g) => a + g.properties.households, 0));
  await checkSummary(page, `/api/regions/${community.id}/summary`);
  await shot(page, "drill-2-community");

  // Grid: workers and buildings.
  const grid = mine.sort((a, b) => a.properties.code.localeCompare(b.properties.code))[0].properties;
  const gridApi = (await api(page, `/api/grids/${grid.id}`)).body.properties;
  const buildings = (await api(page, `/api/buildings?grid=${grid.id}`)).body.features;
  await page.click(`#detail .drill-item >> text=${grid.name}`);
  await page.waitForSelector(`#detail h2 >> text=${grid.name}`);
  assert.deepEqual(await crumbs(page), ["全部", "望江街道", "青松社区", grid.name]);
  assert.equal(await page.locator("#detail ul.workers li").count(), gridApi.workers.length);
  assert.ok(gridApi.workers.length > 0);
  assert.equal(await page.locator("#detail .drill-item").count(), buildings.length);
  assert.equal(await stat(page, "buildings"), buildings.length);
  assert.equal(await stat(page, "households"), grid.households);
  assert.match(await page.locator("#detail ul.workers").innerText(), /网格长/);
  await checkSummary(page, `/api/grids/${grid.id}/summary`);
  await shot(page, "drill-3-grid");

  // Building: the unit × floor table has one button per household.
  const building = buildings.map((f) => f.properties).sort((a, b) => a.id - b.id)[0];
  const bApi = (await api(page, `/api/buildings/${building.id}`)).body.properties;
  await page.click(`#detail .drill-item >> text=${building.name}`);
  await page.waitForSelector("#household-table");
  assert.deepEqual(await crumbs(page), ["全部", "望江街道", "青松社区", grid.name, building.name]);
  assert.equal(await page.locator("#household-table button.room").count(), bApi.households);
  assert.equal(await page.locator("#household-table thead th").count(), bApi.units + 1);
  assert.equal(await page.locator("#household-table tbody tr").count(), bApi.floors);
  await shot(page, "drill-4-building");

  // Household: its people (as many rows as residents).
  const hh = bApi.household_records.find((r) => r.residents > 0);
  await page.click(`#household-table button[data-room="${hh.room}"]`);
  await page.waitForSelector(`#detail h2 >> text=${hh.room}`);
  assert.deepEqual(await crumbs(page), ["全部", "望江街道", "青松社区", grid.name, building.name, hh.room]);
  const detail = await page.locator("#detail").innerText();
  assert.match(detail, new RegExp(`人数\\s*${hh.residents}`));
  const people = await api(page, `/api/households/${hh.id}`);
  if (people.status === 200) {
    assert.equal(people.body.people.length, hh.residents);
    assert.equal(await page.locator("#people-table tbody tr").count(), hh.residents);
    assert.deepEqual(await page.locator("#people-table .person-name").allInnerTexts(), people.body.people.map((p) => p.name));
  } else {
    assert.match(detail, /住户人员接口暂不可用/);
  }
  await shot(page, "drill-5-household");

  // Breadcrumbs back up to the community.
  await page.click("#crumbs a >> text=青松社区");
  await page.waitForSelector("#detail h2 >> text=青松社区");
  assert.equal(await page.locator("#detail .drill-item").count(), mine.length);
  assert.deepEqual(s.errors, []);
});

test("clicking the map drills into the clicked community, then grid", async () => {
  await page.click("#crumbs a >> text=全部");
  await page.waitForSelector("#detail h2 >> text=街道");
  // Hide the cameras (their markers sit over the grids) with the layers panel.
  await page.click("#tabbtn-layers");
  await page.uncheck("#layer-cameras");
  assert.equal(await page.locator(".camera-icon, .marker-cluster").count(), 0);
  await page.click("#tabbtn-drill");
  // A point inside a known grid: the centre of one of its buildings.
  const grid = (await api(page, "/api/grids")).body.features.map((f) => f.properties).sort((a, b) => a.code.localeCompare(b.code))[2];
  const community = (await api(page, `/api/regions/${grid.community_id}`)).body.properties;
  const ring = (await api(page, `/api/buildings?grid=${grid.id}&limit=1`)).body.features[0].geometry.coordinates[0][0];
  const lon = ring.slice(0, -1).reduce((a, c) => a + c[0], 0) / (ring.length - 1);
  const lat = ring.slice(0, -1).reduce((a, c) => a + c[1], 0) / (ring.length - 1);
  const at = async () => {
    const box = await page.locator("#map").boundingBox();
    const pt = await page.evaluate(([x, y]) => window.wangge.map.latLngToContainerPoint([y, x]), [lon, lat]);
    return [box.x + pt.x, box.y + pt.y];
  };
  await page.waitForTimeout(400); // the root view's fit
  assert.equal(await page.locator(".leaflet-buildings-pane path").count(), 0, "no buildings at street level");
  const first = await at();
  await page.mouse.click(...first);
  await page.waitForFunction(() => document.querySelectorAll("#crumbs li").length === 3);
  assert.deepEqual((await crumbs(page)).slice(1), ["望江街道", community.name]);
  // The community is now in view: the same point opens the grid (or its building, under the grid).
  await page.waitForTimeout(300);
  await page.mouse.click(...(await at()));
  await page.waitForFunction(() => document.querySelectorAll("#crumbs li").length >= 4);
  assert.equal((await crumbs(page))[3], grid.name);
  await shot(page, "drill-map-click");
  await page.click("#tabbtn-layers");
  await page.check("#layer-cameras");
  await page.click("#tabbtn-drill");
});
