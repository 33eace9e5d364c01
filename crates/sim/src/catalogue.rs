//! Turns channel placements into mechanism objects (the catalogue of density mechanisms).

use crate::biophysics::ChannelPlacement;
use crate::error::{Result, SimError};
use crate::mechanisms::*;

/// Build the mechanism for a placement; `nodes` are the cell nodes of its segments.
pub fn make_channel(p: &ChannelPlacement, nodes: Vec<usize>) -> Result<Box<dyn Mechanism>> {
    let g = p.gbar.clone();
    Ok(match p.name {
        "NaTa_t" => Box::new(NaTaT::new(nodes, g)),
        "NaTs2_t" => Box::new(NaTs2T::new(nodes, g)),
        "Nap_Et2" => Box::new(NapEt2::new(nodes, g)),
        "K_Pst" => Box::new(KPst::new(nodes, g)),
        "K_Tst" => Box::new(KTst::new(nodes, g)),
        "SKv3_1" => Box::new(SKv31::new(nodes, g)),
        "SK_E2" => Box::new(SkE2::new(nodes, g)),
        "Ca_HVA" => Box::new(CaHva::new(nodes, g)),
        "Ca_LVAst" => Box::new(CaLvast::new(nodes, g)),
        "Im" => Box::new(Im::new(nodes, g)),
        "Ih" => Box::new(Ih::new(nodes, g)),
        other => return Err(SimError::param(format!("channel {other}"), "unknown mechanism")),
    })
}
