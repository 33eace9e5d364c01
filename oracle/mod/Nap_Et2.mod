: Nap_Et2: persistent Na current, i = g m^3 h (v - ena)
: Written for lfdeep from spec/hay2011.md (Hay et al. 2011), not copied from ModelDB.
: Removable singularities x/(1-exp(x)) are evaluated 1e-4 mV away (same rule as the Rust code).

NEURON {
    SUFFIX Nap_Et2
    USEION na READ ena WRITE ina
    RANGE gNap_Et2bar, gNap_Et2, mInf, mTau, hInf, hTau
}

UNITS {
    (S) = (siemens)
    (mV) = (millivolt)
    (mA) = (milliamp)
}

PARAMETER {
    gNap_Et2bar = 0.00001 (S/cm2)
}

ASSIGNED {
    v (mV)
    ena (mV)
    ina (mA/cm2)
    gNap_Et2 (S/cm2)
    mInf
    mTau (ms)
    hInf
    hTau (ms)
}

STATE { m h }

BREAKPOINT {
    SOLVE states METHOD cnexp
    gNap_Et2 = gNap_Et2bar*m*m*m*h
    ina = gNap_Et2*(v - ena)
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
    mInf = 1/(1 + exp(-(vm + 52.6)/4.6))
    u = nudge(vm, -38)
    am = 0.182*(u + 38)/(1 - exp(-(u + 38)/6))
    bm = 0.124*(-u - 38)/(1 - exp((u + 38)/6))
    mTau = 6*(1/(am + bm))/qt
    hInf = 1/(1 + exp((vm + 48.8)/10))
    u = nudge(vm, -17)
    ah = -2.88e-6*(u + 17)/(1 - exp((u + 17)/4.63))
    u = nudge(vm, -64.4)
    bh = 6.94e-6*(u + 64.4)/(1 - exp(-(u + 64.4)/2.63))
    hTau = (1/(ah + bh))/qt
}
UNITSON
