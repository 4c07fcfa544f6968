//! Feedback counters in DynamoDB (moto's server, started by `tests/run`): votes add up, the items
//! hold counters and nothing about a person, and they are listed through the queue index.

mod support;

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::StatusCode;
use serde_json::json;
use support::{clients, endpoint, fresh_resources, sdk_config, Stack, StackOptions, SITE};
use ticket_function::aws::aws_config::timeout::TimeoutConfig;
use ticket_function::aws::aws_sdk_dynamodb::types::AttributeValue;
use ticket_function::aws::{aws_sdk_dynamodb, dynamodb_config, DynamoStore, PARTITION_KEY};
use ticket_function::store::{FeedbackFilter, FeedbackStore};
use ticket_function::{handle, ClientAddr, Deps, ManualClock, TicketStore};

const PAGE: &str = "/en/users/account/reset-your-password/";

fn post(body: &serde_json::Value, client: u32) -> http::Request<Bytes> {
    http::Request::post("/feedback")
        .header("content-type", "application/json")
        .header("origin", SITE)
        .extension(ClientAddr(
            std::net::Ipv4Addr::from(0x0A00_0000 + client).into(),
        ))
        .body(Bytes::from(body.to_string()))
        .expect("a valid request")
}

/// A stack whose store waits long: moto takes concurrent writes one at a time, and an `ADD`
/// retried after a timed-out attempt that did land would count twice.
async fn patient_stack() -> (Stack, String) {
    let resources = fresh_resources().await;
    let (_, mailer, spool, uploads, mut config) =
        clients(StackOptions::default(), &resources).await;
    config.store_timeout = Duration::from_secs(120);
    // The connect timeout too: 200 connections at once overflow moto's small accept backlog, and
    // the kernel's SYN retry (1 s) outlasts the production 500 ms connect timeout.
    let patience = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(30))
        .operation_timeout(config.store_timeout)
        .build();
    let dynamo = dynamodb_config(&sdk_config().await, config.store_timeout)
        .timeout_config(patience)
        .endpoint_url(endpoint())
        .build();
    let client = aws_sdk_dynamodb::Client::from_conf(dynamo);
    let store = DynamoStore::new(client, &resources.table, Duration::from_secs(86_400));
    let clock = ManualClock::new(SystemTime::now());
    let deps = Deps::new(store, mailer, spool, uploads, clock, config);
    (deps, resources.table)
}

/// One after another: moto applies concurrent `UpdateItem`s without a lock, so votes sent at
/// once lose updates there (98 of 100 seen) where DynamoDB's `ADD` is atomic. The handler's own
/// concurrency is tested in memory (`feedback.rs`).
#[tokio::test]
async fn two_hundred_votes_add_up_and_store_nothing_personal() {
    let (deps, table) = patient_stack().await;
    let admin = aws_sdk_dynamodb::Client::new(&sdk_config().await);
    for i in 0..200u32 {
        let body = match i % 4 {
            0 => json!({"kind": "vote", "language": "en", "page": PAGE, "helpful": "yes"}),
            1 => {
                json!({"kind": "vote", "language": "en", "page": PAGE, "helpful": "no", "reason": "unclear"})
            }
            2 => json!({"kind": "vote", "language": "en", "page": PAGE, "helpful": "no"}),
            _ => json!({"kind": "search_miss", "language": "en", "query": "Refund <b>"}),
        };
        assert_eq!(
            handle(post(&body, i), &deps).await.status(),
            StatusCode::NO_CONTENT
        );
    }
    let counted = deps
        .store
        .counters(&FeedbackFilter::default())
        .await
        .unwrap();
    let vote = &counted.votes[0];
    assert_eq!((vote.yes, vote.no, vote.reasons["unclear"]), (50, 100, 50));
    assert_eq!(counted.searches[0].count, 50);
    assert_eq!(counted.searches[0].query, "refund <b>");

    let items = admin.scan().table_name(&table).send().await.unwrap();
    let items = items.items();
    assert_eq!(items.len(), 2, "one item per counter");
    let vote_item = items
        .iter()
        .find(|i| {
            i[PARTITION_KEY]
                .as_s()
                .unwrap()
                .starts_with("feedback#vote#")
        })
        .expect("the vote item");
    let names: BTreeSet<&str> = vote_item.keys().map(String::as_str).collect();
    let expected = [
        "pk",
        "queue",
        "received_at",
        "language",
        "month",
        "page",
        "yes",
        "no",
        "reason_unclear",
        "expires_at",
    ];
    assert_eq!(names, expected.into_iter().collect(), "counters only");
    assert_eq!(
        vote_item["queue"],
        AttributeValue::S("feedback#vote".into())
    );
    let expires: u64 = vote_item["expires_at"].as_n().unwrap().parse().unwrap();
    assert!(expires > 1_700_000_000, "forgotten after the retention");
    let everything = format!("{items:?}");
    assert!(!everything.contains("10.0.0."), "no address");
}

#[tokio::test]
async fn counters_are_read_by_month_and_language_from_the_index() {
    // Patient too: it may run while the test above floods moto.
    let (deps, _) = patient_stack().await;
    let vote = |language: &str, page: &str| ticket_function::store::Feedback::Vote {
        language: language.into(),
        page: page.into(),
        helpful: true,
        reason: None,
    };
    let store = &deps.store;
    store.count(&vote("en", PAGE), "2024-12").await.unwrap();
    store.count(&vote("en", PAGE), "2025-01").await.unwrap();
    store
        .count(&vote("it", "/it/users/account/two-factor/"), "2025-01")
        .await
        .unwrap();
    let filter = |since: Option<&str>, language: Option<&str>| FeedbackFilter {
        since: since.map(str::to_owned),
        language: language.map(str::to_owned),
    };
    let months = |c: ticket_function::store::Counters| -> Vec<(String, String)> {
        c.votes.into_iter().map(|v| (v.language, v.month)).collect()
    };
    let all = store.counters(&filter(None, None)).await.unwrap();
    assert_eq!(all.votes.len(), 3);
    let recent = store
        .counters(&filter(Some("2025-01"), Some("en")))
        .await
        .unwrap();
    assert_eq!(months(recent), [("en".to_owned(), "2025-01".to_owned())]);
    // The tickets' queues never see the counters.
    assert!(deps
        .store
        .list_queue("billing", 10)
        .await
        .unwrap()
        .is_empty());
}
