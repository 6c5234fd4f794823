//! Splitting a connected node set in two.
//!
//! Candidates come from two sources. *Lines*: the set is sorted along a few directions and
//! every prefix is a candidate side (straight boundaries, hence compact); a candidate whose
//! sides are not connected is repaired by handing the stray pieces to the other side, or
//! dropped. *Random spanning trees* (Kruskal on random edge keys): cutting one tree edge
//! always leaves two connected sides, so trees are the fallback when the lines fail (odd
//! shapes) and the source of best-effort cuts when no cut meets the bounds.
//!
//! The set is first copied into local arrays (compact adjacency restricted to the set), so
//! the sweeps touch only the set's own data.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::part::{Cfg, Part};
use super::sub::NONE;

/// Directions of the line sweep for a pair re-split and for a cold start.
pub(super) const PAIR_ANGLES: usize = 8;
pub(super) const COLD_ANGLES: usize = 8;
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

const F_WARM: u8 = 1;
const F_A: u8 = 2;
const F_B: u8 = 4;
const F_FIXED: u8 = 8;

/// The set in local indices `0..m` (buffers reused between calls through `Part::local`).
#[derive(Debug, Default)]
pub(super) struct Local {
    set: Vec<u32>,
    off: Vec<u32>,
    nbr: Vec<u32>,
    len: Vec<f64>,
    h: Vec<u64>,
    area: Vec<f64>,
    e: Vec<f64>,
    flags: Vec<u8>,
    /// Shared length of each node with the rest of the set.
    din: Vec<f64>,
}

impl Local {
    /// Copies `set` out of `part`. `part.uid` must index the set.
    fn fill(&mut self, part: &Part, set: &[u32], goal: Goal) {
        let g = part.g;
        let l = self;
        l.set.clear();
        l.set.extend_from_slice(set);
        l.off.clear();
        l.nbr.clear();
        l.len.clear();
        l.h.clear();
        l.area.clear();
        l.e.clear();
        l.flags.clear();
        l.din.clear();
        l.off.push(0);
        for &v in set {
            let (nb, ln) = g.adj(v);
            let mut din = 0.0;
            for (&u, &w) in nb.iter().zip(ln) {
                let j = part.uid[u as usize];
                if j != NONE {
                    l.nbr.push(j);
                    l.len.push(w);
                    din += w;
                }
            }
            l.din.push(din);
            l.off.push(l.nbr.len() as u32);
            l.h.push(u64::from(g.h[v as usize]));
            l.area.push(g.area[v as usize]);
            l.e.push(g.e[v as usize]);
            let wi = part.warm[v as usize];
            let mut f = 0;
            if wi != NONE {
                f |= F_WARM;
                if let Goal::Pair { a, b, .. } = goal {
                    if wi == a {
                        f |= F_A;
                    }
                    if wi == b {
                        f |= F_B;
                    }
                }
            }
            if part.fixed[v as usize] {
                f |= F_FIXED;
            }
            l.flags.push(f);
        }
    }

    fn m(&self) -> usize {
        self.set.len()
    }

    #[inline]
    fn adj(&self, i: u32) -> (&[u32], &[f64]) {
        let (a, b) = (
            self.off[i as usize] as usize,
            self.off[i as usize + 1] as usize,
        );
        (&self.nbr[a..b], &self.len[a..b])
    }
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

impl Acc {
    #[inline]
    fn add(&mut self, l: &Local, i: usize) {
        let h = l.h[i];
        self.w += h;
        self.area += l.area[i];
        self.sume += l.e[i];
        let f = l.flags[i];
        if f != 0 {
            let fx = u32::from(f & F_FIXED != 0);
            if f & F_WARM != 0 {
                self.warm += h;
            }
            if f & F_A != 0 {
                self.ma += h;
                self.fa += fx;
            }
            if f & F_B != 0 {
                self.mb += h;
                self.fb += fx;
            }
        }
    }

    fn merge(&mut self, c: &Acc) {
        self.w += c.w;
        self.area += c.area;
        self.sume += c.sume;
        self.int += c.int;
        self.cut += c.cut;
        self.ma += c.ma;
        self.mb += c.mb;
        self.fa += c.fa;
        self.fb += c.fb;
        self.warm += c.warm;
    }
}

fn ceil_div(a: u64, b: u64) -> u64 {
    a.div_ceil(b.max(1))
}

/// Feasibility window of a balanced grid count for side A.
#[derive(Debug, Clone, Copy)]
struct Window {
    k1: u32,
    lo: u64,
    hi: u64,
    inv1: f64,
    inv2: f64,
}

struct Ctx<'c> {
    cfg: &'c Cfg,
    goal: Goal,
    tot: Acc,
    m: usize,
    lref: f64,
    /// Cut: slack per grid of the whole set; the balanced windows; whether uneven grid
    /// counts are allowed.
    star: f64,
    windows: [Option<Window>; 2],
    uneven: bool,
}

impl Ctx<'_> {
    /// Households of side A outside which no position can pass `eval`.
    fn range(&self) -> (u64, u64) {
        let w = self.tot.w;
        match self.goal {
            Goal::Cut { .. } => {
                if self.uneven {
                    return (0, w);
                }
                let mut r = (u64::MAX, 0);
                for win in self.windows.iter().flatten() {
                    r = (r.0.min(win.lo), r.1.max(win.hi));
                }
                r
            }
            Goal::Pair { limit, .. } => {
                let (min, max) = (self.cfg.min, self.cfg.max);
                let lo = min.saturating_sub(limit).max(w.saturating_sub(max + limit));
                let hi = (max + limit).min((w + limit).saturating_sub(min));
                (lo, hi)
            }
        }
    }
}

impl<'c> Ctx<'c> {
    fn new(cfg: &'c Cfg, l: &Local, goal: Goal) -> Ctx<'c> {
        let mut tot = Acc::default();
        let mut edges = 0.0;
        for i in 0..l.m() {
            tot.add(l, i);
            let (nb, ln) = l.adj(i as u32);
            for (&j, &w) in nb.iter().zip(ln) {
                if (j as usize) > i {
                    tot.int += w;
                    edges += w;
                }
            }
        }
        let lref = if tot.area > 0.0 {
            tot.area.sqrt()
        } else if edges > 0.0 {
            edges / (l.m() as f64).sqrt()
        } else {
            1.0
        };
        let mut ctx = Ctx {
            cfg,
            goal,
            tot,
            m: l.m(),
            lref,
            star: 0.0,
            windows: [None, None],
            uneven: false,
        };
        if let Goal::Cut { k } = goal {
            ctx.star = ctx.slack(tot.w, k);
            let (min, max) = (cfg.min, cfg.max);
            let mut ks = [k / 2, k - k / 2];
            if ks[0] == ks[1] {
                ks[1] = 0;
            }
            for (slot, &k1) in ks.iter().enumerate() {
                if k1 == 0 {
                    continue;
                }
                let k2 = k - k1;
                let lo = (u64::from(k1) * min).max(tot.w.saturating_sub(u64::from(k2) * max));
                let hi = (u64::from(k1) * max).min(tot.w.saturating_sub(u64::from(k2) * min));
                if tot.w >= u64::from(k2) * min && lo <= hi {
                    ctx.windows[slot] = Some(Window {
                        k1,
                        lo,
                        hi,
                        inv1: 1.0 / f64::from(k1),
                        inv2: 1.0 / f64::from(k2),
                    });
                }
            }
        }
        ctx
    }

    /// Feasible grid counts for a side of `w1` households and `c1` nodes.
    fn k1_range(&self, k: u32, w1: u64, c1: usize) -> (i64, i64) {
        let (min, max) = (self.cfg.min, self.cfg.max);
        let k = i64::from(k);
        let w2 = self.tot.w - w1;
        let c2 = (self.m - c1) as i64;
        let mut lo = 1i64.max(k - c2).max(ceil_div(w1, max) as i64);
        let mut hi = (k - 1).min(c1 as i64).min(k - ceil_div(w2, max) as i64);
        if let (Some(a), Some(b)) = (w1.checked_div(min), w2.checked_div(min)) {
            hi = hi.min(a as i64);
            lo = lo.max(k - b as i64);
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

    #[inline]
    fn slack_pen_w(&self, win: &Window, w1: u64) -> f64 {
        if self.star <= 0.0 {
            return 0.0;
        }
        let (min, max) = (self.cfg.min as f64, self.cfg.max as f64);
        let (k1, k2) = (f64::from(win.k1), 1.0 / win.inv2);
        let (a, b) = (w1 as f64, (self.tot.w - w1) as f64);
        let s1 = (a - k1 * min).min(k1 * max - a) * win.inv1;
        let s2 = (b - k2 * min).min(k2 * max - b) * win.inv2;
        (1.0 - s1.min(s2) / self.star).clamp(0.0, 1.0)
    }

    fn slack_pen(&self, k: u32, w1: u64, k1: u32) -> f64 {
        if self.star <= 0.0 {
            return 0.0;
        }
        let s = self.slack(w1, k1).min(self.slack(self.tot.w - w1, k - k1));
        (1.0 - s / self.star).clamp(0.0, 1.0)
    }

    /// Score of a candidate side A (lower is better), its grid count or orientation.
    /// `None` when it breaks the goal.
    #[inline]
    fn eval(&self, acc: &Acc, c1: usize) -> Option<(f64, u32, bool)> {
        if c1 == 0 || c1 >= self.m {
            return None;
        }
        match self.goal {
            Goal::Cut { k } => {
                let w1 = acc.w;
                let mut best: Option<(f64, u32)> = None;
                for win in self.windows.iter().flatten() {
                    if w1 < win.lo
                        || w1 > win.hi
                        || c1 < win.k1 as usize
                        || self.m - c1 < (k - win.k1) as usize
                    {
                        continue;
                    }
                    let s = GAMMA * self.slack_pen_w(win, w1);
                    if best.is_none_or(|b| s < b.0) {
                        best = Some((s, win.k1));
                    }
                }
                if best.is_none() && self.uneven {
                    let (lo, hi) = self.k1_range(k, w1, c1);
                    if lo <= hi {
                        let prop = ((f64::from(k) * w1 as f64) / self.tot.w.max(1) as f64).round();
                        let k1 = (prop as i64).clamp(lo, hi) as u32;
                        best = Some((GAMMA * self.slack_pen(k, w1, k1) + UNEVEN, k1));
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
        let ex = |w: u64, kk: u32| -> u64 {
            let kk = u64::from(kk);
            (kk * self.cfg.min).saturating_sub(w) + w.saturating_sub(kk * self.cfg.max)
        };
        let mut best: Option<(f64, u32)> = None;
        for k1 in lo..=hi {
            let k1 = k1 as u32;
            let v = (ex(w1, k1) + ex(w2, k - k1)) as f64;
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

/// Sums of side `0` of `side`.
fn side_acc(l: &Local, side: &[u8]) -> (Acc, usize) {
    let mut acc = Acc::default();
    let mut c = 0;
    for i in 0..l.m() {
        if side[i] != 0 {
            continue;
        }
        c += 1;
        acc.add(l, i);
        let (nb, ln) = l.adj(i as u32);
        for (&j, &w) in nb.iter().zip(ln) {
            if side[j as usize] == 0 {
                if (j as usize) > i {
                    acc.int += w;
                }
            } else {
                acc.cut += w;
            }
        }
    }
    (acc, c)
}

/// Connected pieces of side `s`: piece id per index (NONE elsewhere), and the count.
fn pieces(l: &Local, side: &[u8], s: u8, comp: &mut Vec<u32>, stack: &mut Vec<u32>) -> u32 {
    comp.clear();
    comp.resize(l.m(), NONE);
    let mut count = 0;
    for i in 0..l.m() {
        if side[i] != s || comp[i] != NONE {
            continue;
        }
        comp[i] = count;
        stack.push(i as u32);
        while let Some(j) = stack.pop() {
            for &q in l.adj(j).0 {
                if side[q as usize] == s && comp[q as usize] == NONE {
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
fn keep_main(l: &Local, side: &mut [u8], s: u8, comp: &mut Vec<u32>, stack: &mut Vec<u32>) {
    let count = pieces(l, side, s, comp, stack);
    if count <= 1 {
        return;
    }
    let mut w = vec![(0u64, 0u32); count as usize];
    for (i, &c) in comp.iter().enumerate() {
        if c != NONE {
            w[c as usize].0 += l.h[i];
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
fn realize(l: &Local, side: &mut [u8], ctx: &Ctx) -> Option<Split> {
    let mut comp = Vec::new();
    let mut stack = Vec::new();
    let ca = pieces(l, side, 0, &mut comp, &mut stack);
    let cb = pieces(l, side, 1, &mut comp, &mut stack);
    if ca == 0 || cb == 0 {
        return None;
    }
    if ca > 1 || cb > 1 {
        let orig = side.to_vec();
        let mut ok = false;
        for s in [0u8, 1] {
            side.copy_from_slice(&orig);
            keep_main(l, side, s, &mut comp, &mut stack);
            if pieces(l, side, 1 - s, &mut comp, &mut stack) == 1
                && pieces(l, side, s, &mut comp, &mut stack) == 1
            {
                ok = true;
                break;
            }
        }
        if !ok {
            return None;
        }
    }
    let (acc, c1) = side_acc(l, side);
    let (_, k1, flip) = ctx.eval(&acc, c1)?;
    Some(make_split(l, side, k1, flip, ctx))
}

fn make_split(l: &Local, side: &[u8], k1: u32, flip: bool, ctx: &Ctx) -> Split {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for (i, &v) in l.set.iter().enumerate() {
        if (side[i] == 0) != flip {
            a.push(v);
        } else {
            b.push(v);
        }
    }
    match ctx.goal {
        Goal::Cut { k } => Split {
            a,
            b,
            k1,
            k2: k - k1,
        },
        Goal::Pair { .. } => Split { a, b, k1: 1, k2: 1 },
    }
}

/// An integer with the order of the float (total order).
fn sort_key(f: f64) -> u64 {
    let b = f.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | (1 << 63)
    }
}

/// Orders of `set` along `angles` directions spread over 180° from a random start.
pub(super) fn line_orders(
    part: &Part,
    rng: &mut ChaCha8Rng,
    set: &[u32],
    angles: usize,
) -> Vec<Vec<u32>> {
    let g = part.g;
    let base = rng.gen::<f64>() * std::f64::consts::PI / angles as f64;
    let mut keyed: Vec<(u64, u32)> = Vec::with_capacity(set.len());
    (0..angles)
        .map(|j| {
            let th = base + j as f64 * std::f64::consts::PI / angles as f64;
            let (c, s) = (th.cos(), th.sin());
            keyed.clear();
            keyed.extend(
                set.iter()
                    .map(|&v| (sort_key(g.x[v as usize] * c + g.y[v as usize] * s), v)),
            );
            keyed.sort_unstable();
            keyed.iter().map(|p| p.1).collect()
        })
        .collect()
}

/// Orders of `set` along the pair re-split directions (fixed per part, drawn on first use).
fn pair_orders(part: &mut Part, rng: &mut ChaCha8Rng, set: &[u32]) -> Vec<Vec<u32>> {
    if part.ranks.is_empty() {
        let all: Vec<u32> = (0..part.g.n() as u32).collect();
        part.ranks = line_orders(part, rng, &all, PAIR_ANGLES)
            .into_iter()
            .map(|o| {
                let mut r = vec![0u32; o.len()];
                for (i, &v) in o.iter().enumerate() {
                    r[v as usize] = i as u32;
                }
                r
            })
            .collect();
    }
    let mut keyed: Vec<u64> = Vec::with_capacity(set.len());
    part.ranks
        .iter()
        .map(|r| {
            keyed.clear();
            keyed.extend(
                set.iter()
                    .map(|&v| (u64::from(r[v as usize]) << 32) | u64::from(v)),
            );
            keyed.sort_unstable();
            keyed.iter().map(|&k| k as u32).collect()
        })
        .collect()
}

/// The orders of the two sides of `split`, taken from the orders of their union.
pub(super) fn split_orders(
    part: &mut Part,
    orders: &[Vec<u32>],
    split: &Split,
) -> (Vec<Vec<u32>>, Vec<Vec<u32>>) {
    for &v in &split.a {
        part.uid[v as usize] = 0;
    }
    let mut oa = Vec::with_capacity(orders.len());
    let mut ob = Vec::with_capacity(orders.len());
    for o in orders {
        let mut a = Vec::with_capacity(split.a.len());
        let mut b = Vec::with_capacity(split.b.len());
        for &v in o {
            if part.uid[v as usize] == 0 {
                a.push(v);
            } else {
                b.push(v);
            }
        }
        oa.push(a);
        ob.push(b);
    }
    for &v in &split.a {
        part.uid[v as usize] = NONE;
    }
    (oa, ob)
}

/// Line-sweep candidates, best first: `(score, direction, prefix length)`. `orders` are in
/// local indices.
fn line_candidates(l: &Local, ctx: &Ctx, orders: &[Vec<u32>]) -> Vec<(f64, usize, usize)> {
    let m = l.m();
    let mut rank = vec![0u32; m];
    let mut all = Vec::new();
    let mut scored: Vec<(f64, usize)> = Vec::with_capacity(m);
    let mut picked: Vec<usize> = Vec::new();
    let (lo, hi) = ctx.range();
    for (j, order) in orders.iter().enumerate() {
        for (i, &v) in order.iter().enumerate() {
            rank[v as usize] = i as u32;
        }
        let mut acc = Acc::default();
        scored.clear();
        for (i, &v) in order.iter().enumerate().take(m - 1) {
            acc.add(l, v as usize);
            let (nb, ln) = l.adj(v);
            let mut prev = 0.0;
            for (&q, &w) in nb.iter().zip(ln) {
                if (rank[q as usize] as usize) < i {
                    prev += w;
                }
            }
            acc.int += prev;
            acc.cut += l.din[v as usize] - 2.0 * prev;
            if acc.w < lo {
                continue;
            }
            if acc.w > hi {
                break;
            }
            if let Some((sc, _, _)) = ctx.eval(&acc, i + 1) {
                scored.push((sc, i + 1));
            }
        }
        // Keep a few well-separated positions.
        let gap = (m / 20).max(1);
        picked.clear();
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
    }
    all.sort_by(|p, q| p.0.total_cmp(&q.0).then(p.1.cmp(&q.1)).then(p.2.cmp(&q.2)));
    all
}

fn by_lines(l: &Local, ctx: &mut Ctx, orders: &[Vec<u32>]) -> Option<Split> {
    let mut cands = line_candidates(l, ctx, orders);
    if cands.is_empty() && matches!(ctx.goal, Goal::Cut { .. }) {
        ctx.uneven = true;
        cands = line_candidates(l, ctx, orders);
    }
    let mut side = vec![1u8; l.m()];
    for &(_, j, p) in cands.iter().take(CHECKS) {
        side.fill(1);
        for &i in &orders[j][..p] {
            side[i as usize] = 0;
        }
        if let Some(s) = realize(l, &mut side, ctx) {
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

fn random_tree(l: &Local, rng: &mut ChaCha8Rng) -> Tree {
    let m = l.m();
    let mut edges: Vec<(u32, u32, u32)> = Vec::new();
    for i in 0..m as u32 {
        for &j in l.adj(i).0 {
            if j > i {
                edges.push((rng.gen::<u32>(), i, j));
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
    Tree {
        pre,
        parent,
        tin,
        cnt,
    }
}

/// Subtree sums of a tree; with `exact`, internal length and cut too (walks up to the
/// common ancestor of every edge, so only for small sets).
fn subtree_accs(l: &Local, t: &Tree, exact: bool) -> Vec<Acc> {
    let m = l.m();
    let mut acc = vec![Acc::default(); m];
    for (i, a) in acc.iter_mut().enumerate() {
        a.add(l, i);
    }
    if exact {
        let anc = |x: u32, y: u32| {
            t.tin[x as usize] <= t.tin[y as usize]
                && t.tin[y as usize] < t.tin[x as usize] + t.cnt[x as usize]
        };
        for i in 0..m {
            let (nb, ln) = l.adj(i as u32);
            for (&j, &w) in nb.iter().zip(ln) {
                // Cut contribution: every incident edge counts once from each end.
                acc[i].cut += w;
                if (j as usize) <= i {
                    continue;
                }
                let mut x = i as u32;
                while !anc(x, j) {
                    x = t.parent[x as usize];
                }
                acc[x as usize].int += w;
            }
        }
    }
    for &x in t.pre.iter().rev() {
        let p = t.parent[x as usize];
        if p != NONE {
            let c = acc[x as usize];
            acc[p as usize].merge(&c);
        }
    }
    for a in &mut acc {
        // Σ incident lengths − 2·internal = cut (0 when not exact).
        a.cut = if exact { a.cut - 2.0 * a.int } else { 0.0 };
    }
    acc
}

fn tree_split(l: &Local, t: &Tree, x: usize, k1: u32, flip: bool, ctx: &Ctx) -> Split {
    let mut side = vec![1u8; l.m()];
    let s = t.tin[x] as usize;
    for &y in &t.pre[s..s + t.cnt[x] as usize] {
        side[y as usize] = 0;
    }
    make_split(l, &side, k1, flip, ctx)
}

fn by_trees(l: &Local, rng: &mut ChaCha8Rng, ctx: &mut Ctx) -> Option<Split> {
    let exact = matches!(ctx.goal, Goal::Pair { .. }) || l.m() <= 400;
    ctx.uneven = true;
    for _ in 0..TREES {
        let t = random_tree(l, rng);
        let accs = subtree_accs(l, &t, exact);
        let mut best: Option<(f64, usize, u32, bool)> = None;
        for (x, acc) in accs.iter().enumerate() {
            if t.parent[x] == NONE {
                continue;
            }
            if let Some((s, k1, flip)) = ctx.eval(acc, t.cnt[x] as usize) {
                if best.is_none_or(|b| s < b.0) {
                    best = Some((s, x, k1, flip));
                }
            }
        }
        if let Some((_, x, k1, flip)) = best {
            return Some(tree_split(l, &t, x, k1, flip, ctx));
        }
    }
    None
}

fn local_orders(part: &Part, orders: &[Vec<u32>]) -> Vec<Vec<u32>> {
    orders
        .iter()
        .map(|o| o.iter().map(|&v| part.uid[v as usize]).collect())
        .collect()
}

/// Splits `set` (connected, to become `k ≥ 2` grids) into two connected sides whose
/// households fit their grid counts; None when no such cut was found. `orders`: the set
/// sorted along the sweep directions.
pub(super) fn bisect(
    part: &mut Part,
    rng: &mut ChaCha8Rng,
    set: &[u32],
    k: u32,
    orders: &[Vec<u32>],
) -> Option<Split> {
    if set.len() < 2 || k < 2 {
        return None;
    }
    let mut l = std::mem::take(&mut part.local);
    let out = {
        let ix = Indexed::new(part, set);
        let part = &*ix.part;
        let goal = Goal::Cut { k };
        l.fill(part, set, goal);
        let orders = local_orders(part, orders);
        let mut ctx = Ctx::new(part.cfg, &l, goal);
        by_lines(&l, &mut ctx, &orders).or_else(|| by_trees(&l, rng, &mut ctx))
    };
    part.local = l;
    out
}

/// Splits `set` into two connected sides with grid counts that leave the fewest
/// households outside the bounds (for sets where no cut fits).
pub(super) fn bisect_best_effort(
    part: &mut Part,
    rng: &mut ChaCha8Rng,
    set: &[u32],
    k: u32,
) -> Option<Split> {
    if set.len() < 2 || k < 2 {
        return None;
    }
    let ix = Indexed::new(part, set);
    let part = &*ix.part;
    let goal = Goal::Cut { k };
    let mut l = Local::default();
    l.fill(part, set, goal);
    let ctx = Ctx::new(part.cfg, &l, goal);
    let mut best: Option<(f64, Tree, usize, u32)> = None;
    for _ in 0..TREES {
        let t = random_tree(&l, rng);
        let accs = subtree_accs(&l, &t, false);
        let mut tb: Option<(f64, usize, u32)> = None;
        for (x, acc) in accs.iter().enumerate() {
            if t.parent[x] == NONE {
                continue;
            }
            if let Some((s, k1)) = ctx.effort(k, acc.w, t.cnt[x] as usize) {
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
    best.map(|(_, t, x, k1)| tree_split(&l, &t, x, k1, false, &ctx))
}

/// Splits `set` into two connected grids with identities `a` and `b` (side `a` first):
/// the best objective with at most `limit` households outside the bounds in total.
/// `trees`: fall back on random trees when no line works.
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
    let orders = pair_orders(part, rng, set);
    let mut l = std::mem::take(&mut part.local);
    let out = {
        let ix = Indexed::new(part, set);
        let part = &*ix.part;
        let goal = Goal::Pair { a, b, limit };
        l.fill(part, set, goal);
        let orders = local_orders(part, &orders);
        let mut ctx = Ctx::new(part.cfg, &l, goal);
        let s = by_lines(&l, &mut ctx, &orders);
        if s.is_some() || !trees {
            s
        } else {
            by_trees(&l, rng, &mut ctx)
        }
    };
    part.local = l;
    out
}
