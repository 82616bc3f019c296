//! Queries over the outbox.

use aduan_domain::ids::{ReportId, WebhookId};
use aduan_domain::notice::DeliveryState;

/// Which outbox messages to list (newest first); filters combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageFilter {
    pub state: Option<DeliveryState>,
    pub webhook: Option<WebhookId>,
    pub report: Option<ReportId>,
    /// Exact address (an e-mail, a phone number, a URL).
    pub address: Option<String>,
}
