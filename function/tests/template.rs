//! `template.yaml` against the code: cfn-lint (run by `tests/run`) checks the resources it knows,
//! but not the functions' properties; this test checks those, and that the table, the index, the
//! TTL attribute, the stream, the IAM actions and the settings match what the code uses.

mod cfn;
mod support;

use cfn::{
    actions, allowing, env_names, function, named, statements, strings, target, text, whole,
};
use serde_norway::Value;
use support::{resource, template};
use ticket_function::aws::{PARTITION_KEY, QUEUE_INDEX, TTL_ATTRIBUTE};
use ticket_function::config::{FUNCTION_BUDGET, VARIABLES};
use ticket_function::spool::SPOOL_PREFIX;
use ticket_function::ticket::new_ticket_id;
use ticket_function::uploads::{PENDING_PREFIX, TICKETS_PREFIX};
use ticket_function::worker::WORKER_VARIABLES;

const HTTP_FUNCTION: &str = "TicketFunction";
const WORKER: &str = "TicketWorker";

fn objects(prefix: &str) -> String {
    format!("!Sub ${{UploadsBucket.Arn}}/{prefix}*")
}

fn spool_objects() -> String {
    objects(SPOOL_PREFIX)
}

#[test]
fn the_function_is_arm64_on_provided_al2023_within_the_budget() {
    let template = template();
    let function = function(&template, HTTP_FUNCTION);
    assert_eq!(function["Runtime"].as_str(), Some("provided.al2023"));
    assert_eq!(strings(&function["Architectures"]), ["arm64"]);
    assert_eq!(function["Handler"].as_str(), Some("bootstrap"));
    assert_eq!(
        function["CodeUri"].as_str(),
        Some("../target/lambda/ticket-function/")
    );
    assert_eq!(
        function["Timeout"].as_u64(),
        Some(FUNCTION_BUDGET.as_secs())
    );
    let names = env_names(function);
    for required in [
        "TICKETS_TABLE",
        "TICKET_CONTRACT",
        "FALLBACK_EMAIL",
        "SENDER_EMAIL",
        "ALLOWED_ORIGINS",
        "CLIENT_HASH_SALT",
        "UPLOADS_BUCKET",
        "S3_TIMEOUT_MS",
    ] {
        assert!(names.contains(&required), "{required} is set");
    }
    for name in names {
        assert!(
            VARIABLES.contains(&name) || name == "RUST_LOG",
            "{name} is a setting the function reads"
        );
    }
    // `!Ref TicketsTable` arrives as a tagged value.
    let table_ref = &function["Environment"]["Variables"]["TICKETS_TABLE"];
    assert!(
        matches!(table_ref, Value::Tagged(t) if t.tag == "Ref" && t.value.as_str() == Some("TicketsTable"))
    );
    assert_eq!(
        text(&function["Environment"]["Variables"]["UPLOADS_BUCKET"]),
        "!Ref UploadsBucket"
    );
}

#[test]
fn the_worker_is_arm64_on_provided_al2023_with_its_own_logs() {
    let template = template();
    let worker = function(&template, WORKER);
    assert_eq!(worker["Runtime"].as_str(), Some("provided.al2023"));
    assert_eq!(strings(&worker["Architectures"]), ["arm64"]);
    assert_eq!(worker["Handler"].as_str(), Some("bootstrap"));
    assert_eq!(
        worker["CodeUri"].as_str(),
        Some("../target/lambda/ticket-worker/")
    );
    assert_eq!(worker["Timeout"].as_u64(), Some(60));
    assert_eq!(worker["MemorySize"].as_u64(), Some(256));
    let logs = target(&worker["LoggingConfig"]["LogGroup"]);
    let http_logs = target(&function(&template, HTTP_FUNCTION)["LoggingConfig"]["LogGroup"]);
    assert_ne!(logs, http_logs, "each function has its own log group");
    let group = named(&template, &logs, "AWS::Logs::LogGroup");
    assert_eq!(text(&group["RetentionInDays"]), "!Ref LogRetentionDays");
}

#[test]
fn the_worker_has_exactly_its_settings() {
    let template = template();
    let worker = function(&template, WORKER);
    let mut names = env_names(worker);
    names.sort_unstable();
    let mut expected = WORKER_VARIABLES;
    expected.sort_unstable();
    assert_eq!(names, expected);
    let value = |name: &str| text(&worker["Environment"]["Variables"][name]);
    assert_eq!(value("TICKETS_TABLE"), "!Ref TicketsTable");
    assert_eq!(value("UPLOADS_BUCKET"), "!Ref UploadsBucket");
    assert_eq!(value("ACK_LIMIT_PER_HOUR"), "!Ref AckLimitPerHour");
    assert_eq!(value("TICKET_RETENTION_DAYS"), "!Ref TicketRetentionDays");
    assert_eq!(value("SPOOL_SETTLE_SECONDS"), "15");
    assert_eq!(value("CLIENT_HASH_SALT"), "!Ref ClientHashSalt");
    let salt = &template["Parameters"]["ClientHashSalt"];
    assert_eq!(salt["NoEcho"].as_bool(), Some(true), "a secret");
    // An empty parameter leaves QUEUE_ROUTES unset: every queue to FALLBACK_EMAIL.
    assert_eq!(
        value("QUEUE_ROUTES"),
        "!If [HasQueueRoutes, !Ref QueueRoutes, !Ref AWS::NoValue]"
    );
    // What both functions read means the same in both.
    let http = function(&template, HTTP_FUNCTION);
    for shared in [
        "TICKETS_TABLE",
        "TICKET_CONTRACT",
        "FALLBACK_EMAIL",
        "SENDER_EMAIL",
        "UPLOADS_BUCKET",
        // The key of the emails' links: the worker signs them, the function checks them.
        "CLIENT_HASH_SALT",
        "DYNAMODB_TIMEOUT_MS",
        "SES_TIMEOUT_MS",
        "S3_TIMEOUT_MS",
    ] {
        assert_eq!(
            value(shared),
            text(&http["Environment"]["Variables"][shared]),
            "{shared} is the same for both functions"
        );
    }
}

#[test]
fn the_new_parameters_have_their_defaults_and_routes_are_not_echoed() {
    let template = template();
    let parameters = &template["Parameters"];
    let routes = &parameters["QueueRoutes"];
    assert_eq!(routes["NoEcho"].as_bool(), Some(true));
    assert_eq!(routes["Default"].as_str(), Some(""));
    let description = routes["Description"].as_str().unwrap_or_default();
    assert!(description.contains("internal addresses"), "{description}");
    assert_eq!(parameters["AckLimitPerHour"]["Default"].as_u64(), Some(3));
    assert_eq!(
        parameters["TicketRetentionDays"]["Default"].as_u64(),
        Some(365)
    );
    assert_eq!(
        text(&template["Conditions"]["HasQueueRoutes"]),
        "!Not [!Equals [!Ref QueueRoutes, ]]"
    );
}

#[test]
fn the_table_matches_the_store() {
    let template = template();
    let (name, table) = resource(&template, "AWS::DynamoDB::Table");
    assert_eq!(name, "TicketsTable");
    let key = &table["KeySchema"][0];
    assert_eq!(
        (key["AttributeName"].as_str(), key["KeyType"].as_str()),
        (Some(PARTITION_KEY), Some("HASH"))
    );
    assert_eq!(table["KeySchema"].as_sequence().map(Vec::len), Some(1));
    let index = &table["GlobalSecondaryIndexes"][0];
    assert_eq!(index["IndexName"].as_str(), Some(QUEUE_INDEX));
    let index_keys: Vec<(&str, &str)> = index["KeySchema"]
        .as_sequence()
        .into_iter()
        .flatten()
        .filter_map(|k| Some((k["AttributeName"].as_str()?, k["KeyType"].as_str()?)))
        .collect();
    assert_eq!(index_keys, [("queue", "HASH"), ("received_at", "RANGE")]);
    assert_eq!(
        table["TimeToLiveSpecification"]["AttributeName"].as_str(),
        Some(TTL_ATTRIBUTE)
    );
    // The worker turns the new image into a ticket: it needs the whole item, nothing older.
    assert_eq!(
        table["StreamSpecification"]["StreamViewType"].as_str(),
        Some("NEW_IMAGE")
    );
}

/// The worker's one event of `kind` (`DynamoDB`, `Schedule`): its properties.
fn event<'a>(template: &'a Value, kind: &str) -> &'a Value {
    let events = function(template, WORKER)["Events"]
        .as_mapping()
        .expect("the worker's events");
    let mut found = events.values().filter(|e| e["Type"].as_str() == Some(kind));
    let event = found.next().unwrap_or_else(|| panic!("a {kind} event"));
    assert!(found.next().is_none(), "one {kind} event");
    &event["Properties"]
}

#[test]
fn the_stream_event_reports_failed_records_retries_then_dead_letters() {
    let template = template();
    let stream = event(&template, "DynamoDB");
    assert_eq!(text(&stream["Stream"]), "!GetAtt TicketsTable.StreamArn");
    assert_eq!(stream["StartingPosition"].as_str(), Some("LATEST"));
    assert_eq!(stream["BatchSize"].as_u64(), Some(10));
    assert_eq!(stream["BisectBatchOnFunctionError"].as_bool(), Some(true));
    assert_eq!(
        strings(&stream["FunctionResponseTypes"]),
        ["ReportBatchItemFailures"]
    );
    assert_eq!(stream["MaximumRetryAttempts"].as_u64(), Some(5));
    // Bounded (not -1, "forever"), and inside the stream's 24 hours of retention.
    let age = stream["MaximumRecordAgeInSeconds"].as_u64();
    assert!(age.is_some_and(|a| (60..=86_400).contains(&a)), "{age:?}");
    assert!(stream
        .get("Enabled")
        .is_none_or(|e| e.as_bool() == Some(true)));
    let destination = &stream["DestinationConfig"]["OnFailure"]["Destination"];
    assert_eq!(
        text(destination),
        format!("!GetAtt {}.Arn", target(destination))
    );
    let queue = named(&template, &target(destination), "AWS::SQS::Queue");
    assert_eq!(queue["SqsManagedSseEnabled"].as_bool(), Some(true));
    assert_eq!(
        queue["MessageRetentionPeriod"].as_u64(),
        Some(14 * 24 * 3600)
    );
}

#[test]
fn the_stream_filter_passes_new_tickets_only() {
    let template = template();
    let filters = &event(&template, "DynamoDB")["FilterCriteria"]["Filters"];
    assert_eq!(filters.as_sequence().map(Vec::len), Some(1));
    let pattern: serde_json::Value =
        serde_json::from_str(filters[0]["Pattern"].as_str().expect("a JSON pattern"))
            .expect("the pattern is JSON");
    assert_eq!(
        pattern,
        serde_json::json!({
            "eventName": ["INSERT"],
            "dynamodb": { "Keys": { PARTITION_KEY: { "S": [{ "prefix": "HC-" }] } } }
        })
    );
    // The prefix is the one ticket ids have, and guards and counters do not.
    assert!(new_ticket_id(std::time::SystemTime::now()).starts_with("HC-"));
    assert!(!"submission#0f8b1c2e".starts_with("HC-"));
    assert!(!"ack#0123456789abcdef#2025-01-02T03".starts_with("HC-"));
}

#[test]
fn the_schedule_replays_the_spool_every_five_minutes() {
    let template = template();
    let schedule = event(&template, "Schedule");
    assert_eq!(schedule["Schedule"].as_str(), Some("rate(5 minutes)"));
    assert!(schedule
        .get("Enabled")
        .is_none_or(|e| e.as_bool() == Some(true)));
    let events = function(&template, WORKER)["Events"]
        .as_mapping()
        .map(|m| m.len());
    assert_eq!(events, Some(2), "the stream and the schedule, nothing else");
}

/// The bucket the functions' `UPLOADS_BUCKET` names: the whole resource.
fn uploads_bucket(template: &Value) -> &Value {
    let bucket = &function(template, WORKER)["Environment"]["Variables"]["UPLOADS_BUCKET"];
    whole(template, &target(bucket), "AWS::S3::Bucket")
}

#[test]
fn the_uploads_bucket_is_private_encrypted_and_kept() {
    let template = template();
    let bucket = uploads_bucket(&template);
    // It holds tickets not yet in the table: deleting the stack must not delete them.
    assert_eq!(bucket["DeletionPolicy"].as_str(), Some("Retain"));
    let properties = &bucket["Properties"];
    let block = &properties["PublicAccessBlockConfiguration"];
    for setting in [
        "BlockPublicAcls",
        "BlockPublicPolicy",
        "IgnorePublicAcls",
        "RestrictPublicBuckets",
    ] {
        assert_eq!(block[setting].as_bool(), Some(true), "{setting}");
    }
    let encryption = &properties["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
        ["ServerSideEncryptionByDefault"]["SSEAlgorithm"];
    assert!(
        matches!(encryption.as_str(), Some("AES256" | "aws:kms")),
        "{encryption:?}"
    );
    assert_eq!(
        properties["OwnershipControls"]["Rules"][0]["ObjectOwnership"].as_str(),
        Some("BucketOwnerEnforced")
    );
    assert!(properties.get("WebsiteConfiguration").is_none());
}

#[test]
fn uploads_expire_by_prefix_and_the_spool_never_does() {
    let template = template();
    let rules = uploads_bucket(&template)["Properties"]["LifecycleConfiguration"]["Rules"]
        .as_sequence()
        .expect("lifecycle rules");
    // A rule without a prefix would cover every key, the spool's too.
    let prefix = |rule: &Value| text(&rule["Prefix"]);
    for rule in rules {
        assert_eq!(rule["Status"].as_str(), Some("Enabled"));
        assert!(
            !SPOOL_PREFIX.starts_with(&prefix(rule)) && !prefix(rule).starts_with(SPOOL_PREFIX),
            "no lifecycle rule touches {SPOOL_PREFIX}: entries live until replayed"
        );
        assert!(rule.get("Filter").is_none(), "prefixes as `Prefix` only");
    }
    let expiry = |p: &str| {
        let rule = rules.iter().find(|r| prefix(r) == p);
        text(&rule.unwrap_or_else(|| panic!("a rule for {p}"))["ExpirationInDays"])
    };
    assert_eq!(expiry(PENDING_PREFIX), "1");
    assert_eq!(expiry(TICKETS_PREFIX), "!Ref TicketRetentionDays");
}

#[test]
fn permissions_are_least_privilege() {
    let template = template();
    let statements = statements(&template, HTTP_FUNCTION);
    assert_eq!(
        actions(&statements),
        [
            "dynamodb:PutItem",
            "dynamodb:GetItem",
            "dynamodb:UpdateItem",
            "dynamodb:Query",
            "ses:SendEmail",
            "s3:PutObject",
            "s3:GetObject",
            "s3:DeleteObject",
            "s3:ListBucket",
            "logs:CreateLogStream",
            "logs:PutLogEvents"
        ]
    );
    // Spool entries are written, never read back; attachments live under their two prefixes.
    let on = |action: &str| allowing(&statements, action).resources.clone();
    let attachments = [objects(PENDING_PREFIX), objects(TICKETS_PREFIX)];
    let mut writes = vec![spool_objects()];
    writes.extend(attachments.clone());
    assert_eq!(on("s3:PutObject"), writes);
    assert_eq!(on("s3:GetObject"), attachments);
    assert_eq!(on("s3:DeleteObject"), attachments);
    assert_eq!(on("s3:ListBucket"), ["!GetAtt UploadsBucket.Arn"]);
    assert_eq!(
        allowing(&statements, "dynamodb:Query").resources,
        [format!("!Sub ${{TicketsTable.Arn}}/index/{QUEUE_INDEX}")]
    );
    // The feedback counters' ADD: on the table itself, nothing broader.
    assert_eq!(
        allowing(&statements, "dynamodb:UpdateItem").resources,
        ["!GetAtt TicketsTable.Arn"]
    );
}

#[test]
fn slots_and_links_are_routed_and_the_bucket_takes_puts_from_the_site_only() {
    let template = template();
    let events = function(&template, HTTP_FUNCTION)["Events"]
        .as_mapping()
        .expect("events");
    let mut routes: Vec<(String, String)> = events
        .values()
        .map(|e| {
            (
                text(&e["Properties"]["Path"]),
                text(&e["Properties"]["Method"]),
            )
        })
        .collect();
    routes.sort();
    let route = |path: &str, method: &str| (path.to_owned(), method.to_owned());
    assert_eq!(
        routes,
        [
            route("/feedback", "POST"),
            route("/files", "GET"),
            route("/files", "HEAD"),
            route("/tickets", "POST"),
            route("/uploads", "POST"),
        ]
    );
    let rules = &uploads_bucket(&template)["Properties"]["CorsConfiguration"]["CorsRules"];
    assert_eq!(rules.as_sequence().map(Vec::len), Some(1));
    let origins =
        &function(&template, HTTP_FUNCTION)["Environment"]["Variables"]["ALLOWED_ORIGINS"];
    assert_eq!(text(&rules[0]["AllowedOrigins"][0]), text(origins));
    assert_eq!(strings(&rules[0]["AllowedMethods"]), ["PUT"]);
    assert_eq!(strings(&rules[0]["AllowedHeaders"]), ["content-type"]);
}

#[test]
fn the_worker_may_do_what_it_does_and_no_more() {
    let template = template();
    let statements = statements(&template, WORKER);
    assert_eq!(
        actions(&statements),
        [
            "dynamodb:UpdateItem",
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:ConditionCheckItem",
            "dynamodb:DescribeStream",
            "dynamodb:GetRecords",
            "dynamodb:GetShardIterator",
            "dynamodb:ListStreams",
            "s3:GetObject",
            "s3:DeleteObject",
            "s3:ListBucket",
            "ses:SendEmail",
            "sqs:SendMessage",
            "logs:CreateLogStream",
            "logs:PutLogEvents"
        ]
    );
    let on = |action: &str| allowing(&statements, action).resources.clone();
    assert_eq!(on("dynamodb:UpdateItem"), ["!GetAtt TicketsTable.Arn"]);
    assert_eq!(
        on("dynamodb:GetRecords"),
        ["!GetAtt TicketsTable.StreamArn"]
    );
    assert_eq!(
        on("dynamodb:ListStreams"),
        ["!Sub ${TicketsTable.Arn}/stream/*"]
    );
    assert_eq!(
        on("s3:GetObject"),
        [spool_objects(), objects(TICKETS_PREFIX)]
    );
    assert_eq!(on("s3:DeleteObject"), [spool_objects()]);
    assert_eq!(on("s3:ListBucket"), ["!GetAtt UploadsBucket.Arn"]);
    // Unconditioned, so that a missing spool entry is a 404 and not a 403.
    assert!(allowing(&statements, "s3:ListBucket").condition.is_null());
    let destination = &event(&template, "DynamoDB")["DestinationConfig"]["OnFailure"];
    assert_eq!(on("sqs:SendMessage"), [text(&destination["Destination"])]);
    // It never writes to the bucket (the HTTP function spools) and never scans the table.
    for action in [
        "s3:PutObject",
        "dynamodb:Query",
        "dynamodb:Scan",
        "dynamodb:DeleteItem",
    ] {
        assert!(!actions(&statements).contains(&action), "{action}");
    }
}

#[test]
fn both_send_from_the_sender_only_and_log_to_their_own_group() {
    let template = template();
    for id in [HTTP_FUNCTION, WORKER] {
        let statements = statements(&template, id);
        let send = allowing(&statements, "ses:SendEmail");
        assert_eq!(
            text(&send.condition["StringEquals"]["ses:FromAddress"]),
            "!Ref SenderEmail",
            "{id}"
        );
        assert!(
            send.resources[0].ends_with(":identity/${SenderIdentity}"),
            "{id}"
        );
        let logs = target(&function(&template, id)["LoggingConfig"]["LogGroup"]);
        assert_eq!(
            allowing(&statements, "logs:PutLogEvents").resources,
            [format!("!GetAtt {logs}.Arn")],
            "{id}"
        );
    }
}

#[test]
fn no_statement_allows_everything() {
    let template = template();
    for id in [HTTP_FUNCTION, WORKER] {
        for statement in statements(&template, id) {
            assert_eq!(statement.effect, "Allow", "{id}");
            assert!(
                !statement.resources.is_empty(),
                "{id}: {:?}",
                statement.actions
            );
            for resource in &statement.resources {
                assert_ne!(
                    resource, "*",
                    "{id}: {:?} on every resource",
                    statement.actions
                );
            }
            for action in &statement.actions {
                assert!(!action.contains('*'), "{id}: {action}");
            }
        }
    }
}
