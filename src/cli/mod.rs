//! The `wangge` command line: one file per command, each an `Args` struct and a `run`.
//!
//! Commands parse their options and call the library (`import`, `store`, `plan`,
//! `lookup`, `api`); they hold no domain logic. Output goes to standard output, progress
//! and errors to standard error.

mod demo;
mod export;
mod geocode;
mod import;
mod lookup;
mod partition;
mod plan;
mod progress;
mod serve;
mod stats;
mod user;

use clap::{Parser, Subcommand};
use wangge::config;
use wangge::store::{NewAuditEntry, Store};

/// wangge (网格): grid-based community governance — store, lookup, balancing and web map.
#[derive(Parser)]
#[command(version, about)]
pub struct Cli {
    /// Database URL: postgres://USER:PASS@HOST:PORT/DB or sqlite:PATH.
    /// Default: sqlite:data/wangge.sqlite.
    #[arg(long, global = true, env = "DATABASE_URL")]
    db: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import data; each import is one transaction and re-running it updates by source id.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Generate the demo street (deterministic by seed) into the database.
    Demo(demo::Args),
    /// Users: add, list, disable, issue API tokens (the only way to manage users).
    #[command(subcommand)]
    User(user::UserCommand),
    /// Print row counts of the database as JSON.
    Stats,
    /// Which grid is responsible for a point (JSON), or for every row of a CSV file
    /// (CSV out: the input columns plus grid_id and grid_code).
    Lookup(lookup::Args),
    /// Buildings matching an address, best first (JSON).
    Geocode(geocode::Args),
    /// Balance a community into grids: stores a draft plan and prints its metrics.
    Partition(partition::Args),
    /// Edit a draft plan.
    #[command(subcommand)]
    Plan(plan::PlanCommand),
    /// Export data.
    #[command(subcommand)]
    Export(export::ExportCommand),
    /// Serve the API and the web map.
    Serve(serve::Args),
}

/// Runs the parsed command line; the error is the message to print.
pub async fn run(cli: Cli) -> Result<(), String> {
    let url = config::database_url(cli.db.as_deref());
    let store = Store::open(&url).await.map_err(|e| chain(&e))?;
    match cli.command {
        Command::Import(cmd) => import::run(&store, cmd).await,
        Command::Demo(args) => demo::run(&store, args).await,
        Command::User(cmd) => user::run(&store, cmd).await,
        Command::Stats => stats::run(&store).await,
        Command::Lookup(args) => lookup::run(store, args).await,
        Command::Geocode(args) => geocode::run(store, args).await,
        Command::Partition(args) => partition::run(&store, args).await,
        Command::Plan(cmd) => plan::run(&store, cmd).await,
        Command::Export(cmd) => export::run(&store, cmd).await,
        Command::Serve(args) => serve::run(store, &url, args).await,
    }
}

/// The error and its causes on one line each.
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(&format!("\n  caused by: {text}"));
        }
        source = s.source();
    }
    out
}

/// The actor of command-line writes in the audit log.
fn cli_actor() -> String {
    format!(
        "cli:{}",
        std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| "unknown".into())
    )
}

/// An audit entry for a command-line action.
fn cli_entry(action: &str, target: &str, detail: String) -> NewAuditEntry {
    NewAuditEntry {
        user_id: None,
        actor: cli_actor(),
        action: action.into(),
        target: target.into(),
        detail,
        remote: "local".into(),
    }
}

/// Appends a command-line action to the audit log.
async fn audit_cli(
    store: &Store,
    action: &str,
    target: &str,
    detail: String,
) -> Result<(), String> {
    store
        .append_audit(&cli_entry(action, target, detail))
        .await
        .map(|_| ())
        .map_err(|e| chain(&e))
}

/// Prints `value` as pretty JSON on standard output.
fn print_json(value: &impl serde::Serialize) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}
