//! From the domain's notices to outbox messages: which people exactly, by which medium,
//! in whose language, minus what they turned off.

use crate::app::App;
use crate::error::AppResult;
use aduan_domain::ids::{OrgId, PersonId};
use aduan_domain::notice::decide::{Notice, To};
use aduan_domain::notice::{Medium, NewMessage, NoticeKind, subject_of};
use aduan_domain::person::{Email, Locale, Phone, Role};
use aduan_domain::report::Report;
use aduan_domain::time::words;
use std::collections::BTreeSet;

/// Which media this deployment can send (webhooks always can). A medium without a
/// configured transport gets no messages at all, rather than a queue that never drains.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Media {
    pub email: bool,
    pub sms: bool,
}

/// How to reach one person.
#[derive(Debug, Clone)]
struct Contact {
    person: Option<PersonId>,
    email: Option<Email>,
    phone: Option<Phone>,
    locale: Locale,
}

impl Contact {
    /// E-mail when there is an address, otherwise SMS/WhatsApp when `sms_allowed`.
    fn route(&self, media: Media, sms_allowed: bool) -> Option<(Medium, String)> {
        match (&self.email, &self.phone) {
            (Some(email), _) if media.email => Some((Medium::Email, email.as_str().to_string())),
            (_, Some(phone)) if media.sms && sms_allowed => Some((Medium::Sms, phone.as_str().to_string())),
            _ => None,
        }
    }
}

impl App {
    /// The messages `notices` about `report` send. `private_link` replaces the link of
    /// the "received" notice (the only message that may carry the secret).
    pub(crate) async fn messages_for(
        &self,
        report: &Report,
        notices: Vec<Notice>,
        private_link: Option<&str>,
    ) -> AppResult<Vec<NewMessage>> {
        let media = self.options().media;
        let now = self.now();
        let mut out = Vec::new();
        let mut hooks = None;
        for notice in notices {
            match notice.to {
                To::Reporter => {
                    let Some(contact) = self.reporter_contact(report).await? else { continue };
                    // Reporters without e-mail hear by SMS/WhatsApp instead.
                    let Some((medium, address)) = contact.route(media, true) else { continue };
                    let mut notice = notice;
                    if notice.kind == NoticeKind::Received
                        && let Some(link) = private_link
                    {
                        notice.facts.link = Some(link.to_string());
                    }
                    out.extend(self.message_to(&contact, medium, address, report, &notice).await?);
                }
                To::Desk { org, role } => {
                    for contact in self.desk_contacts(org, role, notice.skip).await? {
                        let Some((medium, address)) = contact.route(media, false) else { continue };
                        out.extend(self.message_to(&contact, medium, address, report, &notice).await?);
                    }
                }
                To::Integrations => {
                    let Some(event) = notice.facts.event.clone() else { continue };
                    if hooks.is_none() {
                        hooks = Some(self.store().webhooks().await?);
                    }
                    let reference = self.reference();
                    for hook in hooks.iter().flatten() {
                        let concerned = report.involved.iter().any(|o| reference.orgs.is_within(*o, hook.org));
                        if !(concerned && hook.wants(&event)) {
                            continue;
                        }
                        out.push(NewMessage {
                            kind: NoticeKind::Webhook,
                            medium: Medium::Webhook,
                            address: hook.url.clone(),
                            locale: Locale::Id,
                            person: None,
                            report: Some(report.id),
                            webhook: Some(hook.id),
                            facts: notice.facts.clone(),
                            dedupe_key: None,
                            created_at: now,
                        });
                    }
                }
            }
        }
        Ok(out)
    }

    /// One message, unless its recipient turned this kind of notice off.
    async fn message_to(
        &self,
        contact: &Contact,
        medium: Medium,
        address: String,
        report: &Report,
        notice: &Notice,
    ) -> AppResult<Option<NewMessage>> {
        let subject = subject_of(contact.person, &address);
        if !notice.kind.essential() && self.store().opt_outs(&subject).await?.contains(&notice.kind) {
            return Ok(None);
        }
        let mut facts = notice.facts.clone();
        if let Some((at, zone)) = notice.due {
            facts.due = Some(words::moment(contact.locale, at, zone));
        }
        Ok(Some(NewMessage {
            kind: notice.kind,
            medium,
            address,
            locale: contact.locale,
            person: contact.person,
            report: (report.id != aduan_domain::ids::ReportId::UNSAVED).then_some(report.id),
            webhook: None,
            facts,
            dedupe_key: notice.once.as_ref().map(|key| format!("{key}:{subject}")),
            created_at: self.now(),
        }))
    }

    /// The reporter's account when they have one, otherwise what they left on the report.
    async fn reporter_contact(&self, report: &Report) -> AppResult<Option<Contact>> {
        let given = &report.reporter;
        let account = match given.person {
            Some(id) => self.store().person(id).await?.filter(|p| p.active),
            None => None,
        };
        let contact = match account {
            Some(p) => Contact {
                person: Some(p.id),
                email: p.email.or_else(|| given.email.clone()),
                phone: p.phone.or_else(|| given.phone.clone()),
                locale: p.locale,
            },
            None => {
                Contact { person: None, email: given.email.clone(), phone: given.phone.clone(), locale: Locale::Id }
            }
        };
        Ok((contact.email.is_some() || contact.phone.is_some()).then_some(contact))
    }

    /// Active staff holding `role` at `org` or above it within its instansi (an
    /// assignment covers everything below), except `skip`.
    async fn desk_contacts(&self, org: OrgId, role: Role, skip: Option<PersonId>) -> AppResult<Vec<Contact>> {
        let reference = self.reference();
        let instansi = reference.orgs.instansi_of(org).map(|o| o.id);
        let mut orgs = Vec::new();
        for id in reference.orgs.lineage(org) {
            orgs.push(id);
            if Some(id) == instansi {
                break;
            }
        }
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for (person, assignment) in self.store().staff_of(&orgs).await? {
            if assignment.role != role || !person.active || Some(person.id) == skip || !seen.insert(person.id) {
                continue;
            }
            out.push(Contact { person: Some(person.id), email: person.email, phone: None, locale: person.locale });
        }
        Ok(out)
    }
}
