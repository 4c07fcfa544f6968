//! Moving spooled tickets into the store once it is back (the worker's schedule runs this).
//!
//! Each entry, oldest first, is put like a new ticket: the submission guard makes the move
//! happen exactly once, however often replay runs or wherever it stopped last time. A ticket
//! whose fallback email went out is stored `arrived_via: fallback`, so the worker sends no
//! second team email for it; one whose email failed is stored as if it came through the form,
//! so the team hears of it the usual way.

use std::time::SystemTime;

use crate::clock::rfc3339_ms;
use crate::spool::{Spool, SpoolError};
use crate::store::{PutOutcome, TicketStore};
use crate::ticket::ArrivedVia;

/// What one replay did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReplayReport {
    /// Entries stored now and removed from the spool.
    pub moved: usize,
    /// Entries whose submission was stored already (a late write, or an earlier replay that
    /// stopped before removing the entry): nothing written, entry removed.
    pub already_stored: usize,
    /// Entries kept in the spool, with why: (ticket id, reason). A store error ends the replay
    /// (it is reported here too); the next schedule tries again.
    pub failed: Vec<(String, String)>,
    /// Entries of tickets received after `settled_before`, left for the next run.
    pub waiting: usize,
}

/// Moves every spool entry into `store` (see the module docs). Spool errors end the replay with
/// an error, except an entry that is not a spooled ticket: that one is kept and reported.
///
/// Only tickets received before `settled_before` are moved: a younger entry may belong to a late
/// write whose stream record the worker has not judged yet, and removing the entry (the mark
/// that the team has the ticket by email) would make it send a second team email. The worker
/// passes now minus its settle time and a margin.
pub async fn replay_spool<S: TicketStore, P: Spool>(
    store: &S,
    spool: &P,
    settled_before: SystemTime,
) -> Result<ReplayReport, SpoolError> {
    let mut report = ReplayReport::default();
    let cutoff = rfc3339_ms(settled_before);
    for ticket_id in spool.list().await? {
        let entry = match spool.get(&ticket_id).await {
            Ok(Some(entry)) => entry,
            Ok(None) => continue, // removed since the listing (another replay, the worker)
            Err(error @ SpoolError::Corrupt { .. }) => {
                tracing::error!(ticket_id = %ticket_id, error = %error, "spool entry kept: unreadable");
                report.failed.push((ticket_id, error.to_string()));
                continue;
            }
            Err(error) => return Err(error),
        };
        if entry.ticket.received_at > cutoff {
            report.waiting += 1;
            continue;
        }
        let mut ticket = entry.ticket;
        ticket.arrived_via = entry.fallback_emailed.then_some(ArrivedVia::Fallback);
        match store.put(&ticket).await {
            Ok(PutOutcome::Stored) => {
                spool.remove(&ticket_id).await?;
                tracing::info!(ticket_id = %ticket_id, fallback_emailed = entry.fallback_emailed, "spooled ticket stored");
                report.moved += 1;
            }
            Ok(PutOutcome::Duplicate { ticket_id: stored }) => {
                spool.remove(&ticket_id).await?;
                tracing::info!(ticket_id = %ticket_id, stored_as = %stored, "spooled ticket was stored already");
                report.already_stored += 1;
            }
            Ok(PutOutcome::IdTaken) => {
                // Another submission has this id: the random part clashed. Changing the id would
                // break the number the sender and the team were told, so a person decides.
                tracing::error!(ticket_id = %ticket_id, "spool entry kept: another ticket has its id");
                let reason = "another ticket has this id".to_owned();
                report.failed.push((ticket_id, reason));
            }
            Err(error) => {
                tracing::warn!(ticket_id = %ticket_id, error = %error, "store still down: replay stops");
                report.failed.push((ticket_id, error.to_string()));
                break;
            }
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spool::{MemorySpool, SpoolEntry};
    use crate::store::MemoryStore;
    use crate::testing::ticket;
    use crate::ticket::Ticket;

    fn spooled(n: u32, fallback_emailed: bool) -> SpoolEntry {
        let at = format!("2026-01-01T00:00:0{n}.000Z");
        SpoolEntry {
            ticket: ticket(
                &format!("HC-00000000{n}-AAAA"),
                &format!("s{n}"),
                "billing",
                &at,
            ),
            fallback_emailed,
        }
    }

    async fn spool_with(entries: &[SpoolEntry]) -> MemorySpool {
        let spool = MemorySpool::new();
        for entry in entries {
            spool.put(entry).await.unwrap();
        }
        spool
    }

    async fn stored(store: &MemoryStore, id: &str) -> Ticket {
        store.get(id).await.unwrap().expect("stored")
    }

    #[tokio::test]
    async fn young_entries_wait_for_the_next_run() {
        let store = MemoryStore::new();
        let spool = spool_with(&[spooled(1, true), spooled(3, true)]).await;
        // Ticket 1 was received at 00:00:01, ticket 3 at 00:00:03: only the first has settled.
        let cutoff = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_767_225_602);
        assert_eq!(rfc3339_ms(cutoff), "2026-01-01T00:00:02.000Z");
        let report = replay_spool(&store, &spool, cutoff).await.unwrap();
        assert_eq!((report.moved, report.waiting), (1, 1));
        assert_eq!(spool.list().await.unwrap(), ["HC-000000003-AAAA"]);
        assert!(store.get("HC-000000003-AAAA").await.unwrap().is_none());
    }

    #[tokio::test]
    async fn moves_each_entry_once_marking_emailed_ones_as_fallback() {
        let store = MemoryStore::new();
        let spool = spool_with(&[spooled(1, true), spooled(2, false)]).await;
        let report = replay_spool(&store, &spool, SystemTime::now())
            .await
            .unwrap();
        assert_eq!(
            report,
            ReplayReport {
                moved: 2,
                ..Default::default()
            }
        );
        let emailed = stored(&store, "HC-000000001-AAAA").await;
        assert_eq!(emailed.arrived_via, Some(ArrivedVia::Fallback));
        assert_eq!(stored(&store, "HC-000000002-AAAA").await.arrived_via, None);
        assert!(spool.list().await.unwrap().is_empty());
        assert_eq!(
            replay_spool(&store, &spool, SystemTime::now())
                .await
                .unwrap(),
            ReplayReport::default()
        );
        assert_eq!(store.len(), 2);
    }

    #[tokio::test]
    async fn an_already_stored_submission_is_not_doubled() {
        let store = MemoryStore::new();
        let entry = spooled(1, true);
        let mut late = entry.ticket.clone();
        late.ticket_id = "HC-000000001-LATE".into(); // same submission, stored under another id
        store.put(&late).await.unwrap();
        let spool = spool_with(&[entry]).await;
        let report = replay_spool(&store, &spool, SystemTime::now())
            .await
            .unwrap();
        assert_eq!((report.moved, report.already_stored), (0, 1));
        assert_eq!(store.len(), 1);
        assert!(spool.list().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_taken_id_is_kept_and_the_rest_moves_on() {
        let store = MemoryStore::new();
        let mut other = spooled(1, false).ticket;
        other.submission_id = "someone-else".into();
        store.put(&other).await.unwrap();
        let spool = spool_with(&[spooled(1, true), spooled(2, true)]).await;
        let report = replay_spool(&store, &spool, SystemTime::now())
            .await
            .unwrap();
        assert_eq!(report.moved, 1);
        assert_eq!(report.failed.len(), 1);
        assert_eq!(report.failed[0].0, "HC-000000001-AAAA");
        assert_eq!(spool.list().await.unwrap(), ["HC-000000001-AAAA"]);
    }

    #[tokio::test]
    async fn a_store_error_stops_the_replay_and_keeps_the_entries() {
        let store = MemoryStore::new();
        store.set_failing(true);
        let spool = spool_with(&[spooled(1, true), spooled(2, true)]).await;
        let report = replay_spool(&store, &spool, SystemTime::now())
            .await
            .unwrap();
        assert_eq!(report.moved, 0);
        assert_eq!(report.failed.len(), 1, "stops at the first store error");
        assert_eq!(spool.list().await.unwrap().len(), 2);
        store.set_failing(false);
        assert_eq!(
            replay_spool(&store, &spool, SystemTime::now())
                .await
                .unwrap()
                .moved,
            2
        );
    }

    #[tokio::test]
    async fn an_unreadable_entry_is_kept_and_a_spool_outage_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let spool = crate::spool::FileSpool::open(dir.path()).unwrap();
        spool.put(&spooled(2, true)).await.unwrap();
        std::fs::write(dir.path().join("HC-000000001-AAAA.json"), "{").unwrap();
        let store = MemoryStore::new();
        let report = replay_spool(&store, &spool, SystemTime::now())
            .await
            .unwrap();
        assert_eq!(report.moved, 1);
        assert_eq!(report.failed[0].0, "HC-000000001-AAAA");
        let down = MemorySpool::new();
        down.set_failing(true);
        assert!(matches!(
            replay_spool(&store, &down, SystemTime::now()).await,
            Err(SpoolError::Unavailable(_))
        ));
    }
}
