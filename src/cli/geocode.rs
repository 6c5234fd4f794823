//! `wangge geocode ADDRESS` (JSON, best first) and `wangge geocode --file addresses.csv`
//! (CSV out: the input columns plus the best match's building, grid and score), streamed
//! in constant memory.

use std::fs::File;
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};

use wangge::geocode::check_query;
use wangge::lookup::csv_stream::{field_text, CsvStream, CHUNK_ROWS};
use wangge::lookup::{AddressBook, LiveAddressBook};
use wangge::store::Store;

use super::progress::Progress;
use super::{chain, print_json};

/// Header names of the address column of a batch file.
const ADDRESS_COLUMNS: [&str; 4] = ["address", "addr", "地址", "住址"];

#[derive(clap::Args)]
pub struct Args {
    /// The address, e.g. "锦江路88号锦绣花园3栋2单元501" or "Mannerheimintie 12".
    #[arg(required_unless_present = "file")]
    query: Option<String>,
    /// CSV with an address column (address, addr, 地址 or 住址), any number of rows,
    /// UTF-8 or GBK/GB18030 (read as a stream).
    #[arg(long, conflicts_with = "query")]
    file: Option<PathBuf>,
    /// Most results (for one address).
    #[arg(long, default_value_t = 10)]
    limit: usize,
}

pub async fn run(store: Store, args: Args) -> Result<(), String> {
    if let Some(q) = &args.query {
        check_query(q).map_err(|e| e.to_string())?;
    }
    let book = LiveAddressBook::load(store)
        .await
        .map_err(|e| chain(&e))?
        .snapshot();
    match (&args.file, &args.query) {
        (Some(file), _) => geocode_file(&book, file),
        (None, Some(q)) => {
            print_json(&book.search(q, args.limit));
            Ok(())
        }
        (None, None) => Err("give an ADDRESS or --file FILE".into()),
    }
}

fn geocode_file(book: &AddressBook, file: &Path) -> Result<(), String> {
    let at = |e: &dyn std::fmt::Display| format!("{}: {e}", file.display());
    let opened = File::open(file).map_err(|e| at(&format_args!("cannot read: {e}")))?;
    let size = opened.metadata().map(|m| m.len()).unwrap_or(0);
    let mut stream = CsvStream::new(BufReader::new(opened)).map_err(|e| at(&e))?;
    let column = stream.column(&ADDRESS_COLUMNS).ok_or_else(|| {
        at(&format_args!(
            "line 1 (header): no address column ({})",
            ADDRESS_COLUMNS.join(", ")
        ))
    })?;
    let mut out = csv::Writer::from_writer(std::io::BufWriter::new(std::io::stdout().lock()));
    let mut head = stream.header().clone();
    for name in [
        "building_id",
        "grid_id",
        "grid_code",
        "score",
        "matched_address",
    ] {
        head.push_field(name.as_bytes());
    }
    out.write_byte_record(&head).map_err(|e| e.to_string())?;
    let progress = Progress::bytes(size, "geocode");
    let (mut matched, mut unmatched) = (0u64, 0u64);
    loop {
        let rows = stream.next_chunk(CHUNK_ROWS).map_err(|e| at(&e))?;
        if rows.is_empty() {
            break;
        }
        for mut row in rows {
            let query = field_text(row.record.get(column).unwrap_or(b""));
            let best = match check_query(&query) {
                Ok(()) => book.search(&query, 1).into_iter().next(),
                Err(_) => None,
            };
            let fields = match &best {
                Some(hit) => {
                    matched += 1;
                    [
                        hit.building_id.to_string(),
                        hit.grid_id.map(|g| g.to_string()).unwrap_or_default(),
                        hit.grid_code.clone().unwrap_or_default(),
                        format!("{:.3}", hit.score),
                        hit.address.clone(),
                    ]
                }
                None => {
                    unmatched += 1;
                    Default::default()
                }
            };
            // A row in GBK gets its added fields in GBK too, so the file keeps one encoding.
            let gbk = row.record.iter().any(|f| std::str::from_utf8(f).is_err());
            for f in fields {
                if gbk {
                    row.record.push_field(&encoding_rs::GB18030.encode(&f).0);
                } else {
                    row.record.push_field(f.as_bytes());
                }
            }
            out.write_byte_record(&row.record)
                .map_err(|e| e.to_string())?;
        }
        progress.set(stream.bytes_read());
    }
    out.flush().map_err(|e| e.to_string())?;
    drop(out);
    std::io::stdout().flush().map_err(|e| e.to_string())?;
    progress.finish(&format!(
        "geocoded {} addresses of {}: {matched} matched, {unmatched} without a match",
        stream.rows_read(),
        file.display()
    ));
    Ok(())
}
