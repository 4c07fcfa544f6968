//! The one HMAC-SHA256 signature of this crate's own signed URLs: serve's local slots and links
//! ([`FileUploads`](super::FileUploads)) and the emails' attachment links
//! ([`LinkSigner`](super::LinkSigner)). A signature covers a tuple of parts, each ended by a NUL
//! byte (no part contains one), so no two tuples sign the same bytes.

use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// A secret key and the signatures it makes.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct Signer {
    key: [u8; 32],
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer([hidden])")
    }
}

impl Signer {
    /// A fresh key, known to this process only (its signatures die with it).
    pub(super) fn random() -> Signer {
        Signer {
            key: crate::ticket::random_bytes::<32>(),
        }
    }

    /// The key for one `purpose`, derived from a longer-lived `secret`: HMAC-SHA256(secret,
    /// purpose). Knowing signatures (or the key) tells nothing about the secret or about the keys
    /// of other purposes.
    pub(super) fn derived(secret: &[u8], purpose: &str) -> Signer {
        let mut mac = new_mac(secret);
        mac.update(purpose.as_bytes());
        Signer {
            key: mac.finalize().into_bytes().into(),
        }
    }

    fn mac<S: AsRef<str>>(&self, parts: &[S]) -> Hmac<Sha256> {
        let mut mac = new_mac(&self.key);
        for part in parts {
            mac.update(part.as_ref().as_bytes());
            mac.update(&[0]);
        }
        mac
    }

    /// The signature of `parts`, in hex.
    pub(super) fn sign<S: AsRef<str>>(&self, parts: &[S]) -> String {
        hex::encode(self.mac(parts).finalize().into_bytes())
    }

    /// Whether `sig` (hex) is the signature of `parts`; compared in constant time.
    pub(super) fn verify<S: AsRef<str>>(&self, parts: &[S], sig: &str) -> bool {
        let Ok(given) = hex::decode(sig) else {
            return false;
        };
        self.mac(parts).verify_slice(&given).is_ok()
    }
}

fn new_mac(key: &[u8]) -> Hmac<Sha256> {
    <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length")
}

/// The query of a signed URL: what is signed besides the key, and the signature.
#[derive(Debug, Default)]
pub(super) struct Signed {
    /// Unix seconds.
    pub(super) expires: u64,
    pub(super) size: Option<u64>,
    pub(super) content_type: Option<String>,
    pub(super) sig: String,
}

impl Signed {
    /// `expires=…&size=…&type=…&sig=…` (other names ignored); anything unreadable is `None`.
    pub(super) fn parse(query: &str) -> Option<Signed> {
        let mut signed = Signed::default();
        let mut has_sig = false;
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            match name.as_ref() {
                "expires" => signed.expires = value.parse().ok()?,
                "size" => signed.size = Some(value.parse().ok()?),
                "type" => signed.content_type = Some(value.into_owned()),
                "sig" => {
                    signed.sig = value.into_owned();
                    has_sig = true;
                }
                _ => {}
            }
        }
        has_sig.then_some(signed)
    }

    /// Appends this query (the signature last) to `query`.
    pub(super) fn append_to(&self, query: &mut form_urlencoded::Serializer<'_, String>) {
        query.append_pair("expires", &self.expires.to_string());
        if let Some(size) = self.size {
            query.append_pair("size", &size.to_string());
        }
        if let Some(content_type) = &self.content_type {
            query.append_pair("type", content_type);
        }
        query.append_pair("sig", &self.sig);
    }
}

pub(super) fn unix_seconds(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

pub(super) fn unix_now() -> u64 {
    unix_seconds(SystemTime::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_covers_every_part_and_its_boundaries() {
        let signer = Signer::derived(b"0123456789abcdef", "test");
        let sig = signer.sign(&["tickets/HC-1/u/a.txt", "100"]);
        assert!(signer.verify(&["tickets/HC-1/u/a.txt", "100"], &sig));
        assert!(!signer.verify(&["tickets/HC-1/u/a.txt", "101"], &sig));
        assert!(!signer.verify(&["tickets/HC-1/u/a.txt1", "00"], &sig));
        assert!(!signer.verify(&["tickets/HC-1/u/a.txt", "100"], &sig[2..]));
        assert!(!signer.verify(&["tickets/HC-1/u/a.txt", "100"], "zz"));
        let other = Signer::derived(b"0123456789abcdef", "other purpose");
        assert!(!other.verify(&["tickets/HC-1/u/a.txt", "100"], &sig));
        assert_eq!(format!("{signer:?}"), "Signer([hidden])");
    }
}
