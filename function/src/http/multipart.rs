//! Step 1 for the form without JavaScript: a `multipart/form-data` body → its text fields and its
//! files, through `multer` (axum's parser). The body is in memory already (its size checked), so
//! the parser's futures are ready at once and run to completion here without a runtime.

use bytes::Bytes;
use futures_util::FutureExt;

use super::parse::{ParseError, PostedFile, Value};
use crate::contract::field;

/// More parts than any form of ours sends (a dozen fields and at most 20 files): a body of
/// thousands of tiny parts is refused before it costs anything.
const MAX_PARTS: usize = 64;

/// The text fields (as name/value pairs, for the shared shape checks) and the file parts.
pub(super) type Parts = (Vec<(String, Value)>, Vec<PostedFile>);

pub(super) fn parts(content_type: &str, body: &Bytes) -> Result<Parts, ParseError> {
    let boundary = multer::parse_boundary(content_type)
        .map_err(|_| ParseError::Malformed("multipart body without a boundary"))?;
    let stream = futures_util::stream::once(std::future::ready(Ok::<_, std::convert::Infallible>(
        body.clone(),
    )));
    let mut multipart = multer::Multipart::new(stream, boundary);
    read_all(&mut multipart)
        .now_or_never()
        .unwrap_or(Err(ParseError::Malformed(
            "multipart body could not be read",
        )))
}

async fn read_all(multipart: &mut multer::Multipart<'_>) -> Result<Parts, ParseError> {
    let malformed = |_| ParseError::Malformed("not a complete multipart body");
    let (mut pairs, mut files) = (Vec::new(), Vec::new());
    let mut count = 0;
    while let Some(part) = multipart.next_field().await.map_err(malformed)? {
        count += 1;
        if count > MAX_PARTS {
            return Err(ParseError::Malformed(
                "too many parts in the multipart body",
            ));
        }
        let name = part.name().unwrap_or_default().to_owned();
        let file_name = part.file_name().map(str::to_owned);
        let bytes = part.bytes().await.map_err(malformed)?;
        match file_name {
            // A file control left empty still sends its part, with no name and no bytes.
            Some(file_name) if file_name.is_empty() && bytes.is_empty() => {}
            Some(file_name) if name == field::ATTACHMENTS => files.push(PostedFile {
                name: file_name,
                bytes,
            }),
            Some(_) => pairs.push((name, Value::Wrong)),
            None => {
                let text = String::from_utf8(bytes.to_vec())
                    .map_err(|_| ParseError::Malformed("form field is not UTF-8"))?;
                pairs.push((name, Value::Text(text)));
            }
        }
    }
    Ok((pairs, files))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::parse::{parse_post, Format};
    use crate::http::Code;

    const TYPE: &str = "multipart/form-data; boundary=XyZ";

    fn body(parts: &[(&str, Option<&str>, &[u8])]) -> Bytes {
        let mut out = Vec::new();
        for (name, file, bytes) in parts {
            out.extend_from_slice(b"--XyZ\r\n");
            let disposition = match file {
                Some(file) => format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n"),
                None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"),
            };
            out.extend_from_slice(disposition.as_bytes());
            out.extend_from_slice(bytes);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"--XyZ--\r\n");
        Bytes::from(out)
    }

    fn parse(
        content_type: &str,
        body: &Bytes,
    ) -> Result<crate::http::parse::RawFields, ParseError> {
        parse_post(
            Format::Multipart,
            Some(content_type.as_bytes()),
            body,
            1 << 24,
        )
    }

    #[test]
    fn fields_and_files() {
        let b = body(&[
            ("subject", None, "Café".as_bytes()),
            ("attachments", Some("shot.png"), crate::testing::PNG),
            ("attachments", Some("log.txt"), b"line 1\n"),
            ("attachments", Some(""), b""),
            ("website", None, b""),
        ]);
        let raw = parse(TYPE, &b).unwrap();
        assert_eq!(raw.get("subject"), Some("Café"));
        assert_eq!(raw.get("website"), Some(""));
        let names: Vec<&str> = raw.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["shot.png", "log.txt"]);
        assert_eq!(&raw.files[0].bytes[..], crate::testing::PNG);
    }

    #[test]
    fn shapes_that_are_not_our_form() {
        let b = body(&[
            ("subject", None, b"a"),
            ("subject", None, b"b"),
            ("avatar", Some("x.png"), b"x"),
        ]);
        let raw = parse(TYPE, &b).unwrap();
        assert_eq!(raw.problems.get("subject"), Some(&Code::Repeated));
        assert_eq!(raw.problems.get("avatar"), Some(&Code::WrongType));
        let bad = |content_type: &str, body: &Bytes| {
            matches!(parse(content_type, body), Err(ParseError::Malformed(_)))
        };
        assert!(bad("multipart/form-data", &b), "no boundary");
        let truncated = b.slice(..b.len() - 20);
        assert!(bad(TYPE, &truncated), "a truncated part");
        assert!(
            bad(TYPE, &body(&[("subject", None, b"\xff\xfe")])),
            "not UTF-8"
        );
        let many: Vec<(&str, Option<&str>, &[u8])> = (0..10_000)
            .map(|_| ("attachments", Some("a.txt"), &b"a"[..]))
            .collect();
        assert!(bad(TYPE, &body(&many)), "10,000 tiny parts");
        let huge = body(&[("description", None, &[b'x'; 2048])]);
        assert!(matches!(
            parse_post(Format::Multipart, Some(TYPE.as_bytes()), &huge, 1024),
            Err(ParseError::TooLarge { max: 1024 })
        ));
    }
}
