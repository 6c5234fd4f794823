// Planner mode: pick a community, set the bounds, target and mode, run balancing
// (POST /api/communities/{id}/plans), show the draft beside or instead of the published
// grids with its metrics table (kept virtual/rural grids listed) and the moved buildings
// highlighted, move buildings to a neighbouring draft grid by hand, and publish after a
// confirmation (a 409 means someone else published first).
//
// Buildings to move are picked by a click or by drawing a polygon around them (geoman).
// A manual move is pre-checked here (bounds of both grids, the grids being neighbours, the
// buildings of both grids staying connected, by building centres), then sent to
// POST /api/plans/{id}/moves: the server checks it on the draft's adjacency graph and
// stores it, and its answer decides: the draft is redrawn from the plan it returns, and a
// refusal shows the server's message. Publishing publishes the edited draft.

import L from "./leaflet-global.js";
import { get, post } from "./api.js";
import { h, fill, num, say } from "./dom.js";
import { t } from "./i18n.js";
import { geoJsonCoords, onChange, toMap } from "./proj.js";
import { gridColor } from "./colors.js";
import { neighbours, connected, linkDistance, centroid, lonLatCentre, pointInRing } from "./validate.js";
import { by, compareText, text, placeName, buildingName, shortCode } from "./text.js";

export class Planner {
  constructor(app, el) {
    this.app = app;
    this.el = el;
    this.plan = null;
    this.show = "both";
    app.map.createPane("draft").style.zIndex = 425;
    this.layer = L.geoJSON(null, {
      ...geoJsonCoords,
      pane: "draft",
      style: (f) => this.draftStyle(f),
      interactive: false,
    });
    onChange(() => this.drawDraft());
  }

  get active() {
    return !this.el.hidden;
  }

  draftStyle(f) {
    const m = this.gridMetrics(f.properties?.code);
    const both = this.show === "both";
    return {
      color: "#0d47a1",
      weight: 3,
      dashArray: both ? "8 6" : null,
      fill: !both,
      fillColor: gridColor(m?.households, this.bounds || this.app.config.bounds),
      fillOpacity: 0.55,
      interactive: false,
    };
  }

  gridMetrics(code) {
    return this.counts?.get(code) ?? null;
  }

  render() {
    const communities = (this.app.layers.data.communities?.features || [])
      .map((f) => ({ id: f.id, ...(f.properties || {}) }))
      .sort(by((c) => c.code, (c) => c.name, (c) => c.id));
    const b = this.app.config.bounds;
    const field = (id, text, input) => h("label", { for: id }, h("span", {}, text), input);
    this.form = h(
      "form",
      { class: "planner-form", id: "planner-form", onsubmit: (e) => (e.preventDefault(), this.run()) },
      field("plan-community", t.plannerCommunity, h("select", { id: "plan-community", name: "community" }, communities.map((c) => h("option", { value: c.id }, placeName(c))))),
      h(
        "div",
        { class: "row3" },
        field("plan-min", t.plannerMin, h("input", { id: "plan-min", type: "number", min: 1, value: b.min, required: true })),
        field("plan-max", t.plannerMax, h("input", { id: "plan-max", type: "number", min: 1, value: b.max, required: true })),
        field("plan-target", t.plannerTarget, h("input", { id: "plan-target", type: "number", min: 1, value: b.target || Math.round((b.min + b.max) / 2), required: true })),
      ),
      h(
        "div",
        { class: "row3" },
        field("plan-mode", t.plannerMode, h("select", { id: "plan-mode" }, Object.entries(t.modes).map(([k, v]) => h("option", { value: k }, v)))),
        field("plan-seed", t.plannerSeed, h("input", { id: "plan-seed", type: "number", min: 0, value: 1 })),
      ),
      h("label", { class: "check" }, h("input", { type: "checkbox", id: "plan-warm", checked: true }), t.plannerWarm),
      h("button", { type: "submit", class: "primary", id: "plan-run" }, t.plannerRun),
    );
    this.result = h("div", { id: "plan-result" });
    fill(this.el, h("h2", {}, t.tabPlanner), this.form, this.result);
  }

  async run() {
    const id = Number(this.form.querySelector("#plan-community").value);
    const body = {
      min: Number(this.form.querySelector("#plan-min").value),
      max: Number(this.form.querySelector("#plan-max").value),
      target: Number(this.form.querySelector("#plan-target").value),
      mode: this.form.querySelector("#plan-mode").value,
      seed: Number(this.form.querySelector("#plan-seed").value),
      warm_start: this.form.querySelector("#plan-warm").checked,
    };
    if (this.app.user?.username) body.author = this.app.user.username;
    const button = this.form.querySelector("#plan-run");
    button.disabled = true;
    button.textContent = t.plannerRunning;
    try {
      const created = await post(`/api/communities/${id}/plans`, body);
      const [plan, diff, buildings] = await Promise.all([
        get(`/api/plans/${created.plan_id}`),
        get(`/api/plans/${created.plan_id}/diff`),
        this.app.layers.loadBuildings({ community: id }),
      ]);
      this.bounds = { min: body.min, max: body.max };
      this.plan = plan;
      this.diff = diff;
      this.buildingData = buildings;
      this.manual = [];
      this.prepare(buildings);
      this.app.drill.go({ level: "community", id });
      this.drawDraft();
      this.renderResult();
      say(`草案 ${plan.id} 已生成`, "ok");
    } catch (e) {
      say(`${t.error}${e.message}`, "error");
      fill(this.result, h("p", { class: "error-text" }, e.message));
    } finally {
      button.disabled = false;
      button.textContent = t.plannerRun;
    }
  }

  /** Draft assignment of every building (by grid code), counts per draft grid, local positions. */
  prepare(buildings) {
    const codeOfPublished = new Map((this.app.layers.data.grids?.features || []).map((f) => [f.properties?.id ?? f.id, f.properties?.code]));
    this.moves = new Map((this.diff?.moves || []).map((m) => [m.building_id, m.to]));
    this.manual = this.manual || [];
    this.assign = new Map();
    this.buildings = new Map();
    for (const f of buildings?.features || []) {
      const p = { id: f.id, ...(f.properties || {}) };
      this.buildings.set(p.id, { ...p, at: centroid(f.geometry), lonlat: lonLatCentre(f.geometry) });
      this.assign.set(p.id, this.moves.get(p.id) ?? codeOfPublished.get(p.grid_id));
    }
    this.recount();
  }

  recount() {
    this.counts = new Map();
    for (const g of this.plan.metrics?.grids || []) this.counts.set(g.code, { ...g, households: 0, buildings: 0 });
    for (const [id, code] of this.assign) {
      const c = this.counts.get(code);
      if (!c) continue;
      c.households += this.buildings.get(id).households || 0;
      c.buildings += 1;
    }
  }

  movedIds() {
    const ids = [...this.moves.keys()];
    for (const m of this.manual) ids.push(m.building);
    return ids;
  }

  drawDraft() {
    this.layer.clearLayers();
    if (!this.plan) return;
    if (this.plan.grids) this.layer.addData(this.plan.grids);
    this.applyShow();
    this.app.layers.setHighlight(this.movedIds());
  }

  applyShow() {
    const map = this.app.map;
    const published = this.app.layers.grids;
    if (this.show === "published") map.removeLayer(this.layer);
    else this.layer.addTo(map);
    if (this.show === "draft") map.removeLayer(published);
    else published.addTo(map);
    this.layer.setStyle((f) => this.draftStyle(f));
  }

  renderResult() {
    const m = this.plan.metrics || {};
    const violations = m.violations || [];
    const diff = { buildings_moved: 0, households_moved: 0, grids_added: [], ...(this.diff || {}) };
    const toggle = h(
      "div",
      { class: "segmented", role: "radiogroup", "aria-label": t.plannerShow },
      [
        ["draft", t.showDraft],
        ["published", t.showPublished],
        ["both", t.showBoth],
      ].map(([k, text]) =>
        h("label", {}, h("input", { type: "radio", name: "plan-show", value: k, checked: this.show === k, onchange: () => ((this.show = k), this.applyShow()) }), text),
      ),
    );
    const rows = [...this.counts.values()].sort(by((g) => g.code, (g) => g.name));
    // Grids kept apart by balancing (virtual, rural): listed, not measured against the bounds.
    const kept = [...(m.kept || [])].sort(by((g) => g.code, (g) => g.name));
    const within = (hh) => hh >= this.bounds.min && hh <= this.bounds.max;
    fill(
      this.result,
      h("h3", {}, `${t.plannerMetrics}（草案 ${this.plan.id}）`),
      toggle,
      h(
        "p",
        { id: "plan-summary" },
        `${t.plannerGridCount} ${rows.length + kept.length} · `,
        t.plannerMoved(diff.buildings_moved ?? 0, diff.households_moved ?? 0),
        diff.grids_added?.length ? ` · 新增 ${diff.grids_added.length} 个网格` : "",
      ),
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "metrics", id: "plan-metrics" },
          h("thead", {}, h("tr", {}, [t.plannerCode, t.name, t.stats.households, t.stats.buildings, t.plannerCompact, t.plannerWithin].map((c) => h("th", {}, c)))),
          h(
            "tbody",
            {},
            rows.map((g) =>
              h(
                "tr",
                { class: within(g.households) ? "" : "bad" },
                h("td", {}, shortCode(g.code)),
                h("td", {}, text(g.name, "")),
                h("td", { class: "n" }, num(g.households)),
                h("td", { class: "n" }, num(g.buildings)),
                h("td", { class: "n" }, Number.isFinite(g.polsby_popper) ? g.polsby_popper.toFixed(2) : "—"),
                h("td", {}, within(g.households) ? "✓" : "✗"),
              ),
            ),
            kept.map((g) =>
              h(
                "tr",
                { class: "kept", "data-kind": g.kind },
                h("td", {}, shortCode(g.code)),
                h("td", {}, text(g.name, "")),
                h("td", { class: "n" }, num(g.households)),
                h("td", { class: "n" }, num(g.buildings)),
                h("td", { class: "n" }, "—"),
                h("td", { title: t.plannerKeptHint }, t.plannerKept(t.gridKinds?.[g.kind] || g.kind)),
              ),
            ),
          ),
        ),
      ),
      h("h3", {}, t.plannerViolations),
      violations.length ? h("ul", { class: "violations" }, violations.map((v) => h("li", {}, typeof v === "string" ? v : v?.message || JSON.stringify(v)))) : h("p", { class: "note" }, t.plannerNoViolations),
      h("h3", {}, t.plannerManual),
      h("p", { class: "note" }, t.plannerManualHint),
      h("button", { id: "plan-lasso", onclick: () => this.lasso() }, t.plannerLasso),
      h("div", { id: "plan-move" }),
      this.manual.length ? h("ul", { id: "plan-manual" }, this.manual.map((m) => h("li", {}, `${m.name}: ${shortCode(m.from)} → ${shortCode(m.to)}`))) : null,
      h("p", { class: "note" }, t.plannerManualLocal),
      h("button", { class: "primary danger", id: "plan-publish", onclick: () => this.publish() }, t.plannerPublish),
    );
  }

  /** A building clicked in planner mode: select it for a manual move. */
  pickBuilding(props) {
    if (!this.plan || !this.buildings?.has(props.id)) return false;
    this.select([props.id]);
    return true;
  }

  /** Draws a polygon (geoman) and selects the draft's buildings whose centre lies inside it. */
  lasso() {
    const map = this.app.map;
    this.app.layers.passClicks = true;
    map.pm.enableDraw("Polygon", { snappable: false, finishOn: null, continueDrawing: false });
    map.once("pm:create", (e) => {
      this.app.layers.passClicks = false;
      map.pm.disableDraw();
      const ring = e.layer.getLatLngs()[0];
      e.layer.remove();
      const inside = [...this.buildings.values()].filter((b) => b.lonlat && pointInRing(toMap(b.lonlat[0], b.lonlat[1]), ring)).map((b) => b.id);
      if (inside.length) this.select(inside);
      else say(t.plannerLassoEmpty, "error");
    });
  }

  /** Shows the move form for the selected buildings: the other draft grids to move them to. */
  select(ids) {
    this.selection = ids;
    this.app.layers.setHighlight([...this.movedIds(), ...ids]);
    const froms = [...new Set(ids.map((id) => this.assign.get(id)))];
    const households = ids.reduce((a, id) => a + (this.buildings.get(id)?.households || 0), 0);
    const options = (this.plan.grids?.features || [])
      .map((f) => f.properties?.code)
      .filter((c) => c != null && !froms.includes(c))
      .sort(compareText);
    const select = h("select", { id: "plan-move-to" }, options.map((c) => h("option", { value: c }, `${shortCode(c)} ${text(this.counts.get(c)?.name, "")}`)));
    const out = h("p", { id: "plan-move-result", role: "status" });
    const names = ids.map((id) => buildingName(this.buildings.get(id) || { id }));
    fill(
      this.result.querySelector("#plan-move"),
      h(
        "p",
        { id: "plan-selection" },
        h("strong", {}, names.length > 3 ? `${names.slice(0, 3).join("、")} 等 ${names.length} 栋` : names.join("、")),
        ` ${num(households)} 户 · 现属 ${froms.map(shortCode).join("、")}`,
      ),
      h("label", { for: "plan-move-to" }, t.plannerMoveTo, " ", select),
      h(
        "button",
        {
          id: "plan-move-apply",
          onclick: (e) => this.applyMove(ids, select.value, names, out, e.currentTarget),
        },
        t.plannerMoveApply,
      ),
      out,
    );
  }

  /**
   * Moves buildings `ids` to draft grid `to`: a quick check in the page first, then the
   * server checks and stores the move; the draft is redrawn from its answer, and a refusal
   * shows its message in `out`.
   */
  async applyMove(ids, to, names, out, button) {
    const problem = this.checkMove(ids, to);
    if (problem) {
      out.textContent = problem;
      out.className = "error-text";
      return;
    }
    if (button) button.disabled = true;
    out.textContent = t.plannerMoveSaving;
    out.className = "note";
    try {
      const plan = await post(`/api/plans/${this.plan.id}/moves`, { buildings: ids, to_grid: to });
      const diff = await get(`/api/plans/${plan.id}/diff`);
      for (const id of ids) {
        const name = buildingName(this.buildings.get(id) || { id });
        this.manual.push({ building: id, name, from: this.assign.get(id), to });
      }
      this.plan = plan;
      this.diff = diff;
      this.prepare(this.buildingData);
      this.drawDraft();
      this.renderResult();
      say(t.plannerMoveOk(names.join("、"), shortCode(to)), "ok");
    } catch (e) {
      out.textContent = e.status === 422 || e.status === 409 ? e.message : `${t.error}${e.message}`;
      out.className = "error-text";
      if (button) button.disabled = false;
    }
  }

  /** Why moving buildings `ids` to draft grid `to` fails the page's quick check, or null. */
  checkMove(ids, to) {
    const grid = (code) => (this.plan.grids?.features || []).find((f) => f.properties?.code === code);
    const members = (code, without = []) =>
      [...this.assign]
        .filter(([bid, c]) => c === code && !without.includes(bid))
        .map(([bid]) => this.buildings.get(bid)?.at)
        .filter(Boolean);
    const toFeature = grid(to);
    const dst = this.counts.get(to);
    if (!toFeature || !dst) return t.plannerMoveNotNeighbour(shortCode(to));
    const moving = ids.map((id) => this.buildings.get(id)).filter(Boolean);
    const total = moving.reduce((a, b) => a + (b.households || 0), 0);
    for (const from of new Set(ids.map((id) => this.assign.get(id)))) {
      const fromFeature = grid(from);
      if (!fromFeature || !neighbours(fromFeature.geometry, toFeature.geometry)) return t.plannerMoveNotNeighbour(shortCode(to));
      const leaving = ids.filter((id) => this.assign.get(id) === from);
      const left = (this.counts.get(from)?.households ?? 0) - leaving.reduce((a, id) => a + (this.buildings.get(id)?.households || 0), 0);
      const remaining = members(from, leaving);
      if (!remaining.length) return t.plannerMoveEmpty(shortCode(from));
      if (left < this.bounds.min) return t.plannerMoveBelow(shortCode(from), left, this.bounds.min);
      if (!connected(remaining, linkDistance(members(from)))) return t.plannerMoveSplits(shortCode(from));
    }
    if (dst.households + total > this.bounds.max) return t.plannerMoveAbove(shortCode(to), dst.households + total, this.bounds.max);
    const dstMembers = members(to);
    const reach = Math.max(linkDistance(dstMembers), ...[...new Set(ids.map((id) => this.assign.get(id)))].map((c) => linkDistance(members(c))));
    if (!connected([...dstMembers, ...moving.map((b) => b.at).filter(Boolean)], reach)) return t.plannerMoveFar(shortCode(to));
    return null;
  }

  async publish() {
    const ok = await this.app.confirm(t.plannerConfirm(placeName(this.app.layers.communityFeature(this.plan.community_id)?.properties || { id: this.plan.community_id }), this.counts.size));
    if (!ok) return;
    try {
      await post(`/api/plans/${this.plan.id}/publish`);
      const id = this.plan.id;
      const community = this.plan.community_id;
      this.plan = null;
      this.layer.clearLayers();
      this.app.map.removeLayer(this.layer);
      this.app.layers.grids.addTo(this.app.map);
      this.app.layers.setHighlight([]);
      await this.app.layers.reloadGrids();
      this.app.layers.buildingsKey = null;
      await this.app.drill.go({ level: "community", id: community });
      fill(this.result, h("p", { class: "ok-text", id: "plan-published" }, t.plannerPublished(id)));
      say(t.plannerPublished(id), "ok");
    } catch (e) {
      const text = e.status === 409 ? t.plannerConflict : `${t.error}${e.message}`;
      say(text, "error");
      const p = h("p", { class: "error-text", id: "plan-conflict" }, text);
      this.result.prepend(p);
    }
  }
}
