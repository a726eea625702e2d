//! `voyager ui`: the local web dashboard over the control plane, until Ctrl-C.

use std::net::IpAddr;

use clap::Args;
use serde::Serialize;
use voyager_core::control_plane::address;
use voyager_core::Result;
use voyager_ui::{Ready, UiOptions};

use crate::output::Output;

#[derive(Args)]
pub struct UiArgs {
    /// The control plane's connection string [default: the config file's, else the local one].
    #[arg(long, value_name = "CONN")]
    assessment_control_plane: Option<String>,
    /// A migration's config file, whose assess-migration.assessment-control-plane to use.
    #[arg(long, value_name = "FILE")]
    config_file: Option<String>,
    /// The port to listen on (0 picks a free one).
    #[arg(long, default_value_t = voyager_ui::DEFAULT_PORT)]
    port: u16,
    /// The address to listen on. Anything but loopback needs a token (--token, or one is made).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    bind: IpAddr,
    /// The token every request must carry (at least 16 characters) [env: VOYAGER_UI_TOKEN].
    #[arg(long, env = "VOYAGER_UI_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// A TOML file of ranking weights (see the README); keys left out keep their defaults.
    #[arg(long, value_name = "FILE")]
    weights: Option<String>,
    /// Open the dashboard in the default browser.
    #[arg(long)]
    open: bool,
}

#[derive(Serialize)]
struct Listening<'a> {
    url: &'a str,
    port: u16,
}

pub fn run(args: UiArgs, out: &Output) -> Result<()> {
    let control_plane = address(args.assessment_control_plane.as_deref(), args.config_file.as_deref())?;
    let options = UiOptions {
        control_plane,
        bind: args.bind,
        port: args.port,
        token: args.token,
        weights_file: args.weights,
    };
    let open = args.open;
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let on_ready = |ready: &Ready| {
        out.result(
            &Listening {
                url: &ready.url,
                port: ready.port,
            },
            || {
                format!(
                    "voyager ui: serving the control plane at {} (Ctrl-C stops it)",
                    ready.url
                )
            },
        );
        if open {
            if let Err(e) = std::process::Command::new("xdg-open").arg(&ready.url).spawn() {
                out.warn(&format!("could not open a browser ({e}): open {} yourself", ready.url));
            }
        }
    };
    voyager_core::runtime::block_on(voyager_ui::serve(options, shutdown, on_ready))??;
    if !out.is_json() {
        crate::output::to_stderr("voyager ui: stopped");
    }
    Ok(())
}
