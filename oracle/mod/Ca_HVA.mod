: Ca_HVA: high-voltage-activated Ca current, i = g m^2 h (v - eca), no temperature factor
: Written for lfdeep from spec/hay2011.md (Hay et al. 2011), not copied from ModelDB.
: Removable singularity x/(exp(x)-1) is evaluated 1e-4 mV away (same rule as the Rust code).

NEURON {
    SUFFIX Ca_HVA
    USEION ca READ eca WRITE ica
    RANGE gCa_HVAbar, gCa_HVA, mInf, mTau, hInf, hTau
}

UNITS {
    (S) = (siemens)
    (mV) = (millivolt)
    (mA) = (milliamp)
}

PARAMETER {
    gCa_HVAbar = 0.00001 (S/cm2)
}

ASSIGNED {
    v (mV)
    eca (mV)
    ica (mA/cm2)
    gCa_HVA (S/cm2)
    mInf
    mTau (ms)
    hInf
    hTau (ms)
}

STATE { m h }

BREAKPOINT {
    SOLVE states METHOD cnexp
    gCa_HVA = gCa_HVAbar*m*m*h
    ica = gCa_HVA*(v - eca)
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
    LOCAL u, am, bm, ah, bh
    u = nudge(vm, -27)
    am = 0.055*(-27 - u)/(exp((-27 - u)/3.8) - 1)
    bm = 0.94*exp((-75 - vm)/17)
    mInf = am/(am + bm)
    mTau = 1/(am + bm)
    ah = 4.57e-4*exp((-13 - vm)/50)
    bh = 0.0065/(exp((-vm - 15)/28) + 1)
    hInf = ah/(ah + bh)
    hTau = 1/(ah + bh)
}
UNITSON
