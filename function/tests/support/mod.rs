//! Helpers for the tests that talk to moto's server (DynamoDB + SES v2 + S3) on 127.0.0.1, started by
//! `tests/run`. The table is created from `function/template.yaml`, never from a second copy.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use ticket_function::aws::aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, StreamSpecification, StreamViewType,
    TimeToLiveSpecification,
};
use ticket_function::aws::{
    aws_config, aws_sdk_dynamodb, aws_sdk_s3, aws_sdk_sesv2, dynamodb_config, s3_config,
    sesv2_config, DynamoStore, S3Spool, S3Uploads, SesMailer,
};
use ticket_function::{Config, Deps, ManualClock};

pub(crate) mod spool;

pub(crate) const SENDER: &str = "tickets@example.com";
pub(crate) const FALLBACK: &str = "support@example.com";
pub(crate) const SITE: &str = "https://help.example.com";
/// A port nothing listens on: connections are refused at once.
pub(crate) const CLOSED: &str = "http://127.0.0.1:1";

pub(crate) mod stream;
pub(crate) mod worker;

pub(crate) type Stack = Deps<DynamoStore, SesMailer, S3Spool, S3Uploads, ManualClock>;

/// moto's address, from the test runner. Missing means the tests were not started by it: fail
/// loudly rather than pass without having tested anything.
pub(crate) fn endpoint() -> String {
    match std::env::var("AWS_ENDPOINT_URL") {
        Ok(url) if !url.trim().is_empty() => url.trim_end_matches('/').to_owned(),
        _ => panic!(
            "AWS_ENDPOINT_URL is not set: these tests need moto's DynamoDB and SES server. \
             Run them with `tests/run` from the repository root (it installs and starts moto)."
        ),
    }
}

/// SDK settings for moto: fixed region and dummy credentials, so nothing depends on the machine.
pub(crate) async fn sdk_config() -> aws_config::SdkConfig {
    let credentials =
        aws_sdk_dynamodb::config::Credentials::new("test", "test", None, None, "tests");
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(credentials)
        .endpoint_url(endpoint())
        .load()
        .await
}

/// A name no other test (or earlier run against the same moto) uses.
pub(crate) fn unique(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .subsec_nanos();
    format!(
        "{prefix}-{}-{}-{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

pub(crate) fn template() -> serde_norway::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/template.yaml");
    let text = std::fs::read_to_string(path).expect("function/template.yaml is readable");
    serde_norway::from_str(&text)
        .expect("function/template.yaml is valid YAML (CloudFormation tags included)")
}

/// The one resource of `kind` in the template: (logical id, properties).
pub(crate) fn resource<'a>(
    template: &'a serde_norway::Value,
    kind: &str,
) -> (String, &'a serde_norway::Value) {
    let resources = template["Resources"]
        .as_mapping()
        .expect("Resources is a mapping");
    let mut found = resources
        .iter()
        .filter(|(_, r)| r["Type"].as_str() == Some(kind));
    let (name, resource) = found
        .next()
        .unwrap_or_else(|| panic!("no {kind} in the template"));
    assert!(
        found.next().is_none(),
        "more than one {kind} in the template"
    );
    (
        name.as_str().unwrap_or_default().to_owned(),
        &resource["Properties"],
    )
}

fn key_schema(value: &serde_norway::Value) -> Vec<KeySchemaElement> {
    let elements = value.as_sequence().expect("KeySchema is a list");
    elements
        .iter()
        .map(|k| {
            KeySchemaElement::builder()
                .attribute_name(k["AttributeName"].as_str().expect("AttributeName"))
                .key_type(KeyType::from(k["KeyType"].as_str().expect("KeyType")))
                .build()
                .expect("complete key schema element")
        })
        .collect()
}

/// CreateTable (+ UpdateTimeToLive) from the template's table definition, under `name`; the
/// ARN of its stream.
pub(crate) async fn create_table(client: &aws_sdk_dynamodb::Client, name: &str) -> Option<String> {
    let template = template();
    let (_, table) = resource(&template, "AWS::DynamoDB::Table");
    let mut create = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::from(
            table["BillingMode"].as_str().expect("BillingMode"),
        ))
        .set_key_schema(Some(key_schema(&table["KeySchema"])));
    for attribute in table["AttributeDefinitions"]
        .as_sequence()
        .expect("AttributeDefinitions")
    {
        create = create.attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(attribute["AttributeName"].as_str().expect("AttributeName"))
                .attribute_type(ScalarAttributeType::from(
                    attribute["AttributeType"].as_str().expect("AttributeType"),
                ))
                .build()
                .expect("complete attribute definition"),
        );
    }
    for index in table["GlobalSecondaryIndexes"]
        .as_sequence()
        .into_iter()
        .flatten()
    {
        let projection = ProjectionType::from(
            index["Projection"]["ProjectionType"]
                .as_str()
                .expect("ProjectionType"),
        );
        create = create.global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(index["IndexName"].as_str().expect("IndexName"))
                .set_key_schema(Some(key_schema(&index["KeySchema"])))
                .projection(Projection::builder().projection_type(projection).build())
                .build()
                .expect("complete index"),
        );
    }
    if let Some(view) = table["StreamSpecification"]["StreamViewType"].as_str() {
        create = create.stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::from(view))
                .build()
                .expect("complete stream specification"),
        );
    }
    let created = create.send().await.unwrap_or_else(|e| {
        panic!(
            "CreateTable {name}: {}",
            aws_sdk_dynamodb::error::DisplayErrorContext(&e)
        )
    });
    enable_ttl(client, name, &table["TimeToLiveSpecification"]).await;
    created
        .table_description()
        .and_then(|t| t.latest_stream_arn())
        .map(str::to_owned)
}

/// UpdateTimeToLive as the template's `TimeToLiveSpecification` says.
async fn enable_ttl(client: &aws_sdk_dynamodb::Client, name: &str, ttl: &serde_norway::Value) {
    client
        .update_time_to_live()
        .table_name(name)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .attribute_name(ttl["AttributeName"].as_str().expect("TTL AttributeName"))
                .enabled(ttl["Enabled"].as_bool().expect("TTL Enabled"))
                .build()
                .expect("complete TTL specification"),
        )
        .send()
        .await
        .unwrap_or_else(|e| {
            panic!(
                "UpdateTimeToLive {name}: {}",
                aws_sdk_dynamodb::error::DisplayErrorContext(&e)
            )
        });
}

#[derive(Default)]
pub(crate) struct StackOptions {
    pub(crate) dynamodb_endpoint: Option<String>,
    pub(crate) ses_endpoint: Option<String>,
    pub(crate) s3_endpoint: Option<String>,
    pub(crate) rate_limit_per_minute: u32,
    /// Instead of the production 2.5 s (the load test: moto is far slower than DynamoDB).
    pub(crate) store_timeout: Option<Duration>,
}

/// The table and the uploads bucket a stack works on (made fresh by [`stack`]).
#[derive(Clone)]
pub(crate) struct Resources {
    pub(crate) table: String,
    pub(crate) bucket: String,
}

/// An S3 client for moto with path-style addressing (bucket names do not resolve as hosts).
pub(crate) fn s3_admin(shared: &aws_config::SdkConfig) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(shared)
            .force_path_style(true)
            .build(),
    )
}

/// The handler's dependencies against moto: a fresh table from the template and a fresh uploads
/// bucket, SES with the sender identity created, production timeouts, a clock that starts now.
pub(crate) async fn stack(options: StackOptions) -> (Stack, String, aws_sdk_dynamodb::Client) {
    let resources = fresh_resources().await;
    let admin = aws_sdk_dynamodb::Client::new(&sdk_config().await);
    (stack_on(options, &resources).await, resources.table, admin)
}

/// A table from the template and an uploads bucket no other test uses; the SES sender identity.
pub(crate) async fn fresh_resources() -> Resources {
    let shared = sdk_config().await;
    let resources = Resources {
        table: unique("tickets"),
        bucket: unique("uploads"),
    };
    create_table(&aws_sdk_dynamodb::Client::new(&shared), &resources.table).await;
    create_bucket(&shared, &resources.bucket).await;
    // Makes the sender usable at once; it may exist from another test already.
    let _ = aws_sdk_sesv2::Client::new(&shared)
        .create_email_identity()
        .email_identity(SENDER)
        .send()
        .await;
    resources
}

pub(crate) async fn create_bucket(shared: &aws_config::SdkConfig, name: &str) {
    let created = s3_admin(shared).create_bucket().bucket(name).send().await;
    if let Err(e) = created {
        let e = aws_sdk_s3::error::DisplayErrorContext(&e);
        panic!("CreateBucket {name}: {e}");
    }
}

/// Another stack on the same table and bucket (e.g. with other services down).
pub(crate) async fn stack_on(options: StackOptions, resources: &Resources) -> Stack {
    let (store, mailer, spool, uploads, config) = clients(options, resources).await;
    Deps::new(
        store,
        mailer,
        spool,
        uploads,
        ManualClock::new(SystemTime::now()),
        config,
    )
}

/// The store, mailer, spool and uploads of a stack and its settings (production timeouts), for tests
/// that wrap one of them.
pub(crate) async fn clients(
    options: StackOptions,
    resources: &Resources,
) -> (DynamoStore, SesMailer, S3Spool, S3Uploads, Config) {
    let shared = sdk_config().await;
    let mut config = Config::local(ticket_function::testing::contract(), vec![SITE.into()]);
    config.fallback_email = FALLBACK.into();
    config.sender_email = SENDER.into();
    config.rate_limit_per_minute = options.rate_limit_per_minute;
    config.store_timeout = options
        .store_timeout
        .unwrap_or(Duration::from_millis(2_500));
    config.mail_timeout = Duration::from_millis(4_000);
    config.spool_timeout = Duration::from_millis(1_500);
    let endpoint = |url: Option<String>| url.unwrap_or_else(endpoint);
    let dynamo = dynamodb_config(&shared, config.store_timeout)
        .endpoint_url(endpoint(options.dynamodb_endpoint))
        .build();
    let ses = sesv2_config(&shared, config.mail_timeout)
        .endpoint_url(endpoint(options.ses_endpoint))
        .build();
    let s3 = s3_config(&shared, config.spool_timeout)
        .endpoint_url(endpoint(options.s3_endpoint))
        .build();
    let store = DynamoStore::new(
        aws_sdk_dynamodb::Client::from_conf(dynamo),
        &resources.table,
        Duration::from_secs(86_400),
    );
    let mailer = SesMailer::new(aws_sdk_sesv2::Client::from_conf(ses));
    let s3 = aws_sdk_s3::Client::from_conf(s3);
    let spool = S3Spool::new(s3.clone(), &resources.bucket);
    let uploads = S3Uploads::new(s3, &resources.bucket);
    (store, mailer, spool, uploads, config)
}

pub(crate) fn json_request(body: &serde_json::Value) -> http::Request<Bytes> {
    http::Request::post("/tickets")
        .header("content-type", "application/json")
        .header("origin", SITE)
        .header("x-forwarded-for", "198.51.100.23")
        .body(Bytes::from(body.to_string()))
        .expect("a valid request")
}

pub(crate) fn body_json(response: &http::Response<Bytes>) -> serde_json::Value {
    serde_json::from_slice(response.body()).unwrap_or_else(|e| {
        panic!(
            "JSON answer expected ({e}): {:?}",
            String::from_utf8_lossy(response.body())
        )
    })
}

/// GET a path of moto's own API (e.g. `/moto-api/data.json`) as JSON, over plain HTTP/1.0.
///
/// `data.json` is made from references to moto's live objects: a write by a concurrent test
/// between its two serialisation passes (a new stream record, say) makes it answer 500 once. A
/// few tries ride that out; a real failure still fails.
pub(crate) fn moto_get(path: &str) -> serde_json::Value {
    let head = format!("GET {path} HTTP/1.0\r\nAccept: application/json\r\n");
    for _ in 0..5 {
        match moto_request(&head, "") {
            Ok(answer) => return answer,
            Err(_) => std::thread::sleep(Duration::from_millis(200)),
        }
    }
    moto_http(&head, "")
}

/// One request to moto over plain HTTP/1.0 (`head`: the request line and headers but `Host`),
/// its 200 answer as JSON.
pub(crate) fn moto_http(head: &str, body: &str) -> serde_json::Value {
    moto_request(head, body).unwrap_or_else(|answer| panic!("moto answered {answer}"))
}

/// The JSON of a 200 answer, or the head of any other.
fn moto_request(head: &str, body: &str) -> Result<serde_json::Value, String> {
    let url = endpoint();
    let host = url.trim_start_matches("http://");
    let mut stream =
        TcpStream::connect(host).unwrap_or_else(|e| panic!("connect to moto at {host}: {e}"));
    // data.json serialises every service's state: after the load test's thousand tickets on a
    // busy machine that takes more than ten seconds.
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("set timeout");
    write!(stream, "{head}Host: {host}\r\n\r\n{body}").expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read moto's answer");
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP answer");
    if !(head.starts_with("HTTP/1.") && head.contains(" 200 ")) {
        return Err(head.to_owned());
    }
    Ok(serde_json::from_str(body).expect("moto's JSON"))
}

/// Raw MIME messages SES (moto) accepted so far.
pub(crate) fn sent_raw_emails() -> Vec<String> {
    let data = moto_get("/moto-api/data.json");
    let messages = data["ses"]["RawMessage"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    messages
        .iter()
        .filter_map(|m| m["raw_data"].as_str().map(str::to_owned))
        .collect()
}
