//! `helpdesk erase --email ADDRESS [--dry-run]`: a data-subject request. Everything kept about
//! one address goes: its tickets and their submission guards, their files (`tickets/<id>/…`
//! and what is left under `pending/<submission_id>/…`), spool entries, and with `--local`
//! serve's outbox emails of those tickets.
//!
//! The address is looked for in every ticket (a full pass over the table: see
//! function/README.md, "Support team", for why no index) and every spool entry, matched
//! without regard to case. The ticket records go last: an erasure that stops halfway (a
//! timeout, Ctrl-C) leaves the tickets that lead to what is left, so running it again finishes
//! it; once done, nothing leads anywhere and a rerun finds nothing.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use super::table::{table, Format};
use super::{each_ticket, Desk, DeskError};
use crate::spool::{Spool, SpoolError};
use crate::store::{DeskStore, TicketFilter};
use crate::ticket::Ticket;
use crate::uploads::{pending_prefix, Uploads, TICKETS_PREFIX};

/// What an erasure removed (or, in a dry run, would remove).
#[derive(Debug, Default, Serialize)]
pub struct Erasure {
    pub email: String,
    pub dry_run: bool,
    /// Ticket ids in the store.
    pub tickets: Vec<String>,
    /// The submission ids whose guards go with those tickets.
    pub submissions: Vec<String>,
    /// Ticket ids of spool entries.
    pub spool_entries: Vec<String>,
    /// Keys in the uploads bucket.
    pub files: Vec<String>,
    /// Emails in serve's outbox (`--local` only).
    pub emails: Vec<String>,
    /// Spool entries that do not read as tickets: whose they are is unknown, so a person looks.
    pub unreadable_spool_entries: Vec<String>,
}

/// Finds everything of `email`, then (unless `dry_run`) removes it.
pub async fn erase<S: DeskStore, P: Spool, U: Uploads>(
    desk: &Desk<S, P, U>,
    email: &str,
    dry_run: bool,
) -> Result<Erasure, DeskError> {
    let email = email.trim();
    let of_address = |t: &Ticket| {
        t.email
            .as_deref()
            .is_some_and(|e| e.eq_ignore_ascii_case(email))
    };
    let mut stored = Vec::new();
    each_ticket(&desk.store, &TicketFilter::default(), |t| {
        if of_address(&t) {
            stored.push(t);
        }
        Ok(())
    })
    .await?;
    let mut erasure = Erasure {
        email: email.to_owned(),
        dry_run,
        ..Erasure::default()
    };
    let spooled = spooled(&desk.spool, of_address, &mut erasure).await?;
    if stored.is_empty() && spooled.is_empty() {
        return Err(DeskError::UnknownEmail(email.to_owned()));
    }
    for ticket in stored.iter().chain(&spooled) {
        erasure.files.extend(files_of(&desk.uploads, ticket).await?);
        if let Some(outbox) = &desk.outbox {
            erasure
                .emails
                .extend(outbox_emails(outbox, &ticket.ticket_id)?);
        }
    }
    erasure.files.sort();
    erasure.files.dedup();
    erasure.emails.sort();
    erasure.emails.dedup();
    erasure.tickets = stored.iter().map(|t| t.ticket_id.clone()).collect();
    erasure.submissions = stored.iter().map(|t| t.submission_id.clone()).collect();
    erasure.spool_entries = spooled.iter().map(|t| t.ticket_id.clone()).collect();
    if !dry_run {
        remove(desk, &erasure, &stored).await?;
    }
    Ok(erasure)
}

/// The tickets of spool entries of the address; unreadable entries are noted in `erasure`.
async fn spooled<P: Spool>(
    spool: &P,
    of_address: impl Fn(&Ticket) -> bool,
    erasure: &mut Erasure,
) -> Result<Vec<Ticket>, DeskError> {
    let mut found = Vec::new();
    for id in spool.list().await? {
        match spool.get(&id).await {
            Ok(Some(entry)) if of_address(&entry.ticket) => found.push(entry.ticket),
            Ok(_) => {}
            Err(SpoolError::Corrupt { .. }) => erasure.unreadable_spool_entries.push(id),
            Err(error) => return Err(error.into()),
        }
    }
    Ok(found)
}

async fn files_of<U: Uploads>(uploads: &U, ticket: &Ticket) -> Result<Vec<String>, DeskError> {
    let mut keys = uploads
        .list(&format!("{TICKETS_PREFIX}{}/", ticket.ticket_id))
        .await?;
    keys.extend(uploads.list(&pending_prefix(&ticket.submission_id)).await?);
    Ok(keys)
}

/// serve's emails of a ticket: `<ticket_id>.team.eml`, `.ack.eml`, `.<submission>.eml`.
fn outbox_emails(outbox: &Path, ticket_id: &str) -> Result<Vec<String>, DeskError> {
    let io = |source| DeskError::File {
        path: outbox.to_owned(),
        source,
    };
    let entries = match std::fs::read_dir(outbox) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(e)),
    };
    let prefix = format!("{ticket_id}.");
    let mut names = Vec::new();
    for entry in entries {
        let name = entry
            .map_err(io)?
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.starts_with(&prefix) && name.ends_with(".eml") {
            names.push(name);
        }
    }
    Ok(names)
}

/// Files and emails first, then spool entries, the ticket records last (see the module docs).
async fn remove<S: DeskStore, P: Spool, U: Uploads>(
    desk: &Desk<S, P, U>,
    erasure: &Erasure,
    stored: &[Ticket],
) -> Result<(), DeskError> {
    for key in &erasure.files {
        desk.uploads.delete(key).await?;
    }
    if let Some(outbox) = &desk.outbox {
        for name in &erasure.emails {
            let path = outbox.join(name);
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(DeskError::File { path, source: e })
                }
                _ => {}
            }
        }
    }
    for id in &erasure.spool_entries {
        desk.spool.remove(id).await?;
    }
    desk.store.remove(stored).await?;
    Ok(())
}

pub fn write_erasure(
    erasure: &Erasure,
    format: Format,
    out: &mut impl Write,
) -> Result<(), DeskError> {
    if format == Format::Json {
        writeln!(out, "{}", serde_json::to_string_pretty(erasure)?)?;
        return Ok(());
    }
    let row = |what: &str, key: &String| vec![what.to_owned(), key.clone()];
    let rows: Vec<Vec<String>> = (erasure.tickets.iter().map(|k| row("ticket", k)))
        .chain(
            erasure
                .submissions
                .iter()
                .map(|k| row("submission guard", k)),
        )
        .chain(erasure.spool_entries.iter().map(|k| row("spool entry", k)))
        .chain(erasure.files.iter().map(|k| row("file", k)))
        .chain(erasure.emails.iter().map(|k| row("outbox email", k)))
        .collect();
    let done = match erasure.dry_run {
        true => "would remove (dry run, nothing removed)",
        false => "removed",
    };
    writeln!(out, "{} of {}: {} items", done, erasure.email, rows.len())?;
    write!(out, "{}", table(&["what", "key"], &rows))?;
    for id in &erasure.unreadable_spool_entries {
        writeln!(
            out,
            "kept: spool entry {id} does not read as a ticket; look at it by hand"
        )?;
    }
    Ok(())
}
