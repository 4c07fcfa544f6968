//! [`NoticeStore`] for the local stores ([`MemoryStore`], [`FileStore`]): notice claims and
//! acknowledgement counters are kept in memory, as `helpcenter serve` notifies each ticket once, right after
//! storing it, and tests run in one process.
//!
//! [`MemoryStore`]: super::MemoryStore
//! [`FileStore`]: super::FileStore

use std::collections::HashMap;
use std::time::SystemTime;

use super::{lock, FileStore, MemoryStore, Notice, NoticeStore, StoreError};
use crate::ticket::ArrivedVia;

#[derive(Debug, Default)]
pub(super) struct Notices {
    claims: HashMap<(String, Notice), String>,
    counters: HashMap<String, u32>,
}

impl Notices {
    /// Records `at` unless the notice is claimed already; `true` when this call claimed it.
    pub(super) fn claim(&mut self, ticket_id: &str, notice: Notice, at: &str) -> bool {
        let key = (ticket_id.to_owned(), notice);
        if self.claims.contains_key(&key) {
            return false;
        }
        self.claims.insert(key, at.to_owned());
        true
    }

    /// Withdraws the claim only if it is still the one made at `at`.
    pub(super) fn release(&mut self, ticket_id: &str, notice: Notice, at: &str) {
        let key = (ticket_id.to_owned(), notice);
        if self.claims.get(&key).is_some_and(|held| held == at) {
            self.claims.remove(&key);
        }
    }

    /// When `notice` was claimed, if it was.
    pub(super) fn held(&self, ticket_id: &str, notice: Notice) -> Option<String> {
        self.claims.get(&(ticket_id.to_owned(), notice)).cloned()
    }

    /// Forgets a claim whoever made it (its ticket was erased).
    pub(super) fn drop_claim(&mut self, ticket_id: &str, notice: Notice) {
        self.claims.remove(&(ticket_id.to_owned(), notice));
    }

    /// Counts one under `counter` unless it reached `limit`.
    pub(super) fn count(&mut self, counter: &str, limit: u32) -> bool {
        let count = self.counters.entry(counter.to_owned()).or_default();
        if *count >= limit {
            return false;
        }
        *count += 1;
        true
    }
}

impl NoticeStore for MemoryStore {
    async fn claim_notice(&self, id: &str, notice: Notice, at: &str) -> Result<bool, StoreError> {
        self.check_up()?;
        let known = lock(&self.index).tickets.contains_key(id);
        Ok(known && lock(&self.notices).claim(id, notice, at))
    }

    async fn release_notice(&self, id: &str, notice: Notice, at: &str) -> Result<(), StoreError> {
        self.check_up()?;
        lock(&self.notices).release(id, notice, at);
        Ok(())
    }

    async fn count_ack(
        &self,
        counter: &str,
        limit: u32,
        _: SystemTime,
    ) -> Result<bool, StoreError> {
        self.check_up()?;
        Ok(lock(&self.notices).count(counter, limit))
    }

    async fn set_arrived_via(&self, ticket_id: &str, via: ArrivedVia) -> Result<(), StoreError> {
        self.check_up()?;
        if let Some(ticket) = lock(&self.index).tickets.get_mut(ticket_id) {
            ticket.arrived_via = Some(via);
        }
        Ok(())
    }
}

impl NoticeStore for FileStore {
    async fn claim_notice(&self, id: &str, notice: Notice, at: &str) -> Result<bool, StoreError> {
        let known = lock(&self.state).0.tickets.contains_key(id);
        Ok(known && lock(&self.notices).claim(id, notice, at))
    }

    async fn release_notice(&self, id: &str, notice: Notice, at: &str) -> Result<(), StoreError> {
        lock(&self.notices).release(id, notice, at);
        Ok(())
    }

    async fn count_ack(
        &self,
        counter: &str,
        limit: u32,
        _: SystemTime,
    ) -> Result<bool, StoreError> {
        Ok(lock(&self.notices).count(counter, limit))
    }

    async fn set_arrived_via(&self, ticket_id: &str, via: ArrivedVia) -> Result<(), StoreError> {
        let mut state = lock(&self.state);
        let Some(mut ticket) = state.0.tickets.get(ticket_id).cloned() else {
            return Ok(());
        };
        if ticket.arrived_via == Some(via) {
            return Ok(());
        }
        ticket.arrived_via = Some(via);
        self.append(&mut state, &ticket)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::block_on;
    use crate::store::TicketStore;
    use crate::testing::ticket;

    async fn keeps_notices(store: &impl NoticeStore) {
        let t = ticket(
            "HC-000000005-EEEE",
            "sub-n-0001",
            "billing",
            "2025-01-02T00:00:05.000Z",
        );
        store.put(&t).await.unwrap();
        let id = t.ticket_id.as_str();
        assert!(!store
            .claim_notice("HC-NOPE", Notice::Team, "t1")
            .await
            .unwrap());
        assert!(store.claim_notice(id, Notice::Team, "t1").await.unwrap());
        assert!(!store.claim_notice(id, Notice::Team, "t2").await.unwrap());
        assert!(store.claim_notice(id, Notice::Ack, "t1").await.unwrap());
        store.release_notice(id, Notice::Team, "t2").await.unwrap();
        assert!(
            !store.claim_notice(id, Notice::Team, "t3").await.unwrap(),
            "not ours"
        );
        store.release_notice(id, Notice::Team, "t1").await.unwrap();
        assert!(store.claim_notice(id, Notice::Team, "t3").await.unwrap());
        let later = SystemTime::UNIX_EPOCH;
        let counted = [
            store.count_ack("ack#a#h", 2, later).await.unwrap(),
            store.count_ack("ack#a#h", 2, later).await.unwrap(),
            store.count_ack("ack#a#h", 2, later).await.unwrap(),
            store.count_ack("ack#b#h", 2, later).await.unwrap(),
        ];
        assert_eq!(counted, [true, true, false, true]);
        store
            .set_arrived_via(id, ArrivedVia::Fallback)
            .await
            .unwrap();
        store
            .set_arrived_via("HC-NOPE", ArrivedVia::Fallback)
            .await
            .unwrap();
        let stored = store.get(id).await.unwrap().unwrap();
        assert_eq!(stored.arrived_via, Some(ArrivedVia::Fallback));
    }

    #[test]
    fn local_stores_keep_notices_and_the_fallback_mark() {
        block_on(keeps_notices(&MemoryStore::new()));
        let dir = tempfile::tempdir().unwrap();
        block_on(keeps_notices(&FileStore::open(dir.path()).unwrap()));
        let reopened = FileStore::open(dir.path()).unwrap();
        let ticket = block_on(reopened.get("HC-000000005-EEEE"))
            .unwrap()
            .unwrap();
        assert_eq!(
            ticket.arrived_via,
            Some(ArrivedVia::Fallback),
            "the last line wins"
        );
        assert_eq!(
            block_on(reopened.list_queue("billing", 10)).unwrap().len(),
            1
        );
    }
}
