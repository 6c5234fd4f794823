// Grid workers: "where am I" (browser geolocation, or a point clicked on the map) →
// GET /api/lookup → the responsible grid, its community and street, and its workers; and
// the user's own grids (from the session's scope) with their buildings to open.

import L from "./leaflet-global.js";
import { get, qs } from "./api.js";
import { h, fill, num, say } from "./dom.js";
import { t } from "./i18n.js";
import { toMap, fromMap } from "./proj.js";
import { workersList, features } from "./drill.js";
import { text, placeName, buildingName } from "./text.js";

export class Worker {
  constructor(app, el) {
    this.app = app;
    this.el = el;
    this.picking = false;
    this.marker = null;
    app.map.on("click", (e) => {
      if (this.picking) this.pickAt(e.latlng);
    });
  }

  /** The point clicked while picking (on the map or on a feature). */
  pickAt(latlng) {
    this.picking = false;
    this.app.map.getContainer().classList.remove("picking");
    this.lookup(fromMap(latlng));
  }

  render() {
    this.result = h("div", { id: "where-result", role: "status" });
    this.mine = h("div", { id: "my-grids" });
    fill(
      this.el,
      h("h2", {}, t.tabWorker),
      h(
        "div",
        { class: "buttons" },
        h("button", { id: "where-am-i", class: "primary", onclick: () => this.locate() }, t.whereAmI),
        h("button", { id: "pick-on-map", onclick: () => this.pick() }, t.pickOnMap),
      ),
      this.result,
      this.mine,
    );
    this.renderMine();
  }

  locate() {
    if (!navigator.geolocation) {
      fill(this.result, h("p", { class: "error-text" }, `${t.geolocationFailed}浏览器不支持定位`));
      return;
    }
    fill(this.result, h("p", { class: "note" }, t.loading));
    navigator.geolocation.getCurrentPosition(
      (pos) => this.lookup({ lon: pos.coords.longitude, lat: pos.coords.latitude }),
      (err) => fill(this.result, h("p", { class: "error-text" }, `${t.geolocationFailed}${err.message}`)),
      { enableHighAccuracy: true, timeout: 10000 },
    );
  }

  pick() {
    this.picking = true;
    this.app.map.getContainer().classList.add("picking");
    fill(this.result, h("p", { class: "note" }, t.pickHint));
  }

  /** Looks up the grid responsible for a WGS 84 point and shows it. */
  async lookup({ lon, lat }) {
    try {
      const r = await get(`/api/lookup${qs({ lon: lon.toFixed(7), lat: lat.toFixed(7) })}`);
      if (this.marker) this.marker.remove();
      this.marker = L.circleMarker(toMap(lon, lat), { pane: "markerPane", radius: 9, color: "#fff", weight: 3, fillColor: "#d32f2f", fillOpacity: 1 }).addTo(this.app.map);
      if (!r?.found || !r.grid) {
        fill(this.result, h("p", { class: "error-text", id: "where-outside" }, r?.message ? `${t.lookupOutside}（${r.message}）` : t.lookupOutside));
        return;
      }
      fill(
        this.result,
        h(
          "div",
          { class: "where" },
          h("h3", {}, t.responsibleGrid),
          h("p", { class: "where-grid" }, h("strong", { id: "where-grid-name" }, placeName(r.grid)), ` ${text(r.grid.code, "")}`),
          h("p", { class: "sub" }, [r.district, r.street, r.community].filter(Boolean).map(placeName).join(" ")),
          h("h3", {}, t.workers),
          workersList(r.workers || []),
          h("button", { id: "where-open-grid", onclick: () => (this.app.showTab("drill"), this.app.drill.go({ level: "grid", id: r.grid.id })) }, "查看网格详情"),
        ),
      );
      this.app.map.setView(toMap(lon, lat), Math.max(this.app.map.getZoom(), 16));
    } catch (e) {
      if (e.status === 404) fill(this.result, h("p", { class: "error-text", id: "where-outside" }, t.lookupOutScope));
      else fill(this.result, h("p", { class: "error-text" }, `${t.error}${e.message}`));
    }
  }

  async renderMine() {
    const ids = this.app.user?.scope?.grids;
    if (!Array.isArray(ids)) {
      fill(this.mine);
      return;
    }
    if (!ids.length) {
      fill(this.mine, h("p", { class: "note" }, t.noScope));
      return;
    }
    const sections = [];
    for (const id of ids) {
      try {
        const [grid, buildings] = await Promise.all([get(`/api/grids/${id}`), get(`/api/buildings${qs({ grid: id, limit: 10000 })}`)]);
        const g = { id, ...(grid.properties || {}) };
        const list = features(buildings).map((f) => f.properties || {});
        const total = list.reduce((a, b) => a + (b.households || 0), 0);
        sections.push(
          h(
            "section",
            { class: "my-grid" },
            h("h3", {}, h("button", { class: "link", onclick: () => this.app.drill.go({ level: "grid", id }) }, placeName(g))),
            h("p", { class: "sub" }, `${text(g.code)} · ${list.length} 栋 · ${num(total)} 户`),
            h(
              "ul",
              { class: "drill-list" },
              list.map((b) =>
                h(
                  "li",
                  {},
                  h(
                    "button",
                    { class: "drill-item", onclick: () => (this.app.showTab("drill"), this.app.drill.go({ level: "building", id: b.id })) },
                    h("span", { class: "drill-name" }, buildingName(b)),
                    h("span", { class: "drill-extra" }, `${num(b.households)} 户`),
                  ),
                ),
              ),
            ),
          ),
        );
      } catch (e) {
        sections.push(h("p", { class: "error-text" }, `${t.error}${e.message}`));
      }
    }
    fill(this.mine, h("h2", {}, t.myGrids), sections);
  }
}
