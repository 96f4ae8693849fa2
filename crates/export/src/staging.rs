//! The staging folder of a run and its atomic swap into the output folder.

use std::path::{Path, PathBuf};

use crate::ExportError;

/// A run's output under construction, beside the final output folder.
///
/// Dropped without [`Staging::commit`] (a failed run, a panic), it removes itself; a killed run
/// leaves it behind, and the next run clears it away.
pub struct Staging {
    final_dir: PathBuf,
    dir: PathBuf,
    committed: bool,
}

impl Staging {
    pub fn create(final_dir: &Path) -> Result<Staging, ExportError> {
        let parent = match final_dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(ExportError::io(&parent))?;
        let name = final_dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
        let prefix = format!(".{name}.staging-");
        remove_stale(&parent, &prefix);
        let dir = parent.join(format!("{prefix}{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(ExportError::io(&dir))?;
        }
        std::fs::create_dir_all(&dir).map_err(ExportError::io(&dir))?;
        Ok(Staging { final_dir: final_dir.to_path_buf(), dir, committed: false })
    }

    /// Where this run writes its files.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Moves the staged output into place in one step: readers see the old complete output or the
    /// new complete output, never a mix and never nothing (where the OS can swap folders).
    pub fn commit(mut self) -> Result<(), ExportError> {
        sync_dir(&self.dir);
        if self.final_dir.exists() {
            if !self.final_dir.is_dir() {
                return Err(ExportError::Io {
                    path: self.final_dir.clone(),
                    source: std::io::Error::other("output path exists and is not a folder"),
                });
            }
            exchange(&self.dir, &self.final_dir)?;
            // `self.dir` now holds the previous output.
            std::fs::remove_dir_all(&self.dir).map_err(ExportError::io(&self.dir))?;
        } else {
            std::fs::rename(&self.dir, &self.final_dir).map_err(ExportError::io(&self.final_dir))?;
        }
        if let Some(parent) = self.final_dir.parent() {
            sync_dir(if parent.as_os_str().is_empty() { Path::new(".") } else { parent });
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Swaps two folders atomically (Linux renameat2 RENAME_EXCHANGE).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> Result<(), ExportError> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes()).map_err(|e| ExportError::Io { path: a.into(), source: e.into() })?;
    let cb = CString::new(b.as_os_str().as_bytes()).map_err(|e| ExportError::Io { path: b.into(), source: e.into() })?;
    // SAFETY: both are valid NUL-terminated paths; AT_FDCWD resolves them like rename(2).
    let r = unsafe { libc::renameat2(libc::AT_FDCWD, ca.as_ptr(), libc::AT_FDCWD, cb.as_ptr(), libc::RENAME_EXCHANGE) };
    if r == 0 {
        return Ok(());
    }
    let err = std::io::Error::last_os_error();
    // Filesystems without RENAME_EXCHANGE: fall back to two renames.
    if matches!(err.raw_os_error(), Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::EOPNOTSUPP)) {
        return exchange_by_rename(a, b);
    }
    Err(ExportError::Io { path: b.into(), source: err })
}

#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> Result<(), ExportError> {
    exchange_by_rename(a, b)
}

/// Two renames: there is a moment where `b` is missing, but never a mix of old and new.
fn exchange_by_rename(a: &Path, b: &Path) -> Result<(), ExportError> {
    let tmp = a.with_extension("old");
    std::fs::rename(b, &tmp).map_err(ExportError::io(b))?;
    std::fs::rename(a, b).map_err(ExportError::io(b))?;
    std::fs::rename(&tmp, a).map_err(ExportError::io(a))?;
    Ok(())
}

fn sync_dir(dir: &Path) {
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

/// Removes staging folders left by runs that were killed (their process no longer exists).
fn remove_stale(parent: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix(prefix) else { continue };
        // Without /proc we cannot tell a live run from a dead one, so only our own pid is reused.
        let alive = match pid.parse::<u32>() {
            Ok(p) => p == std::process::id() || !Path::new("/proc").exists() || Path::new(&format!("/proc/{p}")).exists(),
            Err(_) => false,
        };
        if !alive {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_whole_folder() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("old.jsonl"), "old").unwrap();
        let s = Staging::create(&out).unwrap();
        std::fs::write(s.path().join("new.jsonl"), "new").unwrap();
        // Until commit, the old output is what readers see.
        assert!(out.join("old.jsonl").exists() && !out.join("new.jsonl").exists());
        s.commit().unwrap();
        assert!(!out.join("old.jsonl").exists());
        assert_eq!(std::fs::read_to_string(out.join("new.jsonl")).unwrap(), "new");
        let left: Vec<_> = std::fs::read_dir(root.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(left.len(), 1, "staging folder left behind: {left:?}");
    }

    #[test]
    fn dropped_staging_leaves_old_output_and_no_litter() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("a"), "1").unwrap();
        {
            let s = Staging::create(&out).unwrap();
            std::fs::write(s.path().join("a"), "2").unwrap();
        }
        assert_eq!(std::fs::read_to_string(out.join("a")).unwrap(), "1");
        assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 1);
    }

    #[test]
    fn stale_staging_of_dead_run_is_removed() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        let stale = root.path().join(".out.staging-4294967294");
        std::fs::create_dir(&stale).unwrap();
        let s = Staging::create(&out).unwrap();
        assert!(!stale.exists());
        s.commit().unwrap();
        assert!(out.is_dir());
    }
}
