//! A refusal by a domain rule: typed where the rule is named, with the words the user sees.
//! Every capability's refusal converts into this one, so a use case can return any of them.

use std::fmt;

use super::order;
use super::procurement::request;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// An order's state machine refuses the party's action.
    Order(order::Refusal),
    /// An office request's state machine refuses the party's action.
    Request(request::Refusal),
    /// A capital application's state machine refuses the party's action.
    Capital(super::capital::application::Refusal),
    /// Another rule of the domain, in words for the user.
    Rule(String),
}

impl Refusal {
    pub fn rule(words: impl Into<String>) -> Refusal {
        Refusal::Rule(words.into())
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Order(r) => r.fmt(f),
            Refusal::Request(r) => r.fmt(f),
            Refusal::Capital(r) => r.fmt(f),
            Refusal::Rule(words) => f.write_str(words),
        }
    }
}

impl From<order::Refusal> for Refusal {
    fn from(r: order::Refusal) -> Self {
        Refusal::Order(r)
    }
}

impl From<request::Refusal> for Refusal {
    fn from(r: request::Refusal) -> Self {
        Refusal::Request(r)
    }
}

impl From<super::capital::application::Refusal> for Refusal {
    fn from(r: super::capital::application::Refusal) -> Self {
        Refusal::Capital(r)
    }
}
