// Logins: each demo role logs in through the login page, sees its name, role and the
// views its role may use; a wrong password is refused; personal data is shown exactly as
// the server masks it for the role; logout returns to the login page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { BASE, PASSWORD, USERS, login, shot, api } from "./helpers.mjs";

const TABS = {
  administrator: ["逐级下钻", "图层", "网格规划", "我的网格"],
  planner: ["逐级下钻", "图层", "网格规划"],
  command_staff: ["逐级下钻", "图层", "我的网格"],
  grid_worker: ["我的网格", "逐级下钻", "图层"],
  viewer: ["逐级下钻", "图层"],
};
const ROLE_NAMES = { administrator: "管理员", planner: "规划人员", command_staff: "指挥中心", grid_worker: "网格员", viewer: "只读用户" };

async function browserPage() {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ["--no-sandbox"] });
  const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: "zh-CN" })).newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  return { browser, page, errors };
}

test("a wrong password is refused on the login page", async () => {
  const { browser, page } = await browserPage();
  try {
    await page.goto(BASE + "/");
    await login(page, USERS.command_staff, PASSWORD + "-wrong");
    await page.waitForFunction(() => document.getElementById("login-error").textContent !== "");
    assert.equal(await page.locator("#login-error").innerText(), "用户名或密码错误");
    assert.equal(await page.isHidden("#app"), true);
    await shot(page, "login-0-refused");
  } finally {
    await browser.close();
  }
});

for (const role of Object.keys(TABS)) {
  test(`log in as ${role}: name, role and the role's views`, async () => {
    const { browser, page, errors } = await browserPage();
    try {
      await page.goto(BASE + "/");
      await login(page, USERS[role], PASSWORD);
      await page.waitForSelector("body[data-ready='1']", { timeout: 20000 });
      assert.equal(await page.locator("#user-name").innerText(), `${USERS[role]}（${ROLE_NAMES[role]}）`);
      assert.deepEqual(await page.locator("#tabs button").allInnerTexts(), TABS[role]);
      const me = (await api(page, "/api/me")).body;
      const user = me.user || me;
      assert.equal(user.role, role);
      if (role === "grid_worker") {
        // The worker's own grids with their buildings.
        const grids = user.scope.grids;
        assert.ok(grids.length > 0);
        await page.waitForSelector("#my-grids .my-grid");
        assert.equal(await page.locator("#my-grids .my-grid").count(), grids.length);
        const buildings = (await api(page, `/api/buildings?grid=${grids[0]}`)).body.features;
        assert.equal(await page.locator("#my-grids .my-grid").first().locator(".drill-item").count(), buildings.length);
      } else {
        // A household's people exactly as the server masks them for this role.
        const grid = (await api(page, "/api/grids")).body.features[0].properties;
        const building = (await api(page, `/api/buildings?grid=${grid.id}&limit=1`)).body.features[0].properties;
        const records = (await api(page, `/api/buildings/${building.id}`)).body.properties.household_records;
        const hh = records.find((r) => r.residents > 0);
        const people = (await api(page, `/api/households/${hh.id}`)).body.people;
        await page.click("#tabbtn-drill");
        await page.evaluate(([b]) => window.wangge.drill.go({ level: "building", id: b }), [building.id]);
        await page.waitForSelector("#household-table");
        await page.click(`#household-table button[data-room="${hh.room}"]`);
        await page.waitForSelector("#people-table");
        assert.deepEqual(await page.locator("#people-table .person-name").allInnerTexts(), people.map((p) => p.name));
        assert.deepEqual(await page.locator("#people-table .person-id").allInnerTexts(), people.map((p) => p.id_number));
        const masked = people.every((p) => p.id_number.includes("*"));
        assert.equal(masked, !user.can_unmask, `ID numbers masked for ${role}: ${masked}, can_unmask ${user.can_unmask}`);
      }
      await shot(page, `login-${role}`);
      assert.deepEqual(errors, []);
      // Logout returns to the login page.
      await page.click("#logout");
      await page.waitForSelector("#login:not([hidden])");
      assert.equal((await api(page, "/api/me")).status, 401);
    } finally {
      await browser.close();
    }
  });
}
