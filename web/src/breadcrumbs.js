// Breadcrumbs: the drill-down path (全部 › 街道 › 社区 › 网格 › 楼栋 › 住户), each earlier
// level a link back up.

import { h, fill } from "./dom.js";
import { t } from "./i18n.js";

/** Renders `path` ([{level, id, name}]) into `el`; clicking an entry calls `go(entry)`. */
export function renderCrumbs(el, path, go) {
  const items = [{ level: "root", id: null, name: t.all }, ...path];
  fill(
    el,
    h(
      "ol",
      {},
      items.map((item, i) =>
        h(
          "li",
          {},
          i === items.length - 1
            ? h("span", { "aria-current": "page" }, item.name)
            : h("a", { href: "#", onclick: (e) => (e.preventDefault(), go(item)) }, item.name),
        ),
      ),
    ),
  );
}
