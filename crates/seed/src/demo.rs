//! Demo reports for the demo people: a few weeks of history in the demo instansi, at
//! least one report in every status.

use crate::people::{desk, home_instansi};
use crate::synthetic::{Cast, Options, seed_synthetic};
use aduan_domain::person::Email;
use aduan_service::{App, AppError, AppResult};
use indicatif::ProgressBar;

async fn person(app: &App, email: &str) -> AppResult<aduan_domain::ids::PersonId> {
    let email = Email::parse(email).map_err(AppError::Internal)?;
    Ok(app
        .store()
        .person_by_email(&email)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("{email} (seed the people first)")))?
        .id)
}

/// Files `count` reports (at least seven) in the demo instansi over the last 90 days.
pub async fn seed_demo_reports(app: &App, count: u64, progress: &ProgressBar) -> AppResult<u64> {
    let home = app.find_org(&home_instansi(app)?)?;
    let _ = desk(app)?;
    let cast = Cast {
        screener: person(app, "verifikator@demo.aduan.id").await?,
        coordinator: person(app, "kominfo@demo.aduan.id").await?,
        officer: person(app, "pupr@demo.aduan.id").await?,
        citizen: Some(person(app, "warga@demo.aduan.id").await?),
    };
    let options = Options {
        reports: count.max(7),
        years: 90.0 / 365.25,
        seed: 64_08,
        batch: 500,
        instansi: vec![home],
        every_status_first: true,
        ..Options::default()
    };
    Ok(seed_synthetic(app, cast, &options, progress).await?.reports)
}
