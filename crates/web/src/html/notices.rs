//! The pages of outgoing mail: a person's notice preferences, the one-click unsubscribe
//! link of every optional message, address verification and password reset.
//!
//! A link in a mail is often opened by a mail scanner before the person: a GET never
//! spends a token or changes anything, it shows a button and the POST acts. The
//! unsubscribe POST also takes RFC 8058 one-click posts from mail providers (no cookies,
//! no CSRF token): the signed token is the authority there.

use super::filing::FieldError;
use super::lang::Lang;
use super::session::Visitor;
use super::staff::Staff;
use super::{Chrome, PageError, PageResult, percent_encode, render, render_with, see_other};
use crate::AppState;
use crate::problem::Problem;
use aduan_domain::Refusal;
use aduan_domain::notice::{Audience, NoticeKind};
use aduan_domain::permission::Actor;
use aduan_domain::person::{Email, Person};
use aduan_service::{AppError, MIN_PASSWORD_LEN, RESET_LIFETIME_HOURS};
use askama::Template;
use axum::Form;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::Deserialize;

/// The reader of an account page. A member of staff acting in a role keeps the staff
/// header (their preferences include the staff notices).
pub struct Reader(Visitor);

impl FromRequestParts<AppState> for Reader {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let v = Visitor::from_request_parts(parts, state).await?;
        if matches!(v.caller.actor, Actor::Staff(_))
            && let Ok(staff) = Staff::from_request_parts(parts, state).await
        {
            return Ok(Reader(staff.v));
        }
        Ok(Reader(v))
    }
}

fn chrome(v: &Visitor, title: &str, section: &'static str) -> Chrome {
    let mut c = v.chrome(title, section);
    if v.staff.is_some() {
        c.styles.push("/assets/portal/staf.css");
    }
    c
}

#[derive(Deserialize, Default)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

// ── preferences ──────────────────────────────────────────────────────────────────────

/// One checkbox of the preferences page.
pub struct NoticeChoice {
    pub code: &'static str,
    pub label: &'static str,
    pub on: bool,
}

#[derive(Template)]
#[template(path = "akun_notifikasi.html")]
struct PreferencesPage {
    c: Chrome,
    /// Where the notices go, in words.
    destination: String,
    reporter: Vec<NoticeChoice>,
    staff: Vec<NoticeChoice>,
    saved: bool,
}

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    #[serde(default)]
    tersimpan: String,
}

const PREFERENCES: &str = "/akun/notifikasi";

/// `GET /akun/notifikasi`: the signed-in person's notices, each on or off.
pub async fn preferences(State(state): State<AppState>, Reader(v): Reader, Query(q): Query<SavedQuery>) -> PageResult {
    let Some(person) = &v.person else {
        return Ok(see_other(&format!("/masuk?ke={PREFERENCES}")));
    };
    let lang = v.lang;
    let mut reporter = Vec::new();
    let mut staff = Vec::new();
    for (kind, on) in state.app.notice_choices(person.id).await? {
        let choice = NoticeChoice { code: kind.as_str(), label: lang.t(kind.label_id(), kind.label_en()), on };
        match kind.audience() {
            Audience::Staff => staff.push(choice),
            _ => reporter.push(choice),
        }
    }
    let page = PreferencesPage {
        c: chrome(&v, v.t("Pemberitahuan", "Notifications"), "notifikasi"),
        destination: destination(lang, person),
        reporter,
        staff,
        saved: !q.tersimpan.is_empty(),
    };
    Ok(render(&page))
}

/// "Notices go to siti@contoh.id."
fn destination(lang: Lang, person: &Person) -> String {
    match (&person.email, &person.phone) {
        (Some(email), _) => lang.pick(
            format!("Pemberitahuan dikirim ke alamat e-mail {}.", email.as_str()),
            format!("Notifications go to the e-mail address {}.", email.as_str()),
        ),
        (None, Some(phone)) => lang.pick(
            format!("Pemberitahuan tentang laporan Anda dikirim lewat SMS/WhatsApp ke {}.", phone.as_str()),
            format!("Notifications about your reports go by SMS/WhatsApp to {}.", phone.as_str()),
        ),
        (None, None) => lang
            .t(
                "Akun Anda tidak memiliki alamat e-mail atau nomor telepon, jadi pemberitahuan tidak dapat dikirim.",
                "Your account has no e-mail address or phone number, so no notification can be sent.",
            )
            .to_string(),
    }
}

/// `POST /akun/notifikasi`: exactly the ticked notices on, the others off.
pub async fn save_preferences(
    State(state): State<AppState>,
    Reader(v): Reader,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let csrf = pairs.iter().find(|(k, _)| k == "csrf").map(|(_, value)| value.as_str()).unwrap_or_default();
    v.check_csrf(csrf)?;
    let Some(person) = &v.person else {
        return Ok(see_other(&format!("/masuk?ke={PREFERENCES}")));
    };
    let on: Vec<NoticeKind> =
        pairs.iter().filter(|(k, _)| k == "jenis").filter_map(|(_, value)| NoticeKind::parse(value)).collect();
    state.app.set_notice_choices(person.id, &on).await?;
    Ok(see_other(&format!("{PREFERENCES}?tersimpan=1")))
}

// ── unsubscribe ──────────────────────────────────────────────────────────────────────

#[derive(Template)]
#[template(path = "berhenti.html")]
struct UnsubscribePage {
    c: Chrome,
    token: String,
    label: String,
    done: bool,
}

fn bad_unsubscribe_link() -> PageError {
    PageError::from(Problem::new(
        StatusCode::NOT_FOUND,
        "unsubscribe_link",
        "This unsubscribe link is not valid: it may be cut short or changed. Open the whole link from the \
         message again, or sign in and choose your notifications in your account.",
        "Tautan berhenti berlangganan ini tidak berlaku: mungkin terpotong atau diubah. Buka lagi tautan \
         lengkap dari pesan, atau masuk lalu atur pemberitahuan di akun Anda.",
    ))
}

/// The kind of notice a genuine unsubscribe token names; nothing is changed.
fn unsubscribe_kind(state: &AppState, token: &str) -> Option<NoticeKind> {
    state.app.read_unsubscribe_token(token).ok().map(|(kind, _)| kind)
}

/// `GET /berhenti/{token}`: names the notice and asks to confirm.
pub async fn unsubscribe_page(
    State(state): State<AppState>,
    Reader(v): Reader,
    Path(token): Path<String>,
) -> PageResult {
    let kind = unsubscribe_kind(&state, &token).ok_or_else(bad_unsubscribe_link)?;
    let page = UnsubscribePage {
        c: chrome(&v, v.t("Berhenti menerima pemberitahuan", "Stop notifications"), "berhenti"),
        token: percent_encode(token.trim()),
        label: v.t(kind.label_id(), kind.label_en()).to_string(),
        done: false,
    };
    Ok(render(&page))
}

/// `POST /berhenti/{token}`: turns the notice off. The page's button and a mail
/// provider's one-click post (`List-Unsubscribe=One-Click`, RFC 8058) both land here;
/// the body is not read and no CSRF token is asked for.
pub async fn unsubscribe(State(state): State<AppState>, Reader(v): Reader, Path(token): Path<String>) -> PageResult {
    let kind = match state.app.unsubscribe(&token).await {
        Ok(kind) => kind,
        Err(AppError::NotFound(_)) => return Err(bad_unsubscribe_link()),
        Err(e) => return Err(e.into()),
    };
    let page = UnsubscribePage {
        c: chrome(&v, v.t("Berhenti berlangganan", "Unsubscribed"), "berhenti"),
        token: String::new(),
        label: v.t(kind.label_id(), kind.label_en()).to_string(),
        done: true,
    };
    Ok(render(&page))
}

// ── address verification ─────────────────────────────────────────────────────────────

#[derive(Template)]
#[template(path = "verifikasi.html")]
struct VerifyPage {
    c: Chrome,
    token: String,
    /// `ask` (the button), `done` or `expired`.
    outcome: &'static str,
    signed_in: bool,
}

/// `GET /akun/verifikasi/{token}`: a button; the token is not spent.
pub async fn verify_page(Reader(v): Reader, Path(token): Path<String>) -> PageResult {
    let page = VerifyPage {
        c: chrome(&v, v.t("Konfirmasi alamat e-mail", "Confirm your e-mail address"), "akun"),
        token: percent_encode(token.trim()),
        outcome: "ask",
        signed_in: v.person.is_some(),
    };
    Ok(render(&page))
}

/// `POST /akun/verifikasi/{token}`: confirms the address (once).
pub async fn verify(
    State(state): State<AppState>,
    Reader(v): Reader,
    Path(token): Path<String>,
    Form(form): Form<CsrfOnly>,
) -> PageResult {
    v.check_csrf(&form.csrf)?;
    let (outcome, status, title) = match state.app.verify_email(&token).await {
        Ok(_) => ("done", StatusCode::OK, v.t("Alamat e-mail terverifikasi", "E-mail address confirmed")),
        Err(AppError::Refused(_)) => ("expired", StatusCode::GONE, v.t("Tautan tidak berlaku", "Link no longer valid")),
        Err(e) => return Err(e.into()),
    };
    let page =
        VerifyPage { c: chrome(&v, title, "akun"), token: String::new(), outcome, signed_in: v.person.is_some() };
    Ok(render_with(status, &page))
}

/// `POST /akun/verifikasi`: mails the signed-in person a new confirmation link.
pub async fn resend_verification(
    State(state): State<AppState>,
    Reader(v): Reader,
    Form(form): Form<CsrfOnly>,
) -> PageResult {
    v.check_csrf(&form.csrf)?;
    let Some(person) = &v.person else {
        return Ok(see_other("/masuk?ke=/laporan-saya"));
    };
    // Each request sends a mail: as throttled as signing in.
    state.limits.check_sign_in(v.addr).map_err(PageError::from)?;
    let sent = state.app.request_email_verification(person.id).await?;
    Ok(see_other(if sent { "/laporan-saya?verifikasi=terkirim" } else { "/laporan-saya" }))
}

// ── password reset ───────────────────────────────────────────────────────────────────

#[derive(Template)]
#[template(path = "lupa_sandi.html")]
struct ForgotPage {
    c: Chrome,
    email: String,
    errors: Vec<FieldError>,
    sent: bool,
    hours: i64,
}

impl ForgotPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

#[derive(Deserialize, Default)]
pub struct SentQuery {
    #[serde(default)]
    terkirim: String,
}

/// `GET /lupa-sandi`: the address form, or (after it) the same answer for any address.
pub async fn forgot_form(Reader(v): Reader, Query(q): Query<SentQuery>) -> PageResult {
    let page = ForgotPage {
        c: chrome(&v, v.t("Lupa kata sandi", "Forgot your password"), "masuk"),
        email: String::new(),
        errors: Vec::new(),
        sent: !q.terkirim.is_empty(),
        hours: RESET_LIFETIME_HOURS,
    };
    Ok(render(&page))
}

#[derive(Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
}

/// `POST /lupa-sandi`: mails a reset link when an account has the address. The answer
/// is the same either way, so the form tells nobody which addresses have accounts.
pub async fn forgot(State(state): State<AppState>, Reader(v): Reader, Form(form): Form<ForgotForm>) -> PageResult {
    v.check_csrf(&form.csrf)?;
    let lang = v.lang;
    let again = |status: StatusCode, message: String| {
        let page = ForgotPage {
            c: chrome(&v, v.t("Lupa kata sandi", "Forgot your password"), "masuk"),
            email: form.email.clone(),
            errors: vec![FieldError { field: "email", message }],
            sent: false,
            hours: RESET_LIFETIME_HOURS,
        };
        render_with(status, &page)
    };
    if let Err(p) = state.limits.check_sign_in(v.addr) {
        let wait = p.retry_after.unwrap_or(60);
        let message = lang.pick(
            format!("Terlalu banyak percobaan. Coba lagi dalam {wait} detik."),
            format!("Too many attempts. Try again in {wait} seconds."),
        );
        return Ok(again(StatusCode::TOO_MANY_REQUESTS, message));
    }
    if Email::parse(&form.email).is_err() {
        let message = lang.t(
            "Tulis alamat e-mail akun Anda, seperti nama@contoh.id.",
            "Write your account's e-mail address, like name@example.id.",
        );
        return Ok(again(StatusCode::UNPROCESSABLE_ENTITY, message.into()));
    }
    state.app.request_password_reset(&form.email).await?;
    Ok(see_other("/lupa-sandi?terkirim=1"))
}

#[derive(Template)]
#[template(path = "atur_sandi.html")]
struct ResetPage {
    c: Chrome,
    token: String,
    errors: Vec<FieldError>,
    expired: bool,
    min: usize,
}

impl ResetPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

fn reset_page(v: &Visitor, token: &str, errors: Vec<FieldError>, expired: bool) -> ResetPage {
    let title = if expired {
        v.t("Tautan tidak berlaku", "Link no longer valid")
    } else {
        v.t("Buat kata sandi baru", "Choose a new password")
    };
    ResetPage {
        c: chrome(v, title, "masuk"),
        token: percent_encode(token.trim()),
        errors,
        expired,
        min: MIN_PASSWORD_LEN,
    }
}

/// `GET /atur-sandi/{token}`: the new password form; the token is not spent.
pub async fn reset_form(Reader(v): Reader, Path(token): Path<String>) -> PageResult {
    Ok(render(&reset_page(&v, &token, Vec::new(), false)))
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password2: String,
}

/// `POST /atur-sandi/{token}`: sets the new password (the token is spent only then) and
/// goes on to sign in.
pub async fn reset(
    State(state): State<AppState>,
    Reader(v): Reader,
    Path(token): Path<String>,
    Form(form): Form<ResetForm>,
) -> PageResult {
    v.check_csrf(&form.csrf)?;
    let lang = v.lang;
    let short = || FieldError {
        field: "password",
        message: lang.pick(
            format!("Kata sandi paling sedikit {MIN_PASSWORD_LEN} karakter."),
            format!("The password needs at least {MIN_PASSWORD_LEN} characters."),
        ),
    };
    let mut errors = Vec::new();
    if let Err(p) = state.limits.check_sign_in(v.addr) {
        let wait = p.retry_after.unwrap_or(60);
        let message = lang.pick(
            format!("Terlalu banyak percobaan. Coba lagi dalam {wait} detik."),
            format!("Too many attempts. Try again in {wait} seconds."),
        );
        errors.push(FieldError { field: "password", message });
        return Ok(render_with(StatusCode::TOO_MANY_REQUESTS, &reset_page(&v, &token, errors, false)));
    }
    if form.password.chars().count() < MIN_PASSWORD_LEN {
        errors.push(short());
    } else if form.password != form.password2 {
        errors.push(FieldError {
            field: "password2",
            message: lang.t("Kedua kata sandi tidak sama.", "The two passwords differ.").into(),
        });
    }
    if errors.is_empty() {
        match state.app.reset_password(&token, &form.password).await {
            Ok(_) => return Ok(see_other("/masuk?sandi=baru")),
            Err(AppError::Refused(Refusal::Invalid { .. })) => errors.push(short()),
            Err(AppError::Refused(_)) => {
                return Ok(render_with(StatusCode::GONE, &reset_page(&v, "", Vec::new(), true)));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &reset_page(&v, &token, errors, false)))
}
