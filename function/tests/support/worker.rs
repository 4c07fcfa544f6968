//! The ticket worker's test bench against moto: a table from the template with its stream,
//! tickets put through the real `DynamoStore`, the stream read back as the Lambda event, and
//! the emails SES accepted, by ticket and kind.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use mail_parser::{Address, Message, MessageParser};
use serde_json::Value;
use ticket_function::aws::aws_sdk_dynamodb::types::AttributeValue;
use ticket_function::aws::{aws_config, aws_sdk_dynamodb, aws_sdk_s3, aws_sdk_sesv2};
use ticket_function::aws::{dynamodb_config, s3_config, sesv2_config, DynamoStore, S3Uploads};
use ticket_function::aws::{SesMailer, PARTITION_KEY};
use ticket_function::contract::MIB;
use ticket_function::notify::NotifyConfig;
use ticket_function::ticket::{new_ticket_id, Ticket};
use ticket_function::worker::stream::{self, WorkerEvent};
use ticket_function::worker::{handle_records, BatchResponse, WorkerDeps, WorkerSettings};
use ticket_function::{Mailer, ManualClock, Spool, TicketStore};

use super::stream::StreamReader;
use super::{create_bucket, create_table, sdk_config, sent_raw_emails, unique, FALLBACK, SENDER};

/// A table from the template with its stream, an uploads bucket, and the SES sender.
pub(crate) struct Setup {
    pub(crate) shared: aws_config::SdkConfig,
    pub(crate) table: String,
    pub(crate) bucket: String,
    pub(crate) admin: aws_sdk_dynamodb::Client,
    pub(crate) reader: StreamReader,
}

pub(crate) type Worker<M, P> = WorkerDeps<DynamoStore, M, P, S3Uploads, ManualClock>;

pub(crate) async fn setup() -> Setup {
    let shared = sdk_config().await;
    let admin = aws_sdk_dynamodb::Client::new(&shared);
    let table = unique("worker");
    let arn = create_table(&admin, &table)
        .await
        .expect("the template's table has a stream");
    let bucket = unique("files");
    create_bucket(&shared, &bucket).await;
    // Makes the sender usable at once; it may exist from another test already.
    let _ = aws_sdk_sesv2::Client::new(&shared)
        .create_email_identity()
        .email_identity(SENDER)
        .send()
        .await;
    Setup {
        shared,
        table,
        bucket,
        admin,
        reader: StreamReader::new(arn),
    }
}

impl Setup {
    pub(crate) fn store(&self) -> DynamoStore {
        let config = dynamodb_config(&self.shared, Duration::from_millis(2_500)).build();
        let client = aws_sdk_dynamodb::Client::from_conf(config);
        DynamoStore::new(client, &self.table, Duration::from_secs(86_400))
    }

    /// The uploads bucket on moto, as the worker's binary makes it.
    pub(crate) fn uploads(&self) -> S3Uploads {
        self.uploads_within(Duration::from_millis(1_500))
    }

    /// The same bucket for putting a test's files there: a busy machine may take moto longer
    /// than the worker's budget to store megabytes, and that is not what a test is about.
    pub(crate) fn patient_uploads(&self) -> S3Uploads {
        self.uploads_within(Duration::from_secs(60))
    }

    fn uploads_within(&self, timeout: Duration) -> S3Uploads {
        let config = s3_config(&self.shared, timeout).build();
        S3Uploads::new(aws_sdk_s3::Client::from_conf(config), &self.bucket)
    }

    /// SES on moto, or at `endpoint` (a closed port: SES down).
    pub(crate) fn mailer(&self, endpoint: Option<&str>) -> SesMailer {
        let mut config = sesv2_config(&self.shared, Duration::from_millis(4_000));
        if let Some(url) = endpoint {
            config = config.endpoint_url(url);
        }
        SesMailer::new(aws_sdk_sesv2::Client::from_conf(config.build()))
    }

    /// The worker's settings from an environment with `QUEUE_ROUTES` = `routes`.
    pub(crate) fn config(&self, routes: Option<&str>) -> NotifyConfig {
        let mut vars = env(&self.table);
        if let Some(routes) = routes {
            vars.insert("QUEUE_ROUTES".into(), routes.into());
        }
        let mut config = WorkerSettings::from_map(&vars).expect("settings").notify;
        config.spool_settle = Duration::ZERO;
        config
    }

    pub(crate) fn worker<M: Mailer, P: Spool>(
        &self,
        mailer: M,
        spool: P,
        config: NotifyConfig,
    ) -> Worker<M, P> {
        WorkerDeps {
            store: self.store(),
            mailer,
            spool,
            uploads: self.uploads(),
            clock: ManualClock::new(SystemTime::now()),
            config,
        }
    }

    pub(crate) async fn put(&self, ticket: &Ticket) {
        self.store().put(ticket).await.expect("stored");
    }

    pub(crate) async fn item(&self, ticket_id: &str) -> HashMap<String, AttributeValue> {
        let item = self.admin.get_item().table_name(&self.table);
        let found = item
            .key(PARTITION_KEY, AttributeValue::S(ticket_id.into()))
            .send()
            .await;
        found.expect("get").item().cloned().expect("the item")
    }
}

pub(crate) fn env(table: &str) -> HashMap<String, String> {
    let contract = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ticket-contract.json"
    );
    [
        ("TICKETS_TABLE", table),
        ("TICKET_CONTRACT", contract),
        ("FALLBACK_EMAIL", FALLBACK),
        ("SENDER_EMAIL", SENDER),
        ("UPLOADS_BUCKET", "uploads"),
        ("CLIENT_HASH_SALT", "worker-test-salt-0123456789"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// Hands `event` to the worker as the Lambda runtime would.
pub(crate) async fn deliver<M: Mailer, P: Spool>(
    worker: &Worker<M, P>,
    event: Value,
) -> BatchResponse {
    let WorkerEvent::Stream(event) = WorkerEvent::from_json(event) else {
        panic!("not a stream event");
    };
    handle_records(&stream::records(event), worker).await
}

/// The sequence numbers of the ticket items' records (the guards' records come before each).
pub(crate) fn ticket_sequences(event: &Value) -> Vec<String> {
    let records = event["Records"].as_array().expect("records");
    let tickets = records.iter().filter(|r| {
        let pk = r["dynamodb"]["Keys"]["pk"]["S"].as_str();
        pk.is_some_and(|pk| pk.starts_with("HC-"))
    });
    let sequence = |r: &Value| r["dynamodb"]["SequenceNumber"].as_str().map(str::to_owned);
    tickets.filter_map(sequence).collect()
}

pub(crate) fn failures(response: &BatchResponse) -> Vec<&str> {
    let failures = response.batch_item_failures.iter();
    failures.map(|f| f.item_identifier.as_str()).collect()
}

/// A `users/billing/refunds` ticket from ada@example.org, received now, with a fresh id.
pub(crate) fn new_ticket(subject: &str) -> Ticket {
    let now = SystemTime::now();
    let received = ticket_function::clock::rfc3339_ms(now);
    let mut t =
        ticket_function::testing::ticket(&new_ticket_id(now), &unique("sub"), "billing", &received);
    t.subject = subject.into();
    t.description =
        "Charged twice for order 77.\nThe second charge = 9,99 € — please refund.".into();
    t
}

/// The `.team` or `.ack` emails SES accepted for a ticket, raw.
pub(crate) fn sent(ticket_id: &str, kind: &str) -> Vec<String> {
    let wanted = format!("{ticket_id}.{kind}@example.com");
    let all = sent_raw_emails().into_iter();
    all.filter(|raw| parse(raw).message_id() == Some(wanted.as_str()))
        .collect()
}

/// The one email of a kind for a ticket.
pub(crate) fn one(ticket_id: &str, kind: &str) -> String {
    let mut found = sent(ticket_id, kind);
    assert_eq!(found.len(), 1, "one {kind} email for {ticket_id}");
    found.remove(0)
}

pub(crate) fn parse(raw: &str) -> Message<'_> {
    MessageParser::default()
        .parse(raw.as_bytes())
        .expect("a MIME message")
}

pub(crate) fn first(list: Option<&Address<'_>>) -> Option<String> {
    list?.first()?.address().map(str::to_owned)
}

pub(crate) fn body(raw: &str) -> String {
    let message = parse(raw);
    message
        .body_text(0)
        .expect("a text body")
        .replace("\r\n", "\n")
}

/// The header block of a raw message (before the first empty line).
pub(crate) fn header_names(raw: &str) -> Vec<String> {
    let head = raw.split("\r\n\r\n").next().unwrap_or_default();
    let lines = head.split("\r\n").filter(|l| !l.starts_with([' ', '\t']));
    lines
        .filter_map(|l| l.split_once(':').map(|(n, _)| n.to_ascii_lowercase()))
        .collect()
}

/// A GET of `url` (a presigned link): its status, `Content-Disposition` and body.
pub(crate) fn download(url: &str) -> (u16, String, Vec<u8>) {
    let mut response = ureq::get(url).call().expect("the link answers");
    let disposition = response.headers().get("content-disposition");
    let disposition = disposition
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let disposition = disposition.to_owned();
    let body = response.body_mut().with_config().limit(64 * MIB);
    let bytes = body.read_to_vec().expect("the file");
    (response.status().as_u16(), disposition, bytes)
}
