//! Rebuilds the crate when a schema migration is added: `sqlx::migrate!` embeds the
//! files of `migrations/` at compile time and would otherwise keep the old list.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
