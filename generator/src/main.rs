//! The `helpcenter` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use helpcenter::build::{build, BuildError, BuildOptions, BuildReport};

#[derive(Parser)]
#[command(name = "helpcenter", version, about = "Build a multilingual static help center from Markdown")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (replaced only when the build succeeds).
    Build {
        #[command(flatten)]
        dirs: Dirs,
        /// Replace `base_url` of helpcenter.yaml (e.g. for a preview deployment).
        #[arg(long)]
        base_url: Option<String>,
    },
}

#[derive(Args)]
struct Dirs {
    /// The content folder (with helpcenter.yaml).
    #[arg(long, default_value = "content")]
    content: PathBuf,
    /// The theme folder (templates, static files, UI strings).
    #[arg(long, default_value = "site")]
    site: PathBuf,
    /// The output folder.
    #[arg(long, default_value = "public")]
    out: PathBuf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { dirs, base_url } => {
            let options = BuildOptions { content_dir: dirs.content, site_dir: dirs.site, out_dir: dirs.out, base_url };
            report(&options, build(&options))
        }
    }
}

/// Prints the outcome of a build: diagnostics on stderr, one summary line on stdout.
fn report(options: &BuildOptions, result: Result<BuildReport, BuildError>) -> ExitCode {
    match result {
        Ok(report) => {
            for warning in &report.warnings {
                eprintln!("{warning}");
            }
            let per_language: Vec<String> = report.pages_per_language.iter().map(|(l, n)| format!("{l} {n}")).collect();
            println!(
                "built {} pages ({}) into {} in {:.2} s, {} warning(s)",
                report.pages,
                per_language.join(", "),
                options.out_dir.display(),
                report.elapsed.as_secs_f64(),
                report.warnings.len()
            );
            ExitCode::SUCCESS
        }
        Err(BuildError::Content(diagnostics)) => {
            for d in &diagnostics {
                eprintln!("{d}");
            }
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            eprintln!("build failed: {errors} error(s); {} was left as it was", options.out_dir.display());
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("build failed; {} was left as it was", options.out_dir.display());
            ExitCode::FAILURE
        }
    }
}
