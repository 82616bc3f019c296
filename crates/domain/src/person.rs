//! People, their roles and the organisation subtree each role covers.

use crate::ids::{AssignmentId, OrgId, PersonId};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Pelapor. Everyone is a reporter of their own reports; no assignment needed.
    Reporter,
    /// Verifikator (Admin Nasional): verifies, classifies, routes, archives.
    Screener,
    /// Admin Instansi: distributes to units, returns, monitors, closes.
    Coordinator,
    /// Petugas Unit (Pejabat Penghubung): follows up reports given to the unit.
    Officer,
    /// Pengawas (Ombudsman, Kemendagri evaluator, Inspektorat): reads, changes nothing.
    Supervisor,
    /// Admin Organisasi: users, units, categories, routing rules, templates.
    OrgAdmin,
}

impl Role {
    pub const STAFF: [Role; 5] = [Role::Screener, Role::Coordinator, Role::Officer, Role::Supervisor, Role::OrgAdmin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reporter => "reporter",
            Role::Screener => "screener",
            Role::Coordinator => "coordinator",
            Role::Officer => "officer",
            Role::Supervisor => "supervisor",
            Role::OrgAdmin => "org_admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "reporter" => Some(Role::Reporter),
            "screener" => Some(Role::Screener),
            "coordinator" => Some(Role::Coordinator),
            "officer" => Some(Role::Officer),
            "supervisor" => Some(Role::Supervisor),
            "org_admin" | "org-admin" => Some(Role::OrgAdmin),
            _ => None,
        }
    }

    pub fn label_id(self) -> &'static str {
        match self {
            Role::Reporter => "Pelapor",
            Role::Screener => "Verifikator (Admin Nasional)",
            Role::Coordinator => "Admin Instansi",
            Role::Officer => "Petugas Unit (Pejabat Penghubung)",
            Role::Supervisor => "Pengawas",
            Role::OrgAdmin => "Admin Organisasi",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Role::Reporter => "Reporter",
            Role::Screener => "Screener",
            Role::Coordinator => "Agency coordinator",
            Role::Officer => "Unit officer",
            Role::Supervisor => "Supervisor",
            Role::OrgAdmin => "Organisation admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    Id,
    En,
}

impl Locale {
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::Id => "id",
            Locale::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "id" | "id-id" | "in" => Some(Locale::Id),
            "en" | "en-gb" | "en-us" => Some(Locale::En),
            _ => None,
        }
    }
}

/// An e-mail address that has passed a basic shape check.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let ok = s.len() <= 254
            && s.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !s.contains(char::is_whitespace)
                    && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-')
            })
            && s.matches('@').count() == 1;
        if ok { Ok(Self(s.to_lowercase())) } else { Err(format!("{s:?} is not an e-mail address")) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Email::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A phone number normalised to international form (+62…).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    /// Accepts Indonesian forms (0812…, 62812…, +62 812-…) and other +country numbers.
    pub fn parse(s: &str) -> Result<Self, String> {
        let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
        let plus = s.trim_start().starts_with('+');
        if s.chars().any(|c| !(c.is_ascii_digit() || " +-().".contains(c))) {
            return Err(format!("{s:?} is not a phone number"));
        }
        let normalised = if plus {
            format!("+{digits}")
        } else if let Some(rest) = digits.strip_prefix('0') {
            format!("+62{rest}")
        } else if digits.starts_with("62") {
            format!("+{digits}")
        } else {
            return Err(format!("{s:?} is not a phone number (start with 0 or +62)"));
        };
        if (9..=16).contains(&(normalised.len() - 1)) {
            Ok(Self(normalised))
        } else {
            Err(format!("{s:?} is not a phone number"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Phone {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Phone::parse(&s)
    }
}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: PersonId,
    pub display_name: String,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub locale: Locale,
    pub active: bool,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPerson {
    pub display_name: String,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub locale: Locale,
    /// An argon2id hash, computed at the edge; the domain never sees a password.
    pub password_hash: Option<String>,
}

/// One role of a person over one organisation and everything below it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleAssignment {
    pub id: AssignmentId,
    pub person: PersonId,
    pub role: Role,
    pub org: OrgId,
    pub granted_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

impl RoleAssignment {
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_and_phones_are_parsed() {
        assert_eq!(Email::parse(" Budi@Example.go.id ").unwrap().as_str(), "budi@example.go.id");
        for bad in ["budi", "budi@", "@x.id", "a b@x.id", "a@@x.id", "a@x", "a@.x"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Phone::parse("0812-3456-7890").unwrap().as_str(), "+6281234567890");
        assert_eq!(Phone::parse("+62 812 3456 7890").unwrap().as_str(), "+6281234567890");
        assert_eq!(Phone::parse("6281234567890").unwrap().as_str(), "+6281234567890");
        assert!(Phone::parse("12345").is_err());
        assert!(Phone::parse("0812abc").is_err());
    }

    #[test]
    fn roles_round_trip() {
        for role in Role::STAFF.into_iter().chain([Role::Reporter]) {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
    }
}
