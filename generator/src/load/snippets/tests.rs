use super::*;

fn library(
    own: &[(&str, &str)],
    fallback: &[(&str, &str)],
) -> (BTreeMap<String, Snippet>, BTreeMap<String, Snippet>) {
    let map = |lang: &str, items: &[(&str, &str)]| {
        items
            .iter()
            .map(|(name, body)| {
                let path = PathBuf::from(format!("content/{lang}/_snippets/{name}.md"));
                (
                    name.to_string(),
                    Snippet {
                        path,
                        body: body.to_string(),
                    },
                )
            })
            .collect()
    };
    (map("it", own), map("en", fallback))
}

fn run(body: &str, own: &[(&str, &str)], fallback: &[(&str, &str)]) -> (Expanded, Vec<Diagnostic>) {
    let (own, fallback) = library(own, fallback);
    let dir = PathBuf::from("content/it/_snippets");
    let lib = Library {
        own: &own,
        fallback: &fallback,
        dir: &dir,
    };
    expand(body, Path::new("content/it/users/a/b.md"), 5, &lib)
}

fn at(e: &Expanded, n: usize) -> (String, usize) {
    let (file, line) = e.origins.locate(n);
    (file.display().to_string(), line)
}

#[test]
fn a_snippet_stands_where_its_line_is_and_every_line_keeps_its_origin() {
    let body = "Intro.\n{{#snippet billing}}\nAfter.\n";
    let (e, problems) = run(
        body,
        &[],
        &[("billing", "## Billing contacts\nWrite to [us](../x.md).\n")],
    );
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        e.body,
        "Intro.\n\n## Billing contacts\nWrite to [us](../x.md).\n\nAfter.\n"
    );
    assert_eq!(at(&e, 0), ("content/it/users/a/b.md".into(), 5));
    assert_eq!(at(&e, 1), ("content/it/users/a/b.md".into(), 6));
    assert_eq!(at(&e, 2), ("content/en/_snippets/billing.md".into(), 1));
    assert_eq!(at(&e, 3), ("content/en/_snippets/billing.md".into(), 2));
    assert_eq!(at(&e, 5), ("content/it/users/a/b.md".into(), 7));
    assert_eq!(
        e.includes,
        [PathBuf::from("content/en/_snippets/billing.md")]
    );
}

#[test]
fn the_language_s_own_copy_wins_over_the_default_language_s() {
    let (e, _) = run("{{#snippet x}}", &[("x", "italiano")], &[("x", "english")]);
    assert!(
        e.body.contains("italiano") && !e.body.contains("english"),
        "{}",
        e.body
    );
}

#[test]
fn snippets_include_snippets_with_the_indentation_of_their_line() {
    let body = "1. Step\n   {{#snippet outer}}\n2. Next\n";
    let (e, problems) = run(
        body,
        &[],
        &[
            ("outer", "Outer\n{{#snippet inner}}\n"),
            ("inner", "Inner\n"),
        ],
    );
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(e.body, "1. Step\n\n   Outer\n\n   Inner\n\n\n2. Next\n");
    assert_eq!(e.includes.len(), 2);
}

#[test]
fn in_code_a_directive_is_text_to_show() {
    let body = "```\n{{#snippet x}}\n```\n\nWrite `{{#snippet x}}` on a line.\n";
    let (e, problems) = run(body, &[], &[]);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(e.body, body);
    assert_eq!(
        e.origins,
        Origins::file(Path::new("content/it/users/a/b.md"), 5)
    );
}

#[test]
fn unknown_names_slashes_and_misplaced_directives_are_errors_at_their_line() {
    let body = "{{#snippet nope}}\n{{#snippet billing/contacts}}\nSee {{#snippet x}} here\n> {{#snippet x}}\n{{#snippet}}\n";
    let (e, problems) = run(body, &[], &[("x", "X")]);
    let found: Vec<(usize, &str)> = problems
        .iter()
        .map(|d| (d.line.unwrap(), d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (5, "unknown snippet `nope`"),
            (6, "snippet name `billing/contacts` has a slash"),
            (7, "`{{#snippet x}} here` is not on a line of its own"),
            (8, "`{{#snippet x}}` is not on a line of its own"),
            (9, "a snippet line without a name"),
        ]
    );
    assert!(
        problems[0]
            .hint
            .contains("content/it/_snippets/nope.md, or use one of: x"),
        "{}",
        problems[0].hint
    );
    assert!(!e.body.contains("nope"));
}

#[test]
fn a_cycle_is_an_error_at_the_line_that_closes_it() {
    let (e, problems) = run(
        "{{#snippet a}}\n",
        &[],
        &[("a", "A\n{{#snippet b}}\n"), ("b", "B\n{{#snippet a}}\n")],
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
    let d = &problems[0];
    assert_eq!(
        (d.file.as_path(), d.line),
        (Path::new("content/en/_snippets/b.md"), Some(2))
    );
    assert_eq!(d.message, "snippet cycle: content/it/users/a/b.md → content/en/_snippets/a.md → content/en/_snippets/b.md → content/en/_snippets/a.md");
    assert!(e.body.contains('A') && e.body.contains('B'));
}

#[test]
fn file_names_follow_the_directive_s_rule() {
    assert_eq!(snippet_name("billing-contacts.md"), Ok("billing-contacts"));
    assert!(snippet_name("billing contacts.md").is_err());
    assert!(snippet_name("notes.txt").is_err());
}
