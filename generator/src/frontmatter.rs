//! Splits a Markdown file into its YAML front matter and body, and parses the front matter into a
//! typed struct with diagnostics that point at the right line of the file.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostics::Diagnostic;

/// A file split at its front matter.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// The Markdown after the closing `---`.
    pub body: &'a str,
    /// 1-based line of the file where `body` starts.
    pub body_line: usize,
}

/// Finds the front matter: a first line `---`, YAML, a line `---`.
pub fn split<'a>(text: &'a str, path: &Path) -> Result<Split<'a>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = text.strip_prefix("---").and_then(|r| r.strip_prefix('\n').or_else(|| r.strip_prefix("\r\n"))) else {
        return Err(Diagnostic::error(
            path,
            Some(1),
            "the file does not start with front matter",
            "start the file with a line `---`, then at least `title: …`, then a line `---`",
        ));
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            let body_line = 2 + yaml.matches('\n').count() + 1;
            return Ok(Split { yaml, body, body_line });
        }
        offset += line.len();
    }
    Err(Diagnostic::error(
        path,
        Some(1),
        "the front matter is not closed",
        "add a line `---` after the front matter's last key",
    ))
}

/// Parses YAML that starts at line `first_line` of `path` into `T`, rejecting unknown keys.
pub fn parse<T: DeserializeOwned>(yaml: &str, path: &Path, first_line: usize) -> Result<T, Diagnostic> {
    // An empty document is `null`; treat it as an empty mapping so required keys are reported.
    let yaml = if yaml.trim().is_empty() { "{}" } else { yaml };
    serde_norway::from_str(yaml).map_err(|e| yaml_diagnostic(&e, path, first_line))
}

fn yaml_diagnostic(e: &serde_norway::Error, path: &Path, first_line: usize) -> Diagnostic {
    let line = e.location().map(|l| first_line + l.line() - 1);
    let raw = e.to_string();
    // serde_norway appends " at line X column Y"; the diagnostic has its own line.
    let message = raw.split(" at line ").next().unwrap_or(&raw).to_string();
    let hint = if message.starts_with("unknown field") {
        "remove or rename the key; the allowed keys are listed above (see docs/content-format.md)"
    } else if message.starts_with("missing field") {
        "add the key; see docs/content-format.md for what it means"
    } else if message.contains("duplicate") {
        "each key may appear once; remove one of them"
    } else {
        "check the YAML here: indentation, a `:` after each key, quotes around text that contains `: ` or starts with a special character"
    };
    Diagnostic::error(path, line, message, hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Fm {
        title: String,
        #[allow(dead_code)]
        order: Option<i64>,
    }

    #[test]
    fn splits_front_matter_and_counts_body_line() {
        let s = split("---\ntitle: A\norder: 2\n---\n# Body\n", Path::new("a.md")).unwrap();
        assert_eq!(s.yaml, "title: A\norder: 2\n");
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.body_line, 5);
    }

    #[test]
    fn reports_missing_and_unclosed_front_matter() {
        assert!(split("# no front matter", Path::new("a.md")).unwrap_err().message.contains("does not start"));
        assert!(split("---\ntitle: A\n", Path::new("a.md")).unwrap_err().message.contains("not closed"));
    }

    #[test]
    fn unknown_key_names_the_key_the_allowed_ones_and_the_file_line() {
        let e = parse::<Fm>("title: A\ncolour: red\n", Path::new("a.md"), 2).unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("unknown field `colour`"), "{}", e.message);
        assert!(e.message.contains("title"), "{}", e.message);
    }

    #[test]
    fn syntax_and_missing_title_errors_have_lines() {
        let e = parse::<Fm>("title: [unclosed\n", Path::new("a.md"), 2).unwrap_err();
        assert!(e.line.is_some());
        let e = parse::<Fm>("order: 1\n", Path::new("a.md"), 2).unwrap_err();
        assert!(e.message.contains("missing field `title`"), "{}", e.message);
        assert!(parse::<Fm>("", Path::new("a.md"), 2).unwrap_err().message.contains("title"));
    }
}
