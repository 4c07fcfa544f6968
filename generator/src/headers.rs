//! The security headers of every response of the site, defined once: written to `public/_headers`
//! (the `/*` block Netlify and Cloudflare Pages read), sent by `helpcenter serve` (which reads that
//! file back, [`parse_file`]), and mirrored by the SAM template's CloudFront response-headers
//! policy (`function/template.yaml`, `SiteHeaders`; `generator/tests/headers.rs` checks that the
//! two agree).
//!
//! The Content-Security-Policy allows what the pages use and nothing else: the site's own scripts,
//! styles and images (no inline ones: the theme carries its data in `data-` attributes), Pagefind's
//! WebAssembly (`'wasm-unsafe-eval'`), attachment thumbnails (`blob:` images), and the ticket
//! function's origin (its `tickets`, `uploads` and `feedback` routes share it: the form posts there,
//! scripts fetch there) and the upload bucket's (the browser `PUT`s files to a presigned URL).

use crate::config::TicketConfig;
use crate::model::Site;

/// The file hosts read the headers from, at the site's root.
pub const HEADERS_FILE: &str = "_headers";

/// Two years, the usual HSTS lifetime. No `preload`: submitting a domain to the browsers' preload
/// list binds every subdomain of the registrable domain, a decision for its owner, not the help
/// center's.
pub const HSTS: &str = "max-age=63072000; includeSubDomains";
pub const REFERRER_POLICY: &str = "strict-origin-when-cross-origin";
/// Features no page uses, denied to the page and anything it could embed.
pub const PERMISSIONS_POLICY: &str = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()";

/// Where the pages talk to besides their own origin.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origins<'a> {
    /// The ticket function's origin, when it is not the site's.
    pub ticket: Option<&'a str>,
    /// The origin of the upload slots' presigned URLs, when attachments are on.
    pub uploads: Option<&'a str>,
}

/// The Content-Security-Policy for pages that talk to `origins`.
pub fn content_security_policy(origins: &Origins<'_>) -> String {
    let with = |base: &str, extra: &[Option<&str>]| {
        extra
            .iter()
            .flatten()
            .fold(base.to_string(), |out, o| format!("{out} {o}"))
    };
    let connect = with("'self'", &[origins.ticket, origins.uploads]);
    let form = with("'self'", &[origins.ticket]);
    [
        "default-src 'none'".to_string(),
        "script-src 'self' 'wasm-unsafe-eval'".into(),
        "style-src 'self'".into(),
        "img-src 'self' blob:".into(),
        format!("connect-src {connect}"),
        format!("form-action {form}"),
        "frame-ancestors 'none'".into(),
        "base-uri 'none'".into(),
        "object-src 'none'".into(),
    ]
    .join("; ")
}

/// Every header, in the order they are written.
pub fn security_headers(origins: &Origins<'_>) -> Vec<(&'static str, String)> {
    vec![
        ("Content-Security-Policy", content_security_policy(origins)),
        ("Strict-Transport-Security", HSTS.into()),
        ("X-Content-Type-Options", "nosniff".into()),
        ("X-Frame-Options", "DENY".into()),
        ("Referrer-Policy", REFERRER_POLICY.into()),
        ("Permissions-Policy", PERMISSIONS_POLICY.into()),
    ]
}

/// The site's origins: the ticket endpoint's unless it is on the site, and the upload origin
/// (`ticket.attachments.upload_origin`, else the one implied by an API Gateway endpoint).
pub fn site_origins(site: &Site) -> (Option<String>, Option<String>) {
    let endpoint = &site.contract.endpoint;
    let ticket = origin_of(endpoint).filter(|o| o != site.config.origin());
    (ticket, upload_origin(&site.config.ticket, endpoint))
}

fn upload_origin(ticket: &TicketConfig, endpoint: &str) -> Option<String> {
    let attachments = &ticket.attachments;
    match (&attachments.upload_origin, attachments.max_files) {
        (_, 0) => None,
        (Some(origin), _) => Some(origin.clone()),
        (None, _) => api_gateway_s3_origin(endpoint),
    }
}

/// Why the settings leave the pages unable to upload: a bad `upload_origin`, or none while the
/// endpoint is on another host that is not API Gateway (so the bucket's origin is not implied).
pub fn upload_origin_problem(ticket: &TicketConfig) -> Option<String> {
    if let Some(origin) = &ticket.attachments.upload_origin {
        return origin_problem(origin).map(|p| format!("`ticket.attachments.upload_origin`: {p}"));
    }
    let elsewhere = origin_of(&ticket.endpoint).is_some();
    let files = ticket.attachments.max_files > 0;
    (files && elsewhere && upload_origin(ticket, &ticket.endpoint).is_none()).then(|| format!(
        "`ticket.attachments.upload_origin` is missing: the pages' Content-Security-Policy must name where files are uploaded, and the endpoint `{}` does not imply it",
        ticket.endpoint
    ))
}

/// `public/_headers`: one block for every path.
pub fn headers_file(site: &Site) -> String {
    let (ticket, uploads) = site_origins(site);
    let origins = Origins {
        ticket: ticket.as_deref(),
        uploads: uploads.as_deref(),
    };
    let mut out = String::from("/*\n");
    for (name, value) in security_headers(&origins) {
        out.push_str(&format!("  {name}: {value}\n"));
    }
    out
}

/// The headers of the `/*` block of a `_headers` file (what [`headers_file`] writes).
pub fn parse_file(text: &str) -> Vec<(String, String)> {
    let mut in_block = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if !line.starts_with([' ', '\t']) {
            in_block = line.trim() == "/*";
        } else if let Some((name, value)) = line.trim().split_once(':').filter(|_| in_block) {
            out.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    out
}

/// `https://host[:port]` of an absolute http(s) URL; `None` for a path on the site.
pub fn origin_of(url: &str) -> Option<String> {
    let uri: http::Uri = url.parse().ok()?;
    let scheme = uri.scheme_str().filter(|s| *s == "https" || *s == "http")?;
    Some(format!("{scheme}://{}", uri.authority()?))
}

/// Why `origin` is not a bare `https://host[:port]`, for `ticket.attachments.upload_origin`.
pub fn origin_problem(origin: &str) -> Option<String> {
    match origin_of(origin) {
        Some(o) if o == origin && o.starts_with("https://") => None,
        _ => Some(format!(
            "`{origin}` is not an origin: write the scheme and host only, like `https://s3.eu-west-1.amazonaws.com`"
        )),
    }
}

/// The function signs upload slots for path-style S3 URLs (`function/src/aws/s3.rs`) in its own
/// region: behind API Gateway (`https://<id>.execute-api.<region>.<suffix>/…`) that is
/// `https://s3.<region>.<suffix>`.
fn api_gateway_s3_origin(endpoint: &str) -> Option<String> {
    let uri: http::Uri = endpoint.parse().ok()?;
    let host = uri.host()?;
    let (_, rest) = host.split_once(".execute-api.")?;
    let (region, suffix) = rest.split_once('.')?;
    Some(format!("https://s3.{region}.{suffix}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_adds_only_the_origins_given() {
        let own = content_security_policy(&Origins::default());
        assert!(own.contains("connect-src 'self';"), "{own}");
        assert!(own.contains("form-action 'self';"), "{own}");
        let both = content_security_policy(&Origins {
            ticket: Some("https://api.example.com"),
            uploads: Some("https://s3.eu-west-1.amazonaws.com"),
        });
        assert!(
            both.contains(
                "connect-src 'self' https://api.example.com https://s3.eu-west-1.amazonaws.com;"
            ),
            "{both}"
        );
        assert!(
            both.contains("form-action 'self' https://api.example.com;"),
            "{both}"
        );
        assert!(!both.contains("unsafe-inline"));
    }

    #[test]
    fn origins_of_urls_and_of_api_gateway_endpoints() {
        assert_eq!(
            origin_of("https://a.example.com:8443/x/tickets").as_deref(),
            Some("https://a.example.com:8443")
        );
        assert_eq!(origin_of("/api/tickets"), None);
        assert_eq!(origin_of("ftp://a.example.com/x"), None);
        assert_eq!(
            api_gateway_s3_origin("https://ab12.execute-api.eu-west-1.amazonaws.com/tickets")
                .as_deref(),
            Some("https://s3.eu-west-1.amazonaws.com")
        );
        assert_eq!(
            api_gateway_s3_origin("https://api.example.com/tickets"),
            None
        );
        assert_eq!(origin_problem("https://s3.eu-west-1.amazonaws.com"), None);
        for bad in [
            "s3.amazonaws.com",
            "https://s3.amazonaws.com/",
            "http://x.example",
        ] {
            assert!(origin_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn the_file_reads_back_as_written() {
        let text = "# comment\n/en/*\n  X-Other: 1\n/*\n  A: b: c\n  D: e\n";
        assert_eq!(
            parse_file(text),
            vec![("A".into(), "b: c".into()), ("D".into(), "e".into())]
        );
    }
}
