//! The `helpcenter` command line: parses the arguments, runs the library's command and prints what
//! it found (through `report`). Exit codes: 0 success, 1 content errors or a failure, 2 usage.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use helpcenter::build::{self, BuildError, BuildOptions, Hooks};
use helpcenter::check::{self, CheckReport};
use helpcenter::diagnostics::Diagnostic;
use helpcenter::external::ExternalOptions;
use helpcenter::report::{self, Format, Progress, Verbosity};
use helpcenter::serve::{self, Preview, Rebuilt, ServeError, ServeOptions};
use helpcenter::starter;
use helpcenter::watch::{Changes, Watch};
use helpcenter::write::Staging;

/// `println!` that does not panic when the reader of stdout stops early (`helpcenter check | head`).
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// A build allocates and frees millions of small strings, maps and vectors, from two threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EXIT_CODES: &str = "Exit codes: 0 success (for check: no errors), 1 errors in the content or the command failed, 2 wrong usage.";

#[derive(Parser)]
#[command(name = "helpcenter", version, about = "Build a multilingual static help center from Markdown", after_help = EXIT_CODES)]
struct Cli {
    /// Print errors only.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Also print each step's time and the files behind each count.
    #[arg(long, short, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (replaced only when the build succeeds).
    Build {
        #[command(flatten)]
        dirs: Dirs,
        /// The output folder.
        #[arg(long, default_value = "public")]
        out: PathBuf,
        /// Replace `base_url` of helpcenter.yaml (e.g. for a preview deployment).
        #[arg(long)]
        base_url: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Report every problem a build would, and more, without writing anything: links to missing
    /// pages and headings, missing images, articles nothing links to, empty categories, and each
    /// language's translation status.
    #[command(after_help = EXIT_CODES)]
    Check {
        #[command(flatten)]
        dirs: Dirs,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Also ask every external (http/https) link whether it still works.
        #[arg(long)]
        external: bool,
        /// Seconds each external request may take.
        #[arg(
            long,
            default_value_t = 10,
            value_name = "SECONDS",
            requires = "external"
        )]
        timeout: u64,
        /// External requests at once.
        #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64), requires = "external")]
        concurrency: u16,
        /// Fail (exit 1) on warnings too.
        #[arg(long)]
        strict: bool,
        /// Also warn for every article page that existed at this git revision (e.g. the pull
        /// request's base branch) and is gone without an alias.
        #[arg(long, value_name = "REV")]
        since: Option<String>,
    },
    /// Preview the site on http://127.0.0.1:PORT: rebuilt as files change, with open tabs reloaded
    /// and the ticket form working locally (tickets and fallback emails go under --state).
    Serve {
        #[command(flatten)]
        dirs: Dirs,
        /// Local state: tickets (JSON lines) and fallback emails.
        #[arg(long, default_value = ".helpcenter")]
        state: PathBuf,
        /// The port on 127.0.0.1 (0 picks a free one).
        #[arg(long, short, default_value_t = 1111)]
        port: u16,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Create a starter help center (settings, one language, three audiences, a few articles and
    /// the default theme) in DIR, which must be empty or new.
    New { dir: PathBuf },
}

#[derive(Args)]
struct Dirs {
    /// The content folder (with helpcenter.yaml).
    #[arg(long, default_value = "content")]
    content: PathBuf,
    /// The theme folder (templates, static files, UI strings).
    #[arg(long, default_value = "site")]
    site: PathBuf,
}

impl Dirs {
    fn options(self, out_dir: PathBuf, base_url: Option<String>) -> BuildOptions {
        BuildOptions {
            content_dir: self.content,
            site_dir: self.site,
            out_dir,
            base_url,
            ticket_endpoint: None,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let verbosity = match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (_, true) => Verbosity::Verbose,
        _ => Verbosity::Normal,
    };
    let outcome = match cli.command {
        Command::Build {
            dirs,
            out,
            base_url,
            format,
        } => build_site(dirs.options(out, base_url), format, verbosity),
        Command::Check {
            dirs,
            format,
            external,
            timeout,
            concurrency,
            strict,
            since,
        } => {
            let external = external.then_some(ExternalOptions {
                timeout: Duration::from_secs(timeout),
                concurrency: concurrency.into(),
            });
            let options = dirs.options(PathBuf::new(), None);
            // Like a usage error: nothing is checked against a revision that is not there.
            let since = match since.map(|rev| check::Since::resolve(&options.content_dir, &rev)) {
                Some(Err(e)) => {
                    eprintln!("error: --since: {e}");
                    return ExitCode::from(2);
                }
                Some(Ok(since)) => Some(since),
                None => None,
            };
            check_content(options, external, since.as_ref(), format, strict, verbosity)
        }
        Command::Serve {
            dirs,
            state,
            port,
            open,
        } => serve_site(
            ServeOptions {
                content_dir: dirs.content,
                site_dir: dirs.site,
                state_dir: state,
                port,
            },
            open,
            verbosity,
        ),
        Command::New { dir } => new_site(&dir, verbosity),
    };
    outcome.unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        ExitCode::FAILURE
    })
}

fn print_diagnostics(format: Format, diagnostics: &[Diagnostic], verbosity: Verbosity) {
    for line in report::diagnostics(format, diagnostics, verbosity) {
        match format {
            Format::Github => out!("{line}"),
            _ => eprintln!("{line}"),
        }
    }
}

fn build_site(options: BuildOptions, format: Format, verbosity: Verbosity) -> Result<ExitCode> {
    let out = options.out_dir.clone();
    let staging =
        Staging::begin(&out).with_context(|| format!("cannot prepare {}", out.display()))?;
    let progress = Progress::new(verbosity);
    let result = build::run(
        &options,
        staging,
        &Hooks {
            progress: Some(&progress),
            ..Hooks::default()
        },
    )
    .map(|(report, _)| report);
    progress.finish();
    if format == Format::Json {
        out!("{:#}", report::build_json(&result));
    }
    match result {
        Ok(report) => {
            print_diagnostics(format, &report.warnings, verbosity);
            if verbosity > Verbosity::Quiet && format != Format::Json {
                out!("{}", report::build_summary(&report, &out));
            }
            if verbosity == Verbosity::Verbose {
                report
                    .untranslated
                    .iter()
                    .filter(|(_, n)| *n > 0)
                    .for_each(|(l, n)| out!("  {l}: {n} article(s) shown in the default language"));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(BuildError::Content(diagnostics)) => {
            print_diagnostics(format, &diagnostics, verbosity);
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            eprintln!(
                "build failed: {errors} error(s); {} was left as it was",
                out.display()
            );
            Ok(ExitCode::FAILURE)
        }
        Err(e) => {
            Err(e).with_context(|| format!("build failed; {} was left as it was", out.display()))
        }
    }
}

fn check_content(
    options: BuildOptions,
    external: Option<ExternalOptions>,
    since: Option<&check::Since>,
    format: Format,
    strict: bool,
    verbosity: Verbosity,
) -> Result<ExitCode> {
    let progress = Progress::new(verbosity);
    let checked = check::check(&options, external, since, Some(&progress));
    progress.finish();
    let report = checked.context("the check could not finish")?;
    let failed = report.errors() > 0 || (strict && report.warnings() > 0);
    match format {
        Format::Json => out!("{:#}", check_json(&report, failed)?),
        Format::Human | Format::Github => {
            print_diagnostics(format, &report.diagnostics, verbosity);
            if verbosity > Verbosity::Quiet {
                if !report.translations.is_empty() {
                    out!("translations:");
                    report::translation_lines(&report, verbosity)
                        .iter()
                        .for_each(|l| out!("  {l}"));
                }
                out!("{}", report::check_summary(&report));
            }
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn check_json(report: &CheckReport, failed: bool) -> Result<serde_json::Value> {
    let mut json = serde_json::to_value(report)?;
    json["ok"] = (!failed).into();
    json["errors"] = report.errors().into();
    json["warnings"] = report.warnings().into();
    Ok(json)
}

fn serve_site(options: ServeOptions, open: bool, verbosity: Verbosity) -> Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the server's runtime")?;
    runtime.block_on(async {
        let server = serve::bind(&options).await?;
        // Watching starts before the first build, so that no edit made during it is missed.
        let roots = [options.content_dir.clone(), options.site_dir.clone()];
        let mut watch = Watch::start(&roots, serve::DEBOUNCE)?;
        let preview = server.preview.clone();
        let first = tokio::task::spawn_blocking(move || {
            let progress = Progress::new(verbosity);
            let built = preview.rebuild(None, Some(&progress));
            progress.finish();
            built
        });
        match first.await? {
            Ok(rebuilt) => {
                print_diagnostics(Format::Human, &rebuilt.report.warnings, verbosity);
                if verbosity > Verbosity::Quiet {
                    out!(
                        "{}",
                        report::build_summary(&rebuilt.report, Path::new("memory"))
                    );
                }
            }
            Err(e) => report_failure(&e, verbosity),
        }
        let preview = server.preview.clone();
        out!(
            "serving {}/ (tickets in {}, emails in {}); watching {} and {}; stop with Ctrl-C",
            server.url,
            preview.tickets_dir.display(),
            preview.outbox_dir.display(),
            roots[0].display(),
            roots[1].display()
        );
        if open {
            open_in_browser(&server.url);
        }
        std::thread::spawn(move || loop {
            if let Some(changes) = watch.next_change(Duration::from_secs(3600)) {
                rebuild_after(&preview, &changes, verbosity);
            }
        });
        server.run().await.context("the server stopped")?;
        Ok(ExitCode::SUCCESS)
    })
}

fn rebuild_after(preview: &Arc<Preview>, changes: &Changes, verbosity: Verbosity) {
    let what = match changes.paths().collect::<Vec<_>>().as_slice() {
        [one] => one.display().to_string(),
        many => format!("{} files", many.len()),
    };
    match preview.rebuild(Some(changes), None) {
        Ok(Rebuilt {
            report,
            changed_pages,
            quick,
        }) => {
            if verbosity == Verbosity::Verbose {
                print_diagnostics(Format::Human, &report.warnings, verbosity);
            }
            if verbosity > Verbosity::Quiet {
                let how = if quick {
                    "the pages showing it rendered again"
                } else {
                    "rebuilt"
                };
                out!("{what} changed: {how} in {:.3} s, {changed_pages} page(s) differ, {} warning(s)", report.elapsed.as_secs_f64(), report.warnings.len());
            }
        }
        Err(e) => report_failure(&e, verbosity),
    }
}

/// A failed build while serving: its errors, and what is served meanwhile.
fn report_failure(e: &ServeError, verbosity: Verbosity) {
    match e {
        ServeError::Build(BuildError::Content(diagnostics)) => {
            print_diagnostics(Format::Human, diagnostics, verbosity)
        }
        other => eprintln!("error: {other}"),
    }
    eprintln!("the site did not build: fix the errors above (open tabs show them too); the last good site is still served");
}

fn open_in_browser(url: &str) {
    let (program, args): (&str, &[&str]) = if cfg!(target_os = "macos") {
        ("open", &[])
    } else if cfg!(windows) {
        ("cmd", &["/C", "start", ""])
    } else {
        ("xdg-open", &[])
    };
    let opened = std::process::Command::new(program)
        .args(args)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = opened {
        eprintln!("warning: cannot open a browser ({program}: {e}); open {url}/ yourself");
    }
}

fn new_site(dir: &Path, verbosity: Verbosity) -> Result<ExitCode> {
    starter::create(dir)?;
    if verbosity > Verbosity::Quiet {
        out!(
            "created a help center in {}; next:\n  cd {}\n  helpcenter serve",
            dir.display(),
            dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
