//! Watching `content/` and `site/` for `serve`: file system events, debounced, reduced to the files
//! whose content really changed. An editor saving an unchanged file, a swap or backup file, a
//! `touch`, or the build reading the files triggers no rebuild.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::event::{AccessKind, AccessMode};
use notify_debouncer_full::notify::{self, EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("cannot watch {path}: {source}")]
    Watch {
        path: PathBuf,
        source: notify::Error,
    },
}

/// The files of one batch of events whose content differs from the batch before.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    pub added: BTreeSet<PathBuf>,
    pub modified: BTreeSet<PathBuf>,
    pub removed: BTreeSet<PathBuf>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.modified.is_empty() && self.removed.is_empty()
    }

    /// Every changed path, for messages.
    pub fn paths(&self) -> impl Iterator<Item = &PathBuf> {
        self.added.iter().chain(&self.modified).chain(&self.removed)
    }
}

type Fingerprint = [u8; 32];

pub struct Watch {
    // Dropping the debouncer stops watching.
    _debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    events: mpsc::Receiver<DebounceEventResult>,
    roots: Vec<Root>,
    /// Every file under the roots, named as the roots were given.
    known: HashMap<PathBuf, Fingerprint>,
}

/// A watched folder as given (paths in [`Changes`] start with it) and the absolute forms that
/// events may use.
struct Root {
    given: PathBuf,
    absolute: Vec<PathBuf>,
}

impl Root {
    fn new(given: &Path) -> Root {
        let absolute = [std::path::absolute(given).ok(), given.canonicalize().ok()]
            .into_iter()
            .flatten()
            .collect();
        Root {
            given: given.to_path_buf(),
            absolute,
        }
    }

    /// `path` of an event, named from the given root; `None` when it is not under this root.
    fn name(&self, path: &Path) -> Option<PathBuf> {
        let rel = self
            .absolute
            .iter()
            .find_map(|a| path.strip_prefix(a).ok())
            .or_else(|| path.strip_prefix(&self.given).ok())?;
        Some(self.given.join(rel))
    }
}

impl Watch {
    /// Starts watching `roots` recursively; events closer together than `debounce` make one batch.
    /// Call it before the first build, so that no edit made during that build is missed.
    pub fn start(roots: &[PathBuf], debounce: Duration) -> Result<Watch, WatchError> {
        let (sender, events) = mpsc::channel();
        let error = |path: &Path| {
            let path = path.to_path_buf();
            move |source| WatchError::Watch { path, source }
        };
        let mut debouncer = new_debouncer(debounce, None, sender).map_err(error(Path::new(".")))?;
        for root in roots {
            debouncer
                .watch(root, RecursiveMode::Recursive)
                .map_err(error(root))?;
        }
        let known = roots.iter().flat_map(|root| scan(root, root)).collect();
        Ok(Watch {
            _debouncer: debouncer,
            events,
            roots: roots.iter().map(|r| Root::new(r)).collect(),
            known,
        })
    }

    /// Waits up to `timeout` for files to change; `None` when none did (or watching stopped).
    pub fn next_change(&mut self, timeout: Duration) -> Option<Changes> {
        let deadline = Instant::now() + timeout;
        loop {
            let batch = self
                .events
                .recv_timeout(deadline.checked_duration_since(Instant::now())?)
                .ok()?;
            let changes = match batch {
                Ok(events) => {
                    let paths: BTreeSet<PathBuf> = events
                        .into_iter()
                        .filter(|e| !is_read(&e.kind))
                        .flat_map(|e| e.event.paths)
                        .collect();
                    self.refresh(&paths)
                }
                // Lost events (e.g. the kernel's queue overflowed): look at everything again.
                Err(_) => {
                    let roots: Vec<PathBuf> = self
                        .roots
                        .iter()
                        .flat_map(|r| r.absolute.first().cloned())
                        .collect();
                    self.refresh(&roots)
                }
            };
            if !changes.is_empty() {
                return Some(changes);
            }
        }
    }

    /// Compares what is under `paths` now with what was there; a path may be a file or a folder
    /// (renamed folders come as one event).
    fn refresh<'p>(&mut self, paths: impl IntoIterator<Item = &'p PathBuf>) -> Changes {
        let mut changes = Changes::default();
        for event_path in paths {
            let Some((root, path)) = self
                .roots
                .iter()
                .find_map(|r| Some((&r.given, r.name(event_path)?)))
            else {
                continue;
            };
            if is_ignored(path.strip_prefix(root).unwrap_or(&path)) {
                continue;
            }
            let before: Vec<PathBuf> = self
                .known
                .keys()
                .filter(|k| k.starts_with(&path))
                .cloned()
                .collect();
            let now = scan(root, &path);
            for gone in before.iter().filter(|k| !now.contains_key(*k)) {
                self.known.remove(gone);
                changes.removed.insert(gone.clone());
            }
            for (file, fingerprint) in now {
                match self.known.insert(file.clone(), fingerprint) {
                    None => changes.added.insert(file),
                    Some(old) if old != fingerprint => changes.modified.insert(file),
                    Some(_) => false,
                };
            }
        }
        changes
    }
}

/// Opening or reading a file changes nothing.
fn is_read(kind: &EventKind) -> bool {
    matches!(kind, EventKind::Access(access) if *access != AccessKind::Close(AccessMode::Write))
}

/// Hidden files and folders (`.git`, `.x.md.swp`), backups (`x.md~`), Emacs' `#x.md#` and Vim's
/// `4913` probe are not content.
fn is_ignored(rel: &Path) -> bool {
    rel.iter()
        .filter_map(|c| c.to_str())
        .any(|c| c.starts_with('.') || c.starts_with('#') || c.ends_with('~') || c == "4913")
}

/// The files under `path` (a file or a folder inside `root`) with their fingerprints.
fn scan(root: &Path, path: &Path) -> HashMap<PathBuf, Fingerprint> {
    walkdir::WalkDir::new(path)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_type().is_file() && !is_ignored(e.path().strip_prefix(root).unwrap_or(e.path()))
        })
        .filter_map(|e| {
            let bytes = std::fs::read(e.path()).ok()?;
            Some((e.into_path(), Sha256::digest(&bytes).into()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_editor_droppings_and_hidden_files() {
        for ignored in [
            "en/.a.md.swp",
            "en/a.md~",
            "en/#a.md#",
            "en/4913",
            ".git/index",
            "en/.DS_Store",
        ] {
            assert!(is_ignored(Path::new(ignored)), "{ignored}");
        }
        assert!(!is_ignored(Path::new("en/users/account/a.md")));
    }
}
