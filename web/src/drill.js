// The drill-down: street → community → grid → building → household. Keeps the current
// path, renders the breadcrumbs and the detail panel of each level (statistics, lists to
// go one level down, the household table, the people) and moves the map to the level.

import { get, getOptional, qs } from "./api.js";
import { h, fill, num, say } from "./dom.js";
import { t, label } from "./i18n.js";
import { renderCrumbs } from "./breadcrumbs.js";
import { statsTable } from "./stats.js";
import { householdTable, householdView } from "./building.js";
import { gridColor } from "./colors.js";

const LEVELS = ["street", "community", "grid", "building", "household"];

export class Drill {
  constructor(app, crumbsEl, detailEl) {
    this.app = app;
    this.crumbsEl = crumbsEl;
    this.detailEl = detailEl;
    this.path = [];
    this.seq = 0;
  }

  get level() {
    return this.path.length ? this.path[this.path.length - 1].level : "root";
  }

  /** The id at `level` in the current path, or null. */
  idAt(level) {
    return this.path.find((p) => p.level === level)?.id ?? null;
  }

  /** Goes to a level: {level: "root"|"street"|"community"|"grid"|"building"|"household", id, record?}. */
  async go(target) {
    const seq = ++this.seq;
    try {
      const view = await this.build(target);
      if (seq !== this.seq) return;
      this.path = view.path;
      renderCrumbs(this.crumbsEl, this.path, (item) => this.go(item));
      fill(this.detailEl, view.body);
      this.app.layers.select({
        community: this.idAt("community"),
        grid: this.idAt("grid"),
        building: this.idAt("building"),
      });
      if (view.fit) this.app.fitTo(view.fit);
      document.dispatchEvent(new CustomEvent("wangge:drill", { detail: { level: this.level, path: this.path } }));
    } catch (e) {
      if (seq === this.seq) say(`${t.error}${e.message}`, "error");
    }
  }

  /** The street → community path down to region `id`, leaving out levels the user may not see. */
  async regionPath(id) {
    const path = [];
    const chain = [];
    let next = id;
    while (next) {
      let r;
      try {
        r = await get(`/api/regions/${next}`);
      } catch (e) {
        if (e.status === 404) break; // a level outside the user's scope (a worker sees only grids)
        throw e;
      }
      chain.unshift(r);
      if (r.properties.level === "street") break;
      next = r.properties.parent_id;
    }
    for (const c of chain) {
      if (c.properties.level === "district") continue;
      path.push({ level: c.properties.level, id: c.properties.id, name: c.properties.name, feature: c });
    }
    return path;
  }

  async build(target) {
    switch (target.level) {
      case "root":
        return this.rootView();
      case "street":
      case "community":
        return this.regionView(target.id);
      case "grid":
        return this.gridView(target.id);
      case "building":
        return this.buildingView(target.id);
      case "household":
        return this.householdViewFor(target);
      default:
        throw new Error(`unknown level ${target.level}`);
    }
  }

  async rootView() {
    // The streets the user may see; a user scoped below a street starts from its communities.
    let regions = await get("/api/regions?level=street");
    let level = "street";
    await this.app.layers.loadBuildings(null); // the street view shows no community's buildings
    if (!regions.features.length) {
      regions = await get("/api/regions?level=community");
      level = "community";
    }
    const body = h(
      "section",
      {},
      h("h2", {}, level === "street" ? t.streets : t.communities),
      h("p", { class: "note" }, t.clickHint),
      this.list(
        regions.features.map((f) => ({
          text: f.properties.name,
          extra: f.properties.code,
          go: { level, id: f.properties.id },
        })),
      ),
    );
    return { path: [], body, fit: regions.features.length ? this.app.shiftBounds(regions) : null };
  }

  async regionView(id) {
    const path = await this.regionPath(id);
    const here = path[path.length - 1];
    const level = here.level;
    const summary = await getOptional(`/api/regions/${id}/summary`);
    const grids = (this.app.layers.data.grids?.features || []).map((f) => f.properties);
    let children;
    let fallback = {};
    if (level === "street") {
      const communities = await get(`/api/regions${qs({ level: "community", parent: id })}`);
      const ids = new Set(communities.features.map((f) => f.properties.id));
      const mine = grids.filter((g) => ids.has(g.community_id));
      fallback = this.sum(mine);
      children = h(
        "section",
        {},
        h("h3", {}, `${t.communities}（${communities.features.length}）`),
        this.list(
          communities.features.map((f) => {
            const gs = grids.filter((g) => g.community_id === f.properties.id);
            return {
              text: f.properties.name,
              extra: `${gs.length} 个网格 · ${num(gs.reduce((a, g) => a + (g.households || 0), 0))} 户`,
              go: { level: "community", id: f.properties.id },
            };
          }),
        ),
      );
      await this.app.layers.loadBuildings(null);
    } else {
      const mine = grids.filter((g) => g.community_id === id).sort((a, b) => a.code.localeCompare(b.code));
      fallback = this.sum(mine);
      children = h(
        "section",
        {},
        h("h3", {}, `${t.grids}（${mine.length}）`),
        this.list(
          mine.map((g) => ({
            text: g.name || g.code,
            extra: `${g.code} · ${num(g.households)} 户`,
            swatch: gridColor(g.households, this.app.config.bounds),
            go: { level: "grid", id: g.id },
          })),
        ),
      );
      await this.app.layers.loadBuildings({ community: id });
    }
    const body = h(
      "section",
      {},
      h("h2", {}, h("small", {}, t.levels[level]), " ", here.name),
      statsTable(summary, fallback),
      children,
    );
    return { path, body, fit: this.app.shiftBounds(here.feature) };
  }

  sum(grids) {
    return {
      grids: grids.length,
      buildings: grids.reduce((a, g) => a + (g.buildings || 0), 0),
      households: grids.reduce((a, g) => a + (g.households || 0), 0),
    };
  }

  async gridView(id) {
    const grid = await get(`/api/grids/${id}`);
    const g = grid.properties;
    const [path, summary, buildings] = await Promise.all([
      this.regionPath(g.community_id),
      getOptional(`/api/grids/${id}/summary`),
      get(`/api/buildings${qs({ grid: id, limit: 10000 })}`),
    ]);
    await this.app.layers.loadBuildings({ community: g.community_id });
    path.push({ level: "grid", id, name: g.name || g.code, feature: grid });
    const workers = g.workers || [];
    const loaded = this.app.layers.gridFeature(id)?.properties;
    const body = h(
      "section",
      {},
      h("h2", {}, h("small", {}, t.grids), " ", g.name || g.code),
      h("p", { class: "sub" }, `${g.code} · ${label(t.gridKinds, g.kind)}`),
      statsTable(summary, { buildings: buildings.features.length, households: loaded?.households, workers: workers.length }),
      h("h3", {}, `${t.workers}（${workers.length}）`),
      workersList(workers),
      h("h3", {}, `${t.buildings}（${buildings.features.length}）`),
      this.list(
        buildings.features
          .map((f) => f.properties)
          .sort((a, b) => String(a.name).localeCompare(String(b.name), "zh", { numeric: true }))
          .map((b) => ({
            text: b.name || `#${b.id}`,
            extra: `${num(b.households)} 户${b.households_estimated ? t.estimated : ""}`,
            go: { level: "building", id: b.id },
          })),
      ),
    );
    return { path, body, fit: this.app.shiftBounds(grid) };
  }

  async buildingView(id) {
    const building = await get(`/api/buildings/${id}`);
    const b = building.properties;
    const path = await this.regionPath(b.community_id);
    if (b.grid_id) {
      const grid = this.app.layers.gridFeature(b.grid_id)?.properties || (await get(`/api/grids/${b.grid_id}`)).properties;
      path.push({ level: "grid", id: b.grid_id, name: grid.name || grid.code });
    }
    await this.app.layers.loadBuildings({ community: b.community_id });
    path.push({ level: "building", id, name: b.name || `#${id}`, feature: building });
    this.building = building;
    const a = b.address || {};
    const address = [a.road, a.house_number && `${a.house_number}号`, a.compound, a.building_no && `${a.building_no}栋`].filter(Boolean).join(" ");
    const body = h(
      "section",
      {},
      h("h2", {}, h("small", {}, t.buildings), " ", b.name || `#${id}`),
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, t.address),
        h("dd", {}, address || "—"),
        h("dt", {}, t.floors),
        h("dd", {}, num(b.floors)),
        h("dt", {}, t.units),
        h("dd", {}, num(b.units)),
        h("dt", {}, t.stats.households),
        h("dd", { id: "building-households" }, `${num(b.households)}${b.households_estimated ? t.estimated : ""}`),
      ),
      h("h3", {}, t.households),
      householdTable(b, (hh) => this.go({ level: "household", id: hh.id, record: hh, building })),
    );
    return { path, body, fit: this.app.shiftBounds(building, 18) };
  }

  async householdViewFor(target) {
    const detail = await getOptional(`/api/households/${target.id}`);
    const record = detail ? { ...target.record, ...(detail.properties || detail) } : target.record;
    const buildingId = record?.building_id ?? target.building?.properties.id;
    const view = await this.buildingView(buildingId);
    const people = detail ? detail.people || detail.properties?.people || [] : null;
    view.path.push({ level: "household", id: target.id, name: record.room, record });
    view.body = h(
      "section",
      {},
      h("h2", {}, h("small", {}, t.households), " ", record.room),
      householdView(record, people),
    );
    return view;
  }

  list(items) {
    return h(
      "ul",
      { class: "drill-list" },
      items.map((it) =>
        h(
          "li",
          {},
          h(
            "button",
            { class: "drill-item", onclick: () => this.go(it.go) },
            it.swatch ? h("span", { class: "swatch", style: { background: it.swatch } }) : null,
            h("span", { class: "drill-name" }, it.text),
            it.extra ? h("span", { class: "drill-extra" }, it.extra) : null,
          ),
        ),
      ),
    );
  }
}

/** The workers of a grid with their role and phone. */
export function workersList(workers) {
  if (!workers.length) return h("p", { class: "note" }, "—");
  return h(
    "ul",
    { class: "workers" },
    workers.map((w) =>
      h("li", {}, h("span", { class: "worker-role" }, label(t.workerRoles, w.role)), " ", h("strong", {}, w.name), " ", w.phone ? h("a", { href: `tel:${w.phone}` }, w.phone) : ""),
    ),
  );
}

export { LEVELS };
