//! The site's settings (`helpcenter.yaml`) and the theme's UI strings (`site/i18n/<lang>.yaml`).
//! The first byte says which; the rest is the file. Every problem is a diagnostic on a line of the
//! file, never a panic; the strings format dates and days whatever their text.
#![no_main]

use std::path::Path;

use helpcenter::config::{Config, Weekday};
use helpcenter::frontmatter;
use helpcenter::i18n::{format_date, format_days, Strings};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let Some((&which, file)) = input.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(file) else {
        return;
    };
    let lines = helpcenter_fuzz::line_count(text);
    let on_a_line = |line: Option<usize>| line.is_none_or(|l| (1..=lines).contains(&l));
    if which % 2 == 0 {
        match Config::from_yaml(text, Path::new("content/helpcenter.yaml")) {
            Ok(config) => {
                assert!(config.base_url.starts_with("http"), "{}", config.base_url);
                assert!(!config.languages.is_empty(), "a site without languages");
            }
            Err(problems) => {
                assert!(!problems.is_empty(), "refused without a reason");
                for d in problems {
                    assert!(
                        on_a_line(d.line),
                        "line {:?} of {lines}: {}",
                        d.line,
                        d.message
                    );
                }
            }
        }
    } else {
        match frontmatter::parse::<Strings>(text, Path::new("site/i18n/en.yaml"), 1) {
            Ok(strings) => {
                for month in 1..=12 {
                    format_date(&strings, jiff::civil::date(2025, month, 28));
                }
                use Weekday::*;
                format_days(&strings, &[Mon, Tue, Wed, Thu, Fri]);
                format_days(&strings, &[Sat, Sun]);
            }
            Err(d) => assert!(
                on_a_line(d.line),
                "line {:?} of {lines}: {}",
                d.line,
                d.message
            ),
        }
    }
});
