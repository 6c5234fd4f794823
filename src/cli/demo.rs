//! `wangge demo`: generates the demo street and one demo user per role.

use std::path::Path;

use wangge::import::prepare::PrepareOptions;
use wangge::store::Store;
use wangge::{demo, import};

use super::import::print_report;
use super::{audit_cli, chain};

#[derive(clap::Args)]
pub struct Args {
    /// Seed of the generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Empty the database first (otherwise the demo is merged by source id; users and
    /// the audit log are kept).
    #[arg(long)]
    fresh: bool,
    /// Password of every demo user (default: a random one each, printed once).
    #[arg(long)]
    demo_password: Option<String>,
}

pub async fn run(store: &Store, args: Args) -> Result<(), String> {
    if args.fresh {
        store.clear().await.map_err(|e| chain(&e))?;
    }
    let dataset = demo::generate(args.seed);
    let report = import::import_dataset(
        store,
        dataset,
        "demo",
        Path::new(&format!("demo:seed={}", args.seed)),
        &PrepareOptions::default(),
        vec![],
    )
    .await
    .map_err(|e| chain(&e))?;
    audit_cli(
        store,
        "import.demo",
        &report.path,
        serde_json::to_string(&report.written).unwrap_or_default(),
    )
    .await?;
    print_report(&report, false);
    let users = wangge::auth::create_demo_users(store, args.demo_password.as_deref())
        .await
        .map_err(|e| chain(&e))?;
    audit_cli(store, "user.demo", "users/demo-*", String::new()).await?;
    println!("demo users (log in at the web map or POST /api/login):");
    println!(
        "  {:<14} {:<14} {:<18} scope",
        "username", "role", "password"
    );
    for u in users {
        println!(
            "  {:<14} {:<14} {:<18} {}",
            u.username,
            u.role.as_ref(),
            u.password,
            u.scope
        );
    }
    Ok(())
}
