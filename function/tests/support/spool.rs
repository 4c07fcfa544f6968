//! Reading the spool and the table back from moto, and the services that misbehave on purpose:
//! a server that accepts and never answers, and a store whose write commits after the
//! function's timeout.

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ticket_function::aws::aws_sdk_dynamodb::types::AttributeValue;
use ticket_function::aws::{aws_sdk_dynamodb, DynamoStore, PARTITION_KEY};
use ticket_function::store::{Counters, Feedback, FeedbackFilter, PutOutcome, StoreError};
use ticket_function::{FeedbackStore, SpoolEntry, Ticket, TicketStore};
use tokio::sync::mpsc;

use super::{s3_admin, sdk_config};

/// The entry at `spool/<ticket_id>.json`, read with the SDK (not through the code under test).
pub(crate) async fn spool_entry(bucket: &str, ticket_id: &str) -> Option<SpoolEntry> {
    let s3 = s3_admin(&sdk_config().await);
    let key = SpoolEntry::key(ticket_id);
    let object = match s3.get_object().bucket(bucket).key(&key).send().await {
        Ok(object) => object,
        Err(e) if e.as_service_error().is_some_and(|e| e.is_no_such_key()) => return None,
        Err(e) => panic!("GetObject {key}: {e:?}"),
    };
    let bytes = object.body.collect().await.expect("the object's body");
    Some(serde_json::from_slice(&bytes.into_bytes()).expect("a spool entry"))
}

/// Every key under `spool/`.
pub(crate) async fn spool_keys(bucket: &str) -> Vec<String> {
    let s3 = s3_admin(&sdk_config().await);
    let listing = s3
        .list_objects_v2()
        .bucket(bucket)
        .prefix("spool/")
        .send()
        .await
        .expect("ListObjectsV2");
    listing
        .contents()
        .iter()
        .filter_map(|o| o.key().map(str::to_owned))
        .collect()
}

/// Every ticket item in the table (guards left out), by ticket id; every page of the scan.
pub(crate) async fn ticket_items(table: &str) -> HashMap<String, HashMap<String, AttributeValue>> {
    let client = aws_sdk_dynamodb::Client::new(&sdk_config().await);
    let mut pages = client
        .scan()
        .table_name(table)
        .consistent_read(true)
        .into_paginator()
        .send();
    let mut items = HashMap::new();
    while let Some(page) = pages.next().await {
        for item in page.expect("Scan").items() {
            let Some(pk) = item.get(PARTITION_KEY).and_then(|v| v.as_s().ok()) else {
                continue;
            };
            if pk.starts_with("HC-") {
                items.insert(pk.clone(), item.clone());
            }
        }
    }
    items
}

/// An endpoint that accepts connections and never answers: only timeouts get a caller out.
pub(crate) fn silent_endpoint() -> String {
    silent_endpoint_counting().0
}

/// [`silent_endpoint`], and how many connections it has accepted so far (one per attempt).
pub(crate) fn silent_endpoint_counting() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    std::thread::spawn(move || {
        let held: Vec<_> = listener
            .incoming()
            .take(8)
            .inspect(|_| {
                counter.fetch_add(1, Ordering::SeqCst);
            })
            .collect();
        std::thread::sleep(Duration::from_secs(30));
        drop(held);
    });
    (url, accepted)
}

/// A store whose write lands after the caller gave up: `put` sleeps `delay` then makes the real
/// DynamoDB write, in a task of its own, so dropping the call (the handler's timeout) does not
/// stop the write. Each committed outcome is sent on the channel.
pub(crate) struct LateStore {
    inner: Arc<DynamoStore>,
    delay: Duration,
    committed: mpsc::UnboundedSender<Result<PutOutcome, String>>,
}

impl LateStore {
    pub(crate) fn new(
        inner: DynamoStore,
        delay: Duration,
    ) -> (Self, mpsc::UnboundedReceiver<Result<PutOutcome, String>>) {
        let (committed, receiver) = mpsc::unbounded_channel();
        let inner = Arc::new(inner);
        let store = LateStore {
            inner,
            delay,
            committed,
        };
        (store, receiver)
    }
}

impl FeedbackStore for LateStore {
    async fn count(&self, feedback: &Feedback, month: &str) -> Result<(), StoreError> {
        self.inner.count(feedback, month).await
    }

    async fn counters(&self, filter: &FeedbackFilter) -> Result<Counters, StoreError> {
        self.inner.counters(filter).await
    }
}

impl TicketStore for LateStore {
    async fn put(&self, ticket: &Ticket) -> Result<PutOutcome, StoreError> {
        let (inner, delay, committed) = (self.inner.clone(), self.delay, self.committed.clone());
        let ticket = ticket.clone();
        let write = tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let outcome = inner.put(&ticket).await;
            let _ = committed.send(
                outcome
                    .as_ref()
                    .map(Clone::clone)
                    .map_err(|e| e.to_string()),
            );
            outcome
        });
        write.await.expect("the write task ends")
    }

    async fn get(&self, ticket_id: &str) -> Result<Option<Ticket>, StoreError> {
        self.inner.get(ticket_id).await
    }

    async fn ticket_of_submission(
        &self,
        submission_id: &str,
    ) -> Result<Option<String>, StoreError> {
        self.inner.ticket_of_submission(submission_id).await
    }

    async fn list_queue(&self, queue: &str, limit: usize) -> Result<Vec<Ticket>, StoreError> {
        self.inner.list_queue(queue, limit).await
    }
}
