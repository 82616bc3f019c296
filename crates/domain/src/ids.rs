//! Identifiers. Each is a distinct type so a unit id can never be passed as a report id.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// An organisation: the national desk, an instansi, a unit or a sub-unit.
    OrgId
);
id_type!(
    /// A person with an account (reporter or staff).
    PersonId
);
id_type!(
    /// A report. Assigned by the store when the report is first saved.
    ReportId
);
id_type!(
    /// A category of the category tree.
    CategoryId
);
id_type!(
    /// One role assignment of a person.
    AssignmentId
);
id_type!(
    /// A routing rule.
    RuleId
);
id_type!(
    /// A sign-in token or an integration key.
    CredentialId
);
id_type!(
    /// An answer template.
    TemplateId
);

impl ReportId {
    /// The id of a report that has not been saved yet; the store replaces it.
    pub const UNSAVED: ReportId = ReportId(0);
}
id_type!(
    /// A message in the outbox (an e-mail, an SMS, a webhook delivery). Also the message's
    /// id on the wire, so a receiver can tell a retry from a new message.
    MessageId
);
id_type!(
    /// A webhook an organisation registered.
    WebhookId
);
