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
import { by, text, placeName, buildingName, formatAddress, present } from "./text.js";

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
      if (r.properties?.level === "street") break;
      next = r.properties?.parent_id;
    }
    for (const c of chain) {
      const p = c.properties || {};
      if (p.level === "district") continue;
      path.push({ level: p.level, id: p.id ?? c.id, name: placeName({ ...p, id: p.id ?? c.id }), feature: c });
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
    if (!regions?.features?.length) {
      regions = await get("/api/regions?level=community");
      level = "community";
    }
    const body = h(
      "section",
      {},
      h("h2", {}, level === "street" ? t.streets : t.communities),
      h("p", { class: "note" }, t.clickHint),
      this.list(
        features(regions)
          .map((f) => f.properties || {})
          .sort(by((p) => p.code, (p) => p.name, (p) => p.id))
          .map((p) => ({
            text: placeName(p),
            extra: present(p.code) && present(p.name) ? p.code : null,
            go: { level, id: p.id },
          })),
      ),
    );
    return { path: [], body, fit: features(regions).length ? this.app.shiftBounds(regions) : null };
  }

  async regionView(id) {
    const path = await this.regionPath(id);
    const here = path[path.length - 1];
    if (!here) throw new Error(`region ${id} not found`);
    const level = here.level;
    const summary = await getOptional(`/api/regions/${id}/summary`);
    const grids = features(this.app.layers.data.grids).map((f) => f.properties || {});
    let children;
    let fallback = {};
    if (level === "street") {
      const communities = features(await get(`/api/regions${qs({ level: "community", parent: id })}`)).map((f) => f.properties || {});
      const ids = new Set(communities.map((c) => c.id));
      const mine = grids.filter((g) => ids.has(g.community_id));
      fallback = this.sum(mine);
      children = h(
        "section",
        {},
        h("h3", {}, `${t.communities}（${communities.length}）`),
        this.list(
          communities.sort(by((c) => c.code, (c) => c.name, (c) => c.id)).map((c) => {
            const gs = grids.filter((g) => g.community_id === c.id);
            return {
              text: placeName(c),
              extra: `${gs.length} 个网格 · ${num(gs.reduce((a, g) => a + (g.households || 0), 0))} 户`,
              go: { level: "community", id: c.id },
            };
          }),
        ),
      );
      await this.app.layers.loadBuildings(null);
    } else {
      const mine = grids.filter((g) => g.community_id === id).sort(by((g) => g.code, (g) => g.name, (g) => g.id));
      fallback = this.sum(mine);
      children = h(
        "section",
        {},
        h("h3", {}, `${t.grids}（${mine.length}）`),
        this.list(
          mine.map((g) => ({
            text: placeName(g),
            extra: `${text(g.code)} · ${num(g.households)} 户`,
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
      h("h2", {}, h("small", {}, t.levels[level] || ""), " ", here.name),
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
    const g = { id, ...(grid.properties || {}) };
    const [path, summary, buildings] = await Promise.all([
      this.regionPath(g.community_id),
      getOptional(`/api/grids/${id}/summary`),
      get(`/api/buildings${qs({ grid: id, limit: 10000 })}`),
    ]);
    await this.app.layers.loadBuildings({ community: g.community_id });
    path.push({ level: "grid", id, name: placeName(g), feature: grid });
    const workers = Array.isArray(g.workers) ? g.workers : [];
    const list = features(buildings).map((f) => f.properties || {});
    const loaded = this.app.layers.gridFeature(id)?.properties;
    const body = h(
      "section",
      {},
      h("h2", {}, h("small", {}, t.grids), " ", placeName(g)),
      h("p", { class: "sub" }, `${text(g.code)} · ${label(t.gridKinds, g.kind)}`),
      statsTable(summary, { buildings: list.length, households: loaded?.households, workers: workers.length }),
      h("h3", {}, `${t.workers}（${workers.length}）`),
      workersList(workers),
      h("h3", {}, `${t.buildings}（${list.length}）`),
      this.list(
        list
          .sort(by((b) => b.name, (b) => b.id))
          .map((b) => ({
            text: buildingName(b),
            extra: `${num(b.households)} 户${b.households_estimated ? t.estimated : ""}`,
            go: { level: "building", id: b.id },
          })),
      ),
    );
    return { path, body, fit: this.app.shiftBounds(grid) };
  }

  async buildingView(id) {
    const building = await get(`/api/buildings/${id}`);
    const b = { id, ...(building.properties || {}) };
    const path = await this.regionPath(b.community_id);
    if (b.grid_id) {
      const grid = this.app.layers.gridFeature(b.grid_id)?.properties || (await get(`/api/grids/${b.grid_id}`)).properties;
      path.push({ level: "grid", id: b.grid_id, name: placeName({ id: b.grid_id, ...(grid || {}) }) });
    }
    await this.app.layers.loadBuildings({ community: b.community_id });
    path.push({ level: "building", id, name: buildingName(b), feature: building });
    this.building = building;
    const address = formatAddress(b.address);
    const body = h(
      "section",
      {},
      h("h2", {}, h("small", {}, t.buildings), " ", buildingName(b)),
      h(
        "dl",
        { class: "facts", id: "building-facts" },
        h("dt", {}, t.address),
        h("dd", { id: "building-address" }, text(address)),
        h("dt", {}, t.floors),
        h("dd", { id: "building-floors" }, num(b.floors)),
        h("dt", {}, t.units),
        h("dd", { id: "building-units" }, num(b.units)),
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
    const record = { id: target.id, ...(target.record || {}), ...(detail ? detail.properties || detail : {}) };
    const buildingId = record.building_id ?? target.building?.properties?.id;
    if (buildingId == null) throw new Error(`household ${target.id} has no building`);
    const view = await this.buildingView(buildingId);
    const people = detail ? detail.people || detail.properties?.people || [] : null;
    const name = text(record.room, `#${target.id}`);
    view.path.push({ level: "household", id: target.id, name, record });
    view.body = h(
      "section",
      {},
      h("h2", {}, h("small", {}, t.households), " ", name),
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
            { class: "drill-item", dataset: { level: it.go.level, id: text(it.go.id, "") }, onclick: () => this.go(it.go) },
            it.swatch ? h("span", { class: "swatch", style: { background: it.swatch } }) : null,
            h("span", { class: "drill-name" }, it.text),
            it.extra ? h("span", { class: "drill-extra" }, it.extra) : null,
          ),
        ),
      ),
    );
  }
}

/** The features of a FeatureCollection answer ([] when it has none). */
export const features = (fc) => (Array.isArray(fc?.features) ? fc.features : []);

/** The workers of a grid with their role and phone. */
export function workersList(workers) {
  const list = Array.isArray(workers) ? workers.filter(Boolean) : [];
  if (!list.length) return h("p", { class: "note" }, "—");
  return h(
    "ul",
    { class: "workers" },
    list.map((w) =>
      h("li", {}, h("span", { class: "worker-role" }, label(t.workerRoles, w.role)), " ", h("strong", {}, text(w.name)), " ", present(w.phone) ? h("a", { href: `tel:${w.phone}` }, String(w.phone)) : ""),
    ),
  );
}

export { LEVELS };
