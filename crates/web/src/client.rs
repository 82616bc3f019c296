//! Who is on the other end: the client's network address, and the per-address limits
//! on anonymous filing and on sign-in attempts.

use crate::AppState;
use crate::problem::Problem;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;

/// The client's address: the connection's peer, or the last `X-Forwarded-For` entry
/// when the deployment trusts its proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        if state.settings.trust_forwarded_for
            && let Some(ip) = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|v| v.trim().parse::<IpAddr>().ok())
        {
            return Ok(ClientAddr(ip));
        }
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        // In-process callers (tests) have no socket: they share one address.
        Ok(ClientAddr(peer.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))))
    }
}

/// Per-address limits, kept in this process's memory.
pub struct RateLimits {
    filing: Option<DefaultKeyedRateLimiter<IpAddr>>,
    sign_in: Option<DefaultKeyedRateLimiter<IpAddr>>,
    reads: Option<DefaultKeyedRateLimiter<IpAddr>>,
}

impl RateLimits {
    pub fn new(settings: &crate::WebSettings) -> Self {
        let limiter = |per_minute: u32| {
            NonZeroU32::new(per_minute).map(|n| RateLimiter::keyed(Quota::per_minute(n).allow_burst(n)))
        };
        RateLimits {
            filing: limiter(settings.file_per_minute),
            sign_in: limiter(settings.sign_in_per_minute),
            reads: limiter(settings.read_per_minute),
        }
    }

    /// Counts an anonymous filing; refused with the seconds to wait when over the limit.
    pub fn check_filing(&self, addr: ClientAddr) -> Result<(), Problem> {
        check(self.filing.as_ref(), addr)
    }

    pub fn check_sign_in(&self, addr: ClientAddr) -> Result<(), Problem> {
        check(self.sign_in.as_ref(), addr)
    }

    /// Counts an anonymous list, search or open-data request: each reads a bounded number
    /// of index entries, and this bounds how many one address may ask for.
    pub fn check_read(&self, addr: ClientAddr) -> Result<(), Problem> {
        check(self.reads.as_ref(), addr)
    }
}

/// `None` (a limit of 0) means unlimited.
fn check(limiter: Option<&DefaultKeyedRateLimiter<IpAddr>>, addr: ClientAddr) -> Result<(), Problem> {
    let Some(limiter) = limiter else { return Ok(()) };
    limiter.check_key(&addr.0).map_err(|not_until| {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        Problem::rate_limited(wait.as_secs().max(1))
    })
}
