//! Demo accounts, one for every role, all with [`crate::DEMO_PASSWORD`].

use crate::DEMO_PASSWORD;
use crate::orgs::{NATIONAL, unit_code};
use aduan_domain::org::OrgKind;
use aduan_domain::person::{Email, Locale, Role};
use aduan_service::{App, AppError, AppResult};

/// One demo account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    pub email: String,
    pub name: String,
    /// Each role with its organisation's code; none for the citizen.
    pub roles: Vec<(Role, String)>,
}

/// The instansi the demo centres on: Kutai Timur when present, else the first regency.
pub fn home_instansi(app: &App) -> AppResult<String> {
    let reference = app.reference();
    if reference.orgs.by_code("KAB-64.08").is_some() {
        return Ok("KAB-64.08".into());
    }
    let mut regencies: Vec<_> = reference
        .orgs
        .iter()
        .filter(|o| o.kind == OrgKind::Instansi && o.region.as_ref().is_some_and(|r| r.as_str().contains('.')))
        .map(|o| o.code.clone())
        .collect();
    regencies.sort();
    regencies
        .into_iter()
        .next()
        .ok_or_else(|| AppError::NotFound("a kabupaten/kota (seed the organisations first)".into()))
}

/// The desk that screens reports: the national one, or the regency's own.
pub fn desk(app: &App) -> AppResult<String> {
    if app.reference().orgs.by_code(NATIONAL).is_some() { Ok(NATIONAL.into()) } else { home_instansi(app) }
}

pub fn demo_accounts(app: &App) -> AppResult<Vec<DemoAccount>> {
    let home = home_instansi(app)?;
    let desk = desk(app)?;
    let account = |email: &str, name: &str, role: Option<(Role, String)>| DemoAccount {
        email: format!("{email}@demo.aduan.id"),
        name: name.into(),
        roles: role.into_iter().collect(),
    };
    let mut list = vec![
        account("warga", "Siti Rahma", None),
        account("verifikator", "Andi Saputra (Verifikator)", Some((Role::Screener, desk.clone()))),
        account("kominfo", "Dewi Lestari (Diskominfo)", Some((Role::Coordinator, home.clone()))),
        account("pupr", "Budi Santoso (Dinas PUPR)", Some((Role::Officer, unit_code(&home, "DPUPR")))),
        account("dlh", "Rina Wulandari (DLH)", Some((Role::Officer, unit_code(&home, "DLH")))),
        account("ombudsman", "Hendra Wijaya (Ombudsman)", Some((Role::Supervisor, desk.clone()))),
        account("inspektorat", "Yusuf Hidayat (Inspektorat)", Some((Role::Supervisor, home.clone()))),
        account("admin", "Maya Putri (Admin Organisasi)", Some((Role::OrgAdmin, home.clone()))),
    ];
    if desk != home {
        list.push(account("admin.nasional", "Agus Pratama (Admin Nasional)", Some((Role::OrgAdmin, desk))));
    }
    let province = province_instansi(app, &home);
    if province.len() > 1 {
        let mut office = account("ombudsman.perwakilan", "Rahmat Hidayat (Ombudsman Perwakilan)", None);
        office.roles = province.into_iter().map(|code| (Role::Supervisor, code)).collect();
        list.push(office);
    }
    Ok(list)
}

/// The instansi of the home instansi's province (its government and every regency and
/// city in it): what an Ombudsman representative office oversees.
fn province_instansi(app: &App, home: &str) -> Vec<String> {
    let reference = app.reference();
    let Some(province) = reference.orgs.by_code(home).and_then(|o| o.region.as_ref()).map(|r| r.province()) else {
        return Vec::new();
    };
    let mut codes: Vec<String> = reference
        .orgs
        .iter()
        .filter(|o| o.kind == OrgKind::Instansi && o.region.as_ref().is_some_and(|r| r.province() == province))
        .map(|o| o.code.clone())
        .collect();
    codes.sort();
    codes
}

/// Creates the demo accounts that do not exist yet; returns all of them.
pub async fn seed_people(app: &App) -> AppResult<Vec<DemoAccount>> {
    let accounts = demo_accounts(app)?;
    for a in &accounts {
        let email = Email::parse(&a.email).map_err(AppError::Internal)?;
        let person = match app.store().person_by_email(&email).await? {
            Some(p) => p.id,
            None => app.add_person(&a.name, Some(&a.email), None, Locale::Id, Some(DEMO_PASSWORD)).await?,
        };
        for (role, code) in &a.roles {
            let org = app.find_org(code)?;
            match app.grant_role(person, *role, org).await {
                Ok(_) | Err(AppError::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(accounts)
}
