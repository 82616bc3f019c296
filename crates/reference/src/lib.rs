//! The reference data of `data/`, compiled into the binary so a fresh deployment needs
//! nothing else: Kemendagri regions, the holiday calendar, the category tree, the OPD
//! template of a local government and the ministries.
//!
//! The files are parsed once, on first use. They are checked by this crate's tests, so a
//! malformed file fails the build's tests rather than a running server.

pub mod catalog;
pub mod holidays;
pub mod regions;
