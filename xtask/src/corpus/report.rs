//! The corpus report, in Markdown: a table of the specs, the kinds of problem that
//! block them counted over the whole run, and each failing spec's problems by kind.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use super::{Outcome, Stage};

/// The whole report, each kind with up to `examples` example messages.
pub fn render(outcomes: &[Outcome], examples: usize) -> String {
    let mut out = String::new();
    table(&mut out, outcomes);
    summary(&mut out, outcomes, "generate", |o| &o.generate);
    summary(&mut out, outcomes, "compile", |o| &o.compile);
    warnings(&mut out, outcomes);
    details(&mut out, outcomes, examples);
    out
}

/// Per kind of warning: how many specs have it and how often it occurs.
fn warnings(out: &mut String, outcomes: &[Outcome]) {
    let mut kinds: BTreeMap<&str, (Vec<&str>, usize)> = BTreeMap::new();
    for o in outcomes {
        for g in &o.warnings.1 {
            let entry = kinds.entry(g.kind.as_str()).or_default();
            entry.0.push(o.spec.name.as_str());
            entry.1 += g.count;
        }
    }
    if kinds.is_empty() {
        return;
    }
    let mut rows: Vec<(&str, Vec<&str>, usize)> = kinds
        .into_iter()
        .map(|(kind, (specs, count))| (kind, specs, count))
        .collect();
    rows.sort_by(|a, b| {
        b.1.len()
            .cmp(&a.1.len())
            .then(b.2.cmp(&a.2))
            .then(a.0.cmp(b.0))
    });
    let _ = writeln!(
        out,
        "## What the generator warns about (skipped or approximated), by kind\n"
    );
    let _ = writeln!(out, "| kind | specs | occurrences | which |");
    let _ = writeln!(out, "|---|--:|--:|---|");
    for (kind, specs, count) in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            kind.replace('|', "\\|"),
            specs.len(),
            count,
            specs.join(", ")
        );
    }
    out.push('\n');
}

/// One stage in a table cell: `ok`, `37 errors`, `panicked`, `-`.
pub fn stage_cell(stage: &Stage) -> String {
    match stage {
        Stage::Skipped => "-".into(),
        Stage::Ok(_) => "ok".into(),
        Stage::Failed(_, 1, _) => "1 error".into(),
        Stage::Failed(_, n, _) => format!("{n} errors"),
        Stage::Panicked(..) => "panicked".into(),
        Stage::Error(_) => "could not run".into(),
    }
}

fn time_cell(stage: &Stage) -> String {
    let secs = |d: &Duration| format!("{:.1} s", d.as_secs_f64());
    match stage {
        Stage::Ok(d) | Stage::Failed(d, ..) | Stage::Panicked(d, _) => secs(d),
        Stage::Skipped | Stage::Error(_) => "-".into(),
    }
}

fn table(out: &mut String, outcomes: &[Outcome]) {
    let _ = writeln!(
        out,
        "| spec | size | operations | MB | fetch | generate | compile | generate time | compile time |"
    );
    let _ = writeln!(out, "|---|---|--:|--:|---|---|---|--:|--:|");
    for o in outcomes {
        let s = &o.spec;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.2} | {} | {} | {} | {} | {} |",
            s.name,
            s.size,
            s.operations,
            s.bytes as f64 / 1e6,
            stage_cell(&o.fetch),
            match (&o.generate, o.warnings.0) {
                (Stage::Ok(_), 1) => "ok, 1 warning".to_owned(),
                (Stage::Ok(_), n) if n > 0 => format!("ok, {n} warnings"),
                (stage, _) => stage_cell(stage),
            },
            stage_cell(&o.compile),
            time_cell(&o.generate),
            time_cell(&o.compile),
        );
    }
    let failed = outcomes.iter().filter(|o| o.failed()).count();
    let _ = writeln!(
        out,
        "\n{} specs: {} passed, {} failed\n",
        outcomes.len(),
        outcomes.len() - failed,
        failed
    );
}

/// Per kind of problem in one stage: how many specs it blocks and how often it occurs.
fn summary(out: &mut String, outcomes: &[Outcome], stage: &str, pick: fn(&Outcome) -> &Stage) {
    let mut kinds: BTreeMap<&str, (Vec<&str>, usize)> = BTreeMap::new();
    let mut panics: Vec<&str> = Vec::new();
    for o in outcomes {
        match pick(o) {
            Stage::Failed(_, _, groups) => {
                for g in groups {
                    let entry = kinds.entry(g.kind.as_str()).or_default();
                    entry.0.push(o.spec.name.as_str());
                    entry.1 += g.count;
                }
            }
            Stage::Panicked(..) => panics.push(o.spec.name.as_str()),
            _ => {}
        }
    }
    if kinds.is_empty() && panics.is_empty() {
        return;
    }
    let mut rows: Vec<(&str, Vec<&str>, usize)> = kinds
        .into_iter()
        .map(|(kind, (specs, count))| (kind, specs, count))
        .collect();
    rows.sort_by(|a, b| {
        b.1.len()
            .cmp(&a.1.len())
            .then(b.2.cmp(&a.2))
            .then(a.0.cmp(b.0))
    });
    let _ = writeln!(out, "## What fails to {stage}, by kind\n");
    let _ = writeln!(out, "| kind | specs | occurrences | which |");
    let _ = writeln!(out, "|---|--:|--:|---|");
    if !panics.is_empty() {
        let _ = writeln!(
            out,
            "| the generator panicked | {} | {} | {} |",
            panics.len(),
            panics.len(),
            panics.join(", ")
        );
    }
    for (kind, specs, count) in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            kind.replace('|', "\\|"),
            specs.len(),
            count,
            specs.join(", ")
        );
    }
    out.push('\n');
}

fn details(out: &mut String, outcomes: &[Outcome], examples: usize) {
    for o in outcomes.iter().filter(|o| o.failed()) {
        let _ = writeln!(out, "## {}\n", o.spec.name);
        for (label, stage) in [
            ("fetch", &o.fetch),
            ("generate", &o.generate),
            ("compile", &o.compile),
        ] {
            match stage {
                Stage::Failed(_, n, groups) => {
                    let noun = if *n == 1 { "error" } else { "errors" };
                    let _ = writeln!(out, "{label}: {n} {noun}");
                    for g in groups {
                        let _ = writeln!(out, "- {} x {}", g.count, g.kind);
                        for e in g.examples.iter().take(examples) {
                            let _ = writeln!(out, "  - `{}`", e.replace('`', "'"));
                        }
                    }
                }
                Stage::Panicked(_, message) => {
                    let _ = writeln!(out, "{label}: the generator panicked: {message}");
                }
                Stage::Error(message) => {
                    let _ = writeln!(out, "{label}: could not run: {message}");
                }
                Stage::Skipped | Stage::Ok(_) => {}
            }
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::super::manifest::{SizeClass, Spec};
    use super::super::triage::Group;
    use super::*;

    fn outcome(name: &str, generate: Stage) -> Outcome {
        Outcome {
            spec: Spec {
                name: name.into(),
                about: String::new(),
                package: "p".into(),
                path: "p.yaml".into(),
                sha256: String::new(),
                openapi: "3.0.0".into(),
                size: SizeClass::Small,
                operations: 3,
                bytes: 2_571,
            },
            fetch: Stage::Ok(Duration::from_millis(5)),
            generate,
            compile: Stage::Skipped,
            warnings: (0, Vec::new()),
        }
    }

    fn group(kind: &str, count: usize) -> Group {
        Group {
            kind: kind.into(),
            count,
            examples: vec![format!("spec.yaml: {kind}")],
        }
    }

    #[test]
    fn kinds_are_counted_per_spec_over_the_run() {
        let outcomes = [
            outcome(
                "a",
                Stage::Failed(
                    Duration::from_secs(1),
                    5,
                    vec![group("schema uses allOf", 4), group("cookie parameter", 1)],
                ),
            ),
            outcome(
                "b",
                Stage::Failed(
                    Duration::from_secs(1),
                    2,
                    vec![group("schema uses allOf", 2)],
                ),
            ),
            outcome("c", Stage::Ok(Duration::from_millis(1500))),
            outcome("d", Stage::Panicked(Duration::ZERO, "boom".into())),
        ];
        let text = render(&outcomes, 1);
        assert!(
            text.contains("| c | small | 3 | 0.00 | ok | ok | - | 1.5 s | - |"),
            "{text}"
        );
        assert!(
            text.contains("| a | small | 3 | 0.00 | ok | 5 errors | - |"),
            "{text}"
        );
        assert!(text.contains("4 specs: 1 passed, 3 failed"), "{text}");
        assert!(
            text.contains("| the generator panicked | 1 | 1 | d |"),
            "{text}"
        );
        assert!(
            text.contains("| schema uses allOf | 2 | 6 | a, b |"),
            "{text}"
        );
        assert!(text.contains("| cookie parameter | 1 | 1 | a |"), "{text}");
        let allof = text.find("| schema uses allOf").expect("row");
        let cookie = text.find("| cookie parameter").expect("row");
        assert!(allof < cookie, "the kind blocking more specs comes first");
        assert!(text.contains("## a\n\ngenerate: 5 errors\n- 4 x schema uses allOf\n  - `spec.yaml: schema uses allOf`\n"), "{text}");
        assert!(
            text.contains("## d\n\ngenerate: the generator panicked: boom"),
            "{text}"
        );
        assert!(!text.contains("## c"), "passing specs have no details");
    }
}
