//! `POST …/feedback` through the handler, in memory: votes and missed searches counted, every
//! bad input of the issue refused with its field code, the plain form's `303`s, the honeypot,
//! the rate limit and CORS.

use bytes::Bytes;
use http::header::{CONTENT_TYPE, LOCATION, RETRY_AFTER};
use http::{Request, Response, StatusCode};
use serde_json::{json, Value};
use ticket_function::store::{Counters, FeedbackFilter, FeedbackStore};
use ticket_function::testing::{memory_deps, MemoryDeps, SITE};
use ticket_function::{handle, ClientAddr};

const PAGE: &str = "/en/users/account/reset-your-password/";

fn request(content_type: &str, body: String, client: &str) -> Request<Bytes> {
    Request::post("/api/feedback")
        .header(CONTENT_TYPE, content_type)
        .header("origin", SITE)
        .extension(ClientAddr(client.parse().unwrap()))
        .body(Bytes::from(body))
        .unwrap()
}

async fn post(deps: &MemoryDeps, body: &Value) -> Response<Bytes> {
    let request = request("application/json", body.to_string(), "203.0.113.7");
    handle(request, deps).await
}

async fn post_form(deps: &MemoryDeps, fields: &[(&str, &str)]) -> Response<Bytes> {
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.extend_pairs(fields);
    let request = request(
        "application/x-www-form-urlencoded",
        form.finish(),
        "203.0.113.8",
    );
    handle(request, deps).await
}

fn vote(helpful: &str) -> Value {
    json!({"kind": "vote", "language": "en", "page": PAGE, "helpful": helpful, "website": ""})
}

fn miss(query: &str) -> Value {
    json!({"kind": "search_miss", "language": "en", "query": query})
}

async fn counters(deps: &MemoryDeps) -> Counters {
    deps.store
        .counters(&FeedbackFilter::default())
        .await
        .unwrap()
}

/// The `fields` of a `400`.
fn refused(response: &Response<Bytes>) -> Value {
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{response:?}");
    let body: Value = serde_json::from_slice(response.body()).unwrap();
    assert_eq!(body["error"], "invalid");
    body["fields"].clone()
}

#[tokio::test]
async fn votes_and_misses_are_counted_per_language_article_and_month() {
    let deps = memory_deps(0);
    let response = post(&deps, &vote("yes")).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(response.body().is_empty());
    assert_eq!(response.headers()["access-control-allow-origin"], SITE);
    let mut no = vote("no");
    no["reason"] = "unclear".into();
    assert_eq!(post(&deps, &no).await.status(), StatusCode::NO_CONTENT);
    let response = post(&deps, &miss("  Refund  NOT Arrived ")).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let counted = counters(&deps).await;
    let votes = &counted.votes[0];
    assert_eq!(
        (votes.month.as_str(), votes.page.as_str()),
        ("2025-01", PAGE)
    );
    assert_eq!((votes.yes, votes.no, votes.reasons["unclear"]), (1, 1, 1));
    assert_eq!(counted.searches[0].query, "refund  not arrived");
}

#[tokio::test]
async fn a_page_that_does_not_exist_or_of_another_language_is_refused() {
    let deps = memory_deps(0);
    for page in [
        "/en/users/account/no-such-article/",
        "/it/users/account/reimposta-la-password/",
        "/en/users/account/",
        "https://evil.example/en/users/account/reset-your-password/",
    ] {
        let mut body = vote("yes");
        body["page"] = page.into();
        assert_eq!(
            refused(&post(&deps, &body).await),
            json!({"page": "unknown_choice"})
        );
    }
    let mut italian = vote("yes");
    italian["language"] = "it".into();
    assert_eq!(
        refused(&post(&deps, &italian).await),
        json!({"page": "unknown_choice"})
    );
    assert!(counters(&deps).await.votes.is_empty());
}

#[tokio::test]
async fn reasons_come_from_the_list_and_count_only_after_no() {
    let deps = memory_deps(0);
    let mut body = vote("no");
    body["reason"] = "too many ads".into();
    assert_eq!(
        refused(&post(&deps, &body).await),
        json!({"reason": "unknown_choice"})
    );
    let mut body = vote("yes");
    body["reason"] = "too many ads".into();
    assert_eq!(
        refused(&post(&deps, &body).await),
        json!({"reason": "unknown_choice"})
    );
    assert!(counters(&deps).await.votes.is_empty());
    // Without JavaScript a reason may be chosen before pressing Yes: the vote counts, the reason not.
    let mut body = vote("yes");
    body["reason"] = "unclear".into();
    assert_eq!(post(&deps, &body).await.status(), StatusCode::NO_CONTENT);
    let counted = counters(&deps).await;
    assert_eq!(counted.votes[0].yes, 1);
    assert!(
        counted.votes[0].reasons.values().all(|n| *n == 0),
        "{:?}",
        counted.votes[0].reasons
    );
    let deps = memory_deps(0);
    let body =
        json!({"kind": "vote", "language": "xx", "page": PAGE, "helpful": "maybe", "mood": "x"});
    assert_eq!(
        refused(&post(&deps, &body).await),
        json!({"language": "unknown_choice", "helpful": "unknown_choice", "mood": "unknown_field"})
    );
    let body = json!({"kind": "praise", "language": "en"});
    assert_eq!(
        refused(&post(&deps, &body).await),
        json!({"kind": "unknown_choice"})
    );
    assert!(counters(&deps).await.votes.is_empty());
}

#[tokio::test]
async fn queries_are_one_short_line_of_text() {
    let deps = memory_deps(0);
    let long = "a".repeat(10 * 1024);
    let cases = [
        (long.as_str(), "too_long"),
        ("refund\u{0}now", "control_chars"),
        ("refund\nnow", "control_chars"),
        ("why\u{202E}gnp", "control_chars"),
        (" ab ", "too_short"),
        ("   ", "required"),
    ];
    for (query, code) in cases {
        assert_eq!(
            refused(&post(&deps, &miss(query)).await),
            json!({"query": code}),
            "{query:?}"
        );
    }
    let mut with_page = miss("refund");
    with_page["page"] = PAGE.into();
    assert_eq!(
        refused(&post(&deps, &with_page).await),
        json!({"page": "unknown_field"})
    );
    assert!(counters(&deps).await.searches.is_empty());
    // HTML is text: stored lower-cased as sent, never interpreted.
    let html = "<SCRIPT>alert('x')</SCRIPT> &amp;";
    assert_eq!(
        post(&deps, &miss(html)).await.status(),
        StatusCode::NO_CONTENT
    );
    let exactly = "é".repeat(100);
    assert_eq!(
        post(&deps, &miss(&exactly)).await.status(),
        StatusCode::NO_CONTENT
    );
    let queries: Vec<String> = counters(&deps)
        .await
        .searches
        .into_iter()
        .map(|s| s.query)
        .collect();
    assert!(
        queries.contains(&"<script>alert('x')</script> &amp;".to_owned()),
        "{queries:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_votes_from_as_many_clients_all_add_up() {
    let deps = std::sync::Arc::new(memory_deps(20));
    let tasks: Vec<_> = (0..200u32)
        .map(|i| {
            let deps = deps.clone();
            let client = std::net::Ipv4Addr::from(0x0A00_0000 + i).to_string();
            let helpful = if i % 2 == 0 { "yes" } else { "no" };
            let request = request("application/json", vote(helpful).to_string(), &client);
            tokio::spawn(async move { handle(request, &*deps).await.status() })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::NO_CONTENT);
    }
    let vote = &counters(&deps).await.votes[0];
    assert_eq!((vote.yes, vote.no), (100, 100));
}

#[tokio::test]
async fn a_thousand_votes_from_one_client_are_mostly_429() {
    let deps = memory_deps(5);
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for _ in 0..1000 {
        *statuses
            .entry(post(&deps, &vote("yes")).await.status().as_u16())
            .or_default() += 1;
    }
    assert_eq!(statuses[&204], 20, "{statuses:?}");
    assert_eq!(statuses[&429], 980, "{statuses:?}");
    assert_eq!(counters(&deps).await.votes[0].yes, 20);
    let limited = post(&deps, &vote("yes")).await;
    assert!(limited.headers().contains_key(RETRY_AFTER));
    // Another client is not affected.
    let other = request("application/json", vote("yes").to_string(), "198.51.100.1");
    assert_eq!(handle(other, &deps).await.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_filled_honeypot_looks_like_success_and_counts_nothing() {
    let deps = memory_deps(0);
    let mut body = vote("yes");
    body["website"] = "http://spam.example".into();
    assert_eq!(post(&deps, &body).await.status(), StatusCode::NO_CONTENT);
    let fields = [
        ("kind", "vote"),
        ("language", "en"),
        ("page", PAGE),
        ("helpful", "no"),
        ("website", "x"),
    ];
    let response = post_form(&deps, &fields).await;
    assert_eq!(
        response.headers()[LOCATION],
        format!("{SITE}{PAGE}#feedback-thanks").as_str()
    );
    assert_eq!(counters(&deps).await, Counters::default());
}

#[tokio::test]
async fn the_plain_form_is_sent_back_to_the_article() {
    let deps = memory_deps(0);
    let mut fields = vec![
        ("kind", "vote"),
        ("language", "en"),
        ("page", PAGE),
        ("helpful", "no"),
    ];
    fields.extend([("reason", "outdated"), ("website", "")]);
    let response = post_form(&deps, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let thanks = format!("{SITE}{PAGE}#feedback-thanks");
    assert_eq!(response.headers()[LOCATION], thanks.as_str());
    assert_eq!(counters(&deps).await.votes[0].reasons["outdated"], 1);
    fields[4] = ("reason", "bored");
    let response = post_form(&deps, &fields).await;
    let error = format!("{SITE}{PAGE}#feedback-error");
    assert_eq!(response.headers()[LOCATION], error.as_str());
    fields[2] = ("page", "/en/nowhere/");
    let response = post_form(&deps, &fields).await;
    assert_eq!(response.headers()[LOCATION], format!("{SITE}/en/").as_str());
    fields[1] = ("language", "zz");
    let response = post_form(&deps, &fields).await;
    assert_eq!(response.headers()[LOCATION], format!("{SITE}/en/").as_str());
}

#[tokio::test]
async fn other_media_types_and_a_down_store() {
    let deps = memory_deps(0);
    let multipart = request(
        "multipart/form-data; boundary=x",
        String::new(),
        "203.0.113.9",
    );
    assert_eq!(
        handle(multipart, &deps).await.status(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    let broken = request("application/json", "{".into(), "203.0.113.9");
    assert_eq!(
        handle(broken, &deps).await.status(),
        StatusCode::BAD_REQUEST
    );
    deps.store.set_failing(true);
    assert_eq!(
        post(&deps, &vote("yes")).await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test]
async fn a_non_ascii_slug_counts_as_sent_or_percent_encoded() {
    let deps = memory_deps(0);
    let page = "/ru/users/account/сброс-пароля/";
    let encoded =
        "/ru/users/account/%D1%81%D0%B1%D1%80%D0%BE%D1%81-%D0%BF%D0%B0%D1%80%D0%BE%D0%BB%D1%8F/";
    for sent in [page, encoded] {
        let body = json!({"kind": "vote", "language": "ru", "page": sent, "helpful": "yes"});
        assert_eq!(post(&deps, &body).await.status(), StatusCode::NO_CONTENT);
    }
    let counted = counters(&deps).await;
    assert_eq!(
        (counted.votes.len(), counted.votes[0].yes),
        (1, 2),
        "one article"
    );
    assert_eq!(counted.votes[0].page, page);
    let fields = [
        ("kind", "vote"),
        ("language", "ru"),
        ("page", page),
        ("helpful", "yes"),
    ];
    let response = post_form(&deps, &fields).await;
    let thanks = format!("{SITE}{encoded}#feedback-thanks");
    assert_eq!(response.headers()[LOCATION], thanks.as_str());
}
