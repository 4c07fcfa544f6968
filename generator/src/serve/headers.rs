//! Every response of `helpcenter serve` carries the security headers of the site it serves: the
//! `_headers` file that build wrote (`crate::headers`), so the preview runs under the policy a
//! host sends, and a page that breaks it fails in the browser tests as it would in production.
//! A header a route set itself (the files route's `Referrer-Policy: no-referrer`) stays.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderName, HeaderValue};

use super::Preview;
use crate::headers::{parse_file, HEADERS_FILE};
use crate::write::SiteFile;

pub(super) async fn add(
    State(preview): State<Arc<Preview>>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let snapshot = preview.snapshot();
    let Some(SiteFile::Bytes(file)) = snapshot.files.files.get(HEADERS_FILE) else {
        return response; // nothing built yet
    };
    let headers = response.headers_mut();
    for (name, value) in parse_file(&String::from_utf8_lossy(file)) {
        let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value))
        else {
            continue; // the generator writes valid headers; a broken one is not worth a failed page
        };
        headers.entry(name).or_insert(value);
    }
    response
}
