//! Seeds: everything a new deployment, a demo or a benchmark needs in its database.
//!
//! - [`orgs`]: the national tree (national desk, ministries, 38 provinces and 514
//!   kabupaten/kota each with the standard OPDs and kecamatan offices) or a single
//!   regency running its own desk;
//! - [`catalog`]: the category tree and routing rules;
//! - [`people`]: demo accounts for every role;
//! - [`demo`]: realistic reports in every status, made through the real lifecycle;
//! - [`synthetic`]: years of history at scale (a million reports is practical).

pub mod catalog;
pub mod demo;
pub mod orgs;
pub mod people;
pub mod synthetic;
pub mod texts;

/// The password of every demo account (printed by the seed command; demo data only).
pub const DEMO_PASSWORD: &str = "aduan-demo-2026";
