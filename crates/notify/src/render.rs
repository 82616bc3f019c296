//! A message's words, rendered from the templates of `templates/notice/`.
//!
//! Each kind has one file holding both languages in five blocks — `subject`, `intro`,
//! `outro`, `action` (the button) and `short` (SMS/WhatsApp) — and the words every mail
//! shares are in `words.txt`. The blocks render as plain text; here they are cut into
//! paragraphs and laid out twice, by `layout.txt` for the plain-text part (wrapped at 72
//! columns, nothing escaped) and by `layout.html` for the HTML part (everything escaped),
//! so the wording lives in one place. What a kind quotes (a question, an answer, a
//! reason) and a digest's lines are placed between intro and outro by the layouts, never
//! through the kinds' templates, so a fact's text cannot pass for the mail's own words.

use aduan_domain::ids::MessageId;
use aduan_domain::notice::{DigestItem, Facts, NewMessage, NoticeKind};
use aduan_domain::person::Locale;
use aduan_domain::status::Status;
use askama::Template;
use chrono::SecondsFormat;
use serde::Serialize;
use std::ops::Deref;

/// The most characters a short text (SMS/WhatsApp) may have.
pub const SHORT_MAX: usize = 320;

/// The column the plain-text part wraps at.
const WIDTH: usize = 72;

/// Where a message's links point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Links<'a> {
    /// The site, e.g. `https://lapor.example.go.id`, without a trailing slash (one is
    /// tolerated).
    pub base_url: &'a str,
    /// The full one-click unsubscribe URL, for notices that can be turned off.
    pub unsubscribe: Option<&'a str>,
    /// The full URL of the notice settings page.
    pub preferences: Option<&'a str>,
}

/// A message ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    /// The plain-text part of the e-mail.
    pub text: String,
    /// The HTML part of the e-mail.
    pub html: String,
    /// One short text for SMS/WhatsApp (at most [`SHORT_MAX`] characters, plain, with
    /// the link).
    pub short: String,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The message lacks a fact its kind cannot be written without.
    #[error("a {} message needs the fact `{fact}`", .kind.as_str())]
    MissingFact { kind: NoticeKind, fact: &'static str },
    /// The kind is not written from templates (a webhook: see [`webhook_body`]).
    #[error("a {} message is not rendered from templates", .0.as_str())]
    NoTemplate(NoticeKind),
    #[error("template: {0}")]
    Template(#[from] askama::Error),
}

/// Renders `message` in its recipient's language: the e-mail (subject, text, HTML) and
/// the short text.
pub fn render(message: &NewMessage, links: &Links) -> Result<Rendered, RenderError> {
    let kind = message.kind;
    if kind == NoticeKind::Webhook {
        return Err(RenderError::NoTemplate(kind));
    }
    let facts = &message.facts;
    if let Some(fact) = required(kind).iter().find(|f| f.of(facts).is_none()) {
        return Err(RenderError::MissingFact { kind, fact: fact.name() });
    }
    let en = message.locale == Locale::En;
    let line = |fact: Fact| fact.of(facts).map(one_line).unwrap_or_default();
    let quote = match Fact::Text.of(facts) {
        Some(text) if quotes(kind) => text_paragraphs(text),
        _ => Vec::new(),
    };
    let items = match kind {
        NoticeKind::Digest => facts.items.iter().map(|i| digest_line(i, en)).collect::<Result<Vec<_>, _>>()?,
        _ => Vec::new(),
    };
    let ctx = Ctx {
        en,
        tracking: line(Fact::Tracking),
        title: line(Fact::Title),
        org: line(Fact::Org),
        due: line(Fact::Due),
        url: Fact::Link.of(facts).map(|l| absolute(links.base_url, l)).unwrap_or_default(),
        has_text: !quote.is_empty(),
        total: items.len(),
        overdue: items.iter().filter(|i| i.overdue).count(),
    };

    let subject = one_line(&kinds::block(kind, &ctx, Part::Subject)?);
    let common = Common { en };
    let essential = kind.essential();
    let mail = Mail {
        lang: if en { "en" } else { "id" },
        subject: &subject,
        intro: paragraphs(&kinds::block(kind, &ctx, Part::Intro)?),
        quote,
        items,
        outro: paragraphs(&kinds::block(kind, &ctx, Part::Outro)?),
        action: one_line(&kinds::block(kind, &ctx, Part::Action)?),
        url: &ctx.url,
        automatic: one_line(&common.as_automatic().render()?),
        fallback: one_line(&common.as_fallback().render()?),
        unsubscribe_label: one_line(&common.as_unsubscribe().render()?),
        preferences_label: one_line(&common.as_preferences().render()?),
        unsubscribe: links.unsubscribe.filter(|_| !essential),
        preferences: links.preferences.filter(|_| !essential),
    };
    let text = tidy(&TextMail { m: &mail }.render()?);
    let html = HtmlMail { m: &mail }.render()?;
    let short = short_text(kind, &ctx)?;
    Ok(Rendered { subject, text, html, short })
}

/// The JSON body of a webhook delivery:
/// `{"id": …, "event": …, "report": {"tracking", "title", "status", "url"}, "at": RFC 3339}`.
/// A fact the message lacks is `null`; `at` falls back to when the message was written.
pub fn webhook_body(id: MessageId, message: &NewMessage, base_url: &str) -> String {
    #[derive(Serialize)]
    struct Body<'a> {
        id: MessageId,
        event: Option<&'a str>,
        report: Report<'a>,
        at: String,
    }
    #[derive(Serialize)]
    struct Report<'a> {
        tracking: Option<&'a str>,
        title: Option<&'a str>,
        status: Option<&'a str>,
        url: Option<String>,
    }
    let f = &message.facts;
    let body = Body {
        id,
        event: f.event.as_deref(),
        report: Report {
            tracking: f.tracking.as_deref(),
            title: f.title.as_deref(),
            status: f.status.as_deref(),
            url: Fact::Link.of(f).map(|l| absolute(base_url, l)),
        },
        at: f.at.unwrap_or(message.created_at).to_rfc3339_opts(SecondsFormat::AutoSi, true),
    };
    // Strings, numbers and options only: serialising cannot fail.
    serde_json::to_string(&body).unwrap_or_default()
}

/// A fact a template may need.
#[derive(Debug, Clone, Copy)]
enum Fact {
    Tracking,
    Title,
    Org,
    Text,
    Due,
    Link,
}

impl Fact {
    fn name(self) -> &'static str {
        match self {
            Fact::Tracking => "tracking",
            Fact::Title => "title",
            Fact::Org => "org",
            Fact::Text => "text",
            Fact::Due => "due",
            Fact::Link => "link",
        }
    }

    /// The fact, when it is there and not blank.
    fn of(self, facts: &Facts) -> Option<&str> {
        let value = match self {
            Fact::Tracking => &facts.tracking,
            Fact::Title => &facts.title,
            Fact::Org => &facts.org,
            Fact::Text => &facts.text,
            Fact::Due => &facts.due,
            Fact::Link => &facts.link,
        };
        value.as_deref().filter(|v| !v.trim().is_empty())
    }
}

/// The facts a kind cannot be written without. The others are said when present.
fn required(kind: NoticeKind) -> &'static [Fact] {
    use Fact::{Due, Link, Org, Text, Title, Tracking};
    match kind {
        NoticeKind::Received | NoticeKind::Closed => &[Tracking, Title, Link],
        NoticeKind::InfoRequested | NoticeKind::Archived => &[Tracking, Title, Text, Link],
        NoticeKind::Forwarded | NoticeKind::NewInQueue => &[Tracking, Title, Org, Link],
        NoticeKind::Answered => &[Tracking, Title, Org, Text, Link],
        NoticeKind::ClosingSoon | NoticeKind::DueSoon => &[Tracking, Title, Due, Link],
        NoticeKind::DeadlineMissed => &[Tracking, Title, Org, Due, Link],
        NoticeKind::Digest => &[Org, Link],
        NoticeKind::VerifyEmail | NoticeKind::ResetPassword => &[Link],
        NoticeKind::Webhook => &[],
    }
}

/// Whether a kind quotes its `text` fact between intro and outro.
fn quotes(kind: NoticeKind) -> bool {
    matches!(kind, NoticeKind::InfoRequested | NoticeKind::Answered | NoticeKind::Archived | NoticeKind::Closed)
}

/// What a kind's template can say: single-line facts, already cleaned.
#[derive(Debug, Clone)]
struct Ctx {
    en: bool,
    tracking: String,
    title: String,
    org: String,
    due: String,
    /// The message's link, absolute.
    url: String,
    /// Whether a quoted text follows the intro.
    has_text: bool,
    /// A digest's lines, and how many of them are overdue.
    total: usize,
    overdue: usize,
}

#[derive(Debug, Clone, Copy)]
enum Part {
    Subject,
    Intro,
    Outro,
    Action,
    Short,
}

/// One template per kind, each rendered a block at a time.
mod kinds {
    use super::{Ctx, Part, RenderError};
    use aduan_domain::notice::NoticeKind;
    use askama::Template;
    use std::ops::Deref;

    macro_rules! kinds {
        ($($kind:ident => $path:tt,)*) => {
            $(
                #[derive(Template)]
                #[template(path = $path, blocks = ["subject", "intro", "outro", "action", "short"])]
                struct $kind<'a> {
                    c: &'a Ctx,
                }

                impl Deref for $kind<'_> {
                    type Target = Ctx;

                    fn deref(&self) -> &Ctx {
                        self.c
                    }
                }
            )*

            /// One block of `kind`'s template.
            pub(super) fn block(kind: NoticeKind, c: &Ctx, part: Part) -> Result<String, RenderError> {
                match kind {
                    $(NoticeKind::$kind => {
                        let t = $kind { c };
                        Ok(match part {
                            Part::Subject => t.as_subject().render()?,
                            Part::Intro => t.as_intro().render()?,
                            Part::Outro => t.as_outro().render()?,
                            Part::Action => t.as_action().render()?,
                            Part::Short => t.as_short().render()?,
                        })
                    })*
                    NoticeKind::Webhook => Err(RenderError::NoTemplate(kind)),
                }
            }
        };
    }

    kinds! {
        Received => "notice/received.txt",
        InfoRequested => "notice/info_requested.txt",
        Forwarded => "notice/forwarded.txt",
        Answered => "notice/answered.txt",
        ClosingSoon => "notice/closing_soon.txt",
        Closed => "notice/closed.txt",
        Archived => "notice/archived.txt",
        NewInQueue => "notice/new_in_queue.txt",
        DueSoon => "notice/due_soon.txt",
        DeadlineMissed => "notice/deadline_missed.txt",
        Digest => "notice/digest.txt",
        VerifyEmail => "notice/verify_email.txt",
        ResetPassword => "notice/reset_password.txt",
    }
}

/// The words every mail shares.
#[derive(Template)]
#[template(path = "notice/words.txt", blocks = ["automatic", "fallback", "unsubscribe", "preferences"])]
struct Common {
    en: bool,
}

/// One line of a digest.
#[derive(Template)]
#[template(path = "notice/digest_item.txt")]
struct DigestLine<'a> {
    en: bool,
    tracking: &'a str,
    title: String,
    status: String,
    due: String,
    overdue: bool,
}

fn digest_line(item: &DigestItem, en: bool) -> Result<Item, RenderError> {
    let status = match Status::parse(&item.status) {
        Some(s) if en => s.label_en(None),
        Some(s) => s.label_id(None),
        None => one_line(&item.status),
    };
    let tracking = one_line(&item.tracking);
    let line = DigestLine {
        en,
        tracking: &tracking,
        title: one_line(&item.title),
        status,
        due: item.due.as_deref().map(one_line).unwrap_or_default(),
        overdue: item.overdue,
    };
    Ok(Item { line: one_line(&line.render()?), overdue: item.overdue })
}

/// A paragraph: its lines are kept apart (a quoted text's own line breaks).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Para {
    lines: Vec<String>,
}

impl Para {
    /// The paragraph wrapped for the plain-text part, each line starting with `prefix`.
    fn wrapped(&self, prefix: &str) -> String {
        let width = WIDTH.saturating_sub(prefix.chars().count());
        let mut out = Vec::new();
        for line in &self.lines {
            out.extend(wrap(line, width).into_iter().map(|l| format!("{prefix}{l}").trim_end().to_string()));
        }
        out.join("\n")
    }
}

/// A line of a list (a digest).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Item {
    line: String,
    overdue: bool,
}

/// What both layouts are given.
struct Mail<'a> {
    lang: &'static str,
    subject: &'a str,
    intro: Vec<Para>,
    quote: Vec<Para>,
    items: Vec<Item>,
    outro: Vec<Para>,
    action: String,
    url: &'a str,
    automatic: String,
    fallback: String,
    unsubscribe_label: String,
    preferences_label: String,
    unsubscribe: Option<&'a str>,
    preferences: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "notice/layout.txt")]
struct TextMail<'a> {
    m: &'a Mail<'a>,
}

impl<'a> Deref for TextMail<'a> {
    type Target = Mail<'a>;

    fn deref(&self) -> &Mail<'a> {
        self.m
    }
}

impl TextMail<'_> {
    /// The quoted text, e-mail style: `> ` before each line, `>` between paragraphs.
    fn quoted(&self) -> String {
        self.quote.iter().map(|p| p.wrapped("> ")).collect::<Vec<_>>().join("\n>\n")
    }

    /// The digest's lines as a list, continuation lines indented.
    fn listed(&self) -> String {
        let mut out = Vec::new();
        for item in &self.items {
            for (i, l) in wrap(&item.line, WIDTH - 2).into_iter().enumerate() {
                out.push(format!("{}{l}", if i == 0 { "- " } else { "  " }));
            }
        }
        out.join("\n")
    }

    fn wrapped(&self, text: &str) -> String {
        wrap(text, WIDTH).join("\n")
    }
}

#[derive(Template)]
#[template(path = "notice/layout.html")]
struct HtmlMail<'a> {
    m: &'a Mail<'a>,
}

impl<'a> Deref for HtmlMail<'a> {
    type Target = Mail<'a>;

    fn deref(&self) -> &Mail<'a> {
        self.m
    }
}

/// The short text, shortened to [`SHORT_MAX`] characters by cutting the title and the
/// organisation's name (the link stays whole); as a last resort, cut at the end.
fn short_text(kind: NoticeKind, ctx: &Ctx) -> Result<String, RenderError> {
    let mut text = one_line(&kinds::block(kind, ctx, Part::Short)?);
    for budget in [80, 48, 24, 12] {
        if text.chars().count() <= SHORT_MAX {
            return Ok(text);
        }
        let shorter = Ctx { title: cut(&ctx.title, budget), org: cut(&ctx.org, budget), ..ctx.clone() };
        text = one_line(&kinds::block(kind, &shorter, Part::Short)?);
    }
    Ok(cut(&text, SHORT_MAX))
}

/// `s` in at most `max` characters, ending with `…` when cut.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let kept: String = s.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}

/// A link on the site made absolute; an absolute http(s) link is kept.
fn absolute(base_url: &str, link: &str) -> String {
    let link = one_line(link);
    if link.starts_with("https://") || link.starts_with("http://") {
        return link;
    }
    format!("{}/{}", base_url.trim().trim_end_matches('/'), link.trim_start_matches('/'))
}

/// `s` on one line: control characters and runs of white space become one space.
fn one_line(s: &str) -> String {
    let s: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A template's rendered block as paragraphs: blank lines part them, the lines of one
/// paragraph are joined.
fn paragraphs(rendered: &str) -> Vec<Para> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in rendered.lines().map(str::trim).chain([""]) {
        if !line.is_empty() {
            current.push(line);
        } else if !current.is_empty() {
            out.push(Para { lines: vec![one_line(&current.join(" "))] });
            current.clear();
        }
    }
    out
}

/// A person's text (a question, an answer, a reason) as paragraphs, its line breaks kept.
fn text_paragraphs(text: &str) -> Vec<Para> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = Vec::new();
    let mut lines = Vec::new();
    for line in text.split('\n').map(one_line) {
        if line.is_empty() {
            if !lines.is_empty() {
                out.push(Para { lines: std::mem::take(&mut lines) });
            }
        } else {
            lines.push(line);
        }
    }
    if !lines.is_empty() {
        out.push(Para { lines });
    }
    out
}

/// `line` in lines of at most `width` characters, broken at spaces; a longer word (an
/// address) stands on a line of its own.
fn wrap(line: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut len = 0;
    for word in line.split_whitespace() {
        let n = word.chars().count();
        if len > 0 && len + 1 + n > width {
            out.push(std::mem::take(&mut current));
            len = 0;
        }
        if len > 0 {
            current.push(' ');
            len += 1;
        }
        current.push_str(word);
        len += n;
    }
    if !current.is_empty() || out.is_empty() {
        out.push(current);
    }
    out
}

/// The plain-text part tidied: no trailing spaces (but the signature line's `-- `), at
/// most one blank line in a row, a final newline.
fn tidy(text: &str) -> String {
    let mut out = String::new();
    let mut blank = true;
    for line in text.lines() {
        let line = if line == "-- " { line } else { line.trim_end() };
        if line.is_empty() {
            if !blank {
                out.push('\n');
            }
            blank = true;
        } else {
            out.push_str(line);
            out.push('\n');
            blank = false;
        }
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use aduan_domain::notice::Medium;
    use chrono::{TimeZone, Utc};

    const BASE: &str = "https://lapor.example.go.id";
    const UNSUBSCRIBE: &str = "https://lapor.example.go.id/berhenti/abc123";
    const PREFERENCES: &str = "https://lapor.example.go.id/pengaturan/pemberitahuan";

    fn links() -> Links<'static> {
        Links { base_url: BASE, unsubscribe: Some(UNSUBSCRIBE), preferences: Some(PREFERENCES) }
    }

    /// Every fact a kind may use, filled in.
    fn facts(kind: NoticeKind) -> Facts {
        let link = match kind.audience() {
            aduan_domain::notice::Audience::Staff => "/staf/laporan/LPR-2026-000123",
            aduan_domain::notice::Audience::Account => "/akun/verifikasi/t0k3n",
            _ => "/lapor/LPR-2026-000123?kunci=rahasia&sumber=surel",
        };
        Facts {
            tracking: Some("LPR-2026-000123".into()),
            title: Some("Lampu jalan mati di Jalan Merdeka".into()),
            status: Some("in_progress".into()),
            org: Some("Dinas Perhubungan Kota Makassar".into()),
            text: Some("Mohon lampirkan foto lokasi.\nTerima kasih.\n\nSalam,\nVerifikator".into()),
            due: Some("Senin, 30 Maret 2026 pukul 16.00 WITA".into()),
            link: Some(link.into()),
            event: Some("answered".into()),
            at: Some(Utc.with_ymd_and_hms(2026, 3, 27, 8, 30, 0).unwrap()),
            items: vec![
                DigestItem {
                    tracking: "LPR-2026-000123".into(),
                    title: "Lampu jalan mati".into(),
                    status: "in_progress".into(),
                    due: Some("Senin, 30 Maret 2026".into()),
                    overdue: false,
                },
                DigestItem {
                    tracking: "LPR-2026-000099".into(),
                    title: "Jalan berlubang".into(),
                    status: "forwarded".into(),
                    due: Some("Rabu, 25 Maret 2026".into()),
                    overdue: true,
                },
            ],
        }
    }

    fn message(kind: NoticeKind, locale: Locale, facts: Facts) -> NewMessage {
        NewMessage {
            kind,
            medium: if kind == NoticeKind::Webhook { Medium::Webhook } else { Medium::Email },
            address: "warga@example.com".into(),
            locale,
            person: None,
            report: None,
            webhook: None,
            facts,
            dedupe_key: None,
            created_at: Utc.with_ymd_and_hms(2026, 3, 27, 8, 31, 0).unwrap(),
        }
    }

    fn kinds() -> impl Iterator<Item = NoticeKind> {
        NoticeKind::ALL.into_iter().filter(|k| *k != NoticeKind::Webhook)
    }

    fn locales() -> [Locale; 2] {
        [Locale::Id, Locale::En]
    }

    fn rendered(kind: NoticeKind, locale: Locale, facts: Facts) -> Rendered {
        render(&message(kind, locale, facts), &links()).unwrap_or_else(|e| panic!("{kind:?} {locale:?}: {e}"))
    }

    #[test]
    fn every_kind_renders_in_both_languages() {
        for kind in kinds() {
            for locale in locales() {
                let r = rendered(kind, locale, facts(kind));
                assert!(!r.subject.is_empty(), "{kind:?} {locale:?}");
                assert!(!r.subject.contains('\n'), "{kind:?} {locale:?}");
                assert!(r.text.lines().count() > 3, "{kind:?} {locale:?}: {}", r.text);
                assert!(r.html.contains("<h1"), "{kind:?} {locale:?}");
                assert!(!r.short.is_empty(), "{kind:?} {locale:?}");
                assert!(r.short.chars().count() <= SHORT_MAX, "{kind:?} {locale:?}: {}", r.short);
                assert!(!r.short.contains('\n'), "{kind:?} {locale:?}");
                let lang = if locale == Locale::En { "en" } else { "id" };
                assert!(r.html.contains(&format!("<html lang=\"{lang}\">")), "{kind:?} {locale:?}");
                for line in r.text.lines().filter(|l| !l.starts_with("http")) {
                    assert!(line.chars().count() <= WIDTH, "{kind:?} {locale:?}: {line:?}");
                }
            }
        }
    }

    #[test]
    fn the_languages_differ() {
        for kind in kinds() {
            let id = rendered(kind, Locale::Id, facts(kind));
            let en = rendered(kind, Locale::En, facts(kind));
            assert_ne!(id.subject, en.subject, "{kind:?}");
            assert_ne!(id.text, en.text, "{kind:?}");
            assert_ne!(id.html, en.html, "{kind:?}");
            assert_ne!(id.short, en.short, "{kind:?}");
        }
        let id = rendered(NoticeKind::Received, Locale::Id, facts(NoticeKind::Received));
        assert!(id.subject.contains("telah kami terima"), "{}", id.subject);
        assert!(id.html.contains("Jangan bagikan tautan ini"), "{}", id.html);
        let en = rendered(NoticeKind::Received, Locale::En, facts(NoticeKind::Received));
        assert!(en.html.contains("Keep the link to yourself"), "{}", en.html);
    }

    #[test]
    fn html_escapes_every_fact() {
        for kind in kinds() {
            let mut f = facts(kind);
            f.title = Some("<script>alert(1)</script> & co".into());
            f.org = Some("Dinas <b>Bold</b>".into());
            f.text = Some("<img src=x onerror=alert(1)>".into());
            f.items[0].title = "<script>x</script>".into();
            let r = rendered(kind, Locale::Id, f);
            assert!(!r.html.contains("<script"), "{kind:?}: {}", r.html);
            assert!(!r.html.contains("<b>"), "{kind:?}");
            assert!(!r.html.contains("<img"), "{kind:?}");
            if kind.audience() != aduan_domain::notice::Audience::Account && kind != NoticeKind::Digest {
                assert!(r.html.contains("&#60;script&#62;alert(1)&#60;/script&#62; &#38; co"), "{kind:?}: {}", r.html);
            }
        }
    }

    #[test]
    fn text_is_not_escaped() {
        let mut f = facts(NoticeKind::Answered);
        f.title = Some("Air & listrik <padam>".into());
        f.org = Some("PT Air & Co".into());
        f.text = Some("Sudah diperbaiki \"hari ini\" & besok dicek.".into());
        let r = rendered(NoticeKind::Answered, Locale::Id, f);
        for part in [&r.text, &r.short] {
            assert!(part.contains("PT Air & Co"), "{part}");
            assert!(!part.contains("&amp;"), "{part}");
            assert!(!part.contains("&#"), "{part}");
        }
        assert!(r.subject.contains("PT Air & Co"), "{}", r.subject);
        assert!(r.text.contains("“Air & listrik <padam>”"), "{}", r.text);
        assert!(r.text.contains("> Sudah diperbaiki \"hari ini\" & besok dicek."), "{}", r.text);
        assert!(r.html.contains("PT Air &#38; Co"), "{}", r.html);
    }

    #[test]
    fn unsubscribe_and_preferences_only_for_notices_that_can_be_turned_off() {
        for kind in kinds() {
            for locale in locales() {
                let r = rendered(kind, locale, facts(kind));
                let optional = !kind.essential();
                for (part, body) in [("text", &r.text), ("html", &r.html)] {
                    assert_eq!(body.contains(UNSUBSCRIBE), optional, "{kind:?} {locale:?} {part}");
                    assert_eq!(body.contains(PREFERENCES), optional, "{kind:?} {locale:?} {part}");
                }
                assert!(!r.short.contains(UNSUBSCRIBE));
            }
        }
        // Without an unsubscribe link (nobody to unsubscribe), only the settings page.
        let only = Links { unsubscribe: None, ..links() };
        let r = render(&message(NoticeKind::Forwarded, Locale::Id, facts(NoticeKind::Forwarded)), &only).unwrap();
        assert!(!r.text.contains(UNSUBSCRIBE) && !r.html.contains(UNSUBSCRIBE));
        assert!(r.text.contains(PREFERENCES) && r.html.contains(PREFERENCES));
        assert!(!r.text.contains("Berhenti menerima"), "{}", r.text);
    }

    #[test]
    fn links_are_absolute() {
        for kind in kinds() {
            for locale in locales() {
                let f = facts(kind);
                let url = format!("{BASE}{}", f.link.as_deref().unwrap());
                let r = rendered(kind, locale, f);
                assert!(r.text.lines().any(|l| l == url), "{kind:?} {locale:?}: {}", r.text);
                assert!(r.short.contains(&url), "{kind:?} {locale:?}: {}", r.short);
                let href = format!("href=\"{}\"", url.replace('&', "&#38;"));
                assert!(r.html.contains(&href), "{kind:?} {locale:?}: {}", r.html);
                assert!(!r.html.contains("href=\"/"), "{kind:?} {locale:?}");
            }
        }
        assert_eq!(absolute("https://x.go.id/", "/a/b"), "https://x.go.id/a/b");
        assert_eq!(absolute("https://x.go.id", "a/b"), "https://x.go.id/a/b");
        assert_eq!(absolute("https://x.go.id", "https://y.go.id/c"), "https://y.go.id/c");
    }

    #[test]
    fn the_short_text_cuts_a_long_title_and_keeps_the_link() {
        for kind in kinds() {
            for locale in locales() {
                let mut f = facts(kind);
                f.title = Some("Jalan rusak berat 🚧 ".repeat(100));
                f.org = Some("Dinas Pekerjaan Umum dan Penataan Ruang ".repeat(5));
                let url = format!("{BASE}{}", f.link.as_deref().unwrap());
                let r = rendered(kind, locale, f);
                assert!(r.short.chars().count() <= SHORT_MAX, "{kind:?} {locale:?}: {}", r.short);
                assert!(r.short.contains(&url), "{kind:?} {locale:?}: {}", r.short);
                if kind.audience() == aduan_domain::notice::Audience::Reporter {
                    assert!(r.short.contains("…"), "{kind:?} {locale:?}: {}", r.short);
                }
                // The mail keeps the whole title.
                if kind.audience() == aduan_domain::notice::Audience::Reporter {
                    assert!(r.html.matches("🚧").count() >= 100, "{kind:?}");
                }
            }
        }
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("ééééé", 5), "ééééé");
        assert_eq!(cut("éé éé", 4), "éé…");
    }

    #[test]
    fn quoted_text_keeps_its_lines() {
        let r = rendered(NoticeKind::InfoRequested, Locale::Id, facts(NoticeKind::InfoRequested));
        assert!(
            r.text.contains("> Mohon lampirkan foto lokasi.\n> Terima kasih.\n>\n> Salam,\n> Verifikator\n"),
            "{}",
            r.text
        );
        assert!(r.html.contains("<blockquote"));
        assert!(r.html.contains("Mohon lampirkan foto lokasi.<br>Terima kasih.</p>"), "{}", r.html);
        // A closing without a reason quotes nothing.
        let mut f = facts(NoticeKind::Closed);
        f.text = None;
        let r = rendered(NoticeKind::Closed, Locale::En, f);
        assert!(!r.html.contains("<blockquote") && !r.text.contains("\n> "), "{}", r.text);
        assert!(!r.text.contains("note on closing"), "{}", r.text);
    }

    #[test]
    fn the_digest_lists_items_with_status_labels() {
        let id = rendered(NoticeKind::Digest, Locale::Id, facts(NoticeKind::Digest));
        assert!(id.subject.contains("2 laporan terbuka, 1 terlambat"), "{}", id.subject);
        assert!(
            id.text.contains("\n- LPR-2026-000123 — Lampu jalan mati · Diproses · batas Senin, 30 Maret\n  2026\n"),
            "{}",
            id.text
        );
        assert!(
            id.html.contains(">LPR-2026-000123 — Lampu jalan mati · Diproses · batas Senin, 30 Maret 2026</li>"),
            "{}",
            id.html
        );
        assert!(id.text.contains("Diteruskan ke instansi"), "{}", id.text);
        assert!(id.text.contains("TERLAMBAT"), "{}", id.text);
        assert!(id.html.contains("<li"), "{}", id.html);
        let en = rendered(NoticeKind::Digest, Locale::En, facts(NoticeKind::Digest));
        assert!(en.text.contains("Being handled"), "{}", en.text);
        assert!(en.text.contains("OVERDUE"), "{}", en.text);
        assert!(!en.text.contains("in_progress"), "{}", en.text);
        let mut empty = facts(NoticeKind::Digest);
        empty.items.clear();
        let r = rendered(NoticeKind::Digest, Locale::Id, empty);
        assert!(r.text.contains("Tidak ada laporan terbuka"), "{}", r.text);
        assert!(!r.html.contains("<ul"));
    }

    #[test]
    fn a_missing_fact_is_an_error() {
        let mut f = facts(NoticeKind::Received);
        f.tracking = None;
        let err = render(&message(NoticeKind::Received, Locale::Id, f), &links()).unwrap_err();
        assert!(matches!(err, RenderError::MissingFact { kind: NoticeKind::Received, fact: "tracking" }), "{err}");
        assert_eq!(err.to_string(), "a received message needs the fact `tracking`");

        let mut f = facts(NoticeKind::Answered);
        f.text = Some("  ".into());
        let err = render(&message(NoticeKind::Answered, Locale::En, f), &links()).unwrap_err();
        assert!(matches!(err, RenderError::MissingFact { fact: "text", .. }), "{err}");

        for kind in kinds() {
            let err = render(&message(kind, Locale::Id, Facts::default()), &links()).unwrap_err();
            assert!(matches!(err, RenderError::MissingFact { .. }), "{kind:?}: {err}");
        }
        let err = render(&message(NoticeKind::Webhook, Locale::Id, facts(NoticeKind::Webhook)), &links()).unwrap_err();
        assert!(matches!(err, RenderError::NoTemplate(NoticeKind::Webhook)), "{err}");
    }

    #[test]
    fn optional_facts_may_be_missing() {
        let mut f = facts(NoticeKind::NewInQueue);
        f.due = None;
        let r = rendered(NoticeKind::NewInQueue, Locale::Id, f);
        assert!(!r.text.contains("Batas waktu"), "{}", r.text);
        let f = Facts { link: Some("/akun/sandi/t0k3n".into()), ..Facts::default() };
        let r = rendered(NoticeKind::ResetPassword, Locale::En, f);
        assert!(!r.text.contains("valid until"), "{}", r.text);
        assert!(r.text.contains("If it wasn't you"), "{}", r.text);
    }

    #[test]
    fn webhook_body_is_json_with_the_fields() {
        let f = Facts { link: Some("/laporan/LPR-2026-000123".into()), ..facts(NoticeKind::Webhook) };
        let body = webhook_body(MessageId(42), &message(NoticeKind::Webhook, Locale::Id, f), BASE);
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["id"], 42);
        assert_eq!(v["event"], "answered");
        assert_eq!(v["report"]["tracking"], "LPR-2026-000123");
        assert_eq!(v["report"]["title"], "Lampu jalan mati di Jalan Merdeka");
        assert_eq!(v["report"]["status"], "in_progress");
        assert_eq!(v["report"]["url"], "https://lapor.example.go.id/laporan/LPR-2026-000123");
        assert_eq!(v["at"], "2026-03-27T08:30:00Z");
        let at = chrono::DateTime::parse_from_rfc3339(v["at"].as_str().unwrap()).unwrap();
        assert_eq!(at, Utc.with_ymd_and_hms(2026, 3, 27, 8, 30, 0).unwrap());

        // Missing facts are null; the time falls back to when the message was written.
        let bare = webhook_body(MessageId(7), &message(NoticeKind::Webhook, Locale::Id, Facts::default()), BASE);
        let v: serde_json::Value = serde_json::from_str(&bare).unwrap();
        assert!(v["event"].is_null() && v["report"]["url"].is_null());
        assert_eq!(v["at"], "2026-03-27T08:31:00Z");
    }

    #[test]
    fn wrapping_and_tidying() {
        assert_eq!(wrap("a bb ccc", 4), ["a bb", "ccc"]);
        assert_eq!(wrap("https://very.long.example/address", 10), ["https://very.long.example/address"]);
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(tidy("a  \n\n\n\nb\n-- \nc\n\n"), "a\n\nb\n-- \nc\n");
        assert_eq!(one_line(" a\tb\n\u{7}c  "), "a b c");
    }
}
