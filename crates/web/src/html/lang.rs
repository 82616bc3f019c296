//! The two languages of the pages: Bahasa Indonesia first, English on request. The
//! choice lives in a cookie set by the switch link in every page's header.

/// Name of the cookie holding the reader's language.
pub const LANG_COOKIE: &str = "aduan_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Id,
    En,
}

impl Lang {
    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim() {
            "id" => Some(Lang::Id),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    /// The words for this reader: templates write both and let the reader's language pick.
    pub fn t<'a>(self, id: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Id => id,
            Lang::En => en,
        }
    }

    /// Like [`Lang::t`] for owned strings.
    pub fn pick(self, id: String, en: String) -> String {
        match self {
            Lang::Id => id,
            Lang::En => en,
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Id => Lang::En,
            Lang::En => Lang::Id,
        }
    }

    /// The switch link's text, in the language it switches to.
    pub fn switch_label(self) -> &'static str {
        match self {
            Lang::Id => "English",
            Lang::En => "Bahasa Indonesia",
        }
    }

    pub fn is_en(self) -> bool {
        self == Lang::En
    }
}

impl From<Lang> for aduan_domain::person::Locale {
    fn from(lang: Lang) -> Self {
        match lang {
            Lang::Id => aduan_domain::person::Locale::Id,
            Lang::En => aduan_domain::person::Locale::En,
        }
    }
}
