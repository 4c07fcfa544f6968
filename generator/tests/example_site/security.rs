//! The example's `public/_headers`, and pages that keep to its Content-Security-Policy without
//! `'unsafe-inline'`: no inline script, style attribute or event handler anywhere, scripts and
//! styles from the site only, forms posting to the site (the example's endpoint is on it).

use helpcenter::headers::{parse_file, security_headers, Origins, HEADERS_FILE};
use scraper::Html;

use super::{sel, site};

#[test]
fn the_site_sends_its_security_headers_for_every_path() {
    let built = site();
    let text = std::fs::read_to_string(built.out.join(HEADERS_FILE)).expect("public/_headers");
    assert!(text.starts_with("/*\n"), "{text}");
    let expected: Vec<(String, String)> = security_headers(&Origins::default())
        .into_iter()
        .map(|(n, v)| (n.to_string(), v))
        .collect();
    assert_eq!(parse_file(&text), expected);
    let csp = &expected[0].1;
    for directive in [
        "default-src 'none'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ] {
        assert!(
            csp.split("; ").any(|d| d == directive),
            "{directive}: {csp}"
        );
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
}

/// What on a page would need `'unsafe-inline'` or another origin.
fn inline_problems(url: &str, doc: &Html) -> Vec<String> {
    let mut out = Vec::new();
    let on_site = |v: &str| v.starts_with('/') && !v.starts_with("//");
    for e in doc.select(&sel("*")) {
        let tag = e.value().name();
        for (name, value) in e.value().attrs() {
            if name == "style" || name.starts_with("on") {
                out.push(format!("{url}: <{tag} {name}=\"{value}\">"));
            }
            if value
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("javascript:")
            {
                out.push(format!("{url}: <{tag} {name}=\"{value}\">"));
            }
        }
        let src = match tag {
            "script" => e.value().attr("src"),
            "link" if e.value().attr("rel") == Some("stylesheet") => e.value().attr("href"),
            "form" => e.value().attr("action"),
            "style" => Some("inline"),
            _ => continue,
        };
        match src {
            None if tag == "script" => out.push(format!("{url}: an inline <script>")),
            Some(src) if !on_site(src) => out.push(format!("{url}: <{tag}> from `{src}`")),
            _ => {}
        }
    }
    out
}

#[test]
fn no_page_needs_inline_script_or_style() {
    let built = site();
    let problems: Vec<String> = built
        .pages
        .iter()
        .flat_map(|(url, html)| inline_problems(url, &Html::parse_document(html)))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The check itself sees each kind of problem.
    let bad = Html::parse_document(
        "<p style=\"color:red\" onclick=\"x()\">a</p><script>x()</script><style>p{}</style>\
         <form action=\"https://elsewhere.example/\"></form><a href=\"javascript:x()\">b</a>",
    );
    assert_eq!(
        inline_problems("/bad/", &bad).len(),
        6,
        "{:?}",
        inline_problems("/bad/", &bad)
    );
}
