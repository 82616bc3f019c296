//! Credentials for machine surfaces: a person's sign-in token and an organisation's
//! integration key. Both act through one role assignment (or none: a citizen) and only
//! their hash is stored.

use crate::ids::{AssignmentId, CredentialId, PersonId};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialKind {
    /// Issued at sign-in to a person; expires and is revoked at sign-out.
    Token,
    /// Issued to an organisation's integration (a regional app, a 311 client); acts as a
    /// service account holding one role in that organisation.
    ApiKey,
}

impl CredentialKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialKind::Token => "token",
            CredentialKind::ApiKey => "api_key",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [CredentialKind::Token, CredentialKind::ApiKey].into_iter().find(|k| k.as_str() == s)
    }
}

/// What an integration key may be used for, chosen when it is created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyScope {
    /// Read reports, lists, searches and timelines within the organisation's scope.
    Read,
    /// File reports on citizens' behalf (API and Open311 clients).
    File,
    /// Take lifecycle actions the key's role allows.
    Act,
}

impl KeyScope {
    pub const ALL: [KeyScope; 3] = [KeyScope::Read, KeyScope::File, KeyScope::Act];

    pub fn as_str(self) -> &'static str {
        match self {
            KeyScope::Read => "read",
            KeyScope::File => "file",
            KeyScope::Act => "act",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        KeyScope::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// A comma-separated list, e.g. `read,file`; an unknown name is an error naming it.
    pub fn parse_list(s: &str) -> Result<Vec<KeyScope>, String> {
        let mut out = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let scope = KeyScope::parse(part)
                .ok_or_else(|| format!("unknown scope {part:?}; use one or more of read, file, act"))?;
            if !out.contains(&scope) {
                out.push(scope);
            }
        }
        if out.is_empty() {
            return Err("name at least one scope: read, file, act".into());
        }
        out.sort();
        Ok(out)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCredential {
    pub kind: CredentialKind,
    /// SHA-256 of the secret, hex.
    pub secret_hash: String,
    pub person: PersonId,
    /// The role assignment it acts through; `None` for a citizen's token.
    pub assignment: Option<AssignmentId>,
    /// Empty for tokens: a person's token may do whatever the person may.
    pub scopes: Vec<KeyScope>,
    /// A label for people managing keys ("Aplikasi Kutim Mengadu").
    pub name: String,
    pub created_by: Option<PersonId>,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credential {
    pub id: CredentialId,
    pub kind: CredentialKind,
    pub person: PersonId,
    pub assignment: Option<AssignmentId>,
    pub scopes: Vec<KeyScope>,
    pub name: String,
    pub created_by: Option<PersonId>,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

impl Credential {
    /// Usable at `now`: not revoked and not expired.
    pub fn is_valid(&self, now: Timestamp) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| now < e)
    }

    /// Tokens carry the person's full rights; keys only the scopes chosen.
    pub fn allows(&self, scope: KeyScope) -> bool {
        self.kind == CredentialKind::Token || self.scopes.contains(&scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_lists_parse_and_name_the_bad_part() {
        assert_eq!(KeyScope::parse_list("file, read,file"), Ok(vec![KeyScope::Read, KeyScope::File]));
        assert!(KeyScope::parse_list("read,write").unwrap_err().contains("\"write\""));
        assert!(KeyScope::parse_list(" , ").is_err());
    }

    #[test]
    fn validity_and_scopes() {
        let t = |s: i64| chrono::DateTime::from_timestamp(s, 0).unwrap();
        let key = Credential {
            id: CredentialId(1),
            kind: CredentialKind::ApiKey,
            person: PersonId(1),
            assignment: None,
            scopes: vec![KeyScope::Read],
            name: "k".into(),
            created_by: None,
            created_at: t(0),
            expires_at: Some(t(100)),
            revoked_at: None,
        };
        assert!(key.is_valid(t(99)) && !key.is_valid(t(100)));
        assert!(key.allows(KeyScope::Read) && !key.allows(KeyScope::Act));
        let revoked = Credential { revoked_at: Some(t(5)), ..key.clone() };
        assert!(!revoked.is_valid(t(6)));
        let token = Credential { kind: CredentialKind::Token, scopes: vec![], ..key };
        assert!(token.allows(KeyScope::Act));
    }
}
