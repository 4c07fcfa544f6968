//! `POST …/feedback` (the ticket endpoint's sibling): visitors' feedback, counted and never tied
//! to a person. `kind` `vote` ("was this article helpful?": `page`, `helpful`, `reason`) or
//! `search_miss` (`query`, a search that found nothing), with `language` and the honeypot.
//!
//! The page's script posts JSON and gets `204` (`400` with field codes when invalid). The
//! article's plain form (no JavaScript) posts urlencoded and is sent back to the article with
//! `303`: `#feedback-thanks` or `#feedback-error`, which the page shows with CSS `:target`.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use http::{HeaderValue, Request, Response, StatusCode};
use percent_encoding::{percent_decode_str, utf8_percent_encode, CONTROLS};
use serde_json::json;

use super::code::{Code, FieldErrors};
use super::handler::Deps;
use super::parse::{media_format, parse_body, Format, ParseError, RawFields};
use super::response::{
    json_response, rate_limited_json, retry_after, see_other, unsupported_media_type,
};
use super::validate::{has_forbidden_chars, normalise, pick};
use crate::clock::{rfc3339_ms, Clock};
use crate::contract::{field, FieldKind, TicketContract};
use crate::store::{Feedback, TicketStore};

/// Posts per client per minute (while the ticket limit is on): a person votes on a few articles
/// and misses a few searches; 20 leaves room for that and stops a script stuffing the counters.
pub const FEEDBACK_PER_MINUTE: u32 = 20;
/// A query is counted with at most this many characters, after trimming and lower-casing.
pub const MAX_QUERY_CHARS: usize = 100;
/// Shorter queries are typing, not searching.
pub const MIN_QUERY_CHARS: usize = 3;
/// Room for a long (refused) query: the answer names the field instead of a bare `413`.
pub const MAX_FEEDBACK_BODY: usize = 16 * 1024;

/// The feedback fields (`language` and the honeypot are the ticket's).
pub mod name {
    pub const KIND: &str = "kind";
    pub const PAGE: &str = "page";
    pub const HELPFUL: &str = "helpful";
    pub const REASON: &str = "reason";
    pub const QUERY: &str = "query";
    pub const VOTE: &str = "vote";
    pub const SEARCH_MISS: &str = "search_miss";
}
use name::*;

/// The article's anchors the plain form comes back to.
const THANKS: &str = "feedback-thanks";
const ERROR: &str = "feedback-error";

/// Answers one feedback post (the handler has routed it here).
pub(super) async fn feedback<S: TicketStore, M, P, U, C: Clock>(
    request: &Request<Bytes>,
    deps: &Deps<S, M, P, U, C>,
) -> Response<Bytes> {
    let config = &deps.config;
    let content_type = request
        .headers()
        .get(CONTENT_TYPE)
        .map(HeaderValue::as_bytes);
    let format = match media_format(content_type) {
        Ok(format @ (Format::Json | Format::Form)) => format,
        _ => {
            let accepted = ["application/json", "application/x-www-form-urlencoded"];
            return unsupported_media_type(&accepted);
        }
    };
    let now = deps.clock.now();
    let parsed = parse_body(format, request.body(), MAX_FEEDBACK_BODY);
    let reply = Reply {
        format,
        contract: &config.contract,
        raw: parsed.as_ref().ok(),
    };
    let client = deps.client_of(request);
    if let Err(wait) = deps.feedback_limiter.check(&client, now) {
        tracing::warn!(client = %&client[..8], "feedback rate limited");
        return reply.rate_limited(wait);
    }
    let raw = match &parsed {
        Ok(raw) => raw,
        Err(error) => return reply.unreadable(error),
    };
    if raw.honeypot_filled() {
        // Look like a success so the bot has no reason to adapt; count nothing.
        tracing::info!(outcome = "honeypot", "feedback dropped");
        return reply.done();
    }
    let judged = match judge(raw, &config.contract) {
        Ok(judged) => judged,
        Err(errors) => {
            tracing::info!(outcome = "invalid", fields = ?errors.keys().collect::<Vec<_>>(), "feedback refused");
            return reply.invalid(&errors);
        }
    };
    let month = month(now);
    let count = deps.store.count(&judged, &month);
    match tokio::time::timeout(config.store_timeout, count).await {
        Ok(Ok(())) => reply.done(),
        Ok(Err(error)) => {
            tracing::error!(error = %error, "feedback not counted");
            reply.unavailable()
        }
        Err(_) => {
            tracing::error!("feedback store timed out");
            reply.unavailable()
        }
    }
}

/// The UTC month of `now`, `YYYY-MM`: the finest time a counter keeps.
pub fn month(now: SystemTime) -> String {
    rfc3339_ms(now)[..7].to_owned()
}

/// The post → what to count, or one code per field.
pub fn judge(raw: &RawFields, contract: &TicketContract) -> Result<Feedback, FieldErrors> {
    let mut errors = raw.problems.clone();
    let kind = pick(raw, KIND, &mut errors, |k| k == VOTE || k == SEARCH_MISS);
    let languages = &contract.languages;
    let language = pick(raw, field::LANGUAGE, &mut errors, |l| {
        languages.iter().any(|x| x == l)
    });
    let fields: &[&str] = match kind.as_deref() {
        Some(VOTE) => &[PAGE, HELPFUL, REASON],
        Some(_) => &[QUERY],
        None => &[PAGE, HELPFUL, REASON, QUERY],
    };
    for name in raw.values.keys() {
        let known = [KIND, field::LANGUAGE, field::HONEYPOT].contains(&name.as_str());
        if !known && !fields.contains(&name.as_str()) {
            errors.insert(name.clone(), Code::UnknownField);
        }
    }
    let language = language.as_deref();
    let judged = match kind.as_deref() {
        Some(VOTE) => judge_vote(raw, contract, language, &mut errors),
        Some(_) => judge_query(raw, language, &mut errors),
        None => None,
    };
    match judged {
        Some(feedback) if errors.is_empty() => Ok(feedback),
        _ => Err(errors),
    }
}

/// `page` an article of `language` (judged only when the language is known), `helpful` yes or
/// no, `reason` one of the contract's, kept only with "no".
fn judge_vote(
    raw: &RawFields,
    contract: &TicketContract,
    language: Option<&str>,
    errors: &mut FieldErrors,
) -> Option<Feedback> {
    let feedback = &contract.feedback;
    let page = pick(raw, PAGE, errors, |p| {
        language.is_none_or(|l| article(contract, l, p).is_some())
    });
    let page = page
        .zip(language)
        .and_then(|(p, l)| article(contract, l, &p));
    let helpful = pick(raw, HELPFUL, errors, |h| h == "yes" || h == "no").map(|h| h == "yes");
    let given = raw.get(REASON).map(str::trim).filter(|r| !r.is_empty());
    // Without JavaScript the reasons stand beside both buttons: one chosen before pressing Yes is
    // left out, not held against the vote. A reason not in the list is refused either way.
    let reason = match (given, helpful) {
        (Some(r), _) if !feedback.has_reason(r) => {
            errors.entry(REASON.into()).or_insert(Code::UnknownChoice);
            None
        }
        (Some(r), Some(false)) => Some(r.to_owned()),
        _ => None,
    };
    Some(Feedback::Vote {
        language: language?.to_owned(),
        page: page?,
        helpful: helpful?,
        reason,
    })
}

/// The article `page` names in `language`, as the contract lists it: the path as sent, or
/// percent-decoded (a browser's `location.pathname` encodes a non-ASCII slug), so both count
/// under one name.
fn article(contract: &TicketContract, language: &str, page: &str) -> Option<String> {
    let feedback = &contract.feedback;
    if feedback.has_page(language, page) {
        return Some(page.to_owned());
    }
    let decoded = percent_decode_str(page).decode_utf8().ok()?;
    feedback
        .has_page(language, &decoded)
        .then(|| decoded.into_owned())
}

/// The query trimmed, NFC and lower-cased: one line of 3 to 100 characters.
fn judge_query(
    raw: &RawFields,
    language: Option<&str>,
    errors: &mut FieldErrors,
) -> Option<Feedback> {
    if errors.contains_key(QUERY) {
        return None;
    }
    let query = normalise(raw.get(QUERY).unwrap_or_default(), FieldKind::Line).to_lowercase();
    let chars = query.chars().count();
    let code = if query.is_empty() {
        Code::Required
    } else if has_forbidden_chars(&query, FieldKind::Line) {
        Code::ControlChars
    } else if chars > MAX_QUERY_CHARS {
        Code::TooLong
    } else if chars < MIN_QUERY_CHARS {
        Code::TooShort
    } else {
        let language = language?.to_owned();
        return Some(Feedback::SearchMiss { language, query });
    };
    errors.insert(QUERY.into(), code);
    None
}

/// Shapes every outcome: JSON for the script, a `303` back to the article for the plain form.
struct Reply<'a> {
    format: Format,
    contract: &'a TicketContract,
    raw: Option<&'a RawFields>,
}

impl Reply<'_> {
    fn done(&self) -> Response<Bytes> {
        match self.format {
            Format::Json => {
                let mut response = Response::new(Bytes::new());
                *response.status_mut() = StatusCode::NO_CONTENT;
                let no_store = HeaderValue::from_static("no-store");
                response.headers_mut().insert(CACHE_CONTROL, no_store);
                response
            }
            _ => see_other(&self.back(THANKS)),
        }
    }

    fn invalid(&self, errors: &FieldErrors) -> Response<Bytes> {
        match self.format {
            Format::Json => json_response(
                StatusCode::BAD_REQUEST,
                json!({"error": "invalid", "fields": errors}),
            ),
            _ => see_other(&self.back(ERROR)),
        }
    }

    fn unreadable(&self, error: &ParseError) -> Response<Bytes> {
        let (status, body) = match error {
            ParseError::TooLarge { max } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                json!({"error": "too_large", "max_bytes": max}),
            ),
            ParseError::Malformed(why) => (
                StatusCode::BAD_REQUEST,
                json!({"error": "malformed", "detail": why}),
            ),
            ParseError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                json!({"error": "unsupported_media_type"}),
            ),
        };
        match self.format {
            Format::Json => json_response(status, body),
            _ => see_other(&self.back(ERROR)),
        }
    }

    fn rate_limited(&self, wait: Duration) -> Response<Bytes> {
        match self.format {
            Format::Json => rate_limited_json(wait),
            _ => retry_after(see_other(&self.back(ERROR)), wait),
        }
    }

    fn unavailable(&self) -> Response<Bytes> {
        match self.format {
            Format::Json => json_response(
                StatusCode::SERVICE_UNAVAILABLE,
                json!({"error": "unavailable"}),
            ),
            _ => see_other(&self.back(ERROR)),
        }
    }

    /// The article at `#anchor` when the post named a valid one; else its language's home (or
    /// the default language's). `page` carries the site's base path already, so it follows
    /// the origin of `site_url`.
    fn back(&self, anchor: &str) -> String {
        let contract = self.contract;
        let site_url = contract.site_url.trim_end_matches('/');
        let get = |name| self.raw.and_then(|raw| raw.get(name)).map(str::trim);
        let language = get(field::LANGUAGE)
            .filter(|l| contract.languages.iter().any(|x| x == l))
            .unwrap_or(&contract.default_language);
        match get(PAGE).and_then(|p| article(contract, language, p)) {
            Some(page) => {
                let page = utf8_percent_encode(&page, CONTROLS);
                format!("{}{page}#{anchor}", origin(site_url))
            }
            None => format!("{site_url}/{language}/"),
        }
    }
}

/// `https://help.example.com/docs` → `https://help.example.com`.
fn origin(url: &str) -> &str {
    let host_start = url.find("://").map_or(0, |i| i + 3);
    match url[host_start..].find('/') {
        Some(i) => &url[..host_start + i],
        None => url,
    }
}
