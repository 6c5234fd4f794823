// Shared set-up of the end-to-end tests: a headless Chromium page on the wangge server
// that web/e2e/run.sh started (WANGGE_URL), logged in as a demo user of a role when the
// server has logins, screenshots into target/e2e-artifacts/, and direct API calls made
// with the page's session (to check what the page shows against what the API says).
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export const BASE = process.env.WANGGE_URL || "http://127.0.0.1:8080";
export const AUTH = process.env.WANGGE_E2E_AUTH === "1";
export const PASSWORD = process.env.WANGGE_E2E_PASSWORD || "";
const ARTIFACTS = process.env.WANGGE_E2E_ARTIFACTS || "target/e2e-artifacts";
/** The dataset the server holds ("demo", or an import named by run.sh): screenshots carry it. */
export const DATASET = process.env.WANGGE_DATASET || "demo";

/** Demo user names per role (created by `wangge demo --demo-password`). */
export const USERS = {
  administrator: process.env.WANGGE_E2E_ADMIN || "demo-admin",
  planner: process.env.WANGGE_E2E_PLANNER || "demo-planner",
  command_staff: process.env.WANGGE_E2E_COMMAND || "demo-command",
  grid_worker: process.env.WANGGE_E2E_WORKER || "demo-worker",
  viewer: process.env.WANGGE_E2E_VIEWER || "demo-viewer",
};

/** Chromium's launch options: Debian's chromium, headless, no sandbox (root), no calls home. */
export const LAUNCH = {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
};

/**
 * Launches Chromium and opens the map; returns {browser, context, page, errors, readyMs}:
 * `errors` collects the page's uncaught errors, `readyMs` is the time from the login
 * (or the page load without logins) to body[data-ready='1'].
 */
export async function open({ role = "command_staff", viewport = { width: 1440, height: 900 }, contextOptions = {} } = {}) {
  const browser = await chromium.launch(LAUNCH);
  const context = await browser.newContext({ viewport, locale: "zh-CN", ...contextOptions });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  let t0 = Date.now();
  await page.goto(BASE + "/");
  if (AUTH) {
    await page.waitForSelector("#login:not([hidden])", { timeout: 10000 });
    t0 = Date.now();
    await login(page, USERS[role], PASSWORD);
  }
  await waitReady(page, errors);
  return { browser, context, page, errors, readyMs: Date.now() - t0 };
}

/**
 * Waits for body[data-ready='1']; when the page shows an error message instead (or has
 * thrown), fails at once with that message rather than with a bare timeout.
 */
export async function waitReady(page, errors = [], timeout = 30000) {
  const handle = await page.waitForFunction(() => (document.body.dataset.ready === "1" ? "1" : document.querySelector("#message.error")?.textContent || null), null, { timeout });
  const state = await handle.jsonValue();
  if (state !== "1") throw new Error(`the page did not get ready: it says ${JSON.stringify(state)}${errors.length ? `; page errors: ${errors.join(" | ")}` : ""}`);
}

/** Fills the login form and submits it. */
export async function login(page, username, password) {
  await page.waitForSelector("#login:not([hidden])", { timeout: 10000 });
  await page.fill("#login-username", username);
  await page.fill("#login-password", password);
  await page.click("#login button[type=submit]");
}

/** Saves a screenshot of the page as target/e2e-artifacts/DATASET-NAME.png; returns its path. */
export async function shot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${DATASET}-${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/** GET `url` with the page's session, as JSON. */
export async function api(page, url, init = {}) {
  return page.evaluate(
    async ([u, i]) => {
      const r = await fetch(u, { credentials: "same-origin", ...i, headers: { "Content-Type": "application/json", ...(i.headers || {}) } });
      return { status: r.status, body: await r.json().catch(() => null) };
    },
    [url, init],
  );
}

/** The text of the statistic `key` in the panel, as a number (NaN when "—"). */
export async function stat(page, key) {
  const text = await page.locator(`#detail .stat[data-stat="${key}"] dd`).innerText();
  return Number(text.replace(/[,，\s]/g, ""));
}

/** The breadcrumb texts. */
export async function crumbs(page) {
  return page.locator("#crumbs li").allInnerTexts();
}
