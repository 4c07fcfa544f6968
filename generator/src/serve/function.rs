//! The local ticket function's routes: the ticket endpoint and its `uploads` and `feedback`
//! siblings run the function's own handler (then the worker's notify, in-process), and serve plays the uploads
//! bucket for the slots and links the local [`FileUploads`](ticket_function::FileUploads) signs.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use http::{header, Method, StatusCode};
use ticket_function::http::feedback::MAX_FEEDBACK_BODY;
use ticket_function::uploads::{content_disposition, ReceiveError};
use ticket_function::ClientAddr;

use super::Preview;

fn not_built() -> Response {
    let why = "the site has not been built yet";
    (StatusCode::SERVICE_UNAVAILABLE, why).into_response()
}

/// The ticket endpoint: the function's handler over the request as it arrived.
pub(super) async fn ticket(
    State(preview): State<Arc<Preview>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let Some((deps, notify)) = preview.local_function() else {
        return not_built();
    };
    let (mut parts, body) = request.into_parts();
    // One byte over the limit is enough for the handler to answer 413 (or 303 for the form).
    let limit = match parts.uri.path().ends_with("/feedback") {
        true => MAX_FEEDBACK_BODY,
        false => {
            let attachments = &deps.config.contract.attachments;
            deps.config.max_body_bytes.max(attachments.max_post_bytes())
        }
    } + 1;
    let Some(bytes) = read_capped(body, limit).await else {
        return (StatusCode::BAD_REQUEST, "{\"error\":\"malformed\"}").into_response();
    };
    parts.extensions.insert(ClientAddr(peer.ip()));
    let response = ticket_function::handle(http::Request::from_parts(parts, bytes), &deps).await;
    notify.after(&deps, &response);
    response.map(Body::from)
}

/// The body's first `limit` bytes (the handler answers anything that long as too large: a `303`
/// back to the form, not a bare 413). The rest is read and dropped, up to a bound, so the browser
/// finishes sending and reads the answer.
async fn read_capped(body: Body, limit: usize) -> Option<Bytes> {
    const DRAIN: usize = 64 << 20;
    let mut stream = body.into_data_stream();
    let (mut kept, mut seen) = (Vec::new(), 0usize);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.ok()?;
        seen += chunk.len();
        if kept.len() < limit {
            let room = limit - kept.len();
            kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
        }
        if seen > DRAIN {
            break;
        }
    }
    Some(Bytes::from(kept))
}

/// Serve plays the uploads bucket: a `PUT` to an upload slot, a `GET` of an attachment's link,
/// both signed by the local [`FileUploads`].
pub(super) async fn upload(
    State(preview): State<Arc<Preview>>,
    axum::extract::Path(key): axum::extract::Path<String>,
    request: Request,
) -> Response {
    let Some((deps, _)) = preview.local_function() else {
        return not_built();
    };
    let (parts, body) = request.into_parts();
    let query = parts.uri.query().unwrap_or_default();
    let outcome = match parts.method {
        Method::PUT => {
            let limit = deps.config.contract.attachments.max_file_bytes() as usize + 1;
            let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
                return StatusCode::PAYLOAD_TOO_LARGE.into_response();
            };
            let content_type = parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            deps.uploads
                .receive(&key, query, content_type, bytes)
                .map(|()| StatusCode::OK.into_response())
        }
        Method::GET => deps
            .uploads
            .open_link(&key, query)
            .map(|(bytes, content_type, name)| {
                let headers = [
                    (header::CONTENT_TYPE, content_type),
                    (header::CONTENT_DISPOSITION, content_disposition(&name)),
                    (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
                ];
                (headers, bytes).into_response()
            }),
        _ => return StatusCode::METHOD_NOT_ALLOWED.into_response(),
    };
    outcome.unwrap_or_else(|e| {
        let status = match e {
            ReceiveError::Forbidden => StatusCode::FORBIDDEN,
            ReceiveError::NotFound => StatusCode::NOT_FOUND,
            ReceiveError::WrongLength { .. } | ReceiveError::WrongType { .. } => {
                StatusCode::BAD_REQUEST
            }
            ReceiveError::Io(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        (status, e.to_string()).into_response()
    })
}
