//! The notice claims and acknowledgement counters of the local stores ([`MemoryStore`],
//! [`FileStore`]): kept in memory, as `helpcenter serve` notifies each ticket once, right after
//! storing it, and tests run in one process.
//!
//! [`MemoryStore`]: super::MemoryStore
//! [`FileStore`]: super::FileStore

use std::collections::HashMap;

use super::Notice;

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
