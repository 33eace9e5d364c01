: CaDynamics_E2: intracellular Ca in a submembrane shell, driven by ica and decaying to minCai
: Written for lfdeep from spec/hay2011.md (Hay et al. 2011), not copied from ModelDB.
: dcai/dt = -1e4 * ica * gamma / (2 F depth) - (cai - minCai)/decay;
: 1e4 converts mA/cm2 / (C/mol * um) to mM/ms. cai starts at the ion's cai0 (5e-5 mM).

NEURON {
    SUFFIX CaDynamics_E2
    USEION ca READ ica WRITE cai
    RANGE decay, gamma, minCai, depth
}

UNITS {
    (mV) = (millivolt)
    (mA) = (milliamp)
    (molar) = (1/liter)
    (mM) = (millimolar)
    (um) = (micron)
}

PARAMETER {
    gamma = 0.05 : fraction of Ca entering the shell that stays free (not buffered)
    decay = 80 (ms) : time constant of removal
    depth = 0.1 (um) : shell depth
    minCai = 1e-4 (mM) : resting level the removal drives cai to
}

CONSTANT {
    faraday_spec = 96485.309 : C/mol, the value the spec fixes (NEURON 9's own FARADAY is 96485.33212)
}

ASSIGNED { ica (mA/cm2) }

STATE { cai (mM) }

BREAKPOINT { SOLVE states METHOD cnexp }

UNITSOFF
DERIVATIVE states {
    cai' = -(10000)*(ica*gamma/(2*faraday_spec*depth)) - (cai - minCai)/decay
}
UNITSON
