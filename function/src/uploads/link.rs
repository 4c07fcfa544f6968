//! Links to a ticket's file that keep the date the email states. A presigned S3 URL dies with
//! the credentials that signed it, and a Lambda's role credentials last hours, not the 7 days
//! of [`LINK_EXPIRY`](super::LINK_EXPIRY). So the emails link the HTTP function instead: the
//! ticket endpoint's `files` sibling, signed here with a key both functions derive from
//! `CLIENT_HASH_SALT`; opening it (`http/files.rs`) checks the signature and redirects to a
//! fresh presigned `GET` of a few minutes.
//!
//! A link is `{files}?key=<key>&expires=<unix seconds>&sig=<hex>`, the signature over (key,
//! expiry). The key rides in the query, not the path: API Gateway's HTTP API hands the function
//! its path decoded, so a name with `#`, `?` or `%` (`Invoice #12.pdf`) would arrive cut or
//! changed, while the query arrives as it was sent.

use std::time::SystemTime;

use super::key::is_ticket_key;
use super::signed::{unix_seconds, Signed, Signer};
use crate::contract::TicketContract;

/// What the links' key is derived for (from `CLIENT_HASH_SALT`): a name of its own, so the key
/// shares nothing with the client hash.
const PURPOSE: &str = "attachment links";

/// Makes and checks the emails' links. Its `Debug` hides the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkSigner {
    signer: Signer,
    /// The `files` route, absolute: `https://api.example.com/files`.
    base: String,
}

/// Why a link opens nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// No key, or one that is not `tickets/<ticket_id>/<upload_id>/<name>`.
    #[error("the link names no ticket's file")]
    NotATicketFile,
    #[error("the link's signature is not valid")]
    Forged,
    #[error("the link expired")]
    Expired {
        /// Unix seconds.
        at: u64,
    },
}

impl LinkSigner {
    /// The signer of the functions that serve `contract`'s endpoint, keyed by `secret` (the
    /// `CLIENT_HASH_SALT` both functions have).
    pub fn new(secret: &str, contract: &TicketContract) -> LinkSigner {
        LinkSigner {
            signer: Signer::derived(secret.as_bytes(), PURPOSE),
            base: files_base(contract),
        }
    }

    /// Where links point: the ticket endpoint's `files` sibling.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// A link to `key` that opens until `until`.
    pub fn url(&self, key: &str, until: SystemTime) -> String {
        let expires = unix_seconds(until);
        let signed = Signed {
            expires,
            sig: self.signer.sign(&[key, &expires.to_string()]),
            ..Signed::default()
        };
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("key", key);
        signed.append_to(&mut query);
        format!("{}?{}", self.base, query.finish())
    }

    /// The key a link's `query` opens at `now`.
    pub fn open(&self, query: &str, now: SystemTime) -> Result<String, LinkError> {
        let key = form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == "key")
            .map(|(_, key)| key.into_owned())
            .filter(|key| is_ticket_key(key))
            .ok_or(LinkError::NotATicketFile)?;
        let signed = Signed::parse(query).ok_or(LinkError::Forged)?;
        let parts = [key.as_str(), &signed.expires.to_string()];
        if !self.signer.verify(&parts, &signed.sig) {
            return Err(LinkError::Forged);
        }
        match signed.expires >= unix_seconds(now) {
            true => Ok(key),
            false => Err(LinkError::Expired { at: signed.expires }),
        }
    }
}

/// The `files` sibling of the endpoint, made absolute with the site's URL when the endpoint is a
/// path on the site (`/api/tickets`): an email's link must work outside the site.
fn files_base(contract: &TicketContract) -> String {
    let files = contract.sibling_endpoint("files");
    if files.starts_with("https://") || files.starts_with("http://") {
        return files;
    }
    let site = contract.site_url.trim_end_matches('/');
    format!("{site}/{}", files.trim_start_matches('/'))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::testing::contract;

    const KEY: &str = "tickets/HC-1JGJFGRSE-5YH2/0123456789/Invoice #12 & 100%.pdf";

    fn at(seconds: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(seconds)
    }

    fn signer() -> LinkSigner {
        LinkSigner::new("0123456789abcdef", &contract())
    }

    fn query(url: &str) -> &str {
        url.split_once('?').expect("a query").1
    }

    #[test]
    fn a_link_opens_its_key_until_it_expires() {
        let signer = signer();
        let url = signer.url(KEY, at(1_000));
        assert!(
            url.starts_with("https://api.example.com/files?key=tickets%2FHC-"),
            "{url}"
        );
        assert!(url.contains("&expires=1000&sig="), "{url}");
        assert_eq!(signer.open(query(&url), at(999)).as_deref(), Ok(KEY));
        assert_eq!(signer.open(query(&url), at(1_000)).as_deref(), Ok(KEY));
        assert_eq!(
            signer.open(query(&url), at(1_001)),
            Err(LinkError::Expired { at: 1_000 })
        );
    }

    #[test]
    fn a_changed_key_expiry_or_signature_is_forged() {
        let signer = signer();
        let url = signer.url(KEY, at(1_000));
        let q = query(&url);
        let sig = q.rsplit_once("sig=").unwrap().1;
        let flipped = match sig.as_bytes()[0] {
            b'0' => format!("1{}", &sig[1..]),
            _ => format!("0{}", &sig[1..]),
        };
        let other_key =
            form_urlencoded::byte_serialize(b"tickets/HC-1JGJFGRSE-5YH2/0123456789/other.pdf")
                .collect::<String>();
        let tampered = [
            q.replace("expires=1000", "expires=9999999999"),
            q.replace(sig, &flipped),
            q.replace(sig, &sig[..sig.len() - 2]),
            q.replace(sig, ""),
            q.replace(&format!("&sig={sig}"), ""),
            q.replace("expires=1000", "expires=soon"),
            format!("key={other_key}&{}", q.split_once('&').unwrap().1),
        ];
        for query in tampered {
            assert_eq!(
                signer.open(&query, at(0)),
                Err(LinkError::Forged),
                "{query}"
            );
        }
        let other_secret = LinkSigner::new("fedcba9876543210", &contract());
        assert_eq!(other_secret.open(q, at(0)), Err(LinkError::Forged));
    }

    #[test]
    fn only_ticket_files_open() {
        let signer = signer();
        for key in [
            "spool/HC-1JGJFGRSE-5YH2.json",
            "pending/sub-12345678/0123456789/shot.png",
            "tickets/HC-1/0123456789/../../spool/HC-1.json",
        ] {
            // Even a correctly signed link: the route opens tickets' files and nothing else.
            let url = signer.url(key, at(1_000));
            assert_eq!(
                signer.open(query(&url), at(0)),
                Err(LinkError::NotATicketFile),
                "{key}"
            );
        }
        assert_eq!(
            signer.open("expires=1000&sig=00", at(0)),
            Err(LinkError::NotATicketFile)
        );
    }

    #[test]
    fn links_of_a_relative_endpoint_are_absolute_on_the_site() {
        let mut c = contract();
        c.endpoint = "/api/tickets".into();
        c.site_url = "https://help.example.com/".into();
        let signer = LinkSigner::new("0123456789abcdef", &c);
        assert_eq!(signer.base(), "https://help.example.com/api/files");
        assert!(!format!("{signer:?}").contains("0123456789abcdef"));
    }
}
