//! Outgoing messages. The outbox is written by the service with the change that causes
//! a message; here a worker takes what is due, renders it from the templates of
//! `templates/` in the recipient's language, and sends it by e-mail (SMTP), SMS/WhatsApp
//! (an HTTP gateway) or webhook (signed HTTP POST), retrying with backoff and parking a
//! message as failed after a limit. The outbox id travels with every message (the
//! e-mail's Message-ID, the gateway's reference, the webhook's delivery id) so that a
//! receiver can tell a retry from a new message.

pub mod render;
pub mod transport;
pub mod worker;
