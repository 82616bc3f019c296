//! A report as staff see it: the citizen's text and attachments beside the actions the
//! acting role may take now, with the routing suggestion, duplicate candidates and
//! answer templates pre-filled but never applied without a click.

use super::{Clock, Staff};
use crate::AppState;
use crate::api::input::{ActionRequest, AnswerKindIn, ArchiveReasonIn};
use crate::api::uploads::attachment_response;
use crate::html::filing::channel_label;
use crate::html::timeline::{Entry, staff_entries};
use crate::html::views::{self, Choice, status_label};
use crate::html::{Chrome, PageError, PageResult, format, percent_encode, render_with, see_other, tracking_of};
use aduan_domain::Refusal;
use aduan_domain::deadline::ClockKind;
use aduan_domain::org::OrgKind;
use aduan_domain::permission::{Access, Action, access};
use aduan_domain::report::{Report, ReportType};
use aduan_domain::sla::Complexity;
use aduan_service::{AppError, ReportView};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize, Default)]
pub struct ReportQuery {
    /// A template to put in the answer box (without JavaScript).
    #[serde(default)]
    templat: String,
    /// What was just done, to confirm it.
    #[serde(default)]
    berhasil: String,
}

pub struct Unit {
    pub code: String,
    pub name: String,
    pub checked: bool,
}

pub struct Duplicate {
    pub tracking: String,
    pub title: String,
    pub status: String,
    pub score: String,
}

pub struct AnswerTemplate {
    pub id: String,
    pub title: String,
    pub body: String,
}

#[derive(Template)]
#[template(path = "staf_laporan.html")]
struct ReportPage {
    c: Chrome,
    tracking: String,
    version: i64,
    seen: usize,
    title: String,
    description: String,
    status: String,
    status_code: &'static str,
    holder: String,
    kind: String,
    channel: String,
    place: String,
    address: String,
    incident_date: String,
    submitted: String,
    category: String,
    tags: String,
    anonymous: bool,
    confidential: bool,
    /// The reporter's identity, when this role may see it.
    identity: Option<Vec<(String, String)>>,
    entered_by_staff: bool,
    clocks: Vec<(String, Clock)>,
    attachments: Vec<(String, String)>,
    timeline: Vec<Entry>,
    actions: Vec<&'static str>,
    /// Supervisors read; they are told so instead of seeing forms.
    read_only: bool,
    done: Option<String>,
    error: Option<String>,
    changed: Vec<Entry>,
    // Pre-filled choices of the forms.
    kinds: Vec<Choice>,
    categories: Vec<Choice>,
    instansi: Vec<Choice>,
    suggestion: Option<String>,
    complexities: Vec<Choice>,
    units: Vec<Unit>,
    duplicates: Vec<Duplicate>,
    templates: Vec<AnswerTemplate>,
    answer_text: String,
}

impl ReportPage {
    fn can(&self, action: &str) -> bool {
        self.actions.contains(&action)
    }
}

/// `GET /staf/laporan/{tracking}`.
pub async fn page(
    State(state): State<AppState>,
    staff: Staff,
    Path(tracking): Path<String>,
    Query(q): Query<ReportQuery>,
) -> PageResult {
    let tracking = tracking_of(&tracking)?;
    let view = state.app.find_by_tracking(&staff.actor(), &tracking).await?;
    in_scope(&view.access, &tracking)?;
    let done = super::done_message(&staff, &q.berhasil);
    let page = report_page(&state, &staff, &view, &q.templat, done, None, Vec::new()).await?;
    Ok(render_with(StatusCode::OK, &page))
}

/// The workspace shows a report only to staff it is, or was, in the scope of; anyone else
/// (even for a public report, which has its public page) finds nothing here.
fn in_scope(access: &Access, tracking: &aduan_domain::tracking::TrackingNumber) -> Result<(), PageError> {
    match access {
        Access::Staff { .. } => Ok(()),
        _ => Err(AppError::NotFound(format!("report {tracking}")).into()),
    }
}

async fn report_page(
    state: &AppState,
    staff: &Staff,
    view: &ReportView,
    template: &str,
    done: Option<String>,
    error: Option<String>,
    changed: Vec<Entry>,
) -> Result<ReportPage, PageError> {
    let app = &state.app;
    let reference = app.reference();
    let lang = staff.lang();
    let actor = staff.actor();
    let r = &view.report;
    let tracking = r.tracking.to_string();
    let holder = views::holder(&reference, r);
    let now = app.now();
    let base = format!("/staf/laporan/{tracking}");
    let actions: Vec<&'static str> = view.actions.iter().map(|a| a.as_str()).collect();
    let clocks = ClockKind::ALL
        .into_iter()
        .filter(|k| k.is_staff_sla())
        .filter_map(|k| r.active_clock(k).map(|d| (k, d)))
        .filter_map(|(k, d)| {
            Clock::of(lang, &reference, Some((d.due_at, d.zone)), now)
                .map(|c| (lang.t(k.label_id(), k.label_en()).to_string(), c))
        })
        .collect();
    let identity = (view.access == Access::Staff { identity: true }).then(|| identity_lines(staff, r));
    let suggestion = app.suggest_route(r.category, r.location.region.as_ref());
    let instansi_code = suggestion
        .as_ref()
        .map(|s| s.instansi)
        .or(r.target_instansi)
        .and_then(|i| reference.orgs.get(i))
        .map(|o| o.code.clone())
        .unwrap_or_default();
    let category_code =
        r.category.and_then(|c| reference.categories.get(c)).map(|c| c.code.clone()).unwrap_or_default();
    let duplicates = if view.actions.contains(&Action::Verify) || view.actions.contains(&Action::Archive) {
        app.duplicate_candidates(&actor, r, 5)
            .await?
            .into_iter()
            .map(|(s, score)| Duplicate {
                tracking: s.tracking.to_string(),
                title: s.title.clone(),
                status: status_label(lang, s.status, None),
                score: format!("{:.0}%", score * 100.0),
            })
            .collect()
    } else {
        Vec::new()
    };
    let templates: Vec<AnswerTemplate> = if view.actions.contains(&Action::Respond) {
        app.templates_for(&actor, r)
            .await?
            .into_iter()
            .map(|t| AnswerTemplate {
                id: t.id.0.to_string(),
                title: t.title.clone(),
                body: t.body.as_str().to_string(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let answer_text = templates.iter().find(|t| t.id == template).map(|t| t.body.clone()).unwrap_or_default();
    // Units the report may be given to: the instansi's active units; checked, those
    // holding it now, else the routing rule's default unit.
    let default_unit = suggestion.as_ref().filter(|s| Some(s.instansi) == r.instansi).and_then(|s| s.unit);
    let units = match r.instansi {
        Some(instansi) if view.actions.contains(&Action::Dispose) => reference
            .orgs
            .subtree(instansi)
            .into_iter()
            .filter_map(|id| reference.orgs.get(id))
            .filter(|o| o.kind == OrgKind::Unit && o.active)
            .map(|o| Unit {
                code: o.code.clone(),
                name: o.name.clone(),
                checked: if r.units.is_empty() {
                    Some(o.id) == default_unit
                } else {
                    r.units.iter().any(|u| u.unit == o.id)
                },
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut c = staff.chrome(format!("{} · {}", r.tracking, r.title.as_str()), "antrian");
    c.scripts.push("/assets/portal/staf.js");
    Ok(ReportPage {
        c,
        version: r.version,
        seen: view.events.len(),
        title: r.title.as_str().into(),
        description: r.description.as_str().into(),
        status: status_label(lang, r.status, holder.as_deref()),
        status_code: r.status.as_str(),
        holder: holder.unwrap_or_default(),
        kind: lang.t(r.kind.label_id(), r.kind.label_en()).into(),
        channel: channel_label(lang, r.channel).into(),
        place: r.location.region.as_ref().map(|c| aduan_reference::regions::regions().describe(c)).unwrap_or_default(),
        address: r.location.address.clone().unwrap_or_default(),
        incident_date: r.incident_date.map(|d| format::date(lang, d)).unwrap_or_default(),
        submitted: format::moment(lang, r.submitted_at, staff_zone(staff, &reference)),
        category: views::category_name(lang, &reference, r.category),
        tags: r.tags.join(", "),
        anonymous: r.privacy.anonymous,
        confidential: r.privacy.confidential,
        identity,
        entered_by_staff: r.entered_by.is_some(),
        clocks,
        attachments: r
            .attachments
            .iter()
            .map(|a| (format!("{base}/lampiran/{}", a.key), a.file_name.clone()))
            .collect(),
        timeline: staff_entries(lang, &reference, &view.events, staff_zone(staff, &reference), &base),
        read_only: !staff.role.role.acts_on_reports(),
        actions,
        done,
        error,
        changed,
        kinds: ReportType::ALL
            .into_iter()
            .map(|k| Choice::new(k.as_str(), lang.t(k.label_id(), k.label_en()), r.kind.as_str()))
            .collect(),
        categories: views::category_choices(lang, &reference, &category_code),
        instansi: reference
            .orgs
            .iter()
            .filter(|o| o.kind == OrgKind::Instansi && o.active)
            .map(|o| Choice::new(o.code.clone(), o.name.clone(), &instansi_code))
            .collect(),
        suggestion: suggestion.and_then(|s| {
            let instansi = reference.orgs.get(s.instansi)?.name.clone();
            let unit = s.unit.and_then(|u| reference.orgs.get(u)).map(|u| u.name.clone());
            Some(match unit {
                Some(u) => format!("{instansi} → {u}"),
                None => instansi,
            })
        }),
        complexities: Complexity::ALL
            .into_iter()
            .map(|k| {
                Choice::new(k.as_str(), k.as_str().replace('_', " "), r.complexity.map(|c| c.as_str()).unwrap_or(""))
            })
            .collect(),
        units,
        duplicates,
        templates,
        answer_text,
        tracking,
    })
}

/// The zone a staff member reads times in: their organisation's.
fn staff_zone(staff: &Staff, reference: &aduan_service::Reference) -> aduan_domain::time::Zone {
    reference.orgs.zone_of(staff.role.org)
}

fn identity_lines(staff: &Staff, r: &Report) -> Vec<(String, String)> {
    let p = &r.reporter;
    let mut lines = Vec::new();
    let mut push = |label: &str, value: Option<String>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            lines.push((label.to_string(), v));
        }
    };
    push(staff.t("Nama", "Name"), p.name.clone());
    push("E-mail", p.email.as_ref().map(|e| e.as_str().to_string()));
    push(staff.t("Telepon", "Phone"), p.phone.as_ref().map(|e| e.as_str().to_string()));
    push("NIK", p.nik.clone());
    push(staff.t("Nama publik", "Public name"), p.public_name.clone());
    lines
}

/// `POST /staf/laporan/{tracking}/aksi`: one action, through the same request type and
/// service call as the JSON API.
pub async fn act(
    State(state): State<AppState>,
    staff: Staff,
    Path(tracking): Path<String>,
    multipart: Multipart,
) -> PageResult {
    let app = &state.app;
    let tracking = tracking_of(&tracking)?;
    let (fields, files) = crate::html::read_multipart(multipart).await?;
    let one = |k: &str| fields.get(k).and_then(|v| v.first()).map(String::as_str).unwrap_or_default();
    staff.v.check_csrf(one("csrf"))?;
    let actor = staff.actor();
    let report = app.report_for(&actor, &tracking).await?;
    in_scope(&access(&actor, &report, &app.reference().orgs), &tracking)?;
    let version: i64 = one("versi").trim().parse().unwrap_or(0);
    let seen: usize = one("dilihat").trim().parse().unwrap_or(0);
    let action = one("aksi").to_string();
    let outcome = async {
        let request = request_of(&action, version, &fields)?;
        let mut attachments = Vec::new();
        let uploader = format!("staff:{}:{tracking}", staff.role.person);
        for (name, bytes) in files {
            attachments.push(app.upload(&uploader, &name, bytes).await?);
        }
        let command = request.into_command(app, &report, attachments).await?;
        app.act(&actor, report.id, version, command).await
    }
    .await;
    match outcome {
        Ok(changed) => Ok(see_other(&after(&state, &staff, &changed, &action).await?)),
        Err(AppError::Refused(r)) => refused(&state, &staff, &tracking, &r, version, seen).await,
        Err(AppError::Stale) => {
            let stale = Refusal::Stale { expected: version, actual: version + 1 };
            refused(&state, &staff, &tracking, &stale, version, seen).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Where to go after an action: the next report of the queue when this one left it,
/// else back to the report, confirming what was done.
async fn after(state: &AppState, staff: &Staff, changed: &Report, action: &str) -> Result<String, PageError> {
    let here = format!("/staf/laporan/{}?berhasil={action}", changed.tracking);
    let queue = staff.role.role.queue_statuses();
    if queue.contains(&changed.status) || queue.is_empty() {
        return Ok(here);
    }
    let mut filter = aduan_store::ReportFilter::new(aduan_store::Scope::All);
    filter.statuses = queue.to_vec();
    filter.order = aduan_store::SortOrder::Deadline;
    if staff.role.role == aduan_domain::person::Role::Officer {
        filter.unit = Some(staff.role.org);
    }
    let next = state.app.list_reports(&staff.actor(), filter, &aduan_store::PageRequest::first(1)).await?;
    Ok(match next.items.first() {
        Some(n) => format!(
            "/staf/laporan/{}?berhasil={action}&dari={}",
            n.tracking,
            percent_encode(&changed.tracking.to_string())
        ),
        None => format!("/staf/antrian?berhasil={action}"),
    })
}

/// The page again with why the action was refused; for a stale form, what changed since
/// it was opened.
async fn refused(
    state: &AppState,
    staff: &Staff,
    tracking: &aduan_domain::tracking::TrackingNumber,
    r: &Refusal,
    version: i64,
    seen: usize,
) -> PageResult {
    let view = state.app.find_by_tracking(&staff.actor(), tracking).await?;
    let lang = staff.lang();
    let stale = matches!(r, Refusal::Stale { .. }) || (version != view.report.version);
    let (status, why) = if stale {
        (
            StatusCode::CONFLICT,
            staff
                .t(
                    "Laporan ini sudah berubah sejak halaman dibuka (orang lain bertindak lebih dulu); tindakan Anda tidak disimpan. Perubahannya ada di bawah.",
                    "This report changed since the page was opened (someone acted first); your action was not saved. What changed is below.",
                )
                .to_string(),
        )
    } else if matches!(r, Refusal::IllegalTransition { .. }) {
        (StatusCode::CONFLICT, lang.pick(r.message_id(), r.to_string()))
    } else if matches!(r, Refusal::OutOfScope | Refusal::RoleNotAllowed { .. }) {
        (StatusCode::FORBIDDEN, lang.pick(r.message_id(), r.to_string()))
    } else {
        (StatusCode::UNPROCESSABLE_ENTITY, lang.pick(r.message_id(), r.to_string()))
    };
    let changed = if stale {
        let reference = state.app.reference();
        let newer: Vec<_> = view.events.iter().skip(seen).cloned().collect();
        staff_entries(lang, &reference, &newer, staff_zone(staff, &reference), &format!("/staf/laporan/{tracking}"))
    } else {
        Vec::new()
    };
    let page = report_page(state, staff, &view, "", None, Some(why), changed).await?;
    Ok(render_with(status, &page))
}

/// The API's action request for a staff form.
fn request_of(action: &str, version: i64, fields: &HashMap<String, Vec<String>>) -> Result<ActionRequest, AppError> {
    let one = |k: &str| fields.get(k).and_then(|v| v.first()).map(|s| s.trim().to_string()).unwrap_or_default();
    let opt = |k: &str| Some(one(k)).filter(|v| !v.is_empty());
    let all = |k: &str| fields.get(k).cloned().unwrap_or_default();
    Ok(match action {
        "verify" => ActionRequest::Verify {
            version,
            instansi: opt("instansi"),
            title: opt("title"),
            kind: opt("kind"),
            category: opt("category"),
            tags: Some(one("tags").split(',').map(str::trim).filter(|t| !t.is_empty()).map(String::from).collect()),
            anonymous: Some(!one("anonymous").is_empty()),
            confidential: Some(!one("confidential").is_empty()),
            complexity: opt("complexity"),
            note: opt("note"),
        },
        "request_info" => ActionRequest::RequestInfo { version, question: one("text") },
        "archive" => ActionRequest::Archive {
            version,
            reason: match one("reason").as_str() {
                "spam" => ArchiveReasonIn::Spam,
                "incomplete" => ArchiveReasonIn::Incomplete,
                "out_of_scope" => ArchiveReasonIn::OutOfScope,
                "duplicate" => ArchiveReasonIn::Duplicate,
                _ => return Err(Refusal::invalid("reason", "choose why the report is archived").into()),
            },
            duplicate_of: opt("duplicate_of"),
            note: opt("note"),
        },
        "restore" => ActionRequest::Restore { version, note: opt("note") },
        "return_not_authority" => ActionRequest::ReturnNotAuthority { version, reason: one("text") },
        "dispose" => ActionRequest::Dispose { version, units: all("units"), note: opt("note") },
        "hand_back" => ActionRequest::HandBack { version, unit: None, reason: one("text") },
        "respond" => ActionRequest::Respond {
            version,
            unit: None,
            answer: match one("answer").as_str() {
                "progress" => AnswerKindIn::Progress,
                "final" => AnswerKindIn::Final,
                _ => return Err(Refusal::invalid("answer", "choose a progress update or the final answer").into()),
            },
            text: one("text"),
            attachments: Vec::new(),
        },
        "internal_note" => ActionRequest::InternalNote { version, text: one("text") },
        "close_outside" => ActionRequest::CloseOutside { version, reason: one("text") },
        other => return Err(Refusal::invalid("aksi", format!("{other:?} is not a staff action")).into()),
    })
}

/// `GET /staf/laporan/{tracking}/lampiran/{key}`.
pub async fn attachment(
    State(state): State<AppState>,
    staff: Staff,
    Path((tracking, key)): Path<(String, String)>,
) -> PageResult {
    let tracking = tracking_of(&tracking)?;
    let actor = staff.actor();
    let report = state.app.report_for(&actor, &tracking).await?;
    let (meta, bytes) = state.app.attachment(&actor, report.id, &key).await?;
    Ok(attachment_response(&meta, bytes))
}
