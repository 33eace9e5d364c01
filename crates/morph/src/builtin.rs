//! Built-in synthetic L5PC-like morphology (stub).
use crate::tree::Morphology;
pub fn builtin_l5pc() -> Morphology {
    Morphology { source: "builtin:l5pc".into(), sections: vec![] }
}
