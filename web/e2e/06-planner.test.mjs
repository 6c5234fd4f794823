// Planners: run a balancing for a community, see the draft with its metrics table and the
// moved buildings, try manual moves (pre-checked in the page, then checked and stored by the
// server: the move persists in the draft, a server refusal shows its message), publish
// after the confirmation dialog and see the new grids on the map with the manual move kept;
// a draft overtaken by another publish gets the clear conflict message.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { open, shot, api } from "./helpers.mjs";

const s = await open({ role: "planner" });
const { page } = s;
after(() => s.browser.close());

const communityName = "祥和社区"; // not the community the drill-down and search tests read
let community;

/** The draft's id from the result panel's title. */
async function draftId() {
  return Number((await page.locator("#plan-result h3").first().innerText()).match(/草案 (\d+)/)[1]);
}

/**
 * Moves one building through the page: the moves the page's quick check allows, in order,
 * until the server accepts one (a server refusal shows its message and changes nothing).
 * Returns the move and the draft before and after it, as the API gives them.
 */
async function moveOneBuilding() {
  const id = await draftId();
  const allowed = await page.evaluate(() => {
    const p = window.wangge.planner;
    const out = [];
    for (const [bid, code] of p.assign) {
      for (const f of p.plan.grids.features) {
        const to = f.properties.code;
        if (to !== code && p.counts.has(to) && !p.checkMove([bid], to)) out.push({ id: bid, from: code, to, households: p.buildings.get(bid).households || 0 });
      }
    }
    return out;
  });
  assert.ok(allowed.length, "the page allows some move");
  const before = (await api(page, `/api/plans/${id}`)).body;
  for (const ok of allowed.slice(0, 15)) {
    const listed = await page.locator("#plan-manual li").count();
    await page.evaluate((bid) => window.wangge.planner.pickBuilding({ id: bid }), ok.id);
    await page.selectOption("#plan-move-to", ok.to);
    await page.click("#plan-move-apply");
    await page.waitForFunction(
      (n) => document.querySelectorAll("#plan-manual li").length > n || document.querySelector("#plan-move-result.error-text"),
      listed,
      { timeout: 60000 },
    );
    if ((await page.locator("#plan-manual li").count()) > listed) {
      const after = (await api(page, `/api/plans/${id}`)).body;
      return { ok, before, after, id };
    }
    // Refused by the server: its message, nothing stored.
    assert.match(await page.locator("#plan-move-result").innerText(), /move refused|cannot be edited/);
    assert.deepEqual((await api(page, `/api/plans/${id}`)).body, before);
  }
  throw new Error("the server accepted none of the moves the page allowed");
}

const householdsOf = (plan, code) => plan.metrics.grids.find((g) => g.code === code).households;

test("run a balancing: draft, metrics table, moved buildings", async () => {
  community = (await api(page, "/api/regions?level=community")).body.features.find((f) => f.properties.name === communityName).properties;
  await page.click("#tabbtn-planner");
  await page.selectOption("#plan-community", String(community.id));
  await page.selectOption("#plan-mode", "most");
  await page.uncheck("#plan-warm");
  await page.click("#plan-run");
  await page.waitForSelector("#plan-metrics", { timeout: 60000 });
  const title = await page.locator("#plan-result h3").first().innerText();
  const planId = Number(title.match(/草案 (\d+)/)[1]);
  const plan = (await api(page, `/api/plans/${planId}`)).body;
  const diff = (await api(page, `/api/plans/${planId}/diff`)).body;
  assert.equal(plan.status, "draft");
  assert.equal(plan.community_id, community.id);
  assert.equal(await page.locator("#plan-metrics tbody tr").count(), plan.metrics.grid_count);
  // Grids kept apart by balancing (virtual, rural) are rows of their own.
  assert.equal(await page.locator("#plan-metrics tbody tr.kept").count(), (plan.metrics.kept || []).length);
  const published = (await api(page, `/api/grids?community=${community.id}`)).body.features.length;
  assert.ok(plan.metrics.grid_count > published, `mode "most" gives more grids (${plan.metrics.grid_count}) than published (${published})`);
  const summary = await page.locator("#plan-summary").innerText();
  assert.match(summary, new RegExp(`调整楼栋 ${diff.buildings_moved} 栋，涉及 ${diff.households_moved} 户`));
  // Every metrics row within the bounds is marked ✓.
  const marks = await page.locator("#plan-metrics tbody tr td:last-child").allInnerTexts();
  assert.equal(marks.filter((m) => m === "✓").length, plan.metrics.grids.filter((g) => g.within_bounds).length);
  // The draft grids are drawn, and the moved buildings highlighted.
  assert.equal(await page.locator(".leaflet-draft-pane path").count(), plan.grids.features.length);
  assert.ok(diff.buildings_moved > 0);
  assert.equal(await page.locator('.leaflet-buildings-pane path[fill="#e91e63"]').count(), diff.buildings_moved);
  await shot(page, "planner-1-draft");
  // Toggle: draft only hides the published grids, published only hides the draft.
  await page.check('input[name=plan-show][value=draft]');
  assert.equal(await page.locator(".leaflet-grids-pane path").count(), 0);
  await shot(page, "planner-2-draft-only");
  await page.check('input[name=plan-show][value=published]');
  assert.equal(await page.locator(".leaflet-draft-pane path").count(), 0);
  assert.ok((await page.locator(".leaflet-grids-pane path").count()) > 0);
  await page.check('input[name=plan-show][value=both]');
});

test("manual move of a building: pre-checked in the page, checked and stored by the server", async () => {
  const moves = await page.evaluate(() => {
    const p = window.wangge.planner;
    const out = [];
    for (const [id, code] of p.assign) {
      for (const f of p.plan.grids.features) {
        const to = f.properties.code;
        if (to === code) continue;
        out.push({ id, from: code, to, problem: p.checkMove([id], to) });
      }
    }
    return out;
  });
  const refused = moves.filter((m) => m.problem);
  const allowed = moves.filter((m) => !m.problem);
  assert.ok(refused.some((m) => /不相邻/.test(m.problem)), "some moves are refused for non-neighbouring grids");
  // Try one refused move through the page: the reason shows and nothing changes.
  const bad = refused[0];
  const before = await page.locator("#plan-metrics tbody").innerText();
  await page.evaluate((id) => window.wangge.planner.pickBuilding({ id }), bad.id);
  await page.selectOption("#plan-move-to", bad.to);
  await page.click("#plan-move-apply");
  assert.equal(await page.locator("#plan-move-result").innerText(), bad.problem);
  assert.equal(await page.locator("#plan-metrics tbody").innerText(), before);
  await shot(page, "planner-3-move-refused");
  // Without the page's quick check the server decides: it refuses and its message shows.
  const id = await draftId();
  const stored = (await api(page, `/api/plans/${id}`)).body;
  await page.evaluate(() => (window.wangge.planner.checkMove = () => null));
  await page.evaluate((bid) => window.wangge.planner.pickBuilding({ id: bid }), bad.id);
  await page.selectOption("#plan-move-to", bad.to);
  await page.click("#plan-move-apply");
  await page.waitForSelector("#plan-move-result.error-text", { timeout: 60000 });
  assert.match(await page.locator("#plan-move-result").innerText(), new RegExp(`move refused: .*${bad.id}`));
  await page.evaluate(() => delete window.wangge.planner.checkMove);
  assert.deepEqual((await api(page, `/api/plans/${id}`)).body, stored);
  assert.equal(await page.locator("#plan-metrics tbody").innerText(), before);
  // Select a building by drawing a polygon around it (geoman), then move it.
  const target = await page.evaluate(() => {
    const p = window.wangge.planner;
    const size = window.wangge.map.getSize();
    for (const b of p.buildings.values()) {
      const pt = window.wangge.map.latLngToContainerPoint([b.lonlat[1], b.lonlat[0]]);
      if (pt.x > 40 && pt.y > 40 && pt.x < size.x - 40 && pt.y < size.y - 40) return { id: b.id, name: b.name, x: pt.x, y: pt.y };
    }
    return null;
  });
  assert.ok(target, "a building of the draft is in view");
  await page.click("#plan-lasso");
  const box = await page.locator("#map").boundingBox();
  const corners = [[-10, -10], [10, -10], [10, 10], [-10, 10], [-10, -10]];
  for (const [dx, dy] of corners) {
    await page.mouse.click(box.x + target.x + dx, box.y + target.y + dy);
    await page.waitForTimeout(120);
  }
  await page.waitForSelector("#plan-selection");
  assert.match(await page.locator("#plan-selection").innerText(), new RegExp(target.name));
  await shot(page, "planner-3b-lasso");
  // A move the server accepts is stored: reloading the draft from the API shows it.
  const { ok, before: plan0, after: plan1 } = await moveOneBuilding();
  assert.match(await page.locator("#plan-manual").innerText(), new RegExp(`${ok.from.slice(-3)} → ${ok.to.slice(-3)}`));
  assert.equal(plan1.status, "draft");
  assert.equal(householdsOf(plan1, ok.to), householdsOf(plan0, ok.to) + ok.households);
  assert.equal(householdsOf(plan1, ok.from), householdsOf(plan0, ok.from) - ok.households);
  const diff = (await api(page, `/api/plans/${id}/diff`)).body;
  const publishedGrid = (await api(page, `/api/buildings/${ok.id}`)).body.properties.grid_id;
  const publishedCode = (await api(page, `/api/grids?community=${community.id}`)).body.features.find((g) => (g.id ?? g.properties.id) === publishedGrid)?.properties.code;
  const listed = diff.moves.find((m) => m.building_id === ok.id);
  assert.ok(listed ? listed.to === ok.to : publishedCode === ok.to, `building ${ok.id} is in ${ok.to} in the stored draft`);
  // The page redrew the draft from the server's answer: its grids and metrics.
  assert.deepEqual(
    await page.evaluate(() => window.wangge.planner.plan.grids.features.map((f) => [f.properties.code, f.geometry.coordinates.flat(3).length])),
    plan1.grids.features.map((f) => [f.properties.code, f.geometry.coordinates.flat(3).length]),
  );
  await shot(page, "planner-3c-move-saved");
});

test("a draft overtaken by another publish gets the conflict message", async () => {
  const title = await page.locator("#plan-result h3").first().innerText();
  const stale = Number(title.match(/草案 (\d+)/)[1]);
  // Another planner computes and publishes a plan for the same community first.
  const other = await api(page, `/api/communities/${community.id}/plans`, { method: "POST", body: JSON.stringify({ mode: "fewest" }) });
  assert.equal(other.status, 201);
  const pub = await api(page, `/api/plans/${other.body.plan_id}/publish`, { method: "POST", body: "{}" });
  assert.equal(pub.status, 200);
  await page.click("#plan-publish");
  await page.waitForSelector("#confirm[open]");
  assert.match(await page.locator("#confirm-text").innerText(), /确认发布/);
  await page.click("#confirm-ok");
  await page.waitForSelector("#plan-conflict");
  assert.match(await page.locator("#plan-conflict").innerText(), /已有其他人发布了新的方案/);
  assert.equal((await api(page, `/api/plans/${stale}`)).body.status, "draft");
  await shot(page, "planner-4-conflict");
});

test("publish after confirmation; the new grids are on the map", async () => {
  await page.click("#plan-run");
  await page.waitForFunction(() => /草案 \d+/.test(document.querySelector("#plan-result h3")?.innerText || "") && !document.querySelector("#plan-conflict"), null, { timeout: 60000 });
  const planId = await draftId();
  // A manual move before publishing: the published grids keep it.
  const { ok } = await moveOneBuilding();
  const plan = (await api(page, `/api/plans/${planId}`)).body;
  // Cancel first: nothing is published.
  await page.click("#plan-publish");
  await page.waitForSelector("#confirm[open]");
  await page.click("#confirm-cancel");
  assert.equal((await api(page, `/api/plans/${planId}`)).body.status, "draft");
  // Then confirm.
  await page.click("#plan-publish");
  await page.waitForSelector("#confirm[open]");
  await page.click("#confirm-ok");
  await page.waitForSelector("#plan-published");
  assert.equal((await api(page, `/api/plans/${planId}`)).body.status, "published");
  const grids = (await api(page, `/api/grids?community=${community.id}`)).body.features;
  assert.equal(grids.length, plan.metrics.grid_count);
  assert.deepEqual(grids.map((g) => g.properties.plan_id), grids.map(() => planId));
  // The moved building is in its new grid, and a lookup at it answers that grid.
  const target = grids.find((g) => g.properties.code === ok.to);
  const building = (await api(page, `/api/buildings/${ok.id}`)).body;
  assert.equal(building.properties.grid_id, target.id ?? target.properties.id);
  const at = await page.evaluate((bid) => window.wangge.planner.buildings?.get(bid)?.lonlat ?? null, ok.id);
  if (at) {
    const found = (await api(page, `/api/lookup?lon=${at[0]}&lat=${at[1]}`)).body;
    assert.equal(found.grid.code, ok.to);
  }
  // The map and the community panel show the new grids.
  await page.click("#tabbtn-drill");
  await page.waitForSelector(`#detail h2 >> text=${communityName}`);
  assert.equal(await page.locator("#detail .drill-item").count(), plan.metrics.grid_count);
  const drawn = await page.evaluate((id) => {
    const ids = [];
    window.wangge.layers.grids.eachLayer((l) => ids.push(l.feature.properties.plan_id));
    return ids.filter((p) => p === id).length;
  }, planId);
  assert.equal(drawn, plan.metrics.grid_count);
  await shot(page, "planner-5-published");
  assert.deepEqual(s.errors, []);
});
