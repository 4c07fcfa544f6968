//! Files in a folder, for `helpcenter serve` (`.helpcenter/uploads/`): the same API as the bucket,
//! with serve itself in S3's place. A slot is a URL on serve signed (HMAC-SHA256, `signed.rs`)
//! over the method, key, length, type and expiry (a fresh secret per process), which serve checks
//! in [`FileUploads::receive`] before it writes a byte — the length and type are enforced here, as
//! S3 does for its signed headers. Download links are signed the same way
//! ([`FileUploads::open_link`]); they die when serve restarts, which is fine locally. Each file's
//! type and name sit beside it under `.meta/`.

use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use bytes::Bytes;
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde::{Deserialize, Serialize};

use super::signed::{unix_now, Signed, Signer};
use super::{Peek, Slot, UploadError, Uploads, SNIFF_BYTES};

/// Characters a key keeps in a URL path: its `/` stay, everything else unusual is escaped.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'&')
    .add(b'+');

const META_DIR: &str = ".meta";

/// A local bucket in `dir`, whose slots and links point at `base_url` (serve's uploads route).
#[derive(Debug)]
pub struct FileUploads {
    dir: PathBuf,
    base_url: String,
    signer: Signer,
}

/// Why serve refuses a `PUT` to a slot or a download.
#[derive(Debug, thiserror::Error)]
pub enum ReceiveError {
    #[error("the link is not valid (wrong signature, or expired)")]
    Forbidden,
    #[error("the body is not the signed length ({expected} bytes)")]
    WrongLength { expected: u64 },
    #[error("the Content-Type is not the signed one ({expected})")]
    WrongType { expected: String },
    #[error("no such file")]
    NotFound,
    #[error(transparent)]
    Io(#[from] UploadError),
}

/// What is kept beside each file.
#[derive(Debug, Serialize, Deserialize)]
struct Meta {
    content_type: String,
    #[serde(default)]
    name: String,
}

impl FileUploads {
    pub fn open(dir: impl AsRef<Path>, base_url: &str) -> Result<Self, UploadError> {
        let dir = dir.as_ref().to_path_buf();
        std::fs::create_dir_all(&dir).map_err(|source| UploadError::Io {
            path: dir.clone(),
            source,
        })?;
        Ok(FileUploads {
            dir,
            base_url: base_url.trim_end_matches('/').to_owned(),
            signer: Signer::random(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A `PUT` to a slot URL, as serve received it: `key` from the path, `query` its query.
    pub fn receive(
        &self,
        key: &str,
        query: &str,
        content_type: Option<&str>,
        body: Bytes,
    ) -> Result<(), ReceiveError> {
        let signed = self.verify("PUT", key, query)?;
        let expected = signed.size.ok_or(ReceiveError::Forbidden)?;
        if body.len() as u64 != expected {
            return Err(ReceiveError::WrongLength { expected });
        }
        let claimed = signed.content_type.unwrap_or_default();
        if content_type != Some(claimed.as_str()) {
            return Err(ReceiveError::WrongType { expected: claimed });
        }
        self.write(key, &body, &claimed, "")?;
        Ok(())
    }

    /// A `GET` of a download link: the file and its stored type and name.
    pub fn open_link(
        &self,
        key: &str,
        query: &str,
    ) -> Result<(Bytes, String, String), ReceiveError> {
        self.verify("GET", key, query)?;
        let path = self.path(key).ok_or(ReceiveError::NotFound)?;
        let bytes = std::fs::read(&path).map_err(|_| ReceiveError::NotFound)?;
        let meta = self.meta(key).unwrap_or(Meta {
            content_type: "application/octet-stream".into(),
            name: String::new(),
        });
        Ok((Bytes::from(bytes), meta.content_type, meta.name))
    }

    /// The URL of `method` on `key` with the signed query.
    fn signed_url(&self, method: &str, key: &str, mut signed: Signed) -> String {
        signed.sig = self.signer.sign(&covered(method, key, &signed));
        let mut query = form_urlencoded::Serializer::new(String::new());
        signed.append_to(&mut query);
        let path = utf8_percent_encode(key, PATH);
        format!("{}/{path}?{}", self.base_url, query.finish())
    }

    fn verify(&self, method: &str, key: &str, query: &str) -> Result<Signed, ReceiveError> {
        let signed = Signed::parse(query).ok_or(ReceiveError::Forbidden)?;
        let valid = self
            .signer
            .verify(&covered(method, key, &signed), &signed.sig);
        match valid && signed.expires >= unix_now() {
            true => Ok(signed),
            false => Err(ReceiveError::Forbidden),
        }
    }

    /// The file of `key`, if `key` is a plain relative path (no `..`, no root, no `.meta`).
    fn path(&self, key: &str) -> Option<PathBuf> {
        let relative = Path::new(key);
        let plain = relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        let first = relative.components().next();
        let meta = first.is_some_and(|c| c.as_os_str() == META_DIR);
        (plain && !meta && !key.is_empty()).then(|| self.dir.join(relative))
    }

    fn meta_path(&self, key: &str) -> Option<PathBuf> {
        self.path(key)?;
        Some(self.dir.join(META_DIR).join(format!("{key}.json")))
    }

    fn meta(&self, key: &str) -> Option<Meta> {
        let text = std::fs::read(self.meta_path(key)?).ok()?;
        serde_json::from_slice(&text).ok()
    }

    /// Writes the file and its meta through temporary files, so a reader never sees half.
    fn write(
        &self,
        key: &str,
        bytes: &[u8],
        content_type: &str,
        name: &str,
    ) -> Result<(), UploadError> {
        let (Some(path), Some(meta_path)) = (self.path(key), self.meta_path(key)) else {
            return Err(UploadError::Unavailable(format!("not a key: {key:?}")));
        };
        let meta = serde_json::to_vec(&Meta {
            content_type: content_type.to_owned(),
            name: name.to_owned(),
        })
        .expect("plain data");
        write_atomic(&meta_path, &meta)?;
        write_atomic(&path, bytes)
    }
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), UploadError> {
    let io = |source| UploadError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let tmp = path.with_extension(format!(
        "tmp-{}",
        hex::encode(crate::ticket::random_bytes::<4>())
    ));
    std::fs::write(&tmp, bytes).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

/// What a slot's or link's signature covers: the method, the key, the expiry, the size and the
/// type (absent ones empty).
fn covered(method: &str, key: &str, signed: &Signed) -> [String; 5] {
    [
        method.to_owned(),
        key.to_owned(),
        signed.expires.to_string(),
        signed.size.map(|s| s.to_string()).unwrap_or_default(),
        signed.content_type.clone().unwrap_or_default(),
    ]
}

impl Uploads for FileUploads {
    async fn slot(
        &self,
        key: &str,
        size: u64,
        content_type: &str,
        expires: Duration,
    ) -> Result<Slot, UploadError> {
        let signed = Signed {
            expires: unix_now() + expires.as_secs(),
            size: Some(size),
            content_type: Some(content_type.to_owned()),
            sig: String::new(),
        };
        Ok(Slot {
            url: self.signed_url("PUT", key, signed),
            headers: vec![("content-type".into(), content_type.into())],
        })
    }

    async fn peek(&self, key: &str) -> Result<Option<Peek>, UploadError> {
        let Some(bytes) = self.get(key).await? else {
            return Ok(None);
        };
        Ok(Some(Peek {
            size: bytes.len() as u64,
            head: bytes.slice(..bytes.len().min(SNIFF_BYTES)),
        }))
    }

    async fn get(&self, key: &str) -> Result<Option<Bytes>, UploadError> {
        let Some(path) = self.path(key) else {
            return Ok(None);
        };
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(Bytes::from(bytes))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(UploadError::Io { path, source }),
        }
    }

    async fn put(
        &self,
        key: &str,
        bytes: Bytes,
        content_type: &str,
        name: &str,
    ) -> Result<(), UploadError> {
        self.write(key, &bytes, content_type, name)
    }

    async fn copy(
        &self,
        from: &str,
        to: &str,
        content_type: &str,
        name: &str,
    ) -> Result<(), UploadError> {
        match self.get(from).await? {
            Some(bytes) => self.write(to, &bytes, content_type, name),
            None => Err(UploadError::Unavailable(format!("no such key: {from}"))),
        }
    }

    async fn delete(&self, key: &str) -> Result<(), UploadError> {
        for path in [self.path(key), self.meta_path(key)].into_iter().flatten() {
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => return Err(UploadError::Io { path, source }),
            }
        }
        Ok(())
    }

    async fn list(&self, prefix: &str) -> Result<Vec<String>, UploadError> {
        // Only the prefix's own folder is walked (a slot counts one submission's uploads, not
        // every ticket's); a folder that is not there holds nothing.
        let folder = prefix.rsplit_once('/').map_or("", |(folder, _)| folder);
        let start = match folder {
            "" => self.dir.clone(),
            folder => match self.path(folder) {
                Some(start) if start.is_dir() => start,
                _ => return Ok(Vec::new()),
            },
        };
        let mut keys = Vec::new();
        for entry in walkdir::WalkDir::new(&start).min_depth(1) {
            let entry = entry.map_err(|e| UploadError::Unavailable(e.to_string()))?;
            let Ok(relative) = entry.path().strip_prefix(&self.dir) else {
                continue;
            };
            let key = relative
                .to_string_lossy()
                .replace(std::path::MAIN_SEPARATOR, "/");
            let meta = key == META_DIR || key.starts_with(&format!("{META_DIR}/"));
            if entry.file_type().is_file()
                && !meta
                && !key.contains(".tmp-")
                && key.starts_with(prefix)
            {
                keys.push(key);
            }
        }
        keys.sort();
        Ok(keys)
    }

    async fn direct_link(&self, key: &str, expires: Duration) -> Result<String, UploadError> {
        let signed = Signed {
            expires: unix_now() + expires.as_secs(),
            ..Signed::default()
        };
        Ok(self.signed_url("GET", key, signed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::block_on;

    fn split(url: &str) -> (String, String) {
        let rest = url
            .strip_prefix("http://127.0.0.1:1/_helpcenter/uploads/")
            .expect("serve's URL");
        let (path, query) = rest.split_once('?').expect("a query");
        let key = percent_encoding::percent_decode_str(path)
            .decode_utf8()
            .unwrap()
            .into_owned();
        (key, query.to_owned())
    }

    #[test]
    fn a_slot_takes_exactly_its_signed_file() {
        let dir = tempfile::tempdir().unwrap();
        let uploads =
            FileUploads::open(dir.path(), "http://127.0.0.1:1/_helpcenter/uploads/").unwrap();
        let key = "pending/sub-12345678/0123456789/shot 1 #?.png";
        let slot = block_on(uploads.slot(key, 3, "image/png", Duration::from_secs(60))).unwrap();
        let (path_key, query) = split(&slot.url);
        assert_eq!(path_key, key);
        let put = |ct: Option<&str>, body: &'static [u8], q: &str| {
            uploads.receive(key, q, ct, Bytes::from_static(body))
        };
        assert!(matches!(
            put(Some("image/png"), b"abcd", &query),
            Err(ReceiveError::WrongLength { expected: 3 })
        ));
        assert!(matches!(
            put(Some("text/html"), b"abc", &query),
            Err(ReceiveError::WrongType { .. })
        ));
        let forged = query.replace("size=3", "size=4");
        assert!(matches!(
            put(Some("image/png"), b"abcd", &forged),
            Err(ReceiveError::Forbidden)
        ));
        assert!(matches!(
            uploads.receive(
                "pending/other/0123456789/x.png",
                &query,
                Some("image/png"),
                Bytes::from_static(b"abc")
            ),
            Err(ReceiveError::Forbidden)
        ));
        put(Some("image/png"), b"abc", &query).unwrap();
        let peek = block_on(uploads.peek(key)).unwrap().unwrap();
        assert_eq!((peek.size, &peek.head[..]), (3, &b"abc"[..]));
        assert_eq!(
            block_on(uploads.list("pending/sub-12345678/")).unwrap(),
            [key]
        );
    }

    #[test]
    fn copies_carry_their_type_and_links_are_signed() {
        let dir = tempfile::tempdir().unwrap();
        let uploads =
            FileUploads::open(dir.path(), "http://127.0.0.1:1/_helpcenter/uploads").unwrap();
        block_on(uploads.put(
            "pending/s/u/a.txt",
            Bytes::from_static(b"log"),
            "text/plain",
            "",
        ))
        .unwrap();
        block_on(uploads.copy(
            "pending/s/u/a.txt",
            "tickets/HC-1/u/a.txt",
            "text/plain",
            "a.txt",
        ))
        .unwrap();
        block_on(uploads.delete("pending/s/u/a.txt")).unwrap();
        block_on(uploads.delete("pending/s/u/a.txt")).unwrap();
        assert_eq!(
            block_on(uploads.list("")).unwrap(),
            ["tickets/HC-1/u/a.txt"]
        );
        // A prefix walks its own folder only; one cut inside a name, or a folder not there.
        let within = block_on(uploads.list("tickets/HC-1/u/a")).unwrap();
        assert_eq!(within, ["tickets/HC-1/u/a.txt"]);
        assert!(block_on(uploads.list("pending/none/")).unwrap().is_empty());
        assert!(block_on(uploads.list(".meta/")).unwrap().is_empty());
        let link = block_on(uploads.link("tickets/HC-1/u/a.txt", Duration::from_secs(60))).unwrap();
        let (key, query) = split(&link);
        let (bytes, content_type, name) = uploads.open_link(&key, &query).unwrap();
        assert_eq!(
            (&bytes[..], content_type.as_str(), name.as_str()),
            (&b"log"[..], "text/plain", "a.txt")
        );
        assert!(matches!(
            uploads.open_link("tickets/HC-1/u/b.txt", &query),
            Err(ReceiveError::Forbidden)
        ));
        assert!(matches!(
            uploads.open_link(&key, "expires=1&sig=00"),
            Err(ReceiveError::Forbidden)
        ));
        assert_eq!(block_on(uploads.get("../etc/passwd")).unwrap(), None);
        assert_eq!(
            block_on(uploads.get(".meta/tickets/HC-1/u/a.txt.json")).unwrap(),
            None
        );
    }
}
