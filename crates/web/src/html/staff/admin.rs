//! The organisation admin's pages: units, people and their roles, routing rules, answer
//! templates, deadline overrides, and — for the national admin — categories and the
//! holiday calendar. Every form calls one admin use case of the service, which checks
//! the admin's scope; a refusal comes back on the page.

use super::Staff;
use crate::AppState;
use crate::api::input;
use crate::html::views::{Choice, category_choices};
use crate::html::{Chrome, PageResult, render_with, see_other};
use aduan_domain::Refusal;
use aduan_domain::ids::{AssignmentId, OrgId, RuleId, TemplateId};
use aduan_domain::org::OrgKind;
use aduan_domain::person::Role;
use aduan_domain::region::RegionCode;
use aduan_domain::routing::NewRoutingRule;
use aduan_domain::sla::Limits;
use aduan_domain::template::{NewAnswerTemplate, parse_body, parse_title};
use aduan_service::{AppError, Reference};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/staf/admin", get(page)).route("/staf/admin/{bagian}", post(change))
}

pub struct UnitRow {
    pub id: String,
    pub code: String,
    pub name: String,
    pub kind: &'static str,
    pub parent: String,
    pub active: bool,
    pub depth: usize,
}

pub struct PersonRow {
    pub assignment: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub org: String,
}

pub struct RuleRow {
    pub id: String,
    pub category: String,
    pub region: String,
    pub instansi: String,
    pub unit: String,
}

pub struct TemplateRow {
    pub id: String,
    pub org: String,
    pub category: String,
    pub title: String,
    pub body: String,
    pub active: bool,
}

pub struct LimitsRow {
    pub code: String,
    pub name: String,
    pub verification: u32,
    pub follow_up: u32,
    pub overridden: bool,
}

pub struct YearRow {
    pub year: i32,
    pub public: usize,
    pub cuti_bersama: usize,
    pub missing: bool,
}

#[derive(Template)]
#[template(path = "staf_admin.html")]
struct AdminPage {
    c: Chrome,
    scope: String,
    national: bool,
    bagian: &'static str,
    done: Option<String>,
    error: Option<String>,
    units: Vec<UnitRow>,
    parents: Vec<Choice>,
    instansi: Vec<Choice>,
    people: Vec<PersonRow>,
    roles: Vec<Choice>,
    orgs: Vec<Choice>,
    rules: Vec<RuleRow>,
    categories: Vec<Choice>,
    templates: Vec<TemplateRow>,
    limits: Vec<LimitsRow>,
    years: Vec<YearRow>,
}

#[derive(Deserialize, Default)]
pub struct AdminQuery {
    #[serde(default)]
    ok: String,
    /// The section shown: one at a time keeps a regency's long lists readable.
    #[serde(default)]
    bagian: String,
}

/// The admin page's sections, in the order of its tabs.
const SECTIONS: [&str; 7] = ["unit", "orang", "aturan", "templat", "batas", "kategori", "libur"];

fn section(name: &str) -> &'static str {
    SECTIONS.into_iter().find(|s| *s == name).unwrap_or("unit")
}

/// `GET /staf/admin`.
async fn page(State(state): State<AppState>, staff: Staff, Query(q): Query<AdminQuery>) -> PageResult {
    let done = (!q.ok.is_empty()).then(|| staff.t("Perubahan tersimpan.", "Changes saved.").to_string());
    admin_page(&state, &staff, section(&q.bagian), done, None, StatusCode::OK).await
}

async fn admin_page(
    state: &AppState,
    staff: &Staff,
    bagian: &'static str,
    done: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    if staff.role.role != Role::OrgAdmin {
        return Err(AppError::from(Refusal::RoleNotAllowed {
            role: staff.role.role.as_str().into(),
            action: "administer an organisation".into(),
        })
        .into());
    }
    let app = &state.app;
    let reference = app.reference();
    let lang = staff.lang();
    let actor = staff.actor();
    let root = staff.role.org;
    let national = reference.orgs.national().is_some_and(|n| n.id == root);
    let scope: Vec<OrgId> = reference.orgs.subtree(root);
    let units = tree_rows(&reference, root);
    let org_choice = |kinds: &[OrgKind]| -> Vec<Choice> {
        units
            .iter()
            .filter(|u| kinds.iter().any(|k| k.as_str() == u.kind))
            .map(|u| Choice::new(u.code.clone(), format!("{}{}", "\u{a0}\u{a0}".repeat(u.depth), u.name), ""))
            .collect()
    };
    let people = app
        .staff_in_scope(&actor)
        .await?
        .into_iter()
        .map(|(p, a)| PersonRow {
            assignment: a.id.0.to_string(),
            name: p.display_name.clone(),
            email: p.email.as_ref().map(|e| e.as_str().to_string()).unwrap_or_default(),
            role: lang.t(a.role.label_id(), a.role.label_en()).to_string(),
            org: reference.orgs.name_of(a.org).to_string(),
        })
        .collect();
    let name = |id: Option<OrgId>| id.map(|i| reference.orgs.name_of(i).to_string()).unwrap_or_default();
    let category = |id: Option<aduan_domain::ids::CategoryId>| crate::html::views::category_name(lang, &reference, id);
    let rules = reference
        .router
        .rules()
        .iter()
        .filter(|r| scope.contains(&r.instansi))
        .map(|r| RuleRow {
            id: r.id.0.to_string(),
            category: category(Some(r.category)),
            region: r.region.as_ref().map(|c| c.as_str().to_string()).unwrap_or_else(|| "—".into()),
            instansi: name(Some(r.instansi)),
            unit: name(r.unit),
        })
        .collect();
    let templates = app
        .templates_in_scope(&actor)
        .await?
        .into_iter()
        .map(|t| TemplateRow {
            id: t.id.0.to_string(),
            org: name(Some(t.org)),
            category: category(t.category),
            title: t.title.clone(),
            body: t.body.as_str().to_string(),
            active: t.active,
        })
        .collect();
    let limits = scope
        .iter()
        .filter_map(|id| reference.orgs.get(*id))
        .filter(|o| o.kind == OrgKind::Instansi)
        .map(|o| {
            let l = reference.sla.limits_for(Some(o.id));
            LimitsRow {
                code: o.code.clone(),
                name: o.name.clone(),
                verification: l.verification,
                follow_up: l.follow_up,
                overridden: reference.sla.per_instansi.contains_key(&o.id),
            }
        })
        .collect();
    let years = if national {
        app.calendar_status()
            .into_iter()
            .map(|y| YearRow { year: y.year, public: y.public, cuti_bersama: y.cuti_bersama, missing: y.missing })
            .collect()
    } else {
        Vec::new()
    };
    let page = AdminPage {
        c: staff.chrome(staff.t("Pengaturan organisasi", "Organisation administration"), "admin"),
        scope: reference.orgs.name_of(root).to_string(),
        national,
        bagian: if !national && matches!(bagian, "kategori" | "libur") { "unit" } else { bagian },
        done,
        error,
        parents: org_choice(&[OrgKind::National, OrgKind::Instansi, OrgKind::Unit]),
        instansi: org_choice(&[OrgKind::Instansi]),
        orgs: org_choice(&[OrgKind::National, OrgKind::Instansi, OrgKind::Unit]),
        units,
        people,
        roles: Role::STAFF
            .into_iter()
            .map(|r| Choice::new(r.as_str(), lang.t(r.label_id(), r.label_en()), ""))
            .collect(),
        rules,
        categories: category_choices(lang, &reference, ""),
        templates,
        limits,
        years,
    };
    Ok(render_with(status, &page))
}

/// The admin's organisation and everything below it, as an indented tree.
fn tree_rows(reference: &Reference, root: OrgId) -> Vec<UnitRow> {
    let mut out = Vec::new();
    let mut stack = vec![(root, 0usize)];
    while let Some((id, depth)) = stack.pop() {
        let Some(o) = reference.orgs.get(id) else { continue };
        out.push(UnitRow {
            id: o.id.0.to_string(),
            code: o.code.clone(),
            name: o.name.clone(),
            kind: o.kind.as_str(),
            parent: o.parent.map(|p| reference.orgs.name_of(p).to_string()).unwrap_or_default(),
            active: o.active,
            depth,
        });
        let mut children: Vec<OrgId> = reference.orgs.children(id).to_vec();
        children.sort_by(|a, b| reference.orgs.name_of(*b).cmp(reference.orgs.name_of(*a)));
        stack.extend(children.into_iter().map(|c| (c, depth + 1)));
    }
    out
}

/// `POST /staf/admin/{bagian}`: one change; back to the page with what happened.
async fn change(
    State(state): State<AppState>,
    staff: Staff,
    Path(bagian): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let one = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    staff.v.check_csrf(&one("csrf"))?;
    match apply(&state, &staff, &bagian, &one).await {
        Ok(()) => Ok(see_other(&format!("/staf/admin?bagian={}&ok=1", section(&bagian)))),
        Err(AppError::Refused(r)) => {
            let why = staff.lang().pick(r.message_id(), r.to_string());
            let status = match r {
                Refusal::OutOfScope | Refusal::RoleNotAllowed { .. } => StatusCode::FORBIDDEN,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            admin_page(&state, &staff, section(&bagian), None, Some(why), status).await
        }
        Err(AppError::Conflict(m)) => {
            admin_page(&state, &staff, section(&bagian), None, Some(m), StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn apply(
    state: &AppState,
    staff: &Staff,
    bagian: &str,
    one: &(dyn Fn(&str) -> String + Sync),
) -> Result<(), AppError> {
    let app = &state.app;
    let by = staff.actor();
    let reference = app.reference();
    let org = |field: &str| input::org(app, field, &one(field));
    let opt_org = |field: &str| -> Result<Option<OrgId>, AppError> {
        let v = one(field);
        if v.is_empty() { Ok(None) } else { input::org(app, field, &v).map(Some) }
    };
    let id = |field: &str| -> Result<i64, AppError> {
        one(field).parse().map_err(|_| Refusal::invalid(field, "choose an item from the list").into())
    };
    let category = |field: &str| -> Result<Option<aduan_domain::ids::CategoryId>, AppError> {
        let v = one(field);
        if v.is_empty() { Ok(None) } else { input::category(&reference, field, &v).map(Some) }
    };
    match (bagian, one("aksi").as_str()) {
        ("unit", "create") => app.create_unit(&by, org("parent")?, &one("code"), &one("name")).await.map(|_| ()),
        ("unit", "rename") => app.rename_org(&by, org("org")?, &one("name")).await,
        ("unit", "move") => app.move_unit(&by, org("org")?, org("parent")?).await,
        ("unit", "deactivate") => app.set_org_active(&by, org("org")?, false).await,
        ("unit", "activate") => app.set_org_active(&by, org("org")?, true).await,
        ("orang", "create") => {
            let person = app.create_staff(&by, &one("email"), &one("name"), &one("password")).await?;
            let role = Role::parse(&one("role")).ok_or_else(|| Refusal::invalid("role", "choose a role"))?;
            app.grant_role_by(&by, person, role, org("org")?).await.map(|_| ())
        }
        ("orang", "grant") => {
            let person = app.find_person(&one("email")).await?;
            let role = Role::parse(&one("role")).ok_or_else(|| Refusal::invalid("role", "choose a role"))?;
            app.grant_role_by(&by, person.id, role, org("org")?).await.map(|_| ())
        }
        ("orang", "revoke") => app.revoke_role_by(&by, AssignmentId(id("assignment")?)).await,
        ("aturan", "create") => {
            let region = match one("region").as_str() {
                "" => None,
                r => Some(RegionCode::parse(r).map_err(|e| Refusal::invalid("region", e.to_string()))?),
            };
            let category =
                category("category")?.ok_or_else(|| Refusal::invalid("category", "choose the rule's category"))?;
            let rule = NewRoutingRule { category, region, instansi: org("instansi")?, unit: opt_org("unit")? };
            app.create_rule_by(&by, rule).await.map(|_| ())
        }
        ("aturan", "delete") => app.delete_rule_by(&by, RuleId(id("rule")?)).await,
        ("templat", "create") => {
            let new = NewAnswerTemplate::parse(org("org")?, category("category")?, &one("title"), &one("body"))?;
            app.create_template_by(&by, new).await.map(|_| ())
        }
        ("templat", "update") => {
            let mut t = app
                .templates_in_scope(&by)
                .await?
                .into_iter()
                .find(|t| t.id == TemplateId(id("template").unwrap_or_default()))
                .ok_or_else(|| AppError::NotFound("template".into()))?;
            t.title = parse_title(&one("title"))?;
            t.body = parse_body(&one("body"))?;
            t.active = !one("active").is_empty();
            app.update_template_by(&by, t).await.map(|_| ())
        }
        ("batas", "set") => {
            let instansi = org("instansi")?;
            let mut limits: Limits = *reference.sla.limits_for(Some(instansi));
            let days = |field: &str| -> Result<u32, AppError> {
                one(field)
                    .parse::<u32>()
                    .ok()
                    .filter(|d| (1..=60).contains(d))
                    .ok_or_else(|| Refusal::invalid(field, "a number of working days from 1 to 60").into())
            };
            limits.verification = days("verification")?;
            limits.follow_up = days("follow_up")?;
            app.set_deadlines_by(&by, instansi, Some(limits)).await
        }
        ("batas", "reset") => app.set_deadlines_by(&by, org("instansi")?, None).await,
        ("kategori", "create") => {
            let parent = Some(one("parent")).filter(|p| !p.is_empty());
            let name_en = Some(one("name_en")).filter(|n| !n.is_empty());
            app.create_category(&by, parent.as_deref(), &one("code"), &one("name_id"), name_en.as_deref())
                .await
                .map(|_| ())
        }
        ("libur", "load") => app.load_holiday_year_by(&by, &one("csv")).await.map(|_| ()),
        _ => Err(Refusal::invalid("aksi", "unknown change").into()),
    }
}
