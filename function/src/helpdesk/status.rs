//! `helpdesk close ID` / `helpdesk reopen ID`: conditional status changes.

use std::io::Write;

use super::table::Format;
use super::DeskError;
use crate::store::{DeskStore, StatusChange};
use crate::ticket::normalise_ticket_id;

/// The id as people read it out (lower case, spaces, `O` for `0`…), or why it is none.
pub fn ticket_id(input: &str) -> Result<String, DeskError> {
    normalise_ticket_id(input).ok_or_else(|| DeskError::NotATicketId(input.to_owned()))
}

/// Sets the ticket's status; an unknown id is an error.
pub async fn set_status<S: DeskStore>(
    store: &S,
    id: &str,
    status: &str,
) -> Result<(String, StatusChange), DeskError> {
    let id = ticket_id(id)?;
    match store.set_status(&id, status).await? {
        StatusChange::NotFound => Err(DeskError::UnknownTicket(id)),
        change => Ok((id, change)),
    }
}

pub fn write_status(
    (id, change): &(String, StatusChange),
    status: &str,
    format: Format,
    out: &mut impl Write,
) -> Result<(), DeskError> {
    let from = match change {
        StatusChange::Changed { from } => Some(from.as_str()),
        _ => None,
    };
    match format {
        Format::Json => {
            let json = serde_json::json!({"ticket_id": id, "status": status, "changed": from.is_some(), "from": from});
            writeln!(out, "{json}")?;
        }
        Format::Table => match from {
            Some(from) => writeln!(out, "{id}: {from} → {status}")?,
            None => writeln!(out, "{id} is {status} already")?,
        },
    }
    Ok(())
}
