//! The fallback spool against moto's DynamoDB, SES v2 and S3 (started by `tests/run`): what the
//! handler does when the table is down, and the replay that moves spooled tickets into it.

mod support;

use std::time::Duration;

use http::StatusCode;
use serde_json::json;
use support::spool::{silent_endpoint_counting, spool_entry, spool_keys, ticket_items, LateStore};
use support::{
    body_json, clients, fresh_resources, json_request, sent_raw_emails, stack_on, Resources,
    StackOptions, CLOSED,
};
use ticket_function::testing::valid_json;
use ticket_function::{
    handle, replay_spool, Clock, Deps, Mailer, ManualClock, MemoryUploads, ReplayReport, Spool,
    SpoolEntry, TicketStore, Uploads,
};

fn table_down() -> StackOptions {
    StackOptions {
        dynamodb_endpoint: Some(CLOSED.into()),
        ..Default::default()
    }
}

/// Posts a fresh submission; the answer's status code, `status` and ticket id.
async fn post<S, M, P, U>(deps: &Deps<S, M, P, U, ManualClock>) -> (StatusCode, String, String)
where
    S: TicketStore,
    M: Mailer,
    P: Spool,
    U: Uploads,
{
    let mut sent = valid_json();
    sent["submission_id"] = json!(support::unique("spool"));
    let response = handle(json_request(&sent), deps).await;
    let status = response.status();
    let answer = body_json(&response);
    let id = answer["ticket_id"].as_str().unwrap_or_default().to_owned();
    let said = answer["status"].as_str().unwrap_or_default().to_owned();
    (status, said, id)
}

fn emailed(ticket_id: &str) -> bool {
    sent_raw_emails().iter().any(|m| m.contains(ticket_id))
}

#[tokio::test]
async fn table_down_and_s3_up_emails_and_spools() {
    let resources = fresh_resources().await;
    let deps = stack_on(table_down(), &resources).await;
    let (status, said, id) = post(&deps).await;
    assert_eq!((status, said.as_str()), (StatusCode::ACCEPTED, "emailed"));
    let entry = spool_entry(&resources.bucket, &id)
        .await
        .expect("the entry is in S3");
    assert!(entry.fallback_emailed);
    assert_eq!(entry.ticket.ticket_id, id);
    assert_eq!(entry.ticket.subject, valid_json()["subject"]);
    assert!(emailed(&id), "the fallback email reached SES");
}

#[tokio::test]
async fn table_and_s3_down_still_emails() {
    let resources = fresh_resources().await;
    let options = StackOptions {
        s3_endpoint: Some(CLOSED.into()),
        ..table_down()
    };
    let deps = stack_on(options, &resources).await;
    let (status, said, id) = post(&deps).await;
    assert_eq!((status, said.as_str()), (StatusCode::ACCEPTED, "emailed"));
    assert!(emailed(&id));
    assert!(spool_keys(&resources.bucket).await.is_empty());
}

#[tokio::test]
async fn an_email_that_times_out_counts_as_sent_and_is_spooled() {
    let resources = fresh_resources().await;
    let (silent, attempts) = silent_endpoint_counting();
    let options = StackOptions {
        ses_endpoint: Some(silent),
        ..table_down()
    };
    let deps = stack_on(options, &resources).await;
    let (status, said, id) = post(&deps).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(said, "spooled", "only the spool is known to have it");
    let entry = spool_entry(&resources.bucket, &id).await.expect("spooled");
    assert!(entry.fallback_emailed, "SES may still deliver it");
    // A second attempt could deliver it twice (the load test saw it): SendEmail is tried once.
    assert_eq!(attempts.load(std::sync::atomic::Ordering::SeqCst), 1);
}

/// Two spooled tickets, one emailed and one not (SES down as well).
async fn spool_two(resources: &Resources) -> (String, String) {
    let deps = stack_on(table_down(), resources).await;
    let (_, _, emailed_id) = post(&deps).await;
    let no_email = StackOptions {
        ses_endpoint: Some(CLOSED.into()),
        ..table_down()
    };
    let deps = stack_on(no_email, resources).await;
    deps.clock.advance(Duration::from_secs(2));
    let (status, said, spooled_id) = post(&deps).await;
    assert_eq!((status, said.as_str()), (StatusCode::ACCEPTED, "spooled"));
    let entry = spool_entry(&resources.bucket, &spooled_id).await.unwrap();
    assert!(!entry.fallback_emailed);
    (emailed_id, spooled_id)
}

/// A replay cutoff every ticket posted so far has passed (the tests' clock runs by hand).
fn settled(clock: &impl Clock) -> std::time::SystemTime {
    clock.now() + Duration::from_secs(60)
}

#[tokio::test]
async fn replay_moves_spooled_tickets_into_the_table_once() {
    let resources = fresh_resources().await;
    let (emailed_id, spooled_id) = spool_two(&resources).await;
    let deps = stack_on(StackOptions::default(), &resources).await;
    let report = replay_spool(&deps.store, &deps.spool, settled(&deps.clock))
        .await
        .expect("replay");
    assert_eq!(
        report,
        ReplayReport {
            moved: 2,
            ..Default::default()
        }
    );
    let items = ticket_items(&resources.table).await;
    assert_eq!(items.len(), 2);
    let arrived = |id: &str| {
        items[id]
            .get("arrived_via")
            .map(|v| v.as_s().unwrap().clone())
    };
    assert_eq!(arrived(&emailed_id).as_deref(), Some("fallback"));
    assert_eq!(
        arrived(&spooled_id),
        None,
        "the team has not heard of it yet"
    );
    assert!(spool_keys(&resources.bucket).await.is_empty());

    let again = replay_spool(&deps.store, &deps.spool, settled(&deps.clock))
        .await
        .expect("replay");
    assert_eq!(again, ReplayReport::default());
    assert_eq!(ticket_items(&resources.table).await.len(), 2);
}

#[tokio::test]
async fn replay_of_an_already_stored_submission_doubles_nothing() {
    let resources = fresh_resources().await;
    let deps = stack_on(StackOptions::default(), &resources).await;
    let (status, _, stored_id) = post(&deps).await;
    assert_eq!(status, StatusCode::CREATED);
    // The same submission spooled under another id (its write landed after all).
    let mut ticket = deps.store.get(&stored_id).await.unwrap().expect("stored");
    ticket.ticket_id = format!("{}-SPOOLED", &stored_id[..12]);
    let entry = SpoolEntry {
        ticket,
        fallback_emailed: true,
    };
    deps.spool.put(&entry).await.expect("spool put");
    let report = replay_spool(&deps.store, &deps.spool, settled(&deps.clock))
        .await
        .expect("replay");
    assert_eq!((report.moved, report.already_stored), (0, 1));
    assert!(report.failed.is_empty());
    let items = ticket_items(&resources.table).await;
    assert_eq!(items.keys().collect::<Vec<_>>(), [&stored_id]);
    assert!(spool_keys(&resources.bucket).await.is_empty());
}

#[tokio::test]
async fn a_timeout_is_not_a_failure_the_late_write_lands_once() {
    let resources = fresh_resources().await;
    let (store, mailer, spool, _, mut config) = clients(StackOptions::default(), &resources).await;
    config.store_timeout = Duration::from_millis(500);
    let (late, mut committed) = LateStore::new(store, Duration::from_millis(1_500));
    let clock = ManualClock::new(std::time::SystemTime::now());
    let deps = Deps::new(late, mailer, spool, MemoryUploads::new(), clock, config);

    let (status, said, id) = post(&deps).await;
    assert_eq!((status, said.as_str()), (StatusCode::ACCEPTED, "emailed"));
    let entry = spool_entry(&resources.bucket, &id).await.expect("spooled");
    assert!(
        entry.fallback_emailed,
        "the spool entry marks the fallback email"
    );
    let outcome = tokio::time::timeout(Duration::from_secs(10), committed.recv())
        .await
        .expect("the late write ends")
        .expect("an outcome");
    assert_eq!(outcome, Ok(ticket_function::store::PutOutcome::Stored));
    let items = ticket_items(&resources.table).await;
    assert_eq!(items.keys().collect::<Vec<_>>(), [&id], "in the table once");
    assert!(spool_entry(&resources.bucket, &id).await.is_some());
    // A replay now finds the submission stored: nothing doubled.
    let report = replay_spool(&deps.store, &deps.spool, settled(&deps.clock))
        .await
        .expect("replay");
    assert_eq!(report.already_stored, 1);
    assert_eq!(ticket_items(&resources.table).await.len(), 1);
}
