//! The Aduan domain: who may do what to a complaint, and what follows from it.
//!
//! Everything here is pure: no I/O, no async, no clock reads. Time comes in as a
//! parameter (see [`time::Clock`]), so every rule can be tested at any date.
//! A staff action is decided by [`lifecycle::decide`]: it checks the actor's role and
//! scope ([`permission`]), the report's status and version, and returns the new state
//! with its events and deadlines for the store to write atomically.

pub mod calendar;
pub mod category;
pub mod credential;
pub mod deadline;
pub mod event;
pub mod ids;
pub mod lifecycle;
pub mod measures;
pub mod notice;
pub mod org;
pub mod permission;
pub mod person;
pub mod privacy;
pub mod refusal;
pub mod region;
pub mod report;
pub mod routing;
pub mod similarity;
pub mod sla;
pub mod status;
pub mod template;
pub mod text;
pub mod time;
pub mod tracking;

pub use refusal::Refusal;
