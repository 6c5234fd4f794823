//! `wangge stats`: row counts of the database as JSON.

use wangge::store::Store;

use super::{chain, print_json};

pub async fn run(store: &Store) -> Result<(), String> {
    let counts = store.counts().await.map_err(|e| chain(&e))?;
    print_json(&counts);
    Ok(())
}
