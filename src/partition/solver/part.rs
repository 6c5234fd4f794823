//! The working state of one part: a label per node, running figures per grid, node lists
//! per grid, single-node moves with their objective change, and the contiguity test of a
//! move's source.
//!
//! Objective (maximised): Σ over grids of Polsby–Popper − β·((households − target)/target)²
//! (Target mode only) − η·perimeter (only when cells carry no area), minus λ·households of
//! every node whose grid is not its warm-start grid.

use std::f64::consts::PI;

use super::sub::{Sub, NONE};

/// Bounds and weights of the objective for one part.
#[derive(Debug, Clone)]
pub(super) struct Cfg {
    pub min: u64,
    pub max: u64,
    /// Target size for the balance term (0: no balance term).
    pub target: f64,
    pub beta: f64,
    /// Cost per household of a node away from its warm-start grid.
    pub lambda: f64,
    /// Cost per metre of grid perimeter (used when the cells carry no area).
    pub eta: f64,
}

impl Cfg {
    /// Households outside the bounds.
    #[inline]
    pub fn viol(&self, w: u64) -> u64 {
        w.saturating_sub(self.max) + self.min.saturating_sub(w)
    }

    /// Objective of one grid.
    #[inline]
    pub fn score(&self, w: u64, area: f64, perim: f64) -> f64 {
        let mut s = if perim > 1e-12 {
            4.0 * PI * area / (perim * perim)
        } else {
            0.0
        };
        s -= self.eta * perim;
        if self.target > 0.0 {
            let d = (w as f64 - self.target) / self.target;
            s -= self.beta * d * d;
        }
        s
    }
}

/// Running figures of one grid.
#[derive(Debug, Clone)]
pub(super) struct Grid {
    pub w: u64,
    pub area: f64,
    /// Σ effective perimeters of its cells.
    pub sume: f64,
    /// Σ shared lengths of the edges inside the grid.
    pub int: f64,
    pub alive: bool,
    /// Warm-start identity (dense warm label) or [`NONE`].
    pub ident: u32,
    /// Number of pinned nodes in it.
    pub fixed: u32,
}

impl Grid {
    fn empty(ident: u32) -> Grid {
        Grid {
            w: 0,
            area: 0.0,
            sume: 0.0,
            int: 0.0,
            alive: false,
            ident,
            fixed: 0,
        }
    }

    /// Perimeter: cell perimeters minus twice the internal shared boundary.
    #[inline]
    pub fn perim(&self) -> f64 {
        (self.sume - 2.0 * self.int).max(0.0)
    }
}

/// The assignment of one part being built and improved.
pub(super) struct Part<'a> {
    pub g: &'a Sub,
    pub cfg: &'a Cfg,
    /// Warm-start identity per node, or [`NONE`].
    pub warm: Vec<u32>,
    /// Pinned nodes: never moved.
    pub fixed: Vec<bool>,
    pub lab: Vec<u32>,
    pub grids: Vec<Grid>,
    pub members: Vec<Vec<u32>>,
    pos: Vec<u32>,
    mark: Vec<u32>,
    epoch: u32,
    /// Undo log of label changes `(node, previous label)`, filled while `logging`.
    pub log: Vec<(u32, u32)>,
    pub logging: bool,
    queue: Vec<u32>,
    targets: Vec<u32>,
    /// Scratch for the splitter: local index of a node in the set being split, or NONE.
    pub uid: Vec<u32>,
    /// Scratch for the local search: node queued (all false at rest).
    pub inq: Vec<bool>,
    /// Rank of every node along each pair re-split direction (filled on first use).
    pub ranks: Vec<Vec<u32>>,
    /// Reused buffers of the splitter.
    pub local: super::split::Local,
}

impl<'a> Part<'a> {
    pub fn new(g: &'a Sub, cfg: &'a Cfg, warm: Vec<u32>, fixed: Vec<bool>) -> Part<'a> {
        let n = g.n();
        Part {
            g,
            cfg,
            warm,
            fixed,
            lab: vec![NONE; n],
            grids: Vec::new(),
            members: Vec::new(),
            pos: vec![0; n],
            mark: vec![0; n],
            epoch: 0,
            log: Vec::new(),
            logging: false,
            queue: Vec::new(),
            targets: Vec::new(),
            uid: vec![NONE; n],
            inq: vec![false; n],
            ranks: Vec::new(),
            local: Default::default(),
        }
    }

    /// Replaces the assignment: `lab[v]` indexes `idents` (one identity per grid).
    pub fn load(&mut self, lab: Vec<u32>, idents: &[u32]) {
        let g = self.g;
        self.grids = idents.iter().map(|&id| Grid::empty(id)).collect();
        self.members = vec![Vec::new(); idents.len()];
        for (v, &a) in lab.iter().enumerate() {
            let gr = &mut self.grids[a as usize];
            gr.w += u64::from(g.h[v]);
            gr.area += g.area[v];
            gr.sume += g.e[v];
            gr.alive = true;
            if self.fixed[v] {
                gr.fixed += 1;
            }
            self.pos[v] = self.members[a as usize].len() as u32;
            self.members[a as usize].push(v as u32);
        }
        for (v, &a) in lab.iter().enumerate() {
            let (nb, ln) = g.adj(v as u32);
            for (&u, &l) in nb.iter().zip(ln) {
                if (u as usize) > v && lab[u as usize] == a {
                    self.grids[a as usize].int += l;
                }
            }
        }
        self.lab = lab;
        self.log.clear();
    }

    /// A fresh stamp for [`Part::mark`]-based visits.
    pub fn next_epoch(&mut self) -> u32 {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.mark.fill(0);
            self.epoch = 1;
        }
        self.epoch
    }

    /// Stamps `v` with `ep`; false when it was already stamped.
    #[inline]
    pub fn stamp(&mut self, v: u32, ep: u32) -> bool {
        let m = &mut self.mark[v as usize];
        if *m == ep {
            false
        } else {
            *m = ep;
            true
        }
    }

    /// Objective of grid `a`.
    #[inline]
    pub fn grid_score(&self, a: u32) -> f64 {
        let gr = &self.grids[a as usize];
        self.cfg.score(gr.w, gr.area, gr.perim())
    }

    /// Warm-start cost of node `v` sitting in grid `a`.
    #[inline]
    pub fn pen(&self, v: u32, a: u32) -> f64 {
        let w = self.warm[v as usize];
        if w != NONE && self.grids[a as usize].ident != w {
            self.cfg.lambda * f64::from(self.g.h[v as usize])
        } else {
            0.0
        }
    }

    /// Whole objective (for checks).
    #[cfg(test)]
    pub fn objective(&self) -> f64 {
        let mut s = 0.0;
        for a in 0..self.grids.len() as u32 {
            if self.grids[a as usize].alive {
                s += self.grid_score(a);
            }
        }
        for v in 0..self.lab.len() as u32 {
            s -= self.pen(v, self.lab[v as usize]);
        }
        s
    }

    /// Total households outside the bounds over the live grids.
    pub fn total_viol(&self) -> u64 {
        self.grids
            .iter()
            .filter(|g| g.alive)
            .map(|g| self.cfg.viol(g.w))
            .sum()
    }

    /// Number of live grids.
    pub fn alive_count(&self) -> usize {
        self.grids.iter().filter(|g| g.alive).count()
    }

    /// Shared boundary of `v` with its own grid (returned) and with every other grid
    /// (`out`, one entry per grid, in order of first appearance).
    pub fn shared(&self, v: u32, out: &mut Vec<(u32, f64)>) -> f64 {
        out.clear();
        let a = self.lab[v as usize];
        let mut own = 0.0;
        let (nb, ln) = self.g.adj(v);
        for (&u, &l) in nb.iter().zip(ln) {
            let b = self.lab[u as usize];
            if b == a {
                own += l;
            } else if let Some(e) = out.iter_mut().find(|e| e.0 == b) {
                e.1 += l;
            } else {
                out.push((b, l));
            }
        }
        own
    }

    /// Objective change of moving `v` to grid `b`, given its shared boundary with its own
    /// grid (`s_a`) and with `b` (`s_b`).
    pub fn move_delta(&self, v: u32, b: u32, s_a: f64, s_b: f64) -> f64 {
        let a = self.lab[v as usize];
        let (ga, gb) = (&self.grids[a as usize], &self.grids[b as usize]);
        let h = u64::from(self.g.h[v as usize]);
        let (ar, e) = (self.g.area[v as usize], self.g.e[v as usize]);
        let before = self.grid_score(a) + self.grid_score(b) - self.pen(v, a);
        let pa = (ga.sume - e) - 2.0 * (ga.int - s_a);
        let pb = (gb.sume + e) - 2.0 * (gb.int + s_b);
        let after = self.cfg.score(ga.w - h, ga.area - ar, pa.max(0.0))
            + self.cfg.score(gb.w + h, gb.area + ar, pb.max(0.0))
            - self.pen(v, b);
        after - before
    }

    /// Moves `v` to grid `b` (no checks), keeping every running figure.
    pub fn set_label(&mut self, v: u32, b: u32) {
        let a = self.lab[v as usize];
        if a == b {
            return;
        }
        let g = self.g;
        let (mut s_a, mut s_b) = (0.0, 0.0);
        let (nb, ln) = g.adj(v);
        for (&u, &l) in nb.iter().zip(ln) {
            let c = self.lab[u as usize];
            if c == a {
                s_a += l;
            } else if c == b {
                s_b += l;
            }
        }
        let h = u64::from(g.h[v as usize]);
        let fx = u32::from(self.fixed[v as usize]);
        {
            let ga = &mut self.grids[a as usize];
            ga.w -= h;
            ga.area -= g.area[v as usize];
            ga.sume -= g.e[v as usize];
            ga.int -= s_a;
            ga.fixed -= fx;
        }
        {
            let gb = &mut self.grids[b as usize];
            gb.w += h;
            gb.area += g.area[v as usize];
            gb.sume += g.e[v as usize];
            gb.int += s_b;
            gb.fixed += fx;
            gb.alive = true;
        }
        // Node lists.
        let p = self.pos[v as usize] as usize;
        let list = &mut self.members[a as usize];
        let last = list.pop().expect("member list");
        if last != v {
            list[p] = last;
            self.pos[last as usize] = p as u32;
        }
        if list.is_empty() {
            let ga = &mut self.grids[a as usize];
            ga.alive = false;
            // Clear rounding residue so a revived grid starts from zero.
            ga.area = 0.0;
            ga.sume = 0.0;
            ga.int = 0.0;
        }
        self.pos[v as usize] = self.members[b as usize].len() as u32;
        self.members[b as usize].push(v);
        self.lab[v as usize] = b;
        if self.logging {
            self.log.push((v, a));
        }
    }

    /// Undoes logged label changes back to log length `to`.
    pub fn undo_to(&mut self, to: usize) {
        let was = self.logging;
        self.logging = false;
        while self.log.len() > to {
            let (v, a) = self.log.pop().expect("log");
            self.set_label(v, a);
        }
        self.logging = was;
    }

    /// A new empty grid with identity `ident`.
    pub fn new_grid(&mut self, ident: u32) -> u32 {
        self.grids.push(Grid::empty(ident));
        self.members.push(Vec::new());
        (self.grids.len() - 1) as u32
    }

    /// Whether `v` can leave its grid: the grid keeps another node and stays connected.
    pub fn can_detach(&mut self, v: u32) -> bool {
        let a = self.lab[v as usize];
        if self.members[a as usize].len() <= 1 {
            return false;
        }
        let g = self.g;
        let mut targets = std::mem::take(&mut self.targets);
        targets.clear();
        for &u in g.adj(v).0 {
            if self.lab[u as usize] == a {
                targets.push(u);
            }
        }
        // No same-grid neighbour (grid already in pieces) or a leaf: nothing to cut.
        if targets.len() <= 1 {
            self.targets = targets;
            return true;
        }
        let ep = self.next_epoch();
        self.mark[v as usize] = ep;
        let mut queue = std::mem::take(&mut self.queue);
        queue.clear();
        queue.push(targets[0]);
        self.mark[targets[0] as usize] = ep;
        let mut found = 1;
        let mut head = 0;
        while head < queue.len() && found < targets.len() {
            let u = queue[head];
            head += 1;
            for &x in g.adj(u).0 {
                if self.lab[x as usize] == a && self.mark[x as usize] != ep {
                    self.mark[x as usize] = ep;
                    if targets.contains(&x) {
                        found += 1;
                    }
                    queue.push(x);
                }
            }
        }
        let ok = found == targets.len();
        self.queue = queue;
        self.targets = targets;
        ok
    }

    /// The live grids renumbered densely (in index order): labels and identities.
    pub fn snapshot(&self) -> (Vec<u32>, Vec<u32>) {
        let mut map = vec![NONE; self.grids.len()];
        let mut idents = Vec::new();
        for (a, gr) in self.grids.iter().enumerate() {
            if gr.alive {
                map[a] = idents.len() as u32;
                idents.push(gr.ident);
            }
        }
        (self.lab.iter().map(|&a| map[a as usize]).collect(), idents)
    }

    /// Grids adjacent to grid `a` (ascending).
    pub fn neighbours(&self, a: u32) -> Vec<u32> {
        let mut out = Vec::new();
        for &v in &self.members[a as usize] {
            for &u in self.g.adj(v).0 {
                let b = self.lab[u as usize];
                if b != a {
                    out.push(b);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}
