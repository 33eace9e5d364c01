: Ih: hyperpolarisation-activated cation current, i = g m (v - ehcn), ehcn = -45 mV, no temperature factor
: Written for lfdeep from spec/hay2011.md (Hay et al. 2011), not copied from ModelDB.
: Removable singularity x/(exp(x)-1) is evaluated 1e-4 mV away (same rule as the Rust code).

NEURON {
    SUFFIX Ih
    NONSPECIFIC_CURRENT ihcn
    RANGE gIhbar, gIh, mInf, mTau, ehcn
}

UNITS {
    (S) = (siemens)
    (mV) = (millivolt)
    (mA) = (milliamp)
}

PARAMETER {
    gIhbar = 0.00001 (S/cm2)
    ehcn = -45 (mV)
}

ASSIGNED {
    v (mV)
    ihcn (mA/cm2)
    gIh (S/cm2)
    mInf
    mTau (ms)
}

STATE { m }

BREAKPOINT {
    SOLVE states METHOD cnexp
    gIh = gIhbar*m
    ihcn = gIh*(v - ehcn)
}

DERIVATIVE states {
    rates(v)
    m' = (mInf - m)/mTau
}

INITIAL {
    rates(v)
    m = mInf
}

UNITSOFF
FUNCTION nudge(x, x0) {
    if (fabs(x - x0) < 1e-6) { nudge = x0 + 1e-4 } else { nudge = x }
}

PROCEDURE rates(vm) {
    LOCAL u, a, b
    u = nudge(vm, -154.9)
    a = 6.43e-3*(u + 154.9)/(exp((u + 154.9)/11.9) - 1)
    b = 0.193*exp(vm/33.1)
    mInf = a/(a + b)
    mTau = 1/(a + b)
}
UNITSON
