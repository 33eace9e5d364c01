//! Malformed input gives an error naming the file, the line and the problem — never a panic.
//! Both readers: Neurolucida ASC (`parse_asc`) and SWC (`parse_swc`).

use lfdeep_morph::{parse_asc, parse_swc, MorphError};
use std::path::Path;

/// Assert `r` is a parse error at `line` of `file` whose message contains every `words`.
fn expect_error<T: std::fmt::Debug>(r: Result<T, MorphError>, file: &str, line: usize, words: &[&str]) {
    let e = r.expect_err("malformed input was accepted");
    let msg = e.to_string();
    assert!(msg.starts_with(&format!("{file}:{line}: ")), "wrong file/line in: {msg}");
    for w in words {
        assert!(msg.contains(w), "'{w}' missing from: {msg}");
    }
    eprintln!("{msg}");
}

const ASC_OK: &str = r#"; a small valid cell
("CellBody"
  (Closed)
  (0 0 0 1)
  (5 0 0 1)
  (5 5 0 1)
  (0 5 0 1)
)
( (Dendrite)
  (3 0 0 2)
  (10 0 0 2)
  (
    (15 5 0 1)
    (20 10 0 1)
  |
    (15 -5 0 1)
    (20 -10 0 1)
  )
)
"#;

#[test]
fn valid_asc_parses() {
    let m = parse_asc(Path::new("ok.asc"), ASC_OK).unwrap();
    assert_eq!(m.sections.len(), 4);
}

#[test]
fn asc_truncated_file() {
    let cut = &ASC_OK[..ASC_OK.find("|").unwrap()];
    expect_error(parse_asc(Path::new("cut.asc"), cut), "cut.asc", cut.lines().count(), &["truncated", "opened at line 12"]);
}

#[test]
fn asc_unbalanced_parentheses() {
    let extra = ASC_OK.replace("(20 10 0 1)", "(20 10 0 1))");
    // The extra ')' closes the split early; the mismatch shows at the tree's last ')'.
    expect_error(parse_asc(Path::new("paren.asc"), &extra), "paren.asc", 19, &["unbalanced", "no matching"]);
    let missing = ASC_OK.replace("(10 0 0 2)", "(10 0 0 2");
    // The unclosed '(' at line 11 swallows the rest; at the end of the file the tree
    // opened at line 9 is still open.
    expect_error(parse_asc(Path::new("open.asc"), &missing), "open.asc", 19, &["truncated", "opened at line 9"]);
}

#[test]
fn asc_point_with_three_numbers() {
    let bad = ASC_OK.replace("(15 -5 0 1)", "(15 -5 0)");
    expect_error(parse_asc(Path::new("three.asc"), &bad), "three.asc", 16, &["4 numbers", "found 3"]);
    let bad_soma = ASC_OK.replace("(5 5 0 1)", "(5 5 0)");
    expect_error(parse_asc(Path::new("three.asc"), &bad_soma), "three.asc", 6, &["4 numbers"]);
}

#[test]
fn asc_nan_coordinates() {
    for nan in ["NaN", "nan", "inf", "-inf"] {
        let bad = ASC_OK.replace("(20 -10 0 1)", &format!("(20 {nan} 0 1)"));
        expect_error(parse_asc(Path::new("nan.asc"), &bad), "nan.asc", 17, &["non-finite"]);
    }
}

#[test]
fn asc_garbage_never_panics() {
    for text in ["", "(", ")", "((((", "<(", "(|)", "((Dendrite) (1 2 3 4) (|))", "\"", "(\"CellBody\" (0 0 0 1))", "((Axon) (1e400 0 0 1))"] {
        let _ = parse_asc(Path::new("g.asc"), text);
    }
}

const SWC_OK: &str = "# ok
1 1 0 0 0 5 -1
2 3 6 0 0 1 1
3 3 20 0 0 1 2
4 4 0 6 0 2 1
5 4 0 30 0 1 4
";

fn swc_with(line: usize, replacement: &str) -> String {
    let mut lines: Vec<&str> = SWC_OK.lines().collect();
    lines[line - 1] = replacement;
    lines.join("\n")
}

#[test]
fn valid_swc_parses() {
    let m = parse_swc(Path::new("ok.swc"), SWC_OK).unwrap();
    assert_eq!(m.sections.len(), 3);
}

#[test]
fn swc_too_few_columns() {
    expect_error(parse_swc(Path::new("cols.swc"), &swc_with(4, "3 3 20 0 0 1")), "cols.swc", 4, &["7 columns", "found 6"]);
    // a truncated file: the last line cut mid-sample
    let cut = &SWC_OK[..SWC_OK.len() - 8];
    expect_error(parse_swc(Path::new("cut.swc"), cut), "cut.swc", 6, &["7 columns"]);
}

#[test]
fn swc_non_numeric_and_nan_fields() {
    expect_error(parse_swc(Path::new("n.swc"), &swc_with(3, "2 3 six 0 0 1 1")), "n.swc", 3, &["field 3 (x)", "'six'"]);
    expect_error(parse_swc(Path::new("n.swc"), &swc_with(3, "2 3 6 NaN 0 1 1")), "n.swc", 3, &["field 4 (y)", "not finite"]);
    expect_error(parse_swc(Path::new("n.swc"), &swc_with(3, "2 3 6 0 inf 1 1")), "n.swc", 3, &["field 5 (z)", "not finite"]);
    expect_error(parse_swc(Path::new("n.swc"), &swc_with(3, "2 3 6 0 0 nan 1")), "n.swc", 3, &["radius", "not finite"]);
    expect_error(parse_swc(Path::new("n.swc"), &swc_with(3, "2.5 3 6 0 0 1 1")), "n.swc", 3, &["id", "integer"]);
    expect_error(parse_swc(Path::new("n.swc"), &swc_with(3, "2 3 6 0 0 1 x")), "n.swc", 3, &["parent", "'x'"]);
}

#[test]
fn swc_child_with_no_parent() {
    expect_error(parse_swc(Path::new("orphan.swc"), &swc_with(6, "5 4 0 30 0 1 9")), "orphan.swc", 6, &["parent 9", "does not exist"]);
}

#[test]
fn swc_loop() {
    // 2 → 3 → 2: a cycle that never reaches the root
    let text = "1 1 0 0 0 5 -1\n2 3 6 0 0 1 3\n3 3 20 0 0 1 2\n";
    expect_error(parse_swc(Path::new("loop.swc"), text), "loop.swc", 2, &["loop", "2 → 3 → 2"]);
    expect_error(parse_swc(Path::new("self.swc"), &swc_with(3, "2 3 6 0 0 1 2")), "self.swc", 3, &["loop", "its own parent"]);
}

#[test]
fn swc_duplicate_ids_negative_radius_two_roots_empty() {
    expect_error(parse_swc(Path::new("dup.swc"), &swc_with(4, "2 3 20 0 0 1 1")), "dup.swc", 4, &["duplicate id 2", "line 3"]);
    expect_error(parse_swc(Path::new("r.swc"), &swc_with(4, "3 3 20 0 0 -1 2")), "r.swc", 4, &["negative radius"]);
    expect_error(parse_swc(Path::new("roots.swc"), &swc_with(5, "4 4 0 6 0 2 -1")), "roots.swc", 5, &["second root", "line 2"]);
    expect_error(parse_swc(Path::new("order.swc"), "1 1 0 0 0 5 -1\n2 3 6 0 0 1 3\n3 3 20 0 0 1 1\n"), "order.swc", 2, &["parent 3", "less than"]);
    let e = parse_swc(Path::new("empty.swc"), "# nothing\n\n").expect_err("empty file accepted").to_string();
    assert!(e.starts_with("empty.swc: ") && e.contains("no SWC samples"), "{e}");
}

#[test]
fn swc_garbage_never_panics() {
    for text in ["", "\n\n", "1", "1 1 1 1 1 1 1", "0 1 0 0 0 0 -1", "1 1 0 0 0 1 -1\n2 1 0 0 0 1 1\n3 1 0 0 0 1 1",
        "1 5 0 0 0 0 -1\n2 5 0 0 0 0 1", "9999999999999999999 1 0 0 0 1 -1", "1 99999999999 0 0 0 1 -1", "1 1 1e39 0 0 1 -1"] {
        let _ = parse_swc(Path::new("g.swc"), text);
    }
}

#[test]
fn asc_degenerate_soma_contours_give_errors_not_panics() {
    for soma in [
        "(0 0 0 1) (0 0 0 1) (0 0 0 1) (0 0 0 1) (0 0 0 1)",  // one point repeated
        "(0 0 0 1) (1 0 0 1) (2 0 0 1) (3 0 0 1)",            // a straight line
        "(0 0 0 1) (1 1 1 1) (2 2 2 1) (3 3 3 1) (1 1 1 1)", // a line in 3-D, back and forth
    ] {
        let text = format!("(\"CellBody\" {soma})\n((Dendrite) (0 0 0 1) (0 20 0 1))\n");
        let r = parse_asc(Path::new("flat.asc"), &text);
        if let Err(e) = &r {
            assert!(e.to_string().starts_with("flat.asc:1: "), "{e}");
        }
        eprintln!("{soma}: {:?}", r.map(|m| m.sections[0].points.len()));
    }
}

#[test]
fn asc_deeply_nested_branches_do_not_overflow_the_stack() {
    // 2 000 nested splits are read (real cells branch < 100 deep).
    let n = 2_000;
    let mut text = String::from("((Dendrite) (0 0 0 1) (0 1 0 1)");
    for k in 0..n {
        text.push_str(&format!(" ( ({k} 2 0 1) ({k} 3 0 1) | ({k} 4 0 1) ({k} 5 0 1)"));
    }
    text.push_str(&")".repeat(n + 1));
    parse_asc(Path::new("deep.asc"), &text).expect("2 000 levels parse");
}

#[test]
fn asc_absurdly_deep_nesting_is_an_error_not_a_stack_overflow() {
    let n = 20_000;
    let mut text = String::from("((Dendrite) (0 0 0 1) (0 1 0 1)");
    for k in 0..n {
        text.push_str(&format!(" ( ({k} 2 0 1) ({k} 3 0 1) | ({k} 4 0 1) ({k} 5 0 1)"));
    }
    text.push_str(&")".repeat(n + 1));
    let err = parse_asc(Path::new("deep.asc"), &text).unwrap_err().to_string();
    assert!(err.starts_with("deep.asc:1:") && err.contains("nested more than"), "{err}");
}

#[test]
fn absurd_lengths_are_an_error_not_an_allocation_failure() {
    let m = lfdeep_morph::parse_swc(Path::new("far.swc"), "1 1 0 0 0 5 -1\n2 3 1e18 0 0 1 1\n").unwrap();
    let err = lfdeep_morph::discretize(&m, &lfdeep_morph::DiscretizeOptions::default()).unwrap_err().to_string();
    assert!(err.contains("far.swc") && err.contains("segments"), "{err}");
}
