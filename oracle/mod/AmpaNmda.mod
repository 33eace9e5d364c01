: AmpaNmda: NeuronIO excitatory synapse - AMPA and NMDA two-state conductances with a Mg block.
: Written for lfdeep from spec/neuronio.md. Each component g = gmax*(B - A), A' = -A/tau_r,
: B' = -B/tau_d; an event adds weight*factor to A and B, factor normalising the peak of B - A
: to 1. NMDA block B(v) = 1/(1 + exp(-0.08 v)*mg/3.57).

NEURON {
    POINT_PROCESS AmpaNmda
    RANGE tau_r_ampa, tau_d_ampa, tau_r_nmda, tau_d_nmda, gmax_ampa, gmax_nmda, e, mg
    RANGE g_ampa, g_nmda, i
    NONSPECIFIC_CURRENT i
}

UNITS {
    (nA) = (nanoamp)
    (mV) = (millivolt)
    (uS) = (microsiemens)
    (mM) = (milli/liter)
}

PARAMETER {
    tau_r_ampa = 0.3 (ms)
    tau_d_ampa = 3 (ms)
    tau_r_nmda = 2 (ms)
    tau_d_nmda = 70 (ms)
    gmax_ampa = 0.0004 (uS)
    gmax_nmda = 0.0004 (uS)
    e = 0 (mV)
    mg = 1 (mM)
}

ASSIGNED {
    v (mV)
    i (nA)
    g_ampa (uS)
    g_nmda (uS)
    factor_ampa
    factor_nmda
}

STATE {
    A_ampa
    B_ampa
    A_nmda
    B_nmda
}

INITIAL {
    A_ampa = 0
    B_ampa = 0
    A_nmda = 0
    B_nmda = 0
    factor_ampa = peak_factor(tau_r_ampa, tau_d_ampa)
    factor_nmda = peak_factor(tau_r_nmda, tau_d_nmda)
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    g_ampa = gmax_ampa*(B_ampa - A_ampa)
    g_nmda = gmax_nmda*(B_nmda - A_nmda)*mgblock(v)
    i = (g_ampa + g_nmda)*(v - e)
}

DERIVATIVE states {
    A_ampa' = -A_ampa/tau_r_ampa
    B_ampa' = -B_ampa/tau_d_ampa
    A_nmda' = -A_nmda/tau_r_nmda
    B_nmda' = -B_nmda/tau_d_nmda
}

UNITSOFF
FUNCTION peak_factor(tr, td) {
    LOCAL tp
    tp = (tr*td)/(td - tr)*log(td/tr)
    peak_factor = 1/(exp(-tp/td) - exp(-tp/tr))
}

FUNCTION mgblock(vm) {
    mgblock = 1/(1 + exp(-0.08*vm)*mg/3.57)
}
UNITSON

NET_RECEIVE(weight) {
    A_ampa = A_ampa + weight*factor_ampa
    B_ampa = B_ampa + weight*factor_ampa
    A_nmda = A_nmda + weight*factor_nmda
    B_nmda = B_nmda + weight*factor_nmda
}
