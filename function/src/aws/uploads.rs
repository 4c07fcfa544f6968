//! Attachments in S3: the [`Uploads`] of the Lambdas, in the private uploads bucket
//! (`UPLOADS_BUCKET`, whose default encryption and public access block apply). Slots and direct
//! links are presigned requests: a slot signs the `PUT`'s length and type, a direct link one
//! `GET`. Presigning is local (no call to S3), with the function's own credentials, so such a
//! URL lives at most as long as those (on Lambda, the role's session: hours). The emails' links
//! must last days: with a [`LinkSigner`] they point at the HTTP function instead, which
//! presigns a fresh direct link each time one is opened (see `uploads/link.rs`).

use std::time::{Duration, SystemTime};

use aws_sdk_s3::error::DisplayErrorContext;
use aws_sdk_s3::presigning::{PresignedRequest, PresigningConfig};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::MetadataDirective;
use bytes::Bytes;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::s3::list_keys;
use crate::uploads::{
    content_disposition, LinkSigner, Peek, Slot, UploadError, Uploads, SNIFF_BYTES,
};

/// `x-amz-copy-source` is `bucket/key` URL-encoded, its `/` kept.
const COPY_SOURCE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Files in an S3 bucket.
#[derive(Debug, Clone)]
pub struct S3Uploads {
    client: aws_sdk_s3::Client,
    bucket: String,
    /// Signs the emails' links to the HTTP function; without it they are direct links.
    links: Option<LinkSigner>,
}

impl S3Uploads {
    pub fn new(client: aws_sdk_s3::Client, bucket: &str) -> Self {
        S3Uploads {
            client,
            bucket: bucket.to_owned(),
            links: None,
        }
    }

    /// Makes [`Uploads::link`] a link to the HTTP function, signed by `links`.
    pub fn with_links(self, links: LinkSigner) -> Self {
        S3Uploads {
            links: Some(links),
            ..self
        }
    }
}

impl S3Uploads {
    /// The object, or its `range`; `None` when there is none.
    async fn read(&self, key: &str, range: Option<String>) -> Result<Option<Bytes>, UploadError> {
        let request = self.client.get_object().bucket(&self.bucket).key(key);
        let output = match request.set_range(range).send().await {
            Ok(output) => output,
            Err(err) if err.as_service_error().is_some_and(|e| e.is_no_such_key()) => {
                return Ok(None)
            }
            Err(err) => return Err(unavailable(err)),
        };
        let bytes = output.body.collect().await.map_err(unavailable)?;
        Ok(Some(bytes.into_bytes()))
    }
}

fn unavailable<E: std::error::Error + 'static>(err: E) -> UploadError {
    UploadError::Unavailable(DisplayErrorContext(&err).to_string())
}

fn presigning(expires: Duration) -> Result<PresigningConfig, UploadError> {
    PresigningConfig::expires_in(expires).map_err(unavailable)
}

/// The headers a browser must send as they are: not `host` or `content-length`, which it sets
/// itself (and may not set from a script).
fn browser_headers(request: &PresignedRequest) -> Vec<(String, String)> {
    request
        .headers()
        .filter(|(name, _)| {
            !name.eq_ignore_ascii_case("host") && !name.eq_ignore_ascii_case("content-length")
        })
        .map(|(name, value)| (name.to_ascii_lowercase(), value.to_owned()))
        .collect()
}

impl Uploads for S3Uploads {
    async fn slot(
        &self,
        key: &str,
        size: u64,
        content_type: &str,
        expires: Duration,
    ) -> Result<Slot, UploadError> {
        let request = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_length(size as i64)
            .content_type(content_type)
            .presigned(presigning(expires)?)
            .await
            .map_err(unavailable)?;
        Ok(Slot {
            url: request.uri().to_owned(),
            headers: browser_headers(&request),
        })
    }

    async fn peek(&self, key: &str) -> Result<Option<Peek>, UploadError> {
        let head = self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await;
        let size = match head {
            Ok(head) => head.content_length().unwrap_or(0).max(0) as u64,
            Err(err) if err.as_service_error().is_some_and(|e| e.is_not_found()) => {
                return Ok(None)
            }
            Err(err) => return Err(unavailable(err)),
        };
        if size == 0 {
            return Ok(Some(Peek {
                size,
                head: Bytes::new(),
            }));
        }
        let range = format!("bytes=0-{}", SNIFF_BYTES - 1);
        let Some(bytes) = self.read(key, Some(range)).await? else {
            return Ok(None);
        };
        // A server that ignores the range sends everything: keep the start only.
        let head = bytes.slice(..bytes.len().min(SNIFF_BYTES));
        Ok(Some(Peek { size, head }))
    }

    async fn get(&self, key: &str) -> Result<Option<Bytes>, UploadError> {
        self.read(key, None).await
    }

    async fn put(
        &self,
        key: &str,
        bytes: Bytes,
        content_type: &str,
        name: &str,
    ) -> Result<(), UploadError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .content_disposition(content_disposition(name))
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn copy(
        &self,
        from: &str,
        to: &str,
        content_type: &str,
        name: &str,
    ) -> Result<(), UploadError> {
        let source = format!("{}/{}", self.bucket, utf8_percent_encode(from, COPY_SOURCE));
        self.client
            .copy_object()
            .bucket(&self.bucket)
            .key(to)
            .copy_source(source)
            // The browser's claimed type is replaced by the sniffed one.
            .metadata_directive(MetadataDirective::Replace)
            .content_type(content_type)
            .content_disposition(content_disposition(name))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<(), UploadError> {
        // DeleteObject of a missing key succeeds: removing twice is fine, as the trait wants.
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn list(&self, prefix: &str) -> Result<Vec<String>, UploadError> {
        list_keys(&self.client, &self.bucket, prefix)
            .await
            .map_err(UploadError::Unavailable)
    }

    async fn direct_link(&self, key: &str, expires: Duration) -> Result<String, UploadError> {
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .presigned(presigning(expires)?)
            .await
            .map_err(unavailable)?;
        Ok(request.uri().to_owned())
    }

    async fn link(&self, key: &str, expires: Duration) -> Result<String, UploadError> {
        match &self.links {
            Some(links) => Ok(links.url(key, SystemTime::now() + expires)),
            None => self.direct_link(key, expires).await,
        }
    }
}
