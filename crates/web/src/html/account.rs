//! Accounts: register, sign in, sign out, "my reports". A session is a sign-in token of
//! the service in an HttpOnly cookie; sign-in attempts are throttled per address. A new
//! account is mailed a link that confirms its address; "my reports" offers it again
//! until the address is confirmed (the pages of mail are in `notices`).

use super::lang::Lang;
use super::session::{SESSION_COOKIE, Visitor, is_local_path};
use super::views::Row;
use super::{Chrome, PageResult, render, render_with, see_other};
use crate::AppState;
use aduan_domain::person::{Locale, Role};
use aduan_service::{AppError, Issued};
use aduan_store::{Cursor, PageRequest, ReportFilter, Scope};
use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::cookie::{Cookie, CookieJar};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct Next {
    ke: Option<String>,
    /// `baru` after a password reset: the sign-in form says the new password is saved.
    #[serde(default)]
    sandi: Option<String>,
}

impl Next {
    fn target(&self, default: &str) -> String {
        self.ke.clone().filter(|p| is_local_path(p)).unwrap_or_else(|| default.into())
    }
}

#[derive(Template)]
#[template(path = "masuk.html")]
struct SignInPage {
    c: Chrome,
    email: String,
    next: String,
    error: Option<String>,
    notice: Option<String>,
}

/// `GET /masuk`.
pub async fn sign_in_form(v: Visitor, Query(next): Query<Next>) -> PageResult {
    let page = SignInPage {
        c: v.chrome(v.t("Masuk", "Sign in"), "masuk"),
        email: String::new(),
        // Empty unless asked: after sign-in a citizen goes to "my reports", staff to their desk.
        next: next.target(""),
        error: None,
        notice: (next.sandi.as_deref() == Some("baru")).then(|| {
            v.t(
                "Kata sandi baru Anda tersimpan. Silakan masuk dengannya.",
                "Your new password is saved. Sign in with it.",
            )
            .to_string()
        }),
    };
    Ok(render(&page))
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    ke: String,
}

/// `POST /masuk`.
pub async fn sign_in(State(state): State<AppState>, v: Visitor, Form(form): Form<SignInForm>) -> PageResult {
    v.check_csrf(&form.csrf)?;
    let next = Next { ke: Some(form.ke.clone()), sandi: None }.target("/laporan-saya");
    let again = |status: StatusCode, error: &str| {
        let page = SignInPage {
            c: v.chrome(v.t("Masuk", "Sign in"), "masuk"),
            email: form.email.clone(),
            next: Next { ke: Some(form.ke.clone()), sandi: None }.target(""),
            error: Some(error.into()),
            notice: None,
        };
        render_with(status, &page)
    };
    if let Err(p) = state.limits.check_sign_in(v.addr) {
        let wait = p.retry_after.unwrap_or(60);
        let msg = v.lang.pick(
            format!("Terlalu banyak percobaan masuk. Coba lagi dalam {wait} detik."),
            format!("Too many sign-in attempts. Try again in {wait} seconds."),
        );
        return Ok(again(StatusCode::TOO_MANY_REQUESTS, &msg));
    }
    match state.app.sign_in_citizen(&form.email, &form.password).await {
        Ok(issued) => {
            // Staff start in their first role, unless they came to do something as a citizen.
            let to_staff = form.ke.trim().is_empty() || form.ke.starts_with("/staf");
            let caller = aduan_service::Caller {
                actor: aduan_domain::permission::Actor::Citizen(issued.credential.person),
                credential: Some(issued.credential.clone()),
            };
            let staff = if to_staff { super::staff::after_sign_in(&state, &caller).await? } else { None };
            match staff {
                Some(staff) => {
                    let to = if form.ke.starts_with("/staf") {
                        next.clone()
                    } else {
                        super::staff::landing(staff.acting.as_ref().map_or(Role::Reporter, |a| a.role)).to_string()
                    };
                    Ok(start_session(&state, &v, staff, &to))
                }
                _ => Ok(start_session(&state, &v, issued, &next)),
            }
        }
        Err(AppError::Unauthenticated(_)) => Ok(again(
            StatusCode::UNAUTHORIZED,
            v.t("E-mail atau kata sandi salah.", "Wrong e-mail address or password."),
        )),
        Err(e) => Err(e.into()),
    }
}

/// Sets the session cookie (for the token's lifetime) and a fresh CSRF token, then
/// goes on to `next`.
fn start_session(state: &AppState, v: &Visitor, issued: Issued, next: &str) -> axum::response::Response {
    let mut session = v.cookie(SESSION_COOKIE, issued.secret);
    let lifetime = state.app.options().token_lifetime.num_seconds();
    session.set_max_age(Some(cookie::time::Duration::seconds(lifetime)));
    // A new session gets a new CSRF token: one planted before sign-in is worth nothing.
    let jar = CookieJar::new().add(session).add(Cookie::build((super::CSRF_COOKIE, "")).path("/").removal().build());
    (jar, see_other(next)).into_response()
}

#[derive(Template)]
#[template(path = "daftar.html")]
struct RegisterPage {
    c: Chrome,
    name: String,
    email: String,
    phone: String,
    next: String,
    errors: Vec<super::filing::FieldError>,
}

impl RegisterPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

/// `GET /daftar`.
pub async fn register_form(v: Visitor, Query(next): Query<Next>) -> PageResult {
    let page = RegisterPage {
        c: v.chrome(v.t("Daftar", "Register"), "masuk"),
        name: String::new(),
        email: String::new(),
        phone: String::new(),
        next: next.target("/laporan-saya"),
        errors: Vec::new(),
    };
    Ok(render(&page))
}

#[derive(Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password2: String,
    #[serde(default)]
    ke: String,
}

/// `POST /daftar`: creates a citizen account and signs it in.
pub async fn register(State(state): State<AppState>, v: Visitor, Form(form): Form<RegisterForm>) -> PageResult {
    use super::filing::FieldError;
    v.check_csrf(&form.csrf)?;
    let next = Next { ke: Some(form.ke.clone()), sandi: None }.target("/laporan-saya");
    let lang = v.lang;
    let mut errors = Vec::new();
    let limited = state.limits.check_sign_in(v.addr).is_err();
    let phone = form.phone.trim();
    {
        let mut fail =
            |field: &'static str, id: &str, en: &str| errors.push(FieldError { field, message: lang.t(id, en).into() });
        if form.name.trim().is_empty() || form.name.trim().chars().count() > 120 {
            fail("name", "Tulis nama Anda, paling panjang 120 karakter.", "Write your name, at most 120 characters.");
        }
        if aduan_domain::person::Email::parse(&form.email).is_err() {
            fail(
                "email",
                "Tulis alamat e-mail seperti nama@contoh.id.",
                "Write an e-mail address like name@example.id.",
            );
        }
        if !phone.is_empty() && aduan_domain::person::Phone::parse(phone).is_err() {
            fail("phone", "Tulis nomor telepon seperti 0812 3456 7890.", "Write a phone number like 0812 3456 7890.");
        }
        if form.password.chars().count() < aduan_service::MIN_PASSWORD_LEN {
            fail("password", "Kata sandi paling sedikit 10 karakter.", "The password needs at least 10 characters.");
        } else if form.password != form.password2 {
            fail("password2", "Kedua kata sandi tidak sama.", "The two passwords differ.");
        }
        if limited {
            fail("form", "Terlalu banyak percobaan. Coba lagi sebentar lagi.", "Too many attempts. Try again shortly.");
        }
    }
    if errors.is_empty() {
        let locale = if v.lang == Lang::En { Locale::En } else { Locale::Id };
        let phone = Some(phone).filter(|p| !p.is_empty());
        match state.app.add_person(&form.name, Some(&form.email), phone, locale, Some(&form.password)).await {
            Ok(person) => {
                // The address is confirmed by mail; a failure there does not undo the account.
                if let Err(e) = state.app.request_email_verification(person).await {
                    tracing::warn!(person = %person, error = %e, "address verification not sent");
                }
                let issued = state.app.sign_in_citizen(&form.email, &form.password).await?;
                return Ok(start_session(&state, &v, issued, &next));
            }
            Err(AppError::Conflict(_)) => errors.push(FieldError {
                field: "email",
                message: lang
                    .t(
                        "Alamat e-mail ini sudah terdaftar. Masuk, atau pakai alamat lain.",
                        "This e-mail address is already registered. Sign in, or use another address.",
                    )
                    .into(),
            }),
            Err(AppError::Refused(r)) => {
                errors.push(FieldError { field: "form", message: lang.pick(r.message_id(), r.to_string()) })
            }
            Err(e) => return Err(e.into()),
        }
    }
    let status = if limited { StatusCode::TOO_MANY_REQUESTS } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = RegisterPage {
        c: v.chrome(v.t("Daftar", "Register"), "masuk"),
        name: form.name,
        email: form.email,
        phone: form.phone,
        next,
        errors,
    };
    Ok(render_with(status, &page))
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// `POST /keluar`: the session's token is revoked and its cookie removed.
pub async fn sign_out(State(state): State<AppState>, v: Visitor, Form(form): Form<CsrfOnly>) -> PageResult {
    v.check_csrf(&form.csrf)?;
    if v.caller.credential.is_some() {
        state.app.sign_out(&v.caller).await?;
    }
    let jar = CookieJar::new().add(Cookie::build((SESSION_COOKIE, "")).path("/").removal().build());
    Ok((jar, see_other("/")).into_response())
}

#[derive(Template)]
#[template(path = "laporan_saya.html")]
struct MinePage {
    c: Chrome,
    name: String,
    rows: Vec<Row>,
    next: Option<String>,
    /// The account's address, when it has one.
    email: String,
    /// The address is not confirmed yet (and mail can be sent to confirm it).
    unverified: bool,
    /// A confirmation link was just sent.
    verification_sent: bool,
    verify_hours: i64,
}

#[derive(Deserialize, Default)]
pub struct MineQuery {
    setelah: Option<String>,
    /// `terkirim` after a confirmation link was sent again.
    #[serde(default)]
    verifikasi: Option<String>,
}

/// `GET /laporan-saya`: the signed-in person's reports, newest first.
pub async fn my_reports(State(state): State<AppState>, v: Visitor, Query(q): Query<MineQuery>) -> PageResult {
    let Some(person) = &v.person else {
        return Ok(see_other("/masuk?ke=/laporan-saya"));
    };
    let app = &state.app;
    let after = q.setelah.as_deref().and_then(Cursor::decode);
    let page = app.list_reports(&v.citizen(), ReportFilter::new(Scope::All), &PageRequest::after(20, after)).await?;
    let reference = app.reference();
    let rows = page
        .items
        .iter()
        .map(|s| {
            let mut row = Row::of(v.lang, &reference, s);
            row.href = format!("/lapor/{}", s.tracking);
            row
        })
        .collect();
    let unverified = person.email.is_some()
        && app.options().media.email
        && app.store().email_verified_at(person.id).await.map_err(AppError::from)?.is_none();
    let page = MinePage {
        c: v.chrome(v.t("Laporan saya", "My reports"), "saya"),
        name: person.display_name.clone(),
        rows,
        next: page.next.map(|c| format!("/laporan-saya?setelah={}", super::percent_encode(&c.encode()))),
        email: person.email.as_ref().map(|e| e.as_str().to_string()).unwrap_or_default(),
        unverified,
        verification_sent: q.verifikasi.as_deref() == Some("terkirim"),
        verify_hours: aduan_service::VERIFY_LIFETIME_HOURS,
    };
    Ok(render(&page))
}
