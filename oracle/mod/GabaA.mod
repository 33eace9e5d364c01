: GabaA: NeuronIO inhibitory synapse, a two-state conductance g = gmax*(B - A) with
: A' = -A/tau_r, B' = -B/tau_d and the peak-normalising jump on each event.
: Written for lfdeep from spec/neuronio.md (tau_r 0.2 ms, tau_d 8 ms, gmax 1 nS, e -80 mV).

NEURON {
    POINT_PROCESS GabaA
    RANGE tau_r, tau_d, gmax, e, g, i
    NONSPECIFIC_CURRENT i
}

UNITS {
    (nA) = (nanoamp)
    (mV) = (millivolt)
    (uS) = (microsiemens)
}

PARAMETER {
    tau_r = 0.2 (ms)
    tau_d = 8 (ms)
    gmax = 0.001 (uS)
    e = -80 (mV)
}

ASSIGNED {
    v (mV)
    i (nA)
    g (uS)
    factor
}

STATE {
    A
    B
}

INITIAL {
    LOCAL tp
    A = 0
    B = 0
    tp = (tau_r*tau_d)/(tau_d - tau_r)*log(tau_d/tau_r)
    factor = 1/(exp(-tp/tau_d) - exp(-tp/tau_r))
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gmax*(B - A)
    i = g*(v - e)
}

DERIVATIVE states {
    A' = -A/tau_r
    B' = -B/tau_d
}

NET_RECEIVE(weight) {
    A = A + weight*factor
    B = B + weight*factor
}
