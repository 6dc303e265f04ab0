//! Maps JSON pointers to line:column positions in the YAML source.
//!
//! serde_yaml drops positions once a document is deserialized, so this module runs a
//! second, event-level parse (yaml-rust2) and records where each node starts. For a
//! mapping entry the position is that of its key, which is where a reader looks.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::diagnostics::escape_token;

/// Positions of every node of one YAML document, by JSON pointer.
#[derive(Debug, Default)]
pub struct Locator {
    positions: HashMap<String, (usize, usize)>,
}

impl Locator {
    /// Indexes `text`; a document that does not parse gives an empty index (the
    /// syntax error itself is reported by the loader, with its own position).
    pub fn new(text: &str) -> Self {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(text);
        if parser.load(&mut builder, false).is_err() {
            return Locator::default();
        }
        Locator {
            positions: builder.positions,
        }
    }

    /// The 1-based line and column of the node at `pointer`, or of its nearest
    /// ancestor that has one.
    pub fn find(&self, pointer: &str) -> Option<(usize, usize)> {
        let mut p = pointer;
        loop {
            if let Some(pos) = self.positions.get(p) {
                return Some(*pos);
            }
            let cut = p.rfind('/')?;
            p = &p[..cut];
        }
    }
}

enum Frame {
    /// A mapping; `key` is the key whose value comes next, if any.
    Map { path: String, key: Option<String> },
    /// A sequence; `next` is the index of the next element.
    Seq { path: String, next: usize },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    positions: HashMap<String, (usize, usize)>,
}

impl Builder {
    fn position(mark: Marker) -> (usize, usize) {
        // yaml-rust2 counts lines from 1 and columns from 0.
        (mark.line(), mark.col() + 1)
    }

    /// Handles the start of a node (scalar, alias or container); returns the pointer
    /// of the node when it is a value, `None` when it was a mapping key.
    ///
    /// A container's own start mark can sit past its first key, so a mapping inside a
    /// sequence is positioned at its first key instead.
    fn node(&mut self, scalar: Option<&str>, container: bool, mark: Marker) -> Option<String> {
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Map { path, key }) => match key.take() {
                None => {
                    let k = scalar.unwrap_or_default().to_owned();
                    let ptr = format!("{path}/{}", escape_token(&k));
                    self.positions.entry(ptr).or_insert(Self::position(mark));
                    self.positions
                        .entry(path.clone())
                        .or_insert(Self::position(mark));
                    *key = Some(k);
                    None
                }
                Some(k) => Some(format!("{path}/{}", escape_token(&k))),
            },
            Some(Frame::Seq { path, next }) => {
                let ptr = format!("{path}/{next}");
                *next += 1;
                if !container {
                    self.positions
                        .entry(ptr.clone())
                        .or_insert(Self::position(mark));
                }
                Some(ptr)
            }
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(value, ..) => {
                self.node(Some(&value), false, mark);
            }
            Event::Alias(_) => {
                self.node(None, false, mark);
            }
            Event::MappingStart(..) => {
                if let Some(path) = self.node(None, true, mark) {
                    self.stack.push(Frame::Map { path, key: None });
                }
            }
            Event::SequenceStart(..) => {
                if let Some(path) = self.node(None, true, mark) {
                    self.stack.push(Frame::Seq { path, next: 0 });
                }
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys_and_sequence_items() {
        let text = "openapi: 3.0.3\npaths:\n  /v1/sim-pools:\n    get:\n      parameters:\n        - name: limit\n          in: query\n        - $ref: '#/x'\n";
        let loc = Locator::new(text);
        let cases: &[(&str, (usize, usize))] = &[
            ("/openapi", (1, 1)),
            ("/paths", (2, 1)),
            ("/paths/~1v1~1sim-pools", (3, 3)),
            ("/paths/~1v1~1sim-pools/get/parameters/0", (6, 11)),
            ("/paths/~1v1~1sim-pools/get/parameters/0/in", (7, 11)),
            ("/paths/~1v1~1sim-pools/get/parameters/1/$ref", (8, 11)),
            // unknown children fall back to the nearest known ancestor
            (
                "/paths/~1v1~1sim-pools/get/parameters/1/$ref/deeper",
                (8, 11),
            ),
        ];
        for (ptr, pos) in cases {
            assert_eq!(loc.find(ptr), Some(*pos), "{ptr}");
        }
    }

    #[test]
    fn broken_yaml_gives_an_empty_index() {
        let loc = Locator::new("a: [1, 2\nb: }");
        assert_eq!(loc.find("/a"), None);
    }
}
