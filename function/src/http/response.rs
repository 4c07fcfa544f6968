//! Every outcome of a post shaped for its client: JSON for the page's script, a `303` back to the
//! site (thank-you page or the form with its errors) for the plain form.

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::Bytes;
use http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use http::{HeaderValue, Response, StatusCode};
use serde_json::json;

use super::attach::Refused;
use super::code::FieldErrors;
use super::parse::{Format, ParseError, RawFields};
use crate::config::Config;
use crate::contract::field;

/// How a request ended, as far as the ticket goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Saved {
    Stored(String),
    /// The store failed; the fallback email went out (the spool may have it too).
    Emailed(String),
    /// The store failed and the email did not (or may not have) gone out; the spool has it.
    Spooled(String),
    Lost,
}

/// Shapes every outcome for the client: JSON for the script, a `303` for the plain form.
pub(super) struct Answer<'a> {
    pub(super) format: Format,
    pub(super) config: &'a Config,
}

impl Answer<'_> {
    /// `failed`: names of files the bucket could not take (the person is told to send them by
    /// replying).
    pub(super) fn saved(
        &self,
        raw: &RawFields,
        saved: Saved,
        failed: &[String],
    ) -> Response<Bytes> {
        let (status, id, said) = match saved {
            Saved::Stored(id) => (StatusCode::CREATED, id, None),
            Saved::Emailed(id) => (StatusCode::ACCEPTED, id, Some("emailed")),
            Saved::Spooled(id) => (StatusCode::ACCEPTED, id, Some("spooled")),
            Saved::Lost if self.format.is_form() => {
                return self.back_to_form(raw, &[("form", "unavailable")])
            }
            Saved::Lost => return self.unavailable(),
        };
        if self.format.is_form() {
            return self.redirect(&self.thanks_url(raw, &id, said, failed.len()));
        }
        let mut body = json!({"ticket_id": id, "status": said.unwrap_or("stored")});
        if !failed.is_empty() {
            body["attachments_failed"] = json!(failed);
        }
        json_response(status, body)
    }

    /// Files refused: the field's code is the first file's; JSON also lists each file's.
    pub(super) fn invalid_files(&self, raw: &RawFields, refused: &[Refused]) -> Response<Bytes> {
        let code = refused
            .first()
            .map_or("invalid_format", |r| r.code.as_str());
        if self.format.is_form() {
            return self.back_to_form(raw, &[(field::ATTACHMENTS, code)]);
        }
        let files: Vec<serde_json::Value> = refused
            .iter()
            .filter(|r| !r.name.is_empty() || r.key.is_some())
            .map(|r| json!({"key": r.key, "name": r.name, "code": r.code}))
            .collect();
        let body =
            json!({"error": "invalid", "fields": {field::ATTACHMENTS: code}, "files": files});
        json_response(StatusCode::BAD_REQUEST, body)
    }

    pub(super) fn invalid(&self, raw: &RawFields, errors: &FieldErrors) -> Response<Bytes> {
        match self.format {
            Format::Json => {
                let fields: BTreeMap<&str, &str> = errors
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                json_response(
                    StatusCode::BAD_REQUEST,
                    json!({"error": "invalid", "fields": fields}),
                )
            }
            Format::Form | Format::Multipart => {
                let pairs: Vec<(&str, &str)> = errors
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                self.back_to_form(raw, &pairs)
            }
        }
    }

    pub(super) fn unreadable(&self, error: &ParseError) -> Response<Bytes> {
        let (status, body, code) = match error {
            ParseError::TooLarge { max } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                json!({"error": "too_large", "max_bytes": max}),
                "too_large",
            ),
            ParseError::Malformed(why) => (
                StatusCode::BAD_REQUEST,
                json!({"error": "malformed", "detail": why}),
                "malformed",
            ),
            ParseError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                json!({"error": "unsupported_media_type"}),
                "unsupported",
            ),
        };
        // Only the form without JavaScript carries files: too large is about them.
        let field = match (self.format, error) {
            (Format::Multipart, ParseError::TooLarge { .. }) => field::ATTACHMENTS,
            _ => "form",
        };
        match self.format.is_form() {
            true => self.back_to_form(&RawFields::default(), &[(field, code)]),
            false => json_response(status, body),
        }
    }

    pub(super) fn rate_limited(&self, wait: Duration) -> Response<Bytes> {
        match self.format.is_form() {
            false => rate_limited_json(wait),
            true => retry_after(
                self.back_to_form(&RawFields::default(), &[("form", "rate_limited")]),
                wait,
            ),
        }
    }

    fn unavailable(&self) -> Response<Bytes> {
        let body = json!({"error": "unavailable", "fallback_email": self.config.fallback_email});
        json_response(StatusCode::SERVICE_UNAVAILABLE, body)
    }

    /// The submission's language if the site has it, else the default one.
    fn language<'r>(&'r self, raw: &'r RawFields) -> &'r str {
        let contract = &self.config.contract;
        raw.get(field::LANGUAGE)
            .map(str::trim)
            .filter(|l| contract.languages.iter().any(|x| x == l))
            .unwrap_or(&contract.default_language)
    }

    fn site_url(&self) -> &str {
        self.config.contract.site_url.trim_end_matches('/')
    }

    fn thanks_url(
        &self,
        raw: &RawFields,
        ticket_id: &str,
        status: Option<&str>,
        failed_files: usize,
    ) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("ticket", ticket_id);
        if let Some(status) = status {
            query.append_pair("status", status);
        }
        if failed_files > 0 {
            query.append_pair("attachments_failed", &failed_files.to_string());
        }
        format!(
            "{}/{}/contact/thanks/?{}",
            self.site_url(),
            self.language(raw),
            query.finish()
        )
    }

    /// Back to the form with `errors=field:code,…`; a valid audience and category are kept so
    /// the form opens with them chosen (the same parameters as the ticket links).
    fn back_to_form(&self, raw: &RawFields, errors: &[(&str, &str)]) -> Response<Bytes> {
        let contract = &self.config.contract;
        let mut query = form_urlencoded::Serializer::new(String::new());
        if let Some(audience) = raw
            .get(field::AUDIENCE)
            .filter(|a| contract.audience(a).is_some())
        {
            query.append_pair("audience", audience);
            if let Some(category) = raw
                .get(field::CATEGORY)
                .filter(|c| contract.category(audience, c).is_some())
            {
                query.append_pair("category", category);
            }
        }
        // Field names that are not the contract's (unknown fields) are reported by code only.
        let listed: Vec<String> = errors
            .iter()
            .map(|(name, code)| {
                let name = if name.len() <= 40
                    && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                {
                    name
                } else {
                    "_"
                };
                format!("{name}:{code}")
            })
            .collect();
        query.append_pair("errors", &listed.join(","));
        self.redirect(&format!(
            "{}/{}/contact/?{}",
            self.site_url(),
            self.language(raw),
            query.finish()
        ))
    }

    fn redirect(&self, location: &str) -> Response<Bytes> {
        see_other(location)
    }
}

/// A `303` to `location`, never cached.
pub(super) fn see_other(location: &str) -> Response<Bytes> {
    let mut response = Response::new(Bytes::new());
    *response.status_mut() = StatusCode::SEE_OTHER;
    // The URL is built from the contract and validated ids only; fall back to the site root.
    let value = HeaderValue::from_str(location).unwrap_or_else(|_| HeaderValue::from_static("/"));
    response.headers_mut().insert(LOCATION, value);
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `response` with `Retry-After`: whole seconds, at least one.
pub(super) fn retry_after(mut response: Response<Bytes>, wait: Duration) -> Response<Bytes> {
    let seconds = wait.as_secs().max(1);
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from(seconds));
    response
}

/// The `429` a script gets from any route: the wait in the body and in `Retry-After`.
pub(super) fn rate_limited_json(wait: Duration) -> Response<Bytes> {
    let seconds = wait.as_secs().max(1);
    let body = json!({"error": "rate_limited", "retry_after": seconds});
    retry_after(json_response(StatusCode::TOO_MANY_REQUESTS, body), wait)
}

/// The `415` of a route, naming the media types it takes.
pub(super) fn unsupported_media_type(accepted: &[&str]) -> Response<Bytes> {
    let body = json!({"error": "unsupported_media_type", "accepted": accepted});
    json_response(StatusCode::UNSUPPORTED_MEDIA_TYPE, body)
}

pub(super) fn json_response(status: StatusCode, body: serde_json::Value) -> Response<Bytes> {
    let mut response = Response::new(Bytes::from(body.to_string()));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    response
}
