//! The reporter's view of their report — through its private link or their account —
//! and the actions open to them: answer a request for information, reply to an answer,
//! accept it, rate it, appeal once.

use super::session::Visitor;
use super::timeline::{Entry, entries};
use super::views::{self, status_label, zone_of};
use super::{Chrome, PageError, PageResult, format, percent_encode, render, render_with, see_other, tracking_of};
use crate::AppState;
use crate::api::uploads::attachment_response;
use aduan_domain::Refusal;
use aduan_domain::deadline::ClockKind;
use aduan_domain::lifecycle::Command;
use aduan_domain::permission::{Access, Action, Actor};
use aduan_domain::report::Report;
use aduan_domain::status::Status;
use aduan_domain::text::Text;
use aduan_domain::tracking::TrackingNumber;
use aduan_service::{AppError, ReportView};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct LinkQuery {
    kunci: Option<String>,
    baru: Option<String>,
    terkirim: Option<String>,
}

#[derive(Template)]
#[template(path = "ikuti.html")]
struct FollowPage {
    c: Chrome,
    tracking: String,
    title: String,
    description: String,
    status: String,
    status_code: &'static str,
    holder: String,
    next_step: String,
    due: Option<String>,
    place: String,
    category: String,
    anonymous: bool,
    confidential: bool,
    attachments: Vec<(String, String)>,
    timeline: Vec<Entry>,
    version: i64,
    kunci: String,
    /// The confirmation right after filing, with the private link to keep.
    fresh: bool,
    private_link: String,
    verify_by: Option<String>,
    answer_by: Option<String>,
    can_reply: bool,
    /// What a reply is now: `info` (answering a request), `answer` (to an answer, which
    /// reopens the report) or `comment` (more detail while it is handled).
    reply_mode: &'static str,
    can_accept: bool,
    can_rate: bool,
    can_appeal: bool,
    rating: Option<(u8, String)>,
    action_error: Option<String>,
}

#[derive(Template)]
#[template(path = "kunci.html")]
struct NeedLinkPage {
    c: Chrome,
    tracking: String,
    already_sent: bool,
}

/// `GET /lapor/{tracking}`: the full view for its reporter.
pub async fn page(
    State(state): State<AppState>,
    v: Visitor,
    headers: HeaderMap,
    Path(tracking): Path<String>,
    Query(q): Query<LinkQuery>,
) -> PageResult {
    let tracking = tracking_of(&tracking)?;
    let kunci = q.kunci.clone().unwrap_or_default();
    let Some(actor) = reporter_actor(&state, &v, &tracking, &kunci).await? else {
        let page = NeedLinkPage {
            c: v.chrome(v.t("Buka laporan Anda", "Open your report"), "lacak"),
            tracking: tracking.to_string(),
            already_sent: q.terkirim.is_some(),
        };
        return Ok(render(&page));
    };
    let view = match state.app.find_by_tracking(&actor, &tracking).await {
        Ok(view) => view,
        // Signed in, but not this report's reporter: there may be a public view.
        Err(AppError::NotFound(_)) if kunci.is_empty() => return Ok(see_other(&format!("/laporan/{tracking}"))),
        Err(e) => return Err(e.into()),
    };
    if view.access != Access::Reporter {
        return Ok(see_other(&format!("/laporan/{tracking}")));
    }
    let fresh = q.baru.is_some() && !kunci.is_empty();
    Ok(render(&follow_page(&state, &v, &headers, &view, &kunci, fresh, None)))
}

/// The actor for the reporter's view: the private link when its secret is given, the
/// signed-in person otherwise; `None` for a guest without the link.
async fn reporter_actor(
    state: &AppState,
    v: &Visitor,
    tracking: &TrackingNumber,
    kunci: &str,
) -> Result<Option<Actor>, PageError> {
    if !kunci.is_empty() {
        return Ok(Some(state.app.open_private_link(tracking, kunci.trim()).await?));
    }
    match v.citizen() {
        Actor::Public => Ok(None),
        actor => Ok(Some(actor)),
    }
}

fn follow_page(
    state: &AppState,
    v: &Visitor,
    headers: &HeaderMap,
    view: &ReportView,
    kunci: &str,
    fresh: bool,
    action_error: Option<String>,
) -> FollowPage {
    let app = &state.app;
    let reference = app.reference();
    let lang = v.lang;
    let r = &view.report;
    let zone = zone_of(r.location.region.as_ref());
    let holder = views::holder(&reference, r);
    let due = current_deadline(r).map(|d| format::moment(lang, d, zone));
    let tracking = r.tracking.to_string();
    let link_query = if kunci.is_empty() { String::new() } else { format!("?kunci={}", percent_encode(kunci)) };
    let private_link = if kunci.is_empty() {
        String::new()
    } else {
        format!("{}/lapor/{tracking}{link_query}", crate::origin(state, headers))
    };
    let allowed = |a: Action| view.actions.contains(&a);
    let regions = aduan_reference::regions::regions();
    let verify_by = r.active_clock(ClockKind::Verification).map(|d| format::moment(lang, d.due_at, zone));
    let answer_by = r.active_clock(ClockKind::FollowUp).map(|d| format::moment(lang, d.due_at, zone));
    FollowPage {
        c: v.chrome(r.title.as_str(), "lacak"),
        title: r.title.as_str().into(),
        description: r.description.as_str().into(),
        status: status_label(lang, r.status, holder.as_deref()),
        status_code: r.status.as_str(),
        holder: holder.clone().unwrap_or_default(),
        next_step: next_step(v, r, holder.as_deref()),
        due,
        place: r.location.region.as_ref().map(|c| regions.describe(c)).unwrap_or_default(),
        category: views::category_name(lang, &reference, r.category),
        anonymous: r.privacy.anonymous,
        confidential: r.privacy.confidential,
        attachments: r
            .attachments
            .iter()
            .map(|a| (format!("/lapor/{tracking}/lampiran/{}{link_query}", a.key), a.file_name.clone()))
            .collect(),
        timeline: entries(lang, &reference, &view.events, zone, &format!("/lapor/{tracking}"), &link_query),
        version: r.version,
        kunci: kunci.into(),
        fresh,
        private_link,
        verify_by,
        answer_by,
        can_reply: allowed(Action::Reply),
        reply_mode: match r.status {
            Status::NeedsInfo => "info",
            Status::Responded => "answer",
            _ => "comment",
        },
        can_accept: allowed(Action::Accept),
        can_rate: allowed(Action::Rate),
        can_appeal: allowed(Action::Appeal),
        rating: r
            .rating
            .as_ref()
            .map(|g| (g.stars, g.comment.as_ref().map(|c| c.as_str().to_string()).unwrap_or_default())),
        action_error,
        tracking,
    }
}

/// The deadline the reporter is waiting on (or must meet), if one runs.
fn current_deadline(r: &Report) -> Option<aduan_domain::time::Timestamp> {
    let clock = match r.status {
        Status::Submitted => ClockKind::Verification,
        Status::NeedsInfo => ClockKind::InfoExpiry,
        Status::Forwarded | Status::InProgress => ClockKind::FollowUp,
        Status::Responded => ClockKind::AutoClose,
        Status::Closed | Status::Archived => return None,
    };
    r.active_clock(clock).map(|d| d.due_at)
}

/// What happens next, in a sentence.
fn next_step(v: &Visitor, r: &Report, holder: Option<&str>) -> String {
    let h = holder.unwrap_or_default();
    match r.status {
        Status::Submitted => v
            .t(
                "Petugas verifikasi memeriksa laporan Anda, lalu meneruskannya ke instansi yang berwenang.",
                "The screening desk checks your report, then forwards it to the agency in charge.",
            )
            .into(),
        Status::NeedsInfo => v
            .t(
                "Petugas verifikasi meminta keterangan tambahan. Jawab di bawah; tanpa jawaban sampai batas waktu, laporan diarsipkan.",
                "The screening desk asks for more information. Answer below; without an answer by the deadline the report is archived.",
            )
            .into(),
        Status::Forwarded => v.lang.pick(
            format!("{h} akan menyerahkan laporan ke unit yang menangani, yang wajib menjawab."),
            format!("{h} will hand the report to the department in charge, which must answer."),
        ),
        Status::InProgress => v.lang.pick(
            format!("{h} sedang menangani laporan Anda dan wajib menjawab."),
            format!("{h} is handling your report and must answer."),
        ),
        Status::Responded => v
            .t(
                "Instansi sudah menjawab. Terima jawaban jika masalahnya selesai, atau tanggapi jika belum. Tanpa tanggapan, laporan selesai otomatis.",
                "The agency has answered. Accept the answer if the problem is solved, or reply if it is not. Without a reply the report closes by itself.",
            )
            .into(),
        Status::Closed => {
            if r.rating.is_none() {
                v.t("Laporan selesai. Beri penilaian atas penanganannya.", "The report is resolved. Rate how it was handled.")
                    .into()
            } else {
                v.t("Laporan selesai. Terima kasih atas penilaian Anda.", "The report is resolved. Thank you for your rating.")
                    .into()
            }
        }
        Status::Archived => v
            .t(
                "Laporan diarsipkan dan tidak ditindaklanjuti. Alasannya ada di riwayat di bawah.",
                "The report was archived and will not be followed up. The reason is in the history below.",
            )
            .into(),
    }
}

/// `POST /lapor/{tracking}/aksi`: a reporter action.
pub async fn act(
    State(state): State<AppState>,
    v: Visitor,
    headers: HeaderMap,
    Path(tracking): Path<String>,
    multipart: Multipart,
) -> PageResult {
    let app = &state.app;
    let tracking = tracking_of(&tracking)?;
    let (fields, files) = super::read_multipart(multipart).await?;
    let get = |k: &str| fields.get(k).and_then(|v| v.first()).map(String::as_str).unwrap_or_default();
    v.check_csrf(get("csrf"))?;
    let kunci = get("kunci").trim().to_string();
    let Some(actor) = reporter_actor(&state, &v, &tracking, &kunci).await? else {
        return Err(AppError::NotFound(format!("report {tracking}")).into());
    };
    let report = app.report_for(&actor, &tracking).await?;
    let version: i64 = get("versi").trim().parse().unwrap_or(0);
    let outcome =
        match command(&state, &tracking, get("aksi"), get("message"), get("stars"), get("comment"), files).await {
            Ok(command) => app.act(&actor, report.id, version, command).await.map(|_| ()),
            Err(e) => Err(e),
        };
    let back = if kunci.is_empty() {
        format!("/lapor/{tracking}#timeline")
    } else {
        format!("/lapor/{tracking}?kunci={}#timeline", percent_encode(&kunci))
    };
    match outcome {
        Ok(()) => Ok(see_other(&back)),
        // Refused (stale, not allowed now, a bad field): the page again, with why.
        Err(AppError::Refused(r)) => {
            let view = app.find_by_tracking(&actor, &tracking).await?;
            let status = if matches!(r, Refusal::Stale { .. } | Refusal::IllegalTransition { .. }) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let why = action_refusal(&v, &r);
            Ok(render_with(status, &follow_page(&state, &v, &headers, &view, &kunci, false, Some(why))))
        }
        Err(AppError::Stale) => {
            let view = app.find_by_tracking(&actor, &tracking).await?;
            let why = action_refusal(&v, &Refusal::Stale { expected: version, actual: view.report.version });
            Ok(render_with(StatusCode::CONFLICT, &follow_page(&state, &v, &headers, &view, &kunci, false, Some(why))))
        }
        Err(e) => Err(e.into()),
    }
}

fn action_refusal(v: &Visitor, r: &Refusal) -> String {
    match r {
        Refusal::Stale { .. } => v
            .t(
                "Laporan ini sudah berubah sejak halaman dibuka; tindakan Anda belum disimpan. Lihat perubahan di bawah, lalu coba lagi.",
                "This report changed since the page was opened; your action was not saved. See what changed below, then try again.",
            )
            .into(),
        Refusal::Invalid { field, .. } if field == "text" || field == "reason" || field == "message" => v
            .t("Tulis pesan Anda, paling banyak 20.000 karakter.", "Write your message, at most 20,000 characters.")
            .into(),
        Refusal::Invalid { field, .. } if field == "stars" => {
            v.t("Pilih nilai 1 sampai 5.", "Choose a rating from 1 to 5.").into()
        }
        other => v.lang.pick(other.message_id(), other.to_string()),
    }
}

/// The domain command of a reporter's form.
async fn command(
    state: &AppState,
    tracking: &TrackingNumber,
    action: &str,
    message: &str,
    stars: &str,
    comment: &str,
    files: Vec<(String, Vec<u8>)>,
) -> Result<Command, AppError> {
    let text =
        |value: &str| Text::message(value).map_err(|e| AppError::from(Refusal::invalid("message", e.to_string())));
    match action {
        "reply" => {
            let uploader = format!("reply:{tracking}");
            let mut attachments = Vec::new();
            for (name, bytes) in files {
                attachments.push(state.app.upload(&uploader, &name, bytes).await?);
            }
            Ok(Command::Reply { text: text(message)?, attachments })
        }
        "accept" => Ok(Command::Accept),
        "rate" => {
            let stars: u8 = stars.trim().parse().map_err(|_| Refusal::invalid("stars", "choose 1 to 5"))?;
            let comment = match comment.trim() {
                "" => None,
                c => Some(text(c)?),
            };
            Ok(Command::Rate { stars, comment })
        }
        "appeal" => Ok(Command::Appeal { reason: text(message)? }),
        other => Err(Refusal::invalid("aksi", format!("{other:?} is not a reporter action")).into()),
    }
}

/// `GET /lapor/{tracking}/lampiran/{key}`: an attachment, as the reporter may see it.
pub async fn attachment(
    State(state): State<AppState>,
    v: Visitor,
    Path((tracking, key)): Path<(String, String)>,
    Query(q): Query<LinkQuery>,
) -> PageResult {
    let tracking = tracking_of(&tracking)?;
    let kunci = q.kunci.unwrap_or_default();
    let actor = reporter_actor(&state, &v, &tracking, &kunci)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("attachment {key}")))?;
    let report = state.app.report_for(&actor, &tracking).await?;
    let (meta, bytes) = state.app.attachment(&actor, report.id, &key).await?;
    Ok(attachment_response(&meta, bytes))
}
