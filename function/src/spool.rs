//! The fallback spool: a ticket the store could not take, kept until the worker moves it into
//! the table. Its entry is also the mark that the fallback email went out, so a late write of
//! the same ticket is recognised as arrived by fallback (no second team email). The HTTP
//! handler and the worker only know the [`Spool`] trait: S3 under `spool/` (feature `aws`,
//! `aws/s3.rs`), a folder (`helpcenter serve`) and memory (tests) implement it.

use std::collections::BTreeMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::ticket::Ticket;

/// The key prefix of spool entries in the uploads bucket: `spool/<ticket_id>.json`.
pub const SPOOL_PREFIX: &str = "spool/";

/// One spooled ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpoolEntry {
    pub ticket: Ticket,
    /// Whether the fallback email to the team went out (or may have: a timeout counts as sent,
    /// since SES may deliver after the function gave up). When false, moving the ticket into
    /// the table must still get the team its email.
    pub fallback_emailed: bool,
}

impl SpoolEntry {
    /// The entry's key: `spool/<ticket_id>.json`.
    pub fn key(ticket_id: &str) -> String {
        format!("{SPOOL_PREFIX}{ticket_id}.json")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SpoolError {
    /// The spool could not be reached or refused (timeouts, 5xx…).
    #[error("spool unavailable: {0}")]
    Unavailable(String),
    #[error("spool entry {key} is not a spooled ticket: {message}")]
    Corrupt { key: String, message: String },
    #[error("spool file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Where tickets wait while the store is down. Futures are `Send` like the store's.
pub trait Spool: Send + Sync + 'static {
    /// Writes (or overwrites) the entry of `entry.ticket.ticket_id`.
    fn put(&self, entry: &SpoolEntry) -> impl Future<Output = Result<(), SpoolError>> + Send;

    fn get(
        &self,
        ticket_id: &str,
    ) -> impl Future<Output = Result<Option<SpoolEntry>, SpoolError>> + Send;

    /// The ticket ids of every entry, oldest first (ticket ids sort in time order).
    fn list(&self) -> impl Future<Output = Result<Vec<String>, SpoolError>> + Send;

    /// Removes an entry; removing one that is not there is fine.
    fn remove(&self, ticket_id: &str) -> impl Future<Output = Result<(), SpoolError>> + Send;
}

/// A spool in memory, for tests; `set_failing(true)` makes it act like S3 being down.
#[derive(Debug, Default)]
pub struct MemorySpool {
    entries: Mutex<BTreeMap<String, SpoolEntry>>,
    failing: AtomicBool,
}

impl MemorySpool {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set_failing(&self, failing: bool) {
        self.failing.store(failing, Ordering::Relaxed);
    }

    fn entries(
        &self,
    ) -> Result<std::sync::MutexGuard<'_, BTreeMap<String, SpoolEntry>>, SpoolError> {
        if self.failing.load(Ordering::Relaxed) {
            return Err(SpoolError::Unavailable("memory spool set to fail".into()));
        }
        Ok(self.entries.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Spool for MemorySpool {
    async fn put(&self, entry: &SpoolEntry) -> Result<(), SpoolError> {
        let id = entry.ticket.ticket_id.clone();
        self.entries()?.insert(id, entry.clone());
        Ok(())
    }

    async fn get(&self, ticket_id: &str) -> Result<Option<SpoolEntry>, SpoolError> {
        Ok(self.entries()?.get(ticket_id).cloned())
    }

    async fn list(&self) -> Result<Vec<String>, SpoolError> {
        Ok(self.entries()?.keys().cloned().collect())
    }

    async fn remove(&self, ticket_id: &str) -> Result<(), SpoolError> {
        self.entries()?.remove(ticket_id);
        Ok(())
    }
}

/// A spool folder (`helpcenter serve`'s `.helpcenter/spool/`): one JSON file per entry, written
/// to a temporary name and renamed, so a reader never sees half an entry.
#[derive(Debug)]
pub struct FileSpool {
    dir: PathBuf,
}

impl FileSpool {
    pub fn open(dir: impl AsRef<Path>) -> Result<Self, SpoolError> {
        let dir = dir.as_ref().to_path_buf();
        std::fs::create_dir_all(&dir).map_err(|source| SpoolError::Io {
            path: dir.clone(),
            source,
        })?;
        Ok(FileSpool { dir })
    }

    fn path(&self, ticket_id: &str) -> PathBuf {
        self.dir.join(format!("{ticket_id}.json"))
    }

    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SpoolError + '_ {
        move |source| SpoolError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

impl Spool for FileSpool {
    async fn put(&self, entry: &SpoolEntry) -> Result<(), SpoolError> {
        let path = self.path(&entry.ticket.ticket_id);
        let partial = path.with_extension("json.partial");
        let json = serde_json::to_vec_pretty(entry).expect("an entry is plain data");
        std::fs::write(&partial, json).map_err(Self::io(&partial))?;
        std::fs::rename(&partial, &path).map_err(Self::io(&path))
    }

    async fn get(&self, ticket_id: &str) -> Result<Option<SpoolEntry>, SpoolError> {
        let path = self.path(ticket_id);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Self::io(&path)(e)),
        };
        let corrupt = |e: serde_json::Error| SpoolError::Corrupt {
            key: path.display().to_string(),
            message: e.to_string(),
        };
        serde_json::from_slice(&bytes).map(Some).map_err(corrupt)
    }

    async fn list(&self) -> Result<Vec<String>, SpoolError> {
        let entries = std::fs::read_dir(&self.dir).map_err(Self::io(&self.dir))?;
        let mut ids: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                e.file_name()
                    .to_str()?
                    .strip_suffix(".json")
                    .map(str::to_owned)
            })
            .collect();
        ids.sort();
        Ok(ids)
    }

    async fn remove(&self, ticket_id: &str) -> Result<(), SpoolError> {
        let path = self.path(ticket_id);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Self::io(&path)(e)),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::ticket;

    async fn round_trip(spool: &impl Spool) {
        let entry = SpoolEntry {
            ticket: ticket(
                "HC-000000002-AAAA",
                "s2",
                "billing",
                "2026-01-01T00:00:02.000Z",
            ),
            fallback_emailed: true,
        };
        let older = SpoolEntry {
            ticket: ticket(
                "HC-000000001-AAAA",
                "s1",
                "billing",
                "2026-01-01T00:00:01.000Z",
            ),
            fallback_emailed: false,
        };
        spool.put(&entry).await.unwrap();
        spool.put(&older).await.unwrap();
        assert_eq!(spool.get("HC-000000002-AAAA").await.unwrap(), Some(entry));
        assert_eq!(
            spool.list().await.unwrap(),
            ["HC-000000001-AAAA", "HC-000000002-AAAA"]
        );
        spool.remove("HC-000000001-AAAA").await.unwrap();
        spool.remove("HC-000000001-AAAA").await.unwrap();
        assert_eq!(spool.get("HC-000000001-AAAA").await.unwrap(), None);
        assert_eq!(spool.list().await.unwrap(), ["HC-000000002-AAAA"]);
    }

    #[tokio::test]
    async fn memory_and_file_spools_keep_entries_by_ticket() {
        round_trip(&MemorySpool::new()).await;
        let dir = tempfile::tempdir().unwrap();
        round_trip(&FileSpool::open(dir.path()).unwrap()).await;
        assert!(
            std::fs::read_dir(dir.path()).unwrap().count() == 1,
            "no partial files left"
        );
    }

    #[tokio::test]
    async fn a_failing_memory_spool_says_so() {
        let spool = MemorySpool::new();
        spool.set_failing(true);
        assert!(matches!(
            spool.list().await,
            Err(SpoolError::Unavailable(_))
        ));
    }

    #[test]
    fn keys_live_under_the_prefix() {
        assert_eq!(SpoolEntry::key("HC-1"), "spool/HC-1.json");
    }
}
