//! Headings as the fragment's anchors: each at the position of its first word on the page (after
//! the title's and summary's words), as Pagefind's own indexer places them in the same page's
//! HTML, so that its runtime cuts the page's matches into sub-results at the same words.

use std::path::Path;

use super::*;
use crate::markdown;

const BODY: &str = "Open the app first.\n\n\
## Change your *email* address\n\n\
Go to Settings → Account, then choose `Email`.\n\n\
- one step\n- another step\n\n\
### If the code never arrives\n\n\
Check the spam folder.\n\n\
## Done\n";

fn rendered(body: &str) -> markdown::Rendered {
    let resolve = |_: &str, _: Option<&str>| None;
    let origins = crate::load::Origins::file(Path::new("content/en/users/account/a.md"), 1);
    let cx = markdown::Context {
        origins: &origins,
        allow_html: false,
        base: "",
        resolve_md: &resolve,
        callout_titles: ["Note", "Tip", "Important", "Warning", "Caution"],
        anchor_label: "Link to this section",
    };
    markdown::render(body, &cx).0
}

/// The fragment of an article with `body` (its sections as the render pass gives them).
fn fragment(title: &str, summary: &str, body: &markdown::Rendered) -> serde_json::Value {
    let headings: Vec<Heading<'_>> = body
        .headings
        .iter()
        .filter(|h| h.is_section())
        .map(|h| Heading {
            level: h.level,
            id: &h.id,
            text: &h.text,
            offset: h.offset,
        })
        .collect();
    let record = Indexer::new(&["en"]).page(
        0,
        &Document {
            key: 0,
            url: "/en/a/",
            title,
            summary,
            text: &body.text,
            category: "",
            filters: &[],
            headings: &headings,
        },
    );
    serde_json::from_slice(&unpack(&record.fragment)).unwrap()
}

/// `(element, id, text, location)` of each anchor.
fn anchors(fragment: &serde_json::Value) -> Vec<(String, String, String, u64)> {
    let field = |a: &serde_json::Value, k: &str| a[k].as_str().unwrap().to_string();
    fragment["anchors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let location = a["location"].as_u64().unwrap();
            (
                field(a, "element"),
                field(a, "id"),
                field(a, "text"),
                location,
            )
        })
        .collect()
}

fn word_at(fragment: &serde_json::Value, location: u64) -> &str {
    let content = fragment["content"].as_str().unwrap();
    content.split_whitespace().nth(location as usize).unwrap()
}

#[test]
fn headings_are_anchors_at_their_first_word() {
    let body = rendered(BODY);
    let fragment = fragment("Change email", "Two steps.", &body);
    let found = anchors(&fragment);
    let expected = [
        (
            "h2",
            "change-your-email-address",
            "Change your email address",
        ),
        (
            "h3",
            "if-the-code-never-arrives",
            "If the code never arrives",
        ),
        ("h2", "done", "Done"),
    ];
    assert_eq!(found.len(), expected.len(), "{found:?}");
    for ((element, id, text, location), (e, i, t)) in found.iter().zip(expected) {
        assert_eq!((element.as_str(), id.as_str(), text.as_str()), (e, i, t));
        let first = t.split_whitespace().next().unwrap();
        assert_eq!(word_at(&fragment, *location), first, "{id}");
    }
    // After the title (2 words), the summary (2) and "Open the app first." (4).
    assert_eq!(found[0].3, 8);
}

#[test]
fn a_page_without_headings_has_no_anchors() {
    let body = rendered("Just one paragraph, no sections.\n");
    assert_eq!(
        fragment("Plain", "", &body)["anchors"],
        serde_json::json!([])
    );
}

#[test]
fn anchors_are_where_pagefind_puts_them() {
    let body = rendered(BODY);
    let ours = anchors(&fragment("Change email", "Two steps.", &body));
    let html = format!(
        "<html lang=\"en\"><body><h1>Change email</h1><p>Two steps.</p><div>{}</div></body></html>",
        body.html
    );
    let theirs = pagefind_fragment(&html);
    // Pagefind's text of an element is all of it: our `#` links are left out as a site would
    // (`exclude_selectors`), and so is the trailing space before them.
    let theirs: Vec<_> = anchors(&theirs)
        .into_iter()
        .map(|(e, i, t, l)| (e, i, t.trim().to_string(), l))
        .collect();
    assert_eq!(ours, theirs);
}

/// The fragment Pagefind's own indexer writes for an HTML page.
fn pagefind_fragment(html: &str) -> serde_json::Value {
    use pagefind::{api::PagefindIndex, options::PagefindServiceConfig};
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let files = rt.block_on(async {
        let config = PagefindServiceConfig::builder()
            .force_language("en".to_string())
            .exclude_selectors(vec![".anchor".to_string()])
            .build();
        let mut index = PagefindIndex::new(Some(config)).unwrap();
        let url = Some("/en/a/".to_string());
        index.add_html_file(None, url, html.into()).await.unwrap();
        index.get_files().await.unwrap()
    });
    let file = files
        .iter()
        .find(|f| f.filename.to_string_lossy().ends_with(".pf_fragment"))
        .expect("a fragment");
    serde_json::from_slice(&unpack(&file.contents)).unwrap()
}
