//! `GET …/files?key=…&expires=…&sig=…` (the ticket endpoint's `files` sibling): a link of the
//! team or fallback email to a ticket's file (`uploads/link.rs`). A valid link answers `302` to
//! a fresh presigned `GET` of [`DIRECT_LINK_EXPIRY`], so the link works until the date the email
//! states, however short-lived the credentials that presign. The answers are plain text: people
//! open these links, in a browser. Neither the link nor the redirect is ever logged.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::{
    ALLOW, CACHE_CONTROL, CONTENT_TYPE, LOCATION, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
};
use http::{HeaderValue, Method, Request, Response, StatusCode};

use super::handler::Deps;
use super::response::retry_after;
use crate::clock::Clock;
use crate::mail::{date_text, Mailer};
use crate::spool::Spool;
use crate::store::TicketStore;
use crate::uploads::{LinkError, Uploads, DIRECT_LINK_EXPIRY};

/// Answers one request to the `files` route (the handler has routed it here).
pub(super) async fn files<S: TicketStore, M: Mailer, P: Spool, U: Uploads, C: Clock>(
    request: &Request<Bytes>,
    deps: &Deps<S, M, P, U, C>,
) -> Response<Bytes> {
    let mut response = match *request.method() {
        Method::GET | Method::HEAD => open(request, deps).await,
        _ => {
            let mut r = text(StatusCode::METHOD_NOT_ALLOWED, "Links open with GET.");
            r.headers_mut()
                .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
            r
        }
    };
    if request.method() == Method::HEAD {
        response.body_mut().clear();
    }
    response
}

/// Rate limit, the link's checks, then the redirect.
async fn open<S: TicketStore, M: Mailer, P: Spool, U: Uploads, C: Clock>(
    request: &Request<Bytes>,
    deps: &Deps<S, M, P, U, C>,
) -> Response<Bytes> {
    let now = deps.clock.now();
    let client = deps.client_of(request);
    // Forged links count too: the limit is about load.
    if let Err(wait) = deps.link_limiter.check(&client, now) {
        tracing::warn!(client = %&client[..8], "rate limited");
        return rate_limited(wait);
    }
    let query = request.uri().query().unwrap_or_default();
    let key = match deps.links.open(query, now) {
        Ok(key) => key,
        Err(error) => return refused(&error),
    };
    let ticket_id = key.split('/').nth(1).unwrap_or_default();
    let direct = deps.uploads.direct_link(&key, DIRECT_LINK_EXPIRY);
    let url = match tokio::time::timeout(deps.config.uploads_timeout, direct).await {
        Ok(Ok(url)) => url,
        Ok(Err(error)) => return unavailable(ticket_id, &error.to_string()),
        Err(_) => return unavailable(ticket_id, "presigning timed out"),
    };
    let Ok(location) = HeaderValue::from_str(&url) else {
        return unavailable(ticket_id, "the presigned URL is not a header value");
    };
    tracing::info!(outcome = "link", ticket_id, "redirected to the bucket");
    let mut response = text(StatusCode::FOUND, "");
    response.headers_mut().insert(LOCATION, location);
    response
}

fn refused(error: &LinkError) -> Response<Bytes> {
    let (status, reason, message) = match error {
        LinkError::NotATicketFile => (
            StatusCode::NOT_FOUND,
            "not_a_ticket_file",
            "No such file.".to_owned(),
        ),
        LinkError::Forged => (
            StatusCode::FORBIDDEN,
            "forged",
            "This link is not valid: copy all of it from the email.".to_owned(),
        ),
        LinkError::Expired { at } => {
            let date = date_text(SystemTime::UNIX_EPOCH + Duration::from_secs(*at));
            let message =
                format!("This link expired on {date}; `helpdesk show` prints fresh links.");
            (StatusCode::FORBIDDEN, "expired", message)
        }
    };
    tracing::info!(outcome = "link_refused", reason, "refused");
    text(status, &message)
}

fn rate_limited(wait: Duration) -> Response<Bytes> {
    let seconds = wait.as_secs().max(1);
    let message = format!("Too many requests: try again in {seconds} s.");
    retry_after(text(StatusCode::TOO_MANY_REQUESTS, &message), wait)
}

fn unavailable(ticket_id: &str, error: &str) -> Response<Bytes> {
    tracing::error!(ticket_id, error, "uploads bucket unavailable: no redirect");
    let message = "The files cannot be reached right now: try again in a few minutes.";
    text(StatusCode::SERVICE_UNAVAILABLE, message)
}

/// A short plain-text answer that no cache keeps and whose page sends no `Referer` (not to the
/// bucket either: the redirect keeps the policy).
fn text(status: StatusCode, body: &str) -> Response<Bytes> {
    let mut response = Response::new(Bytes::from(body.to_owned()));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    let plain = HeaderValue::from_static("text/plain; charset=utf-8");
    headers.insert(CONTENT_TYPE, plain);
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

#[cfg(test)]
mod tests {
    use http::header::{ALLOW, RETRY_AFTER};

    use super::*;
    use crate::http::{handle, ClientAddr};
    use crate::testing::{memory_deps, MemoryDeps};

    const KEY: &str = "tickets/HC-1JGJFGRSE-5YH2/0123456789/Invoice #12.pdf";

    fn get(method: Method, url: &str) -> Request<Bytes> {
        let path = url.strip_prefix("https://api.example.com").unwrap_or(url);
        Request::builder()
            .method(method)
            .uri(path)
            .extension(ClientAddr("203.0.113.9".parse().unwrap()))
            .body(Bytes::new())
            .unwrap()
    }

    fn run(request: Request<Bytes>, deps: &MemoryDeps) -> Response<Bytes> {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(handle(request, deps))
    }

    /// A link as the worker signs it, valid for a day from the deps' clock.
    fn link(deps: &MemoryDeps, key: &str) -> String {
        deps.links
            .url(key, deps.clock.now() + Duration::from_secs(86_400))
    }

    fn body(response: &Response<Bytes>) -> &str {
        std::str::from_utf8(response.body()).unwrap()
    }

    #[test]
    fn a_valid_link_redirects_to_a_fresh_short_download() {
        let deps = memory_deps(0);
        let url = link(&deps, KEY);
        let response = run(get(Method::GET, &url), &deps);
        assert_eq!(response.status(), StatusCode::FOUND);
        let headers = response.headers();
        assert_eq!(
            headers[LOCATION],
            "memory:///tickets/HC-1JGJFGRSE-5YH2/0123456789/Invoice #12.pdf?expires=300"
        );
        assert_eq!(headers[CACHE_CONTROL], "no-store");
        assert_eq!(headers[REFERRER_POLICY], "no-referrer");
        let head = run(get(Method::HEAD, &url), &deps);
        assert_eq!(head.status(), StatusCode::FOUND);
        assert_eq!(head.headers()[LOCATION], headers[LOCATION]);
        assert!(head.body().is_empty());
    }

    #[test]
    fn forged_expired_and_foreign_links_are_refused() {
        let deps = memory_deps(0);
        let url = link(&deps, KEY);
        let forged = url.replace("Invoice", "Invoica");
        let response = run(get(Method::GET, &forged), &deps);
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(body(&response).contains("not valid"), "{}", body(&response));
        assert_eq!(
            response.headers()[CONTENT_TYPE],
            "text/plain; charset=utf-8"
        );
        assert!(!response.headers().contains_key(LOCATION));
        let head = run(get(Method::HEAD, &forged), &deps);
        assert_eq!(
            (head.status(), head.body().is_empty()),
            (StatusCode::FORBIDDEN, true)
        );
        deps.clock.advance(Duration::from_secs(86_401));
        let response = run(get(Method::GET, &url), &deps);
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(
            body(&response).contains("expired on 20"),
            "{}",
            body(&response)
        );
        for other in [
            "spool/HC-1JGJFGRSE-5YH2.json",
            "pending/sub-12345678/0123456789/a.png",
        ] {
            let response = run(get(Method::GET, &link(&deps, other)), &deps);
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{other}");
        }
        let response = run(get(Method::GET, "/files"), &deps);
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }

    #[test]
    fn links_open_with_get_and_head_only() {
        let deps = memory_deps(0);
        let url = link(&deps, KEY);
        for method in [Method::POST, Method::PUT, Method::OPTIONS, Method::DELETE] {
            let response = run(get(method.clone(), &url), &deps);
            assert_eq!(
                response.status(),
                StatusCode::METHOD_NOT_ALLOWED,
                "{method}"
            );
            assert_eq!(response.headers()[ALLOW], "GET, HEAD");
        }
    }

    #[test]
    fn opening_links_is_rate_limited_and_the_bucket_down_is_503() {
        // One post per minute: an email's worth of links (max_files = 5) per client.
        let deps = memory_deps(1);
        let url = link(&deps, KEY);
        let statuses: Vec<u16> = (0..6)
            .map(|_| run(get(Method::GET, &url), &deps).status().as_u16())
            .collect();
        assert_eq!(statuses, [302, 302, 302, 302, 302, 429]);
        let response = run(get(Method::GET, &url), &deps);
        assert_eq!(response.headers()[RETRY_AFTER], "12");
        let deps = memory_deps(0);
        deps.uploads.set_failing(true);
        let response = run(get(Method::GET, &link(&deps, KEY)), &deps);
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    }
}
