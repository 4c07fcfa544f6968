//! The ticket worker: a batch of the tickets table's stream records → each new ticket notified
//! ([`crate::notify`]). A record that fails is reported in the batch response
//! (`ReportBatchItemFailures`): Lambda retries from it, and the notify protocol makes the retry
//! send only what did not go out. The conversion from the Lambda event lives in `stream.rs` (feature `stream`).

mod settings;
#[cfg(feature = "stream")]
pub mod stream;

use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use settings::{WorkerSettings, WorkerSettingsError, WORKER_VARIABLES};

use crate::clock::Clock;
use crate::mail::Mailer;
use crate::notify::{Notifier, NotifyConfig};
use crate::replay::{replay_spool, ReplayReport};
use crate::spool::{Spool, SpoolError};
use crate::store::NoticeStore;
use crate::ticket::Ticket;
use crate::uploads::Uploads;

/// One stream record, as the worker needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamRecord {
    /// The record's sequence number: its identifier in the batch response.
    pub sequence_number: String,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A new ticket item (`INSERT` of a `pk` starting `HC-`).
    NewTicket(Box<Ticket>),
    /// Anything else: submission guards, acknowledgement counters, `MODIFY`, `REMOVE`.
    Ignored,
    /// A new ticket item that does not read as a ticket (why): failed, so it ends in the
    /// dead-letter queue for a person to look at rather than vanish.
    Unreadable(String),
}

/// The Lambda's answer: `{"batchItemFailures":[{"itemIdentifier":"<sequence number>"}]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchResponse {
    pub batch_item_failures: Vec<BatchItemFailure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchItemFailure {
    pub item_identifier: String,
}

/// What the worker runs with.
pub struct WorkerDeps<S, M, P, U, C> {
    pub store: S,
    pub mailer: M,
    pub spool: P,
    /// The tickets' files (`UPLOADS_BUCKET`), for the team email.
    pub uploads: U,
    pub clock: C,
    pub config: NotifyConfig,
}

/// How much older than the settle time a spool entry must be before the schedule moves it: the
/// stream may still be delivering (or retrying) the record of a late write whose entry it is.
pub const REPLAY_MARGIN: Duration = Duration::from_secs(60);

impl<S: NoticeStore, M: Mailer, P: Spool, U: Uploads, C: Clock> WorkerDeps<S, M, P, U, C> {
    /// The schedule's job: the settled spool entries into the table ([`replay_spool`]).
    pub async fn replay(&self) -> Result<ReplayReport, SpoolError> {
        let settled_before = self.clock.now() - (self.config.spool_settle + REPLAY_MARGIN);
        replay_spool(&self.store, &self.spool, settled_before).await
    }

    pub fn notifier(&self) -> Notifier<'_, S, M, P, U, C> {
        Notifier {
            store: &self.store,
            mailer: &self.mailer,
            spool: &self.spool,
            uploads: &self.uploads,
            clock: &self.clock,
            config: &self.config,
        }
    }
}

/// Notifies the new tickets of `records` in order. Every record is tried, even after a failure
/// (Lambda retries from the first failed one, and those after it repeat harmlessly).
pub async fn handle_records<S: NoticeStore, M: Mailer, P: Spool, U: Uploads, C: Clock>(
    records: &[StreamRecord],
    deps: &WorkerDeps<S, M, P, U, C>,
) -> BatchResponse {
    let notifier = deps.notifier();
    let mut failures = Vec::new();
    for record in records {
        let sequence = record.sequence_number.as_str();
        let ok = match &record.change {
            Change::Ignored => true,
            Change::Unreadable(why) => {
                tracing::error!(sequence, why, "a new ticket item that is not a ticket");
                false
            }
            Change::NewTicket(ticket) => match notifier.notify(ticket).await {
                Ok(done) => {
                    let (team, ack) = (format!("{:?}", done.team), format!("{:?}", done.ack));
                    tracing::info!(ticket_id = %ticket.ticket_id, team, ack, "notified");
                    true
                }
                Err(error) => {
                    tracing::warn!(ticket_id = %ticket.ticket_id, %error, "not notified yet: retried");
                    false
                }
            },
        };
        if !ok {
            failures.push(BatchItemFailure {
                item_identifier: sequence.to_owned(),
            });
        }
    }
    BatchResponse {
        batch_item_failures: failures,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{memory_worker, ticket};
    use crate::TicketStore;

    #[tokio::test]
    async fn the_schedule_replays_entries_once_they_have_settled() {
        let deps = memory_worker();
        let received = crate::clock::rfc3339_ms(deps.clock.now());
        let entry = crate::SpoolEntry {
            ticket: ticket("HC-000000001-AAAA", "s1", "billing", &received),
            fallback_emailed: true,
        };
        deps.spool.put(&entry).await.unwrap();
        assert_eq!(deps.replay().await.unwrap().waiting, 1, "too young");
        deps.clock.advance(REPLAY_MARGIN + Duration::from_millis(1));
        assert_eq!(deps.replay().await.unwrap().moved, 1);
        assert!(deps.spool.list().await.unwrap().is_empty());
        assert!(deps.store.get("HC-000000001-AAAA").await.unwrap().is_some());
    }

    #[tokio::test]
    async fn failed_records_are_reported_by_sequence_number() {
        let deps = memory_worker();
        let stored = ticket(
            "HC-000000001-AAAA",
            "s1",
            "billing",
            "2025-01-02T03:04:05.000Z",
        );
        deps.store.put(&stored).await.unwrap();
        let unknown = ticket(
            "HC-000000002-AAAA",
            "s2",
            "billing",
            "2025-01-02T03:04:05.000Z",
        );
        let record = |n: &str, change| StreamRecord {
            sequence_number: n.into(),
            change,
        };
        let records = [
            record("1", Change::NewTicket(Box::new(stored))),
            record("2", Change::Ignored),
            record("3", Change::Unreadable("no subject".into())),
            record("4", Change::NewTicket(Box::new(unknown))),
        ];
        let response = handle_records(&records, &deps).await;
        let json = serde_json::to_value(&response).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"batchItemFailures": [{"itemIdentifier": "3"}]})
        );
        assert_eq!(
            deps.mailer.sent().len(),
            2,
            "a ticket not in the store is claimed by no one"
        );
    }
}
