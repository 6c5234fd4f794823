// The API client: JSON requests to wangge with the session cookie, errors as ApiError
// carrying the HTTP status and the server's message. A 401 anywhere announces that the
// session is gone ("wangge:unauthorized" on window) so the login page can show.

/** An HTTP error from wangge: `status` and the server's `error` text. */
export class ApiError extends Error {
  constructor(status, message, url) {
    super(message || `HTTP ${status}`);
    this.status = status;
    this.url = url;
  }
}

async function request(method, url, body) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (e) {
    throw new ApiError(0, `网络错误：${e.message}`, url);
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    if (response.status === 401 && url !== "/api/login" && url !== "/api/me") {
      window.dispatchEvent(new CustomEvent("wangge:unauthorized"));
    }
    throw new ApiError(response.status, (data && data.error) || text.slice(0, 200), url);
  }
  if (data === null && text) throw new ApiError(response.status, `不是 JSON：${url}`, url);
  return data;
}

/** GET `url` as JSON. */
export const get = (url) => request("GET", url);
/** POST `body` as JSON to `url`. */
export const post = (url, body = {}) => request("POST", url, body);

/** Builds a query string from an object, skipping null and undefined values. */
export function qs(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== "") q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** GET that answers `fallback` instead of throwing when the endpoint does not exist (404/405). */
export async function getOptional(url, fallback = null) {
  try {
    return await get(url);
  } catch (e) {
    if (e.status === 404 || e.status === 405 || e.status === 501) return fallback;
    throw e;
  }
}
