//! The table's stream read from moto's DynamoDB Streams API (DescribeStream, GetShardIterator
//! `TRIM_HORIZON`, GetRecords) over plain HTTP: its records come in the shape Lambda hands the
//! worker, so they become the worker's event as they are.

use serde_json::{json, Value};

use super::moto_http;

/// One DynamoDB Streams call. moto checks no signature but finds the service by the
/// credential scope of `Authorization`.
fn streams(operation: &str, body: &Value) -> Value {
    let body = body.to_string();
    let head = format!(
        "POST / HTTP/1.0\r\n\
         Content-Type: application/x-amz-json-1.0\r\n\
         X-Amz-Target: DynamoDBStreams_20120810.{operation}\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0\r\n\
         Content-Length: {}\r\n",
        body.len()
    );
    moto_http(&head, &body)
}

/// Reads a table's stream; each [`StreamReader::next_event`] is the Lambda event of the records
/// written since the last one.
pub(crate) struct StreamReader {
    arn: String,
    seen: usize,
}

impl StreamReader {
    pub(crate) fn new(arn: String) -> Self {
        StreamReader { arn, seen: 0 }
    }

    /// Every record of the stream so far, oldest first.
    fn all(&self) -> Vec<Value> {
        let description = streams("DescribeStream", &json!({"StreamArn": self.arn}));
        let shards = description["StreamDescription"]["Shards"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut records = Vec::new();
        for shard in shards {
            let request = json!({
                "StreamArn": self.arn,
                "ShardId": shard["ShardId"],
                "ShardIteratorType": "TRIM_HORIZON"
            });
            let mut iterator = streams("GetShardIterator", &request)["ShardIterator"].clone();
            while iterator.is_string() {
                let page = streams("GetRecords", &json!({"ShardIterator": iterator}));
                let batch = page["Records"].as_array().cloned().unwrap_or_default();
                if batch.is_empty() {
                    break;
                }
                records.extend(batch);
                iterator = page["NextShardIterator"].clone();
            }
        }
        records
    }

    /// The records written since the last call, as the Lambda event (with its source ARN).
    pub(crate) fn next_event(&mut self) -> Value {
        let all = self.all();
        let mut new: Vec<Value> = all.into_iter().skip(self.seen).collect();
        self.seen += new.len();
        for record in &mut new {
            record["eventSourceARN"] = json!(self.arn);
        }
        json!({ "Records": new })
    }
}
