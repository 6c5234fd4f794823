// The login page and the session: GET /api/me on start, POST /api/login with the form,
// POST /api/logout. When the server has no auth endpoints (an older wangge), the map runs
// without login as an administrator-like "no auth" user.

import { get, post } from "./api.js";
import { t } from "./i18n.js";

/** The signed-in user, null when a login is needed, or {noAuth: true} without auth. */
export async function currentUser() {
  try {
    const me = await get("/api/me");
    return me.user || me;
  } catch (e) {
    if (e.status === 401) return null;
    if (e.status === 404 || e.status === 405) return { username: "", role: "administrator", scope: { regions: null, grids: null }, noAuth: true };
    throw e;
  }
}

/** Shows the login form until a login succeeds; resolves with the user. */
export function showLogin(root) {
  root.hidden = false;
  const form = root.querySelector("form");
  const error = root.querySelector("#login-error");
  const user = root.querySelector("#login-username");
  user.focus();
  return new Promise((resolve) => {
    form.onsubmit = async (e) => {
      e.preventDefault();
      error.textContent = "";
      const button = form.querySelector("button");
      button.disabled = true;
      try {
        const r = await post("/api/login", { username: user.value.trim(), password: root.querySelector("#login-password").value });
        root.hidden = true;
        resolve(r.user || r);
      } catch (err) {
        error.textContent = err.status === 401 ? t.loginFailed : err.status === 429 ? t.loginRateLimited : `${t.error}${err.message}`;
      } finally {
        button.disabled = false;
      }
    };
  });
}

/** Ends the session and reloads the page. */
export async function logout() {
  try {
    await post("/api/logout");
  } finally {
    window.location.reload();
  }
}
