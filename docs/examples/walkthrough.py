# The walkthrough's examples from Python, with 30 correct digits. The inputs are Python floats,
# so 0.9 is the double nearest 0.9: the digits are those of the exact value at that double.
from decimal import Decimal, getcontext

import shannon

D = 30  # correct significant digits; the results are decimal.Decimal
getcontext().prec = 40  # so that arithmetic on them does not round to Decimal's default 28 digits

# 1. Self-information: the less likely, the more surprising.
print("I(0.9)            =", shannon.self_information(0.9, digits=D))
print("I(0.1)            =", shannon.self_information(0.1, digits=D))

# 2. H(P, Q) = H(P) + KL(P||Q); with a one-hot P, H(P) = 0 and all three are -log q[true class].
p, q = [1.0, 0.0, 0.0, 0.0], [0.7, 0.1, 0.1, 0.1]
h_pq = shannon.cross_entropy(p, q, digits=D)
print("H(P, Q)           =", h_pq)
print("KL(P||Q)          =", shannon.kl_divergence(p, q, digits=D))
print("CE, class index 0 =", shannon.categorical_cross_entropy([0], [q], digits=D))

# 3. KL is not symmetric.
p, q = [0.5, 0.5], [0.9, 0.1]
print("KL(P||Q)          =", shannon.kl_divergence(p, q, digits=D))
print("KL(Q||P)          =", shannon.kl_divergence(q, p, digits=D))

# 4. The coin, 6 heads in 10 flips: the negative log-likelihood is n times the cross-entropy
#    between the data's frequencies and Bernoulli(p), smallest at p = 0.6. (The frequency 0.6
#    passed as a double is 0.59999999999999997780 while the likelihood counts exactly, so the
#    two sides agree to 16 digits.)
flips = [1, 1, 1, 1, 1, 1, 0, 0, 0, 0]
for theta in (0.5, 0.6, 0.7):
    nll = shannon.bernoulli_nll(flips, theta, digits=D)
    ce = shannon.cross_entropy([0.6, 0.4], [theta, 1 - theta], digits=D)
    print(f"NLL({theta})          =", nll, "  10 H(P_data, Q) =", 10 * ce)
    assert abs(nll - 10 * ce) < Decimal("1e-15")
