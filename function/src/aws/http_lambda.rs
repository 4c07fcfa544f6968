//! [`handle`] on Lambda: events from API Gateway (HTTP and REST APIs), Function URLs and ALB
//! become the handler's `http::Request<Bytes>`, its answers Lambda responses.

use std::convert::Infallible;
use std::net::IpAddr;
use std::sync::Arc;

use bytes::Bytes;
use lambda_http::{Body, RequestExt};

use crate::clock::Clock;
use crate::http::{handle, ClientAddr, Deps, RequestId};
use crate::mail::Mailer;
use crate::spool::Spool;
use crate::store::TicketStore;
use crate::uploads::Uploads;

/// Serves Lambda invocations (API Gateway HTTP API, REST API, Function URL, ALB) until the
/// runtime stops.
pub async fn run<S: TicketStore, M: Mailer, P: Spool, U: Uploads, C: Clock>(
    deps: Arc<Deps<S, M, P, U, C>>,
) -> Result<(), lambda_http::Error> {
    lambda_http::run(lambda_http::service_fn(
        move |event: lambda_http::Request| {
            let deps = Arc::clone(&deps);
            async move { Ok::<_, Infallible>(to_lambda(handle(from_lambda(event), &deps).await)) }
        },
    ))
    .await
}

/// A Lambda request as the handler's `http::Request<Bytes>`. lambda_http already decoded
/// base64 bodies; the client address comes from the request context, never from headers the
/// client could set.
pub fn from_lambda(event: lambda_http::Request) -> http::Request<Bytes> {
    let client = source_ip(&event);
    let request_id = event.lambda_context_ref().map(|c| c.request_id.clone());
    let (mut parts, body) = event.into_parts();
    if let Some(ip) = client {
        parts.extensions.insert(ClientAddr(ip));
    }
    if let Some(id) = request_id.filter(|id| !id.is_empty()) {
        parts.extensions.insert(RequestId(id));
    }
    let bytes = match body {
        Body::Empty => Bytes::new(),
        Body::Text(text) => Bytes::from(text),
        Body::Binary(data) => Bytes::from(data),
        other => Bytes::copy_from_slice(other.as_ref()),
    };
    http::Request::from_parts(parts, bytes)
}

fn source_ip(event: &lambda_http::Request) -> Option<IpAddr> {
    use lambda_http::request::RequestContext;
    let ip = match event.request_context_ref()? {
        RequestContext::ApiGatewayV2(ctx) => ctx.http.source_ip.as_deref(),
        RequestContext::ApiGatewayV1(ctx) => ctx.identity.source_ip.as_deref(),
        _ => None, // ALB and others carry no source address in their context.
    };
    ip?.parse().ok()
}

/// The handler's answer as a Lambda response (text bodies stay text, so no base64 round trip).
pub fn to_lambda(response: http::Response<Bytes>) -> http::Response<Body> {
    response.map(|bytes| match String::from_utf8(bytes.to_vec()) {
        Ok(text) if text.is_empty() => Body::Empty,
        Ok(text) => Body::Text(text),
        Err(e) => Body::Binary(e.into_bytes()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An API Gateway HTTP API (payload 2.0) event, as Function URLs send it too.
    fn event(body: &str, base64: bool) -> String {
        serde_json::json!({
            "version": "2.0",
            "routeKey": "POST /tickets",
            "rawPath": "/tickets",
            "rawQueryString": "",
            "headers": {"content-type": "application/json", "x-forwarded-for": "6.6.6.6"},
            "requestContext": {
                "accountId": "123456789012", "apiId": "api", "domainName": "api.example.com",
                "domainPrefix": "api", "requestId": "req-1", "routeKey": "POST /tickets", "stage": "$default",
                "time": "02/Jan/2025:03:04:05 +0000", "timeEpoch": 1735787045000u64,
                "http": {"method": "POST", "path": "/tickets", "protocol": "HTTP/1.1",
                         "sourceIp": "198.51.100.7", "userAgent": "test"}
            },
            "body": body,
            "isBase64Encoded": base64
        })
        .to_string()
    }

    #[test]
    fn lambda_events_become_plain_requests() {
        use base64::Engine;
        let encoded = base64::engine::general_purpose::STANDARD.encode(r#"{"subject":"Hi"}"#);
        let request = from_lambda(lambda_http::request::from_str(&event(&encoded, true)).unwrap());
        assert_eq!(request.body().as_ref(), br#"{"subject":"Hi"}"#);
        assert_eq!(request.method(), http::Method::POST);
        // The context's source address wins over a header the client could forge.
        assert_eq!(
            request.extensions().get::<ClientAddr>(),
            Some(&ClientAddr("198.51.100.7".parse().unwrap()))
        );
        let plain = from_lambda(lambda_http::request::from_str(&event("{}", false)).unwrap());
        assert_eq!(plain.body().as_ref(), b"{}");
    }

    #[test]
    fn responses_stay_text() {
        let response = to_lambda(http::Response::new(Bytes::from_static(b"{\"a\":1}")));
        assert!(matches!(response.body(), Body::Text(t) if t == "{\"a\":1}"));
        let empty = to_lambda(http::Response::new(Bytes::new()));
        assert!(matches!(empty.body(), Body::Empty));
    }
}
