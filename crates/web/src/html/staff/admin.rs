//! The organisation admin's pages: units, people and their roles, routing rules, answer
//! templates, deadline overrides, webhooks, and — for the national admin — categories,
//! the holiday calendar and the outbox of outgoing messages. Every form calls one admin
//! use case of the service, which checks the admin's scope; a refusal comes back on the
//! page.

use super::Staff;
use crate::AppState;
use crate::api::input;
use crate::html::format;
use crate::html::lang::Lang;
use crate::html::views::{Choice, category_choices};
use crate::html::{Chrome, PageResult, render_with, see_other};
use aduan_domain::Refusal;
use aduan_domain::ids::{AssignmentId, MessageId, OrgId, RuleId, TemplateId, WebhookId};
use aduan_domain::notice::{DeliveryState, Message, WEBHOOK_EVENTS, Webhook};
use aduan_domain::org::OrgKind;
use aduan_domain::person::Role;
use aduan_domain::region::RegionCode;
use aduan_domain::routing::NewRoutingRule;
use aduan_domain::sla::Limits;
use aduan_domain::template::{NewAnswerTemplate, parse_body, parse_title};
use aduan_service::{AppError, Reference};
use aduan_store::MessageFilter;
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
    /// Shown in the overview of a large tree: a link to the units below it.
    pub browse: bool,
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

pub struct HookRow {
    pub id: String,
    pub org: String,
    pub url: String,
    /// The events asked for, or "all".
    pub events: String,
    pub active: bool,
}

/// The latest deliveries of one webhook.
pub struct Deliveries {
    pub url: String,
    pub rows: Vec<MessageRow>,
}

/// One message of the outbox (or one delivery of a webhook).
pub struct MessageRow {
    pub id: String,
    pub when: String,
    pub kind: String,
    pub event: String,
    pub medium: &'static str,
    pub address: String,
    pub state: &'static str,
    pub state_label: String,
    pub attempts: u32,
    pub last_error: String,
    pub response: String,
}

/// A webhook just registered: its secret is shown this once.
pub struct NewSecret {
    pub url: String,
    pub secret: String,
}

/// What one section shows beside its lists: the webhook whose deliveries are open, the
/// outbox's filter, a secret to copy, and what the register form keeps after an error.
#[derive(Default)]
pub struct Shown {
    /// The organisation whose units the unit section lists (default: the admin's own).
    pub induk: String,
    pub hook: Option<i64>,
    pub keadaan: String,
    pub secret: Option<NewSecret>,
    pub url: String,
    pub events: Vec<String>,
}

/// One checkbox of the webhook form.
pub struct EventChoice {
    pub code: &'static str,
    pub label: &'static str,
    pub checked: bool,
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
    /// An admin at the root of the tree: the deployment's outbox is theirs.
    deployment: bool,
    /// The organisation the unit and rule lists are narrowed to.
    induk: String,
    hooks: Vec<HookRow>,
    deliveries: Option<Deliveries>,
    secret: Option<NewSecret>,
    hook_url: String,
    events: Vec<EventChoice>,
    messages: Vec<MessageRow>,
    states: Vec<Choice>,
}

#[derive(Deserialize, Default)]
pub struct AdminQuery {
    #[serde(default)]
    ok: String,
    /// The section shown: one at a time keeps a regency's long lists readable.
    #[serde(default)]
    bagian: String,
    /// The webhook whose latest deliveries are listed.
    #[serde(default)]
    hook: String,
    /// The outbox's filter: `failed` (the default), `pending`, `sent` or `semua`.
    #[serde(default)]
    keadaan: String,
    /// The organisation whose units are listed.
    #[serde(default)]
    induk: String,
}

/// The admin page's sections, in the order of its tabs.
const SECTIONS: [&str; 9] = ["unit", "orang", "aturan", "templat", "batas", "webhook", "kategori", "libur", "kiriman"];

/// Deliveries listed for one webhook; failed messages listed in the outbox.
const DELIVERIES_SHOWN: u32 = 20;
const MESSAGES_SHOWN: u32 = 50;

fn section(name: &str) -> &'static str {
    SECTIONS.into_iter().find(|s| *s == name).unwrap_or("unit")
}

/// `GET /staf/admin`.
async fn page(State(state): State<AppState>, staff: Staff, Query(q): Query<AdminQuery>) -> PageResult {
    let done = (!q.ok.is_empty()).then(|| staff.t("Perubahan tersimpan.", "Changes saved.").to_string());
    let shown = Shown { hook: q.hook.trim().parse().ok(), keadaan: q.keadaan, induk: q.induk, ..Shown::default() };
    admin_page(&state, &staff, section(&q.bagian), done, None, shown, StatusCode::OK).await
}

#[allow(clippy::too_many_arguments)]
async fn admin_page(
    state: &AppState,
    staff: &Staff,
    bagian: &'static str,
    done: Option<String>,
    error: Option<String>,
    shown: Shown,
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
    let deployment = reference.orgs.get(root).is_some_and(|o| o.parent.is_none());
    let bagian = match bagian {
        "kategori" | "libur" if !national => "unit",
        "kiriman" if !deployment => "unit",
        b => b,
    };
    let scope: std::collections::BTreeSet<OrgId> = reference.orgs.subtree(root).into_iter().collect();
    let tree = tree_rows(&reference, root);
    // A tree too large for a select (the national one) takes organisation codes typed.
    let large = tree.len() > UNIT_ROWS;
    let rule_filter = reference.orgs.by_code(shown.induk.trim()).map(|o| o.id).filter(|id| scope.contains(id));
    let units = unit_rows(&reference, root, &shown.induk);
    let choices = |rows: &[UnitRow], kinds: &[OrgKind]| -> Vec<Choice> {
        rows.iter()
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
        // A national list has a rule per regency and category: one instansi at a time.
        .filter(|r| !large || rule_filter.is_some_and(|i| i == r.instansi))
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
    let zone = reference.orgs.zone_of(root);
    let (mut hooks, mut deliveries) = (Vec::new(), None);
    if bagian == "webhook" {
        let all = app.webhooks_in_scope(&actor).await?;
        hooks = all.iter().map(|h| hook_row(lang, &reference, h)).collect();
        if let Some(id) = shown.hook {
            let id = WebhookId(id);
            let rows = app.webhook_deliveries(&actor, id, DELIVERIES_SHOWN).await?;
            deliveries = Some(Deliveries {
                url: all.iter().find(|h| h.id == id).map(|h| h.url.clone()).unwrap_or_default(),
                rows: rows.iter().map(|m| message_row(lang, zone, m)).collect(),
            });
        }
    }
    let keadaan = match shown.keadaan.as_str() {
        "pending" | "sent" | "semua" => shown.keadaan.clone(),
        _ => "failed".to_string(),
    };
    let messages = if bagian == "kiriman" {
        let filter = MessageFilter { state: DeliveryState::parse(&keadaan), ..MessageFilter::default() };
        app.outbox_messages(&actor, &filter, MESSAGES_SHOWN).await?.iter().map(|m| message_row(lang, zone, m)).collect()
    } else {
        Vec::new()
    };
    let page = AdminPage {
        c: staff.chrome(staff.t("Pengaturan organisasi", "Organisation administration"), "admin"),
        scope: reference.orgs.name_of(root).to_string(),
        national,
        bagian,
        done,
        error,
        // Each unit row offers the organisations listed beside it to move under.
        parents: choices(&units, &[OrgKind::National, OrgKind::Instansi, OrgKind::Unit]),
        instansi: choices(&tree, &[OrgKind::Instansi]),
        orgs: if large { Vec::new() } else { choices(&tree, &[OrgKind::National, OrgKind::Instansi, OrgKind::Unit]) },
        induk: shown.induk.trim().to_string(),
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
        deployment,
        hooks,
        deliveries,
        secret: shown.secret,
        hook_url: shown.url,
        events: WEBHOOK_EVENTS
            .into_iter()
            .map(|code| {
                let (id, en) = event_label(code);
                EventChoice { code, label: lang.t(id, en), checked: shown.events.iter().any(|e| e == code) }
            })
            .collect(),
        messages,
        states: [
            ("failed", "Gagal", "Failed"),
            ("pending", "Menunggu dikirim", "Waiting to be sent"),
            ("sent", "Terkirim", "Sent"),
            ("semua", "Semua", "All"),
        ]
        .into_iter()
        .map(|(value, id, en)| Choice::new(value, lang.t(id, en), &keadaan))
        .collect(),
    };
    Ok(render_with(status, &page))
}

fn hook_row(lang: Lang, reference: &Reference, h: &Webhook) -> HookRow {
    HookRow {
        id: h.id.0.to_string(),
        org: reference.orgs.name_of(h.org).to_string(),
        url: h.url.clone(),
        events: if h.events.is_empty() {
            lang.t("semua peristiwa", "all events").to_string()
        } else {
            h.events.join(", ")
        },
        active: h.active,
    }
}

fn message_row(lang: Lang, zone: aduan_domain::time::Zone, m: &Message) -> MessageRow {
    let n = &m.message;
    let (state_id, state_en) = match m.state {
        DeliveryState::Pending => ("Menunggu dikirim", "Waiting to be sent"),
        DeliveryState::Sent => ("Terkirim", "Sent"),
        DeliveryState::Failed => ("Gagal", "Failed"),
    };
    MessageRow {
        id: m.id.0.to_string(),
        when: format::moment(lang, m.sent_at.unwrap_or(n.created_at), zone),
        kind: lang.t(n.kind.label_id(), n.kind.label_en()).to_string(),
        event: n.facts.event.clone().unwrap_or_default(),
        medium: n.medium.as_str(),
        address: n.address.clone(),
        state: m.state.as_str(),
        state_label: lang.t(state_id, state_en).to_string(),
        attempts: m.attempts,
        last_error: m.last_error.clone().unwrap_or_default(),
        response: m.response.clone().unwrap_or_default(),
    }
}

/// A webhook event's name for people (the code is what the receiver gets).
fn event_label(code: &str) -> (&'static str, &'static str) {
    match code {
        "submitted" => ("Laporan masuk", "Report submitted"),
        "edited" => ("Laporan disunting", "Report edited"),
        "verified" => ("Diverifikasi dan diteruskan", "Verified and forwarded"),
        "info_requested" => ("Kelengkapan diminta", "More information requested"),
        "info_provided" => ("Kelengkapan dikirim pelapor", "Information provided"),
        "archived" => ("Diarsipkan", "Archived"),
        "restored" => ("Dipulihkan", "Restored"),
        "returned_not_authority" => ("Dikembalikan (bukan kewenangan)", "Returned (not our authority)"),
        "disposed" => ("Didisposisi ke unit", "Assigned to a unit"),
        "handed_back" => ("Dikembalikan ke koordinator", "Handed back to the coordinator"),
        "answered" => ("Tindak lanjut dikirim", "Follow-up sent"),
        "reporter_replied" => ("Pelapor menanggapi", "Reporter replied"),
        "accepted" => ("Jawaban diterima pelapor", "Answer accepted"),
        "auto_closed" => ("Ditutup otomatis", "Closed automatically"),
        "closed_outside" => ("Diselesaikan di luar sistem", "Resolved outside the system"),
        "rated" => ("Penilaian diberikan", "Rated"),
        "appealed" => ("Banding diajukan", "Appealed"),
        "internal_note" => ("Catatan internal", "Internal note"),
        "deadline_missed" => ("Batas waktu terlewati", "Deadline missed"),
        "ombudsman_flagged" => ("Ditandai Ombudsman", "Flagged by the Ombudsman"),
        _ => ("Peristiwa lain", "Other event"),
    }
}

/// The admin's organisation and everything below it, as an indented tree.
/// Most rows the unit section lists at once; a larger tree (the national one: every
/// regency with its OPDs) is shown one level down, each instansi linking to its units.
const UNIT_ROWS: usize = 400;

/// The unit section's rows: the tree under `induk` (a code in the admin's scope) or
/// under the admin's organisation.
fn unit_rows(reference: &Reference, root: OrgId, induk: &str) -> Vec<UnitRow> {
    let base = reference
        .orgs
        .by_code(induk.trim())
        .map(|o| o.id)
        .filter(|id| reference.orgs.is_within(*id, root))
        .unwrap_or(root);
    let mut rows = tree_rows(reference, base);
    if rows.len() > UNIT_ROWS {
        rows.retain(|u| u.depth <= 1);
        for row in rows.iter_mut().filter(|u| u.depth == 1) {
            row.browse = true;
        }
    }
    rows
}

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
            browse: false,
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
    let registering = section(&bagian) == "webhook" && one("aksi") == "create";
    let events: Vec<String> = pairs.iter().filter(|(k, _)| k == "events").map(|(_, v)| v.clone()).collect();
    // What the register form keeps after a refusal.
    let kept = || Shown { url: one("url"), events: events.clone(), ..Shown::default() };
    let outcome = if registering {
        let hook = async {
            let org = input::org(&state.app, "org", &one("org"))?;
            state.app.register_webhook(&staff.actor(), org, &one("url"), &events).await
        };
        hook.await.map(Some)
    } else {
        apply(&state, &staff, &bagian, &one).await.map(|()| None)
    };
    match outcome {
        Ok(None) => Ok(see_other(&format!("/staf/admin?bagian={}&ok=1", section(&bagian)))),
        // The secret is shown once, on this answer; it is never in an address.
        Ok(Some(hook)) => {
            let done = staff.t("Webhook terdaftar.", "Webhook registered.").to_string();
            let shown = Shown { secret: Some(NewSecret { url: hook.url, secret: hook.secret }), ..Shown::default() };
            admin_page(&state, &staff, "webhook", Some(done), None, shown, StatusCode::OK).await
        }
        Err(AppError::Refused(r)) => {
            let why = refusal_words(staff.lang(), section(&bagian), &r);
            let status = match r {
                Refusal::OutOfScope | Refusal::RoleNotAllowed { .. } => StatusCode::FORBIDDEN,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let shown = if registering { kept() } else { Shown::default() };
            admin_page(&state, &staff, section(&bagian), None, Some(why), shown, status).await
        }
        Err(AppError::Conflict(m)) => {
            admin_page(&state, &staff, section(&bagian), None, Some(m), Shown::default(), StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A refusal in the reader's words; the webhook and outbox forms have their own.
fn refusal_words(lang: Lang, bagian: &str, r: &Refusal) -> String {
    match (bagian, r) {
        ("webhook", Refusal::Invalid { field, .. }) if field == "url" => lang
            .t(
                "Alamat webhook harus diawali http:// atau https://, memuat nama host, dan tanpa spasi.",
                "The webhook address must start with http:// or https://, name a host and have no spaces.",
            )
            .into(),
        ("webhook", Refusal::OutOfScope) => {
            lang.t("Organisasi ini di luar cakupan Anda.", "This organisation is outside your scope.").into()
        }
        ("kiriman", Refusal::OutOfScope) => lang
            .t(
                "Hanya Admin Organisasi di tingkat nasional yang mengelola pesan keluar.",
                "Only the national organisation admin manages outgoing messages.",
            )
            .into(),
        ("kiriman", Refusal::Rule(_)) => lang
            .t("Hanya pesan yang gagal yang dapat dikirim ulang.", "Only a failed message can be sent again.")
            .into(),
        _ => lang.pick(r.message_id(), r.to_string()),
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
        ("webhook", "deactivate") => app.set_webhook_active_by(&by, WebhookId(id("hook")?), false).await,
        ("webhook", "activate") => app.set_webhook_active_by(&by, WebhookId(id("hook")?), true).await,
        ("kiriman", "resend") => app.resend_message(&by, MessageId(id("message")?)).await,
        _ => Err(Refusal::invalid("aksi", "unknown change").into()),
    }
}
