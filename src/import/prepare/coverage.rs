//! Whether the grids of a community tile it (PRODUCT §2: no gaps, no overlaps): the
//! overlaps between its grids, the parts of grids outside it and the parts of it in no
//! grid, each above the [`tolerance_m2`] of the community (digitising noise below that
//! is ignored), with a place to look at. Pure geometry; areas in square metres of the local UTM zone.

use geo::orient::{Direction, Orient};
use geo::MultiPolygon;
use geo::{unary_union, BooleanOps, BoundingRect, InteriorPoint, Intersects};
use serde::Serialize;

use crate::crs::LocalProjection;
use crate::store::grid_fit::TOLERANCE_M2;

/// What an import does with grids that do not tile their community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum CoverageMode {
    /// Refuse the import, listing the problems (the default).
    #[default]
    Refuse,
    /// Import anyway and list the problems in the report.
    List,
}

/// How grids fail to tile a community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueKind {
    /// Two grids overlap.
    Overlap,
    /// A grid reaches outside its community.
    Outside,
    /// Part of the community is in no grid.
    Gap,
    /// A building whose representative point is in no grid (given to the nearest one).
    BuildingInGap,
}

/// One place where grids do not tile their community.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageIssue {
    /// The community's name.
    pub community: String,
    pub kind: IssueKind,
    /// Codes of the grids involved (two for an overlap, one for an overhang or the grid a
    /// building in a gap was given, none for a gap).
    pub grids: Vec<String>,
    /// The building in a gap (its source id or `@ID`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub building: Option<String>,
    /// Area in square metres (0 for a building in a gap).
    pub area_m2: f64,
    /// A point inside the problem: longitude, latitude.
    pub at: [f64; 2],
}

impl std::fmt::Display for CoverageIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let [x, y] = self.at;
        let grids = self.grids.join(" and ");
        match self.kind {
            IssueKind::Overlap => write!(
                f,
                "{}: grids {grids} overlap by {:.0} m²",
                self.community, self.area_m2
            ),
            IssueKind::Outside => write!(
                f,
                "{}: grid {grids} reaches {:.0} m² outside the community",
                self.community, self.area_m2
            ),
            IssueKind::Gap => write!(
                f,
                "{}: {:.0} m² of the community are in no grid",
                self.community, self.area_m2
            ),
            IssueKind::BuildingInGap => write!(
                f,
                "{}: building {} is in no grid (given to the nearest, {grids})",
                self.community,
                self.building.as_deref().unwrap_or("?")
            ),
        }?;
        write!(f, " at ({x:.6}, {y:.6})")
    }
}

/// Area in m², measured in the local UTM zone (a geodesic measure of a degenerate sliver
/// of no orientation can come out as the rest of the Earth).
fn area_m2(projection: Option<&LocalProjection>, mp: &MultiPolygon<f64>) -> f64 {
    match projection {
        Some(p) => p.area_m2(mp),
        None => 0.0,
    }
}

fn place(mp: &MultiPolygon<f64>) -> [f64; 2] {
    mp.interior_point()
        .map(|p| [p.x(), p.y()])
        .unwrap_or_default()
}

/// Pieces smaller than this share of their community's area are digitising noise.
pub const TOLERANCE_SHARE: f64 = 1e-4;

/// The smallest overlap, overhang or gap reported for a community of `area_m2`: 1 m², or
/// [`TOLERANCE_SHARE`] of the community (10 m² for a community of 10 ha) if larger.
pub fn tolerance_m2(area_m2: f64) -> f64 {
    TOLERANCE_M2.max(area_m2 * TOLERANCE_SHARE)
}

/// The problems of `grids` (code, boundary) as a tiling of `community` (named `name`).
pub fn check(
    name: &str,
    community: &MultiPolygon<f64>,
    grids: &[(String, &MultiPolygon<f64>)],
) -> Vec<CoverageIssue> {
    let issue = |kind, grids: Vec<String>, area_m2, at| CoverageIssue {
        community: name.to_string(),
        kind,
        grids,
        building: None,
        area_m2,
        at,
    };
    // Boolean operations want consistently oriented rings.
    let community = &community.orient(Direction::Default);
    let oriented: Vec<(String, MultiPolygon<f64>)> = grids
        .iter()
        .map(|(code, g)| (code.clone(), g.orient(Direction::Default)))
        .collect();
    let grids = &oriented;
    let projection = community
        .interior_point()
        .and_then(|p| LocalProjection::around(p.x(), p.y()).ok());
    let area_m2 = |mp: &MultiPolygon<f64>| area_m2(projection.as_ref(), mp);
    let tolerance = tolerance_m2(area_m2(community));
    let mut out = Vec::new();
    for (i, (a, ga)) in grids.iter().enumerate() {
        for (b, gb) in grids.iter().skip(i + 1) {
            let near = match (ga.bounding_rect(), gb.bounding_rect()) {
                (Some(x), Some(y)) => x.intersects(&y),
                _ => false,
            };
            if !near {
                continue;
            }
            let both = ga.intersection(gb);
            let m2 = area_m2(&both);
            if m2 > tolerance {
                let at = place(&both);
                out.push(issue(
                    IssueKind::Overlap,
                    vec![a.clone(), b.clone()],
                    m2,
                    at,
                ));
            }
        }
    }
    for (code, g) in grids {
        let outside = g.difference(community);
        let m2 = area_m2(&outside);
        if m2 > tolerance {
            out.push(issue(
                IssueKind::Outside,
                vec![code.clone()],
                m2,
                place(&outside),
            ));
        }
    }
    let covered = unary_union(grids.iter().flat_map(|(_, g)| g.0.iter()));
    let uncovered = community.difference(&covered);
    for piece in uncovered.0 {
        let piece = MultiPolygon(vec![piece]);
        let m2 = area_m2(&piece);
        if m2 > tolerance {
            out.push(issue(IssueKind::Gap, vec![], m2, place(&piece)));
        }
    }
    out
}

/// The index of the grid of `grids` holding `point`: the first containing it, else the
/// nearest (then `false`: the point is in a gap).
pub fn holder(grids: &[&MultiPolygon<f64>], point: geo::Point<f64>) -> Option<(usize, bool)> {
    use geo::{Distance, Euclidean};
    if let Some(i) = grids.iter().position(|g| {
        g.bounding_rect().is_some_and(|r| r.intersects(&point)) && g.intersects(&point)
    }) {
        return Some((i, true));
    }
    grids
        .iter()
        .enumerate()
        .map(|(i, g)| (i, Euclidean.distance(&point, *g)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| (i, false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{point, Rect};

    fn square(x0: f64, y0: f64, w: f64, h: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![Rect::new((x0, y0), (x0 + w, y0 + h)).to_polygon()])
    }

    #[test]
    fn a_tiling_has_no_issue_and_each_fault_is_found_with_its_place() {
        // A community of 0.002° × 0.001° near Shanghai (~190 m × 111 m), two halves.
        let c = square(121.500, 31.230, 0.002, 0.001);
        let west = square(121.500, 31.230, 0.001, 0.001);
        let east = square(121.501, 31.230, 0.001, 0.001);
        fn g<'a>(v: &[(&str, &'a MultiPolygon<f64>)]) -> Vec<(String, &'a MultiPolygon<f64>)> {
            v.iter().map(|(c, m)| (c.to_string(), *m)).collect()
        }
        assert!(check("c", &c, &g(&[("A", &west), ("B", &east)])).is_empty());

        // East grid drawn too wide: overlaps the west one and leaves the community.
        let wide = square(121.5009, 31.230, 0.0012, 0.001);
        let issues = check("c", &c, &g(&[("A", &west), ("B", &wide)]));
        let kinds: Vec<IssueKind> = issues.iter().map(|i| i.kind).collect();
        assert_eq!(kinds, [IssueKind::Overlap, IssueKind::Outside]);
        assert_eq!(issues[0].grids, ["A", "B"]);
        assert!(issues[0].at[0] > 121.5009 && issues[0].at[0] < 121.501);
        assert!(issues[0].to_string().contains("grids A and B overlap by"));

        // Only the west grid: the east half is a gap of about 95 m × 111 m.
        let issues = check("c", &c, &g(&[("A", &west)]));
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].kind, IssueKind::Gap);
        assert!(
            (issues[0].area_m2 - 10_500.0).abs() < 600.0,
            "{}",
            issues[0].area_m2
        );
        assert!(issues[0].at[0] > 121.501);
    }

    #[test]
    fn a_point_goes_to_the_grid_holding_it_else_the_nearest() {
        let west = square(121.500, 31.230, 0.001, 0.001);
        let east = square(121.501, 31.230, 0.001, 0.001);
        let grids = [&west, &east];
        assert_eq!(
            holder(&grids, point! { x: 121.5015, y: 31.2305 }),
            Some((1, true))
        );
        assert_eq!(
            holder(&grids, point! { x: 121.5030, y: 31.2305 }),
            Some((1, false))
        );
        assert_eq!(holder(&[], point! { x: 0.0, y: 0.0 }), None);
    }
}
