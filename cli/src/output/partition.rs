//! Hive-style partitions: `DIR/api=API/month=MONTH/part-0.parquet`, written beside the
//! partition and put in its place when complete, so a reader sees the old partition or
//! the new one, and parallel runs of different accounts or months never share a file.
//! A run that fails before the partition is complete removes what it wrote: the old
//! partition stays, and no hidden directory is left behind.

use std::fs;
use std::path::{Path, PathBuf};

use super::OutputError;

/// One partition being written; dropped uncommitted (a failed run), its hidden
/// directory is removed.
pub(super) struct Partition {
    /// `DIR/api=API/month=MONTH`.
    target: PathBuf,
    /// Its sibling being written.
    partial: PathBuf,
}

impl Partition {
    /// The partition of `api` and `month` under `dir`; its files are written into a
    /// hidden sibling directory until [`Partition::commit`].
    pub(super) fn new(dir: PathBuf, api: &str, month: &str) -> Result<Self, OutputError> {
        for (key, value) in [("api", api), ("month", month)] {
            if value.is_empty()
                || !value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(OutputError::Usage(format!(
                    "a partition's {key} must be letters, digits, `-` or `_`, not {value:?}"
                )));
            }
        }
        let parent = dir.join(format!("api={api}"));
        fs::create_dir_all(&parent).map_err(OutputError::io(parent.display()))?;
        let target = parent.join(format!("month={month}"));
        let partial = parent.join(format!(".month={month}.partial-{}", std::process::id()));
        if partial.exists() {
            fs::remove_dir_all(&partial).map_err(OutputError::io(partial.display()))?;
        }
        fs::create_dir(&partial).map_err(OutputError::io(partial.display()))?;
        Ok(Self { target, partial })
    }

    /// The file to write the partition's records to.
    pub(super) fn file(&self) -> PathBuf {
        self.partial.join("part-0.parquet")
    }

    /// Puts the written partition in place of the old one, if any.
    pub(super) fn commit(&self) -> Result<PathBuf, OutputError> {
        let old = self.target.with_file_name(format!(
            ".{}.old-{}",
            file_name(&self.target),
            std::process::id()
        ));
        let had_old = self.target.exists();
        if had_old {
            fs::rename(&self.target, &old).map_err(OutputError::io(self.target.display()))?;
        }
        if let Err(error) = fs::rename(&self.partial, &self.target) {
            if had_old {
                // The old partition back in its place; the new one is dropped.
                let _ = fs::rename(&old, &self.target);
            }
            return Err(OutputError::io(self.target.display())(error));
        }
        if had_old {
            fs::remove_dir_all(&old).map_err(OutputError::io(old.display()))?;
        }
        Ok(self.target.clone())
    }
}

impl Drop for Partition {
    /// Removes the hidden directory of a partition never committed (after a commit it
    /// has become the partition, and nothing is left at its path).
    fn drop(&mut self) {
        if self.partial.exists() {
            let _ = fs::remove_dir_all(&self.partial);
        }
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partition_replaces_the_old_one_whole() {
        let dir = std::env::temp_dir().join(format!("meterage-partition-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        for (round, content) in [(1, "first"), (2, "second")] {
            let partition =
                Partition::new(dir.clone(), "kaopuyun", "2026-10").expect("a partition");
            fs::write(partition.file(), content).expect("written");
            if round == 1 {
                fs::write(partition.partial.join("part-1.parquet"), "stale").expect("written");
            }
            let target = partition.commit().expect("committed");
            assert_eq!(target, dir.join("api=kaopuyun").join("month=2026-10"));
        }
        let month = dir.join("api=kaopuyun").join("month=2026-10");
        let mut files: Vec<_> = fs::read_dir(&month)
            .expect("listed")
            .map(|e| e.expect("entry").file_name())
            .collect();
        files.sort();
        assert_eq!(
            files,
            ["part-0.parquet"],
            "the old partition's files are gone"
        );
        assert_eq!(
            fs::read_to_string(month.join("part-0.parquet")).expect("read"),
            "second"
        );
        let siblings = fs::read_dir(dir.join("api=kaopuyun"))
            .expect("listed")
            .count();
        assert_eq!(siblings, 1, "no partial or old directory left behind");
        assert!(Partition::new(dir.clone(), "../etc", "2026-10").is_err());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_partition_never_committed_leaves_nothing_and_keeps_the_old_one() {
        let dir = std::env::temp_dir().join(format!("meterage-uncommitted-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let old = Partition::new(dir.clone(), "plcloud", "2014-12").expect("a partition");
        fs::write(old.file(), "old").expect("written");
        let month = old.commit().expect("committed");
        drop(old);
        let failed = Partition::new(dir.clone(), "plcloud", "2014-12").expect("a partition");
        fs::write(failed.file(), "half").expect("written");
        let partial = failed.partial.clone();
        assert!(partial.is_dir());
        drop(failed); // the run failed before its commit
        assert!(!partial.exists(), "the hidden directory is removed");
        let entries: Vec<_> = fs::read_dir(dir.join("api=plcloud"))
            .expect("listed")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(entries, ["month=2014-12"], "only the old partition");
        assert_eq!(
            fs::read_to_string(month.join("part-0.parquet")).expect("read"),
            "old"
        );
        let _ = fs::remove_dir_all(&dir);
    }
}
