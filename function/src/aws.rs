//! The AWS adapters (feature `aws`): the DynamoDB store, the SES v2 mailer, SDK clients with
//! short explicit timeouts, and the Lambda HTTP adapter around [`handle`].
//!
//! Table layout (defined once, in `template.yaml`): partition key `pk` (string), no sort key.
//! - A ticket item: `pk` = the ticket id, every [`Ticket`] field as a string attribute.
//! - A guard item per submission: `pk` = `submission#<submission_id>`, `ticket_id`, and
//!   `expires_at` (the table's TTL attribute) so it is forgotten after `SUBMISSION_TTL_DAYS`.
//!
//! Both are written in one `TransactWriteItems`, each with `attribute_not_exists(pk)`: the guard
//! makes a retry of the same submission fail its condition (and we answer the ticket id stored in
//! the guard), the ticket's own condition catches an id clash. Keying the ticket by its id (rather
//! than by submission id) keeps `GetItem` by the id support reads out on the phone; guard items
//! have no `queue`, so the sparse `queue-received_at` index lists tickets only, oldest first.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use aws_config;
pub use aws_sdk_dynamodb;
pub use aws_sdk_sesv2;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem,
};
use bytes::Bytes;
use lambda_http::{Body, RequestExt};

use crate::clock::SystemClock;
use crate::config::Settings;
use crate::handler::{handle, ClientAddr, Deps, RequestId};
use crate::mail::{Email, MailError, Mailer};
use crate::store::{PutOutcome, StoreError, TicketStore};
use crate::ticket::Ticket;

/// The table's partition key.
pub const PARTITION_KEY: &str = "pk";
/// The global secondary index listing a queue's tickets by `received_at`.
pub const QUEUE_INDEX: &str = "queue-received_at";
/// The table's TTL attribute (epoch seconds).
pub const TTL_ATTRIBUTE: &str = "expires_at";
const GUARD_PREFIX: &str = "submission#";

/// The Lambda's dependencies.
pub type LambdaDeps = Deps<DynamoStore, SesMailer, SystemClock>;

/// The SDK's shared settings from the standard environment (`AWS_REGION`, credentials,
/// `AWS_ENDPOINT_URL[_DYNAMODB|_SESV2]`).
pub async fn load_sdk_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest()).load().await
}

/// Two attempts at most, with a short backoff: a slow service must leave time for the fallback.
pub fn retry_config() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(2)
        .with_initial_backoff(Duration::from_millis(50))
        .with_max_backoff(Duration::from_millis(200))
}

/// Timeouts that fit `operation` (all attempts included). The SDK has none by default: a server
/// that accepts and never answers would hang the call for the whole Lambda budget.
pub fn timeout_config(operation: Duration) -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout((operation / 5).min(Duration::from_millis(500)))
        .read_timeout(operation * 2 / 5)
        .operation_attempt_timeout(operation * 2 / 5)
        .operation_timeout(operation)
        .build()
}

/// A DynamoDB client builder with the function's timeouts and retries; tests add an endpoint.
pub fn dynamodb_config(
    shared: &SdkConfig,
    operation: Duration,
) -> aws_sdk_dynamodb::config::Builder {
    aws_sdk_dynamodb::config::Builder::from(shared)
        .timeout_config(timeout_config(operation))
        .retry_config(retry_config())
}

/// An SES v2 client builder with the function's timeouts and retries; tests add an endpoint.
pub fn sesv2_config(shared: &SdkConfig, operation: Duration) -> aws_sdk_sesv2::config::Builder {
    aws_sdk_sesv2::config::Builder::from(shared)
        .timeout_config(timeout_config(operation))
        .retry_config(retry_config())
}

/// Wires the Lambda's dependencies from its settings and the SDK environment.
pub async fn lambda_deps(settings: Settings) -> LambdaDeps {
    let shared = load_sdk_config().await;
    let dynamodb = aws_sdk_dynamodb::Client::from_conf(
        dynamodb_config(&shared, settings.config.store_timeout).build(),
    );
    let ses = aws_sdk_sesv2::Client::from_conf(
        sesv2_config(&shared, settings.config.mail_timeout).build(),
    );
    let store = DynamoStore::new(dynamodb, &settings.tickets_table, settings.submission_ttl);
    Deps::new(store, SesMailer::new(ses), SystemClock, settings.config)
}

/// Serves Lambda invocations (API Gateway HTTP API, REST API, Function URL, ALB) until the
/// runtime stops.
pub async fn run(deps: Arc<LambdaDeps>) -> Result<(), lambda_http::Error> {
    lambda_http::run(lambda_http::service_fn(
        move |event: lambda_http::Request| {
            let deps = Arc::clone(&deps);
            async move { Ok::<_, Infallible>(to_lambda(handle(from_lambda(event), &deps).await)) }
        },
    ))
    .await
}

/// A Lambda request as the handler's `http::Request<Bytes>`. lambda_http already decoded
/// base64 bodies; the client address comes from the request context, never from headers the
/// client could set.
pub fn from_lambda(event: lambda_http::Request) -> http::Request<Bytes> {
    let client = source_ip(&event);
    let request_id = event.lambda_context_ref().map(|c| c.request_id.clone());
    let (mut parts, body) = event.into_parts();
    if let Some(ip) = client {
        parts.extensions.insert(ClientAddr(ip));
    }
    if let Some(id) = request_id.filter(|id| !id.is_empty()) {
        parts.extensions.insert(RequestId(id));
    }
    let bytes = match body {
        Body::Empty => Bytes::new(),
        Body::Text(text) => Bytes::from(text),
        Body::Binary(data) => Bytes::from(data),
        other => Bytes::copy_from_slice(other.as_ref()),
    };
    http::Request::from_parts(parts, bytes)
}

fn source_ip(event: &lambda_http::Request) -> Option<IpAddr> {
    use lambda_http::request::RequestContext;
    let ip = match event.request_context_ref()? {
        RequestContext::ApiGatewayV2(ctx) => ctx.http.source_ip.as_deref(),
        RequestContext::ApiGatewayV1(ctx) => ctx.identity.source_ip.as_deref(),
        _ => None, // ALB and others carry no source address in their context.
    };
    ip?.parse().ok()
}

/// The handler's answer as a Lambda response (text bodies stay text, so no base64 round trip).
pub fn to_lambda(response: http::Response<Bytes>) -> http::Response<Body> {
    response.map(|bytes| match String::from_utf8(bytes.to_vec()) {
        Ok(text) if text.is_empty() => Body::Empty,
        Ok(text) => Body::Text(text),
        Err(e) => Body::Binary(e.into_bytes()),
    })
}

/// Tickets in DynamoDB (see the module docs for the layout).
#[derive(Debug, Clone)]
pub struct DynamoStore {
    client: aws_sdk_dynamodb::Client,
    table: String,
    submission_ttl: Duration,
}

impl DynamoStore {
    pub fn new(client: aws_sdk_dynamodb::Client, table: &str, submission_ttl: Duration) -> Self {
        DynamoStore {
            client,
            table: table.to_owned(),
            submission_ttl,
        }
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
        let expires = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            + self.submission_ttl;
        HashMap::from([
            (
                PARTITION_KEY.to_owned(),
                s(format!("{GUARD_PREFIX}{}", ticket.submission_id)),
            ),
            ("ticket_id".to_owned(), s(ticket.ticket_id.clone())),
            ("submission_id".to_owned(), s(ticket.submission_id.clone())),
            (
                TTL_ATTRIBUTE.to_owned(),
                AttributeValue::N(expires.as_secs().to_string()),
            ),
        ])
    }

    /// The ticket id a stored submission got (read consistently: the guard was just written).
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

fn s(value: String) -> AttributeValue {
    AttributeValue::S(value)
}

fn text(item: &HashMap<String, AttributeValue>, name: &str) -> Option<String> {
    item.get(name).and_then(|v| v.as_s().ok()).cloned()
}

fn unavailable<E: std::error::Error + 'static>(err: E) -> StoreError {
    StoreError::Unavailable(DisplayErrorContext(&err).to_string())
}

/// Every ticket field as a string attribute (absent optional fields are left out), plus `pk`.
pub fn ticket_item(ticket: &Ticket) -> HashMap<String, AttributeValue> {
    let mut item: HashMap<String, AttributeValue> = match serde_json::to_value(ticket) {
        Ok(serde_json::Value::Object(fields)) => fields
            .into_iter()
            .filter_map(|(name, value)| match value {
                serde_json::Value::String(v) => Some((name, s(v))),
                _ => None,
            })
            .collect(),
        _ => HashMap::new(),
    };
    item.insert(PARTITION_KEY.to_owned(), s(ticket.ticket_id.clone()));
    item
}

/// The inverse of [`ticket_item`]; other attributes (`pk`, `expires_at`) are ignored.
pub fn ticket_from_item(item: &HashMap<String, AttributeValue>) -> Result<Ticket, StoreError> {
    let fields: serde_json::Map<String, serde_json::Value> = item
        .iter()
        .filter_map(|(name, value)| {
            value
                .as_s()
                .ok()
                .map(|v| (name.clone(), serde_json::Value::String(v.clone())))
        })
        .collect();
    serde_json::from_value(serde_json::Value::Object(fields))
        .map_err(|e| StoreError::Unavailable(format!("ticket item of unexpected shape: {e}")))
}

impl TicketStore for DynamoStore {
    async fn put(&self, ticket: &Ticket) -> Result<PutOutcome, StoreError> {
        let result = self
            .client
            .transact_write_items()
            .transact_items(self.put_if_absent(self.guard_item(ticket))?)
            .transact_items(self.put_if_absent(ticket_item(ticket))?)
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

/// Sends emails through SES v2 as raw MIME, so `Reply-To` and the encoded subject arrive as built.
#[derive(Debug, Clone)]
pub struct SesMailer {
    client: aws_sdk_sesv2::Client,
}

impl SesMailer {
    pub fn new(client: aws_sdk_sesv2::Client) -> Self {
        SesMailer { client }
    }
}

impl Mailer for SesMailer {
    async fn send(&self, email: &Email) -> Result<(), MailError> {
        use aws_sdk_sesv2::primitives::Blob;
        use aws_sdk_sesv2::types::{Destination, EmailContent, RawMessage};
        let raw = RawMessage::builder()
            .data(Blob::new(email.to_mime().into_bytes()))
            .build()
            .map_err(|e| MailError::Unavailable(e.to_string()))?;
        self.client
            .send_email()
            .from_email_address(&email.from)
            .destination(Destination::builder().to_addresses(&email.to).build())
            .content(EmailContent::builder().raw(raw).build())
            .send()
            .await
            .map_err(|e| {
                MailError::Unavailable(aws_sdk_sesv2::error::DisplayErrorContext(&e).to_string())
            })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An API Gateway HTTP API (payload 2.0) event, as Function URLs send it too.
    fn event(body: &str, base64: bool) -> String {
        serde_json::json!({
            "version": "2.0",
            "routeKey": "POST /tickets",
            "rawPath": "/tickets",
            "rawQueryString": "",
            "headers": {"content-type": "application/json", "x-forwarded-for": "6.6.6.6"},
            "requestContext": {
                "accountId": "123456789012", "apiId": "api", "domainName": "api.example.com",
                "domainPrefix": "api", "requestId": "req-1", "routeKey": "POST /tickets", "stage": "$default",
                "time": "02/Jan/2025:03:04:05 +0000", "timeEpoch": 1735787045000u64,
                "http": {"method": "POST", "path": "/tickets", "protocol": "HTTP/1.1",
                         "sourceIp": "198.51.100.7", "userAgent": "test"}
            },
            "body": body,
            "isBase64Encoded": base64
        })
        .to_string()
    }

    #[test]
    fn lambda_events_become_plain_requests() {
        use base64::Engine;
        let encoded = base64::engine::general_purpose::STANDARD.encode(r#"{"subject":"Hi"}"#);
        let request = from_lambda(lambda_http::request::from_str(&event(&encoded, true)).unwrap());
        assert_eq!(request.body().as_ref(), br#"{"subject":"Hi"}"#);
        assert_eq!(request.method(), http::Method::POST);
        // The context's source address wins over a header the client could forge.
        assert_eq!(
            request.extensions().get::<ClientAddr>(),
            Some(&ClientAddr("198.51.100.7".parse().unwrap()))
        );
        let plain = from_lambda(lambda_http::request::from_str(&event("{}", false)).unwrap());
        assert_eq!(plain.body().as_ref(), b"{}");
    }

    #[test]
    fn responses_stay_text() {
        let response = to_lambda(http::Response::new(Bytes::from_static(b"{\"a\":1}")));
        assert!(matches!(response.body(), Body::Text(t) if t == "{\"a\":1}"));
        let empty = to_lambda(http::Response::new(Bytes::new()));
        assert!(matches!(empty.body(), Body::Empty));
    }

    #[test]
    fn items_round_trip() {
        let t = crate::store::tests::ticket(
            "HC-000000001-AAAA",
            "sub-1-0001",
            "billing",
            "2025-01-02T00:00:00.000Z",
        );
        let item = ticket_item(&t);
        assert_eq!(item[PARTITION_KEY], s(t.ticket_id.clone()));
        assert!(!item.contains_key("username"), "absent fields are left out");
        assert_eq!(ticket_from_item(&item).unwrap(), t);
    }

    #[test]
    fn timeouts_fit_the_budget() {
        let t = timeout_config(Duration::from_millis(2500));
        assert_eq!(t.operation_timeout(), Some(Duration::from_millis(2500)));
        assert_eq!(
            t.operation_attempt_timeout(),
            Some(Duration::from_millis(1000))
        );
        assert_eq!(t.connect_timeout(), Some(Duration::from_millis(500)));
    }
}
