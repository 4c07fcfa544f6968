//! Step 3b: the submission's files. [`check`] judges every file before anything is stored —
//! uploads by their key (it must be this submission's, exist, have an allowed size, and start
//! with the bytes of an allowed type), a multipart post's files by their bytes; [`move_in`] puts
//! them under `tickets/<ticket_id>/` with their sniffed type, just before the ticket is written
//! (so the worker and the fallback email find them); [`clean_up`] removes the pending uploads
//! once the ticket is safe (the bucket's lifecycle would after a day).
//!
//! A bucket that cannot be reached never costs the ticket: the files it could not check or take
//! are listed in `attachments_failed`, the team is told, and so is the person.

use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use futures_util::future::join_all;

use super::code::Code;
use super::handler::Deps;
use super::parse::RawFields;
use crate::clock::Clock;
use crate::contract::{Attachments, FileType};
use crate::mail::Mailer;
use crate::spool::Spool;
use crate::store::TicketStore;
use crate::ticket::Attachment;
use crate::uploads::{check_file, new_upload_id, safe_name, ticket_key, PendingKey, Uploads};

/// A file that passed the checks.
#[derive(Debug, Clone)]
pub(super) struct Checked {
    source: Source,
    upload_id: String,
    name: String,
    size: u64,
    file_type: FileType,
}

#[derive(Debug, Clone)]
enum Source {
    /// Uploaded by the page under this key.
    Pending(String),
    /// Posted in the form itself.
    Posted(Bytes),
}

/// The files of a submission, checked.
#[derive(Debug, Clone, Default)]
pub(super) struct Files {
    checked: Vec<Checked>,
    /// Names of files the bucket could not be asked about.
    failed: Vec<String>,
}

impl Files {
    /// Nothing to move in, nothing to report.
    pub(super) fn is_empty(&self) -> bool {
        self.checked.is_empty() && self.failed.is_empty()
    }
}

/// A file refused, for the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Refused {
    /// The upload's key as sent (none for a posted file).
    pub(super) key: Option<String>,
    pub(super) name: String,
    pub(super) code: Code,
}

/// Every file of `raw`, or every problem with them (the first one decides the field's code).
pub(super) async fn check<S: TicketStore, M: Mailer, P: Spool, U: Uploads, C: Clock>(
    raw: &RawFields,
    submission_id: &str,
    deps: &Deps<S, M, P, U, C>,
) -> Result<Files, Vec<Refused>> {
    let rules = &deps.config.contract.attachments;
    let mut keys: Vec<&str> = Vec::new();
    for key in &raw.upload_keys {
        if !keys.contains(&key.as_str()) {
            keys.push(key);
        }
    }
    let count = keys.len() + raw.files.len();
    if count > rules.max_files as usize {
        let refused = Refused {
            key: None,
            name: String::new(),
            code: Code::TooManyFiles,
        };
        return Err(vec![refused]);
    }
    let mut results = posted(raw, rules);
    let timeout = deps.config.uploads_timeout * 2;
    let uploads = join_all(
        keys.iter()
            .map(|key| uploaded(key, submission_id, rules, timeout, deps)),
    );
    results.extend(uploads.await);
    let mut files = Files::default();
    let mut refused = Vec::new();
    for result in results {
        match result {
            Judged::Ok(checked) => files.checked.push(checked),
            Judged::Unreachable(name) => files.failed.push(name),
            Judged::Refused(problem) => refused.push(problem),
        }
    }
    if refused.is_empty() {
        Ok(files)
    } else {
        Err(refused)
    }
}

enum Judged {
    Ok(Checked),
    Unreachable(String),
    Refused(Refused),
}

/// The files of a multipart post, judged by their bytes.
fn posted(raw: &RawFields, rules: &Attachments) -> Vec<Judged> {
    raw.files
        .iter()
        .map(|file| {
            let refuse = |code| {
                Judged::Refused(Refused {
                    key: None,
                    name: file.name.clone(),
                    code,
                })
            };
            let name = match safe_name(&file.name) {
                Ok(name) => name,
                Err(code) => return refuse(code),
            };
            match check_file(rules, file.bytes.len() as u64, &file.bytes) {
                Ok(file_type) => Judged::Ok(Checked {
                    source: Source::Posted(file.bytes.clone()),
                    upload_id: new_upload_id(),
                    name,
                    size: file.bytes.len() as u64,
                    file_type,
                }),
                Err(code) => refuse(code),
            }
        })
        .collect()
}

/// One upload, judged by what the bucket holds under its key.
async fn uploaded<S, M, P, U: Uploads, C>(
    key: &str,
    submission_id: &str,
    rules: &Attachments,
    timeout: Duration,
    deps: &Deps<S, M, P, U, C>,
) -> Judged {
    let refuse = |name: &str, code| {
        Judged::Refused(Refused {
            key: Some(key.to_owned()),
            name: name.to_owned(),
            code,
        })
    };
    // Another submission's key, a ticket's, a made-up path: as good as missing.
    let Some(pending) = PendingKey::parse(key, submission_id) else {
        let name = key.rsplit('/').next().unwrap_or_default();
        return refuse(name, Code::UploadMissing);
    };
    let peek = match within(timeout, deps.uploads.peek(key)).await {
        Ok(Some(peek)) => peek,
        Ok(None) => return refuse(&pending.name, Code::UploadMissing),
        Err(error) => {
            tracing::error!(%error, "uploads bucket unavailable: file not checked");
            return Judged::Unreachable(pending.name);
        }
    };
    match check_file(rules, peek.size, &peek.head) {
        Ok(file_type) => Judged::Ok(Checked {
            source: Source::Pending(pending.key),
            upload_id: pending.upload_id,
            name: pending.name,
            size: peek.size,
            file_type,
        }),
        Err(code) => refuse(&pending.name, code),
    }
}

/// Puts the files under `tickets/<ticket_id>/`: the ticket's attachments, and the names of the
/// files (with those the checks could not reach) that did not make it.
pub(super) async fn move_in<S, M, P, U: Uploads, C>(
    files: &Files,
    ticket_id: &str,
    deps: &Deps<S, M, P, U, C>,
) -> (Vec<Attachment>, Vec<String>) {
    let timeout = deps.config.uploads_timeout;
    let moves = files.checked.iter().map(|file| async move {
        let key = ticket_key(ticket_id, &file.upload_id, &file.name);
        let mime = file.file_type.mime();
        let done = match &file.source {
            Source::Pending(from) => {
                within(timeout, deps.uploads.copy(from, &key, mime, &file.name)).await
            }
            Source::Posted(bytes) => {
                within(
                    timeout,
                    deps.uploads.put(&key, bytes.clone(), mime, &file.name),
                )
                .await
            }
        };
        match done {
            Ok(()) => Ok(Attachment {
                key,
                name: file.name.clone(),
                size: file.size,
                content_type: mime.to_owned(),
            }),
            Err(error) => {
                tracing::error!(%error, ticket_id, "uploads bucket unavailable: file not kept");
                Err(file.name.clone())
            }
        }
    });
    let mut attachments = Vec::new();
    let mut failed = files.failed.clone();
    for result in join_all(moves).await {
        match result {
            Ok(attachment) => attachments.push(attachment),
            Err(name) => failed.push(name),
        }
    }
    (attachments, failed)
}

/// Removes the pending uploads, and `orphans` (copies made for a ticket that turned out to be a
/// duplicate). Best effort: what stays, the bucket's lifecycle removes.
pub(super) async fn clean_up<S, M, P, U: Uploads, C>(
    files: &Files,
    orphans: &[Attachment],
    deps: &Deps<S, M, P, U, C>,
) {
    let pending = files.checked.iter().filter_map(|file| match &file.source {
        Source::Pending(key) => Some(key.as_str()),
        Source::Posted(_) => None,
    });
    let keys: Vec<&str> = pending
        .chain(orphans.iter().map(|a| a.key.as_str()))
        .collect();
    let timeout = deps.config.uploads_timeout;
    let removals = keys
        .iter()
        .map(|key| within(timeout, deps.uploads.delete(key)));
    for result in join_all(removals).await {
        if let Err(error) = result {
            tracing::warn!(%error, "pending upload not removed (the lifecycle will)");
        }
    }
}

/// `future` within `timeout`; an error or the timeout as text for the logs.
async fn within<T, E: std::fmt::Display>(
    timeout: Duration,
    future: impl Future<Output = Result<T, E>>,
) -> Result<T, String> {
    match tokio::time::timeout(timeout, future).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(error.to_string()),
        Err(_) => Err(format!("no answer within {} ms", timeout.as_millis())),
    }
}
