//! The summary an import prints: counts per table, estimates, skipped features (or the
//! whole report as JSON).

use wangge::import::ImportReport;

use crate::cli::print_json;

/// Prints what an import did: counts per table, estimates, skipped features.
pub fn print_report(report: &ImportReport, json: bool) {
    if json {
        print_json(report);
        return;
    }
    let w = &report.written;
    println!("imported {} ({})", report.path, report.kind);
    for (name, u) in [
        ("regions", w.regions),
        ("grids", w.grids),
        ("buildings", w.buildings),
        ("households", w.households),
        ("people", w.people),
        ("cameras", w.cameras),
        ("workers", w.workers),
        ("barriers", w.barriers),
        ("address points", w.address_points),
    ] {
        if u.inserted + u.updated > 0 {
            println!(
                "  {name:<15} {:>7} new {:>7} updated",
                u.inserted, u.updated
            );
        }
    }
    let p = &report.prepared;
    if w.provisional_grids > 0 {
        println!(
            "  provisional grids {} (one per community without grids)",
            w.provisional_grids
        );
    }
    if w.provisional_grids_retired > 0 {
        println!(
            "  provisional grids removed: {} (their communities now have real grids)",
            w.provisional_grids_retired
        );
    }
    if w.buildings_reassigned > 0 {
        println!(
            "  buildings given the grid holding them: {}",
            w.buildings_reassigned
        );
    }
    if p.buildings_rehomed > 0 {
        println!(
            "  buildings moved from the unassigned area into a new community: {}",
            p.buildings_rehomed
        );
    }
    if !p.coverage.is_empty() {
        println!(
            "  grids that do not tile their community ({} places, imported with --coverage list):",
            p.coverage.len()
        );
        for issue in p.coverage.iter().take(20) {
            println!("    {issue}");
        }
    }
    if p.estimated_buildings > 0 {
        println!(
            "  households estimated: {} in {} buildings",
            p.estimated_households, p.estimated_buildings
        );
    }
    if p.buildings_outside_communities > 0 {
        println!(
            "  buildings outside every community: {} (put in the unassigned-area community)",
            p.buildings_outside_communities
        );
    }
    if !report.repaired.is_empty() {
        println!("  repaired {} features:", report.repaired.len());
        for s in report.repaired.iter().take(20) {
            println!("    {}: {}", s.place, s.reason);
        }
    }
    if !report.skipped.is_empty() {
        println!("  skipped {} features:", report.skipped.len());
        for s in report.skipped.iter().take(20) {
            println!("    {}: {}", s.place, s.reason);
        }
        if report.skipped.len() > 20 {
            println!(
                "    … and {} more (--json lists all)",
                report.skipped.len() - 20
            );
        }
    }
}
