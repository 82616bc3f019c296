//! Use cases around outgoing messages: reminders and digests the scheduler writes,
//! account mail (address verification, password reset), notice preferences and
//! one-click unsubscribe, webhooks, and the outbox's failed messages.

use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::people::hash_password;
use crate::secrets::{hash_secret, new_secret};
use aduan_domain::Refusal;
use aduan_domain::deadline::Standing;
use aduan_domain::ids::{MessageId, OrgId, PersonId, WebhookId};
use aduan_domain::notice::decide::{Notice, closing_soon, due_soon};
use aduan_domain::notice::{
    Audience, DigestItem, Facts, Medium, Message, NewAccountToken, NewMessage, NewWebhook, NoticeKind, TokenPurpose,
    WEBHOOK_EVENTS, Webhook, subject_of,
};
use aduan_domain::org::OrgKind;
use aduan_domain::permission::{Actor, Permission, authorize_deployment_admin, require_permission};
use aduan_domain::person::{Email, Person, Role};
use aduan_domain::status::Status;
use aduan_domain::time::words;
use aduan_store::{MessageFilter, PageRequest, ReportFilter, Scope, SortOrder};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::BTreeMap;

/// How long an address-verification link works.
pub const VERIFY_LIFETIME_HOURS: i64 = 48;
/// How long a password-reset link works.
pub const RESET_LIFETIME_HOURS: i64 = 2;
/// Most reports looked at per reminder pass (the rest wait for the next pass).
const REMINDER_SCAN: u32 = 5000;
/// Reports listed in a digest.
const DIGEST_ITEMS: u32 = 20;
/// Local hour from which a coordinator's daily digest goes.
const DIGEST_HOUR: u32 = 7;
/// The reporter hears this many working days before an answered report closes itself.
const CLOSING_NOTICE_DAYS: u32 = 2;

/// What a reminder pass wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reminders {
    pub due_soon: usize,
    pub closing_soon: usize,
    pub digests: usize,
}

impl App {
    // ── reminders and digests (the scheduler calls this) ───────────────────────────

    /// Writes the reminders due now: deadlines within one working day, reports closing
    /// within two, coordinators' daily digests. Each goes once (its dedupe key), so a
    /// pass may run as often as wanted, by several processes.
    pub async fn queue_reminders(&self) -> AppResult<Reminders> {
        let mut done = Reminders { due_soon: self.remind_due_soon().await?, ..Reminders::default() };
        done.closing_soon = self.remind_closing().await?;
        done.digests = self.queue_digests().await?;
        Ok(done)
    }

    async fn remind_due_soon(&self) -> AppResult<usize> {
        let now = self.now();
        // Ordered by due date: past the horizon nothing can be due within a working day
        // (a week covers the longest run of holidays and weekends).
        let horizon = now + chrono::Duration::days(7);
        let mut filter = ReportFilter::new(Scope::All);
        filter.statuses = vec![Status::Submitted, Status::Forwarded, Status::InProgress];
        filter.order = SortOrder::Deadline;
        let mut written = 0;
        for id in self.report_ids(&filter, |summary| summary.due.is_some_and(|(due, _)| due <= horizon)).await? {
            let Some(report) = self.store().report(id).await? else { continue };
            let reference = self.reference();
            let notices: Vec<Notice> = due_soon(&report, &reference.orgs)
                .into_iter()
                .filter(|n| {
                    n.due.is_some_and(|(due, zone)| {
                        Standing::of(due, now, zone, &reference.calendar) == Standing::DueSoon
                    })
                })
                .collect();
            let messages = self.messages_for(&report, notices, None).await?;
            written += self.store().enqueue(&messages).await?;
        }
        Ok(written)
    }

    async fn remind_closing(&self) -> AppResult<usize> {
        let now = self.now();
        let mut filter = ReportFilter::new(Scope::All);
        filter.statuses = vec![Status::Responded];
        filter.order = SortOrder::Oldest;
        let mut written = 0;
        for id in self.report_ids(&filter, |_| true).await? {
            let Some(report) = self.store().report(id).await? else { continue };
            let Some(notice) = closing_soon(&report) else { continue };
            let Some((due, zone)) = notice.due else { continue };
            let notice_from = self.reference().calendar.add_working_days(now, CLOSING_NOTICE_DAYS, zone).0;
            if now < due && notice_from >= due {
                let messages = self.messages_for(&report, vec![notice], None).await?;
                written += self.store().enqueue(&messages).await?;
            }
        }
        Ok(written)
    }

    /// The reports of `filter`, in its order, while `go_on` holds for their rows, up to
    /// [`REMINDER_SCAN`].
    async fn report_ids(
        &self,
        filter: &ReportFilter,
        go_on: impl Fn(&aduan_store::ReportSummary) -> bool,
    ) -> AppResult<Vec<aduan_domain::ids::ReportId>> {
        let mut page = PageRequest::first(PageRequest::MAX_LIMIT);
        let mut out = Vec::new();
        loop {
            let rows = self.store().list_reports(filter, &page).await?;
            for row in &rows.items {
                if !go_on(row) || out.len() >= REMINDER_SCAN as usize {
                    return Ok(out);
                }
                out.push(row.id);
            }
            match rows.next {
                Some(next) => page.after = Some(next),
                None => return Ok(out),
            }
        }
    }

    /// One digest per coordinator per local working day, from [`DIGEST_HOUR`].
    async fn queue_digests(&self) -> AppResult<usize> {
        let now = self.now();
        let reference = self.reference();
        let instansi: Vec<OrgId> =
            reference.orgs.iter().filter(|o| o.kind == OrgKind::Instansi && o.active).map(|o| o.id).collect();
        let mut coordinators: BTreeMap<OrgId, Vec<Person>> = BTreeMap::new();
        for (person, assignment) in self.store().staff_of(&instansi).await? {
            if assignment.role == Role::Coordinator && person.active && person.email.is_some() {
                coordinators.entry(assignment.org).or_default().push(person);
            }
        }
        let media = self.options().media;
        if !media.email {
            return Ok(0);
        }
        let mut written = 0;
        for (org, people) in coordinators {
            let zone = reference.orgs.zone_of(org);
            let local = zone.local(now);
            let today = local.date_naive();
            if chrono::Timelike::hour(&local) < DIGEST_HOUR || !reference.calendar.is_working_day(today) {
                continue;
            }
            let mut filter = ReportFilter::new(Scope::All);
            filter.instansi = Some(org);
            filter.statuses = vec![Status::Forwarded, Status::InProgress, Status::Responded];
            filter.order = SortOrder::Deadline;
            let rows = self.store().list_reports(&filter, &PageRequest::first(DIGEST_ITEMS)).await?;
            if rows.items.is_empty() {
                continue;
            }
            for person in people {
                let Some(email) = &person.email else { continue };
                let subject = subject_of(Some(person.id), email.as_str());
                if self.store().opt_outs(&subject).await?.contains(&NoticeKind::Digest) {
                    continue;
                }
                let items = rows
                    .items
                    .iter()
                    .map(|r| DigestItem {
                        tracking: r.tracking.to_string(),
                        title: r.title.clone(),
                        status: r.status.as_str().to_string(),
                        due: r.due.map(|(at, zone)| words::moment(person.locale, at, zone)),
                        overdue: r.overdue || r.due.is_some_and(|(at, _)| at < now),
                    })
                    .collect();
                let message = NewMessage {
                    kind: NoticeKind::Digest,
                    medium: Medium::Email,
                    address: email.as_str().to_string(),
                    locale: person.locale,
                    person: Some(person.id),
                    report: None,
                    webhook: None,
                    facts: Facts {
                        org: Some(reference.orgs.name_of(org).to_string()),
                        link: Some("/staf/antrian".into()),
                        items,
                        ..Facts::default()
                    },
                    dedupe_key: Some(format!("digest:{org}:{today}:{subject}")),
                    created_at: now,
                };
                written += self.store().enqueue(&[message]).await?;
            }
        }
        Ok(written)
    }

    // ── account mail ───────────────────────────────────────────────────────────────

    /// Mails a link that confirms the person's address (after registration, or again
    /// on request). Nothing is sent without an address or without e-mail configured.
    pub async fn request_email_verification(&self, person: PersonId) -> AppResult<bool> {
        let Some(person) = self.store().person(person).await? else {
            return Err(AppError::NotFound(format!("person {person}")));
        };
        if self.store().email_verified_at(person.id).await?.is_some() {
            return Ok(false);
        }
        self.mail_account_token(&person, TokenPurpose::VerifyEmail).await
    }

    /// Confirms an address with the link's token (once).
    pub async fn verify_email(&self, token: &str) -> AppResult<PersonId> {
        let now = self.now();
        let person = self
            .store()
            .use_account_token(&hash_secret(token.trim()), TokenPurpose::VerifyEmail, now)
            .await?
            .ok_or_else(expired_link)?;
        self.store().set_email_verified(person, now).await?;
        tracing::info!(person = %person, "e-mail address verified");
        Ok(person)
    }

    /// Mails a password-reset link to the account with this address, if there is one.
    /// The answer is the same either way, so the form reveals no addresses.
    pub async fn request_password_reset(&self, email: &str) -> AppResult<()> {
        let Ok(email) = Email::parse(email) else { return Ok(()) };
        match self.store().person_by_email(&email).await? {
            Some(person) if person.active => {
                self.mail_account_token(&person, TokenPurpose::ResetPassword).await?;
            }
            _ => tracing::info!("password reset asked for an unknown address"),
        }
        Ok(())
    }

    /// Sets a new password with a reset link's token (once). The password is checked
    /// first, so a too-short one does not spend the link.
    pub async fn reset_password(&self, token: &str, password: &str) -> AppResult<PersonId> {
        let hash = hash_password(password)?;
        let now = self.now();
        let person = self
            .store()
            .use_account_token(&hash_secret(token.trim()), TokenPurpose::ResetPassword, now)
            .await?
            .ok_or_else(expired_link)?;
        self.store().set_password_hash(person, &hash).await?;
        // Whoever could read the mail could also have confirmed the address.
        if self.store().email_verified_at(person).await?.is_none() {
            self.store().set_email_verified(person, now).await?;
        }
        tracing::info!(person = %person, "password reset");
        Ok(person)
    }

    async fn mail_account_token(&self, person: &Person, purpose: TokenPurpose) -> AppResult<bool> {
        let Some(email) = &person.email else { return Ok(false) };
        if !self.options().media.email {
            tracing::warn!(person = %person.id, purpose = purpose.as_str(), "no e-mail configured: account mail not sent");
            return Ok(false);
        }
        let now = self.now();
        let (hours, kind, path) = match purpose {
            TokenPurpose::VerifyEmail => (VERIFY_LIFETIME_HOURS, NoticeKind::VerifyEmail, "/akun/verifikasi"),
            TokenPurpose::ResetPassword => (RESET_LIFETIME_HOURS, NoticeKind::ResetPassword, "/atur-sandi"),
        };
        let token = new_secret();
        let expires_at = now + chrono::Duration::hours(hours);
        self.store()
            .create_account_token(&NewAccountToken {
                hash: hash_secret(&token),
                person: person.id,
                purpose,
                created_at: now,
                expires_at,
            })
            .await?;
        let message = NewMessage {
            kind,
            medium: Medium::Email,
            address: email.as_str().to_string(),
            locale: person.locale,
            person: Some(person.id),
            report: None,
            webhook: None,
            facts: Facts {
                link: Some(format!("{path}/{token}")),
                due: Some(words::moment(person.locale, expires_at, aduan_domain::time::Zone::Wib)),
                ..Facts::default()
            },
            dedupe_key: None,
            created_at: now,
        };
        self.store().enqueue(&[message]).await?;
        Ok(true)
    }

    // ── preferences and unsubscribe ────────────────────────────────────────────────

    /// The notices a person may turn on or off, each with whether it is on. Staff
    /// notices are listed only to people with a staff role.
    pub async fn notice_choices(&self, person: PersonId) -> AppResult<Vec<(NoticeKind, bool)>> {
        let staff = self.store().assignments(person).await?.iter().any(|a| a.is_active());
        let off = self.store().opt_outs(&subject_of(Some(person), "")).await?;
        Ok(NoticeKind::optional()
            .filter(|k| k.audience() == Audience::Reporter || (staff && k.audience() == Audience::Staff))
            .map(|k| (k, !off.contains(&k)))
            .collect())
    }

    /// Turns on exactly the notices in `on` among the person's choices.
    pub async fn set_notice_choices(&self, person: PersonId, on: &[NoticeKind]) -> AppResult<()> {
        let subject = subject_of(Some(person), "");
        let now = self.now();
        for (kind, _) in self.notice_choices(person).await? {
            self.store().set_opt_out(&subject, kind, !on.contains(&kind), now).await?;
        }
        Ok(())
    }

    /// The token of a one-click unsubscribe link for one kind of notice.
    pub fn unsubscribe_token(&self, message: &NewMessage) -> Option<String> {
        if message.kind.essential() {
            return None;
        }
        let subject = subject_of(message.person, &message.address);
        let payload = format!("{}.{}", message.kind.as_str(), hex::encode(subject.as_bytes()));
        Some(format!("{payload}.{}", self.sign(&payload)))
    }

    /// The kind of notice a genuine unsubscribe token names, and whose it is; nothing
    /// changes (a page may ask before unsubscribing).
    pub fn read_unsubscribe_token(&self, token: &str) -> AppResult<(NoticeKind, String)> {
        let bad = || AppError::NotFound("unsubscribe link".into());
        let (payload, signature) = token.trim().rsplit_once('.').ok_or_else(bad)?;
        if !self.signature_matches(payload, signature) {
            return Err(bad());
        }
        let (kind, subject) = payload.split_once('.').ok_or_else(bad)?;
        let kind = NoticeKind::parse(kind).filter(|k| !k.essential()).ok_or_else(bad)?;
        let subject = hex::decode(subject).ok().and_then(|s| String::from_utf8(s).ok()).ok_or_else(bad)?;
        Ok((kind, subject))
    }

    /// Turns off the kind of notice a link's token names; the same link works again.
    pub async fn unsubscribe(&self, token: &str) -> AppResult<NoticeKind> {
        let (kind, subject) = self.read_unsubscribe_token(token)?;
        self.store().set_opt_out(&subject, kind, true, self.now()).await?;
        tracing::info!(kind = kind.as_str(), "unsubscribed");
        Ok(kind)
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC takes a key of any length.
        <Hmac<Sha256> as Mac>::new_from_slice(&self.options().signing_key).unwrap_or_else(|_| unreachable!())
    }

    fn sign(&self, payload: &str) -> String {
        let mut mac = self.mac();
        mac.update(payload.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    fn signature_matches(&self, payload: &str, signature: &str) -> bool {
        let Ok(bytes) = hex::decode(signature) else { return false };
        let mut mac = self.mac();
        mac.update(payload.as_bytes());
        mac.verify_slice(&bytes).is_ok()
    }

    // ── webhooks ───────────────────────────────────────────────────────────────────

    /// Registers a webhook for an organisation in `by`'s scope. Returns it with its
    /// signing secret, which the admin copies into the receiving system.
    pub async fn register_webhook(&self, by: &Actor, org: OrgId, url: &str, events: &[String]) -> AppResult<Webhook> {
        self.authorize_admin(by, Permission::ManageWebhooks, org)?;
        let url = parse_webhook_url(url)?;
        let mut wanted = Vec::new();
        for event in events.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
            if !WEBHOOK_EVENTS.contains(&event) {
                return Err(Refusal::invalid("events", format!("{event:?} is not an event")).into());
            }
            if !wanted.iter().any(|w: &String| w == event) {
                wanted.push(event.to_string());
            }
        }
        let hook = NewWebhook { org, url, events: wanted, secret: new_secret() };
        let now = self.now();
        let id = self.store().create_webhook(&hook, now).await?;
        tracing::info!(webhook = %id, org = %org, by = ?by.person(), "webhook registered");
        Ok(Webhook {
            id,
            org: hook.org,
            url: hook.url,
            events: hook.events,
            secret: hook.secret,
            active: true,
            created_at: now,
        })
    }

    /// The webhooks of `by`'s scope.
    pub async fn webhooks_in_scope(&self, by: &Actor) -> AppResult<Vec<Webhook>> {
        require_permission(by, Permission::ManageWebhooks)?;
        let reference = self.reference();
        let mine = |h: &Webhook| by.staff().is_none_or(|s| reference.orgs.is_within(h.org, s.org));
        Ok(self.store().webhooks().await?.into_iter().filter(mine).collect())
    }

    async fn webhook_by(&self, by: &Actor, id: WebhookId) -> AppResult<Webhook> {
        let hook = self
            .webhooks_in_scope(by)
            .await?
            .into_iter()
            .find(|h| h.id == id)
            .ok_or_else(|| AppError::NotFound(format!("webhook {id}")))?;
        Ok(hook)
    }

    pub async fn set_webhook_active_by(&self, by: &Actor, id: WebhookId, active: bool) -> AppResult<()> {
        let hook = self.webhook_by(by, id).await?;
        self.authorize_admin(by, Permission::ManageWebhooks, hook.org)?;
        self.store().set_webhook_active(id, active).await?;
        tracing::info!(webhook = %id, active, by = ?by.person(), "webhook switched");
        Ok(())
    }

    /// A webhook's latest deliveries with the receiver's answers.
    pub async fn webhook_deliveries(&self, by: &Actor, id: WebhookId, limit: u32) -> AppResult<Vec<Message>> {
        self.webhook_by(by, id).await?;
        let filter = MessageFilter { webhook: Some(id), ..MessageFilter::default() };
        Ok(self.store().messages(&filter, limit).await?)
    }

    // ── the outbox, for the deployment's admin ─────────────────────────────────────

    pub async fn outbox_messages(&self, by: &Actor, filter: &MessageFilter, limit: u32) -> AppResult<Vec<Message>> {
        authorize_deployment_admin(by, Permission::ManageOutbox, &self.reference().orgs)?;
        Ok(self.store().messages(filter, limit).await?)
    }

    /// Sends a failed message again.
    pub async fn resend_message(&self, by: &Actor, id: MessageId) -> AppResult<()> {
        authorize_deployment_admin(by, Permission::ManageOutbox, &self.reference().orgs)?;
        if !self.store().resend_message(id, self.now()).await? {
            let exists = self.store().message(id).await?.is_some();
            return Err(if exists {
                Refusal::rule("only a failed message can be sent again").into()
            } else {
                AppError::NotFound(format!("message {id}"))
            });
        }
        tracing::info!(message = %id, by = ?by.person(), "message queued again");
        Ok(())
    }
}

fn expired_link() -> AppError {
    Refusal::rule("this link has expired or was already used; ask for a new one").into()
}

/// A webhook URL: http or https, with a host, at most 2,000 characters.
fn parse_webhook_url(url: &str) -> AppResult<String> {
    let url = url.trim();
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or_default()).unwrap_or_default();
    if url.len() > 2000 || host.is_empty() || url.chars().any(char::is_whitespace) {
        return Err(Refusal::invalid("url", "must be an http:// or https:// address").into());
    }
    Ok(url.to_string())
}
