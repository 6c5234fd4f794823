//! `wangge lookup LON LAT` (JSON) and `wangge lookup --file points.csv` (CSV out: the
//! input columns plus grid_id and grid_code), streamed in constant memory.

use std::fs::File;
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};

use wangge::crs::Crs;
use wangge::index::{GridIndex, LiveIndex};
use wangge::lookup::csv_stream::{point_columns, points_of, CsvStream, CHUNK_ROWS};
use wangge::lookup::{self};
use wangge::store::Store;

use super::progress::Progress;
use super::{chain, print_json};

#[derive(clap::Args)]
pub struct Args {
    /// Longitude (or x in --crs).
    #[arg(allow_negative_numbers = true, required_unless_present = "file")]
    lon: Option<f64>,
    /// Latitude (or y in --crs).
    #[arg(allow_negative_numbers = true, required_unless_present = "file")]
    lat: Option<f64>,
    /// CSV with lon/lat (or x/y) columns, any number of rows (read as a stream).
    #[arg(long, conflicts_with_all = ["lon", "lat"])]
    file: Option<PathBuf>,
    /// CRS of the input: 4326 (default), 4490, 3857, 4513–4554, gcj02, bd09.
    #[arg(long)]
    crs: Option<String>,
}

pub async fn run(store: Store, args: Args) -> Result<(), String> {
    let crs = match &args.crs {
        Some(c) => Crs::parse(c).map_err(|e| e.to_string())?,
        None => Crs::Wgs84,
    };
    let index = LiveIndex::load(store)
        .await
        .map_err(|e| chain(&e))?
        .snapshot();
    match (args.file, args.lon, args.lat) {
        (Some(file), _, _) => lookup_file(&index, &file, crs),
        (None, Some(lon), Some(lat)) => {
            let mut p = [(lon, lat)];
            lookup::to_wgs84(&mut p, crs).map_err(|e| e.to_string())?;
            print_json(&lookup::answer(&index, p[0].0, p[0].1));
            Ok(())
        }
        _ => Err("give LON LAT or --file FILE".into()),
    }
}

/// Streams `file` a chunk of rows at a time: rows out in input order with grid_id and
/// grid_code appended (empty outside every grid).
fn lookup_file(index: &GridIndex, file: &Path, crs: Crs) -> Result<(), String> {
    let at = |e: &dyn std::fmt::Display| format!("{}: {e}", file.display());
    let opened = File::open(file).map_err(|e| at(&format_args!("cannot read: {e}")))?;
    let size = opened.metadata().map(|m| m.len()).unwrap_or(0);
    let mut stream = CsvStream::new(BufReader::new(opened)).map_err(|e| at(&e))?;
    let columns = point_columns(&stream).map_err(|e| at(&e))?;
    let header = stream.header().clone();
    let mut out = csv::Writer::from_writer(std::io::BufWriter::new(std::io::stdout().lock()));
    let mut head = header.clone();
    head.push_field(b"grid_id");
    head.push_field(b"grid_code");
    out.write_byte_record(&head).map_err(|e| e.to_string())?;
    let progress = Progress::bytes(size, "lookup");
    let (mut found, mut outside) = (0u64, 0u64);
    loop {
        let rows = stream.next_chunk(CHUNK_ROWS).map_err(|e| at(&e))?;
        if rows.is_empty() {
            break;
        }
        let points = points_of(&rows, columns, &header, crs).map_err(|e| at(&e))?;
        for (mut row, (lon, lat)) in rows.into_iter().zip(points) {
            match index.locate(lon, lat) {
                Some(g) => {
                    found += 1;
                    row.record.push_field(g.id.to_string().as_bytes());
                    row.record.push_field(g.code.as_bytes());
                }
                None => {
                    outside += 1;
                    row.record.push_field(b"");
                    row.record.push_field(b"");
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
        "looked up {} points of {}: {found} in a grid, {outside} outside every grid",
        stream.rows_read(),
        file.display()
    ));
    Ok(())
}
