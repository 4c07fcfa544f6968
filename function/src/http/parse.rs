//! Step 1: request body → raw field values. Decides the media type (415), enforces the size limit
//! (413), decodes JSON, urlencoded or multipart bodies (`multipart.rs`) as UTF-8, and records
//! shape problems (wrong JSON types, repeated fields) per field so that validation can report them
//! together with everything else.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::code::Code;
use crate::contract::field;

/// The bodies a ticket can come as; it also decides the kind of answer (JSON or a redirect).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `application/json`, sent by the page's script: answered with JSON.
    Json,
    /// `application/x-www-form-urlencoded`, a form without files: answered with `303`.
    Form,
    /// `multipart/form-data`, the form without JavaScript (its files inside): answered with `303`.
    Multipart,
}

impl Format {
    /// Whether the client is a browser posting a form (it follows a `303`), not the script.
    pub fn is_form(self) -> bool {
        matches!(self, Format::Form | Format::Multipart)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("body larger than {max} bytes")]
    TooLarge { max: usize },
    #[error("malformed body: {0}")]
    Malformed(&'static str),
}

/// The submission as sent: trimmed of nothing, judged on nothing but its shape.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawFields {
    /// Field name → value as text (JSON numbers become their decimal text).
    pub values: BTreeMap<String, String>,
    /// Fields whose shape was wrong (`wrong_type`, `repeated`); their values are not in `values`.
    pub problems: BTreeMap<String, Code>,
    /// The uploads' keys the script sent (`attachments`, a JSON list of strings).
    pub upload_keys: Vec<String>,
    /// The files of a multipart post, in order.
    pub files: Vec<PostedFile>,
}

/// One file part of a multipart post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostedFile {
    /// The part's `filename` as the browser sent it (judged later).
    pub name: String,
    pub bytes: bytes::Bytes,
}

impl RawFields {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// A filled honeypot marks a bot, whatever else the body holds.
    pub fn honeypot_filled(&self) -> bool {
        self.get(field::HONEYPOT)
            .is_some_and(|v| !v.trim().is_empty())
            || self.problems.contains_key(field::HONEYPOT)
    }
}

/// The body format from the `Content-Type` header; parameters other than a UTF-8 charset are
/// ignored, any other charset is refused (the field limits are counted on UTF-8 text).
pub fn media_format(content_type: Option<&[u8]>) -> Result<Format, ParseError> {
    let header = content_type
        .and_then(|v| std::str::from_utf8(v).ok())
        .ok_or(ParseError::UnsupportedMediaType)?;
    let mut parts = header.split(';');
    let essence = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    for param in parts {
        let (name, value) = param.split_once('=').unwrap_or((param, ""));
        let value = value.trim().trim_matches('"');
        if name.trim().eq_ignore_ascii_case("charset") && !value.eq_ignore_ascii_case("utf-8") {
            return Err(ParseError::UnsupportedMediaType);
        }
    }
    match essence.as_str() {
        "application/json" => Ok(Format::Json),
        "application/x-www-form-urlencoded" => Ok(Format::Form),
        "multipart/form-data" => Ok(Format::Multipart),
        _ => Err(ParseError::UnsupportedMediaType),
    }
}

/// Reads the body in `format` (a multipart body's boundary is in `content_type`), refusing more
/// than `max_bytes`.
pub fn parse_post(
    format: Format,
    content_type: Option<&[u8]>,
    body: &bytes::Bytes,
    max_bytes: usize,
) -> Result<RawFields, ParseError> {
    if format != Format::Multipart {
        return parse_body(format, body, max_bytes);
    }
    if body.len() > max_bytes {
        return Err(ParseError::TooLarge { max: max_bytes });
    }
    let content_type = content_type.and_then(|v| std::str::from_utf8(v).ok());
    let (pairs, files) = super::multipart::parts(content_type.unwrap_or_default(), body)?;
    let mut raw = collect(pairs);
    raw.files = files;
    Ok(raw)
}

/// Reads a JSON or urlencoded body, refusing more than `max_bytes`.
pub fn parse_body(format: Format, body: &[u8], max_bytes: usize) -> Result<RawFields, ParseError> {
    if body.len() > max_bytes {
        return Err(ParseError::TooLarge { max: max_bytes });
    }
    let pairs = match format {
        Format::Json => json_pairs(body)?,
        Format::Form => form_pairs(body)?,
        Format::Multipart => return Err(ParseError::Malformed("multipart body without its type")),
    };
    Ok(collect(pairs))
}

/// One value as far as parsing cares: text, or the name of the wrong type it had.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    Text(String),
    Number(String),
    /// A JSON list of strings (only `attachments` is one).
    List(Vec<String>),
    Null,
    Wrong,
}

pub(super) fn collect(pairs: Vec<(String, Value)>) -> RawFields {
    let mut out = RawFields::default();
    let mut seen = std::collections::HashSet::new();
    for (name, value) in pairs {
        if !seen.insert(name.clone()) {
            out.values.remove(&name);
            out.problems.insert(name, Code::Repeated);
            continue;
        }
        match value {
            // The file control of a form posted without its multipart type sends only names.
            Value::Text(text) if name == field::ATTACHMENTS => {
                if !text.is_empty() {
                    out.problems.insert(name, Code::WrongType);
                }
            }
            Value::Text(text) => {
                out.values.insert(name, text);
            }
            // Only the timing field is a number; text fields sent as numbers are a client bug.
            Value::Number(n) if name == field::ELAPSED_MS => {
                out.values.insert(name, n);
            }
            Value::List(keys) if name == field::ATTACHMENTS => out.upload_keys = keys,
            Value::Null => {}
            Value::Number(_) | Value::List(_) | Value::Wrong => {
                out.problems.insert(name, Code::WrongType);
            }
        }
    }
    out
}

fn json_pairs(body: &[u8]) -> Result<Vec<(String, Value)>, ParseError> {
    // serde_json checks UTF-8 and caps nesting at 128 levels, so hostile bodies fail cleanly.
    let mut de = serde_json::Deserializer::from_slice(body);
    let pairs = de.deserialize_any(ObjectVisitor).map_err(|e| {
        if e.is_syntax() || e.is_eof() {
            ParseError::Malformed("not valid JSON")
        } else {
            ParseError::Malformed("not a JSON object of fields")
        }
    })?;
    de.end()
        .map_err(|_| ParseError::Malformed("trailing data after the JSON object"))?;
    Ok(pairs)
}

/// Keeps an object's entries in order, duplicates included (a map would silently keep the last).
struct ObjectVisitor;

impl<'de> Visitor<'de> for ObjectVisitor {
    type Value = Vec<(String, Value)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut pairs = Vec::new();
        while let Some(name) = map.next_key::<String>()? {
            let value = map.next_value_seed(ValueSeed)?;
            pairs.push((name, value));
        }
        Ok(pairs)
    }
}

/// Reads one value without building trees for nested ones: they are skipped and marked wrong.
struct ValueSeed;

impl<'de> de::DeserializeSeed<'de> for ValueSeed {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Text(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Text(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Number(v.to_string()))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Value, E> {
        Ok(Value::Wrong)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    /// A list of strings is kept (for `attachments`); any other list is the wrong type.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut texts = Vec::new();
        let mut all_text = true;
        while let Some(item) = seq.next_element_seed(ItemSeed)? {
            match item {
                Some(text) if all_text => texts.push(text),
                _ => all_text = false,
            }
        }
        Ok(if all_text {
            Value::List(texts)
        } else {
            Value::Wrong
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Value::Wrong)
    }
}

/// One item of a list: its text, or `None` for anything else (skipped without recursion, so deep
/// nesting stays cheap).
struct ItemSeed;

impl<'de> de::DeserializeSeed<'de> for ItemSeed {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(ItemVisitor)
    }
}

struct ItemVisitor;

impl<'de> Visitor<'de> for ItemVisitor {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_owned()))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

/// `application/x-www-form-urlencoded` as browsers send it; unlike `form_urlencoded::parse` it
/// refuses percent-escapes that decode to invalid UTF-8 instead of replacing them silently.
fn form_pairs(body: &[u8]) -> Result<Vec<(String, Value)>, ParseError> {
    let mut pairs = Vec::new();
    for part in body.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
        let (name, value) = match part.iter().position(|&b| b == b'=') {
            Some(i) => (&part[..i], &part[i + 1..]),
            None => (part, &b""[..]),
        };
        pairs.push((
            decode_component(name)?,
            Value::Text(decode_component(value)?),
        ));
    }
    Ok(pairs)
}

fn decode_component(raw: &[u8]) -> Result<String, ParseError> {
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let escaped = match raw.get(i..i + 3) {
            Some([b'%', hi, lo]) => hex(*hi).zip(hex(*lo)).map(|(h, l)| h << 4 | l),
            _ => None,
        };
        match (raw[i], escaped) {
            (_, Some(byte)) => {
                bytes.push(byte);
                i += 3;
                continue;
            }
            (b'+', None) => bytes.push(b' '),
            // A `%` not followed by two hex digits stays literal, as browsers do.
            (b, None) => bytes.push(b),
        }
        i += 1;
    }
    String::from_utf8(bytes).map_err(|_| ParseError::Malformed("form field is not UTF-8"))
}

fn hex(digit: u8) -> Option<u8> {
    (digit as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types() {
        assert_eq!(media_format(Some(b"application/json")), Ok(Format::Json));
        assert_eq!(
            media_format(Some(b"Application/JSON; charset=UTF-8")),
            Ok(Format::Json)
        );
        assert_eq!(
            media_format(Some(b"application/x-www-form-urlencoded")),
            Ok(Format::Form)
        );
        assert_eq!(
            media_format(Some(b"application/json; charset=latin1")),
            Err(ParseError::UnsupportedMediaType)
        );
        assert_eq!(
            media_format(Some(b"text/plain")),
            Err(ParseError::UnsupportedMediaType)
        );
        assert_eq!(
            media_format(Some(b"multipart/form-data; boundary=x")),
            Ok(Format::Multipart)
        );
        assert_eq!(media_format(None), Err(ParseError::UnsupportedMediaType));
        assert_eq!(
            media_format(Some(b"\xff")),
            Err(ParseError::UnsupportedMediaType)
        );
    }

    #[test]
    fn json_values_and_wrong_types() {
        let body = br#"{"subject":"Hi","elapsed_ms":4200,"email":5,"page":null,"username":["a"],"description":{"x":1},"language":true}"#;
        let raw = parse_body(Format::Json, body, 1000).unwrap();
        assert_eq!(raw.get("subject"), Some("Hi"));
        assert_eq!(raw.get("elapsed_ms"), Some("4200"));
        assert_eq!(raw.get("page"), None);
        for name in ["email", "username", "description", "language"] {
            assert_eq!(raw.problems.get(name), Some(&Code::WrongType), "{name}");
        }
    }

    #[test]
    fn json_shapes_that_are_not_forms() {
        for body in [
            &b"[1,2]"[..],
            b"\"text\"",
            b"42",
            b"{",
            b"",
            b"{} {}",
            b"{\"a\":\"\xff\"}",
        ] {
            assert!(
                matches!(
                    parse_body(Format::Json, body, 1000),
                    Err(ParseError::Malformed(_))
                ),
                "{body:?}"
            );
        }
        // Nested values are skipped without recursion: deep nesting is just a wrong type.
        let deep = format!(
            "{{\"subject\":{}{}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let raw = parse_body(Format::Json, deep.as_bytes(), usize::MAX).unwrap();
        assert_eq!(raw.problems.get("subject"), Some(&Code::WrongType));
        let deep_top = "[".repeat(100_000);
        assert!(matches!(
            parse_body(Format::Json, deep_top.as_bytes(), usize::MAX),
            Err(ParseError::Malformed(_))
        ));
    }

    #[test]
    fn attachments_are_a_list_of_keys() {
        let body = br#"{"attachments":["pending/a/1/x.png","pending/a/2/y.pdf"],"subject":["no"]}"#;
        let raw = parse_body(Format::Json, body, 1000).unwrap();
        assert_eq!(raw.upload_keys, ["pending/a/1/x.png", "pending/a/2/y.pdf"]);
        assert_eq!(raw.problems.get("subject"), Some(&Code::WrongType));
        for wrong in [
            &br#"{"attachments":"pending/a/1/x.png"}"#[..],
            br#"{"attachments":["a",1]}"#,
            br#"{"attachments":[["a"]]}"#,
        ] {
            let raw = parse_body(Format::Json, wrong, 1000).unwrap();
            assert_eq!(
                raw.problems.get("attachments"),
                Some(&Code::WrongType),
                "{wrong:?}"
            );
            assert!(raw.upload_keys.is_empty());
        }
    }

    #[test]
    fn repeated_fields_are_flagged_not_merged() {
        let raw = parse_body(Format::Json, br#"{"subject":"a","subject":"b"}"#, 1000).unwrap();
        assert_eq!(raw.problems.get("subject"), Some(&Code::Repeated));
        assert_eq!(raw.get("subject"), None);
        let raw = parse_body(Format::Form, b"subject=a&subject=b", 1000).unwrap();
        assert_eq!(raw.problems.get("subject"), Some(&Code::Repeated));
    }

    #[test]
    fn urlencoded_decoding() {
        let raw = parse_body(
            Format::Form,
            b"subject=Caf%C3%A9+au+lait&empty=&flag&&x=100%25&bad=%zz",
            1000,
        )
        .unwrap();
        assert_eq!(raw.get("subject"), Some("Café au lait"));
        assert_eq!(raw.get("empty"), Some(""));
        assert_eq!(raw.get("flag"), Some(""));
        assert_eq!(raw.get("x"), Some("100%"));
        assert_eq!(raw.get("bad"), Some("%zz"));
        assert!(matches!(
            parse_body(Format::Form, b"subject=%FF", 1000),
            Err(ParseError::Malformed(_))
        ));
        assert!(matches!(
            parse_body(Format::Form, b"subject=\xff", 1000),
            Err(ParseError::Malformed(_))
        ));
    }

    #[test]
    fn size_limit() {
        assert_eq!(
            parse_body(Format::Json, &[b' '; 11], 10),
            Err(ParseError::TooLarge { max: 10 })
        );
    }

    #[test]
    fn honeypot() {
        assert!(parse_body(Format::Form, b"website=http%3A%2F%2Fspam", 100)
            .unwrap()
            .honeypot_filled());
        assert!(!parse_body(Format::Form, b"website=+", 100)
            .unwrap()
            .honeypot_filled());
        assert!(parse_body(Format::Json, br#"{"website":[1]}"#, 100)
            .unwrap()
            .honeypot_filled());
    }
}
