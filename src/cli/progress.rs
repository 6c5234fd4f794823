//! Progress of long command-line jobs on standard error: a bar with rate and time left
//! when standard error is a terminal, and one summary line at the end in any case. Bars
//! count bytes of an input file or items (features of an export).

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// Progress through `total` bytes of an input file.
pub struct Progress {
    bar: ProgressBar,
    started: Instant,
}

impl Progress {
    /// A bar over `total` bytes, labelled `what`; hidden when standard error is not a
    /// terminal.
    pub fn bytes(total: u64, what: &str) -> Progress {
        let bar = ProgressBar::new(total);
        if let Ok(style) = ProgressStyle::with_template(
            "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(what.to_string());
        bar.enable_steady_tick(Duration::from_millis(250));
        Progress {
            bar,
            started: Instant::now(),
        }
    }

    /// A bar over `total` items (e.g. features), labelled `what`; hidden when standard
    /// error is not a terminal.
    pub fn items(total: u64, what: &str) -> Progress {
        let bar = ProgressBar::new(total);
        if let Ok(style) = ProgressStyle::with_template(
            "{msg} [{bar:30}] {human_pos}/{human_len} ({per_sec}, {eta} left)",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(what.to_string());
        bar.enable_steady_tick(Duration::from_millis(250));
        Progress {
            bar,
            started: Instant::now(),
        }
    }

    /// A callback moving the bar to `done` of `total` items, for jobs that count their
    /// input themselves.
    pub fn updater(&self) -> impl FnMut(u64, u64) {
        let bar = self.bar.clone();
        move |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        }
    }

    /// Moves the bar to `done` bytes (or items).
    pub fn set(&self, done: u64) {
        self.bar.set_position(done);
    }

    /// Clears the bar without a summary (the job failed).
    pub fn abandon(self) {
        self.bar.finish_and_clear();
    }

    /// Clears the bar and prints `summary` with the elapsed time on standard error.
    pub fn finish(self, summary: &str) {
        self.bar.finish_and_clear();
        eprintln!("{summary} in {:.1} s", self.started.elapsed().as_secs_f64());
    }
}
