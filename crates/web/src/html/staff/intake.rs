//! Intake on a citizen's behalf: a report that arrived by walk-in, phone, letter, SMS,
//! WhatsApp, e-mail or social media, entered by staff through the citizen's own form
//! with the channel recorded and the citizen's contact details where given.

use super::Staff;
use crate::AppState;
use crate::html::PageResult;
use crate::html::filing::{self, Mode};
use aduan_domain::Refusal;
use aduan_domain::permission::Permission;
use aduan_service::AppError;
use axum::extract::{Multipart, State};

fn intake_mode(staff: &Staff) -> Result<Mode, AppError> {
    if staff.role.role.has(Permission::IntakeOnBehalf) {
        Ok(Mode::Intake(staff.actor()))
    } else {
        Err(Refusal::RoleNotAllowed { role: staff.role.role.as_str().into(), action: "file a report".into() }.into())
    }
}

/// `GET /staf/input`.
pub async fn form(State(state): State<AppState>, staff: Staff) -> PageResult {
    let mode = intake_mode(&staff)?;
    filing::empty_form(&state, &staff.v, mode)
}

/// `POST /staf/input`.
pub async fn submit(State(state): State<AppState>, staff: Staff, multipart: Multipart) -> PageResult {
    let mode = intake_mode(&staff)?;
    filing::handle(state, staff.v, multipart, mode).await
}
