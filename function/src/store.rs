//! Step 4a: keeping tickets. The handler only knows the [`TicketStore`] trait; DynamoDB (feature
//! `aws`), memory (tests, benches) and JSON-lines files (`helpcenter serve`) implement it.

use std::collections::{BTreeMap, HashMap};
use std::fs::{File, OpenOptions};
use std::future::Future;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::SystemTime;

use crate::ticket::{ArrivedVia, Ticket};

/// The tickets table's partition key: the DynamoDB store writes it, the stream's records carry it.
pub const PARTITION_KEY: &str = "pk";

mod desk;
mod feedback;
mod notices;
pub use desk::{Claims, DeskStore, Page, StatusChange, TicketFilter};
use feedback::Tally;
pub use feedback::{Counters, Feedback, FeedbackFilter, FeedbackStore, SearchCount, VoteCount};
use notices::Notices;

/// What a conditional put did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PutOutcome {
    /// The ticket is stored.
    Stored,
    /// This `submission_id` was stored before (a retry): nothing written, here is its ticket.
    Duplicate { ticket_id: String },
    /// Another ticket already has this id (a clash of the random part): make a new id and put again.
    IdTaken,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store could not be reached or refused the write (timeouts, throttling, 5xx…).
    #[error("ticket store unavailable: {0}")]
    Unavailable(String),
    #[error("ticket store file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("ticket store file {path}, line {line}: {message}")]
    Corrupt {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

/// A place to keep tickets. Futures are `Send` so a multi-threaded server can hold them. It
/// keeps visitors' feedback counters too: the same table (or folder) holds both.
pub trait TicketStore: FeedbackStore {
    /// Stores `ticket` unless its `submission_id` was stored before (idempotent retries) or its id
    /// is taken.
    fn put(&self, ticket: &Ticket) -> impl Future<Output = Result<PutOutcome, StoreError>> + Send;

    fn get(
        &self,
        ticket_id: &str,
    ) -> impl Future<Output = Result<Option<Ticket>, StoreError>> + Send;

    /// The id of the ticket a submission became, while the store remembers the submission (a
    /// retry whose uploads were already moved in asks this).
    fn ticket_of_submission(
        &self,
        submission_id: &str,
    ) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;

    /// Up to `limit` tickets of `queue`, oldest first (support answers in order of arrival).
    fn list_queue(
        &self,
        queue: &str,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Ticket>, StoreError>> + Send;
}

/// One email the worker sends per ticket, claimed in the ticket's item before sending (see
/// [`NoticeStore`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Notice {
    /// The team email to the queue's address.
    Team,
    /// The acknowledgement to the submitter.
    Ack,
}

impl Notice {
    /// The ticket item's attribute holding the claim (RFC 3339 time of the claim).
    pub fn attribute(self) -> &'static str {
        match self {
            Notice::Team => "team_notified_at",
            Notice::Ack => "ack_notified_at",
        }
    }
}

/// What the ticket worker needs from a store besides tickets: conditional claims that make each
/// email go out once, the hourly acknowledgement counters, and the fallback mark.
pub trait NoticeStore: TicketStore {
    /// Claims `notice` of a stored ticket by recording `at`, unless it was claimed before.
    /// `true`: this call claimed it (send now); `false`: claimed already, or no such ticket.
    fn claim_notice(
        &self,
        ticket_id: &str,
        notice: Notice,
        at: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Withdraws the claim made at `at` (its send failed) so that a retry sends; a claim made by
    /// someone else stays.
    fn release_notice(
        &self,
        ticket_id: &str,
        notice: Notice,
        at: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Counts one acknowledgement under `counter` unless it reached `limit`; `false` when over
    /// the limit. The counter may be forgotten after `expires_at`.
    fn count_ack(
        &self,
        counter: &str,
        limit: u32,
        expires_at: SystemTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Marks a stored ticket as arrived by `via`; a missing ticket is left alone.
    fn set_arrived_via(
        &self,
        ticket_id: &str,
        via: ArrivedVia,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// The in-memory index both local stores keep.
#[derive(Debug, Default)]
struct Index {
    tickets: BTreeMap<String, Ticket>,
    by_submission: HashMap<String, String>,
}

impl Index {
    fn outcome_for(&self, ticket: &Ticket) -> Option<PutOutcome> {
        if let Some(existing) = self.by_submission.get(&ticket.submission_id) {
            return Some(PutOutcome::Duplicate {
                ticket_id: existing.clone(),
            });
        }
        self.tickets
            .contains_key(&ticket.ticket_id)
            .then_some(PutOutcome::IdTaken)
    }

    fn insert(&mut self, ticket: Ticket) {
        self.by_submission
            .insert(ticket.submission_id.clone(), ticket.ticket_id.clone());
        self.tickets.insert(ticket.ticket_id.clone(), ticket);
    }

    fn list_queue(&self, queue: &str, limit: usize) -> Vec<Ticket> {
        let mut found: Vec<&Ticket> = self.tickets.values().filter(|t| t.queue == queue).collect();
        found.sort_by(|a, b| (&a.received_at, &a.ticket_id).cmp(&(&b.received_at, &b.ticket_id)));
        found.into_iter().take(limit).cloned().collect()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere while holding the lock leaves consistent data (every change is one insert).
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Tickets in memory, for tests and benches. `set_failing(true)` makes it act like a store that
/// is down, to exercise the email fallback.
#[derive(Debug, Default)]
pub struct MemoryStore {
    index: Mutex<Index>,
    notices: Mutex<Notices>,
    feedback: Mutex<Tally>,
    failing: AtomicBool,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set_failing(&self, failing: bool) {
        self.failing.store(failing, Ordering::Relaxed);
    }

    pub fn len(&self) -> usize {
        lock(&self.index).tickets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn check_up(&self) -> Result<(), StoreError> {
        match self.failing.load(Ordering::Relaxed) {
            true => Err(StoreError::Unavailable("memory store set to fail".into())),
            false => Ok(()),
        }
    }
}

impl TicketStore for MemoryStore {
    async fn put(&self, ticket: &Ticket) -> Result<PutOutcome, StoreError> {
        self.check_up()?;
        let mut index = lock(&self.index);
        if let Some(outcome) = index.outcome_for(ticket) {
            return Ok(outcome);
        }
        index.insert(ticket.clone());
        Ok(PutOutcome::Stored)
    }

    async fn get(&self, ticket_id: &str) -> Result<Option<Ticket>, StoreError> {
        self.check_up()?;
        Ok(lock(&self.index).tickets.get(ticket_id).cloned())
    }

    async fn ticket_of_submission(
        &self,
        submission_id: &str,
    ) -> Result<Option<String>, StoreError> {
        self.check_up()?;
        Ok(lock(&self.index).by_submission.get(submission_id).cloned())
    }

    async fn list_queue(&self, queue: &str, limit: usize) -> Result<Vec<Ticket>, StoreError> {
        self.check_up()?;
        Ok(lock(&self.index).list_queue(queue, limit))
    }
}

/// Tickets as JSON lines in `<dir>/tickets.jsonl`, for `helpcenter serve`: readable with any text
/// tool, appended to (never rewritten), and indexed in memory at open. One process per directory.
///
/// Writes are small blocking appends made under the lock; that is fine for one person testing
/// the form on a laptop, which is all this store is for. A changed ticket (its `arrived_via`) is
/// appended again: the last line of a ticket id wins. Notice claims stay in memory; feedback
/// counters are in `<dir>/feedback.json`.
#[derive(Debug)]
pub struct FileStore {
    path: PathBuf,
    state: Mutex<(Index, File)>,
    notices: Mutex<Notices>,
    feedback: Mutex<Tally>,
}

impl FileStore {
    pub const FILE_NAME: &'static str = "tickets.jsonl";
    /// Visitors' feedback counters, next to the tickets.
    pub const FEEDBACK_FILE: &'static str = "feedback.json";

    /// Opens (creating if needed) the store in `dir` and reads the tickets already there.
    pub fn open(dir: impl AsRef<Path>) -> Result<Self, StoreError> {
        let dir = dir.as_ref();
        let path = dir.join(Self::FILE_NAME);
        let io = |source| StoreError::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(&path)
            .map_err(io)?;
        let index = read_index(&path, &file)?;
        let tally = Tally::load(&feedback::feedback_path(&path))?;
        Ok(FileStore {
            path,
            state: Mutex::new((index, file)),
            notices: Mutex::default(),
            feedback: Mutex::new(tally),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `ticket` as one line, then indexes it.
    fn append(&self, (index, file): &mut (Index, File), ticket: &Ticket) -> Result<(), StoreError> {
        let mut line = serde_json::to_string(ticket)
            .map_err(|e| StoreError::Unavailable(format!("cannot serialise ticket: {e}")))?;
        line.push('\n');
        file.write_all(line.as_bytes())
            .and_then(|()| file.flush())
            .map_err(|source| StoreError::Io {
                path: self.path.clone(),
                source,
            })?;
        index.insert(ticket.clone());
        Ok(())
    }
}

fn read_index(path: &Path, mut file: &File) -> Result<Index, StoreError> {
    let io = |source| StoreError::Io {
        path: path.to_owned(),
        source,
    };
    let mut text = String::new();
    std::io::Read::read_to_string(&mut file, &mut text).map_err(io)?;
    let mut index = Index::default();
    let lines: Vec<&str> = text.lines().collect();
    for (n, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Ticket>(line) {
            Ok(ticket) => index.insert(ticket),
            // A torn last line (the process died mid-write) is skipped; anything else is damage.
            Err(_) if n + 1 == lines.len() && !text.ends_with('\n') => {}
            Err(e) => {
                return Err(StoreError::Corrupt {
                    path: path.to_owned(),
                    line: n + 1,
                    message: e.to_string(),
                })
            }
        }
    }
    // Cut a torn last line off, so the next append starts on a fresh line.
    if !text.ends_with('\n') {
        let keep = text.rfind('\n').map_or(0, |i| i + 1);
        file.set_len(keep as u64).map_err(io)?;
    }
    Ok(index)
}

impl TicketStore for FileStore {
    async fn put(&self, ticket: &Ticket) -> Result<PutOutcome, StoreError> {
        let mut state = lock(&self.state);
        if let Some(outcome) = state.0.outcome_for(ticket) {
            return Ok(outcome);
        }
        self.append(&mut state, ticket)?;
        Ok(PutOutcome::Stored)
    }

    async fn get(&self, ticket_id: &str) -> Result<Option<Ticket>, StoreError> {
        Ok(lock(&self.state).0.tickets.get(ticket_id).cloned())
    }

    async fn ticket_of_submission(
        &self,
        submission_id: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(lock(&self.state)
            .0
            .by_submission
            .get(submission_id)
            .cloned())
    }

    async fn list_queue(&self, queue: &str, limit: usize) -> Result<Vec<Ticket>, StoreError> {
        Ok(lock(&self.state).0.list_queue(queue, limit))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::testing::ticket;

    pub(crate) fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    async fn behaves_like_a_store(store: &impl TicketStore) {
        let a = ticket(
            "HC-000000002-AAAA",
            "sub-a-0001",
            "billing",
            "2025-01-02T00:00:02.000Z",
        );
        let b = ticket(
            "HC-000000001-BBBB",
            "sub-b-0001",
            "billing",
            "2025-01-02T00:00:01.000Z",
        );
        let c = ticket(
            "HC-000000003-CCCC",
            "sub-c-0001",
            "other",
            "2025-01-02T00:00:03.000Z",
        );
        for t in [&a, &b, &c] {
            assert_eq!(store.put(t).await.unwrap(), PutOutcome::Stored);
        }
        let mut retry = a.clone();
        retry.ticket_id = "HC-000000009-ZZZZ".into();
        assert_eq!(
            store.put(&retry).await.unwrap(),
            PutOutcome::Duplicate {
                ticket_id: a.ticket_id.clone()
            }
        );
        let mut clash = c.clone();
        clash.submission_id = "sub-d-0001".into();
        assert_eq!(store.put(&clash).await.unwrap(), PutOutcome::IdTaken);
        assert_eq!(store.get(&a.ticket_id).await.unwrap(), Some(a.clone()));
        assert_eq!(store.get("HC-NOPE").await.unwrap(), None);
        let queue = store.list_queue("billing", 10).await.unwrap();
        assert_eq!(queue, vec![b.clone(), a.clone()]);
        assert_eq!(store.list_queue("billing", 1).await.unwrap(), vec![b]);
    }

    #[test]
    fn memory_store() {
        let store = MemoryStore::new();
        block_on(behaves_like_a_store(&store));
        store.set_failing(true);
        assert!(matches!(
            block_on(store.put(&ticket("x", "y", "z", "t"))),
            Err(StoreError::Unavailable(_))
        ));
    }

    #[test]
    fn file_store_survives_a_restart_and_a_torn_line() {
        let dir = tempfile::tempdir().unwrap();
        block_on(behaves_like_a_store(&FileStore::open(dir.path()).unwrap()));
        let path = dir.path().join(FileStore::FILE_NAME);
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"{\"ticket_id\":\"HC-torn").unwrap();
        drop(file);
        let reopened = FileStore::open(dir.path()).unwrap();
        assert_eq!(
            block_on(reopened.list_queue("billing", 10)).unwrap().len(),
            2
        );
        let again = ticket("HC-000000001-BBBB", "sub-b-0001", "billing", "t");
        assert!(matches!(
            block_on(reopened.put(&again)).unwrap(),
            PutOutcome::Duplicate { .. }
        ));
        let new = ticket(
            "HC-000000004-DDDD",
            "sub-e-0001",
            "billing",
            "2025-01-02T00:00:04.000Z",
        );
        assert_eq!(block_on(reopened.put(&new)).unwrap(), PutOutcome::Stored);
        drop(reopened);
        let third = FileStore::open(dir.path()).unwrap();
        assert_eq!(block_on(third.list_queue("billing", 10)).unwrap().len(), 3);
    }

    #[test]
    fn file_store_reports_damage_with_the_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FileStore::FILE_NAME), "not json\n{}\n").unwrap();
        let err = FileStore::open(dir.path()).unwrap_err().to_string();
        assert!(err.contains("line 1"), "{err}");
    }
}
