//! Splits a Markdown file into its YAML front matter and body, and parses the front matter into a
//! typed struct with diagnostics that point at the right line of the file. The line of every key
//! is kept, for problems found later.

mod fields;
mod lines;

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostics::Diagnostic;

pub(crate) use fields::HINT;
pub use fields::{
    aliases, check_alias, check_slug, date, parse_date, slug, title, Invalid, ALIAS_RULE, SLUG_RULE,
};
pub use lines::KeyLines;

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
    let Some(rest) = text
        .strip_prefix("---")
        .and_then(|r| r.strip_prefix('\n').or_else(|| r.strip_prefix("\r\n")))
    else {
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
            return Ok(Split {
                yaml,
                body,
                body_line,
            });
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
pub fn parse<T: DeserializeOwned>(
    yaml: &str,
    path: &Path,
    first_line: usize,
) -> Result<T, Diagnostic> {
    parse_with_lines(yaml, path, first_line).map(|(value, _)| value)
}

/// Like [`parse`], also giving the line of each key, for problems found later.
pub fn parse_with_lines<T: DeserializeOwned>(
    yaml: &str,
    path: &Path,
    first_line: usize,
) -> Result<(T, KeyLines), Diagnostic> {
    let lines = KeyLines::scan(yaml, first_line);
    // An empty document is `null`; treat it as an empty mapping so required keys are reported.
    let yaml = if yaml.trim().is_empty() { "{}" } else { yaml };
    match serde_norway::from_str(yaml) {
        Ok(value) => Ok((value, lines)),
        Err(e) => Err(yaml_diagnostic(&e, &lines, path, first_line, yaml)),
    }
}

fn yaml_diagnostic(
    e: &serde_norway::Error,
    lines: &KeyLines,
    path: &Path,
    first_line: usize,
    yaml: &str,
) -> Diagnostic {
    // A problem found at the end of the text is on its last line, not on one after it. Lines are
    // counted as YAML counts them (a lone CR breaks one too).
    let last = yaml
        .replace("\r\n", "\n")
        .split_terminator(['\n', '\r'])
        .count();
    let file_line = |l: usize| first_line + l.clamp(1, last.max(1)) - 1;
    let mut line = e.location().map(|l| file_line(l.line()));
    let raw = e.to_string();
    // serde_norway writes "PROBLEM at line X column Y", for syntax errors followed by
    // ", while CONTEXT at line X column Y"; the diagnostic has its own line.
    let strip = |s: &str| s.split(" at line ").next().unwrap_or(s).to_string();
    let (problem, context) = raw
        .split_once(", while ")
        .map_or((raw.as_str(), None), |(p, c)| (p, Some(c)));
    let mut message = strip(problem);
    // A value that breaks a rule of `fields` brings its own hint.
    if let Some((text, hint)) = message.split_once(HINT) {
        let (text, hint) = (text.to_string(), hint.to_string());
        return Diagnostic::error(path, line, text, hint);
    }
    let mut unclosed = false;
    if let Some(context) = context {
        message = format!("{message}, while {}", strip(context));
        // An unclosed quote or bracket is noticed where the text ends; the context has the line
        // where it was opened, which is the one to fix.
        let opened = context
            .split(" at line ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .and_then(|n| n.parse().ok());
        if context.starts_with("scanning a quoted scalar") || context.starts_with("parsing a flow")
        {
            unclosed = opened.is_some();
            line = opened.map(file_line).or(line);
        } else if context.starts_with("scanning a simple key") {
            // So is a key without its `:` on the last line: the end is past every line.
            line = opened.map(file_line).or(line);
        }
    }
    // A duplicate key is reported at the start of its mapping; point at the second one instead.
    if let Some((parent, key)) = duplicate_key(&message) {
        let key_path = if parent.is_empty() {
            key.to_string()
        } else {
            format!("{parent}.{key}")
        };
        line = lines.repeated(&key_path).or(line);
    }
    let hint = if unclosed {
        "close the quote or bracket opened on this line"
    } else if message.contains("unknown field") {
        "remove or rename the key; the allowed keys are listed above (README.md, section Content format)"
    } else if message.contains("missing field") {
        "add the key; README.md, section Content format, says what it means"
    } else if message.contains("duplicate") {
        "each key may appear once; remove one of them"
    } else {
        "check the YAML here: indentation, a `:` after each key, quotes around text that contains `: ` or starts with a special character"
    };
    Diagnostic::error(path, line, message, hint)
}

/// (path of the mapping, key) of serde's "duplicate field `KEY`", "PATH: duplicate field `KEY`".
fn duplicate_key(message: &str) -> Option<(&str, &str)> {
    let (parent, rest) = message.split_once("duplicate field `")?;
    let parent = parent.strip_suffix(": ").unwrap_or(parent);
    Some((parent, rest.strip_suffix('`')?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Fm {
        title: String,
        order: Option<i64>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Typed {
        #[serde(deserialize_with = "title")]
        title: String,
        #[serde(default, deserialize_with = "date")]
        updated: Option<jiff::civil::Date>,
        #[serde(default, deserialize_with = "slug")]
        slug: Option<String>,
        #[serde(default)]
        nested: Option<Fm>,
    }

    fn typed(yaml: &str) -> Result<Typed, Diagnostic> {
        parse_with_lines::<Typed>(yaml, Path::new("a.md"), 2).map(|(t, _)| t)
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
        assert!(split("# no front matter", Path::new("a.md"))
            .unwrap_err()
            .message
            .contains("does not start"));
        assert!(split("---\ntitle: A\n", Path::new("a.md"))
            .unwrap_err()
            .message
            .contains("not closed"));
    }

    #[test]
    fn parses_known_keys() {
        let (fm, lines) =
            parse_with_lines::<Fm>("title: A\norder: 2\n", Path::new("a.md"), 2).unwrap();
        assert_eq!((lines.get("title"), lines.get("order")), (Some(2), Some(3)));
        assert_eq!((fm.title.as_str(), fm.order), ("A", Some(2)));
    }

    #[test]
    fn unknown_key_names_the_key_the_allowed_ones_and_the_file_line() {
        let e = parse::<Fm>("title: A\ncolour: red\n", Path::new("a.md"), 2).unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(
            e.message.contains("unknown field `colour`"),
            "{}",
            e.message
        );
        assert!(e.message.contains("title"), "{}", e.message);
    }

    #[test]
    fn unclosed_quotes_and_brackets_point_at_their_opening_line() {
        let e = parse::<Fm>("title: \"A\norder: 1\n", Path::new("a.md"), 2).unwrap_err();
        assert_eq!(
            (e.line, e.message.as_str()),
            (
                Some(2),
                "found unexpected end of stream, while scanning a quoted scalar"
            )
        );
        let e = parse::<Fm>("order: 1\ntitle: [A\n", Path::new("a.md"), 2).unwrap_err();
        assert_eq!(e.line, Some(3), "{}", e.message);
        let e = parse::<Fm>("title: A\norder: 1: 2\n", Path::new("a.md"), 2).unwrap_err();
        assert_eq!(e.line, Some(3), "{}", e.message);
    }

    #[test]
    fn a_duplicate_key_points_at_its_second_line() {
        let e = parse::<Fm>("title: A\norder: 1\ntitle: B\n", Path::new("a.md"), 2).unwrap_err();
        assert_eq!(
            (e.line, e.message.as_str()),
            (Some(4), "duplicate field `title`")
        );
    }

    /// Found by fuzzing (`fuzz/`, target `config`): the line after the last one was named.
    #[test]
    fn a_last_line_without_its_colon_is_reported_at_that_line() {
        for yaml in ["title: a\n. Please try again\n", "title: a\nnot a key"] {
            let e = parse::<Fm>(yaml, Path::new("a.md"), 2).unwrap_err();
            assert_eq!(e.line, Some(3), "{yaml:?}: {}", e.message);
            assert!(
                e.message.contains("could not find expected ':'"),
                "{}",
                e.message
            );
        }
    }

    /// Found by fuzzing (`fuzz/`, target `config`): a file of one comment had its problem on line 2.
    #[test]
    fn a_problem_at_the_end_is_on_the_last_line() {
        for (yaml, line) in [("#", 2), ("# a\n# b\n", 3), ("#\r#\r", 3)] {
            let e = parse::<Fm>(yaml, Path::new("a.md"), 2).unwrap_err();
            assert!(e.message.contains("missing field `title`"), "{}", e.message);
            assert_eq!(e.line, Some(line), "{yaml:?}");
        }
    }

    #[test]
    fn syntax_and_missing_title_errors_have_lines() {
        let e = parse::<Fm>("title: [unclosed\n", Path::new("a.md"), 2).unwrap_err();
        assert!(e.line.is_some());
        let e = parse::<Fm>("order: 1\n", Path::new("a.md"), 2).unwrap_err();
        assert!(e.message.contains("missing field `title`"), "{}", e.message);
        assert!(parse::<Fm>("", Path::new("a.md"), 2)
            .unwrap_err()
            .message
            .contains("title"));
    }

    #[test]
    fn typed_values_parse() {
        let t = typed("title: A\nupdated: 2026-03-07\nslug: смена-пароля\nnested: {title: B}\n")
            .unwrap();
        assert_eq!(
            (t.title.as_str(), t.nested.unwrap().title.as_str()),
            ("A", "B")
        );
        assert_eq!(t.updated, Some(jiff::civil::date(2026, 3, 7)));
        assert_eq!(t.slug.as_deref(), Some("смена-пароля"));
        assert_eq!(typed("title: A\n").unwrap().updated, None);
    }

    #[test]
    fn a_day_that_does_not_exist_is_reported_at_its_key_with_a_fix() {
        let e = typed("title: A\nupdated: 2026-02-31\n").unwrap_err();
        assert_eq!(
            (e.line, e.message.as_str()),
            (
                Some(3),
                "updated: `2026-02-31` is not a date: February 2026 has 28 days"
            )
        );
        assert!(e.hint.contains("`updated: 2026-02-28`"), "{}", e.hint);
        let e = typed("title: A\nupdated: 7 March\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.hint.contains("YYYY-MM-DD"), "{}", e.hint);
    }

    #[test]
    fn an_empty_title_is_reported_at_its_key() {
        for yaml in [
            "order: 1\ntitle: \"\"\n",
            "order: 1\ntitle:\n",
            "order: 1\ntitle: '  '\n",
        ] {
            let e = parse_with_lines::<Typed>(
                &yaml.replace("order: 1", "slug: a"),
                Path::new("a.md"),
                2,
            )
            .unwrap_err();
            assert_eq!(
                (e.line, e.message.as_str()),
                (Some(3), "title: must not be empty"),
                "{yaml:?}"
            );
            assert!(e.hint.contains("title"), "{}", e.hint);
        }
    }

    #[test]
    fn a_slug_that_is_not_a_url_segment_is_reported_at_its_key() {
        let e = typed("title: A\nslug: Reset password\n").unwrap_err();
        assert_eq!(
            (e.line, e.message.as_str()),
            (
                Some(3),
                "slug: `Reset password` is not a URL segment: `R` (a capital) is not allowed"
            )
        );
        assert_eq!(e.hint, SLUG_RULE);
    }

    #[test]
    fn a_nested_duplicate_key_points_at_its_second_line() {
        let e = typed("title: A\nnested:\n  title: B\n  order: 1\n  title: C\n").unwrap_err();
        assert_eq!(
            (e.line, e.message.as_str()),
            (Some(6), "nested: duplicate field `title`")
        );
        assert!(e.hint.contains("once"), "{}", e.hint);
    }
}
