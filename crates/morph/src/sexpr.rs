//! Tokeniser and S-expression reader for Neurolucida ASCII files.
//!
//! The file becomes a tree of [`Item`]s that remember their line, so the interpreter in
//! `asc.rs` can name the line of every problem. Comments (`;` to end of line) are dropped;
//! spines `<( ... )>` become [`Item::Spine`] and are ignored by the interpreter.

use crate::error::{MorphError, Result};
use std::path::Path;

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Num(f64, usize),
    Str(String, usize),
    Label(String, usize),
    Bar(usize),
    List(Vec<Item>, usize),
    Spine(Vec<Item>, usize),
}

impl Item {
    pub fn line(&self) -> usize {
        match self {
            Item::Num(_, l)
            | Item::Str(_, l)
            | Item::Label(_, l)
            | Item::Bar(l)
            | Item::List(_, l)
            | Item::Spine(_, l) => *l,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open,
    Close,
    SpineOpen,
    SpineClose,
    Bar,
    Num(f64),
    Str(String),
    Label(String),
}

fn tokenize(path: &Path, text: &str) -> Result<Vec<(Tok, usize)>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut line = 1;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\n' => {
                line += 1;
                i += 1;
            }
            b' ' | b'\t' | b'\r' | b',' => i += 1,
            b';' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'(' => {
                out.push((Tok::Open, line));
                i += 1;
            }
            b')' => {
                out.push((Tok::Close, line));
                i += 1;
            }
            b'<' => {
                out.push((Tok::SpineOpen, line));
                i += 1;
            }
            b'>' => {
                out.push((Tok::SpineClose, line));
                i += 1;
            }
            b'|' => {
                out.push((Tok::Bar, line));
                i += 1;
            }
            b'"' => {
                let start_line = line;
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\n' {
                        line += 1;
                    }
                    i += 1;
                }
                if i >= bytes.len() {
                    return Err(MorphError::parse(path, start_line, "unterminated string"));
                }
                out.push((Tok::Str(text[start..i].to_string()), start_line));
                i += 1;
            }
            _ => {
                let start = i;
                while i < bytes.len()
                    && !matches!(
                        bytes[i],
                        b' ' | b'\t' | b'\r' | b'\n' | b',' | b';' | b'(' | b')' | b'<' | b'>'
                            | b'|' | b'"'
                    )
                {
                    i += 1;
                }
                let word = &text[start..i];
                let starts_numeric = word
                    .bytes()
                    .next()
                    .is_some_and(|b| b.is_ascii_digit() || b == b'-' || b == b'+' || b == b'.');
                if starts_numeric {
                    match word.parse::<f64>() {
                        Ok(v) => out.push((Tok::Num(v), line)),
                        Err(_) => {
                            return Err(MorphError::parse(
                                path,
                                line,
                                format!("malformed number '{word}'"),
                            ))
                        }
                    }
                } else {
                    out.push((Tok::Label(word.to_string()), line));
                }
            }
        }
    }
    Ok(out)
}

/// Read the whole file into top-level items.
pub fn read_items(path: &Path, text: &str) -> Result<Vec<Item>> {
    let toks = tokenize(path, text)?;
    let last_line = text.lines().count().max(1);
    // Explicit stack instead of recursion: deeply nested input cannot overflow the stack.
    let mut stack: Vec<(Vec<Item>, usize, bool)> = vec![(Vec::new(), 0, false)];
    for (tok, line) in toks {
        match tok {
            Tok::Open => stack.push((Vec::new(), line, false)),
            Tok::SpineOpen => stack.push((Vec::new(), line, true)),
            Tok::Close | Tok::SpineClose => {
                let want_spine = tok == Tok::SpineClose;
                if stack.len() == 1 {
                    return Err(MorphError::parse(
                        path,
                        line,
                        format!("unbalanced '{}' with no matching opener", if want_spine { '>' } else { ')' }),
                    ));
                }
                let (items, open_line, is_spine) = stack.pop().expect("stack has an open list");
                if is_spine != want_spine {
                    return Err(MorphError::parse(
                        path,
                        line,
                        format!(
                            "mismatched '{}': the bracket opened at line {open_line} is '{}'",
                            if want_spine { '>' } else { ')' },
                            if is_spine { '<' } else { '(' }
                        ),
                    ));
                }
                let item = if is_spine {
                    Item::Spine(items, open_line)
                } else {
                    Item::List(items, open_line)
                };
                stack.last_mut().expect("outer list").0.push(item);
            }
            Tok::Bar => stack.last_mut().expect("list").0.push(Item::Bar(line)),
            Tok::Num(v) => stack.last_mut().expect("list").0.push(Item::Num(v, line)),
            Tok::Str(s) => stack.last_mut().expect("list").0.push(Item::Str(s, line)),
            Tok::Label(s) => stack.last_mut().expect("list").0.push(Item::Label(s, line)),
        }
    }
    if stack.len() > 1 {
        let (_, open_line, _) = stack.last().expect("open list");
        return Err(MorphError::parse(
            path,
            last_line,
            format!("file ends inside the block opened at line {open_line} (truncated file or unbalanced parentheses)"),
        ));
    }
    Ok(stack.pop().expect("top level").0)
}
