//! `wangge import households | people FILE [--encoding ENC] [--sheet NAME]`.

use std::path::PathBuf;

use wangge::import::register::RegisterOptions;
use wangge::import::{self, ImportError, ImportReport};
use wangge::store::Store;

use super::parse_encoding;

/// Which register.
pub enum Kind {
    Households,
    People,
}

#[derive(clap::Args)]
pub struct Args {
    /// A .csv (UTF-8 or GBK/GB18030) or .xlsx file.
    file: PathBuf,
    /// Text encoding of a CSV: utf-8, gbk, gb18030 ... Default: UTF-8 if the file is valid
    /// UTF-8, else GB18030 (which reads GBK and GB2312).
    #[arg(long)]
    encoding: Option<String>,
    /// The sheet of an .xlsx workbook (default: the first).
    #[arg(long)]
    sheet: Option<String>,
    /// Print the full import report as JSON.
    #[arg(long)]
    json: bool,
}

pub async fn run(
    store: &Store,
    args: Args,
    kind: Kind,
) -> Result<(ImportReport, bool), ImportError> {
    let options = RegisterOptions {
        encoding: parse_encoding(args.encoding.as_deref())?,
        sheet: args.sheet,
    };
    let report = match kind {
        Kind::Households => import::import_households_with(store, &args.file, &options).await?,
        Kind::People => import::import_people_with(store, &args.file, &options).await?,
    };
    Ok((report, args.json))
}
