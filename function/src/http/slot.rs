//! `POST …/uploads` (the ticket endpoint's sibling): a slot for one file of a submission, asked
//! by the page's script before it sends the ticket. The request names the file, its size and its
//! claimed type; the answer is a presigned `PUT` under `pending/<submission_id>/` whose length
//! and type are signed. What is claimed here is checked again on submit against the stored
//! bytes: a slot only refuses early what is plainly wrong.

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use serde::Deserialize;
use serde_json::json;

use super::code::Code;
use super::handler::Deps;
use super::response::{json_response, rate_limited_json};
use super::validate::is_submission_id;
use crate::clock::Clock;
use crate::contract::{field, FileType};
use crate::mail::Mailer;
use crate::spool::Spool;
use crate::store::TicketStore;
use crate::uploads::{check_size, pending_prefix, safe_name, PendingKey, Uploads, SLOT_EXPIRY};

/// A slot request is a few short fields.
const MAX_SLOT_BODY: usize = 4096;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SlotRequest {
    submission_id: String,
    name: String,
    size: u64,
    #[serde(rename = "type")]
    content_type: String,
}

/// Answers one slot request (the handler has routed it here).
pub(super) async fn slot<S: TicketStore, M: Mailer, P: Spool, U: Uploads, C: Clock>(
    request: &Request<Bytes>,
    deps: &Deps<S, M, P, U, C>,
) -> Response<Bytes> {
    let config = &deps.config;
    let rules = &config.contract.attachments;
    if !rules.enabled() {
        return json_response(StatusCode::NOT_FOUND, json!({"error": "attachments_off"}));
    }
    let client = deps.client_of(request);
    if let Err(wait) = deps.slot_limiter.check(&client, deps.clock.now()) {
        return rate_limited_json(wait);
    }
    let body = request.body();
    let parsed = (body.len() <= MAX_SLOT_BODY)
        .then(|| serde_json::from_slice::<SlotRequest>(body).ok())
        .flatten();
    let Some(asked) = parsed else {
        let detail = "a JSON object with submission_id, name, size and type";
        return json_response(
            StatusCode::BAD_REQUEST,
            json!({"error": "malformed", "detail": detail}),
        );
    };
    let (name, file_type) = match judge(&asked, rules) {
        Ok(judged) => judged,
        Err(code) => return refused(code),
    };
    grant(&asked, &name, file_type, deps).await
}

/// What a slot can know before the file exists: the id, the name, the size and the claim.
fn judge(
    asked: &SlotRequest,
    rules: &crate::contract::Attachments,
) -> Result<(String, FileType), Code> {
    if !is_submission_id(&asked.submission_id) {
        return Err(Code::InvalidFormat);
    }
    let name = safe_name(&asked.name)?;
    check_size(rules, asked.size)?;
    match FileType::from_mime(&asked.content_type) {
        Some(file_type) if rules.allows(file_type) => Ok((name, file_type)),
        _ => Err(Code::UnsupportedType),
    }
}

/// Counts the submission's uploads so far, then signs the slot.
async fn grant<S: TicketStore, M: Mailer, P: Spool, U: Uploads, C: Clock>(
    asked: &SlotRequest,
    name: &str,
    file_type: FileType,
    deps: &Deps<S, M, P, U, C>,
) -> Response<Bytes> {
    let config = &deps.config;
    // The page may remove a file and choose another (the removed upload stays until the bucket's
    // lifecycle takes it): twice the limit leaves room for that, while the submit enforces the
    // limit itself. This cap only stops one submission from filling the bucket.
    let max_uploads = 2 * config.contract.attachments.max_files as usize;
    let timeout = config.uploads_timeout;
    let prefix = pending_prefix(&asked.submission_id);
    let existing = match tokio::time::timeout(timeout, deps.uploads.list(&prefix)).await {
        Ok(Ok(keys)) => keys.len(),
        Ok(Err(error)) => return unavailable(&error.to_string(), deps),
        Err(_) => return unavailable("listing timed out", deps),
    };
    if existing >= max_uploads {
        return refused(Code::TooManyFiles);
    }
    let key = PendingKey::new(&asked.submission_id, name);
    let slot = deps
        .uploads
        .slot(&key.key, asked.size, file_type.mime(), SLOT_EXPIRY);
    match tokio::time::timeout(timeout, slot).await {
        Ok(Ok(slot)) => {
            let headers: serde_json::Map<String, serde_json::Value> = slot
                .headers
                .into_iter()
                .map(|(k, v)| (k, v.into()))
                .collect();
            tracing::info!(
                outcome = "slot",
                size = asked.size,
                file_type = file_type.mime(),
                "granted"
            );
            let body = json!({"key": key.key, "url": slot.url, "method": "PUT", "headers": headers, "expires_in": SLOT_EXPIRY.as_secs()});
            json_response(StatusCode::CREATED, body)
        }
        Ok(Err(error)) => unavailable(&error.to_string(), deps),
        Err(_) => unavailable("signing timed out", deps),
    }
}

fn refused(code: Code) -> Response<Bytes> {
    tracing::info!(outcome = "invalid", code = code.as_str(), "slot refused");
    json_response(
        StatusCode::BAD_REQUEST,
        json!({"error": "invalid", "fields": {field::ATTACHMENTS: code}}),
    )
}

fn unavailable<S, M, P, U, C>(error: &str, deps: &Deps<S, M, P, U, C>) -> Response<Bytes> {
    tracing::error!(error, "uploads bucket unavailable: no slot");
    let body = json!({"error": "unavailable", "fallback_email": deps.config.fallback_email});
    json_response(StatusCode::SERVICE_UNAVAILABLE, body)
}
