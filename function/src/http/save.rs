//! Step 4: a valid ticket kept — its files moved in, then the store; when the store fails, the
//! fallback (`fallback.rs`: email, then spool). Pending uploads are removed once someone has the
//! ticket.

use super::attach::{self, Files};
use super::fallback::fall_back;
use super::handler::Deps;
use super::response::Saved;
use crate::clock::Clock;
use crate::mail::Mailer;
use crate::spool::Spool;
use crate::store::{PutOutcome, TicketStore};
use crate::ticket::{new_ticket_id, Attachment, Ticket};
use crate::uploads::Uploads;

/// Moves the files in, then stores; else the fallback (email, then spool). A retry of a
/// submission answered here gets its first answer (`recent.rs`). A fresh id is drawn
/// when the random part clashed (the files move again under it). Pending uploads are removed
/// once someone has the ticket.
pub(super) async fn save<S: TicketStore, M: Mailer, P: Spool, U: Uploads, C: Clock>(
    ticket: &mut Ticket,
    files: &Files,
    deps: &Deps<S, M, P, U, C>,
) -> Saved {
    if let Some(saved) = deps.recent.get(&ticket.submission_id) {
        tracing::info!(outcome = "retry", submission_id = %ticket.submission_id, "retry of a submission answered here: its first answer");
        return saved;
    }
    let mut orphans = Vec::new();
    let saved = match store(ticket, files, &mut orphans, deps).await {
        Some(saved) => saved,
        None => fall_back(ticket, deps).await,
    };
    deps.recent.remember(&ticket.submission_id, &saved);
    if saved != Saved::Lost {
        attach::clean_up(files, &orphans, deps).await;
    }
    saved
}

/// `None` when the store failed; copies made under an id that did not become the ticket's go
/// to `orphans`.
async fn store<S: TicketStore, M: Mailer, P: Spool, U: Uploads, C: Clock>(
    ticket: &mut Ticket,
    files: &Files,
    orphans: &mut Vec<Attachment>,
    deps: &Deps<S, M, P, U, C>,
) -> Option<Saved> {
    const ID_ATTEMPTS: usize = 3;
    for _ in 0..ID_ATTEMPTS {
        if !files.is_empty() {
            (ticket.attachments, ticket.attachments_failed) =
                attach::move_in(files, &ticket.ticket_id, deps).await;
        }
        match tokio::time::timeout(deps.config.store_timeout, deps.store.put(ticket)).await {
            Ok(Ok(PutOutcome::Stored)) => {
                tracing::info!(outcome = "stored", ticket_id = %ticket.ticket_id, queue = %ticket.queue, files = ticket.attachments.len(), "saved");
                return Some(Saved::Stored(ticket.ticket_id.clone()));
            }
            Ok(Ok(PutOutcome::Duplicate { ticket_id })) => {
                tracing::info!(outcome = "duplicate", ticket_id = %ticket_id, "retry of a stored submission");
                orphans.append(&mut ticket.attachments);
                return Some(Saved::Stored(ticket_id));
            }
            Ok(Ok(PutOutcome::IdTaken)) => {
                orphans.append(&mut ticket.attachments);
                ticket.ticket_id = new_ticket_id(deps.clock.now());
            }
            Ok(Err(error)) => {
                tracing::error!(error = %error, "store failed, falling back");
                break;
            }
            Err(_) => {
                tracing::error!(
                    timeout_ms = deps.config.store_timeout.as_millis() as u64,
                    "store timed out, falling back (its write may still land)"
                );
                break;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use bytes::Bytes;

    use crate::replay::replay_spool;
    use crate::spool::Spool;
    use crate::testing::{memory_deps, valid_json, MemoryDeps, SITE};
    use crate::{handle, TicketStore};

    async fn post(deps: &MemoryDeps) -> (u16, serde_json::Value) {
        let request = http::Request::post("/tickets")
            .header("content-type", "application/json")
            .header("origin", SITE)
            .body(Bytes::from(valid_json().to_string()))
            .unwrap();
        let response = handle(request, deps).await;
        let body = serde_json::from_slice(response.body()).unwrap();
        (response.status().as_u16(), body)
    }

    /// The load test's fault run: retries of submissions that fell back were emailed and spooled
    /// again under new numbers, and stored under yet another once the store was back.
    #[tokio::test]
    async fn a_retry_of_a_fallen_back_submission_gets_its_first_answer() {
        let deps = memory_deps(0);
        deps.store.set_failing(true);
        let (status, first) = post(&deps).await;
        assert_eq!((status, first["status"].as_str()), (202, Some("emailed")));
        assert_eq!(
            post(&deps).await,
            (202, first.clone()),
            "while the store is down"
        );
        deps.store.set_failing(false);
        assert_eq!(post(&deps).await, (202, first.clone()), "once it is back");
        assert_eq!(deps.mailer.sent().len(), 1, "one fallback email");
        assert_eq!(deps.spool.list().await.unwrap().len(), 1, "one spool entry");
        assert_eq!(deps.store.len(), 0, "the replay stores it");
        let later = SystemTime::now() + Duration::from_secs(3600);
        replay_spool(&deps.store, &deps.spool, later).await.unwrap();
        let id = first["ticket_id"].as_str().unwrap();
        assert!(
            deps.store.get(id).await.unwrap().is_some(),
            "under the number told"
        );
        assert_eq!(deps.store.len(), 1);
    }

    /// Stored just before the store went down: the retry is not emailed as a new ticket.
    #[tokio::test]
    async fn a_retry_of_a_stored_submission_is_not_emailed_while_the_store_is_down() {
        let deps = memory_deps(0);
        let (status, first) = post(&deps).await;
        assert_eq!((status, first["status"].as_str()), (201, Some("stored")));
        deps.store.set_failing(true);
        assert_eq!(post(&deps).await, (201, first));
        assert!(deps.mailer.sent().is_empty());
        assert!(deps.spool.list().await.unwrap().is_empty());
    }
}
