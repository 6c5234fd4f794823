// Planner mode: pick a community, set the bounds, target and mode, run balancing
// (POST /api/communities/{id}/plans), show the draft beside or instead of the published
// grids with its metrics table and the moved buildings highlighted, move a building to a
// neighbouring draft grid by hand with immediate validation, and publish after a
// confirmation (a 409 means someone else published first).
//
// Manual moves are validated here, in the page (bounds of both grids, the grids being
// neighbours, the buildings of both grids staying connected); the API has no endpoint to
// store them yet, so they are not sent: what is published is the computed draft.

import L from "./leaflet-global.js";
import { get, post } from "./api.js";
import { h, fill, num, say } from "./dom.js";
import { t } from "./i18n.js";
import { geoJsonCoords, onChange } from "./proj.js";
import { gridColor } from "./colors.js";
import { neighbours, connected, linkDistance, centroid } from "./validate.js";

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
    const m = this.gridMetrics(f.properties.code);
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
      .map((f) => f.properties)
      .sort((a, b) => a.code.localeCompare(b.code));
    const b = this.app.config.bounds;
    const field = (id, text, input) => h("label", { for: id }, h("span", {}, text), input);
    this.form = h(
      "form",
      { class: "planner-form", id: "planner-form", onsubmit: (e) => (e.preventDefault(), this.run()) },
      field("plan-community", t.plannerCommunity, h("select", { id: "plan-community", name: "community" }, communities.map((c) => h("option", { value: c.id }, c.name)))),
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
    const codeOfPublished = new Map((this.app.layers.data.grids?.features || []).map((f) => [f.properties.id, f.properties.code]));
    this.moves = new Map(this.diff.moves.map((m) => [m.building_id, m.to]));
    this.manual = [];
    this.assign = new Map();
    this.buildings = new Map();
    for (const f of buildings.features) {
      const p = f.properties;
      this.buildings.set(p.id, { ...p, at: centroid(f.geometry) });
      this.assign.set(p.id, this.moves.get(p.id) ?? codeOfPublished.get(p.grid_id));
    }
    this.recount();
  }

  recount() {
    this.counts = new Map();
    for (const g of this.plan.metrics.grids || []) this.counts.set(g.code, { ...g, households: 0, buildings: 0 });
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
    this.layer.addData(this.plan.grids);
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
    const m = this.plan.metrics;
    const violations = m.violations || [];
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
    const rows = [...this.counts.values()].sort((a, b) => a.code.localeCompare(b.code));
    const within = (hh) => hh >= this.bounds.min && hh <= this.bounds.max;
    fill(
      this.result,
      h("h3", {}, `${t.plannerMetrics}（草案 ${this.plan.id}）`),
      toggle,
      h(
        "p",
        { id: "plan-summary" },
        `${t.plannerGridCount} ${rows.length} · `,
        t.plannerMoved(this.diff.buildings_moved, this.diff.households_moved),
        this.diff.grids_added.length ? ` · 新增 ${this.diff.grids_added.length} 个网格` : "",
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
                h("td", {}, g.code.slice(-3)),
                h("td", {}, g.name || ""),
                h("td", { class: "n" }, num(g.households)),
                h("td", { class: "n" }, num(g.buildings)),
                h("td", { class: "n" }, g.polsby_popper != null ? g.polsby_popper.toFixed(2) : "—"),
                h("td", {}, within(g.households) ? "✓" : "✗"),
              ),
            ),
          ),
        ),
      ),
      h("h3", {}, t.plannerViolations),
      violations.length ? h("ul", { class: "violations" }, violations.map((v) => h("li", {}, typeof v === "string" ? v : v.message || JSON.stringify(v)))) : h("p", { class: "note" }, t.plannerNoViolations),
      h("h3", {}, t.plannerManual),
      h("p", { class: "note" }, t.plannerManualHint),
      h("div", { id: "plan-move" }),
      this.manual.length ? h("ul", { id: "plan-manual" }, this.manual.map((m) => h("li", {}, `${m.name}: ${m.from.slice(-3)} → ${m.to.slice(-3)}`))) : null,
      h("p", { class: "note" }, t.plannerManualLocal),
      h("button", { class: "primary danger", id: "plan-publish", onclick: () => this.publish() }, t.plannerPublish),
    );
  }

  /** A building clicked in planner mode: offer the neighbouring draft grids. */
  pickBuilding(props) {
    if (!this.plan || !this.buildings?.has(props.id)) return false;
    const b = this.buildings.get(props.id);
    const from = this.assign.get(props.id);
    const fromFeature = this.plan.grids.features.find((f) => f.properties.code === from);
    const options = this.plan.grids.features
      .filter((f) => f.properties.code !== from)
      .map((f) => f.properties.code)
      .sort();
    const select = h("select", { id: "plan-move-to" }, options.map((c) => h("option", { value: c }, `${c.slice(-3)} ${this.counts.get(c)?.name || ""}`)));
    const out = h("p", { id: "plan-move-result", role: "status" });
    const box = this.result.querySelector("#plan-move");
    fill(
      box,
      h("p", {}, h("strong", {}, b.name || `#${b.id}`), ` ${num(b.households)} 户 · 现属 ${from?.slice(-3)}`),
      h("label", { for: "plan-move-to" }, t.plannerMoveTo, " ", select),
      h(
        "button",
        {
          id: "plan-move-apply",
          onclick: () => {
            const to = select.value;
            const problem = this.checkMove(props.id, from, to, fromFeature);
            if (problem) {
              out.textContent = problem;
              out.className = "error-text";
              return;
            }
            this.assign.set(props.id, to);
            this.manual.push({ building: props.id, name: b.name || `#${b.id}`, from, to });
            this.recount();
            this.renderResult();
            this.app.layers.setHighlight(this.movedIds());
            say(t.plannerMoveOk(b.name || `#${b.id}`, to.slice(-3)), "ok");
          },
        },
        t.plannerMoveApply,
      ),
      out,
    );
    return true;
  }

  /** Why moving building `id` from grid `from` to `to` is not allowed, or null. */
  checkMove(id, from, to, fromFeature) {
    const toFeature = this.plan.grids.features.find((f) => f.properties.code === to);
    const b = this.buildings.get(id);
    const hh = b.households || 0;
    const src = this.counts.get(from);
    const dst = this.counts.get(to);
    if (!fromFeature || !toFeature || !neighbours(fromFeature.geometry, toFeature.geometry)) return t.plannerMoveNotNeighbour(to.slice(-3));
    const members = (code) => [...this.assign].filter(([, c]) => c === code).map(([bid]) => this.buildings.get(bid).at);
    const srcMembers = members(from);
    if (srcMembers.length <= 1) return t.plannerMoveEmpty(from.slice(-3));
    if (src.households - hh < this.bounds.min) return t.plannerMoveBelow(from.slice(-3), src.households - hh, this.bounds.min);
    if (dst.households + hh > this.bounds.max) return t.plannerMoveAbove(to.slice(-3), dst.households + hh, this.bounds.max);
    const reach = linkDistance(srcMembers);
    const remaining = [...this.assign].filter(([bid, c]) => c === from && bid !== id).map(([bid]) => this.buildings.get(bid).at);
    if (!connected(remaining, reach)) return t.plannerMoveSplits(from.slice(-3));
    const dstMembers = members(to);
    const dstReach = Math.max(linkDistance(dstMembers), reach);
    if (!connected([...dstMembers, b.at], dstReach)) return t.plannerMoveFar(to.slice(-3));
    return null;
  }

  async publish() {
    const ok = await this.app.confirm(t.plannerConfirm(this.app.layers.communityFeature(this.plan.community_id)?.properties.name || "", this.counts.size));
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
