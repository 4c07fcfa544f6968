//! `{name}` placeholders of the contract's email strings.

/// Replaces each `{name}` of `values` in `template` in one pass: a value is never scanned
/// again, so a subject or username holding `{ticket_id}` stays as typed. Unknown placeholders
/// and lone braces are kept.
pub(crate) fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v, close))
        });
        match value {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::fill;

    #[test]
    fn fills_known_placeholders_once() {
        let values = [("ticket_id", "HC-1"), ("subject", "{ticket_id} {url}")];
        assert_eq!(fill("Ticket {ticket_id}", &values), "Ticket HC-1");
        assert_eq!(
            fill("{subject} / {ticket_id}", &values),
            "{ticket_id} {url} / HC-1",
            "values are not scanned again"
        );
        assert_eq!(fill("{unknown} {", &values), "{unknown} {");
        assert_eq!(fill("{{ticket_id}}", &values), "{HC-1}");
        assert_eq!(fill("", &values), "");
        assert_eq!(
            fill("Привет, {subject}!", &[("subject", "мир")]),
            "Привет, мир!"
        );
    }
}
