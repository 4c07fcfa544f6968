//! The acknowledgement: in the ticket's language, what the submitter needs to know (ticket
//! number, subject, response time and hours, one question per ticket, the privacy link) and
//! nothing else: never the description, no other links.

use std::time::SystemTime;

use crate::contract::TicketContract;
use crate::mail::{fill, is_valid_email, Email};
use crate::ticket::Ticket;

/// The submitter's address, if the ticket has one an email can go to.
pub fn ack_address(ticket: &Ticket) -> Option<&str> {
    ticket.email.as_deref().filter(|e| is_valid_email(e))
}

/// The acknowledgement of `ticket`, replying to `reply_to` (the queue's address); `None` when
/// the ticket has no address or the contract no words for its language or the default one.
pub fn ack_email(
    ticket: &Ticket,
    contract: &TicketContract,
    from: &str,
    reply_to: &str,
    date: SystemTime,
) -> Option<Email> {
    let to = ack_address(ticket)?;
    let messages = contract.messages_for(&ticket.language)?;
    let words = &messages.strings;
    let hours = contract.response_hours.to_string();
    let values = [
        ("ticket_id", ticket.ticket_id.as_str()),
        ("subject", ticket.subject.as_str()),
        ("username", ticket.username.as_deref().unwrap_or_default()),
        ("hours", hours.as_str()),
        ("timezone", messages.timezone.as_str()),
        (
            "url",
            contract.messages.privacy_url.as_deref().unwrap_or_default(),
        ),
        ("site_title", messages.site_title.as_str()),
        ("language", messages.language_name.as_str()),
    ];
    let f = |template: &str| fill(template, &values);
    let greeting = match &ticket.username {
        Some(_) => f(&words.ack_greeting_named),
        None => f(&words.ack_greeting),
    };
    let mut lines = vec![greeting, String::new(), f(&words.ack_intro), String::new()];
    lines.extend([
        f(&words.ack_ticket),
        f(&words.ack_subject_line),
        String::new(),
    ]);
    lines.extend([f(&words.ack_response), f(&words.ack_hours)]);
    lines.extend(messages.hours.iter().cloned());
    lines.extend([
        String::new(),
        f(&words.ack_one_question),
        f(&words.ack_reply),
    ]);
    if contract.messages.privacy_url.is_some() {
        lines.extend([String::new(), f(&words.ack_privacy)]);
    }
    lines.extend([String::new(), f(&words.ack_signature)]);
    Some(Email {
        from: from.to_owned(),
        to: to.to_owned(),
        reply_to: Some(reply_to.to_owned()),
        subject: f(&words.ack_subject),
        text: lines.join("\n") + "\n",
        date,
        id: format!("{}.ack", ticket.ticket_id),
        // Never a file: the acknowledgement repeats nothing the person sent.
        attachments: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{contract, ticket};

    fn ack(language: &str, username: Option<&str>) -> Email {
        let mut t = ticket(
            "HC-01JGM1ABC-X4KM",
            "s",
            "billing",
            "2025-01-02T03:04:05.678Z",
        );
        t.language = language.into();
        t.username = username.map(str::to_owned);
        t.description = "SECRET DESCRIPTION https://evil.example".into();
        ack_email(
            &t,
            &contract(),
            "from@example.com",
            "billing@example.com",
            SystemTime::UNIX_EPOCH,
        )
        .unwrap()
    }

    #[test]
    fn english_with_a_name() {
        let e = ack("en", Some("Ada {ticket_id}"));
        assert_eq!(e.subject, "We received your request HC-01JGM1ABC-X4KM");
        assert_eq!(
            (e.to.as_str(), e.reply_to.as_deref()),
            ("ada@example.org", Some("billing@example.com"))
        );
        let expected = "Hello Ada {ticket_id},\n\
            \n\
            thank you for contacting us. Your request has reached our support team.\n\
            \n\
            Your ticket number: HC-01JGM1ABC-X4KM\n\
            Subject: Refund missing\n\
            \n\
            We usually answer within 24 hours.\n\
            Support hours (Europe/Rome):\n\
            Monday–Friday 09:00–18:00\n\
            Saturday, Sunday 10:00–14:00\n\
            \n\
            One request = one question: to ask about something else, please send a new request.\n\
            To add details to this request, reply to this email.\n\
            \n\
            How we handle your data: https://lumen.example/privacy\n\
            \n\
            The Lumen Help Center support team\n";
        assert_eq!(e.text, expected);
    }

    #[test]
    fn russian_without_a_name_and_never_the_description() {
        let e = ack("ru", None);
        assert!(e.text.starts_with("Здравствуйте!\n"), "{}", e.text);
        assert!(e.text.contains("HC-01JGM1ABC-X4KM"));
        assert!(
            !e.text.contains("SECRET") && !e.text.contains("evil"),
            "{}",
            e.text
        );
        let links = e.text.matches("https://").count();
        assert_eq!(links, 1, "the privacy link only: {}", e.text);
        assert!(e.subject.contains("HC-01JGM1ABC-X4KM"));
        assert_eq!(
            ack("xx", None).subject,
            ack("en", None).subject,
            "default language"
        );
    }

    #[test]
    fn no_address_no_acknowledgement() {
        let mut t = ticket("HC-1", "s", "billing", "2025-01-02T03:04:05.678Z");
        t.email = None;
        assert!(ack_email(
            &t,
            &contract(),
            "f@example.com",
            "r@example.com",
            SystemTime::UNIX_EPOCH
        )
        .is_none());
        t.email = Some("ada@example.org\nBcc: x@example.net".into());
        assert!(ack_address(&t).is_none());
    }
}
