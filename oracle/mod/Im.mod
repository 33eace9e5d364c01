: Im: muscarinic K current, i = g m (v - ek)
: Written for lfdeep from spec/hay2011.md (Hay et al. 2011), not copied from ModelDB.

NEURON {
    SUFFIX Im
    USEION k READ ek WRITE ik
    RANGE gImbar, gIm, mInf, mTau
}

UNITS {
    (S) = (siemens)
    (mV) = (millivolt)
    (mA) = (milliamp)
}

PARAMETER {
    gImbar = 0.00001 (S/cm2)
}

ASSIGNED {
    v (mV)
    ik (mA/cm2)
    gIm (S/cm2)
    mInf
    mTau (ms)
    ek (mV)
}

STATE { m }

BREAKPOINT {
    SOLVE states METHOD cnexp
    gIm = gImbar*m
    ik = gIm*(v - ek)
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
PROCEDURE rates(vm) {
    LOCAL qt, a, b
    qt = 2.3^((34 - 21)/10)
    a = 3.3e-3*exp(0.1*(vm + 35))
    b = 3.3e-3*exp(-0.1*(vm + 35))
    mInf = a/(a + b)
    mTau = (1/(a + b))/qt
}
UNITSON
