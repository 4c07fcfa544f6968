//! The request handler: request → parse → validate → store | fallback → response. A plain async
//! function over `http` types with its store, mailer, spool, clock and settings passed in, so
//! the Lambda adapter, `helpcenter serve`, the tests and the bench all run exactly the same code.

use std::net::IpAddr;

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderValue, Method, Request, Response, StatusCode};
use serde_json::json;
use tracing::Instrument;

use super::attach::{self, Refused};
use super::code::Code;
use super::cors::Cors;
use super::feedback::{feedback, FEEDBACK_PER_MINUTE};
use super::files::files;
use super::parse::{media_format, parse_post, Format, RawFields};
use super::ratelimit::RateLimiter;
use super::recent::RecentAnswers;
use super::response::{json_response, unsupported_media_type, Answer, Saved};
use super::save::save;
use super::slot::slot;
use super::validate::validate;
use crate::clock::Clock;
use crate::config::Config;
use crate::mail::Mailer;
use crate::spool::Spool;
use crate::store::TicketStore;
use crate::ticket::{client_hash, new_submission_id, new_ticket_id, Ticket};
use crate::uploads::{LinkSigner, Uploads};

/// Everything the handler works with. Build once, share (e.g. in an `Arc`) between requests:
/// the rate limiter's state lives here.
pub struct Deps<S, M, P, U, C> {
    pub store: S,
    pub mailer: M,
    /// Where a ticket the store could not take waits (after its fallback email).
    pub spool: P,
    /// The attachments' files.
    pub uploads: U,
    pub clock: C,
    pub config: Config,
    limiter: RateLimiter,
    /// Upload slots have their own limit: one ticket asks for up to `max_files` of them.
    pub(super) slot_limiter: RateLimiter,
    /// So do the emails' links: one email links up to `max_files` files.
    pub(super) link_limiter: RateLimiter,
    /// Feedback has its own: a visitor votes and searches more often than they write tickets.
    pub(super) feedback_limiter: RateLimiter,
    /// Checks the emails' links (`…/files`); the key derives from `client_hash_salt`.
    pub(super) links: LinkSigner,
    pub(super) cors: Cors,
    /// The answers given lately, for retries of the same submission (`recent.rs`).
    pub(super) recent: RecentAnswers,
}

impl<S: TicketStore, M: Mailer, P: Spool, U: Uploads, C: Clock> Deps<S, M, P, U, C> {
    pub fn new(store: S, mailer: M, spool: P, uploads: U, clock: C, config: Config) -> Self {
        let limiter = RateLimiter::new(config.rate_limit_per_minute);
        let per_ticket = config.contract.attachments.max_files.max(1);
        let per_file = || RateLimiter::new(config.rate_limit_per_minute.saturating_mul(per_ticket));
        let (slot_limiter, link_limiter) = (per_file(), per_file());
        // Off with the ticket limit (0), so a local setup without limits has none here either.
        let feedback_limiter = RateLimiter::new(match config.rate_limit_per_minute {
            0 => 0,
            _ => FEEDBACK_PER_MINUTE,
        });
        let links = LinkSigner::new(&config.client_hash_salt, &config.contract);
        let cors = Cors::new(&config.allowed_origins);
        Deps {
            store,
            mailer,
            spool,
            uploads,
            clock,
            config,
            limiter,
            slot_limiter,
            link_limiter,
            feedback_limiter,
            links,
            cors,
            recent: RecentAnswers::default(),
        }
    }
}

/// The client's address as the transport saw it, put into the request's extensions by whoever
/// accepted the connection (the Lambda adapter from the request context, `serve` from the socket).
/// Without it the last `X-Forwarded-For` hop is used (the one added by the nearest proxy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// The platform's request id (Lambda's `aws_request_id`), for the logs; one is made if absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

/// Handles one request. Never panics on request data; every answer is complete HTTP.
pub async fn handle<S: TicketStore, M: Mailer, P: Spool, U: Uploads, C: Clock>(
    request: Request<Bytes>,
    deps: &Deps<S, M, P, U, C>,
) -> Response<Bytes> {
    let request_id = match request.extensions().get::<RequestId>() {
        Some(RequestId(id)) => id.clone(),
        None => new_ticket_id(deps.clock.now()).replacen("HC-", "req-", 1),
    };
    let span = tracing::info_span!("request", request_id = %request_id);
    async move {
        let path = request.uri().path();
        let mut response = match *request.method() {
            _ if is_sibling(path, "files") => files(&request, deps).await,
            Method::OPTIONS => deps.cors.preflight(request.headers()),
            Method::POST if is_sibling(path, "uploads") => slot(&request, deps).await,
            Method::POST if is_sibling(path, "feedback") => feedback(&request, deps).await,
            Method::POST => submit(&request, deps).await,
            _ => {
                let mut r = json_response(
                    StatusCode::METHOD_NOT_ALLOWED,
                    json!({"error": "method_not_allowed"}),
                );
                r.headers_mut().insert(
                    http::header::ALLOW,
                    HeaderValue::from_static("POST, OPTIONS"),
                );
                r
            }
        };
        deps.cors.decorate(request.headers(), &mut response);
        tracing::info!(method = %request.method(), status = response.status().as_u16(), "answered");
        response
    }
    .instrument(span)
    .await
}

async fn submit<S: TicketStore, M: Mailer, P: Spool, U: Uploads, C: Clock>(
    request: &Request<Bytes>,
    deps: &Deps<S, M, P, U, C>,
) -> Response<Bytes> {
    let config = &deps.config;
    let content_type = request
        .headers()
        .get(CONTENT_TYPE)
        .map(HeaderValue::as_bytes);
    let Ok(format) = media_format(content_type) else {
        return unsupported_media_type(&[
            "application/json",
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ]);
    };
    let answer = Answer { format, config };
    let now = deps.clock.now();
    let client = deps.client_of(request);
    // Every post counts, valid or not: the limit is about load, not about content.
    if let Err(wait) = deps.limiter.check(&client, now) {
        tracing::warn!(client = %&client[..8], "rate limited");
        return answer.rate_limited(wait);
    }
    let raw = match parse_post(
        format,
        content_type,
        request.body(),
        max_bytes(format, config),
    ) {
        Ok(raw) => raw,
        Err(error) => return answer.unreadable(&error),
    };
    if raw.honeypot_filled() {
        // Look like a success so the bot has no reason to adapt; store nothing.
        tracing::info!(outcome = "honeypot", "dropped");
        return answer.saved(&raw, Saved::Stored(new_ticket_id(now)), &[]);
    }
    let submission = match validate(&raw, &config.contract) {
        Ok(submission) => submission,
        Err(errors) => {
            tracing::info!(outcome = "invalid", fields = ?errors.keys().collect::<Vec<_>>(), "refused");
            return answer.invalid(&raw, &errors);
        }
    };
    let submission_id = submission
        .submission_id
        .clone()
        .unwrap_or_else(new_submission_id);
    let files = match attach::check(&raw, &submission_id, deps).await {
        Ok(files) => files,
        Err(refused) => return refuse_files(&answer, &raw, &submission_id, &refused, deps).await,
    };
    let mut ticket = Ticket::new(&submission, &submission_id, &config.contract, now, &client);
    let saved = save(&mut ticket, &files, deps).await;
    answer.saved(&raw, saved, &ticket.attachments_failed)
}

/// The largest body of `format`: the form without JavaScript carries its files.
fn max_bytes(format: Format, config: &Config) -> usize {
    let attachments = &config.contract.attachments;
    match format {
        Format::Multipart if attachments.enabled() => {
            config.max_body_bytes.max(attachments.max_post_bytes())
        }
        _ => config.max_body_bytes,
    }
}

/// Files refused: the answer lists them — unless they are missing because a first try of this
/// very submission was stored and moved them in (a retry whose answer got lost).
async fn refuse_files<S: TicketStore, M: Mailer, P: Spool, U: Uploads, C: Clock>(
    answer: &Answer<'_>,
    raw: &RawFields,
    submission_id: &str,
    refused: &[Refused],
    deps: &Deps<S, M, P, U, C>,
) -> Response<Bytes> {
    if refused.iter().all(|r| r.code == Code::UploadMissing) {
        let lookup = deps.store.ticket_of_submission(submission_id);
        if let Ok(Ok(Some(ticket_id))) =
            tokio::time::timeout(deps.config.store_timeout, lookup).await
        {
            tracing::info!(outcome = "duplicate", ticket_id = %ticket_id, "retry of a stored submission");
            return answer.saved(raw, Saved::Stored(ticket_id), &[]);
        }
    }
    let codes: Vec<&str> = refused.iter().map(|r| r.code.as_str()).collect();
    tracing::info!(outcome = "invalid", files = ?codes, "files refused");
    answer.invalid_files(raw, refused)
}

/// `…/<name>`, the ticket endpoint's sibling: `uploads` asks for upload slots, `files` opens
/// the emails' links, `feedback` counts votes and missed searches.
fn is_sibling(path: &str, name: &str) -> bool {
    path.trim_end_matches('/').rsplit('/').next() == Some(name)
}

impl<S, M, P, U, C> Deps<S, M, P, U, C> {
    /// The client as the rate limits know it (a salted hash of its address).
    pub(super) fn client_of(&self, request: &Request<Bytes>) -> String {
        client_hash(&self.config.client_hash_salt, client_addr(request))
    }
}

/// The client address: the transport's, else the nearest proxy's `X-Forwarded-For` entry.
fn client_addr(request: &Request<Bytes>) -> Option<IpAddr> {
    if let Some(ClientAddr(ip)) = request.extensions().get::<ClientAddr>() {
        return Some(*ip);
    }
    let forwarded = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .next_back()?
        .to_str()
        .ok()?;
    forwarded.rsplit(',').next()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use http::header::{LOCATION, RETRY_AFTER};

    use super::*;
    use crate::testing::{memory_deps, valid_json, MemoryDeps};

    type TestDeps = MemoryDeps;

    fn deps() -> TestDeps {
        memory_deps(5)
    }

    fn post(content_type: &str, body: impl Into<Bytes>) -> Request<Bytes> {
        Request::post("/tickets")
            .header(CONTENT_TYPE, content_type)
            .header("origin", "https://help.example.com")
            .extension(ClientAddr("203.0.113.9".parse().unwrap()))
            .body(body.into())
            .unwrap()
    }

    fn post_json(json: &serde_json::Value) -> Request<Bytes> {
        post("application/json", json.to_string())
    }

    fn run_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(future)
    }

    fn run(request: Request<Bytes>, deps: &TestDeps) -> Response<Bytes> {
        run_on(handle(request, deps))
    }

    fn body(response: &Response<Bytes>) -> serde_json::Value {
        serde_json::from_slice(response.body()).unwrap()
    }

    #[test]
    fn stores_a_valid_ticket() {
        let deps = deps();
        let response = run(post_json(&valid_json()), &deps);
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(
            response.headers()["access-control-allow-origin"],
            "https://help.example.com"
        );
        let answer = body(&response);
        assert_eq!(answer["status"], "stored");
        assert_eq!(deps.store.len(), 1);
        // Same submission again: same ticket, nothing new.
        let again = body(&run(post_json(&valid_json()), &deps));
        assert_eq!(again["ticket_id"], answer["ticket_id"]);
        assert_eq!(deps.store.len(), 1);
    }

    #[test]
    fn falls_back_to_email_then_to_503() {
        let deps = deps();
        deps.store.set_failing(true);
        let response = run(post_json(&valid_json()), &deps);
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        assert_eq!(body(&response)["status"], "emailed");
        let sent = deps.mailer.sent();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].reply_to.as_deref(), Some("ada@example.org"));
        deps.mailer.set_failing(true);
        deps.spool.set_failing(true);
        // Another submission: a retry of the first would get its first answer (`recent.rs`).
        let mut other = valid_json();
        other["submission_id"] = "1f8b1c2e-5a6d-4e7f-9a0b-1c2d3e4f5a6b".into();
        let response = run(post_json(&other), &deps);
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(body(&response)["fallback_email"], "support@example.com");
    }

    #[test]
    fn a_failed_store_is_emailed_and_spooled() {
        let deps = deps();
        deps.store.set_failing(true);
        let answer = body(&run(post_json(&valid_json()), &deps));
        let id = answer["ticket_id"].as_str().unwrap();
        let entry = run_on(deps.spool.get(id)).unwrap().expect("spooled");
        assert!(entry.fallback_emailed);
        assert_eq!(entry.ticket.submission_id, valid_json()["submission_id"]);
        assert_eq!(entry.ticket.arrived_via, None, "replay marks it");
        // Email down too: the spool alone has it, and the answer says so.
        deps.mailer.set_failing(true);
        let mut second = valid_json();
        second["submission_id"] = "0f8b1c2e-5a6d-4e7f-9a0b-000000000002".into();
        let response = run(post_json(&second), &deps);
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        let answer = body(&response);
        assert_eq!(answer["status"], "spooled");
        let id = answer["ticket_id"].as_str().unwrap();
        let entry = run_on(deps.spool.get(id)).unwrap().expect("spooled");
        assert!(
            !entry.fallback_emailed,
            "the worker must still tell the team"
        );
        assert!(deps.store.is_empty());
    }

    #[test]
    fn a_spooled_form_post_thanks_with_its_status() {
        let deps = deps();
        deps.store.set_failing(true);
        deps.mailer.set_failing(true);
        let response = run(
            post(
                "application/x-www-form-urlencoded",
                form_body(&valid_json()),
            ),
            &deps,
        );
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let location = response.headers()[LOCATION].to_str().unwrap();
        assert!(
            location.contains("/contact/thanks/?ticket=HC-"),
            "{location}"
        );
        assert!(location.ends_with("&status=spooled"), "{location}");
    }

    #[test]
    fn invalid_json_lists_every_field() {
        let deps = deps();
        let mut json = valid_json();
        json["email"] = "nope".into();
        json["subject"] = "".into();
        let response = run(post_json(&json), &deps);
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            body(&response),
            json!({"error": "invalid", "fields": {"email": "invalid_email", "subject": "required"}})
        );
    }

    fn form_body(json: &serde_json::Value) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in json.as_object().unwrap() {
            if k != "elapsed_ms" {
                s.append_pair(k, v.as_str().unwrap());
            }
        }
        s.finish()
    }

    #[test]
    fn urlencoded_redirects() {
        let deps = deps();
        let mut json = valid_json();
        json["language"] = "it".into();
        let response = run(
            post("application/x-www-form-urlencoded", form_body(&json)),
            &deps,
        );
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let location = response.headers()[LOCATION].to_str().unwrap();
        assert!(
            location.starts_with("https://help.example.com/it/contact/thanks/?ticket=HC-"),
            "{location}"
        );
        json["subject"] = "Hi".into();
        json["category"] = "payouts".into();
        let response = run(
            post("application/x-www-form-urlencoded", form_body(&json)),
            &deps,
        );
        let location = response.headers()[LOCATION].to_str().unwrap();
        assert_eq!(
            location,
            "https://help.example.com/it/contact/?audience=users&errors=category%3Aunknown_choice%2Csubject%3Atoo_short"
        );
    }

    #[test]
    fn honeypot_looks_like_success() {
        let deps = deps();
        let mut json = valid_json();
        json["website"] = "http://spam.example".into();
        json["email"] = "invalid".into();
        let response = run(post_json(&json), &deps);
        assert_eq!(response.status(), StatusCode::CREATED);
        assert!(body(&response)["ticket_id"]
            .as_str()
            .unwrap()
            .starts_with("HC-"));
        assert!(deps.store.is_empty());
    }

    #[test]
    fn rate_limit_answers_429_with_retry_after() {
        let deps = deps();
        let statuses: Vec<u16> = (0..6)
            .map(|_| run(post_json(&valid_json()), &deps).status().as_u16())
            .collect();
        assert_eq!(statuses, [201, 201, 201, 201, 201, 429]);
        let response = run(post_json(&valid_json()), &deps);
        assert_eq!(response.headers()[RETRY_AFTER], "12");
        deps.clock.advance(Duration::from_secs(12));
        assert_eq!(
            run(post_json(&valid_json()), &deps).status(),
            StatusCode::CREATED
        );
    }

    #[test]
    fn media_type_size_method() {
        let deps = deps();
        assert_eq!(
            run(post("text/plain", "x"), &deps).status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
        let huge = format!("{{\"description\":\"{}\"}}", "x".repeat(70_000));
        assert_eq!(
            run(post("application/json", huge), &deps).status(),
            StatusCode::PAYLOAD_TOO_LARGE
        );
        let get = Request::get("/tickets").body(Bytes::new()).unwrap();
        assert_eq!(run(get, &deps).status(), StatusCode::METHOD_NOT_ALLOWED);
    }

    #[test]
    fn other_origins_get_no_cors_headers() {
        let deps = deps();
        let mut request = post_json(&valid_json());
        request
            .headers_mut()
            .insert("origin", HeaderValue::from_static("https://evil.example"));
        let response = run(request, &deps);
        assert!(!response
            .headers()
            .contains_key("access-control-allow-origin"));
        assert_eq!(response.headers()["vary"], "Origin");
    }

    #[test]
    fn client_address_from_forwarded_for() {
        let request = Request::post("/")
            .header("x-forwarded-for", "10.0.0.1, 198.51.100.2")
            .body(Bytes::new())
            .unwrap();
        assert_eq!(client_addr(&request), Some("198.51.100.2".parse().unwrap()));
        let request = Request::post("/").body(Bytes::new()).unwrap();
        assert_eq!(client_addr(&request), None);
    }
}
