//! The team email: the ticket for the queue's people, with the labels of the help center's
//! default language and the ticket's language stated, so they answer in it; its images
//! attached, its other files linked.

use std::time::SystemTime;

use crate::contract::{label, Labels, TicketContract};
use crate::mail::{fill, is_valid_email, Email, MailFiles};
use crate::ticket::Ticket;

/// The team email of `ticket` to `to` (the queue's route) with its `files` (see
/// [`mail_files`](crate::mail::mail_files)); `None` only for a contract without the default
/// language's words (one that failed its check).
pub fn team_email(
    ticket: &Ticket,
    contract: &TicketContract,
    from: &str,
    to: &str,
    date: SystemTime,
    files: MailFiles,
) -> Option<Email> {
    Some(Email {
        from: from.to_owned(),
        to: to.to_owned(),
        // Replying answers the submitter; an address that is not one (never validated) is left out.
        reply_to: ticket.email.clone().filter(|e| is_valid_email(e)),
        subject: format!("[{}] {}", ticket.ticket_id, ticket.subject),
        text: team_text(ticket, contract, &files)?,
        date,
        id: format!("{}.team", ticket.ticket_id),
        attachments: files.attached,
    })
}

/// Every field in the form's order, then the message verbatim, then the files.
fn team_text(ticket: &Ticket, contract: &TicketContract, files: &MailFiles) -> Option<String> {
    let lang = contract.default_language.as_str();
    let words = &contract.messages.languages.get(lang)?.strings;
    let named = |labels: Option<&Labels>, id: &str| {
        labels.map_or(id.to_owned(), |l| label(l, lang, lang, id).to_owned())
    };
    let audience = contract.audience(&ticket.audience);
    let category = contract.category(&ticket.audience, &ticket.category);
    let category_name = named(category.map(|c| &c.labels), &ticket.category);
    let choice = match ticket.subcategory.as_deref() {
        Some(sub) => {
            let labels = category.and_then(|c| c.subcategory(sub)).map(|s| &s.labels);
            let sub_name = named(labels, sub);
            format!("{category_name} › {sub_name} ({} › {sub})", ticket.category)
        }
        None => format!("{category_name} ({})", ticket.category),
    };
    let language_name = contract
        .messages
        .languages
        .get(&ticket.language)
        .map_or(ticket.language.as_str(), |m| m.language_name.as_str());
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let mut lines = vec![
        format!(
            "{}: {} ({})",
            words.label_audience,
            named(audience.map(|a| &a.labels), &ticket.audience),
            ticket.audience
        ),
        format!("{}: {choice}", words.label_category),
        format!(
            "{}: {language_name} ({})",
            words.label_language, ticket.language
        ),
        fill(&words.team_answer_in, &[("language", language_name)]),
        format!("{}: {}", words.label_page, or_dash(&ticket.page)),
        format!("{}: {}", words.label_username, or_dash(&ticket.username)),
        format!("{}: {}", words.label_email, or_dash(&ticket.email)),
        format!("{}: {}", words.label_received, ticket.received_at),
        String::new(),
        format!("{}:", words.label_message),
        ticket.description.clone(),
    ];
    lines.extend(files.lines(words));
    Some(lines.join("\n") + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{contract, ticket};

    #[test]
    fn lists_the_form_in_the_default_language_and_names_the_ticket_language() {
        let mut t = ticket(
            "HC-01JGM1ABC-X4KM",
            "s",
            "billing",
            "2025-01-02T03:04:05.678Z",
        );
        t.language = "it".into();
        t.username = Some("ada".into());
        t.description = "Riga uno\n{ticket_id} resta così".into();
        let e = team_email(
            &t,
            &contract(),
            "from@example.com",
            "team@example.com",
            SystemTime::UNIX_EPOCH,
            MailFiles::default(),
        )
        .unwrap();
        assert_eq!(e.subject, "[HC-01JGM1ABC-X4KM] Refund missing");
        assert_eq!(e.to, "team@example.com");
        assert_eq!(e.reply_to.as_deref(), Some("ada@example.org"));
        let expected = "Occupation: Users (users)\n\
            Category: Billing › Refunds (billing › refunds)\n\
            Language: Italiano (it)\n\
            Answer in Italiano: the person wrote in that language.\n\
            Page: -\n\
            Username: ada\n\
            Email: ada@example.org\n\
            Received at: 2025-01-02T03:04:05.678Z\n\
            \n\
            Message:\n\
            Riga uno\n{ticket_id} resta così\n";
        assert_eq!(e.text, expected);
    }

    #[test]
    fn an_address_that_is_not_one_gets_no_reply_to() {
        let mut t = ticket("HC-1", "s", "billing", "2025-01-02T03:04:05.678Z");
        t.email = Some("ada@example.org\r\nBcc: victim@example.net".into());
        t.subcategory = None;
        let e = team_email(
            &t,
            &contract(),
            "f@example.com",
            "t@example.com",
            SystemTime::UNIX_EPOCH,
            MailFiles::default(),
        )
        .unwrap();
        assert_eq!(e.reply_to, None);
        assert!(
            e.text.contains("Category: Billing (billing)\n"),
            "{}",
            e.text
        );
    }
}
