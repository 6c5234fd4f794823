//! Generates a realistic demo street, deterministic by seed, as a Dataset for the store.
//! Calls only model.
//!
//! The street (街道 of the fictitious 锦城区, code 510199001) lies in Chengdu around
//! 30.63 N, 104.07 E. It is planned in local metres and converted to lon/lat
//! (EPSG:4326) with an equirectangular approximation around its centre:
//!
//! * 6–10 communities in two or three rows, split by main roads and a river; the
//!   communities tile the street, and the district boundary equals the street's;
//! * each community is tiled by standard grids along small streets; every standard grid
//!   holds 360–540 households. A school campus is an extra **virtual grid** inside its
//!   standard grid (code `…9xx`) with no households of its own;
//! * compounds (小区) of towers or walk-ups, shop-front mixed buildings, schools,
//!   markets, hotels, kindergartens and community offices, set back from every road;
//! * households and people with obviously fictitious identities (names "王示例17", ID
//!   numbers under the non-existent area code 990000, phones 1990000xxxx);
//! * cameras of the five priority classes and the seven forces of every grid.
//!
//! The same seed always gives the same dataset; different seeds give different streets.

mod buildings;
mod cameras;
mod facilities;
mod frame;
mod layout;
mod names;
mod people;
mod records;
mod slabs;
mod workers;

#[cfg(test)]
mod tests;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::model::Dataset;
use frame::Frame;
use names::Names;

/// Approximate centre of the demo street (Chengdu).
pub const ORIGIN_LON: f64 = 104.07;
pub const ORIGIN_LAT: f64 = 30.63;

/// Generates the demo street for `seed`.
pub fn generate(seed: u64) -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut names = Names::new(&mut rng);
    let street = names.street(&mut rng);
    let layout = layout::build(&mut rng, &mut names);
    let plan = buildings::plan(&mut rng, &mut names, &layout);
    let (y0, y1) = layout.y_range();
    let frame = Frame::centred(
        ORIGIN_LON + rng.gen_range(-0.01..0.01),
        ORIGIN_LAT + rng.gen_range(-0.008..0.008),
        layout.width / 2.0,
        (y0 + y1) / 2.0,
    );

    let mut ds = Dataset::new("demo");
    let mut ids = records::regions(&mut ds, &frame, &layout, &street);
    records::grids(&mut ds, &frame, &layout, &plan, &mut ids);
    records::buildings(&mut ds, &frame, &layout, &plan, &mut ids);
    records::barriers(&mut ds, &frame, &layout, &plan);
    for (b, id) in plan.buildings.iter().zip(&ids.buildings) {
        people::populate(
            &mut rng,
            &mut names,
            id,
            b,
            &mut ds.households,
            &mut ds.people,
        );
    }
    ds.cameras = cameras::cameras(&mut rng, &frame, &layout, &plan);
    for ci in 0..layout.communities.len() {
        let mut grids = ids.grids[ci].clone();
        for (k, campus) in plan.campuses.iter().enumerate() {
            if campus.community == ci {
                grids.push(ids.campuses[k].clone());
            }
        }
        workers::community_workers(&mut rng, &mut names, &grids, &mut ds.workers);
    }
    ds
}
