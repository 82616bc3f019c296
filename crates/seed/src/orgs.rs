//! Organisation trees: the national one, or a single regency running its own desk.

use aduan_domain::org::{Contact, NewOrganisation, OrgKind};
use aduan_domain::region::RegionCode;
use aduan_domain::time::Zone;
use aduan_reference::catalog::{OpdSpec, ministries, opd_templates};
use aduan_reference::regions::{Region, RegionKind, regions};
use aduan_service::{App, AppError, AppResult};
use indicatif::ProgressBar;

pub const NATIONAL: &str = "NASIONAL";

/// The code of a local government: `PROV-64`, `KAB-64.08`, `KOTA-64.72`.
pub fn instansi_code(region: &Region) -> String {
    let prefix = match region.kind {
        RegionKind::Provinsi => "PROV",
        RegionKind::Kota => "KOTA",
        _ => "KAB",
    };
    format!("{prefix}-{}", region.code)
}

/// The code of an OPD of a local government: `KAB-64.08/DPUPR`.
pub fn unit_code(instansi: &str, opd: &str) -> String {
    format!("{instansi}/{opd}")
}

fn level(region: &Region) -> &'static str {
    match region.kind {
        RegionKind::Provinsi => "provinsi",
        RegionKind::Kota => "kota",
        _ => "kabupaten",
    }
}

fn new_org(
    code: String,
    name: String,
    kind: OrgKind,
    parent: Option<String>,
    region: Option<RegionCode>,
    zone: Zone,
) -> NewOrganisation {
    NewOrganisation {
        code,
        name,
        kind,
        parent_code: parent,
        region,
        zone,
        screens_own_reports: false,
        contact: Contact::default(),
    }
}

/// A local government with its standard OPDs and, for a kabupaten/kota, its kecamatan
/// offices.
pub fn local_government(region: &Region, parent: Option<&str>, screens_own_reports: bool) -> Vec<NewOrganisation> {
    let code = instansi_code(region);
    let name = format!("Pemerintah {}", region.full_name());
    let mut out = vec![NewOrganisation {
        screens_own_reports,
        ..new_org(code.clone(), name, OrgKind::Instansi, parent.map(Into::into), Some(region.code.clone()), region.zone)
    }];
    let suffix = region.full_name();
    let opds: Vec<&OpdSpec> = opd_templates().iter().filter(|o| o.exists_in(level(region))).collect();
    for opd in opds {
        out.push(new_org(
            unit_code(&code, &opd.code),
            format!("{} {suffix}", opd.name_id),
            OrgKind::Unit,
            Some(code.clone()),
            Some(region.code.clone()),
            region.zone,
        ));
    }
    if region.kind != RegionKind::Provinsi {
        for district in regions().children(&region.code) {
            out.push(new_org(
                unit_code(&code, &format!("KEC-{}", district.code)),
                district.full_name(),
                OrgKind::Unit,
                Some(code.clone()),
                Some(district.code.clone()),
                region.zone,
            ));
        }
    }
    out
}

/// The national tree: the national desk, the ministries and national bodies, 38
/// provincial and 514 regency/city governments with their OPDs and kecamatan offices.
pub fn national_tree() -> Vec<NewOrganisation> {
    let mut out = vec![new_org(
        NATIONAL.into(),
        "Admin Nasional SP4N-LAPOR! (KemenPAN-RB)".into(),
        OrgKind::National,
        None,
        None,
        Zone::Wib,
    )];
    for m in ministries() {
        out.push(new_org(m.code.clone(), m.name.clone(), OrgKind::Instansi, Some(NATIONAL.into()), None, Zone::Wib));
    }
    for province in regions().provinces() {
        out.extend(local_government(province, Some(NATIONAL), false));
        for regency in regions().children(&province.code) {
            out.extend(local_government(regency, Some(NATIONAL), false));
        }
    }
    out
}

async fn create(app: &App, orgs: Vec<NewOrganisation>, progress: &ProgressBar) -> AppResult<usize> {
    progress.set_length(orgs.len() as u64);
    progress.set_message("organisations");
    let mut created = 0;
    // Parents come before children, so fixed-size chunks keep every parent reachable.
    for chunk in orgs.chunks(1000) {
        created += app.store().create_organisations(chunk).await?.len();
        progress.inc(chunk.len() as u64);
    }
    app.reload_reference().await?;
    Ok(created)
}

/// Seeds the national tree; does nothing if the national desk exists.
pub async fn seed_national(app: &App, progress: &ProgressBar) -> AppResult<usize> {
    if app.reference().orgs.by_code(NATIONAL).is_some() {
        return Ok(0);
    }
    create(app, national_tree(), progress).await
}

/// Seeds one regency (e.g. `64.08`, Kutai Timur) screening its own reports, without a
/// national desk; does nothing if it exists.
pub async fn seed_regency(app: &App, code: &str, progress: &ProgressBar) -> AppResult<usize> {
    let code = RegionCode::parse(code).map_err(|e| AppError::NotFound(e.to_string()))?;
    let region = regions()
        .get(&code)
        .filter(|r| matches!(r.kind, RegionKind::Kabupaten | RegionKind::Kota))
        .ok_or_else(|| AppError::NotFound(format!("kabupaten/kota {code}")))?;
    if app.reference().orgs.by_code(&instansi_code(region)).is_some() {
        return Ok(0);
    }
    create(app, local_government(region, None, true), progress).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_national_tree_has_every_government() {
        let tree = national_tree();
        let instansi = tree.iter().filter(|o| o.kind == OrgKind::Instansi).count();
        assert_eq!(instansi, ministries().len() + 38 + 514);
        let kecamatan = tree.iter().filter(|o| o.code.contains("/KEC-")).count();
        assert_eq!(kecamatan, 7_285);
        let kutim = tree.iter().find(|o| o.code == "KAB-64.08").expect("Kutai Timur");
        assert_eq!(kutim.name, "Pemerintah Kabupaten Kutai Timur");
        assert_eq!(kutim.zone, Zone::Wita);
        let pupr = tree.iter().find(|o| o.code == "KAB-64.08/DPUPR").expect("PUPR");
        assert_eq!(pupr.name, "Dinas Pekerjaan Umum dan Penataan Ruang Kabupaten Kutai Timur");
        // Every parent comes before its children.
        let mut seen = std::collections::HashSet::new();
        for o in &tree {
            if let Some(p) = &o.parent_code {
                assert!(seen.contains(p), "{} before its parent {p}", o.code);
            }
            assert!(seen.insert(o.code.clone()), "{} twice", o.code);
        }
    }
}
