//! `voyager rank`: every source database the control plane knows, ranked.

use clap::Args;
use voyager_core::control_plane::{address, Origin};
use voyager_core::fleet::rank::RankedMigration;
use voyager_core::ranking::{RankRequest, RankedDatabase};
use voyager_core::vocabulary::{AssessmentStatus, Complexity};
use voyager_core::Result;

use super::fleet::{rank_table, ranking_csv, relative_links};
use crate::output::Output;

#[derive(Args)]
pub struct RankArgs {
    /// The control plane's connection string [default: the config file's, else the local one].
    #[arg(long, value_name = "CONN")]
    assessment_control_plane: Option<String>,
    /// A migration's config file, whose assess-migration.assessment-control-plane to use.
    #[arg(long, value_name = "FILE")]
    config_file: Option<String>,
    /// Only databases assessed by this fleet.
    #[arg(long, value_name = "NAME")]
    fleet: Option<String>,
    /// Only databases with this label (key=value; repeat to require several).
    #[arg(long = "label", value_name = "KEY=VALUE")]
    labels: Vec<String>,
    /// Only databases on this host.
    #[arg(long)]
    host: Option<String>,
    /// Only this complexity.
    #[arg(long, value_enum, ignore_case = true)]
    complexity: Option<Complexity>,
    /// Only this status.
    #[arg(long, value_enum, ignore_case = true)]
    status: Option<AssessmentStatus>,
    /// A TOML file of weights (see the README); keys left out keep their defaults.
    #[arg(long, value_name = "FILE")]
    weights: Option<String>,
    /// Print CSV.
    #[arg(long)]
    csv: bool,
    /// Also write the self-contained HTML report here.
    #[arg(long, value_name = "FILE")]
    html: Option<String>,
    /// A work dir holding migration dirs, to link each database's own report from the HTML.
    #[arg(long, value_name = "DIR")]
    work_dir: Option<String>,
}

pub fn run(args: RankArgs, out: &Output, json: bool) -> Result<()> {
    if json && args.csv {
        return Err(voyager_core::Error::invalid_argument("give --json or --csv, not both"));
    }
    let cp = address(args.assessment_control_plane.as_deref(), args.config_file.as_deref())?;
    let request = RankRequest {
        fleet: args.fleet,
        labels: args.labels,
        host: args.host,
        complexity: args.complexity,
        status: args.status,
        weights_file: args.weights,
    };
    let ranked = voyager_core::blocking::rank(&cp, &request)?;
    let inner: Vec<RankedMigration> = ranked.iter().map(|d| d.ranked.clone()).collect();
    if let Some(path) = args.html {
        let path = std::path::PathBuf::from(path);
        let links = match args.work_dir {
            Some(dir) => relative_links(&path, std::path::Path::new(&dir), &inner),
            None => Default::default(),
        };
        let page = voyager_core::fleet::html::render("every database of the control plane", &inner, &links);
        voyager_core::fs_atomic::write(&path, page.as_bytes())?;
        if !json && !args.csv {
            eprintln!("Report: {}", path.display());
        }
    }
    if args.csv {
        print!("{}", csv(&ranked)?);
    } else {
        out.result(&ranked, || table(&ranked, &inner));
    }
    Ok(())
}

fn table(ranked: &[RankedDatabase], inner: &[RankedMigration]) -> String {
    let mut text = rank_table(inner);
    let several: Vec<&RankedDatabase> = ranked
        .iter()
        .filter(|d| d.migrations.len() > 1 || d.origin == Origin::YbVoyager)
        .collect();
    if !several.is_empty() {
        text.push_str("\n\nMigrations of each database (latest first):");
        for d in several {
            text.push_str(&format!("\n  {} ({})", d.ranked.database, d.identity));
            for m in &d.migrations {
                text.push_str(&format!("\n    {}", super::control_plane::migration_line(m)));
            }
        }
    }
    text
}

fn csv(ranked: &[RankedDatabase]) -> Result<String> {
    let origin = |d: &RankedDatabase| match d.origin {
        Origin::Libvoyager => "libvoyager".to_string(),
        Origin::YbVoyager => "yb_voyager".to_string(),
    };
    let migration_uuids = |d: &RankedDatabase| {
        d.migrations
            .iter()
            .map(|m| m.migration_uuid.to_string())
            .collect::<Vec<_>>()
            .join(";")
    };
    ranking_csv(
        ranked,
        |d| &d.ranked,
        &[
            ("port", "identity", &|d: &RankedDatabase| d.identity.clone()),
            ("port", "origin", &origin),
            ("group", "fleets", &|d: &RankedDatabase| d.fleets.join(";")),
            ("labels", "migration_uuids", &migration_uuids),
        ],
    )
}
