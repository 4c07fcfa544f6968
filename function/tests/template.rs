//! `template.yaml` against the code: cfn-lint (run by `tests/run`) checks the resources it knows,
//! but not the function's properties; this test checks those, and that the table, the index, the
//! TTL attribute, the IAM actions and the settings match what the code uses.

mod support;

use support::{resource, template};
use ticket_function::aws::{PARTITION_KEY, QUEUE_INDEX, TTL_ATTRIBUTE};
use ticket_function::config::{FUNCTION_BUDGET, VARIABLES};

fn strings(value: &serde_norway::Value) -> Vec<String> {
    value
        .as_sequence()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

#[test]
fn the_function_is_arm64_on_provided_al2023_within_the_budget() {
    let template = template();
    let (_, function) = resource(&template, "AWS::Serverless::Function");
    assert_eq!(function["Runtime"].as_str(), Some("provided.al2023"));
    assert_eq!(strings(&function["Architectures"]), ["arm64"]);
    assert_eq!(function["Handler"].as_str(), Some("bootstrap"));
    assert_eq!(
        function["Timeout"].as_u64(),
        Some(FUNCTION_BUDGET.as_secs())
    );
    let env = function["Environment"]["Variables"]
        .as_mapping()
        .expect("environment variables");
    let names: Vec<&str> = env.keys().filter_map(|k| k.as_str()).collect();
    for required in [
        "TICKETS_TABLE",
        "TICKET_CONTRACT",
        "FALLBACK_EMAIL",
        "SENDER_EMAIL",
        "ALLOWED_ORIGINS",
        "CLIENT_HASH_SALT",
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
        matches!(table_ref, serde_norway::Value::Tagged(t) if t.tag == "Ref" && t.value.as_str() == Some("TicketsTable"))
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
}

#[test]
fn permissions_are_least_privilege() {
    let template = template();
    let (_, function) = resource(&template, "AWS::Serverless::Function");
    let policies = function["Policies"]
        .as_sequence()
        .expect("inline policies only");
    let actions: Vec<String> = policies
        .iter()
        .flat_map(|p| p["Statement"].as_sequence().cloned().unwrap_or_default())
        .flat_map(|s| strings(&s["Action"]))
        .collect();
    assert_eq!(
        actions,
        [
            "dynamodb:PutItem",
            "dynamodb:GetItem",
            "dynamodb:Query",
            "ses:SendEmail"
        ]
    );
}
