//! Visitors' feedback counters in the tickets table ([`FeedbackStore`]).
//!
//! One item per counter, changed by `UpdateItem` with `ADD` (atomic: concurrent votes all add
//! up, no read before the write):
//! - a vote: `pk` = `feedback#vote#<language>#<month>#<page>`, numbers `yes`, `no` and
//!   `reason_<reason>`;
//! - a missed search: `pk` = `feedback#search#<language>#<month>#<query>`, number `count`;
//!
//! both with `language`, `month`, `page` or `query`, and `expires_at` (the ticket retention from
//! the first count). Nothing else: no address, no client hash, no time finer than the month.
//!
//! `helpdesk feedback` reads them without a full-table scan: each item also carries the sparse
//! `queue-received_at` index's key pair, `queue` = `feedback#vote` (or `feedback#search`) and
//! `received_at` = the month, so one Query lists a kind's counters from a month on (`--language`
//! filters that Query). One index partition per kind is plenty: the API's throttle (20 posts a
//! second) is far below what a partition takes, and no ticket queue has a `#` in its id.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

use super::{
    expires_in, s, text, unavailable, DynamoStore, PARTITION_KEY, QUEUE_INDEX, TTL_ATTRIBUTE,
};
use crate::store::{
    Counters, Feedback, FeedbackFilter, FeedbackStore, SearchCount, StoreError, VoteCount,
};

const VOTES: &str = "feedback#vote";
const SEARCHES: &str = "feedback#search";
/// A reason's counter attribute: `reason_unclear`.
const REASON_PREFIX: &str = "reason_";

fn n(value: u64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

fn number(item: &HashMap<String, AttributeValue>, name: &str) -> u64 {
    item.get(name)
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

impl DynamoStore {
    /// `ADD` one to each of `counters` of the item of `kind` (`VOTES`, `SEARCHES`) named by
    /// `what` (`page` or `query` → its value), and set its descriptive and index attributes.
    async fn add(
        &self,
        kind: &str,
        (language, month): (&str, &str),
        what: (&str, &str),
        counters: &[&str],
    ) -> Result<(), StoreError> {
        let pk = format!("{kind}#{language}#{month}#{}", what.1);
        let adds: Vec<String> = (0..counters.len()).map(|i| format!("#c{i} :one")).collect();
        let update = format!(
            "ADD {} SET #queue = :queue, #received = :month, #language = :language, \
             #month = :month, #what = :what, #expires = if_not_exists(#expires, :expires)",
            adds.join(", ")
        );
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(PARTITION_KEY, s(pk))
            .update_expression(update);
        let names = [
            ("#queue", "queue"),
            ("#received", "received_at"),
            ("#language", "language"),
            ("#month", "month"),
            ("#what", what.0),
            ("#expires", TTL_ATTRIBUTE),
        ];
        for (name, attribute) in names {
            request = request.expression_attribute_names(name, attribute);
        }
        for (i, counter) in counters.iter().enumerate() {
            request = request.expression_attribute_names(format!("#c{i}"), *counter);
        }
        request
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":queue", s(kind.to_owned()))
            .expression_attribute_values(":month", s(month.to_owned()))
            .expression_attribute_values(":language", s(language.to_owned()))
            .expression_attribute_values(":what", s(what.1.to_owned()))
            .expression_attribute_values(":expires", expires_in(self.ticket_retention))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    /// Every item of `kind` matching `filter`, from the index, page by page.
    async fn feedback_items(
        &self,
        kind: &str,
        filter: &FeedbackFilter,
    ) -> Result<Vec<HashMap<String, AttributeValue>>, StoreError> {
        let mut key = "#queue = :queue".to_owned();
        let mut names = HashMap::from([("#queue".to_owned(), "queue".to_owned())]);
        let mut values = HashMap::from([(":queue".to_owned(), s(kind.to_owned()))]);
        if let Some(since) = &filter.since {
            key.push_str(" AND #received >= :since");
            names.insert("#received".into(), "received_at".into());
            values.insert(":since".into(), s(since.clone()));
        }
        let language = filter.language.as_ref().map(|language| {
            names.insert("#language".into(), "language".into());
            values.insert(":language".into(), s(language.clone()));
            "#language = :language".to_owned()
        });
        let (mut items, mut start) = (Vec::new(), None);
        loop {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(QUEUE_INDEX)
                .key_condition_expression(&key)
                .set_filter_expression(language.clone())
                .set_expression_attribute_names(Some(names.clone()))
                .set_expression_attribute_values(Some(values.clone()))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(unavailable)?;
            items.extend(page.items.unwrap_or_default());
            start = page.last_evaluated_key;
            if start.is_none() {
                return Ok(items);
            }
        }
    }
}

fn vote_count(item: &HashMap<String, AttributeValue>) -> VoteCount {
    let reasons = item
        .keys()
        .filter_map(|name| {
            Some((
                name.strip_prefix(REASON_PREFIX)?.to_owned(),
                number(item, name),
            ))
        })
        .collect();
    VoteCount {
        language: text(item, "language").unwrap_or_default(),
        month: text(item, "month").unwrap_or_default(),
        page: text(item, "page").unwrap_or_default(),
        yes: number(item, "yes"),
        no: number(item, "no"),
        reasons,
    }
}

fn search_count(item: &HashMap<String, AttributeValue>) -> SearchCount {
    SearchCount {
        language: text(item, "language").unwrap_or_default(),
        month: text(item, "month").unwrap_or_default(),
        query: text(item, "query").unwrap_or_default(),
        count: number(item, "count"),
    }
}

impl FeedbackStore for DynamoStore {
    async fn count(&self, feedback: &Feedback, month: &str) -> Result<(), StoreError> {
        match feedback {
            Feedback::Vote {
                language,
                page,
                helpful,
                reason,
            } => {
                let reason = reason.as_ref().map(|r| format!("{REASON_PREFIX}{r}"));
                let mut counters = vec![if *helpful { "yes" } else { "no" }];
                counters.extend(reason.as_deref());
                let at = (language.as_str(), month);
                self.add(VOTES, at, ("page", page), &counters).await
            }
            Feedback::SearchMiss { language, query } => {
                let at = (language.as_str(), month);
                self.add(SEARCHES, at, ("query", query), &["count"]).await
            }
        }
    }

    async fn counters(&self, filter: &FeedbackFilter) -> Result<Counters, StoreError> {
        let votes = self.feedback_items(VOTES, filter).await?;
        let searches = self.feedback_items(SEARCHES, filter).await?;
        Ok(Counters {
            votes: votes.iter().map(vote_count).collect(),
            searches: searches.iter().map(search_count).collect(),
        })
    }
}
