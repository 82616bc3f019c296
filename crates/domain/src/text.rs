//! Text a person typed, checked once at the edge and trusted afterwards.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Plain text with bounds on its length (in characters) and no control characters
/// other than line breaks and tabs. Leading and trailing whitespace is removed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Text(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {max} characters (it has {len})")]
    TooLong { max: usize, len: usize },
    #[error("must be at least {min} characters")]
    TooShort { min: usize },
    #[error("contains a control character")]
    Control,
}

impl Text {
    pub fn parse(s: &str, min: usize, max: usize) -> Result<Self, TextError> {
        let s = s.trim();
        let len = s.chars().count();
        if len == 0 {
            return Err(TextError::Empty);
        }
        if len < min {
            return Err(TextError::TooShort { min });
        }
        if len > max {
            return Err(TextError::TooLong { max, len });
        }
        if s.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
            return Err(TextError::Control);
        }
        Ok(Self(s.replace("\r\n", "\n")))
    }

    /// A report title: 5 to 200 characters, one line.
    pub fn title(s: &str) -> Result<Self, TextError> {
        let t = Self::parse(s, 5, 200)?;
        if t.0.contains('\n') {
            return Err(TextError::Control);
        }
        Ok(t)
    }

    /// A report's chronology: 20 to 20,000 characters.
    pub fn description(s: &str) -> Result<Self, TextError> {
        Self::parse(s, 20, 20_000)
    }

    /// An answer, reply, note or reason: 1 to 20,000 characters.
    pub fn message(s: &str) -> Result<Self, TextError> {
        Self::parse(s, 1, 20_000)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// Wraps text already validated, e.g. read back from the store.
    pub fn trusted(s: impl Into<String>) -> Self {
        Self(s.into())
    }
}

/// One line of 1 to `max` characters, trimmed: names, titles, codes' labels.
pub fn one_line(s: &str, max: usize) -> Option<String> {
    let s = s.trim();
    let len = s.chars().count();
    (len > 0 && len <= max && !s.chars().any(char::is_control)).then(|| s.to_string())
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_and_controls() {
        assert_eq!(Text::title("  Jalan rusak  ").unwrap().as_str(), "Jalan rusak");
        assert_eq!(Text::title("   "), Err(TextError::Empty));
        assert_eq!(Text::title("abc"), Err(TextError::TooShort { min: 5 }));
        assert!(matches!(Text::title(&"x".repeat(201)), Err(TextError::TooLong { .. })));
        assert_eq!(Text::title("Jalan\nrusak"), Err(TextError::Control));
        assert_eq!(Text::message("a\u{0}b"), Err(TextError::Control));
        assert_eq!(Text::message("baris 1\r\nbaris 2").unwrap().as_str(), "baris 1\nbaris 2");
    }

    #[test]
    fn one_line_is_trimmed_bounded_and_single() {
        assert_eq!(one_line("  Dinas PUPR ", 20).as_deref(), Some("Dinas PUPR"));
        assert_eq!(one_line("   ", 20), None);
        assert_eq!(one_line("a\nb", 20), None);
        assert_eq!(one_line("abc", 2), None);
        assert_eq!(one_line("ab", 2).as_deref(), Some("ab"));
    }
}
