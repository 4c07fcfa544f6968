//! What the support team's command line (`helpdesk`) needs of a store besides the handler's and
//! the worker's operations: status changes, tickets page by page, the worker's claims, and
//! erasure. [`MemoryStore`] and [`FileStore`] implement it here, `DynamoStore` in
//! `aws/dynamodb/desk.rs`.

use std::future::Future;
use std::io::Write;

use serde::Serialize;

use super::{lock, FileStore, Index, MemoryStore, Notice, StoreError, TicketStore};
use crate::ticket::Ticket;

/// What a status change did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusChange {
    /// The ticket had status `from` and has the new one now.
    Changed { from: String },
    /// The ticket had that status already: nothing written.
    Unchanged,
    /// No ticket has this id.
    NotFound,
}

/// Which tickets a [`DeskStore::page`] holds; `None` fields match every ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketFilter {
    pub queue: Option<String>,
    pub status: Option<String>,
    /// Tickets received at or after this RFC 3339 UTC time (timestamps sort as text).
    pub since: Option<String>,
}

impl TicketFilter {
    pub fn matches(&self, ticket: &Ticket) -> bool {
        let is =
            |wanted: &Option<String>, value: &str| wanted.as_deref().is_none_or(|w| w == value);
        is(&self.queue, &ticket.queue)
            && is(&self.status, &ticket.status)
            && self
                .since
                .as_deref()
                .is_none_or(|since| ticket.received_at.as_str() >= since)
    }
}

/// Some tickets, and where the next page starts (`None`: this was the last).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub tickets: Vec<Ticket>,
    /// Opaque to the caller: hand it back to [`DeskStore::page`] with the same filter.
    pub next: Option<String>,
}

/// The worker's claims on a ticket's emails (see [`crate::NoticeStore`]): when each was sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Claims {
    pub team_notified_at: Option<String>,
    pub ack_notified_at: Option<String>,
}

/// The support team's operations on a store.
pub trait DeskStore: TicketStore {
    /// Sets the ticket's status, conditionally: only a ticket that exists and has another status
    /// is written.
    fn set_status(
        &self,
        ticket_id: &str,
        status: &str,
    ) -> impl Future<Output = Result<StatusChange, StoreError>> + Send;

    /// At most `limit` tickets matching `filter` after `cursor` (a [`Page::next`]). With a queue,
    /// oldest first from the queue index; without, every ticket in the store's own order
    /// (DynamoDB: a Scan). A page may hold fewer than `limit` although more follow: go on while
    /// `next` is set.
    fn page(
        &self,
        filter: &TicketFilter,
        cursor: Option<&str>,
        limit: usize,
    ) -> impl Future<Output = Result<Page, StoreError>> + Send;

    /// The worker's claims on the ticket's emails (none for an unknown ticket).
    fn claims(&self, ticket_id: &str) -> impl Future<Output = Result<Claims, StoreError>> + Send;

    /// Removes the tickets, their submission guards and claims for good; missing ones are fine.
    fn remove(&self, tickets: &[Ticket]) -> impl Future<Output = Result<(), StoreError>> + Send;
}

impl Index {
    /// A page in (received at, ticket id) order; the cursor is the last ticket's pair.
    fn page(&self, filter: &TicketFilter, cursor: Option<&str>, limit: usize) -> Page {
        let after = cursor.and_then(|c| c.split_once(' '));
        let mut found: Vec<&Ticket> = self
            .tickets
            .values()
            .filter(|t| filter.matches(t))
            .filter(|t| after.is_none_or(|a| (t.received_at.as_str(), t.ticket_id.as_str()) > a))
            .collect();
        let order = |a: &&Ticket, b: &&Ticket| {
            (&a.received_at, &a.ticket_id).cmp(&(&b.received_at, &b.ticket_id))
        };
        let more = found.len() > limit;
        if more {
            // The page's tickets only are sorted: an export pages through the whole store.
            found.select_nth_unstable_by(limit, order);
            found.truncate(limit);
        }
        found.sort_by(order);
        let tickets: Vec<Ticket> = found.into_iter().take(limit).cloned().collect();
        let next = match (more, tickets.last()) {
            (true, Some(last)) => Some(format!("{} {}", last.received_at, last.ticket_id)),
            _ => None,
        };
        Page { tickets, next }
    }

    fn set_status(&mut self, ticket_id: &str, status: &str) -> (StatusChange, Option<Ticket>) {
        let Some(ticket) = self.tickets.get_mut(ticket_id) else {
            return (StatusChange::NotFound, None);
        };
        if ticket.status == status {
            return (StatusChange::Unchanged, None);
        }
        let from = std::mem::replace(&mut ticket.status, status.to_owned());
        (StatusChange::Changed { from }, Some(ticket.clone()))
    }

    fn remove(&mut self, tickets: &[Ticket]) {
        for ticket in tickets {
            self.tickets.remove(&ticket.ticket_id);
            self.by_submission.remove(&ticket.submission_id);
        }
    }
}

impl DeskStore for MemoryStore {
    async fn set_status(&self, ticket_id: &str, status: &str) -> Result<StatusChange, StoreError> {
        self.check_up()?;
        Ok(lock(&self.index).set_status(ticket_id, status).0)
    }

    async fn page(
        &self,
        filter: &TicketFilter,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page, StoreError> {
        self.check_up()?;
        Ok(lock(&self.index).page(filter, cursor, limit))
    }

    async fn claims(&self, ticket_id: &str) -> Result<Claims, StoreError> {
        self.check_up()?;
        Ok(lock(&self.notices).claims_of(ticket_id))
    }

    async fn remove(&self, tickets: &[Ticket]) -> Result<(), StoreError> {
        self.check_up()?;
        lock(&self.index).remove(tickets);
        lock(&self.notices).forget(tickets);
        Ok(())
    }
}

impl DeskStore for FileStore {
    /// A changed ticket is appended (the last line of an id wins).
    async fn set_status(&self, ticket_id: &str, status: &str) -> Result<StatusChange, StoreError> {
        let mut state = lock(&self.state);
        let (change, changed) = state.0.set_status(ticket_id, status);
        if let Some(ticket) = changed {
            self.append(&mut state, &ticket)?;
        }
        Ok(change)
    }

    async fn page(
        &self,
        filter: &TicketFilter,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page, StoreError> {
        Ok(lock(&self.state).0.page(filter, cursor, limit))
    }

    /// Claims are kept in memory (see `notices.rs`): only this process's.
    async fn claims(&self, ticket_id: &str) -> Result<Claims, StoreError> {
        Ok(lock(&self.notices).claims_of(ticket_id))
    }

    /// Erasure must not leave the old lines behind (the file is append-only otherwise): the
    /// remaining tickets are written to a new file, synced, and renamed over the old one, so
    /// the file is either all old or all new whenever the process stops.
    async fn remove(&self, tickets: &[Ticket]) -> Result<(), StoreError> {
        let mut state = lock(&self.state);
        state.0.remove(tickets);
        let io = |source| StoreError::Io {
            path: self.path.clone(),
            source,
        };
        let partial = self.path.with_extension("jsonl.partial");
        let mut file = std::io::BufWriter::new(std::fs::File::create(&partial).map_err(io)?);
        for ticket in state.0.tickets.values() {
            serde_json::to_writer(&mut file, ticket)
                .map_err(|e| StoreError::Unavailable(format!("cannot serialise ticket: {e}")))?;
            file.write_all(b"\n").map_err(io)?;
        }
        let file = file.into_inner().map_err(|e| io(e.into_error()))?;
        file.sync_all().map_err(io)?;
        std::fs::rename(&partial, &self.path).map_err(io)?;
        state.1 = std::fs::OpenOptions::new()
            .append(true)
            .open(&self.path)
            .map_err(io)?;
        lock(&self.notices).forget(tickets);
        Ok(())
    }
}

impl super::notices::Notices {
    fn claims_of(&self, ticket_id: &str) -> Claims {
        Claims {
            team_notified_at: self.held(ticket_id, Notice::Team),
            ack_notified_at: self.held(ticket_id, Notice::Ack),
        }
    }

    fn forget(&mut self, tickets: &[Ticket]) {
        for ticket in tickets {
            for notice in [Notice::Team, Notice::Ack] {
                self.drop_claim(&ticket.ticket_id, notice);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::block_on;
    use crate::store::NoticeStore;
    use crate::testing::ticket;

    fn three() -> Vec<Ticket> {
        let mut closed = ticket(
            "HC-000000003-CCCC",
            "s3",
            "billing",
            "2025-01-03T00:00:00.000Z",
        );
        closed.status = "closed".into();
        vec![
            ticket(
                "HC-000000002-BBBB",
                "s2",
                "billing",
                "2025-01-02T00:00:00.000Z",
            ),
            ticket(
                "HC-000000001-AAAA",
                "s1",
                "other",
                "2025-01-01T00:00:00.000Z",
            ),
            closed,
        ]
    }

    async fn works_the_desk(store: &(impl DeskStore + NoticeStore)) {
        for t in three() {
            store.put(&t).await.unwrap();
        }
        let all = TicketFilter::default();
        let first = store.page(&all, None, 2).await.unwrap();
        let ids: Vec<&str> = first.tickets.iter().map(|t| t.ticket_id.as_str()).collect();
        assert_eq!(ids, ["HC-000000001-AAAA", "HC-000000002-BBBB"]);
        let rest = store.page(&all, first.next.as_deref(), 2).await.unwrap();
        assert_eq!((rest.tickets.len(), rest.next), (1, None));
        let open_billing = TicketFilter {
            queue: Some("billing".into()),
            status: Some("open".into()),
            since: Some("2025-01-02T00:00:00.000Z".into()),
        };
        let page = store.page(&open_billing, None, 10).await.unwrap();
        assert_eq!(page.tickets.len(), 1);
        let id = "HC-000000002-BBBB";
        let changed = store.set_status(id, "closed").await.unwrap();
        assert_eq!(
            changed,
            StatusChange::Changed {
                from: "open".into()
            }
        );
        assert_eq!(
            store.set_status(id, "closed").await.unwrap(),
            StatusChange::Unchanged
        );
        assert_eq!(
            store.set_status("HC-NOPE", "closed").await.unwrap(),
            StatusChange::NotFound
        );
        assert!(store.claim_notice(id, Notice::Team, "t1").await.unwrap());
        assert_eq!(
            store.claims(id).await.unwrap().team_notified_at.as_deref(),
            Some("t1")
        );
        let gone = store.get(id).await.unwrap().unwrap();
        store.remove(&[gone.clone(), gone]).await.unwrap();
        assert_eq!(store.get(id).await.unwrap(), None);
        assert_eq!(store.ticket_of_submission("s2").await.unwrap(), None);
        assert_eq!(store.claims(id).await.unwrap(), Claims::default());
    }

    #[test]
    fn memory_store_works_the_desk() {
        block_on(works_the_desk(&MemoryStore::new()));
    }

    #[test]
    fn file_store_works_the_desk_and_erases_for_good() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::open(dir.path()).unwrap();
        block_on(works_the_desk(&store));
        let later = ticket(
            "HC-000000004-DDDD",
            "s4",
            "billing",
            "2025-01-04T00:00:00.000Z",
        );
        block_on(store.put(&later)).unwrap();
        drop(store);
        let text = std::fs::read_to_string(dir.path().join(FileStore::FILE_NAME)).unwrap();
        assert!(
            !text.contains("HC-000000002-BBBB"),
            "no line of an erased ticket is left"
        );
        assert_eq!(text.lines().count(), 3, "appends go to the new file");
        let reopened = FileStore::open(dir.path()).unwrap();
        let closed = block_on(reopened.get("HC-000000003-CCCC"))
            .unwrap()
            .unwrap();
        assert_eq!(closed.status, "closed");
        assert!(block_on(reopened.get("HC-000000004-DDDD"))
            .unwrap()
            .is_some());
    }
}
