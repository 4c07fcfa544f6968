//! Step 4, write: output goes to a staging area and replaces the target only when the whole build
//! succeeded, so a failed build never leaves a half-written `public/`. The staging area is a folder
//! beside the target (`build`), memory (`serve`, which answers from it) or nowhere (`check`).

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A build's output until [`Staging::commit`].
pub struct Staging {
    target: PathBuf,
    dest: Dest,
}

enum Dest {
    /// `<out>.staging-<pid>` beside the target.
    Dir(PathBuf),
    Memory(Mutex<HashMap<String, SiteFile>>),
    Nowhere,
}

/// One file of a site kept in memory.
#[derive(Clone, PartialEq, Eq)]
pub enum SiteFile {
    /// Shared, so that `serve` can make the next site from the last without copying its pages.
    Bytes(Arc<[u8]>),
    /// A file copied as it is (content/static/): read from its source when asked for, as those
    /// can be large.
    Source(PathBuf),
}

/// A whole site in memory, by path relative to its root (`en/index.html`).
#[derive(Default, Clone)]
pub struct SiteFiles {
    pub files: HashMap<String, SiteFile>,
}

impl fmt::Debug for SiteFiles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SiteFiles({} files)", self.files.len())
    }
}

/// What [`Staging::commit`] leaves.
#[derive(Debug)]
pub enum Staged {
    Dir(PathBuf),
    Memory(SiteFiles),
    Discarded,
}

impl Staging {
    pub fn begin(target: &Path) -> io::Result<Staging> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)?;
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        Ok(Staging {
            target: target.to_path_buf(),
            dest: Dest::Dir(dir),
        })
    }

    pub fn in_memory() -> Staging {
        Staging {
            target: PathBuf::new(),
            dest: Dest::Memory(Mutex::default()),
        }
    }

    pub fn discard() -> Staging {
        Staging {
            target: PathBuf::new(),
            dest: Dest::Nowhere,
        }
    }

    /// The staging folder (empty when the output is not on disk), for error messages.
    pub fn dir(&self) -> &Path {
        match &self.dest {
            Dest::Dir(dir) => dir,
            Dest::Memory(_) | Dest::Nowhere => Path::new(""),
        }
    }

    /// Writes `bytes` at `rel` (a path relative to the site root), creating folders.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.put(
            rel,
            || SiteFile::Bytes(bytes.into()),
            |path| std::fs::write(path, bytes),
        )
    }

    /// Copies a file into the site at `rel`.
    pub fn copy(&self, from: &Path, rel: &str) -> io::Result<()> {
        let source = || SiteFile::Source(from.to_path_buf());
        self.put(rel, source, |path| std::fs::copy(from, path).map(|_| ()))
    }

    /// Puts one file at `rel`: on disk through `to_disk`, in memory as `in_memory()`.
    fn put(
        &self,
        rel: &str,
        in_memory: impl FnOnce() -> SiteFile,
        to_disk: impl FnOnce(&Path) -> io::Result<()>,
    ) -> io::Result<()> {
        let rel = rel.trim_start_matches('/');
        match &self.dest {
            Dest::Dir(dir) => {
                let path = dir.join(rel);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                to_disk(&path)
            }
            Dest::Memory(files) => {
                lock(files).insert(rel.to_string(), in_memory());
                Ok(())
            }
            Dest::Nowhere => Ok(()),
        }
    }

    /// Swaps the staged site in: the old one is renamed aside, then deleted.
    pub fn commit(mut self) -> io::Result<Staged> {
        let dir = match std::mem::replace(&mut self.dest, Dest::Nowhere) {
            Dest::Dir(dir) => dir,
            Dest::Memory(files) => {
                return Ok(Staged::Memory(SiteFiles {
                    files: files.into_inner().unwrap_or_else(|e| e.into_inner()),
                }))
            }
            Dest::Nowhere => return Ok(Staged::Discarded),
        };
        let swapped = swap_in(&dir, &self.target);
        if swapped.is_err() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        swapped.map(|()| Staged::Dir(self.target.clone()))
    }
}

/// Renames `dir` to `target`, putting the old target back if that fails.
fn swap_in(dir: &Path, target: &Path) -> io::Result<()> {
    let old = dir.with_extension("old");
    let had_old = target.exists();
    if had_old {
        std::fs::rename(target, &old)?;
    }
    if let Err(e) = std::fs::rename(dir, target) {
        if had_old {
            std::fs::rename(&old, target)?;
        }
        return Err(e);
    }
    if had_old {
        std::fs::remove_dir_all(&old)?;
    }
    Ok(())
}

impl Drop for Staging {
    /// A build that did not commit leaves nothing behind.
    fn drop(&mut self) {
        if let Dest::Dir(dir) = &self.dest {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// `style.css` → `style.3f2a9c1d.css`: a name that changes with the content, so it can be cached
/// forever.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_and_drop_discards() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("public");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("old.html"), "old").unwrap();

        let failed = Staging::begin(&target).unwrap();
        failed.write("en/index.html", b"new").unwrap();
        drop(failed);
        assert!(
            target.join("old.html").exists(),
            "a dropped build keeps the old site"
        );
        assert_eq!(
            std::fs::read_dir(root.path()).unwrap().count(),
            1,
            "and leaves no staging folder"
        );

        let ok = Staging::begin(&target).unwrap();
        ok.write("/en/index.html", b"new").unwrap();
        ok.commit().unwrap();
        assert!(!target.join("old.html").exists());
        assert_eq!(
            std::fs::read_to_string(target.join("en/index.html")).unwrap(),
            "new"
        );
        assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 1);
    }

    #[test]
    fn memory_keeps_files_and_nowhere_keeps_nothing() {
        let memory = Staging::in_memory();
        memory.write("/en/index.html", b"hi").unwrap();
        memory
            .copy(Path::new("content/static/a.png"), "a.png")
            .unwrap();
        let Staged::Memory(site) = memory.commit().unwrap() else {
            panic!("memory staging commits to memory")
        };
        assert!(site.files["en/index.html"] == SiteFile::Bytes(b"hi".as_slice().into()));
        assert!(site.files["a.png"] == SiteFile::Source(PathBuf::from("content/static/a.png")));
        let nowhere = Staging::discard();
        nowhere.write("en/index.html", b"hi").unwrap();
        assert!(matches!(nowhere.commit().unwrap(), Staged::Discarded));
    }
}
