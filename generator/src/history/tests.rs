use super::*;

/// `git log` output as `Repo::history` asks for it: newest first.
fn log(commits: &[(&str, &str, i64, &str)]) -> String {
    commits
        .iter()
        .map(|(id, parents, time, changes)| format!("\x01{id}\x02{parents}\x02{time}\n\n{changes}"))
        .collect()
}

fn content(p: &str) -> Option<PathBuf> {
    p.strip_prefix("content/").map(PathBuf::from)
}

const DAY: i64 = 86_400;

#[test]
fn counts_the_original_s_commits_after_the_translation_s_last_one_across_a_rename() {
    let text = log(&[
        ("e", "d", 5 * DAY, "M\tcontent/en/a/new.md\n"),
        (
            "d",
            "c",
            4 * DAY,
            "R100\tcontent/en/a/old.md\tcontent/en/a/new.md\n",
        ),
        ("c", "b", 3 * DAY, "M\tcontent/en/a/old.md\nM\tREADME.md\n"),
        ("b", "a", 2 * DAY, "M\tcontent/it/a/new.md\n"),
        (
            "a",
            "",
            DAY,
            "A\tcontent/en/a/old.md\nA\tcontent/it/a/new.md\n",
        ),
    ]);
    let history = History::parse(&text, &[], content);
    let mut ancestry = Ancestry::default();
    let since = history.since(
        Path::new("en/a/new.md"),
        Path::new("it/a/new.md"),
        &mut ancestry,
    );
    let latest = Some(jiff::civil::date(1970, 1, 6));
    assert_eq!(
        since,
        Since::Changes { count: 3, latest },
        "e, d (the rename) and c"
    );
    assert_eq!(
        history.last_changed(Path::new("it/a/new.md")),
        Some(jiff::civil::date(1970, 1, 3))
    );
    let untracked = history.since(
        Path::new("en/a/new.md"),
        Path::new("it/a/x.md"),
        &mut ancestry,
    );
    assert_eq!(untracked, Since::Unknown { shallow: false });
}

#[test]
fn a_change_merged_from_a_branch_counts_even_when_it_is_older_than_the_translation() {
    // m merges s (the original changed on a branch, on day 2) into t (translated on day 3).
    let text = log(&[
        ("m", "t s", 4 * DAY, ""),
        ("t", "a", 3 * DAY, "M\tcontent/it/x.md\n"),
        ("s", "a", 2 * DAY, "M\tcontent/en/x.md\n"),
        ("a", "", DAY, "A\tcontent/en/x.md\nA\tcontent/it/x.md\n"),
    ]);
    let history = History::parse(&text, &[], content);
    let since = history.since(
        Path::new("en/x.md"),
        Path::new("it/x.md"),
        &mut Ancestry::default(),
    );
    assert_eq!(
        since,
        Since::Changes {
            count: 1,
            latest: Some(jiff::civil::date(1970, 1, 3))
        }
    );
}

#[test]
fn a_translation_last_seen_at_a_shallow_clone_s_boundary_is_unknown() {
    let text = log(&[
        ("b", "a", 2 * DAY, "M\tcontent/en/x.md\n"),
        ("a", "", DAY, "A\tcontent/en/x.md\nA\tcontent/it/x.md\n"),
    ]);
    let history = History::parse(&text, &["a".to_string()], content);
    let since = history.since(
        Path::new("en/x.md"),
        Path::new("it/x.md"),
        &mut Ancestry::default(),
    );
    assert_eq!(since, Since::Unknown { shallow: true });
}
