//! Files in memory, for tests and benches: [`MemoryUploads::receive`] plays the browser's `PUT`
//! to a slot, [`MemoryUploads::set_failing`] the bucket being down.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;

use super::{Peek, Slot, UploadError, Uploads, SNIFF_BYTES};

/// One stored file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub bytes: Bytes,
    /// As the `PUT` claimed it, or the sniffed type once moved in.
    pub content_type: String,
}

#[derive(Debug, Default)]
pub struct MemoryUploads {
    files: Mutex<BTreeMap<String, Stored>>,
    failing: AtomicBool,
}

impl MemoryUploads {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set_failing(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }

    /// What the browser's `PUT` to a slot does (no checks: S3 enforces none either).
    pub fn receive(&self, key: &str, bytes: impl Into<Bytes>, content_type: &str) {
        let stored = Stored {
            bytes: bytes.into(),
            content_type: content_type.to_owned(),
        };
        self.lock().insert(key.to_owned(), stored);
    }

    /// Every key, in byte order.
    pub fn keys(&self) -> Vec<String> {
        self.lock().keys().cloned().collect()
    }

    pub fn file(&self, key: &str) -> Option<Stored> {
        self.lock().get(key).cloned()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Stored>> {
        self.files.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn check_up(&self) -> Result<(), UploadError> {
        match self.failing.load(Ordering::SeqCst) {
            true => Err(UploadError::Unavailable(
                "memory uploads set to fail".into(),
            )),
            false => Ok(()),
        }
    }
}

impl Uploads for MemoryUploads {
    async fn slot(
        &self,
        key: &str,
        _size: u64,
        content_type: &str,
        _expires: Duration,
    ) -> Result<Slot, UploadError> {
        self.check_up()?;
        Ok(Slot {
            url: format!("memory:///{key}"),
            headers: vec![("content-type".into(), content_type.into())],
        })
    }

    async fn peek(&self, key: &str) -> Result<Option<Peek>, UploadError> {
        self.check_up()?;
        Ok(self.lock().get(key).map(|f| Peek {
            size: f.bytes.len() as u64,
            head: f.bytes.slice(..f.bytes.len().min(SNIFF_BYTES)),
        }))
    }

    async fn get(&self, key: &str) -> Result<Option<Bytes>, UploadError> {
        self.check_up()?;
        Ok(self.lock().get(key).map(|f| f.bytes.clone()))
    }

    async fn put(
        &self,
        key: &str,
        bytes: Bytes,
        content_type: &str,
        _name: &str,
    ) -> Result<(), UploadError> {
        self.check_up()?;
        self.receive(key, bytes, content_type);
        Ok(())
    }

    async fn copy(
        &self,
        from: &str,
        to: &str,
        content_type: &str,
        _name: &str,
    ) -> Result<(), UploadError> {
        self.check_up()?;
        let mut files = self.lock();
        let Some(source) = files.get(from).cloned() else {
            return Err(UploadError::Unavailable(format!("no such key: {from}")));
        };
        let copied = Stored {
            content_type: content_type.to_owned(),
            ..source
        };
        files.insert(to.to_owned(), copied);
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<(), UploadError> {
        self.check_up()?;
        self.lock().remove(key);
        Ok(())
    }

    async fn list(&self, prefix: &str) -> Result<Vec<String>, UploadError> {
        self.check_up()?;
        let files = self.lock();
        Ok(files
            .range(prefix.to_owned()..)
            .map(|(k, _)| k)
            .take_while(|k| k.starts_with(prefix))
            .cloned()
            .collect())
    }

    async fn direct_link(&self, key: &str, expires: Duration) -> Result<String, UploadError> {
        self.check_up()?;
        Ok(format!("memory:///{key}?expires={}", expires.as_secs()))
    }
}
