//! The address rule shared by validation (the submitter's `email`) and the settings
//! (`FALLBACK_EMAIL`, `SENDER_EMAIL`): every address ends up in a header of an email.

/// A deliberately plain address check: one `@`, an ASCII local part of atoms separated by dots,
/// and a domain of at least two DNS labels. Quoted local parts, IP literals and non-ASCII are
/// refused: the address goes into a `Reply-To` header and must need no encoding there.
pub fn is_valid_email(address: &str) -> bool {
    const ATEXT: &str = "!#$%&'*+-/=?^_`{|}~";
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local.split('.').all(|atom| {
            !atom.is_empty()
                && atom
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || ATEXT.contains(c))
        });
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = address.len() <= 254
        && labels.len() >= 2
        && labels.iter().all(|l| {
            (1..=63).contains(&l.len())
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && !tld.chars().all(|c| c.is_ascii_digit()));
    local_ok && domain_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for ok in [
            "a@b.co",
            "first.last+tag@sub.example.com",
            "o'hara@example.ie",
            "x_y@a-b.io",
        ] {
            assert!(is_valid_email(ok), "{ok}");
        }
        for bad in [
            "",
            "a",
            "a@",
            "@b.co",
            "a@b",
            "a@@b.co",
            "a b@c.co",
            "a..b@c.co",
            ".a@b.co",
            "a@-b.co",
            "a@b.c",
            "a@b.123",
            "\"a\"@b.co",
            "a@[1.2.3.4]",
            "é@b.co",
            "a@b.co\r\nBcc: x@y.z",
            "a@b.co,c@d.co",
            "<a@b.co>",
        ] {
            assert!(!is_valid_email(bad), "{bad:?}");
        }
    }
}
