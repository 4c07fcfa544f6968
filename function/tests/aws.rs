//! The handler against real DynamoDB and SES v2 APIs (moto's server on 127.0.0.1, started by
//! `tests/run`): storage, read-back, queue order, idempotency, the email fallback (with the
//! ticket's files from moto's S3) and its budget.

mod support;

use std::net::TcpListener;
use std::time::{Duration, Instant};

use http::StatusCode;
use mail_parser::{Address, MessageParser, MimeHeaders};
use serde_json::json;
use support::{
    body_json, json_request, sent_raw_emails, stack, StackOptions, CLOSED, FALLBACK, SENDER,
};
use ticket_function::aws::aws_sdk_dynamodb::types::AttributeValue;
use ticket_function::aws::{PARTITION_KEY, QUEUE_INDEX};
use ticket_function::mail::{fallback_email, mail_files};
use ticket_function::testing::{attach, valid_json, PNG};
use ticket_function::{handle, Clock, Mailer, TicketStore};

/// The Lambda's budget; every answer, fallbacks included, must come well within it.
const BUDGET: Duration = Duration::from_secs(10);

#[tokio::test]
async fn a_valid_ticket_is_stored_with_every_field_and_reads_back() {
    let (deps, _, _) = stack(StackOptions::default()).await;
    let sent = valid_json();
    let response = handle(json_request(&sent), &deps).await;
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "{:?}",
        response.body()
    );
    let answer = body_json(&response);
    assert_eq!(answer["status"], "stored");
    let id = answer["ticket_id"].as_str().expect("a ticket id");

    let ticket = deps
        .store
        .get(id)
        .await
        .expect("get")
        .expect("the ticket is there");
    assert_eq!(ticket.ticket_id, id);
    for name in [
        "submission_id",
        "language",
        "audience",
        "category",
        "subcategory",
        "username",
        "email",
        "subject",
        "description",
        "page",
    ] {
        let stored = serde_json::to_value(&ticket).expect("ticket as JSON")[name].clone();
        assert_eq!(stored, sent[name], "field {name}");
    }
    assert_eq!(ticket.queue, "billing");
    assert_eq!(ticket.status, "open");
    assert_eq!(ticket.client_hash.len(), 32);
    assert!(
        !serde_json::to_string(&ticket)
            .expect("json")
            .contains("198.51.100.23"),
        "no raw address stored"
    );
    assert!(ticket.received_at.ends_with('Z'));
    assert_eq!(
        deps.store.get("HC-000000000-0000").await.expect("get"),
        None
    );
}

#[tokio::test]
async fn a_queue_lists_its_tickets_oldest_first() {
    let (deps, _, _) = stack(StackOptions::default()).await;
    let mut ids = Vec::new();
    for (n, (audience, category, subcategory)) in [
        ("users", "billing", "refunds"),
        ("creators", "payouts", "missing"),
        ("users", "billing", "invoices"),
        ("users", "billing", "refunds"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut sent = valid_json();
        sent["submission_id"] = json!(format!("queue-order-{n:04}"));
        sent["audience"] = json!(audience);
        sent["category"] = json!(category);
        sent["subcategory"] = json!(subcategory);
        let answer = body_json(&handle(json_request(&sent), &deps).await);
        ids.push((
            category,
            answer["ticket_id"].as_str().expect("id").to_owned(),
        ));
        deps.clock.advance(Duration::from_millis(1500));
    }
    let billing: Vec<String> = ids
        .iter()
        .filter(|(c, _)| *c == "billing")
        .map(|(_, id)| id.clone())
        .collect();
    let listed: Vec<String> = deps
        .store
        .list_queue("billing", 10)
        .await
        .expect("query")
        .into_iter()
        .map(|t| t.ticket_id)
        .collect();
    assert_eq!(
        listed, billing,
        "oldest first, billing only, no guard items"
    );
    let first: Vec<String> = deps
        .store
        .list_queue("billing", 2)
        .await
        .expect("query")
        .into_iter()
        .map(|t| t.ticket_id)
        .collect();
    assert_eq!(first, billing[..2]);
    assert_eq!(
        deps.store
            .list_queue("creator-payouts", 10)
            .await
            .expect("query")
            .len(),
        1
    );
}

#[tokio::test]
async fn the_same_submission_twice_is_one_ticket() {
    let (deps, table, admin) = stack(StackOptions::default()).await;
    let first = body_json(&handle(json_request(&valid_json()), &deps).await);
    deps.clock.advance(Duration::from_secs(3));
    let retry = handle(json_request(&valid_json()), &deps).await;
    assert_eq!(retry.status(), StatusCode::CREATED);
    assert_eq!(body_json(&retry)["ticket_id"], first["ticket_id"]);
    let tickets = admin
        .query()
        .table_name(&table)
        .index_name(QUEUE_INDEX)
        .key_condition_expression("#q = :q")
        .expression_attribute_names("#q", "queue")
        .expression_attribute_values(":q", AttributeValue::S("billing".into()))
        .send()
        .await
        .expect("query");
    assert_eq!(tickets.count(), 1, "one ticket in the queue");
    let guard = admin
        .get_item()
        .table_name(&table)
        .key(
            PARTITION_KEY,
            AttributeValue::S(format!(
                "submission#{}",
                valid_json()["submission_id"].as_str().unwrap_or_default()
            )),
        )
        .send()
        .await
        .expect("get guard");
    let guard = guard.item().expect("the guard item exists");
    assert!(
        guard.contains_key("expires_at"),
        "guards expire through the TTL attribute"
    );
    let ttl = admin
        .describe_time_to_live()
        .table_name(&table)
        .send()
        .await
        .expect("describe TTL");
    assert_eq!(
        ttl.time_to_live_description()
            .and_then(|d| d.attribute_name()),
        Some("expires_at")
    );
}

#[tokio::test]
async fn dynamodb_down_sends_the_ticket_by_email_within_the_budget() {
    let (deps, _, _) = stack(StackOptions {
        dynamodb_endpoint: Some(CLOSED.into()),
        ..Default::default()
    })
    .await;
    let mut sent = valid_json();
    sent["submission_id"] = json!(support::unique("fallback"));
    sent["description"] =
        json!("Paid twice for order 77.\nThe second charge is = 9,99 € — please refund.");
    let started = Instant::now();
    let response = handle(json_request(&sent), &deps).await;
    let took = started.elapsed();
    assert_eq!(
        response.status(),
        StatusCode::ACCEPTED,
        "{:?}",
        response.body()
    );
    assert!(
        took < Duration::from_secs(3),
        "fallback took {took:?}, budget {BUDGET:?}"
    );
    let answer = body_json(&response);
    assert_eq!(answer["status"], "emailed");
    let id = answer["ticket_id"].as_str().expect("id");

    let raw = sent_raw_emails()
        .into_iter()
        .find(|m| m.contains(id))
        .expect("the email reached SES");
    let email = MessageParser::default()
        .parse(raw.as_bytes())
        .expect("a MIME message");
    let first = |list: Option<&Address<'_>>| list?.first()?.address().map(str::to_owned);
    assert_eq!(first(email.to()).as_deref(), Some(FALLBACK), "{raw}");
    assert_eq!(first(email.from()).as_deref(), Some(SENDER), "{raw}");
    assert_eq!(
        first(email.reply_to()).as_deref(),
        Some("ada@example.org"),
        "{raw}"
    );
    assert_eq!(
        email.subject(),
        Some(format!("[{id}] billing · Refund for order 1234 missing").as_str())
    );
    let text = email
        .body_text(0)
        .expect("a text body")
        .replace("\r\n", "\n");
    assert!(text.contains(&format!("Ticket: {id}")), "{text}");
    assert!(text.contains("Category: Billing (billing)"), "{text}");
    assert!(
        text.contains("Subject: Refund for order 1234 missing"),
        "{text}"
    );
    assert!(
        text.contains("The second charge is = 9,99 € — please refund."),
        "{text}"
    );
}

#[tokio::test]
async fn a_silent_dynamodb_times_out_into_the_email_fallback() {
    // Accepts connections and never answers: only explicit timeouts get us out.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let silent = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        let held: Vec<_> = listener.incoming().take(8).collect();
        std::thread::sleep(Duration::from_secs(30));
        drop(held);
    });
    let (deps, _, _) = stack(StackOptions {
        dynamodb_endpoint: Some(silent),
        ..Default::default()
    })
    .await;
    let started = Instant::now();
    let response = handle(json_request(&valid_json()), &deps).await;
    let took = started.elapsed();
    assert_eq!(
        response.status(),
        StatusCode::ACCEPTED,
        "{:?}",
        response.body()
    );
    assert!(took < Duration::from_millis(4_000), "took {took:?}");
}

#[tokio::test]
async fn dynamodb_email_and_spool_down_answers_503_with_the_fallback_address() {
    let options = StackOptions {
        dynamodb_endpoint: Some(CLOSED.into()),
        ses_endpoint: Some(CLOSED.into()),
        s3_endpoint: Some(CLOSED.into()),
        ..Default::default()
    };
    let (deps, _, _) = stack(options).await;
    let started = Instant::now();
    let response = handle(json_request(&valid_json()), &deps).await;
    assert!(started.elapsed() < BUDGET);
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        body_json(&response),
        json!({"error": "unavailable", "fallback_email": FALLBACK})
    );
}

#[tokio::test]
async fn hostile_but_valid_text_is_stored_verbatim_and_harmless() {
    let (deps, _, _) = stack(StackOptions::default()).await;
    let script = "<script>alert('x')</script><img src=x onerror=alert(1)>";
    let mut sent = valid_json();
    sent["submission_id"] = json!(support::unique("hostile"));
    sent["username"] = json!(script);
    sent["subject"] = json!(format!("{script} ${{jndi:ldap://x}}"));
    sent["description"] = json!(format!(
        "{script}\n'; DROP TABLE tickets; --\n{{\"$ne\": null}}"
    ));
    let response = handle(json_request(&sent), &deps).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let id = body_json(&response)["ticket_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let stored = deps.store.get(&id).await.expect("get").expect("stored");
    assert_eq!(
        stored.username.as_deref(),
        Some(script),
        "stored as text; escaping is the reader's job"
    );
    assert_eq!(response.headers()["content-type"], "application/json");
}

/// The fallback's email of a ticket with files, on the real services: the PNG fetched from S3,
/// attached, and accepted by SES. (The handler's own path to it is `fall_back`, tested in memory;
/// a post that uploads files end to end is the handler's test.)
#[tokio::test]
async fn dynamodb_down_the_fallback_email_carries_the_png_from_s3() {
    let (deps, _, _) = stack(StackOptions {
        dynamodb_endpoint: Some(CLOSED.into()),
        ..Default::default()
    })
    .await;
    let mut t = support::worker::new_ticket("Screenshot attached");
    attach(&deps.uploads, &mut t, "screen shot.png", PNG, "image/png").await;
    assert!(deps.store.put(&t).await.is_err(), "DynamoDB is unreachable");
    let config = &deps.config;
    let now = deps.clock.now();
    let started = Instant::now();
    let files = mail_files(&t, &deps.uploads, now, config.mail_timeout / 4).await;
    assert!(started.elapsed() < config.mail_timeout / 4);
    let email = fallback_email(&t, &config.contract, SENDER, FALLBACK, now, files);
    deps.mailer.send(&email).await.expect("SES took it");

    let raw = sent_raw_emails()
        .into_iter()
        .find(|m| m.contains(&t.ticket_id))
        .expect("the email reached SES");
    let email = MessageParser::default()
        .parse(raw.as_bytes())
        .expect("a MIME message");
    assert_eq!(email.attachment_count(), 1);
    let png = email.attachment(0).expect("the PNG");
    assert_eq!(png.attachment_name(), Some("screen shot.png"));
    assert_eq!(png.contents(), PNG);
    let text = email
        .body_text(0)
        .expect("a text body")
        .replace("\r\n", "\n");
    assert!(
        text.ends_with("\n\nAttachments:\n- screen shot.png (67 B, PNG): attached\n"),
        "{text}"
    );
}
