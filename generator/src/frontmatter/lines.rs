//! The line of each key and list item of a YAML text, taken from the YAML parser's events, so that
//! problems found after parsing (a slug two articles share, a department without a title) point
//! at the line to fix without reading the file again.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::sync::OnceLock;

use yaml_rust2::parser::{Event, Parser};

/// Lines by path, written the way serde_norway writes paths in its errors: `title`,
/// `ticket.fallback_email`, `subcategories[0].id`, `departments.press`. A list item's path
/// (`home.popular[2]`) has the line where the item starts.
///
/// The YAML is walked the first time a line is asked for: most documents never have a problem,
/// and the walk is a second parse of every front matter of the site.
#[derive(Debug, Clone, Default)]
pub struct KeyLines {
    /// The YAML and the line of its file it starts at.
    source: Option<(String, usize)>,
    scanned: OnceLock<Scanned>,
}

impl PartialEq for KeyLines {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl Eq for KeyLines {}

#[derive(Debug, Clone, Default)]
struct Scanned {
    first: HashMap<String, usize>,
    /// Where a key is set a second time (YAML forbids it; serde reports it without the line).
    repeated: HashMap<String, usize>,
}

/// A collection being walked, with the path of the value it is.
enum Frame {
    Mapping { path: String, key: Option<String> },
    Sequence { path: String, next: usize },
}

impl KeyLines {
    /// Lines of `yaml`, which starts at line `first_line` of its file. Text that is not valid YAML
    /// gives the lines found before the error (serde reports the error itself).
    pub fn scan(yaml: &str, first_line: usize) -> KeyLines {
        KeyLines {
            source: Some((yaml.to_string(), first_line)),
            scanned: OnceLock::new(),
        }
    }

    /// The line where `path` is set (its first time).
    pub fn get(&self, path: &str) -> Option<usize> {
        self.scanned().first.get(path).copied()
    }

    /// The line where `path` is set a second time.
    pub fn repeated(&self, path: &str) -> Option<usize> {
        self.scanned().repeated.get(path).copied()
    }

    fn scanned(&self) -> &Scanned {
        self.scanned.get_or_init(|| match &self.source {
            Some((yaml, first_line)) => Scanned::scan(yaml, *first_line),
            None => Scanned::default(),
        })
    }
}

impl Scanned {
    fn scan(yaml: &str, first_line: usize) -> Scanned {
        let mut lines = Scanned::default();
        let mut stack: Vec<Frame> = Vec::new();
        let mut parser = Parser::new_from_str(yaml);
        while let Ok((event, mark)) = parser.next_token() {
            let line = first_line + mark.line() - 1;
            match &event {
                Event::StreamEnd => break,
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                    continue;
                }
                Event::MappingStart(..)
                | Event::SequenceStart(..)
                | Event::Scalar(..)
                | Event::Alias(_) => {}
                _ => continue,
            }
            let path = match stack.last_mut() {
                None => String::new(),
                Some(Frame::Mapping {
                    path,
                    key: key @ None,
                }) => {
                    // A key; one that is itself a collection has no name to look it up by.
                    let name = match &event {
                        Event::Scalar(name, ..) => name.clone(),
                        _ => "?".to_string(),
                    };
                    let full = join(path, &name);
                    lines.record(full.clone(), line);
                    *key = Some(name);
                    full
                }
                Some(Frame::Mapping { path, key }) => join(path, &key.take().unwrap_or_default()),
                Some(Frame::Sequence { path, next }) => {
                    let item = format!("{path}[{next}]");
                    *next += 1;
                    lines.record(item.clone(), line);
                    item
                }
            };
            match event {
                Event::MappingStart(..) => stack.push(Frame::Mapping { path, key: None }),
                Event::SequenceStart(..) => stack.push(Frame::Sequence { path, next: 0 }),
                _ => {}
            }
        }
        lines
    }

    fn record(&mut self, path: String, line: usize) {
        match self.first.entry(path) {
            Entry::Occupied(first) => {
                self.repeated.entry(first.key().clone()).or_insert(line);
            }
            Entry::Vacant(first) => {
                first.insert(line);
            }
        }
    }
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_level_keys_nested_keys_and_list_items_have_their_file_lines() {
        let yaml = "# a comment: not a key\ntitle: \"A: b\"\n'order': 2\nsubcategories:\n  - id: sign-in\n    title: Signing in\n  - {id: billing, title: Billing}\nticket:\n  fallback_email: a@b.c\ntags: [a, b]\n";
        let lines = KeyLines::scan(yaml, 2);
        assert_eq!(lines.get("title"), Some(3));
        assert_eq!(lines.get("order"), Some(4));
        assert_eq!(lines.get("subcategories"), Some(5));
        assert_eq!(lines.get("subcategories[0]"), Some(6));
        assert_eq!(lines.get("subcategories[0].id"), Some(6));
        assert_eq!(lines.get("subcategories[0].title"), Some(7));
        assert_eq!(lines.get("subcategories[1].id"), Some(8));
        assert_eq!(lines.get("ticket.fallback_email"), Some(10));
        assert_eq!(lines.get("tags[1]"), Some(11));
        assert_eq!(
            lines.get("fallback_email"),
            None,
            "nested keys keep their parent"
        );
        assert_eq!(lines.get("A"), None, "text inside a value is not a key");
    }

    #[test]
    fn block_text_is_not_mistaken_for_keys() {
        let yaml = "summary: |\n  note: this is text\n  slug: too\ntitle: A\n";
        let lines = KeyLines::scan(yaml, 1);
        assert_eq!(lines.get("note"), None);
        assert_eq!(lines.get("slug"), None);
        assert_eq!(lines.get("title"), Some(4));
    }

    #[test]
    fn a_repeated_key_keeps_both_lines() {
        let lines = KeyLines::scan("title: A\norder: 1\ntitle: B\n", 2);
        assert_eq!(lines.get("title"), Some(2));
        assert_eq!(lines.repeated("title"), Some(4));
        assert_eq!(lines.repeated("order"), None);
    }

    #[test]
    fn invalid_yaml_keeps_the_lines_before_the_error() {
        let lines = KeyLines::scan("title: A\norder: [1\n", 2);
        assert_eq!(lines.get("title"), Some(2));
    }
}
