: SKv3_1: Kv3.1 fast delayed-rectifier K current, i = g m (v - ek), no temperature factor
: Written for lfdeep from spec/hay2011.md (Hay et al. 2011), not copied from ModelDB.

NEURON {
    SUFFIX SKv3_1
    USEION k READ ek WRITE ik
    RANGE gSKv3_1bar, gSKv3_1, mInf, mTau
}

UNITS {
    (S) = (siemens)
    (mV) = (millivolt)
    (mA) = (milliamp)
}

PARAMETER {
    gSKv3_1bar = 0.00001 (S/cm2)
}

ASSIGNED {
    v (mV)
    ik (mA/cm2)
    gSKv3_1 (S/cm2)
    mInf
    mTau (ms)
    ek (mV)
}

STATE { m }

BREAKPOINT {
    SOLVE states METHOD cnexp
    gSKv3_1 = gSKv3_1bar*m
    ik = gSKv3_1*(v - ek)
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
    mInf = 1/(1 + exp((vm - 18.7)/(-9.7)))
    mTau = 4/(1 + exp((vm + 46.56)/(-44.14)))
}
UNITSON
