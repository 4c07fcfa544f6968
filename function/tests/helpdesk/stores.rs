//! Where `helpdesk`'s cases run (moto, or a serve state folder), and uploads that die halfway.

use std::time::Duration;

use bytes::Bytes;
use ticket_function::aws::{DynamoStore, S3Spool, S3Uploads};
use ticket_function::helpdesk::{local, Desk};
use ticket_function::uploads::{Peek, Slot, UploadError};
use ticket_function::{DeskStore, FileSpool, FileStore, FileUploads, NoticeStore, Spool, Uploads};

use crate::support::{clients, fresh_resources, Resources, StackOptions};

/// Where a case runs: a fresh table and bucket in moto, or a fresh serve state folder.
pub(crate) trait Stores: Sized {
    type S: DeskStore + NoticeStore;
    type P: Spool;
    type U: Uploads;
    async fn fresh() -> Self;
    /// A desk on these stores (another one on the same data each call).
    async fn desk(&self) -> Desk<Self::S, Self::P, Self::U>;
}

pub(crate) struct Moto(Resources);

impl Stores for Moto {
    type S = DynamoStore;
    type P = S3Spool;
    type U = S3Uploads;
    async fn fresh() -> Self {
        Moto(fresh_resources().await)
    }
    async fn desk(&self) -> Desk<DynamoStore, S3Spool, S3Uploads> {
        let (store, _, spool, uploads, _) = clients(StackOptions::default(), &self.0).await;
        Desk {
            store,
            spool,
            uploads,
            outbox: None,
            replay_settle: Duration::ZERO,
        }
    }
}

pub(crate) struct Files(tempfile::TempDir);

impl Stores for Files {
    type S = FileStore;
    type P = FileSpool;
    type U = FileUploads;
    async fn fresh() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        FileStore::open(dir.path().join("tickets")).expect("serve's store");
        Files(dir)
    }
    async fn desk(&self) -> local::LocalDesk {
        local::open(self.0.path()).expect("a serve state folder")
    }
}

/// Uploads whose deletes fail after `deletes` of them: a process killed halfway.
pub(crate) struct DiesAfter<U> {
    pub(crate) inner: U,
    pub(crate) deletes: std::sync::atomic::AtomicUsize,
}

impl<U: Uploads> Uploads for DiesAfter<U> {
    async fn slot(
        &self,
        key: &str,
        size: u64,
        content_type: &str,
        expires: Duration,
    ) -> Result<Slot, UploadError> {
        self.inner.slot(key, size, content_type, expires).await
    }
    async fn peek(&self, key: &str) -> Result<Option<Peek>, UploadError> {
        self.inner.peek(key).await
    }
    async fn get(&self, key: &str) -> Result<Option<Bytes>, UploadError> {
        self.inner.get(key).await
    }
    async fn put(
        &self,
        key: &str,
        bytes: Bytes,
        content_type: &str,
        name: &str,
    ) -> Result<(), UploadError> {
        self.inner.put(key, bytes, content_type, name).await
    }
    async fn copy(
        &self,
        from: &str,
        to: &str,
        content_type: &str,
        name: &str,
    ) -> Result<(), UploadError> {
        self.inner.copy(from, to, content_type, name).await
    }
    async fn delete(&self, key: &str) -> Result<(), UploadError> {
        use std::sync::atomic::Ordering;
        let left = self.deletes.load(Ordering::SeqCst);
        if left == 0 {
            return Err(UploadError::Unavailable("killed".into()));
        }
        self.deletes.store(left - 1, Ordering::SeqCst);
        self.inner.delete(key).await
    }
    async fn list(&self, prefix: &str) -> Result<Vec<String>, UploadError> {
        self.inner.list(prefix).await
    }
    async fn link(&self, key: &str, expires: Duration) -> Result<String, UploadError> {
        self.inner.link(key, expires).await
    }
    async fn direct_link(&self, key: &str, expires: Duration) -> Result<String, UploadError> {
        self.inner.direct_link(key, expires).await
    }
}
