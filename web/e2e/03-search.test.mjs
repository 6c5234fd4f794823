// The search box by keyboard: an address with a room opens that household, a grid code
// opens the grid, arrow keys choose among suggestions.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { open, shot, api, crumbs } from "./helpers.mjs";

const s = await open({ role: "command_staff" });
const { page } = s;
after(() => s.browser.close());

test("search an address with a room, by keyboard", async () => {
  const q = "锦官路66号1栋1单元101";
  const expected = (await api(page, `/api/geocode?q=${encodeURIComponent(q)}&limit=1`)).body.results[0];
  assert.equal(expected.name, "金桂名都1栋");
  await page.click("#search");
  await page.keyboard.type(q);
  await page.waitForSelector("#search-list li[role=option]:not(.empty)");
  const first = await page.locator("#search-list li").first().innerText();
  assert.match(first, /锦官路66号 金桂名都1栋/);
  assert.match(first, /1单元101/);
  await shot(page, "search-1-suggestions");
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.getAttribute("#search", "aria-activedescendant"), "search-opt-0");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#detail h2 >> text=1-1-101");
  const path = await crumbs(page);
  assert.equal(path[path.length - 2], "金桂名都1栋");
  assert.equal(path[path.length - 1], "1-1-101");
  assert.equal(path[2], expected.community);
  await shot(page, "search-2-household");
});

test("search a grid code; Enter opens the first suggestion", async () => {
  const grid = (await api(page, "/api/grids")).body.features.map((f) => f.properties).sort((a, b) => b.code.localeCompare(a.code))[0];
  await page.fill("#search", "");
  await page.click("#search");
  await page.keyboard.type(grid.code);
  await page.waitForSelector(`#search-list li >> text=${grid.code}`);
  await page.keyboard.press("Enter");
  await page.waitForSelector(`#detail h2 >> text=${grid.name}`);
  assert.match(await page.locator("#detail .sub").first().innerText(), new RegExp(grid.code));
  await shot(page, "search-3-grid");
});

test("a search with no match says so", async () => {
  await page.fill("#search", "");
  await page.click("#search");
  await page.keyboard.type("zzzz不存在的地址qqqq");
  await page.waitForSelector("#search-list li.empty");
  assert.equal(await page.locator("#search-list li.empty").innerText(), "没有找到匹配的地址或网格");
  await page.keyboard.press("Escape");
  assert.equal(await page.isHidden("#search-list"), true);
  assert.deepEqual(s.errors, []);
});
