//! `helpdesk queue QUEUE [--status open|closed|all] [--limit N]`: a queue's tickets, oldest
//! first, from the queue index (never a full-table scan).

use std::io::Write;

use super::table::{table, Format};
use super::{DeskError, PAGE};
use crate::store::{DeskStore, TicketFilter};
use crate::ticket::Ticket;

/// Up to `limit` tickets of `queue` with `status` (`None`: any), oldest first. A queue that
/// never had a ticket is most likely a typo: an error, not an empty list.
pub async fn queue<S: DeskStore>(
    store: &S,
    queue: &str,
    status: Option<&str>,
    limit: usize,
) -> Result<Vec<Ticket>, DeskError> {
    let filter = TicketFilter {
        queue: Some(queue.to_owned()),
        status: status.map(str::to_owned),
        since: None,
    };
    let mut tickets = Vec::new();
    let mut cursor = None;
    while tickets.len() < limit {
        let page = store.page(&filter, cursor.as_deref(), PAGE).await?;
        tickets.extend(page.tickets);
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    tickets.truncate(limit);
    if tickets.is_empty() && !ever_used(store, queue).await? {
        return Err(DeskError::UnknownQueue(queue.to_owned()));
    }
    Ok(tickets)
}

async fn ever_used<S: DeskStore>(store: &S, queue: &str) -> Result<bool, DeskError> {
    let any = TicketFilter {
        queue: Some(queue.to_owned()),
        ..TicketFilter::default()
    };
    Ok(!store.page(&any, None, 1).await?.tickets.is_empty())
}

/// One line per ticket, or the tickets as a JSON array.
pub fn write_queue(
    tickets: &[Ticket],
    format: Format,
    out: &mut impl Write,
) -> Result<(), DeskError> {
    if format == Format::Json {
        writeln!(out, "{}", serde_json::to_string_pretty(tickets)?)?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = tickets
        .iter()
        .map(|t| {
            vec![
                t.ticket_id.clone(),
                t.received_at.clone(),
                t.status.clone(),
                t.language.clone(),
                category(t),
                t.email.clone().unwrap_or_default(),
                t.subject.clone(),
            ]
        })
        .collect();
    let headers = [
        "ticket", "received", "status", "lang", "category", "email", "subject",
    ];
    write!(out, "{}", table(&headers, &rows))?;
    Ok(())
}

/// `category › subcategory`, as the team email shows it.
pub(super) fn category(ticket: &Ticket) -> String {
    match &ticket.subcategory {
        Some(sub) => format!("{} › {sub}", ticket.category),
        None => ticket.category.clone(),
    }
}
