//! CORS for the site origins only: the page's script (on the site's origin) may read the answers;
//! any other origin gets no CORS headers, so browsers keep the answer from its scripts.

use bytes::Bytes;
use http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, ACCESS_CONTROL_REQUEST_METHOD, ALLOW,
    ORIGIN, VARY,
};
use http::{HeaderMap, HeaderValue, Method, Response, StatusCode};

#[derive(Debug, Clone)]
pub struct Cors {
    /// Normalised `scheme://host[:port]`, lower case.
    origins: Vec<String>,
}

impl Cors {
    pub fn new(origins: &[String]) -> Self {
        Cors {
            origins: origins
                .iter()
                .map(|o| o.trim().trim_end_matches('/').to_ascii_lowercase())
                .collect(),
        }
    }

    /// The request's `Origin`, if it is one of the site's.
    pub fn allowed_origin<'a>(&self, headers: &'a HeaderMap) -> Option<&'a HeaderValue> {
        let origin = headers.get(ORIGIN)?;
        let text = origin.to_str().ok()?.to_ascii_lowercase();
        self.origins.contains(&text).then_some(origin)
    }

    /// Answers a preflight: `204` with the allowed method and header for a site origin asking
    /// for `POST`, `403` without CORS headers for anyone else.
    pub fn preflight(&self, headers: &HeaderMap) -> Response<Bytes> {
        let asks_post = headers.get(ACCESS_CONTROL_REQUEST_METHOD).is_some_and(|m| {
            m.as_bytes()
                .eq_ignore_ascii_case(Method::POST.as_str().as_bytes())
        });
        let mut response = Response::new(Bytes::new());
        response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static("POST, OPTIONS"));
        match (self.allowed_origin(headers).is_some(), asks_post) {
            (true, true) => {
                *response.status_mut() = StatusCode::NO_CONTENT;
                let h = response.headers_mut();
                h.insert(
                    ACCESS_CONTROL_ALLOW_METHODS,
                    HeaderValue::from_static("POST"),
                );
                h.insert(
                    ACCESS_CONTROL_ALLOW_HEADERS,
                    HeaderValue::from_static("content-type"),
                );
                h.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
            }
            // An OPTIONS without Origin is not a preflight: just say what is allowed.
            (_, _) if !headers.contains_key(ORIGIN) => {
                *response.status_mut() = StatusCode::NO_CONTENT
            }
            _ => *response.status_mut() = StatusCode::FORBIDDEN,
        }
        response
    }

    /// Adds the CORS headers to any answer for a site origin; `Vary: Origin` for everyone so
    /// caches never hand one origin's answer to another.
    pub fn decorate(&self, request_headers: &HeaderMap, response: &mut Response<Bytes>) {
        let allowed = self.allowed_origin(request_headers).cloned();
        let h = response.headers_mut();
        h.append(VARY, HeaderValue::from_static("Origin"));
        if let Some(origin) = allowed {
            h.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            h.insert(
                ACCESS_CONTROL_EXPOSE_HEADERS,
                HeaderValue::from_static("retry-after"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    http::HeaderName::from_static(k),
                    HeaderValue::from_static(v),
                )
            })
            .collect()
    }

    #[test]
    fn allowlist() {
        let cors = Cors::new(&["https://Help.Example.com/".into()]);
        assert!(cors
            .allowed_origin(&headers(&[("origin", "https://help.example.com")]))
            .is_some());
        assert!(cors
            .allowed_origin(&headers(&[("origin", "https://help.example.com.evil.io")]))
            .is_none());
        assert!(cors
            .allowed_origin(&headers(&[("origin", "null")]))
            .is_none());
        assert!(cors.allowed_origin(&headers(&[])).is_none());
    }

    #[test]
    fn preflight() {
        let cors = Cors::new(&["https://help.example.com".into()]);
        let ok = cors.preflight(&headers(&[
            ("origin", "https://help.example.com"),
            ("access-control-request-method", "POST"),
        ]));
        assert_eq!(ok.status(), StatusCode::NO_CONTENT);
        assert_eq!(ok.headers()[ACCESS_CONTROL_ALLOW_HEADERS], "content-type");
        let refused = cors.preflight(&headers(&[
            ("origin", "https://evil.example"),
            ("access-control-request-method", "POST"),
        ]));
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert!(!refused.headers().contains_key(ACCESS_CONTROL_ALLOW_METHODS));
        let put = cors.preflight(&headers(&[
            ("origin", "https://help.example.com"),
            ("access-control-request-method", "PUT"),
        ]));
        assert_eq!(put.status(), StatusCode::FORBIDDEN);
    }
}
