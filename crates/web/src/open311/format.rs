//! The two formats of every answer: JSON, and XML without a namespace. A handler builds
//! one [`Doc`]; both formats are written from it, so they cannot drift apart.

use aduan_domain::time::{Timestamp, Zone};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::SecondsFormat;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use serde_json::{Map, Value};

/// Chosen by the path's suffix: `requests.json`, `requests.xml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    /// Splits a last path segment such as `requests.xml` or `pupr.jalan.json` into its
    /// name and format; `None` without a known suffix.
    pub fn split(segment: &str) -> Option<(&str, Format)> {
        let (name, ext) = segment.rsplit_once('.')?;
        let format = match ext {
            "json" => Format::Json,
            "xml" => Format::Xml,
            _ => return None,
        };
        (!name.is_empty()).then_some((name, format))
    }

    /// The format a segment asks for, JSON when it names none (for errors).
    pub fn of(segment: &str) -> Format {
        Format::split(segment).map_or(Format::Json, |(_, f)| f)
    }
}

/// A value of an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// JSON `null`; an empty element in XML.
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    /// Fields in the order the specification lists them.
    Object(Vec<(&'static str, Node)>),
    /// A JSON array; in XML one element named `.0` per item.
    List(&'static str, Vec<Node>),
}

impl Node {
    pub fn text(s: impl Into<String>) -> Node {
        Node::Text(s.into())
    }

    pub fn opt_text<S: Into<String>>(s: Option<S>) -> Node {
        s.map_or(Node::Null, |s| Node::Text(s.into()))
    }

    pub fn opt_float(v: Option<f64>) -> Node {
        v.map_or(Node::Null, Node::Float)
    }

    fn to_json(&self) -> Value {
        match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Int(i) => Value::from(*i),
            Node::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Node::Text(s) => Value::String(s.clone()),
            Node::Object(fields) => {
                Value::Object(fields.iter().map(|(k, v)| ((*k).to_string(), v.to_json())).collect::<Map<_, _>>())
            }
            Node::List(_, items) => Value::Array(items.iter().map(Node::to_json).collect()),
        }
    }

    fn write_xml(&self, w: &mut Writer<Vec<u8>>, name: &str) -> std::io::Result<()> {
        let scalar = match self {
            Node::Null => {
                w.create_element(name).write_empty()?;
                return Ok(());
            }
            Node::Bool(b) => b.to_string(),
            Node::Int(i) => i.to_string(),
            Node::Float(f) => f.to_string(),
            Node::Text(s) => xml_chars(s),
            Node::Object(fields) => {
                w.create_element(name)
                    .write_inner_content(|w| fields.iter().try_for_each(|(field, value)| value.write_xml(w, field)))?;
                return Ok(());
            }
            Node::List(item, items) => {
                w.create_element(name)
                    .write_inner_content(|w| items.iter().try_for_each(|value| value.write_xml(w, item)))?;
                return Ok(());
            }
        };
        w.create_element(name).write_text_content(BytesText::new(&scalar))?;
        Ok(())
    }
}

/// Leaves out the characters XML 1.0 cannot carry (stored text has none; this is a
/// guard, not a rule).
fn xml_chars(s: &str) -> String {
    s.chars()
        .filter(|c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..))
        .collect()
}

/// A whole answer. In XML, `root` is the document element and holds the body's fields
/// or items.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    pub root: &'static str,
    pub body: Node,
}

/// A document written out, ready to send (and to keep for the next request).
#[derive(Clone)]
pub struct Written {
    pub content_type: &'static str,
    pub body: axum::body::Bytes,
}

impl Written {
    pub fn respond(&self, status: StatusCode) -> Response {
        (status, [(header::CONTENT_TYPE, self.content_type)], self.body.clone()).into_response()
    }
}

impl Doc {
    pub fn list(root: &'static str, item: &'static str, items: Vec<Node>) -> Doc {
        Doc { root, body: Node::List(item, items) }
    }

    pub fn render(&self, format: Format, status: StatusCode) -> Response {
        match self.bytes(format) {
            Ok(body) => body.respond(status),
            Err(e) => {
                tracing::error!(error = %e, "open311: could not write the answer");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        }
    }

    /// The document written out in a format.
    pub fn bytes(&self, format: Format) -> std::io::Result<Written> {
        Ok(match format {
            Format::Json => Written {
                content_type: "application/json; charset=utf-8",
                body: serde_json::to_vec(&self.body.to_json())?.into(),
            },
            Format::Xml => Written { content_type: "text/xml; charset=utf-8", body: self.xml()?.into() },
        })
    }

    fn xml(&self) -> std::io::Result<Vec<u8>> {
        let mut w = Writer::new(Vec::new());
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        self.body.write_xml(&mut w, self.root)?;
        Ok(w.into_inner())
    }
}

/// ISO 8601 with the offset of `zone`, to the second: `2026-03-02T09:00:00+07:00`.
pub fn datetime(at: Timestamp, zone: Zone) -> String {
    zone.local(at).to_rfc3339_opts(SecondsFormat::Secs, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes() {
        assert_eq!(Format::split("requests.json"), Some(("requests", Format::Json)));
        assert_eq!(Format::split("pupr.jalan.xml"), Some(("pupr.jalan", Format::Xml)));
        assert_eq!(Format::split("requests"), None);
        assert_eq!(Format::split(".json"), None);
        assert_eq!(Format::split("requests.csv"), None);
        assert_eq!(Format::of("requests.xml"), Format::Xml);
        assert_eq!(Format::of("requests"), Format::Json);
    }

    #[test]
    fn xml_escapes_and_names_list_items() -> std::io::Result<()> {
        let doc = Doc::list(
            "errors",
            "error",
            vec![Node::Object(vec![
                ("code", Node::Int(400)),
                ("description", Node::text("a < b & \"c\" \u{1}")),
                ("flag", Node::Bool(true)),
                ("none", Node::Null),
            ])],
        );
        let xml = String::from_utf8_lossy(&doc.xml()?).into_owned();
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><errors><error><code>400</code>\
             <description>a &lt; b &amp; &quot;c&quot; </description><flag>true</flag><none/></error></errors>"
        );
        Ok(())
    }
}
