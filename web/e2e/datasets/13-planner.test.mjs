// On the dataset the server holds, as a planner: run a balancing on the community with the
// most buildings and see the draft drawn with its metrics table, summary and violations,
// as the API gives the draft. The draft is not published, so the data stays as imported.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { open } from "../helpers.mjs";
import { DATASET, shot, read, props, assertClean } from "./dataset.mjs";
import { placeName, shortCode, by } from "../../src/text.js";

const s = await open({ role: "planner" });
const { page } = s;
after(() => s.browser.close());

test(`${DATASET}: run a balancing on a community; the draft's metrics table`, async () => {
  // The community whose published grids hold the most buildings.
  const grids = props(await read(page, "/api/grids"));
  const byCommunity = new Map();
  for (const g of grids) byCommunity.set(g.community_id, (byCommunity.get(g.community_id) || 0) + (g.buildings || 0));
  const [communityId, buildingCount] = [...byCommunity].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
  assert.ok(buildingCount > 0);
  const community = (await read(page, `/api/regions/${communityId}`)).properties;

  await page.click("#tabbtn-planner");
  const communities = (await read(page, "/api/regions?level=community")).features;
  assert.equal(await page.locator("#plan-community option").count(), communities.length);
  assert.equal(await page.locator(`#plan-community option[value="${communityId}"]`).innerText(), placeName(community));
  await page.selectOption("#plan-community", String(communityId));
  await page.uncheck("#plan-warm");
  const t0 = Date.now();
  await page.click("#plan-run");
  await page.waitForSelector("#plan-metrics", { timeout: 60000 });
  console.log(`# time: ${DATASET} balancing of ${buildingCount} buildings, request to table: ${Date.now() - t0} ms`);
  const planId = Number((await page.locator("#plan-result h3").first().innerText()).match(/草案 (\d+)/)[1]);
  const plan = await read(page, `/api/plans/${planId}`);
  const diff = await read(page, `/api/plans/${planId}/diff`);
  assert.equal(plan.status, "draft");
  assert.equal(plan.community_id, communityId);

  // One row per draft grid (kept grids marked), in code order, with the API's figures.
  const rows = await page.locator("#plan-metrics tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));
  assert.equal(rows.length, plan.metrics.grid_count);
  assert.equal(await page.locator("#plan-metrics tbody tr.kept").count(), (plan.metrics.kept || []).length);
  const planned = [...plan.metrics.grids].sort(by((g) => g.code, (g) => g.name));
  const shown = rows.slice(0, planned.length);
  assert.deepEqual(shown.map((r) => r[0]), planned.map((g) => shortCode(g.code)));
  // Households and buildings per row are the draft's (counted in the page from the
  // buildings' draft grids), and ✓ marks the grids within the bounds.
  const count = (text) => Number(text.replace(/[,，]/g, ""));
  assert.deepEqual(shown.map((r) => [count(r[2]), count(r[3])]), planned.map((g) => [g.households, g.buildings]));
  assert.deepEqual(shown.map((r) => r[5]), planned.map((g) => (g.households >= 300 && g.households <= 600 ? "✓" : "✗")));
  const summary = await page.locator("#plan-summary").innerText();
  assert.match(summary, new RegExp(`调整楼栋 ${diff.buildings_moved} 栋，涉及 ${diff.households_moved} 户`));
  // The violations the draft reports are listed, or none is said.
  const violations = plan.metrics.violations || [];
  if (violations.length) assert.equal(await page.locator("#plan-result ul.violations li").count(), violations.length);
  else assert.match(await page.locator("#plan-result").innerText(), /所有网格均在上下限之内/);
  // The draft's grids are drawn.
  assert.equal(await page.locator(".leaflet-draft-pane path").count(), plan.grids.features.length);
  await shot(page, "planner-draft");
  await assertClean(s);
});
