//! Operations that share a method and URL: what tells them apart, and the rule.
//!
//! A path key's `#fragment` keeps several operations on one URL apart in the spec; it is
//! never sent. What the server tells them apart by is, in order: the operation's own
//! `x-rpc-action`; else a fragment of the form `NAME=VALUE` (`/#Action=AssumeRole`, as the
//! public AWS query-protocol specs write it), which is an RPC action: the operation's
//! parameter `NAME` when it is the constant `VALUE`, else, for `Action`, an action the
//! generated call sends (in the form body when the body is a form, else in the query).
//! Operations sharing a method and URL that are all told apart so, by one parameter,
//! need different values; when some are not told apart at all
//! (`/files/{file_id}#get_shared_link`), each is still its own method on the shared URL,
//! with a warning.

use std::collections::BTreeMap;

use super::Lowerer;
use crate::extensions::X_RPC_ACTION;
use crate::ir::{BodyKind, Location, Param, RpcAction};

/// An operation using a method and URL.
pub(super) struct UrlUser {
    /// Its operation id.
    pub(super) id: String,
    /// What tells it apart from other operations on its URL, if anything does.
    pub(super) told_apart: Option<RpcAction>,
    /// Its pointer.
    pub(super) pointer: String,
}

/// The wire name the generated call sends an action of a fragment `Action=X` under.
const ACTION: &str = "Action";

/// A fragment of the form `NAME=VALUE`, with a name of letters, digits, `-` and `_` (not
/// a query string of several).
pub(super) fn fragment_pair(fragment: &str) -> Option<(&str, &str)> {
    let (name, value) = fragment.split_once('=')?;
    let name_ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    // `a=b&c` (AWS's REST specs write query strings there) is not one action.
    let value_ok = !value.is_empty() && !value.contains(['=', '&']);
    (name_ok && value_ok).then_some((name, value))
}

impl Lowerer<'_, '_> {
    /// What the fragment `NAME=VALUE` of an operation without `x-rpc-action` says: the
    /// action to send (the first value) and what tells the operation apart (the second).
    pub(super) fn fragment_action(
        &mut self,
        fragment: &str,
        params: &[Param],
        body: Option<BodyKind>,
        pointer: &str,
    ) -> (Option<RpcAction>, Option<RpcAction>) {
        let Some((name, value)) = fragment_pair(fragment) else {
            return (None, None);
        };
        let same_name = |p: &&Param| {
            if p.location == Location::Header {
                p.wire_name.eq_ignore_ascii_case(name)
            } else {
                p.wire_name == name
            }
        };
        if let Some(p) = params
            .iter()
            .filter(|p| p.location != Location::Path)
            .find(same_name)
        {
            if p.constant.as_deref() == Some(value) {
                let told = RpcAction {
                    location: p.location,
                    name: p.wire_name.clone(),
                    value: value.to_owned(),
                };
                return (None, Some(told));
            }
            self.error(
                pointer,
                format!(
                    "the path key's fragment `#{fragment}` says this operation sends `{name}={value}`, but its parameter `{name}` is not the constant `{value}`: make it required with `enum: [{value}]`, or remove it and the generator sends `{name}={value}` itself"
                ),
            );
            return (None, None);
        }
        if name != ACTION {
            return (None, None);
        }
        let location = if body == Some(BodyKind::Form) {
            Location::Form
        } else {
            Location::Query
        };
        let action = RpcAction {
            location,
            name: name.to_owned(),
            value: value.to_owned(),
        };
        (Some(action.clone()), Some(action))
    }

    /// Operations sharing a method and URL: when all are told apart by one parameter,
    /// each needs its own value (else an error); when some are told apart by nothing,
    /// each is its own method on the URL, with a warning.
    pub(super) fn check_shared_urls(&mut self, by_url: BTreeMap<(String, String), Vec<UrlUser>>) {
        for ((verb, path), ops) in by_url {
            if ops.len() < 2 {
                continue;
            }
            let verb = verb.to_uppercase();
            if ops.iter().all(|o| o.told_apart.is_some()) {
                self.check_actions(&verb, &path, &ops);
                continue;
            }
            for op in &ops {
                let others: Vec<&str> = ops
                    .iter()
                    .filter(|o| o.pointer != op.pointer)
                    .map(|o| o.id.as_str())
                    .collect();
                self.warn(
                    &op.pointer,
                    format!(
                        "`{}` shares `{verb} {path}` with `{}`, and nothing the generator sends tells them apart (a path key's fragment is not sent): each is its own method on that URL; if the vendor tells them apart by a parameter or header, declare it with `{X_RPC_ACTION}` on each",
                        op.id,
                        others.join(", ")
                    ),
                );
            }
        }
    }

    /// Operations on one URL, each told apart: by the same parameter, each its own value.
    fn check_actions(&mut self, verb: &str, path: &str, ops: &[UrlUser]) {
        let Some(first) = ops[0].told_apart.clone() else {
            return;
        };
        let mut seen = BTreeMap::new();
        for op in ops {
            let Some(a) = &op.told_apart else { continue };
            if a.location == first.location && a.same_name(&first) {
                if let Some(other) = seen.insert(a.value.clone(), op.id.clone()) {
                    self.error(
                        &op.pointer,
                        format!(
                            "`{}` and `{other}` both send {} `{}` to {verb} {path}",
                            op.id, a.name, a.value
                        ),
                    );
                }
            } else {
                self.error(
                    &op.pointer,
                    format!(
                        "{} operations share {verb} {path}; each must declare `{X_RPC_ACTION}` with the same `in` and `name` and its own `value`",
                        ops.len()
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fragment_pair;

    #[test]
    fn fragments_of_the_form_name_value() {
        assert_eq!(
            fragment_pair("Action=AssumeRole"),
            Some(("Action", "AssumeRole"))
        );
        assert_eq!(
            fragment_pair("X-Amz-Target=SSM.Create"),
            Some(("X-Amz-Target", "SSM.Create"))
        );
        assert_eq!(fragment_pair("get_shared_link"), None);
        assert_eq!(fragment_pair("=x"), None);
        assert_eq!(fragment_pair("Action="), None);
        assert_eq!(fragment_pair("a b=c"), None);
        assert_eq!(fragment_pair("a=b=c"), None);
        assert_eq!(fragment_pair("format=sdk&Content-Type"), None);
    }
}
