//! Filing a report: one form (what, where, which topic, files, privacy, contact), a
//! "check your report" step, then the confirmation with the tracking number and the
//! private link. Every post of the form comes back with everything the citizen typed
//! and every file already attached; errors sit next to their fields and in a summary
//! at the top.

use super::lang::Lang;
use super::regions::region_choices;
use super::session::Visitor;
use super::views::{self, Choice};
use super::{Chrome, PageError, PageResult, format, percent_encode, render, render_with, see_other};
use crate::AppState;
use crate::api::input;
use aduan_domain::lifecycle::Draft;
use aduan_domain::permission::Actor;
use aduan_domain::person::{Email, Phone};
use aduan_domain::region::RegionCode;
use aduan_domain::report::{AttachmentMeta, Channel, GeoPoint, Location, Privacy, ReportType, Reporter};
use aduan_domain::text::Text;
use aduan_service::{AppError, FiledOnce};
use aduan_store::IdempotencyKey;
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub use aduan_domain::lifecycle::MAX_ATTACHMENTS;

/// What the citizen typed, as typed.
#[derive(Debug, Default, Clone)]
pub struct ReportForm {
    pub kind: String,
    pub title: String,
    pub description: String,
    pub incident_date: String,
    pub province: String,
    pub regency: String,
    pub district: String,
    pub village: String,
    pub address: String,
    pub lat: String,
    pub long: String,
    pub category: String,
    pub target_instansi: String,
    pub anonymous: bool,
    pub confidential: bool,
    pub name: String,
    pub email: String,
    pub phone: String,
    /// Intake by staff: how the report arrived, and the citizen's NIK where given.
    pub channel: String,
    pub nik: String,
    pub form_id: String,
    pub kept: Vec<Kept>,
}

/// A file already uploaded with this form.
#[derive(Debug, Clone)]
pub struct Kept {
    pub key: String,
    pub name: String,
    pub size: String,
}

impl Kept {
    fn of(meta: &AttachmentMeta) -> Kept {
        let kb = meta.size.div_ceil(1024);
        let size = if kb >= 1024 { format!("{:.1} MB", kb as f64 / 1024.0) } else { format!("{kb} KB") };
        Kept { key: meta.key.clone(), name: meta.file_name.clone(), size }
    }
}

/// An error shown next to a field and in the summary.
#[derive(Debug, Clone)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl ReportForm {
    /// The most precise region chosen, each level kept only if it lies inside the one above
    /// (a citizen may change the province after choosing a kabupaten).
    fn tidy_regions(&mut self) {
        let inside = |child: &str, parent: &str| !parent.is_empty() && child.starts_with(&format!("{parent}."));
        if !inside(&self.regency, &self.province) {
            self.regency.clear();
        }
        if !inside(&self.district, &self.regency) {
            self.district.clear();
        }
        if !inside(&self.village, &self.district) {
            self.village.clear();
        }
    }

    fn region(&self) -> &str {
        [&self.village, &self.district, &self.regency, &self.province]
            .into_iter()
            .find(|r| !r.is_empty())
            .map(String::as_str)
            .unwrap_or("")
    }

    fn uploader(&self) -> String {
        format!("form:{}", self.form_id)
    }

    /// A fingerprint of what is being filed, so that a second click on "send" with the
    /// same form files nothing new, and a changed form is not mistaken for a retry.
    fn fingerprint(&self) -> String {
        let keys: Vec<&str> = self.kept.iter().map(|k| k.key.as_str()).collect();
        let text = format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.kind,
            self.title,
            self.description,
            self.incident_date,
            self.region(),
            self.address,
            self.lat,
            self.long,
            self.category,
            self.target_instansi,
            self.anonymous,
            self.confidential,
            self.name,
            self.email,
            self.phone,
            self.channel,
            self.nik,
            keys.join(",")
        );
        hex::encode(Sha256::digest(text.as_bytes()))
    }
}

/// Who is filing through the form: a citizen (or guest) for themselves, or staff
/// entering a report that arrived off-line on a citizen's behalf.
#[derive(Debug, Clone, Copy)]
pub enum Mode {
    Citizen,
    Intake(Actor),
}

impl Mode {
    fn action(self) -> &'static str {
        match self {
            Mode::Citizen => "/lapor",
            Mode::Intake(_) => "/staf/input",
        }
    }

    fn is_intake(self) -> bool {
        matches!(self, Mode::Intake(_))
    }

    fn actor(self, v: &Visitor) -> Actor {
        match self {
            Mode::Citizen => v.citizen(),
            Mode::Intake(staff) => staff,
        }
    }

    /// The reporter's contact fields are asked: of a guest, and of the citizen in intake.
    fn asks_contact(self, v: &Visitor) -> bool {
        self.is_intake() || v.person.is_none()
    }
}

fn new_form_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn is_form_id(v: &str) -> bool {
    v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit())
}

#[derive(Template)]
#[template(path = "lapor.html")]
struct FormPage {
    c: Chrome,
    f: ReportForm,
    errors: Vec<FieldError>,
    guest: bool,
    action: &'static str,
    intake: bool,
    channels: Vec<Choice>,
    kinds: Vec<(String, &'static str, &'static str, bool)>,
    provinces: Vec<Choice>,
    regencies: Vec<Choice>,
    districts: Vec<Choice>,
    villages: Vec<Choice>,
    categories: Vec<Choice>,
    instansi: Vec<Choice>,
    suggestion: Option<String>,
    max_attachments: usize,
    max_upload_mb: u64,
    tile_url: String,
    attribution: String,
}

impl FormPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    /// `aria-describedby` of a field: its hint and its error, when present.
    fn described(&self, field: &str, hint: bool) -> String {
        let mut ids = Vec::new();
        if hint {
            ids.push(format!("{field}-hint"));
        }
        if self.error(field).is_some() {
            ids.push(format!("{field}-error"));
        }
        ids.join(" ")
    }

    fn room_for_files(&self) -> bool {
        self.f.kept.len() < self.max_attachments
    }
}

#[derive(Template)]
#[template(path = "periksa.html")]
struct CheckPage {
    c: Chrome,
    f: ReportForm,
    action: &'static str,
    intake: bool,
    channel: String,
    kind_label: String,
    place: String,
    category: String,
    target: String,
    date: String,
    guest: bool,
    /// Why sending did not happen (too many reports from this address).
    error: Option<String>,
}

/// `GET /lapor`: an empty form.
pub async fn form(State(state): State<AppState>, v: Visitor) -> PageResult {
    empty_form(&state, &v, Mode::Citizen)
}

pub fn empty_form(state: &AppState, v: &Visitor, mode: Mode) -> PageResult {
    let f = ReportForm { kind: ReportType::Pengaduan.as_str().into(), form_id: new_form_id(), ..ReportForm::default() };
    Ok(render(&form_page(state, v, f, Vec::new(), mode)?))
}

/// The channels a report entered by staff may have arrived through.
fn staff_channels(lang: Lang, current: &str) -> Vec<Choice> {
    Channel::ALL
        .into_iter()
        .filter(|c| !c.is_self_service())
        .map(|c| Choice::new(c.as_str(), channel_label(lang, c), current))
        .collect()
}

pub fn channel_label(lang: Lang, c: Channel) -> &'static str {
    match c {
        Channel::Web => "Web",
        Channel::Api => "API",
        Channel::Open311 => "Open311",
        Channel::Sms => "SMS",
        Channel::Whatsapp => "WhatsApp",
        Channel::Email => "E-mail",
        Channel::Social => lang.t("Media sosial", "Social media"),
        Channel::WalkIn => lang.t("Datang langsung", "Walk-in"),
        Channel::Letter => lang.t("Surat", "Letter"),
        Channel::Phone => lang.t("Telepon", "Phone"),
    }
}

fn form_page(
    state: &AppState,
    v: &Visitor,
    f: ReportForm,
    errors: Vec<FieldError>,
    mode: Mode,
) -> Result<FormPage, PageError> {
    let app = &state.app;
    let reference = app.reference();
    let lang = v.lang;
    let kinds = ReportType::ALL
        .into_iter()
        .map(|k| {
            let (id_hint, en_hint) = match k {
                ReportType::Pengaduan => {
                    ("Ada layanan yang buruk atau sesuatu yang rusak.", "A service went wrong or something is broken.")
                }
                ReportType::Aspirasi => {
                    ("Usul atau saran untuk perbaikan layanan.", "An idea or a suggestion to improve a service.")
                }
                ReportType::PermintaanInformasi => {
                    ("Pertanyaan tentang layanan atau kebijakan.", "A question about a service or a policy.")
                }
            };
            let label = lang.t(k.label_id(), k.label_en());
            (k.as_str().to_string(), label, lang.t(id_hint, en_hint), f.kind == k.as_str())
        })
        .collect();
    let region = RegionCode::parse(f.region()).ok();
    let category = reference.categories.by_code(&f.category).map(|c| c.id);
    let suggestion = app
        .suggest_route(category, region.as_ref())
        .and_then(|s| reference.orgs.get(s.instansi))
        .map(|o| o.name.clone());
    let level = |parent: &str, current: &str| -> Result<Vec<Choice>, PageError> {
        if parent.is_empty() { Ok(Vec::new()) } else { Ok(region_choices(parent, current)?) }
    };
    let mut c = match mode {
        Mode::Citizen => v.chrome(v.t("Buat laporan", "File a report"), "lapor"),
        Mode::Intake(_) => v.chrome(v.t("Input laporan dari warga", "Enter a citizen's report"), "input"),
    };
    c.styles.push("/assets/vendor/leaflet.css");
    c.scripts.push("/assets/vendor/leaflet.js");
    c.scripts.push("/assets/portal/lapor.js");
    Ok(FormPage {
        c,
        guest: mode.asks_contact(v),
        action: mode.action(),
        intake: mode.is_intake(),
        channels: staff_channels(lang, &f.channel),
        kinds,
        provinces: region_choices("", &f.province)?,
        regencies: level(&f.province, &f.regency)?,
        districts: level(&f.regency, &f.district)?,
        villages: level(&f.district, &f.village)?,
        categories: views::category_choices(lang, &reference, &f.category),
        instansi: views::instansi_choices(&reference, region.as_ref(), &f.target_instansi),
        suggestion,
        max_attachments: MAX_ATTACHMENTS,
        max_upload_mb: app.options().max_upload_bytes / (1024 * 1024),
        tile_url: state.settings.map_tile_url.clone(),
        attribution: state.settings.map_attribution.clone(),
        errors,
        f,
    })
}

/// A file part of the form, held until the CSRF token is checked.
struct FilePart {
    name: String,
    bytes: Vec<u8>,
}

/// `POST /lapor`: the form came back — to refresh the region choices, to be checked,
/// to be changed again, or to be sent.
pub async fn submit(State(state): State<AppState>, v: Visitor, multipart: Multipart) -> PageResult {
    handle(state, v, multipart, Mode::Citizen).await
}

/// The form's round trips, for a citizen or for staff on a citizen's behalf.
pub async fn handle(state: AppState, v: Visitor, mut multipart: Multipart, mode: Mode) -> PageResult {
    let app = &state.app;
    let mut f = ReportForm::default();
    let mut step = String::new();
    let mut csrf = String::new();
    let mut kept_keys: Vec<String> = Vec::new();
    let mut remove: Vec<String> = Vec::new();
    let mut files: Vec<FilePart> = Vec::new();
    let mut errors: Vec<FieldError> = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(form_unreadable(&e)),
        };
        let name = field.name().unwrap_or_default().to_string();
        if name == "attachments" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(|e| form_unreadable(&e))?;
            if !bytes.is_empty() {
                files.push(FilePart { name: file_name, bytes: bytes.to_vec() });
            }
            continue;
        }
        let value = field.text().await.map_err(|e| form_unreadable(&e))?;
        match name.as_str() {
            "csrf" => csrf = value,
            "step" => step = value,
            "form_id" => f.form_id = value.trim().into(),
            "kind" => f.kind = value,
            "title" => f.title = value,
            "description" => f.description = value,
            "incident_date" => f.incident_date = value.trim().into(),
            "province" => f.province = value.trim().into(),
            "regency" => f.regency = value.trim().into(),
            "district" => f.district = value.trim().into(),
            "village" => f.village = value.trim().into(),
            "address" => f.address = value,
            "lat" => f.lat = value.trim().into(),
            "long" => f.long = value.trim().into(),
            "category" => f.category = value.trim().into(),
            "target_instansi" => f.target_instansi = value.trim().into(),
            "anonymous" => f.anonymous = !value.is_empty(),
            "confidential" => f.confidential = !value.is_empty(),
            "name" => f.name = value,
            "email" => f.email = value.trim().into(),
            "phone" => f.phone = value.trim().into(),
            "channel" if mode.is_intake() => f.channel = value.trim().into(),
            "nik" if mode.is_intake() => f.nik = value.trim().into(),
            "kept" => kept_keys.push(value.trim().into()),
            "remove" => remove.push(value.trim().into()),
            _ => {}
        }
    }
    v.check_csrf(&csrf)?;
    if !is_form_id(&f.form_id) {
        // A form from before a restart, or tampered: start a fresh upload space.
        f.form_id = new_form_id();
        kept_keys.clear();
    }
    f.tidy_regions();
    // Files kept from earlier posts, minus those the citizen removed.
    kept_keys.retain(|k| !remove.contains(k));
    kept_keys.dedup();
    for key in &kept_keys {
        if let Ok(meta) = app.uploads(&f.uploader(), std::slice::from_ref(key)).await {
            f.kept.extend(meta.iter().map(Kept::of));
        }
    }
    // New files: each checked on its content and stored (photos lose their metadata).
    for file in files {
        if f.kept.len() >= MAX_ATTACHMENTS {
            errors.push(FieldError {
                field: "attachments",
                message: v.lang.pick(
                    format!("Paling banyak {MAX_ATTACHMENTS} berkas; {} tidak dilampirkan.", file.name),
                    format!("At most {MAX_ATTACHMENTS} files; {} was not attached.", file.name),
                ),
            });
            continue;
        }
        match app.upload(&f.uploader(), &file.name, file.bytes).await {
            Ok(meta) => f.kept.push(Kept::of(&meta)),
            Err(e) => errors.push(upload_error(&v, &file.name, &state, e)),
        }
    }
    let actor = mode.actor(&v);
    // "next" is the form's hidden first button, which Enter in a text field presses.
    if step == "next" {
        step = "check".into();
    }
    match step.as_str() {
        "check" | "send" => {}
        // "region" (the no-JS cascade) and "edit" (back from the check page).
        _ => return Ok(render_with(status_for(&errors), &form_page(&state, &v, f, errors, mode)?)),
    }
    let draft = match draft(&state, &v, &f, &mut errors, mode).await {
        Some(d) if errors.is_empty() => d,
        _ => return Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &form_page(&state, &v, f, errors, mode)?)),
    };
    if let Err(e) = app.check_draft(&actor, draft.clone()) {
        errors.push(domain_error(&v, e)?);
        return Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &form_page(&state, &v, f, errors, mode)?));
    }
    if step == "check" {
        return Ok(render(&check_page(&state, &v, f, &draft, None, mode)));
    }
    // Guests share the API's limit on anonymous filing per address.
    if v.person.is_none()
        && !mode.is_intake()
        && let Err(p) = state.limits.check_filing(v.addr)
    {
        let wait = p.retry_after.unwrap_or(60);
        let why = v.lang.pick(
                format!("Terlalu banyak laporan dari alamat ini. Tunggu {wait} detik, lalu kirim lagi; isian Anda tetap tersimpan di halaman ini."),
                format!("Too many reports from this address. Wait {wait} seconds, then send again; what you typed stays on this page."),
            );
        return Ok(render_with(StatusCode::TOO_MANY_REQUESTS, &check_page(&state, &v, f, &draft, Some(why), mode)));
    }
    let caller = match mode {
        Mode::Citizen => "portal".to_string(),
        Mode::Intake(staff) => format!("intake:{}", staff.person().map(|p| p.0).unwrap_or_default()),
    };
    let key = IdempotencyKey { caller, key: f.form_id.clone(), fingerprint: f.fingerprint() };
    match app.file_report_once(&actor, draft, &key).await {
        Ok(FiledOnce::Filed(filed)) => {
            let tracking = filed.report.tracking.to_string();
            Ok(see_other(&format!("/lapor/{tracking}?kunci={}&baru=1", percent_encode(&filed.secret))))
        }
        // A second click on "send": the first one filed it.
        Ok(FiledOnce::Replayed(id)) => {
            let report = app.store().report(id).await.map_err(AppError::from)?;
            let tracking = report.map(|r| r.tracking.to_string()).unwrap_or_default();
            Ok(see_other(&format!("/lapor/{tracking}?terkirim=1")))
        }
        Err(AppError::Refused(r)) => {
            errors.push(domain_error(&v, AppError::Refused(r))?);
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &form_page(&state, &v, f, errors, mode)?))
        }
        Err(e) => Err(e.into()),
    }
}

fn status_for(errors: &[FieldError]) -> StatusCode {
    if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY }
}

/// A form that could not be read to its end. Too large is the likely reason; the browser
/// still holds what was typed when the reader goes back.
fn form_unreadable(e: &axum::extract::multipart::MultipartError) -> PageError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return PageError::from(crate::problem::Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!(
                "the form with its files is too large ({}); go back, attach fewer or smaller files and send again — what you typed is still there",
                e.body_text()
            ),
            format!(
                "Formulir beserta lampirannya terlalu besar. Kembali ke halaman sebelumnya, lampirkan berkas yang lebih sedikit atau lebih kecil (paling banyak {MAX_ATTACHMENTS}), lalu kirim lagi; isian Anda masih ada."
            ),
        ));
    }
    PageError::from(crate::problem::Problem::new(
        StatusCode::BAD_REQUEST,
        "bad_request",
        format!("the form could not be read: {}", e.body_text()),
        "Formulir tidak dapat dibaca. Kembali, lalu kirim lagi.",
    ))
}

fn upload_error(v: &Visitor, name: &str, state: &AppState, e: AppError) -> FieldError {
    let mb = state.app.options().max_upload_bytes / (1024 * 1024);
    let message = match e {
        AppError::TooLarge(_) => v.lang.pick(
            format!("{name} terlalu besar: paling besar {mb} MB per berkas."),
            format!("{name} is too large: at most {mb} MB per file."),
        ),
        AppError::Unsupported(_) => v.lang.pick(
            format!(
                "{name} tidak diterima. Kirim foto (JPEG, PNG, WebP), PDF, atau video pendek (MP4, MOV, WebM, 3GP)."
            ),
            format!(
                "{name} is not accepted. Send photos (JPEG, PNG, WebP), PDF, or short video (MP4, MOV, WebM, 3GP)."
            ),
        ),
        // The content claims to be a photo but does not decode.
        AppError::Refused(aduan_domain::Refusal::Invalid { field, .. }) if field == "file" => v.lang.pick(
            format!("{name} tidak dapat dibaca sebagai foto. Kirim ulang fotonya, atau pilih berkas lain."),
            format!("{name} cannot be read as a photo. Send the photo again, or choose another file."),
        ),
        AppError::Refused(r) => v.lang.pick(
            format!("{name} tidak dapat dilampirkan: {}", r.message_id()),
            format!("{name} could not be attached: {r}"),
        ),
        other => {
            tracing::warn!(error = %other, "upload from the portal failed");
            v.lang
                .pick(format!("{name} gagal diunggah. Coba lagi."), format!("{name} could not be uploaded. Try again."))
        }
    };
    FieldError { field: "attachments", message }
}

/// A refusal of the domain shown at its field; anything else is a failure page.
fn domain_error(v: &Visitor, e: AppError) -> Result<FieldError, PageError> {
    match e {
        AppError::Refused(aduan_domain::Refusal::Invalid { field, message }) => {
            let field = match field.as_str() {
                "title" => "title",
                "description" => "description",
                "incident_date" => "incident_date",
                "address" => "address",
                "category" => "category",
                "target_instansi" => "target_instansi",
                "attachments" => "attachments",
                "reporter_name" => "name",
                "region" => "province",
                _ => "form",
            };
            Ok(FieldError { field, message: v.lang.pick(field_message_id(field, &message), message) })
        }
        AppError::Refused(r) => Ok(FieldError { field: "form", message: v.lang.pick(r.message_id(), r.to_string()) }),
        other => Err(other.into()),
    }
}

fn field_message_id(field: &str, english: &str) -> String {
    match field {
        "incident_date" => "Tanggal kejadian tidak boleh di masa depan.".into(),
        "category" => "Pilih kategori dari daftar.".into(),
        "target_instansi" => "Pilih instansi dari daftar.".into(),
        "attachments" => format!("Paling banyak {MAX_ATTACHMENTS} berkas."),
        "address" => "Alamat paling panjang 300 karakter, satu baris.".into(),
        "name" => "Nama paling panjang 120 karakter, satu baris.".into(),
        _ => format!("Periksa isian ini ({english})."),
    }
}

/// Parses every field, collecting an error per field rather than stopping at the first.
async fn draft(
    state: &AppState,
    v: &Visitor,
    f: &ReportForm,
    errors: &mut Vec<FieldError>,
    mode: Mode,
) -> Option<Draft> {
    let app = &state.app;
    let reference = app.reference();
    let lang = v.lang;
    let mut fail = |field: &'static str, id: &str, en: &str| {
        errors.push(FieldError { field, message: lang.t(id, en).to_string() });
    };
    let kind = ReportType::parse(&f.kind);
    if kind.is_none() {
        fail("kind", "Pilih jenis laporan.", "Choose the kind of report.");
    }
    let title = Text::title(&f.title).ok();
    if title.is_none() {
        fail(
            "title",
            "Tulis judul laporan, 5 sampai 200 karakter, satu baris.",
            "Write a title of 5 to 200 characters, on one line.",
        );
    }
    let description = Text::description(&f.description).ok();
    if description.is_none() {
        fail(
            "description",
            "Ceritakan apa yang terjadi, paling sedikit 20 karakter: apa, di mana, kapan.",
            "Tell what happened in at least 20 characters: what, where, when.",
        );
    }
    let incident_date = match f.incident_date.as_str() {
        "" => None,
        d => match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(date) => Some(date),
            Err(_) => {
                fail("incident_date", "Tulis tanggal seperti 2026-03-30.", "Write the date like 2026-03-30.");
                None
            }
        },
    };
    let region = match f.region() {
        "" => None,
        r => match RegionCode::parse(r) {
            Ok(code) if aduan_reference::regions::regions().contains(&code) => Some(code),
            _ => {
                fail("province", "Pilih wilayah dari daftar.", "Choose the place from the lists.");
                None
            }
        },
    };
    let point = match (f.lat.as_str(), f.long.as_str()) {
        ("", "") => None,
        (lat, long) => match (lat.parse::<f64>(), long.parse::<f64>()) {
            (Ok(lat), Ok(lon)) => match GeoPoint::parse(lat, lon) {
                Ok(p) => Some(p),
                Err(_) => {
                    fail("map", "Titik di peta harus di wilayah Indonesia.", "The map pin must be in Indonesia.");
                    None
                }
            },
            _ => {
                fail(
                    "map",
                    "Titik di peta tidak terbaca; pasang lagi.",
                    "The map pin could not be read; place it again.",
                );
                None
            }
        },
    };
    let category = match f.category.as_str() {
        "" => None,
        code => match input::category(&reference, "category", code) {
            Ok(id) => Some(id),
            Err(_) => {
                fail("category", "Pilih kategori dari daftar.", "Choose a category from the list.");
                None
            }
        },
    };
    let target = match f.target_instansi.as_str() {
        "" => None,
        code => match reference.orgs.by_code(code) {
            Some(o) => Some(o.id),
            None => {
                fail("target_instansi", "Pilih instansi dari daftar.", "Choose an agency from the list.");
                None
            }
        },
    };
    let channel = match mode {
        Mode::Citizen => Some(Channel::Web),
        Mode::Intake(_) => Channel::parse(&f.channel).filter(|c| !c.is_self_service()).or_else(|| {
            fail("channel", "Pilih saluran laporan ini masuk.", "Choose the channel the report came through.");
            None
        }),
    };
    let nik = match f.nik.as_str() {
        "" => None,
        n => aduan_domain::report::parse_nik(n).ok().or_else(|| {
            fail("nik", "NIK terdiri dari 16 angka.", "A NIK has 16 digits.");
            None
        }),
    };
    let signed_in = if mode.is_intake() { None } else { v.person.as_ref() };
    let reporter = match signed_in {
        // Signed in: the account's details; the person is attached by the domain.
        Some(p) => Reporter {
            person: None,
            name: Some(p.display_name.clone()),
            email: p.email.clone(),
            phone: p.phone.clone(),
            nik: None,
            public_name: None,
        },
        None => {
            let email = match f.email.as_str() {
                "" => None,
                e => Email::parse(e).map_err(|_| ()).ok().or_else(|| {
                    fail(
                        "email",
                        "Tulis alamat e-mail seperti nama@contoh.id.",
                        "Write an e-mail address like name@example.id.",
                    );
                    None
                }),
            };
            let phone = match f.phone.as_str() {
                "" => None,
                p => Phone::parse(p).map_err(|_| ()).ok().or_else(|| {
                    fail(
                        "phone",
                        "Tulis nomor telepon seperti 0812 3456 7890.",
                        "Write a phone number like 0812 3456 7890.",
                    );
                    None
                }),
            };
            let name = Some(f.name.trim().to_string()).filter(|n| !n.is_empty());
            Reporter { person: None, name, email, phone, nik, public_name: None }
        }
    };
    let keys: Vec<String> = f.kept.iter().map(|k| k.key.clone()).collect();
    let attachments = app.uploads(&f.uploader(), &keys).await.ok().unwrap_or_default();
    Some(Draft {
        kind: kind?,
        title: title?,
        description: description?,
        incident_date,
        location: Location { region, address: Some(f.address.trim().to_string()).filter(|a| !a.is_empty()), point },
        category,
        target_instansi: target,
        channel: channel?,
        privacy: Privacy { anonymous: f.anonymous, confidential: f.confidential },
        reporter,
        attachments,
    })
}

fn check_page(
    state: &AppState,
    v: &Visitor,
    f: ReportForm,
    draft: &Draft,
    error: Option<String>,
    mode: Mode,
) -> CheckPage {
    let reference = state.app.reference();
    let lang = v.lang;
    let regions = aduan_reference::regions::regions();
    let place = draft.location.region.as_ref().map(|r| regions.describe(r)).unwrap_or_default();
    let target = draft
        .target_instansi
        .map(|o| views::org_name(&reference, o))
        .unwrap_or_else(|| lang.t("Dipilih oleh verifikator", "Chosen by the screener").to_string());
    CheckPage {
        c: v.chrome(v.t("Periksa laporan Anda", "Check your report"), if mode.is_intake() { "input" } else { "lapor" }),
        action: mode.action(),
        intake: mode.is_intake(),
        channel: channel_label(lang, draft.channel).to_string(),
        kind_label: lang.t(draft.kind.label_id(), draft.kind.label_en()).to_string(),
        place,
        category: views::category_name(lang, &reference, draft.category),
        target,
        date: draft.incident_date.map(|d| format::date(lang, d)).unwrap_or_default(),
        guest: mode.asks_contact(v),
        error,
        f,
    }
}
