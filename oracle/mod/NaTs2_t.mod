: NaTs2_t: fast inactivating Na current (soma/apical variant), i = g m^3 h (v - ena)
: Written for lfdeep from spec/hay2011.md (Hay et al. 2011), not copied from ModelDB.
: Removable singularities x/(1-exp(x)) are evaluated 1e-4 mV away (same rule as the Rust code).

NEURON {
    SUFFIX NaTs2_t
    USEION na READ ena WRITE ina
    RANGE gNaTs2_tbar, gNaTs2_t, mInf, mTau, hInf, hTau
}

UNITS {
    (S) = (siemens)
    (mV) = (millivolt)
    (mA) = (milliamp)
}

PARAMETER {
    gNaTs2_tbar = 0.00001 (S/cm2)
}

ASSIGNED {
    v (mV)
    ena (mV)
    ina (mA/cm2)
    gNaTs2_t (S/cm2)
    mInf
    mTau (ms)
    hInf
    hTau (ms)
}

STATE { m h }

BREAKPOINT {
    SOLVE states METHOD cnexp
    gNaTs2_t = gNaTs2_tbar*m*m*m*h
    ina = gNaTs2_t*(v - ena)
}

DERIVATIVE states {
    rates(v)
    m' = (mInf - m)/mTau
    h' = (hInf - h)/hTau
}

INITIAL {
    rates(v)
    m = mInf
    h = hInf
}

UNITSOFF
FUNCTION nudge(x, x0) {
    if (fabs(x - x0) < 1e-6) { nudge = x0 + 1e-4 } else { nudge = x }
}

PROCEDURE rates(vm) {
    LOCAL qt, u, am, bm, ah, bh
    qt = 2.3^((34 - 21)/10)
    u = nudge(vm, -32)
    am = 0.182*(u + 32)/(1 - exp(-(u + 32)/6))
    bm = 0.124*(-u - 32)/(1 - exp((u + 32)/6))
    mInf = am/(am + bm)
    mTau = (1/(am + bm))/qt
    u = nudge(vm, -60)
    ah = -0.015*(u + 60)/(1 - exp((u + 60)/6))
    bh = -0.015*(-u - 60)/(1 - exp((-u - 60)/6))
    hInf = ah/(ah + bh)
    hTau = (1/(ah + bh))/qt
}
UNITSON
