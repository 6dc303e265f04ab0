//! Maps JSON pointers to line:column positions in the YAML source.
//!
//! serde_yaml drops positions once a document is deserialized, so this module runs a
//! second, event-level parse (yaml-rust2) and records where each node starts. For a
//! mapping entry the position is that of its key, which is where a reader looks.

use std::collections::{HashMap, HashSet};

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::Marker;

use crate::diagnostics::escape_token;

/// The positions of `pointers` in `text` (each that of the node, or of its nearest
/// ancestor that has one), in one event-level pass that looks only at the nodes on the
/// way to them: other subtrees are stepped over without building their pointers, and
/// the pass stops once every pointer is found (indexing the whole document took 0.65 s
/// of GitHub's 13 MB spec to place two warnings). A document that stops parsing gives
/// the positions found before the error (the loader reports the error itself).
pub fn positions(text: &str, pointers: &[&str]) -> Vec<Option<(usize, usize)>> {
    // Every pointer and its ancestors: the nodes worth recording or entering.
    let mut wanted: HashSet<&str> = HashSet::new();
    for p in pointers {
        let mut p = *p;
        while wanted.insert(p) {
            match p.rfind('/') {
                Some(cut) => p = &p[..cut],
                None => break,
            }
        }
    }
    let targets: HashSet<&str> = pointers.iter().copied().collect();
    let mut missing = targets.len();
    let mut found: HashMap<String, (usize, usize)> = HashMap::new();
    let mut builder = Builder::default();
    // Depth inside a container no pointer goes into.
    let mut skipping = 0usize;
    let mut parser = Parser::new_from_str(text);
    while missing > 0 {
        let Ok((event, mark)) = parser.next_token() else {
            break;
        };
        if skipping > 0 {
            match event {
                Event::MappingStart(..) | Event::SequenceStart(..) => skipping += 1,
                Event::MappingEnd | Event::SequenceEnd => skipping -= 1,
                Event::StreamEnd => break,
                _ => {}
            }
            continue;
        }
        match event {
            Event::Scalar(ref value, ..) => {
                builder.node(Some(value), false, mark);
            }
            Event::Alias(_) => {
                builder.node(None, false, mark);
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if let Some(path) = builder.node(None, true, mark) {
                    if !wanted.contains(path.as_str()) {
                        skipping = 1;
                    } else if matches!(event, Event::MappingStart(..)) {
                        builder.stack.push(Frame::Map { path, key: None });
                    } else {
                        builder.stack.push(Frame::Seq { path, next: 0 });
                    }
                }
            }
            Event::MappingEnd | Event::SequenceEnd => {
                builder.stack.pop();
            }
            Event::StreamEnd => break,
            _ => {}
        }
        for (ptr, pos) in builder.positions.drain() {
            if wanted.contains(ptr.as_str()) && !found.contains_key(&ptr) {
                if targets.contains(ptr.as_str()) {
                    missing -= 1;
                }
                found.insert(ptr, pos);
            }
        }
    }
    pointers
        .iter()
        .map(|pointer| {
            let mut p = *pointer;
            loop {
                if let Some(pos) = found.get(p) {
                    return Some(*pos);
                }
                let cut = p.rfind('/')?;
                p = &p[..cut];
            }
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys_and_sequence_items() {
        let text = "openapi: 3.0.3\npaths:\n  /v1/sim-pools:\n    get:\n      parameters:\n        - name: limit\n          in: query\n        - $ref: '#/x'\n";
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
        let pointers: Vec<&str> = cases.iter().map(|(p, _)| *p).collect();
        let expected: Vec<_> = cases.iter().map(|(_, pos)| Some(*pos)).collect();
        assert_eq!(positions(text, &pointers), expected);
    }

    #[test]
    fn each_pointer_is_placed_alone_or_with_others() {
        let text = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      parameters:\n        - name: limit\n          in: query\n        - {name: x, in: path}\n  /b:\n    post: {responses: {'200': {description: ok}}}\ncomponents:\n  schemas:\n    A: {type: object, properties: {n: {type: integer}}}\n    B: [1, {c: 2}]\n";
        let cases: &[(&str, (usize, usize))] = &[
            ("", (1, 1)),
            ("/openapi", (1, 1)),
            ("/paths/~1a/get/parameters/1/in", (8, 21)),
            ("/paths/~1a/get/parameters/0", (6, 11)),
            ("/paths/~1b/post/responses/200/description", (10, 32)),
            // a missing key falls back to its parent
            ("/paths/~1b/post/responses/404", (10, 12)),
            ("/components/schemas/A/properties/n/type", (13, 40)),
            ("/components/schemas/B/1/c", (14, 13)),
            ("/components/schemas/B/0", (14, 9)),
            // nothing of it: the document
            ("/nowhere/at/all", (1, 1)),
            ("/openapi", (1, 1)),
        ];
        let pointers: Vec<&str> = cases.iter().map(|(p, _)| *p).collect();
        let expected: Vec<_> = cases.iter().map(|(_, pos)| Some(*pos)).collect();
        assert_eq!(positions(text, &pointers), expected);
        for (p, pos) in cases {
            assert_eq!(positions(text, &[p]), vec![Some(*pos)], "{p}");
        }
    }

    #[test]
    fn before_a_syntax_error_nodes_are_found() {
        // The loader reports the error itself.
        assert_eq!(
            positions("x: 1\na: [1, 2\nb: }", &["/a", "/b"]),
            vec![Some((2, 1)), Some((1, 1))]
        );
        assert_eq!(positions("a: [1, 2\nb: }", &["/a"]), vec![Some((1, 1))]);
        assert_eq!(positions("[unclosed", &["/a"]), vec![None]);
    }
}
