//! Where a non-finite training loss came from: which parameters of the model the step started
//! from, and which of its inputs and targets, already held a NaN or an infinity. When all of
//! them were finite, the step's own arithmetic on that batch produced it (an overflow, or an
//! operation that returns NaN), and a lower learning rate will not help; [`replay`] then runs
//! the same batch through the same model again, which tells a reproducible fault from one that
//! comes and goes (dropout masks, or a kernel that reads memory it did not write).

use burn::module::{Module, ModuleVisitor, Param};
use burn::optim::GradientsParams;
use burn::prelude::*;

use super::config::RunConfig;
use super::step::step_loss;
use crate::models::Surrogate;

/// Each float parameter's dotted path and a device flag: are all values of the parameter (or,
/// with `grads`, of its gradient) finite. The flags are read back together, in one sync.
struct FiniteFlags<'a> {
    grads: Option<&'a GradientsParams>,
    path: Vec<String>,
    flags: Vec<(String, Tensor<1, Bool>)>,
}

impl ModuleVisitor for FiniteFlags<'_> {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.push(name.to_string());
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }

    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let values = match self.grads {
            None => Some(param.val()),
            // A parameter without a gradient (frozen, or not reached by this loss) has nothing to check.
            Some(g) => g.get::<D>(param.id),
        };
        if let Some(v) = values {
            let path = self.path.join(".");
            let name = if path.is_empty() { format!("parameter {}", param.id) } else { path };
            self.flags.push((name, v.is_finite().all()));
        }
    }
}

/// Dotted paths of the parameters of `model` holding a NaN or an infinity (with `grads`: whose
/// gradient does), and of those that are finite, both in module order. One read from the device.
fn finiteness<M: Module>(model: &M, grads: Option<&GradientsParams>) -> (Vec<String>, Vec<String>) {
    let mut v = FiniteFlags { grads, path: Vec::new(), flags: Vec::new() };
    model.visit(&mut v);
    if v.flags.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let (names, flags): (Vec<String>, Vec<Tensor<1, Bool>>) = v.flags.into_iter().unzip();
    // Read as floats: the form every backend's `into_data` converts from (bool storage differs).
    let finite: Vec<bool> = Tensor::cat(flags, 0).float().into_data().try_to_vec_as::<f32>().expect("f32 flags").into_iter().map(|f| f > 0.5).collect();
    let (ok, bad): (Vec<_>, Vec<_>) = names.into_iter().zip(finite).partition(|(_, f)| *f);
    (bad.into_iter().map(|(n, _)| n).collect(), ok.into_iter().map(|(n, _)| n).collect())
}

fn all_finite<const D: usize>(t: Tensor<D>) -> bool {
    t.is_finite().all().into_scalar::<bool>()
}

/// The first 8 names, then how many more.
fn name_list(names: &[String]) -> String {
    let shown: Vec<&str> = names.iter().take(8).map(String::as_str).collect();
    let more = if names.len() > shown.len() { format!(" and {} more", names.len() - shown.len()) } else { String::new() };
    format!("{}{more}", shown.join(", "))
}

/// A sentence for the error: the non-finite parameters of `model` (the model before the step)
/// and whether the batch `x` (inputs), `y` (targets) held non-finite values.
pub fn describe<M: Module>(model: &M, x: &Tensor<3>, y: &Tensor<3>) -> String {
    let (bad, _) = finiteness(model, None);
    let mut parts = Vec::new();
    if !bad.is_empty() {
        parts.push(format!("non-finite parameters before the step: {}", name_list(&bad)));
    }
    if !all_finite(x.clone()) {
        parts.push("the batch's inputs hold non-finite values".into());
    }
    if !all_finite(y.clone()) {
        parts.push("the batch's targets hold non-finite values".into());
    }
    if parts.is_empty() {
        "parameters, inputs and targets were finite: the step's own arithmetic on this batch produced it".into()
    } else {
        parts.join("; ")
    }
}

/// Dotted paths of the parameters of `model` whose gradient in `grads` holds a NaN or an
/// infinity, and of those whose gradient is finite (both in module order). One read from the
/// device for the whole model.
pub fn gradient_finiteness<M: Module>(model: &M, grads: &GradientsParams) -> (Vec<String>, Vec<String>) {
    finiteness(model, Some(grads))
}

/// The error sentence for a step whose gradients went non-finite though its loss did not.
pub fn describe_gradients(step: u64, loss: f64, bad: &[String], ok: &[String]) -> String {
    let finite = if ok.is_empty() { "none".to_string() } else { name_list(ok) };
    format!(
        "the gradients of step {step} hold NaN or infinity though its loss ({loss}) is finite: the backward pass produced them. Non-finite: {}; finite: {finite}",
        name_list(bad)
    )
}

/// The loss of batch (`x`, `y`) through `model` (the model before the step) once more: in
/// training mode (fresh dropout masks) and in evaluation mode (no dropout, no autodiff).
pub fn replay(model: &Surrogate, x: &Tensor<3>, y: &Tensor<3>, cfg: &RunConfig) -> String {
    let train = step_loss(model, cfg, x.clone(), y.clone()).into_scalar::<f32>();
    let plain = x.device().without_autodiff();
    let (xv, yv) = (Tensor::from_data(x.to_data(), &plain), Tensor::from_data(y.to_data(), &plain));
    let eval = step_loss(&model.valid(), cfg, xv, yv).into_scalar::<f32>();
    format!("the same batch through the same model again: loss {train} in training mode (new dropout masks), {eval} in evaluation mode")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Module, Debug)]
    struct Two {
        a: Param<Tensor<1>>,
        b: Param<Tensor<2>>,
    }

    fn t3(v: Vec<f32>) -> Tensor<3> {
        let n = v.len();
        Tensor::from_data(TensorData::new(v, [1, 1, n]), &Device::flex())
    }

    #[test]
    fn names_the_non_finite_parameters_and_batch_parts() {
        let dev = Device::flex();
        let m = Two {
            a: Param::from_data(TensorData::new(vec![1.0f32, 2.0], [2]), &dev),
            b: Param::from_data(TensorData::new(vec![0.0f32, f32::NAN, 1.0, 2.0], [2, 2]), &dev),
        };
        let s = describe(&m, &t3(vec![1.0, f32::INFINITY]), &t3(vec![0.5]));
        assert!(s.contains("non-finite parameters before the step: b"), "{s}");
        assert!(!s.contains(" a"), "{s}");
        assert!(s.contains("inputs hold non-finite"), "{s}");
        assert!(!s.contains("targets"), "{s}");
        let ok = Two { a: Param::from_data(TensorData::new(vec![1.0f32, 2.0], [2]), &dev), b: Param::from_data(TensorData::new(vec![0.0f32; 4], [2, 2]), &dev) };
        assert!(describe(&ok, &t3(vec![1.0]), &t3(vec![1.0])).contains("were finite: the step's own arithmetic"));
    }

    #[test]
    fn names_the_parameters_whose_gradient_is_not_finite() {
        let dev = Device::flex().autodiff();
        let m = Two {
            a: Param::from_data(TensorData::new(vec![1.0f32, 2.0], [2]), &dev),
            b: Param::from_data(TensorData::new(vec![0.0f32, 4.0, 1.0, 9.0], [2, 2]), &dev),
        };
        // d√b/db = 1 / (2√b) is infinite at b = 0; d(Σa)/da = 1 everywhere.
        let loss = m.a.val().sum() + m.b.val().sqrt().sum();
        let grads = GradientsParams::from_grads(loss.backward(), &m);
        let (bad, ok) = gradient_finiteness(&m, &grads);
        assert_eq!(bad, vec!["b".to_string()]);
        assert_eq!(ok, vec!["a".to_string()]);
        let s = describe_gradients(7, 3.0, &bad, &ok);
        assert!(s.contains("step 7") && s.contains("Non-finite: b; finite: a"), "{s}");
    }
}
