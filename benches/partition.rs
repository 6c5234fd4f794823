//! scratch: instance exploration
use std::path::Path;
use std::time::Instant;

use geo::BoundingRect;
use wangge::import::osm::{read_osm, OsmOptions};
use wangge::import::prepare::{prepare, PrepareOptions, StoredContext};
use wangge::model::{Dataset, RegionLevel};
use wangge::partition::solver::{solve, Params};
use wangge::partition::tessellate::{tessellate, BarrierLine, Site};
use wangge::plan::DEFAULT_HARD_BARRIERS;

fn communities(ds: &Dataset) -> Vec<(String, usize, u64, Vec<Site>, Vec<BarrierLine>, geo::MultiPolygon<f64>)> {
    let mut out = Vec::new();
    for r in ds.regions.iter().filter(|r| r.level == RegionLevel::Community) {
        let sites: Vec<Site> = ds
            .buildings
            .iter()
            .filter(|b| b.community.as_deref() == Some(r.source_id.as_str()))
            .map(|b| Site {
                footprint: b.footprint.clone(),
                households: b.households.map(|h| h.value().max(0) as u32).unwrap_or(0),
                units: b.units.and_then(|u| u32::try_from(u).ok()),
            })
            .collect();
        let bb = r.boundary.bounding_rect().unwrap();
        let barriers: Vec<BarrierLine> = ds
            .barriers
            .iter()
            .filter(|b| {
                b.geometry.bounding_rect().is_some_and(|e| {
                    e.max().x >= bb.min().x && e.min().x <= bb.max().x && e.max().y >= bb.min().y && e.min().y <= bb.max().y
                })
            })
            .map(|b| BarrierLine { line: b.geometry.clone(), hard: DEFAULT_HARD_BARRIERS.contains(&b.class.as_str()) })
            .collect();
        let h: u64 = sites.iter().map(|s| s.households as u64).sum();
        out.push((format!("{} {}", r.source_id, r.name), sites.len(), h, sites, barriers, r.boundary.clone()));
    }
    out
}

fn main() {
    let t = Instant::now();
    let read = read_osm(Path::new("/work/shared/data/beijing-wudaokou-2017/wudaokou.osm"), &OsmOptions::default()).unwrap();
    let mut ds = read.dataset;
    prepare(&mut ds, &StoredContext::default(), &PrepareOptions::default(), "wudaokou").unwrap();
    println!("read+prepare {:?}", t.elapsed());
    let mut demo = wangge::demo::generate(1);
    prepare(&mut demo, &StoredContext::default(), &PrepareOptions::default(), "demo").unwrap();
    for d in [&ds, &demo] {
        for (name, n, h, sites, barriers, boundary) in communities(d) {
            if sites.is_empty() {
                println!("{name}: empty");
                continue;
            }
            let t = Instant::now();
            let tess = tessellate(&boundary, &sites, &barriers);
            let tt = t.elapsed();
            match tess {
                Ok(tess) => {
                    let t = Instant::now();
                    let s = solve(&tess.graph, &Params::default(), None);
                    println!(
                        "{name}: {n} bldgs {h} hh {} barriers({} hard) comps {} tess {:?} solve {:?} grids {} issues {}",
                        barriers.len(),
                        barriers.iter().filter(|b| b.hard).count(),
                        tess.graph.components().len(),
                        tt,
                        t.elapsed(),
                        s.grids.len(),
                        s.issues.len()
                    );
                }
                Err(e) => println!("{name}: {n} bldgs {h} hh tessellate error {e}"),
            }
        }
    }
}
