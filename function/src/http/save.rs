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

/// Moves the files in, then stores; else the fallback (email, then spool). A fresh id is drawn
/// when the random part clashed (the files move again under it). Pending uploads are removed
/// once someone has the ticket.
pub(super) async fn save<S: TicketStore, M: Mailer, P: Spool, U: Uploads, C: Clock>(
    ticket: &mut Ticket,
    files: &Files,
    deps: &Deps<S, M, P, U, C>,
) -> Saved {
    let mut orphans = Vec::new();
    let saved = match store(ticket, files, &mut orphans, deps).await {
        Some(saved) => saved,
        None => fall_back(ticket, deps).await,
    };
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
