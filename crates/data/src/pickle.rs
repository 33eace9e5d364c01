//! A small unpickler for the published NeuronIO files (Python 2, protocol 2, with numpy
//! arrays). serde-pickle cannot rebuild numpy arrays (they arrive as `_reconstruct`
//! REDUCE + BUILD calls), so this reads the opcodes itself and understands exactly the
//! objects these files contain: containers, numbers, strings (py2 `str` kept as bytes and
//! read as latin-1, as `pickle.load(f, encoding='latin1')` does), numpy arrays, dtypes and
//! scalars, and `_codecs.encode` (how Python 3 writes bytes at protocol 2).

use std::collections::HashMap;

/// A decoded value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// Python 2 `str` / Python 3 `bytes`.
    Bytes(Vec<u8>),
    Str(String),
    List(Vec<Value>),
    Tuple(Vec<Value>),
    Dict(Vec<(Value, Value)>),
    /// A numpy array: dtype descr (e.g. `<f2`), shape, raw little/big-endian bytes.
    Array { descr: String, shape: Vec<usize>, data: Vec<u8> },
}

impl Value {
    /// Text of a py2 str (latin-1) or unicode string.
    pub fn as_str(&self) -> Option<String> {
        match self {
            Value::Str(s) => Some(s.clone()),
            Value::Bytes(b) => Some(b.iter().map(|&c| c as char).collect()),
            _ => None,
        }
    }
    /// Look a key up in a dict by its text.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Dict(items) => items.iter().find(|(k, _)| k.as_str().as_deref() == Some(key)).map(|(_, v)| v),
            _ => None,
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            Value::Bool(b) => Some(*b as u8 as f64),
            Value::Array { shape, .. } if shape.is_empty() => self.array_f64().ok().map(|v| v[0]),
            _ => None,
        }
    }
    /// Elements of an array, list or tuple of numbers as f64 (exact for f16/f32/ints < 2^53).
    pub fn array_f64(&self) -> Result<Vec<f64>, String> {
        match self {
            Value::Array { descr, data, .. } => decode_numbers(descr, data),
            Value::List(xs) | Value::Tuple(xs) => xs.iter().map(|x| x.as_f64().ok_or_else(|| format!("non-numeric element {x:?}"))).collect(),
            other => Err(format!("expected an array of numbers, found {}", other.kind())),
        }
    }
    pub fn shape(&self) -> Option<Vec<usize>> {
        match self {
            Value::Array { shape, .. } => Some(shape.clone()),
            Value::List(xs) | Value::Tuple(xs) => Some(vec![xs.len()]),
            _ => None,
        }
    }
    pub fn kind(&self) -> &'static str {
        match self {
            Value::None => "None",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Bytes(_) => "str",
            Value::Str(_) => "unicode",
            Value::List(_) => "list",
            Value::Tuple(_) => "tuple",
            Value::Dict(_) => "dict",
            Value::Array { .. } => "numpy array",
        }
    }
    /// A JSON rendering (arrays as nested lists of numbers) for metadata.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Value::None => serde_json::Value::Null,
            Value::Bool(b) => json!(b),
            Value::Int(i) => json!(i),
            Value::Float(f) => json!(f),
            Value::Bytes(_) | Value::Str(_) => json!(self.as_str()),
            Value::List(xs) | Value::Tuple(xs) => serde_json::Value::Array(xs.iter().map(|x| x.to_json()).collect()),
            Value::Dict(items) => {
                let mut m = serde_json::Map::new();
                for (k, v) in items {
                    let key = k.as_str().unwrap_or_else(|| k.to_json().to_string());
                    m.insert(key, v.to_json());
                }
                serde_json::Value::Object(m)
            }
            Value::Array { shape, .. } => match self.array_f64() {
                Ok(v) if shape.len() <= 1 => json!(if shape.is_empty() { json!(v[0]) } else { json!(v) }),
                Ok(v) => json!({"shape": shape, "values": v}),
                Err(e) => json!({"unreadable_array": e}),
            },
        }
    }
}

fn decode_numbers(descr: &str, data: &[u8]) -> Result<Vec<f64>, String> {
    let (order, code) = descr.split_at(1);
    let big = match order {
        "<" | "|" | "=" => false,
        ">" => true,
        _ => return Err(format!("unsupported dtype '{descr}'")),
    };
    macro_rules! read {
        ($t:ty, $n:expr, $conv:expr) => {{
            if !data.len().is_multiple_of($n) {
                return Err(format!("array data of {} bytes is not a whole number of {descr} elements", data.len()));
            }
            data.chunks_exact($n)
                .map(|c| {
                    let a: [u8; $n] = c.try_into().unwrap();
                    let x = if big { <$t>::from_be_bytes(a) } else { <$t>::from_le_bytes(a) };
                    #[allow(clippy::redundant_closure_call)]
                    ($conv)(x)
                })
                .collect()
        }};
    }
    Ok(match code {
        "f2" => read!(u16, 2, |x: u16| half::f16::from_bits(x).to_f64()),
        "f4" => read!(f32, 4, |x: f32| x as f64),
        "f8" => read!(f64, 8, |x: f64| x),
        "i1" => read!(i8, 1, |x: i8| x as f64),
        "u1" | "b1" => read!(u8, 1, |x: u8| x as f64),
        "i2" => read!(i16, 2, |x: i16| x as f64),
        "u2" => read!(u16, 2, |x: u16| x as f64),
        "i4" => read!(i32, 4, |x: i32| x as f64),
        "u4" => read!(u32, 4, |x: u32| x as f64),
        "i8" => read!(i64, 8, |x: i64| x as f64),
        "u8" => read!(u64, 8, |x: u64| x as f64),
        _ => return Err(format!("unsupported dtype '{descr}'")),
    })
}

/// Arena node while unpickling (containers are filled in place after being memoised).
#[derive(Debug, Clone)]
enum Node {
    V(Value),
    List(Vec<usize>),
    Tuple(Vec<usize>),
    Dict(Vec<(usize, usize)>),
    Global(String, String),
    Reduced { func: usize, args: usize, state: Option<usize> },
}

struct Machine<'a> {
    buf: &'a [u8],
    pos: usize,
    arena: Vec<Node>,
    stack: Vec<usize>,
    marks: Vec<usize>,
    memo: HashMap<u32, usize>,
}

impl<'a> Machine<'a> {
    fn err(&self, msg: impl std::fmt::Display) -> String {
        format!("byte {}: {msg}", self.pos)
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.pos + n > self.buf.len() {
            return Err(self.err("unexpected end of file"));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    fn line(&mut self) -> Result<String, String> {
        let rest = &self.buf[self.pos..];
        let n = rest.iter().position(|&c| c == b'\n').ok_or_else(|| self.err("unterminated line"))?;
        let s = String::from_utf8_lossy(&rest[..n]).to_string();
        self.pos += n + 1;
        Ok(s)
    }
    fn u32le(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().unwrap()))
    }
    fn push(&mut self, n: Node) {
        self.arena.push(n);
        self.stack.push(self.arena.len() - 1);
    }
    fn pop(&mut self) -> Result<usize, String> {
        let floor = self.marks.last().copied().unwrap_or(0);
        if self.stack.len() <= floor {
            return Err(self.err("stack underflow"));
        }
        Ok(self.stack.pop().unwrap())
    }
    fn pop_mark(&mut self) -> Result<Vec<usize>, String> {
        let m = self.marks.pop().ok_or_else(|| self.err("no MARK on the stack"))?;
        Ok(self.stack.split_off(m))
    }
    fn top(&self) -> Result<usize, String> {
        self.stack.last().copied().ok_or_else(|| self.err("empty stack"))
    }

    fn run(&mut self) -> Result<usize, String> {
        loop {
            let op = self.take(1)?[0];
            match op {
                0x80 => {
                    let v = self.take(1)?[0];
                    if v > 2 {
                        return Err(self.err(format!("pickle protocol {v}; the NeuronIO files use protocol 2")));
                    }
                }
                b'.' => return self.pop(),
                b'(' => self.marks.push(self.stack.len()),
                b'N' => self.push(Node::V(Value::None)),
                0x88 => self.push(Node::V(Value::Bool(true))),
                0x89 => self.push(Node::V(Value::Bool(false))),
                b'J' => {
                    let v = i32::from_le_bytes(self.take(4)?.try_into().unwrap());
                    self.push(Node::V(Value::Int(v as i64)))
                }
                b'K' => {
                    let v = self.take(1)?[0];
                    self.push(Node::V(Value::Int(v as i64)))
                }
                b'M' => {
                    let v = u16::from_le_bytes(self.take(2)?.try_into().unwrap());
                    self.push(Node::V(Value::Int(v as i64)))
                }
                0x8a => {
                    let n = self.take(1)?[0] as usize;
                    let b = self.take(n)?;
                    if n > 8 {
                        return Err(self.err("integer wider than 64 bits"));
                    }
                    let mut v: i64 = 0;
                    for (k, &byte) in b.iter().enumerate() {
                        v |= (byte as i64) << (8 * k);
                    }
                    if n > 0 && n < 8 && b[n - 1] & 0x80 != 0 {
                        v -= 1i64 << (8 * n);
                    }
                    self.push(Node::V(Value::Int(v)))
                }
                b'G' => {
                    let v = f64::from_be_bytes(self.take(8)?.try_into().unwrap());
                    self.push(Node::V(Value::Float(v)))
                }
                b'U' => {
                    let n = self.take(1)?[0] as usize;
                    let b = self.take(n)?.to_vec();
                    self.push(Node::V(Value::Bytes(b)))
                }
                b'T' => {
                    let n = self.u32le()? as usize;
                    let b = self.take(n)?.to_vec();
                    self.push(Node::V(Value::Bytes(b)))
                }
                b'X' => {
                    let n = self.u32le()? as usize;
                    let b = self.take(n)?;
                    let s = String::from_utf8(b.to_vec()).map_err(|_| self.err("invalid UTF-8 in unicode string"))?;
                    self.push(Node::V(Value::Str(s)))
                }
                b']' => self.push(Node::List(Vec::new())),
                b'}' => self.push(Node::Dict(Vec::new())),
                b')' => self.push(Node::Tuple(Vec::new())),
                b'l' => {
                    let items = self.pop_mark()?;
                    self.push(Node::List(items))
                }
                b't' => {
                    let items = self.pop_mark()?;
                    self.push(Node::Tuple(items))
                }
                b'd' => {
                    let items = self.pop_mark()?;
                    let pairs = items.chunks(2).filter(|c| c.len() == 2).map(|c| (c[0], c[1])).collect();
                    self.push(Node::Dict(pairs))
                }
                0x85 | 0x86 | 0x87 => {
                    let n = (op - 0x84) as usize;
                    let mut items = Vec::with_capacity(n);
                    for _ in 0..n {
                        items.push(self.pop()?);
                    }
                    items.reverse();
                    self.push(Node::Tuple(items))
                }
                b'a' => {
                    let v = self.pop()?;
                    let l = self.top()?;
                    match &mut self.arena[l] {
                        Node::List(xs) => xs.push(v),
                        _ => return Err(self.err("APPEND to a non-list")),
                    }
                }
                b'e' => {
                    let items = self.pop_mark()?;
                    let l = self.top()?;
                    match &mut self.arena[l] {
                        Node::List(xs) => xs.extend(items),
                        _ => return Err(self.err("APPENDS to a non-list")),
                    }
                }
                b's' => {
                    let v = self.pop()?;
                    let k = self.pop()?;
                    let d = self.top()?;
                    match &mut self.arena[d] {
                        Node::Dict(xs) => xs.push((k, v)),
                        _ => return Err(self.err("SETITEM on a non-dict")),
                    }
                }
                b'u' => {
                    let items = self.pop_mark()?;
                    let d = self.top()?;
                    match &mut self.arena[d] {
                        Node::Dict(xs) => xs.extend(items.chunks(2).filter(|c| c.len() == 2).map(|c| (c[0], c[1]))),
                        _ => return Err(self.err("SETITEMS on a non-dict")),
                    }
                }
                b'q' => {
                    let k = self.take(1)?[0] as u32;
                    let t = self.top()?;
                    self.memo.insert(k, t);
                }
                b'r' => {
                    let k = self.u32le()?;
                    let t = self.top()?;
                    self.memo.insert(k, t);
                }
                b'h' | b'j' => {
                    let k = if op == b'h' { self.take(1)?[0] as u32 } else { self.u32le()? };
                    let id = *self.memo.get(&k).ok_or_else(|| self.err(format!("memo key {k} not found")))?;
                    self.stack.push(id);
                }
                b'c' => {
                    let module = self.line()?;
                    let name = self.line()?;
                    self.push(Node::Global(module, name))
                }
                b'R' | 0x81 => {
                    let args = self.pop()?;
                    let func = self.pop()?;
                    self.push(Node::Reduced { func, args, state: None })
                }
                b'b' => {
                    let st = self.pop()?;
                    let obj = self.top()?;
                    match &mut self.arena[obj] {
                        Node::Reduced { state, .. } => *state = Some(st),
                        _ => return Err(self.err("BUILD on an object that was not constructed by REDUCE")),
                    }
                }
                other => return Err(self.err(format!("unsupported pickle opcode 0x{other:02x}"))),
            }
        }
    }

    fn value(&self, id: usize, depth: usize) -> Result<Value, String> {
        if depth > 200 {
            return Err("nesting deeper than 200 levels".into());
        }
        let rec = |i: usize| self.value(i, depth + 1);
        Ok(match &self.arena[id] {
            Node::V(v) => v.clone(),
            Node::List(xs) => Value::List(xs.iter().map(|&i| rec(i)).collect::<Result<_, _>>()?),
            Node::Tuple(xs) => Value::Tuple(xs.iter().map(|&i| rec(i)).collect::<Result<_, _>>()?),
            Node::Dict(xs) => Value::Dict(xs.iter().map(|&(k, v)| Ok((rec(k)?, rec(v)?))).collect::<Result<_, String>>()?),
            // Only seen as an argument (e.g. numpy.ndarray to _reconstruct); keep its name.
            Node::Global(m, n) => Value::Str(format!("{m}.{n}")),
            Node::Reduced { func, args, state } => {
                let (m, n) = match &self.arena[*func] {
                    Node::Global(m, n) => (m.as_str(), n.as_str()),
                    _ => return Err("REDUCE of a non-global callable".into()),
                };
                let args = rec(*args)?;
                let state = state.map(rec).transpose()?;
                let arg = |k: usize| match &args {
                    Value::Tuple(xs) => xs.get(k).cloned().ok_or_else(|| format!("{m}.{n}: missing argument {k}")),
                    _ => Err(format!("{m}.{n}: arguments are not a tuple")),
                };
                let multiarray = m == "numpy.core.multiarray" || m == "numpy._core.multiarray";
                match (m, n) {
                    (_, "_reconstruct") if multiarray => {
                        let st = match state {
                            Some(Value::Tuple(xs)) if xs.len() >= 5 => xs,
                            _ => return Err("numpy array without its (version, shape, dtype, fortran, data) state".into()),
                        };
                        let shape = match &st[1] {
                            Value::Tuple(d) | Value::List(d) => d.iter().map(|x| match x {
                                Value::Int(i) if *i >= 0 => Ok(*i as usize),
                                _ => Err("bad array shape".to_string()),
                            }).collect::<Result<Vec<_>, _>>()?,
                            _ => return Err("bad array shape".into()),
                        };
                        let descr = match &st[2] {
                            Value::Str(s) => s.clone(),
                            _ => return Err("array dtype was not understood".into()),
                        };
                        if matches!(st[3], Value::Bool(true) | Value::Int(1)) && shape.len() > 1 {
                            return Err("Fortran-ordered arrays are not supported".into());
                        }
                        let data = match &st[4] {
                            Value::Bytes(b) => b.clone(),
                            Value::Str(s) => s.chars().map(|c| c as u32 as u8).collect(),
                            other => return Err(format!("array data is a {} (object arrays are not supported)", other.kind())),
                        };
                        Value::Array { descr, shape, data }
                    }
                    ("numpy", "dtype") => {
                        // Rendered as its descr string with byte order, e.g. "<f2".
                        let base = arg(0)?.as_str().ok_or("dtype name is not a string")?;
                        let order = match &state {
                            Some(Value::Tuple(xs)) if xs.len() > 1 => xs[1].as_str().unwrap_or_else(|| "|".into()),
                            _ => "|".into(),
                        };
                        let order = if order == "|" && !matches!(base.as_str(), "b1" | "u1" | "i1") { "<".to_string() } else { order };
                        Value::Str(format!("{order}{base}"))
                    }
                    ("_codecs", "encode") => {
                        let s = arg(0)?.as_str().ok_or("_codecs.encode of a non-string")?;
                        Value::Bytes(s.chars().map(|c| c as u32 as u8).collect())
                    }
                    (_, "scalar") if multiarray => {
                        let descr = match arg(0)? {
                            Value::Str(s) => s,
                            _ => return Err("numpy scalar without dtype".into()),
                        };
                        let data = match arg(1)? {
                            Value::Bytes(b) => b,
                            _ => return Err("numpy scalar without data".into()),
                        };
                        let v = decode_numbers(&descr, &data)?;
                        if descr.get(1..2) == Some("f") {
                            Value::Float(v[0])
                        } else {
                            Value::Int(v[0] as i64)
                        }
                    }
                    _ => return Err(format!("unsupported object {m}.{n}")),
                }
            }
        })
    }
}

/// Unpickle a whole file's bytes.
pub fn loads(buf: &[u8]) -> Result<Value, String> {
    let mut m = Machine { buf, pos: 0, arena: Vec::new(), stack: Vec::new(), marks: Vec::new(), memo: HashMap::new() };
    let top = m.run()?;
    m.value(top, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_assembled_protocol2_dict() {
        // {'a': [1, 2.5], u'b': (True, None)} written by hand with protocol-2 opcodes.
        let mut p = vec![0x80, 2, b'}', b'q', 0, b'(', b'U', 1, b'a', b']', b'q', 1, b'(', b'K', 1, b'G'];
        p.extend_from_slice(&2.5f64.to_be_bytes());
        p.extend_from_slice(&[b'e', b'X', 1, 0, 0, 0, b'b', 0x88, b'N', 0x86, b'u', b'.']);
        let v = loads(&p).unwrap();
        assert_eq!(v.get("a"), Some(&Value::List(vec![Value::Int(1), Value::Float(2.5)])));
        assert_eq!(v.get("b"), Some(&Value::Tuple(vec![Value::Bool(true), Value::None])));
        assert!(loads(&p[..p.len() - 3]).is_err());
        assert!(loads(&[0x80, 2, 0xff]).unwrap_err().contains("opcode"));
    }
}
