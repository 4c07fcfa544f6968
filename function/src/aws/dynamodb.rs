//! Tickets in DynamoDB: the [`TicketStore`] of the Lambda.
//!
//! Table layout (defined once, in `template.yaml`): partition key `pk` (string), no sort key.
//! - A ticket item: `pk` = the ticket id, every [`Ticket`] field as a string attribute, and
//!   `expires_at` (the table's TTL attribute) so it is forgotten after `TICKET_RETENTION_DAYS`.
//! - A guard item per submission: `pk` = `submission#<submission_id>`, `ticket_id`, and
//!   `expires_at` so it is forgotten after `SUBMISSION_TTL_DAYS`.
//!
//! Both are written in one `TransactWriteItems`, each with `attribute_not_exists(pk)`: the guard
//! makes a retry of the same submission fail its condition (and we answer the ticket id stored in
//! the guard), the ticket's own condition catches an id clash. Keying the ticket by its id (rather
//! than by submission id) keeps `GetItem` by the id support reads out on the phone; guard items
//! have no `queue`, so the sparse `queue-received_at` index lists tickets only, oldest first.
//!
//! The ticket worker ([`NoticeStore`]) adds `team_notified_at` / `ack_notified_at` (conditional
//! claims) and `arrived_via` to ticket items, and keeps acknowledgement counters: `pk` =
//! `ack#<address hash>#<hour>`, `count` (number) and `expires_at`. `helpdesk`'s operations
//! (status changes, pages of tickets, erasure) live in `dynamodb/desk.rs`; visitors' feedback
//! counters (`pk` = `feedback#…`, on the queue index under `queue` = `feedback#vote` or
//! `feedback#search`) in `dynamodb/feedback.rs`.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_config::SdkConfig;
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem,
};

use super::{retry_config, timeout_config};
use crate::store::{Notice, NoticeStore, PutOutcome, StoreError, TicketStore};
use crate::ticket::{ArrivedVia, Ticket};

pub use crate::store::PARTITION_KEY;
/// The global secondary index listing a queue's tickets by `received_at`.
pub const QUEUE_INDEX: &str = "queue-received_at";
/// The table's TTL attribute (epoch seconds).
pub const TTL_ATTRIBUTE: &str = "expires_at";
const GUARD_PREFIX: &str = "submission#";
/// How long tickets are kept unless [`DynamoStore::with_ticket_retention`] says otherwise (the
/// default of `TICKET_RETENTION_DAYS`).
pub const DEFAULT_TICKET_RETENTION: Duration = Duration::from_secs(365 * 86_400);

mod desk;
mod feedback;

/// A DynamoDB client builder with the function's timeouts and retries; tests add an endpoint.
pub fn dynamodb_config(
    shared: &SdkConfig,
    operation: Duration,
) -> aws_sdk_dynamodb::config::Builder {
    aws_sdk_dynamodb::config::Builder::from(shared)
        .timeout_config(timeout_config(operation))
        .retry_config(retry_config())
}

/// Tickets in DynamoDB (see the module docs for the layout).
#[derive(Debug, Clone)]
pub struct DynamoStore {
    client: aws_sdk_dynamodb::Client,
    table: String,
    submission_ttl: Duration,
    ticket_retention: Duration,
}

impl DynamoStore {
    pub fn new(client: aws_sdk_dynamodb::Client, table: &str, submission_ttl: Duration) -> Self {
        DynamoStore {
            client,
            table: table.to_owned(),
            submission_ttl,
            ticket_retention: DEFAULT_TICKET_RETENTION,
        }
    }

    /// Tickets written from now on expire `retention` after they are stored.
    pub fn with_ticket_retention(mut self, retention: Duration) -> Self {
        self.ticket_retention = retention;
        self
    }

    fn put_if_absent(
        &self,
        item: HashMap<String, AttributeValue>,
    ) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", PARTITION_KEY)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    fn guard_item(&self, ticket: &Ticket) -> HashMap<String, AttributeValue> {
        HashMap::from([
            (
                PARTITION_KEY.to_owned(),
                s(format!("{GUARD_PREFIX}{}", ticket.submission_id)),
            ),
            ("ticket_id".to_owned(), s(ticket.ticket_id.clone())),
            ("submission_id".to_owned(), s(ticket.submission_id.clone())),
            (TTL_ATTRIBUTE.to_owned(), expires_in(self.submission_ttl)),
        ])
    }

    /// Makes sense of a cancelled transaction: index 0 is the guard, 1 the ticket.
    async fn cancelled(
        &self,
        ticket: &Ticket,
        err: &TransactWriteItemsError,
    ) -> Result<PutOutcome, StoreError> {
        let TransactWriteItemsError::TransactionCanceledException(cancelled) = err else {
            return Err(StoreError::Unavailable(
                DisplayErrorContext(err).to_string(),
            ));
        };
        let reasons = cancelled.cancellation_reasons();
        let code = |i: usize| reasons.get(i).and_then(|r| r.code());
        if code(0) == Some("ConditionalCheckFailed") {
            let known = reasons[0].item().and_then(|item| text(item, "ticket_id"));
            let ticket_id = match known {
                Some(id) => Some(id),
                None => self.ticket_of_submission(&ticket.submission_id).await?,
            };
            return ticket_id
                .map(|ticket_id| PutOutcome::Duplicate { ticket_id })
                .ok_or_else(|| StoreError::Unavailable("submission guard vanished".into()));
        }
        if code(1) == Some("ConditionalCheckFailed") {
            return Ok(PutOutcome::IdTaken);
        }
        // A concurrent retry of the same submission may be mid-transaction: if its guard is
        // there after a moment, that retry won and this one is a duplicate.
        if reasons
            .iter()
            .any(|r| r.code() == Some("TransactionConflict"))
        {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if let Some(ticket_id) = self.ticket_of_submission(&ticket.submission_id).await? {
                return Ok(PutOutcome::Duplicate { ticket_id });
            }
        }
        Err(StoreError::Unavailable(
            DisplayErrorContext(err).to_string(),
        ))
    }
}

/// The TTL attribute's value for an item that may be forgotten `ttl` from now (epoch seconds).
fn expires_in(ttl: Duration) -> AttributeValue {
    let expires = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        + ttl;
    AttributeValue::N(expires.as_secs().to_string())
}

fn s(value: String) -> AttributeValue {
    AttributeValue::S(value)
}

fn text(item: &HashMap<String, AttributeValue>, name: &str) -> Option<String> {
    item.get(name).and_then(|v| v.as_s().ok()).cloned()
}

fn unavailable<E: std::error::Error + 'static>(err: E) -> StoreError {
    StoreError::Unavailable(DisplayErrorContext(&err).to_string())
}

/// Every ticket field as an attribute (absent optional fields and empty lists are left out):
/// text as strings, the attachments as a list of maps; plus `pk`.
pub fn ticket_item(ticket: &Ticket) -> HashMap<String, AttributeValue> {
    let mut item: HashMap<String, AttributeValue> = match serde_json::to_value(ticket) {
        Ok(serde_json::Value::Object(fields)) => fields
            .into_iter()
            .filter_map(|(name, value)| Some((name, attribute(value)?)))
            .collect(),
        _ => HashMap::new(),
    };
    item.insert(PARTITION_KEY.to_owned(), s(ticket.ticket_id.clone()));
    item
}

fn attribute(value: serde_json::Value) -> Option<AttributeValue> {
    use serde_json::Value;
    Some(match value {
        Value::String(v) => AttributeValue::S(v),
        Value::Number(n) => AttributeValue::N(n.to_string()),
        Value::Bool(b) => AttributeValue::Bool(b),
        Value::Array(list) => AttributeValue::L(list.into_iter().filter_map(attribute).collect()),
        Value::Object(map) => AttributeValue::M(
            map.into_iter()
                .filter_map(|(k, v)| Some((k, attribute(v)?)))
                .collect(),
        ),
        Value::Null => return None,
    })
}

fn json(value: &AttributeValue) -> Option<serde_json::Value> {
    use serde_json::Value;
    Some(match value {
        AttributeValue::S(v) => Value::String(v.clone()),
        AttributeValue::N(n) => Value::Number(n.parse().ok()?),
        AttributeValue::Bool(b) => Value::Bool(*b),
        AttributeValue::L(list) => Value::Array(list.iter().filter_map(json).collect()),
        AttributeValue::M(map) => Value::Object(
            map.iter()
                .filter_map(|(k, v)| Some((k.clone(), json(v)?)))
                .collect(),
        ),
        _ => return None,
    })
}

/// The inverse of [`ticket_item`]; other attributes (`pk`, `expires_at`) are ignored.
pub fn ticket_from_item(item: &HashMap<String, AttributeValue>) -> Result<Ticket, StoreError> {
    let fields: serde_json::Map<String, serde_json::Value> = item
        .iter()
        .filter(|(name, _)| name.as_str() != TTL_ATTRIBUTE)
        .filter_map(|(name, value)| Some((name.clone(), json(value)?)))
        .collect();
    serde_json::from_value(serde_json::Value::Object(fields))
        .map_err(|e| StoreError::Unavailable(format!("ticket item of unexpected shape: {e}")))
}

impl TicketStore for DynamoStore {
    async fn put(&self, ticket: &Ticket) -> Result<PutOutcome, StoreError> {
        let mut item = ticket_item(ticket);
        item.insert(TTL_ATTRIBUTE.to_owned(), expires_in(self.ticket_retention));
        let result = self
            .client
            .transact_write_items()
            .transact_items(self.put_if_absent(self.guard_item(ticket))?)
            .transact_items(self.put_if_absent(item)?)
            .send()
            .await;
        match result {
            Ok(_) => Ok(PutOutcome::Stored),
            Err(err) => match err.as_service_error() {
                Some(service_error) => self.cancelled(ticket, service_error).await,
                None => Err(unavailable(err)),
            },
        }
    }

    async fn get(&self, ticket_id: &str) -> Result<Option<Ticket>, StoreError> {
        if !ticket_id.starts_with("HC-") {
            return Ok(None); // Never hand out guard items.
        }
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(PARTITION_KEY, s(ticket_id.to_owned()))
            .send()
            .await
            .map_err(unavailable)?;
        output.item().map(ticket_from_item).transpose()
    }

    /// Read consistently: the guard may have just been written.
    async fn ticket_of_submission(
        &self,
        submission_id: &str,
    ) -> Result<Option<String>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(PARTITION_KEY, s(format!("{GUARD_PREFIX}{submission_id}")))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(output.item().and_then(|item| text(item, "ticket_id")))
    }

    async fn list_queue(&self, queue: &str, limit: usize) -> Result<Vec<Ticket>, StoreError> {
        let mut tickets = Vec::new();
        let mut start = None;
        while tickets.len() < limit {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(QUEUE_INDEX)
                .key_condition_expression("#queue = :queue")
                .expression_attribute_names("#queue", "queue")
                .expression_attribute_values(":queue", s(queue.to_owned()))
                .scan_index_forward(true)
                .limit((limit - tickets.len()).min(1000) as i32)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(unavailable)?;
            for item in page.items() {
                tickets.push(ticket_from_item(item)?);
            }
            start = page.last_evaluated_key().cloned();
            if start.is_none() {
                break;
            }
        }
        Ok(tickets)
    }
}

impl DynamoStore {
    /// UpdateItem of `pk` with `update` under `condition` (`names` must all be used, as
    /// DynamoDB refuses unused ones); `Ok(false)` when the condition failed.
    async fn update_if(
        &self,
        pk: &str,
        update: &str,
        condition: &str,
        names: &[(&str, &str)],
        values: Vec<(&str, AttributeValue)>,
    ) -> Result<bool, StoreError> {
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(PARTITION_KEY, s(pk.to_owned()))
            .update_expression(update)
            .condition_expression(condition);
        for (name, attribute) in names {
            request = request.expression_attribute_names(*name, *attribute);
        }
        for (name, value) in values {
            request = request.expression_attribute_values(name, value);
        }
        match request.send().await {
            Ok(_) => Ok(true),
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(err) => Err(unavailable(err)),
        }
    }
}

impl NoticeStore for DynamoStore {
    async fn claim_notice(&self, id: &str, notice: Notice, at: &str) -> Result<bool, StoreError> {
        self.update_if(
            id,
            "SET #at = :at",
            "attribute_exists(#pk) AND attribute_not_exists(#at)",
            &[("#pk", PARTITION_KEY), ("#at", notice.attribute())],
            vec![(":at", s(at.to_owned()))],
        )
        .await
    }

    async fn release_notice(&self, id: &str, notice: Notice, at: &str) -> Result<(), StoreError> {
        self.update_if(
            id,
            "REMOVE #at",
            "attribute_exists(#pk) AND #at = :at",
            &[("#pk", PARTITION_KEY), ("#at", notice.attribute())],
            vec![(":at", s(at.to_owned()))],
        )
        .await
        .map(drop)
    }

    async fn count_ack(
        &self,
        counter: &str,
        limit: u32,
        expires_at: SystemTime,
    ) -> Result<bool, StoreError> {
        let expires = expires_at.duration_since(UNIX_EPOCH).unwrap_or_default();
        self.update_if(
            counter,
            "ADD #count :one SET #expires = if_not_exists(#expires, :expires)",
            "attribute_not_exists(#count) OR #count < :limit",
            &[("#count", "count"), ("#expires", TTL_ATTRIBUTE)],
            vec![
                (":one", AttributeValue::N("1".into())),
                (":limit", AttributeValue::N(limit.to_string())),
                (":expires", AttributeValue::N(expires.as_secs().to_string())),
            ],
        )
        .await
    }

    async fn set_arrived_via(&self, ticket_id: &str, via: ArrivedVia) -> Result<(), StoreError> {
        // The ticket's own serialized form, as `put` writes it.
        let value = serde_json::to_value(via)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        self.update_if(
            ticket_id,
            "SET #via = :via",
            "attribute_exists(#pk)",
            &[("#pk", PARTITION_KEY), ("#via", "arrived_via")],
            vec![(":via", s(value))],
        )
        .await
        .map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_round_trip() {
        let t = crate::testing::ticket(
            "HC-000000001-AAAA",
            "sub-1-0001",
            "billing",
            "2025-01-02T00:00:00.000Z",
        );
        let item = ticket_item(&t);
        assert_eq!(item[PARTITION_KEY], s(t.ticket_id.clone()));
        assert!(!item.contains_key("username"), "absent fields are left out");
        assert!(!item.contains_key("attachments"), "so are empty lists");
        assert_eq!(ticket_from_item(&item).unwrap(), t);
        let mut t = t;
        t.attachments.push(crate::Attachment {
            key: "tickets/HC-000000001-AAAA/0123456789/shot.png".into(),
            name: "shot.png".into(),
            size: 12_345,
            content_type: "image/png".into(),
        });
        t.attachments_failed.push("video.mp4".into());
        let item = ticket_item(&t);
        assert!(matches!(&item["attachments"], AttributeValue::L(list) if list.len() == 1));
        assert_eq!(ticket_from_item(&item).unwrap(), t);
    }
}
