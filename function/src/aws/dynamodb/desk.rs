//! `helpdesk`'s operations on the table ([`DeskStore`]).
//!
//! A queue is read from the `queue-received_at` index, oldest first, a page per Query. Pages
//! without a queue (an export of everything, the search for one address's tickets) Scan the
//! table: guards and counters are filtered out by their keys. Cursors are the page's
//! `LastEvaluatedKey` as a JSON object of its (string) key attributes.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, Delete, ReturnValue, TransactWriteItem};

use super::QUEUE_INDEX;
use super::{s, text, ticket_from_item, unavailable, DynamoStore, GUARD_PREFIX, PARTITION_KEY};
use crate::store::{Claims, DeskStore, Notice, Page, StatusChange, StoreError, TicketFilter};
use crate::ticket::Ticket;

/// Expression parts built up for one Query or Scan.
#[derive(Default)]
struct Expression {
    conditions: Vec<&'static str>,
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
}

impl Expression {
    fn add(&mut self, condition: &'static str, name: (&str, &str), value: (&str, String)) {
        self.conditions.push(condition);
        self.names.insert(name.0.to_owned(), name.1.to_owned());
        self.values.insert(value.0.to_owned(), s(value.1));
    }

    fn text(&self) -> Option<String> {
        (!self.conditions.is_empty()).then(|| self.conditions.join(" AND "))
    }
}

/// The key condition (a queue's page) and the filter of `filter`.
fn expressions(filter: &TicketFilter) -> (Expression, Expression) {
    let (mut key, mut rest) = (Expression::default(), Expression::default());
    match &filter.queue {
        Some(queue) => {
            key.add(
                "#queue = :queue",
                ("#queue", "queue"),
                (":queue", queue.clone()),
            );
            if let Some(since) = &filter.since {
                let condition = "#received >= :since";
                key.add(
                    condition,
                    ("#received", "received_at"),
                    (":since", since.clone()),
                );
            }
        }
        None => {
            let tickets = "begins_with(#pk, :tickets)";
            rest.add(tickets, ("#pk", PARTITION_KEY), (":tickets", "HC-".into()));
            if let Some(since) = &filter.since {
                let condition = "#received >= :since";
                rest.add(
                    condition,
                    ("#received", "received_at"),
                    (":since", since.clone()),
                );
            }
        }
    }
    if let Some(status) = &filter.status {
        rest.add(
            "#status = :status",
            ("#status", "status"),
            (":status", status.clone()),
        );
    }
    (key, rest)
}

fn cursor_key(cursor: Option<&str>) -> Result<Option<HashMap<String, AttributeValue>>, StoreError> {
    let Some(cursor) = cursor else {
        return Ok(None);
    };
    let fields: HashMap<String, String> = serde_json::from_str(cursor)
        .map_err(|e| StoreError::Unavailable(format!("not a cursor of this store: {e}")))?;
    Ok(Some(fields.into_iter().map(|(k, v)| (k, s(v))).collect()))
}

fn cursor_of(key: Option<&HashMap<String, AttributeValue>>) -> Option<String> {
    let fields: HashMap<&String, &String> = key?
        .iter()
        .filter_map(|(name, value)| Some((name, value.as_s().ok()?)))
        .collect();
    serde_json::to_string(&fields).ok()
}

impl DynamoStore {
    /// One Query (with a queue) or Scan: the items and the `LastEvaluatedKey`.
    async fn read_page(
        &self,
        filter: &TicketFilter,
        start: Option<HashMap<String, AttributeValue>>,
        limit: i32,
    ) -> Result<ReadPage, StoreError> {
        let (key, rest) = expressions(filter);
        let mut names = key.names.clone();
        names.extend(rest.names.clone());
        let mut values = key.values.clone();
        values.extend(rest.values.clone());
        let names = (!names.is_empty()).then_some(names);
        let values = (!values.is_empty()).then_some(values);
        if filter.queue.is_some() {
            let output = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(QUEUE_INDEX)
                .set_key_condition_expression(key.text())
                .set_filter_expression(rest.text())
                .set_expression_attribute_names(names)
                .set_expression_attribute_values(values)
                .scan_index_forward(true)
                .limit(limit)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(unavailable)?;
            return Ok((output.items, output.last_evaluated_key));
        }
        let output = self
            .client
            .scan()
            .table_name(&self.table)
            .set_filter_expression(rest.text())
            .set_expression_attribute_names(names)
            .set_expression_attribute_values(values)
            .limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(unavailable)?;
        Ok((output.items, output.last_evaluated_key))
    }
}

type ReadPage = (
    Option<Vec<HashMap<String, AttributeValue>>>,
    Option<HashMap<String, AttributeValue>>,
);

impl DeskStore for DynamoStore {
    /// `SET status` if the item exists and has another status; a failed condition is told
    /// apart (already so, or no such ticket) by reading the item back.
    async fn set_status(&self, ticket_id: &str, status: &str) -> Result<StatusChange, StoreError> {
        if !ticket_id.starts_with("HC-") {
            return Ok(StatusChange::NotFound); // Never touch guards or counters.
        }
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(PARTITION_KEY, s(ticket_id.to_owned()))
            .update_expression("SET #status = :status")
            .condition_expression("attribute_exists(#pk) AND #status <> :status")
            .expression_attribute_names("#pk", PARTITION_KEY)
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":status", s(status.to_owned()))
            .return_values(ReturnValue::UpdatedOld)
            .send()
            .await;
        match result {
            Ok(output) => {
                let from = output.attributes().and_then(|a| text(a, "status"));
                Ok(StatusChange::Changed {
                    from: from.unwrap_or_default(),
                })
            }
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(match crate::TicketStore::get(self, ticket_id).await? {
                    Some(_) => StatusChange::Unchanged,
                    None => StatusChange::NotFound,
                })
            }
            Err(err) => Err(unavailable(err)),
        }
    }

    async fn page(
        &self,
        filter: &TicketFilter,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page, StoreError> {
        let limit = limit.clamp(1, 1_000) as i32;
        let (items, last) = self.read_page(filter, cursor_key(cursor)?, limit).await?;
        let tickets = items
            .unwrap_or_default()
            .iter()
            .map(ticket_from_item)
            .collect::<Result<_, _>>()?;
        Ok(Page {
            tickets,
            next: cursor_of(last.as_ref()),
        })
    }

    async fn claims(&self, ticket_id: &str) -> Result<Claims, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(PARTITION_KEY, s(ticket_id.to_owned()))
            .projection_expression("#team, #ack")
            .expression_attribute_names("#team", Notice::Team.attribute())
            .expression_attribute_names("#ack", Notice::Ack.attribute())
            .send()
            .await
            .map_err(unavailable)?;
        let claim = |notice: Notice| output.item().and_then(|i| text(i, notice.attribute()));
        Ok(Claims {
            team_notified_at: claim(Notice::Team),
            ack_notified_at: claim(Notice::Ack),
        })
    }

    /// The ticket and its guard in one transaction per ticket (deleting a missing item is
    /// fine); the worker's claims are attributes of the ticket item and go with it.
    async fn remove(&self, tickets: &[Ticket]) -> Result<(), StoreError> {
        for ticket in tickets {
            let guard = format!("{GUARD_PREFIX}{}", ticket.submission_id);
            let mut request = self.client.transact_write_items();
            for pk in [ticket.ticket_id.clone(), guard] {
                let delete = Delete::builder()
                    .table_name(&self.table)
                    .key(PARTITION_KEY, s(pk))
                    .build()
                    .map_err(|e| StoreError::Unavailable(e.to_string()))?;
                request =
                    request.transact_items(TransactWriteItem::builder().delete(delete).build());
            }
            request.send().await.map_err(unavailable)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queue_page_queries_and_the_rest_scans() {
        let filter = TicketFilter {
            queue: Some("billing".into()),
            status: Some("open".into()),
            since: Some("2025-01-01T00:00:00.000Z".into()),
        };
        let (key, rest) = expressions(&filter);
        assert_eq!(
            key.text().unwrap(),
            "#queue = :queue AND #received >= :since"
        );
        assert_eq!(rest.text().unwrap(), "#status = :status");
        let (key, rest) = expressions(&TicketFilter::default());
        assert_eq!(key.text(), None);
        assert_eq!(rest.text().unwrap(), "begins_with(#pk, :tickets)");
    }

    #[test]
    fn cursors_round_trip() {
        let key = HashMap::from([
            ("pk".to_owned(), s("HC-1".into())),
            ("queue".to_owned(), s("billing".into())),
        ]);
        let cursor = cursor_of(Some(&key)).unwrap();
        assert_eq!(cursor_key(Some(&cursor)).unwrap(), Some(key));
        assert!(cursor_key(Some("nope")).is_err());
    }
}
