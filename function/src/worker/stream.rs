//! The tickets table's stream on Lambda: a DynamoDB stream event (`aws_lambda_events`) → the
//! worker's [`StreamRecord`]s (feature `stream`: the event types and `serde_dynamo`, not the AWS
//! SDK, so the fuzz targets read events without it). Only `INSERT`s of ticket items (`pk` starting `HC-`) are new
//! tickets; their `NEW_IMAGE` becomes a [`Ticket`] through `serde_dynamo`.

use aws_lambda_events::event::dynamodb::{Event, EventRecord};

use super::{Change, StreamRecord};
use crate::store::PARTITION_KEY;
use crate::ticket::Ticket;

pub use aws_lambda_events::event::dynamodb::Event as DynamoDbEvent;

/// What invoked the worker, told apart by the payload's shape.
#[derive(Debug)]
pub enum WorkerEvent {
    /// `{"Records":[{"eventSource":"aws:dynamodb",...}]}`: the table's stream.
    Stream(Event),
    /// `{"source":"aws.events",...}` or `{"detail-type":"Scheduled Event",...}`: EventBridge.
    Schedule,
    /// Anything else (why).
    Unknown(String),
}

impl WorkerEvent {
    pub fn from_json(payload: serde_json::Value) -> WorkerEvent {
        let scheduled =
            payload["source"] == "aws.events" || payload["detail-type"] == "Scheduled Event";
        if scheduled {
            return WorkerEvent::Schedule;
        }
        let records = payload["Records"].as_array();
        let from_dynamodb =
            records.is_some_and(|r| r.iter().all(|r| r["eventSource"] == "aws:dynamodb"));
        if !from_dynamodb {
            return WorkerEvent::Unknown("neither DynamoDB stream records nor a schedule".into());
        }
        match serde_json::from_value(payload) {
            Ok(event) => WorkerEvent::Stream(event),
            Err(e) => WorkerEvent::Unknown(format!("stream records of unexpected shape: {e}")),
        }
    }
}

/// The records of a stream event, in the event's order.
pub fn records(event: Event) -> Vec<StreamRecord> {
    event.records.into_iter().map(record).collect()
}

fn record(record: EventRecord) -> StreamRecord {
    let change = record.change;
    let sequence_number = change.sequence_number.unwrap_or(record.event_id);
    let pk = change
        .keys
        .get(PARTITION_KEY)
        .or(change.new_image.get(PARTITION_KEY));
    let is_ticket =
        matches!(pk, Some(serde_dynamo::AttributeValue::S(pk)) if pk.starts_with("HC-"));
    let change = match (record.event_name.as_str(), is_ticket) {
        ("INSERT", true) => match serde_dynamo::from_item::<_, Ticket>(change.new_image) {
            Ok(ticket) => Change::NewTicket(Box::new(ticket)),
            Err(e) => Change::Unreadable(e.to_string()),
        },
        _ => Change::Ignored,
    };
    StreamRecord {
        sequence_number,
        change,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event_record(name: &str, sequence: &str, image: serde_json::Value) -> serde_json::Value {
        json!({
            "eventID": format!("id-{sequence}"), "eventName": name, "eventVersion": "1.1",
            "eventSource": "aws:dynamodb", "awsRegion": "us-east-1",
            "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x",
            "dynamodb": {
                "ApproximateCreationDateTime": 1735787045.5,
                "Keys": {"pk": image["pk"].clone()},
                "NewImage": image,
                "SequenceNumber": sequence, "SizeBytes": 200, "StreamViewType": "NEW_IMAGE"
            }
        })
    }

    #[test]
    fn events_are_told_apart_by_shape() {
        let schedule =
            json!({"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}});
        assert!(matches!(
            WorkerEvent::from_json(schedule),
            WorkerEvent::Schedule
        ));
        let image = json!({"pk": {"S": "HC-1"}});
        let stream = json!({"Records": [event_record("INSERT", "1", image)]});
        assert!(
            matches!(WorkerEvent::from_json(stream), WorkerEvent::Stream(e) if e.records.len() == 1)
        );
        let sqs = json!({"Records": [{"eventSource": "aws:sqs", "body": "x"}]});
        assert!(matches!(
            WorkerEvent::from_json(sqs),
            WorkerEvent::Unknown(_)
        ));
        assert!(matches!(
            WorkerEvent::from_json(json!({"Records": [{"eventSource": "aws:dynamodb"}]})),
            WorkerEvent::Unknown(_)
        ));
    }

    #[cfg(feature = "aws")]
    #[test]
    fn only_new_ticket_items_are_tickets() {
        let t = crate::testing::ticket(
            "HC-000000001-AAAA",
            "s1",
            "billing",
            "2025-01-02T03:04:05.000Z",
        );
        let mut image: serde_json::Map<String, serde_json::Value> =
            crate::aws::dynamodb::ticket_item(&t)
                .into_iter()
                .map(|(k, v)| (k, json!({"S": v.as_s().unwrap()})))
                .collect();
        image.insert("arrived_via".into(), json!({"S": "fallback"}));
        let ticket_image = serde_json::Value::Object(image);
        let event = json!({"Records": [
            event_record("INSERT", "100", ticket_image.clone()),
            event_record("MODIFY", "101", ticket_image),
            event_record("INSERT", "102", json!({"pk": {"S": "submission#s1"}, "ticket_id": {"S": "HC-1"}})),
            event_record("INSERT", "103", json!({"pk": {"S": "ack#00#2025-01-02T03"}, "count": {"N": "1"}})),
            event_record("INSERT", "104", json!({"pk": {"S": "HC-000000002-BBBB"}})),
        ]});
        let records = records(serde_json::from_value(event).unwrap());
        let sequences: Vec<&str> = records.iter().map(|r| r.sequence_number.as_str()).collect();
        assert_eq!(sequences, ["100", "101", "102", "103", "104"]);
        let mut expected = t.clone();
        expected.arrived_via = Some(crate::ticket::ArrivedVia::Fallback);
        assert_eq!(records[0].change, Change::NewTicket(Box::new(expected)));
        for ignored in &records[1..4] {
            assert_eq!(ignored.change, Change::Ignored);
        }
        assert!(
            matches!(&records[4].change, Change::Unreadable(why) if why.contains("ticket_id") || !why.is_empty())
        );
    }
}
