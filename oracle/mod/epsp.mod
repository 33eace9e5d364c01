: epsp: Hay's EPSP-like current injection for the BAC protocol, written for lfdeep from
: spec/hay2011.md: injected current imax*adjust*((1-exp(-s/tau0)) - (1-exp(-s/tau1))),
: s = t - onset >= 0, adjust normalising the bracket's peak to 1. As a NONSPECIFIC_CURRENT
: (outward positive) the injection is its negative.

NEURON {
    POINT_PROCESS epsp
    RANGE onset, tau0, tau1, imax, i
    NONSPECIFIC_CURRENT i
}

UNITS {
    (nA) = (nanoamp)
    (mV) = (millivolt)
}

PARAMETER {
    onset = 0 (ms)
    tau0 = 0.5 (ms)
    tau1 = 5 (ms)
    imax = 0 (nA)
}

ASSIGNED {
    v (mV)
    i (nA)
}

BREAKPOINT {
    i = -injected(t)
}

UNITSOFF
FUNCTION guarded_exp(x) {
    if (x < -100) {
        guarded_exp = 0
    } else {
        guarded_exp = exp(x)
    }
}

FUNCTION injected(tt) {
    LOCAL tpeak, adjust, s
    if (tt < onset) {
        injected = 0
    } else {
        tpeak = tau0*tau1*log(tau0/tau1)/(tau0 - tau1)
        adjust = 1/((1 - guarded_exp(-tpeak/tau0)) - (1 - guarded_exp(-tpeak/tau1)))
        s = tt - onset
        injected = imax*adjust*((1 - guarded_exp(-s/tau0)) - (1 - guarded_exp(-s/tau1)))
    }
}
UNITSON
