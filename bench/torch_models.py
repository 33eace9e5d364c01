"""PyTorch reference implementations of lfdeep's TCN and MMoE (issue #7).

These mirror the Burn models in crates/nn/src/{models,layers} layer for layer, so that a
PyTorch timing or accuracy number is a fair reference for lfdeep's:

- CausalConv1d (layers/causal_conv.rs): kernel [out, in, k], left zero padding of
  (k-1)*dilation, optional weight norm w = g * v / ||v|| per output channel with g = ||v|| at
  init; kernel init truncated normal N(0, std^2) cut at +-2 std when `init_std` is given, else
  U(+-1/sqrt(in*k)); bias always U(+-1/sqrt(in*k)).
- TcnEncoder (layers/tcn_encoder.rs): `plain` layers conv -> ReLU -> BatchNorm (Beniaguev et
  al.), or `residual` blocks (Bai et al.): two weight-normalised convs each followed by ReLU
  and dropout, a 1x1 conv (no weight norm) on the skip path when the width changes, ReLU on
  the sum.
- GroupedLinear / Towers (layers/grouped_linear.rs, towers.rs): per-task weights
  [tasks, in, out], U(+-1/sqrt(in)) for weights and biases; Linear-ELU-...-Linear->1.
- TcnModel (models/tcn.rs): encoder + 1x1 causal conv head (uniform init) predicting every
  step, spike head bias -2; output [batch, time, targets].
- MmoeModel (models/mmoe.rs): E expert encoders, relu(flatten + expert_bias); a compressor
  encoder whose flattened output gives per-task softmax gates (gate_weight [tasks, f, E],
  U(+-1/sqrt(f)), gate/expert/task biases zero); h_k = sum_e g_ke expert_e + task_bias_k;
  towers; output [batch, 1, targets] (the last step of the window). MMoEEx exclusivity is
  not mirrored (the benchmark uses plain MMoE, exclusivity = 0).

Burn's BatchNorm defaults equal PyTorch's (momentum 0.1, eps 1e-5, gamma 1, beta 0).

Initialisation follows the same distributions, not the same numbers: lfdeep draws from a
ChaCha8 stream, this draws from torch's generator.

Parameter counts: lfdeep's count (Burn `num_params`) includes BatchNorm running mean and
variance, PyTorch's `parameters()` does not; `lfdeep_param_count` adds them so the two agree.
For the default cell (1278 synapses, 639 dendritic segments, 641 targets = spike, soma, 639
segments) the counts are, checked by hand from the Rust code and against BENCHMARKS.md
"Training" (which used synthetic:12:639:1200, same channel and target counts):
  tcn  configs/tcn.toml  (inputs mode, 1278 channels, any window):           8,433,025
  mmoe configs/mmoe.toml (teacher mode, 1278+639+1 = 1918 channels, window 100): 12,400,842
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

# --- the presets in configs/tcn.toml and configs/mmoe.toml --------------------------------

TCN_PRESET = dict(channels=[128] * 7, kernel_sizes=[39] + [20] * 6, dilations=[1] * 7, kind="plain",
                  dropout=0.0, batch_norm=True, init_std=0.002)
LFDEEP_ENCODER = dict(channels=[32, 16, 8], kernel_sizes=[10] * 3, dilations=[1, 2, 4], kind="residual",
                      dropout=0.2, batch_norm=False, init_std=None)
TCN_SPIKE_BIAS_INIT = -2.0
MMOE_EXPERTS = 5
MMOE_TOWER_HIDDEN = [10]


def _uniform_(t: torch.Tensor, bound: float) -> torch.Tensor:
    with torch.no_grad():
        return t.uniform_(-bound, bound)


class CausalConv1d(nn.Module):
    def __init__(self, cin: int, cout: int, k: int, dilation: int = 1, weight_norm: bool = False,
                 init_std: float | None = None):
        super().__init__()
        self.kernel_size, self.dilation = k, dilation
        fan_in = cin * k
        w = torch.empty(cout, cin, k)
        if init_std is not None:
            nn.init.trunc_normal_(w, 0.0, init_std, -2 * init_std, 2 * init_std)
        else:
            _uniform_(w, 1.0 / math.sqrt(fan_in))
        self.weight = nn.Parameter(w)
        # g = ||v|| at init, so the reparameterised kernel starts equal to v.
        self.gain = nn.Parameter(w.pow(2).sum(dim=(1, 2)).sqrt().clone()) if weight_norm else None
        self.bias = nn.Parameter(_uniform_(torch.empty(cout), 1.0 / math.sqrt(fan_in)))

    def history(self) -> int:
        return (self.kernel_size - 1) * self.dilation

    def effective_weight(self) -> torch.Tensor:
        v = self.weight
        if self.gain is None:
            return v
        norm = v.pow(2).sum(dim=(1, 2), keepdim=True).sqrt()
        return v * (self.gain.view(-1, 1, 1) / norm)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pad = self.history()
        if pad > 0:
            x = F.pad(x, (pad, 0))
        return F.conv1d(x, self.effective_weight(), self.bias, dilation=self.dilation)


class PlainLayer(nn.Module):
    def __init__(self, cin, cout, k, d, batch_norm, init_std):
        super().__init__()
        self.conv = CausalConv1d(cin, cout, k, d, weight_norm=False, init_std=init_std)
        self.norm = nn.BatchNorm1d(cout) if batch_norm else None

    def forward(self, x):
        h = F.relu(self.conv(x))
        return self.norm(h) if self.norm is not None else h


class ResidualBlock(nn.Module):
    def __init__(self, cin, cout, k, d, dropout, init_std):
        super().__init__()
        self.conv1 = CausalConv1d(cin, cout, k, d, weight_norm=True, init_std=init_std)
        self.conv2 = CausalConv1d(cout, cout, k, d, weight_norm=True, init_std=init_std)
        self.downsample = CausalConv1d(cin, cout, 1, 1, weight_norm=False, init_std=init_std) if cin != cout else None
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        h = self.dropout(F.relu(self.conv1(x)))
        h = self.dropout(F.relu(self.conv2(h)))
        res = self.downsample(x) if self.downsample is not None else x
        return F.relu(h + res)


class TcnEncoder(nn.Module):
    def __init__(self, cin, channels, kernel_sizes, dilations, kind, dropout=0.0, batch_norm=True, init_std=None):
        super().__init__()
        assert len(channels) == len(kernel_sizes) == len(dilations), "channels/kernel_sizes/dilations lengths differ"
        layers = []
        c = cin
        for cout, k, d in zip(channels, kernel_sizes, dilations):
            if kind == "plain":
                layers.append(PlainLayer(c, cout, k, d, batch_norm, init_std))
            elif kind == "residual":
                layers.append(ResidualBlock(c, cout, k, d, dropout, init_std))
            else:
                raise ValueError(f"encoder kind must be plain or residual, got {kind!r}")
            c = cout
        self.layers = nn.ModuleList(layers)
        self.out_channels = c
        per = 1 if kind == "plain" else 2
        self.receptive_field = 1 + sum(per * (k - 1) * d for k, d in zip(kernel_sizes, dilations))

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


class TcnModel(nn.Module):
    """x [batch, channels, time] -> [batch, time, targets]."""

    sequence = True

    def __init__(self, in_channels: int, n_targets: int, encoder: dict | None = None,
                 spike_bias_init: float = TCN_SPIKE_BIAS_INIT):
        super().__init__()
        self.encoder = TcnEncoder(in_channels, **(encoder or TCN_PRESET))
        self.head = CausalConv1d(self.encoder.out_channels, n_targets, 1)
        with torch.no_grad():
            self.head.bias[0] = spike_bias_init

    def forward(self, x):
        return self.head(self.encoder(x)).transpose(1, 2)


class GroupedLinear(nn.Module):
    def __init__(self, tasks, d_in, d_out):
        super().__init__()
        bound = 1.0 / math.sqrt(d_in)
        self.weight = nn.Parameter(_uniform_(torch.empty(tasks, d_in, d_out), bound))
        self.bias = nn.Parameter(_uniform_(torch.empty(tasks, d_out), bound))

    def forward_shared(self, x):  # [b, in] -> [b, k, out]
        k, i, o = self.weight.shape
        w = self.weight.transpose(0, 1).reshape(i, k * o)
        return (x @ w).view(x.shape[0], k, o) + self.bias.unsqueeze(0)

    def forward(self, x):  # [b, k, in] -> [b, k, out]
        y = torch.bmm(x.transpose(0, 1), self.weight)  # [k, b, o]
        return y.transpose(0, 1) + self.bias.unsqueeze(0)


class Towers(nn.Module):
    def __init__(self, tasks, d_in, hidden):
        super().__init__()
        dims = [d_in, *hidden, 1]
        self.layers = nn.ModuleList(GroupedLinear(tasks, a, b) for a, b in zip(dims[:-1], dims[1:]))

    def _rest(self, h):
        for layer in self.layers[1:]:
            h = layer(F.elu(h))
        return h.reshape(h.shape[0], h.shape[1])

    def forward(self, x):  # per-task input [b, k, in] -> [b, k]
        return self._rest(self.layers[0](x))


class MmoeModel(nn.Module):
    """x [batch, channels, window] -> [batch, 1, targets] (the window's last step)."""

    sequence = False

    def __init__(self, in_channels: int, n_targets: int, window: int, num_experts: int = MMOE_EXPERTS,
                 expert: dict | None = None, compressor: dict | None = None, tower_hidden=None):
        super().__init__()
        expert = expert or LFDEEP_ENCODER
        compressor = compressor or LFDEEP_ENCODER
        self.window, self.num_experts = window, num_experts
        self.experts = nn.ModuleList(TcnEncoder(in_channels, **expert) for _ in range(num_experts))
        f_exp = self.experts[0].out_channels * window
        self.compressor = TcnEncoder(in_channels, **compressor)
        f_comp = self.compressor.out_channels * window
        k, e = n_targets, num_experts
        self.expert_bias = nn.Parameter(torch.zeros(e, f_exp))
        self.gate_weight = nn.Parameter(_uniform_(torch.empty(k, f_comp, e), 1.0 / math.sqrt(f_comp)))
        self.gate_bias = nn.Parameter(torch.zeros(k, e))
        self.task_bias = nn.Parameter(torch.zeros(k, f_exp))
        self.towers = Towers(k, f_exp, tower_hidden if tower_hidden is not None else MMOE_TOWER_HIDDEN)
        self.receptive_field = self.compressor.receptive_field

    def _flat(self, h):
        b, c, t = h.shape
        assert t == self.window, f"this model was built for {self.window}-step windows, got {t}"
        return h.reshape(b, c * t)

    def gates(self, x):
        c = self._flat(self.compressor(x))
        k, f, e = self.gate_weight.shape
        w = self.gate_weight.transpose(0, 1).reshape(f, k * e)
        logits = (c @ w).view(c.shape[0], k, e) + self.gate_bias.unsqueeze(0)
        return torch.softmax(logits, dim=2)

    def forward(self, x):
        g = self.gates(x)
        ex = [F.relu(self._flat(enc(x)) + self.expert_bias[i]) for i, enc in enumerate(self.experts)]
        ex = torch.stack(ex, dim=1)  # [b, e, f]
        h = torch.bmm(g, ex) + self.task_bias.unsqueeze(0)  # [b, k, f]
        return self.towers(h).unsqueeze(1)


def lfdeep_param_count(model: nn.Module) -> int:
    """Parameters as lfdeep counts them: trainable tensors plus BatchNorm running statistics."""
    n = sum(p.numel() for p in model.parameters())
    for name, b in model.named_buffers():
        if name.endswith("running_mean") or name.endswith("running_var"):
            n += b.numel()
    return n


def build(model: str, n_synapses: int = 1278, n_segments: int = 639, window: int = 100,
          tcn_layers: int | None = None) -> nn.Module:
    """The preset models for a cell with `n_synapses` inputs and `n_segments` dendritic targets.
    tcn: inputs mode (synapses only); mmoe: teacher mode (synapses + segments + soma).
    `tcn_layers` keeps only the TCN preset's first N layers (to time the first layer apart)."""
    n_targets = 2 + n_segments
    if model == "tcn":
        if tcn_layers is None:
            return TcnModel(n_synapses, n_targets)
        if not 1 <= tcn_layers <= len(TCN_PRESET["channels"]):
            raise ValueError(f"tcn_layers must be 1..{len(TCN_PRESET['channels'])}, got {tcn_layers}")
        enc = dict(TCN_PRESET)
        for k in ("channels", "kernel_sizes", "dilations"):
            enc[k] = TCN_PRESET[k][:tcn_layers]
        return TcnModel(n_synapses, n_targets, encoder=enc)
    if model == "mmoe":
        return MmoeModel(n_synapses + n_segments + 1, n_targets, window)
    raise ValueError(f"model must be tcn or mmoe, got {model!r}")


def in_channels(model: str, n_synapses: int, n_segments: int) -> int:
    return n_synapses if model == "tcn" else n_synapses + n_segments + 1


if __name__ == "__main__":
    for name in ("tcn", "mmoe"):
        m = build(name)
        print(f"{name}: lfdeep count {lfdeep_param_count(m):,} (torch parameters {sum(p.numel() for p in m.parameters()):,})")
