//! `voyager ui`: a local, read-only web dashboard over the control plane.
//!
//! It reads the control plane live on every request (nothing is cached, so a database assessed a
//! minute ago shows), and serves four pages (overview, every database ranked, one database, the
//! fleets), each also as JSON under `/api/...` with the same structures as the CLI's `--json`.
//!
//! Every name in a control plane came from a database someone else owns, so it is data: the
//! templates escape by default, links are built from UUIDs and percent-encoded values, no page
//! has inline script, and a Content-Security-Policy forbids inline script and every other origin.
//! There is no write endpoint. Bound to anything but loopback, every request must carry a token.

mod access;
mod charts;
mod pages;
mod server;
mod views;

use std::net::{IpAddr, Ipv4Addr};

pub use server::serve;
pub use views::{DatabaseView, FleetView, Overview, TablePage, TableQuery, DEFAULT_PER_PAGE, MAX_PER_PAGE, SORT_KEYS};

/// The port the dashboard listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 8470;

/// How to serve the dashboard.
#[derive(Debug, Clone)]
pub struct UiOptions {
    /// The control plane's connection string (kept as given; shown redacted).
    pub control_plane: String,
    /// The address to listen on; loopback unless the user says otherwise.
    pub bind: IpAddr,
    /// The port; 0 picks a free one.
    pub port: u16,
    /// The token every request must carry (required off loopback; generated when not given).
    pub token: Option<String>,
    /// A TOML file of ranking weights; the defaults when None.
    pub weights_file: Option<String>,
}

impl Default for UiOptions {
    fn default() -> Self {
        UiOptions {
            control_plane: String::new(),
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            token: None,
            weights_file: None,
        }
    }
}

/// Where the dashboard listens, once it does.
#[derive(Debug, Clone)]
pub struct Ready {
    /// The address to open, with the token when there is one.
    pub url: String,
    /// The token every request must carry, when the dashboard needs one.
    pub token: Option<String>,
    /// The port it listens on (the one picked, when 0 was asked for).
    pub port: u16,
}
