//! Splitting a connected node set in two.
//!
//! Candidates come from two sources. *Lines*: the set is sorted along a few directions and
//! every prefix is a candidate side (straight boundaries, hence compact); a candidate whose
//! sides are not connected is repaired by handing the stray pieces to the other side, or
//! dropped. *Random spanning trees* (Kruskal on random edge keys): cutting one tree edge
//! always leaves two connected sides, so trees are the fallback when the lines fail (odd
//! shapes) and the source of best-effort cuts when no cut meets the bounds.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::part::{Cfg, Part};
use super::sub::NONE;

/// Directions tried by the line sweep (spread over 180°, random offset).
const ANGLES: usize = 8;
/// Candidates kept per direction (at distinct positions).
const PER_ANGLE: usize = 3;
/// Candidates checked for connectivity before giving up on the lines.
const CHECKS: usize = 12;
/// Random trees tried before giving up.
const TREES: usize = 4;
/// Weight of the slack-balance penalty against the normalised cut length.
const GAMMA: f64 = 1.0;
/// Penalty for an uneven grid count split (k1 not ⌊k/2⌋ or ⌈k/2⌉).
const UNEVEN: f64 = 4.0;

/// What a split should achieve.
#[derive(Debug, Clone, Copy)]
pub(super) enum Goal {
    /// The set must become `k` grids: split it into `k1 + k2 = k` with each side's
    /// households within `[k_i·min, k_i·max]`, shortest cut, slack spread evenly.
    Cut { k: u32 },
    /// Two grids with identities `a` and `b`: best objective subject to
    /// `viol(w_a) + viol(w_b) ≤ limit`, pinned nodes on the side of their identity.
    Pair { a: u32, b: u32, limit: u64 },
}

/// A split: side `a` (with `k1` grids, or identity `a`) and side `b`.
#[derive(Debug, Clone)]
pub(super) struct Split {
    pub a: Vec<u32>,
    pub b: Vec<u32>,
    pub k1: u32,
    pub k2: u32,
}

/// Running sums of one side.
#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    w: u64,
    area: f64,
    sume: f64,
    int: f64,
    cut: f64,
    /// Households whose warm identity is the goal's `a` / `b`.
    ma: u64,
    mb: u64,
    /// Pinned nodes whose identity is `a` / `b`.
    fa: u32,
    fb: u32,
    /// Households with any warm identity.
    warm: u64,
}

struct Ctx<'c> {
    cfg: &'c Cfg,
    goal: Goal,
    tot: Acc,
    m: usize,
    lref: f64,
}

fn ceil_div(a: u64, b: u64) -> u64 {
    a.div_ceil(b.max(1))
}

impl Ctx<'_> {
    fn add(&self, acc: &mut Acc, part: &Part, v: u32) {
        let g = part.g;
        let h = u64::from(g.h[v as usize]);
        acc.w += h;
        acc.area += g.area[v as usize];
        acc.sume += g.e[v as usize];
        let wi = part.warm[v as usize];
        if wi != NONE {
            acc.warm += h;
            if let Goal::Pair { a, b, .. } = self.goal {
                let fx = u32::from(part.fixed[v as usize]);
                if wi == a {
                    acc.ma += h;
                    acc.fa += fx;
                }
                if wi == b {
                    acc.mb += h;
                    acc.fb += fx;
                }
            }
        }
    }

    /// Feasible grid counts for a side of `w1` households and `c1` nodes.
    fn k1_range(&self, k: u32, w1: u64, c1: usize) -> (i64, i64) {
        let (min, max) = (self.cfg.min, self.cfg.max);
        let k = i64::from(k);
        let w2 = self.tot.w - w1;
        let c2 = (self.m - c1) as i64;
        let mut lo = 1i64.max(k - c2).max(ceil_div(w1, max) as i64);
        let mut hi = (k - 1).min(c1 as i64).min(k - ceil_div(w2, max) as i64);
        if min > 0 {
            hi = hi.min((w1 / min) as i64);
            lo = lo.max(k - (w2 / min) as i64);
        }
        (lo, hi)
    }

    /// Per-grid two-sided slack of `w` households in `k` grids.
    fn slack(&self, w: u64, k: u32) -> f64 {
        let k = u64::from(k.max(1));
        let lo = w as f64 - (k * self.cfg.min) as f64;
        let hi = (k * self.cfg.max) as f64 - w as f64;
        lo.min(hi) / k as f64
    }

    fn slack_pen(&self, k: u32, w1: u64, k1: u32) -> f64 {
        let star = self.slack(self.tot.w, k);
        if star <= 0.0 {
            return 0.0;
        }
        let s = self.slack(w1, k1).min(self.slack(self.tot.w - w1, k - k1));
        (1.0 - s / star).clamp(0.0, 1.0)
    }

    /// Score of a candidate side A (lower is better), its grid count or orientation.
    /// `None` when it breaks the goal.
    fn eval(&self, acc: &Acc, c1: usize) -> Option<(f64, u32, bool)> {
        if c1 == 0 || c1 >= self.m {
            return None;
        }
        match self.goal {
            Goal::Cut { k } => {
                let (lo, hi) = self.k1_range(k, acc.w, c1);
                if lo > hi {
                    return None;
                }
                let mut best: Option<(f64, u32)> = None;
                let half = [k / 2, k - k / 2];
                let prop = ((f64::from(k) * acc.w as f64) / self.tot.w.max(1) as f64).round();
                let prop = (prop as i64).clamp(lo, hi) as u32;
                for k1 in [half[0], half[1], prop] {
                    if i64::from(k1) < lo || i64::from(k1) > hi {
                        continue;
                    }
                    let mut s = GAMMA * self.slack_pen(k, acc.w, k1);
                    if k1 != half[0] && k1 != half[1] {
                        s += UNEVEN;
                    }
                    if best.is_none_or(|b| s < b.0) {
                        best = Some((s, k1));
                    }
                }
                let (s, k1) = best?;
                Some((s + acc.cut / self.lref, k1, false))
            }
            Goal::Pair { a, b, limit } => {
                let cfg = self.cfg;
                let t = &self.tot;
                let (wa, wb) = (acc.w, t.w - acc.w);
                if cfg.viol(wa) + cfg.viol(wb) > limit {
                    return None;
                }
                let pa = (acc.sume - 2.0 * acc.int).max(0.0);
                let pb = ((t.sume - acc.sume) - 2.0 * (t.int - acc.int - acc.cut)).max(0.0);
                let base = cfg.score(wa, acc.area, pa) + cfg.score(wb, t.area - acc.area, pb);
                let mut best: Option<(f64, u32, bool)> = None;
                // Orientation false: prefix is `a`; true: prefix is `b`.
                for flip in [false, true] {
                    if flip && a == b {
                        break;
                    }
                    let (pin_ok, matched) = if !flip {
                        (acc.fa == t.fa && acc.fb == 0, acc.ma + (t.mb - acc.mb))
                    } else {
                        (acc.fb == t.fb && acc.fa == 0, acc.mb + (t.ma - acc.ma))
                    };
                    if !pin_ok {
                        continue;
                    }
                    let val = base - cfg.lambda * (t.warm - matched) as f64;
                    if best.is_none_or(|bb| -val < bb.0) {
                        best = Some((-val, 0, flip));
                    }
                }
                best
            }
        }
    }

    /// Best-effort score for `Cut`: households outside the bounds of the sides when split
    /// with the most fitting grid counts (lower is better).
    fn effort(&self, k: u32, w1: u64, c1: usize) -> Option<(f64, u32)> {
        if c1 == 0 || c1 >= self.m {
            return None;
        }
        let ki = i64::from(k);
        let lo = 1i64.max(ki - (self.m - c1) as i64);
        let hi = (ki - 1).min(c1 as i64);
        if lo > hi {
            return None;
        }
        let w2 = self.tot.w - w1;
        let mut best: Option<(f64, u32)> = None;
        for k1 in lo..=hi {
            let k1 = k1 as u32;
            let k2 = k - k1;
            let ex = |w: u64, kk: u32| -> u64 {
                let kk = u64::from(kk);
                (kk * self.cfg.min).saturating_sub(w) + w.saturating_sub(kk * self.cfg.max)
            };
            let v = (ex(w1, k1) + ex(w2, k2)) as f64;
            let bal = (f64::from(k1) / f64::from(k) - 0.5).abs();
            let s = v + bal * 1e-3;
            if best.is_none_or(|b| s < b.0) {
                best = Some((s, k1));
            }
        }
        best
    }
}

/// Local indexing of the set in `part.uid`, undone on drop.
struct Indexed<'p, 'a> {
    part: &'p mut Part<'a>,
    set: &'p [u32],
}

impl<'p, 'a> Indexed<'p, 'a> {
    fn new(part: &'p mut Part<'a>, set: &'p [u32]) -> Self {
        for (i, &v) in set.iter().enumerate() {
            part.uid[v as usize] = i as u32;
        }
        Indexed { part, set }
    }
}

impl Drop for Indexed<'_, '_> {
    fn drop(&mut self) {
        for &v in self.set {
            self.part.uid[v as usize] = NONE;
        }
    }
}

fn context<'c>(part: &Part<'c>, set: &[u32], goal: Goal) -> Ctx<'c> {
    let mut ctx = Ctx { cfg: part.cfg, goal, tot: Acc::default(), m: set.len(), lref: 1.0 };
    let mut tot = Acc::default();
    let mut edges = 0.0;
    for &v in set {
        ctx.add(&mut tot, part, v);
        let (nb, ln) = part.g.adj(v);
        for (&u, &l) in nb.iter().zip(ln) {
            if part.uid[u as usize] != NONE && u > v {
                tot.int += l;
                edges += l;
            }
        }
    }
    ctx.tot = tot;
    ctx.lref = if tot.area > 0.0 {
        tot.area.sqrt()
    } else if edges > 0.0 {
        edges / (set.len() as f64).sqrt()
    } else {
        1.0
    };
    ctx
}

/// Sums of side `0` of `side` (indexed like `set`).
fn side_acc(part: &Part, set: &[u32], side: &[u8], ctx: &Ctx) -> (Acc, usize) {
    let mut acc = Acc::default();
    let mut c = 0;
    for (i, &v) in set.iter().enumerate() {
        if side[i] != 0 {
            continue;
        }
        c += 1;
        ctx.add(&mut acc, part, v);
        let (nb, ln) = part.g.adj(v);
        for (&u, &l) in nb.iter().zip(ln) {
            let j = part.uid[u as usize];
            if j == NONE {
                continue;
            }
            if side[j as usize] == 0 {
                if u > v {
                    acc.int += l;
                }
            } else {
                acc.cut += l;
            }
        }
    }
    (acc, c)
}

/// Connected pieces of side `s`: piece id per index (NONE elsewhere), and the count.
fn pieces(part: &Part, set: &[u32], side: &[u8], s: u8, comp: &mut Vec<u32>) -> u32 {
    comp.clear();
    comp.resize(set.len(), NONE);
    let mut count = 0;
    let mut stack = Vec::new();
    for i in 0..set.len() {
        if side[i] != s || comp[i] != NONE {
            continue;
        }
        comp[i] = count;
        stack.push(i as u32);
        while let Some(j) = stack.pop() {
            for &u in part.g.adj(set[j as usize]).0 {
                let q = part.uid[u as usize];
                if q != NONE && side[q as usize] == s && comp[q as usize] == NONE {
                    comp[q as usize] = count;
                    stack.push(q);
                }
            }
        }
        count += 1;
    }
    count
}

/// Makes side `s` connected by keeping its heaviest piece and giving the rest away.
fn keep_main(part: &Part, set: &[u32], side: &mut [u8], s: u8, comp: &mut Vec<u32>) {
    let count = pieces(part, set, side, s, comp);
    if count <= 1 {
        return;
    }
    let mut w = vec![(0u64, 0u32); count as usize];
    for (i, &c) in comp.iter().enumerate() {
        if c != NONE {
            w[c as usize].0 += u64::from(part.g.h[set[i] as usize]);
            w[c as usize].1 += 1;
        }
    }
    let mut main = 0;
    for c in 1..count as usize {
        if w[c] > w[main] {
            main = c;
        }
    }
    for (i, &c) in comp.iter().enumerate() {
        if c != NONE && c as usize != main {
            side[i] = 1 - s;
        }
    }
}

/// Turns a candidate side assignment into a valid split, or None.
fn realize(part: &Part, set: &[u32], side: &mut [u8], ctx: &Ctx) -> Option<Split> {
    let mut comp = Vec::new();
    let ca = pieces(part, set, side, 0, &mut comp);
    let cb = pieces(part, set, side, 1, &mut comp);
    if ca == 0 || cb == 0 {
        return None;
    }
    if ca > 1 || cb > 1 {
        let orig = side.to_vec();
        keep_main(part, set, side, 0, &mut comp);
        let ok = pieces(part, set, side, 1, &mut comp) == 1 && pieces(part, set, side, 0, &mut comp) == 1;
        if !ok {
            side.copy_from_slice(&orig);
            keep_main(part, set, side, 1, &mut comp);
            let ok = pieces(part, set, side, 0, &mut comp) == 1
                && pieces(part, set, side, 1, &mut comp) == 1;
            if !ok {
                return None;
            }
        }
    }
    let (acc, c1) = side_acc(part, set, side, ctx);
    let (_, k1, flip) = ctx.eval(&acc, c1)?;
    Some(make_split(set, side, k1, flip, ctx))
}

fn make_split(set: &[u32], side: &[u8], k1: u32, flip: bool, ctx: &Ctx) -> Split {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for (i, &v) in set.iter().enumerate() {
        if (side[i] == 0) != flip {
            a.push(v);
        } else {
            b.push(v);
        }
    }
    let k2 = match ctx.goal {
        Goal::Cut { k } => k - k1,
        Goal::Pair { .. } => 1,
    };
    let k1 = match ctx.goal {
        Goal::Cut { .. } => k1,
        Goal::Pair { .. } => 1,
    };
    Split { a, b, k1, k2 }
}

/// Line-sweep candidates, best first: `(score, direction, prefix length)`.
fn line_candidates(
    part: &Part,
    rng: &mut ChaCha8Rng,
    set: &[u32],
    ctx: &Ctx,
    orders: &mut Vec<Vec<u32>>,
) -> Vec<(f64, usize, usize)> {
    let m = set.len();
    let g = part.g;
    let base = rng.gen::<f64>() * std::f64::consts::PI / ANGLES as f64;
    let mut rank = vec![0u32; m];
    let mut all = Vec::new();
    let mut scored: Vec<(f64, usize)> = Vec::with_capacity(m);
    orders.clear();
    for j in 0..ANGLES {
        let th = base + j as f64 * std::f64::consts::PI / ANGLES as f64;
        let (c, s) = (th.cos(), th.sin());
        let mut keyed: Vec<(f64, u32)> =
            set.iter().map(|&v| (g.x[v as usize] * c + g.y[v as usize] * s, v)).collect();
        keyed.sort_unstable_by(|p, q| p.0.total_cmp(&q.0).then(p.1.cmp(&q.1)));
        let order: Vec<u32> = keyed.into_iter().map(|p| p.1).collect();
        for (i, &v) in order.iter().enumerate() {
            rank[part.uid[v as usize] as usize] = i as u32;
        }
        let mut acc = Acc::default();
        scored.clear();
        for (i, &v) in order.iter().enumerate().take(m - 1) {
            ctx.add(&mut acc, part, v);
            let (nb, ln) = g.adj(v);
            let (mut prev, mut tot) = (0.0, 0.0);
            for (&u, &l) in nb.iter().zip(ln) {
                let q = part.uid[u as usize];
                if q == NONE {
                    continue;
                }
                tot += l;
                if (rank[q as usize] as usize) < i {
                    prev += l;
                }
            }
            acc.int += prev;
            acc.cut += tot - 2.0 * prev;
            if let Some((sc, _, _)) = ctx.eval(&acc, i + 1) {
                scored.push((sc, i + 1));
            }
        }
        // Keep a few well-separated positions.
        let gap = (m / 20).max(1);
        let mut picked: Vec<usize> = Vec::new();
        for _ in 0..PER_ANGLE {
            let mut best: Option<(f64, usize)> = None;
            for &(sc, p) in &scored {
                if picked.iter().any(|&q| q.abs_diff(p) < gap) {
                    continue;
                }
                if best.is_none_or(|b| sc < b.0) {
                    best = Some((sc, p));
                }
            }
            match best {
                Some((sc, p)) => {
                    picked.push(p);
                    all.push((sc, j, p));
                }
                None => break,
            }
        }
        orders.push(order);
    }
    all.sort_by(|p, q| p.0.total_cmp(&q.0).then(p.1.cmp(&q.1)).then(p.2.cmp(&q.2)));
    all
}

fn by_lines(part: &Part, rng: &mut ChaCha8Rng, set: &[u32], ctx: &Ctx) -> Option<Split> {
    let mut orders = Vec::new();
    let cands = line_candidates(part, rng, set, ctx, &mut orders);
    let mut side = vec![1u8; set.len()];
    for &(_, j, p) in cands.iter().take(CHECKS) {
        side.fill(1);
        for &v in &orders[j][..p] {
            side[part.uid[v as usize] as usize] = 0;
        }
        if let Some(s) = realize(part, set, &mut side, ctx) {
            return Some(s);
        }
    }
    None
}

/// A random spanning tree of the set: preorder, parent, subtree start and size.
struct Tree {
    pre: Vec<u32>,
    parent: Vec<u32>,
    tin: Vec<u32>,
    cnt: Vec<u32>,
}

fn random_tree(part: &Part, rng: &mut ChaCha8Rng, set: &[u32]) -> Tree {
    let m = set.len();
    let mut edges: Vec<(u32, u32, u32)> = Vec::new();
    for (i, &v) in set.iter().enumerate() {
        for &u in part.g.adj(v).0 {
            let j = part.uid[u as usize];
            if j != NONE && (j as usize) > i {
                edges.push((rng.gen::<u32>(), i as u32, j));
            }
        }
    }
    edges.sort_unstable();
    let mut dsu: Vec<u32> = (0..m as u32).collect();
    fn find(d: &mut [u32], mut x: u32) -> u32 {
        while d[x as usize] != x {
            d[x as usize] = d[d[x as usize] as usize];
            x = d[x as usize];
        }
        x
    }
    let mut deg = vec![0u32; m + 1];
    let mut chosen = Vec::with_capacity(m.saturating_sub(1));
    for &(_, i, j) in &edges {
        let (ri, rj) = (find(&mut dsu, i), find(&mut dsu, j));
        if ri != rj {
            dsu[ri as usize] = rj;
            chosen.push((i, j));
            deg[i as usize] += 1;
            deg[j as usize] += 1;
        }
    }
    let mut off = vec![0u32; m + 1];
    for i in 0..m {
        off[i + 1] = off[i] + deg[i];
    }
    let mut fill = off.clone();
    let mut adj = vec![0u32; off[m] as usize];
    for &(i, j) in &chosen {
        adj[fill[i as usize] as usize] = j;
        fill[i as usize] += 1;
        adj[fill[j as usize] as usize] = i;
        fill[j as usize] += 1;
    }
    let mut parent = vec![NONE; m];
    let mut tin = vec![0u32; m];
    let mut pre = Vec::with_capacity(m);
    let mut stack = vec![0u32];
    let mut seen = vec![false; m];
    seen[0] = true;
    while let Some(x) = stack.pop() {
        tin[x as usize] = pre.len() as u32;
        pre.push(x);
        for &y in &adj[off[x as usize] as usize..off[x as usize + 1] as usize] {
            if !seen[y as usize] {
                seen[y as usize] = true;
                parent[y as usize] = x;
                stack.push(y);
            }
        }
    }
    let mut cnt = vec![1u32; m];
    for &x in pre.iter().rev() {
        let p = parent[x as usize];
        if p != NONE {
            cnt[p as usize] += cnt[x as usize];
        }
    }
    Tree { pre, parent, tin, cnt }
}

/// Subtree sums of a tree; with `exact`, internal length and cut too (walks up to the
/// common ancestor of every edge, so only for small sets).
fn subtree_accs(part: &Part, set: &[u32], t: &Tree, ctx: &Ctx, exact: bool) -> Vec<Acc> {
    let m = set.len();
    let mut acc = vec![Acc::default(); m];
    for (i, &v) in set.iter().enumerate() {
        ctx.add(&mut acc[i], part, v);
    }
    if exact {
        let anc = |x: u32, y: u32| {
            t.tin[x as usize] <= t.tin[y as usize]
                && t.tin[y as usize] < t.tin[x as usize] + t.cnt[x as usize]
        };
        for (i, &v) in set.iter().enumerate() {
            let (nb, ln) = part.g.adj(v);
            for (&u, &l) in nb.iter().zip(ln) {
                let j = part.uid[u as usize];
                if j == NONE {
                    continue;
                }
                // Cut contribution: every incident edge counts once from each end.
                acc[i].cut += l;
                if (j as usize) <= i {
                    continue;
                }
                let mut x = i as u32;
                while !anc(x, j) {
                    x = t.parent[x as usize];
                }
                acc[x as usize].int += l;
            }
        }
    }
    for &x in t.pre.iter().rev() {
        let p = t.parent[x as usize];
        if p != NONE {
            let c = acc[x as usize];
            let a = &mut acc[p as usize];
            a.w += c.w;
            a.area += c.area;
            a.sume += c.sume;
            a.int += c.int;
            a.cut += c.cut;
            a.ma += c.ma;
            a.mb += c.mb;
            a.fa += c.fa;
            a.fb += c.fb;
            a.warm += c.warm;
        }
    }
    if exact {
        for a in &mut acc {
            // Σ incident lengths − 2·internal = cut.
            a.cut -= 2.0 * a.int;
        }
    } else {
        for a in &mut acc {
            a.cut = 0.0;
        }
    }
    acc
}

fn tree_split(part: &Part, t: &Tree, set: &[u32], x: usize, k1: u32, flip: bool, ctx: &Ctx) -> Split {
    let mut side = vec![1u8; set.len()];
    let s = t.tin[x] as usize;
    for &y in &t.pre[s..s + t.cnt[x] as usize] {
        side[y as usize] = 0;
    }
    let _ = part;
    make_split(set, &side, k1, flip, ctx)
}

fn by_trees(part: &Part, rng: &mut ChaCha8Rng, set: &[u32], ctx: &Ctx) -> Option<Split> {
    let exact = matches!(ctx.goal, Goal::Pair { .. }) || set.len() <= 400;
    for _ in 0..TREES {
        let t = random_tree(part, rng, set);
        let accs = subtree_accs(part, set, &t, ctx, exact);
        let mut best: Option<(f64, usize, u32, bool)> = None;
        for x in 1..set.len() {
            if t.parent[x] == NONE {
                continue;
            }
            if let Some((s, k1, flip)) = ctx.eval(&accs[x], t.cnt[x] as usize) {
                if best.is_none_or(|b| s < b.0) {
                    best = Some((s, x, k1, flip));
                }
            }
        }
        if let Some((_, x, k1, flip)) = best {
            return Some(tree_split(part, &t, set, x, k1, flip, ctx));
        }
    }
    None
}

/// Splits `set` (connected, to become `k ≥ 2` grids) into two connected sides whose
/// households fit their grid counts; None when no such cut was found.
pub(super) fn bisect(part: &mut Part, rng: &mut ChaCha8Rng, set: &[u32], k: u32) -> Option<Split> {
    if set.len() < 2 || k < 2 {
        return None;
    }
    let ix = Indexed::new(part, set);
    let part = &*ix.part;
    let ctx = context(part, set, Goal::Cut { k });
    by_lines(part, rng, set, &ctx).or_else(|| by_trees(part, rng, set, &ctx))
}

/// Splits `set` into two connected sides with grid counts that leave the fewest
/// households outside the bounds (for sets where no cut fits).
pub(super) fn bisect_best_effort(part: &mut Part, rng: &mut ChaCha8Rng, set: &[u32], k: u32) -> Option<Split> {
    if set.len() < 2 || k < 2 {
        return None;
    }
    let ix = Indexed::new(part, set);
    let part = &*ix.part;
    let ctx = context(part, set, Goal::Cut { k });
    let mut best: Option<(f64, Tree, usize, u32)> = None;
    for _ in 0..TREES {
        let t = random_tree(part, rng, set);
        let accs = subtree_accs(part, set, &t, &ctx, false);
        let mut tb: Option<(f64, usize, u32)> = None;
        for x in 1..set.len() {
            if t.parent[x] == NONE {
                continue;
            }
            if let Some((s, k1)) = ctx.effort(k, accs[x].w, t.cnt[x] as usize) {
                if tb.is_none_or(|b| s < b.0) {
                    tb = Some((s, x, k1));
                }
            }
        }
        if let Some((s, x, k1)) = tb {
            if best.as_ref().is_none_or(|b| s < b.0) {
                best = Some((s, t, x, k1));
            }
        }
    }
    best.map(|(_, t, x, k1)| tree_split(part, &t, set, x, k1, false, &ctx))
}

/// Splits `set` into two connected grids with identities `a` and `b` (side `a` first):
/// the best objective with at most `limit` households outside the bounds in total.
pub(super) fn split_pair(
    part: &mut Part,
    rng: &mut ChaCha8Rng,
    set: &[u32],
    a: u32,
    b: u32,
    limit: u64,
    trees: bool,
) -> Option<Split> {
    if set.len() < 2 {
        return None;
    }
    let ix = Indexed::new(part, set);
    let part = &*ix.part;
    let ctx = context(part, set, Goal::Pair { a, b, limit });
    let s = by_lines(part, rng, set, &ctx);
    if s.is_some() || !trees {
        return s;
    }
    by_trees(part, rng, set, &ctx)
}
