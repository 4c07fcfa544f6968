//! The emails' links to a ticket's file, against moto's S3: the worker's `mail_files` links a
//! file to the HTTP function's `files` route (signed, no S3 URL in the email), and opening the
//! link through the handler redirects to a fresh presigned `GET` that downloads the very bytes.
//! Forged, expired and other-prefix links are refused before anything is presigned.

mod support;

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::StatusCode;
use support::worker::download;
use support::{clients, fresh_resources, stack_on, Stack, StackOptions};
use ticket_function::handle;
use ticket_function::mail::{mail_files, Carried};
use ticket_function::testing::{attach, ticket};
use ticket_function::ticket::new_ticket_id;
use ticket_function::uploads::LinkSigner;

const NAME: &str = "Invoice #12 (März) 100%.pdf";

/// A link opened from the email: a `GET` of its path and query, as API Gateway hands it on.
async fn open(url: &str, deps: &Stack) -> http::Response<Bytes> {
    let path = url
        .strip_prefix("https://api.example.com")
        .unwrap_or_else(|| panic!("a link to the fixture's files route: {url}"));
    let request = http::Request::get(path)
        .header("x-forwarded-for", "198.51.100.80")
        .body(Bytes::new())
        .expect("a valid request");
    handle(request, deps).await
}

/// The handler's stack, and a worker's bucket whose links it signs with the same salt.
async fn function_and_worker_bucket() -> (Stack, ticket_function::aws::S3Uploads, LinkSigner) {
    let resources = fresh_resources().await;
    let deps = stack_on(StackOptions::default(), &resources).await;
    let (_, _, _, uploads, _) = clients(StackOptions::default(), &resources).await;
    let links = LinkSigner::new(&deps.config.client_hash_salt, &deps.config.contract);
    (deps, uploads.with_links(links.clone()), links)
}

#[tokio::test]
async fn an_emailed_link_redirects_to_a_fresh_download_of_the_file() {
    let (deps, uploads, _) = function_and_worker_bucket().await;
    let now = SystemTime::now();
    let received = ticket_function::clock::rfc3339_ms(now);
    let mut t = ticket(&new_ticket_id(now), "sub-links-1", "billing", &received);
    let pdf: Vec<u8> = b"%PDF-1.7\n".iter().copied().chain(0..=255).collect();
    attach(&uploads, &mut t, NAME, pdf.clone(), "application/pdf").await;
    let files = mail_files(&t, &uploads, now, Duration::from_secs(3)).await;
    let Carried::Linked { url, until } = &files.listed[0].carried else {
        panic!("a PDF is linked: {:?}", files.listed);
    };
    assert!(
        url.starts_with("https://api.example.com/files?key=tickets%2F") && !url.contains("X-Amz"),
        "{url}"
    );
    let days = until.duration_since(now).unwrap().as_secs() / 86_400;
    assert_eq!(days, 7);

    let response = open(url, &deps).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["referrer-policy"], "no-referrer");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("X-Amz-Expires=300"), "{location}");
    let (status, disposition, bytes) = tokio::task::spawn_blocking(move || download(&location))
        .await
        .expect("download");
    assert_eq!(status, 200);
    assert!(bytes == pdf, "the link gives the file");
    assert!(
        disposition.contains("filename*=UTF-8''Invoice%20%2312%20%28M%C3%A4rz%29%20100%25%2Epdf"),
        "{disposition}"
    );
    let head = http::Request::head(url.strip_prefix("https://api.example.com").unwrap());
    let head = handle(head.body(Bytes::new()).unwrap(), &deps).await;
    assert_eq!(head.status(), StatusCode::FOUND);
    assert!(head.body().is_empty());
}

#[tokio::test]
async fn forged_expired_and_other_prefix_links_are_refused() {
    let (deps, uploads, links) = function_and_worker_bucket().await;
    let now = SystemTime::now();
    let received = ticket_function::clock::rfc3339_ms(now);
    let mut t = ticket(&new_ticket_id(now), "sub-links-2", "billing", &received);
    attach(
        &uploads,
        &mut t,
        "log.txt",
        &b"12:00 sync failed\n"[..],
        "text/plain",
    )
    .await;
    let key = t.attachments[0].key.clone();
    let (hour, past) = (
        now + Duration::from_secs(3_600),
        now - Duration::from_secs(60),
    );
    let valid = links.url(&key, hour);
    let other_salt = LinkSigner::new("another-salt-0123456789", &deps.config.contract);
    let (forbidden, not_found) = (StatusCode::FORBIDDEN, StatusCode::NOT_FOUND);
    let refused = [
        (valid.replace("log.txt", "log.txu"), forbidden),
        (other_salt.url(&key, hour), forbidden),
        (links.url(&key, past), forbidden),
        (links.url("spool/HC-000000001-AAAA.json", hour), not_found),
        (links.url(&format!("{key}/../../x"), hour), not_found),
    ];
    for (url, status) in refused {
        let response = open(&url, &deps).await;
        assert_eq!(response.status(), status, "{url}");
        assert!(!response.headers().contains_key("location"));
    }
    assert_eq!(open(&valid, &deps).await.status(), StatusCode::FOUND);
}
