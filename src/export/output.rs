//! Where an export goes, and writing a file all-or-nothing: an output file is refused
//! when it exists (unless forced), the export is written to a hidden temporary file
//! beside it, and only a complete export is renamed into place — a failed or interrupted
//! export leaves no file behind and an existing file untouched. Calls only `std::fs`.

use std::path::{Path, PathBuf};

use super::ExportError;

/// The output of an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Standard output (GeoJSON only).
    Stdout,
    /// A file; an existing one is replaced only with `force`.
    File { path: PathBuf, force: bool },
}

/// A file being written: the temporary file, renamed to the output by [`Staged::commit`]
/// and removed when dropped uncommitted.
#[derive(Debug)]
pub struct Staged {
    path: PathBuf,
    temp: PathBuf,
    committed: bool,
}

impl Staged {
    /// Checks that `path` may be written (absent, or `force`) and names the temporary
    /// file beside it; creates nothing.
    pub fn prepare(path: &Path, force: bool) -> Result<Staged, ExportError> {
        match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.is_dir() => {
                return Err(ExportError::Write {
                    target: path.display().to_string(),
                    source: std::io::Error::other("it is a directory"),
                })
            }
            Ok(_) if !force => {
                return Err(ExportError::OutputExists { path: path.into() });
            }
            _ => {}
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| ExportError::Write {
                target: path.display().to_string(),
                source: std::io::Error::other("not a file name"),
            })?;
        let dir = path.parent().unwrap_or_else(|| Path::new(""));
        let temp = dir.join(format!(".{name}.partial-{}", std::process::id()));
        // Leftovers of an earlier run of this process id.
        remove_quietly(&temp);
        Ok(Staged {
            path: path.into(),
            temp,
            committed: false,
        })
    }

    /// The output path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The temporary file to write.
    pub fn temp(&self) -> &Path {
        &self.temp
    }

    /// Moves the finished temporary file to the output (replacing a forced one).
    pub fn commit(mut self) -> Result<(), ExportError> {
        std::fs::rename(&self.temp, &self.path).map_err(|source| ExportError::Write {
            target: self.path.display().to_string(),
            source,
        })?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            remove_quietly(&self.temp);
        }
        // SQLite's rollback journal of the temporary file, if a write was cut short.
        let mut journal = self.temp.clone().into_os_string();
        journal.push("-journal");
        remove_quietly(Path::new(&journal));
    }
}

fn remove_quietly(path: &Path) {
    if std::fs::symlink_metadata(path).is_ok() {
        let _ = std::fs::remove_file(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_existing_file_is_refused_unless_forced_and_kept_on_failure() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("out.geojson");
        std::fs::write(&path, "old").expect("write");
        let refused = Staged::prepare(&path, false).err().map(|e| e.to_string());
        assert!(
            refused.as_deref().is_some_and(|m| m.contains("--force")),
            "{refused:?}"
        );
        {
            let staged = Staged::prepare(&path, true).expect("forced");
            std::fs::write(staged.temp(), "partial").expect("write temp");
            // Dropped without commit: the old file stays, the partial one goes.
        }
        assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), Some("old"));
        assert_eq!(
            std::fs::read_dir(dir.path()).map(|d| d.count()).ok(),
            Some(1)
        );
        let staged = Staged::prepare(&path, true).expect("forced");
        std::fs::write(staged.temp(), "new").expect("write temp");
        staged.commit().expect("commit");
        assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), Some("new"));
    }
}
