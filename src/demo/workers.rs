//! The "seven forces" (七支力量): a grid manager and an assistant in every grid, and per
//! community a police officer, supervisor, party secretary, judicial officer and
//! firefighter serving all of its grids.

use rand_chacha::ChaCha8Rng;

use super::names::{phone, Names};
use crate::model::{WorkerRecord, WorkerRole};

/// Workers of one community whose grids have the source ids `grids`.
pub(super) fn community_workers(
    rng: &mut ChaCha8Rng,
    names: &mut Names,
    grids: &[String],
    out: &mut Vec<WorkerRecord>,
) {
    let mut push = |rng: &mut ChaCha8Rng, role: WorkerRole, grids: Vec<String>| {
        let n = out.len() + 1;
        out.push(WorkerRecord {
            source_id: format!("demo:worker:{n:04}"),
            name: names.person(rng),
            phone: Some(phone(rng)),
            role,
            grids,
        });
    };
    for grid in grids {
        push(rng, WorkerRole::GridManager, vec![grid.clone()]);
        push(rng, WorkerRole::Assistant, vec![grid.clone()]);
    }
    for role in [
        WorkerRole::PoliceOfficer,
        WorkerRole::Supervisor,
        WorkerRole::PartySecretary,
        WorkerRole::JudicialOfficer,
        WorkerRole::Firefighter,
    ] {
        push(rng, role, grids.to_vec());
    }
}
