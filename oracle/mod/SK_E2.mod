: SK_E2: small-conductance Ca-activated K current, i = g z (v - ek), z driven by cai
: Written for lfdeep from spec/hay2011.md (Hay et al. 2011), not copied from ModelDB.

NEURON {
    SUFFIX SK_E2
    USEION k READ ek WRITE ik
    USEION ca READ cai
    RANGE gSK_E2bar, gSK_E2, zInf, zTau
}

UNITS {
    (S) = (siemens)
    (mV) = (millivolt)
    (mA) = (milliamp)
    (mM) = (milli/liter)
}

PARAMETER {
    gSK_E2bar = 0.000001 (S/cm2)
    zTau = 1 (ms)
}

ASSIGNED {
    v (mV)
    ek (mV)
    cai (mM)
    ik (mA/cm2)
    gSK_E2 (S/cm2)
    zInf
}

STATE { z }

BREAKPOINT {
    SOLVE states METHOD cnexp
    gSK_E2 = gSK_E2bar*z
    ik = gSK_E2*(v - ek)
}

DERIVATIVE states {
    rates(cai)
    z' = (zInf - z)/zTau
}

INITIAL {
    rates(cai)
    z = zInf
}

UNITSOFF
PROCEDURE rates(ca) {
    LOCAL c
    : below 1e-7 mM the published model adds 1e-7 mM (keeps the power law finite at cai = 0)
    c = ca
    if (c < 1e-7) { c = c + 1e-7 }
    zInf = 1/(1 + (0.00043/c)^4.8)
}
UNITSON
