//! Step 4b: when the store is down, the ticket goes to the fallback address as a plain-text email
//! with the same structure as the form, its images attached and its other files linked.

use std::time::SystemTime;

use super::{Email, MailFiles};
use crate::contract::{label, EmailStrings, Labels, TicketContract};
use crate::ticket::Ticket;

/// The fallback email for a ticket the store could not take, with its `files` (see
/// [`mail_files`](super::mail_files)).
pub fn fallback_email(
    ticket: &Ticket,
    contract: &TicketContract,
    from: &str,
    to: &str,
    date: SystemTime,
    files: MailFiles,
) -> Email {
    // A checked contract has the default language's words; the email goes out regardless.
    let none = EmailStrings::default();
    let words = contract
        .messages_for(&contract.default_language)
        .map_or(&none, |m| &m.strings);
    let mut text = plain_text_body(ticket, contract);
    for line in files.lines(words) {
        text.push_str(&line);
        text.push('\n');
    }
    Email {
        from: from.to_owned(),
        to: to.to_owned(),
        reply_to: ticket.email.clone(),
        subject: format!(
            "[{}] {} · {}",
            ticket.ticket_id, ticket.queue, ticket.subject
        ),
        text,
        date,
        id: format!("{}.{}", ticket.ticket_id, ticket.submission_id),
        attachments: files.attached,
    }
}

/// The ticket as text, in the order of the form (the page's `mailto:` fallback uses the same
/// labels and order). Choices show their label in the site's default language and their id.
pub fn plain_text_body(ticket: &Ticket, contract: &TicketContract) -> String {
    let lang = &contract.default_language;
    let audience = contract.audience(&ticket.audience);
    let category = contract.category(&ticket.audience, &ticket.category);
    let subcategory = category
        .zip(ticket.subcategory.as_deref())
        .and_then(|(c, s)| c.subcategory(s).map(|sub| (sub, s)));
    let named = |labels: Option<&Labels>, id: &str| match labels {
        Some(labels) => format!("{} ({id})", label(labels, lang, lang, id)),
        None => id.to_owned(),
    };
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let lines = [
        "This ticket could not be stored in the ticket database and was emailed instead."
            .to_owned(),
        "Reply to this email to answer the person who sent it.".to_owned(),
        String::new(),
        format!("Ticket: {}", ticket.ticket_id),
        format!("Received: {}", ticket.received_at),
        format!("Queue: {}", ticket.queue),
        format!("Submission: {}", ticket.submission_id),
        String::new(),
        format!("Language: {}", ticket.language),
        format!(
            "Occupation: {}",
            named(audience.map(|a| &a.labels), &ticket.audience)
        ),
        format!(
            "Category: {}",
            named(category.map(|c| &c.labels), &ticket.category)
        ),
        format!(
            "Subcategory: {}",
            match subcategory {
                Some((sub, id)) => named(Some(&sub.labels), id),
                None => or_dash(&ticket.subcategory),
            }
        ),
        format!("Username: {}", or_dash(&ticket.username)),
        format!("Email: {}", or_dash(&ticket.email)),
        format!("Page: {}", or_dash(&ticket.page)),
        format!("Subject: {}", ticket.subject),
        String::new(),
        "Description:".to_owned(),
        ticket.description.clone(),
    ];
    lines.join("\n") + "\n"
}

#[cfg(test)]
mod tests {
    use crate::testing::email;

    #[test]
    fn body_follows_the_form() {
        let e = email("Refund missing");
        for needle in [
            "Ticket: HC-01JGM1ABC-X4KM",
            "Occupation: Users (users)",
            "Category: Billing (billing)",
            "Subcategory: Refunds (refunds)",
            "Description:\nLine one",
        ] {
            assert!(e.text.contains(needle), "{needle} in {}", e.text);
        }
        assert_eq!(e.reply_to.as_deref(), Some("ada@example.org"));
        assert!(e.subject.starts_with("[HC-01JGM1ABC-X4KM] billing · "));
    }
}
